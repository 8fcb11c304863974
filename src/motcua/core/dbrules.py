"""Database triggers for rules that must hold whoever writes the row.

Python guards (a model's ``save``/``delete``, a queryset's ``update``) stop the application's
own mistakes; a script, a bulk query or someone at the SQL prompt goes around them. The
triggers here make SQLite and PostgreSQL refuse the same writes. Migrations call these helpers
from ``RunPython`` so one migration serves both databases.

Every refusal raises with a message starting ``motcua:`` and a short code, so an
``IntegrityError``/``InternalError`` can be told apart from other failures.
"""

from __future__ import annotations

from collections.abc import Iterable

# SQLite's RAISE(ABORT) surfaces as IntegrityError; PostgreSQL's RAISE EXCEPTION with SQLSTATE
# 23000 (integrity_constraint_violation) does too, so callers catch one exception type.
_PG_SQLSTATE = "23000"


def _sqlite_drop(name: str) -> str:
    return f'DROP TRIGGER IF EXISTS "{name}"'


def append_only(schema_editor, table: str, *, code: str) -> None:
    """Refuse UPDATE and DELETE on ``table`` (rows are written once)."""
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for op in ("UPDATE", "DELETE"):
            name = f"{table}_no_{op.lower()}"
            schema_editor.execute(_sqlite_drop(name))
            schema_editor.execute(
                f'CREATE TRIGGER "{name}" BEFORE {op} ON "{table}" '
                f"BEGIN SELECT RAISE(ABORT, 'motcua: {code}'); END"
            )
    elif vendor == "postgresql":
        func = f"{table}_append_only"
        schema_editor.execute(
            f'CREATE OR REPLACE FUNCTION "{func}"() RETURNS trigger LANGUAGE plpgsql AS $$ '
            f"BEGIN RAISE EXCEPTION 'motcua: {code}' USING ERRCODE = '{_PG_SQLSTATE}'; END $$"
        )
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{func}" ON "{table}"')
        schema_editor.execute(
            f'CREATE TRIGGER "{func}" BEFORE UPDATE OR DELETE ON "{table}" '
            f'FOR EACH ROW EXECUTE FUNCTION "{func}"()'
        )


def drop_append_only(schema_editor, table: str) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for op in ("update", "delete"):
            schema_editor.execute(_sqlite_drop(f"{table}_no_{op}"))
    elif vendor == "postgresql":
        func = f"{table}_append_only"
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{func}" ON "{table}"')
        schema_editor.execute(f'DROP FUNCTION IF EXISTS "{func}"()')


def frozen_when(
    schema_editor, table: str, *, columns: Iterable[str], frozen: str, mutable: Iterable[str] = (),
    refused: str = "", code: str,
) -> None:
    """Refuse an UPDATE of ``table`` that changes any of ``columns`` (other than ``mutable``),
    or that satisfies the SQL condition ``refused`` (over ``NEW``/``OLD``), on a row for which
    the SQL condition ``frozen`` (over ``OLD``) holds."""
    changeable = set(mutable)
    watched = [c for c in columns if c not in changeable]
    vendor = schema_editor.connection.vendor
    name = f"{table}_frozen"
    if vendor == "sqlite":
        changed = " OR ".join([f'NEW."{c}" IS NOT OLD."{c}"' for c in watched] + [refused or "0"])
        schema_editor.execute(_sqlite_drop(name))
        schema_editor.execute(
            f'CREATE TRIGGER "{name}" BEFORE UPDATE ON "{table}" '
            f"WHEN ({frozen}) AND ({changed}) "
            f"BEGIN SELECT RAISE(ABORT, 'motcua: {code}'); END"
        )
    elif vendor == "postgresql":
        changed = " OR ".join(
            [f'NEW."{c}" IS DISTINCT FROM OLD."{c}"' for c in watched] + [refused or "false"]
        )
        schema_editor.execute(
            f'CREATE OR REPLACE FUNCTION "{name}"() RETURNS trigger LANGUAGE plpgsql AS $$ '
            f"BEGIN IF ({frozen}) AND ({changed}) THEN "
            f"RAISE EXCEPTION 'motcua: {code}' USING ERRCODE = '{_PG_SQLSTATE}'; END IF; "
            f"RETURN NEW; END $$"
        )
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"')
        schema_editor.execute(
            f'CREATE TRIGGER "{name}" BEFORE UPDATE ON "{table}" '
            f'FOR EACH ROW EXECUTE FUNCTION "{name}"()'
        )


