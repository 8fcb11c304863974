"""API serializers for dossiers: thin shapes; validation of meaning is in the services."""

from __future__ import annotations

from rest_framework import serializers

from motcua.dossiers import permissions
from motcua.dossiers.models import ApplicantKind, ProvidedAs
from motcua.dossiers.states import Channel, DeliveryMethod, Status


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
    copies = serializers.IntegerField(required=False, default=1)


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
    """Parameters of an action; each action reads the ones it needs (see docs/api.md)."""

    reason = serializers.CharField(required=False, allow_blank=True)
    items = serializers.CharField(required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True)
    assignee = serializers.CharField(required=False, help_text="Tên đăng nhập chuyên viên")
    partner_unit = serializers.CharField(required=False, help_text="Mã cơ quan phối hợp")
    hours = serializers.DecimalField(max_digits=7, decimal_places=2, required=False)
    amount = serializers.IntegerField(required=False, min_value=0)
    paid_online = serializers.BooleanField(required=False)
    returned_to = serializers.CharField(required=False, allow_blank=True)
    handed_to = serializers.CharField(required=False, allow_blank=True, max_length=255,
                                      help_text="Người nhận thông báo (hand_over_notice)")
    reference = serializers.CharField(required=False, allow_blank=True, max_length=255,
                                      help_text="Số vận đơn khi gửi qua bưu chính")
    how = serializers.ChoiceField(choices=DeliveryMethod.choices, required=False)
    result_file = serializers.FileField(required=False)
    result_number = serializers.CharField(required=False, allow_blank=True)
    new_due_at = serializers.DateTimeField(required=False)
    explanation = serializers.CharField(required=False, allow_blank=True)


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


class ActionResultSerializer(serializers.Serializer):
    dossier = DossierDetailSerializer()
    warnings = serializers.ListField(child=serializers.CharField())
