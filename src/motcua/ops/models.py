"""Operations state kept in the database (shared by every node)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """The scheduler's heartbeat (nhịp của bộ lập lịch): one row per beating process kind.

    The periodic task ``ops.tasks.scheduler_beat`` bumps ``beats`` and ``at`` each minute; every
    node reads it (``/readyz``, the scheduler-lag gauge), so the row lives in the shared database
    rather than in one node's memory. ``beats`` also shows a doubled scheduler: two scheduler
    nodes would add two beats a minute."""

    name = models.CharField(max_length=32, primary_key=True)
    at = models.DateTimeField(_("lần cuối"))
    beats = models.PositiveBigIntegerField(_("số nhịp"), default=0)

    class Meta:
        verbose_name = _("nhịp bộ lập lịch")
