"""Forms of the staff workspace: worklist filters, the intake form, one form per action.

Forms only parse input; every rule of the domain (identity, mandatory documents, states, roles)
is checked by the dossier services, whose Vietnamese messages are put back on the matching field
by ``attach_domain_error``.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from motcua.catalog.fees import MAX_COPIES, exemption_choices
from motcua.catalog.models import Field
from motcua.core import dates, uploads
from motcua.core.dates import DateFormatError, DateValueError, parse_date
from motcua.core.errors import DomainError
from motcua.dossiers.models import ApplicantKind, Gender, ProvidedAs
from motcua.dossiers.states import DeliveryMethod, Status

DATE_FORMATS = list(dates.INPUT_FORMATS)
DATE_PLACEHOLDER = dates.PLACEHOLDER


class VietnameseDateField(forms.DateField):
    """dd/mm/yyyy; "31/02/1990" is a wrong date, not a wrong format (core.dates)."""

    default_error_messages = {
        "invalid": _("Ngày phải ghi theo dạng dd/mm/yyyy."),
        "not_real": _("Ngày %(value)s không có thật; kiểm tra lại ngày và tháng."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return parse_date(str(value))
        except DateValueError:
            raise forms.ValidationError(self.error_messages["not_real"], code="not_real",
                                        params={"value": str(value).strip()}) from None
        except DateFormatError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


def _date_field(label, required=False, **kw) -> forms.DateField:
    return VietnameseDateField(
        label=label, required=required,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": DATE_PLACEHOLDER,
                                                         "inputmode": "numeric"}),
        **kw,
    )


def attach_domain_error(form: forms.Form, error, field_map: dict[str, str] | None = None) -> None:
    """Put a service error (InvalidInput/Conflict) on the form field it names, else on top."""
    name = (field_map or {}).get(error.field or "", error.field or "")
    if name and name in form.fields:
        form.add_error(name, error.message)
    else:
        form.add_error(None, error.message)


# ----------------------------------------------------------------------------- worklists


class WorklistFilterForm(forms.Form):
    q = forms.CharField(label=_("Mã hồ sơ / người nộp"), required=False)
    status = forms.ChoiceField(label=_("Trạng thái"), required=False)
    procedure = forms.CharField(label=_("Mã thủ tục"), required=False)
    field = forms.ChoiceField(label=_("Lĩnh vực"), required=False)
    received_from = _date_field(_("Tiếp nhận từ ngày"))
    received_to = _date_field(_("đến ngày"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Mọi trạng thái")), *Status.choices]
        self.fields["field"].choices = [("", _("Mọi lĩnh vực"))] + [
            (f.code, f.name) for f in Field.objects.order_by("order", "name")
        ]

    def filters(self) -> dict:
        """The filters of ``dossiers.selectors.dossier_list``."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        result = {k: data[k] for k in ("q", "status", "procedure", "field") if data.get(k)}
        for key in ("received_from", "received_to"):
            if data.get(key):
                result[key] = data[key].isoformat()
        return result


# ----------------------------------------------------------------------------- intake


