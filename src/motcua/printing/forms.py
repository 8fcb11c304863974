"""The data printed on each official form (biểu mẫu TT 03/2025/TT-VPCP, Phụ lục I).

One plain function per form builds a dict of everything the form shows, already formatted the
way the form writes it; the templates only lay it out. The workspace embeds these dicts, and
tests read the fields without parsing HTML.

A form that does not apply to the dossier (a refusal slip for a received dossier, an apology
letter with no apology) raises ``FormNotApplicable`` with a Vietnamese explanation.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import lru_cache

from django.conf import settings
from django.utils import timezone

from motcua.core.language import in_vietnamese
from motcua.dossiers.models import (
    Apology,
    ApplicantKind,
    CounterGuidance,
    Dossier,
    DossierPause,
    PauseKind,
    ProvidedAs,
    StatusChange,
)
from motcua.dossiers.states import DeliveryMethod, Status
from motcua.org.models import Level, Unit, UnitKind
from motcua.printing import selectors
from motcua.printing.editions import (
    Edition,
    FormKey,
    edition_on,
    form_edition,
    form_spec,
)
from motcua.printing.formatting import (
    BLANK,
    date_words,
    duration_text,
    moment_words,
    place_date,
    short_date,
    short_moment,
    vietnam_time,
)
from motcua.printing.models import REGISTER_SERIES, IssuedNumber
from motcua.printing.qr import dossier_qr
from motcua.worktime import Timeliness, WorkCalendar, classify


class FormNotApplicable(Exception):
    """The form cannot be printed for this dossier in its current state."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


_STOP_STATES = frozenset({Status.WITHDRAWN, Status.STOPPED})
_NOT_RECEIVED = frozenset({Status.SUBMITTED, Status.SUPPLEMENT_REQUESTED_AT_RECEPTION,
                           Status.REFUSED_AT_RECEPTION})
_COMMUNE_PREFIX = re.compile(r"^(xã|phường|thị trấn|đặc khu)\s+", re.IGNORECASE)
_ITEM_PREFIX = re.compile(r"^\s*(?:[-–•*+]|\(?\d+[.)])\s*")


@lru_cache(maxsize=1)
def _calendar() -> WorkCalendar:
    return WorkCalendar.vietnam()


# --- shared pieces ---------------------------------------------------------------------------


def person_name(user) -> str:
    """Vietnamese order: family name first ("Nguyễn Văn A")."""
    if user is None:
        return ""
    name = f"{user.last_name} {user.first_name}".strip()
    return name or user.get_username()


# "Ủy ban nhân dân", "Uỷ ban nhân dân" (old tone placement) or "UBND" at the start of a name.
_PEOPLES_COMMITTEE = re.compile(r"^\s*(?:[uủ][yỷ]\s+ban\s+nhân\s+dân|ubnd)\s+", re.IGNORECASE)


def _peoples_committee(name: str) -> str:
    """The People's Committee (Ủy ban nhân dân) of a province or commune named ``name``.

    Unit names are stored either as the territory ("Tỉnh Đắk Lắk") or as the body itself
    ("Ủy ban nhân dân tỉnh Đắk Lắk", as the demo and most catalogues do); both give the body
    once, never "Ủy ban nhân dân Ủy ban nhân dân …".
    """
    territory = _PEOPLES_COMMITTEE.sub("", unicodedata.normalize("NFC", name)).strip()
    return f"Ủy ban nhân dân {territory}"


def _parent_line(unit: Unit) -> str:
    """The governing body line (cơ quan, tổ chức chủ quản), printed above the issuing unit as
    the decree's forms lay out the heading (NĐ 30/2020/NĐ-CP, Phụ lục I)."""
    parent = unit.parent
    if parent is not None:
        if parent.kind in (UnitKind.PROVINCE, UnitKind.COMMUNE):
            return _peoples_committee(parent.name).upper()
        return parent.name.upper()
    if unit.level == Level.PROVINCE:
        return _peoples_committee(f"tỉnh {settings.MOTCUA_PROVINCE_NAME}").upper()
    return ""


