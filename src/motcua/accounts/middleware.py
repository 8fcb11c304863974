"""Session rules for staff: idle timeout, and two-factor verification before any page."""

from __future__ import annotations

import time
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import get_script_prefix, get_urlconf, reverse

LAST_SEEN = "motcua_last_seen"
IDLE_ENDED = "motcua_idle_ended"
HAS_DEVICE = "motcua_otp_device"
# Write the last-seen time at most this often: not a session write on every request.
_TOUCH_SECONDS = 60


class IdleSessionMiddleware:
    """Log a staff member out after ``MOTCUA_SESSION_IDLE_MINUTES`` without a request.

    The session cookie itself ends at browser close (SESSION_EXPIRE_AT_BROWSER_CLOSE) and the
    stored session an hour after the idle time (SESSION_COOKIE_AGE), as a backstop.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        # Only sessions with a login: anonymous visitors never touch the session store.
        if session is not None and session.get(SESSION_KEY):
            now = int(time.time())
            last = session.get(LAST_SEEN)
            if last is not None and now - last > settings.MOTCUA_SESSION_IDLE_MINUTES * 60:
                logout(request)
                request.session[IDLE_ENDED] = True
            elif last is None or now - last >= _TOUCH_SECONDS:
                session[LAST_SEEN] = now
        return self.get_response(request)


# The paths a signed-in user not yet verified may still reach, per (script prefix, URLconf,
# STATIC_URL): what they are made of. Five ``reverse`` calls were ~320 Python calls on every
# request with a signed-in session.
_EXEMPT: dict[tuple, tuple[str, ...]] = {}


def exempt_prefixes() -> tuple[str, ...]:
    key = (get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF, settings.STATIC_URL)
    prefixes = _EXEMPT.get(key)
    if prefixes is None:
        prefixes = _EXEMPT[key] = (
            reverse("accounts:otp-verify"), reverse("accounts:otp-enrol"), reverse("logout"),
            reverse("login"), settings.STATIC_URL, "/i18n/",
        )
    return prefixes


def _exempt(path: str) -> bool:
    return path.startswith(exempt_prefixes())


def has_confirmed_device(request) -> bool:
    """Whether the logged-in user has a confirmed TOTP device, remembered in the session."""
    from django_otp import user_has_device

    cached = request.session.get(HAS_DEVICE)
    if cached is None:
        cached = user_has_device(request.user, confirmed=True)
        request.session[HAS_DEVICE] = cached
    return cached


class TwoFactorMiddleware:
    """A logged-in user who must (by policy) or chose to (enrolled a device) use two-factor
    sees only the verification or enrolment page until a code is entered."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.get(SESSION_KEY) and not _exempt(request.path):
            response = self._gate(request)
            if response is not None:
                return response
        return self.get_response(request)

    def _gate(self, request):
        from motcua.accounts.policy import two_factor_required

        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        enrolled = has_confirmed_device(request)
        if not enrolled and not two_factor_required(user):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"code": "otp_required", "message": "Cần nhập mã xác thực hai bước.",
                 "fields": {}}, status=403,
            )
        target = "accounts:otp-verify" if enrolled else "accounts:otp-enrol"
        return HttpResponseRedirect(
            f"{reverse(target)}?next={quote(request.get_full_path())}"
        )