class IntakeForm(forms.Form):
    """Tiếp nhận hồ sơ tại quầy. The checklist fields ``doc_<id>`` follow the procedure."""

    unit = forms.ChoiceField(label=_("Nơi tiếp nhận"))
    q = forms.CharField(label=_("Tìm thủ tục"), required=False)
    # The portal's plain msgid is its plural page title ("Administrative procedures").
    procedure = forms.ChoiceField(label=pgettext_lazy("cán bộ", "Thủ tục hành chính"))
    applicant_kind = forms.ChoiceField(
        label=_("Người nộp là"), choices=ApplicantKind.choices, initial=ApplicantKind.PERSON,
        widget=forms.RadioSelect,
    )
    # No max_length here: the browser would cut a long value silently. The dossier service
    # refuses it with a message, from the model's column sizes (applicants.check_length).
    name = forms.CharField(label=_("Họ và tên / tên tổ chức"), required=False)
    id_number = forms.CharField(label=_("Số định danh cá nhân"), required=False)
    birth_date = _date_field(_("Ngày sinh"))
    gender = forms.ChoiceField(label=_("Giới tính"), required=False,
                               choices=[("", "—"), *Gender.choices])
    tax_code = forms.CharField(label=_("Mã số thuế"), required=False)
    representative_name = forms.CharField(label=_("Người đại diện"), required=False)
    address = forms.CharField(label=_("Địa chỉ"), required=False)
    phone = forms.CharField(label=_("Điện thoại"), required=False)
    email = forms.CharField(label=_("Thư điện tử"), required=False)
    request_summary = forms.CharField(label=_("Nội dung yêu cầu giải quyết"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}))
    delivery_method = forms.ChoiceField(
        label=_("Nhận kết quả"), choices=DeliveryMethod.choices, initial=DeliveryMethod.COUNTER,
        widget=forms.RadioSelect,
    )
    delivery_address = forms.CharField(label=_("Địa chỉ nhận kết quả qua bưu chính"),
                                       required=False)
    notes = forms.CharField(label=_("Ghi chú"), required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))
    items = forms.CharField(
        label=_("Nội dung cần bổ sung, hoàn thiện (Hướng dẫn bổ sung)"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Để trống: liệt kê các giấy tờ bắt buộc chưa nộp."),
    )
    reason = forms.CharField(label=_("Lý do (Hướng dẫn bổ sung / Từ chối tiếp nhận)"),
                             required=False, widget=forms.Textarea(attrs={"rows": 2}))

    # Service error fields -> form fields.
    FIELD_MAP = {
        "applicant.name": "name", "applicant.id_number": "id_number",
        "applicant.birth_date": "birth_date", "applicant.gender": "gender",
        "applicant.phone": "phone", "applicant.email": "email",
        "applicant.tax_code": "tax_code", "applicant.representative_name": "representative_name",
        "applicant.kind": "applicant_kind", "delivery.address": "delivery_address",
        "delivery.method": "delivery_method", "procedure_version": "procedure",
        "receiving_unit": "unit", "items": "items", "reason": "reason",
        "applicant.address": "address", "request_summary": "request_summary", "notes": "notes",
    }

    def __init__(self, *args, units=(), versions=(), required_documents=(), fees=(), **kwargs):
        super().__init__(*args, **kwargs)
        # The fee inputs (payments2) appear only when the procedure's fees need them.
        fees = list(fees)
        if any(f.per_copy for f in fees):
            self.fields["fee_copies"] = forms.IntegerField(
                label=_("Số bản yêu cầu (tính phí theo bản)"), min_value=1, max_value=MAX_COPIES,
                initial=1, required=False,
            )
        if exemptions := exemption_choices(fees):
            self.fields["fee_exemption"] = forms.ChoiceField(
                label=_("Đối tượng miễn phí, lệ phí"), required=False,
                choices=[("", _("— Không —"))] + [(e, e) for e in exemptions],
            )
        self.fields["unit"].choices = [(str(u.pk), u.name) for u in units]
        self.fields["procedure"].choices = [("", _("— Chọn thủ tục —"))] + [
            (str(v.pk), f"{v.procedure.code} · {v.name}") for v in versions
        ]
        self.required_documents = list(required_documents)
        self.document_errors: list[str] = []
        for doc in self.required_documents:
            self.fields[f"doc_{doc.pk}"] = forms.ChoiceField(
                label=doc.name, choices=ProvidedAs.choices, initial=ProvidedAs.NONE,
                widget=forms.RadioSelect, required=False,
            )

    def fee_choice(self) -> dict:
        """The fee inputs for ``dossier_receive`` (fee_copies, fee_exemption)."""
        data = getattr(self, "cleaned_data", {})
        return {"fee_copies": data.get("fee_copies") or 1,
                "fee_exemption": data.get("fee_exemption") or ""}

    def fee_fields(self):
        return [self[name] for name in ("fee_copies", "fee_exemption") if name in self.fields]

    def document_rows(self):
        """(required document, bound field) pairs for the checklist template."""
        return [(doc, self[f"doc_{doc.pk}"]) for doc in self.required_documents]

    def documents(self) -> list[dict]:
        rows = []
        for doc in self.required_documents:
            provided = self.cleaned_data.get(f"doc_{doc.pk}") or ProvidedAs.NONE
            rows.append({"required": doc.pk, "provided_as": provided, "copies": doc.copies or 1})
        return rows

    def missing_mandatory(self) -> list[str]:
        return [
            doc.name for doc in self.required_documents
            if doc.mandatory and not doc.condition
            and (self.cleaned_data.get(f"doc_{doc.pk}") or ProvidedAs.NONE) == ProvidedAs.NONE
        ]

    def applicant(self) -> dict:
        d = self.cleaned_data
        result = {
            "kind": d.get("applicant_kind") or ApplicantKind.PERSON,
            "name": d.get("name", ""), "address": d.get("address", ""),
            "phone": d.get("phone", ""), "email": d.get("email", ""),
        }
        if result["kind"] == ApplicantKind.PERSON:
            result.update(id_number=d.get("id_number", ""), birth_date=d.get("birth_date"),
                          gender=d.get("gender", ""))
        else:
            result.update(tax_code=d.get("tax_code", ""),
                          representative_name=d.get("representative_name", ""))
        return result

    def delivery(self) -> dict:
        return {"method": self.cleaned_data.get("delivery_method") or DeliveryMethod.COUNTER,
                "address": self.cleaned_data.get("delivery_address", "")}

    def add_domain_error(self, error) -> None:
        """A service error on its field; every error of an ``InvalidInputs``."""
        for one in getattr(error, "errors", None) or [error]:
            self._add_one(one)

    def _add_one(self, error) -> None:
        name = self.FIELD_MAP.get(error.field or "", error.field or "")
        if name in self.fields and self.has_error(name):
            return  # the page's own parsing already said what is wrong with this field
        if error.field and error.field.startswith("documents"):
            self.document_errors.append(error.message)
            return
        attach_domain_error(self, error, self.FIELD_MAP)


# ----------------------------------------------------------------------------- actions


class ActionForm(forms.Form):
    """An action without parameters other than an optional note."""

    note = forms.CharField(label=_("Ghi chú"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    multipart = False

    def __init__(self, *args, dossier=None, **kwargs):
        self.dossier = dossier
        super().__init__(*args, **kwargs)

    def params(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class ReasonForm(ActionForm):
    note = None
    reason = forms.CharField(label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 2}))


class OptionalReasonForm(ActionForm):
    note = None
    reason = forms.CharField(label=_("Lý do"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class AssignForm(ActionForm):
    note = None
    assignee = forms.ChoiceField(label=_("Chuyên viên thụ lý"))

    def __init__(self, *args, dossier=None, **kwargs):
        super().__init__(*args, dossier=dossier, **kwargs)
        from motcua.workspace.selectors import person_name, specialists_of

        self.users = {str(u.pk): u for u in specialists_of(dossier.current_unit_id)}
        self.fields["assignee"].choices = [("", _("— Chọn chuyên viên —"))] + [
            (pk, person_name(u)) for pk, u in self.users.items()
        ]

    def params(self) -> dict:
        return {"assignee": self.users[self.cleaned_data["assignee"]]}


class SupplementForm(ActionForm):
    note = None
    items = forms.CharField(label=_("Giấy tờ, nội dung cần bổ sung"),
                            widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.CharField(label=_("Lý do"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class ReceptionSupplementForm(ReasonForm):
    """Online dossier not yet received: what to correct or add, all at once (NĐ 297/2025)."""

    reason = forms.CharField(label=_("Giấy tờ, nội dung cần bổ sung, chỉnh sửa (một lần, đầy đủ)"),
                             widget=forms.Textarea(attrs={"rows": 3}))
    ground = forms.CharField(label=_("Lý do (in trên Phiếu yêu cầu bổ sung, Mẫu 02)"),
                             required=False, max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class InteragencyForm(ActionForm):
    partner_unit = forms.ChoiceField(label=_("Cơ quan phối hợp"))
    hours = forms.DecimalField(label=_("Thời gian phối hợp (giờ làm việc)"), min_value=0.25,
                               max_digits=7, decimal_places=2)

    def __init__(self, *args, dossier=None, **kwargs):
        super().__init__(*args, dossier=dossier, **kwargs)
        from motcua.workspace.selectors import partner_units

        self.fields["partner_unit"].choices = [("", _("— Chọn cơ quan —"))] + [
            (str(u.pk), u.name) for u in partner_units(exclude_id=dossier.current_unit_id)
        ]

    def params(self) -> dict:
        p = super().params()
        p["partner_unit"] = int(p["partner_unit"])
        return p


class ApproveForm(ActionForm):
    note = None
    multipart = True
    result_file = forms.FileField(label=_("Văn bản kết quả (PDF)"))
    result_number = forms.CharField(label=_("Số, ký hiệu văn bản"), required=False,
                                    max_length=100)

    def clean_result_file(self):
        # The upload policy (type by content, size) says it here for the form; the approve
        # service checks again, with the antivirus scan, for every channel.
        f = self.cleaned_data["result_file"]
        try:
            uploads.check_upload(f, purpose="result", field="result_file", scan=False)
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from None
        f.seek(0)
        return f


class PaymentForm(ActionForm):
    note = None
    amount = forms.IntegerField(label=_("Số tiền (đồng)"), min_value=0, required=False)
    reason = forms.CharField(label=_("Nội dung nghĩa vụ tài chính"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class ConfirmPaymentForm(ActionForm):
    note = None
    paid_online = forms.BooleanField(label=_("Đã thanh toán trực tuyến"), required=False)

    def params(self) -> dict:
        return {"paid_online": bool(self.cleaned_data.get("paid_online"))}


class ReturnResultForm(ActionForm):
    note = None
    returned_to = forms.CharField(label=_("Người nhận kết quả"), max_length=255)
    how = forms.ChoiceField(label=_("Hình thức trả"), choices=DeliveryMethod.choices)

    def __init__(self, *args, dossier=None, **kwargs):
        super().__init__(*args, dossier=dossier, **kwargs)
        if dossier is not None:
            self.fields["returned_to"].initial = dossier.applicant_name
            self.fields["how"].initial = dossier.delivery_method


class NoticeForm(ActionForm):
    """Trao thông báo cho công dân: the refusal (or withdrawal, stop) notice reached the
    applicant at the counter, by post or electronically."""

    note = None
    how = forms.ChoiceField(label=_("Hình thức trao"), choices=DeliveryMethod.choices)
    handed_to = forms.CharField(label=_("Người nhận thông báo"), max_length=255)
    reference = forms.CharField(label=_("Số vận đơn (khi gửi bưu chính)"), max_length=255,
                                required=False)

    def __init__(self, *args, dossier=None, **kwargs):
        super().__init__(*args, dossier=dossier, **kwargs)
        if dossier is not None:
            self.fields["handed_to"].initial = dossier.applicant_name
            self.fields["how"].initial = dossier.delivery_method


class ApologiseForm(ActionForm):
    """Xin lỗi và hẹn lại (Mẫu 04): reason and the new appointment."""

    note = None
    reason = forms.CharField(label=_("Lý do chậm trả kết quả"),
                             widget=forms.Textarea(attrs={"rows": 2}))
    new_date = _date_field(_("Ngày hẹn trả mới"), required=True)
    new_time = forms.TimeField(label=_("Giờ hẹn trả mới"), input_formats=["%H:%M"],
                               widget=forms.TimeInput(format="%H:%M",
                                                      attrs={"placeholder": "HH:MM"}))

    def __init__(self, *args, dossier=None, **kwargs):
        super().__init__(*args, dossier=dossier, **kwargs)
        if dossier is not None and dossier.due_at is not None:
            self.fields["new_time"].initial = timezone.localtime(dossier.due_at).time()

    def params(self) -> dict:
        moment = dt.datetime.combine(self.cleaned_data["new_date"], self.cleaned_data["new_time"])
        return {"reason": self.cleaned_data["reason"],
                "new_due_at": timezone.make_aware(moment)}


class ExplanationForm(ActionForm):
    note = None
    explanation = forms.CharField(label=_("Nội dung giải trình"),
                                  widget=forms.Textarea(attrs={"rows": 3}))


class EscalateForm(ActionForm):
    note = None


ACTION_FORMS: dict[str, type[ActionForm]] = {
    "assign": AssignForm,
    "request_supplement": SupplementForm,
    "send_interagency": InteragencyForm,
    "return_for_rework": ReasonForm,
    "approve": ApproveForm,
    "refuse": ReasonForm,
    "refuse_reception": ReasonForm,
    "request_supplement_at_reception": ReceptionSupplementForm,
    "stop": ReasonForm,
    "withdraw": OptionalReasonForm,
    "request_payment": PaymentForm,
    "confirm_payment": ConfirmPaymentForm,
    "return_result": ReturnResultForm,
    "apologise": ApologiseForm,
    "record_explanation": ExplanationForm,
    "escalate": EscalateForm,
    "hand_over_notice": NoticeForm,
}


def action_form_class(action: str) -> type[ActionForm]:
    return ACTION_FORMS.get(action, ActionForm)
