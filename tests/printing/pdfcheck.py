"""Looking inside the PDFs the views return, without poppler or pypdf.

The page size is read from the PDF's own /MediaBox; the text from WeasyPrint's layout of the
same HTML (and from ``pdftotext`` too when poppler is installed).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zlib

from motcua.core.pdf import render_document

MM = 72 / 25.4
A5 = (148, 210)
A4 = (210, 297)
A4_LANDSCAPE = (297, 210)


def _objects(pdf: bytes) -> bytes:
    """The PDF with its Flate streams inflated (page objects sit in compressed object streams)."""
    chunks = [pdf]
    # Up to "endstream" with whatever end-of-line precedes it: compressed data may itself end in
    # a "\r" byte, which an "\r?\n" before "endstream" would take and truncate the stream. A
    # decompress object stops at the end of the deflate data and ignores the rest.
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            chunks.append(zlib.decompressobj().decompress(stream))
        except zlib.error:
            continue
    return b"\n".join(chunks)


def page_sizes_mm(pdf: bytes) -> list[tuple[int, int]]:
    """Size of every page (one /MediaBox per page object), in whole millimetres."""
    sizes = []
    for box in re.findall(rb"/MediaBox\s*\[\s*([^\]]+)\]", _objects(pdf)):
        x0, y0, x1, y1 = (float(v) for v in box.split())
        sizes.append((round((x1 - x0) / MM), round((y1 - y0) / MM)))
    return sizes


def layout_text(html: str) -> str:
    """All text WeasyPrint laid out, whitespace removed (long codes wrap in narrow cells)."""
    parts: list[str] = []

    def walk(box):
        text = getattr(box, "text", None)
        if isinstance(text, str):
            parts.append(text)
        for child in getattr(box, "children", ()):
            walk(child)

    for page in render_document(html).pages:
        walk(page._page_box)
    return re.sub(r"\s+", "", "".join(parts))


def pdftotext(pdf: bytes) -> str | None:
    if shutil.which("pdftotext") is None:
        return None
    done = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return done.stdout.decode()
