"""Receivers of the dossier events (connected in ``PaymentsConfig.ready``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from motcua.core.errors import Conflict
from motcua.dossiers.states import Status


def prepayment_receiver(sender, *, dossier, change, **kwargs) -> None:
    """Refuse to accept an online dossier whose procedure requires payment first while
    something is still due: raising here rolls the acceptance back (``dossiers.events``)."""
    if change.action != "receive" or change.from_status != Status.SUBMITTED:
        return
    from motcua.payments import selectors
    from motcua.payments.models import ProcedurePaymentPolicy

    required = ProcedurePaymentPolicy.objects.filter(
        procedure_id=dossier.procedure_version.procedure_id, pay_before_acceptance=True).exists()
    due = selectors.amount_due(dossier) if required else 0
    if due > 0:
        from motcua.payments.templatetags.payments_tags import grouped

        raise Conflict(
            "payment_required",
            _("Thủ tục này yêu cầu nộp phí, lệ phí trước khi tiếp nhận hồ sơ trực tuyến; hồ sơ "
              "còn phải nộp %(due)s đồng.") % {"due": grouped(due)},
        )
