"""Giấy xác nhận nộp hồ sơ trực tuyến: the code, the procedure, the time, and a QR code to the
public lookup page; one owner for the portal's download and the mobile app's."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse

from motcua.citizens import selectors
from motcua.core.pdf import render_pdf
from motcua.core.public_url import public_base_url
from motcua.core.qr import qr_parts
from motcua.dossiers.models import Dossier


def lookup_url(request, dossier: Dossier) -> str:
    """The public lookup page of the dossier (tra cứu hồ sơ), what its QR codes hold."""
    return public_base_url(request) + reverse("portal:lookup-result", args=[dossier.code])


def receipt_pdf(request, dossier: Dossier) -> bytes:
    html = render_to_string("citizens/receipt_pdf.html", {
        "d": dossier, "qr": qr_parts(lookup_url(request, dossier)),
        "files": selectors.dossier_files(dossier=dossier),
    }, request=request)
    return render_pdf(html)
