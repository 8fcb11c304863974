"""Pages that show the official forms and serve them as PDF (in biểu mẫu).

Thin: check access, call the form's context builder, render the screen page (with a Print
button and a "Tải PDF" link) or the PDF. A form that does not apply to the dossier's state is a
404 with the reason in Vietnamese.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from motcua.catalog.models import Field
from motcua.core import dates
from motcua.core.language import in_vietnamese
from motcua.core.pdf import pdf_response, render_document, safe_filename
from motcua.core.public_url import public_base_url
from motcua.dossiers.models import CounterGuidance, Dossier, DossierPause
from motcua.org.models import RECEIVING_KINDS, Unit
from motcua.printing import forms as form_data
from motcua.printing.access import (
    may_print_dossier,
    may_print_for_unit,
    may_see_dossier,
    unit_ids,
)
from motcua.printing.editions import Edition, FormKey, form_edition
from motcua.printing.forms import FormNotApplicable
from motcua.printing.services import form_print_record

# Longest register printed at once: a year keeps the PDF to a size a browser opens.
REGISTER_MAX_DAYS = 366

DOSSIER_FORMS = {
    FormKey.RECEIPT,
    FormKey.SUPPLEMENT,
    FormKey.REFUSAL,
    FormKey.APOLOGY,
    FormKey.STOP,
    FormKey.CONTROL,
    FormKey.REFUSAL_NOTICE,
    FormKey.RECEPTION_SUPPLEMENT,
}


def _wants_pdf(request, fmt: str | None) -> bool:
    return fmt == "pdf" or request.GET.get("format") == "pdf"


def _template(key: FormKey) -> str:
    return f"printing/forms/{key.value.replace('-', '_')}.html"


@in_vietnamese
def document_html(form: dict, key: FormKey) -> str:
    """The standalone HTML of a form that WeasyPrint turns into the PDF."""
    return render_to_string(
        "printing/document.html", {"form": form, "sheet_template": _template(key), "pdf": True}
    )


# A form printed on A5 that does not fit one sheet (a receipt listing many papers) moves to
# A4 rather than leaving its signatures alone on a second A5 sheet.
_LARGER_PAPER = {"A5": "A4"}


def form_document(form: dict, key: FormKey, *, base_url: str | None = None):
    """The laid-out PDF document of ``form``: on its own paper, or the next size up when the
    A5 layout would take more than one page."""
    document = render_document(document_html(form, key), base_url=base_url)
    larger = _LARGER_PAPER.get(form["header"]["paper"])
    if len(document.pages) > 1 and larger:
        # Same type size as on A5: the larger sheet is for the length, not for bigger print.
        form = {**form, "header": {**form["header"], "paper": larger, "grown": True}}
        document = render_document(document_html(form, key), base_url=base_url)
    return document


def _output(request, *, form: dict, key: FormKey, pdf: bool, pdf_url: str, filename: str,
            back_url: str = "", screen_template: str = "printing/screen.html", extra=None):
    if pdf:
        document = form_document(form, key, base_url=request.build_absolute_uri("/"))
        return pdf_response(document.write_pdf(), filename)
    context = {
        "form": form, "sheet_template": _template(key), "pdf": False, "pdf_url": pdf_url,
        "back_url": back_url, **(extra or {}),
    }
    return render(request, screen_template, context)


def _not_applicable(request, message: str, code: str = ""):
    return render(
        request, "printing/not_applicable.html", {"message": message, "code": code}, status=404
    )


def _dossier_for(request, code: str) -> Dossier:
    # A dossier of someone else's units is "not found" like a code that does not exist; one
    # the user may see but not print (the courier) is a 403.
    dossier = Dossier.objects.filter(code=code).first()
    if dossier is None or not may_see_dossier(request.user, dossier):
        raise Http404(gettext_noop("Không tìm thấy hồ sơ, hoặc bạn không có quyền xem hồ sơ này."))
    if not may_print_dossier(request.user, dossier):
        raise PermissionDenied(_("Vai trò của bạn không được in biểu mẫu có dữ liệu cá nhân."))
    return dossier


@login_required
def dossier_forms(request, code: str):
    """The forms of a dossier that can be printed now."""
    dossier = _dossier_for(request, code)
    forms = form_data.available_forms(dossier)
    for f in forms:
        f["url"] = reverse("printing:dossier_form", kwargs={"code": code, "form": f["key"]})
        f["pdf_url"] = reverse("printing:dossier_form_pdf", kwargs={"code": code, "form": f["key"]})
    edition = form_edition(dossier)
    label = (
        _("Biểu mẫu theo Thông tư 03/2025/TT-VPCP")
        if edition == Edition.TT03_2025
        else _("Biểu mẫu theo Thông tư 01/2018/TT-VPCP (hồ sơ tiếp nhận trước 01/7/2025)")
    )
    return render(
        request,
        "printing/dossier_forms.html",
        {"dossier": dossier, "forms": forms, "edition_label": label},
    )


@login_required
def dossier_form(request, code: str, form: str, fmt: str | None = None):
    """One form of a dossier, on screen or as PDF (``/pdf/`` or ``?format=pdf``)."""
    try:
        key = FormKey(form)
    except ValueError:
        raise Http404(_("Không có biểu mẫu này.")) from None
    if key not in DOSSIER_FORMS:
        raise Http404(_("Không có biểu mẫu này."))
    dossier = _dossier_for(request, code)
    base_url = public_base_url(request)

    def build() -> dict:
        if key == FormKey.SUPPLEMENT and request.GET.get("pause"):
            pause = DossierPause.objects.filter(pk=_int(request.GET["pause"]), dossier=dossier).first()
            if pause is None:
                raise FormNotApplicable(_("Không tìm thấy yêu cầu bổ sung này của hồ sơ."))
            return form_data.supplement_context(dossier, pause, base_url=base_url)
        return form_data.BUILDERS[key](dossier, base_url=base_url)

    try:
        context = build()
    except FormNotApplicable as exc:
        return _not_applicable(request, exc.message, code)
    pdf = _wants_pdf(request, fmt)
    numbers = context["header"]["numbering"]
    form_print_record(
        actor=request.user, form=key.value, fmt="pdf" if pdf else "html", dossier=dossier,
        numbering=numbers,
    )
    if numbers and not context["header"]["issued"]:
        # First issue: the form now has its number (and a receipt its register entry).
        context = build()
    return _output(
        request,
        form=context,
        key=key,
        pdf=pdf,
        pdf_url=reverse("printing:dossier_form_pdf", kwargs={"code": code, "form": key.value})
        + (f"?pause={_int(request.GET['pause'])}" if request.GET.get("pause") else ""),
        back_url=reverse("printing:dossier_forms", kwargs={"code": code}),
        filename=safe_filename(key.value, dossier.code),
    )


def _int(text: str) -> int:
    try:
        return int(text)
    except (TypeError, ValueError):
        return 0


@login_required
def guidance_form(request, pk: int, fmt: str | None = None):
    """Mẫu 02 for a guidance slip handed back at the counter (no dossier yet)."""
    guidance = get_object_or_404(CounterGuidance.objects.select_related("unit"), pk=pk)
    if not (request.user.is_superuser or guidance.unit_id in unit_ids(request.user)):
        raise Http404(_("Không tìm thấy phiếu hướng dẫn."))  # another unit's: as if absent
    if not may_print_for_unit(request.user, guidance.unit):
        raise PermissionDenied(_("Vai trò của bạn không được in biểu mẫu có dữ liệu cá nhân."))
    pdf = _wants_pdf(request, fmt)
    form_print_record(
        actor=request.user, form=FormKey.SUPPLEMENT.value, fmt="pdf" if pdf else "html",
        unit=guidance.unit, obj=guidance,
        numbering=form_data.guidance_context(guidance)["header"]["numbering"],
    )
    return _output(
        request,
        form=form_data.guidance_context(guidance),
        key=FormKey.SUPPLEMENT,
        pdf=pdf,
        pdf_url=reverse("printing:guidance_form_pdf", kwargs={"pk": pk}),
        filename=safe_filename("mau-02", "huong-dan", str(pk)),
    )


# --- the register (Mẫu 07) -------------------------------------------------------------------


class BadRequest(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def parse_day(text: str, what: str) -> dt.date:
    """dd/mm/yyyy (as written in Vietnam) or ISO yyyy-mm-dd."""
    text = (text or "").strip()
    try:
        return dates.parse_day(text)
    except ValueError:
        pass
    raise BadRequest(
        _("Ngày %(what)s không hợp lệ: “%(text)s”. Hãy ghi theo dạng dd/mm/yyyy.")
        % {"what": what, "text": text}
    )


def _unit_choices(user):
    units = Unit.objects.filter(is_active=True).order_by("name")
    if user.is_superuser:
        return units.filter(kind__in=RECEIVING_KINDS)
    return units.filter(pk__in=unit_ids(user))


@login_required
def register(request, fmt: str | None = None):
    """Mẫu 07 Sổ theo dõi hồ sơ: ``?unit=<code>&from=dd/mm/yyyy&to=dd/mm/yyyy&field=<code>``."""
    today = timezone.localdate()
    start_text = request.GET.get("from") or today.replace(day=1).strftime("%d/%m/%Y")
    end_text = request.GET.get("to") or today.strftime("%d/%m/%Y")
    unit_choices = _unit_choices(request.user)
    unit_code = request.GET.get("unit", "")
    if not unit_code:
        units = list(unit_choices[:2])
        if len(units) != 1:
            return _register_invalid(
                request, _("Hãy chọn đơn vị cần in sổ theo dõi hồ sơ."), unit_choices,
                start_text, end_text, status=400,
            )
        unit_code = units[0].code
    unit = get_object_or_404(Unit, code=unit_code)
    if not may_print_for_unit(request.user, unit):
        raise PermissionDenied(_("Bạn không thuộc đơn vị này nên không xem được sổ theo dõi."))
    try:
        start = parse_day(start_text, _("bắt đầu"))
        end = parse_day(end_text, _("kết thúc"))
        if end < start:
            raise BadRequest(_("Ngày kết thúc phải sau ngày bắt đầu."))
        if (end - start).days >= REGISTER_MAX_DAYS:
            raise BadRequest(
                _("Mỗi lần in sổ tối đa %(days)s ngày.") % {"days": REGISTER_MAX_DAYS}
            )
        field = None
        field_code = request.GET.get("field", "")
        if field_code:
            field = Field.objects.filter(Q(code=field_code) | Q(slug=field_code)).first()
            if field is None:
                raise BadRequest(_("Không có lĩnh vực “%(code)s”.") % {"code": field_code})
    except BadRequest as exc:
        return _register_invalid(request, exc.message, unit_choices, start_text, end_text)
    context = form_data.register_context(unit, start, end, field)
    pdf = _wants_pdf(request, fmt)
    form_print_record(
        actor=request.user, form=FormKey.REGISTER.value, fmt="pdf" if pdf else "html", unit=unit,
        data={"unit": unit.code, "from": start.isoformat(), "to": end.isoformat(),
              "field": field.code if field else ""},
    )
    query = request.GET.copy()
    query.pop("format", None)
    query.update({"unit": unit.code, "from": start.strftime("%d/%m/%Y"),
                  "to": end.strftime("%d/%m/%Y")})
    return _output(
        request,
        form=context,
        key=FormKey.REGISTER,
        pdf=pdf,
        pdf_url=f"{reverse('printing:register_pdf')}?{query.urlencode()}",
        filename=safe_filename(
            "mau-07-so-theo-doi", unit.code, start.strftime("%Y%m%d"), end.strftime("%Y%m%d")
        ),
        screen_template="printing/register.html",
        extra={
            "unit_choices": unit_choices,
            "field_choices": Field.objects.order_by("order", "name").only("code", "name"),
            "field_code": field.code if field else "",
            "start_text": start.strftime("%d/%m/%Y"),
            "end_text": end.strftime("%d/%m/%Y"),
        },
    )


def _register_invalid(request, message, unit_choices, start_text, end_text, status=400):
    return render(
        request,
        "printing/register_invalid.html",
        {"message": message, "unit_choices": unit_choices, "start_text": start_text,
         "end_text": end_text},
        status=status,
    )
