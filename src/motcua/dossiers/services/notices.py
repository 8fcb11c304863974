"""The closing notice handed to the citizen (trao văn bản từ chối / thông báo dừng cho công dân).

An agency's refusal (Từ chối giải quyết, with its reasons), a withdrawal or a stop ends a
dossier without a result. By the one-stop rules the written notice goes back through the
one-stop desk to the applicant: the dossier returns to the receiving unit when it is closed
(``handlers.back_to_the_desk``), and a receptionist there records how the notice reached the
citizen: at the counter, by post or electronically.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from motcua.audit.services import audit_record
from motcua.core.errors import Conflict, InvalidInput, NotAllowed
from motcua.dossiers import permissions
from motcua.dossiers.models import Dossier, NoticeDelivery
from motcua.dossiers.services.common import (
    lock_dossier,
    notify_applicant,
    required_text,
    resolve_now,
)
from motcua.dossiers.states import CLOSED_WITH_NOTICE, DeliveryMethod

EVENT = "dossier.notice_handed_over"


def dossier_hand_over_notice(
    *, actor, dossier: Dossier, how: str, handed_to: str, reference: str = "",
    at: dt.datetime | None = None,
) -> NoticeDelivery:
    """Record that the closing notice of ``dossier`` reached the citizen ``how`` (a
    ``DeliveryMethod``: counter, post, online), received by ``handed_to``."""
    at = resolve_now(at)
    handed_to = required_text(handed_to, "handed_to", "Cần ghi người nhận thông báo.")
    if how not in DeliveryMethod.values:
        raise InvalidInput("delivery_invalid", _('Hình thức trao thông báo không hợp lệ.'),
                           field="how")
    reference = (reference or "").strip()
    if how == DeliveryMethod.POST and not reference:
        raise InvalidInput("reference_required", _('Cần ghi số vận đơn bưu chính.'),
                           field="reference")
    with transaction.atomic():
        locked = lock_dossier(dossier)
        if not permissions.may_hand_over_notice(actor, locked):
            raise NotAllowed(
                "role_not_allowed",
                _('Chỉ cán bộ tiếp nhận của nơi tiếp nhận hồ sơ được trao thông báo cho công dân.'),
            )
        if locked.status not in CLOSED_WITH_NOTICE:
            raise Conflict(
                "notice_not_applicable",
                _('Hồ sơ chưa bị từ chối, rút hoặc dừng giải quyết nên không có thông báo để trao.'),
            )
        if NoticeDelivery.objects.filter(dossier=locked).exists():
            raise Conflict("notice_already_handed", _('Thông báo đã được trao cho công dân.'))
        delivery = NoticeDelivery.objects.create(
            dossier=locked, how=how, handed_to=handed_to, reference=reference, handed_at=at,
            handed_by=actor,
        )
        audit_record(
            actor=actor, event_type=EVENT, dossier=locked, obj=delivery, at=at,
            data={"status": locked.status, "how": how, "handed_to": handed_to,
                  "reference": reference},
        )
        if how != DeliveryMethod.COUNTER:  # sent after commit by the notification registry
            notify_applicant(
                locked, EVENT, f"Thông báo về hồ sơ {locked.code}",
                f"Lý do: {locked.refusal_reason}" if locked.refusal_reason else "",
            )
    return delivery
