"""The set-based (SQL) ledger replay equals the Python fold and the incremental hook, on random
and deliberately awkward histories: any status order, changes before the receipt, equal
instants, dues at 23:59:59.999999, fractions of a second, apologies, refused dossiers."""

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.dossiers.models import Dossier, StatusChange
from motcua.dossiers.states import NATIONAL_CODE, Status
from motcua.reports import hooks
from motcua.reports.aggregates import (
    ledger_merge,
    ledger_rebuild,
    ledger_snapshot,
    ledger_state_snapshot,
    sql_ledger_usable,
)
from motcua.reports.models import DailyStat, LedgerState
from tests.factories import UnitFactory, vn

BASE = vn(2026, 3, 2, 8, 0)
STATUSES = [s for s, _ in Status.choices]


class Rollback(Exception):
    pass


def moment(minutes: int, special: int) -> dt.datetime:
    at = BASE + dt.timedelta(minutes=minutes)
    if special == 1:  # the last microsecond of a Vietnam day
        return at.replace(hour=23, minute=59, second=59, microsecond=999999)
    if special == 2:
        return at.replace(microsecond=250000)
    return at


when = st.tuples(st.integers(-600, 30 * 24 * 60), st.integers(0, 3))
change_spec = st.tuples(
    st.integers(-2000, 20000),  # minutes after the receipt (negative: before it)
    st.sampled_from(STATUSES),
    st.one_of(st.none(), when, st.just("rescheduled")),  # due after the change
)
dossier_spec = st.tuples(
    st.integers(0, 1),  # procedure
    st.integers(1, 3),  # channel
    st.one_of(st.none(), when),  # received
    st.booleans(),  # refused at reception
    st.one_of(st.none(), when),  # original due
    st.one_of(st.none(), when),  # rescheduled due
    st.one_of(st.none(), when),  # current (fallback) due
    st.lists(change_spec, max_size=7),
    st.booleans(), st.booleans(), st.booleans(),  # digitised, fee, paid online
    st.booleans(),  # history written in order (False: shuffled ids, back-dated rows)
)


def build(specs, versions, centers, *, hook: bool, prefix: str = "SQL"):
    for n, (proc, channel, recv, refused, orig, resched, fallback, changes, digi, fee, paid,
            ordered) in enumerate(specs):
        version = versions[proc]
        received = moment(*recv) if recv else None
        resched_at = moment(*resched) if resched else None
        status = Status.REFUSED_AT_RECEPTION if refused else Status.RECEIVED
        d = Dossier.objects.create(
            code=f"{prefix}-{n}", procedure_version=version, field=version.field,
            receiving_unit=centers[n % 2], competent_unit=version.agency,
            current_unit=version.agency, channel=channel, applicant_name="Lê Văn C",
            submitted_at=received, received_at=received,
            original_due_at=moment(*orig) if orig else None, rescheduled_due_at=resched_at,
            due_at=moment(*fallback) if fallback else None, status=status,
            national_status=NATIONAL_CODE[status], digitised=digi, fee_total=20000 if fee else 0,
            paid_online=paid,
        )
        rows = changes if ordered else list(reversed(changes))
        for minutes, to_status, due in rows:
            start = received or BASE
            if due == "rescheduled":
                due_at = resched_at
            else:
                due_at = moment(*due) if due else None
            change = StatusChange.objects.create(
                dossier=d, to_status=to_status, action="test",
                at=start + dt.timedelta(minutes=minutes), due_at=due_at,
            )
            if hook:
                hooks.on_status_change(dossier=d, change=change)


def rebuilt(method):
    ledger_rebuild(method=method)
    return ledger_snapshot(), ledger_state_snapshot()


@pytest.mark.django_db
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(specs=st.lists(dossier_spec, min_size=1, max_size=6))
def test_sql_rebuild_equals_python_fold_and_hook(version, version2, center, specs):
    centers = [center, UnitFactory(kind="commune_center", level="xa")]
    try:
        with transaction.atomic():
            build(specs, [version, version2], centers, hook=True)
            assert sql_ledger_usable()
            incremental = ledger_snapshot(), ledger_state_snapshot()
            python = rebuilt("python")
            sql = rebuilt("sql")
            assert sql == python
            if all(spec[7] for spec in specs):  # the hook runs once per history row
                assert incremental == python
            raise Rollback
    except Rollback:
        pass


