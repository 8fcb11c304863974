"""Login lockouts (khóa đăng nhập) kept by django-axes, and the center manager's unlock."""

from __future__ import annotations

from dataclasses import dataclass

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.db import transaction
from django.db.models import Max, Sum

from motcua.accounts.tokens import CHAIN
from motcua.audit.services import audit_record


@dataclass(frozen=True)
class Lock:
    kind: str  # "username" or "ip_address"
    value: str
    failures: int
    last_attempt: object


def locked() -> list[Lock]:
    """The accounts and addresses refused now (failures at or above their limit)."""
    result = []
    for kind, limit in (("username", settings.AXES_FAILURE_LIMIT),
                        ("ip_address", settings.MOTCUA_LOCKOUT_ADDRESS_FAILURES)):
        rows = (
            AccessAttempt.objects.exclude(**{f"{kind}__isnull": True}).values(kind)
            .annotate(n=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(n__gte=limit).order_by("-last")
        )
        result += [Lock(kind, row[kind], row["n"], row["last"]) for row in rows]
    return result


def lockout_lift(*, actor, username: str | None = None, ip_address: str | None = None) -> int:
    """Lift the lockout of an account (username) or an address; returns the rows removed."""
    if not username and not ip_address:
        return 0
    with transaction.atomic():
        count = reset(ip=ip_address, username=username)
        audit_record(actor=actor, event_type="login.unlocked", chain=CHAIN,
                     data={"username": username or "", "ip_address": ip_address or "",
                           "attempts": count})
    return count


def lockout_response(request, original_response, credentials):
    """What a locked-out login gets: the API's error shape, or the Vietnamese page."""
    from django.http import JsonResponse
    from django.shortcuts import render

    hours = settings.AXES_COOLOFF_TIME
    if request.path.startswith("/api/"):
        return JsonResponse({
            "code": "locked_out",
            "message": "Tài khoản hoặc địa chỉ tạm bị khóa do đăng nhập sai nhiều lần.",
            "fields": {},
        }, status=429)
    return render(request, "accounts/locked_out.html", {"cooloff_hours": hours}, status=429)
