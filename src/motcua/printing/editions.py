"""Which edition of the official forms a dossier uses (phiên bản biểu mẫu).

TT 03/2025/TT-VPCP (guiding NĐ 118/2025, in force from 01/7/2025) has forms 01–07; the older
TT 01/2018/TT-VPCP had 01–06, with no stop notice, so the control slip and the register were
numbered one lower and form 04 had another title. A dossier keeps the edition of the day it was
received: forms are evidence of what was issued, and reprinting an old receipt with the new
numbering would misstate it.

The forms are named by their 2025 key everywhere in the code and in the URLs (``mau-05`` is the
stop notice, ``mau-06`` the control slip); only the printed number and title follow the edition.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings

from motcua.printing.formatting import vietnam_time

# When NĐ 118/2025 and its forms took over; a setting so a province can move it.
DEFAULT_TT03_FROM = dt.date(2025, 7, 1)


class FormKey(StrEnum):
    """The forms, keyed by their TT 03/2025 number."""

    RECEIPT = "mau-01"
    SUPPLEMENT = "mau-02"
    REFUSAL = "mau-03"
    APOLOGY = "mau-04"
    STOP = "mau-05"
    CONTROL = "mau-06"
    REGISTER = "mau-07"
    # Not an annex form: the agency's written refusal with reasons (văn bản từ chối giải
    # quyết), laid out as the decree's forms are, sent back through the one-stop desk.
    REFUSAL_NOTICE = "tb-tu-choi"
    # Mẫu 02 for an online dossier sent back before receipt (request_supplement_at_reception):
    # the same form and number series as ``SUPPLEMENT``, its own wording (no receipt, no clock).
    RECEPTION_SUPPLEMENT = "mau-02-truoc-tiep-nhan"


class Edition(StrEnum):
    TT03_2025 = "tt03-2025"
    TT01_2018 = "tt01-2018"


@dataclass(frozen=True)
class FormSpec:
    """How one form is printed in one edition."""

    number: str  # printed "Mẫu số 01"
    title: str  # the heading, as in the circular (printed in capitals)
    paper: str  # CSS @page size
    symbol: str  # the document symbol in "Số: …/<symbol>-TTPVHCC"
    basis: str  # legal basis line in the corner


_TT03 = "Thông tư số 03/2025/TT-VPCP"
_TT01 = "Thông tư số 01/2018/TT-VPCP"

SPECS: dict[Edition, dict[FormKey, FormSpec]] = {
    Edition.TT03_2025: {
        FormKey.RECEIPT: FormSpec("01", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", "A5", "", _TT03),
        FormKey.SUPPLEMENT: FormSpec("02", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", "A5", "PBS", _TT03),
        # Listed under this title; printed with the Mẫu 02 heading (forms.reception_supplement_context).
        FormKey.RECEPTION_SUPPLEMENT: FormSpec(
            "02", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (trước khi tiếp nhận)", "A5", "PBS", _TT03
        ),
        FormKey.REFUSAL: FormSpec("03", "Phiếu từ chối tiếp nhận giải quyết hồ sơ", "A5", "PTC", _TT03),
        FormKey.APOLOGY: FormSpec(
            "04", "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết", "A5", "PXL", _TT03
        ),
        # The annex wording of Mẫu 05 was not read (domain §2.6 [U]); the symbol is ours.
        FormKey.STOP: FormSpec("05", "Thông báo dừng giải quyết hồ sơ", "A5", "TBD", _TT03),
        FormKey.CONTROL: FormSpec(
            "06", "Phiếu kiểm soát quá trình giải quyết hồ sơ", "A4", "PKS", _TT03
        ),
        FormKey.REGISTER: FormSpec("07", "Sổ theo dõi hồ sơ", "A4 landscape", "STD", _TT03),
        FormKey.REFUSAL_NOTICE: FormSpec(
            "", "Thông báo từ chối giải quyết hồ sơ", "A5", "TB", "Nghị định số 118/2025/NĐ-CP"
        ),
    },
    Edition.TT01_2018: {
        FormKey.RECEIPT: FormSpec("01", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", "A5", "", _TT01),
        FormKey.SUPPLEMENT: FormSpec("02", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", "A5", "PBS", _TT01),
        FormKey.REFUSAL: FormSpec("03", "Phiếu từ chối tiếp nhận giải quyết hồ sơ", "A5", "PTC", _TT01),
        FormKey.APOLOGY: FormSpec(
            "04", "Phiếu xin lỗi và hẹn lại ngày trả kết quả", "A5", "PXL", _TT01
        ),
        # TT 01/2018 Art. 9: forms 01–05 on A5 (the control slip was 05), the register on A4.
        FormKey.CONTROL: FormSpec(
            "05", "Phiếu kiểm soát quá trình giải quyết hồ sơ", "A5", "PKS", _TT01
        ),
        FormKey.REGISTER: FormSpec("06", "Sổ theo dõi hồ sơ", "A4 landscape", "STD", _TT01),
    },
}


def tt03_from() -> dt.date:
    value = getattr(settings, "MOTCUA_FORMS_TT03_FROM", DEFAULT_TT03_FROM)
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def edition_on(day: dt.date | dt.datetime | None) -> Edition:
    """The edition in force on ``day`` (today's edition when unknown)."""
    if day is None:
        return Edition.TT03_2025
    if isinstance(day, dt.datetime):
        day = vietnam_time(day).date()
    return Edition.TT03_2025 if day >= tt03_from() else Edition.TT01_2018


def form_edition(dossier) -> Edition:
    """The edition of the forms for ``dossier``: the one in force when it was received.

    A dossier refused at the counter has no receipt time; its submission (or creation) time
    stands in.
    """
    when = dossier.received_at or dossier.submitted_at or dossier.created_at
    return edition_on(when)


def form_spec(edition: Edition, key: FormKey) -> FormSpec:
    """The spec of ``key`` in ``edition``; forms the old edition lacks use the 2025 one.

    TT 01/2018 had no stop notice: a stop of an old dossier is notified under NĐ 118, with
    the 2025 form, since the stop itself happens under the new rules.
    """
    return SPECS[edition].get(key) or SPECS[Edition.TT03_2025][key]