@pytest.mark.django_db
@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(old=st.lists(dossier_spec, max_size=4), new=st.lists(dossier_spec, min_size=1, max_size=4))
def test_sql_merge_adds_to_an_existing_ledger(version, version2, center, old, new):
    """The import's merge (upsert of summed rows) gives the ledger of a full rebuild."""
    centers = [center, UnitFactory(kind="commune_center", level="xa")]
    try:
        with transaction.atomic():
            # Kept by the hook (which runs once per history row), then merged.
            build([s for s in old if s[7]], [version, version2], centers, hook=True)
            first_new = (Dossier.objects.order_by("-id").values_list("id", flat=True).first()
                         or 0) + 1
            build(new, [version, version2], centers, hook=False, prefix="NEW")
            last_new = Dossier.objects.order_by("-id").values_list("id", flat=True).first()
            ledger_merge(id_range=(first_new, last_new))
            merged = ledger_snapshot(), ledger_state_snapshot()
            assert merged == rebuilt("python")
            raise Rollback
    except Rollback:
        pass


@pytest.mark.django_db
def test_merge_by_ids_matches_rebuild(version, center):
    d = Dossier.objects.create(
        code="M-1", procedure_version=version, field=version.field, receiving_unit=center,
        competent_unit=version.agency, current_unit=center, channel=2, applicant_name="D",
        received_at=vn(2026, 3, 2, 8), due_at=vn(2026, 3, 4, 17), status=Status.RESULT_READY,
        national_status=9,
    )
    StatusChange.objects.create(dossier=d, to_status=Status.RECEIVED, action="import",
                                at=vn(2026, 3, 2, 8), due_at=vn(2026, 3, 4, 17))
    StatusChange.objects.create(dossier=d, to_status=Status.RESULT_READY, action="import",
                                at=vn(2026, 3, 5, 8), due_at=vn(2026, 3, 4, 17))
    ledger_merge([d.pk])
    merged = ledger_snapshot()
    assert merged[(dt.date(2026, 3, 5), "late", center.pk, version.agency_id, version.field_id,
                   version.procedure_id, version.level, 2, dt.date(9999, 12, 31))] == 1
    assert LedgerState.objects.get().timeliness == "late"
    DailyStat.objects.all().delete()
    assert rebuilt("python")[0] == merged


@pytest.mark.django_db
def test_sqlite_falls_back_to_python_before_1975(version, center):
    from django.db import connection

    d = Dossier.objects.create(
        code="OLD-1", procedure_version=version, field=version.field, receiving_unit=center,
        competent_unit=version.agency, current_unit=center, channel=1, applicant_name="E",
        received_at=vn(1970, 3, 2, 8), status=Status.RECEIVED, national_status=2,
    )
    StatusChange.objects.create(dossier=d, to_status=Status.RECEIVED, action="import",
                                at=vn(1970, 3, 2, 8))
    assert sql_ledger_usable() == (connection.vendor == "postgresql")
    ledger_rebuild()
    # Vietnam was UTC+8 then: 08:00 local is still 2 March, whatever the method.
    assert {k[0] for k in ledger_snapshot()} == {dt.date(1970, 3, 2)}


@pytest.mark.django_db
def test_hook_moves_a_stock_changed_before_the_receipt_on_the_receipt_day(version, version2,
                                                                           center):
    # Found by hypothesis: two rows at the same instant the evening before the receipt, the
    # later one setting the due time. The replay opens the stock on the receipt day with that
    # due; the hook used to move it on the evening before, when it did not exist yet.
    spec = (0, 1, (-160, 0), False, None, None, None,
            [(-321, "submitted", (0, 0)), (-321, "submitted", None)],
            False, False, False, False)
    try:
        with transaction.atomic():
            build([spec], [version, version2], [center, center], hook=True)
            incremental = ledger_snapshot(), ledger_state_snapshot()
            assert rebuilt("python") == incremental
            assert rebuilt("sql") == incremental
            raise Rollback
    except Rollback:
        pass


@pytest.mark.django_db
def test_merge_statements_do_not_grow_with_the_number_of_dossiers(version, center):
    # A legacy import merges a million dossiers at once: their ids must never be written into
    # one statement (SQLite refuses past 250,000 bound variables: "too many SQL variables").
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def merge(n: int, prefix: str) -> int:
        ids = []
        for i in range(n):
            d = Dossier.objects.create(
                code=f"{prefix}-{i}", procedure_version=version, field=version.field,
                receiving_unit=center, competent_unit=version.agency, current_unit=center,
                channel=1, applicant_name="F", received_at=vn(2026, 3, 2, 8),
                due_at=vn(2026, 3, 4, 17), status=Status.RECEIVED, national_status=2,
            )
            StatusChange.objects.create(dossier=d, to_status=Status.RECEIVED, action="import",
                                        at=vn(2026, 3, 2, 8), due_at=vn(2026, 3, 4, 17))
            ids.append(d.pk)
        with CaptureQueriesContext(connection) as captured:
            ledger_merge(ids)
        assert LedgerState.objects.filter(dossier_id__in=ids).count() == n
        return sum(len(q["sql"]) for q in captured.captured_queries
                   if "INSERT INTO motcua_merge_ids" not in q["sql"])

    few, many = merge(2, "P"), merge(200, "Q")
    assert many - few < 40  # 198 more ids inline would add more than a thousand characters
