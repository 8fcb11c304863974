"""API công dân (``/api/v1/citizen/``): what the portal's citizen pages do, for the province's
mobile app.

The app signs the citizen in with the identity provider itself and exchanges the ID token for a
citizen token (``POST citizen/token``; checked as the web sign-in checks it,
``citizens.oidc.verify_id_token``). Every other view takes only citizen tokens
(``CitizenTokenAuthentication``: a staff token is refused with 403, and the staff API refuses a
citizen token). Thin: the reads are ``citizens.selectors`` (``dossier_summary`` is what the
portal's page shows too), the writes ``citizens.services``; uploads are checked by the same
upload policy (``core.uploads.check_stream``) and cut off past the size limit while they
arrive (``core.upload_limit``). Another citizen's draft or dossier is 404, as an unknown one.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.accounts.authentication import CitizenTokenAuthentication
from motcua.accounts.models import ApiToken, TokenKind
from motcua.accounts.tokens import token_issue, token_revoke
from motcua.citizens import oidc, receipt, selectors, services
from motcua.citizens.models import CitizenProfile, DraftStatus, ElectronicDocument
from motcua.core.downloads import attachment_response
from motcua.core.errors import InvalidInput
from motcua.core.parsers import JSONParser
from motcua.core.pdf import pdf_response, safe_filename
from motcua.core.throttling import LoginThrottle
from motcua.core.upload_limit import (
    STOPPED,
    LimitedUploadHandler,
    announced_too_large,
    too_large_message,
)
from motcua.core.uploads import content_type_for
from motcua.dossiers.serializers import ErrorSerializer
from motcua.dossiers.states import DeliveryMethod

TAG = "citizen"
# Files one supplement request may carry (the portal's limit for one form).
FILES_PER_REQUEST = 5
DEVICE = "Ứng dụng di động"


def _error(description: str, *examples: OpenApiExample) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description, examples=list(examples))


NOT_FOUND = _error("Không tìm thấy (hoặc không phải của công dân này: cùng một câu trả lời)")
BAD = _error("Dữ liệu không hợp lệ")
CONFLICT = _error("Không thực hiện được ở trạng thái hiện tại")
UPLOAD_BAD = _error(
    "Tệp bị từ chối (loại không nhận, quá lớn, PDF có mã lệnh), không có gì được lưu",
    OpenApiExample("Tệp chạy đổi tên .pdf", value={
        "code": "file_type_not_allowed",
        "message": "Chỉ nhận tệp PDF, PNG, JPEG (đọc theo nội dung tệp, không theo tên).",
        "fields": {"file": ["Chỉ nhận tệp PDF, PNG, JPEG (đọc theo nội dung tệp, không theo "
                            "tên)."]}}))
BINARY = ("application/pdf", "image/png", "image/jpeg")


class CitizenTokenScheme(OpenApiAuthenticationExtension):
    """The citizen token in the schema, apart from the staff token (``tokenAuth``)."""

    target_class = "motcua.accounts.authentication.CitizenTokenAuthentication"
    name = "citizenTokenAuth"
    priority = 1

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "Mã truy cập của công dân: `Token <mã>`, cấp bởi "
                               "POST /api/v1/citizen/token"}


class IsCitizen(BasePermission):
    """A citizen's token (the authentication refuses a staff one) of a signed-in citizen."""

    def has_permission(self, request, view) -> bool:
        token = request.auth
        return (isinstance(token, ApiToken) and token.kind == TokenKind.CITIZEN
                and selectors.citizen_of(request.user) is not None)


class CitizenView(APIView):
    authentication_classes = [CitizenTokenAuthentication]
    permission_classes = [IsCitizen]

    @property
    def citizen(self) -> CitizenProfile:
        citizen = selectors.citizen_of(self.request.user)
        if citizen is None:  # IsCitizen let the request in: it is one
            raise NotFound()
        return citizen


class Page(PageNumberPagination):
    page_size = 20


# --- Shapes ---------------------------------------------------------------------------------


class CitizenSerializer(serializers.Serializer):
    id_number = serializers.CharField(help_text="Số định danh cá nhân")
    full_name = serializers.CharField()
    birth_date = serializers.DateField(allow_null=True)
    gender = serializers.CharField()
    address = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()
    organisation_name = serializers.CharField(help_text="Tổ chức mà công dân là người đại diện")
    organisation_tax_code = serializers.CharField()


