"""Dossier lists built for a million dossiers (index-served arms, ids-first pages, capped
counts) give exactly the dossiers, in exactly the order, of the straightforward rule they
replaced; and they do it in a fixed number of queries.

The reference is computed in Python from the rule as documented (visible: receiving,
competent or current unit, or a step, is one of mine; superusers see everything), then
ordered by the database with a plain ``ORDER BY`` so NULL placement is the database's own.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from motcua.core import orm_speed
from motcua.dossiers import pagination, selectors
from motcua.dossiers.models import Dossier, DossierStep
from motcua.dossiers.pagination import CappedPaginator
from motcua.dossiers.states import PAUSED, Status
from motcua.org.models import Membership, Role
from motcua.workspace import selectors as ws_selectors
from tests.factories import UnitFactory, UserFactory, published_procedure, staff, vn

NOW = vn(2026, 3, 10, 9, 0)
OPEN = set(selectors.OPEN)
RUNNING = set(selectors.RUNNING)


class Province:
    pass


@pytest.fixture
def province(db):
    """Five units, 160 dossiers spread over them at random (seeded), some with steps in a
    fourth unit, tied receipt times, missing due times; staff of one, two and no unit."""
    rng = random.Random(20261126)
    p = Province()
    p.units = [UnitFactory(code=f"000.00.{i:02d}.H15") for i in range(1, 6)]
    a, b, c, d, e = p.units
    p.leader_a = staff(Role.LEADER, a, username="lanhdao_a")
    p.specialist_c = staff(Role.SPECIALIST, c, username="cv_c")
    p.two_units = staff(Role.LEADER, b, username="hai_don_vi")
    Membership.objects.create(user=p.two_units, unit=d, role=Role.SPECIALIST)
    p.nobody = UserFactory(username="khong_don_vi")
    p.root = UserFactory(username="quantri", is_superuser=True)
    holders = [None, None, p.specialist_c, p.leader_a, p.two_units]
    version = published_procedure(agency=a, receiving_units=[b])
    times = [vn(2026, 3, day, hour, 0) for day in (2, 3, 4) for hour in (8, 14)]
    statuses = list(Status.values)
    for i in range(160):
        status = rng.choice(statuses)
        dossier = Dossier(
            code=f"T-{i:04d}", procedure_version=version, field=version.field,
            receiving_unit=rng.choice(p.units), competent_unit=rng.choice(p.units),
            current_unit=rng.choice(p.units), holder=rng.choice(holders), channel=1,
            applicant_name=rng.choice(["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"]),
            received_at=rng.choice(times),
            due_at=rng.choice([None, *[NOW + dt.timedelta(hours=h) for h in (-50, -1, 3, 30)]]),
        )
        dossier.set_status(status)
        dossier.save()
        for order, unit in enumerate(rng.sample(p.units, rng.choice([0, 0, 1, 2])), start=1):
            DossierStep.objects.create(dossier=dossier, order=order, name="Bước", role="leader",
                                       unit=unit, hours=Decimal(4))
    p.users = [p.leader_a, p.specialist_c, p.two_units, p.nobody, p.root]
    return p


def units_of(user) -> set[int]:
    return set(Membership.objects.filter(user=user).values_list("unit_id", flat=True))


def visible(user, d: Dossier) -> bool:
    if user.is_superuser:
        return True
    mine = units_of(user)
    steps = set(DossierStep.objects.filter(dossier=d).values_list("unit_id", flat=True))
    return bool({d.receiving_unit_id, d.competent_unit_id, d.current_unit_id} & mine
                or steps & mine)


def ordered(ids, order=("-received_at", "-id")) -> list[str]:
    return list(Dossier.objects.filter(pk__in=ids).order_by(*order)
                .values_list("code", flat=True))


def codes(rows) -> list[str]:
    return [d.code for d in rows]


def matches(d: Dossier, f: dict) -> bool:
    if "unit" in f and int(f["unit"]) not in (d.receiving_unit_id, d.competent_unit_id,
                                               d.current_unit_id):
        return False
    if "status" in f and d.status not in f["status"].split(","):
        return False
    overdue = d.status in RUNNING and d.due_at is not None and d.due_at < NOW
    if "overdue" in f and overdue != (f["overdue"] == "1"):
        return False
    if "due_before" in f and not (d.due_at is not None and d.due_at < f["due_before"]):
        return False
    return not ("holder" in f and d.holder_id != f["holder"])


def filter_sets(p) -> list[dict]:
    a, b, c, d, e = (u.pk for u in p.units)
    return [
        {}, {"unit": a}, {"unit": str(d)}, {"unit": e},
        {"status": "appraising"}, {"status": "appraising,supplement_requested,returned"},
        {"unit": a, "status": "appraising"}, {"unit": b, "status": "received,transferred"},
        {"unit": e, "status": "appraising,awaiting_approval"},
        {"overdue": "1"}, {"overdue": "0"}, {"overdue": "1", "unit": a},
        {"overdue": "1", "unit": c}, {"overdue": "1", "status": "appraising"},
        {"status": "supplement_requested", "due_before": NOW},
        # Read in pieces by status (IndexIds): a status given twice, statuses of which the
        # overdue filter keeps one, or none.
        {"unit": a, "status": "appraising,appraising"},
        {"overdue": "1", "status": "appraising,returned"}, {"overdue": "1", "status": "returned"},
        {"holder": p.specialist_c.pk, "status": ",".join(sorted(OPEN))},
    ]


def test_dossier_list_matches_the_reference_for_every_user_and_filter(province):
    everything = list(Dossier.objects.all())
    for user in province.users:
        for f in filter_sets(province):
            expected = ordered([x.pk for x in everything if visible(user, x) and matches(x, f)])
            listed = selectors.dossier_list(user=user, filters=f, now=NOW)
            assert codes(listed) == expected, (user.username, f)
            assert listed.count() == len(expected), (user.username, f)


@pytest.mark.parametrize("per_page", [1, 7, 50])
def test_pages_and_counts_match_the_reference(province, per_page):
    """Ids-first pages (index_ids or not) concatenate to the whole list; counts are exact
    below the cap, the cap with ``capped`` above it (unless counting was free)."""
    everything = list(Dossier.objects.all())
    for user in province.users:
        for f in filter_sets(province):
            expected = ordered([x.pk for x in everything if visible(user, x) and matches(x, f)])
            for cap in (3, 10_000):
                paginator = CappedPaginator(
                    selectors.dossier_list(user=user, filters=f, now=NOW), per_page, cap=cap)
                seen, number = [], 1
                while True:
                    page = paginator.page(number)
                    seen += codes(page.object_list)
                    if not page.has_next():
                        break
                    number += 1
                assert seen == expected, (user.username, f, per_page)
                # Once the last page has been read the length is known exactly.
                assert paginator.count == len(expected) and not paginator.capped
                fresh = CappedPaginator(
                    selectors.dossier_list(user=user, filters=f, now=NOW), per_page, cap=cap)
                fresh.page(1)
                # Exact when the first page shows the end, or when an index-served list
                # counted itself while sorting.
                exact = len(expected) <= per_page or fresh.object_list.index_ids is not None
                assert fresh.count == (len(expected) if exact else min(len(expected), cap))
                assert fresh.capped == (not exact and len(expected) > cap)


WORKLIST_RULES = {
    "mine": lambda u, d, units: d.holder_id == u.pk and d.status in OPEN,
    "unit": lambda u, d, units: d.current_unit_id in units and d.status in OPEN,
    "due_soon": lambda u, d, units: (d.status in RUNNING and d.due_at is not None
                                     and NOW <= d.due_at <= ws_selectors.warning_horizon(NOW)),
    "overdue": lambda u, d, units: (d.status in RUNNING and d.due_at is not None
                                    and d.due_at < NOW),
    "paused": lambda u, d, units: d.status in PAUSED,
    "to_return": lambda u, d, units: (d.status in (Status.ISSUED, Status.RESULT_READY)
                                      and d.receiving_unit_id in units),
    "all": lambda u, d, units: True,
}


def test_worklists_match_the_reference(province):
    everything = list(Dossier.objects.all())
    for user in province.users:
        units = units_of(user)
        for key, rule in WORKLIST_RULES.items():
            order = ("-received_at", "-id") if key == "all" else ("due_at", "id")
            for f in ({}, {"unit": province.units[0].pk}, {"status": "appraising"}):
                expected = ordered([x.pk for x in everything if visible(user, x)
                                    and rule(user, x, units) and matches(x, f)], order)
                listed = ws_selectors.worklist(user=user, key=key, filters=f, now=NOW)
                assert codes(listed) == expected, (user.username, key, f)
                paginator = CappedPaginator(listed, 5)
                pages = [codes(paginator.page(n).object_list)
                         for n in range(1, (len(expected) + 4) // 5 + 1)]
                assert sum(pages, []) == expected, (user.username, key, f)
            counts = ws_selectors.worklist_counts(user=user, now=NOW)
            assert counts[key] == len([x for x in everything if visible(user, x)
                                       and rule(user, x, units)]), (user.username, key)


def test_tile_counts_are_the_capped_counts_of_the_lists(province, monkeypatch):
    """The home page counts each worklist without building its page query
    (``selectors.dossier_count``): the same number as counting the list, capped alike."""
    from motcua.dossiers.pagination import capped_count

    for cap in (2, 1000):
        monkeypatch.setattr(ws_selectors, "TILE_COUNT_CAP", cap)
        for user in province.users:
            counts = ws_selectors.worklist_counts(user=user, now=NOW)
            for w in ws_selectors.WORKLISTS:
                listed = ws_selectors.worklist(user=user, key=w.key, now=NOW)
                assert counts[w.key] == capped_count(listed, cap), (user.username, w.key, cap)
                assert counts[w.key] == min(len(list(listed)), cap + 1), (user.username, w.key)


def test_tile_counts_follow_the_clock_and_the_memberships_in_one_statement(
        province, django_assert_num_queries):
    """The tiles' count queries are built once per shape (``orm_speed.ShapedSQL``) and given
    the time of day: at any moment they count what the lists hold; a new membership is a new
    shape; the nine counts are one statement."""
    from motcua.dossiers.pagination import capped_count

    def check(user, now):
        counts = ws_selectors.worklist_counts(user=user, now=now)
        for w in ws_selectors.WORKLISTS:
            listed = ws_selectors.worklist(user=user, key=w.key, now=now)
            assert counts[w.key] == capped_count(listed, ws_selectors.TILE_COUNT_CAP), (
                user.username, w.key, now)
        return counts

    moments = [NOW + dt.timedelta(days=d) for d in (-30, -2, 0, 1, 3, 40)]
    for user in province.users:
        seen = {tuple(check(user, now).values()) for now in moments}
        if user is province.leader_a:
            assert len(seen) > 1  # the clock moved overdue and due-soon dossiers
    user = province.leader_a
    ws_selectors.worklist_counts(user=user, now=NOW)
    with django_assert_num_queries(2) as ran:  # the calendar's freshness check, the counts
        ws_selectors.worklist_counts(user=user, now=NOW)
    assert sum(q["sql"].startswith("SELECT (SELECT COUNT(*) FROM (SELECT * FROM")
               for q in ran.captured_queries) == 1
    before = ws_selectors.worklist_counts(user=user, now=NOW)
    Membership.objects.create(user=user, unit=province.units[-1], role=Role.SPECIALIST)
    from motcua.org import permissions

    permissions.forget(user)
    for now in moments:
        check(user, now)
    assert ws_selectors.worklist_counts(user=user, now=NOW) != before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL plan cache")
def test_tile_counts_keep_their_generic_plan_on_a_preparing_connection(province):
    """On a connection that prepares repeated statements, the tiles' statement runs with
    ``plan_cache_mode = force_generic_plan`` (re-planning it was most of its server time) and
    the session's default is back afterwards, also when the statement fails outside a
    transaction; the counts are the same as without. The statement is sent with PostgreSQL's
    own ``$n`` placeholders (``orm_speed.native_cursor``): psycopg parsed it in Python on
    every request, past its parse cache's limits."""
    from django.db import DatabaseError, transaction
    from django.test.utils import CaptureQueriesContext

    user = province.leader_a
    plain = ws_selectors.worklist_counts(user=user, now=NOW)
    raw = connection.connection
    saved = raw.prepare_threshold
    raw.prepare_threshold = 5
    try:
        with CaptureQueriesContext(connection) as ran:
            for _ in range(7):  # past the threshold: prepared, then the plan kept
                assert ws_selectors.worklist_counts(user=user, now=NOW) == plain
        sqls = [q["sql"] for q in ran.captured_queries]
        counts = [i for i, sql in enumerate(sqls) if sql.startswith("SELECT (SELECT COUNT(*)")]
        assert len(counts) == 7
        for i in counts:
            assert sqls[i - 1] == "SET plan_cache_mode = force_generic_plan"
            assert sqls[i + 1] == "RESET plan_cache_mode"
            # PostgreSQL's own placeholders: psycopg does not parse the 7.5 kB statement.
            assert "$1" in sqls[i] and "%s" not in sqls[i]
        with connection.cursor() as cursor:
            cursor.execute("SHOW plan_cache_mode")
            assert cursor.fetchone()[0] == "auto"
        # A failing statement in a transaction: its own error (not the RESET's, refused in an
        # aborted transaction), and the rollback undoes the SET.
        with pytest.raises(DatabaseError, match="division by zero"):
            with transaction.atomic():
                selectors.capped_counts([("SELECT id FROM dossiers_dossier WHERE 1 / (id - id) = 1", ())], 10)
        with connection.cursor() as cursor:
            cursor.execute("SHOW plan_cache_mode")
            assert cursor.fetchone()[0] == "auto"
    finally:
        raw.prepare_threshold = saved


