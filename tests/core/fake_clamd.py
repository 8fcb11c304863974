"""A tiny clamd on loopback that speaks INSTREAM: enough to test the client's protocol."""

from __future__ import annotations

import socket
import struct
import threading

EICAR_MARK = b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE"
# A PDF (so the type check lets it through to the scanner) carrying the EICAR test string.
INFECTED_PDF = b"%PDF-1.4\n% " + b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + EICAR_MARK + b"!$H+H*\n%%EOF\n"


def _read_exact(conn, n: int) -> bytes:
    data = b""
    while len(data) < n:
        part = conn.recv(n - len(data))
        if not part:
            raise ConnectionError("client closed")
        data += part
    return data


class FakeClamd:
    """``keep=False``: the streams are not kept (only their sizes, in ``sizes``), so a 50 MB
    upload scanned in a memory test does not pile up here — this thread shares the tracing."""

    def __init__(self, reply: bytes | None = None, keep: bool = True):
        self.reply = reply
        self.keep = keep
        self.received: list[bytes] = []
        self.sizes: list[int] = []
        self.commands: list[bytes] = []
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.address = f"tcp:127.0.0.1:{self.sock.getsockname()[1]}"
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                try:
                    self._one(conn)
                except ConnectionError:
                    pass

    def _one(self, conn):
        command = b""
        while not command.endswith(b"\0"):
            command += _read_exact(conn, 1)
        self.commands.append(command)
        parts: list[bytes] = []
        size, found, tail = 0, False, b""
        while True:
            (length,) = struct.unpack("!L", _read_exact(conn, 4))
            if length == 0:
                break
            chunk = _read_exact(conn, length)
            size += length
            window = tail + chunk
            found = found or EICAR_MARK in window  # the mark may straddle chunks
            tail = window[-len(EICAR_MARK):]
            if self.keep:
                parts.append(chunk)
        self.sizes.append(size)
        if self.keep:
            self.received.append(b"".join(parts))
        if self.reply is not None:
            conn.sendall(self.reply)
        elif found:
            conn.sendall(b"stream: Eicar-Test-Signature FOUND\0")
        else:
            conn.sendall(b"stream: OK\0")

    def close(self):
        # Stop the serving thread before the socket's descriptor is freed: closed under a
        # thread about to accept(), the number went to the next test's server and this thread
        # answered half of that server's scans (which then missed from its ``received``).
        try:
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes a blocked accept() (Linux)
        except OSError:
            pass
        self.thread.join(timeout=5)
        self.sock.close()