def _place(unit: Unit) -> str:
    """The place in "<place>, ngày … tháng … năm …": the commune, or else the province."""
    node: Unit | None = unit
    while node is not None:
        if node.kind == UnitKind.COMMUNE:
            return _COMMUNE_PREFIX.sub("", node.name)
        node = node.parent
    return settings.MOTCUA_PROVINCE_NAME


def _unit_suffix(unit: Unit) -> str:
    if unit.kind in (UnitKind.PROVINCIAL_CENTER, UnitKind.COMMUNE_CENTER):
        return "TTPVHCC"
    if unit.kind == UnitKind.RECEIVING_POINT:
        return "BPTNTKQ"
    return unit.short_name


def _number(symbol: str, unit: Unit, number: int | None = None) -> str:
    """'Số: 12/PBS-TTPVHCC' once the form is issued (numbered); 'Số: ……/PBS-TTPVHCC' on a
    preview before that."""
    tail = "-".join(part for part in (symbol, _unit_suffix(unit)) if part)
    shown = f"{number:02d}" if number is not None else BLANK
    return f"Số: {shown}/{tail}" if tail else f"Số: {shown}"


def numbering(subject: str, series: str, unit: Unit, at) -> dict:
    """What to number when a form is issued (printing.services.numbers_issue)."""
    return {"subject": subject, "series": series, "unit_id": unit.pk, "at": at}


def _issued(subject: str, series: str) -> IssuedNumber | None:
    return IssuedNumber.objects.filter(subject=subject, series=series).first()


def register_book(year: int) -> str:
    """'01/2026': one tracking register book (quyển) per unit and year."""
    return f"01/{year}"


def header(unit: Unit, edition: Edition, key: FormKey, issued_at, subject: str = "") -> dict:
    """Heading common to every form: parent body, unit, number, place and date, title.

    ``subject`` names the issued document ("dossier:12", "pause:3"): its number, once issued,
    is printed, and the form lists it under "numbering" so that printing issues it.
    """
    spec = form_spec(edition, key)
    issued = _issued(subject, key.value) if subject else None
    return {
        "edition": edition.value,
        "form_key": key.value,
        "form_number": f"Mẫu số {spec.number}" if spec.number else "",
        "basis": spec.basis,
        "title": spec.title,
        "paper": spec.paper,
        "parent": _parent_line(unit),
        "unit": unit.name.upper(),
        "unit_name": unit.name,
        # A register is numbered by book (quyển), not by document.
        "number": (
            f"Quyển số: {register_book(vietnam_time(issued_at).year)}"
            if key == FormKey.REGISTER
            else _number(spec.symbol, unit, issued.number if issued else None)
        ),
        "place_date": place_date(_place(unit), issued_at),
        "issued_at": issued_at,
        "numbering": [numbering(subject, key.value, unit, issued_at)] if subject else [],
        "issued": issued is not None,
    }


def _applicant(*, kind, name, id_number, tax_code="", address, phone, email, **extra) -> dict:
    organisation = kind == ApplicantKind.ORGANISATION
    return {
        "is_organisation": organisation,
        "label": "Tổ chức" if organisation else "Ông/Bà",
        "name": name,
        "id_label": "Số định danh tổ chức (mã số thuế)" if organisation else "Số định danh cá nhân",
        "id_number": (tax_code or id_number) if organisation else id_number,
        "address": address,
        "phone": phone,
        "email": email,
        **extra,
    }


def dossier_applicant(dossier: Dossier) -> dict:
    return _applicant(
        kind=dossier.applicant_kind,
        name=dossier.applicant_name,
        id_number=dossier.applicant_id_number,
        tax_code=dossier.organisation_tax_code,
        address=dossier.applicant_address,
        phone=dossier.applicant_phone,
        email=dossier.applicant_email,
        representative=dossier.representative_name,
        authorised_by=dossier.authorised_by,
    )


def _procedure(version) -> dict:
    return {"name": version.name, "code": version.procedure.code}


def _lines(text: str) -> list[str]:
    """A free-text list ("1. …\\n2. …") as items, renumbered by the template."""
    items = [_ITEM_PREFIX.sub("", line).strip() for line in (text or "").splitlines()]
    return [item for item in items if item]


