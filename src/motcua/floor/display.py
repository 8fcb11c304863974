"""The waiting-room display (màn hình phòng chờ): call events and spoken calls.

Events are the ``Call`` rows (their id is the SSE event id, so a reconnecting EventSource
resumes after ``Last-Event-ID``). Two ways to wait for the next call:

* ASGI (uvicorn, production): one ``Hub`` per process and unit wakes every subscribed display;
  it waits on Redis pub/sub (``MOTCUA_REDIS_URL``) when configured, otherwise polls the
  database once every 250 ms whatever the number of displays, so 50 screens cost one query.
* WSGI (``make run``'s threaded development server, the live test server): each connection
  polls the database itself in its own thread.

Speech: ``speech_file(text)`` renders the call with espeak-ng's Vietnamese voice once per
text into ``MOTCUA_FLOOR_SPEECH_DIR`` (cached by a hash of the text) and the display plays it.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

from asgiref.sync import sync_to_async
from django.conf import settings

from motcua.floor.models import Call

log = logging.getLogger("motcua.floor")

POLL_SECONDS = 0.25
HEARTBEAT_SECONDS = 15.0
RECENT = 50
CHANNEL = "motcua:floor:calls:{unit}"


# Speech ------------------------------------------------------------------------------------

def speech_key(text: str) -> str:
    return hashlib.sha256(f"vi|{text}".encode()).hexdigest()[:32]


def speech_dir() -> Path:
    return Path(settings.MOTCUA_FLOOR_SPEECH_DIR)


def speech_file(text: str) -> Path | None:
    """The WAV of ``text`` (rendered on first use); None when espeak-ng is not installed."""
    path = speech_dir() / f"{speech_key(text)}.wav"
    if path.exists():
        return path
    binary = shutil.which("espeak-ng")
    if binary is None:
        log.warning("espeak-ng is not installed: calls are shown but not spoken")
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".wav.tmp")
    os.close(fd)
    try:
        subprocess.run([binary, "-v", "vi", "-s", "140", "-w", tmp, text], check=True,
                       timeout=20, capture_output=True)
        os.replace(tmp, path)  # atomic: a concurrent reader never sees half a file
    except (OSError, subprocess.SubprocessError):
        log.exception("espeak-ng failed for %r", text)
        return None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def published(call_id: int, unit_id: int, text: str) -> None:
    """After a call commits: render its speech and wake the displays through Redis."""
    speech_file(text)
    url = getattr(settings, "REDIS_URL", "")
    if url:
        try:
            import redis

            redis.Redis.from_url(url).publish(CHANNEL.format(unit=unit_id), str(call_id))
        except Exception:  # the displays still see the call within their safety poll
            log.exception("could not publish call %s", call_id)


# Events ------------------------------------------------------------------------------------

def call_payload(call: Call) -> dict:
    return {
        "id": call.pk, "number": call.ticket.number, "counter": call.counter.number,
        "text": call.text, "at": call.at.isoformat(),
        "audio": f"/man-hinh/am-thanh/{speech_key(call.text)}.wav",
    }


def calls_after(unit_id: int, last_id: int, limit: int = 20) -> list[dict]:
    rows = (Call.objects.filter(unit_id=unit_id, id__gt=last_id)
            .select_related("ticket", "counter").order_by("id")[:limit])
    return [call_payload(c) for c in rows]


def last_call_id(unit_id: int) -> int:
    row = Call.objects.filter(unit_id=unit_id).order_by("-id").values_list("id", flat=True).first()
    return row or 0


def sse(payload: dict) -> str:
    return f"id: {payload['id']}\nevent: call\ndata: {json.dumps(payload, ensure_ascii=False)}\n\n"


def sync_stream(unit_id: int, last_id: int, *, max_seconds: float | None = None) -> Iterator[str]:
    """The event stream for a WSGI worker thread (development, tests)."""
    from django.db import close_old_connections

    yield "retry: 1000\n\n"
    started = beat = time.monotonic()
    try:
        while max_seconds is None or time.monotonic() - started < max_seconds:
            try:
                found = calls_after(unit_id, last_id)
            except Exception:  # database gone (shutdown): end the stream, the client reconnects
                log.info("display stream for unit %s ended: database unavailable", unit_id)
                return
            for payload in found:
                last_id = payload["id"]
                yield sse(payload)
            if time.monotonic() - beat > HEARTBEAT_SECONDS:
                beat = time.monotonic()
                yield ": keep-alive\n\n"
            time.sleep(POLL_SECONDS)
    finally:
        try:
            close_old_connections()
        except Exception:  # noqa: BLE001 - shutting down: nothing left to close
            pass


class Hub:
    """Per process and unit: one waiter (Redis or a DB poll) wakes every connected display."""

    _hubs: dict[int, Hub] = {}

    def __init__(self, unit_id: int) -> None:
        self.unit_id = unit_id
        self.waiters: set[asyncio.Event] = set()
        self.latest = 0
        self.recent: list[dict] = []  # the last calls read, shared by every display stream
        self.since = 0  # recent holds every call of the unit with an id above this one
        self.task: asyncio.Task | None = None

    @classmethod
    def get(cls, unit_id: int) -> Hub:
        hub = cls._hubs.get(unit_id)
        if hub is None:
            hub = cls._hubs[unit_id] = Hub(unit_id)
        return hub

    def subscribe(self) -> asyncio.Event:
        event = asyncio.Event()
        self.waiters.add(event)
        self.ensure_running()
        return event

    def ensure_running(self) -> None:
        """Start the waiter if it is not running (it stops when the last display leaves)."""
        if self.task is None or self.task.done():
            self.task = asyncio.get_running_loop().create_task(self._run())

    def unsubscribe(self, event: asyncio.Event) -> None:
        self.waiters.discard(event)

    async def _latest(self) -> int:
        return await sync_to_async(last_call_id, thread_sensitive=False)(self.unit_id)

    async def _run(self) -> None:
        url = getattr(settings, "REDIS_URL", "")
        pubsub = None
        if url:
            try:
                import redis.asyncio as aioredis

                pubsub = aioredis.Redis.from_url(url).pubsub()
                await pubsub.subscribe(CHANNEL.format(unit=self.unit_id))
            except Exception:
                log.exception("Redis unavailable: the display hub polls the database")
                pubsub = None
        try:
            self.latest = self.since = await self._latest()
            self.recent = []
            while self.waiters:
                if pubsub is not None:
                    # Redis wakes us at once; the slow poll only covers a lost message.
                    await pubsub.get_message(ignore_subscribe_messages=True, timeout=5.0)
                else:
                    await asyncio.sleep(POLL_SECONDS)
                # One read per process and wake-up, shared by every display (not one each).
                found = await sync_to_async(calls_after, thread_sensitive=False)(
                    self.unit_id, self.latest)
                if found:
                    self.latest = found[-1]["id"]
                    window = self.recent + found
                    if len(window) > RECENT:
                        self.since = window[-RECENT - 1]["id"]
                        window = window[-RECENT:]
                    self.recent = window
                    for event in list(self.waiters):
                        event.set()
        finally:
            if pubsub is not None:
                await pubsub.aclose()


async def async_stream(unit_id: int, last_id: int) -> AsyncIterator[str]:
    """The event stream for an ASGI server: waits on the unit's hub, reads only when woken."""
    yield "retry: 1000\n\n"
    hub = Hub.get(unit_id)
    event = hub.subscribe()
    read = sync_to_async(calls_after, thread_sensitive=False)
    try:
        for payload in await read(unit_id, last_id):
            last_id = payload["id"]
            yield sse(payload)
        while True:
            try:
                await asyncio.wait_for(event.wait(), timeout=HEARTBEAT_SECONDS)
            except TimeoutError:
                hub.ensure_running()  # a waiter that stopped as this display arrived
                yield ": keep-alive\n\n"
                continue
            event.clear()
            recent, since = hub.recent, hub.since
            if last_id >= since:
                fresh = [p for p in recent if p["id"] > last_id]
            else:  # fell behind the shared window: read this display's gap itself
                fresh = await read(unit_id, last_id)
            for payload in fresh:
                last_id = payload["id"]
                yield sse(payload)
    finally:
        hub.unsubscribe(event)