def frozen_children(
    schema_editor, table: str, *, parent_table: str, parent_fk: str, frozen: str, code: str,
) -> None:
    """Refuse INSERT, UPDATE and DELETE of ``table`` rows whose parent row (``parent_fk`` →
    ``parent_table.id``) satisfies the SQL condition ``frozen`` over the parent alias ``p``."""
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for op, ref in (("INSERT", "NEW"), ("UPDATE", "OLD"), ("DELETE", "OLD")):
            name = f"{table}_frozen_{op.lower()}"
            schema_editor.execute(_sqlite_drop(name))
            schema_editor.execute(
                f'CREATE TRIGGER "{name}" BEFORE {op} ON "{table}" '
                f'WHEN EXISTS (SELECT 1 FROM "{parent_table}" p '
                f'WHERE p.id = {ref}."{parent_fk}" AND ({frozen})) '
                f"BEGIN SELECT RAISE(ABORT, 'motcua: {code}'); END"
            )
        # An UPDATE may also move a row under a frozen parent.
        name = f"{table}_frozen_update_new"
        schema_editor.execute(_sqlite_drop(name))
        schema_editor.execute(
            f'CREATE TRIGGER "{name}" BEFORE UPDATE ON "{table}" '
            f'WHEN EXISTS (SELECT 1 FROM "{parent_table}" p '
            f'WHERE p.id = NEW."{parent_fk}" AND ({frozen})) '
            f"BEGIN SELECT RAISE(ABORT, 'motcua: {code}'); END"
        )
    elif vendor == "postgresql":
        name = f"{table}_frozen"
        schema_editor.execute(
            f'CREATE OR REPLACE FUNCTION "{name}"() RETURNS trigger LANGUAGE plpgsql AS $$ '
            f"DECLARE parent_id bigint; BEGIN "
            f"IF TG_OP = 'INSERT' THEN parent_id := NEW.\"{parent_fk}\"; "
            f"ELSE parent_id := OLD.\"{parent_fk}\"; END IF; "
            f'IF EXISTS (SELECT 1 FROM "{parent_table}" p WHERE p.id = parent_id AND ({frozen})) '
            f"OR (TG_OP = 'UPDATE' AND EXISTS (SELECT 1 FROM \"{parent_table}\" p "
            f'WHERE p.id = NEW."{parent_fk}" AND ({frozen}))) THEN '
            f"RAISE EXCEPTION 'motcua: {code}' USING ERRCODE = '{_PG_SQLSTATE}'; END IF; "
            f"IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$"
        )
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"')
        schema_editor.execute(
            f'CREATE TRIGGER "{name}" BEFORE INSERT OR UPDATE OR DELETE ON "{table}" '
            f'FOR EACH ROW EXECUTE FUNCTION "{name}"()'
        )


def drop_trigger(schema_editor, table: str, name: str) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(_sqlite_drop(name))
    elif vendor == "postgresql":
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"')
        schema_editor.execute(f'DROP FUNCTION IF EXISTS "{name}"()')


# ----------------------------------------------------------------------------- version counters
#
# Conditional requests and per-process caches need a number that moves whenever what they
# cached changes, whoever writes: a service that forgets to bump it, a bulk ``update()``, a
# loader or someone at the SQL prompt. Triggers keep it on SQLite and PostgreSQL alike.


def bump_own_version(schema_editor, table: str, *, column: str) -> None:
    """Every UPDATE of a ``table`` row raises its ``column`` by one, unless the UPDATE itself
    raised it (then it stays as written). A stale value written back by ``Model.save()`` (lower
    than the stored one) is replaced by stored + 1: the number never goes back."""
    vendor = schema_editor.connection.vendor
    name = f"{table}_{column}_bump"
    if vendor == "sqlite":
        # SQLite's BEFORE triggers cannot change NEW: a second UPDATE after the first. The WHEN
        # stops it from firing on its own UPDATE (recursive triggers are off by default anyway).
        schema_editor.execute(_sqlite_drop(name))
        schema_editor.execute(
            f'CREATE TRIGGER "{name}" AFTER UPDATE ON "{table}" FOR EACH ROW '
            f'WHEN NEW."{column}" <= OLD."{column}" '
            f'BEGIN UPDATE "{table}" SET "{column}" = OLD."{column}" + 1 '
            f"WHERE id = NEW.id; END"
        )
    elif vendor == "postgresql":
        schema_editor.execute(
            f'CREATE OR REPLACE FUNCTION "{name}"() RETURNS trigger LANGUAGE plpgsql AS $$ '
            f'BEGIN IF NEW."{column}" <= OLD."{column}" THEN '
            f'NEW."{column}" := OLD."{column}" + 1; END IF; RETURN NEW; END $$'
        )
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"')
        schema_editor.execute(
            f'CREATE TRIGGER "{name}" BEFORE UPDATE ON "{table}" '
            f'FOR EACH ROW EXECUTE FUNCTION "{name}"()'
        )


