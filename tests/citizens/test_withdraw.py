"""Rút hồ sơ from the portal: before receipt the citizen withdraws at once (transition
``withdraw_online``, by the applicant); after receipt the desk records it (``withdraw``,
Mẫu 05) and the portal says so; another citizen gets 404."""

from __future__ import annotations

from tests.citizens.test_desk import _citizen, _submitted


def test_citizen_withdraws_before_receipt(portal, client):
    from motcua.dossiers.states import Status

    citizen = _citizen(portal)
    dossier = _submitted(portal, citizen)
    client.force_login(citizen.user)
    page = client.get(f"/ho-so-cua-toi/{dossier.code}/")
    assert 'id="withdraw-form"' in page.content.decode()
    answer = client.post(f"/ho-so-cua-toi/{dossier.code}/rut-ho-so/", {"reason": "Nộp nhầm."})
    assert answer.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.WITHDRAWN and dossier.national_status == 7
    change = dossier.status_changes.get(action="withdraw_online")
    assert change.actor_id == citizen.user.pk and change.reason == "Nộp nhầm."
    assert 'id="withdraw-form"' not in client.get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()


def test_after_receipt_the_portal_refuses_and_points_to_the_desk(portal, client):
    from motcua.dossiers import permissions, services
    from motcua.dossiers.states import Status

    citizen = _citizen(portal)
    dossier = _submitted(portal, citizen)
    services.dossier_act(actor=portal.receptionist, dossier=dossier, action="receive")
    client.force_login(citizen.user)
    page = client.get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()
    assert 'id="withdraw-form"' not in page and 'id="withdraw-desk"' in page
    answer = client.post(f"/ho-so-cua-toi/{dossier.code}/rut-ho-so/", {})
    assert answer.status_code == 409
    assert "bộ phận một cửa" in answer.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED
    # Staff never take the applicant's action; the desk uses its own withdraw.
    assert not permissions.can_act(portal.receptionist, dossier, "withdraw_online")
    assert permissions.can_act(portal.receptionist, dossier, "withdraw")


def test_another_citizen_gets_404_and_nothing_changes(portal, client):
    from motcua.dossiers.states import Status

    dossier = _submitted(portal, _citizen(portal))
    other = _citizen(portal, number="066192004321", name="Trần Thị Bình")
    client.force_login(other.user)
    assert client.post(f"/ho-so-cua-toi/{dossier.code}/rut-ho-so/", {}).status_code == 404
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED
