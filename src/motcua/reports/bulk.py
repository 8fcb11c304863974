"""Plain multi-row INSERTs for the bulk paths (import, rebuild).

``Model.objects.bulk_create`` spends most of its time preparing each field of each object in
Python (and SQLite limits it to ~999 parameters a statement); at a million rows that is the
whole cost. Here each row is a dict of attnames, converted with one precomputed adapter per
column and sent with ``executemany``. No signals, no ``save()``: only for derived or imported
rows whose values the caller has already validated.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, models
from django.db.models.fields import NOT_PROVIDED


def _adapter(field):
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.TimeField):
        return ops.adapt_timefield_value
    if isinstance(field, models.DecimalField):
        return lambda v, f=field: ops.adapt_decimalfield_value(v, f.max_digits, f.decimal_places)
    return None


def fast_insert(model: type[models.Model], rows: Iterable[dict], *, batch: int = 5000) -> int:
    """Insert ``rows`` (dicts keyed by attname; missing keys take the field default)."""
    fields = [
        f for f in model._meta.concrete_fields
        if not (f.primary_key and isinstance(f, models.AutoField))
    ]
    defaults = {}
    for f in fields:
        # A callable default (timezone.now, …) must be given by the caller.
        if f.default is NOT_PROVIDED or not callable(f.default):
            defaults[f.attname] = f.get_default()
    adapters = [(f.attname, _adapter(f)) for f in fields]
    qn = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        qn(model._meta.db_table),
        ", ".join(qn(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    count = 0
    pending: list[tuple] = []
    with connection.cursor() as cursor:
        for row in rows:
            values = []
            for name, adapt in adapters:
                value = row[name] if name in row else defaults[name]
                if adapt is not None and value is not None:
                    value = adapt(value)
                values.append(value)
            pending.append(tuple(values))
            if len(pending) >= batch:
                cursor.executemany(sql, pending)
                count += len(pending)
                pending = []
        if pending:
            cursor.executemany(sql, pending)
            count += len(pending)
    return count
