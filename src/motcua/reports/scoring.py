"""TT 01/2018 evaluation scoring (chấm điểm đánh giá giải quyết TTHC, Arts. 12–15), domain §6.4.

Per dossier whose processing ended in the period (each indicator 2 / 1 / 0 points):

* 1 total time (tổng thời gian): early 2, on time 1, late 0 — the official report's verdict;
* 2 each unit's time (thời gian của từng cơ quan, đơn vị): from the Phiếu kiểm soát steps
  (``DossierStep.outcome``): all early 2, any late 0, else 1; N/A without recorded steps;
* 3 contacts to complete the dossier (số lần liên hệ để hoàn thiện hồ sơ):
  ``supplement_count`` 0 → 2, 1 → 1, more → 0;
* 4 bodies contacted (số cơ quan phải liên hệ): ``BODIES_CONTACTED_POINTS`` (default 1: under
  the one-stop mechanism the applicant deals with the one-stop unit only; None shows N/A);
* 7 attitude (thái độ): needs the applicant's rating, which Motcua does not hold yet: N/A.

The dossier score is the sum of the indicators that could be computed (at most 8 of 10 while
indicator 7 is N/A). An officer's score is the average of the scores of the dossiers they
worked on — as receiving officer (``received_by``) or as assignee of a step — rounded to one
decimal (Art. 15). A unit (the competent agency) scores the average of its dossiers plus the
unit indicators we can compute: 5 (whole process at the one-stop unit) and 9 (online services);
6 (publication) and 8 (complaints) are N/A. Bands are applied to what could be computed, so
they are a lower bound while indicators are N/A.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import OnlineMode
from motcua.dossiers.models import DossierStep, StepOutcome
from motcua.dossiers.states import Channel
from motcua.org.models import Unit
from motcua.reports.dashboard import PageParams
from motcua.reports.engine import dossier_lines, make_window, official_report
from motcua.reports.index766 import competent_procedures

BODIES_CONTACTED_POINTS: int | None = 1
ONE = Decimal("0.1")


def average(values: list[int | Decimal]) -> Decimal | None:
    """Sum ÷ count, rounded half-up to one decimal (TT 01/2018 Art. 15)."""
    if not values:
        return None
    return (Decimal(sum(values)) / Decimal(len(values))).quantize(ONE, ROUND_HALF_UP)


def total_time_points(timeliness: str) -> int:
    return {"early": 2, "on_time": 1}.get(timeliness, 0)


def unit_time_points(outcomes: list[str]) -> int | None:
    outcomes = [o for o in outcomes if o]
    if not outcomes:
        return None
    if any(o == StepOutcome.LATE for o in outcomes):
        return 0
    if all(o == StepOutcome.EARLY for o in outcomes):
        return 2
    return 1


def contacts_points(supplement_count: int) -> int:
    return 2 if supplement_count == 0 else 1 if supplement_count == 1 else 0


def officer_band(score: Decimal | None) -> str:
    """Officer's task completion (mức độ hoàn thành nhiệm vụ) from the average score."""
    if score is None:
        return ""
    if score >= 5:
        return str(_("Hoàn thành 100% nhiệm vụ"))
    if score >= Decimal("3.5"):
        return str(_("Hoàn thành từ 70% đến dưới 100%"))
    return str(_("Hoàn thành dưới 70%"))


def unit_band(score: Decimal | None) -> str:
    if score is None:
        return ""
    if score >= 15:
        return str(_("Xuất sắc"))
    if score >= 12:
        return str(_("Tốt"))
    if score >= 9:
        return str(_("Khá"))
    if score >= 6:
        return str(_("Trung bình"))
    return str(_("Yếu"))


@dataclass
class DossierScore:
    dossier_id: int
    code: str
    agency_id: int
    channel: int
    timeliness: str
    i1: int
    i2: int | None
    i3: int
    i4: int | None
    officers: set[int] = field(default_factory=set)

    i7 = None  # attitude: no ratings yet

    @property
    def score(self) -> int:
        return sum(p for p in (self.i1, self.i2, self.i3, self.i4) if p is not None)


@dataclass
class OfficerScore:
    user_id: int
    name: str
    dossiers: int
    score: Decimal | None

    @property
    def band(self) -> str:
        return officer_band(self.score)


@dataclass
class UnitScore:
    unit_id: int
    code: str
    name: str
    dossiers: int
    dossier_average: Decimal | None
    i5: int | None
    i9: int | None
    online_share: float | None

    @property
    def score(self) -> Decimal | None:
        if self.dossier_average is None:
            return None
        return self.dossier_average + sum(p for p in (self.i5, self.i9) if p is not None)

    @property
    def band(self) -> str:
        return unit_band(self.score)


@dataclass
class Scoring:
    params: PageParams
    as_of: dt.datetime
    dossiers: list[DossierScore]
    officers: list[OfficerScore]
    units: list[UnitScore]

    @property
    def average(self) -> Decimal | None:
        return average([d.score for d in self.dossiers])


