"""National days off (ngày nghỉ lễ, Tết) and make-up working days (ngày làm bù) for Vietnam.

Pre-fill from the ``holidays`` package (Vietnamese lunar calendar, Labour Code 2012/2019 rules,
nghỉ bù for holidays on weekends, special swaps it knows), then the checked yearly notices in
:mod:`motcua.worktime.official` on top.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import holidays as holidays_pkg

from motcua.worktime.official import (
    SWITCHABLE_HOLIDAYS,
    VERIFIED_YEARS,
    DayKind,
    official_days,
)

PACKAGE_SOURCE = f"holidays {holidays_pkg.__version__} (pre-fill)"


@dataclass(frozen=True, slots=True)
class NationalDays:
    """Days off and make-up working days for a year range, each with a name and a source."""

    days_off: dict[date, tuple[str, str]]  # date -> (name, source / legal basis)
    working_days: dict[date, tuple[str, str]]  # weekend dates worked (ngày làm bù)


def package_days(years: range) -> tuple[dict[date, str], dict[date, str]]:
    """What the ``holidays`` package alone says: (days off, weekend working days)."""
    cal = holidays_pkg.country_holidays("VN", years=years, language="vi")
    off = {d: name for d, name in cal.items() if d.year in years}
    work = {d: "Ngày làm bù" for d in cal.weekend_workdays if d.year in years}
    return off, work


@lru_cache(maxsize=8)
def national_days(years: range, switched_off: frozenset[str] = frozenset()) -> NationalDays:
    """Package pre-fill, minus switched-off holidays; official notices replace verified years."""
    unknown = switched_off - SWITCHABLE_HOLIDAYS.keys()
    if unknown:
        raise ValueError(
            f"unknown switchable holiday(s) {sorted(unknown)}; known: {sorted(SWITCHABLE_HOLIDAYS)}"
        )
    pkg_off, pkg_work = package_days(years)
    days_off = {d: (name, PACKAGE_SOURCE) for d, name in pkg_off.items()}
    working = {d: (name, PACKAGE_SOURCE) for d, name in pkg_work.items()}
    for key in switched_off:
        rule = SWITCHABLE_HOLIDAYS[key]
        for d in [d for d, (name, _) in days_off.items() if name.startswith(rule.name)]:
            del days_off[d]
        for year in years:
            if year >= rule.since:
                days_off.pop(date(year, rule.month, rule.day), None)
    # A checked notice is the whole calendar of its year: package rows it does not list go,
    # except switchable holidays (24/11), which the notices predate.
    switchable = tuple(rule.name for rule in SWITCHABLE_HOLIDAYS.values())
    for rows in (days_off, working):
        for d in [d for d in rows if d.year in VERIFIED_YEARS]:
            if not rows[d][0].startswith(switchable):
                del rows[d]
    for row in official_days(years):
        if row.kind is DayKind.OFF:
            days_off[row.day] = (row.name, row.basis)
            working.pop(row.day, None)
        else:
            working[row.day] = (row.name, row.basis)
            days_off.pop(row.day, None)
    return NationalDays(days_off=days_off, working_days=working)


def package_differences(years: range) -> list[str]:
    """Where the package pre-fill disagrees with the official rows (for release checks).

    Only dates are compared; weekend days the package lists inside Tết are ignored because they
    are days off either way, and switchable holidays (24/11) are not part of the notices.
    """
    pkg_off, pkg_work = package_days(years)
    notes = []
    for row in official_days(years):
        if row.kind is DayKind.OFF and row.day not in pkg_off and row.day.weekday() < 5:
            notes.append(f"{row.day}: official day off '{row.name}' missing from the package")
        if row.kind is DayKind.WORK and row.day not in pkg_work:
            notes.append(f"{row.day}: official make-up day '{row.name}' missing from the package")
    official_off = {row.day for row in official_days(years) if row.kind is DayKind.OFF}
    switchable = tuple(rule.name for rule in SWITCHABLE_HOLIDAYS.values())
    for d, name in sorted(pkg_off.items()):
        if name.startswith(switchable):
            continue
        if d.year in VERIFIED_YEARS and d not in official_off and d.weekday() < 5:
            notes.append(f"{d}: package day off '{name}' not in the official notice")
    return notes
