"""Replaying a dossier's history (lịch sử trạng thái) into report states and ledger deltas.

One pure fold is shared by the three consumers, so they cannot disagree:

* the exact report (``engine``) folds the changes with ``at <= as_of`` to get the state of a
  dossier at that instant;
* the incremental hook (``hooks.on_status_change``) advances the stored state by one change and
  writes the difference to ``DailyStat``;
* ``reports_rebuild`` replays every dossier from scratch.

Statistical rules (domain §3.5, §6.2):

* processing ends (kết thúc xử lý) at the FIRST change into ``PROCESSING_ENDED``; it is
  absorbing for statistics (a result later waiting for payment stays "đã xử lý");
* timeliness compares that instant with the statistical due in force then: the one the history
  row recorded (``StatusChange.stat_due_at``, the legal due, never an apology's date), so
  nothing that happens later can change it; rows without it (older data, bulk loaders) derive
  it from their ``due_at``, an apology's date (``rescheduled_due_at``) read as
  ``original_due_at``;
* a paused dossier (supplement, payment) is overdue when the pause began after its due (the
  clock is stopped, the 766 rule uses the pause start as the end);
* an open dossier is overdue at ``t`` when ``t`` is after its statistical due.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from zoneinfo import ZoneInfo

from motcua.dossiers.states import PAUSED, PROCESSING_ENDED, Status
from motcua.reports.models import NO_DUE, Metric
from motcua.worktime import Timeliness, WorkCalendar, classify

VN = ZoneInfo("Asia/Ho_Chi_Minh")
ONE_US = dt.timedelta(microseconds=1)

OPEN, PAUSED_KIND, ENDED = "open", "paused", "ended"
TIMELINESS_METRIC = {
    Timeliness.EARLY: Metric.EARLY,
    Timeliness.ON_TIME: Metric.ON_TIME,
    Timeliness.LATE: Metric.LATE,
}
TIMELINESS_CODE = {Timeliness.EARLY: "early", Timeliness.ON_TIME: "on_time", Timeliness.LATE: "late"}
CODE_METRIC = {"early": Metric.EARLY, "on_time": Metric.ON_TIME, "late": Metric.LATE}


@lru_cache(maxsize=1)
def calendar() -> WorkCalendar:
    """The national calendar; classify() only needs its time zone and dates."""
    return WorkCalendar.vietnam()


def local_day(at: dt.datetime) -> dt.date:
    return at.astimezone(VN).date()


def due_bucket(due: dt.datetime | None) -> dt.date:
    """The first day whose end is after ``due``: overdue at end of day A iff bucket <= A."""
    return NO_DUE if due is None else local_day(due + ONE_US)


Dims = tuple[int, int, int, int, str, int]


@dataclass(frozen=True, slots=True)
class Facts:
    """What the fold needs from the dossier row itself."""

    received_at: dt.datetime | None
    refused: bool
    dims: Dims  # receiving unit, competent unit, field, procedure, level, channel
    digitised: bool = False
    fee: bool = False
    paid_online: bool = False
    original_due: dt.datetime | None = None
    rescheduled_due: dt.datetime | None = None
    fallback_due: dt.datetime | None = None

    @property
    def counted(self) -> bool:
        """Refused-at-reception dossiers (code 3) were never received: not counted."""
        return self.received_at is not None and not self.refused

    def resolve(self, due: dt.datetime | None) -> dt.datetime | None:
        """The statistical due to judge by when the history gave none (no due recorded yet)."""
        return due if due is not None else (self.original_due or self.fallback_due)

    def stat_due(self, due: dt.datetime | None) -> dt.datetime | None:
        """The statistical due of a history row recorded without one (legacy rule)."""
        if due is None:
            due = self.original_due or self.fallback_due
        elif (
            self.rescheduled_due is not None
            and self.original_due is not None
            and due == self.rescheduled_due
        ):
            # An apology's new date is for the citizen; statistics keep the original (§3.6).
            due = self.original_due
        return due


@dataclass(frozen=True, slots=True)
class Change:
    at: dt.datetime
    to_status: str
    due_at: dt.datetime | None
    id: int = 0
    stat_due: dt.datetime | None = None  # StatusChange.stat_due_at

    def statistical_due(self, facts: Facts) -> dt.datetime | None:
        """The statistical due this row puts in force (None: it keeps the previous one)."""
        if self.stat_due is not None:
            return self.stat_due
        if self.due_at is not None:
            return facts.stat_due(self.due_at)
        return None


@dataclass(frozen=True, slots=True)
class Track:
    """A dossier's report state after some prefix of its history."""

    status: str = Status.RECEIVED
    due: dt.datetime | None = None  # the statistical due in force (None: none recorded yet)
    kind: str = OPEN
    paused_overdue: bool = False
    ended_at: dt.datetime | None = None
    timeliness: str = ""  # early / on_time / late once ended


def advance(track: Track, facts: Facts, change: Change) -> Track:
    if track.kind == ENDED:
        return track
    recorded = change.statistical_due(facts)
    due = recorded if recorded is not None else track.due
    status = change.to_status
    if status in PROCESSING_ENDED:
        sd = facts.resolve(due)
        verdict = (
            TIMELINESS_CODE[classify(change.at, sd, calendar())] if sd is not None else "on_time"
        )
        return Track(status, due, ENDED, False, change.at, verdict)
    if status in PAUSED:
        if track.kind == PAUSED_KIND:
            return replace(track, status=status, due=due)
        sd = facts.resolve(due)
        return Track(status, due, PAUSED_KIND, sd is not None and change.at > sd)
    return Track(status, due, OPEN)


