"""Two officers acting on the same dossier at once: one wins, the other gets a Conflict."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from motcua.core.errors import Conflict
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierPause, StatusChange
from motcua.org.models import Role
from tests.dossiers.conftest import APPLICANT, documents_for
from tests.factories import staff, vn


def _race(n, fn):
    barrier = threading.Barrier(n)
    results, errors = [], []

    def work(i):
        try:
            barrier.wait(timeout=30)
            results.append(fn(i))
        except Conflict as exc:
            errors.append(exc)
        except BaseException as exc:  # noqa: BLE001 - surfaced by the assertions
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_two_receptionists_transfer_at_once(world):
    other = staff(Role.RECEPTIONIST, world.center, username="tiepnhan2")
    d = services.dossier_receive(
        actor=world.receptionist, procedure_version=world.version, receiving_unit=world.center,
        applicant=APPLICANT, documents=documents_for(world.version), at=vn(2026, 3, 2, 8, 0),
    )
    users = [world.receptionist, other]
    results, errors = _race(2, lambda i: services.dossier_act(
        actor=users[i], dossier=Dossier.objects.get(pk=d.pk), action="transfer",
        at=vn(2026, 3, 2, 9, 0)))
    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], Conflict) and errors[0].code == "transition_not_allowed"
    assert StatusChange.objects.filter(dossier=d, action="transfer").count() == 1
    d.refresh_from_db()
    assert d.status == "transferred"
    assert d.steps.filter(finished_at__isnull=False).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_specialists_request_supplement_at_once(world):
    other = staff(Role.SPECIALIST, world.agency, username="chuyenvien2")
    d = services.dossier_receive(
        actor=world.receptionist, procedure_version=world.version, receiving_unit=world.center,
        applicant=APPLICANT, documents=documents_for(world.version), at=vn(2026, 3, 2, 8, 0),
    )
    services.dossier_act(actor=world.receptionist, dossier=d, action="transfer",
                         at=vn(2026, 3, 2, 8, 30))
    users = [world.specialist, other]
    results, errors = _race(2, lambda i: services.dossier_act(
        actor=users[i], dossier=Dossier.objects.get(pk=d.pk), action="request_supplement",
        items=f"Yêu cầu {i}", at=vn(2026, 3, 2, 9, 0)))
    assert len(results) == 1 and len(errors) == 1 and errors[0].code == "transition_not_allowed"
    assert DossierPause.objects.filter(dossier=d).count() == 1
    d.refresh_from_db()
    assert d.supplement_count == 1
