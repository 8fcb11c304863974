"""API serializers for dossiers: thin shapes; validation of meaning is in the services."""

from __future__ import annotations

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from motcua.core.limits import TEXT_MAX, int_range, max_length
from motcua.dossiers import permissions
from motcua.dossiers.filters import MAX_YEAR, MIN_YEAR
from motcua.dossiers.models import ApplicantKind, Dossier, DossierDocument, ProvidedAs
from motcua.dossiers.states import Channel, DeliveryMethod, Status
from motcua.org.models import Unit


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Mã lỗi ổn định, cho máy đọc")
    message = serializers.CharField(help_text="Thông báo tiếng Việt")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )


class ApplicantSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ApplicantKind.choices, default=ApplicantKind.PERSON)
    name = serializers.CharField(help_text="Họ và tên / tên tổ chức")
    id_number = serializers.CharField(required=False, allow_blank=True,
                                      help_text="Số định danh cá nhân 12 số (hoặc CMND 9 số cũ)")
    # Parsed by the service (core.dates), so "1990-02-31" is a wrong date, not a wrong format,
    # and reported with the other errors of the intake.
    birth_date = serializers.CharField(required=False, allow_null=True, allow_blank=True,
                                       help_text="YYYY-MM-DD")
    gender = serializers.ChoiceField(choices=["male", "female"], required=False,
                                     allow_blank=True)
    address = serializers.CharField(required=False, allow_blank=True)
    phone = serializers.CharField(required=False, allow_blank=True)
    email = serializers.CharField(required=False, allow_blank=True)
    tax_code = serializers.CharField(required=False, allow_blank=True)
    representative_name = serializers.CharField(required=False, allow_blank=True)
    authorised_by = serializers.CharField(required=False, allow_blank=True)


class DocumentInSerializer(serializers.Serializer):
    required = serializers.IntegerField(required=False, allow_null=True,
                                        help_text="Id thành phần hồ sơ của thủ tục")
    name = serializers.CharField(required=False, allow_blank=True)
    provided_as = serializers.ChoiceField(choices=ProvidedAs.choices, default=ProvidedAs.ORIGINAL)
    copies = serializers.IntegerField(required=False, default=1,
                                      **int_range(DossierDocument, "copies"))


class DeliverySerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=DeliveryMethod.choices, default=DeliveryMethod.COUNTER)
    address = serializers.CharField(required=False, allow_blank=True)


class IntakeSerializer(serializers.Serializer):
    procedure = serializers.CharField(help_text="Mã thủ tục (phiên bản đang áp dụng)",
                                      required=False)
    procedure_version = serializers.IntegerField(required=False, help_text="Hoặc id phiên bản")
    receiving_unit = serializers.CharField(help_text="Mã đơn vị tiếp nhận")
    applicant = ApplicantSerializer()
    documents = DocumentInSerializer(many=True)
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.COUNTER)
    counter = serializers.IntegerField(required=False, allow_null=True)
    delivery = DeliverySerializer(required=False)
    request_summary = serializers.CharField(required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)


class ActionSerializer(serializers.Serializer):
    """Parameters of an action; each action reads the ones it needs (see docs/api.md).

    Lengths and ranges are those of the columns that store them (``core.limits``); free texts
    stored in unbounded columns are capped at ``TEXT_MAX`` characters.
    """

    reason = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX)
    items = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX)
    note = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX)
    assignee = serializers.CharField(required=False, help_text="Tên đăng nhập chuyên viên",
                                     max_length=150)
    partner_unit = serializers.CharField(required=False, help_text="Mã cơ quan phối hợp",
                                         max_length=max_length(Unit, "code"))
    hours = serializers.DecimalField(max_digits=7, decimal_places=2, required=False)
    amount = serializers.IntegerField(required=False, **int_range(Dossier, "fee_total"))
    paid_online = serializers.BooleanField(required=False)
    returned_to = serializers.CharField(required=False, allow_blank=True,
                                        max_length=max_length(Dossier, "returned_to"))
    handed_to = serializers.CharField(required=False, allow_blank=True, max_length=255,
                                      help_text="Người nhận thông báo (hand_over_notice)")
    reference = serializers.CharField(required=False, allow_blank=True, max_length=255,
                                      help_text="Số vận đơn khi gửi qua bưu chính")
    how = serializers.ChoiceField(choices=DeliveryMethod.choices, required=False)
    result_file = serializers.FileField(required=False)
    result_number = serializers.CharField(required=False, allow_blank=True,
                                          max_length=max_length(Dossier, "result_number"))
    new_due_at = serializers.DateTimeField(required=False)
    explanation = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX)

    def validate_new_due_at(self, value):
        if not MIN_YEAR <= value.year <= MAX_YEAR:
            raise serializers.ValidationError("Ngày hẹn không hợp lệ.")
        return value


class StepSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.CharField()
    unit = serializers.CharField(source="unit.code")
    hours = serializers.DecimalField(max_digits=7, decimal_places=2)
    started_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    outcome = serializers.CharField()


class HistorySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    action = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    actor = serializers.CharField(source="actor.username", default=None)
    reason = serializers.CharField()
    due_at = serializers.DateTimeField(allow_null=True)


class DossierListSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Mã hồ sơ")
    status = serializers.ChoiceField(choices=Status.choices)
    # Not get_status_display: Django hashes every (lazy, translated) choice on each call, which
    # was a third of a 50-row page's time.
    status_label = serializers.SerializerMethodField()
    national_status = serializers.IntegerField(help_text="Mã trạng thái quốc gia 1–10")
    procedure = serializers.CharField(source="procedure_version.procedure.code")
    procedure_name = serializers.CharField(source="procedure_version.name")
    field = serializers.CharField(source="field.code")
    receiving_unit = serializers.CharField(source="receiving_unit.code")
    competent_unit = serializers.CharField(source="competent_unit.code")
    current_unit = serializers.CharField(source="current_unit.code")
    applicant_name = serializers.CharField()
    channel = serializers.IntegerField()
    received_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    overdue = serializers.SerializerMethodField()

    def get_status_label(self, obj) -> str:
        return str(Status(obj.status).label)

    def get_overdue(self, obj) -> bool:
        return obj.is_overdue()


class DossierDetailSerializer(DossierListSerializer):
    view = serializers.SerializerMethodField(
        help_text="full: đầy đủ dữ liệu người nộp; delivery: chỉ dữ liệu giao kết quả")
    holder = serializers.CharField(source="holder.username", default=None)
    original_due_at = serializers.DateTimeField(allow_null=True)
    rescheduled_due_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    returned_at = serializers.DateTimeField(allow_null=True)
    applicant = serializers.SerializerMethodField()
    documents = serializers.SerializerMethodField()
    delivery_method = serializers.CharField()
    delivery_address = serializers.CharField()
    fee_total = serializers.IntegerField()
    supplement_count = serializers.IntegerField()
    result_signed = serializers.BooleanField()
    refusal_reason = serializers.CharField()
    steps = StepSerializer(many=True, source="steps.all")
    history = HistorySerializer(many=True, source="status_changes.all")
    allowed_actions = serializers.SerializerMethodField()

    @extend_schema_field({"type": "string", "enum": ["full"]})
    def get_view(self, obj) -> str:
        return "full"

    def get_applicant(self, obj) -> dict:
        return {
            "kind": obj.applicant_kind, "name": obj.applicant_name,
            "id_number": obj.applicant_id_number, "legacy_id": obj.applicant_legacy_id,
            "birth_date": obj.applicant_birth_date, "gender": obj.applicant_gender,
            "address": obj.applicant_address, "phone": obj.applicant_phone,
            "email": obj.applicant_email, "tax_code": obj.organisation_tax_code,
            "representative_name": obj.representative_name,
        }

    def get_documents(self, obj) -> list[dict]:
        return [
            {"name": d.name, "provided_as": d.provided_as, "copies": d.copies}
            for d in obj.documents.all()
        ]

    def get_allowed_actions(self, obj) -> list[str]:
        return permissions.allowed_actions(self.context["request"].user, obj)


class DossierDeliverySerializer(serializers.Serializer):
    """What a role without access to personal data sees of a dossier (the courier): the code,
    where it is and goes, and whom and where to deliver to (``permissions.PERSONAL_DATA_ROLES``).
    """

    view = serializers.SerializerMethodField(
        help_text="full: đầy đủ dữ liệu người nộp; delivery: chỉ dữ liệu giao kết quả")
    code = serializers.CharField(help_text="Mã hồ sơ")
    status = serializers.ChoiceField(choices=Status.choices)
    status_label = serializers.SerializerMethodField()
    national_status = serializers.IntegerField(help_text="Mã trạng thái quốc gia 1–10")
    procedure = serializers.CharField(source="procedure_version.procedure.code")
    procedure_name = serializers.CharField(source="procedure_version.name")
    receiving_unit = serializers.CharField(source="receiving_unit.code")
    competent_unit = serializers.CharField(source="competent_unit.code")
    current_unit = serializers.CharField(source="current_unit.code")
    applicant_name = serializers.CharField(help_text="Người nhận kết quả")
    delivery_method = serializers.CharField()
    delivery_address = serializers.CharField()
    due_at = serializers.DateTimeField(allow_null=True)
    returned_at = serializers.DateTimeField(allow_null=True)
    allowed_actions = serializers.SerializerMethodField()

    @extend_schema_field({"type": "string", "enum": ["delivery"]})
    def get_view(self, obj) -> str:
        return "delivery"

    def get_status_label(self, obj) -> str:
        return str(Status(obj.status).label)

    def get_allowed_actions(self, obj) -> list[str]:
        return permissions.allowed_actions(self.context["request"].user, obj)


# The answer of the detail and of an action: the full detail or the delivery view (``view``).
DossierView = PolymorphicProxySerializer(
    component_name="DossierView",
    serializers=[DossierDetailSerializer, DossierDeliverySerializer],
    resource_type_field_name="view",
)


@extend_schema_field(DossierView)
class DossierViewField(serializers.DictField):
    pass


class ActionResultSerializer(serializers.Serializer):
    dossier = DossierViewField()
    warnings = serializers.ListField(child=serializers.CharField())


def detail_serializer(user, dossier, unit_ids: set[int] | None = None):
    """The detail shape ``user`` may see of ``dossier``: full, or delivery data only."""
    if permissions.can_view_personal_data(user, dossier, unit_ids):
        return DossierDetailSerializer
    return DossierDeliverySerializer


class DossierPageSerializer(serializers.Serializer):
    """One page of the dossier list (``CappedPagination``)."""

    count = serializers.IntegerField(help_text="Số hồ sơ, đếm tối đa đến giới hạn")
    count_capped = serializers.BooleanField(help_text="true: nhiều hơn `count` hồ sơ")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = DossierListSerializer(many=True)
