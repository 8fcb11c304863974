"""Acting as an attacker with write access to the database (but not the audit key)."""

from __future__ import annotations

import hashlib
import json

from django.db import connection, transaction

from motcua.audit.services import audit_record

AUDIT_TABLES = ("audit_auditevent", "audit_accesslog", "audit_auditcheckpoint", "audit_audithead")


def drop_guards() -> None:
    """Whatever append-only triggers the tables carry, an attacker with database access turns
    them off first (rolled back with the test's transaction)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A superuser's switch that skips every trigger for this transaction (ALTER TABLE
            # ... DISABLE TRIGGER would also do, outside a transaction with pending checks).
            cursor.execute("SET LOCAL session_replication_role = replica")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN "
                           f"({', '.join('%s' for _ in AUDIT_TABLES)})", list(AUDIT_TABLES))
            for (name,) in cursor.fetchall():
                cursor.execute(f'DROP TRIGGER "{name}"')


def sql(statement: str, params=()) -> int:
    """Run raw SQL as the attacker; returns the number of rows it touched."""
    drop_guards()
    with connection.cursor() as cursor:
        cursor.execute(statement, list(params))
        return cursor.rowcount


def row(table: str, where: str, params=()) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT * FROM "{table}" WHERE {where}', list(params))
        names = [c[0] for c in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))


def sha256_like_before(prev_hash: str, payload: dict) -> str:
    """What the old keyless chain did: anyone can compute it."""
    body = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def record(actor, chain: str, n: int, **kwargs) -> list:
    events = []
    for i in range(n):
        with transaction.atomic():
            events.append(audit_record(actor=actor, event_type="test.event", chain=chain,
                                       data={"i": i}, **kwargs))
    return events


def kinds(problems) -> list[tuple[str, str, int | None]]:
    return [(p.log, p.kind, p.position) for p in problems]
