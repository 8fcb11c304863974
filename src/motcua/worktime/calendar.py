"""The working calendar (lịch làm việc): which days are working days (ngày làm việc) and when.

``WorkCalendar`` compiles, once, for its supported years:

* ``_work[i]``: is calendar day ``i`` (days since 1 January of the first year) a working day;
* ``_wb[i]``: how many working days come strictly before day ``i`` (a prefix count), so counting
  and stepping over working days is index arithmetic instead of a day-by-day loop;
* ``_wd_day[k]``: the day index of the k-th working day.

Working time is then a single coordinate in seconds: ``W = k * day_seconds + worked_in_day``
(``_w0s[i]`` is W at the start of day ``i``). The deadline arithmetic built on it lives in
:mod:`motcua.worktime.deadline`.

A day is a working day when it is listed as a make-up working day (ngày làm bù), otherwise when
it is neither a day off (ngày nghỉ lễ, Tết, nghỉ bù, ngày nghỉ hoán đổi) nor a weekend day.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import TypedDict
from zoneinfo import ZoneInfo

from motcua.worktime.deadline import DeadlineMixin
from motcua.worktime.errors import NaiveDatetimeError, OutOfRangeError
from motcua.worktime.national import national_days
from motcua.worktime.official import VERIFIED_YEARS
from motcua.worktime.sessions import (
    DEFAULT_CUTOFF,
    DEFAULT_SESSIONS,
    SECONDS_PER_DAY,
    Session,
    day_plan,
    online_cutoff,
)

DEFAULT_YEARS = range(2015, 2041)
DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"

DateRows = Iterable[date] | Mapping[date, str]


class _Inputs(TypedDict):
    """What a calendar was built from, so ``with_overrides`` can rebuild it."""

    holidays: dict[date, str]
    extra_holidays: dict[date, str]
    extra_working_days: dict[date, str]
    removed_holidays: frozenset[date]
    switched_off: frozenset[str]


@dataclass(frozen=True, slots=True)
class DayInfo:
    """Why a date is or is not a working day."""

    day: date
    working: bool
    name: str  # e.g. "Tết Nguyên Đán", "Ngày làm bù", "Thứ Bảy", "Ngày làm việc"
    source: str  # legal basis or data source; "" for ordinary weekdays and weekends


_WEEKDAY_NAMES = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")


def _rows(rows: DateRows | None, default_name: str) -> dict[date, str]:
    if rows is None:
        return {}
    if isinstance(rows, Mapping):
        items = list(rows.items())
    else:
        items = [(d, default_name) for d in rows]
    result = {}
    for d, name in items:
        if isinstance(d, datetime) or not isinstance(d, date):
            raise TypeError(f"calendar rows must be datetime.date values, got {d!r}")
        result[d] = name
    return result


@dataclass(frozen=True, slots=True, eq=False)
class _Frame:
    """Dates of a year range and their local midnights; shared by calendars (read-only)."""

    dates: tuple[date, ...]
    day_base: list[datetime]


@lru_cache(maxsize=16)
def _frame(zone: ZoneInfo, years: range) -> _Frame:
    first = date(years.start, 1, 1)
    ndays = (date(years.stop - 1, 12, 31) - first).days + 1
    dates = tuple(date.fromordinal(first.toordinal() + i) for i in range(ndays))
    epoch_local = datetime(first.year, 1, 1, tzinfo=zone)
    offset = epoch_local.utcoffset()
    # The arithmetic counts wall-clock seconds, which equals elapsed time only if the zone
    # never changes offset inside the range (no DST); check every day's midnight and noon.
    for d in dates:
        for hour in (0, 12):
            if datetime(d.year, d.month, d.day, hour, tzinfo=zone).utcoffset() != offset:
                raise ValueError(
                    f"timezone {zone.key} changes its UTC offset on {d}; "
                    "only fixed-offset zones are supported"
                )
    day = timedelta(days=1)
    day_base = [epoch_local]
    for _ in range(ndays - 1):
        day_base.append(day_base[-1] + day)
    return _Frame(dates, day_base)


class WorkCalendar(DeadlineMixin):
    """A working calendar: sessions, weekend, days off and make-up days over a range of years.

    ``WorkCalendar.vietnam()`` is the national civil-servant calendar with the default office
    hours 07:00-11:30 and 13:30-17:00, Monday to Friday.

    Parameters:
        sessions: working sessions (buổi làm việc) of every working day, as (start, end) times.
        holidays: base days off when ``use_national`` is False (e.g. rows loaded from a database);
            a mapping date -> name keeps names.
        extra_holidays: local days off on top (ngày nghỉ địa phương); they win over make-up days.
        extra_working_days: local make-up working days (ngày làm bù), e.g. a Saturday.
        removed_holidays: dates to drop from the days off (a package day the province does not
            observe). Dates that are not days off are ignored.
        switched_off: keys of :data:`motcua.worktime.official.SWITCHABLE_HOLIDAYS` to drop, e.g.
            ``"ngay_van_hoa_viet_nam"`` (24/11 from 2026, with its nghỉ bù).
        weekend: weekday numbers off each week (Monday = 0); QĐ 188/1999: Saturday and Sunday.
        years: supported years; every date in or out of the engine must fall inside them.
        use_national: start from the national calendar (``holidays`` package + official notices).
        timezone: IANA zone whose wall clock the sessions and holidays are in; must keep one UTC
            offset over ``years`` (Asia/Ho_Chi_Minh is +07:00 since 1975).
    """

    __slots__ = (
        "sessions",
        "weekend",
        "years",
        "zone",
        "use_national",
        "_inputs",
        "_plan",
        "_first",
        "_ndays",
        "_work",
        "_wb",
        "_wd_day",
        "_wd_base",
        "_day_base",
        "_off",
        "_w0s",
        "_day_s",
        "_end_cache",
        "_epoch_local",
        "_epoch_utc",
        "_default_cut",
        "_cuts",
        "_days_off",
        "_make_up",
    )

    def __init__(
        self,
        sessions: Iterable[Session] = DEFAULT_SESSIONS,
        *,
        holidays: DateRows | None = None,
        extra_holidays: DateRows | None = None,
        extra_working_days: DateRows | None = None,
        removed_holidays: Iterable[date] = (),
        switched_off: Iterable[str] = (),
        weekend: Iterable[int] = (5, 6),
        years: range = DEFAULT_YEARS,
        use_national: bool = True,
        timezone: str | ZoneInfo = DEFAULT_TIMEZONE,
    ) -> None:
        sessions = tuple(sessions)
        weekend = tuple(sorted(set(weekend)))
        if any(not 0 <= w <= 6 for w in weekend):
            raise ValueError(f"weekend days must be weekday numbers 0 (Monday)..6, got {weekend}")
        if not isinstance(years, range) or years.step != 1 or len(years) == 0:
            raise ValueError(f"years must be a non-empty range with step 1, got {years!r}")
        if years.start < 1 or years.stop > 9999:
            raise ValueError(f"years {years!r} are outside what datetime supports")
        zone = timezone if isinstance(timezone, ZoneInfo) else ZoneInfo(timezone)
        base_rows = _rows(holidays, "Ngày nghỉ")
        extra_off = _rows(extra_holidays, "Ngày nghỉ địa phương")
        extra_work = _rows(extra_working_days, "Ngày làm bù")
        clash = sorted(extra_off.keys() & extra_work.keys())
        if clash:
            raise ValueError(f"dates listed both as extra holidays and extra working days: {clash}")
        removed = frozenset(removed_holidays)
        switched = frozenset(switched_off)

        self.sessions = sessions
        self.weekend = weekend
        self.years = years
        self.zone = zone
        self.use_national = use_national
        # Kept so with_overrides() can rebuild a calendar from the same inputs.
        self._inputs: _Inputs = {
            "holidays": base_rows,
            "extra_holidays": extra_off,
            "extra_working_days": extra_work,
            "removed_holidays": removed,
            "switched_off": switched,
        }

        days_off: dict[date, tuple[str, str]] = {}
        make_up: dict[date, tuple[str, str]] = {}
        if use_national:
            national = national_days(years, switched)
            days_off.update(national.days_off)
            make_up.update(national.working_days)
        elif switched:
            raise ValueError("switched_off only applies to the national calendar")
        for d, name in base_rows.items():
            days_off[d] = (name, "holidays")
        for d in removed:
            days_off.pop(d, None)
        for d, name in extra_work.items():
            make_up[d] = (name, "extra_working_days")
            days_off.pop(d, None)
        for d, name in extra_off.items():
            days_off[d] = (name, "extra_holidays")
            make_up.pop(d, None)
        self._days_off = days_off
        self._make_up = make_up
        self._compile()

    def _compile(self) -> None:
        frame = _frame(self.zone, self.years)
        weekend = set(self.weekend)
        make_up, days_off = self._make_up, self._days_off
        work = []
        wb = [0]
        wd_day = []
        count = 0
        for i, d in enumerate(frame.dates):
            if d in make_up:
                is_work = True
            elif d in days_off:
                is_work = False
            else:
                is_work = d.weekday() not in weekend
            work.append(is_work)
            if is_work:
                count += 1
                wd_day.append(i)
            wb.append(count)
        plan = day_plan(self.sessions)
        self._plan = plan
        self._first = frame.dates[0]
        self._ndays = len(frame.dates)
        self._work = work
        self._wb = wb
        self._wd_day = wd_day
        self._day_base = frame.day_base
        self._wd_base = [frame.day_base[i] for i in wd_day]
        self._off = plan.offset_at
        self._day_s = plan.day_seconds
        # W in whole seconds at the start of each day (working seconds before it).
        self._w0s = [k * plan.day_seconds for k in wb[:-1]]
        self._end_cache = plan._end_cache
        self._epoch_local = frame.day_base[0]
        self._epoch_utc = frame.day_base[0].astimezone(UTC)
        self._cuts: dict[time, int] = {}
        self._default_cut = self._cut_seconds(DEFAULT_CUTOFF)

    # ------------------------------------------------------------------ construction helpers

    @classmethod
    def vietnam(cls, **overrides: object) -> WorkCalendar:
        """The national civil-servant calendar (lịch làm việc của cơ quan hành chính nhà nước).

        Keyword arguments override the constructor defaults, e.g.
        ``WorkCalendar.vietnam(extra_holidays=[date(2026, 3, 10)])``.
        """
        return cls(**overrides)  # type: ignore[arg-type]

    def with_overrides(
        self,
        *,
        extra_holidays: DateRows | None = None,
        extra_working_days: DateRows | None = None,
        removed_holidays: Iterable[date] = (),
        switched_off: Iterable[str] = (),
        sessions: Iterable[Session] | None = None,
    ) -> WorkCalendar:
        """A new calendar with more local rows (a unit's calendar from database rows).

        The rows are added to this calendar's own overrides; a new extra working day cancels an
        earlier extra holiday on the same date and vice versa.
        """
        inputs = self._inputs
        off = dict(inputs["extra_holidays"])
        work = dict(inputs["extra_working_days"])
        new_off = _rows(extra_holidays, "Ngày nghỉ địa phương")
        new_work = _rows(extra_working_days, "Ngày làm bù")
        for d in new_off:
            work.pop(d, None)
        for d in new_work:
            off.pop(d, None)
        off.update(new_off)
        work.update(new_work)
        return type(self)(
            self.sessions if sessions is None else sessions,
            holidays=inputs["holidays"],
            extra_holidays=off,
            extra_working_days=work,
            removed_holidays=inputs["removed_holidays"] | frozenset(removed_holidays),
            switched_off=inputs["switched_off"] | frozenset(switched_off),
            weekend=self.weekend,
            years=self.years,
            use_national=self.use_national,
            timezone=self.zone,
        )

    def __repr__(self) -> str:
        sessions = ", ".join(f"{s:%H:%M}-{e:%H:%M}" for s, e in self.sessions)
        return (
            f"WorkCalendar(sessions=[{sessions}], years={self.years.start}..{self.years.stop - 1}, "
            f"zone={self.zone.key}, national={self.use_national})"
        )

    # ------------------------------------------------------------------ properties

    @property
    def day_length(self) -> timedelta:
        """Working time in one working day (8 hours with the default sessions)."""
        return self._plan.day_length

    @property
    def supported_range(self) -> tuple[date, date]:
        """First and last date the calendar knows."""
        return self._first, self._first + timedelta(days=self._ndays - 1)

    @property
    def holidays(self) -> dict[date, str]:
        """Days off other than ordinary weekends (holidays, nghỉ bù, swaps, local days off)."""
        return {d: name for d, (name, _) in sorted(self._days_off.items())}

    @property
    def make_up_days(self) -> dict[date, str]:
        """Weekend or holiday dates that are working days (ngày làm bù)."""
        return {d: name for d, (name, _) in sorted(self._make_up.items())}

    def is_provisional(self, year: int) -> bool:
        """True when ``year`` relies on the package pre-fill, not a checked official notice."""
        return self.use_national and year not in VERIFIED_YEARS

    def online_cutoff(self, minutes: int = 60) -> time:
        """Cut-off for online dossiers: ``minutes`` before closing (16:00 by default)."""
        return online_cutoff(self.sessions, minutes)

    # ------------------------------------------------------------------ day queries

    def _day_index(self, d: date, what: str = "date") -> int:
        if isinstance(d, datetime):
            d = self.local(d, what).date()
        elif not isinstance(d, date):
            raise TypeError(f"{what} must be a datetime.date, got {type(d).__name__}")
        i = d.toordinal() - self._first.toordinal()
        if not 0 <= i < self._ndays:
            raise self._range_error(d, what)
        return i

    def _range_error(self, value: object, what: str) -> OutOfRangeError:
        first, last = self.supported_range
        return OutOfRangeError(
            f"{what} {value} is outside the supported range {first}..{last} "
            f"(years {self.years.start}-{self.years.stop - 1}); build the calendar with a wider "
            "`years` range"
        )

    def local(self, dt: datetime, what: str = "datetime") -> datetime:
        """``dt`` converted to the calendar's zone; naive datetimes raise NaiveDatetimeError."""
        if not isinstance(dt, datetime):
            raise TypeError(f"{what} must be a datetime, got {type(dt).__name__}")
        if dt.tzinfo is None or dt.utcoffset() is None:
            raise NaiveDatetimeError(
                f"{what} {dt} is naive: pass a timezone-aware datetime "
                f"(e.g. tzinfo=ZoneInfo('{self.zone.key}'))"
            )
        return dt.astimezone(self.zone)

    def is_working_day(self, d: date) -> bool:
        """True for a working day (ngày làm việc); an aware datetime is judged by its local date."""
        return self._work[self._day_index(d)]

    def describe(self, d: date) -> DayInfo:
        """Whether ``d`` is a working day, and the row or rule that decides it."""
        i = self._day_index(d)
        d = self._first + timedelta(days=i)
        for rows in (self._make_up, self._days_off):
            if d in rows:
                name, source = rows[d]
                return DayInfo(d, self._work[i], name, source)
        if self._work[i]:
            return DayInfo(d, True, "Ngày làm việc", "")
        return DayInfo(d, False, _WEEKDAY_NAMES[d.weekday()], "weekend")

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in [start, end], both ends included; 0 when end is before start."""
        i = self._day_index(start, "start")
        j = self._day_index(end, "end")
        if j < i:
            return 0
        return self._wb[j + 1] - self._wb[i]

    def add_working_days(self, d: date, n: int) -> date:
        """The n-th working day after ``d`` (n >= 1); with n <= -1, the |n|-th before ``d``.

        ``d`` itself never counts, working day or not. n = 0 is ambiguous and raises.
        """
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError(f"n must be an int, got {n!r}")
        if n == 0:
            raise ValueError("add_working_days(d, 0) is meaningless: use n >= 1 or n <= -1")
        i = self._day_index(d)
        k = self._wb[i + 1] + n - 1 if n > 0 else self._wb[i] + n
        if not 0 <= k < len(self._wd_day):
            raise self._range_error(f"{d} {n:+d} working days", "result of")
        return self._first + timedelta(days=self._wd_day[k])

    def next_working_day(self, d: date, *, include_self: bool = False) -> date:
        """The first working day after ``d`` (or ``d`` itself if working and ``include_self``)."""
        if include_self and self.is_working_day(d):
            return d if not isinstance(d, datetime) else self.local(d).date()
        return self.add_working_days(d, 1)

    def _cut_seconds(self, cutoff: time | None) -> int:
        """Cut-off as second of day; None means no cut-off."""
        if cutoff is None:
            return SECONDS_PER_DAY
        if not isinstance(cutoff, time):
            raise TypeError(f"cutoff must be a datetime.time or None, got {cutoff!r}")
        # Checked before the cache: an aware time(15, tzinfo=...) hashes like time(15).
        if cutoff.tzinfo is not None:
            raise ValueError(f"cutoff {cutoff} must be a local wall-clock time without tzinfo")
        cut = self._cuts.get(cutoff)
        if cut is None:
            if cutoff.microsecond:
                raise ValueError(f"cutoff {cutoff} must be a whole second")
            cut = self._cuts[cutoff] = cutoff.hour * 3600 + cutoff.minute * 60 + cutoff.second
        return cut
