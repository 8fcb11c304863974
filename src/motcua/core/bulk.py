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
    fields = insert_fields(model)
    defaults = {}
    for f in fields:
        # A callable default (timezone.now, …) must be given by the caller.
        if f.default is NOT_PROVIDED or not callable(f.default):
            defaults[f.attname] = f.get_default()
    names = [f.attname for f in fields]
    return insert_tuples(
        model, names,
        (tuple(row[n] if n in row else defaults[n] for n in names) for row in rows),
        batch=batch,
    )


def insert_fields(model: type[models.Model]) -> list:
    return [
        f for f in model._meta.concrete_fields
        if not (f.primary_key and isinstance(f, models.AutoField))
    ]


def insert_tuples(
    model: type[models.Model], attnames: list[str], rows: Iterable[tuple], *, batch: int = 5000
) -> int:
    """Insert value tuples in ``attnames`` order: COPY on PostgreSQL, ``executemany`` in batches
    elsewhere (values adapted per column type). Python values, already validated."""
    by_name = {f.attname: f for f in model._meta.concrete_fields}
    fields = [by_name[n] for n in attnames]
    qn = connection.ops.quote_name
    table, columns = qn(model._meta.db_table), ", ".join(qn(f.column) for f in fields)
    count = 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # psycopg 3 dumps each Python value (aware datetime, date, Decimal, bool) itself.
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        return count
    adapters = [(i, a) for i, f in enumerate(fields) if (a := _adapter(f)) is not None]
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
    pending: list = []
    with connection.cursor() as cursor:
        for row in rows:
            if adapters:
                row = list(row)
                for i, adapt in adapters:
                    if row[i] is not None:
                        row[i] = adapt(row[i])
            pending.append(row)
            if len(pending) >= batch:
                cursor.executemany(sql, pending)
                count += len(pending)
                pending = []
        if pending:
            cursor.executemany(sql, pending)
            count += len(pending)
    return count


def clear_tables(*models: type[models.Model]) -> None:
    """Delete every row of ``models``: TRUNCATE on PostgreSQL (no per-row work, no dead rows
    left to vacuum), a plain delete elsewhere."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE " + ", ".join(m._meta.db_table for m in models))
    else:
        for model in models:
            model.objects.all().delete()
