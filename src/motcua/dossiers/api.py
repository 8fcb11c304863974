"""Dossier API v1 (staff only, unit-scoped): intake, list, detail, actions.

Errors are ``{"code", "message", "fields"}`` with 400 (bad input), 403 (role or unit), 409
(state): see docs/api.md.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions as drf_permissions
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.catalog.models import Procedure, ProcedureVersion
from motcua.core.errors import InvalidInput
from motcua.dossiers import access, permissions, selectors, services
from motcua.dossiers.models import Dossier
from motcua.dossiers.serializers import (
    ActionResultSerializer,
    ActionSerializer,
    DossierDetailSerializer,
    DossierListSerializer,
    ErrorSerializer,
    IntakeSerializer,
)
from motcua.dossiers.transitions import NON_TRANSITION_ACTIONS, TRANSITIONS
from motcua.org.models import Counter, Unit

ACTIONS = [*TRANSITIONS.keys(), *NON_TRANSITION_ACTIONS]

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Dữ liệu không hợp lệ", examples=[
        OpenApiExample("Thiếu giấy tờ", value={
            "code": "document_missing", "message": "Thiếu giấy tờ bắt buộc: Đơn đề nghị.",
            "fields": {"documents": ["Thiếu giấy tờ bắt buộc: Đơn đề nghị."]}}),
    ]),
    403: OpenApiResponse(ErrorSerializer, description="Sai vai trò hoặc đơn vị", examples=[
        OpenApiExample("Sai đơn vị", value={
            "code": "unit_not_allowed",
            "message": "Bạn không thuộc đơn vị được thực hiện “Phân công thụ lý” đối với hồ sơ này."}),
    ]),
    409: OpenApiResponse(ErrorSerializer, description="Không hợp lệ ở trạng thái hiện tại",
                         examples=[OpenApiExample("Sai trạng thái", value={
                             "code": "transition_not_allowed",
                             "message": "Không thể thực hiện “Trả kết quả” khi hồ sơ đang ở "
                                        "trạng thái “Đang thẩm định”."})]),
}


class IsStaff(drf_permissions.BasePermission):
    """Authenticated staff: a membership in some unit, or a superuser."""

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated) and permissions.is_staff_member(
            request.user
        )


def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _version(data) -> ProcedureVersion:
    # The procedure, agency and field come in the same query: intake reads all three.
    if data.get("procedure_version"):
        version = (
            ProcedureVersion.objects.select_related("procedure", "agency", "field")
            .filter(pk=data["procedure_version"]).first()
        )
    elif data.get("procedure"):
        procedure = (
            Procedure.objects.filter(code=data["procedure"])
            .select_related("current", "current__agency", "current__field").first()
        )
        version = procedure.current if procedure else None
        if version is not None:
            version.procedure = procedure
    else:
        version = None
    if version is None:
        raise InvalidInput("procedure_unknown", "Không tìm thấy thủ tục.", field="procedure")
    return version


def _unit(code, field) -> Unit:
    # The parent decides the competent unit of a commune-level intake (services.competent_unit_for).
    unit = Unit.objects.filter(code=code).select_related("parent").first()
    if unit is None:
        raise InvalidInput("unit_unknown", "Không tìm thấy đơn vị.", field=field)
    return unit


class DossierListCreate(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        summary="Danh sách hồ sơ (theo đơn vị của cán bộ)",
        parameters=[
            OpenApiParameter("unit", OpenApiTypes.INT, description="Id đơn vị"),
            OpenApiParameter("status", OpenApiTypes.STR, description="Trạng thái, phân cách phẩy"),
            OpenApiParameter("overdue", OpenApiTypes.BOOL, description="Chỉ hồ sơ quá hạn"),
            OpenApiParameter("due_before", OpenApiTypes.DATETIME),
            OpenApiParameter("procedure", OpenApiTypes.STR, description="Mã thủ tục"),
            OpenApiParameter("field", OpenApiTypes.STR, description="Mã lĩnh vực"),
            OpenApiParameter("received_from", OpenApiTypes.DATE),
            OpenApiParameter("received_to", OpenApiTypes.DATE),
        ],
        responses={200: DossierListSerializer(many=True), 400: ERRORS[400], 403: ERRORS[403]},
    )
    def get(self, request):
        from motcua.dossiers.pagination import CappedPagination

        qs = selectors.list_rows(
            selectors.dossier_list(user=request.user, filters=request.query_params.dict()))
        # COUNT(*) over a unit's whole list cost more than the page at 1M dossiers: the count
        # is capped, and skipped when the page shows where the list ends (docs/api.md).
        paginator = CappedPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(DossierListSerializer(page, many=True).data)

    @extend_schema(
        summary="Tiếp nhận hồ sơ tại quầy",
        request=IntakeSerializer,
        responses={201: DossierDetailSerializer, **ERRORS},
        examples=[OpenApiExample("Tiếp nhận", request_only=True, value={
            "procedure": "1.000001", "receiving_unit": "000.00.01.H15",
            "applicant": {"name": "Nguyễn Văn An", "id_number": "066090001234",
                          "birth_date": "1990-05-04", "gender": "male",
                          "phone": "0912345678"},
            "documents": [{"required": 1, "provided_as": "original"}],
            "channel": 1, "delivery": {"method": "counter"}})],
    )
    def post(self, request):
        s = IntakeSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = s.validated_data
        unit = _unit(data["receiving_unit"], "receiving_unit")
        counter = None
        if data.get("counter"):
            counter = Counter.objects.filter(pk=data["counter"]).first()
        dossier = services.dossier_receive(
            actor=request.user, procedure_version=_version(data), receiving_unit=unit,
            applicant=dict(data["applicant"]), documents=[dict(d) for d in data["documents"]],
            channel=data["channel"], counter=counter, delivery=dict(data.get("delivery") or {}),
            request_summary=data.get("request_summary", ""), notes=data.get("notes", ""),
        )
        # The rows just written: the answer needs no read-back (it was one query per list plus
        # one per step unit and history actor).
        services.seed_related(dossier, services.written_rows(dossier))
        body = DossierDetailSerializer(dossier, context={"request": request}).data
        return Response(body, status=201)


class DossierDetail(APIView):
    """The dossier with the applicant's personal data; the read is recorded in the access log
    (``motcua.dossiers.access``: one plain insert, once per officer and dossier per window),
    not in the dossier's hash chain."""

    permission_classes = [IsStaff]

    @extend_schema(summary="Chi tiết hồ sơ (ghi nhật ký xem dữ liệu cá nhân)",
                   responses={200: DossierDetailSerializer, 403: ERRORS[403]})
    def get(self, request, code: str):
        try:
            dossier = access.dossier_for_view(user=request.user, code=code)
        except Dossier.DoesNotExist:
            raise NotFound() from None
        access.record_view(actor=request.user, dossier=dossier, channel=access.API,
                           ip=_client_ip(request))
        return Response(DossierDetailSerializer(dossier, context={"request": request}).data)