def test_tile_counts_stop_past_the_cap(province, monkeypatch):
    monkeypatch.setattr(ws_selectors, "TILE_COUNT_CAP", 2)
    counts = ws_selectors.worklist_counts(user=province.root, now=NOW)
    assert counts["all"] == 3  # "more than 2"


# ----------------------------------------------------------------------------- the API


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_api_count_is_exact_below_the_cap_and_flagged_above(province, monkeypatch):
    unit = province.units[0].pk
    expected = ordered([x.pk for x in Dossier.objects.all()
                        if matches(x, {"unit": unit})])
    assert len(expected) > 50
    body = api(province.leader_a).get("/api/v1/dossiers", {"unit": unit}).json()
    assert body["count"] == len(expected) and body["count_capped"] is False
    assert [r["code"] for r in body["results"]] == expected[:50]
    assert body["next"].endswith(f"?page=2&unit={unit}") and body["previous"] is None
    body = api(province.leader_a).get("/api/v1/dossiers", {"unit": unit, "page": 2}).json()
    assert body["count"] == len(expected) and body["next"] is None
    assert body["previous"].endswith(f"?unit={unit}")
    assert [r["code"] for r in body["results"]] == expected[50:]

    monkeypatch.setattr(pagination, "COUNT_CAP", 4)
    monkeypatch.setattr(pagination.CappedPagination, "page_size", 3)
    first = api(province.leader_a).get("/api/v1/dossiers", {"unit": unit}).json()
    assert first["count"] == 4 and first["count_capped"] is True
    assert [r["code"] for r in first["results"]] == expected[:3]
    assert first["next"].endswith(f"?page=2&unit={unit}")
    # Pages past the cap are still there; the last one says so by having no next.
    last_page = (len(expected) + 2) // 3
    last = api(province.leader_a).get("/api/v1/dossiers", {"unit": unit, "page": last_page})
    assert last.status_code == 200
    assert [r["code"] for r in last.json()["results"]] == expected[(last_page - 1) * 3:]
    assert last.json()["next"] is None
    assert api(province.leader_a).get(
        "/api/v1/dossiers", {"unit": unit, "page": last_page + 1}).status_code == 404


