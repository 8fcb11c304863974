"""Satisfaction (mức độ hài lòng) from the floor's ratings, for the dashboard, the QĐ 766 index
(5.4) and the floor statistics. Levels follow TT 01/2018 Art. 13: 2 Rất hài lòng, 1 Hài lòng,
0 Không hài lòng (the "dislike" that 5.4 subtracts)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q

from motcua.floor.models import Rating
from motcua.reports.engine import end_of_day, start_of_day


def ratings_in(date_from: dt.date, date_to: dt.date, filters: dict | None = None):
    qs = Rating.objects.filter(at__gte=start_of_day(date_from), at__lte=end_of_day(date_to))
    filters = filters or {}
    if filters.get("receiving_unit"):
        qs = qs.filter(unit_id__in=filters["receiving_unit"])
    if filters.get("field"):
        qs = qs.filter(field_id__in=filters["field"])
    if filters.get("competent_unit"):
        qs = qs.filter(dossier__procedure_version__agency_id__in=filters["competent_unit"])
    return qs


def summary(date_from: dt.date, date_to: dt.date, filters: dict | None = None) -> dict:
    """Counts per level and the satisfied share (%), None when there is no rating."""
    agg = ratings_in(date_from, date_to, filters).aggregate(
        total=Count("id"), very=Count("id", filter=Q(level=2)),
        ok=Count("id", filter=Q(level=1)), bad=Count("id", filter=Q(level=0)))
    total = agg["total"]
    agg["satisfied_pct"] = round(100 * (agg["very"] + agg["ok"]) / total, 2) if total else None
    return agg


def by_officer(date_from: dt.date, date_to: dt.date, filters: dict | None = None) -> list[dict]:
    rows = (ratings_in(date_from, date_to, filters).values(
        "unit__name", "counter__number", "officer__last_name", "officer__first_name")
        .annotate(total=Count("id"), very=Count("id", filter=Q(level=2)),
                  ok=Count("id", filter=Q(level=1)), bad=Count("id", filter=Q(level=0)))
        .order_by("unit__name", "counter__number"))
    return list(rows)
