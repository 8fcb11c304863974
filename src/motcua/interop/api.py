"""API: the national portal submits online dossiers (channel 2) as a system account.

The account holds only the permission ``interop.submit_from_national_portal`` and no unit
membership, so every staff endpoint refuses it (docs/api.md, "Cổng DVC quốc gia").
"""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import permissions as drf_permissions
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.catalog.models import Procedure, ProcedureVersion
from motcua.core.errors import InvalidInput
from motcua.dossiers.serializers import (
    ApplicantSerializer,
    DeliverySerializer,
    DocumentInSerializer,
    ErrorSerializer,
)
from motcua.interop.services import national_portal_submit
from motcua.org.models import Unit

PERMISSION = "interop.submit_from_national_portal"


class IsNationalPortal(drf_permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm(PERMISSION))


class NationalPortalIntakeSerializer(serializers.Serializer):
    external_id = serializers.CharField(max_length=64,
                                        help_text="Mã hồ sơ trên Cổng DVC quốc gia")
    procedure = serializers.CharField(help_text="Mã thủ tục (phiên bản đang áp dụng)")
    receiving_unit = serializers.CharField(help_text="Mã đơn vị tiếp nhận")
    applicant = ApplicantSerializer()
    documents = DocumentInSerializer(many=True)
    delivery = DeliverySerializer(required=False)
    request_summary = serializers.CharField(required=False, allow_blank=True)


class NationalPortalIntakeResult(serializers.Serializer):
    code = serializers.CharField(help_text="Mã hồ sơ của tỉnh")
    external_id = serializers.CharField()
    status = serializers.CharField()
    created = serializers.BooleanField(help_text="false: đã nhận trước đó (gửi lặp)")


def _version(code: str) -> ProcedureVersion:
    procedure = Procedure.objects.filter(code=code).select_related(
        "current", "current__agency", "current__field").first()
    version = procedure.current if procedure else None
    if procedure is None or version is None:
        raise InvalidInput("procedure_unknown", _("Không tìm thấy thủ tục."), field="procedure")
    version.procedure = procedure
    return version


def _unit(code: str) -> Unit:
    unit = Unit.objects.filter(code=code).select_related("parent").first()
    if unit is None:
        raise InvalidInput("unit_unknown", _("Không tìm thấy đơn vị."), field="receiving_unit")
    return unit


class NationalPortalIntake(APIView):
    permission_classes = [IsNationalPortal]

    @extend_schema(
        operation_id="v1_national_portal_dossiers_create",
        summary="Nhận hồ sơ trực tuyến từ Cổng DVC quốc gia (tài khoản hệ thống)",
        request=NationalPortalIntakeSerializer,
        responses={201: NationalPortalIntakeResult, 200: NationalPortalIntakeResult,
                   400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer,
                   409: OpenApiResponse(ErrorSerializer)},
        examples=[OpenApiExample("Hồ sơ từ Cổng", request_only=True, value={
            "external_id": "G22.99-260302-000123", "procedure": "1.000001",
            "receiving_unit": "000.00.01.H15",
            "applicant": {"name": "Nguyễn Văn An", "id_number": "066090001234",
                          "phone": "0912345678", "email": "an@example.vn"},
            "documents": [{"required": 1, "provided_as": "electronic"}],
            "delivery": {"method": "online"}})],
    )
    def post(self, request):
        s = NationalPortalIntakeSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = s.validated_data
        dossier, created = national_portal_submit(
            actor=request.user, external_id=data["external_id"],
            procedure_version=_version(data["procedure"]),
            receiving_unit=_unit(data["receiving_unit"]), applicant=dict(data["applicant"]),
            documents=[dict(d) for d in data["documents"]],
            delivery=dict(data.get("delivery") or {}),
            request_summary=data.get("request_summary", ""),
        )
        body = {"code": dossier.code, "external_id": data["external_id"],
                "status": dossier.status, "created": created}
        return Response(body, status=201 if created else 200)


urlpatterns = [
    path("national-portal/dossiers", NationalPortalIntake.as_view(),
         name="national-portal-dossiers"),
]
