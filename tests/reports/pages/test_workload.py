"""Workload analytics (workload.py, /bao-cao/khoi-luong/)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from motcua.dossiers.models import Dossier
from motcua.dossiers.states import Status
from motcua.org.models import Counter
from motcua.reports.dashboard import PageParams
from motcua.reports.workload import workload
from tests.factories import vn
from tests.reports.helpers import make_dossier

D = Decimal
TWO_DAYS = {"from": "2026-03-02", "to": "2026-03-03"}  # Monday and Tuesday


@pytest.fixture
def desk(frozen, version, version2, center):
    """Two working days at two busy counters and one idle one."""
    users = get_user_model().objects
    r1 = users.create(username="tn1", first_name="Hoa", last_name="Lê")
    r2 = users.create(username="tn2", first_name="Minh", last_name="Võ")
    c1 = Counter.objects.create(center=center, number=1, name="Xây dựng, tư pháp")
    c2 = Counter.objects.create(center=center, number=2, name="Xây dựng")
    c3 = Counter.objects.create(center=center, number=3, name="Dự phòng")

    def put(v, at, counter, officer):
        return make_dossier(v, received_at=at, due_at=at + dt.timedelta(days=20),
                            receiving_unit=center, counter=counter, received_by=officer)

    for _ in range(3):
        put(version, vn(2026, 3, 2, 8, 30), c1, r1)  # Monday 08:30 (stored as 01:30 UTC)
    for _ in range(2):
        put(version2, vn(2026, 3, 3, 14, 10), c1, r1)  # Tuesday 14:10
    for _ in range(3):
        put(version, vn(2026, 3, 3, 9, 5), c2, r2)  # Tuesday 09:05
    refused = put(version, vn(2026, 3, 3, 9, 30), c2, r2)
    Dossier.objects.filter(pk=refused.pk).update(status=Status.REFUSED_AT_RECEPTION)
    put(version, vn(2026, 3, 4, 9, 0), c3, r2)  # the day after the period
    return {"c1": c1, "c2": c2, "c3": c3}


PERIOD = PageParams(date_from=dt.date(2026, 3, 2), date_to=dt.date(2026, 3, 3))


@pytest.mark.django_db
def test_per_working_day_and_flags(desk):
    result = workload(PERIOD)
    assert result.working_days == 2
    assert result.threshold == D("2")
    counters = {line.label: (line.dossiers, line.per_day, line.flagged) for line in result.counters}
    assert counters == {
        "Xây dựng, tư pháp": (5, D("2.50"), False),
        "Xây dựng": (3, D("1.50"), True),
        # No dossier at all: nothing to move staff from, so no proposal.
        "Dự phòng": (0, D("0.00"), False),
    }
    fields = {line.code: (line.dossiers, line.per_day, line.flagged) for line in result.fields}
    assert fields == {"XD": (6, D("3.00"), False), "TP": (2, D("1.00"), True)}
    officers = {line.label: (line.dossiers, line.per_day) for line in result.officers}
    assert officers == {"Lê Hoa": (5, D("2.50")), "Võ Minh": (3, D("1.50"))}


@pytest.mark.django_db
def test_peak_hours_in_vietnam_time(desk):
    result = workload(PERIOD)
    grid = {(day, hour): n for day, row in result.heatmap
            for hour, n in zip(result.hours, row, strict=True) if n}
    assert grid == {("Thứ Hai", 8): 3, ("Thứ Ba", 9): 3, ("Thứ Ba", 14): 2}
    assert result.peak == 3
    assert [name for name, _ in result.heatmap][0] == "Thứ Hai"


@pytest.mark.django_db
def test_threshold_is_configurable(desk, settings, client, manager):
    settings.MOTCUA_WORKLOAD_MIN_PER_WORKING_DAY = "3.5"
    fields = {line.code: line.flagged for line in workload(PERIOD).fields}
    assert fields == {"XD": True, "TP": True}
    client.force_login(manager)
    response = client.get("/bao-cao/khoi-luong/", {**TWO_DAYS, "threshold": "1,2"})
    data = response.context["data"]
    assert data.threshold == D("1.2")
    assert {line.label: line.flagged for line in data.counters} == {
        "Xây dựng, tư pháp": False, "Xây dựng": False, "Dự phòng": False,
    }
    # Flagged: the Tư pháp field (1.00 < 1.2) only; the idle counter has no dossier to move.
    assert response.content.decode().count("Đề xuất điều chuyển cán bộ") == 1


@pytest.mark.django_db
def test_page_for_manager(desk, client, manager):
    client.force_login(manager)
    response = client.get("/bao-cao/khoi-luong/", TWO_DAYS)
    assert response.status_code == 200
    assert 'id="heatmap"' in response.content.decode()


@pytest.mark.django_db
def test_bad_threshold(desk, client, manager):
    client.force_login(manager)
    assert client.get("/bao-cao/khoi-luong/", {"threshold": "nhiều"}).status_code == 400
    assert client.get("/bao-cao/khoi-luong/", {"threshold": "-1"}).status_code == 400


@pytest.mark.django_db
def test_permissions(desk, client, agency_leader, agency2, receptionist):
    assert client.get("/bao-cao/khoi-luong/").status_code == 302
    client.force_login(receptionist)
    assert client.get("/bao-cao/khoi-luong/").status_code == 403
    client.force_login(agency_leader)
    assert client.get("/bao-cao/khoi-luong/", {"agency": agency2.code}).status_code == 403


@pytest.mark.django_db
def test_agency_leader_counts_only_own_agency(desk, client, agency_leader):
    client.force_login(agency_leader)
    data = client.get("/bao-cao/khoi-luong/", TWO_DAYS).context["data"]
    assert {line.code: line.dossiers for line in data.fields} == {"XD": 6}


@pytest.mark.django_db
def test_queries_do_not_grow(client, frozen, version, center, manager,
                             django_assert_max_num_queries):
    users = get_user_model().objects
    for i in range(30):
        counter = Counter.objects.create(center=center, number=i + 1, name=f"Quầy {i + 1}")
        make_dossier(version, received_at=vn(2026, 3, 2 + i % 20, 9), due_at=vn(2026, 4, 25, 17),
                     receiving_unit=center, counter=counter,
                     received_by=users.create(username=f"u{i}"))
    client.force_login(manager)
    with django_assert_max_num_queries(20):
        response = client.get("/bao-cao/khoi-luong/", {"preset": "month"})
    assert len(response.context["data"].counters) == 30


@pytest.mark.django_db
def test_heatmap_numbers_keep_their_contrast(desk):
    """Dark text on cells up to 0.7 opacity of the red, white text from 0.8, none between."""
    from motcua.reports.workload import _shade

    assert _shade(1.0) == ("1.00", True)
    assert _shade(0.72) == ("0.70", False)
    assert _shade(0.78) == ("0.80", True)
    assert _shade(0.5) == ("0.50", False)
    cells = [cell for _, row in workload(PERIOD).shaded() for cell in row if cell[0]]
    assert (3, "1.00", True) in cells and (2, "0.67", False) in cells
