"""``motcua.core.orm_speed``: each helper behaves exactly as the public ORM call it replaces.

These are the tests that fail first if a Django upgrade changes the private attributes the
helpers use (``_result_cache``, ``_prefetched_objects_cache``, ``Query`` attributes,
compilers).
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import prefetch_related_objects

from motcua.catalog.models import ProcedureVersion, RequiredDocument
from motcua.core import orm_speed
from motcua.org.models import Unit
from tests.factories import CenterFactory, UnitFactory, published_procedure

pytestmark = pytest.mark.django_db


@pytest.fixture
def version():
    agency = UnitFactory()
    return published_procedure(agency=agency, receiving_units=[CenterFactory()],
                               documents=[("Đơn", True), ("Bản vẽ", True), ("Ảnh", False)])


def test_seed_related_serves_all_without_a_query(version, django_assert_num_queries):
    fresh = ProcedureVersion.objects.get(pk=version.pk)
    docs = list(RequiredDocument.objects.filter(version=version).order_by("order"))
    orm_speed.seed_related(fresh, {"documents": docs})
    with django_assert_num_queries(0):
        assert list(fresh.documents.all()) == docs
        # Filtering a prefetched relation still goes to the database, as after prefetch_related.
    with django_assert_num_queries(1):
        assert fresh.documents.filter(mandatory=True).count() == 2


def test_seed_related_matches_prefetch_related(version):
    prefetched = ProcedureVersion.objects.prefetch_related("documents").get(pk=version.pk)
    seeded = ProcedureVersion.objects.get(pk=version.pk)
    orm_speed.seed_related(seeded, {"documents": list(prefetched.documents.all())})
    assert [d.pk for d in seeded.documents.all()] == [d.pk for d in prefetched.documents.all()]
    assert orm_speed.prefetched(seeded, "documents") == orm_speed.prefetched(prefetched, "documents")


def test_prefetched_is_none_until_prefetched(version):
    fresh = ProcedureVersion.objects.get(pk=version.pk)
    assert orm_speed.prefetched(fresh, "documents") is None
    prefetch_related_objects([fresh], "documents")
    assert {d.pk for d in orm_speed.prefetched(fresh, "documents")} == set(
        version.documents.values_list("pk", flat=True))


def test_detached_copy_keeps_the_original_lists(version):
    original = ProcedureVersion.objects.prefetch_related("documents").get(pk=version.pk)
    before = orm_speed.prefetched(original, "documents")
    clone = orm_speed.detached_copy(original)
    orm_speed.seed_related(clone, {"documents": []})
    assert orm_speed.prefetched(clone, "documents") == []
    assert orm_speed.prefetched(original, "documents") == before and len(before) == 3
    assert clone.pk == original.pk


def test_rows_by_pk_keeps_order_loading_and_skips_the_missing(version, django_assert_num_queries):
    units = [UnitFactory() for _ in range(3)]
    source = (Unit.objects.filter(code="nothing matches this").select_related("parent")
              .only("code", "parent__code").prefetch_related("children").order_by("code"))
    ids = [units[2].pk, units[0].pk, 10**9, units[1].pk]
    with django_assert_num_queries(2):  # the rows, then the prefetched children
        rows = orm_speed.rows_by_pk(source, ids)
        # The conditions of the source are not applied: the ids were chosen with them.
        assert [r.pk for r in rows] == [units[2].pk, units[0].pk, units[1].pk]
        assert [list(r.children.all()) for r in rows] == [[], [], []]
    assert rows[0].get_deferred_fields() >= {"name"}  # only() carried over
    assert orm_speed.rows_by_pk(source, []) == []


def test_rows_by_pk_without_prefetch_is_compiled_once_per_shape(version,
                                                                django_assert_num_queries):
    units = [UnitFactory(parent=UnitFactory()) for _ in range(3)]
    source = (Unit.objects.filter(code="nothing matches this").select_related("parent")
              .only("code", "parent__code").order_by("code"))
    expected = {u.pk: u for u in Unit.objects.select_related("parent").only("code", "parent__code")}
    for ids in ([units[2].pk, units[0].pk, 10**9, units[1].pk], [units[1].pk], [units[1].pk] * 2):
        with django_assert_num_queries(1):
            rows = orm_speed.rows_by_pk(source, ids)
        assert [r.pk for r in rows] == [i for i in dict.fromkeys(ids) if i in expected]
        for row in rows:
            assert row == expected[row.pk] and row.code == expected[row.pk].code
            assert row.get_deferred_fields() >= {"name"}
            with django_assert_num_queries(0):  # the related row came with it
                assert row.parent.code == expected[row.pk].parent.code
    # Another loading of the same model is another shape, not the first one's columns.
    wide = orm_speed.rows_by_pk(Unit.objects.all(), [units[0].pk])
    assert wide[0].get_deferred_fields() == set() and wide[0].name == units[0].name


def test_queryset_sql_runs_as_the_queryset_and_none_for_an_empty_in(version):
    UnitFactory(), UnitFactory()
    qs = Unit.objects.filter(code__endswith=".H15").values_list("id").order_by()
    sql, params = orm_speed.queryset_sql(qs)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        assert sorted(r[0] for r in cursor.fetchall()) == sorted(pk for (pk,) in qs)
    assert orm_speed.queryset_sql(Unit.objects.filter(pk__in=[])) is None


def test_compiled_lookup_reads_what_values_reads_and_compiles_once(django_assert_num_queries):
    unit = UnitFactory(address="1 Lê Duẩn")
    fields = ("code", "name", "address", "parent__code")
    built = []

    def build(alias):
        built.append(alias)
        return Unit.objects.using(alias).filter(code="").values(*fields).order_by()[:1]

    lookup = orm_speed.CompiledLookup(build, fields)
    expected = Unit.objects.filter(code=unit.code).values(*fields).get()
    assert lookup.first("default", unit.code) == expected
    with django_assert_num_queries(1):
        assert lookup.first("default", unit.code) == expected
    assert lookup.first("default", "không có") is None
    assert built == ["default"]


def test_compiled_lookup_refuses_a_query_with_other_parameters():
    lookup = orm_speed.CompiledLookup(
        lambda alias: Unit.objects.filter(code="", name="x").values("code"), ("code",))
    with pytest.raises(RuntimeError):
        lookup.first("default", "A")


def test_compiled_query_gives_the_instances_the_queryset_gives(django_assert_num_queries):
    parent = UnitFactory(address="2 Lê Duẩn")
    children = [UnitFactory(parent=parent), UnitFactory(parent=parent), UnitFactory()]
    query = orm_speed.CompiledQuery(
        lambda alias, pk: Unit.objects.using(alias).select_related("parent")
        .only("code", "parent_id", "parent__code").filter(parent_id=pk).order_by("-code"), -1)
    expected = list(Unit.objects.select_related("parent").only("code", "parent_id", "parent__code")
                    .filter(parent_id=parent.pk).order_by("-code"))
    rows = query.objects("default", parent.pk)
    assert rows == expected and [r.pk for r in rows] == [c.pk for c in children[1::-1]]
    with django_assert_num_queries(1):
        rows = query.objects("default", parent.pk)
        # The related row came with it, with only the columns asked for.
        assert rows[0].parent.code == parent.code
        assert rows[0].get_deferred_fields() >= {"name", "address"}
        assert not rows[0]._state.adding and rows[0]._state.db == "default"
    assert query.objects("default", 10**9) == []


def test_compiled_query_refuses_prefetches_and_a_missing_placeholder():
    with pytest.raises(RuntimeError):
        orm_speed.CompiledQuery(lambda alias, pk: Unit.objects.filter(parent_id=pk)
                                .prefetch_related("children"), -1).objects("default", 1)
    with pytest.raises(RuntimeError):
        orm_speed.CompiledQuery(lambda alias, pk: Unit.objects.all(), -1).objects("default", 1)


def _shaped_rows(query) -> list:
    if query is None:
        return []
    with connection.cursor() as cursor:
        cursor.execute(*query)
        return sorted(row[0] for row in cursor.fetchall())


def test_shaped_sql_runs_as_the_queryset_for_any_values_and_builds_once_per_shape(
        django_assert_num_queries):
    import datetime as dt

    from django.contrib.auth import get_user_model

    User = get_user_model()
    base = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
    users = [User.objects.create_user(f"u{i}", date_joined=base + dt.timedelta(hours=i),
                                      first_name="An" if i % 2 else "Bình") for i in range(6)]
    built = []

    def build(after, pk, name):
        built.append((after, pk, name))
        return (User.objects.filter(date_joined__gt=after, first_name=name)
                .filter(date_joined__lt=base + dt.timedelta(hours=4))
                .exclude(pk=pk).values_list("pk").order_by())

    shaped = orm_speed.ShapedSQL((dt.datetime, int, str))
    for after, pk, name in [(base, users[3].pk, "An"),
                            (base + dt.timedelta(minutes=90), users[5].pk, "An"),
                            (base - dt.timedelta(days=3), users[0].pk, "Bình"),
                            (base, 0, "Chi")]:
        expected = sorted(pk for (pk,) in build(after, pk, name))
        with django_assert_num_queries(0):
            query = shaped.sql("default", ("users",), build, after, pk, name)
        assert _shaped_rows(query) == expected, (after, pk, name)
    # Two builds for the one shape (placeholders), then one per call above for ``expected``.
    assert len(built) == 2 + 4
    # A shape that matches nothing answers None, as queryset_sql does.
    assert shaped.sql("default", ("none",), lambda *v: User.objects.filter(pk__in=[]),
                      base, 1, "x") is None


def test_shaped_sql_refuses_a_value_that_went_into_the_sql_in_another_form():
    import datetime as dt

    from django.contrib.auth import get_user_model

    User = get_user_model()
    shaped = orm_speed.ShapedSQL((dt.datetime,))
    with pytest.raises(RuntimeError):
        shaped.sql("default", ("by day",), lambda at: User.objects.filter(
            date_joined__date=at.date()), dt.datetime(2026, 3, 2, tzinfo=dt.UTC))
    with pytest.raises(RuntimeError):
        shaped.sql("default", ("computed",), lambda at: User.objects.filter(
            date_joined__lt=at + dt.timedelta(days=1)), dt.datetime(2026, 3, 2, tzinfo=dt.UTC))


@pytest.mark.django_db
def test_loaded_instance_is_what_from_db_gives(django_assert_num_queries):
    """``loaded_instance`` stands in for ``Model.from_db`` with the other columns deferred:
    same values, state and deferred fields; a deferred column loads on access as usual; a
    model with init receivers goes through ``from_db``."""
    from django.db.models import signals

    unit = UnitFactory(name="Sở Xây dựng")
    names = ["id", "code", "parent_id"]
    row = Unit.objects.filter(pk=unit.pk).values_list(*names).get()
    ours = orm_speed.loaded_instance(Unit, "default", dict(zip(names, row, strict=True)))
    theirs = Unit.from_db("default", names, list(row))
    strip = lambda obj: {k: v for k, v in vars(obj).items() if k != "_state"}  # noqa: E731
    assert strip(ours) == strip(theirs) and ours == theirs
    assert (ours._state.db, ours._state.adding) == (theirs._state.db, theirs._state.adding)
    assert ours.get_deferred_fields() == theirs.get_deferred_fields() and "name" in (
        ours.get_deferred_fields())
    with django_assert_num_queries(1):
        assert ours.name == "Sở Xây dựng"
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance)

    signals.post_init.connect(receiver, sender=Unit)
    try:
        again = orm_speed.loaded_instance(Unit, "default", dict(zip(names, row, strict=True)))
    finally:
        signals.post_init.disconnect(receiver, sender=Unit)
    assert seen == [again] and strip(again) == strip(theirs)


def _outbox(n, tag):
    import datetime as dt

    from motcua.notifications.models import OutboxMessage

    at = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)
    return [OutboxMessage(event="e", channel=f"c{i}", address=f"a{i}@x.vn", subject="S",
                          body="Thân gửi", dossier_code=tag, data={"k": [i, "v"], "d": None},
                          created_at=at, next_attempt_at=at) for i in range(n)]


@pytest.mark.parametrize("n", [1, 3])
def test_compiled_insert_writes_what_bulk_create_writes(n):
    """One row and several (PostgreSQL: UNNEST arrays): the same columns as bulk_create, ids
    given back in order, the objects marked saved."""
    from motcua.notifications.models import OutboxMessage

    writer = orm_speed.CompiledInsert(OutboxMessage)
    assert writer.usable()
    orm = OutboxMessage.objects.bulk_create(_outbox(n, "orm"))
    for _ in range(2):  # compiled on the first call, reused on the second
        objs = _outbox(n, "compiled")
        writer.insert("default", objs, [writer.row(o, "default") for o in objs])
        assert all(o.pk and not o._state.adding and o._state.db == "default" for o in objs)
        got = {o.pk: o.channel for o in objs}
        assert dict(OutboxMessage.objects.filter(pk__in=got).values_list("pk", "channel")) == got

    def rows(tag):
        return [{k: v for k, v in r.items() if k not in ("id", "dossier_code")}
                for r in OutboxMessage.objects.filter(dossier_code=tag).order_by("id").values()]

    assert rows("compiled") == rows("orm") * 2
    assert len(orm) == n


def test_compiled_insert_and_update_refuse_receivers_and_auto_now():
    from django.db.models.signals import pre_save

    from motcua.dossiers.models import Dossier
    from motcua.notifications.models import OutboxMessage

    writer = orm_speed.CompiledInsert(OutboxMessage)
    pre_save.connect(lambda **kw: None, sender=OutboxMessage, weak=False, dispatch_uid="t-ci")
    try:
        assert not writer.usable()
        assert not orm_speed.CompiledUpdate(OutboxMessage, ["status"]).usable()
    finally:
        pre_save.disconnect(sender=OutboxMessage, dispatch_uid="t-ci")
    assert writer.usable()
    with pytest.raises(ValueError):
        orm_speed.CompiledUpdate(Dossier, ["updated_at"])


def test_compiled_update_sends_what_save_update_fields_sends(version):
    from django.test.utils import CaptureQueriesContext

    unit = Unit.objects.get(pk=version.agency_id)
    unit.name = "Sở Mới"
    with CaptureQueriesContext(connection) as orm:
        unit.save(update_fields=["name"])
    unit.name = "Sở Mới hơn"
    with CaptureQueriesContext(connection) as compiled:
        assert orm_speed.CompiledUpdate(Unit, ["name"]).update("default", unit) == 1
    assert [q["sql"].replace("Sở Mới hơn", "Sở Mới") for q in compiled] == [
        q["sql"] for q in orm]
    assert Unit.objects.get(pk=unit.pk).name == "Sở Mới hơn"


@pytest.mark.parametrize("use_tz", [True, False])
def test_values_by_pk_converts_as_values_list(use_tz, settings):
    """``values_by_pk`` gives ``values_list``'s values, datetimes included (aware in UTC with
    ``USE_TZ``, naive without), in the order of the ids, missing ones skipped; on SQLite its
    datetimes are converted without Django's per-value converter (``make_aware``)."""
    import datetime as dt
    from unittest import mock

    from django.utils import timezone

    from motcua.dossiers.models import Dossier
    from motcua.dossiers.services import dossier_submit_online
    from tests.dossiers.conftest import APPLICANT, documents_for

    center = CenterFactory()
    published = published_procedure(agency=UnitFactory(), receiving_units=[center],
                                    documents=[("Đơn", True)])
    made = [dossier_submit_online(procedure_version=published, receiving_unit=center,
                                  applicant=APPLICANT, documents=documents_for(published),
                                  at=dt.datetime(2026, 3, 2, 1, i, tzinfo=dt.UTC))
            for i in range(3)]
    Dossier.objects.filter(pk=made[0].pk).update(
        received_at=dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC),
        due_at=dt.datetime(2026, 3, 9, 2, 0, tzinfo=dt.UTC))
    settings.USE_TZ = use_tz
    columns = ("code", "status", "submitted_at", "received_at", "due_at",
               "procedure_version__name")
    ids = [made[2].pk, -5, made[0].pk, made[1].pk]
    with mock.patch.object(timezone, "make_aware", wraps=timezone.make_aware) as aware:
        ours = orm_speed.values_by_pk(Dossier, columns, ids, "default")
        if connection.vendor == "sqlite":
            assert aware.call_count == 0
    by_pk = {row[0]: row for row in Dossier.objects.values_list("pk", *columns)}
    assert ours == [by_pk[made[2].pk], by_pk[made[0].pk], by_pk[made[1].pk]]
    for row in ours:
        assert [type(v) for v in row] == [type(v) for v in by_pk[row[0]]]
        assert timezone.is_aware(row[3]) is use_tz
        for value in row[4:6]:
            assert value is None or timezone.is_aware(value) is use_tz
    assert ours[1][4] is not None and ours[1][5] is not None and ours[0][4] is None