def test_api_status_label_is_the_status_display(province):
    body = api(province.root).get("/api/v1/dossiers").json()
    for row in body["results"]:
        assert row["status_label"] == Dossier(status=row["status"]).get_status_display()


def test_a_unit_that_is_not_a_number_is_a_400(province):
    response = api(province.leader_a).get("/api/v1/dossiers", {"unit": "abc"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"  # the query parameters' serializer
    assert "unit" in response.json()["fields"]


@pytest.mark.parametrize("query", [
    {}, {"status": "appraising"}, {"overdue": "1"}, {"overdue": "1", "unit": "UNIT"},
    {"unit": "UNIT", "status": "appraising,supplement_requested"},
])
def test_api_list_query_count(province, django_assert_max_num_queries, query):
    """Memberships, the page's ids, its rows (select_related), the capped count, and one
    INSERT logging the page's reads of personal data (issue 12 §5): 5, whatever the page holds
    (the count is skipped when the page shows where the list ends)."""
    query = {k: (province.units[0].pk if v == "UNIT" else v) for k, v in query.items()}
    client = api(province.leader_a)
    with django_assert_max_num_queries(5):
        response = client.get("/api/v1/dossiers", query)
    assert response.status_code == 200


def test_workspace_home_query_count(province, client, django_assert_max_num_queries):
    """Session, user, memberships, the nine capped tile counts in one statement, the calendar's
    freshness check and, in a process that has not read it yet, its two loads, unit names: 8 at
    most, however many dossiers there are (run alone the calendar is cold; after other tests it
    is cached)."""
    client.force_login(province.two_units)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("workspace:home")).status_code == 200


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite query plans")
def test_narrowed_lists_read_indexes_not_the_table(province):
    """The regression that cost seconds at a million dossiers: a plan walking the whole table
    (or the received_at index) for a unit + status list or the overdue list."""
    unit = province.units[0].pk
    for user, f in [(province.leader_a, {"unit": unit, "status": "appraising"}),
                    (province.leader_a, {"overdue": "1"}),
                    (province.leader_a, {"overdue": "1", "unit": unit})]:
        index_ids = selectors.dossier_list(user=user, filters=f, now=NOW).index_ids
        sql, params = index_ids._sql()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = " | ".join(row[3] for row in cursor.fetchall())
        assert "SCAN dossiers_dossier" not in plan, plan
        assert "COVERING INDEX dossier_" in plan, plan
        # Every unit-column arm, its exclusions of the arms before it included, stays
        # index-only (migration 0011).
        for part in plan.split(" | "):
            if part.startswith("SEARCH dossiers_dossier") and "unit_id=" in part:
                assert "COVERING INDEX" in part, plan
        assert "UNION USING TEMP B-TREE" not in plan, plan
        # The current arm reads the partial index of dossiers held by a third unit, not the
        # entries the competent arm already read (migration 0014).
        assert "COVERING INDEX dossier_cur_third_x" in plan, plan
        assert "dossier_cur_status_due_x" not in plan, plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite query plans")
def test_page_statement_keeps_the_union_a_subquery(province):
    """The page's statement on SQLite (the page, and the total in a subquery of its own)
    reads the arms' covering indexes: flattened into the outer query, SQLite pushed the
    ORDER BY into each arm and walked a (status, received_at) index through the table. The
    page reads the receiving and competent arms status by status in list order from their
    (unit, status, received_at, id …) indexes (migration 0015), and the count once."""
    from django.test.utils import CaptureQueriesContext

    unit = province.units[0].pk
    for f in ({"unit": unit, "status": "appraising"}, {"overdue": "1"}):
        source = selectors.dossier_list(user=province.leader_a, filters=f, now=NOW).index_ids
        with CaptureQueriesContext(connection) as captured:
            source.ids(0, 8)
        (statement,) = [q["sql"] for q in captured.captured_queries]
        assert "OVER ()" not in statement
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + statement, ())
            plan = " | ".join(row[3] for row in cursor.fetchall())
        assert "SCAN dossiers_dossier" not in plan, plan
        assert "dossier_status_received" not in plan, plan
        assert "COVERING INDEX dossier_comp_status_at" in plan, plan
        assert "COVERING INDEX dossier_recv_status_at" in plan, plan
        # The count, in a subquery of its own, is run once, not once per piece.
        assert plan.count("SCALAR SUBQUERY") == 1, plan
        # An ordered piece sorts at most the rows of one received_at (the index gives the
        # order); only the merged pieces are sorted whole.
        assert plan.count("USE TEMP B-TREE FOR ORDER BY") == 1, plan


