import datetime as dt

import pytest

from motcua.core.errors import InvalidInput
from motcua.dossiers.states import Status
from motcua.reports.engine import official_report
from tests.factories import vn
from tests.reports.helpers import make_dossier, record

D = dt.date


def both(**kwargs):
    exact = official_report(method="exact", **kwargs).to_dict()
    agg = official_report(method="aggregate", **kwargs).to_dict()
    assert exact["rows"] == agg["rows"]
    assert exact["total"] == agg["total"]
    return exact


@pytest.mark.django_db
def test_returned_after_as_of_counts_as_in_process(version, center):
    d = make_dossier(version, received_at=vn(2026, 3, 2, 8), due_at=vn(2026, 3, 20, 17),
                     receiving_unit=center)
    record(d, Status.APPRAISING, vn(2026, 3, 3, 9))
    record(d, Status.RESULT_READY, vn(2026, 3, 10, 9))
    record(d, Status.RETURNED, vn(2026, 3, 11, 9))

    before = both(date_from=D(2026, 3, 1), date_to=D(2026, 3, 9))["total"]
    assert before["in_process"] == {"total": 1, "on_time": 1, "overdue": 0}
    assert before["processed"]["total"] == 0

    after = both(date_from=D(2026, 3, 1), date_to=D(2026, 3, 31))["total"]
    assert after["processed"] == {"total": 1, "early": 1, "on_time": 0, "late": 0}
    assert after["in_process"]["total"] == 0


@pytest.mark.django_db
def test_bad_grouping(version):
    with pytest.raises(InvalidInput) as err:
        official_report(date_from=D(2026, 3, 1), date_to=D(2026, 3, 2), by="nope")
    assert err.value.code == "unknown_grouping"


@pytest.mark.django_db
def test_apology_does_not_make_a_late_dossier_on_time(version, center):
    d = make_dossier(version, received_at=vn(2026, 3, 2, 8), due_at=vn(2026, 3, 5, 17),
                     receiving_unit=center)
    # Mẫu 04: new date for the citizen; the original stays for statistics.
    d.rescheduled_due_at = d.due_at = vn(2026, 3, 10, 17)
    d.save()
    record(d, Status.APPRAISING, vn(2026, 3, 6, 8))
    mid = both(date_from=D(2026, 3, 1), date_to=D(2026, 3, 6))["total"]
    assert mid["in_process"] == {"total": 1, "on_time": 0, "overdue": 1}
    record(d, Status.RESULT_READY, vn(2026, 3, 9, 9))
    total = both(date_from=D(2026, 3, 1), date_to=D(2026, 3, 31))["total"]
    assert total["processed"] == {"total": 1, "early": 0, "on_time": 0, "late": 1}


@pytest.mark.django_db
def test_supplement_restart_moves_the_due(version, center):
    d = make_dossier(version, received_at=vn(2026, 3, 2, 8), due_at=vn(2026, 3, 5, 17),
                     receiving_unit=center)
    record(d, Status.SUPPLEMENT_REQUESTED, vn(2026, 3, 3, 8))
    paused = both(date_from=D(2026, 3, 1), date_to=D(2026, 3, 9))["total"]
    assert paused["paused"] == {"total": 1, "on_time": 1, "overdue": 0}
    # The time limit restarts from zero once the supplement is complete (§3.4).
    record(d, Status.APPRAISING, vn(2026, 3, 10, 8), due_at=vn(2026, 3, 13, 17))
    record(d, Status.RESULT_READY, vn(2026, 3, 13, 9))
    total = both(date_from=D(2026, 3, 1), date_to=D(2026, 3, 31))["total"]
    assert total["processed"] == {"total": 1, "early": 0, "on_time": 1, "late": 0}


@pytest.mark.django_db
def test_carried_over_and_daily_average(version, center):
    old = make_dossier(version, received_at=vn(2026, 2, 26, 8), due_at=vn(2026, 3, 3, 17),
                       receiving_unit=center)
    done = make_dossier(version, received_at=vn(2026, 2, 26, 9), due_at=vn(2026, 3, 3, 17),
                        receiving_unit=center)
    record(done, Status.RESULT_READY, vn(2026, 2, 27, 9))  # ended before the period
    make_dossier(version, received_at=vn(2026, 3, 2, 8), due_at=vn(2026, 3, 20, 17),
                 receiving_unit=center, channel=3)
    record(old, Status.RESULT_READY, vn(2026, 3, 4, 9))  # late, inside the period
    report = both(date_from=D(2026, 3, 2), date_to=D(2026, 3, 6))
    total = report["total"]
    assert total["received"] == {"total": 2, "carried_over": 1, "new": 1, "online": 0,
                                 "counter": 0, "post": 1}
    assert total["processed"]["late"] == 1
    assert report["working_days"] == 5
    assert total["daily_average"] == {"received": 0.2, "processed": 0.2}


@pytest.mark.django_db
def test_hook_is_a_few_queries(version, center, django_assert_max_num_queries):
    from motcua.dossiers.models import StatusChange
    from motcua.reports import hooks

    d = make_dossier(version, received_at=vn(2026, 3, 2, 8), due_at=vn(2026, 3, 20, 17),
                     receiving_unit=center)
    change = StatusChange.objects.create(dossier=d, from_status=d.status,
                                         to_status=Status.APPRAISING, action="start_appraisal",
                                         at=vn(2026, 3, 3, 8), due_at=d.due_at)
    d.set_status(Status.APPRAISING)
    # State read, 2 upserts (UPDATE, INSERT on a miss in a savepoint), state write.
    with django_assert_max_num_queries(8):
        hooks.on_status_change(dossier=d, change=change)


@pytest.mark.django_db
def test_aggregate_refuses_a_sub_day_as_of(version):
    with pytest.raises(InvalidInput) as err:
        official_report(date_from=D(2026, 3, 1), date_to=D(2026, 3, 2),
                        as_of=vn(2026, 3, 2, 10), method="aggregate")
    assert err.value.code == "aggregate_unavailable"
