"""Sổ xin lỗi (/can-bo/xin-loi/): the apologies of a unit, and those for dossiers a center
received; the tracking register link; access."""

from __future__ import annotations

from motcua.dossiers import services
from tests.factories import UserFactory, vn

URL = "/can-bo/xin-loi/"


def _apologise(world, d, reason="Chờ ý kiến cơ quan phối hợp"):
    return services.dossier_apologise(actor=world.leader, dossier=d, reason=reason,
                                      new_due_at=vn(2026, 3, 20, 8, 0))


def test_agency_register_lists_its_apologies(world, bring, login, frozen):
    d = bring("appraising")
    other = bring("appraising")
    _apologise(world, d)
    response = login(world.leader).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert d.code in html and other.code not in html
    assert "Chờ ý kiến cơ quan phối hợp" in html
    assert "09/03/2026 08:00" in html and "20/03/2026 08:00" in html
    assert f"/in/ho-so/{d.code}/mau-04/" in html
    assert f"/in/so-theo-doi/?unit={world.agency.code}" in html


def test_center_sees_apologies_for_dossiers_it_received(world, bring, login, frozen):
    d = bring("appraising")
    _apologise(world, d)
    html = login(world.manager).get(URL).content.decode()
    assert "Xin lỗi đối với hồ sơ tiếp nhận tại trung tâm" in html
    assert d.code in html and world.agency.name in html


def test_foreign_unit_sees_nothing_and_cannot_ask_for_ours(world, bring, login, frozen):
    d = bring("appraising")
    _apologise(world, d)
    client = login(world.foreign_leader)
    assert d.code not in client.get(URL).content.decode()
    assert client.get(URL, {"unit": world.agency.code}).status_code == 403
    assert client.get(URL, {"unit": "không-có"}).status_code == 404


def test_anonymous_and_roleless(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 403
