"""Official civil-servant calendars (lịch nghỉ lễ, Tết của cán bộ, công chức): data, not rules.

Domain §4.2: swaps and compensatory days are decided each year by the Prime Minister and
announced by the Ministry (MOLISA, Bộ Nội vụ since 2025); never compute them alone. The
``holidays`` package is only the pre-fill. The rows below are the yearly notices we have checked
(domain §4.4); ``WorkCalendar`` applies them on top of the package, so a calendar stays right
even with an older ``holidays`` release that lacks a swap.

Each row is one date: ``OFF`` (ngày nghỉ: a holiday, a compensatory day off / nghỉ bù, or a
swapped day off / ngày nghỉ hoán đổi) or ``WORK`` (ngày làm bù: a weekend day worked instead).
Weekend days inside a Tết break are listed only for completeness; they are days off anyway.

To add a year: copy its notice into ``OFFICIAL_DAYS`` with the legal basis, then add the year
to ``VERIFIED_YEARS``. Tags follow the domain doc: [V] legal text read, [P] practice or secondary
source, [U] unverified.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum


class DayKind(Enum):
    OFF = "off"  # ngày nghỉ
    WORK = "work"  # ngày làm bù


@dataclass(frozen=True, slots=True)
class OfficialDay:
    """One row of a yearly notice: the date, what it is, and why."""

    day: date
    kind: DayKind
    name: str
    basis: str


@dataclass(frozen=True, slots=True)
class SwitchableHoliday:
    """A package holiday a province may switch off while its legal basis is unverified."""

    key: str
    name: str  # Vietnamese name as the ``holidays`` package spells it (language "vi")
    month: int
    day: int
    since: int
    basis: str


_LC2012 = "Bộ luật Lao động 2012 Art. 115 (Quốc khánh 1 day)"
_LC2019 = "Bộ luật Lao động 2019 Art. 112"
_LC2019_SUB = "Bộ luật Lao động 2019 Art. 111(3): nghỉ bù on the next working day [P]"
_LC2019_SUB_U = _LC2019_SUB + " [U: notice not seen]"
_TET_2020 = "Tết 2020 civil-servant schedule, socongthuong.daklak.gov.vn [P]; " + _LC2012
_TET_2025 = "Thông báo 6150/TB-BLĐTBXH (2024) [P]"
_SWAP_2025 = "Swap 02/05/2025 off, 26/04/2025 worked: 2025 civil-servant notice [P, S8]"
_VPCP_2026 = "CV 9859/VPCP-KGVX (2025), re-issued as Lai Châu CV 6620/UBND-VX [P]"


def _off(day: date, name: str, basis: str) -> OfficialDay:
    return OfficialDay(day, DayKind.OFF, name, basis)


def _work(day: date, name: str, basis: str) -> OfficialDay:
    return OfficialDay(day, DayKind.WORK, name, basis)


def _span(first: date, last: date, name: str, basis: str) -> list[OfficialDay]:
    days = (last - first).days + 1
    return [_off(first + timedelta(d), name, basis) for d in range(days)]


OFFICIAL_DAYS: tuple[OfficialDay, ...] = (
    # 2020 (Canh Tý), Labour Code 2012: Quốc khánh is one day.
    _off(date(2020, 1, 1), "Tết Dương lịch", _LC2012),
    *_span(date(2020, 1, 23), date(2020, 1, 29), "Tết Nguyên Đán", _TET_2020),
    _off(date(2020, 4, 2), "Ngày Giỗ Tổ Hùng Vương", _LC2012),
    _off(date(2020, 4, 30), "Ngày Chiến thắng", _LC2012),
    _off(date(2020, 5, 1), "Ngày Quốc tế Lao động", _LC2012),
    _off(date(2020, 9, 2), "Quốc khánh", _LC2012),
    # 2025 (Ất Tỵ).
    _off(date(2025, 1, 1), "Tết Dương lịch", _LC2019),
    *_span(date(2025, 1, 27), date(2025, 2, 1), "Tết Nguyên Đán", _TET_2025),
    _off(date(2025, 4, 7), "Ngày Giỗ Tổ Hùng Vương", _LC2019),
    _off(date(2025, 4, 30), "Ngày Chiến thắng", _LC2019),
    _off(date(2025, 5, 1), "Ngày Quốc tế Lao động", _LC2019),
    _off(date(2025, 5, 2), "Ngày nghỉ (thay cho ngày 26/04/2025)", _SWAP_2025),
    _work(date(2025, 4, 26), "Ngày làm bù (thay cho ngày 02/05/2025)", _SWAP_2025),
    _off(date(2025, 9, 1), "Quốc khánh", _LC2019),
    _off(date(2025, 9, 2), "Quốc khánh", _LC2019),
    # 2026 (Bính Ngọ).
    _off(date(2026, 1, 1), "Tết Dương lịch", _LC2019),
    *_span(date(2026, 2, 16), date(2026, 2, 20), "Tết Nguyên Đán", _VPCP_2026),
    _off(date(2026, 4, 26), "Ngày Giỗ Tổ Hùng Vương", _LC2019),
    # The official notice for this compensatory day was not seen (domain §4.4, §10.11) [U].
    _off(date(2026, 4, 27), "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)", _LC2019_SUB_U),
    _off(date(2026, 4, 30), "Ngày Chiến thắng", _LC2019),
    _off(date(2026, 5, 1), "Ngày Quốc tế Lao động", _LC2019),
    _off(date(2026, 8, 31), "Ngày nghỉ (thay cho ngày 22/08/2026)", _VPCP_2026),
    _work(date(2026, 8, 22), "Ngày làm bù (thay cho ngày 31/08/2026)", _VPCP_2026),
    _off(date(2026, 9, 1), "Quốc khánh", _VPCP_2026),
    _off(date(2026, 9, 2), "Quốc khánh", _VPCP_2026),
)

# Years whose full civil-servant calendar has been checked against a notice (domain §4.4).
# Other years rely on the ``holidays`` package pre-fill and are provisional.
VERIFIED_YEARS: frozenset[int] = frozenset({2020, 2025, 2026})

NGAY_VAN_HOA_VIET_NAM = "ngay_van_hoa_viet_nam"

# 24/11 "Ngày Văn hóa Việt Nam": python-holidays lists it from 2026 citing Resolution 80-NQ/TW,
# but the statute making it a paid holiday was not read (domain §4.1) [U]. Switch it off with
# ``WorkCalendar(switched_off=[NGAY_VAN_HOA_VIET_NAM])``; its nghỉ bù rows go with it.
SWITCHABLE_HOLIDAYS: dict[str, SwitchableHoliday] = {
    NGAY_VAN_HOA_VIET_NAM: SwitchableHoliday(
        key=NGAY_VAN_HOA_VIET_NAM,
        name="Ngày Văn hóa Việt Nam",
        month=11,
        day=24,
        since=2026,
        basis="Resolution 80-NQ/TW (Politburo); implementing statute not read [U]",
    ),
}


def official_days(years: range | None = None) -> tuple[OfficialDay, ...]:
    """The shipped rows, optionally restricted to ``years``."""
    if years is None:
        return OFFICIAL_DAYS
    return tuple(row for row in OFFICIAL_DAYS if row.day.year in years)
