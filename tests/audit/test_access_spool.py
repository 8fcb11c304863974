"""The access log's spool (``audit.spool``): a read is on disk before the answer, reaches the
access log with its number and MAC once a flusher runs, and is never lost nor written twice —
a killed worker, two flushers at once, a flusher dying between commit and clean-up."""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from motcua.audit import spool
from motcua.audit.models import AccessLog, AccessSpoolBatch
from motcua.audit.services import access_write, audit_verify
from motcua.audit.tasks import flush_access_spool
from motcua.dossiers import access
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
AT = dt.datetime(2026, 3, 2, 1, 0, 0, 123456, tzinfo=dt.UTC)


class Stub:
    """What ``record_view`` needs of a user or a dossier: its id."""

    def __init__(self, pk):
        self.pk = pk


def entries(actor_id, n, *, start=1):
    return [{"dossier_id": start + i, "actor_id": actor_id, "at": AT + dt.timedelta(seconds=i),
             "channel": "api", "ip": f"10.0.0.{i % 250 + 1}"} for i in range(n)]


def write_segment(folder: Path, name: str, items: list[dict]) -> Path:
    """A segment as a process that has closed it (or died) leaves it."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{spool.PREFIX}{name}{spool.SUFFIX}"
    path.write_text("".join(spool.encode(e) for e in items))
    return path


def seqs():
    return list(AccessLog.objects.order_by("seq").values_list("seq", flat=True))


@pytest.mark.django_db
def test_a_read_is_spooled_before_the_answer_and_written_by_the_flusher(settings):
    actor = UserFactory()
    folder = Path(settings.MOTCUA_ACCESS_SPOOL_DIR)
    assert access.record_view(actor=actor, dossier=Stub(7), channel="api", ip="10.1.2.3",
                              at=AT)
    assert access.record_list(actor=actor, dossiers=[Stub(8), Stub(9)], channel="web",
                              ip="::ffff:10.0.0.7", at=AT) == 2
    # On disk, not yet in the database: the read path wrote nothing there.
    assert not AccessLog.objects.exists()
    assert spool.pending() == 3
    (segment,) = spool.segments(folder)
    # This process holds its live segment: a flusher for dead processes' segments skips it.
    assert spool.flush(own=False) == 0
    assert spool.flush() == 3
    assert not segment.exists() and spool.pending() == 0
    rows = list(AccessLog.objects.order_by("seq").values("seq", "dossier_id", "channel", "ip",
                                                         "at", "mac"))
    assert [(r["seq"], r["dossier_id"], r["channel"], r["ip"]) for r in rows] == [
        (1, 7, "api", "10.1.2.3"), (2, 8, "web", "10.0.0.7"), (3, 9, "web", "10.0.0.7")]
    assert rows[0]["at"] == AT and all(r["mac"] for r in rows)
    assert AccessSpoolBatch.objects.get().name == segment.name
    assert audit_verify() == []
    # The next read opens a new segment.
    access.record_view(actor=actor, dossier=Stub(10), channel="api", at=AT)
    assert spool.segments(folder) and spool.segments(folder)[0] != segment
    assert access.flush_pending() == 1 and seqs() == [1, 2, 3, 4]


@pytest.mark.django_db
def test_without_a_spool_the_read_is_written_before_the_answer(settings):
    settings.MOTCUA_ACCESS_SPOOL_DIR = ""
    actor = UserFactory()
    access.record_view(actor=actor, dossier=Stub(7), channel="api", at=AT)
    access.record_list(actor=actor, dossiers=[Stub(8), Stub(9)], channel="web", at=AT)
    # Numbered and MAC-ed like the flusher's rows (the list page used to be inserted bare).
    assert seqs() == [1, 2, 3]
    assert audit_verify() == []


CHILD = textwrap.dedent("""
    import sys, time
    import django
    django.setup()
    from motcua.dossiers import access

    class Stub:
        def __init__(self, pk):
            self.pk = pk

    actor = Stub(int(sys.argv[1]))
    for dossier in range(1, 6):
        access.record_view(actor=actor, dossier=Stub(dossier), channel="api",
                           ip="10.0.0.9")
    access.record_list(actor=actor, dossiers=[Stub(d) for d in range(6, 9)], channel="web")
    print("answered", flush=True)
    time.sleep(120)