def test_numbered_placeholders_numbers_each_s_and_keeps_a_percent_sign():
    assert (orm_speed.numbered_placeholders("SELECT %s, %s FROM t WHERE a LIKE 'x%%' AND b = %s")
            == "SELECT $1, $2 FROM t WHERE a LIKE 'x%' AND b = $3")
    assert orm_speed.numbered_placeholders("SELECT 1") == "SELECT 1"
    for other in ("SELECT %(name)s", "SELECT %d", "SELECT 5 %"):
        with pytest.raises(ValueError, match="unsupported placeholder"):
            orm_speed.numbered_placeholders(other)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="psycopg's RawCursor")
def test_native_cursor_runs_numbered_statements_as_a_django_cursor(version):
    """The statement goes to the server as written (``$n``), with Django's wrapping: logged,
    through execute wrappers, its errors Django's, datetimes as Django's cursors load them."""
    from django.db import DatabaseError, transaction
    from django.test.utils import CaptureQueriesContext

    sql, params = orm_speed.queryset_sql(
        ProcedureVersion.objects.filter(pk=version.pk).values_list("pk", "published_at"))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        expected = cursor.fetchall()
    seen = []

    def wrapper(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    native = orm_speed.numbered_placeholders(sql)
    assert "$1" in native and "%s" not in native
    with CaptureQueriesContext(connection) as ran, connection.execute_wrapper(wrapper):
        with orm_speed.native_cursor(connection) as cursor:
            cursor.execute(native, params)
            assert cursor.fetchall() == expected
    assert seen == [native] and ran.captured_queries[-1]["sql"].startswith(native[:40])
    with pytest.raises(DatabaseError, match="division by zero"), transaction.atomic():
        with orm_speed.native_cursor(connection) as cursor:
            cursor.execute("SELECT 1 / ($1::int - $1::int)", [3])