def _dossier_base(
    dossier: Dossier, key: FormKey, issued_at, unit: Unit | None = None, *, base_url=None,
    subject: str = "",
) -> dict:
    edition = form_edition(dossier)
    version = dossier.procedure_version
    subject = subject or f"dossier:{dossier.pk}"
    return {
        "header": header(unit or dossier.receiving_unit, edition, key, issued_at, subject),
        "code": dossier.code,
        # ``base_url``: the public base URL for the QR and lookup link (core.public_url).
        "qr": dossier_qr(dossier.code, base_url),
        "applicant": dossier_applicant(dossier),
        "procedure": _procedure(version),
        "request": dossier.request_summary or version.name,
        "receiving_unit": dossier.receiving_unit.name,
        "competent_unit": dossier.competent_unit.name,
    }


def _last_change(dossier: Dossier, states) -> StatusChange | None:
    return (
        StatusChange.objects.filter(dossier=dossier, to_status__in=list(states))
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )


def _load(dossier: Dossier) -> Dossier:
    """The dossier with everything the headers read, in one query."""
    return Dossier.objects.select_related(
        "procedure_version__procedure",
        "receiving_unit__parent__parent",
        "competent_unit",
        "received_by",
    ).get(pk=dossier.pk)


def _appointment_at_receipt(dossier: Dossier):
    """The appointment written on the receipt: the one before any apology re-appointment."""
    apology = Apology.objects.filter(dossier=dossier).values("previous_due_at").first()
    if apology:
        return apology["previous_due_at"]
    return dossier.due_at


def _delivery(dossier: Dossier) -> str:
    label = str(DeliveryMethod(dossier.delivery_method).label)
    if dossier.delivery_method == DeliveryMethod.COUNTER:
        return f"{label}: {dossier.receiving_unit.name}"
    if dossier.delivery_address:
        return f"{label}: {dossier.delivery_address}"
    return label


# --- Mẫu 01 ---------------------------------------------------------------------------------


def _time_limits(dossier: Dossier) -> tuple[str, str]:
    """(legal time limit, time limit the dossier runs under) as the forms write them.

    The legal one (thời gian theo quy định) comes from the procedure version the dossier was
    received under; the dossier's own inputs are the committed time (thời gian cam kết, cắt
    giảm) its due time was computed from. A version with no legal time falls back to the
    dossier's.
    """
    version = dossier.procedure_version
    committed = duration_text(dossier.time_value, dossier.time_unit)
    legal = duration_text(version.legal_time_value, version.legal_time_unit)
    return legal or committed, committed


@in_vietnamese
def receipt_context(dossier: Dossier, *, base_url: str | None = None) -> dict:
    """Mẫu 01 Giấy tiếp nhận hồ sơ và hẹn trả kết quả (receipt and appointment slip)."""
    dossier = _load(dossier)
    if dossier.received_at is None or dossier.status in _NOT_RECEIVED:
        raise FormNotApplicable(
            "Hồ sơ chưa được tiếp nhận nên chưa có Giấy tiếp nhận hồ sơ và hẹn trả kết quả."
        )
    due = _appointment_at_receipt(dossier)
    documents = [
        {"name": d.name, "form": str(ProvidedAs(d.provided_as).label), "copies": d.copies}
        for d in dossier.documents.exclude(provided_as=ProvidedAs.NONE).order_by("id")
    ]
    context = _dossier_base(dossier, FormKey.RECEIPT, dossier.received_at, base_url=base_url)
    legal, committed = _time_limits(dossier)
    # The receipt enters the dossier in the unit's tracking register (Mẫu 07) of its year.
    subject = f"dossier:{dossier.pk}"
    entry = _issued(subject, REGISTER_SERIES)
    context["header"]["numbering"].append(
        numbering(subject, REGISTER_SERIES, dossier.receiving_unit, dossier.received_at)
    )
    context.update(
        {
            "register_book": register_book(entry.year) if entry else "",
            "register_entry": f"{entry.number:04d}" if entry else "",
        }
    )
    context.update(
        {
            "documents": documents,
            "copies": dossier.copies,
            # "theo quy định" is the law's time; the dossier's own (committed) time is what the
            # appointment below was computed from, printed only when the province cut it.
            "time_limit": legal,
            "committed_time_limit": committed if committed != legal else "",
            "received_at": dossier.received_at,
            "received_text": moment_words(dossier.received_at),
            "due_at": due,
            "due_text": moment_words(due),
            "delivery": _delivery(dossier),
            "receiver": person_name(dossier.received_by),
            "lookup_hint": "Tra cứu tình trạng hồ sơ bằng mã hồ sơ hoặc quét mã QR.",
            "fees": _receipt_fees(dossier),
        }
    )
    return context


