"""Legacy dossier import (nhập hồ sơ từ hệ thống cũ), CSV or XLSX. See docs/dossier-import.md.

All or nothing: every row is validated first (pass 1, streaming, only the codes are kept in
memory); if any row is bad nothing is written and the rejects file names each bad row and why.
Pass 2 reads the file again and writes dossiers and their history with ``bulk_create`` in
batches inside one transaction, then emits ``events.dossiers_imported`` (the statistics ledger
adds them, in the same transaction).
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from motcua.audit.services import audit_record
from motcua.catalog.models import Procedure, ProcedureVersion, VersionStatus
from motcua.core import tabular
from motcua.core.bulk import fast_insert
from motcua.core.text import fold
from motcua.dossiers import events
from motcua.dossiers.models import Dossier, StatusChange
from motcua.dossiers.states import NATIONAL_CODE, Status
from motcua.org.models import Unit
from motcua.worktime import DEFAULT_CUTOFF, Duration, WorkCalendar

VN = ZoneInfo("Asia/Ho_Chi_Minh")

COLUMNS = (
    "code", "procedure_code", "receiving_unit", "applicant_name", "applicant_id_number",
    "channel", "received_at", "due_at", "finished_at", "returned_at", "status",
)
REQUIRED = ("code", "procedure_code", "receiving_unit", "applicant_name", "channel",
            "received_at", "status")
NATIONAL_TO_STATUS = {
    1: Status.SUBMITTED,
    2: Status.RECEIVED,
    3: Status.REFUSED_AT_RECEPTION,
    4: Status.APPRAISING,
    5: Status.SUPPLEMENT_REQUESTED,
    6: Status.AWAITING_PAYMENT,
    7: Status.WITHDRAWN,
    8: Status.STOPPED,
    9: Status.RESULT_READY,
    10: Status.RETURNED,
}
NEEDS_FINISHED = {7, 8, 9, 10}
NOT_RECEIVED = {1, 3}  # never received: received_at is the submission / refusal time
BATCH = 5000
IMPORT_REASON = "Nhập từ hệ thống cũ"


@dataclass(frozen=True, slots=True)
class VersionInfo:
    id: int
    published_at: dt.datetime | None
    field_id: int
    agency_id: int
    time_value: object
    time_unit: str
    cutoff: dt.time | None


@dataclass(frozen=True, slots=True)
class Parsed:
    code: str
    version: VersionInfo
    unit_id: int
    applicant_name: str
    id_number: str
    channel: int
    national: int
    received_at: dt.datetime
    due_at: dt.datetime | None
    finished_at: dt.datetime | None
    returned_at: dt.datetime | None


@dataclass
class ImportResult:
    rows: int = 0
    imported: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (line, code, reason)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


class Lookups:
    """Units and procedures loaded once, so validating a row touches no database."""

    def __init__(self):
        self.units = dict(Unit.objects.values_list("code", "pk"))
        versions: dict[int, list[VersionInfo]] = {}
        for v in (
            ProcedureVersion.objects.exclude(status=VersionStatus.DRAFT)
            .order_by("procedure_id", "published_at", "number")
            .values("id", "procedure_id", "published_at", "field_id", "agency_id",
                    "time_value", "time_unit", "legal_time_value", "legal_time_unit", "cutoff")
        ):
            if v["time_value"] is not None and v["time_unit"]:
                value, unit = v["time_value"], v["time_unit"]
            else:
                value, unit = v["legal_time_value"], v["legal_time_unit"]
            versions.setdefault(v["procedure_id"], []).append(
                VersionInfo(v["id"], v["published_at"], v["field_id"], v["agency_id"], value,
                            unit, v["cutoff"])
            )
        self.current = {}
        self.by_code: dict[str, int] = {}
        national: dict[str, list[int]] = {}
        for pk, code, national_code, current_id in Procedure.objects.values_list(
            "pk", "code", "national_code", "current_id"
        ):
            self.by_code[code] = pk
            national.setdefault(national_code, []).append(pk)
            self.current[pk] = current_id
        # A national code names a procedure only when one procedure carries it.
        self.by_national = {code: pks[0] for code, pks in national.items() if len(pks) == 1}
        self.versions = versions

    def version(self, code: str, received_at: dt.datetime) -> VersionInfo | None:
        pk = self.by_code.get(code) or self.by_national.get(code)
        if pk is None:
            return None
        versions = self.versions.get(pk, [])
        in_force = [v for v in versions if v.published_at and v.published_at <= received_at]
        if in_force:
            return in_force[-1]
        current = self.current.get(pk)
        return next((v for v in versions if v.id == current), versions[-1] if versions else None)


def read_rows(path: Path) -> Iterator[tuple[int, dict]]:
    """(row number, row) from a CSV or XLSX file (its first sheet) through the one tabular
    reader; the header is row 1 and the column names are compared without case."""
    for row in tabular.read_rows(path):
        yield row.number, row.values


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _moment(value, name: str, errors: list[str]) -> dt.datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        moment = value
    else:
        try:
            moment = dt.datetime.fromisoformat(_text(value))
        except ValueError:
            errors.append(f"{name} “{_text(value)}” không phải ngày giờ ISO 8601")
            return None
    return moment.replace(tzinfo=VN) if moment.tzinfo is None else moment


def _int(value, name: str, allowed: range, errors: list[str]) -> int | None:
    text = _text(value)
    if not text.isdigit() or int(text) not in allowed:
        errors.append(f"{name} “{text}” không hợp lệ")
        return None
    return int(text)


def parse_row(raw: dict, lookups: Lookups, now: dt.datetime) -> tuple[Parsed | None, list[str]]:
    """Validate one row; returns the parsed row or the list of Vietnamese reasons."""
    errors: list[str] = []
    for name in REQUIRED:
        if _text(raw.get(name)) == "":
            errors.append(f"thiếu {name}")
    if errors:
        return None, errors
    code = _text(raw["code"])
    if len(code) > 64:
        errors.append("mã hồ sơ dài quá 64 ký tự")
    unit_id = lookups.units.get(_text(raw["receiving_unit"]))
    if unit_id is None:
        errors.append(f"không có đơn vị tiếp nhận mã “{_text(raw['receiving_unit'])}”")
    id_number = _text(raw.get("applicant_id_number"))
    if id_number and not (id_number.isdigit() and len(id_number) in (9, 12)):
        errors.append("số định danh phải gồm 12 chữ số (hoặc 9 chữ số CMND cũ)")
    channel = _int(raw["channel"], "kênh nộp", range(1, 4), errors)
    national = _int(raw["status"], "trạng thái", range(1, 11), errors)
    received = _moment(raw["received_at"], "received_at", errors)
    due = _moment(raw.get("due_at"), "due_at", errors)
    finished = _moment(raw.get("finished_at"), "finished_at", errors)
    returned = _moment(raw.get("returned_at"), "returned_at", errors)
    version = None
    if received is not None:
        version = lookups.version(_text(raw["procedure_code"]), received)
        if version is None:
            errors.append(f"không có thủ tục mã “{_text(raw['procedure_code'])}”")
        for name, moment in (("received_at", received), ("finished_at", finished),
                             ("returned_at", returned)):
            if moment is not None and moment > now:
                errors.append(f"{name} ở tương lai")
        if due is not None and due < received:
            errors.append("hạn xử lý trước thời điểm tiếp nhận")
        if finished is not None and finished < received:
            errors.append("kết thúc xử lý trước thời điểm tiếp nhận")
        if returned is not None and returned < received:
            errors.append("trả kết quả trước thời điểm tiếp nhận")
        elif returned is not None and finished is not None and returned < finished:
            errors.append("trả kết quả trước khi kết thúc xử lý")
    if national is not None:
        if national in NEEDS_FINISHED and finished is None:
            errors.append(f"trạng thái {national} cần finished_at")
        if national not in NEEDS_FINISHED and finished is not None:
            errors.append(f"trạng thái {national} (chưa kết thúc xử lý) không được có finished_at")
        if national == 10 and returned is None:
            errors.append("trạng thái 10 (đã trả kết quả) cần returned_at")
        if national != 10 and returned is not None:
            errors.append(f"trạng thái {national} không được có returned_at")
    if errors:
        return None, errors
    return Parsed(code, version, unit_id, _text(raw["applicant_name"])[:255], id_number,
                  channel, national, received, due, finished, returned), []


def _due(parsed: Parsed, cal) -> dt.datetime | None:
    if parsed.due_at is not None or parsed.national in NOT_RECEIVED:
        return parsed.due_at
    v = parsed.version
    if v.time_value is None or not v.time_unit:
        return None
    return cal.deadline(
        parsed.received_at, Duration.of(v.time_value, v.time_unit),
        cutoff=v.cutoff if v.cutoff is not None else DEFAULT_CUTOFF,
    )


def _history(parsed: Parsed, status: str, due) -> list[tuple[str, dt.datetime]]:
    r, n = parsed.received_at, parsed.national
    if n in NOT_RECEIVED:
        return [(status, r)]
    steps = [(Status.RECEIVED, r)]
    if n in (4, 5, 6):
        steps.append((status, r))
    elif n in (7, 8):
        steps.append((status, parsed.finished_at))
    elif n == 9:
        steps.append((Status.RESULT_READY, parsed.finished_at))
    elif n == 10:
        steps += [(Status.RESULT_READY, parsed.finished_at), (Status.RETURNED, parsed.returned_at)]
    return steps


def _dossier(parsed: Parsed, due, now: dt.datetime) -> dict:
    status = NATIONAL_TO_STATUS[parsed.national]
    received = parsed.national not in NOT_RECEIVED
    v = parsed.version
    at_center = parsed.national in (1, 3, 7, 8, 9, 10)
    return {
        "code": parsed.code,
        "procedure_version_id": v.id,
        "field_id": v.field_id,
        "receiving_unit_id": parsed.unit_id,
        "competent_unit_id": v.agency_id,
        "current_unit_id": parsed.unit_id if at_center else v.agency_id,
        "channel": parsed.channel,
        "applicant_name": parsed.applicant_name,
        "applicant_name_folded": fold(parsed.applicant_name),
        "applicant_id_number": parsed.id_number if len(parsed.id_number) == 12 else "",
        "applicant_legacy_id": parsed.id_number if len(parsed.id_number) == 9 else "",
        "submitted_at": parsed.received_at,
        "received_at": parsed.received_at if received else None,
        "clock_start": parsed.received_at if received else None,
        "time_value": v.time_value,
        "time_unit": v.time_unit or "",
        "cutoff": v.cutoff,
        "due_at": due,
        "original_due_at": due,
        "finished_at": parsed.finished_at,
        "returned_at": parsed.returned_at,
        "status": status,
        "national_status": NATIONAL_CODE[status],
        "imported": True,
        "notes": IMPORT_REASON,
        "created_at": now,
        "updated_at": now,
    }


def _bar(total: int, desc: str, show: bool):
    return tqdm(total=total, desc=desc, file=sys.stderr, unit="dòng", disable=not show)


def dossiers_import(
    *,
    path: str | Path,
    actor=None,
    dry_run: bool = False,
    rejects: str | Path | None = None,
    progress: bool | None = None,
) -> ImportResult:
    """Validate, then (unless ``dry_run`` or any row is bad) import every row of ``path``.

    ``progress``: show tqdm bars on stderr (default: only for files of 10,000 rows or more).
    """
    path = Path(path)
    now = timezone.now()
    lookups = Lookups()
    result = ImportResult(dry_run=dry_run)
    first_line: dict[str, int] = {}
    line_codes: list[tuple[int, str]] = []

    # Pass 1: validate every row.
    for line, raw in read_rows(path):
        result.rows += 1
        parsed, errors = parse_row(raw, lookups, now)
        code = _text(raw.get("code"))
        if code:
            if code in first_line:
                errors.append(f"trùng mã hồ sơ với dòng {first_line[code]}")
            else:
                first_line[code] = line
                line_codes.append((line, code))
        if errors:
            result.errors.append((line, code, "; ".join(errors)))
    show = result.rows >= 10_000 if progress is None else progress
    for start in range(0, len(line_codes), BATCH):
        chunk = dict((c, n) for n, c in line_codes[start : start + BATCH])
        for code in Dossier.objects.filter(code__in=list(chunk)).values_list("code", flat=True):
            result.errors.append((chunk[code], code, "mã hồ sơ đã có trong hệ thống"))
    result.errors.sort()
    if rejects is not None:
        _write_rejects(Path(rejects), result.errors)
    if result.errors or dry_run:
        return result

    # Pass 2: write, all in one transaction.
    cal = WorkCalendar.vietnam()  # the national calendar, as the statistics ledger uses
    with transaction.atomic():
        ids: list[int] = []
        batch: list[tuple[Parsed, object]] = []
        with _bar(result.rows, "Nhập hồ sơ", show) as bar:
            for _line, raw in read_rows(path):
                parsed, _errors = parse_row(raw, lookups, now)
                batch.append((parsed, _due(parsed, cal)))
                if len(batch) >= BATCH:
                    ids += _write_batch(batch, now)
                    bar.update(len(batch))
                    batch = []
            ids += _write_batch(batch, now)
            bar.update(len(batch))
        with _bar(len(ids), "Cập nhật số liệu thống kê", show) as bar:
            events.emit_dossiers_imported(dossier_ids=ids, progress=bar.update)
        audit_record(
            actor=actor,
            event_type="dossiers_imported",
            data={"file": path.name, "rows": result.rows},
        )
    result.imported = len(ids)
    return result


def _write_batch(batch: list[tuple[Parsed, object]], now: dt.datetime) -> list[int]:
    if not batch:
        return []
    fast_insert(Dossier, (_dossier(p, due, now) for p, due in batch))
    ids = dict(
        Dossier.objects.filter(code__in=[p.code for p, _ in batch]).values_list("code", "pk")
    )
    changes = []
    for parsed, due in batch:
        previous = ""
        for status, at in _history(parsed, NATIONAL_TO_STATUS[parsed.national], due):
            changes.append({
                "dossier_id": ids[parsed.code], "from_status": previous, "to_status": status,
                "action": "import", "at": at, "due_at": due, "unit_id": parsed.unit_id,
                "reason": IMPORT_REASON, "actor_id": None, "step_id": None,
            })
            previous = status
    fast_insert(StatusChange, changes)
    return list(ids.values())


def _write_rejects(path: Path, errors: list[tuple[int, str, str]]) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["dong", "ma_ho_so", "ly_do"])
        writer.writerows(errors)
