"""The audit MAC keys (khóa ký nhật ký), kept outside the database.

Every audit row carries ``key_id`` and an HMAC-SHA256 made with that key, so whoever can write
the database but does not hold the key cannot forge or recompute a row. Keys come from the
environment or a key file (``docs/security.md``, "Rotating the audit key"):

* ``MOTCUA_AUDIT_KEY_FILE``: one key per line, ``id:secret``; the LAST line is the current key,
  the lines above are old keys kept so that old rows still verify (rotation = append a line);
* or ``MOTCUA_AUDIT_KEY=id:secret`` (current) and ``MOTCUA_AUDIT_OLD_KEYS=id:secret,id:secret``.

Outside production a documented, public development key (id ``dev``) is used when none is set;
production refuses to start without a key and never accepts the development key, not even for
verification, since anyone can forge rows with it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

DEV_KEY_ID = "dev"
DEV_KEY_SECRET = "motcua-development-audit-key-NOT-SECRET-do-not-use-in-production"
_KEY_ID = re.compile(r"^[A-Za-z0-9_.-]{1,16}$")
MIN_PRODUCTION_SECRET = 32


def _parse_one(item: str, source: str) -> tuple[str, bytes]:
    key_id, sep, secret = item.strip().partition(":")
    if not sep or not secret:
        raise ImproperlyConfigured(f"{source}: expected 'id:secret', got {item.strip()[:20]!r}…")
    if not _KEY_ID.match(key_id):
        raise ImproperlyConfigured(
            f"{source}: key id {key_id!r} must be 1-16 letters, digits, '_', '.' or '-'."
        )
    return key_id, secret.encode()


def load_keys(*, key: str | None, old_keys: list[str], key_file: str | None,
              production: bool) -> tuple[str, dict[str, bytes]]:
    """(current key id, {key id: secret}) from the settings' raw values; fails loudly."""
    ordered: list[tuple[str, bytes]] = []
    if key_file:
        path = Path(key_file)
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise ImproperlyConfigured(f"MOTCUA_AUDIT_KEY_FILE={key_file}: {exc}") from exc
        ordered += [_parse_one(line, "MOTCUA_AUDIT_KEY_FILE") for line in lines
                    if line.strip() and not line.lstrip().startswith("#")]
        if key:
            raise ImproperlyConfigured("Set MOTCUA_AUDIT_KEY or MOTCUA_AUDIT_KEY_FILE, not both.")
    ordered = [_parse_one(item, "MOTCUA_AUDIT_OLD_KEYS") for item in old_keys] + ordered
    if key:
        ordered.append(_parse_one(key, "MOTCUA_AUDIT_KEY"))
    if not ordered:
        if production:
            raise ImproperlyConfigured(
                "MOTCUA_AUDIT_KEY or MOTCUA_AUDIT_KEY_FILE must be set in production "
                "(thiếu khóa ký nhật ký); see docs/security.md."
            )
        ordered = [(DEV_KEY_ID, DEV_KEY_SECRET.encode())]
    keys: dict[str, bytes] = {}
    for key_id, secret in ordered:
        if key_id in keys and keys[key_id] != secret:
            raise ImproperlyConfigured(f"Audit key id {key_id!r} is given twice with two secrets.")
        keys[key_id] = secret
    if production:
        for key_id, secret in keys.items():
            if key_id == DEV_KEY_ID or secret == DEV_KEY_SECRET.encode():
                raise ImproperlyConfigured("The development audit key is refused in production.")
            if len(secret) < MIN_PRODUCTION_SECRET:
                raise ImproperlyConfigured(
                    f"Audit key {key_id!r} is shorter than {MIN_PRODUCTION_SECRET} characters."
                )
    return ordered[-1][0], keys


class UnknownKey(Exception):
    """A row names a key id this installation does not hold."""


def current_key_id() -> str:
    from django.conf import settings

    return settings.MOTCUA_AUDIT_KEY_ID


def sign(key_id: str, message: bytes) -> str:
    from django.conf import settings

    try:
        secret = settings.MOTCUA_AUDIT_KEYS[key_id]
    except KeyError:
        raise UnknownKey(key_id) from None
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def check(key_id: str, message: bytes, mac: str) -> bool:
    """True when ``mac`` is the MAC of ``message`` under ``key_id`` (UnknownKey if absent)."""
    return hmac.compare_digest(sign(key_id, message), mac or "")
