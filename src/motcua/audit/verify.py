"""Checking the audit log, the access log and their checkpoints (kiểm tra nhật ký).

One pass over the events in ``gseq`` order, one over the access log, checkpoints merged in as
their positions go by. Each problem names where it is (the event's number in the whole log and
its place in its chain) and what is wrong:

``edited``     the MAC no longer matches a row that the next event or a checkpoint still vouches
               for: a field was changed after writing;
``forged``     the MAC does not match and nothing vouches for the stored MAC: a row changed with
               its hash recomputed without the key, or added;
``inserted``   a row beyond the log's head, or a second row at a position already taken;
``reordered``  a row whose MAC matches another position than where it stands, or rows whose
               storage order contradicts their numbers;
``deleted``    numbers missing in the whole log or in a chain, a chain's head gone, the newest
               rows gone (behind the head row, a checkpoint or the anchor file);
``missing_chain`` a chain that a checkpoint sealed has no events left;
``checkpoint`` a checkpoint edited, forged, removed or out of order;
``key``        a row under a key this installation does not hold, or a key change not recorded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from motcua.audit import keys
from motcua.audit.canonical import (
    access_message,
    access_payload,
    checkpoint_message,
    checkpoint_payload,
    event_message,
    event_payload,
    head_leaves,
    merkle_root,
)
from motcua.audit.models import AccessLog, AuditCheckpoint, AuditEvent, AuditHead

KEY_ROTATED = "audit.key_rotated"
_LOG_ORDER = {"events": 0, "access": 1, "checkpoints": 2, "anchor": 3}
# Looking for where a row was moved from costs up to (2 * 8 + 1)^2 MACs; only for the first few.
_REORDER_WINDOW = 8
_DIAGNOSE_AT_MOST = 50


@dataclass(frozen=True)
class Problem:
    kind: str
    log: str  # events, access, checkpoints, anchor
    position: int | None
    detail: str
    chain: str = ""
    seq: int | None = None

    def where(self) -> str:
        label = {"events": "sự kiện", "access": "lượt xem", "checkpoints": "điểm niêm phong",
                 "anchor": "tệp neo"}[self.log]
        text = f"{label} #{self.position}" if self.position is not None else label
        if self.chain:
            text += f" (chuỗi {self.chain} #{self.seq})"
        return text

    def __str__(self) -> str:
        return f"{self.where()}: [{self.kind}] {self.detail}"


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (_LOG_ORDER[p.log], p.position or 0))


def _mac_ok(key_id: str, message: bytes, mac: str) -> bool | None:
    """True/False, or None when the key is not held here."""
    try:
        return keys.check(key_id, message, mac)
    except keys.UnknownKey:
        return None


class _EventPass:
    def __init__(self, head_seq: int | None):
        self.problems: list[Problem] = []
        self.head_seq = head_seq
        self.expected = 1
        self.last_id = 0
        self.last_key: str | None = None
        self.prev: dict | None = None
        self.chains: dict[str, tuple[int, str]] = {}
        self.segment: dict[str, tuple[int, str]] = {}
        self.mac_at: dict[int, str] = {}
        self.diagnosed = 0
        self.missing_keys: set[str] = set()

    def add(self, kind, ev, detail):
        self.problems.append(Problem(kind, "events", ev["gseq"], detail, ev["chain"], ev["seq"]))

    def feed(self, ev: dict) -> None:
        g = ev["gseq"]
        payload = event_payload(ev)
        ok = _mac_ok(ev["key_id"], event_message(payload), ev["hash"])
        if g < self.expected:
            prev = self.prev or {}
            if prev.get("gseq") == g and prev.get("hash") == ev["hash"] and ok:
                self.add("inserted", ev, f"bản sao của sự kiện #{g} (dòng chèn thêm)")
            else:
                self.add("inserted", ev, f"số thứ tự #{g} đã có: dòng chèn thêm hoặc đổi chỗ")
            return
        if g > self.expected:
            self.add("deleted", ev, f"thiếu sự kiện #{self.expected}–#{g - 1} (đã bị xóa)")
        self.expected = g + 1
        if ok is None:
            if ev["key_id"] not in self.missing_keys:
                self.missing_keys.add(ev["key_id"])
                self.add("key", ev, f"khóa {ev['key_id']!r} không có ở đây: không kiểm được")
        elif not ok:
            kind, detail = self._diagnose(ev, payload)
            self.add(kind, ev, detail)
        if ev["id"] < self.last_id:
            self.add("reordered", ev, "thứ tự lưu (id) trái với số thứ tự ghi")
        self.last_id = max(self.last_id, ev["id"])
        if self.last_key is not None and ev["key_id"] != self.last_key:
            data = ev["data"] if isinstance(ev["data"], dict) else {}
            if ev["event_type"] != KEY_ROTATED or data.get("from") != self.last_key:
                self.add("key", ev, f"khóa đổi từ {self.last_key!r} sang {ev['key_id']!r} mà "
                                    "không có sự kiện audit.key_rotated")
        self.last_key = ev["key_id"]
        seq0, mac0 = self.chains.get(ev["chain"], (0, ""))
        if ev["seq"] > seq0 + 1:
            self.add("deleted", ev, f"chuỗi {ev['chain']} thiếu #{seq0 + 1}–#{ev['seq'] - 1}")
        elif ev["seq"] <= seq0:
            self.add("reordered", ev, f"chuỗi {ev['chain']}: #{ev['seq']} đứng sau #{seq0}")
        elif ev["prev_hash"] != mac0:
            self.add("forged" if seq0 else "inserted", ev,
                     "không nối với sự kiện trước của chuỗi (sự kiện trước bị thay hoặc chèn)")
        self.chains[ev["chain"]] = (ev["seq"], ev["hash"])
        self.segment[ev["chain"]] = (ev["seq"], ev["hash"])
        self.mac_at[g] = ev["hash"]
        self.prev = ev

    def _diagnose(self, ev: dict, payload: dict) -> tuple[str, str]:
        self.diagnosed += 1
        if self.diagnosed > _DIAGNOSE_AT_MOST:
            return "forged", "MAC không khớp"
        window = range(-_REORDER_WINDOW, _REORDER_WINDOW + 1)
        for dg in window:
            for ds in window:
                if (dg, ds) == (0, 0) or payload["gseq"] + dg < 1 or payload["seq"] + ds < 1:
                    continue
                moved = dict(payload, gseq=payload["gseq"] + dg, seq=payload["seq"] + ds)
                if keys.check(ev["key_id"], event_message(moved), ev["hash"]):
                    return "reordered", (
                        f"dòng bị đổi chỗ: được ghi là sự kiện #{moved['gseq']} "
                        f"(chuỗi {ev['chain']} #{moved['seq']})")
        # Vouched for: a genuine (MAC-valid) next event of the chain, or a checkpoint, still
        # names the stored MAC, so the MAC is the one written and the content changed since.
        successors = AuditEvent.objects.filter(chain=ev["chain"], prev_hash=ev["hash"]).values()
        vouched = any(
            _mac_ok(nxt["key_id"], event_message(event_payload(nxt)), nxt["hash"])
            for nxt in successors[:3]
        ) or AuditCheckpoint.objects.filter(events_mac=ev["hash"]).exists()
        if vouched:
            return "edited", "nội dung bị sửa sau khi ghi (MAC không còn khớp)"
        if self.head_seq is not None and ev["gseq"] > self.head_seq:
            return "inserted", "dòng nằm ngoài đầu nhật ký và MAC không khớp: bị chèn thêm"
        return "forged", ("MAC không khớp khóa: dòng bị sửa và tính lại mã, "
                          "hoặc bị chèn, bởi người không có khóa")

    def close_segment(self, cp: dict) -> None:
        """Compare what checkpoint ``cp`` sealed with the events of its segment."""
        where = cp["number"]
        heads = cp["heads"] or {}
        for chain, (seq, mac) in sorted(heads.items()):
            found = self.segment.get(chain)
            if found is None:
                if chain not in self.chains:
                    self.problems.append(Problem(
                        "missing_chain", "checkpoints", where,
                        f"chuỗi {chain} (đến #{seq}) không còn sự kiện nào: bị xóa cả chuỗi",
                        chain, seq))
                else:
                    self.problems.append(Problem(
                        "deleted", "checkpoints", where,
                        f"chuỗi {chain}: sự kiện cuối #{seq} đã niêm phong bị xóa", chain, seq))
            elif found[0] < seq:
                self.problems.append(Problem(
                    "deleted", "checkpoints", where,
                    f"chuỗi {chain}: sự kiện #{found[0] + 1}–#{seq} đã niêm phong bị xóa",
                    chain, seq))
            elif found != (seq, mac):
                self.problems.append(Problem(
                    "inserted" if found[0] > seq else "edited", "checkpoints", where,
                    f"chuỗi {chain}: đầu chuỗi khác với lúc niêm phong (#{seq})", chain, seq))
        for chain in sorted(set(self.segment) - set(heads)):
            seq = self.segment[chain][0]
            self.problems.append(Problem(
                "inserted", "checkpoints", where,
                f"chuỗi {chain}: có sự kiện (đến #{seq}) mà điểm niêm phong không ghi nhận",
                chain, seq))
        g = cp["events_gseq"]
        if g and self.mac_at.get(g) not in (None, cp["events_mac"]):
            self.problems.append(Problem("edited", "checkpoints", where,
                                         f"sự kiện #{g} khác với lúc niêm phong"))
        self.segment = {}
        self.mac_at = {}


def _checkpoints():
    return AuditCheckpoint.objects.order_by("number").values().iterator(chunk_size=200)


def _check_checkpoint(cp: dict, prev: dict | None, problems: list[Problem]) -> None:
    n = cp["number"]
    expected = (prev["number"] + 1) if prev else 1
    if n != expected:
        problems.append(Problem("checkpoint", "checkpoints", n,
                                f"thiếu điểm niêm phong #{expected}–#{n - 1} (đã bị xóa)"))
    if cp["prev_mac"] != (prev["mac"] if prev else ""):
        problems.append(Problem("checkpoint", "checkpoints", n,
                                "không nối với điểm niêm phong trước"))
    ok = _mac_ok(cp["key_id"], checkpoint_message(checkpoint_payload(cp)), cp["mac"])
    if ok is None:
        problems.append(Problem("key", "checkpoints", n, f"khóa {cp['key_id']!r} không có ở đây"))
    elif not ok:
        problems.append(Problem("checkpoint", "checkpoints", n,
                                "MAC của điểm niêm phong không khớp: bị sửa hoặc giả"))
    if merkle_root(head_leaves(cp["heads"] or {})) != cp["heads_root"]:
        problems.append(Problem("checkpoint", "checkpoints", n,
                                "danh sách đầu chuỗi bị sửa (không khớp gốc Merkle)"))
    if prev and (cp["events_gseq"] < prev["events_gseq"] or cp["access_seq"] < prev["access_seq"]):
        problems.append(Problem("checkpoint", "checkpoints", n, "lùi so với điểm trước"))


def _head(name: str) -> int | None:
    return AuditHead.objects.filter(name=name).values_list("seq", flat=True).first()


def verify_database(*, anchor_file: str | None = None) -> list[Problem]:
    """Every problem in the database's logs, first one first (empty: intact)."""
    problems: list[Problem] = []
    events_head, access_head = _head(AuditHead.EVENTS), _head(AuditHead.ACCESS)
    state = _EventPass(events_head)
    checkpoints = _checkpoints()
    prev_cp: dict | None = None
    cp = next(checkpoints, None)
    if cp is not None:
        _check_checkpoint(cp, prev_cp, problems)
    sealed_access: dict[int, tuple[int, str]] = {}  # access seq -> (checkpoint, mac)
    last_cp: dict | None = None

    def advance(cp, prev_cp):
        state.close_segment(cp)
        sealed_access[cp["access_seq"]] = (cp["number"], cp["access_mac"])
        nxt = next(checkpoints, None)
        if nxt is not None:
            _check_checkpoint(nxt, cp, problems)
        return nxt, cp

    rows = AuditEvent.objects.filter(gseq__isnull=False).order_by("gseq", "id").values()
    for ev in rows.iterator(chunk_size=2000):
        while cp is not None and ev["gseq"] > cp["events_gseq"]:
            last_cp = cp
            cp, prev_cp = advance(cp, prev_cp)
        state.feed(ev)
    max_g = state.expected - 1
    while cp is not None:
        last_cp = cp
        if cp["events_gseq"] > max_g:
            problems.append(Problem(
                "deleted", "checkpoints", cp["number"],
                f"đã niêm phong đến sự kiện #{cp['events_gseq']} nhưng nhật ký chỉ còn đến "
                f"#{max_g}: các sự kiện mới nhất bị xóa"))
        cp, prev_cp = advance(cp, prev_cp)
    problems += state.problems
    for ev in AuditEvent.objects.filter(gseq__isnull=True).values("id", "chain", "seq"):
        problems.append(Problem("inserted", "events", None,
                                f"dòng id={ev['id']} không có số thứ tự: chèn thêm",
                                ev["chain"], ev["seq"]))
    if events_head is None and max_g:
        problems.append(Problem("deleted", "events", max_g, "dòng đầu nhật ký bị xóa"))
    elif events_head is not None and events_head > max_g:
        problems.append(Problem("deleted", "events", events_head,
                                f"thiếu sự kiện #{max_g + 1}–#{events_head}: "
                                "các sự kiện mới nhất bị xóa"))
    elif events_head is not None and events_head < max_g:
        problems.append(Problem("inserted", "events", max_g,
                                f"có sự kiện sau đầu nhật ký (#{events_head}): chèn thêm"))
    problems += _verify_access(access_head, sealed_access)
    problems += _verify_anchor(anchor_file or settings.MOTCUA_AUDIT_ANCHOR_FILE, last_cp)
    return _sorted(problems)


