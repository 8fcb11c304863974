"""Backup and restore (sao lưu, phục hồi) of the database and the stored files.

A backup is a folder ``motcua-<UTC time>/`` holding

* ``database.sqlite3`` — SQLite's online backup API: a consistent copy while the site runs; or
  ``database.dump`` — ``pg_dump --format=custom`` (consistent: one snapshot transaction);
* ``media.tar`` — every stored file (uploaded documents, results) read through Django's storage
  API, so the same code backs up a local folder or an S3 bucket;
* ``manifest.json`` — what is in it: the engine, the applied migrations, row counts, and the
  SHA-256 of the two files and of every stored file.

``restore`` refuses a backup whose checksums do not match its manifest (a damaged or altered
copy), or one made from another database engine, before it touches anything. The folder is
written as ``.partial`` and renamed at the end, so a crash never leaves a backup that looks
complete; rotation keeps the newest ``keep``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connections

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media.tar"
PREFIX = "motcua-"


class BackupError(Exception):
    """A backup or restore could not be made; the message says why, in Vietnamese."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_args(settings_dict: dict) -> tuple[list[str], dict[str, str]]:
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            args += [flag, str(settings_dict[key])]
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    except FileNotFoundError as exc:
        raise BackupError(f"Không tìm thấy {command[0]} (cài gói postgresql-client).") from exc
    except subprocess.CalledProcessError as exc:
        raise BackupError(f"{command[0]} thất bại: {exc.stderr.strip()[:2000]}") from exc


def _walk(storage, folder: str = "") -> list[str]:
    try:
        dirs, files = storage.listdir(folder)
    except FileNotFoundError:
        return []
    names = [f"{folder}/{f}" if folder else f for f in files]
    for d in dirs:
        names += _walk(storage, f"{folder}/{d}" if folder else d)
    return sorted(names)


def _dump_database(alias: str, target_dir: Path) -> str:
    connection = connections[alias]
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        target = target_dir / "database.sqlite3"
        source = sqlite3.connect(settings_dict["NAME"])
        copy = sqlite3.connect(target)
        try:
            with copy:
                source.backup(copy)
        finally:
            copy.close()
            source.close()
        return target.name
    if connection.vendor == "postgresql":
        target = target_dir / "database.dump"
        args, env = _pg_args(settings_dict)
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-acl", *args,
              "--file", str(target), settings_dict["NAME"]], env)
        return target.name
    raise BackupError(f"Không hỗ trợ sao lưu CSDL {connection.vendor}.")


def _dump_media(storage, target: Path) -> dict[str, str]:
    checksums: dict[str, str] = {}
    with tarfile.open(target, "w") as archive:
        for name in _walk(storage):
            with storage.open(name, "rb") as handle:
                data = handle.read()
            checksums[name] = hashlib.sha256(data).hexdigest()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o640
            archive.addfile(info, io.BytesIO(data))
    return checksums


def _counts() -> dict[str, int]:
    from motcua.audit.models import AuditEvent
    from motcua.dossiers.models import Dossier, StatusChange

    return {"dossiers": Dossier.objects.count(), "status_changes": StatusChange.objects.count(),
            "audit_events": AuditEvent.objects.count()}


def backup(root: str | Path, *, alias: str = DEFAULT_DB_ALIAS, storage=None,
           now: dt.datetime | None = None) -> Path:
    """Write one backup under ``root``; returns its folder."""
    from django.db.migrations.recorder import MigrationRecorder

    storage = storage or default_storage
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%S%fZ")
    final = root / f"{PREFIX}{stamp}"
    partial = root / f".{PREFIX}{stamp}.partial"
    partial.mkdir()
    try:
        database_file = _dump_database(alias, partial)
        media = _dump_media(storage, partial / MEDIA)
        applied = sorted(f"{app}.{name}" for app, name in
                         MigrationRecorder(connections[alias]).applied_migrations())
        manifest = {
            "format": FORMAT,
            "created_at": (now or dt.datetime.now(dt.UTC)).isoformat(),
            "engine": connections[alias].vendor,
            "database": {"file": database_file, "sha256": _sha256(partial / database_file)},
            "media": {"file": MEDIA, "sha256": _sha256(partial / MEDIA), "files": media},
            "migrations": applied,
            "counts": _counts(),
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False),
                                        encoding="utf-8")
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return final


