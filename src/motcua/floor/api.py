"""Appointments API (lịch hẹn): bookable services, slots with places left, booking.

Anonymous clients may book; bookings are throttled per client address
(``MOTCUA_BOOKING_RATE_PER_IP`` an hour, 0 = no limit) and per phone number.
"""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.audit.context import client_ip
from motcua.core.dates import parse_date
from motcua.core.errors import InvalidInput
from motcua.core.public_url import public_base_url
from motcua.dossiers.serializers import ErrorSerializer
from motcua.floor import booking as bookings
from motcua.floor import capacity, selectors
from motcua.floor.models import Slot
from motcua.floor.throttle import booking_wait


class ServiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField(help_text="Mã dịch vụ tại sảnh")
    name = serializers.CharField()


class SlotSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    capacity = serializers.IntegerField()
    remaining = serializers.IntegerField(help_text="Số chỗ còn trống")


class BookingInSerializer(serializers.Serializer):
    slot = serializers.IntegerField(required=False, help_text="id của khung giờ")
    service = serializers.CharField(required=False, help_text="id hoặc mã dịch vụ (với start)")
    unit = serializers.CharField(required=False, help_text="mã đơn vị (với service)")
    start = serializers.DateTimeField(required=False, help_text="giờ bắt đầu khung (thay slot)")
    name = serializers.CharField(max_length=255)
    phone = serializers.CharField(max_length=20)
    id_number = serializers.CharField(max_length=12, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)


class BookingOutSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Mã lịch hẹn")
    status = serializers.CharField()
    service = serializers.CharField(source="slot.service.name")
    unit = serializers.CharField(source="slot.service.unit.code")
    start = serializers.DateTimeField(source="slot.start")
    end = serializers.DateTimeField(source="slot.end")
    url = serializers.SerializerMethodField(help_text="Trang xác nhận (mã QR, tệp lịch, hủy/đổi)")

    def get_url(self, obj) -> str:
        return f"{public_base_url(self.context.get('request'))}/dat-lich/xac-nhan/" \
               f"{bookings.booking_token(obj)}/"


def _unit(request):
    code = request.query_params.get("unit", "")
    unit = selectors.unit_by_code(code) if code else None
    if unit is None:
        raise InvalidInput("unknown_unit", _("Không tìm thấy đơn vị với mã này."), field="unit")
    return unit


class ServicesView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="appointment_services", tags=["appointments"],
        parameters=[OpenApiParameter("unit", str, required=True, description="Mã đơn vị")],
        responses={200: ServiceSerializer(many=True), 400: ErrorSerializer})
    def get(self, request):
        """Dịch vụ nhận đặt lịch hẹn của một trung tâm."""
        rows = selectors.bookable_services(_unit(request))
        return Response(ServiceSerializer(rows, many=True).data)


class SlotsView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="appointment_slots", tags=["appointments"],
        parameters=[OpenApiParameter("unit", str, required=True),
                    OpenApiParameter("service", str, required=True, description="id hoặc mã"),
                    OpenApiParameter("date", str, required=True, description="YYYY-MM-DD")],
        responses={200: SlotSerializer(many=True), 400: ErrorSerializer})
    def get(self, request):
        """Khung giờ hẹn của một ngày, với số chỗ còn trống."""
        unit = _unit(request)
        service = selectors.service_by_ref(unit, request.query_params.get("service", ""))
        if service is None or not service.bookable:
            raise InvalidInput("unknown_service", _("Không tìm thấy dịch vụ nhận đặt lịch."),
                               field="service")
        try:
            day = parse_date(request.query_params.get("date", ""))
        except (ValueError, InvalidInput):
            raise InvalidInput("invalid_date", _("Ngày không hợp lệ (YYYY-MM-DD)."),
                               field="date") from None
        slots = capacity.slots_for_day(service, day)
        return Response(SlotSerializer(
            [{"id": s.pk, "start": s.start, "end": s.end, "capacity": s.capacity,
              "remaining": s.remaining} for s in slots], many=True).data)


class BookView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="appointment_book", tags=["appointments"], request=BookingInSerializer,
        responses={201: BookingOutSerializer, 400: ErrorSerializer,
                   409: OpenApiResponse(ErrorSerializer, description="slot_full, booking_cap"),
                   429: ErrorSerializer})
    def post(self, request):
        """Đặt lịch hẹn (không cần đăng nhập): 201 với lịch hẹn, hoặc 409 ``slot_full``."""
        data = BookingInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        ip = client_ip(request)
        wait = booking_wait(ip=ip, phone=values["phone"])
        if wait is not None:
            raise exceptions.Throttled(wait=wait)
        slot = self._slot(values)
        booking = bookings.booking_book(
            actor=request.user if request.user.is_authenticated else None, slot=slot,
            name=values["name"], phone=values["phone"], id_number=values.get("id_number", ""),
            email=values.get("email", ""), ip=ip)
        return Response(BookingOutSerializer(booking, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)

    def _slot(self, values) -> Slot:
        if values.get("slot") is not None:
            slot = Slot.objects.select_related("service__unit").filter(pk=values["slot"]).first()
            if slot is None:
                raise InvalidInput("unknown_slot", _("Không tìm thấy khung giờ."), field="slot")
            return slot
        if not (values.get("service") and values.get("start") and values.get("unit")):
            raise InvalidInput("required", _("Cần slot, hoặc unit + service + start."), field="slot")
        unit = selectors.unit_by_code(values["unit"])
        service = selectors.service_by_ref(unit, values["service"]) if unit else None
        if service is None:
            raise InvalidInput("unknown_service", _("Không tìm thấy dịch vụ."), field="service")
        return bookings.resolve_slot(service=service, start=values["start"])


urlpatterns = [
    path("appointments/services", ServicesView.as_view(), name="api-appointment-services"),
    path("appointments/slots", SlotsView.as_view(), name="api-appointment-slots"),
    path("appointments", BookView.as_view(), name="api-appointments"),
]
