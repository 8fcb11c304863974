"""One dossier's evidence file: verifies on its own, and any change to it is found."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from motcua.audit.evidence import evidence_export, evidence_verify
from motcua.audit.models import AuditCheckpoint
from motcua.audit.services import audit_checkpoint, audit_record
from tests.audit.helpers import record
from tests.factories import UserFactory


@pytest.fixture
def exported(db, tmp_path):
    actor = UserFactory()
    for chain in ["X", "A", "Y", "A", "Z"]:
        record(actor, chain, 1)
    audit_checkpoint()
    record(actor, "A", 1)  # newer than the checkpoint: the export seals it first
    path = tmp_path / "evidence.json"
    call_command("audit_export", "A", "-o", str(path))
    return path


def _load(path):
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.django_db
def test_the_export_verifies_on_its_own(exported, capsys):
    data = _load(exported)
    assert [e["payload"]["seq"] for e in data["events"]] == [1, 2, 3]
    assert AuditCheckpoint.objects.count() == 2  # sealed at export
    assert data["checkpoint"]["number"] == 2 and data["head"]["seq"] == 3
    # Other chains of the checkpoint are not in the file, only the path to its root.
    assert "X" not in json.dumps(data["checkpoint"])
    assert evidence_verify(data) == []
    call_command("audit_verify", "--file", str(exported))
    assert "nguyên vẹn" in capsys.readouterr().out


def _tamper(path, change):
    data = _load(path)
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")
    return evidence_verify(data)


@pytest.mark.django_db
@pytest.mark.parametrize("change", [
    lambda d: d["events"][1]["payload"].update(actor_label="Người khác"),
    lambda d: d["events"][1]["payload"].update(ip="10.9.9.9"),
    lambda d: d["events"].pop(),  # the last event dropped
    lambda d: d["events"].pop(1),  # one in the middle
    lambda d: d["events"].reverse(),
    lambda d: d["checkpoint"].update(events_gseq=99),
    lambda d: d["head"].update(proof=[["L", "00" * 32]]),
], ids=["actor_label", "ip", "last_dropped", "middle_dropped", "reversed", "checkpoint",
        "proof"])
def test_a_changed_evidence_file_fails(exported, change):
    problems = _tamper(exported, change)
    assert problems
    with pytest.raises(CommandError, match="Chỗ hỏng đầu tiên"):
        call_command("audit_verify", "--file", str(exported))


@pytest.mark.django_db
def test_an_evidence_file_rebuilt_with_hashlib_fails(exported):
    import hashlib

    def forge(data):
        data["events"][2]["payload"]["data"] = {"i": 99}
        body = json.dumps(data["events"][2]["payload"], sort_keys=True).encode()
        data["events"][2]["mac"] = hashlib.sha256(body).hexdigest()
        data["head"]["mac"] = data["events"][2]["mac"]

    kinds = {p.kind for p in _tamper(exported, forge)}
    assert "forged" in kinds and "checkpoint" in kinds  # the Merkle path no longer reaches


@pytest.mark.django_db
def test_export_of_an_unknown_dossier_is_refused():
    with pytest.raises(CommandError, match="Không có sự kiện"):
        call_command("audit_export", "KHONG-CO")


@pytest.mark.django_db
def test_export_of_a_chain_sealed_earlier_uses_that_checkpoint():
    actor = UserFactory()
    record(actor, "A", 2)
    first = audit_checkpoint()
    with transaction.atomic():
        audit_record(actor=actor, event_type="x", chain="B")
    audit_checkpoint()
    data = evidence_export(chain="A")
    assert data["checkpoint"]["number"] == first.number
    assert evidence_verify(data) == []
