"""Mã hồ sơ: the per-unit, per-day code sequence."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from motcua.core.errors import Conflict
from motcua.core.sequences import sequence_next
from motcua.dossiers.models import CodeSequence
from motcua.dossiers.services.common import local_date
from motcua.org.models import Unit


def next_code(unit: Unit, at: dt.datetime) -> str:
    """Mã hồ sơ ``<unit code>-YYMMDD-XXXX``: per unit and day, never reused (domain §5.1).

    ``core.sequences.sequence_next`` holds it under concurrent intakes.
    """
    day = local_date(at)
    busy = Conflict("code_sequence_busy", _('Không cấp được mã hồ sơ, vui lòng thử lại.'))
    last = sequence_next(CodeSequence, busy=busy, unit_code=unit.code, day=day)
    return f"{unit.code}-{day:%y%m%d}-{last:04d}"
