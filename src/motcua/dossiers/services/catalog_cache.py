"""The per-process cache of published catalog parts that intake reads (documents, steps, fees).

A published version and its parts are frozen at the model level, so they are read once per
process; the signal receivers below drop the cache whenever any of them is saved or deleted.
"""

from __future__ import annotations

from django.db.models import Prefetch, prefetch_related_objects
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from motcua.catalog.models import Fee, ProcedureVersion, ProcessStep, RequiredDocument
from motcua.core.orm_speed import detached_copy, prefetched, seed_related

__all__ = ["loaded_version", "seed_related"]


def loaded_version(version: ProcedureVersion) -> ProcedureVersion:
    """A copy of ``version`` with everything intake reads from the catalog loaded in one go
    (procedure, agency, field, documents, steps with their units, fees, receiving units).

    Done before the transaction: on SQLite the transaction holds the database write lock, so
    reads inside it serialise every intake. A published version and its parts are frozen at the
    model level, so nothing read here can change under the transaction except the version's
    status, which intake checks here exactly as before; the parts of a published version are
    therefore kept per process (``_frozen_parts``). The receiving units are a many-to-many
    list that the model does not freeze, so they are read every time. The copy keeps the
    caller's object free of prefetched lists that could go stale.
    """
    loaded = detached_copy(version)
    for name in ("procedure", "agency", "field"):
        getattr(loaded, name)
    key = (
        (version.pk, version.published_at)
        if version.is_published and version.published_at and version.pk
        else None
    )
    parts = _frozen_parts.get(key) if key else None
    if parts is None:
        prefetch_related_objects(
            [loaded], "documents",
            Prefetch("steps", queryset=ProcessStep.objects.select_related("unit")), "fees",
        )
        parts = {name: prefetched(loaded, name) or [] for name in _PARTS}
        if key:
            if len(_frozen_parts) >= 1024:
                _frozen_parts.clear()
            _frozen_parts[key] = parts
    seed_related(loaded, parts)
    prefetch_related_objects([loaded], "receiving_units")
    return loaded


_PARTS = ("documents", "steps", "fees")
# (version id, published at) -> its documents, steps (with units) and fees, as read once.
_frozen_parts: dict[tuple, dict[str, list]] = {}


@receiver(post_save, sender=ProcedureVersion)
@receiver(post_delete, sender=ProcedureVersion)
@receiver(post_save, sender=RequiredDocument)
@receiver(post_delete, sender=RequiredDocument)
@receiver(post_save, sender=ProcessStep)
@receiver(post_delete, sender=ProcessStep)
@receiver(post_save, sender=Fee)
@receiver(post_delete, sender=Fee)
def _forget_frozen_parts(**kwargs) -> None:
    # Published parts never change; this covers ids reused after a delete or a rolled-back
    # transaction (tests), where a new version could meet an old cache entry.
    _frozen_parts.clear()
