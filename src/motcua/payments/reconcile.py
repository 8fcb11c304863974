"""Reconciliation with the gateway's settlement file (đối soát giao dịch).

The settlement file is a CSV the gateway sends the merchant every day, one line per transaction.
Columns (header row, names case-insensitive; VNPay's own names accepted as aliases):

* ``txn_ref`` (``vnp_TxnRef``): our order reference;
* ``amount``: the amount in dong (``vnp_Amount`` is accepted and divided by 100);
* ``status``: ``success`` (``00``) or ``refund``;
* ``date``: the settlement day, ``dd/mm/yyyy`` or ``yyyy-mm-dd``.

``reconcile`` compares it with the payments recorded here for the days the file covers and
lists every mismatch; it changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass

from motcua.core import dates
from motcua.payments.models import Payment, PaymentStatus

ALIASES = {
    "txn_ref": ("txn_ref", "vnp_txnref", "ma_giao_dich", "order"),
    "amount": ("amount", "so_tien"),
    "amount100": ("vnp_amount",),
    "status": ("status", "trang_thai", "vnp_transactionstatus"),
    "date": ("date", "ngay", "settlement_date"),
}
SUCCESS = {"success", "00", "thanh_cong", "paid"}
REFUND = {"refund", "refunded", "hoan_tien", "02"}


class SettlementError(ValueError):
    """The file cannot be read (missing column, a line we cannot parse)."""


@dataclass(frozen=True)
class Line:
    line: int
    txn_ref: str
    amount: int
    status: str  # "success" | "refund"
    day: dt.date


@dataclass(frozen=True)
class Mismatch:
    kind: str
    txn_ref: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}\t{self.txn_ref}\t{self.detail}"


def read_settlement(text: str) -> list[Line]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    headers = {(h or "").strip().lower(): h for h in (reader.fieldnames or [])}

    def column(key: str) -> str | None:
        return next((headers[a] for a in ALIASES[key] if a in headers), None)

    ref_col, amount_col, amount100_col = column("txn_ref"), column("amount"), column("amount100")
    status_col, date_col = column("status"), column("date")
    missing = [name for name, col in (("txn_ref", ref_col), ("status", status_col),
                                      ("date", date_col)) if col is None]
    if amount_col is None and amount100_col is None:
        missing.append("amount")
    if missing:
        raise SettlementError(f"Thiếu cột: {', '.join(missing)}.")
    lines = []
    for number, row in enumerate(reader, start=2):
        try:
            if amount_col is not None:
                amount = int(row[amount_col].strip())
            else:
                raw = int(row[amount100_col].strip())
                if raw % 100:
                    raise ValueError(raw)
                amount = raw // 100
            status = row[status_col].strip().lower()
            status = "success" if status in SUCCESS else "refund" if status in REFUND else status
            if status not in ("success", "refund"):
                raise ValueError(status)
            day = dates.parse_date(row[date_col].strip())
        except (ValueError, AttributeError, KeyError) as exc:
            raise SettlementError(f"Dòng {number}: không đọc được ({exc}).") from None
        lines.append(Line(number, row[ref_col].strip(), amount, status, day))
    return lines


def reconcile(lines: Iterable[Line], *, provider: str = "vnpay",
              start: dt.date | None = None, end: dt.date | None = None) -> list[Mismatch]:
    """Mismatches between the settlement ``lines`` and our payments of ``provider`` confirmed
    on the days ``start``..``end`` (default: the days the file covers)."""
    lines = list(lines)
    if not lines and (start is None or end is None):
        return []
    start = start or min(x.day for x in lines)
    end = end or max(x.day for x in lines)
    refs = {x.txn_ref for x in lines}
    ours = {p.txn_ref: p for p in Payment.objects.filter(provider=provider, txn_ref__in=refs)}
    found: list[Mismatch] = []
    seen: set[str] = set()
    for x in lines:
        p = ours.get(x.txn_ref)
        if x.status == "success":
            if x.txn_ref in seen:
                found.append(Mismatch("duplicate_in_file", x.txn_ref, f"dòng {x.line}"))
                continue
            seen.add(x.txn_ref)
        if p is None:
            found.append(Mismatch("unknown_order", x.txn_ref,
                                  f"dòng {x.line}: {x.amount} đồng, không có giao dịch này"))
            continue
        if p.amount != x.amount:
            found.append(Mismatch("amount_mismatch", x.txn_ref,
                                  f"tệp {x.amount} đồng, hệ thống {p.amount} đồng"))
        if x.status == "success" and p.status not in (PaymentStatus.CONFIRMED,
                                                      PaymentStatus.REFUNDED):
            found.append(Mismatch("not_confirmed_here", x.txn_ref,
                                  f"cổng báo thành công, hệ thống: {p.status}"))
        if x.status == "refund" and p.status != PaymentStatus.REFUNDED:
            found.append(Mismatch("refund_not_recorded", x.txn_ref,
                                  f"cổng báo hoàn tiền, hệ thống: {p.status}"))
    confirmed = Payment.objects.filter(
        provider=provider, status__in=[PaymentStatus.CONFIRMED, PaymentStatus.REFUNDED],
        confirmed_at__date__gte=start, confirmed_at__date__lte=end,
    ).exclude(txn_ref__in=seen)
    for p in confirmed.order_by("confirmed_at"):
        found.append(Mismatch("missing_in_settlement", p.txn_ref,
                              f"hệ thống đã xác nhận {p.amount} đồng, tệp không có"))
    return found
