"""Public floor pages: booking (/dat-lich/), kiosk (/kiosk/<unit>/), waiting-room display
(/man-hinh/<unit>/) with its event stream and speech, rating tablet (/danh-gia/<counter>/),
complaints (/phan-anh/). No login: these run on the center's screens and the citizen's phone.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator

from django.core import signing
from django.core.handlers.asgi import ASGIRequest
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from motcua.audit.context import client_ip
from motcua.core.dates import DateFormatError, DateValueError, format_day, parse_date
from motcua.core.errors import DomainError
from motcua.core.pdf import pdf_response, render_pdf, safe_filename
from motcua.core.public_url import public_base_url
from motcua.core.qr import qr_parts
from motcua.floor import booking as bookings
from motcua.floor import capacity, display, feedback, queue, selectors
from motcua.floor.models import Level, Slot, Ticket
from motcua.floor.throttle import booking_wait
from motcua.org.models import Counter

TICKET_SALT = "motcua.floor.ticket"


def _unit_or_404(code: str):
    unit = selectors.unit_by_code(code)
    if unit is None:
        raise Http404(_("Không tìm thấy đơn vị."))
    return unit


def _id(value) -> int:
    """A posted id, or 0 (never a row) for anything that is not a plain number."""
    text = str(value or "")
    return int(text) if text.isascii() and text.isdigit() and len(text) < 18 else 0


def _levels():
    return [(value, label) for value, label in Level.choices]


# Booking ---------------------------------------------------------------------------------

def _booking_context(request, unit, service, day):
    slots, problem = [], ""
    if service is not None and day is not None:
        try:
            slots = capacity.slots_for_day(service, day)
        except DomainError as exc:
            problem = exc.message
    return {"unit": unit, "services": selectors.bookable_services(unit) if unit else [],
            "service": service, "day": day, "day_text": day.isoformat() if day else "",
            "slots": slots, "problem": problem}


def _center_from(request):
    from motcua.org.models import Unit, UnitKind

    code = request.GET.get("unit") or request.POST.get("unit") or ""
    unit = selectors.unit_by_code(code) if code else None
    if unit is None:
        unit = Unit.objects.filter(kind=UnitKind.PROVINCIAL_CENTER, is_active=True,
                                   floor_services__bookable=True).first()
    return unit


@require_http_methods(["GET", "POST"])
def book(request):
    """Đặt lịch hẹn: choose service, day and slot, then name and phone."""
    source = request.POST if request.method == "POST" else request.GET
    unit = _center_from(request)
    service = selectors.service_by_ref(unit, source.get("service", "")) if unit else None
    day = None
    if source.get("date"):
        try:
            day = parse_date(source["date"])
        except (DateFormatError, DateValueError):
            day = None
    ctx = _booking_context(request, unit, service, day)
    if request.method == "GET":
        return render(request, "floor/book.html", ctx)
    slot = Slot.objects.select_related("service__unit").filter(pk=_id(source.get("slot"))).first()
    error = ""
    if slot is None:
        error = _("Hãy chọn một khung giờ còn chỗ.")
    else:
        wait = booking_wait(ip=client_ip(request), phone=source.get("phone", ""))
        if wait is not None:
            error = _("Quá nhiều lần đặt lịch, vui lòng thử lại sau %(m)s phút.") % {
                "m": wait // 60 + 1}
    if not error and slot is not None:
        try:
            booking = bookings.booking_book(
                actor=request.user if request.user.is_authenticated else None, slot=slot,
                name=source.get("name", ""), phone=source.get("phone", ""),
                id_number=source.get("id_number", ""), email=source.get("email", ""),
                ip=client_ip(request))
        except DomainError as exc:
            error = exc.message
        else:
            return redirect("floor:confirmation", token=bookings.booking_token(booking))
    ctx.update({"error": error, "values": source})
    return render(request, "floor/book.html", ctx, status=409 if "hết chỗ" in error else 400)


def _token_booking(request, token):
    try:
        return bookings.booking_from_token(token), ""
    except DomainError as exc:
        return None, exc.message


def confirmation(request, token: str):
    """Xác nhận lịch hẹn: code, QR, calendar file, cancel and change links."""
    booking, error = _token_booking(request, token)
    if booking is None:
        return render(request, "floor/link_error.html", {"error": error}, status=400)
    base = public_base_url(request)
    return render(request, "floor/confirmation.html", {
        "booking": booking, "token": token, "start": capacity.local_start(booking.slot),
        "qr": qr_parts(f"{base}/kiosk/{booking.slot.service.unit.code}/ma/{booking.code}"),
        "confirm_url": f"{base}{request.path}"})


def booking_ics(request, token: str):
    booking, error = _token_booking(request, token)
    if booking is None:
        return render(request, "floor/link_error.html", {"error": error}, status=400)
    body = bookings.booking_ics(booking, url=public_base_url(request) + reverse(
        "floor:confirmation", kwargs={"token": token}))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="lich-hen-{booking.code}.ics"'
    return response


@require_http_methods(["GET", "POST"])
def booking_cancel(request, token: str):
    booking, error = _token_booking(request, token)
    if booking is None:
        return render(request, "floor/link_error.html", {"error": error}, status=400)
    if request.method == "POST":
        try:
            bookings.booking_cancel(actor=None, booking=booking)
        except DomainError as exc:
            return render(request, "floor/link_error.html", {"error": exc.message}, status=409)
        return render(request, "floor/cancelled.html", {"booking": booking})
    return render(request, "floor/cancel.html", {"booking": booking,
                                                 "start": capacity.local_start(booking.slot)})


@require_http_methods(["GET", "POST"])
def booking_change(request, token: str):
    booking, error = _token_booking(request, token)
    if booking is None:
        return render(request, "floor/link_error.html", {"error": error}, status=400)
    service = booking.slot.service
    day = None
    source = request.POST if request.method == "POST" else request.GET
    try:
        day = parse_date(source.get("date", "")) if source.get("date") else None
    except (DateFormatError, DateValueError):
        day = None
    ctx = _booking_context(request, service.unit, service, day)
    ctx.update({"booking": booking, "token": token, "change": True})
    if request.method == "POST":
        slot = Slot.objects.filter(pk=_id(source.get("slot"))).first()
        if slot is None:
            ctx["error"] = _("Hãy chọn một khung giờ còn chỗ.")
            return render(request, "floor/book.html", ctx, status=400)
        try:
            booking = bookings.booking_change(actor=None, booking=booking, slot=slot)
        except DomainError as exc:
            ctx["error"] = exc.message
            return render(request, "floor/book.html", ctx, status=409)
        return redirect("floor:confirmation", token=bookings.booking_token(booking))
    return render(request, "floor/book.html", ctx)


# Kiosk -----------------------------------------------------------------------------------

def _ticket_token(ticket: Ticket) -> str:
    return signing.dumps(ticket.pk, salt=TICKET_SALT)


def _ticket_from(token: str) -> Ticket:
    try:
        pk = signing.loads(token, salt=TICKET_SALT)
    except signing.BadSignature:
        raise Http404(_("Phiếu không hợp lệ.")) from None
    return get_object_or_404(Ticket.objects.select_related("service__unit", "booking"), pk=pk)


@require_http_methods(["GET", "POST"])
def kiosk(request, unit_code: str):
    """Ki-ốt lấy số: a big button per service, check-in by booking code."""
    unit = _unit_or_404(unit_code)
    error = ""
    if request.method == "POST":
        try:
            if request.POST.get("code"):
                ticket = queue.ticket_check_in(actor=None, unit=unit, code=request.POST["code"])
            else:
                service = selectors.service_by_ref(unit, request.POST.get("service", ""))
                if service is None:
                    raise Http404
                ticket = queue.ticket_issue(actor=None, service=service)
        except DomainError as exc:
            error = exc.message
        else:
            return redirect("floor:kiosk_ticket", unit_code=unit.code, token=_ticket_token(ticket))
    services = unit.floor_services.all().order_by("number_base")
    return render(request, "floor/kiosk.html", {"unit": unit, "services": services,
                                                "error": error}, status=400 if error else 200)


def kiosk_code(request, unit_code: str, code: str):
    """A scanned booking QR lands here: the kiosk's check-in form, code filled in."""
    unit = _unit_or_404(unit_code)
    return render(request, "floor/kiosk.html", {
        "unit": unit, "services": unit.floor_services.all().order_by("number_base"),
        "code": re.sub(r"[^A-Z0-9]", "", code.upper())[:12]})


