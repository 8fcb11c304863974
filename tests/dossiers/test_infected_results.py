"""clamd on the whole-file uploads (a result to approve, a scan to certify): a virus refuses the
action and leaves the same security event as a streamed upload, ``security.upload_infected``,
which outlives the refused action's rolled-back transaction."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.audit.models import AuditEvent
from motcua.core.uploads import Infected
from motcua.dossiers import services
from motcua.dossiers.models import StatusChange
from motcua.dossiers.results import copy_certify
from tests.core.fake_clamd import INFECTED_PDF
from tests.factories import vn

pytestmark = pytest.mark.django_db



def _security_events():
    return list(AuditEvent.objects.filter(event_type="security.upload_infected"))


def test_an_infected_result_is_refused_and_recorded(world, bring, clamd):
    dossier = bring("awaiting_approval")
    changes = StatusChange.objects.count()
    with pytest.raises(Infected):
        services.dossier_act(actor=world.leader, dossier=dossier, action="approve",
                             result_file=SimpleUploadedFile("ket-qua.pdf", INFECTED_PDF),
                             at=vn(2026, 3, 2, 11, 0))
    dossier.refresh_from_db()
    assert dossier.status == "awaiting_approval" and not dossier.result_file
    assert StatusChange.objects.count() == changes
    [event] = _security_events()
    assert event.chain == "security" and event.actor_id == world.leader.pk
    assert event.data == {"signature": "Eicar-Test-Signature", "name": "ket-qua.pdf",
                          "field": "result_file"}


def test_an_infected_scan_to_certify_is_refused_and_recorded(world, clamd):
    with pytest.raises(Infected):
        copy_certify(actor=world.leader, content=INFECTED_PDF, unit=world.agency)
    [event] = _security_events()
    assert event.actor_id == world.leader.pk
    assert event.data == {"signature": "Eicar-Test-Signature", "name": "", "field": "file"}
