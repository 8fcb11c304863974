"""Satisfaction ratings (đánh giá mức độ hài lòng) and complaints (phản ánh, kiến nghị).

One rating per transaction: a ticket holds at most one (one-to-one), a dossier at most one
(partial unique constraint); a second attempt is a clear message and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.audit.services import audit_record
from motcua.core.errors import Conflict, InvalidInput, NotAllowed
from motcua.floor.models import Complaint, ComplaintStatus, Level, Rating, Ticket, TicketState
from motcua.floor.permissions import can_answer_complaint
from motcua.notifications import Message, notify
from motcua.org.calendars import calendar_for_unit
from motcua.worktime import Duration

RATING_SALT = "motcua.floor.dossier-rating"
ALREADY = "Giao dịch này đã được đánh giá; mỗi giao dịch chỉ đánh giá một lần. Xin cảm ơn!"


def _level(value) -> int:
    try:
        level = int(value)
    except (TypeError, ValueError):
        level = -1
    if level not in Level.values:
        raise InvalidInput("invalid_level", _("Vui lòng chọn một mức độ hài lòng."), field="level")
    return level


def rateable_ticket(counter) -> Ticket | None:
    """The transaction the counter's tablet rates: its last served ticket of today without a
    rating (or None)."""
    return (Ticket.objects.select_related("service", "dossier", "officer")
            .filter(counter=counter, state=TicketState.SERVED, day=timezone.localdate(),
                    rating__isnull=True)
            .order_by("-issued_at", "-id").first())


def _field_of(dossier):
    if dossier is None:
        return None
    return dossier.procedure_version.procedure.field


def rating_for_ticket(*, actor, ticket: Ticket, level, comment: str = "",
                      now: dt.datetime | None = None) -> Rating:
    """Đánh giá tại quầy: tied to the ticket, its officer, counter and dossier."""
    level = _level(level)
    if ticket.state != TicketState.SERVED:
        raise Conflict("not_served", _("Chỉ đánh giá sau khi đã được phục vụ."))
    try:
        with transaction.atomic():
            dossier = ticket.dossier
            if dossier is not None and Rating.objects.filter(dossier=dossier).exists():
                raise Conflict("already_rated", ALREADY)
            rating = Rating.objects.create(
                level=level, comment=(comment or "").strip()[:2000], ticket=ticket,
                dossier=dossier, unit=ticket.service.unit, counter=ticket.counter,
                officer=ticket.officer, field=_field_of(dossier), channel="kiosk",
                at=now or timezone.now())
            audit_record(actor=actor, event_type="floor.rating", obj=rating, dossier=dossier,
                         data={"level": level, "ticket": ticket.number})
    except IntegrityError:
        raise Conflict("already_rated", ALREADY) from None
    return rating


def rating_token(dossier) -> str:
    return signing.dumps({"d": dossier.pk}, salt=RATING_SALT)


def dossier_from_rating_token(token: str):
    from motcua.dossiers.models import Dossier

    try:
        data = signing.loads(token, salt=RATING_SALT)
    except signing.BadSignature:
        raise NotAllowed("link_invalid", _("Liên kết đánh giá không hợp lệ.")) from None
    dossier = Dossier.objects.filter(pk=data.get("d")).first()
    if dossier is None:
        raise NotAllowed("link_invalid", _("Liên kết đánh giá không hợp lệ."))
    return dossier


def rating_for_dossier(*, actor, dossier, level, comment: str = "",
                       now: dt.datetime | None = None) -> Rating:
    """Đánh giá trực tuyến of a finished dossier (from the signed link in the portal)."""
    level = _level(level)
    if dossier.finished_at is None:
        raise Conflict("not_finished", _("Hồ sơ chưa giải quyết xong, chưa thể đánh giá."))
    try:
        with transaction.atomic():
            if Rating.objects.filter(dossier=dossier).exists():
                raise Conflict("already_rated", ALREADY)
            rating = Rating.objects.create(
                level=level, comment=(comment or "").strip()[:2000], dossier=dossier,
                unit=dossier.receiving_unit, field=_field_of(dossier), channel="online",
                officer=None, at=now or timezone.now())
            audit_record(actor=actor, event_type="floor.rating", obj=rating, dossier=dossier,
                         data={"level": level})
    except IntegrityError:
        raise Conflict("already_rated", ALREADY) from None
    return rating


def complaint_submit(*, actor, unit, name: str, contact: str, subject: str, text: str,
                     allow_publish: bool = False, channel: str = "online",
                     now: dt.datetime | None = None) -> Complaint:
    """Gửi phản ánh, kiến nghị: routed to ``unit``, due in working days from its calendar."""
    now = now or timezone.now()
    missing = [f for f, v in (("name", name), ("contact", contact), ("subject", subject),
                              ("text", text)) if not (v or "").strip()]
    if missing:
        raise InvalidInput("required", _("Vui lòng điền đủ họ tên, liên hệ, tiêu đề và nội dung."),
                           field=missing[0])
    calendar = calendar_for_unit(unit)
    due = calendar.deadline(now, Duration.working_days(settings.MOTCUA_COMPLAINT_WORKING_DAYS))
    with transaction.atomic():
        complaint = Complaint.objects.create(
            code="PA" + "".join(secrets.choice("0123456789") for _ in range(8)), unit=unit,
            name=name.strip(), contact=contact.strip(), subject=subject.strip()[:255],
            text=text.strip()[:5000], allow_publish=bool(allow_publish), channel=channel,
            submitted_at=now, due_at=due)
        audit_record(actor=actor, event_type="floor.complaint", obj=complaint,
                     data={"code": complaint.code, "unit": unit.code})
    return complaint


def complaint_answer(*, actor, complaint: Complaint, answer: str, publish: bool = False,
                     now: dt.datetime | None = None) -> Complaint:
    """Trả lời phản ánh, kiến nghị: by a leader or specialist of the complaint's unit
    (``floor.permissions``); published only when asked and the citizen allowed it; the citizen
    is told through the notifications outbox in the same transaction."""
    if not can_answer_complaint(actor, complaint):
        raise NotAllowed("not_allowed",
                         _("Chỉ lãnh đạo, chuyên viên của cơ quan nhận phản ánh được trả lời."))
    text = (answer or "").strip()
    if not text:
        raise InvalidInput("required", _("Vui lòng nhập nội dung trả lời."), field="answer")
    if len(text) > 5000:
        raise InvalidInput("too_long", _("Nội dung trả lời tối đa 5000 ký tự."), field="answer")
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if complaint.status == ComplaintStatus.ANSWERED:
            raise Conflict("already_answered", _("Phản ánh này đã được trả lời."))
        if publish and not complaint.allow_publish:
            raise InvalidInput("publish_not_allowed",
                               _("Công dân không đồng ý công khai; không thể công khai trả lời."),
                               field="publish")
        complaint.answer = text
        complaint.status = ComplaintStatus.ANSWERED
        complaint.answered_at = now or timezone.now()
        complaint.answered_by = actor
        complaint.published = bool(publish)
        complaint.save()
        audit_record(actor=actor, event_type="floor.complaint_answered", obj=complaint,
                     data={"code": complaint.code, "published": complaint.published})
        _tell_citizen(complaint)
    return complaint


def _tell_citizen(complaint: Complaint) -> None:
    """The contact is one field (điện thoại hoặc thư điện tử): an address with "@" is e-mail,
    anything else is taken as a phone number."""
    contact = complaint.contact.strip()
    email = "@" in contact
    notify(Message(
        event="floor.complaint_answered",
        subject=f"Trả lời phản ánh {complaint.code}",
        body=(f"{complaint.unit.name} đã trả lời phản ánh {complaint.code} "
              f"“{complaint.subject}”:\n{complaint.answer}"),
        recipients=(contact,) if email else (), phones=() if email else (contact,),
        applicant_name=complaint.name, data={"complaint": complaint.code}))
