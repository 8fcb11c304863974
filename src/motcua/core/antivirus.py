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


def scan_bytes(data: bytes, address: str | None = None) -> ScanResult | None:
    """Scan ``data``; None when no scanner is configured."""
    address = address if address is not None else settings.MOTCUA_CLAMD
    if not address:
        return None
    sock = _connect(address)
    try:
        sock.sendall(b"zINSTREAM\0")
        for start in range(0, len(data), CHUNK):
            chunk = data[start:start + CHUNK]
            sock.sendall(struct.pack("!L", len(chunk)) + chunk)
        sock.sendall(struct.pack("!L", 0))
        reply = b""
        while not reply.endswith(b"\0"):
            part = sock.recv(4096)
            if not part:
                break
            reply += part
    except OSError as exc:
        raise ScannerUnavailable(f"clamd at {address}: {exc}") from exc
    finally:
        sock.close()
    text = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    if text.endswith(" OK"):
        return ScanResult(clean=True)
    if text.endswith(" FOUND"):
        signature = text.rsplit(":", 1)[-1].removesuffix(" FOUND").strip()
        return ScanResult(clean=False, signature=signature)
    raise ScannerUnavailable(f"clamd at {address} answered {text!r}")
