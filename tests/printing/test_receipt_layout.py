"""Mẫu 01 keeps its signature block with the body, whatever the number of documents.

Rendered with WeasyPrint (the same HTML the PDF view serves), then the laid-out pages are read:
how many there are, and on which page the signature block ("Người tiếp nhận hồ sơ") and the last
numbered item of the body land.
"""

from __future__ import annotations

import os

import pytest

from motcua.dossiers.models import DossierDocument, ProvidedAs
from motcua.printing import forms
from motcua.printing.editions import FormKey
from motcua.printing.views import form_document

pytestmark = pytest.mark.django_db


def _texts(box, parts: list[str]) -> list[str]:
    text = getattr(box, "text", None)
    if isinstance(text, str):
        parts.append(text)
    for child in getattr(box, "children", ()):
        _texts(child, parts)
    return parts


def _page_texts(document) -> list[str]:
    """The text laid out on each page."""
    return [" ".join(_texts(page._page_box, [])) for page in document.pages]


def _receipt_with(make_dossier, count: int):
    dossier = make_dossier()
    for n in range(1, count + 1):
        DossierDocument.objects.create(
            dossier=dossier,
            name=f"Giấy tờ số {n}: bản vẽ, giấy chứng nhận quyền sử dụng đất và tài sản gắn liền",
            provided_as=ProvidedAs.COPY if n % 2 else ProvidedAs.ORIGINAL,
            copies=n % 3 + 1,
        )
    return forms.receipt_context(dossier)


@pytest.mark.parametrize("count", [1, 5, 12])
def test_signature_block_stays_with_the_body(make_dossier, count, tmp_path):
    context = _receipt_with(make_dossier, count)
    document = form_document(context, FormKey.RECEIPT)
    pages = _page_texts(document)
    dump = os.environ.get("MOTCUA_DUMP_FORMS")
    if dump:  # look at it: pdftoppm -png -r 80 <file>.pdf
        with open(f"{dump}/mau01-{count}.pdf", "wb") as out:
            out.write(document.write_pdf())
    assert len(pages) == 1, f"{count} documents: {len(pages)} pages"
    page = pages[0]
    assert f"Giấy tờ số {count}:" in page
    assert "Đăng ký nhận kết quả tại" in page
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in page.upper()


def test_a_short_receipt_stays_on_a5(make_dossier):
    document = form_document(_receipt_with(make_dossier, 1), FormKey.RECEIPT)
    width, height = document.pages[0].width, document.pages[0].height
    assert (round(width / 96 * 25.4), round(height / 96 * 25.4)) == (148, 210)


def test_a_long_receipt_never_leaves_the_signatures_alone(make_dossier):
    """Beyond what even A4 holds, the last items still travel with the signature block."""
    document = form_document(_receipt_with(make_dossier, 40), FormKey.RECEIPT)
    pages = _page_texts(document)
    assert len(pages) > 1
    last = pages[-1]
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in last.upper()
    assert "Đăng ký nhận kết quả tại" in last
    assert "Đăng ký nhận kết quả tại" not in " ".join(pages[:-1])
