"""The access log's local spool (hàng đợi ghi nhật ký truy cập): reads logged without waiting
for the database, and never lost.

A staff read of personal data must be on record (``dossiers.access``), but writing the row
before answering made every read a database write: on SQLite the single write lock on a read
path, on PostgreSQL a commit per read. Instead the request appends one line per read to a file
of its own process and answers; a flusher moves the lines into ``AccessLog`` in batches.

**Durable before the answer.** ``append`` hands the lines to the kernel with one ``write()``
on a file opened with ``O_APPEND`` before it returns, so the entry survives the worker being
killed (SIGKILL, the OOM killer, a gunicorn timeout) the moment after; with
``MOTCUA_ACCESS_SPOOL_FSYNC`` it is also ``fsync``-ed and survives a power cut (at the cost of
a disk flush per read, what the database write cost). A write that fails raises: the read fails
with it, as the database insert did.

**Segments and who may flush them.** Each process writes to its own segment file
``access-<ns>-<host>-<pid>-<token>.jsonl`` and holds an exclusive ``flock`` on it while it is
the live segment. The lock is released when the process closes the segment (rotation, exit) or
dies, by the kernel, however it dies. A flusher takes a segment only if it gets that lock
without waiting, and checks that the path still names the file it locked (a flusher that
finished before it deleted it): so a live segment is never read while being written, and two
flushers never take the same segment. A segment is created under a temporary name, locked,
then renamed, so no flusher can see it unlocked before its writer holds it.

**Exactly once.** A segment's rows, their gap-free numbers and MACs and a marker row named
after the segment go in one transaction (``audit.services.access_write``); the file is deleted
after the commit. A flusher dying between the two leaves the file; the next one's marker
insert fails on the unique name, nothing is written twice, and the file is deleted.

**Who flushes.** In every process that appends: a timer thread every
``MOTCUA_ACCESS_SPOOL_FLUSH_SECONDS`` (its own segment, rotated, and any segment left by a dead
process) and the process's exit; the scheduler (``audit.tasks.flush_access_spool``, every
minute) for segments of dead workers; ``motcua audit verify`` and the access-log views before
they read. The spool is local to a host: each host's app processes drain what is left on it.

``MOTCUA_ACCESS_SPOOL_DIR`` empty: no spool, each read is written to the database before the
answer (one transaction per read or list page, as before).
"""

from __future__ import annotations

import atexit
import datetime as dt
import fcntl
import functools
import json
import logging
import os
import secrets
import socket
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, close_old_connections
from django.utils import timezone

from motcua.audit.services import access_write

log = logging.getLogger(__name__)

PREFIX = "access-"
SUFFIX = ".jsonl"
_HOST = socket.gethostname().replace("-", "_")[:40] or "host"


def directory() -> Path | None:
    """The spool directory, or None when reads are written straight to the database."""
    value = settings.MOTCUA_ACCESS_SPOOL_DIR
    return _folder(value) if value else None


@functools.lru_cache(maxsize=8)
def _folder(value: str) -> Path:
    # Parsed once per setting value: ``Path()`` is ~20 Python calls, on every logged read.
    return Path(value)


def encode(entry: dict) -> str:
    at = entry["at"]
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    return _ENCODER.encode({"d": entry["dossier_id"], "a": entry["actor_id"],
                            "t": at.astimezone(dt.UTC).isoformat(), "c": entry["channel"],
                            "i": entry["ip"]}) + "\n"


# ``json.dumps(..., separators=(",", ":"))`` without building an encoder for every line.
_ENCODER = json.JSONEncoder(separators=(",", ":"))


def decode(line: str) -> dict:
    item = json.loads(line)
    return {"dossier_id": int(item["d"]), "actor_id": int(item["a"]),
            "at": dt.datetime.fromisoformat(item["t"]), "channel": str(item["c"]),
            "ip": item["i"]}


# ------------------------------------------------------------------------------------ writer


class _Segment:
    """The live segment of this process: open, locked, appended to."""

    def __init__(self, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{PREFIX}{time.time_ns():020d}-{_HOST}-{os.getpid()}-{secrets.token_hex(4)}"
        temporary = folder / f".{name}.new"
        self.path = folder / f"{name}{SUFFIX}"
        self.folder = folder
        self.fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND
                          | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX)
            # Only now visible to flushers, already locked.
            os.rename(temporary, self.path)
        except BaseException:
            os.close(self.fd)
            temporary.unlink(missing_ok=True)
            raise
        self.size = 0
        self.broken = False

    def write(self, data: bytes, *, sync: bool) -> None:
        view = memoryview(data)
        try:
            while view:
                written = os.write(self.fd, view)
                view = view[written:]
            if sync:
                os.fsync(self.fd)
        except BaseException:
            # A torn line must not glue onto the next entry: no more writes to this file (the
            # flusher skips a torn last line; its read failed with the write).
            self.broken = True
            raise
        finally:
            self.size += len(data) - len(view)

    def close(self) -> None:
        # Closing releases the lock: the segment is now sealed and any flusher may take it.
        os.close(self.fd)


_lock = threading.Lock()
_state: dict = {"pid": None, "segment": None, "timer": None, "atexit": False}