def test_the_lists_hold_dossiers_seen_only_through_a_third_unit_holding_them(province):
    """The reference tests above cover the current arm's partial index only if some visible
    dossiers are held by a unit that neither received nor decides them (the fixture is
    random): make sure it has them, and that every list shape shows them."""
    from django.db.models import F

    third = Dossier.objects.exclude(current_unit=F("competent_unit")).exclude(
        current_unit=F("receiving_unit"))
    for user in (province.leader_a, province.two_units):
        units = units_of(user)
        only_held = [d for d in third if d.current_unit_id in units
                     and not {d.receiving_unit_id, d.competent_unit_id} & units]
        assert only_held, user.username
        listed = set(selectors.dossier_list(user=user, filters={"status": ",".join(
            sorted({d.status for d in only_held}))}, now=NOW).values_list("pk", flat=True))
        assert {d.pk for d in only_held} <= listed
        unit = next(iter(units))
        by_unit = set(selectors.dossier_list(user=user, filters={"unit": unit, "status": ",".join(
            sorted(Status.values))}, now=NOW).values_list("pk", flat=True))
        assert {d.pk for d in only_held if d.current_unit_id == unit} <= by_unit


@pytest.mark.parametrize("query", [{}, {"status": "appraising"}, {"overdue": "1"}])
def test_api_list_rows_load_only_what_a_row_shows(province, query):
    from django.test.utils import CaptureQueriesContext

    client = api(province.leader_a)
    with CaptureQueriesContext(connection) as captured:
        body = client.get("/api/v1/dossiers", query).json()
    rows_sql = [q["sql"] for q in captured.captured_queries if '"legal_time_value"' in q["sql"]
                or '"catalog_procedureversion"."name"' in q["sql"]]
    assert rows_sql, "the page's rows were not read"
    for sql in rows_sql:
        assert '"legal_basis"' not in sql and '"auth_user"' not in sql
    # The narrow load still answers every field of a row.
    if body["results"]:
        row = body["results"][0]
        assert row["procedure"] and row["procedure_name"] and row["current_unit"]
        assert set(row) >= {"code", "status", "status_label", "field", "overdue", "due_at"}


