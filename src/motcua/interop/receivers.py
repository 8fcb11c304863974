"""Every status change of an online dossier goes to the national portal's outbox, in the
dossier's transaction (a rolled-back change sends nothing)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.dispatch import receiver

from motcua.dossiers.events import status_changed
from motcua.dossiers.states import NATIONAL_CODE, Channel
from motcua.interop.models import NationalPortalEvent


def enabled() -> bool:
    return bool(getattr(settings, "MOTCUA_NATIONAL_PORTAL_URL", ""))


def payload_for(dossier, change) -> dict:
    return {
        "dossier_code": dossier.code,
        "status": change.to_status,
        "national_status": NATIONAL_CODE.get(change.to_status),
        "previous_status": change.from_status or None,
        "action": change.action,
        "at": change.at.isoformat(),
        "due_at": dossier.due_at.isoformat() if dossier.due_at else None,
        "reason": change.reason or "",
    }


@receiver(status_changed, dispatch_uid="interop.national_portal")
def on_status_changed(sender, *, dossier, change, **kwargs) -> None:
    if not enabled() or dossier.channel != Channel.ONLINE:
        return
    NationalPortalEvent.objects.create(dossier=dossier, dossier_code=dossier.code,
                                       payload=payload_for(dossier, change))
    from motcua.interop.outbox import kick

    transaction.on_commit(kick)
