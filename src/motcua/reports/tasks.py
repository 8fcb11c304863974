"""Periodic jobs (huey) of the reports: roll the monthly aggregates forward after a month ends.

Reports never write: until a month that has ended is rolled, the aggregate report reads its days
from DailyStat (same figures, more rows). ``motcua reports_rollup`` does the same by hand."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from motcua.reports.models import RollupMark
from motcua.reports.rollups import rollup_refresh


# Daily rather than on the 2nd only: a missed night (server down) is caught up the next one,
# and on other nights it is one read of RollupMark.
@db_periodic_task(crontab(minute="30", hour="0"))
def roll_up_months():
    """Cuộn số liệu tháng: returns the month start the rollups reach (None: never built)."""
    rollup_refresh()
    mark = RollupMark.objects.filter(pk=1).first()
    return mark.until if mark else None
