"""Dossier API v1 (staff only, unit-scoped): intake, list, detail, actions.

Errors are ``{"code", "message", "fields"}`` with 400 (bad input), 403 (role or unit), 409
(state): see docs/api.md.
"""

from __future__ import annotations

from typing import NoReturn

from django.contrib.auth import get_user_model
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions as drf_permissions
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.accounts.authentication import DeferredAuthMixin
from motcua.accounts.tokens import current_generation, generation_of, unconfirmed
from motcua.catalog.models import ProcedureVersion
from motcua.core.errors import InvalidInput, NotAllowed
from motcua.core.filtering import FilteredListSchema
from motcua.core.lean_input import LeanInput
from motcua.core.parsers import JSONParser
from motcua.dossiers import access, conditional, permissions, selectors, services
from motcua.dossiers.detail_body import detail_body, list_page_values, record_body
from motcua.dossiers.filters import DossierListFilters
from motcua.dossiers.models import Dossier
from motcua.dossiers.serializers import (
    ActionResultSerializer,
    ActionSerializer,
    DossierPageSerializer,
    DossierView,
    ErrorSerializer,
    IntakeSerializer,
    detail_serializer,
)
from motcua.dossiers.transitions import NON_TRANSITION_ACTIONS, TRANSITIONS
from motcua.org.models import Counter, Unit

ACTIONS = [*TRANSITIONS.keys(), *NON_TRANSITION_ACTIONS]
INTAKE_INPUT = LeanInput(IntakeSerializer)