""")


@pytest.mark.django_db
def test_a_worker_killed_after_answering_loses_no_read(settings, tmp_path, capsys):
    """The worker answers eight reads and is killed (SIGKILL: no exit handler, no flush); the
    scheduler's flusher then writes all eight."""
    actor = UserFactory()
    folder = Path(settings.MOTCUA_ACCESS_SPOOL_DIR)
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), DJANGO_SETTINGS_MODULE=
               "motcua.config.settings", MOTCUA_ACCESS_SPOOL_DIR=str(folder),
               MOTCUA_ACCESS_SPOOL_FLUSH_SECONDS="0", MOTCUA_VIEW_LOG_WINDOW_SECONDS="0",
               # The child never reaches a database; this one is its own if it tried.
               MOTCUA_DATABASE_URL=f"sqlite:///{tmp_path / 'child.sqlite3'}")
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(actor.pk)], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "answered", child.stderr.read()
        # Alive, it holds its segment: no flusher takes it, the verify command counts it.
        assert spool.flush(own=False) == 0
        call_command("audit_verify")
        assert "8 lượt xem còn chờ" in capsys.readouterr().out
        child.send_signal(signal.SIGKILL)
        assert child.wait(10) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()
        child.stderr.close()
    assert not AccessLog.objects.exists()
    assert flush_access_spool.call_local() == 8
    assert sorted(AccessLog.objects.values_list("dossier_id", flat=True)) == list(range(1, 9))
    assert seqs() == list(range(1, 9))
    assert set(AccessLog.objects.values_list("actor_id", flat=True)) == {actor.pk}
    assert not spool.segments(folder)
    assert audit_verify() == []


@pytest.mark.django_db
def test_a_flusher_that_died_after_its_commit_does_not_write_twice(settings):
    actor = UserFactory()
    folder = Path(settings.MOTCUA_ACCESS_SPOOL_DIR)
    path = write_segment(folder, "00000000000000000001-h-1-aa", entries(actor.pk, 4))
    # The rows and the marker were committed; the flusher died before deleting the file.
    assert access_write(spool._read(os.open(path, os.O_RDONLY), path), batch=path.name) == 4
    assert spool.flush(own=False) == 0
    assert not path.exists()
    assert seqs() == [1, 2, 3, 4]
    assert audit_verify() == []


