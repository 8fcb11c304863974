"""The exchange form of a procedure (bản ghi thủ tục): one typed record per procedure.

Import, export and the "did the content change?" check all go through these records, so a
file exported and imported again compares equal to what is stored and creates no new version.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from motcua.catalog.models import DocumentForm, OnlineMode, ProcedureVersion

CODE_RE = re.compile(r"^(\d\.\d{6})(\..+)?$")


def split_code(code: str) -> tuple[str, str]:
    """``1.014199.H05`` -> (``1.014199``, ``.H05``); the caller has checked CODE_RE."""
    match = CODE_RE.match(code)
    return match.group(1), match.group(2) or ""


@dataclass(frozen=True)
class FieldRecord:
    """A field (lĩnh vực) as exchanged."""

    code: str
    name: str
    order: int = 0


@dataclass(frozen=True)
class DocumentRecord:
    """A required document (thành phần hồ sơ)."""

    name: str
    form: str = DocumentForm.ANY
    copies: int = 1
    mandatory: bool = True
    condition: str = ""


@dataclass(frozen=True)
class FeeRecord:
    """A fee or charge (phí, lệ phí)."""

    name: str
    amount: int | None = None
    description: str = ""
    per_copy: bool = False  # the amount is per copy (đơn giá mỗi bản)
    online_reduction_percent: int = 0  # giảm khi nộp trực tuyến, 0–100
    exemptions: tuple[str, ...] = ()  # đối tượng được miễn


@dataclass(frozen=True)
class StepRecord:
    """A process step (bước xử lý); ``unit`` is a unit code or None for the agency."""

    name: str
    role: str
    hours: Decimal
    unit: str | None = None


@dataclass(frozen=True)
class ProcedureRecord:
    """The whole content of one procedure version, by codes rather than database ids."""

    code: str
    name: str
    field: str
    agency: str
    level: str
    receiving_units: tuple[str, ...] = ()
    legal_time_value: Decimal | None = None
    legal_time_unit: str = ""
    committed_time_value: Decimal | None = None
    committed_time_unit: str = ""
    time_note: str = ""
    cutoff: dt.time | None = None
    fee_text: str = ""
    fees: tuple[FeeRecord, ...] = ()
    result_type: str = ""
    online_mode: str = OnlineMode.NONE
    five_on_site: bool = False
    boundary_free: bool = False
    requires_paper_result: bool = True
    documents: tuple[DocumentRecord, ...] = ()
    steps: tuple[StepRecord, ...] = ()
    legal_basis: str = ""
    source: str = ""
    note: str = ""

    @classmethod
    def from_version(cls, version: ProcedureVersion) -> ProcedureRecord:
        """Build from a version whose documents, fees, steps and units are prefetched."""
        return cls(
            code=version.procedure.code,
            name=version.name,
            field=version.field.code,
            agency=version.agency.code,
            level=version.level,
            receiving_units=tuple(sorted(u.code for u in version.receiving_units.all())),
            legal_time_value=version.legal_time_value,
            legal_time_unit=version.legal_time_unit if version.legal_time_value is not None else "",
            committed_time_value=version.time_value,
            committed_time_unit=version.time_unit if version.time_value is not None else "",
            time_note=version.time_note,
            cutoff=version.cutoff,
            fee_text=version.fee_text,
            fees=tuple(
                FeeRecord(name=f.name, amount=f.amount, description=f.description,
                          per_copy=f.per_copy, online_reduction_percent=f.online_reduction_percent,
                          exemptions=tuple(f.exemptions or ()))
                for f in sorted(version.fees.all(), key=lambda f: f.pk)
            ),
            result_type=version.result_type,
            online_mode=version.online_mode,
            five_on_site=version.five_on_site,
            boundary_free=version.boundary_free,
            requires_paper_result=version.requires_paper_result,
            documents=tuple(
                DocumentRecord(
                    name=d.name, form=d.form, copies=d.copies, mandatory=d.mandatory,
                    condition=d.condition,
                )
                for d in sorted(version.documents.all(), key=lambda d: (d.order, d.pk))
            ),
            steps=tuple(
                StepRecord(
                    name=s.name, role=s.role, hours=s.hours, unit=s.unit.code if s.unit_id else None
                )
                for s in sorted(version.steps.all(), key=lambda s: (s.order, s.pk))
            ),
            legal_basis=version.legal_basis,
            source=version.source,
            note=version.note,
        )


VERSION_PREFETCH = ("receiving_units", "fees", "documents", "steps__unit")
VERSION_SELECT = ("procedure", "field", "agency")


def number(value: Decimal | None) -> int | float | None:
    """A JSON number: 15 rather than 15.00, 0.5 for half an hour."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def decimal_text(value: Decimal | None) -> str:
    if value is None:
        return ""
    return format(value.normalize(), "f")


def time_text(value: dt.time | None) -> str | None:
    return value.strftime("%H:%M") if value is not None else None
