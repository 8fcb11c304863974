"""Applicant identity checks (số định danh cá nhân, CMND, số điện thoại), domain §7.1–7.2.

Rules chosen where the domain leaves a choice:

* The 3-digit prefix must be one of the 63 province codes of §7.1. Country codes (births
  registered abroad) are NOT accepted at the counter: no authoritative list was found, so such a
  number is refused with ``id_unknown_province`` and the officer records it in the notes; the
  rule is strict rather than silently wrong.
* The century/sex digit (digit 4) and the birth-year digits (5–6) are checked against the date of
  birth and the sex when those are given; nothing is ever "corrected".
* A 9-digit CMND is accepted as identity only up to ``settings.MOTCUA_CMND_VALID_UNTIL``
  (Luật Căn cước 2023 Art. 46); later it is refused. A 12-digit CMND is the same number as the
  personal ID and is treated as one.
* Phones: mobile ``0[35789]xxxxxxxx`` (10 digits) or ``+84``/``84`` followed by the 9 digits;
  landline ``02xxxxxxxxx`` (11 digits). Spaces, dots and dashes are ignored.
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import ErrorList, InvalidInput

PROVINCE_CODES: dict[str, str] = {
    "001": "Hà Nội", "002": "Hà Giang", "004": "Cao Bằng", "006": "Bắc Kạn",
    "008": "Tuyên Quang", "010": "Lào Cai", "011": "Điện Biên", "012": "Lai Châu",
    "014": "Sơn La", "015": "Yên Bái", "017": "Hòa Bình", "019": "Thái Nguyên",
    "020": "Lạng Sơn", "022": "Quảng Ninh", "024": "Bắc Giang", "025": "Phú Thọ",
    "026": "Vĩnh Phúc", "027": "Bắc Ninh", "030": "Hải Dương", "031": "Hải Phòng",
    "033": "Hưng Yên", "034": "Thái Bình", "035": "Hà Nam", "036": "Nam Định",
    "037": "Ninh Bình", "038": "Thanh Hóa", "040": "Nghệ An", "042": "Hà Tĩnh",
    "044": "Quảng Bình", "045": "Quảng Trị", "046": "Thừa Thiên Huế", "048": "Đà Nẵng",
    "049": "Quảng Nam", "051": "Quảng Ngãi", "052": "Bình Định", "054": "Phú Yên",
    "056": "Khánh Hòa", "058": "Ninh Thuận", "060": "Bình Thuận", "062": "Kon Tum",
    "064": "Gia Lai", "066": "Đắk Lắk", "067": "Đắk Nông", "068": "Lâm Đồng",
    "070": "Bình Phước", "072": "Tây Ninh", "074": "Bình Dương", "075": "Đồng Nai",
    "077": "Bà Rịa–Vũng Tàu", "079": "TP. Hồ Chí Minh", "080": "Long An", "082": "Tiền Giang",
    "083": "Bến Tre", "084": "Trà Vinh", "086": "Vĩnh Long", "087": "Đồng Tháp",
    "089": "An Giang", "091": "Kiên Giang", "092": "Cần Thơ", "093": "Hậu Giang",
    "094": "Sóc Trăng", "095": "Bạc Liêu", "096": "Cà Mau",
}

_DIGITS = re.compile(r"^[0-9]+$")
_MOBILE = re.compile(r"^0[35789][0-9]{8}$")
_LANDLINE = re.compile(r"^02[0-9]{9}$")


def _cmnd_valid_until() -> dt.date:
    value = settings.MOTCUA_CMND_VALID_UNTIL
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def validate_personal_id(
    number: str,
    *,
    birth_date: dt.date | None = None,
    gender: str = "",
    field: str = "id_number",
) -> str:
    """Check a 12-digit personal identification number (số định danh cá nhân)."""
    number = (number or "").strip()
    if len(number) != 12 or not _DIGITS.match(number) or not number.isascii():
        raise InvalidInput(
            "id_not_12_digits", _('Số định danh cá nhân phải gồm đúng 12 chữ số.'), field=field
        )
    if number[:3] not in PROVINCE_CODES:
        raise InvalidInput(
            "id_unknown_province",
            _("Mã tỉnh %(code)s trong số định danh cá nhân không hợp lệ.") % {"code": number[:3]},
            field=field,
        )
    code = int(number[3])
    born_male = code % 2 == 0
    century = 1900 + (code // 2) * 100
    # Both mismatches are reported together: fixing the year must not reveal a second error.
    errors = ErrorList()
    if birth_date is not None:
        year = century + int(number[4:6])
        if year != birth_date.year:
            errors.add(InvalidInput(
                "id_birth_year_mismatch",
                _("Số định danh cá nhân không khớp với năm sinh (mã thế kỷ và năm sinh cho năm %(year)s, ngày sinh ghi năm %(birth_year)s).") % {"year": year, "birth_year": birth_date.year},
                field=field,
            ))
    if gender in ("male", "female") and (gender == "male") != born_male:
        errors.add(InvalidInput(
            "id_gender_mismatch",
            _('Chữ số thứ 4 của số định danh cá nhân không khớp với giới tính đã khai.'),
            field=field,
        ))
    errors.raise_if_any()
    return number


def validate_identity(
    number: str,
    *,
    birth_date: dt.date | None = None,
    gender: str = "",
    on: dt.date | None = None,
    field: str = "id_number",
) -> tuple[str, str]:
    """Validate the identity offered at intake; returns (personal_id, legacy_cmnd)."""
    number = (number or "").strip()
    if len(number) == 9 and _DIGITS.match(number):
        on = on or timezone.localdate()
        if on > _cmnd_valid_until():
            raise InvalidInput(
                "cmnd_expired",
                _("Chứng minh nhân dân 9 số chỉ có giá trị đến ngày %(date)s; đề nghị xuất trình thẻ căn cước.") % {"date": format(_cmnd_valid_until(), '%d/%m/%Y')},
                field=field,
            )
        return "", number
    return validate_personal_id(number, birth_date=birth_date, gender=gender, field=field), ""


def normalise_phone(phone: str, *, field: str = "phone") -> str:
    """A Vietnamese phone number in national form (0xxxxxxxxx), or InvalidInput."""
    raw = re.sub(r"[\s.\-()]", "", phone or "")
    if raw.startswith("+84"):
        raw = "0" + raw[3:]
    elif raw.startswith("84") and len(raw) == 11:
        raw = "0" + raw[2:]
    if _MOBILE.match(raw) or _LANDLINE.match(raw):
        return raw
    raise InvalidInput(
        "phone_invalid",
        _('Số điện thoại không phải số Việt Nam hợp lệ (di động 10 số bắt đầu bằng 03, 05, 07, 08, 09 hoặc +84; cố định bắt đầu bằng 02).'),
        field=field,
    )


def validate_tax_code(code: str, *, field: str = "tax_code") -> str:
    """Enterprise tax code (mã số thuế): 10 digits, or 10 + '-' + 3 for a branch."""
    code = (code or "").strip()
    if re.match(r"^[0-9]{10}(-[0-9]{3})?$", code):
        return code
    raise InvalidInput(
        "tax_code_invalid", _('Mã số thuế phải gồm 10 chữ số (hoặc 10 số, gạch ngang, 3 số).'),
        field=field,
    )
