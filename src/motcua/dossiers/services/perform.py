"""One entry point for every action a person takes on an existing dossier, whoever asks (API,
staff pages): the transitions of the table go to ``dossier_act``, the apology actions to their
services. The choice is made here only.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from motcua.core.errors import InvalidInput
from motcua.dossiers.models import Apology, Dossier
from motcua.dossiers.permissions import APOLOGY_ACTIONS, NOTICE_ACTION
from motcua.dossiers.services.actions import dossier_act
from motcua.dossiers.services.apologies import (
    apology_escalate,
    apology_record_explanation,
    dossier_apologise,
)
from motcua.dossiers.services.common import ActionResult
from motcua.dossiers.services.notices import dossier_hand_over_notice


def dossier_perform(*, actor, dossier: Dossier, action: str, at: dt.datetime | None = None,
                    apology: Apology | None = None, **params) -> ActionResult:
    """Take ``action`` (a transition, one of ``APOLOGY_ACTIONS`` or ``hand_over_notice``) with
    its parameters.

    ``apology``: the dossier's apology when the caller has it already (else it is read for
    ``record_explanation`` and ``escalate``; ``no_apology`` when there is none). An apology
    action returns an ``ActionResult`` without a history row.
    """
    if action == NOTICE_ACTION:
        dossier_hand_over_notice(
            actor=actor, dossier=dossier, how=params.get("how") or "",
            handed_to=params.get("handed_to") or params.get("returned_to") or "",
            reference=params.get("reference") or "", at=at,
        )
        return ActionResult(dossier=dossier, change=None)
    if action not in APOLOGY_ACTIONS:
        return dossier_act(actor=actor, dossier=dossier, action=action, at=at, **params)
    if action == "apologise":
        dossier_apologise(actor=actor, dossier=dossier, reason=params.get("reason", ""),
                          new_due_at=params.get("new_due_at"), at=at)
        return ActionResult(dossier=dossier, change=None)
    if apology is None:
        apology = Apology.objects.filter(dossier=dossier).first()
    if apology is None:
        raise InvalidInput("no_apology", _('Hồ sơ chưa có văn bản xin lỗi.'))
    if action == "record_explanation":
        apology_record_explanation(actor=actor, apology=apology,
                                   explanation=params.get("explanation", ""), at=at)
    else:
        apology_escalate(actor=actor, apology=apology, at=at)
    return ActionResult(dossier=dossier, change=None)