def _forget_after_fork() -> None:
    # A forked child shares the parent's open segment and its lock: it must open its own.
    global _lock
    _lock = threading.Lock()
    _state.update(pid=None, segment=None, timer=None)


os.register_at_fork(after_in_child=_forget_after_fork)


def _live(folder: Path) -> _Segment:
    """This process's live segment in ``folder`` (opened on first use). Holds ``_lock``."""
    segment = _state["segment"]
    if (segment is not None and _state["pid"] == os.getpid() and segment.folder == folder
            and not segment.broken):
        return segment
    if segment is not None and _state["pid"] == os.getpid():
        segment.close()
    _state.update(pid=os.getpid(), segment=None)
    _state["segment"] = _Segment(folder)
    return _state["segment"]


def append(entries: list[dict]) -> None:
    """Spool reads of personal data; returns once they are written to this process's segment
    (and fsync-ed with ``MOTCUA_ACCESS_SPOOL_FSYNC``). Raises when they could not be."""
    folder = directory()
    if folder is None:
        access_write(entries)
        return
    if not entries:
        return
    data = "".join(encode(entry) for entry in entries).encode()
    with _lock:
        _live(folder).write(data, sync=settings.MOTCUA_ACCESS_SPOOL_FSYNC)
    _start_flusher()


def rotate() -> None:
    """Seal this process's live segment (if it holds anything) so a flusher may take it; the
    next read opens a new one."""
    with _lock:
        segment = _state["segment"]
        if segment is None or _state["pid"] != os.getpid():
            return
        if segment.size == 0 and not segment.broken:
            return
        _state["segment"] = None
        segment.close()


# ----------------------------------------------------------------------------------- flusher


def segments(folder: Path | None = None) -> list[Path]:
    """Every segment file, oldest first (names start with their creation time)."""
    folder = folder or directory()
    if folder is None or not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.name.startswith(PREFIX) and p.name.endswith(SUFFIX))


def flush(*, own: bool = True) -> int:
    """Move every segment that no live process holds into the access log; with ``own`` seal
    this process's live segment first so it goes too. Returns the rows written."""
    if own:
        rotate()
    return sum(flush_segment(path) for path in segments())


def flush_segment(path: Path) -> int:
    """One segment into the access log, if no live writer or other flusher holds it: its rows in
    one transaction, then the file deleted. Returns the rows written (0: not taken, empty, or
    already written)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return 0
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return 0  # a live writer's segment, or another flusher has it
        try:
            if os.stat(path).st_ino != os.fstat(fd).st_ino:
                return 0
        except FileNotFoundError:
            return 0  # another flusher wrote and deleted it while we waited to look
        entries = _read(fd, path)
        written = 0
        if entries:
            try:
                written = access_write(entries, batch=path.name)
            except IntegrityError:
                # Its marker is there: written by a flusher that died before deleting the file.
                log.warning("access spool: %s was already written; deleting it", path.name)
        os.unlink(path)
        return written
    finally:
        os.close(fd)


def _read(fd: int, path: Path) -> list[dict]:
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    entries = []
    for number, line in enumerate(b"".join(chunks).decode("utf-8", "replace").splitlines(), 1):
        if not line.strip():
            continue
        try:
            entries.append(decode(line))
        except (ValueError, KeyError, TypeError):
            # Only a write that failed half-way (its read failed with it) leaves such a line.
            log.error("access spool: %s line %d is torn, skipped: %r", path.name, number,
                      line[:200])
    return entries


def pending(folder: Path | None = None) -> int:
    """Reads spooled and not yet in the access log (live segments included)."""
    total = 0
    for path in segments(folder):
        try:
            with open(path, "rb") as fh:
                total += sum(1 for line in fh if line.strip())
        except FileNotFoundError:
            continue
    return total


# ------------------------------------------------------------- flushing inside each process


def _start_flusher() -> None:
    interval = float(settings.MOTCUA_ACCESS_SPOOL_FLUSH_SECONDS)
    if not _state["atexit"]:
        _state["atexit"] = True
        atexit.register(_flush_at_exit)
    if interval <= 0:
        return
    timer = _state["timer"]
    if timer is not None and timer.is_alive():
        return
    with _lock:
        if _state["timer"] is not None and _state["timer"].is_alive():
            return
        thread = threading.Thread(target=_flush_every, args=(interval,), daemon=True,
                                  name="motcua-access-spool")
        _state["timer"] = thread
        thread.start()


def _flush_every(interval: float) -> None:
    me = threading.current_thread()
    while _state["timer"] is me:
        time.sleep(interval)
        try:
            close_old_connections()
            flush()
        except Exception:  # the entries stay in the spool; the next round or the scheduler
            log.exception("access spool: flush failed, entries kept for the next round")
        finally:
            close_old_connections()


def _flush_at_exit() -> None:
    # Only what this process wrote: what others left is for the running flushers.
    if _state["pid"] != os.getpid() or directory() is None:
        return
    mine = f"-{_HOST}-{os.getpid()}-"
    try:
        rotate()
        for path in segments():
            if mine in path.name:
                flush_segment(path)
    except Exception:  # left in the spool for the scheduler
        log.exception("access spool: flush at exit failed, entries kept in the spool")
