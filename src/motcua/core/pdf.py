"""HTML to PDF with WeasyPrint (in ra tệp PDF).

Fonts: the forms ask for Times New Roman; Liberation Serif has the same metrics and full
Vietnamese coverage, DejaVu is the fallback. No font is fetched from the network.
"""

from __future__ import annotations

from django.http import HttpResponse
from weasyprint import HTML


def render_document(html: str, *, base_url: str | None = None):
    """The laid-out WeasyPrint document (pages, sizes), for rendering or inspection."""
    return HTML(string=html, base_url=base_url).render()


def render_pdf(html: str, *, base_url: str | None = None) -> bytes:
    return render_document(html, base_url=base_url).write_pdf()


def pdf_response(pdf: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    """``application/pdf``; opened in the browser's viewer unless ``inline`` is False."""
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def safe_filename(*parts: str) -> str:
    """'mau-01-000.00.00.H15-260302-0001.pdf': ASCII only, for every browser."""
    text = "-".join(p for p in parts if p)
    cleaned = "".join(ch if ch.isascii() and (ch.isalnum() or ch in ".-_") else "-" for ch in text)
    return f"{cleaned}.pdf"
