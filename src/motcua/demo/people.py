"""Synthetic applicants and procedure targets (người nộp và thủ tục giả lập), shared by the demo
history (``motcua.demo.history``) and the benchmark generator (``bench/generate.py``).

Plain data and seeded random draws; ``load_targets`` reads the catalog and units.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

SURNAMES = "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý H'".split()
MIDDLE = "Văn Thị Hữu Minh Ngọc Thanh Quốc Đức Thu Xuân".split()
GIVEN = (
    "An Bình Châu Dũng Giang Hà Hải Hạnh Hòa Hùng Hương Khoa Lan Linh Long Mai Nam Nga Phúc "
    "Quân Sơn Tâm Thảo Trang Tuấn Vy Y"
).split()
STREETS = "Lê Duẩn|Nguyễn Tất Thành|Phan Bội Châu|Hùng Vương|Y Jút|Mai Hắc Đế|Trần Phú".split("|")


def id_number(rng: random.Random, province: str = "066") -> tuple[str, dt.date, str]:
    """A well-formed personal ID (số định danh): province, century/sex digit, year, 6 random."""
    year = rng.randint(1945, 2007)
    female = rng.random() < 0.5
    century = (year // 100 - 19) * 2 + (1 if female else 0)
    birth = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
    number = f"{province}{century}{year % 100:02d}{rng.randrange(1_000_000):06d}"
    return number, birth, "female" if female else "male"


def phone(rng: random.Random) -> str:
    """A Vietnamese mobile number (09x, 03x, 08x, 07x + 7 digits)."""
    return f"0{rng.choice('9387')}{rng.randrange(10):d}{rng.randrange(10_000_000):07d}"


def person(rng: random.Random) -> dict:
    """An applicant as the intake services take it (``applicant`` dict)."""
    number, birth, gender = id_number(rng, "066" if rng.random() < 0.8 else "054")
    return {
        "name": f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
        "id_number": number,
        "birth_date": birth.isoformat(),
        "gender": gender,
        "phone": phone(rng),
        "address": f"{rng.randrange(1, 300)} {rng.choice(STREETS)}",
    }


@dataclass(frozen=True)
class Target:
    """What a dossier can be received for: one procedure version at one receiving unit."""

    version_id: int
    field_id: int
    receiving_id: int
    receiving_code: str
    competent_id: int
    time_value: float
    time_unit: str


def load_targets(*, receivable_only: bool = False) -> list[tuple[Target, float]]:
    """Procedure x receiving unit pairs with their popularity weight.

    Procedures follow a Zipf law (commune civil-status and residence procedures carry most
    dossiers), commune procedures are spread over the commune centers by a skewed population
    weight. ``receivable_only`` keeps the versions intake accepts as the demo staff can work
    them: a published time limit, a step plan, and not "5 tại chỗ" (done whole at the counter
    by on-site officers the demo does not staff); otherwise a missing limit reads as 3 working
    days (the benchmark only needs volume).
    """
    from motcua.catalog.models import ProcedureVersion
    from motcua.org.models import RECEIVING_KINDS, Unit, UnitKind

    units = {u.id: u for u in Unit.objects.all()}
    centers = [u for u in units.values() if u.kind in RECEIVING_KINDS]
    if not centers:
        raise RuntimeError("no receiving unit (trung tâm, điểm tiếp nhận): seed the province first")
    province_centers = [u for u in centers if u.level == "tinh"] or centers
    commune_centers = [u for u in centers if u.level == "xa"] or centers
    rng = random.Random(7)
    # Population of a commune: skewed, a few wards hold most people.
    population = {u.id: rng.lognormvariate(0, 0.8) for u in sorted(commune_centers, key=lambda u: u.code)}
    versions = list(
        ProcedureVersion.objects.filter(status="published")
        .order_by("procedure__code")
        .prefetch_related("receiving_units", "steps")
    )
    if receivable_only:
        versions = [
            v for v in versions
            if v.effective_time[0] is not None and v.effective_time[1]
            and v.steps.all() and not v.five_on_site
        ]
    if not versions:
        raise RuntimeError("no published procedure: seed the province first")
    # Commune procedures (civil status, residence) are the bulk of a center's traffic.
    ranked = sorted(versions, key=lambda v: (v.level != "xa", rng.random()))
    targets = []
    for rank, version in enumerate(ranked, start=1):
        popularity = 1.0 / rank**1.1
        value, unit = version.effective_time
        value = float(value) if value is not None else 3.0
        unit = unit or "working_days"
        receiving = sorted(version.receiving_units.all(), key=lambda u: u.code) or (
            commune_centers if version.level == "xa" else province_centers
        )
        total = sum(population.get(u.id, 1.0) for u in receiving)
        for center in receiving:
            competent = version.agency_id
            parent = units.get(center.parent_id)
            if version.level == "xa" and parent is not None and parent.kind == UnitKind.COMMUNE:
                competent = parent.id
            share = population.get(center.id, 1.0) / total
            targets.append((
                Target(version.id, version.field_id, center.id, center.code, competent, value, unit),
                popularity * share,
            ))
    return targets
