"""Backup and restore round trip: every dossier, event and file comes back identical, and the
restored audit log verifies."""

import shutil

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection

from motcua.audit.models import AuditCheckpoint, AuditEvent
from motcua.dossiers.models import Dossier, DossierDocument, StatusChange
from motcua.ops.backup import BackupError, backup, backups, read_manifest, restore, rotate


def snapshot():
    rows = {model.__name__: list(model.objects.order_by("pk").values())
            for model in (Dossier, DossierDocument, StatusChange, AuditEvent, AuditCheckpoint)}
    files = {d.result_file.name: default_storage.open(d.result_file.name).read()
             for d in Dossier.objects.exclude(result_file="")}
    return rows, files


@pytest.mark.django_db(transaction=True)
def test_round_trip(bring, receive, tmp_path):
    if connection.vendor == "postgresql" and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed (postgresql-client)")
    bring("returned")
    bring("appraising")
    call_command("audit_checkpoint")
    before = snapshot()
    assert before[1], "the returned dossier has a stored result file"

    folder = backup(tmp_path / "backups")
    manifest = read_manifest(folder)
    assert manifest["engine"] == connection.vendor
    assert manifest["counts"]["dossiers"] == 2
    assert set(manifest["media"]["files"]) == set(before[1])

    # After the backup: a new dossier, and a result file lost.
    receive()
    lost = next(iter(before[1]))
    default_storage.delete(lost)
    assert Dossier.objects.count() == 3

    restore(folder)
    connection.close()
    assert snapshot() == before
    call_command("audit_verify")


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_damaged_backup(bring, tmp_path):
    if connection.vendor == "postgresql" and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed (postgresql-client)")
    bring("returned")
    folder = backup(tmp_path / "b")
    database_file = folder / read_manifest(folder)["database"]["file"]
    data = bytearray(database_file.read_bytes())
    data[len(data) // 2] ^= 0xFF
    database_file.write_bytes(bytes(data))
    receive_count = Dossier.objects.count()
    with pytest.raises(BackupError, match="SHA-256"):
        restore(folder)
    assert Dossier.objects.count() == receive_count  # nothing touched


@pytest.mark.django_db
def test_restore_command_asks_for_confirmation(tmp_path):
    from django.core.management.base import CommandError

    folder = backup(tmp_path / "b")
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(folder))
    call_command("restore", str(folder), "--check")


@pytest.mark.django_db
def test_rotation_keeps_the_newest(tmp_path):
    import datetime as dt

    made = [backup(tmp_path, now=dt.datetime(2026, 1, day, tzinfo=dt.UTC)) for day in (1, 2, 3)]
    (tmp_path / ".motcua-x.partial").mkdir()  # an unfinished one is not a backup
    removed = rotate(tmp_path, keep=2)
    assert removed == made[:1]
    assert backups(tmp_path) == made[1:]


@pytest.mark.django_db
def test_scheduled_backup_task(tmp_path, settings):
    from motcua.ops.tasks import scheduled_backup

    settings.MOTCUA_BACKUP_DIR = str(tmp_path)
    settings.MOTCUA_BACKUP_KEEP = 1
    scheduled_backup.call_local()
    scheduled_backup.call_local()
    assert len(backups(tmp_path)) == 1