def _receipt_fees(dossier: Dossier) -> dict | None:
    """Phí, lệ phí on Mẫu 01 (payments2): the lines as ``payments`` computes them and the total
    owed; None when the procedure has no fee."""
    from motcua.payments import selectors as payment_selectors
    from motcua.payments.templatetags.payments_tags import grouped

    lines = payment_selectors.fee_lines(dossier)
    if not lines:
        return None
    texts = []
    for line in lines:
        text = line.name
        if line.amount is None:
            text += ": theo quy định"
        else:
            if line.per_copy and line.unit_amount is not None:
                text += f" ({grouped(line.unit_amount)} đồng × {line.copies} bản)"
            text += f": {grouped(line.amount)} đồng"
            if line.exempt:
                text += f" (miễn: {line.exempt})"
            elif line.reduction_percent:
                text += f" (giảm {line.reduction_percent}% khi nộp trực tuyến)"
        texts.append(text)
    return {"lines": texts, "total": grouped(payment_selectors.amount_owed(dossier))}


# --- Mẫu 02 ---------------------------------------------------------------------------------


@in_vietnamese
def supplement_context(
    dossier: Dossier, pause: DossierPause | None = None, *, base_url: str | None = None
) -> dict:
    """Mẫu 02 Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ, for a supplement requested after
    acceptance (a supplement pause); the latest one unless ``pause`` is given."""
    dossier = _load(dossier)
    pauses = DossierPause.objects.filter(dossier=dossier, kind=PauseKind.SUPPLEMENT)
    if pause is None:
        pause = pauses.select_related("requested_by").order_by("-started_at", "-id").first()
    elif pause.dossier_id != dossier.pk or pause.kind != PauseKind.SUPPLEMENT:
        pause = None
    if pause is None:
        raise FormNotApplicable("Hồ sơ không có yêu cầu bổ sung, hoàn thiện nào.")
    unit = dossier.receiving_unit
    context = _dossier_base(
        dossier, FormKey.SUPPLEMENT, pause.started_at, base_url=base_url,
        subject=f"pause:{pause.pk}",
    )
    context.update(
        {
            "source": "pause",
            "items": _lines(pause.items),
            "reason": pause.reason,
            "requested_at": pause.started_at,
            "requested_text": moment_words(pause.started_at),
            "guide": person_name(pause.requested_by),
            "contact_phone": unit.phone,
            "sequence": pauses.filter(started_at__lte=pause.started_at).count(),
        }
    )
    return context


@in_vietnamese
def guidance_context(guidance: CounterGuidance) -> dict:
    """Mẫu 02 for a guidance slip handed back at the counter, before any dossier exists
    (hướng dẫn bổ sung một lần tại quầy): no dossier code and no QR."""
    guidance = CounterGuidance.objects.select_related(
        "procedure_version__procedure", "unit__parent__parent", "issued_by"
    ).get(pk=guidance.pk)
    version = guidance.procedure_version
    edition = edition_on(guidance.issued_at)
    return {
        "header": header(
            guidance.unit, edition, FormKey.SUPPLEMENT, guidance.issued_at,
            f"guidance:{guidance.pk}",
        ),
        "source": "counter",
        "code": "",
        "qr": None,
        "applicant": _applicant(
            kind=ApplicantKind.PERSON,
            name=guidance.applicant_name,
            id_number=guidance.applicant_id_number,
            address=guidance.applicant_address,
            phone=guidance.applicant_phone,
            email=guidance.applicant_email,
        ),
        "procedure": _procedure(version),
        "request": version.name,
        "receiving_unit": guidance.unit.name,
        "items": _lines(guidance.items),
        "reason": guidance.reason,
        "requested_at": guidance.issued_at,
        "requested_text": moment_words(guidance.issued_at),
        "guide": person_name(guidance.issued_by),
        "contact_phone": guidance.unit.phone,
        "sequence": None,
    }


