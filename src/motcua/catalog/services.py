"""Writes to the procedure catalog: publish a version, start a new draft, import a file.

A published version (phiên bản đã công bố) is never edited: a change is a new version, and the
one it replaces becomes retired (hết hiệu lực) while dossiers received under it keep pointing at
it, with its time limit, fees and steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from motcua.audit.services import audit_record
from motcua.catalog.checking import check_catalog
from motcua.catalog.importers import RawCatalog
from motcua.catalog.models import (
    Fee,
    Field,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    RequiredDocument,
    VersionStatus,
)
from motcua.catalog.records import (
    VERSION_PREFETCH,
    VERSION_SELECT,
    FieldRecord,
    ProcedureRecord,
    split_code,
)
from motcua.core.errors import Conflict
from motcua.core.text import fold
from motcua.org.models import Unit

CHAIN = "catalog"

# Content copied into a new draft; identity, numbering and publication state are not.
_NOT_COPIED = {"id", "procedure", "number", "status", "published_at", "created_at", "search_text"}


def _publish(*, actor, version: ProcedureVersion, procedure: Procedure, at) -> ProcedureVersion:
    """Make ``version`` the one in force and retire the others. The caller holds the
    procedure's row lock inside its transaction."""
    retired = list(
        procedure.versions.filter(status=VersionStatus.PUBLISHED)
        .exclude(pk=version.pk)
        .values_list("number", flat=True)
    )
    for old in procedure.versions.filter(status=VersionStatus.PUBLISHED).exclude(pk=version.pk):
        old.status = VersionStatus.RETIRED
        old.save(update_fields=["status"])
    version.status = VersionStatus.PUBLISHED
    version.published_at = at
    version.save(update_fields=["status", "published_at"])
    procedure.current = version
    procedure.save(update_fields=["current"])
    audit_record(
        actor=actor,
        event_type="catalog.version_published",
        chain=CHAIN,
        obj=version,
        at=at,
        data={"procedure": procedure.code, "number": version.number, "retired": retired},
    )
    return version


def procedure_version_publish(*, actor, version: ProcedureVersion) -> ProcedureVersion:
    """Publish a draft (công bố phiên bản): it becomes the version in force, the previous one
    is retired."""
    with transaction.atomic():
        procedure = Procedure.objects.select_for_update().get(pk=version.procedure_id)
        version = ProcedureVersion.objects.select_related("procedure").get(pk=version.pk)
        if version.status != VersionStatus.DRAFT:
            raise Conflict(
                "version_not_draft",
                _("Phiên bản %(number)s của thủ tục %(code)s đã công bố; chỉ công bố được phiên bản dự thảo.") % {"number": version.number, "code": procedure.code},
            )
        newest = (
            procedure.versions.exclude(status=VersionStatus.DRAFT)
            .aggregate(n=Max("number"))["n"]
            or 0
        )
        if newest > version.number:
            # Publishing would silently undo the newer version (e.g. one imported meanwhile).
            raise Conflict(
                "version_outdated",
                _("Thủ tục %(code)s đã có phiên bản %(newest)s công bố sau khi dự thảo %(number)s được tạo; hãy tạo dự thảo mới từ phiên bản đang áp dụng.") % {"code": procedure.code, "newest": newest, "number": version.number},
            )
        return _publish(actor=actor, version=version, procedure=procedure, at=timezone.now())


