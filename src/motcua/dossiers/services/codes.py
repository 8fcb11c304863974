"""Mã hồ sơ: the per-unit, per-day code sequence."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F

from motcua.core.errors import Conflict
from motcua.dossiers.models import CodeSequence
from motcua.dossiers.services.common import local_date
from motcua.org.models import Unit


def next_code(unit: Unit, at: dt.datetime) -> str:
    """Mã hồ sơ ``<unit code>-YYMMDD-XXXX``: per unit and day, never reused (domain §5.1).

    The UPDATE … SET last = last + 1 takes the row lock (PostgreSQL) or the write lock (SQLite,
    IMMEDIATE transactions) until the caller's transaction ends, so concurrent intakes queue; a
    first intake of the day creates the row, and a concurrent creator that loses the race
    (IntegrityError on the unique row) retries the UPDATE.
    """
    day = local_date(at)
    for _ in range(5):
        last = _increment_sequence(unit.code, day)
        if last is not None:
            break
        try:
            with transaction.atomic():
                CodeSequence.objects.create(unit_code=unit.code, day=day, last=1)
            last = 1
            break
        except IntegrityError:
            continue
    else:  # pragma: no cover - five lost races in a row
        raise Conflict("code_sequence_busy", "Không cấp được mã hồ sơ, vui lòng thử lại.")
    return f"{unit.code}-{day:%y%m%d}-{last:04d}"


def _increment_sequence(unit_code: str, day: dt.date) -> int | None:
    """``last + 1`` of the (unit, day) row, or None when the row does not exist yet.

    One ``UPDATE … RETURNING`` where the database has it (SQLite ≥ 3.35, PostgreSQL): it runs
    under the write lock, where every statement delays the other intakes.
    """
    connection = transaction.get_connection()
    rows = CodeSequence.objects.filter(unit_code=unit_code, day=day)
    if not connection.features.can_return_columns_from_insert:
        if not rows.update(last=F("last") + 1):
            return None
        return rows.values_list("last", flat=True).get()
    table = connection.ops.quote_name(CodeSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE {table} SET "last" = "last" + 1 WHERE "unit_code" = %s AND "day" = %s '
            'RETURNING "last"',
            [unit_code, connection.ops.adapt_datefield_value(day)],
        )
        row = cursor.fetchone()
    return row[0] if row else None