@pytest.mark.django_db
def test_a_segment_another_flusher_holds_is_skipped_and_a_torn_line_is_dropped(settings):
    actor = UserFactory()
    folder = Path(settings.MOTCUA_ACCESS_SPOOL_DIR)
    held = write_segment(folder, "00000000000000000001-h-1-aa", entries(actor.pk, 2))
    torn = write_segment(folder, "00000000000000000002-h-2-bb", entries(actor.pk, 2, start=5))
    with open(torn, "a") as fh:
        fh.write('{"d":9,"a":')  # a write cut short: its read failed with it
    fd = os.open(held, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        assert spool.flush(own=False) == 2
        assert held.exists() and not torn.exists()
    finally:
        os.close(fd)
    assert spool.flush(own=False) == 2
    assert sorted(AccessLog.objects.values_list("dossier_id", flat=True)) == [1, 2, 5, 6]
    assert audit_verify() == []


@pytest.mark.django_db(transaction=True)
def test_two_flushers_at_once_neither_duplicate_nor_lose(settings):
    actor = UserFactory()
    folder = Path(settings.MOTCUA_ACCESS_SPOOL_DIR)
    total = 0
    for n in range(12):
        write_segment(folder, f"{n:020d}-h-{n}-cc", entries(actor.pk, 5 + n, start=100 * n))
        total += 5 + n
    results, errors = [], []
    start = threading.Barrier(2)

    def flusher():
        try:
            start.wait()
            results.append(spool.flush(own=False))
        except Exception as exc:  # collected for the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=flusher) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sum(results) == total
    assert seqs() == list(range(1, total + 1))
    assert AccessSpoolBatch.objects.count() == 12
    assert not spool.segments(folder)
    assert audit_verify() == []


@pytest.mark.django_db
def test_old_markers_are_pruned(settings):
    from django.utils import timezone

    AccessSpoolBatch.objects.create(name="old", rows=1,
                                    at=timezone.now() - dt.timedelta(days=31))
    AccessSpoolBatch.objects.create(name="new", rows=1, at=timezone.now())
    assert flush_access_spool.call_local() == 0
    assert list(AccessSpoolBatch.objects.values_list("name", flat=True)) == ["new"]


@pytest.mark.django_db
def test_at_exit_a_process_flushes_its_own_segments_only(settings):
    actor = UserFactory()
    folder = Path(settings.MOTCUA_ACCESS_SPOOL_DIR)
    access.record_view(actor=actor, dossier=Stub(7), channel="api", at=AT)
    other = write_segment(folder, "00000000000000000001-otherhost-1-aa", entries(actor.pk, 2))
    spool._flush_at_exit()
    assert list(AccessLog.objects.values_list("dossier_id", flat=True)) == [7]
    assert spool.segments(folder) == [other]  # for the scheduler or a live worker's flusher


def test_a_spooled_line_is_the_compact_json_of_the_entry():
    """``encode`` keeps one encoder: the line is ``json.dumps`` with compact separators."""
    import json

    for ip in ("10.0.0.1", None, "2001:db8::1"):
        entry = {"dossier_id": 12, "actor_id": 3, "at": AT, "channel": "api", "ip": ip}
        assert spool.encode(entry) == json.dumps(
            {"d": 12, "a": 3, "t": AT.isoformat(), "c": "api", "i": ip},
            separators=(",", ":")) + "\n"
        assert spool.decode(spool.encode(entry)) == entry


@pytest.mark.django_db
def test_a_list_page_shares_the_window_of_a_detail_read(settings):
    """``record_list`` logs what ``record_view`` would log dossier by dossier: the same window
    (per officer, dossier, channel and address), the same entries, and an already-seen
    dossier on a page is skipped while the others are logged; the officer's key and the
    address are worked out once per page."""
    from unittest import mock

    from django.core.cache import cache

    settings.MOTCUA_VIEW_LOG_WINDOW_SECONDS = 300
    cache.clear()
    actor = UserFactory()
    spooled: list[dict] = []
    with mock.patch.object(spool, "append", side_effect=spooled.extend):
        first = access.record_view(actor=actor, dossier=Stub(8), channel="api",
                                   ip="::ffff:10.0.0.7", at=AT)
        with mock.patch.object(access, "normalise_ip", wraps=access.normalise_ip) as ip:
            assert access.record_list(actor=actor, dossiers=[Stub(7), Stub(8), Stub(9)],
                                      channel="api", ip="::ffff:10.0.0.7", at=AT) == 2
        assert ip.call_count == 1
        # Seen within the window: by the list as by the detail; another channel or address
        # is another window.
        assert access.record_list(actor=actor, dossiers=[Stub(9), Stub(7)], channel="api",
                                  ip="::ffff:10.0.0.7", at=AT) == 0
        assert access.record_view(actor=actor, dossier=Stub(9), channel="api",
                                  ip="::ffff:10.0.0.7", at=AT) is None
        assert access.record_list(actor=actor, dossiers=[Stub(9)], channel="web",
                                  ip="::ffff:10.0.0.7", at=AT) == 1
        assert access.record_list(actor=actor, dossiers=[Stub(9)], channel="api", at=AT) == 1
    assert spooled[0] == first
    assert spooled[1:3] == [access._entry(actor=actor, dossier_id=pk, channel="api",
                                          ip="::ffff:10.0.0.7", at=AT) for pk in (7, 9)]
    assert [(e["dossier_id"], e["channel"], e["ip"]) for e in spooled] == [
        (8, "api", "10.0.0.7"), (7, "api", "10.0.0.7"), (9, "api", "10.0.0.7"),
        (9, "web", "10.0.0.7"), (9, "api", None)]
    assert all(e["actor_id"] == actor.pk and e["at"] == AT for e in spooled)
    assert set(cache.get_many([f"motcua:viewed:api:{actor.pk}:{pk}:::ffff:10.0.0.7"
                               for pk in (7, 8, 9)]).values()) == {1}