RECEPTION_SUPPLEMENT_ACTION = "request_supplement_at_reception"
# Printed when the receptionist gave no ground of their own: why an online dossier goes back
# before receipt (NĐ 61/2018 Art. 17(2), NĐ 118/2025 Art. 17(2): incomplete or not valid).
DEFAULT_RECEPTION_GROUND = ("Hồ sơ nộp trực tuyến chưa đầy đủ, chưa hợp lệ theo quy định nên "
                            "chưa được tiếp nhận.")


def _reception_request(dossier: Dossier) -> StatusChange | None:
    return (
        StatusChange.objects.filter(dossier=dossier, action=RECEPTION_SUPPLEMENT_ACTION)
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )


def split_reception_request(text: str) -> tuple[list[str], str]:
    """The items and the ground of a pre-receipt request as the desk recorded it (the ground
    on a last line "Lý do: …", ``dossiers.services.handlers.RECEPTION_GROUND_PREFIX``)."""
    from motcua.dossiers.services.handlers import RECEPTION_GROUND_PREFIX

    items, ground = [], ""
    for line in (text or "").splitlines():
        if line.startswith(RECEPTION_GROUND_PREFIX):
            ground = line[len(RECEPTION_GROUND_PREFIX):].strip()
        else:
            items.append(line)
    return _lines("\n".join(items)), ground


@in_vietnamese
def reception_supplement_context(dossier: Dossier, *, base_url: str | None = None) -> dict:
    """Mẫu 02 Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ for an online dossier sent back before
    receipt (``request_supplement_at_reception``, once per dossier): the items and ground the
    receptionist wrote, who asked and when. Unlike the form after receipt: the dossier is not
    received (no clock runs, the time limit counts from receipt), the citizen answers on the
    portal, and there is no "lần thứ n" (asked once)."""
    dossier = _load(dossier)
    change = _reception_request(dossier)
    if change is None:
        raise FormNotApplicable("Hồ sơ không có yêu cầu bổ sung trước khi tiếp nhận.")
    unit = dossier.receiving_unit
    context = _dossier_base(
        dossier, FormKey.SUPPLEMENT, change.at, base_url=base_url,
        subject=f"reception_supplement:{change.pk}",
    )
    items, ground = split_reception_request(change.reason)
    context.update(
        {
            "source": "reception",
            "items": items,
            "reason": ground or DEFAULT_RECEPTION_GROUND,
            "submitted_text": moment_words(dossier.submitted_at) if dossier.submitted_at else "",
            "requested_at": change.at,
            "requested_text": moment_words(change.at),
            "guide": person_name(change.actor),
            "contact_phone": unit.phone,
            "sequence": None,
        }
    )
    return context


# --- Mẫu 03 ---------------------------------------------------------------------------------


@in_vietnamese
def refusal_context(dossier: Dossier, *, base_url: str | None = None) -> dict:
    """Mẫu 03 Phiếu từ chối tiếp nhận giải quyết hồ sơ (refusal at reception)."""
    dossier = _load(dossier)
    if dossier.status != Status.REFUSED_AT_RECEPTION:
        raise FormNotApplicable(
            "Hồ sơ không ở trạng thái từ chối tiếp nhận nên không in Phiếu từ chối tiếp nhận "
            "giải quyết hồ sơ."
        )
    change = _last_change(dossier, [Status.REFUSED_AT_RECEPTION])
    refused_at = (change.at if change else None) or dossier.submitted_at or dossier.created_at
    context = _dossier_base(dossier, FormKey.REFUSAL, refused_at, base_url=base_url)
    context.update(
        {
            "reason": dossier.refusal_reason or (change.reason if change else ""),
            "refused_at": refused_at,
            "refused_text": moment_words(refused_at),
            "receiver": person_name(change.actor if change and change.actor else dossier.received_by),
        }
    )
    return context