API_FILTERS = [
    {}, {"status": "appraising"}, {"status": "appraising,supplement_requested,awaiting_approval"},
    {"overdue": True}, {"overdue": False}, {"overdue": True, "unit": "UNIT"},
    {"unit": "UNIT", "status": "appraising"}, {"unit": "OTHER", "status": "appraising"},
    {"unit": "OTHER", "overdue": True}, {"unit": "UNIT"}, {"national_status": 3},
    {"status": "submitted", "received_from": vn(2026, 3, 3, 0, 0)}, {"q": "an"},
]


def test_api_list_source_built_once_per_shape_gives_the_same_pages(province):
    """``selectors.list_page_source`` keeps the index-served union of each list shape compiled
    and gives it the time of day: at every moment, for every user and filter, the same rows in
    the same order and the same count as ``list_rows(dossier_list(...))``."""
    unit, other = province.units[0].pk, province.units[2].pk
    moments = [NOW + dt.timedelta(hours=h) for h in (-60, -2, 0, 2, 31, 80)]
    compiled_once = False
    for user in province.users:
        for given in API_FILTERS:
            f = {k: {"UNIT": unit, "OTHER": other}.get(v, v) if isinstance(v, str) else v
                 for k, v in given.items()}
            for now in moments:
                expected = selectors.list_rows(selectors.dossier_list(user=user, filters=f,
                                                                      now=now))
                for _ in range(2):  # the first call of a shape finds out, the second compiles
                    got = selectors.list_page_source(user=user, filters=f, now=now)
                    compiled_once |= getattr(got, "index_ids", None) is not None and (
                        got.index_ids.union is None)
                    want, have = CappedPaginator(expected, 7), CappedPaginator(got, 7)
                    for n in (1, 2, 3):
                        try:
                            rows = [r.code for r in want.page(n).object_list]
                        except pagination.EmptyPage:
                            with pytest.raises(pagination.EmptyPage):
                                have.page(n)
                            continue
                        assert [r.code for r in have.page(n).object_list] == rows, (
                            user.username, f, now, n)
                        assert (have.count, have.capped) == (want.count, want.capped), (
                            user.username, f, now)
    assert compiled_once


