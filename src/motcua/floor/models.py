"""The center floor (sảnh Trung tâm): bookable services and their capacity, appointments
(lịch hẹn), queue tickets (số thứ tự) as time-boxed periods, calls shown on the waiting-room
display, satisfaction ratings (đánh giá mức độ hài lòng) and complaints (phản ánh, kiến nghị).

Rules that must always hold are database constraints: a slot never holds more bookings than
its capacity (``booked <= capacity``), one rating per ticket and per dossier, one ticket number
per service and day.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FloorService(models.Model):
    """A service on the floor (dịch vụ tại sảnh), e.g. "Căn cước": one or more procedures
    served at some counters of a center, with its own ticket numbers and capacity."""

    unit = models.ForeignKey("org.Unit", verbose_name=_("trung tâm"), on_delete=models.PROTECT,
                             related_name="floor_services")
    code = models.CharField(_("mã"), max_length=30)
    name = models.CharField(_("tên"), max_length=255)
    procedures = models.ManyToManyField("catalog.Procedure", verbose_name=_("thủ tục"),
                                        blank=True, related_name="floor_services")
    counters = models.ManyToManyField("org.Counter", verbose_name=_("quầy phục vụ"), blank=True,
                                      related_name="floor_services")
    number_base = models.PositiveIntegerField(
        _("số đầu"), default=1000,
        help_text=_("Số thứ tự trong ngày bắt đầu sau số này, ví dụ 1000 → 1001, 1002…"))
    slot_minutes = models.PositiveSmallIntegerField(_("thời lượng một khung (phút)"), default=30)
    service_minutes = models.PositiveSmallIntegerField(
        _("thời gian phục vụ trung bình (phút)"), default=10)
    bookable = models.BooleanField(_("cho đặt lịch"), default=True)
    is_open = models.BooleanField(_("đang phục vụ"), default=True)

    class Meta:
        verbose_name = _("dịch vụ tại sảnh")
        verbose_name_plural = _("dịch vụ tại sảnh")
        ordering = ["unit", "number_base", "code"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "code"], name="floor_service_unique_code"),
            models.CheckConstraint(condition=Q(slot_minutes__gt=0), name="floor_service_slot_pos"),
        ]

    def __str__(self) -> str:
        return self.name


class CapacityWindow(models.Model):
    """Recurring bookable hours by weekday with places per slot (khung giờ nhận lịch hẹn)."""

    service = models.ForeignKey(FloorService, on_delete=models.CASCADE, related_name="windows")
    weekday = models.PositiveSmallIntegerField(_("thứ (0 = Thứ Hai)"))
    start = models.TimeField(_("từ"))
    end = models.TimeField(_("đến"))
    places = models.PositiveSmallIntegerField(_("số chỗ mỗi khung"))

    class Meta:
        verbose_name = _("khung giờ nhận lịch")
        verbose_name_plural = _("khung giờ nhận lịch")
        ordering = ["service", "weekday", "start"]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="floor_window_weekday"),
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="floor_window_order"),
        ]


class Closure(models.Model):
    """A day a service takes no bookings (tạm ngừng), besides the unit's calendar."""

    service = models.ForeignKey(FloorService, on_delete=models.CASCADE, related_name="closures")
    date = models.DateField(_("ngày"))
    reason = models.CharField(_("lý do"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("ngày tạm ngừng")
        verbose_name_plural = _("ngày tạm ngừng")
        constraints = [models.UniqueConstraint(fields=["service", "date"],
                                               name="floor_closure_unique")]


class Slot(models.Model):
    """One bookable slot (khung giờ hẹn) and its counter of places taken.

    ``booked`` only moves through a conditional UPDATE (``booked < capacity``) and the check
    constraint makes an overbooked row impossible whatever writes it."""

    service = models.ForeignKey(FloorService, on_delete=models.PROTECT, related_name="slots")
    start = models.DateTimeField(_("bắt đầu"))
    end = models.DateTimeField(_("kết thúc"))
    capacity = models.PositiveSmallIntegerField(_("số chỗ"))
    booked = models.PositiveSmallIntegerField(_("đã đặt"), default=0)

    class Meta:
        verbose_name = _("khung giờ hẹn")
        verbose_name_plural = _("khung giờ hẹn")
        ordering = ["service", "start"]
        constraints = [
            models.UniqueConstraint(fields=["service", "start"], name="floor_slot_unique_start"),
            models.CheckConstraint(condition=Q(booked__lte=F("capacity")),
                                   name="floor_slot_not_overbooked"),
            models.CheckConstraint(condition=Q(booked__gte=0), name="floor_slot_booked_nonneg"),
        ]

    @property
    def remaining(self) -> int:
        return max(self.capacity - self.booked, 0)


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("Đã đặt")
    CANCELLED = "cancelled", _("Đã hủy")
    CHECKED_IN = "checked_in", _("Đã đến")
    NO_SHOW = "no_show", _("Không đến")


ACTIVE_BOOKING = (BookingStatus.BOOKED, BookingStatus.CHECKED_IN)


class Booking(models.Model):
    """An appointment (lịch hẹn) in a slot."""

    code = models.CharField(_("mã lịch hẹn"), max_length=12, unique=True)
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="bookings")
    name = models.CharField(_("họ và tên"), max_length=255)
    phone = models.CharField(_("điện thoại"), max_length=20)
    id_number = models.CharField(_("số định danh"), max_length=12, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    status = models.CharField(_("trạng thái"), max_length=12, choices=BookingStatus.choices,
                              default=BookingStatus.BOOKED)
    created_at = models.DateTimeField(_("lúc đặt"), auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    changes = models.PositiveSmallIntegerField(default=0)
    client_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("lịch hẹn")
        verbose_name_plural = _("lịch hẹn")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["phone", "status"]),
                   models.Index(fields=["id_number", "status"])]

    def __str__(self) -> str:
        return self.code


class TicketState(models.TextChoices):
    WAITING = "waiting", _("Đang chờ")
    CALLED = "called", _("Đã gọi")
    SERVING = "serving", _("Đang phục vụ")
    SERVED = "served", _("Đã phục vụ")
    ABSENT = "absent", _("Vắng mặt")


OPEN_STATES = (TicketState.WAITING, TicketState.CALLED, TicketState.SERVING)


class Ticket(models.Model):
    """A queue ticket (phiếu số thứ tự) for a walk-in or a checked-in booking."""

    service = models.ForeignKey(FloorService, on_delete=models.PROTECT, related_name="tickets")
    day = models.DateField(_("ngày"))
    number = models.PositiveIntegerField(_("số"))
    booking = models.OneToOneField(Booking, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="ticket")
    state = models.CharField(_("trạng thái"), max_length=10, choices=TicketState.choices,
                             default=TicketState.WAITING)
    counter = models.ForeignKey("org.Counter", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="tickets")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.PROTECT, related_name="floor_tickets")
    dossier = models.ForeignKey("dossiers.Dossier", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="floor_tickets")
    issued_at = models.DateTimeField(_("lúc lấy số"))
    priority = models.BooleanField(_("ưu tiên (có lịch hẹn)"), default=False)

    class Meta:
        verbose_name = _("phiếu số thứ tự")
        verbose_name_plural = _("phiếu số thứ tự")
        ordering = ["day", "issued_at"]
        constraints = [models.UniqueConstraint(fields=["service", "day", "number"],
                                               name="floor_ticket_unique_number")]
        indexes = [models.Index(fields=["service", "day", "state"])]

    def __str__(self) -> str:
        return str(self.number)


