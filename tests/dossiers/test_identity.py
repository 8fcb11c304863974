import datetime as dt

import pytest

from motcua.core.errors import InvalidInput
from motcua.dossiers.identity import (
    PROVINCE_CODES,
    normalise_phone,
    validate_identity,
    validate_personal_id,
)


def test_63_province_codes():
    assert len(PROVINCE_CODES) == 63
    assert PROVINCE_CODES["066"] == "Đắk Lắk"


@pytest.mark.parametrize(
    ("number", "birth", "gender", "code"),
    [
        ("06609000123", None, "", "id_not_12_digits"),
        ("0660900012345", None, "", "id_not_12_digits"),
        ("06609000123a", None, "", "id_not_12_digits"),
        ("٠٦٦٠٩٠٠٠١٢٣٤", None, "", "id_not_12_digits"),  # Arabic-Indic digits
        ("003090001234", None, "", "id_unknown_province"),
        ("066090001234", dt.date(1991, 1, 1), "", "id_birth_year_mismatch"),
        ("066290001234", dt.date(1990, 1, 1), "", "id_birth_year_mismatch"),
        ("066190001234", None, "male", "id_gender_mismatch"),
        ("066090001234", None, "female", "id_gender_mismatch"),
    ],
)
def test_bad_personal_ids(number, birth, gender, code):
    with pytest.raises(InvalidInput) as err:
        validate_personal_id(number, birth_date=birth, gender=gender, field="applicant.id_number")
    assert err.value.code == code
    assert err.value.field == "applicant.id_number"


def test_good_personal_ids():
    assert validate_personal_id("066090001234", birth_date=dt.date(1990, 5, 4), gender="male")
    assert validate_personal_id("054305001234", birth_date=dt.date(2005, 1, 1), gender="female")


@pytest.mark.django_db
def test_cmnd_only_until_the_configured_date(settings):
    settings.MOTCUA_CMND_VALID_UNTIL = "2024-12-31"
    assert validate_identity("123456789", on=dt.date(2024, 12, 31)) == ("", "123456789")
    with pytest.raises(InvalidInput) as err:
        validate_identity("123456789", on=dt.date(2025, 1, 1))
    assert err.value.code == "cmnd_expired" and "31/12/2024" in err.value.message


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("0912345678", "0912345678"), ("+84 912 345 678", "0912345678"),
     ("84912345678", "0912345678"), ("0362.123.456", "0362123456"),
     ("02623812345", "02623812345")],
)
def test_good_phones(raw, expected):
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize("raw", ["0123456789", "091234567", "+1 202 555 0100", "0412345678",
                                 "abc", "0262381234"])
def test_bad_phones(raw):
    with pytest.raises(InvalidInput) as err:
        normalise_phone(raw, field="applicant.phone")
    assert err.value.code == "phone_invalid" and err.value.field == "applicant.phone"
