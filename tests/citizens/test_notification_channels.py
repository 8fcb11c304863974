"""The citizen chooses the notification channels (issue 13, deliverable 6): the portal page
stores the choice under the verified ID number, and the outbox honours it."""

from __future__ import annotations

from motcua.notifications.models import NotificationPreference
from motcua.notifications.preferences import channels_for
from tests.citizens.test_desk import _citizen


def _with_contacts(portal):
    citizen = _citizen(portal)
    citizen.phone, citizen.email = "0912345678", "an@example.vn"
    citizen.save()
    return citizen


def test_the_choice_is_saved_under_the_id_number(portal, client):
    citizen = _with_contacts(portal)
    client.force_login(citizen.user)
    page = client.get("/cong-dan/thong-bao/").content.decode()
    assert 'value="email" checked' in page and 'value="sms" checked' in page  # the defaults
    answer = client.post("/cong-dan/thong-bao/", {"channels": ["zalo"]})
    assert answer.status_code == 302
    pref = NotificationPreference.objects.get(id_number=citizen.id_number)
    assert pref.channels() == {"zalo"}
    assert channels_for(id_number=citizen.id_number) == {"zalo"}
    page = client.get("/cong-dan/thong-bao/").content.decode()
    assert 'value="zalo" checked' in page and 'value="email" checked' not in page


def test_none_chosen_means_no_message(portal, client):
    citizen = _with_contacts(portal)
    client.force_login(citizen.user)
    assert client.post("/cong-dan/thong-bao/", {}).status_code == 302
    assert channels_for(id_number=citizen.id_number) == set()


def test_an_unknown_channel_is_refused_and_nothing_is_written(portal, client):
    citizen = _with_contacts(portal)
    client.force_login(citizen.user)
    answer = client.post("/cong-dan/thong-bao/", {"channels": ["fax"]})
    assert answer.status_code == 400
    assert "Kênh nhận thông báo không hợp lệ" in answer.content.decode()
    assert not NotificationPreference.objects.filter(id_number=citizen.id_number).exists()


def test_staff_and_strangers_cannot_use_it(portal, client):
    answer = client.get("/cong-dan/thong-bao/")
    assert answer.status_code == 302 and "oidc" in answer["Location"]
    client.force_login(portal.receptionist)
    assert client.get("/cong-dan/thong-bao/").status_code == 403
