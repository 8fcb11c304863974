"""Daily statistics ledger (sổ thống kê theo ngày) behind the official period report.

``DailyStat`` holds signed counts per day and per reporting key (receiving unit, competent
unit, field, procedure, level, channel). Flow metrics (received, processed early/on time/late)
are +1 on the day they happen; stock metrics (in process by due day, paused) are +1 on the day
a dossier enters the state and -1 on the day it leaves, so the stock at the end of any day is a
prefix sum. ``LedgerState`` remembers what each dossier currently contributes, so a transition
only writes the difference. See docs/reports.md.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

# due_day for metrics that have no due bucket (and for open dossiers without a due time).
NO_DUE = dt.date(9999, 12, 31)


class Metric(models.TextChoices):
    RECEIVED = "recv", _("Tiếp nhận")
    DIGITISED = "digi", _("Đã số hóa")
    FEE = "fee", _("Có phí, lệ phí")
    PAID_ONLINE = "paid", _("Thanh toán trực tuyến")
    OPEN = "open", _("Đang xử lý")
    PAUSED_IN_TIME = "p_in", _("Tạm dừng, trong hạn")
    PAUSED_OVERDUE = "p_over", _("Tạm dừng, quá hạn")
    EARLY = "early", _("Đã xử lý trước hạn")
    ON_TIME = "ontime", _("Đã xử lý đúng hạn")
    LATE = "late", _("Đã xử lý quá hạn")


# The reporting key every ledger row is counted under (khóa thống kê), in this order.
DIM_FIELDS = (
    "receiving_unit_id", "competent_unit_id", "field_id", "procedure_id", "level", "channel",
)


class ReportingKey(models.Model):
    """Who received, who decides, which field, procedure, level and channel. Plain ids, no FK
    constraint: the ledger is derived data, rebuilt by ``reports_rebuild``."""

    receiving_unit_id = models.BigIntegerField()
    competent_unit_id = models.BigIntegerField()
    field_id = models.BigIntegerField()
    procedure_id = models.BigIntegerField()
    level = models.CharField(max_length=4)
    channel = models.PositiveSmallIntegerField()

    class Meta:
        abstract = True


class DailyStat(ReportingKey):
    """Signed count of one metric on one day for one reporting key."""

    day = models.DateField()
    metric = models.CharField(max_length=8, choices=Metric.choices)
    # For OPEN: local date of (statistical due + 1 µs), so "overdue at the end of day A" is
    # due_day <= A. NO_DUE otherwise.
    due_day = models.DateField(default=NO_DUE)
    count = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("thống kê theo ngày")
        verbose_name_plural = _("thống kê theo ngày")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "day", "metric", "receiving_unit_id", "competent_unit_id", "field_id",
                    "procedure_id", "level", "channel", "due_day",
                ],
                name="daily_stat_unique_key",
            )
        ]
        indexes = [models.Index(fields=["metric", "day"], name="daily_stat_metric_day")]


class LedgerState(ReportingKey):
    """What one dossier currently contributes to the ledger (derived, rebuildable)."""

    dossier_id = models.BigIntegerField(primary_key=True)
    procedure_version_id = models.BigIntegerField()
    received_at = models.DateTimeField()
    digitised = models.BooleanField(default=False)
    fee = models.BooleanField(default=False)
    paid_online = models.BooleanField(default=False)
    # The replayed state (see motcua.reports.ledger.Track).
    status = models.CharField(max_length=32)
    due_at = models.DateTimeField(null=True)
    kind = models.CharField(max_length=8)
    paused_overdue = models.BooleanField(default=False)
    ended_at = models.DateTimeField(null=True)
    timeliness = models.CharField(max_length=8, blank=True)
    # The contribution written to the ledger for the current state.
    metric = models.CharField(max_length=8)
    due_day = models.DateField(default=NO_DUE)
    last_at = models.DateTimeField()
    last_change_id = models.BigIntegerField(default=0)


FLOW_METRICS = (
    Metric.RECEIVED, Metric.DIGITISED, Metric.FEE, Metric.PAID_ONLINE,
    Metric.EARLY, Metric.ON_TIME, Metric.LATE,
)
STOCK_METRICS = (Metric.OPEN, Metric.PAUSED_IN_TIME, Metric.PAUSED_OVERDUE)


class MonthlyStat(ReportingKey):
    """Flow counts of one whole month (sổ tháng): the sum of that month's ``DailyStat`` flow
    rows, for the months before ``RollupMark.until``. A year report reads 12 of these per key
    instead of ~250 days."""

    month = models.DateField()  # first day of the month
    metric = models.CharField(max_length=8, choices=Metric.choices)
    count = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("thống kê theo tháng")
        verbose_name_plural = _("thống kê theo tháng")
        constraints = [
            models.UniqueConstraint(fields=["month", "metric", *DIM_FIELDS], name="monthly_stat_unique_key")
        ]


class StockBalance(ReportingKey):
    """Stocks at 00:00 on the first day of ``month`` (số dư đầu tháng): the sum of every
    ``DailyStat`` stock row before that day, so "carried over" and "in process at the end of
    the period" do not sum the ledger since the beginning of time. Open dossiers already
    overdue then have ``due_day`` = the day before ``month`` (overdue at every later as-of)."""

    month = models.DateField()
    metric = models.CharField(max_length=8, choices=Metric.choices)
    due_day = models.DateField(default=NO_DUE)
    count = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("số dư đầu tháng")
        verbose_name_plural = _("số dư đầu tháng")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "metric", *DIM_FIELDS, "due_day"], name="stock_balance_unique_key"
            )
        ]


class RollupMark(models.Model):
    """One row: ``MonthlyStat`` holds every month before ``until`` and ``StockBalance`` every
    month start up to ``until`` (both derived from ``DailyStat``). NULL: no rollups yet."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    until = models.DateField(null=True)
    first = models.DateField(null=True)  # first month with ledger rows when rolled
