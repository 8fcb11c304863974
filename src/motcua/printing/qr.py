"""QR codes on the forms (mã QR tra cứu hồ sơ): they open the public status page.

The applicant scans the code on the receipt to see where the dossier is; the URL is the public
lookup page ``<public base URL>/tra-cuu/<code>/``, the base from ``motcua.core.public_url``. Error correction M survives a folded or
stamped corner of the slip.
"""

from __future__ import annotations

from urllib.parse import quote

import segno
from django.urls import reverse

from motcua.core.public_url import public_base_url

ERROR = "m"
SCALE_SCREEN = 3
SCALE_PDF = 4


def status_url(code: str, base_url: str | None = None) -> str:
    """The public lookup URL of dossier ``code`` under ``base_url`` (the installation's public
    base URL when not given)."""
    base = (base_url or public_base_url()).rstrip("/")
    path = reverse("portal:lookup-result", kwargs={"code": "CODE"}).replace("CODE", "{}")
    return base + path.format(quote(code, safe=""))


def make_qr(url: str) -> segno.QRCode:
    return segno.make(url, error=ERROR, micro=False)


def qr_svg_inline(url: str) -> str:
    """An inline ``<svg>`` element for the screen version."""
    return make_qr(url).svg_inline(scale=SCALE_SCREEN, border=2, title=url)


def qr_data_uri(url: str) -> str:
    """An SVG ``data:`` URI for ``<img>`` in the PDF (WeasyPrint draws it as a vector)."""
    return make_qr(url).svg_data_uri(scale=SCALE_PDF, border=2)


def dossier_qr(code: str, base_url: str | None = None) -> dict[str, str]:
    """What a form template needs to print the QR of dossier ``code``."""
    url = status_url(code, base_url)
    return {"url": url, "svg": qr_svg_inline(url), "data_uri": qr_data_uri(url)}
