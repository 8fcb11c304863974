"""Người nộp hồ sơ and the delivery choice: validation of what the applicant hands in."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from motcua.core.errors import InvalidInput
from motcua.dossiers.identity import normalise_phone, validate_identity, validate_tax_code
from motcua.dossiers.models import ApplicantKind
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
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(
            "date_invalid", "Ngày không hợp lệ (dùng dạng YYYY-MM-DD).", field=field_name
        ) from None


def applicant_fields(applicant: dict, *, at: dt.datetime) -> dict:
    """Validated model fields of the applicant (người nộp hồ sơ); InvalidInput names the field."""
    applicant = dict(applicant or {})
    kind = applicant.get("kind") or ApplicantKind.PERSON
    if kind not in ApplicantKind.values:
        raise InvalidInput(
            "applicant_kind_invalid", "Loại người nộp không hợp lệ.", field="applicant.kind"
        )
    name = (applicant.get("name") or applicant.get("full_name") or "").strip()
    if not name:
        raise InvalidInput(
            "applicant_name_required", "Cần ghi họ và tên (hoặc tên tổ chức) người nộp.",
            field="applicant.name",
        )
    result = {
        "applicant_kind": kind,
        "applicant_name": name,
        "applicant_address": (applicant.get("address") or "").strip(),
        "representative_name": (applicant.get("representative_name") or "").strip(),
        "authorised_by": (applicant.get("authorised_by") or "").strip(),
    }
    phone = (applicant.get("phone") or "").strip()
    if phone:
        result["applicant_phone"] = normalise_phone(phone, field="applicant.phone")
    email = (applicant.get("email") or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise InvalidInput(
                "email_invalid", "Địa chỉ thư điện tử không hợp lệ.", field="applicant.email"
            ) from None
        result["applicant_email"] = email
    if kind == ApplicantKind.PERSON:
        birth = _parse_date(applicant.get("birth_date"), "applicant.birth_date")
        gender = applicant.get("gender") or ""
        if gender and gender not in ("male", "female"):
            raise InvalidInput(
                "gender_invalid", "Giới tính không hợp lệ.", field="applicant.gender"
            )
        number = (applicant.get("id_number") or "").strip()
        if not number:
            raise InvalidInput(
                "id_number_required", "Cần ghi số định danh cá nhân của người nộp.",
                field="applicant.id_number",
            )
        personal, legacy = validate_identity(
            number, birth_date=birth, gender=gender, on=local_date(at),
            field="applicant.id_number",
        )
        result.update(
            applicant_id_number=personal, applicant_legacy_id=legacy,
            applicant_birth_date=birth, applicant_gender=gender,
        )
    else:
        result["organisation_tax_code"] = validate_tax_code(
            applicant.get("tax_code") or "", field="applicant.tax_code"
        )
        if not result["representative_name"]:
            raise InvalidInput(
                "representative_required", "Cần ghi người đại diện của tổ chức.",
                field="applicant.representative_name",
            )
    return result


def delivery_fields(delivery: dict | None) -> dict:
    delivery = dict(delivery or {})
    method = delivery.get("method") or DeliveryMethod.COUNTER
    if method not in DeliveryMethod.values:
        raise InvalidInput(
            "delivery_invalid", "Hình thức nhận kết quả không hợp lệ.", field="delivery.method"
        )
    address = (delivery.get("address") or "").strip()
    if method == DeliveryMethod.POST and not address:
        raise InvalidInput(
            "delivery_address_required", "Nhận qua bưu chính cần địa chỉ nhận kết quả.",
            field="delivery.address",
        )
    return {"delivery_method": method, "delivery_address": address}

