"""QR codes on the forms (mã QR tra cứu hồ sơ): they open the public status page.

The applicant scans the code on the receipt to see where the dossier is; the URL is the public
lookup page ``<MOTCUA_PUBLIC_BASE_URL>/tra-cuu/<code>/``. Error correction M survives a folded or
stamped corner of the slip.
"""

from __future__ import annotations

from urllib.parse import quote

import segno
from django.conf import settings

ERROR = "m"
SCALE_SCREEN = 3
SCALE_PDF = 4


def status_url(code: str) -> str:
    """The public lookup URL of dossier ``code``."""
    base = settings.MOTCUA_PUBLIC_BASE_URL.rstrip("/")
    return f"{base}/tra-cuu/{quote(code, safe='')}/"


def make_qr(url: str) -> segno.QRCode:
    return segno.make(url, error=ERROR, micro=False)


def qr_svg_inline(url: str) -> str:
    """An inline ``<svg>`` element for the screen version."""
    return make_qr(url).svg_inline(scale=SCALE_SCREEN, border=2, title=url)


def qr_data_uri(url: str) -> str:
    """An SVG ``data:`` URI for ``<img>`` in the PDF (WeasyPrint draws it as a vector)."""
    return make_qr(url).svg_data_uri(scale=SCALE_PDF, border=2)


def dossier_qr(code: str) -> dict[str, str]:
    """What a form template needs to print the QR of dossier ``code``."""
    url = status_url(code)
    return {"url": url, "svg": qr_svg_inline(url), "data_uri": qr_data_uri(url)}
