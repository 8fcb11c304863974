"""Race-safe counters (dãy số): dossier codes per unit and day, form numbers per unit, year and
series. One way to take the next number, so both hold under concurrent intakes and prints.

The counter is a row of a model with an integer ``last`` column and a unique constraint over
the key fields. ``UPDATE … SET last = last + 1`` takes the row lock (PostgreSQL) or the write
lock (SQLite, IMMEDIATE transactions) until the caller's transaction ends, so concurrent
callers queue; the first number of a key creates the row, and a concurrent creator that loses
the race (IntegrityError on the unique row) retries the UPDATE.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import F

from motcua.core.errors import Conflict

ATTEMPTS = 5


def sequence_next(model: type[models.Model], *, busy: Conflict, **key: Any) -> int:
    """``last + 1`` of the ``model`` row for ``key`` (field names or ``<fk>_id``), starting at 1.

    Call it inside the transaction that uses the number; ``busy`` is raised after
    ``ATTEMPTS`` lost creation races in a row (never seen in practice).
    """
    for _attempt in range(ATTEMPTS):
        last = _increment(model, key)
        if last is not None:
            return last
        try:
            with transaction.atomic():
                model._default_manager.create(**key, last=1)
            return 1
        except IntegrityError:  # someone created it first: increment theirs
            continue
    raise busy


def _increment(model: type[models.Model], key: dict[str, Any]) -> int | None:
    """``last + 1`` of the row, or None when it does not exist yet.

    One ``UPDATE … RETURNING`` where the database has it (SQLite ≥ 3.35, PostgreSQL): it runs
    under the write lock, where every extra statement delays the other callers.
    """
    connection = transaction.get_connection()
    if not _can_return(connection):
        rows = model._default_manager.filter(**key)
        if not rows.update(last=F("last") + 1):
            return None
        return rows.values_list("last", flat=True).get()
    quote = connection.ops.quote_name
    where, params = [], []
    for name, value in key.items():
        field = model._meta.get_field(name)
        where.append(f"{quote(field.column)} = %s")  # type: ignore[union-attr]
        params.append(field.get_db_prep_value(value, connection))  # type: ignore[union-attr]
    last = quote(model._meta.get_field("last").column)  # type: ignore[union-attr]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(model._meta.db_table)} SET {last} = {last} + 1 "
            f"WHERE {' AND '.join(where)} RETURNING {last}",
            params,
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _can_return(connection: Any) -> bool:
    """UPDATE … RETURNING works (PostgreSQL, SQLite ≥ 3.35); older SQLite takes the ORM path."""
    return bool(connection.features.can_return_columns_from_insert)