# --- Mẫu 04 ---------------------------------------------------------------------------------


@in_vietnamese
def apology_context(dossier: Dossier, *, base_url: str | None = None) -> dict:
    """Mẫu 04 Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết (TT 01/2018: Phiếu xin
    lỗi và hẹn lại ngày trả kết quả), issued by the late agency."""
    dossier = _load(dossier)
    apology = (
        Apology.objects.filter(dossier=dossier)
        .select_related("unit__parent__parent", "issued_by")
        .first()
    )
    if apology is None:
        raise FormNotApplicable(
            "Hồ sơ chưa có văn bản xin lỗi và đề nghị gia hạn (chưa ghi nhận xin lỗi, hẹn lại)."
        )
    context = _dossier_base(
        dossier, FormKey.APOLOGY, apology.issued_at, unit=apology.unit, base_url=base_url,
        subject=f"apology:{apology.pk}",
    )
    context.update(
        {
            "addressee": (
                dossier.applicant_name
                if context["applicant"]["is_organisation"]
                else f"Ông/Bà {dossier.applicant_name}"
            ),
            "agency": apology.unit.name,
            "received_at": dossier.received_at,
            "received_text": date_words(dossier.received_at),
            "previous_due_at": apology.previous_due_at,
            "previous_due_text": moment_words(apology.previous_due_at),
            "reason": apology.reason,
            "new_due_at": apology.new_due_at,
            "new_due_text": moment_words(apology.new_due_at),
            "signer": person_name(apology.issued_by),
            "copy_to": dossier.receiving_unit.name,
        }
    )
    return context


# --- Mẫu 05 ---------------------------------------------------------------------------------


@in_vietnamese
def stop_context(dossier: Dossier, *, base_url: str | None = None) -> dict:
    """Mẫu 05 Thông báo dừng giải quyết hồ sơ (stop notice; NĐ 118 Art. 21, TT 03/2025 Art. 7).

    The annex's fields were not read (domain §2.6 [U]); the notice follows Mẫu 03: dossier
    code, applicant, procedure, the date of the stop request and the decision.
    """
    dossier = _load(dossier)
    if dossier.status not in _STOP_STATES:
        raise FormNotApplicable(
            "Hồ sơ không bị rút hoặc dừng giải quyết nên không in Thông báo dừng giải quyết hồ sơ."
        )
    change = _last_change(dossier, _STOP_STATES)
    stopped_at = (change.at if change else None) or dossier.finished_at or dossier.updated_at
    withdrawn = dossier.status == Status.WITHDRAWN
    context = _dossier_base(dossier, FormKey.STOP, stopped_at, base_url=base_url)
    context.update(
        {
            "withdrawn": withdrawn,
            "ground": (
                "theo đề nghị dừng giải quyết thủ tục hành chính của tổ chức, cá nhân"
                if withdrawn
                else "do hồ sơ không đủ điều kiện tiếp tục giải quyết"
            ),
            "reason": dossier.refusal_reason or (change.reason if change else ""),
            "received_text": moment_words(dossier.received_at) if dossier.received_at else "",
            "stopped_at": stopped_at,
            "stopped_text": moment_words(stopped_at),
            "officer": person_name(change.actor if change else None),
        }
    )
    return context


# --- the agency's refusal notice ------------------------------------------------------------


