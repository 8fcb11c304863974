"""Dossier changes made through the API record channel "api" and the client's address in
their audit events (the middleware's context; the services are not told)."""

import pytest
from rest_framework.test import APIClient

from motcua.audit.models import AuditEvent
from motcua.audit.services import audit_verify
from tests.dossiers.test_api import intake_body
from tests.factories import api_key_for


def client_for(user, ip):
    client = APIClient(REMOTE_ADDR=ip)
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(user)}")
    return client


@pytest.mark.django_db
def test_intake_and_actions_through_the_api_record_channel_and_address(world, bring):
    response = client_for(world.receptionist, "203.0.113.7").post(
        "/api/v1/dossiers", intake_body(world), format="json")
    assert response.status_code == 201, response.json()
    received = AuditEvent.objects.get(chain=response.json()["code"],
                                      event_type="dossier.received")
    assert (received.channel, received.ip) == ("api", "203.0.113.7")

    d = bring("transferred")
    response = client_for(world.leader, "2001:db8::5").post(
        f"/api/v1/dossiers/{d.code}/actions/assign", {"assignee": "chuyenvien"}, format="json")
    assert response.status_code == 200
    assigned = AuditEvent.objects.get(dossier=d, event_type="dossier.assign")
    assert (assigned.channel, assigned.ip, assigned.actor_label) == (
        "api", "2001:db8::5", str(world.leader))
    assert audit_verify() == []