def test_a_page_iterates_its_rows_without_indexing_each(province):
    """``CappedPage`` iterates its list of rows directly (DRF's ``list(page)``), the same rows
    in the same order as indexing them one by one did."""
    from unittest import mock

    from django.core.paginator import Page

    user = province.users[0]
    page = CappedPaginator(selectors.dossier_list(user=user, filters={}, now=NOW), 7).page(1)
    indexed = [page[i] for i in range(len(page))]
    with mock.patch.object(Page, "__getitem__", side_effect=AssertionError("indexed")):
        assert list(page) == indexed and len(indexed) > 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL plan cache")
def test_pieced_page_runs_with_a_generic_plan_on_a_preparing_connection(province, monkeypatch):
    """A list read in pieces (IndexIds) is one statement of 16-24 subqueries: on a connection
    that prepares, PostgreSQL planned it afresh on every execution (planning cost more than
    running it), so it runs with a generic plan and no parallel workers (the generic plan
    gathered the pieces in parallel), both settings given back after; same ids and total."""
    from django.test.utils import CaptureQueriesContext

    f = {"overdue": "1"}
    plain = selectors.dossier_list(user=province.leader_a, filters=f, now=NOW).index_ids
    expected = plain.ids(0, 8), plain.total
    monkeypatch.setattr(selectors, "_prepared", lambda connection: True)
    source = selectors.dossier_list(user=province.leader_a, filters=f, now=NOW).index_ids
    assert source.pieces
    with CaptureQueriesContext(connection) as captured:
        got = source.ids(0, 8), source.total
    statements = [q["sql"] for q in captured.captured_queries]
    assert statements[0] == selectors._GENERIC_SERIAL, statements
    assert statements[-1] == selectors._SETTINGS_RESET, statements
    assert got == expected
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('plan_cache_mode'), "
                       "current_setting('max_parallel_workers_per_gather'), "
                       "(SELECT reset_val FROM pg_settings "
                       " WHERE name = 'max_parallel_workers_per_gather')")
        mode, workers, default = cursor.fetchone()
    assert (mode, workers) == ("auto", default)


def test_a_shape_in_pieces_builds_its_list_once_per_placeholder_time(province, monkeypatch):
    """Compiling a list shape read in pieces (an overdue list: 18) builds the list once for each
    of the two placeholder times ``ShapedSQL`` compiles with, for the union and every piece:
    built again per piece, a new shape cost its worker ~340 ms at 1M dossiers."""
    monkeypatch.setattr(selectors, "_LIST_SQL", orm_speed.ShapedSQL((dt.datetime,)))
    monkeypatch.setattr(selectors, "_LIST_INDEXED", {})
    built = []
    real = selectors.dossier_list

    def counting(**kwargs):
        built.append(kwargs["now"])
        return real(**kwargs)

    monkeypatch.setattr(selectors, "dossier_list", counting)
    f = {"overdue": True}
    selectors.list_page_source(user=province.leader_a, filters=f, now=NOW)  # finds out
    pieces = selectors._LIST_INDEXED[next(iter(selectors._LIST_INDEXED))]
    assert pieces and len(pieces) > 2
    built.clear()
    got = selectors.list_page_source(user=province.leader_a, filters=f, now=NOW)  # compiles
    assert len(built) == 2 and len(set(built)) == 2, built
    assert len(got.index_ids._compiled_pieces) == len(pieces)
    built.clear()
    selectors.list_page_source(user=province.leader_a, filters=f, now=NOW)  # compiled
    assert built == []
