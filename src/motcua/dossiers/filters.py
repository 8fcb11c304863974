"""Query parameters of the dossier list API (bộ lọc danh sách hồ sơ), validated at the edge.

Every parameter is typed and bounded here so that a bad value is a 400 in the API's error shape
(``?holder=abc`` and ``?national_status=abc`` were 500s, ``overdue=maybe`` was silently "not
overdue", a 40-digit ``unit`` overflowed the database integer). The selector
(``selectors.dossier_list``) receives clean values. Kept as one serializer with a ``parse``
class method so that it can be swapped for a django-filter FilterSet without touching the view.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from motcua.catalog.models import Field, Procedure
from motcua.core.limits import MAX_BIG_ID, MAX_ID, max_length
from motcua.dossiers.models import Dossier
from motcua.dossiers.states import NATIONAL_NAME, Status

# Dates outside these years are typing errors, and 9999-12-31 plus a day overflows Python.
MIN_YEAR, MAX_YEAR = 1900, 2999


@extend_schema_field(OpenApiTypes.STR)
class DayOrInstantField(serializers.Field):
    """An ISO date (``2026-03-02``: its midnight) or date-time; naive ones are Vietnam time."""

    default_error_messages = {"invalid": "Ngày giờ không hợp lệ (dạng 2026-03-02 hoặc "
                                         "2026-03-02T08:00:00+07:00)."}

    def to_internal_value(self, data):
        text = str(data).strip()
        try:
            value = dt.datetime.fromisoformat(text)
        except ValueError:
            self.fail("invalid")
        if not MIN_YEAR <= value.year <= MAX_YEAR:
            self.fail("invalid")
        return value if timezone.is_aware(value) else timezone.make_aware(value)

    def to_representation(self, value):
        return value.isoformat()


class StatusListField(serializers.CharField):
    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        statuses = [s.strip() for s in text.split(",") if s.strip()]
        unknown = [s for s in statuses if s not in Status.values]
        if unknown:
            raise serializers.ValidationError(
                f"Trạng thái không hợp lệ: {', '.join(unknown)}. Dùng: {', '.join(Status.values)}.")
        return ",".join(statuses)


class DossierListFilters(serializers.Serializer):
    unit = serializers.IntegerField(required=False, min_value=1, max_value=MAX_BIG_ID,
                                    help_text="Id đơn vị (tiếp nhận, giải quyết hoặc đang giữ)")
    status = StatusListField(required=False, max_length=400,
                             help_text="Trạng thái nội bộ, phân cách phẩy: "
                                       + ", ".join(Status.values))
    national_status = serializers.ChoiceField(
        required=False, choices=sorted(NATIONAL_NAME.items()),
        help_text="Mã trạng thái quốc gia 1–10")
    overdue = serializers.BooleanField(required=False, help_text="true: chỉ hồ sơ quá hạn; "
                                                                 "false: chỉ hồ sơ chưa quá hạn")
    due_before = DayOrInstantField(required=False, help_text="Hạn xử lý trước thời điểm này")
    procedure = serializers.CharField(required=False, max_length=max_length(Procedure, "code"),
                                      help_text="Mã thủ tục")
    field = serializers.CharField(required=False, max_length=max_length(Field, "code"),
                                  help_text="Mã lĩnh vực")
    received_from = DayOrInstantField(required=False, help_text="Tiếp nhận từ (ngày, tính cả)")
    received_to = DayOrInstantField(required=False, help_text="Tiếp nhận đến (ngày, tính cả)")
    holder = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID,
                                      help_text="Id cán bộ đang giữ hồ sơ")
    q = serializers.CharField(required=False, allow_blank=True,
                              max_length=max_length(Dossier, "applicant_name"),
                              help_text="Mã hồ sơ (đầu mã) hoặc tên người nộp")

    @classmethod
    def parse(cls, request) -> dict:
        """The filters of ``selectors.dossier_list``; ValidationError (400) on a bad value.

        A plain dict, not the QueryDict: DRF reads a missing boolean of an HTML form as false,
        which would turn every list into "not overdue".
        """
        params = {k: v for k, v in request.query_params.dict().items() if k in cls._declared_fields}
        filters = cls(data=params)
        filters.is_valid(raise_exception=True)
        return dict(filters.validated_data)