class TicketPeriod(models.Model):
    """One time-boxed period of a ticket in one state (as bcgov queue-management): waiting and
    serving times are sums of these, never guesses."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="periods")
    state = models.CharField(max_length=10, choices=TicketState.choices)
    counter = models.ForeignKey("org.Counter", null=True, blank=True, on_delete=models.PROTECT)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.PROTECT)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["ticket", "started_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["ticket"], condition=Q(ended_at__isnull=True),
                                    name="floor_period_one_open"),
            models.CheckConstraint(condition=Q(ended_at__isnull=True)
                                   | Q(ended_at__gte=F("started_at")),
                                   name="floor_period_order"),
        ]


class TicketSequence(models.Model):
    """The last ticket number of a service on a day (locked row)."""

    service = models.ForeignKey(FloorService, on_delete=models.CASCADE)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["service", "day"],
                                               name="floor_sequence_unique")]


class Call(models.Model):
    """A call shown and spoken on the waiting-room display (lượt gọi số)."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="floor_calls")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="calls")
    counter = models.ForeignKey("org.Counter", on_delete=models.PROTECT)
    text = models.CharField(max_length=255)
    at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["unit", "id"])]


class Level(models.IntegerChoices):
    """The kiosk scale mapped to TT 01/2018 Art. 13 scores (2/1/0); 0 is a "dislike"."""

    VERY_SATISFIED = 2, _("Rất hài lòng")
    SATISFIED = 1, _("Hài lòng")
    DISSATISFIED = 0, _("Không hài lòng")