def procedure_version_new_draft(*, actor, procedure: Procedure) -> ProcedureVersion:
    """Start a new draft (tạo phiên bản mới) as a copy of the version in force, with its
    documents, fees, steps and receiving units, numbered after the latest version."""
    with transaction.atomic():
        procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
        draft = procedure.versions.filter(status=VersionStatus.DRAFT).first()
        if draft is not None:
            raise Conflict(
                "draft_exists",
                _("Thủ tục %(code)s đã có phiên bản dự thảo số %(number)s; hãy sửa và công bố phiên bản đó.") % {"code": procedure.code, "number": draft.number},
            )
        source = procedure.current or procedure.versions.order_by("-number").first()
        if source is None:
            raise Conflict("no_version", _("Thủ tục %(code)s chưa có phiên bản nào để sao chép.") % {"code": procedure.code})
        number = (procedure.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        values = {
            f.attname: getattr(source, f.attname)
            for f in ProcedureVersion._meta.concrete_fields
            if f.name not in _NOT_COPIED
        }
        new = ProcedureVersion(procedure=procedure, number=number, status=VersionStatus.DRAFT, **values)
        new.save()
        new.receiving_units.set(source.receiving_units.all())
        RequiredDocument.objects.bulk_create(
            RequiredDocument(
                version=new, order=d.order, name=d.name, form=d.form, copies=d.copies,
                mandatory=d.mandatory, condition=d.condition, template=d.template,
            )
            for d in source.documents.all()
        )
        Fee.objects.bulk_create(
            Fee(version=new, name=f.name, amount=f.amount, description=f.description,
                per_copy=f.per_copy, online_reduction_percent=f.online_reduction_percent,
                exemptions=list(f.exemptions or ()))
            for f in source.fees.order_by("pk")
        )
        ProcessStep.objects.bulk_create(
            ProcessStep(
                version=new, order=s.order, name=s.name, unit_id=s.unit_id, role=s.role,
                hours=s.hours,
            )
            for s in source.steps.all()
        )
        audit_record(
            actor=actor,
            event_type="catalog.version_drafted",
            chain=CHAIN,
            obj=new,
            data={"procedure": procedure.code, "number": number, "from": source.number},
        )
        return new


@dataclass
class ImportSummary:
    """What an import did (or would do, on a dry run)."""

    created: list[str] = field(default_factory=list)
    new_versions: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    fields_created: list[str] = field(default_factory=list)
    fields_updated: list[str] = field(default_factory=list)
    dry_run: bool = False

    def as_data(self) -> dict:
        return {
            "created": len(self.created),
            "new_versions": len(self.new_versions),
            "unchanged": len(self.unchanged),
            "fields_created": len(self.fields_created),
            "fields_updated": len(self.fields_updated),
        }

    def __str__(self) -> str:
        text = (
            f"Thủ tục: tạo mới {len(self.created)}, phiên bản mới {len(self.new_versions)}, "
            f"không đổi {len(self.unchanged)}. Lĩnh vực: tạo mới {len(self.fields_created)}, "
            f"cập nhật {len(self.fields_updated)}."
        )
        if self.dry_run:
            text += " (Chạy thử: chưa lưu gì.)"
        return text


def _unique_slug(record: FieldRecord, taken: set[str]) -> str:
    base = slugify(fold(record.name))[:100] or slugify(record.code) or "linh-vuc"
    slug, counter = base, 1
    if slug in taken:
        slug = f"{base}-{slugify(record.code)}"[:120]
    while slug in taken:
        counter += 1
        slug = f"{base}-{counter}"
    taken.add(slug)
    return slug


def _import_fields(records: list[FieldRecord], summary: ImportSummary, actor, at) -> None:
    existing = {f.code: f for f in Field.objects.filter(code__in=[r.code for r in records])}
    taken = set(Field.objects.values_list("slug", flat=True))
    for record in records:
        current = existing.get(record.code)
        if current is None:
            Field.objects.create(
                code=record.code, name=record.name, order=record.order,
                slug=_unique_slug(record, taken),
            )
            summary.fields_created.append(record.code)
        elif (current.name, current.order) != (record.name, record.order):
            old = {"name": current.name, "order": current.order}
            current.name, current.order = record.name, record.order
            current.save(update_fields=["name", "order"])
            summary.fields_updated.append(record.code)
            audit_record(
                actor=actor, event_type="catalog.field_updated", chain=CHAIN, obj=current, at=at,
                data={"code": record.code, "old": old,
                      "new": {"name": record.name, "order": record.order}},
            )


def _create_version(
    *, procedure: Procedure, number: int, record: ProcedureRecord, fields: dict, units: dict
) -> ProcedureVersion:
    version = ProcedureVersion(
        procedure=procedure,
        number=number,
        status=VersionStatus.DRAFT,
        name=record.name,
        field=fields[record.field],
        agency=units[record.agency],
        level=record.level,
        legal_time_value=record.legal_time_value,
        legal_time_unit=record.legal_time_unit,
        time_value=record.committed_time_value,
        time_unit=record.committed_time_unit,
        time_note=record.time_note,
        cutoff=record.cutoff,
        fee_text=record.fee_text,
        result_type=record.result_type,
        requires_paper_result=record.requires_paper_result,
        online_mode=record.online_mode,
        five_on_site=record.five_on_site,
        boundary_free=record.boundary_free,
        legal_basis=record.legal_basis,
        source=record.source,
        note=record.note,
    )
    version.save()
    version.receiving_units.set([units[c] for c in record.receiving_units])
    RequiredDocument.objects.bulk_create(
        RequiredDocument(
            version=version, order=order, name=d.name, form=d.form, copies=d.copies,
            mandatory=d.mandatory, condition=d.condition,
        )
        for order, d in enumerate(record.documents, start=1)
    )
    Fee.objects.bulk_create(
        Fee(version=version, name=f.name, amount=f.amount, description=f.description,
            per_copy=f.per_copy, online_reduction_percent=f.online_reduction_percent,
            exemptions=list(f.exemptions))
        for f in record.fees
    )
    ProcessStep.objects.bulk_create(
        ProcessStep(
            version=version, order=order, name=s.name, role=s.role, hours=s.hours,
            unit=units[s.unit] if s.unit else None,
        )
        for order, s in enumerate(record.steps, start=1)
    )
    return version


def catalog_import(
    *, actor, catalog: RawCatalog, dry_run: bool = False, source_name: str = ""
) -> ImportSummary:
    """Import a read catalog file (nhập danh mục thủ tục), all or nothing.

    Every row is checked first (``CatalogInvalid`` lists all problems and nothing is written).
    Then a new code creates the procedure with version 1 published; a known code whose content
    differs gets a new published version and the previous one is retired; identical content
    changes nothing, so importing the same file twice is harmless. Procedures missing from the
    file are left as they are. ``dry_run`` does everything and rolls it back.
    """
    summary = ImportSummary(dry_run=dry_run)
    with transaction.atomic():
        data = check_catalog(catalog)
        at = timezone.now()
        _import_fields(data.fields, summary, actor, at)

        codes = [r.code for r in data.procedures]
        field_codes = {r.field for r in data.procedures}
        fields = {f.code: f for f in Field.objects.filter(code__in=field_codes)}
        unit_codes = set()
        for r in data.procedures:
            unit_codes.add(r.agency)
            unit_codes.update(r.receiving_units)
            unit_codes.update(s.unit for s in r.steps if s.unit)
        units = {u.code: u for u in Unit.objects.filter(code__in=unit_codes)}

        procedures = {
            p.code: p for p in Procedure.objects.select_for_update().filter(code__in=codes)
        }
        current = {
            v.procedure_id: v
            for v in ProcedureVersion.objects.filter(
                pk__in=[p.current_id for p in procedures.values() if p.current_id]
            )
            .select_related(*VERSION_SELECT)
            .prefetch_related(*VERSION_PREFETCH)
        }
        latest = dict(
            ProcedureVersion.objects.filter(procedure__in=procedures.values())
            .values_list("procedure")
            .annotate(n=Max("number"))
        )

        for record in data.procedures:
            procedure = procedures.get(record.code)
            if procedure is None:
                national, local = split_code(record.code)
                procedure = Procedure.objects.create(
                    code=record.code, national_code=national, local_code=local
                )
                number = 1
                summary.created.append(record.code)
            else:
                in_force = current.get(procedure.pk)
                if in_force is not None and ProcedureRecord.from_version(in_force) == record:
                    summary.unchanged.append(record.code)
                    continue
                number = latest.get(procedure.pk, 0) + 1
                summary.new_versions.append(record.code)
            version = _create_version(
                procedure=procedure, number=number, record=record, fields=fields, units=units
            )
            _publish(actor=actor, version=version, procedure=procedure, at=at)

        audit_record(
            actor=actor, event_type="catalog.imported", chain=CHAIN, at=at,
            data={"source": source_name, "format": catalog.fmt, "dry_run": dry_run,
                  **summary.as_data()},
        )
        if dry_run:
            transaction.set_rollback(True)
    return summary
