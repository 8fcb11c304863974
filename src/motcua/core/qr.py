"""QR codes for printed documents and screens (mã QR): one look for every form, ticket and receipt.

Error correction M survives a folded or stamped corner of a slip; the PDF gets an SVG data URI,
which WeasyPrint draws as a vector, so the code stays sharp on any printer.
"""

from __future__ import annotations

import segno

ERROR = "m"
SCALE_SCREEN = 3
SCALE_PDF = 4


def make_qr(url: str) -> segno.QRCode:
    return segno.make(url, error=ERROR, micro=False)


def qr_svg_inline(url: str) -> str:
    """An inline ``<svg>`` element for the screen version."""
    return make_qr(url).svg_inline(scale=SCALE_SCREEN, border=2, title=url)


def qr_data_uri(url: str) -> str:
    """An SVG ``data:`` URI for ``<img>`` in the PDF."""
    return make_qr(url).svg_data_uri(scale=SCALE_PDF, border=2)


def qr_parts(url: str) -> dict[str, str]:
    """What a template needs to print or show the QR of ``url``."""
    return {"url": url, "svg": qr_svg_inline(url), "data_uri": qr_data_uri(url)}
