import pytest
from rest_framework.test import APIClient

from motcua.dossiers.states import Status
from motcua.org.models import Role, UnitKind
from tests.factories import UnitFactory, staff, vn
from tests.reports.helpers import make_dossier, record

URL = "/api/v1/reports/official"


@pytest.fixture
def data(version, version2, center):
    make_dossier(version, received_at=vn(2026, 3, 2, 8), due_at=vn(2026, 3, 20, 17),
                 receiving_unit=center)
    d = make_dossier(version2, received_at=vn(2026, 3, 3, 8), due_at=vn(2026, 3, 4, 17),
                     receiving_unit=center)
    record(d, Status.RESULT_READY, vn(2026, 3, 4, 9))


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.django_db
def test_center_manager_sees_all(data, center):
    user = staff(Role.CENTER_MANAGER, center)
    response = client_for(user).get(URL, {"from": "2026-03-01", "to": "2026-03-31", "by": "agency"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["total"]["received"]["total"] == 2
    assert body["total"]["processed"] == {"total": 1, "early": 0, "on_time": 1, "late": 0}
    assert {row["label"] for row in body["rows"]} == {"Sở Xây dựng", "Sở Tư pháp"}


@pytest.mark.django_db
def test_agency_leader_sees_only_own_agency(data, agency):
    user = staff(Role.LEADER, agency)
    body = client_for(user).get(URL, {"from": "2026-03-01", "to": "2026-03-31"}).json()
    assert [row["label"] for row in body["rows"]] == ["Sở Xây dựng"]
    assert body["total"]["received"]["total"] == 1


@pytest.mark.django_db
def test_wrong_unit_is_denied(data, agency, agency2):
    user = staff(Role.LEADER, agency)
    response = client_for(user).get(
        URL, {"from": "2026-03-01", "to": "2026-03-31", "agency": agency2.code}
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


@pytest.mark.django_db
def test_commune_leader_cannot_ask_for_another_commune(data):
    commune = UnitFactory(kind=UnitKind.COMMUNE_CENTER, level="xa")
    other = UnitFactory(kind=UnitKind.COMMUNE_CENTER, level="xa")
    user = staff(Role.LEADER, commune)
    response = client_for(user).get(URL, {"from": "2026-03-01", "to": "2026-03-31", "unit": other.code})
    assert response.status_code == 403


@pytest.mark.django_db
def test_wrong_role_is_denied(data, center):
    user = staff(Role.RECEPTIONIST, center)
    response = client_for(user).get(URL, {"from": "2026-03-01", "to": "2026-03-31"})
    assert response.status_code == 403


@pytest.mark.django_db
def test_anonymous_is_denied(data):
    response = APIClient().get(URL, {"from": "2026-03-01", "to": "2026-03-31"})
    assert response.status_code in (401, 403)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "code", "field"),
    [
        ({"from": "2026-03-31", "to": "2026-03-01"}, "period_reversed", "to"),
        ({"from": "2026-13-01", "to": "2026-03-01"}, "invalid_date", "from"),
        ({"from": "2026-03-01", "to": "2026-03-31", "by": "x"}, "unknown_grouping", "by"),
        ({"from": "2026-03-10", "to": "2026-03-31", "as_of": "2026-03-01T10:00"},
         "as_of_before_period", "as_of"),
        ({"to": "2026-03-31"}, "required", "from"),
    ],
)
def test_bad_input_uses_error_shape(data, center, params, code, field):
    user = staff(Role.ADMINISTRATOR, center)
    response = client_for(user).get(URL, params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == code
    assert field in body["fields"]


@pytest.mark.django_db
def test_expired_membership_is_denied(data, center):
    import datetime as dt

    user = staff(Role.CENTER_MANAGER, center, valid_to=dt.date(2020, 1, 1))
    response = client_for(user).get(URL, {"from": "2026-03-01", "to": "2026-03-31"})
    assert response.status_code == 403


@pytest.mark.django_db
def test_denial_message_follows_the_chosen_language(data, agency, agency2):
    client = client_for(staff(Role.LEADER, agency))
    params = {"from": "2026-03-01", "to": "2026-03-31", "agency": agency2.code}
    assert "chỉ được xem" in client.get(URL, params).json()["message"]
    client.cookies["django_language"] = "en"
    body = client.get(URL, params).json()
    assert body["code"] == "permission_denied"
    assert body["message"] == "You may only view the reports of your own unit."
