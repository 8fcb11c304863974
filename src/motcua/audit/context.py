"""Where an audited action comes from (kênh, địa chỉ IP): set once per request or command.

Services do not know whether the web, the API, a command or a scheduled job called them, and
they should not have to pass it along. The middleware records the channel and the client
address of each request in a context variable; ``audit_record`` reads it when the caller gives
none. Commands and jobs set their own channel with ``audit_context``.
"""

from __future__ import annotations

import contextlib
import functools
import ipaddress
from contextvars import ContextVar
from dataclasses import dataclass

WEB = "web"
API = "api"
CLI = "cli"
TASK = "task"


@dataclass(frozen=True)
class Origin:
    channel: str = ""
    ip: str | None = None


_NOWHERE = Origin()
_origin: ContextVar[Origin | None] = ContextVar("motcua_audit_origin", default=None)


def current() -> Origin:
    return _origin.get() or _NOWHERE


@contextlib.contextmanager
def audit_context(*, channel: str, ip: str | None = None):
    token = _origin.set(Origin(channel=channel, ip=normalise_ip(ip)))
    try:
        yield
    finally:
        _origin.reset(token)


def normalise_ip(value) -> str | None:
    """The address in the one form every database hands back (``2001:db8::1``), None if not an
    address: the MAC covers the stored text, so it must be the text the database keeps."""
    if not value:
        return None
    return _normalised(str(value).strip())


@functools.lru_cache(maxsize=4096)
def _normalised(text: str) -> str | None:
    # Remembered per process: every request normalises its client's address (the audit
    # context) and a staff read once more (the access log); parsing it was ~30 calls each.
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(address)


def client_ip(request) -> str | None:
    """The client address as the server saw it (``REMOTE_ADDR``). Behind a reverse proxy, the
    proxy must pass the client's address there (see docs/security.md)."""
    return normalise_ip(request.META.get("REMOTE_ADDR"))


def request_channel(request) -> str:
    return API if request.path.startswith("/api/") else WEB


class AuditContextMiddleware:
    """Records channel (web/api) and client address for the audit events of this request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _origin.set(Origin(channel=request_channel(request), ip=client_ip(request)))
        try:
            return self.get_response(request)
        finally:
            _origin.reset(token)
