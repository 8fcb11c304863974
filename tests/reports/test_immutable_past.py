"""Statistics never change the past (issue 10): a report as of an instant is the same whatever
happens afterwards, on the exact path and on the ledger (aggregate) path."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.dossiers import services
from motcua.dossiers.transitions import TRANSITIONS
from motcua.reports.aggregates import ledger_rebuild
from motcua.reports.engine import end_of_day, official_report
from tests.dossiers.conftest import actor_for, params_for
from tests.factories import published_procedure, vn

OCTOBER = dict(date_from=dt.date(2026, 10, 1), date_to=dt.date(2026, 10, 31),
               as_of=end_of_day(dt.date(2026, 10, 31)), by="agency")


def figures(report) -> dict:
    """Everything a report says but when it was generated and how."""
    data = report.to_dict()
    for key in ("generated_at", "method"):
        data.pop(key, None)
    return data


def both_paths(**kw) -> tuple[dict, dict]:
    exact = official_report(method="exact", **kw)
    aggregate = official_report(method="aggregate", **kw)
    assert aggregate.method == "aggregate"
    return figures(exact), figures(aggregate)


def act(world, dossier, action, at, **params):
    actor = actor_for(world, TRANSITIONS[action], dossier)
    services.dossier_act(actor=actor, dossier=dossier, action=action, at=at,
                         **{**params_for(world, action), **params})
    dossier.refresh_from_db()


@pytest.mark.django_db
def test_apology_then_payment_pause_does_not_rewrite_a_closed_month(world, receive):
    """The issue's scenario: received 20/10, due 23/10 09:00; apology on 21/10 with a new date
    28/10; payment requested 26/10, confirmed 03/11. October as of 31/10 says "paused,
    overdue" with the statistical due 23/10, before and after 03/11, on both paths."""
    version = published_procedure(agency=world.agency, receiving_units=[world.center],
                                  time_value=3, code="1.000003")
    d = receive(at=vn(2026, 10, 20, 9, 0), version=version)
    assert d.due_at == vn(2026, 10, 23, 9, 0)
    for action, minute in (("transfer", 10), ("assign", 20), ("start_appraisal", 30)):
        act(world, d, action, vn(2026, 10, 20, 9, minute))
    services.dossier_apologise(actor=world.leader, dossier=d, reason="Chờ ý kiến phối hợp",
                               new_due_at=vn(2026, 10, 28, 17, 0), at=vn(2026, 10, 21, 9, 0))
    act(world, d, "request_payment", vn(2026, 10, 26, 9, 0))

    before = both_paths(**OCTOBER)
    exact, aggregate = before
    assert exact == aggregate
    assert exact["total"]["paused"] == {"total": 1, "on_time": 0, "overdue": 1}

    act(world, d, "confirm_payment", vn(2026, 11, 3, 9, 0))
    assert d.rescheduled_due_at != vn(2026, 10, 28, 17, 0)  # the payment moved it
    assert both_paths(**OCTOBER) == before
    # The dossier list (CSV) keeps the original due as the statistical due.
    from motcua.reports.engine import dossier_lines, make_window

    (line,) = dossier_lines(make_window(dt.date(2026, 10, 1), dt.date(2026, 10, 31),
                                        OCTOBER["as_of"]), {})
    assert line.due_at == vn(2026, 10, 23, 9, 0) and line.category == "paused"
    # A rebuild from the histories says the same (the SQL and the Python replays).
    for method in ("python", "sql"):
        ledger_rebuild(method=method)
        assert both_paths(**OCTOBER) == before


# ------------------------------------------------------------------ property: the past is fixed

from django.db import transaction  # noqa: E402
from hypothesis import HealthCheck, example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from motcua.core.errors import Conflict, InvalidInput, NotAllowed  # noqa: E402
from motcua.dossiers.models import Dossier  # noqa: E402
from motcua.dossiers.transitions import PROCESSING  # noqa: E402

START = vn(2026, 3, 2, 8, 0)  # a Monday
# Every write a dossier can get after intake: the transitions table (intake itself is the
# "new" move), the apology, the system's closing of an expired supplement and the recompute.


class Rollback(Exception):
    pass


# The forward path first: small choices (which hypothesis favours) walk a dossier through
# intake, appraisal, an apology, pauses and a result; larger ones reach every other move.
PRIORITY = ["transfer", "start_appraisal", "assign", "apologise", "request_payment",
            "confirm_payment", "request_supplement", "complete_supplement",
            "submit_for_approval", "approve", "issue", "receive_result", "return_result"]


def allowed_moves(d) -> list[str]:
    """The moves the dossier's state allows (so that random sequences go somewhere)."""
    names = {t.name for t in TRANSITIONS.values()
             if not t.system_only and t.name not in ("receive", "refuse_reception")
             and t.allowed_from(d.status)}
    if d.rescheduled_due_at is None and d.status in PROCESSING:
        names.add("apologise")
    names.update(("recompute_due", "new"))
    if d.status == "supplement_requested":
        names.add("close_supplement_expired")
    return [n for n in PRIORITY if n in names] + sorted(names - set(PRIORITY))


