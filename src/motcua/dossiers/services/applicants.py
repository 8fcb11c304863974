"""Người nộp hồ sơ and the delivery choice: validation of what the applicant hands in."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from motcua.core.dates import DateFormatError, DateValueError, parse_date
from motcua.core.errors import ErrorList, InvalidInput
from motcua.dossiers.identity import normalise_phone, validate_identity, validate_tax_code
from motcua.dossiers.models import ApplicantKind, Dossier
from motcua.dossiers.services.common import local_date
from motcua.dossiers.states import DeliveryMethod


def _parse_date(value, field_name: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return parse_date(str(value))
    except DateValueError:
        raise InvalidInput(
            "date_not_real", _("Ngày “%(value)s” không có thật (kiểm tra ngày và tháng).") % {"value": value},
            field=field_name,
        ) from None
    except DateFormatError:
        raise InvalidInput(
            "date_invalid", _('Ngày không hợp lệ (dùng dạng YYYY-MM-DD hoặc dd/mm/yyyy).'),
            field=field_name,
        ) from None


# Applicant fields: the model column each value is stored in, so the longest accepted value is
# the column's own max_length (one owner: the model), checked before any write.
_COLUMNS = {
    "applicant.name": "applicant_name",
    "applicant.address": "applicant_address",
    "applicant.representative_name": "representative_name",
    "applicant.authorised_by": "authorised_by",
    "applicant.phone": "applicant_phone",
    "applicant.email": "applicant_email",
    "applicant.id_number": "applicant_id_number",
    "applicant.tax_code": "organisation_tax_code",
    "delivery.address": "delivery_address",
    "request_summary": "request_summary",
    "notes": "notes",
}
_LABELS = {
    "applicant.name": _("Họ và tên (tên tổ chức)"),
    "applicant.address": _("Địa chỉ"),
    "applicant.representative_name": _("Người đại diện"),
    "applicant.authorised_by": _("Người ủy quyền"),
    "applicant.phone": _("Số điện thoại"),
    "applicant.email": _("Thư điện tử"),
    "applicant.id_number": _("Số định danh"),
    "applicant.tax_code": _("Mã số thuế"),
    "delivery.address": _("Địa chỉ nhận kết quả"),
    "request_summary": _("Nội dung yêu cầu"),
    "notes": _("Ghi chú"),
}


def max_length(field: str) -> int | None:
    """The longest value the dossier column behind input ``field`` holds (None: unlimited)."""
    column = _COLUMNS.get(field)
    return Dossier._meta.get_field(column).max_length if column else None


def check_length(value: str, field: str) -> str:
    """``value``, or InvalidInput when it is longer than its column: never cut silently, and
    never a database error on PostgreSQL."""
    limit = max_length(field)
    if limit is not None and len(value) > limit:
        raise InvalidInput(
            "too_long",
            _("%(label)s dài %(count)s ký tự, tối đa %(limit)s ký tự.") % {"label": _LABELS.get(field, field), "count": len(value), "limit": limit},
            field=field,
        )
    return value


def applicant_fields(applicant: dict, *, at: dt.datetime) -> dict:
    """Validated model fields of the applicant (người nộp hồ sơ); InvalidInput naming the field,
    or InvalidInputs with every error found (all shown at once)."""
    applicant = dict(applicant or {})
    errors = ErrorList()
    kind = applicant.get("kind") or ApplicantKind.PERSON
    if kind not in ApplicantKind.values:
        raise InvalidInput(
            "applicant_kind_invalid", _('Loại người nộp không hợp lệ.'), field="applicant.kind"
        )
    name = (applicant.get("name") or applicant.get("full_name") or "").strip()
    if not name:
        errors.add(InvalidInput(
            "applicant_name_required", _('Cần ghi họ và tên (hoặc tên tổ chức) người nộp.'),
            field="applicant.name",
        ))
    result = {
        "applicant_kind": kind,
        "applicant_name": name,
        "applicant_address": (applicant.get("address") or "").strip(),
        "representative_name": (applicant.get("representative_name") or "").strip(),
        "authorised_by": (applicant.get("authorised_by") or "").strip(),
    }
    for field, key in (("applicant.name", "applicant_name"),
                       ("applicant.address", "applicant_address"),
                       ("applicant.representative_name", "representative_name"),
                       ("applicant.authorised_by", "authorised_by")):
        errors.check(check_length, result[key], field)
    phone = (applicant.get("phone") or "").strip()
    if phone:
        normalised = errors.check(normalise_phone, phone, field="applicant.phone")
        if normalised is not None:
            result["applicant_phone"] = normalised
    email = (applicant.get("email") or "").strip()
    if email:
        try:
            validate_email(email)
            check_length(email, "applicant.email")
        except ValidationError:
            errors.add(InvalidInput(
                "email_invalid", _('Địa chỉ thư điện tử không hợp lệ.'), field="applicant.email"
            ))
        except InvalidInput as error:
            errors.add(error)
        else:
            result["applicant_email"] = email
    if kind == ApplicantKind.PERSON:
        birth = errors.check(_parse_date, applicant.get("birth_date"), "applicant.birth_date")
        if birth is not None and birth > local_date(at):
            errors.add(InvalidInput(
                "birth_date_in_future",
                _("Ngày sinh %(birth)s ở sau ngày hôm nay; kiểm tra lại ngày sinh.") % {"birth": format(birth, '%d/%m/%Y')},
                field="applicant.birth_date",
            ))
            birth = None
        gender = applicant.get("gender") or ""
        if gender and gender not in ("male", "female"):
            errors.add(InvalidInput(
                "gender_invalid", _('Giới tính không hợp lệ.'), field="applicant.gender"
            ))
            gender = ""
        number = (applicant.get("id_number") or "").strip()
        if not number:
            errors.add(InvalidInput(
                "id_number_required", _('Cần ghi số định danh cá nhân của người nộp.'),
                field="applicant.id_number",
            ))
        else:
            identity = errors.check(
                validate_identity, number, birth_date=birth, gender=gender, on=local_date(at),
                field="applicant.id_number",
            )
            if identity is not None:
                personal, legacy = identity
                result.update(applicant_id_number=personal, applicant_legacy_id=legacy)
        result.update(applicant_birth_date=birth, applicant_gender=gender)
    else:
        tax_code = errors.check(
            validate_tax_code, applicant.get("tax_code") or "", field="applicant.tax_code"
        )
        if tax_code is not None:
            result["organisation_tax_code"] = tax_code
        if not result["representative_name"]:
            errors.add(InvalidInput(
                "representative_required", _('Cần ghi người đại diện của tổ chức.'),
                field="applicant.representative_name",
            ))
    errors.raise_if_any()
    return result


def delivery_fields(delivery: dict | None) -> dict:
    delivery = dict(delivery or {})
    method = delivery.get("method") or DeliveryMethod.COUNTER
    if method not in DeliveryMethod.values:
        raise InvalidInput(
            "delivery_invalid", _('Hình thức nhận kết quả không hợp lệ.'), field="delivery.method"
        )
    address = check_length((delivery.get("address") or "").strip(), "delivery.address")
    if method == DeliveryMethod.POST and not address:
        raise InvalidInput(
            "delivery_address_required", _('Nhận qua bưu chính cần địa chỉ nhận kết quả.'),
            field="delivery.address",
        )
    return {"delivery_method": method, "delivery_address": address}

