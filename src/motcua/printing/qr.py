"""QR codes on the forms (mã QR tra cứu hồ sơ): they open the public status page.

The applicant scans the code on the receipt to see where the dossier is; the URL is the public
lookup page ``<public base URL>/tra-cuu/<code>/``, the base from ``motcua.core.public_url``.
Drawing the code is ``motcua.core.qr``'s job.
"""

from __future__ import annotations

from urllib.parse import quote

from django.urls import reverse

from motcua.core.public_url import public_base_url
from motcua.core.qr import qr_parts


def status_url(code: str, base_url: str | None = None) -> str:
    """The public lookup URL of dossier ``code`` under ``base_url`` (the installation's public
    base URL when not given)."""
    base = (base_url or public_base_url()).rstrip("/")
    path = reverse("portal:lookup-result", kwargs={"code": "CODE"}).replace("CODE", "{}")
    return base + path.format(quote(code, safe=""))


def dossier_qr(code: str, base_url: str | None = None) -> dict[str, str]:
    """What a form template needs to print the QR of dossier ``code``."""
    return qr_parts(status_url(code, base_url))