def move(world, dossiers, receive, version, pick: int, choice: int, at: dt.datetime) -> str:
    """Apply one allowed move to one of the dossiers (a move the services refuse changes
    nothing, as in life); returns its name."""
    d = dossiers[pick % len(dossiers)]
    d.refresh_from_db()
    options = allowed_moves(d)
    name = options[choice % len(options)]
    try:
        if name == "new":
            dossiers.append(receive(at=at, version=version))
        elif name == "apologise":
            services.dossier_apologise(actor=world.leader, dossier=d, reason="Chậm",
                                       new_due_at=d.due_at + dt.timedelta(days=2), at=at)
        elif name == "close_supplement_expired":
            services.supplements_close_expired(now=at, working_days=1)
        elif name == "recompute_due":
            services.dossier_recompute_due(dossier=d)
        else:
            actor = actor_for(world, TRANSITIONS[name], d)
            params = params_for(world, name)
            if name == "confirm_payment":
                params = {"paid_online": choice % 2 == 0}
            services.dossier_act(actor=actor, dossier=d, action=name, at=at, **params)
    except (Conflict, InvalidInput, NotAllowed):
        pass
    return name


def comparable(report) -> dict:
    """The report without its generation time and path, and without the three flag counts
    (digitised, fee-bearing, paid online) and the rates built on them: those flags have no
    history and are read from the dossier as it is now (docs/reports.md)."""
    data = figures(report)

    def strip(row):
        row = dict(row)
        row.pop("counts", None)
        row["rates"] = {k: v for k, v in row["rates"].items()
                        if k not in ("digitised", "online_payment")}
        return row

    data["rows"] = [strip(r) for r in data["rows"]]
    data["total"] = strip(data["total"])
    return data


def reports_at(as_of: dt.datetime, by: str) -> dict:
    """Reports as of ``as_of``: the whole history and the last three days; both paths at the
    end of a day (where the aggregate path applies), the exact path otherwise."""
    day = as_of.astimezone(START.tzinfo).date()
    out = {}
    for date_from in (START.date(), max(START.date(), day - dt.timedelta(days=3))):
        kw = dict(date_from=date_from, date_to=day, as_of=as_of, by=by)
        out[("exact", date_from)] = comparable(official_report(method="exact", **kw))
        if as_of == end_of_day(day):
            out[("aggregate", date_from)] = comparable(official_report(method="aggregate", **kw))
    return out


@pytest.mark.django_db
@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    moves=st.lists(
        st.tuples(st.integers(0, 3), st.one_of(st.integers(0, 2), st.integers(0, 30)),
                  st.integers(1, 72)),
        min_size=1, max_size=16,
    ),
    by=st.sampled_from(["agency", "unit", "procedure", "channel"]),
)
# The case: appraisal, an apology, a payment asked after the original due (statistics:
# paused, overdue) and confirmed later, which moves the apology's date.
@example(moves=[(0, 0, 1), (0, 0, 1), (0, 0, 1), (0, 0, 2), (0, 0, 70), (0, 0, 100)],
         by="agency")
# An apology, then a supplement asked after the original due and completed: the completion
# clears the apology's date, which once turned the waiting dossier "in time" after the fact.
@example(moves=[(0, 0, 1), (0, 0, 1), (0, 0, 1), (0, 0, 2), (0, 1, 70), (0, 0, 30)],
         by="unit")
def test_a_report_of_a_past_instant_never_changes(world, receive, moves, by):
    try:
        with transaction.atomic():
            # Two working days: dues pass within the sequences, apologies are still possible.
            version = published_procedure(agency=world.agency, receiving_units=[world.center],
                                          time_value=2, code="1.000002")
            dossiers = [receive(at=START, version=version)]
            at = START
            taken: dict[dt.datetime, dict] = {}
            for pick, choice, gap_hours in moves:
                following = at + dt.timedelta(hours=gap_hours)
                # Instants strictly between this move and the next: the end of this day when
                # the next move is on a later day, and the middle of the gap.
                if end_of_day(at.astimezone(START.tzinfo).date()) < following:
                    eod = end_of_day(at.astimezone(START.tzinfo).date())
                    taken[eod] = reports_at(eod, by)
                    assert taken[eod][("exact", START.date())] == \
                        taken[eod][("aggregate", START.date())]
                middle = at + (following - at) / 2
                taken[middle] = reports_at(middle, by)
                at = following
                move(world, dossiers, receive, version, pick, choice, at)
            for instant, before in taken.items():
                assert reports_at(instant, by) == before, instant
            # A rebuild of the ledger from the histories tells the same past.
            ledger_rebuild(method="sql")
            for instant, before in taken.items():
                assert reports_at(instant, by) == before, instant
            assert Dossier.objects.count() == len(dossiers)
            raise Rollback
    except Rollback:
        pass
