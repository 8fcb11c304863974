"""The citizen's document store follows the dossier (through ``dossiers.events``): accepted
documents when an online dossier is received or a supplement completed, the result once it
is issued. Runs in the dossier's transaction."""

from __future__ import annotations

from django.dispatch import receiver

from motcua.citizens.models import CitizenFile, ElectronicDocument, Source
from motcua.citizens.services import keep_files, keep_result
from motcua.dossiers import events
from motcua.dossiers.states import Status


@receiver(events.status_changed, dispatch_uid="citizens.keep_documents")
def _keep_documents(sender, dossier, change, **kwargs) -> None:
    if change.action == "receive" and change.from_status == Status.SUBMITTED:
        keep_files(dossier, CitizenFile.objects.filter(dossier=dossier))
    elif change.action == "complete_supplement":
        kept = set(ElectronicDocument.objects.filter(source_dossier=dossier)
                   .values_list("file", flat=True))
        keep_files(dossier, [f for f in CitizenFile.objects.filter(
            dossier=dossier, source=Source.SUPPLEMENT) if f.file.name not in kept])
    elif change.to_status in (Status.ISSUED, Status.RESULT_READY, Status.RETURNED):
        keep_result(dossier)
