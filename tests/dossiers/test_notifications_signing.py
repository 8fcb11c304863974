"""Notification registry (on commit only) and the signature backend interface."""

from __future__ import annotations

import pytest
from django.db import transaction

from motcua.core.errors import InvalidInput
from motcua.dossiers import services
from motcua.notifications import Channel, Message, notify, registry
from motcua.signing import SignedResult, get_backend
from motcua.signing.contrib.unsigned import UnsignedBackend
from tests.dossiers.conftest import APPLICANT

SENT: list[Message] = []


class Collecting(Channel):
    name = "collect"

    def send(self, message):
        SENT.append(message)


class Broken(Channel):
    name = "broken"

    def send(self, message):
        raise RuntimeError("down")


@pytest.fixture
def collecting(settings):
    SENT.clear()
    settings.MOTCUA_NOTIFICATION_CHANNELS = [
        f"{__name__}.Broken", f"{__name__}.Collecting"]
    registry._load.cache_clear()
    yield SENT
    registry._load.cache_clear()


@pytest.mark.django_db(transaction=True)
def test_sent_after_commit_never_on_rollback(collecting):
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(Message(event="x", subject="rolled back", body=""))
        raise RuntimeError
    assert collecting == []
    with transaction.atomic():
        notify(Message(event="y", subject="committed", body=""))
        assert collecting == []
    assert [m.subject for m in collecting] == ["committed"]  # the broken channel did not stop it


@pytest.mark.django_db(transaction=True)
def test_intake_notifies_applicant_and_failed_intake_does_not(world, collecting):
    services.dossier_receive(
        actor=world.receptionist, procedure_version=world.version, receiving_unit=world.center,
        applicant=APPLICANT,
        documents=[{"required": d.pk} for d in world.version.documents.all()],
    )
    assert [m.event for m in collecting] == ["dossier.received"]
    assert collecting[0].recipients == ("an@example.vn",)
    with pytest.raises(InvalidInput):
        services.dossier_receive(
            actor=world.receptionist, procedure_version=world.version,
            receiving_unit=world.center, applicant=APPLICANT, documents=[])
    assert len(collecting) == 1


@pytest.mark.django_db
def test_email_channel(mailoutbox):
    from motcua.notifications.contrib.email import EmailChannel

    EmailChannel().send(Message(event="e", subject="Chủ đề", body="Nội dung",
                                recipients=("a@example.vn",)))
    EmailChannel().send(Message(event="e", subject="none", body=""))
    assert [m.subject for m in mailoutbox] == ["Chủ đề"]


def test_default_signature_backend_does_not_sign(settings):
    backend = get_backend()
    assert isinstance(backend, UnsignedBackend)
    result = backend.sign(b"%PDF", signer="Lãnh đạo")
    assert result == SignedResult(content=b"%PDF", signed=False, backend="unsigned",
                                  note=result.note, signer_label="Lãnh đạo")
    assert "Chưa ký số" in result.note