def bump_parent_version(schema_editor, table: str, *, parent_table: str, parent_fk: str,
                        column: str) -> None:
    """Every INSERT, UPDATE or DELETE of a ``table`` row raises ``column`` of its parent row
    (``parent_fk`` → ``parent_table.id``; both parents when an UPDATE moves the row)."""
    vendor = schema_editor.connection.vendor
    bump = f'UPDATE "{parent_table}" SET "{column}" = "{column}" + 1'
    if vendor == "sqlite":
        for op, where in (
            ("INSERT", f'id = NEW."{parent_fk}"'),
            ("UPDATE", f'id IN (NEW."{parent_fk}", OLD."{parent_fk}")'),
            ("DELETE", f'id = OLD."{parent_fk}"'),
        ):
            name = f"{table}_bumps_{parent_table}_{op.lower()}"
            schema_editor.execute(_sqlite_drop(name))
            schema_editor.execute(
                f'CREATE TRIGGER "{name}" AFTER {op} ON "{table}" FOR EACH ROW '
                f"BEGIN {bump} WHERE {where}; END"
            )
    elif vendor == "postgresql":
        name = f"{table}_bumps_{parent_table}"
        schema_editor.execute(
            f'CREATE OR REPLACE FUNCTION "{name}"() RETURNS trigger LANGUAGE plpgsql AS $$ '
            f"BEGIN "
            f"IF TG_OP <> 'DELETE' THEN {bump} WHERE id = NEW.\"{parent_fk}\"; END IF; "
            f"IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND "
            f'OLD."{parent_fk}" IS DISTINCT FROM NEW."{parent_fk}") THEN '
            f'{bump} WHERE id = OLD."{parent_fk}"; END IF; '
            f"RETURN NULL; END $$"
        )
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"')
        schema_editor.execute(
            f'CREATE TRIGGER "{name}" AFTER INSERT OR UPDATE OR DELETE ON "{table}" '
            f'FOR EACH ROW EXECUTE FUNCTION "{name}"()'
        )


def bump_counter(schema_editor, table: str, *, counter_table: str, counter_id: int = 1,
                 column: str = "value", ops: Iterable[str] = ("INSERT", "UPDATE", "DELETE"),
                 watched: Iterable[str] = (), name: str = "") -> None:
    """Raise the one-row counter ``counter_table.column`` (row ``counter_id``) on every ``ops``
    of ``table``; an UPDATE only when one of ``watched`` changes (every UPDATE when empty)."""
    watched = list(watched)
    vendor = schema_editor.connection.vendor
    name = name or f"{table}_bumps_{counter_table}"
    bump = (f'UPDATE "{counter_table}" SET "{column}" = "{column}" + 1 '
            f"WHERE id = {int(counter_id)}")
    if vendor == "sqlite":
        for op in ("INSERT", "UPDATE", "DELETE"):
            trigger = f"{name}_{op.lower()}"
            schema_editor.execute(_sqlite_drop(trigger))
            if op not in ops:
                continue
            when = ""
            if op == "UPDATE" and watched:
                when = "WHEN " + " OR ".join(f'NEW."{c}" IS NOT OLD."{c}"' for c in watched)
            schema_editor.execute(
                f'CREATE TRIGGER "{trigger}" AFTER {op} ON "{table}" FOR EACH ROW {when} '
                f"BEGIN {bump}; END"
            )
    elif vendor == "postgresql":
        changed = " OR ".join(f'NEW."{c}" IS DISTINCT FROM OLD."{c}"' for c in watched) or "true"
        schema_editor.execute(
            f'CREATE OR REPLACE FUNCTION "{name}"() RETURNS trigger LANGUAGE plpgsql AS $$ '
            f"BEGIN IF TG_OP <> 'UPDATE' OR ({changed}) THEN {bump}; END IF; "
            f"RETURN NULL; END $$"
        )
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"')
        schema_editor.execute(
            f'CREATE TRIGGER "{name}" AFTER {" OR ".join(ops)} ON "{table}" '
            f'FOR EACH ROW EXECUTE FUNCTION "{name}"()'
        )


def drop_counter_triggers(schema_editor, table: str, name: str) -> None:
    """Undo ``bump_counter``/``bump_parent_version``/``bump_own_version`` (by the name used)."""
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for suffix in ("", "_insert", "_update", "_delete"):
            schema_editor.execute(_sqlite_drop(f"{name}{suffix}"))
    elif vendor == "postgresql":
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"')
        schema_editor.execute(f'DROP FUNCTION IF EXISTS "{name}"()')
