"""The public base URL (địa chỉ công khai) of the installation: one owner.

Printed slips carry a QR code and a lookup link the citizen opens later, from home. They must
point to where the public portal really is:

* in production, ``MOTCUA_PUBLIC_BASE_URL`` (required there): the address citizens know, not
  whatever Host header reached the server behind the proxy;
* in development and tests, when the setting is empty, the address of the request that printed
  the slip (``make run`` on any port or host gives working codes); with no request either, the
  development server's default address.
"""

from __future__ import annotations

from django.conf import settings

DEVELOPMENT_FALLBACK = "http://127.0.0.1:8000"


def public_base_url(request=None) -> str:
    """``https://motcua.example.vn`` (no trailing slash)."""
    configured = (getattr(settings, "MOTCUA_PUBLIC_BASE_URL", "") or "").strip()
    if configured:
        return configured.rstrip("/")
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return DEVELOPMENT_FALLBACK
