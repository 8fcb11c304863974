"""The hand-over record (biên bản giao nhận hồ sơ) of a batch as a PDF: the list of dossiers
with a QR code for the batch and one per dossier; scanning opens the batch's confirmation page
in the workspace (with the dossier ticked), where the courier and the officer confirm."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from motcua.core.pdf import render_pdf
from motcua.core.public_url import public_base_url
from motcua.core.qr import qr_parts
from motcua.courier.models import Batch


def batch_url(batch: Batch, *, request=None, code: str = "") -> str:
    url = public_base_url(request) + reverse("workspace:courier_batch", args=[batch.token])
    return f"{url}?ma={code}" if code else url


def manifest_html(batch: Batch, *, request=None) -> str:
    lines = list(batch.lines.select_related(
        "dossier", "dossier__procedure_version").order_by("dossier__code"))
    rows = [{"n": i, "line": line, "dossier": line.dossier,
             "qr": qr_parts(batch_url(batch, request=request, code=line.dossier.code))}
            for i, line in enumerate(lines, start=1)]
    return render_to_string("courier/manifest.html", {
        "batch": batch, "run": batch.run, "rows": rows,
        "qr": qr_parts(batch_url(batch, request=request)),
        "printed_at": timezone.localtime(),
    })


def manifest_pdf(batch: Batch, *, request=None) -> bytes:
    return render_pdf(manifest_html(batch, request=request))
