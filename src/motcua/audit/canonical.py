"""The exact bytes each MAC covers, shared by the writer, ``verify`` and evidence files.

A payload is a plain dict of JSON values: the same dict is computed from a model instance, from
a database row and from an exported evidence file, and serialised one way (sorted keys, no
spaces, UTF-8). Each kind of record has its own prefix, so a MAC of one kind can never pass
for another.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder

FORMAT = "v1"


def canonical_json(value) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      cls=DjangoJSONEncoder).encode()


def _utc(value) -> str:
    if isinstance(value, str):
        return value
    # The database hands times back in UTC; MAC the same form whatever zone was passed in.
    return value.astimezone(dt.UTC).isoformat()


def _json_value(value):
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def event_payload(event) -> dict:
    """Every stored field of an ``AuditEvent`` (an instance or a ``values()`` row) but its own
    MAC and its surrogate ``id`` (the order is ``gseq``, covered here)."""
    get = event.get if isinstance(event, dict) else lambda name: getattr(event, name)
    return {
        "gseq": get("gseq"),
        "chain": get("chain"),
        "seq": get("seq"),
        "event_type": get("event_type"),
        "actor": get("actor_id"),
        "actor_label": get("actor_label"),
        "at": _utc(get("at")),
        "channel": get("channel"),
        "ip": get("ip"),
        "dossier": get("dossier_id"),
        "object_type": get("object_type"),
        "object_id": get("object_id"),
        "data": _json_value(get("data")),
        "key_id": get("key_id"),
        "prev_hash": get("prev_hash"),
    }


def access_payload(row) -> dict:
    get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
    return {
        "seq": get("seq"),
        "dossier": get("dossier_id"),
        "actor": get("actor_id"),
        "at": _utc(get("at")),
        "channel": get("channel"),
        "ip": get("ip"),
        "key_id": get("key_id"),
    }


def checkpoint_payload(cp) -> dict:
    get = cp.get if isinstance(cp, dict) else lambda name: getattr(cp, name)
    heads = get("heads")
    return {
        "number": get("number"),
        "at": _utc(get("at")),
        "key_id": get("key_id"),
        "events_gseq": get("events_gseq"),
        "events_mac": get("events_mac"),
        "access_seq": get("access_seq"),
        "access_mac": get("access_mac"),
        "heads_root": get("heads_root"),
        "heads_count": len(heads) if heads is not None else get("heads_count"),
        "prev_mac": get("prev_mac"),
    }


def event_message(payload: dict) -> bytes:
    return f"motcua.audit.event.{FORMAT}\n".encode() + canonical_json(payload)


def access_message(payload: dict) -> bytes:
    return f"motcua.audit.access.{FORMAT}\n".encode() + canonical_json(payload)


def checkpoint_message(payload: dict) -> bytes:
    return f"motcua.audit.checkpoint.{FORMAT}\n".encode() + canonical_json(payload)


# ------------------------------------------------------------------ Merkle tree over chain heads


def head_leaves(heads: dict) -> list[bytes]:
    """One leaf per chain, sorted by chain: the hash of ``[chain, seq, mac]``."""
    return [leaf(chain, seq_mac[0], seq_mac[1]) for chain, seq_mac in sorted(heads.items())]


def leaf(chain: str, seq: int, mac: str) -> bytes:
    return hashlib.sha256(b"\x00" + canonical_json([chain, seq, mac])).digest()


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def merkle_root(leaves: list[bytes]) -> str:
    if not leaves:
        return ""
    level = leaves
    while len(level) > 1:
        level = [_node(level[i], level[i + 1]) if i + 1 < len(level) else level[i]
                 for i in range(0, len(level), 2)]
    return level[0].hex()


def merkle_proof(leaves: list[bytes], index: int) -> list[list[str]]:
    """The sibling path from leaf ``index`` to the root: ``[["L"|"R", hex], ...]``."""
    proof: list[list[str]] = []
    level = leaves
    while len(level) > 1:
        sibling = index ^ 1
        if sibling < len(level):
            proof.append(["L" if sibling < index else "R", level[sibling].hex()])
        level = [_node(level[i], level[i + 1]) if i + 1 < len(level) else level[i]
                 for i in range(0, len(level), 2)]
        index //= 2
    return proof


def merkle_check(leaf_hash: bytes, proof: list[list[str]], root: str) -> bool:
    node = leaf_hash
    for side, sibling in proof:
        other = bytes.fromhex(sibling)
        node = _node(other, node) if side == "L" else _node(node, other)
    return node.hex() == root