def whole_process_points(procedures: int, on_site: int) -> int | None:
    """Indicator 5: 2 when ≥ 20% of the unit's procedures are done whole at the one-stop unit
    ("5 tại chỗ"); below that we cannot tell 1 from 0 (eligibility is not recorded): N/A."""
    if not procedures:
        return None
    return 2 if on_site * 5 >= procedures else None


def online_points(
    procedures: int, online_procedures: int, online: int, new: int, late_online: int
) -> int | None:
    """Indicator 9: 2 with ≥ 20% of procedures online, ≥ 30% online dossiers and no late online
    dossier; 1 with online procedures and ≥ 15% online dossiers; else 0."""
    if not procedures or not new:
        return None
    share = Decimal(online) / Decimal(new)
    if online_procedures * 5 >= procedures and share >= Decimal("0.3") and not late_online:
        return 2
    if online_procedures and share >= Decimal("0.15"):
        return 1
    return 0


def procedure_counts(unit_ids) -> dict[int, dict]:
    """Per agency: its procedures, those online (toàn trình / một phần), those "5 tại chỗ"."""
    return {
        r["current__agency_id"]: r
        for r in competent_procedures(None)
        .filter(current__agency_id__in=unit_ids)
        .values("current__agency_id")
        .annotate(
            total=Count("pk"),
            online=Count("pk", filter=~Q(current__online_mode=OnlineMode.NONE)),
            on_site=Count("pk", filter=Q(current__five_on_site=True)),
        )
    }


def _steps(ids: list[int]) -> dict[int, list[tuple[str, int | None]]]:
    result: dict[int, list] = defaultdict(list)
    for i in range(0, len(ids), 2000):
        for dossier_id, outcome, assignee in DossierStep.objects.filter(
            dossier_id__in=ids[i:i + 2000]
        ).values_list("dossier_id", "outcome", "assignee_id"):
            result[dossier_id].append((outcome, assignee))
    return result


def scoring(params: PageParams, *, as_of: dt.datetime | None = None) -> Scoring:
    """Scores of the dossiers whose processing ended in the period, their officers and units."""
    window = make_window(params.date_from, params.date_to, as_of)
    lines = [
        line
        for line in dossier_lines(
            window, params.filters, ("code", "supplement_count", "received_by_id")
        )
        if line.category == "processed"
    ]
    steps = _steps([line.row["id"] for line in lines])
    dossiers = []
    for line in lines:
        row = line.row
        dossier_steps = steps.get(row["id"], [])
        officers = {a for _, a in dossier_steps if a is not None}
        if row["received_by_id"]:
            officers.add(row["received_by_id"])
        dossiers.append(
            DossierScore(
                dossier_id=row["id"], code=row["code"], agency_id=row["competent_unit_id"],
                channel=row["channel"], timeliness=line.timeliness,
                i1=total_time_points(line.timeliness),
                i2=unit_time_points([o for o, _ in dossier_steps]),
                i3=contacts_points(row["supplement_count"]),
                i4=BODIES_CONTACTED_POINTS, officers=officers,
            )
        )
    dossiers.sort(key=lambda d: d.code)

    by_officer: dict[int, list[int]] = defaultdict(list)
    by_unit: dict[int, list[DossierScore]] = defaultdict(list)
    for d in dossiers:
        for officer in d.officers:
            by_officer[officer].append(d.score)
        by_unit[d.agency_id].append(d)
    # Vietnamese order: family name first (họ và tên).
    users = {
        pk: " ".join(p for p in (last, first) if p) or username
        for pk, username, last, first in get_user_model().objects.filter(pk__in=by_officer)
        .values_list("pk", "username", "last_name", "first_name")
    }
    officers = sorted(
        (OfficerScore(pk, users.get(pk, str(pk)), len(s), average(s))
         for pk, s in by_officer.items()),
        key=lambda o: o.name,
    )

    report = official_report(
        date_from=params.date_from, date_to=params.date_to, as_of=window.as_of, by="agency",
        filters=params.filters,
    )
    rows = {row.key: row for row in report.rows}
    counts = procedure_counts(list(by_unit))
    units = []
    for unit in Unit.objects.filter(pk__in=by_unit).order_by("code"):
        procs = counts.get(unit.pk, {"total": 0, "online": 0, "on_site": 0})
        scored = by_unit[unit.pk]
        row = rows.get(unit.pk)
        late_online = sum(
            1 for d in scored if d.channel == Channel.ONLINE and d.timeliness == "late"
        )
        online, new = (row.online, row.new) if row else (0, 0)
        units.append(
            UnitScore(
                unit_id=unit.pk, code=unit.code, name=unit.name, dossiers=len(scored),
                dossier_average=average([d.score for d in scored]),
                i5=whole_process_points(procs["total"], procs["on_site"]),
                i9=online_points(procs["total"], procs["online"], online, new, late_online),
                online_share=row.online_share if row else None,
            )
        )
    return Scoring(params, window.as_of, dossiers, officers, units)
