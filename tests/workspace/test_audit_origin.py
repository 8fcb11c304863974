"""Dossier changes made in the staff pages record channel "web" and the client's address."""

from motcua.audit.models import AuditEvent
from motcua.audit.services import audit_verify


def test_an_action_in_the_workspace_records_channel_and_address(world, bring, login, frozen):
    d = bring("received")
    client = login(world.receptionist)
    response = client.post(f"/can-bo/ho-so/{d.code}/thao-tac/transfer/", {},
                           REMOTE_ADDR="198.51.100.4")
    assert response.status_code == 302
    event = AuditEvent.objects.get(dossier=d, event_type="dossier.transfer")
    assert (event.channel, event.ip) == ("web", "198.51.100.4")
    # Events written outside a request (here: by the test's own set-up) carry no address.
    assert AuditEvent.objects.get(dossier=d, event_type="dossier.received").ip is None
    assert audit_verify() == []