class CitizenTokenExchangeSerializer(serializers.Serializer):
    id_token = serializers.CharField(max_length=16384,
                                     help_text="ID token (JWT, RS256) ứng dụng nhận từ nhà cung "
                                               "cấp định danh")
    nonce = serializers.CharField(max_length=255,
                                  help_text="Nonce ứng dụng đã gửi trong yêu cầu đăng nhập")
    device = serializers.CharField(max_length=100, required=False, allow_blank=True,
                                   help_text="Tên thiết bị, ví dụ “Điện thoại của An”")


class IssuedCitizenTokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Mã truy cập của công dân; chỉ hiện một lần. "
                                            "Gửi trong tiêu đề `Authorization: Token <mã>`")
    prefix = serializers.CharField()
    expires_at = serializers.DateTimeField()
    citizen = CitizenSerializer()


class CitizenAwaitingSerializer(serializers.Serializer):
    by = serializers.ChoiceField(choices=["applicant", "agency"],
                                 help_text="Chờ công dân (applicant) hay cơ quan (agency)")
    text = serializers.CharField()


class CitizenDossierRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    procedure_code = serializers.CharField()
    procedure_name = serializers.CharField()
    receiving_unit = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(help_text="Trạng thái, lời thường")
    national_status = serializers.IntegerField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    received_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True, help_text="Hẹn trả kết quả")
    rescheduled_due_at = serializers.DateTimeField(allow_null=True,
                                                   help_text="Ngày hẹn mới sau thư xin lỗi")
    finished_at = serializers.DateTimeField(allow_null=True)
    awaiting = CitizenAwaitingSerializer(allow_null=True, help_text="Việc đang chờ")


class CitizenApologySerializer(serializers.Serializer):
    reason = serializers.CharField()
    previous_due_at = serializers.DateTimeField()
    new_due_at = serializers.DateTimeField()


class CitizenSupplementSerializer(serializers.Serializer):
    items = serializers.CharField(help_text="Giấy tờ cơ quan yêu cầu bổ sung")
    before_receipt = serializers.BooleanField()


class CitizenTimelineSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    status = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named as a Field attribute
    note = serializers.CharField()
    due_at = serializers.DateTimeField(allow_null=True)


class CitizenFileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    document = serializers.IntegerField(allow_null=True, help_text="Giấy tờ của thủ tục")
    label = serializers.CharField()  # type: ignore[assignment]  # a field named as a Field attribute
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    source = serializers.CharField()  # type: ignore[assignment]  # a field named as a Field attribute
    source_label = serializers.CharField()
    reused_from = serializers.IntegerField(allow_null=True,
                                           help_text="Giấy tờ điện tử trong kho đã dùng lại")
    uploaded_at = serializers.DateTimeField()


class CitizenActionsSerializer(serializers.Serializer):
    supplement = serializers.BooleanField(help_text="Được gửi bổ sung")
    withdraw = serializers.BooleanField(help_text="Được rút hồ sơ ngay (chưa tiếp nhận)")
    withdraw_at_desk = serializers.BooleanField(help_text="Rút hồ sơ tại bộ phận một cửa")
    result = serializers.BooleanField(help_text="Có kết quả điện tử để tải")


class CitizenDossierDetailSerializer(CitizenDossierRowSerializer):
    current_unit = serializers.CharField(allow_null=True)
    applicant_name = serializers.CharField()
    request_summary = serializers.CharField()
    delivery_method = serializers.CharField()
    delivery_address = serializers.CharField()
    refusal_reason = serializers.CharField()
    result_signed = serializers.BooleanField()
    apology = CitizenApologySerializer(allow_null=True, help_text="Thư xin lỗi và hẹn lại")
    supplement = CitizenSupplementSerializer(allow_null=True, help_text="Yêu cầu bổ sung đang chờ")
    timeline = CitizenTimelineSerializer(many=True, help_text="Quá trình giải quyết")
    files = CitizenFileSerializer(many=True)
    actions = CitizenActionsSerializer()


class CitizenDraftDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    mandatory = serializers.BooleanField()
    condition = serializers.CharField()
    files = CitizenFileSerializer(many=True)


class CitizenDeliverySerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=DeliveryMethod.choices)
    address = serializers.CharField(max_length=500, required=False, allow_blank=True)


class CitizenDraftSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=DraftStatus.choices)
    procedure_code = serializers.CharField()
    procedure_name = serializers.CharField()
    receiving_unit = serializers.CharField(help_text="Mã đơn vị tiếp nhận")
    receiving_unit_name = serializers.CharField()
    as_organisation = serializers.BooleanField()
    applicant = serializers.DictField(child=serializers.CharField(allow_blank=True))
    request_summary = serializers.CharField()
    delivery = serializers.DictField(child=serializers.CharField(allow_blank=True))
    documents = CitizenDraftDocumentSerializer(many=True)
    missing = serializers.ListField(child=serializers.IntegerField(),
                                    help_text="Giấy tờ bắt buộc chưa có tệp")
    dossier = serializers.CharField(allow_null=True, help_text="Mã hồ sơ, khi đã nộp")
    updated_at = serializers.DateTimeField()


class CitizenDraftCreateSerializer(serializers.Serializer):
    procedure = serializers.CharField(max_length=64, help_text="Mã thủ tục")
    receiving_unit = serializers.CharField(
        max_length=64, required=False, allow_blank=True,
        help_text="Mã đơn vị tiếp nhận; không cần khi thủ tục chỉ có một nơi nộp")
    as_organisation = serializers.BooleanField(required=False, default=False,
                                               help_text="Nộp cho tổ chức mình đại diện")


class CitizenApplicantEditSerializer(serializers.Serializer):
    address = serializers.CharField(max_length=500, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    email = serializers.CharField(max_length=254, required=False, allow_blank=True)


class CitizenDraftUpdateSerializer(serializers.Serializer):
    applicant = CitizenApplicantEditSerializer(required=False,
                                        help_text="Chỉ địa chỉ, điện thoại, thư điện tử; họ tên "
                                                  "và số định danh lấy từ định danh điện tử")
    request_summary = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    delivery = CitizenDeliverySerializer(required=False)


class CitizenFileUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="PDF, PNG hoặc JPEG")


class CitizenSupplementUploadSerializer(serializers.Serializer):
    files = serializers.ListField(child=serializers.FileField(), max_length=FILES_PER_REQUEST,
                                  help_text="PDF, PNG hoặc JPEG")
    label = serializers.CharField(max_length=500, required=False, allow_blank=True)  # type: ignore[assignment]  # a field named as a Field attribute


class CitizenReuseSerializer(serializers.Serializer):
    document = serializers.IntegerField(help_text="Giấy tờ điện tử trong kho của công dân")


class CitizenWithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True)


class CitizenStoreDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    required = serializers.IntegerField(allow_null=True)  # type: ignore[assignment]  # a field named as a Field attribute
    size = serializers.IntegerField()
    source = serializers.CharField()  # type: ignore[assignment]  # a field named as a Field attribute
    source_label = serializers.CharField()
    source_dossier = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()


class CitizenSupplementResultSerializer(serializers.Serializer):
    files = CitizenFileSerializer(many=True)
    dossier = CitizenDossierDetailSerializer()


# --- Bodies (the dicts the serializers above describe) --------------------------------------


def _file(row) -> dict:
    return {"id": row.pk, "document": row.required_id, "label": row.label,
            "original_name": row.original_name, "content_type": row.content_type,
            "size": row.size, "source": row.source, "source_label": row.get_source_display(),
            "reused_from": row.reused_from_id, "uploaded_at": row.uploaded_at}


def _row(d) -> dict:
    return {
        "code": d.code, "procedure_code": d.procedure_version.procedure.code,
        "procedure_name": d.procedure_version.name, "receiving_unit": d.receiving_unit.name,
        "status": d.status, "status_label": d.get_status_display(),
        "national_status": d.national_status, "submitted_at": d.submitted_at,
        "received_at": d.received_at, "due_at": d.due_at,
        "rescheduled_due_at": d.rescheduled_due_at, "finished_at": d.finished_at,
        "awaiting": selectors.awaiting(d),
    }


def _detail(d) -> dict:
    summary = selectors.dossier_summary(d)
    return {
        **_row(d),
        "current_unit": d.current_unit.name if d.current_unit_id else None,
        "applicant_name": d.applicant_name, "request_summary": d.request_summary,
        "delivery_method": d.delivery_method or "", "delivery_address": d.delivery_address,
        "refusal_reason": d.refusal_reason, "result_signed": d.result_signed,
        "apology": summary["apology"], "supplement": summary["supplement"],
        "timeline": summary["timeline"], "files": [_file(f) for f in summary["files"]],
        "actions": summary["actions"],
    }