@in_vietnamese
def refusal_notice_context(dossier: Dossier, *, base_url: str | None = None) -> dict:
    """Thông báo từ chối giải quyết hồ sơ: the competent agency's written refusal, with its
    reasons, after appraisal ("Từ chối giải quyết"). Issued by the agency, signed by the leader
    who refused, and handed to the citizen through the one-stop desk."""
    dossier = _load(dossier)
    if dossier.status != Status.REFUSED_AFTER_APPRAISAL:
        raise FormNotApplicable(
            "Hồ sơ không bị từ chối giải quyết nên không in Thông báo từ chối giải quyết hồ sơ."
        )
    change = _last_change(dossier, [Status.REFUSED_AFTER_APPRAISAL])
    refused_at = (change.at if change else None) or dossier.finished_at or dossier.updated_at
    agency = (change.unit if change and change.unit_id else None) or dossier.competent_unit
    agency = Unit.objects.select_related("parent__parent").get(pk=agency.pk)
    context = _dossier_base(
        dossier, FormKey.REFUSAL_NOTICE, refused_at, unit=agency, base_url=base_url
    )
    applicant = context["applicant"]
    context.update(
        {
            "addressee": (
                dossier.applicant_name if applicant["is_organisation"]
                else f"Ông/Bà {dossier.applicant_name}"
            ),
            "agency": agency.name,
            "received_text": date_words(dossier.received_at),
            "reason": dossier.refusal_reason or (change.reason if change else ""),
            "refused_at": refused_at,
            "refused_text": moment_words(refused_at),
            "signer": person_name(change.actor if change else None),
            "copy_to": dossier.receiving_unit.name,
        }
    )
    return context


# --- Mẫu 06 ---------------------------------------------------------------------------------


def _outcome(step, now: dt.datetime) -> Timeliness | None:
    """The step's result: as recorded at hand-over, else computed from its times."""
    if step.outcome:
        return {
            "early": Timeliness.EARLY,
            "on_time": Timeliness.ON_TIME,
            "late": Timeliness.LATE,
        }[step.outcome]
    if step.due_at is None:
        return None
    if step.finished_at is not None:
        return classify(step.finished_at, step.due_at, _calendar())
    # Still in progress but already past its deadline: late whatever happens next.
    return Timeliness.LATE if now > step.due_at else None


def _unit_and_person(unit: Unit | None, user) -> str:
    name = person_name(user)
    if unit is None:
        return name
    return f"{unit.name} ({name})" if name else unit.name


@in_vietnamese
def control_context(
    dossier: Dossier, *, now: dt.datetime | None = None, base_url: str | None = None
) -> dict:
    """Mẫu 06 Phiếu kiểm soát quá trình giải quyết hồ sơ (processing control slip).

    One row per hand-over (``DossierStep``): the unit handing over ("Giao") and the next one
    receiving ("Nhận"), the hand-over time, and whether the step finished before, on or after
    its own deadline (trước hạn / đúng hạn / quá hạn).
    """
    dossier = _load(dossier)
    if dossier.received_at is None or dossier.status in _NOT_RECEIVED:
        raise FormNotApplicable(
            "Hồ sơ chưa được tiếp nhận nên chưa có Phiếu kiểm soát quá trình giải quyết hồ sơ."
        )
    now = now or timezone.now()
    steps = list(
        dossier.steps.select_related("unit", "assignee", "finished_by").order_by("order", "id")
    )
    rows = []
    for index, step in enumerate(steps):
        following = steps[index + 1] if index + 1 < len(steps) else None
        if following is not None:
            receiver = _unit_and_person(following.unit, following.assignee)
        elif step.finished_at is not None and dossier.status == Status.RETURNED:
            receiver = f"Tổ chức, cá nhân: {dossier.applicant_name}"
        else:
            receiver = ""
        outcome = _outcome(step, now)
        note = step.note
        if step.finished_at is None:
            pending = f"Đang xử lý, hạn {short_moment(step.due_at)}" if step.due_at else "Đang xử lý"
            note = f"{pending}. {note}" if note else pending
        rows.append(
            {
                "index": index + 1,
                "step": step.name,
                "giver": _unit_and_person(step.unit, step.finished_by or step.assignee),
                "receiver": receiver,
                "handed_at": step.finished_at,
                "handed_text": moment_words(step.finished_at) if step.finished_at else "",
                "due_text": moment_words(step.due_at) if step.due_at else "",
                "outcome": outcome.label if outcome else "",
                "outcome_key": outcome.name.lower() if outcome else "",
                "note": note,
            }
        )
    partners = sorted(
        {
            s.unit.name
            for s in steps
            if s.unit_id not in (dossier.receiving_unit_id, dossier.competent_unit_id)
        }
    )
    apology = Apology.objects.filter(dossier=dossier).values("new_due_at").first()
    context = _dossier_base(dossier, FormKey.CONTROL, dossier.received_at, base_url=base_url)
    context.update(
        {
            "partners": ", ".join(partners),
            "received_text": moment_words(dossier.received_at),
            "due_text": moment_words(_appointment_at_receipt(dossier)),
            "rescheduled_text": moment_words(apology["new_due_at"]) if apology else "",
            "rows": rows,
        }
    )
    return context


