"""Public, read-only catalog API: fields, units, procedures (danh mục thủ tục công khai)."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny

from motcua.catalog import selectors
from motcua.catalog.models import OnlineMode, ProcedureVersion, StepRole, TimeUnit
from motcua.org.models import Level, UnitKind


def _number(value):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


class ProcedureTimeLimitSerializer(serializers.Serializer):
    value = serializers.FloatField(help_text="Số ngày hoặc số giờ")
    unit = serializers.ChoiceField(choices=TimeUnit.choices)


def _limit(value, unit) -> dict | None:
    return {"value": _number(value), "unit": unit} if value is not None else None


class CatalogFieldSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Mã lĩnh vực")
    name = serializers.CharField(help_text="Tên lĩnh vực")
    slug = serializers.CharField()
    procedure_count = serializers.IntegerField(help_text="Số thủ tục đang áp dụng")


class CatalogUnitSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Mã đơn vị (QCVN 102:2016)")
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=UnitKind.choices)
    level = serializers.ChoiceField(choices=Level.choices)
    parent_code = serializers.CharField(allow_null=True, help_text="Mã đơn vị cha")


class CatalogRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class ProcedureSummarySerializer(serializers.Serializer):
    code = serializers.CharField(source="procedure.code", help_text="Mã thủ tục")
    name = serializers.CharField(help_text="Tên thủ tục")
    version = serializers.IntegerField(source="number", help_text="Phiên bản số")
    field = CatalogRefSerializer(help_text="Lĩnh vực")
    agency = CatalogRefSerializer(help_text="Cơ quan thực hiện")
    level = serializers.ChoiceField(choices=Level.choices)
    online_mode = serializers.ChoiceField(choices=OnlineMode.choices)
    time_limit = serializers.SerializerMethodField()

    @extend_schema_field(ProcedureTimeLimitSerializer(allow_null=True))
    def get_time_limit(self, version: ProcedureVersion) -> dict | None:
        """The time limit in force: the committed one if set, else the legal one."""
        return _limit(*version.effective_time)


class ProcedureDocumentSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    name = serializers.CharField()
    form = serializers.CharField()
    copies = serializers.IntegerField()
    mandatory = serializers.BooleanField()
    condition = serializers.CharField()


class ProcedureFeeSerializer(serializers.Serializer):
    name = serializers.CharField()
    amount = serializers.IntegerField(allow_null=True, help_text="Đồng")
    description = serializers.CharField()
    per_copy = serializers.BooleanField(help_text="Số tiền là đơn giá mỗi bản")
    online_reduction_percent = serializers.IntegerField(
        min_value=0, max_value=100, help_text="Giảm khi nộp trực tuyến (%)")
    exemptions = serializers.ListField(child=serializers.CharField(),
                                       help_text="Đối tượng được miễn")


class ProcedureStepSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.ChoiceField(choices=StepRole.choices)
    unit = CatalogRefSerializer(allow_null=True, help_text="Để trống: cơ quan thực hiện")
    hours = serializers.FloatField(help_text="Giờ làm việc")


class ProcedureDetailSerializer(ProcedureSummarySerializer):
    national_code = serializers.CharField(source="procedure.national_code")
    local_code = serializers.CharField(source="procedure.local_code")
    published_at = serializers.DateTimeField()
    legal_time = serializers.SerializerMethodField()
    committed_time = serializers.SerializerMethodField()
    time_note = serializers.CharField()
    cutoff = serializers.TimeField(format="%H:%M", allow_null=True)
    receiving_units = CatalogRefSerializer(many=True, help_text="Nơi tiếp nhận")
    fee_text = serializers.CharField()
    fees = ProcedureFeeSerializer(many=True)
    result_type = serializers.CharField()
    requires_paper_result = serializers.BooleanField()
    five_on_site = serializers.BooleanField(help_text="\"5 tại chỗ\"")
    boundary_free = serializers.BooleanField(help_text="Không phụ thuộc địa giới hành chính")
    documents = ProcedureDocumentSerializer(many=True)
    steps = ProcedureStepSerializer(many=True)
    legal_basis = serializers.CharField()
    source = serializers.CharField()
    note = serializers.CharField()

    @extend_schema_field(ProcedureTimeLimitSerializer(allow_null=True))
    def get_legal_time(self, version: ProcedureVersion) -> dict | None:
        return _limit(version.legal_time_value, version.legal_time_unit)

    @extend_schema_field(ProcedureTimeLimitSerializer(allow_null=True))
    def get_committed_time(self, version: ProcedureVersion) -> dict | None:
        return _limit(version.time_value, version.time_unit)


class _Filters(serializers.Serializer):
    """Query parameters, validated so a bad ``level`` is a 400 with the usual error shape.

    Read from a plain dict, not the QueryDict: DRF treats an empty value of an HTML form as
    absent, so ``?kind=`` was silently "every kind" although the schema lists the kinds.
    """

    field = serializers.CharField(required=False, allow_blank=True, max_length=32)
    agency = serializers.CharField(required=False, allow_blank=True, max_length=35)
    level = serializers.ChoiceField(choices=Level.choices, required=False)
    search = serializers.CharField(required=False, allow_blank=True, max_length=200)
    kind = serializers.ChoiceField(choices=UnitKind.choices, required=False)

    @classmethod
    def parse(cls, request) -> dict:
        params = {k: v for k, v in request.query_params.dict().items() if k in cls._declared_fields}
        filters = cls(data=params)
        filters.is_valid(raise_exception=True)
        return {k: v for k, v in filters.validated_data.items() if v != "" or k == "search"}


class PublicListView(generics.ListAPIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []


@extend_schema(tags=["catalog"], summary="Lĩnh vực và số thủ tục đang áp dụng")
class FieldList(PublicListView):
    serializer_class = CatalogFieldSerializer

    def get_queryset(self):
        return selectors.fields_with_counts()


@extend_schema(
    tags=["catalog"],
    summary="Danh sách đơn vị",
    parameters=[
        OpenApiParameter("kind", str, enum=UnitKind.values, description="Loại đơn vị"),
        OpenApiParameter("level", str, enum=Level.values, description="Cấp"),
    ],
)
class UnitList(PublicListView):
    serializer_class = CatalogUnitSerializer

    def get_queryset(self):
        filters = _Filters.parse(self.request)
        return selectors.units_public(kind=filters.get("kind"), level=filters.get("level"))


@extend_schema(
    tags=["catalog"],
    summary="Tra cứu thủ tục hành chính đang áp dụng",
    parameters=[
        OpenApiParameter("field", {"type": "string", "maxLength": 32}, description="Mã lĩnh vực"),
        OpenApiParameter("agency", {"type": "string", "maxLength": 35},
                         description="Mã đơn vị của cơ quan thực hiện"),
        OpenApiParameter("level", str, enum=Level.values, description="Cấp thực hiện"),
        OpenApiParameter(
            "search", {"type": "string", "maxLength": 200},
            description="Từ khóa, không phân biệt dấu (\"cap doi can cuoc\")"
        ),
    ],
)
class ProcedureList(PublicListView):
    serializer_class = ProcedureSummarySerializer

    def get_queryset(self):
        filters = _Filters.parse(self.request)
        return selectors.procedures_search(
            q=filters.get("search", ""),
            field=filters.get("field"),
            agency=filters.get("agency"),
            level=filters.get("level"),
        )


@extend_schema(tags=["catalog"], summary="Chi tiết thủ tục (phiên bản đang áp dụng)")
class ProcedureDetail(generics.RetrieveAPIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    serializer_class = ProcedureDetailSerializer
    lookup_url_kwarg = "code"

    def get_object(self):
        version = selectors.procedure_detail(code=self.kwargs["code"])
        if version is None:
            raise NotFound()
        return version


urlpatterns = [
    path("fields", FieldList.as_view(), name="api-fields"),
    path("units", UnitList.as_view(), name="api-units"),
    path("procedures", ProcedureList.as_view(), name="api-procedures"),
    path("procedures/<str:code>", ProcedureDetail.as_view(), name="api-procedure-detail"),
]
