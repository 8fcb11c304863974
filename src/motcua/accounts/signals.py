"""Session bookkeeping at login."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from motcua.accounts.middleware import HAS_DEVICE, IDLE_ENDED, LAST_SEEN


@receiver(user_logged_in)
def _fresh_session_flags(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    from django_otp import user_has_device

    # Whether the user has a two-factor device is asked once, at login: not on every page.
    request.session[HAS_DEVICE] = user_has_device(user, confirmed=True)
    request.session.pop(IDLE_ENDED, None)
    import time

    request.session[LAST_SEEN] = int(time.time())