def _draft(draft) -> dict:
    files = selectors.draft_files(draft=draft)
    documents = list(draft.procedure_version.documents.order_by("order", "pk"))
    return {
        "id": draft.pk, "status": draft.status,
        "procedure_code": draft.procedure_version.procedure.code,
        "procedure_name": draft.procedure_version.name,
        "receiving_unit": draft.receiving_unit.code,
        "receiving_unit_name": draft.receiving_unit.name,
        "as_organisation": draft.as_organisation,
        "applicant": {k: str(v or "") for k, v in draft.applicant.items()},
        "request_summary": draft.request_summary,
        "delivery": {k: str(v or "") for k, v in draft.delivery.items()},
        "documents": [{"id": doc.pk, "name": doc.name, "mandatory": doc.mandatory,
                       "condition": doc.condition,
                       "files": [_file(f) for f in files.get(doc.pk, [])]}
                      for doc in documents],
        "missing": ([d.pk for d in services.missing_documents(draft)]
                    if draft.status == DraftStatus.OPEN else []),
        "dossier": draft.dossier.code if draft.dossier_id else None,
        "updated_at": draft.updated_at,
    }


def _citizen_body(c) -> dict:
    return {"id_number": c.id_number, "full_name": c.full_name, "birth_date": c.birth_date,
            "gender": c.gender, "address": c.address, "phone": c.phone, "email": c.email,
            "organisation_name": c.organisation_name,
            "organisation_tax_code": c.organisation_tax_code}


def _refused(status_code: int, code: str, message: str) -> Response:
    return Response({"code": code, "message": message}, status=status_code)


# --- Sign-in --------------------------------------------------------------------------------


