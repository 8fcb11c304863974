"""Antivirus hook: ClamAV's clamd over its socket (INSTREAM), when ``MOTCUA_CLAMD`` is set.

``MOTCUA_CLAMD`` is ``unix:/run/clamav/clamd.ctl`` or ``tcp:127.0.0.1:3310``. The protocol:
send ``zINSTREAM\\0``, then the file in chunks each prefixed by its length (4 bytes, network
order), then a zero length; clamd answers ``stream: OK``, ``stream: <name> FOUND`` or
``... ERROR``.
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass

from django.conf import settings

CHUNK = 64 * 1024
TIMEOUT_SECONDS = 30


class ScannerUnavailable(Exception):
    """clamd is configured but could not be asked (down, refused, timed out, garbled)."""


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    signature: str = ""


def _connect(address: str) -> socket.socket:
    kind, _, rest = address.partition(":")
    if kind == "unix":
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        target: object = rest
    elif kind == "tcp":
        host, _, port = rest.rpartition(":")
        sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET,
                             socket.SOCK_STREAM)
        target = (host.strip("[]"), int(port))
    else:
        raise ScannerUnavailable(f"MOTCUA_CLAMD={address!r}: expected unix:/path or tcp:host:port")
    sock.settimeout(TIMEOUT_SECONDS)
    try:
        sock.connect(target)
    except OSError as exc:
        sock.close()
        raise ScannerUnavailable(f"clamd at {address}: {exc}") from exc
    return sock


class Session:
    """One INSTREAM conversation fed chunk by chunk (quét virus theo luồng): the upload is sent
    to clamd as it is read, so a file of any size is scanned with one chunk in memory and
    before anything is written to storage. ``send`` each chunk, then ``verdict()``; ``close()``
    (or ``with``) always, also when the caller gives up half way."""

    def __init__(self, address: str):
        self.address = address
        self.sock: socket.socket | None = _connect(address)
        self._call(lambda sock: sock.sendall(b"zINSTREAM\0"))

    def _call(self, action):
        if self.sock is None:
            raise ScannerUnavailable(f"clamd at {self.address}: session closed")
        try:
            return action(self.sock)
        except OSError as exc:
            # clamd closes the stream early when it passes its StreamMaxLength: say so.
            reason = self._early_reply() or str(exc)
            self.close()
            raise ScannerUnavailable(f"clamd at {self.address}: {reason}") from exc

    def _early_reply(self) -> str:
        try:
            if self.sock is not None:
                self.sock.settimeout(1)
                return self.sock.recv(4096).rstrip(b"\0").decode("utf-8", "replace").strip()
        except OSError:
            pass
        return ""

    def send(self, data: bytes) -> None:
        for start in range(0, len(data), CHUNK):
            framed = struct.pack("!L", min(CHUNK, len(data) - start)) + data[start:start + CHUNK]
            self._call(lambda sock, framed=framed: sock.sendall(framed))

    def verdict(self) -> ScanResult:
        def finish(sock: socket.socket) -> bytes:
            sock.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                part = sock.recv(4096)
                if not part:
                    break
                reply += part
            return reply

        try:
            reply = self._call(finish)
        finally:
            self.close()
        text = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
        if text.endswith(" OK"):
            return ScanResult(clean=True)
        if text.endswith(" FOUND"):
            signature = text.rsplit(":", 1)[-1].removesuffix(" FOUND").strip()
            return ScanResult(clean=False, signature=signature)
        raise ScannerUnavailable(f"clamd at {self.address} answered {text!r}")

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_session(address: str | None = None) -> Session | None:
    """A streaming scan, or None when no scanner is configured (``MOTCUA_CLAMD`` empty).
    Raises ScannerUnavailable when clamd is configured but cannot be reached."""
    address = address if address is not None else settings.MOTCUA_CLAMD
    if not address:
        return None
    return Session(address)


def scan_bytes(data: bytes, address: str | None = None) -> ScanResult | None:
    """Scan ``data``; None when no scanner is configured."""
    session = open_session(address)
    if session is None:
        return None
    with session:
        session.send(data)
        return session.verdict()