# --- Mẫu 07 ---------------------------------------------------------------------------------


@in_vietnamese
def register_context(
    unit: Unit, start: dt.date, end: dt.date, field=None, *, printed_at: dt.datetime | None = None
) -> dict:
    """Mẫu 07 Sổ theo dõi hồ sơ (tracking register) of a receiving unit over [start, end]."""
    printed_at = printed_at or timezone.now()
    raw = selectors.register_rows(unit=unit, start=start, end=end, field=field)
    entries = selectors.register_entries([row["id"] for row in raw])
    rows = []
    for number, row in enumerate(raw, start=1):
        entry = entries.get(row["id"])
        # After an apology the register keeps the first appointment and shows the new one.
        rescheduled = row["rescheduled_due_at"]
        due = (row["original_due_at"] if rescheduled else None) or row["due_at"]
        rows.append(
            {
                "index": number,
                # Số thứ tự in the register book, given when the receipt was issued.
                "entry": f"{entry[1]:04d}" if entry else "",
                "code": row["code"],
                "procedure": row["procedure_version__name"],
                "applicant": row["applicant_name"],
                "address": row["applicant_address"],
                "phone": row["applicant_phone"],
                "competent_unit": row["competent_unit__name"],
                "received": short_moment(row["received_at"]),
                "due": short_moment(due),
                "rescheduled": short_moment(rescheduled),
                "returned": short_moment(row["returned_at"]),
                "delivery": str(DeliveryMethod(row["delivery_method"]).label),
                "returned_to": row["returned_to"],
            }
        )
    context = {
        "header": {
            **header(unit, edition_on(end), FormKey.REGISTER, printed_at),
            # The book of the period's year, whenever it is printed.
            "number": f"Quyển số: {register_book(end.year)}",
        },
        "unit_code": unit.code,
        "start": start,
        "end": end,
        "period": f"Từ ngày {short_date(start)} đến ngày {short_date(end)}",
        "field": field.name if field is not None else "",
        "rows": rows,
    }
    return context


# --- which forms apply ----------------------------------------------------------------------

BUILDERS = {
    FormKey.RECEIPT: receipt_context,
    FormKey.SUPPLEMENT: supplement_context,
    FormKey.REFUSAL: refusal_context,
    FormKey.APOLOGY: apology_context,
    FormKey.STOP: stop_context,
    FormKey.CONTROL: control_context,
    FormKey.REFUSAL_NOTICE: refusal_notice_context,
    FormKey.RECEPTION_SUPPLEMENT: reception_supplement_context,
}


def available_forms(dossier: Dossier) -> list[dict]:
    """The forms that can be printed for ``dossier`` now, with their printed number and title."""
    edition = form_edition(dossier)
    received = dossier.received_at is not None and dossier.status not in _NOT_RECEIVED
    applies = {
        FormKey.RECEIPT: received,
        FormKey.SUPPLEMENT: DossierPause.objects.filter(
            dossier=dossier, kind=PauseKind.SUPPLEMENT
        ).exists(),
        FormKey.REFUSAL: dossier.status == Status.REFUSED_AT_RECEPTION,
        FormKey.APOLOGY: Apology.objects.filter(dossier=dossier).exists(),
        FormKey.STOP: dossier.status in _STOP_STATES,
        FormKey.CONTROL: received,
        FormKey.REFUSAL_NOTICE: dossier.status == Status.REFUSED_AFTER_APPRAISAL,
        FormKey.RECEPTION_SUPPLEMENT: StatusChange.objects.filter(
            dossier=dossier, action=RECEPTION_SUPPLEMENT_ACTION
        ).exists(),
    }
    forms = []
    for key, ok in applies.items():
        if ok:
            spec = form_spec(edition, key)
            forms.append({"key": key.value, "number": spec.number, "title": spec.title})
    return forms