def _user(username):
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise InvalidInput("user_unknown", "Không tìm thấy cán bộ.", field="assignee")
    return user


class DossierAction(APIView):
    permission_classes = [IsStaff]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        summary="Thực hiện thao tác trên hồ sơ",
        description="Thao tác: " + ", ".join(ACTIONS) + ". Xem docs/dossiers.md.",
        parameters=[OpenApiParameter("action", OpenApiTypes.STR, OpenApiParameter.PATH,
                                     enum=ACTIONS)],
        request=ActionSerializer,
        responses={200: ActionResultSerializer, 404: ErrorSerializer, **ERRORS},
        examples=[
            OpenApiExample("Phân công", request_only=True, value={"assignee": "chuyenvien"}),
            OpenApiExample("Yêu cầu bổ sung", request_only=True,
                           value={"items": "Bản vẽ mặt bằng", "reason": "Thiếu bản vẽ"}),
            OpenApiExample("Xin lỗi, hẹn lại", request_only=True,
                           value={"reason": "Chờ ý kiến Sở Tài chính",
                                  "new_due_at": "2026-03-20T16:00:00+07:00"}),
        ],
    )
    def post(self, request, code: str, action: str):
        if action not in ACTIONS:
            raise InvalidInput("unknown_action", f"Thao tác “{action}” không tồn tại.",
                               field="action")
        try:
            dossier = selectors.dossier_get(user=request.user, code=code)
        except Dossier.DoesNotExist:
            raise NotFound() from None
        s = ActionSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        params = dict(s.validated_data)
        if action not in permissions.NON_STATUS_ACTIONS:
            if "assignee" in params:
                params["assignee"] = _user(params["assignee"])
            if "partner_unit" in params:
                params["partner_unit"] = _unit(params["partner_unit"], "partner_unit")
        result = services.dossier_perform(actor=request.user, dossier=dossier, action=action,
                                          **params)
        warnings = result.warnings
        dossier = selectors.dossier_get(user=request.user, code=code) if permissions.can_view_dossier(
            request.user, dossier) else dossier
        body = {"dossier": DossierDetailSerializer(dossier, context={"request": request}).data,
                "warnings": warnings}
        return Response(body)


urlpatterns = [
    path("dossiers", DossierListCreate.as_view(), name="dossier-list"),
    path("dossiers/<str:code>", DossierDetail.as_view(), name="dossier-detail"),
    path("dossiers/<str:code>/actions/<str:action>", DossierAction.as_view(),
         name="dossier-action"),
]
