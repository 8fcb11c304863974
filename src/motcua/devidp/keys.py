"""The development provider's RSA signing key: generated on first use into ``var/`` (never
committed, never shipped); production never loads this app."""

from __future__ import annotations

import threading
from pathlib import Path

from django.conf import settings

_lock = threading.Lock()


def key_path() -> Path:
    return Path(settings.VAR_DIR) / "devidp-rsa.pem"


def private_key_pem() -> str:
    path = key_path()
    with _lock:
        if not path.exists():
            from cryptography.hazmat.primitives import serialization
            from cryptography.hazmat.primitives.asymmetric import rsa

            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            pem = key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(pem)
            tmp.chmod(0o600)
            tmp.replace(path)
        return path.read_text()
