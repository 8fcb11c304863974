"""Account pages (tài khoản): two-factor enrolment and verification, API tokens of one's own
devices, and the center manager's list of locked logins."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.accounts import lockouts, tokens
from motcua.accounts.middleware import HAS_DEVICE
from motcua.accounts.models import ApiToken
from motcua.accounts.policy import can_unlock_accounts, two_factor_required
from motcua.audit.services import audit_record


def _next(request, default="/can-bo/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        return default
    return target


def _code(request) -> str:
    return "".join((request.POST.get("code") or "").split())[:12]


@login_required
@require_http_methods(["GET", "POST"])
def otp_enrol(request):
    """Enrol an authenticator app (đăng ký xác thực hai bước): scan the QR, enter a code."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
            return redirect("accounts:otp-verify")
        device = TOTPDevice.objects.create(user=request.user, name="TOTP", confirmed=False)
    error = None
    if request.method == "POST":
        if device.verify_is_allowed()[0] and device.verify_token(_code(request)):
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                audit_record(actor=request.user, event_type="otp.enrolled", chain=tokens.CHAIN,
                             obj=device, data={"user": request.user.username})
            otp_login(request, device)
            request.session[HAS_DEVICE] = True
            messages.success(request, _("Đã bật xác thực hai bước."))
            return redirect(_next(request))
        error = _("Mã xác thực không đúng. Hãy nhập mã gồm 6 chữ số đang hiện trong ứng dụng.")
    qr = segno.make(device.config_url, error="m")
    return render(request, "accounts/otp_enrol.html", {
        "qr_svg": qr.svg_data_uri(scale=4), "secret": _base32(device), "error": error,
        "required": two_factor_required(request.user), "next": _next(request),
    }, status=400 if error else 200)


def _base32(device) -> str:
    import base64

    return base64.b32encode(device.bin_key).decode().rstrip("=")


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request):
    """Enter the current code (nhập mã xác thực) after the password."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        return redirect("accounts:otp-enrol")
    error = None
    if request.method == "POST":
        allowed, _info = device.verify_is_allowed()
        if allowed and device.verify_token(_code(request)):
            otp_login(request, device)
            return redirect(_next(request))
        error = (_("Mã xác thực không đúng.") if allowed
                 else _("Nhập sai quá nhiều lần, vui lòng chờ một lát rồi thử lại."))
    return render(request, "accounts/otp_verify.html", {"error": error, "next": _next(request)},
                  status=400 if error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def account(request):
    """One's own account: two-factor status and the API tokens of one's devices."""
    new_key = None
    if request.method == "POST":
        try:
            _token, new_key = tokens.token_issue(user=request.user, actor=request.user,
                                                 name=request.POST.get("name", ""))
        except Exception as exc:  # InvalidInput: shown on the page
            from motcua.core.errors import DomainError

            if not isinstance(exc, DomainError):
                raise
            messages.error(request, exc.message)
    return render(request, "accounts/account.html", {
        "tokens": ApiToken.objects.filter(user=request.user, revoked_at__isnull=True),
        "new_key": new_key,
        "has_device": TOTPDevice.objects.filter(user=request.user, confirmed=True).exists(),
        "required": two_factor_required(request.user),
        "can_unlock": can_unlock_accounts(request.user),
    })


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    tokens.token_revoke(token=token, actor=request.user)
    messages.success(request, _("Đã thu hồi mã truy cập “%(name)s”.") % {"name": token.name})
    return redirect("accounts:account")


@login_required
@require_http_methods(["GET", "POST"])
def locked_logins(request):
    """Locked logins (tài khoản bị khóa đăng nhập) for the center manager to lift."""
    if not can_unlock_accounts(request.user):
        raise PermissionDenied
    if request.method == "POST":
        count = lockouts.lockout_lift(
            actor=request.user, username=request.POST.get("username") or None,
            ip_address=request.POST.get("ip_address") or None,
        )
        messages.success(request, _("Đã mở khóa (%(n)s lượt ghi nhận).") % {"n": count})
        return redirect("accounts:locked")
    return render(request, "accounts/locked.html", {"locks": lockouts.locked()})
