"""What a dossier owes (số tiền phải nộp): the one place fees are computed from the catalog's fee
records (phí, lệ phí) — fixed or per-copy amounts, an online-submission reduction, exemptions.

Pure: no database access beyond the fee rows given; intake (``fee_total``), the payment pages,
the staff fee card and the receipt slip (Mẫu 01) all call :func:`assess`, so they never differ.
Money is an integer number of dong; a reduction is rounded down (in the citizen's disfavour by at
most one dong, never below zero) so the amount owed is ``gross - gross * percent // 100``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

MAX_COPIES = 1000


@dataclass(frozen=True)
class FeeLine:
    """One fee of the dossier: ``amount`` is what is owed for it (None: the catalog states no
    fixed amount, "theo quy định", counted as 0 in the total)."""

    name: str
    amount: int | None
    unit_amount: int | None = None
    copies: int = 1
    per_copy: bool = False
    gross: int | None = None
    reduction_percent: int = 0
    exempt: str = ""  # the exemption category applied (miễn), "" when none

    @property
    def reduction(self) -> int:
        return (self.gross or 0) - (self.amount or 0)


@dataclass(frozen=True)
class Assessment:
    lines: tuple[FeeLine, ...]

    @property
    def total(self) -> int:
        return sum(line.amount or 0 for line in self.lines)


def _get(fee: Any, name: str, default: Any) -> Any:
    if isinstance(fee, dict):
        return fee.get(name, default)
    return getattr(fee, name, default)


def exemption_choices(fees: Iterable[Any]) -> list[str]:
    """Every exemption category the fees record, in order, once (for the intake picker)."""
    seen: list[str] = []
    for fee in fees:
        for category in _get(fee, "exemptions", None) or ():
            if category and category not in seen:
                seen.append(category)
    return seen


def assess(fees: Iterable[Any], *, copies: int = 1, online: bool = False,
           exemption: str = "") -> Assessment:
    """The fee lines of a dossier from its procedure version's fees (model rows, records or
    dicts with ``name``, ``amount``, ``per_copy``, ``online_reduction_percent``,
    ``exemptions``). ``copies``: the number of copies asked for (per-copy fees; at least 1);
    ``online``: submitted online (the online reduction applies); ``exemption``: the category the
    receptionist picked (a fee listing it is waived)."""
    copies = min(max(int(copies or 1), 1), MAX_COPIES)
    lines = []
    for fee in fees:
        unit = _get(fee, "amount", None)
        per_copy = bool(_get(fee, "per_copy", False))
        count = copies if per_copy else 1
        if unit is None:
            lines.append(FeeLine(_get(fee, "name", ""), None, None, count, per_copy))
            continue
        unit = max(int(unit), 0)
        gross = unit * count
        percent = min(max(int(_get(fee, "online_reduction_percent", 0) or 0), 0), 100)
        exempt = exemption if exemption and exemption in (_get(fee, "exemptions", None) or ()) else ""
        if exempt:
            amount, applied = 0, 100
        elif online and percent:
            amount, applied = gross - gross * percent // 100, percent
        else:
            amount, applied = gross, 0
        lines.append(FeeLine(_get(fee, "name", ""), amount, unit, count, per_copy, gross, applied,
                             exempt))
    return Assessment(tuple(lines))
