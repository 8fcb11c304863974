"""Reads: what a dossier owes (số tiền phải nộp), what it paid, the daily statement."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate

from motcua.catalog.fees import Assessment, FeeLine, assess
from motcua.dossiers.models import Dossier
from motcua.dossiers.states import Channel
from motcua.payments.models import FeeChoice, Payment, PaymentStatus, Receipt

__all__ = ["FeeLine", "fee_assessment", "fee_lines", "version_fee_lines", "version_fee_total"]


def fee_assessment(dossier: Dossier) -> Assessment:
    """The fee lines of a dossier (phí, lệ phí), computed by ``catalog.fees.assess`` from the
    fees of the procedure version it was received under, with the copies and exemption entered
    at intake (``FeeChoice``; none: 1 copy, no exemption) and the online reduction when it was
    submitted online."""
    choice = FeeChoice.objects.filter(dossier=dossier).first()
    return assess(dossier.procedure_version.fees.all(),
                  copies=choice.copies if choice else 1,
                  online=dossier.channel == Channel.ONLINE,
                  exemption=choice.exemption if choice else "")


def fee_lines(dossier: Dossier) -> list[FeeLine]:
    """The fees of the procedure version the dossier was received under (phí, lệ phí)."""
    return list(fee_assessment(dossier).lines)


def version_fee_lines(version, *, online: bool = False, copies: int = 1,
                      exemption: str = "") -> Assessment:
    """A procedure version's fees before any dossier (the intake page, the portal)."""
    return assess(version.fees.all(), copies=copies, online=online, exemption=exemption)


def version_fee_total(version, *, online: bool = False) -> int:
    """What a dossier of this version owes with one copy and no exemption (intake's default)."""
    return version_fee_lines(version, online=online).total


def amount_owed(dossier: Dossier) -> int:
    """Everything the dossier owes, in dong: its ``fee_total`` (the version's fixed fees at
    intake, or the amount an officer set when asking for the financial obligation)."""
    return int(dossier.fee_total or 0)


def amount_paid(dossier: Dossier) -> int:
    total = Payment.objects.filter(dossier=dossier, status=PaymentStatus.CONFIRMED).aggregate(
        s=Sum("amount"))["s"]
    return int(total or 0)


def amount_due(dossier: Dossier) -> int:
    """What is left to pay, in dong (never below zero)."""
    return max(amount_owed(dossier) - amount_paid(dossier), 0)


def dossier_payments(dossier: Dossier):
    return Payment.objects.filter(dossier=dossier).order_by("created_at", "pk")


def dossier_receipts(dossier: Dossier):
    return (Receipt.objects.filter(dossier=dossier).select_related("cancels", "unit")
            .order_by("issued_at", "pk"))


@dataclass(frozen=True)
class StatementRow:
    day: dt.date
    unit_id: int
    unit_name: str
    provider: str  # "" for the counter
    expected: int
    expected_count: int
    confirmed: int
    confirmed_count: int
    refunded: int
    pending: int


def _scoped(rows, scope: dict | None):
    """Limit to a report scope ({"receiving_unit": ids, "competent_unit": ids}; None: all)."""
    if scope is None:
        return rows
    return rows.filter(Q(unit_id__in=scope.get("receiving_unit") or ())
                       | Q(dossier__competent_unit_id__in=scope.get("competent_unit") or ()))


def daily_statement(*, start: dt.date, end: dt.date, scope: dict | None = None
                    ) -> list[StatementRow]:
    """Per day, unit and provider (bảng kê đối soát): expected (every payment started that day
    that did not fail or was cancelled), confirmed, refunded and still pending, in dong."""
    from django.utils import timezone

    tz = timezone.get_default_timezone()
    rows = _scoped(Payment.objects.filter(created_at__date__gte=start, created_at__date__lte=end),
                   scope)
    live = ~Q(status__in=[PaymentStatus.FAILED, PaymentStatus.CANCELLED])
    data = (
        rows.annotate(day=TruncDate("created_at", tzinfo=tz))
        .values("day", "unit_id", "unit__name", "provider")
        .annotate(
            expected=Sum("amount", filter=live), expected_count=Count("pk", filter=live),
            confirmed=Sum("amount", filter=Q(status__in=[PaymentStatus.CONFIRMED,
                                                         PaymentStatus.REFUNDED])),
            confirmed_count=Count("pk", filter=Q(status__in=[PaymentStatus.CONFIRMED,
                                                             PaymentStatus.REFUNDED])),
            refunded=Sum("amount", filter=Q(status=PaymentStatus.REFUNDED)),
            pending=Sum("amount", filter=Q(status=PaymentStatus.PENDING)),
        )
        .order_by("day", "unit__name", "provider")
    )
    return [
        StatementRow(day=r["day"], unit_id=r["unit_id"], unit_name=r["unit__name"],
                     provider=r["provider"], expected=r["expected"] or 0,
                     expected_count=r["expected_count"], confirmed=r["confirmed"] or 0,
                     confirmed_count=r["confirmed_count"], refunded=r["refunded"] or 0,
                     pending=r["pending"] or 0)
        for r in data
    ]


def collected(*, start: dt.date, end: dt.date, by: str = "field",
              scope: dict | None = None) -> list[dict]:
    """Fees collected (confirmed, not refunded) per field (lĩnh vực) or agency (cơ quan), for
    payments confirmed between ``start`` and ``end`` (inclusive, local dates)."""
    key = {
        "field": ("dossier__procedure_version__field__name",),
        "agency": ("dossier__competent_unit__name",),
    }[by]
    data = (
        _scoped(Payment.objects.filter(status=PaymentStatus.CONFIRMED,
                                       confirmed_at__date__gte=start, confirmed_at__date__lte=end),
                scope)
        .values(*key)
        .annotate(total=Sum("amount"), count=Count("pk"),
                  online=Sum("amount", filter=Q(method="online")))
        .order_by(*key)
    )
    return [{"name": r[key[0]] or "", "total": r["total"] or 0, "count": r["count"],
             "online": r["online"] or 0} for r in data]
