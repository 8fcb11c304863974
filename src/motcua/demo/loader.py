"""Load the demo province (tỉnh Đắk Lắk minh họa) into the database. Idempotent.

Units, counters and staff are upserted by their natural keys (unit code, center + counter
number, username); the catalog goes through the catalog importer, which leaves identical
content alone. A second run therefore writes nothing.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from motcua.audit.services import audit_record
from motcua.catalog.importers import read_bytes
from motcua.catalog.models import Field, Procedure, VersionStatus
from motcua.catalog.services import catalog_import
from motcua.demo import DEMO_PASSWORD
from motcua.demo.citizens import load_citizens
from motcua.demo.convert import DATA_FILE
from motcua.demo.staff import COMMUNE_COUNTERS, PROVINCIAL_COUNTERS, STAFF
from motcua.demo.units import (
    ALL_UNITS,
    BY_KEY,
    CENTER,
    COMMUNE_CENTERS,
    DEFAULT_PROVINCE_CODE,
    level1,
)
from motcua.org.models import Counter, Membership, Unit, UnitKind


@dataclass(frozen=True)
class DemoSummary:
    """What the demo database holds after loading, and what this run created."""

    province_code: str
    units: int
    agencies: int
    communes: int
    counters: int
    fields: int
    procedures: int
    users: int
    created: int
    updated: int
    catalog: str

    def as_dict(self) -> dict:
        return asdict(self)


def _upsert(model, lookup: dict, values: dict) -> tuple[object, str]:
    """Create, or update only the fields that differ; returns (obj, "created"|"updated"|"")."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), "created"
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    for key in changed:
        setattr(obj, key, values[key])
    if changed:
        obj.save(update_fields=changed)
    return obj, "updated" if changed else ""


def catalog_data(province_code: str | None = None) -> dict:
    """The shipped catalog JSON, with unit codes moved to the configured province code."""
    province_code = province_code or settings.MOTCUA_PROVINCE_CODE
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    old, new = level1(DEFAULT_PROVINCE_CODE), level1(province_code)
    if old == new:
        return data
    suffix = re.compile(rf"\.{old}$")

    def move(code):
        return suffix.sub(f".{new}", code) if code else code

    for proc in data["procedures"]:
        proc["agency"] = move(proc["agency"])
        proc["receiving_units"] = [move(c) for c in proc["receiving_units"]]
        for step in proc["steps"]:
            step["unit"] = move(step["unit"])
    return data


def _import_catalog(data: dict, actor) -> str:
    raw = read_bytes(json.dumps(data, ensure_ascii=False).encode("utf-8"), "json")
    summary = catalog_import(actor=actor, catalog=raw, source_name=DATA_FILE.name)
    return str(summary)


def load_demo(*, stdout=None) -> DemoSummary:
    province_code = settings.MOTCUA_PROVINCE_CODE
    level1(province_code)  # fail early on a malformed setting
    counts = {"created": 0, "updated": 0}

    def tally(outcome: str) -> None:
        if outcome:
            counts[outcome] += 1

    def say(message: str) -> None:
        if stdout is not None:
            stdout.write(message + "\n")

    User = get_user_model()
    # One hash for every demo login: hashing is slow by design (about 0.5 s each).
    password_hash = make_password(DEMO_PASSWORD)
    with transaction.atomic():
        units: dict[str, Unit] = {}
        for spec in ALL_UNITS:  # parents come first
            unit, outcome = _upsert(
                Unit,
                {"code": spec.code(province_code)},
                {
                    "code_qd20": spec.code_qd20(province_code),
                    "name": spec.name,
                    "short_name": spec.short_name,
                    "kind": spec.kind,
                    "level": spec.level,
                    "parent": units[spec.parent] if spec.parent else None,
                    "supervisor": units[spec.supervisor] if spec.supervisor else None,
                    "address": spec.address,
                    "phone": spec.phone,
                    "is_active": True,
                },
            )
            units[spec.key] = unit
            tally(outcome)
        say(f"Đơn vị: {len(units)}")

        # The importer needs an actor; the demo administrator is created first for that.
        admin_spec = next(s for s in STAFF if s.superuser)
        admin, created = User.objects.get_or_create(
            username=admin_spec.username,
            defaults={
                "first_name": admin_spec.first_name,
                "last_name": admin_spec.last_name,
                "is_staff": True,
                "is_superuser": True,
                "password": password_hash,
            },
        )
        if created:
            tally("created")

        catalog = _import_catalog(catalog_data(province_code), admin)
        say(f"Danh mục thủ tục: {catalog}")

        fields = {f.code: f for f in Field.objects.all()}
        counters: dict[tuple[str, int], Counter] = {}
        plans = [(CENTER.key, PROVINCIAL_COUNTERS)] + [
            (c.key, COMMUNE_COUNTERS) for c in COMMUNE_CENTERS
        ]
        for center_key, plan in plans:
            for number, name, agency_key, field_codes in plan:
                counter, outcome = _upsert(
                    Counter,
                    {"center": units[center_key], "number": number},
                    {
                        "name": name,
                        "agency": units[agency_key] if agency_key else None,
                        "is_active": True,
                    },
                )
                wanted = {fields[c].pk for c in field_codes}
                if set(counter.fields.values_list("pk", flat=True)) != wanted:
                    counter.fields.set(wanted)
                    outcome = outcome or "updated"
                tally(outcome)
                counters[(center_key, number)] = counter

        for spec in STAFF:
            user, created = User.objects.get_or_create(
                username=spec.username,
                defaults={
                    "first_name": spec.first_name,
                    "last_name": spec.last_name,
                    "is_staff": spec.superuser,
                    "is_superuser": spec.superuser,
                    "password": password_hash,
                },
            )
            if created:
                tally("created")
            _, outcome = _upsert(
                Membership,
                {"user": user, "unit": units[spec.unit], "role": spec.role},
                {
                    "title": spec.title,
                    "counter": counters.get((spec.unit, spec.counter)) if spec.counter else None,
                },
            )
            tally(outcome)
        say(f"Cán bộ: {len(STAFF)}")
        load_citizens(say)

        if counts["created"] or counts["updated"]:
            audit_record(
                actor=admin,
                event_type="demo.loaded",
                data={"province_code": province_code, **counts, "catalog": catalog},
            )

    province_units = Unit.objects.filter(code__endswith=f".{level1(province_code)}")
    return DemoSummary(
        province_code=province_code,
        units=province_units.count(),
        agencies=province_units.filter(kind=UnitKind.AGENCY).count(),
        communes=province_units.filter(kind=UnitKind.COMMUNE).count(),
        counters=Counter.objects.filter(center__in=province_units).count(),
        fields=Field.objects.count(),
        procedures=Procedure.objects.filter(current__status=VersionStatus.PUBLISHED).count(),
        users=User.objects.filter(username__in=[s.username for s in STAFF]).count(),
        created=counts["created"],
        updated=counts["updated"],
        catalog=catalog,
    )


__all__ = ["BY_KEY", "DemoSummary", "catalog_data", "load_demo"]