class CitizenToken(APIView):
    """Đăng nhập ứng dụng di động: the ID token for a citizen token; and log out (revoke)."""

    throttle_scope = "login"
    # The exchange is public (the ID token is the credential); logging out needs the token
    # (``get_permissions``).
    permission_classes = [AllowAny]

    def initialize_request(self, request, *args, **kwargs):
        self.method = request.method  # what the authenticators depend on, set before them
        return super().initialize_request(request, *args, **kwargs)

    def get_authenticators(self):
        if self.method == "DELETE":
            return [CitizenTokenAuthentication()]
        return []  # an old token the app still sends must not stop it signing in again

    def get_permissions(self):
        if self.method == "DELETE":
            return [IsCitizen()]
        return [AllowAny()]

    def get_throttles(self):
        if self.method == "POST":
            return [LoginThrottle()]
        return super().get_throttles()

    @extend_schema(
        tags=[TAG], operation_id="v1_citizen_token_create",
        summary="Đổi ID token của nhà cung cấp định danh lấy mã truy cập của công dân",
        description="Ứng dụng tự đăng nhập công dân với nhà cung cấp định danh (mã ứng dụng "
                    "riêng, PKCE, nonce) rồi gửi ID token và nonce. Kiểm tra như đăng nhập trên "
                    "cổng: chữ ký RS256 theo JWKS, bên phát hành, đối tượng nhận (mã ứng dụng di "
                    "động), hạn dùng, nonce (mỗi nonce chỉ dùng một lần).",
        request=CitizenTokenExchangeSerializer,
        responses={
            201: IssuedCitizenTokenSerializer, 400: BAD,
            401: _error("ID token bị từ chối (sửa đổi, sai chữ ký, sai ứng dụng, hết hạn, "
                        "nonce sai hoặc đã dùng); không có gì được lưu ngoài sự kiện an ninh"),
            429: _error("Quá nhiều lần đăng nhập"),
            503: _error("Chưa kết nối được với nhà cung cấp định danh, hoặc chưa cấu hình "
                        "mã ứng dụng di động"),
        },
    )
    def post(self, request):
        data = CitizenTokenExchangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        audience = settings.MOTCUA_OIDC_MOBILE_CLIENT_ID
        if not audience:
            return _refused(503, "mobile_signin_off",
                            _("Đăng nhập bằng ứng dụng di động chưa được cấu hình."))
        try:
            payload = oidc.verify_id_token(request._request, v["id_token"], audience=audience,
                                           nonce=v["nonce"])
            with transaction.atomic():
                citizen = oidc.citizen_from_claims(payload)
                token, key = token_issue(
                    user=citizen.user, name=(v.get("device") or "").strip() or DEVICE,
                    actor=citizen.user, kind=TokenKind.CITIZEN,
                    days=settings.MOTCUA_CITIZEN_TOKEN_DAYS)
        except SuspiciousOperation as error:
            oidc.record_rejection(request._request, f"mobile: {error}")
            return _refused(401, "id_token_rejected", _(
                "Không xác thực được thông tin định danh (mã định danh bị sửa, sai chữ ký, "
                "không dành cho ứng dụng này hoặc đã hết hạn). Vui lòng đăng nhập lại."))
        except oidc.ProviderUnavailable as error:
            oidc.record_rejection(request._request, f"mobile: provider unreachable: {error}")
            return _refused(503, "idp_unavailable", _(
                "Chưa kết nối được với hệ thống định danh điện tử; vui lòng thử lại sau ít "
                "phút."))
        return Response({"token": key, "prefix": token.prefix, "expires_at": token.expires_at,
                         "citizen": _citizen_body(citizen)}, status=status.HTTP_201_CREATED)

    @extend_schema(tags=[TAG], operation_id="v1_citizen_token_destroy",
                   summary="Đăng xuất ứng dụng: thu hồi mã truy cập đang dùng",
                   responses={204: None})
    def delete(self, request):
        token_revoke(token=request.auth, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class Me(CitizenView):
    @extend_schema(tags=[TAG], summary="Thông tin định danh của công dân đang đăng nhập",
                   responses={200: CitizenSerializer})
    def get(self, request):
        return Response(_citizen_body(self.citizen))


# --- My dossiers ----------------------------------------------------------------------------


class DossierList(CitizenView, generics.GenericAPIView):
    pagination_class = Page
    serializer_class = CitizenDossierRowSerializer

    @extend_schema(tags=[TAG], summary="Hồ sơ của tôi (mới nhất trước)",
                   responses={200: CitizenDossierRowSerializer(many=True), 404: NOT_FOUND})
    def get(self, request):
        page = self.paginate_queryset(selectors.citizen_dossiers(citizen=self.citizen)) or []
        return self.get_paginated_response([_row(d) for d in page])


def _own_dossier(citizen, code: str):
    dossier = selectors.citizen_dossier(citizen=citizen, code=code)
    if dossier is None:
        raise NotFound()
    return dossier


class DossierDetail(CitizenView):
    @extend_schema(tags=[TAG], summary="Chi tiết hồ sơ của tôi: trạng thái, hẹn trả, việc đang "
                                       "chờ, quá trình giải quyết, thao tác được làm",
                   responses={200: CitizenDossierDetailSerializer, 404: NOT_FOUND})
    def get(self, request, code: str):
        return Response(_detail(_own_dossier(self.citizen, code)))


def _guard_upload(request, *, files: int) -> None:
    """Before the body is read: refused on its announced size, else streamed through a handler
    that stops a file at the size limit (the portal's pages do the same)."""
    if announced_too_large(request, files=files):
        raise InvalidInput("file_too_large", too_large_message(), field="file")
    request._request.upload_handlers.insert(0, LimitedUploadHandler(request._request))


def _stopped(request) -> bool:
    return bool(request._request.META.get(STOPPED))


class DossierSupplement(CitizenView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        tags=[TAG], summary="Gửi bổ sung hồ sơ (trước hoặc sau khi tiếp nhận)",
        description="Khi hồ sơ đang chờ bổ sung. Mọi tệp được kiểm tra trước khi lưu: một tệp "
                    "hỏng thì không tệp nào được lưu. Trước tiếp nhận, hồ sơ trở lại hàng chờ "
                    "tiếp nhận.",
        request={"multipart/form-data": CitizenSupplementUploadSerializer},
        responses={201: CitizenSupplementResultSerializer, 400: UPLOAD_BAD, 404: NOT_FOUND,
                   409: CONFLICT})
    def post(self, request, code: str):
        dossier = _own_dossier(self.citizen, code)
        _guard_upload(request, files=FILES_PER_REQUEST)
        uploads = request.FILES.getlist("files")
        if _stopped(request):
            raise InvalidInput("file_too_large", too_large_message(), field="files")
        if len(uploads) > FILES_PER_REQUEST:
            raise InvalidInput("too_many_files",
                               _("Mỗi lần gửi tối đa %(n)s tệp.") % {"n": FILES_PER_REQUEST},
                               field="files")
        rows = services.supplement_upload(actor=request.user, citizen=self.citizen,
                                          dossier=dossier, uploads=uploads,
                                          label=str(request.data.get("label", ""))[:500])
        dossier.refresh_from_db()
        return Response({"files": [_file(r) for r in rows], "dossier": _detail(dossier)},
                        status=status.HTTP_201_CREATED)


class DossierWithdraw(CitizenView):
    @extend_schema(tags=[TAG], summary="Rút hồ sơ (trước khi tiếp nhận)",
                   description="Sau khi tiếp nhận: 409, công dân liên hệ bộ phận một cửa "
                               "(Thông báo dừng giải quyết, Mẫu 05).",
                   request=CitizenWithdrawSerializer,
                   responses={200: CitizenDossierDetailSerializer, 400: BAD, 404: NOT_FOUND,
                              409: CONFLICT})
    def post(self, request, code: str):
        dossier = _own_dossier(self.citizen, code)
        data = CitizenWithdrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        dossier = services.dossier_withdraw(actor=request.user, citizen=self.citizen,
                                            dossier=dossier,
                                            reason=data.validated_data.get("reason", ""))
        return Response(_detail(dossier))


class DossierReceipt(CitizenView):
    @extend_schema(tags=[TAG], summary="Giấy xác nhận nộp hồ sơ trực tuyến (PDF)",
                   responses={(200, "application/pdf"): OpenApiTypes.BINARY, 404: NOT_FOUND})
    def get(self, request, code: str):
        dossier = _own_dossier(self.citizen, code)
        return pdf_response(receipt.receipt_pdf(request._request, dossier),
                            safe_filename("xac-nhan-nop", dossier.code) + ".pdf", inline=False)


class DossierResult(CitizenView):
    @extend_schema(tags=[TAG], summary="Tải kết quả điện tử (PDF đã ký số)",
                   responses={(200, "application/pdf"): OpenApiTypes.BINARY,
                              404: _error("Không tìm thấy, hoặc hồ sơ chưa có kết quả điện tử")})
    def get(self, request, code: str):
        dossier = _own_dossier(self.citizen, code)
        if not selectors.has_result(dossier):
            raise NotFound(_("Hồ sơ chưa có kết quả điện tử."))
        extension = dossier.result_file.name.rsplit(".", 1)[-1].lower()
        return attachment_response(dossier.result_file,
                                   download_name=f"{dossier.code}-ket-qua.{extension}",
                                   content_type=content_type_for(dossier.result_file.name))


class DossierFile(CitizenView):
    @extend_schema(tags=[TAG], summary="Tải một tệp đã nộp của hồ sơ",
                   responses={**{(200, kind): OpenApiTypes.BINARY for kind in BINARY},
                              404: NOT_FOUND})
    def get(self, request, code: str, file_id: int):
        dossier = _own_dossier(self.citizen, code)
        row = selectors.dossier_files(dossier=dossier).filter(pk=file_id).first()
        if row is None:
            raise NotFound()
        extension = (row.file.name or "").rsplit(".", 1)[-1]
        return attachment_response(row.file,
                                   download_name=safe_filename(dossier.code, row.label)
                                   + "." + extension, content_type=row.content_type)


# --- Drafts ---------------------------------------------------------------------------------


def _own_draft(citizen, pk):
    draft = selectors.citizen_draft(citizen=citizen, pk=pk)
    if draft is None:
        raise NotFound()
    return draft


class DraftListCreate(CitizenView, generics.GenericAPIView):
    pagination_class = Page
    serializer_class = CitizenDraftSerializer

    @extend_schema(tags=[TAG], summary="Hồ sơ đang soạn",
                   responses={200: CitizenDraftSerializer(many=True), 404: NOT_FOUND})
    def get(self, request):
        page = self.paginate_queryset(
            selectors.open_drafts(citizen=self.citizen)
            .select_related("procedure_version__procedure", "receiving_unit")) or []
        return self.get_paginated_response([_draft(d) for d in page])

    @extend_schema(
        tags=[TAG], summary="Bắt đầu nộp hồ sơ trực tuyến cho một thủ tục",
        description="Chỉ thủ tục có dịch vụ công trực tuyến; thủ tục chỉ nộp tại quầy: 400.",
        request=CitizenDraftCreateSerializer,
        responses={201: CitizenDraftSerializer, 400: _error(
            "Dữ liệu không hợp lệ", OpenApiExample("Thủ tục không trực tuyến", value={
                "code": "procedure_not_online",
                "message": "Thủ tục này chưa cung cấp dịch vụ công trực tuyến; vui lòng nộp "
                           "hồ sơ tại bộ phận một cửa.",
                "fields": {"procedure": ["Thủ tục này chưa cung cấp dịch vụ công trực tuyến; "
                                         "vui lòng nộp hồ sơ tại bộ phận một cửa."]}})),
            403: _error("Công dân không là người đại diện của tổ chức nào")})
    def post(self, request):
        data = CitizenDraftCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        version = selectors.published_version(code=v["procedure"])
        if version is None:
            raise InvalidInput("procedure_unknown", _("Không tìm thấy thủ tục."),
                               field="procedure")
        units = selectors.receiving_units(version)
        wanted = v.get("receiving_unit") or ""
        unit = next((u for u in units if u.code == wanted), None)
        if unit is None and not wanted and len(units) == 1:
            unit = units[0]
        draft = services.draft_start(actor=request.user, citizen=self.citizen,
                                     procedure_version=version, receiving_unit=unit,
                                     as_organisation=v.get("as_organisation", False))
        return Response(_draft(_own_draft(self.citizen, draft.pk)),
                        status=status.HTTP_201_CREATED)


class DraftDetail(CitizenView):
    parser_classes = [JSONParser]

    @extend_schema(tags=[TAG], summary="Chi tiết hồ sơ đang soạn",
                   responses={200: CitizenDraftSerializer, 404: NOT_FOUND})
    def get(self, request, pk: int):
        return Response(_draft(_own_draft(self.citizen, pk)))

    @extend_schema(tags=[TAG], summary="Lưu người nộp, nội dung yêu cầu, cách nhận kết quả",
                   request=CitizenDraftUpdateSerializer,
                   responses={200: CitizenDraftSerializer, 400: BAD, 404: NOT_FOUND, 409: CONFLICT})
    def patch(self, request, pk: int):
        draft = _own_draft(self.citizen, pk)
        data = CitizenDraftUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        services.draft_update(actor=request.user, citizen=self.citizen, draft=draft,
                              applicant=dict(v["applicant"]) if "applicant" in v else None,
                              request_summary=v.get("request_summary"),
                              delivery=dict(v["delivery"]) if "delivery" in v else None)
        return Response(_draft(_own_draft(self.citizen, pk)))

    @extend_schema(tags=[TAG], summary="Xóa hồ sơ đang soạn",
                   responses={204: None, 404: NOT_FOUND, 409: CONFLICT})
    def delete(self, request, pk: int):
        services.draft_delete(actor=request.user, citizen=self.citizen,
                              draft=_own_draft(self.citizen, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class DraftFileUpload(CitizenView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        tags=[TAG], summary="Tải lên một tệp của giấy tờ (PDF, PNG, JPEG)",
        description="Kiểm tra theo nội dung tệp, giới hạn dung lượng, PDF không được chứa mã "
                    "lệnh; tệp bị từ chối thì không có gì được lưu.",
        request={"multipart/form-data": CitizenFileUploadSerializer},
        responses={201: CitizenFileSerializer, 400: UPLOAD_BAD, 404: NOT_FOUND, 409: CONFLICT})
    def post(self, request, pk: int, document: int):
        draft = _own_draft(self.citizen, pk)
        _guard_upload(request, files=1)
        upload = request.FILES.get("file")
        if _stopped(request):
            raise InvalidInput("file_too_large", too_large_message(), field="file")
        if upload is None:
            raise InvalidInput("files_required", _("Chọn ít nhất một tệp để tải lên."),
                               field="file")
        row = services.draft_add_file(actor=request.user, citizen=self.citizen, draft=draft,
                                      required_id=document, upload=upload)
        return Response(_file(row), status=status.HTTP_201_CREATED)


class DraftReuse(CitizenView):
    @extend_schema(tags=[TAG], summary="Dùng giấy tờ đã có trong kho dữ liệu điện tử",
                   request=CitizenReuseSerializer,
                   responses={201: CitizenFileSerializer, 400: BAD, 404: NOT_FOUND, 409: CONFLICT})
    def post(self, request, pk: int, document: int):
        draft = _own_draft(self.citizen, pk)
        data = CitizenReuseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        edoc = ElectronicDocument.objects.filter(pk=data.validated_data["document"],
                                                 id_number=self.citizen.id_number).first()
        if edoc is None:
            raise NotFound()
        row = services.draft_reuse_document(actor=request.user, citizen=self.citizen,
                                            draft=draft, required_id=document, document=edoc)
        return Response(_file(row), status=status.HTTP_201_CREATED)


class DraftFileRemove(CitizenView):
    @extend_schema(tags=[TAG], summary="Bỏ một tệp khỏi hồ sơ đang soạn",
                   responses={204: None, 404: NOT_FOUND, 409: CONFLICT})
    def delete(self, request, pk: int, file_id: int):
        draft = _own_draft(self.citizen, pk)
        if not services.draft_remove_file(actor=request.user, citizen=self.citizen,
                                          draft=draft, file_id=file_id):
            raise NotFound()
        return Response(status=status.HTTP_204_NO_CONTENT)


class DraftSubmit(CitizenView):
    @extend_schema(
        tags=[TAG], summary="Nộp hồ sơ",
        description="Một lần nộp: gửi lại (bấm hai lần, mạng chập chờn) trả về đúng hồ sơ đã "
                    "tạo (200), không tạo hồ sơ thứ hai.",
        request=None,
        responses={201: CitizenDossierDetailSerializer,
                   200: OpenApiResponse(CitizenDossierDetailSerializer, description="Đã nộp trước đó"),
                   400: _error("Thiếu giấy tờ bắt buộc hoặc nội dung yêu cầu"),
                   404: NOT_FOUND})
    def post(self, request, pk: int):
        draft = _own_draft(self.citizen, pk)
        already = draft.status == DraftStatus.SUBMITTED
        dossier = services.draft_submit(actor=request.user, citizen=self.citizen, draft=draft)
        dossier = _own_dossier(self.citizen, dossier.code)
        return Response(_detail(dossier),
                        status=status.HTTP_200_OK if already else status.HTTP_201_CREATED)


class StoreList(CitizenView, generics.GenericAPIView):
    pagination_class = Page
    serializer_class = CitizenStoreDocumentSerializer

    @extend_schema(tags=[TAG], summary="Kho giấy tờ điện tử của công dân",
                   responses={200: CitizenStoreDocumentSerializer(many=True), 404: NOT_FOUND})
    def get(self, request):
        page = self.paginate_queryset(
            selectors.store_documents(id_number=self.citizen.id_number)) or []
        return self.get_paginated_response([{
            "id": e.pk, "name": e.name, "required": e.required_id, "size": e.size,
            "source": e.source, "source_label": e.get_source_display(),
            "source_dossier": e.source_dossier.code if e.source_dossier else None,
            "created_at": e.created_at} for e in page])


urlpatterns = [
    path("citizen/token", CitizenToken.as_view(), name="api-citizen-token"),
    path("citizen/me", Me.as_view(), name="api-citizen-me"),
    path("citizen/dossiers", DossierList.as_view(), name="api-citizen-dossiers"),
    path("citizen/dossiers/<str:code>", DossierDetail.as_view(), name="api-citizen-dossier"),
    path("citizen/dossiers/<str:code>/supplement", DossierSupplement.as_view(),
         name="api-citizen-supplement"),
    path("citizen/dossiers/<str:code>/withdraw", DossierWithdraw.as_view(),
         name="api-citizen-withdraw"),
    path("citizen/dossiers/<str:code>/receipt.pdf", DossierReceipt.as_view(),
         name="api-citizen-receipt"),
    path("citizen/dossiers/<str:code>/result", DossierResult.as_view(),
         name="api-citizen-result"),
    path("citizen/dossiers/<str:code>/files/<int:file_id>", DossierFile.as_view(),
         name="api-citizen-file"),
    path("citizen/drafts", DraftListCreate.as_view(), name="api-citizen-drafts"),
    path("citizen/drafts/<int:pk>", DraftDetail.as_view(), name="api-citizen-draft"),
    path("citizen/drafts/<int:pk>/documents/<int:document>/files", DraftFileUpload.as_view(),
         name="api-citizen-draft-upload"),
    path("citizen/drafts/<int:pk>/documents/<int:document>/reuse", DraftReuse.as_view(),
         name="api-citizen-draft-reuse"),
    path("citizen/drafts/<int:pk>/files/<int:file_id>", DraftFileRemove.as_view(),
         name="api-citizen-draft-file"),
    path("citizen/drafts/<int:pk>/submit", DraftSubmit.as_view(), name="api-citizen-submit"),
    path("citizen/store", StoreList.as_view(), name="api-citizen-store"),
]
