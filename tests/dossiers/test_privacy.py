"""Least privilege and privacy (issue 12 §5): what each role sees of an applicant, reads of
lists logged, no 403/404 oracle, ``assign`` alike for unknown users, no-store."""

from __future__ import annotations

import pytest
from django.test import Client

from motcua.audit.models import AccessLog
from motcua.dossiers.access import flush_pending
from motcua.dossiers.models import Dossier
from motcua.org.models import Role
from tests.dossiers.test_api import client_for
from tests.factories import staff

PERSONAL = ("066090001234", "1990-05-04", "0912345678", "an@example.vn", "12 Lê Duẩn")


@pytest.fixture
def courier(world):
    return staff(Role.COURIER, world.center, username="buudien1")


@pytest.mark.django_db
def test_courier_api_detail_has_delivery_data_only(world, bring, courier):
    d = bring("appraising")
    Dossier.objects.filter(pk=d.pk).update(delivery_method="post",
                                           delivery_address="5 Hùng Vương, Buôn Ma Thuột")
    body = client_for(courier).get(f"/api/v1/dossiers/{d.code}").json()
    assert body["view"] == "delivery"
    assert body["code"] == d.code and body["delivery_address"].startswith("5 Hùng Vương")
    assert body["applicant_name"] == "Nguyễn Văn An"
    assert "applicant" not in body and "history" not in body
    text = str(body)
    assert not any(value in text for value in PERSONAL)
    full = client_for(world.receptionist).get(f"/api/v1/dossiers/{d.code}").json()
    assert full["view"] == "full" and full["applicant"]["id_number"] == "066090001234"


@pytest.mark.django_db
def test_courier_workspace_page_hides_personal_data_and_forms(world, bring, courier):
    d = bring("appraising")
    client = Client()
    client.force_login(courier)
    html = client.get(f"/can-bo/ho-so/{d.code}/").content.decode()
    assert d.code in html and "Nguyễn Văn An" in html
    assert not any(value in html for value in ("066090001234", "0912345678", "an@example.vn"))
    assert "/in/ho-so/" not in html
    # Mẫu 01 (the receipt carries the ID number, phone, address): refused, on screen and PDF.
    assert client.get(f"/in/ho-so/{d.code}/mau-01/").status_code == 403
    assert client.get(f"/in/ho-so/{d.code}/mau-01/pdf/").status_code == 403
    assert client.get(f"/in/so-theo-doi/?unit={world.center.code}").status_code == 403
    receptionist = Client()
    receptionist.force_login(world.receptionist)
    assert "066090001234" in receptionist.get(f"/can-bo/ho-so/{d.code}/").content.decode()
    assert receptionist.get(f"/in/ho-so/{d.code}/mau-01/").status_code == 200


@pytest.mark.django_db
def test_list_pages_are_logged_like_reads(world, bring):
    a, b = bring("appraising"), bring("received")
    before = AccessLog.objects.count()
    client_for(world.receptionist).get("/api/v1/dossiers")
    flush_pending()  # the reads were spooled before the answer (audit.spool)
    rows = AccessLog.objects.filter(actor=world.receptionist, channel="api")
    assert AccessLog.objects.count() == before + 2
    assert set(rows.values_list("dossier_id", flat=True)) == {a.pk, b.pk}
    # The window keeps a reload to the rows already written.
    client_for(world.receptionist).get("/api/v1/dossiers")
    flush_pending()
    assert AccessLog.objects.count() == before + 2
    web = Client()
    web.force_login(world.receptionist)
    web.get("/can-bo/ho-so/?list=all&q=Nguy")
    flush_pending()
    assert AccessLog.objects.filter(actor=world.receptionist, channel="web").count() == 2


@pytest.mark.django_db
def test_foreign_unit_cannot_tell_existing_codes(world, bring):
    d = bring("appraising")
    api = client_for(world.foreign_leader)
    for url in ("/api/v1/dossiers/{}", "/api/v1/dossiers/{}/actions/approve"):
        seen = api.get(url.format(d.code)) if "actions" not in url else api.post(
            url.format(d.code), {}, format="json")
        absent = api.get(url.format("KHONG-CO")) if "actions" not in url else api.post(
            url.format("KHONG-CO"), {}, format="json")
        assert (seen.status_code, seen.json()) == (absent.status_code, absent.json())
    web = Client()
    web.force_login(world.foreign_leader)
    for path in ("/can-bo/ho-so/{}/", "/in/ho-so/{}/", "/in/ho-so/{}/mau-01/"):
        assert web.get(path.format(d.code)).status_code == web.get(
            path.format("KHONG-CO")).status_code == 404


@pytest.mark.django_db
def test_assign_answers_alike_for_unknown_user_and_non_specialist(world, bring):
    d = bring("transferred")
    api = client_for(world.leader)
    url = f"/api/v1/dossiers/{d.code}/actions/assign"
    unknown = api.post(url, {"assignee": "khong-ton-tai"}, format="json")
    not_specialist = api.post(url, {"assignee": world.receptionist.username}, format="json")
    assert unknown.status_code == not_specialist.status_code == 400
    assert unknown.json() == not_specialist.json()


@pytest.mark.django_db
def test_personal_data_responses_are_not_stored(world, bring, client):
    d = bring("appraising")
    api = client_for(world.specialist).get(f"/api/v1/dossiers/{d.code}")
    assert "no-store" in api["Cache-Control"]
    client.force_login(world.specialist)
    for path in (f"/can-bo/ho-so/{d.code}/", "/can-bo/ho-so/", f"/in/ho-so/{d.code}/mau-01/"):
        assert "no-store" in client.get(path)["Cache-Control"], path
    assert "no-store" in Client().get(f"/tra-cuu/{d.code}/")["Cache-Control"]