def _ticket_context(request, ticket: Ticket) -> dict:
    wait = queue.ticket_wait(ticket)
    return {"ticket": ticket, "unit": ticket.service.unit, "wait": wait,
            "issued": timezone.localtime(ticket.issued_at)}


def kiosk_ticket(request, unit_code: str, token: str):
    ticket = _ticket_from(token)
    ctx = _ticket_context(request, ticket)
    ctx["token"] = token
    return render(request, "floor/ticket.html", ctx)


def kiosk_ticket_pdf(request, unit_code: str, token: str):
    """The ticket for an 80 mm thermal printer (phiếu in 80 mm)."""
    ticket = _ticket_from(token)
    html = render_to_string("floor/ticket_print.html", _ticket_context(request, ticket))
    return pdf_response(render_pdf(html), safe_filename("so", str(ticket.number)))


# Display ---------------------------------------------------------------------------------

def screen(request, unit_code: str):
    """Màn hình phòng chờ: full screen, counters and the last calls."""
    unit = _unit_or_404(unit_code)
    state = selectors.display_state(unit)
    return render(request, "floor/display.html", {"unit": unit, **state})


async def events(request, unit_code: str):
    """Server-sent events of the calls (resumes after ``Last-Event-ID``)."""
    from asgiref.sync import sync_to_async

    unit = await sync_to_async(selectors.unit_by_code)(unit_code)
    if unit is None:
        raise Http404
    raw = request.headers.get("Last-Event-ID") or request.GET.get("after") or ""
    if raw.isdigit():
        last = int(raw)
    else:
        last = await sync_to_async(display.last_call_id)(unit.pk)
    stream: Iterator[str] | AsyncIterator[str]
    if isinstance(request, ASGIRequest):
        stream = display.async_stream(unit.pk, last)
    else:  # a WSGI worker thread (development server, live test server)
        stream = display.sync_stream(unit.pk, last)
    response = StreamingHttpResponse(stream, content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event through at once
    return response


@require_GET
def speech(request, key: str):
    """The spoken call (WAV), rendered on first request, cached by text."""
    from motcua.floor.models import Call

    if not re.fullmatch(r"[0-9a-f]{32}", key):
        raise Http404
    path = display.speech_dir() / f"{key}.wav"
    if not path.exists():
        call = next((c for c in Call.objects.order_by("-id")[:200]
                     if display.speech_key(c.text) == key), None)
        if call is None or display.speech_file(call.text) is None:
            raise Http404
    response = FileResponse(path.open("rb"), content_type="audio/wav")
    response["Cache-Control"] = "public, max-age=86400, immutable"
    return response


# Ratings ---------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def rate_counter(request, counter_id: int):
    """Đánh giá tại quầy: the tablet rates the counter's last served ticket."""
    counter = get_object_or_404(Counter.objects.select_related("center"), pk=counter_id)
    ticket = feedback.rateable_ticket(counter)
    ctx = {"counter": counter, "ticket": ticket, "levels": _levels()}
    if request.method == "POST":
        posted = Ticket.objects.filter(pk=_id(request.POST.get("ticket")), counter=counter).first()
        if posted is None:
            ctx["error"] = _("Không có giao dịch nào để đánh giá.")
            return render(request, "floor/rate.html", ctx, status=400)
        try:
            feedback.rating_for_ticket(actor=None, ticket=posted, level=request.POST.get("level"),
                                       comment=request.POST.get("comment", ""))
        except DomainError as exc:
            ctx["error"] = exc.message
            return render(request, "floor/rate.html", ctx, status=409)
        ctx.update({"thanks": True, "ticket": None})
    return render(request, "floor/rate.html", ctx)


@require_http_methods(["GET", "POST"])
def rate_dossier(request, token: str):
    """Đánh giá trực tuyến of a finished dossier, from its signed link."""
    try:
        dossier = feedback.dossier_from_rating_token(token)
    except DomainError as exc:
        return render(request, "floor/link_error.html", {"error": exc.message}, status=400)
    ctx = {"dossier": dossier, "levels": _levels()}
    if request.method == "POST":
        try:
            feedback.rating_for_dossier(actor=None, dossier=dossier,
                                        level=request.POST.get("level"),
                                        comment=request.POST.get("comment", ""))
        except DomainError as exc:
            ctx["error"] = exc.message
            return render(request, "floor/rate_dossier.html", ctx, status=409)
        ctx["thanks"] = True
    return render(request, "floor/rate_dossier.html", ctx)


# Complaints ------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def complaints(request):
    """Phản ánh, kiến nghị: submit; answers published where the citizen allowed it."""
    from motcua.org.models import Unit, UnitKind

    units = Unit.objects.filter(is_active=True, kind__in=[
        UnitKind.PROVINCIAL_CENTER, UnitKind.AGENCY, UnitKind.COMMUNE,
        UnitKind.COMMUNE_CENTER]).order_by("kind", "name")
    ctx: dict = {"units": units, "values": request.POST, "kiosk": request.GET.get("kiosk"),
                 "published": selectors.published_complaints()}
    if request.method == "POST":
        unit = units.filter(pk=_id(request.POST.get("unit"))).first()
        try:
            if unit is None:
                raise DomainError("unit", _("Hãy chọn cơ quan nhận phản ánh."))
            complaint = feedback.complaint_submit(
                actor=None, unit=unit, name=request.POST.get("name", ""),
                contact=request.POST.get("contact", ""), subject=request.POST.get("subject", ""),
                text=request.POST.get("text", ""),
                allow_publish=request.POST.get("allow_publish") == "on",
                channel="kiosk" if request.POST.get("kiosk") else "online")
        except DomainError as exc:
            ctx["error"] = exc.message
            return render(request, "floor/complaints.html", ctx, status=400)
        ctx.update({"done": complaint, "due": format_day(timezone.localdate(complaint.due_at))})
    return render(request, "floor/complaints.html", ctx)
