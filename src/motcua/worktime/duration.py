"""Time limits (thời hạn giải quyết) in the three units procedures publish.

* ``Duration.working_days(n)``: "ngày làm việc", n working days; one working day is the sum of
  the calendar's sessions (8 working hours by default). Fractions are allowed (0.25 day steps
  appear in internal workflows) and are converted to working time.
* ``Duration.working_hours(h)``: "giờ làm việc", h working hours (4, 0.5, ...).
* ``Duration.calendar_days(n)``: "ngày", n calendar days (whole days only).

Amounts may be int, float, Fraction or Decimal (a DecimalField's value); ``Duration.of`` takes
the catalogue's (time_value, time_unit) columns directly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from fractions import Fraction
from numbers import Real
from typing import cast

SECONDS_PER_HOUR = 3600

# What an amount may be given in. At run time any numbers.Real (a numpy float too) or a Decimal
# (what a DecimalField column holds) is accepted; the numeric tower is not usable in static
# types, so the type names the concrete ones.
Amount = int | float | Fraction | Decimal


class DurationUnit(Enum):
    """Unit of a time limit (đơn vị thời hạn)."""

    WORKING_DAYS = "working_days"  # ngày làm việc
    WORKING_HOURS = "working_hours"  # giờ làm việc
    CALENDAR_DAYS = "calendar_days"  # ngày (theo lịch)


# Small ints, so the hot path dispatches on ``kind`` without touching the Enum.
KIND_DAYS = 0
KIND_HOURS = 1
KIND_CALENDAR = 2
_KIND = {
    DurationUnit.WORKING_DAYS: KIND_DAYS,
    DurationUnit.WORKING_HOURS: KIND_HOURS,
    DurationUnit.CALENDAR_DAYS: KIND_CALENDAR,
}
_ALIASES = {
    "working_days": DurationUnit.WORKING_DAYS,
    "ngày làm việc": DurationUnit.WORKING_DAYS,
    "working_hours": DurationUnit.WORKING_HOURS,
    "giờ": DurationUnit.WORKING_HOURS,
    "giờ làm việc": DurationUnit.WORKING_HOURS,
    "calendar_days": DurationUnit.CALENDAR_DAYS,
    "ngày": DurationUnit.CALENDAR_DAYS,
}


def _check_amount(value: object, unit: DurationUnit) -> Amount:
    # Decimal is not a numbers.Real, but it is what a DecimalField column holds.
    if isinstance(value, bool) or not isinstance(value, Real | Decimal):
        raise TypeError(f"{unit.value} duration must be a number, got {value!r}")
    value = cast(Amount, value)
    if not math.isfinite(value):
        raise ValueError(f"{unit.value} duration must be finite, got {value!r}")
    if value <= 0:
        raise ValueError(
            f"a {unit.value} duration of {value!r} is meaningless: time limits must be positive"
        )
    return value


@dataclass(frozen=True, slots=True)
class Duration:
    """A time limit: an amount in one unit. Immutable and hashable; build it once per procedure.

    Zero, negative, infinite or NaN amounts raise ValueError: a time limit of nothing is
    meaningless.
    """

    unit: DurationUnit
    value: Amount
    kind: int = field(init=False, repr=False, compare=False)
    # Working hours in whole seconds (the engine's unit); 0 for the other units, whose length
    # depends on the calendar (days) or is not working time (calendar days).
    seconds: int = field(init=False, repr=False, compare=False)
    # Whole working days (0 otherwise), so the hot path multiplies without a Fraction.
    whole_days: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        unit = self.unit
        if not isinstance(unit, DurationUnit):
            raise TypeError(f"unit must be a DurationUnit, got {unit!r}")
        value = _check_amount(self.value, unit)
        seconds = whole_days = 0
        if unit is DurationUnit.WORKING_HOURS:
            seconds = round(Fraction(value) * SECONDS_PER_HOUR)
            if seconds <= 0:
                raise ValueError(
                    f"a working_hours duration of {value!r} is meaningless: under half a second"
                )
        elif unit is DurationUnit.CALENDAR_DAYS:
            if value != int(value):
                raise ValueError(
                    f"a calendar_days duration must be a whole number of days, got {value!r}"
                )
            object.__setattr__(self, "value", int(value))
        elif type(value) is int or value == int(value):
            whole_days = int(value)
        object.__setattr__(self, "kind", _KIND[unit])
        object.__setattr__(self, "whole_days", whole_days)
        object.__setattr__(self, "seconds", seconds)

    @classmethod
    def working_days(cls, n: Amount) -> Duration:
        """n working days (ngày làm việc); fractional days are allowed (0.5 = half a day)."""
        return cls(DurationUnit.WORKING_DAYS, n)

    @classmethod
    def working_hours(cls, h: Amount) -> Duration:
        """h working hours (giờ làm việc), rounded to the second."""
        return cls(DurationUnit.WORKING_HOURS, h)

    @classmethod
    def calendar_days(cls, n: int) -> Duration:
        """n calendar days (ngày), whole days only."""
        return cls(DurationUnit.CALENDAR_DAYS, n)

    @classmethod
    def of(cls, value: Amount, unit: DurationUnit | str) -> Duration:
        """Build from stored (value, unit) columns; unit may be the enum, its value or the
        Vietnamese label ("ngày làm việc", "giờ", "giờ làm việc", "ngày")."""
        if not isinstance(unit, DurationUnit):
            try:
                unit = _ALIASES[unit.strip().lower()]
            except (KeyError, AttributeError):
                raise ValueError(
                    f"unknown duration unit {unit!r}; use one of {sorted(_ALIASES)}"
                ) from None
        return cls(unit, value)

    def working_seconds(self, day_seconds: int) -> int:
        """Working time in seconds for a calendar whose working day lasts ``day_seconds``.

        Fractional days are rounded to the second; raises for calendar days and for amounts that
        round to nothing.
        """
        if self.kind == KIND_HOURS:
            return self.seconds
        if self.kind != KIND_DAYS:
            raise ValueError("calendar_days durations are not measured in working time")
        if self.whole_days:
            return self.whole_days * day_seconds
        seconds = round(Fraction(self.value) * day_seconds)
        if seconds <= 0:
            raise ValueError(f"a duration of {self} is meaningless: under half a second")
        return seconds

    def __str__(self) -> str:
        return f"{self.value} {self.unit.value}"
