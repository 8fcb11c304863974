"""The ledger kept by the hook equals a rebuild, and the aggregate report equals the exact one,
over random histories (hypothesis). The period invariant holds on both."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.dossiers.states import PAUSED, Status
from motcua.reports.aggregates import ledger_rebuild, ledger_snapshot, ledger_state_snapshot
from motcua.reports.engine import end_of_day, official_report
from motcua.reports.models import DailyStat, LedgerState
from tests.factories import UnitFactory, vn
from tests.reports.helpers import make_dossier, record

S = Status
OPEN = {S.RECEIVED, S.APPRAISING}
BASE = vn(2026, 3, 2, 8, 0)


class Rollback(Exception):
    pass


def step(dossier, choice: int, at: dt.datetime) -> bool:
    """Apply one random but allowed move; False when the dossier is final."""
    status = dossier.status
    if status in OPEN:
        options = [S.APPRAISING, S.SUPPLEMENT_REQUESTED, S.AWAITING_PAYMENT, S.ISSUED,
                   S.RESULT_READY, S.WITHDRAWN, S.STOPPED]
        if dossier.rescheduled_due_at is None:  # re-appointment at most once (§3.6)
            options.append("apology")
    elif status in PAUSED:
        options = ["resume", S.STOPPED, S.WITHDRAWN]
    elif status == S.ISSUED:
        options = [S.RESULT_READY, S.AWAITING_PAYMENT]
    elif status == S.RESULT_READY:
        options = [S.RETURNED, S.AWAITING_PAYMENT]
    else:
        return False
    move = options[choice % len(options)]
    if move == "apology":
        # Mẫu 04: no status change, a new date for the citizen, the original kept.
        dossier.original_due_at = dossier.original_due_at or dossier.due_at
        dossier.rescheduled_due_at = dossier.due_at + dt.timedelta(days=3)
        dossier.due_at = dossier.rescheduled_due_at
        dossier.save()
    elif move == "resume":
        # The time limit restarts from zero once the supplement is complete (§3.4).
        record(dossier, S.APPRAISING, at, due_at=at + dt.timedelta(days=4))
    else:
        record(dossier, move, at)
    return True


dossier_spec = st.tuples(
    st.integers(0, 1),  # procedure
    st.integers(1, 3),  # channel
    st.integers(0, 20),  # received: days after BASE
    st.integers(0, 9),  # received: hour offset
    st.integers(1, 8),  # time limit in days
    st.lists(st.tuples(st.integers(0, 7), st.integers(1, 80)), max_size=6),  # moves, gap hours
    st.booleans(),  # digitised
    st.booleans(),  # fee and paid online
)
query_spec = st.tuples(
    st.integers(0, 25), st.integers(0, 30), st.integers(0, 40), st.integers(0, 23),
    st.sampled_from(["unit", "agency", "field", "procedure", "level", "channel"]),
)


def build(specs, versions, centers):
    for proc, channel, day, hour, limit, moves, digitised, paid in specs:
        received = BASE + dt.timedelta(days=day, hours=hour)
        dossier = make_dossier(
            versions[proc], received_at=received, due_at=received + dt.timedelta(days=limit),
            receiving_unit=centers[day % 2], channel=channel, digitised=digitised,
            fee_total=20000 if paid else 0, paid_online=paid and channel == 2,
        )
        at = received
        for choice, gap in moves:
            at = at + dt.timedelta(hours=gap)
            if not step(dossier, choice, at):
                break


def check_invariant(total):
    assert total.received == total.carried_over + total.new
    assert total.carried_over + total.new == total.processed + total.in_process + total.paused


@pytest.mark.django_db
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(specs=st.lists(dossier_spec, min_size=1, max_size=6), queries=st.lists(query_spec, min_size=1, max_size=3))
def test_random_histories(version, version2, center, specs, queries):
    centers = [center, UnitFactory(kind="commune_center", level="xa")]
    try:
        with transaction.atomic():
            build(specs, [version, version2], centers)
            incremental = ledger_snapshot(), ledger_state_snapshot()
            for method in ("python", "sql"):
                ledger_rebuild(method=method)
                assert (ledger_snapshot(), ledger_state_snapshot()) == incremental

            for start, length, as_of_day, as_of_hour, by in queries:
                date_from = BASE.date() + dt.timedelta(days=start)
                date_to = date_from + dt.timedelta(days=length)
                # Any instant: the exact report keeps the invariant.
                as_of = vn(*(date_from + dt.timedelta(days=as_of_day)).timetuple()[:3], as_of_hour)
                exact = official_report(date_from=date_from, date_to=date_to, as_of=as_of,
                                        by=by, method="exact")
                check_invariant(exact.total)
                assert sum(r.received for r in exact.rows) == exact.total.received
                # End of a day in the period: aggregate == exact.
                day = min(date_from + dt.timedelta(days=as_of_day), date_to)
                kwargs = dict(date_from=date_from, date_to=date_to, as_of=end_of_day(day), by=by)
                a = official_report(method="aggregate", **kwargs).to_dict()
                e = official_report(method="exact", **kwargs).to_dict()
                assert a["rows"] == e["rows"]
                assert a["total"] == e["total"]
            raise Rollback
    except Rollback:
        pass


@pytest.mark.django_db
def test_rebuild_command_restores_a_lost_ledger(version, center):
    d = make_dossier(version, received_at=vn(2026, 3, 2, 8), due_at=vn(2026, 3, 3, 17),
                     receiving_unit=center)
    record(d, S.RESULT_READY, vn(2026, 3, 5, 9))
    before = ledger_snapshot()
    assert before
    DailyStat.objects.all().delete()
    LedgerState.objects.all().delete()
    call_command("reports_rebuild")
    assert ledger_snapshot() == before
    total = official_report(date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 31),
                            method="aggregate").total
    assert (total.received, total.processed_late) == (1, 1)


@pytest.mark.django_db
def test_change_of_competent_unit_moves_the_whole_dossier(version, center, agency2):
    d = make_dossier(version, received_at=vn(2026, 3, 2, 8), due_at=vn(2026, 3, 20, 17),
                     receiving_unit=center)
    d.competent_unit = agency2
    d.save()
    record(d, S.APPRAISING, vn(2026, 3, 3, 8))
    incremental = ledger_snapshot()
    ledger_rebuild()
    assert ledger_snapshot() == incremental
    report = official_report(date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 31),
                             by="agency", method="aggregate")
    assert [(r.label, r.in_process) for r in report.rows] == [("Sở Tư pháp", 1)]


@pytest.mark.django_db
def test_refused_at_reception_is_never_received(version, center):
    from motcua.dossiers.models import Dossier, StatusChange
    from motcua.reports import hooks

    d = Dossier.objects.create(
        code="X-1", procedure_version=version, field=version.field, receiving_unit=center,
        competent_unit=version.agency, current_unit=center, channel=1, applicant_name="B",
        submitted_at=vn(2026, 3, 2, 8), status=S.REFUSED_AT_RECEPTION, national_status=3,
    )
    change = StatusChange.objects.create(dossier=d, to_status=S.REFUSED_AT_RECEPTION,
                                         action="refuse_reception", at=vn(2026, 3, 2, 8))
    hooks.on_status_change(dossier=d, change=change)
    for method in ("exact", "aggregate"):
        total = official_report(date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 31),
                                method=method).total
        assert total.received == 0