ERRORS = {
    401: OpenApiResponse(ErrorSerializer, description="Chưa đăng nhập hoặc mã thông báo sai"),
    404: OpenApiResponse(ErrorSerializer, description="Không tìm thấy (hoặc không thuộc đơn vị "
                                                      "của cán bộ: cùng một câu trả lời)"),
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


def _version(data, generation: int | None) -> ProcedureVersion:
    # With its procedure, agency, field, parts and receiving units: kept per process at the
    # change counter the sign-in read (services.intake_version).
    version = services.intake_version(pk=data.get("procedure_version"),
                                      procedure=data.get("procedure"), generation=generation)
    if version is None:
        raise InvalidInput("procedure_unknown", _('Không tìm thấy thủ tục.'), field="procedure")
    return version


def _unit(code, field, generation: int | None = None) -> Unit:
    # The parent decides the competent unit of a commune-level intake (services.competent_unit_for).
    unit = services.intake_unit(code, generation=generation)
    if unit is None:
        raise InvalidInput("unit_unknown", _('Không tìm thấy đơn vị.'), field=field)
    return unit


class DossierListCreate(APIView):
    permission_classes = [IsStaff]
    # For the OpenAPI schema only: get() validates with the FilterSet and the selector queries.
    schema = FilteredListSchema()
    filter_backends = [DjangoFilterBackend]
    filterset_class = DossierListFilters
    queryset = Dossier.objects.none()

    @extend_schema(
        operation_id="v1_dossiers_list",
        summary="Danh sách hồ sơ (theo đơn vị của cán bộ)",
        parameters=[OpenApiParameter(
            "page", OpenApiTypes.INT, description="Trang (từ 1); trang không có: 404")],
        responses={200: DossierPageSerializer, 400: ERRORS[400], 401: ERRORS[401],
                   403: ERRORS[403], 404: ERRORS[404]},
    )
    def get(self, request):
        from motcua.dossiers.pagination import CappedPagination

        # One time of day for the list's filter (``?overdue=``) and its rows' "overdue".
        now = timezone.now()
        qs = selectors.list_page_source(user=request.user,
                                        filters=DossierListFilters.parse(request), now=now)
        # COUNT(*) over a unit's whole list cost more than the page at 1M dossiers: the count
        # is capped, and skipped when the page shows where the list ends (docs/api.md).
        paginator = CappedPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        # The list shows applicants' names: each dossier on the page is a read of personal data.
        access.record_list(actor=request.user, dossiers=page, channel=access.API,
                           ip=_client_ip(request))
        # Hand-written rows, the same dicts as DossierListSerializer (dossiers/detail_body.py).
        return paginator.get_paginated_response(list_page_values(page or (), now))

    @extend_schema(
        summary="Tiếp nhận hồ sơ tại quầy",
        request=IntakeSerializer,
        responses={201: DossierView, **ERRORS},
        examples=[OpenApiExample("Tiếp nhận", request_only=True, value={
            "procedure": "1.000001", "receiving_unit": "000.00.01.H15",
            "applicant": {"name": "Nguyễn Văn An", "id_number": "066090001234",
                          "birth_date": "1990-05-04", "gender": "male",
                          "phone": "0912345678"},
            "documents": [{"required": 1, "provided_as": "original"}],
            "channel": 1, "delivery": {"method": "counter"}})],
    )
    def post(self, request):
        # Plain JSON that the serializer would accept as it is is read without it (the same
        # validated data, core/lean_input.py); anything else, errors included, goes through it.
        data = INTAKE_INPUT.validated(request.data)
        if data is None:
            s = IntakeSerializer(data=request.data)
            s.is_valid(raise_exception=True)
            data = s.validated_data
        generation = generation_of(request.auth)
        unit = _unit(data["receiving_unit"], "receiving_unit", generation)
        counter = None
        if data.get("counter") is not None:
            # A counter of the receiving unit, or a 400: an unknown one was silently dropped.
            counter = Counter.objects.filter(pk=data["counter"], center=unit).first()
            if counter is None:
                raise InvalidInput("counter_unknown", _('Không có quầy này tại đơn vị tiếp nhận.'),
                                   field="counter")
        dossier = services.dossier_receive(
            actor=request.user, procedure_version=_version(data, generation), receiving_unit=unit,
            applicant=dict(data["applicant"]), documents=[dict(d) for d in data["documents"]],
            channel=data["channel"], counter=counter, delivery=dict(data.get("delivery") or {}),
            request_summary=data.get("request_summary", ""), notes=data.get("notes", ""),
        )
        # The rows just written: the answer needs no read-back (it was one query per list plus
        # one per step unit and history actor).
        services.seed_related(dossier, services.written_rows(dossier))
        body = detail_body(request.user, dossier)
        return Response(body, status=201)


class DossierDetail(DeferredAuthMixin, APIView):
    """The dossier with the applicant's personal data; the read is recorded in the access log
    (``motcua.dossiers.access``: one plain insert, once per officer and dossier per window),
    not in the dossier's hash chain.

    Conditional (``dossiers/conditional.py``): the answer carries a weak ``ETag``; a client
    sending it back in ``If-None-Match`` gets a 304 from one indexed query when nothing shown
    has changed. The token's sign-in comes from the process cache and is confirmed by the
    change counter read in that same query (``DeferredAuthMixin``). Without ``If-None-Match``
    the lookup is one statement (``access.detail_read``), which reads the counter too."""

    permission_classes = [IsStaff]
    _default_headers: dict[str, str] | None = None

    @property
    def default_response_headers(self):
        # DRF's ``Allow`` and ``Vary: Accept``, worked out once per class (from its methods
        # and renderers, fixed) instead of on every request; a fresh dict, as DRF's
        # finalize_response pops from it.
        cls = type(self)
        headers = cls.__dict__.get("_default_headers")
        if headers is None:
            headers = super().default_response_headers
            cls._default_headers = headers
        return dict(headers)

    def finalize_response(self, request, response, *args, **kwargs):
        # An answer ``conditional.decorate`` made varies on Accept already: DRF's patching it
        # in again would change nothing (and parse the header to find out).
        if response.get("Vary") == conditional.VARY_TEXT:
            self.headers.pop("Vary", None)
        return super().finalize_response(request, response, *args, **kwargs)

    @extend_schema(summary="Chi tiết hồ sơ (ghi nhật ký xem dữ liệu cá nhân)",
                   description="Vai trò không được xem dữ liệu cá nhân (nhân viên bưu chính) "
                               "nhận `view: delivery`: mã, nơi đến, người nhận, địa chỉ giao. "
                               "Trả `ETag` (yếu); gửi lại trong `If-None-Match` để nhận 304 "
                               "khi hồ sơ không đổi (vẫn ghi nhật ký xem).",
                   parameters=[OpenApiParameter("If-None-Match", OpenApiTypes.STR,
                                                OpenApiParameter.HEADER, required=False)],
                   responses={200: DossierView, 304: OpenApiResponse(
                       description="Không đổi kể từ ETag đã gửi"),
                              401: ERRORS[401], 403: ERRORS[403], 404: ERRORS[404]})
    def get(self, request, code: str):
        now = conditional.now()
        if not conditional.wanted(request):
            return self._cold(request, code, now)
        # The first query: the dossier's version and the change counter, which confirms the
        # cached sign-in before anything else is read or answered.
        head = conditional.head(code, now)
        if head is None:
            self._not_found(request)
        self.confirm_sign_in(request, head.generation)
        etag = conditional.tag(request, head)
        if conditional.matches(request, etag):
            # The officer is shown the data they hold: logged as a 200 would be.
            access.record_view(actor=request.user, dossier=head.id,
                               channel=access.API, ip=_client_ip(request))
            return conditional.not_modified(request, etag)
        record = access.detail_read(code)
        if record is None:
            raise NotFound()
        # The tag of the version read first (the body's rows are as new or newer: at worst a
        # later revalidation answers 200 once more), overdue as of before the body is built.
        return self._answer(request, record, etag, star=True)

    def _cold(self, request, code: str, now):
        """No ``If-None-Match``: nothing to compare, so no head query. The detail's one
        statement brings the change counter too, which confirms the cached sign-in before the
        access check and before anything is answered; the tag is the head's, from the same
        row."""
        record = access.detail_read(code)
        if record is None:
            self._not_found(request)
        self.confirm_sign_in(request, record.generation)
        etag = conditional.tag(request, conditional.head_of(record.dossier, record.generation, now))
        return self._answer(request, record, etag, star=False)

    def _not_found(self, request) -> NoReturn:
        if unconfirmed(request.auth):
            self.confirm_sign_in(request, current_generation())
        raise NotFound()

    def _answer(self, request, record, etag, *, star: bool):
        # A dossier of units that are not the officer's is "not found", exactly as a code that
        # does not exist: a 403 told a foreign unit's staff which codes exist.
        if not access.can_view(request.user, record):
            raise NotFound()
        access.record_view(actor=request.user, dossier=record.dossier, channel=access.API,
                           ip=_client_ip(request))
        if star and conditional.matches(request, etag, star=True):
            return conditional.not_modified(request, etag)
        # Hand-written, the same dict as the serializers (dossiers/detail_body.py).
        body = record_body(request.user, record)
        return conditional.decorate(request, Response(body), etag)


def _user(username):
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        # The same answer as for an existing user who is not a specialist of the unit
        # (services: ``assignee_not_specialist``): which usernames exist is not the caller's
        # business.
        raise InvalidInput("assignee_not_specialist",
                           _('Người được phân công không phải chuyên viên của đơn vị.'),
                           field="assignee")
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
        responses={200: ActionResultSerializer, **ERRORS},
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
            raise InvalidInput("unknown_action", _("Thao tác “%(action)s” không tồn tại.") % {"action": action},
                               field="action")
        try:
            dossier = selectors.dossier_get(user=request.user, code=code)
        except (Dossier.DoesNotExist, NotAllowed):
            raise NotFound() from None
        s = ActionSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        params = dict(s.validated_data)
        if action not in permissions.NON_STATUS_ACTIONS:
            if "assignee" in params:
                params["assignee"] = _user(params["assignee"])
            if "partner_unit" in params:
                params["partner_unit"] = _unit(params["partner_unit"], "partner_unit",
                                               generation_of(request.auth))
        result = services.dossier_perform(actor=request.user, dossier=dossier, action=action,
                                          **params)
        warnings = result.warnings
        dossier = selectors.dossier_get(user=request.user, code=code) if permissions.can_view_dossier(
            request.user, dossier) else dossier
        shape = detail_serializer(request.user, dossier)
        body = {"dossier": shape(dossier, context={"request": request}).data,
                "warnings": warnings}
        return Response(body)


urlpatterns = [
    path("dossiers", DossierListCreate.as_view(), name="dossier-list"),
    path("dossiers/<str:code>", DossierDetail.as_view(), name="dossier-detail"),
    path("dossiers/<str:code>/actions/<str:action>", DossierAction.as_view(),
         name="dossier-action"),
]
