"""TT 01/2018 scoring (scoring.py, /bao-cao/cham-diem/)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from motcua.dossiers.models import Dossier, DossierStep, StepOutcome
from motcua.dossiers.states import Status
from motcua.reports.dashboard import PageParams
from motcua.reports.scoring import (
    average,
    contacts_points,
    officer_band,
    online_points,
    scoring,
    total_time_points,
    unit_band,
    unit_time_points,
    whole_process_points,
)
from tests.factories import vn
from tests.reports.helpers import make_dossier, record

D = Decimal
E, ON, L = StepOutcome.EARLY, StepOutcome.ON_TIME, StepOutcome.LATE


def test_indicator_tables():
    assert [total_time_points(t) for t in ("early", "on_time", "late")] == [2, 1, 0]
    assert unit_time_points([]) is None
    assert unit_time_points(["", ""]) is None
    assert unit_time_points([E, E]) == 2
    assert unit_time_points([E, "", E]) == 2
    assert unit_time_points([E, ON]) == 1
    assert unit_time_points([E, L, E]) == 0
    assert [contacts_points(n) for n in (0, 1, 2, 5)] == [2, 1, 0, 0]


def test_bands():
    assert officer_band(D("5.0")) == "Hoàn thành 100% nhiệm vụ"
    assert officer_band(D("4.9")) == officer_band(D("3.5")) == "Hoàn thành từ 70% đến dưới 100%"
    assert officer_band(D("3.4")) == "Hoàn thành dưới 70%"
    assert officer_band(None) == ""
    bands = [unit_band(D(x)) for x in ("15", "14.9", "12", "11.9", "9", "8.9", "6", "5.9")]
    assert bands == ["Xuất sắc", "Tốt", "Tốt", "Khá", "Khá", "Trung bình", "Trung bình", "Yếu"]
    assert average([7, 4, 1, 1]) == D("3.3")  # 3.25 rounded half-up to one decimal
    assert average([]) is None


def test_unit_indicators():
    assert whole_process_points(5, 1) == 2  # 20 % "5 tại chỗ"
    assert whole_process_points(6, 1) is None  # cannot tell 1 from 0
    assert whole_process_points(0, 0) is None
    assert online_points(5, 1, 3, 10, 0) == 2  # 20 % online procedures, 30 % online dossiers
    assert online_points(5, 1, 3, 10, 1) == 1  # a late online dossier
    assert online_points(5, 1, 2, 10, 0) == 1  # 20 % online dossiers (15–30 %)
    assert online_points(5, 1, 1, 10, 0) == 0
    assert online_points(5, 0, 3, 10, 0) == 0  # no online procedure
    assert online_points(5, 1, 0, 0, 0) is None


def _user(username, **names):
    # No password: hashing one costs more than the whole scoring computation.
    return get_user_model().objects.create(username=username, **names)


def _step(dossier, order, outcome, assignee, unit):
    DossierStep.objects.create(dossier=dossier, order=order, name=f"Bước {order}", role="specialist",
                               unit=unit, assignee=assignee, hours=4, outcome=outcome)


@pytest.fixture
def officers(march, agency, agency2):
    a = _user("an", first_name="An", last_name="Lê")
    b = _user("binh", first_name="Bình", last_name="Trần")
    c = _user("cuong", first_name="Cường", last_name="Phạm")
    _step(march["d1"], 1, E, a, agency)
    _step(march["d1"], 2, E, b, agency)
    _step(march["d2"], 1, E, a, agency2)
    _step(march["d2"], 2, ON, a, agency2)
    _step(march["d4"], 1, ON, c, agency2)
    _step(march["d4"], 2, L, b, agency2)
    Dossier.objects.filter(pk=march["d2"].pk).update(received_by=a, supplement_count=1)
    Dossier.objects.filter(pk=march["d4"].pk).update(supplement_count=2)
    return {"a": a, "b": b, "c": c}


MARCH = PageParams(date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 31))


@pytest.mark.django_db
def test_dossier_officer_and_unit_scores(frozen, march, officers, agency, agency2):
    result = scoring(MARCH)
    scores = {d.code: (d.i1, d.i2, d.i3, d.i4, d.i7, d.score) for d in result.dossiers}
    assert scores == {
        march["d1"].code: (2, 2, 2, 1, None, 7),  # early, all steps early, no supplement
        march["d2"].code: (1, 1, 1, 1, None, 4),  # on time, early + on time, 1 supplement
        march["d4"].code: (0, 0, 0, 1, None, 1),  # late, a late step, 2 supplements
    }
    assert result.average == D("4.0")
    people = {o.name: (o.dossiers, o.score, o.band) for o in result.officers}
    assert people == {
        "Lê An": (2, D("5.5"), "Hoàn thành 100% nhiệm vụ"),  # d1 step, d2 steps and receipt
        "Trần Bình": (2, D("4.0"), "Hoàn thành từ 70% đến dưới 100%"),  # d1, d4
        "Phạm Cường": (1, D("1.0"), "Hoàn thành dưới 70%"),  # d4
    }
    units = {u.code: u for u in result.units}
    first, second = units[agency.code], units[agency2.code]
    # Sở Xây dựng: d1 only; no online procedure although half its new dossiers were online.
    assert (first.dossiers, first.dossier_average, first.i5, first.i9, first.score,
            first.band) == (1, D("7.0"), None, 0, D("7.0"), "Trung bình")
    assert first.online_share == 50.0
    assert (second.dossiers, second.dossier_average, second.i9, second.score,
            second.band) == (2, D("2.5"), 0, D("2.5"), "Yếu")


@pytest.mark.django_db
def test_dossier_without_steps_has_no_indicator_2(frozen, version, center):
    d = make_dossier(version, received_at=vn(2026, 3, 2, 8), due_at=vn(2026, 3, 20, 17),
                     receiving_unit=center)
    record(d, Status.RESULT_READY, vn(2026, 3, 20, 16))
    (line,) = scoring(MARCH).dossiers
    assert (line.i1, line.i2, line.score) == (1, None, 4)


@pytest.mark.django_db
def test_page_for_manager(client, frozen, march, officers, manager):
    client.force_login(manager)
    response = client.get("/bao-cao/cham-diem/", {"from": "2026-03-01", "to": "2026-03-31"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Lê An" in content and "Hoàn thành dưới 70%" in content and "Yếu" in content
    assert len(response.context["data"].dossiers) == 3


@pytest.mark.django_db
def test_agency_leader_sees_own_agency_only(client, frozen, march, officers, agency_leader,
                                            agency):
    client.force_login(agency_leader)
    data = client.get("/bao-cao/cham-diem/", {"preset": "month"}).context["data"]
    assert [u.code for u in data.units] == [agency.code]
    assert [d.code for d in data.dossiers] == [march["d1"].code]


@pytest.mark.django_db
def test_permissions(client, frozen, march, agency_leader, agency2, receptionist):
    assert client.get("/bao-cao/cham-diem/").status_code == 302
    client.force_login(receptionist)
    assert client.get("/bao-cao/cham-diem/").status_code == 403
    client.force_login(agency_leader)
    assert client.get("/bao-cao/cham-diem/", {"agency": agency2.code}).status_code == 403


@pytest.mark.django_db
def test_queries_do_not_grow(client, frozen, version, version2, center, manager,
                             django_assert_max_num_queries):
    for i in range(30):
        d = make_dossier(version if i % 2 else version2, received_at=vn(2026, 3, 2 + i % 20, 9),
                         due_at=vn(2026, 3, 25, 17), receiving_unit=center,
                         received_by=_user(f"tiepnhan{i}"))
        _step(d, 1, E, _user(f"chuyenvien{i}"), version.agency)
        record(d, Status.RESULT_READY, vn(2026, 3, 24, 9))
    client.force_login(manager)
    with django_assert_max_num_queries(30):
        response = client.get("/bao-cao/cham-diem/", {"preset": "month"})
    assert len(response.context["data"].officers) == 60