def contribution(track: Track, facts: Facts) -> tuple[str, dt.date]:
    """The (metric, due_day) ledger key a dossier in this state counts under."""
    if track.kind == ENDED:
        return CODE_METRIC[track.timeliness], NO_DUE
    if track.kind == PAUSED_KIND:
        return (Metric.PAUSED_OVERDUE if track.paused_overdue else Metric.PAUSED_IN_TIME), NO_DUE
    return Metric.OPEN, due_bucket(facts.resolve(track.due))


def state_at(facts: Facts, changes: Iterable[Change], t: dt.datetime) -> Track | None:
    """The dossier's report state at instant ``t`` (None: not received by then)."""
    if not facts.counted or facts.received_at > t:
        return None
    track = Track()
    for change in changes:
        if change.at > t:
            break
        track = advance(track, facts, change)
    return track


# ------------------------------------------------------------------ the QĐ 766 statistical view


@dataclass(frozen=True, slots=True)
class View766:
    """A dossier's timeliness in the service-index view (domain §3.4, §3.5 "766 rule"):

    * the due is the appointment of the original receipt (the statistical due in force when the
      first supplement was requested; never an apology's date);
    * the applicant's time is subtracted: ``end − (completed − requested)`` for each supplement,
      and each payment wait after the first supplement request (before it, a payment wait
      already moved the due);
    * a dossier still waiting for a supplement ends at the request;
    * two or more supplement requests count as late (overdue while not ended).

    Without a supplement request the verdict is the legal one.
    """

    category: str  # processed / in_process / paused (the same as the legal view)
    timeliness: str  # early / on_time / late (processed), on_time / overdue otherwise
    supplements: int


def view_766(facts: Facts, changes: Iterable[Change], t: dt.datetime) -> View766 | None:
    """The 766 view of a dossier at ``t`` (None: not received by then)."""
    if not facts.counted or facts.received_at > t:
        return None
    track = Track()
    requests = 0
    waited = dt.timedelta(0)
    wait_start: dt.datetime | None = None  # the applicant's wait in progress
    due: dt.datetime | None = None
    for change in changes:
        if change.at > t or track.kind == ENDED:
            break
        into = change.to_status
        if into == Status.SUPPLEMENT_REQUESTED and track.status != into:
            requests += 1
            if due is None:
                due = facts.resolve(track.due)
        if track.kind != PAUSED_KIND and into in PAUSED:
            if into == Status.SUPPLEMENT_REQUESTED or requests > 0:
                wait_start = change.at
        elif track.kind == PAUSED_KIND and into not in PAUSED and wait_start is not None:
            waited += change.at - wait_start
            wait_start = None
        track = advance(track, facts, change)
    if track.kind == ENDED:
        category = "processed"
    elif track.kind == PAUSED_KIND:
        category = "paused"
    else:
        category = "in_process"
    if requests == 0:
        if category == "processed":
            return View766(category, track.timeliness, 0)
        legal = _legal_open_verdict(track, facts, t)
        return View766(category, legal, 0)
    if requests >= 2:
        return View766(category, "late" if category == "processed" else "overdue", requests)
    if category == "processed":
        end = track.ended_at - waited
        verdict = TIMELINESS_CODE[classify(end, due, calendar())] if due is not None else "on_time"
        return View766(category, verdict, requests)
    # Not ended: waiting (the 766 end is the start of the wait) or running on.
    end = (wait_start if wait_start is not None else t) - waited
    overdue = due is not None and end > due
    return View766(category, "overdue" if overdue else "on_time", requests)


def _legal_open_verdict(track: Track, facts: Facts, t: dt.datetime) -> str:
    if track.kind == PAUSED_KIND:
        return "overdue" if track.paused_overdue else "on_time"
    due = facts.resolve(track.due)
    return "overdue" if due is not None and t > due else "on_time"


def cohort_deltas(facts: Facts, sign: int = 1) -> Counter:
    """Received-day metrics: received, digitised, fee-bearing, paid online."""
    day = local_day(facts.received_at)
    deltas: Counter = Counter()
    deltas[(day, Metric.RECEIVED, NO_DUE)] += sign
    for flag, metric in (
        (facts.digitised, Metric.DIGITISED),
        (facts.fee, Metric.FEE),
        (facts.paid_online and facts.fee, Metric.PAID_ONLINE),
    ):
        if flag:
            deltas[(day, metric, NO_DUE)] += sign
    return deltas


def replay(facts: Facts, changes: Iterable[Change]) -> tuple[Counter, Track | None, Change | None]:
    """All ledger deltas of one dossier, its final state and the last change applied."""
    if not facts.counted:
        return Counter(), None, None
    deltas = cohort_deltas(facts)
    track = Track()
    opened = False
    last = None
    for change in changes:
        if not opened and change.at >= facts.received_at:
            deltas[(local_day(facts.received_at), *contribution(track, facts))] += 1
            opened = True
        old = contribution(track, facts) if opened else None
        track = advance(track, facts, change)
        last = change
        if opened:
            new = contribution(track, facts)
            if new != old:
                day = local_day(change.at)
                deltas[(day, *old)] -= 1
                deltas[(day, *new)] += 1
    if not opened:
        deltas[(local_day(facts.received_at), *contribution(track, facts))] += 1
    return _nonzero(deltas), track, last


def _nonzero(deltas: Counter) -> Counter:
    return Counter({k: v for k, v in deltas.items() if v})