def _verify_access(head: int | None, sealed: dict[int, tuple[int, str]]) -> list[Problem]:
    problems: list[Problem] = []
    expected, last_id, prev = 1, 0, None
    missing_keys: set[str] = set()
    rows = AccessLog.objects.filter(seq__isnull=False).order_by("seq", "id").values()
    for row in rows.iterator(chunk_size=5000):
        s = row["seq"]
        ok = _mac_ok(row["key_id"], access_message(access_payload(row)), row["mac"])

        def add(kind, detail, s=s):
            problems.append(Problem(kind, "access", s, detail))

        if s < expected:
            same = prev is not None and prev["mac"] == row["mac"] and ok
            add("inserted", f"bản sao của lượt xem #{s}" if same else
                f"số thứ tự #{s} đã có: dòng chèn thêm hoặc đổi chỗ")
            continue
        if s > expected:
            add("deleted", f"thiếu lượt xem #{expected}–#{s - 1} (đã bị xóa)")
        expected = s + 1
        if ok is None:
            if row["key_id"] not in missing_keys:
                missing_keys.add(row["key_id"])
                add("key", f"khóa {row['key_id']!r} không có ở đây: không kiểm được")
        elif not ok:
            payload = access_payload(row)
            moved = next((s + d for d in range(-_REORDER_WINDOW, _REORDER_WINDOW + 1)
                          if d and s + d > 0 and keys.check(
                              row["key_id"], access_message(dict(payload, seq=s + d)),
                              row["mac"])), None)
            if moved is not None:
                add("reordered", f"dòng bị đổi chỗ: được ghi là lượt xem #{moved}")
            elif head is not None and s > head:
                add("inserted", "dòng nằm ngoài đầu nhật ký và MAC không khớp: bị chèn thêm")
            else:
                add("edited", "MAC không khớp: dòng bị sửa (hoặc thay) bởi người không có khóa")
        if row["id"] < last_id:
            add("reordered", "thứ tự lưu (id) trái với số thứ tự ghi")
        last_id = max(last_id, row["id"])
        if s in sealed and sealed[s][1] != row["mac"]:
            add("edited", f"khác với lúc niêm phong (điểm #{sealed[s][0]})")
        prev = row
    for row in AccessLog.objects.filter(seq__isnull=True).values("id"):
        problems.append(Problem("inserted", "access", None,
                                f"dòng id={row['id']} không có số thứ tự: chèn thêm"))
    last = expected - 1
    newest_sealed = max(sealed, default=0)
    if newest_sealed > last:
        problems.append(Problem("deleted", "access", newest_sealed,
                                f"đã niêm phong đến lượt xem #{newest_sealed} nhưng chỉ còn đến "
                                f"#{last}: các lượt xem mới nhất bị xóa"))
    if head is None and last:
        problems.append(Problem("deleted", "access", last, "dòng đầu nhật ký bị xóa"))
    elif head is not None and head > last:
        problems.append(Problem("deleted", "access", head,
                                f"thiếu lượt xem #{last + 1}–#{head}: các lượt xem mới nhất bị xóa"))
    elif head is not None and head < last:
        problems.append(Problem("inserted", "access", last,
                                f"có lượt xem sau đầu nhật ký (#{head}): chèn thêm"))
    return problems


def _verify_anchor(path: str, last_cp: dict | None) -> list[Problem]:
    """Checkpoints recorded in the anchor file (outside the database) must still be there."""
    if not path or not Path(path).exists():
        return []
    problems: list[Problem] = []
    macs = dict(AuditCheckpoint.objects.values_list("number", "mac"))
    for lineno, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            number, mac = int(item["number"]), str(item["mac"])
        except (ValueError, KeyError, TypeError):
            problems.append(Problem("anchor", "anchor", lineno, "dòng không đọc được"))
            continue
        if number not in macs:
            problems.append(Problem("deleted", "anchor", lineno,
                                    f"điểm niêm phong #{number} đã neo nhưng không còn trong "
                                    "cơ sở dữ liệu: bị xóa"))
        elif macs[number] != mac:
            problems.append(Problem("checkpoint", "anchor", lineno,
                                    f"điểm niêm phong #{number} khác với bản đã neo"))
    return problems
