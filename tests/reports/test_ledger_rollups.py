"""Monthly rollups (MonthlyStat, StockBalance): kept exact by the hook for back-dated rows,
rolled forward when a month ends (by the nightly task or the command, never by a read),
refreshed after an import; the aggregate report that reads them equals the exact one."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.dossiers.states import Status
from motcua.reports.aggregates import ledger_rebuild, ledger_snapshot
from motcua.reports.engine import end_of_day, official_report
from motcua.reports.models import MonthlyStat, RollupMark, StockBalance
from motcua.reports.rollups import rollup_snapshot
from tests.factories import UnitFactory, vn
from tests.reports.helpers import make_dossier, record
from tests.reports.test_ledger import Rollback, build, dossier_spec

D = dt.date
NOW = vn(2026, 4, 20, 12)  # March is rolled up; the data run from March into April
query_spec = st.tuples(
    st.integers(-20, 45), st.integers(0, 70), st.integers(0, 70),
    st.sampled_from(["unit", "agency", "field", "procedure", "level", "channel"]),
)


def same_report(**kwargs):
    a = official_report(method="aggregate", **kwargs).to_dict()
    e = official_report(method="exact", **kwargs).to_dict()
    assert a["rows"] == e["rows"]
    assert a["total"] == e["total"]
    return a


@pytest.mark.django_db
@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(before=st.lists(dossier_spec, max_size=4), after=st.lists(dossier_spec, min_size=1, max_size=4),
       queries=st.lists(query_spec, min_size=1, max_size=3))
def test_hook_keeps_rollups_equal_to_a_rebuild(version, version2, center, before, after, queries):
    centers = [center, UnitFactory(kind="commune_center", level="xa")]
    try:
        with transaction.atomic(), time_machine.travel(NOW, tick=False):
            build(before, [version, version2], centers)
            ledger_rebuild()
            assert RollupMark.objects.get().until == D(2026, 4, 1)
            # New dossiers and moves dated in March: the hook writes inside a rolled month.
            build(after, [version, version2], centers)
            incremental = ledger_snapshot(), rollup_snapshot()
            ledger_rebuild()
            assert (ledger_snapshot(), rollup_snapshot()) == incremental
            for start, length, as_of_day, by in queries:
                date_from = D(2026, 3, 1) + dt.timedelta(days=start)
                date_to = date_from + dt.timedelta(days=length)
                day = min(date_from + dt.timedelta(days=as_of_day), date_to)
                same_report(date_from=date_from, date_to=date_to, as_of=end_of_day(day), by=by)
            raise Rollback
    except Rollback:
        pass


@pytest.mark.django_db
def test_year_report_reads_months_and_balances(version, center, django_assert_max_num_queries):
    with time_machine.travel(vn(2026, 1, 10, 9), tick=False):
        make_dossier(version, received_at=vn(2025, 1, 6, 8), due_at=vn(2025, 1, 20, 17),
                     receiving_unit=center)  # still open, overdue since January
        done = make_dossier(version, received_at=vn(2025, 3, 3, 8), due_at=vn(2025, 3, 20, 17),
                            receiving_unit=center, channel=2)
        record(done, Status.RESULT_READY, vn(2025, 3, 10, 9))
        paused = make_dossier(version, received_at=vn(2025, 12, 29, 8),
                              due_at=vn(2026, 1, 20, 17), receiving_unit=center)
        record(paused, Status.SUPPLEMENT_REQUESTED, vn(2025, 12, 30, 8))
        ledger_rebuild()
        assert RollupMark.objects.get().until == D(2026, 1, 1)
        assert MonthlyStat.objects.filter(month=D(2025, 3, 1), metric="early").exists()
        # One row for the January dossier in the 2026 balance: overdue before the month began.
        assert list(StockBalance.objects.filter(month=D(2026, 1, 1), metric="open")
                    .values_list("due_day", "count")) == [(D(2025, 12, 31), 1)]
        # Rollup mark, 3 balance/month reads, 3 daily reads, labels, calendar.
        with django_assert_max_num_queries(10):
            report = official_report(date_from=D(2025, 1, 1), date_to=D(2025, 12, 31))
        assert report.method == "aggregate"
        total = same_report(date_from=D(2025, 1, 1), date_to=D(2025, 12, 31))["total"]
    assert total["received"]["new"] == 3
    assert total["processed"]["early"] == 1
    assert total["in_process"] == {"total": 1, "on_time": 0, "overdue": 1}
    assert total["paused"] == {"total": 1, "on_time": 1, "overdue": 0}


@pytest.mark.django_db
def test_rollups_roll_forward_when_a_month_ends(version, center):
    with time_machine.travel(vn(2026, 3, 20, 9), tick=False):
        d = make_dossier(version, received_at=vn(2026, 2, 2, 8), due_at=vn(2026, 3, 30, 17),
                         receiving_unit=center)
        record(d, Status.APPRAISING, vn(2026, 3, 18, 9))
        ledger_rebuild()
        assert RollupMark.objects.get().until == D(2026, 3, 1)
    with time_machine.travel(vn(2026, 4, 1, 9), tick=False):
        # A month is rolled one day after it ends (a late transaction may still write it).
        official_report(date_from=D(2026, 3, 1), date_to=D(2026, 3, 31))
        assert RollupMark.objects.get().until == D(2026, 3, 1)
    with time_machine.travel(vn(2026, 4, 2, 9), tick=False):
        before = rollup_snapshot()
        # A report read never writes: March is read from DailyStat until it is rolled.
        stale = same_report(date_from=D(2026, 3, 1), date_to=D(2026, 3, 31))["total"]
        assert RollupMark.objects.get().until == D(2026, 3, 1)
        assert rollup_snapshot() == before
        out = io.StringIO()
        call_command("reports_rollup", stdout=out)
        assert "01/04/2026" in out.getvalue()
        assert RollupMark.objects.get().until == D(2026, 4, 1)
        assert rollup_snapshot() != before
        total = same_report(date_from=D(2026, 3, 1), date_to=D(2026, 3, 31))["total"]
        assert total == stale
        assert total["received"]["carried_over"] == 1
        assert total["in_process"] == {"total": 1, "on_time": 0, "overdue": 1}
        incremental = rollup_snapshot()
        ledger_rebuild()
        assert rollup_snapshot() == incremental


@pytest.mark.django_db
def test_nightly_task_rolls_the_ended_month(version, center):
    from motcua.reports import tasks

    with time_machine.travel(vn(2026, 3, 20, 9), tick=False):
        make_dossier(version, received_at=vn(2026, 2, 2, 8), due_at=vn(2026, 3, 30, 17),
                     receiving_unit=center)
        ledger_rebuild()
    with time_machine.travel(vn(2026, 4, 2, 0, 30), tick=False):
        assert not MonthlyStat.objects.filter(month=D(2026, 3, 1)).exists()
        assert tasks.roll_up_months.call_local() == D(2026, 4, 1)
        assert StockBalance.objects.filter(month=D(2026, 4, 1), metric="open").exists()
        incremental = rollup_snapshot()
        ledger_rebuild()
        assert rollup_snapshot() == incremental


@pytest.mark.django_db
def test_nightly_task_is_a_no_op_before_any_rebuild():
    from motcua.reports import tasks

    assert tasks.roll_up_months.call_local() is None
    assert not MonthlyStat.objects.exists()
