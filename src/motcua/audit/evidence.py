"""One dossier's audit evidence (hồ sơ chứng cứ nhật ký) that verifies on its own.

``motcua audit export CODE`` writes the dossier's events with their MACs, the reads of its
personal data, and the first checkpoint after its last event together with the Merkle path
proving that checkpoint sealed exactly that last event as the chain's head. Whoever holds the
audit key can check the file without the database (``motcua audit verify --file``): no event
edited, forged, removed or reordered, and none missing at the end up to the checkpoint.
"""

from __future__ import annotations

from django.utils import timezone

from motcua.audit import keys
from motcua.audit.canonical import (
    access_message,
    access_payload,
    checkpoint_message,
    checkpoint_payload,
    event_message,
    event_payload,
    head_leaves,
    leaf,
    merkle_check,
    merkle_proof,
)
from motcua.audit.models import AccessLog, AuditCheckpoint, AuditEvent
from motcua.audit.verify import Problem

FORMAT = "motcua-audit-evidence/1"


def evidence_export(*, chain: str) -> dict:
    """The evidence of one chain (a dossier's code); seals the log first when the chain's last
    event is newer than the last checkpoint. LookupError when the chain has no events."""
    from motcua.audit import spool
    from motcua.audit.services import audit_checkpoint

    spool.flush()  # spooled reads of the dossier belong in its evidence
    events = list(AuditEvent.objects.filter(chain=chain).order_by("seq").values())
    if not events:
        raise LookupError(chain)
    last = events[-1]
    checkpoint = (AuditCheckpoint.objects.filter(events_gseq__gte=last["gseq"])
                  .order_by("number").first())
    if checkpoint is None:
        checkpoint = audit_checkpoint()
    if chain not in checkpoint.heads:  # only when the checkpoint itself was tampered with
        raise LookupError(f"checkpoint #{checkpoint.number} does not seal {chain}; run verify")
    leaves = head_leaves(checkpoint.heads)
    index = sorted(checkpoint.heads).index(chain)
    dossier_ids = {e["dossier_id"] for e in events if e["dossier_id"]}
    access = AccessLog.objects.filter(dossier_id__in=dossier_ids).order_by("seq").values()
    return {
        "format": FORMAT,
        "chain": chain,
        "exported_at": timezone.now().isoformat(),
        "events": [{"payload": event_payload(e), "mac": e["hash"]} for e in events],
        "checkpoint": {**checkpoint_payload(checkpoint), "mac": checkpoint.mac},
        "head": {"seq": last["seq"], "mac": last["hash"],
                 "proof": merkle_proof(leaves, index)},
        "access": [{"payload": access_payload(r), "mac": r["mac"]} for r in access],
    }


def _ok(key_id, message, mac) -> bool | None:
    try:
        return keys.check(key_id, message, mac)
    except keys.UnknownKey:
        return None


def evidence_verify(data: dict) -> list[Problem]:
    """Every problem in an evidence file (empty: it proves what it says)."""
    problems: list[Problem] = []
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return [Problem("checkpoint", "checkpoints", None, "không phải tệp chứng cứ nhật ký")]
    chain = data.get("chain", "")

    def bad(kind, detail, position=None, seq=None, log="events"):
        problems.append(Problem(kind, log, position, detail, chain if log == "events" else "",
                                seq))

    try:
        events = [(e["payload"], e["mac"]) for e in data["events"]]
        cp = dict(data["checkpoint"])
        head = data["head"]
        access = [(a["payload"], a["mac"]) for a in data.get("access", [])]
    except (KeyError, TypeError):
        return [Problem("checkpoint", "checkpoints", None, "tệp chứng cứ thiếu phần bắt buộc")]
    prev_mac, prev_g = "", 0
    for n, (payload, mac) in enumerate(events, 1):
        g, seq = payload.get("gseq"), payload.get("seq")
        ok = _ok(payload.get("key_id"), event_message(payload), mac)
        if ok is None:
            bad("key", f"khóa {payload.get('key_id')!r} không có ở đây", g, seq)
        elif not ok:
            bad("forged", "MAC không khớp: sự kiện bị sửa hoặc giả", g, seq)
        if payload.get("chain") != chain:
            bad("inserted", f"sự kiện của chuỗi khác ({payload.get('chain')})", g, seq)
        if seq != n:
            bad("deleted" if isinstance(seq, int) and seq > n else "reordered",
                f"chuỗi phải có #{n} ở đây, thấy #{seq}", g, seq)
        elif payload.get("prev_hash") != prev_mac:
            bad("forged", "không nối với sự kiện trước", g, seq)
        if not isinstance(g, int) or g <= prev_g:
            bad("reordered", "số thứ tự toàn nhật ký không tăng dần", g, seq)
        prev_mac, prev_g = mac, g if isinstance(g, int) else prev_g
    mac = cp.pop("mac", "")
    ok = _ok(cp.get("key_id"), checkpoint_message(checkpoint_payload(cp)), mac)
    if not ok:
        bad("checkpoint", "MAC của điểm niêm phong không khớp" if ok is False else
            f"khóa {cp.get('key_id')!r} không có ở đây", cp.get("number"), log="checkpoints")
    last_seq = events[-1][0].get("seq") if events else 0
    if (head.get("seq"), head.get("mac")) != (last_seq, prev_mac):
        bad("deleted", f"điểm niêm phong ghi đầu chuỗi là #{head.get('seq')}, tệp dừng ở "
            f"#{last_seq}: thiếu sự kiện cuối", cp.get("number"), log="checkpoints")
    if not merkle_check(leaf(chain, head.get("seq"), head.get("mac")), head.get("proof", []),
                        cp.get("heads_root", "")):
        bad("checkpoint", "đường Merkle không dẫn tới gốc của điểm niêm phong",
            cp.get("number"), log="checkpoints")
    if isinstance(cp.get("events_gseq"), int) and cp["events_gseq"] < prev_g:
        bad("checkpoint", "điểm niêm phong cũ hơn sự kiện cuối", cp.get("number"),
            log="checkpoints")
    dossiers = {p.get("dossier") for p, _ in events if p.get("dossier")}
    for payload, mac in access:
        ok = _ok(payload.get("key_id"), access_message(payload), mac)
        if not ok or payload.get("dossier") not in dossiers:
            bad("forged", "lượt xem bị sửa, giả hoặc của hồ sơ khác", payload.get("seq"),
                log="access")
    return problems
