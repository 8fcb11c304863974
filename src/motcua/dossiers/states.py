"""Dossier states (trạng thái hồ sơ) and their national codes (domain §2.2).

The internal states are finer than the ten national status codes (TrangThaiHoSo) used to
synchronise with the national portal; ``NATIONAL_CODE`` maps one to the other. The table of
allowed transitions lives in ``motcua.dossiers.transitions``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Mới đăng ký")
    # Online, before receipt: the desk asked for corrections once and completely (NĐ 297/2025);
    # not received, so no clock runs. The citizen's upload in the portal resubmits it.
    # (domain: supplement_requested_at_reception; the stored value fits the 32-character column)
    SUPPLEMENT_REQUESTED_AT_RECEPTION = (
        "supplement_at_reception", _("Yêu cầu bổ sung trước khi tiếp nhận"))
    RECEIVED = "received", _("Đã tiếp nhận")
    REFUSED_AT_RECEPTION = "refused_at_reception", _("Từ chối tiếp nhận")
    TRANSFERRED = "transferred", _("Đã chuyển cơ quan giải quyết")
    ASSIGNED = "assigned", _("Đã phân công thụ lý")
    APPRAISING = "appraising", _("Đang thẩm định")
    CONSULTING = "consulting", _("Đang lấy ý kiến")
    INTERAGENCY = "interagency", _("Đang xử lý liên thông")
    AWAITING_APPROVAL = "awaiting_approval", _("Chờ phê duyệt")
    SIGNED = "signed", _("Đã ký duyệt")
    ISSUED = "issued", _("Đã ban hành, chuyển trả một cửa")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Yêu cầu bổ sung")
    AWAITING_PAYMENT = "awaiting_payment", _("Chờ thực hiện nghĩa vụ tài chính")
    RESULT_READY = "result_ready", _("Có kết quả, chờ trả")
    RETURNED = "returned", _("Đã trả kết quả")
    REFUSED_AFTER_APPRAISAL = "refused_after_appraisal", _("Từ chối giải quyết")
    WITHDRAWN = "withdrawn", _("Công dân rút hồ sơ")
    STOPPED = "stopped", _("Dừng xử lý")


NATIONAL_CODE: dict[str, int] = {
    Status.SUBMITTED: 1,
    # Domain §2.2 allows 1 or 5; 1 ("Mới đăng ký") because the dossier is not received yet and
    # code 5 is counted by the national statistics as a pause of a running clock.
    Status.SUPPLEMENT_REQUESTED_AT_RECEPTION: 1,
    Status.RECEIVED: 2,
    Status.REFUSED_AT_RECEPTION: 3,
    Status.TRANSFERRED: 4,
    Status.ASSIGNED: 4,
    Status.APPRAISING: 4,
    Status.CONSULTING: 4,
    Status.INTERAGENCY: 4,
    Status.AWAITING_APPROVAL: 4,
    Status.SIGNED: 4,
    Status.SUPPLEMENT_REQUESTED: 5,
    Status.AWAITING_PAYMENT: 6,
    Status.WITHDRAWN: 7,
    Status.REFUSED_AFTER_APPRAISAL: 8,
    Status.STOPPED: 8,
    Status.ISSUED: 9,
    Status.RESULT_READY: 9,
    Status.RETURNED: 10,
}

NATIONAL_NAME: dict[int, str] = {
    1: "Mới đăng ký",
    2: "Được tiếp nhận",
    3: "Không được tiếp nhận",
    4: "Đang xử lý",
    5: "Yêu cầu bổ sung giấy tờ",
    6: "Yêu cầu thực hiện nghĩa vụ tài chính",
    7: "Công dân yêu cầu rút hồ sơ",
    8: "Dừng xử lý",
    9: "Đã xử lý xong",
    10: "Đã trả kết quả",
}

FINAL = frozenset(
    {
        Status.REFUSED_AT_RECEPTION,
        Status.RETURNED,
        Status.WITHDRAWN,
        Status.STOPPED,
        Status.REFUSED_AFTER_APPRAISAL,
    }
)
# Closed without a result: the agency's refusal, a withdrawal or a stop. Their notice goes back
# through the one-stop desk to the citizen (NoticeDelivery), as a result would.
CLOSED_WITH_NOTICE = frozenset(
    {Status.REFUSED_AFTER_APPRAISAL, Status.WITHDRAWN, Status.STOPPED}
)
# The clock is stopped (tạm dừng) in these states.
PAUSED = frozenset({Status.SUPPLEMENT_REQUESTED, Status.AWAITING_PAYMENT})
# Processing has ended (kết thúc xử lý) once a dossier reaches one of these (766 rule, §3.5).
PROCESSING_ENDED = frozenset(
    {
        Status.ISSUED,
        Status.RESULT_READY,
        Status.RETURNED,
        Status.WITHDRAWN,
        Status.STOPPED,
        Status.REFUSED_AFTER_APPRAISAL,
    }
)


class Channel(models.IntegerChoices):
    """Submission channel (KenhThucHien)."""

    COUNTER = 1, _("Trực tiếp")
    ONLINE = 2, _("Trực tuyến")
    POST = 3, _("Bưu chính công ích")


class DeliveryMethod(models.TextChoices):
    COUNTER = "counter", _("Nhận tại bộ phận một cửa")
    POST = "post", _("Nhận qua bưu chính")
    ONLINE = "online", _("Nhận bản điện tử")