def read_manifest(folder: str | Path) -> dict:
    """The manifest of a backup, after checking every checksum it lists."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"Không đọc được {folder / MANIFEST}: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Định dạng bản sao lưu không hỗ trợ: {manifest.get('format')!r}.")
    for part in ("database", "media"):
        entry = manifest[part]
        name = Path(entry["file"]).name  # never a path outside the folder
        path = folder / name
        if not path.is_file():
            raise BackupError(f"Thiếu tệp {name} trong bản sao lưu.")
        if _sha256(path) != entry["sha256"]:
            raise BackupError(f"Tệp {name} không khớp mã kiểm tra SHA-256 trong manifest: "
                              "bản sao lưu bị hỏng hoặc bị sửa; không phục hồi.")
    return manifest


def _restore_database(manifest: dict, folder: Path, alias: str) -> None:
    connection = connections[alias]
    if manifest["engine"] != connection.vendor:
        raise BackupError(f"Bản sao lưu của {manifest['engine']}, CSDL hiện tại là "
                          f"{connection.vendor}.")
    source_path = folder / Path(manifest["database"]["file"]).name
    settings_dict = connection.settings_dict
    connection.close()
    if connection.vendor == "sqlite":
        source = sqlite3.connect(source_path)
        target = sqlite3.connect(settings_dict["NAME"])
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    else:
        args, env = _pg_args(settings_dict)
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-acl",
              "--single-transaction", "--exit-on-error", *args,
              "--dbname", settings_dict["NAME"], str(source_path)], env)


def _restore_media(manifest: dict, folder: Path, storage) -> int:
    expected: dict[str, str] = manifest["media"]["files"]
    count = 0
    with tarfile.open(folder / MEDIA, "r") as archive:
        for member in archive.getmembers():
            name = member.name
            if not member.isfile() or name.startswith("/") or ".." in name.split("/"):
                raise BackupError(f"Tên tệp không hợp lệ trong {MEDIA}: {name!r}.")
            handle = archive.extractfile(member)
            data = handle.read() if handle else b""
            if hashlib.sha256(data).hexdigest() != expected.get(name):
                raise BackupError(f"Tệp {name} không khớp mã kiểm tra trong manifest.")
            if storage.exists(name):
                storage.delete(name)
            saved = storage.save(name, ContentFile(data))
            if saved != name:
                raise BackupError(f"Kho tệp lưu {name} thành {saved}.")
            count += 1
    return count


def restore(folder: str | Path, *, alias: str = DEFAULT_DB_ALIAS, storage=None,
            media: bool = True) -> dict:
    """Put a backup back: checks first, then the database, then the files. Returns the
    manifest. Stop the web nodes and the consumer before (docs/deployment.md)."""
    folder = Path(folder)
    storage = storage or default_storage
    manifest = read_manifest(folder)
    # Check every stored file's name and checksum before the database is touched.
    with tarfile.open(folder / MEDIA, "r") as archive:
        names = {m.name for m in archive.getmembers()}
    if names != set(manifest["media"]["files"]):
        raise BackupError(f"{MEDIA} không khớp danh sách tệp trong manifest.")
    _restore_database(manifest, folder, alias)
    if media:
        _restore_media(manifest, folder, storage)
    return manifest


def backups(root: str | Path) -> list[Path]:
    """Complete backups under ``root``, oldest first."""
    root = Path(root)
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir()
                  if p.is_dir() and p.name.startswith(PREFIX) and (p / MANIFEST).is_file())


def rotate(root: str | Path, *, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups; returns the deleted folders."""
    if keep < 1:
        raise BackupError("Phải giữ ít nhất một bản sao lưu.")
    old = backups(root)[:-keep]
    for path in old:
        shutil.rmtree(path)
    return old
