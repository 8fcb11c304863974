"""The per-process caches of what intake reads from the catalog and the units.

* Published catalog parts (documents, steps, fees): a published version and its parts are
  frozen at the model level, so they are read once per process; the signal receivers below
  drop the cache whenever any of them is saved or deleted.
* The staff intake's reads (``intake_unit``, ``intake_version``): the receiving unit by code
  and the procedure version with its procedure, agency, field, parts and receiving units,
  kept per process at one value of the change counter (``accounts.CacheGeneration``), which
  database triggers raise on every write of the unit, procedure, version and receiving-unit
  tables (migrations ``dossiers.0011`` and ``0013``), whichever process or path writes. The
  counter is read once per request (by the token sign-in, or here); an entry read at another
  value is never used.
"""

from __future__ import annotations

import copy

from django.db.models import Prefetch, prefetch_related_objects
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from motcua.accounts.tokens import current_generation
from motcua.catalog.models import Fee, Procedure, ProcedureVersion, ProcessStep, RequiredDocument
from motcua.core.orm_speed import detached_copy, prefetched, seed_related
from motcua.org.models import Unit

__all__ = ["forget", "intake_unit", "intake_version", "loaded_version", "seed_related"]


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

    A version from ``intake_version`` was loaded at the request's change counter: it is
    copied, not read again.
    """
    if getattr(version, _LOADED_AT, None) is not None:
        return detached_copy(version)
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


# --- the staff intake's reads, per process at one change counter ------------------------------

# The change counter the entries below were read at; they are dropped when it moves.
_at: dict[str, int | None] = {"generation": None}
_units: dict[str, Unit] = {}
_versions: dict[tuple, ProcedureVersion] = {}
_MAX = 1024
# Set on a version loaded here (the counter it was read at): ``loaded_version`` copies it.
_LOADED_AT = "_motcua_loaded_at"


def _usable(generation: int | None) -> int | None:
    """The counter the entries may be used at (read now when the caller has none), or None:
    nothing is kept (no counter row, a read-only replica)."""
    if generation is None:
        generation = current_generation()
    if generation is None:
        return None
    if _at["generation"] != generation:
        _units.clear()
        _versions.clear()
        _at["generation"] = generation
    return generation


def intake_unit(code: str, *, generation: int | None = None) -> Unit | None:
    """The unit with ``code`` and its parent (which decides a commune-level intake's competent
    unit), or None. ``generation``: the change counter this request has read already (the
    token sign-in's, ``tokens.generation_of``); without it, it is read here."""
    generation = _usable(generation)
    found = _units.get(code) if generation is not None else None
    if found is None:
        found = Unit.objects.filter(code=code).select_related("parent").first()
        if found is None:
            return None  # unknown codes are not kept: the cache holds real units only
        if generation is not None:
            if len(_units) >= _MAX:
                _units.clear()
            _units[code] = found
    # A copy per request, so that nothing a request sets on it outlives the request.
    unit = copy.copy(found)
    if found.parent is not None:
        unit.parent = copy.copy(found.parent)
    return unit


def intake_version(*, pk: int | None = None, procedure: str | None = None,
                   generation: int | None = None) -> ProcedureVersion | None:
    """The version ``pk``, or else the current version of the procedure with code
    ``procedure``, loaded as ``loaded_version`` loads it (procedure, agency, field, parts,
    receiving units), or None. Read once per process at each value of the change counter."""
    key = ("pk", pk) if pk else ("procedure", procedure)
    if not key[1]:
        return None
    generation = _usable(generation)
    found = _versions.get(key) if generation is not None else None
    if found is None:
        # The procedure, agency and field come in the same query.
        if pk:
            version = (ProcedureVersion.objects.select_related("procedure", "agency", "field")
                       .filter(pk=pk).first())
        else:
            proc = (Procedure.objects.filter(code=procedure)
                    .select_related("current", "current__agency", "current__field").first())
            version = proc.current if proc is not None else None
            if proc is not None and version is not None:
                version.procedure = proc
        if version is None:
            return None
        found = loaded_version(version)
        if generation is not None:
            setattr(found, _LOADED_AT, generation)
            if len(_versions) >= _MAX:
                _versions.clear()
            _versions[key] = found
    return detached_copy(found)


def forget() -> None:
    """Drop this process's intake entries (tests: rows and the counter roll back between
    them, so one value of the counter can meet other rows)."""
    _units.clear()
    _versions.clear()
    _at["generation"] = None
