"""The province the synthetic dossiers belong to (units, procedures, one receptionist).

``load_demo()`` is used when it exists, so the benchmark runs on the same province as the demo;
otherwise a stand-in is built from ``procedures-sample.json`` (84 real procedures), with the
same shape: a provincial center, the agencies, and commune centers under their communes.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_PATHS = (
    ROOT / "src/motcua/demo/data/procedures-sample.json",
    Path("/work/shared/data/procedures-sample.json"),
)
COMMUNES = 102  # Đắk Lắk after the 2025 merger has about a hundred communes and wards.
BENCH_USER = "bench-receptionist"

TIME_UNITS = {
    "ngay_lam_viec": "working_days",
    "gio_lam_viec": "working_hours",
    "ngay": "calendar_days",
}


def load_province(*, communes: int = COMMUNES, stdout=None) -> str:
    """Seed units and procedures unless some exist; return which loader ran."""
    from motcua.catalog.models import ProcedureVersion

    if ProcedureVersion.objects.exists():
        return "existing"
    try:
        from motcua.demo import load_demo
    except ImportError:
        load_demo = None
    if load_demo is not None:
        try:
            load_demo(stdout=stdout)
        except Exception as exc:  # the demo loader is someone else's; fall back, say why
            if stdout:
                stdout.write(f"load_demo() failed ({exc!r}); using the bench stand-in province\n")
        else:
            if ProcedureVersion.objects.filter(status="published").exists():
                return "demo"
    _stand_in(communes=communes)
    return "stand-in"


def _sample() -> list[dict]:
    for path in SAMPLE_PATHS:
        if path.exists():
            return json.loads(path.read_text(encoding="utf-8"))
    raise FileNotFoundError("procedures-sample.json not found in " + ", ".join(map(str, SAMPLE_PATHS)))


@transaction.atomic
def _stand_in(*, communes: int) -> None:
    from motcua.catalog.models import (
        Field,
        Procedure,
        ProcedureVersion,
        RequiredDocument,
        VersionStatus,
    )
    from motcua.core.text import fold
    from motcua.org.models import Level, Unit, UnitKind

    suffix = settings.MOTCUA_PROVINCE_CODE.rsplit(".", 1)[-1]
    province = Unit.objects.create(
        code=settings.MOTCUA_PROVINCE_CODE, name=f"UBND tỉnh {settings.MOTCUA_PROVINCE_NAME}",
        kind=UnitKind.PROVINCE,
    )
    center = Unit.objects.create(
        code=f"000.00.01.{suffix}", name="Trung tâm Phục vụ hành chính công tỉnh",
        kind=UnitKind.PROVINCIAL_CENTER, parent=province,
    )
    centers = []
    for i in range(1, communes + 1):
        commune = Unit.objects.create(
            code=f"{i:03d}.00.50.{suffix}", name=f"UBND xã {i}", kind=UnitKind.COMMUNE,
            level=Level.COMMUNE, parent=province,
        )
        centers.append(Unit.objects.create(
            code=f"{i:03d}.01.50.{suffix}", name=f"Trung tâm Phục vụ hành chính công xã {i}",
            kind=UnitKind.COMMUNE_CENTER, level=Level.COMMUNE, parent=commune,
        ))
    agencies: dict[str, Unit] = {}
    fields: dict[str, Field] = {}
    now = timezone.now()
    for row in _sample():
        level = Level.COMMUNE if row["level"] == "xa" else Level.PROVINCE
        agency_name = (row["agency"] or "Ủy ban nhân dân tỉnh").split(";")[0].strip()
        if level == Level.COMMUNE:
            agency_name = "Ủy ban nhân dân cấp xã"
        if agency_name not in agencies:
            agencies[agency_name] = Unit.objects.create(
                code=f"000.{len(agencies) + 1:02d}.00.{suffix}", name=agency_name[:255],
                kind=UnitKind.COMMUNE if level == Level.COMMUNE else UnitKind.AGENCY,
                level=level, parent=province,
            )
        if row["field"] not in fields:
            n = len(fields) + 1
            fields[row["field"]] = Field.objects.create(
                code=f"LV{n:03d}", name=row["field"], slug=f"lv{n:03d}", order=n
            )
        procedure = Procedure.objects.create(
            code=row["code"], national_code=row["code"][:8],
            local_code=row["code"][9:] if len(row["code"]) > 8 else "",
        )
        unit = TIME_UNITS.get(row["time_unit"] or "", "")
        version = ProcedureVersion(
            procedure=procedure, number=1, status=VersionStatus.DRAFT, published_at=now,
            name=row["name"][:500], search_text=fold(f"{row['code']} {row['name']}"),
            field=fields[row["field"]], agency=agencies[agency_name], level=level,
            legal_time_value=Decimal(row["time_limit"]) if unit and row["time_limit"] else None,
            legal_time_unit=unit if row["time_limit"] else "",
            fee_text=row["fee"] or "", source=row["source"], note=row["note"] or "",
        )
        # Written as a draft and published once its parts are in: the database refuses parts
        # added to a published version.
        ProcedureVersion.objects.bulk_create([version])
        version.receiving_units.set(centers if level == Level.COMMUNE else [center])
        RequiredDocument.objects.bulk_create(
            RequiredDocument(version=version, order=i, name=name, mandatory=i <= 2)
            for i, name in enumerate(row["documents"] or ["Đơn đề nghị"], start=1)
        )
        ProcedureVersion.objects.filter(pk=version.pk).update(status=VersionStatus.PUBLISHED)
        Procedure.objects.filter(pk=procedure.pk).update(current=version)


def bench_receptionist():
    """A receptionist (cán bộ tiếp nhận) at the provincial center, with an API token."""
    from motcua.accounts.tokens import token_issue
    from motcua.org.models import Membership, Role, Unit, UnitKind

    User = get_user_model()
    user, _ = User.objects.get_or_create(
        username=BENCH_USER, defaults={"first_name": "Đo", "last_name": "Hiệu năng"}
    )
    center = (
        Unit.objects.filter(kind=UnitKind.PROVINCIAL_CENTER).order_by("id").first()
        or Unit.objects.filter(kind__in=[UnitKind.COMMUNE_CENTER, UnitKind.RECEIVING_POINT])
        .order_by("id").first()
    )
    Membership.objects.get_or_create(user=user, unit=center, role=Role.RECEPTIONIST)
    _token, key = token_issue(user=user, name="Đo hiệu năng", actor=user)
    return user, center, key
