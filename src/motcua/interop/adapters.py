"""How status changes reach the national portal (bộ chuyển đổi): an interface and the HTTP JSON
adapter. The adapter is named by ``settings.MOTCUA_NATIONAL_PORTAL_ADAPTER``; the real portal's
protocol (its authentication, its field names) is plugged in as another adapter."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from abc import ABC, abstractmethod

from django.conf import settings
from django.utils.module_loading import import_string


class NationalPortalAdapter(ABC):
    @abstractmethod
    def send_status(self, payload: dict, *, idempotency_key: str) -> None:
        """Deliver one status change; raise on failure (the outbox retries). The same
        ``idempotency_key`` is sent again on a retry, so the portal can drop a repeat."""


class HttpJsonAdapter(NationalPortalAdapter):
    """POST the payload as JSON to ``MOTCUA_NATIONAL_PORTAL_URL`` with the bearer token
    ``MOTCUA_NATIONAL_PORTAL_TOKEN``; any answer but 2xx is a failure."""

    def __init__(self, url: str | None = None, token: str | None = None,
                 timeout: float | None = None) -> None:
        self.url = url if url is not None else settings.MOTCUA_NATIONAL_PORTAL_URL
        self.token = token if token is not None else settings.MOTCUA_NATIONAL_PORTAL_TOKEN
        self.timeout = timeout if timeout is not None else settings.MOTCUA_NATIONAL_PORTAL_TIMEOUT

    def send_status(self, payload: dict, *, idempotency_key: str) -> None:
        if not self.url:
            raise RuntimeError("MOTCUA_NATIONAL_PORTAL_URL is not set")
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json; charset=utf-8",
                   "Idempotency-Key": idempotency_key}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                if not 200 <= response.status < 300:
                    raise RuntimeError(f"HTTP {response.status}")
        except urllib.error.HTTPError as exc:
            raise RuntimeError(f"HTTP {exc.code}: {exc.read(500).decode('utf-8', 'replace')}") \
                from exc


def get_adapter() -> NationalPortalAdapter:
    path = settings.MOTCUA_NATIONAL_PORTAL_ADAPTER or "motcua.interop.adapters.HttpJsonAdapter"
    return import_string(path)()