class Rating(models.Model):
    """A satisfaction rating (đánh giá mức độ hài lòng) of one transaction."""

    level = models.PositiveSmallIntegerField(_("mức độ"), choices=Level.choices)
    comment = models.TextField(_("ý kiến"), blank=True, max_length=2000)
    ticket = models.OneToOneField(Ticket, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="rating")
    dossier = models.ForeignKey("dossiers.Dossier", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="floor_ratings")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="floor_ratings")
    counter = models.ForeignKey("org.Counter", null=True, blank=True, on_delete=models.PROTECT)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.PROTECT)
    field = models.ForeignKey("catalog.Field", null=True, blank=True, on_delete=models.PROTECT)
    channel = models.CharField(max_length=10, default="kiosk")
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("đánh giá")
        verbose_name_plural = _("đánh giá")
        constraints = [
            models.UniqueConstraint(fields=["dossier"], condition=Q(dossier__isnull=False),
                                    name="floor_rating_one_per_dossier"),
            models.CheckConstraint(condition=Q(ticket__isnull=False) | Q(dossier__isnull=False),
                                   name="floor_rating_has_transaction"),
            models.CheckConstraint(condition=Q(level__lte=2), name="floor_rating_level"),
        ]


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", _("Đã tiếp nhận")
    ANSWERED = "answered", _("Đã trả lời")


class Complaint(models.Model):
    """A complaint or recommendation (phản ánh, kiến nghị) routed to a unit."""

    code = models.CharField(max_length=12, unique=True)
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="complaints")
    name = models.CharField(_("họ và tên"), max_length=255)
    contact = models.CharField(_("điện thoại hoặc thư điện tử"), max_length=255)
    subject = models.CharField(_("tiêu đề"), max_length=255)
    text = models.TextField(_("nội dung"), max_length=5000)
    allow_publish = models.BooleanField(_("đồng ý công khai"), default=False)
    # The unit's choice when answering; only possible where the citizen allowed it.
    published = models.BooleanField(_("công khai trả lời"), default=False)
    channel = models.CharField(max_length=10, default="online")
    status = models.CharField(max_length=10, choices=ComplaintStatus.choices,
                              default=ComplaintStatus.RECEIVED)
    submitted_at = models.DateTimeField()
    due_at = models.DateTimeField()
    answer = models.TextField(_("trả lời"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("phản ánh, kiến nghị")
        verbose_name_plural = _("phản ánh, kiến nghị")
        ordering = ["-submitted_at"]
        constraints = [models.CheckConstraint(
            condition=Q(status="received") | (Q(answered_at__isnull=False) & ~Q(answer="")),
            name="floor_complaint_answered_has_answer"),
            models.CheckConstraint(
                condition=Q(published=False) | (Q(allow_publish=True) & Q(status="answered")),
                name="floor_complaint_published_allowed_answered")]

    def __str__(self) -> str:
        return f"{self.code} – {self.subject}"

    @property
    def overdue(self) -> bool:
        """Quá hạn: answered after its deadline, or still unanswered past it."""
        if self.answered_at is not None:
            return self.answered_at > self.due_at
        return timezone.now() > self.due_at

