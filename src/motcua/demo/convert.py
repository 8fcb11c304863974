"""Convert the shared procedure sample into the catalog import JSON (docs/catalog-format.md).

Regenerate the shipped file with::

    python -m motcua.demo.convert /work/shared/data/procedures-sample.json \\
        -o src/motcua/demo/data/catalog-daklak.json

Plain Python (no Django). Rules, all from the brief and the data README:

* codes, names, time limits and fee texts are kept as published; a null time limit stays null
  (the bare numbers without a unit stay in the note);
* a ``Fee`` row is emitted only when the fee text is one clear amount in đồng;
* documents are mandatory unless the item says it applies to a case ("trường hợp", "nếu có",
  "đối với …", "khi …"), which becomes its condition;
* agencies of other provinces map to Đắk Lắk's equivalent; the original text stays in ``note``;
* the internal steps follow the typical step budget (domain §2.1), scaled to the time limit;
* a few procedures get "5 tại chỗ" and a committed (reduced) time limit, and three without a
  published limit get an illustrative one (``DEMO_LIMITS``), all labelled as demo data.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from pathlib import Path

from motcua.demo.fields import FIELDS, PUBLISHED_FIELD_AREA
from motcua.demo.units import (
    CENTER,
    COMMUNE_CENTERS,
    DEFAULT_COMMUNE,
    DEFAULT_PROVINCE_CODE,
    code_of,
)

DATA_FILE = Path(__file__).with_name("data") / "catalog-daklak.json"

TIME_UNITS = {
    "ngay_lam_viec": "working_days",
    "ngay": "calendar_days",
    "gio_lam_viec": "working_hours",
}
ONLINE_MODES = {"toan_trinh": "full", "mot_phan": "partial", "truc_tiep": "none"}

# Demo choices (not a provincial decision): short procedures done whole at the counter.
FIVE_ON_SITE = {
    "1.010041": "Xác nhận thông tin về cư trú (1 ngày làm việc)",
    "2.002288": "Cấp, cấp lại phù hiệu xe (2 ngày làm việc)",
    "1.000603": "Cấp C/O ưu đãi Mẫu AK (8 giờ làm việc)",
}
# Demo committed (reduced) time limits, same unit as the legal one.
COMMITTED = {
    "3.000333": 7,  # Phiếu lý lịch tư pháp: 10 ngày -> 7 ngày
    "1.001456": 6,  # Hộ chiếu: 8 -> 6 ngày làm việc
    "1.012906": 7,  # Chứng chỉ môi giới BĐS: 10 -> 7 ngày làm việc
    "1.013236": 15,  # Giấy phép xây dựng cấp I, II: 20 -> 15 ngày
    "1.014390": 8,  # Giấy chứng nhận tổ chức KH&CN: 10 -> 8 ngày làm việc
}
# Demo time limits where the source publishes none, so that the agencies whose sample rows all
# lack one (Sở Nội vụ, Sở Giáo dục và Đào tạo) can receive dossiers in the demo. Kept as the
# committed limit: the legal one stays null, as published.
DEMO_LIMITS = {
    "1.001978": 20,  # Giải quyết trợ cấp thất nghiệp
    "2.001955": 7,  # Đăng ký nội quy lao động của doanh nghiệp
    "1.012944": 20,  # Thành lập trường trung học phổ thông
}
DEMO_LIMIT_NOTE = (
    "Nguồn không ghi thời hạn giải quyết; thời hạn này là dữ liệu minh họa của bản demo, "
    "không phải quyết định của UBND tỉnh."
)
COMMITTED_NOTE = (
    "Thời hạn cam kết cắt giảm là dữ liệu minh họa của bản demo, "
    "không phải quyết định của UBND tỉnh."
)

# Source agency text -> demo unit key (level "tinh" rows). Commune-level rows all go to
# the commune. A text not listed here fails the conversion rather than guessing.
AGENCY_MAP = {
    "Sở Tài chính": "taichinh",
    "Văn phòng đăng ký đất đai / Chi nhánh Văn phòng đăng ký đất đai": "vpdkdd",
    "Sở Xây dựng": "xaydung",
    "Công an tỉnh": "congan",
    "Sở Nông nghiệp và Môi trường": "nnmt",
    "Sở Khoa học và Công nghệ": "khcn",
    "Sở Y tế": "yte",
    "Sở Nội vụ": "noivu",
    "Sở Công Thương": "congthuong",
    "Sở Văn hóa, Thể thao và Du lịch": "vhttdl",
    "Ban Quản lý các Khu công nghiệp tỉnh Bắc Ninh": "bqlkcn",
    "Ủy ban nhân dân tỉnh; Sở Công Thương": "congthuong",
    "Sở Xây dựng; Ban Quản lý các Khu công nghiệp": "xaydung",
    "Sở Tài chính; Ban quản lý khu công nghiệp, khu kinh tế, khu chế xuất, khu công nghệ cao": (
        "taichinh"
    ),
    "Cơ quan chức năng do Ủy ban nhân dân cấp tỉnh chỉ định": "nnmt",
    "Cơ quan được Ủy ban nhân dân cấp tỉnh phân cấp, ủy quyền": "nnmt",
    "Cơ quan quản lý nhà nước về thủy sản cấp tỉnh": "nnmt",
    "Sở Văn hóa, Thể thao và Du lịch tỉnh Bắc Ninh (thẩm quyền quyết định: UBND tỉnh)": "vhttdl",
}
# The People's Committee (or no body named) decides; the advising department does the work.
AREA_AGENCY = {
    "MOITRUONG": "nnmt",
    "NONGNGHIEP": "nnmt",
    "DAUTU": "taichinh",
    "GIAODUC": "gddt",
}
PROVINCIAL_COMMITTEE = {"Chủ tịch Ủy ban nhân dân cấp tỉnh", "Ủy ban nhân dân cấp tỉnh", None}

_AMOUNT = r"\d{1,3}(?:\.\d{3})*"
_SINGLE_FEE = re.compile(
    rf"^(?P<amount>{_AMOUNT})\s*(?:đồng|VNĐ)(?P<per>/[^;()]*)?\s*(?:\((?P<paren>[^()]*)\))?\s*$"
)
# Markers of a document needed only in some cases. The weaker ones ("đối với", "khi không")
# count only inside brackets: outside, "đối với chủ doanh nghiệp" describes the whole dossier.
_CONDITION_MARKERS = ("trường hợp", "nếu có", "nếu chưa")
_BRACKET_MARKERS = (*_CONDITION_MARKERS, "đối với", "khi không")
# "…, tùy trường hợp" picks which form to use; the document itself is still required.
_NOT_A_CONDITION = re.compile(r",?\s*tùy trường hợp\s*$")
_COPIES = re.compile(r"^(\d{2})\s+(?:bộ|ảnh|bản)\b")


# ProcedureVersion.name holds 1000 characters; the longest published name (1.013831) is 569.
NAME_MAX = 1000


def short_name(name: str) -> str:
    """The published name, cut at a clause boundary with "…" when it exceeds NAME_MAX."""
    if len(name) <= NAME_MAX:
        return name
    head = name[: NAME_MAX - 1]
    cut = max(head.rfind(";"), head.rfind(","))
    return (head[:cut] if cut > NAME_MAX // 2 else head).rstrip(" ,;") + "…"


class ConversionError(ValueError):
    pass


def parse_fee(text: str | None) -> list[dict]:
    """One Fee row when the text is a single clear amount in đồng, else none."""
    if not text:
        return []
    match = _SINGLE_FEE.match(text.strip())
    if not match or (match["paren"] and re.search(r"\d", match["paren"])):
        return []
    amount = int(match["amount"].replace(".", ""))
    return [{"name": "Phí, lệ phí", "amount": amount, "description": text.strip()}]


def _condition(text: str) -> str:
    """The case a document applies to, or "" when it is always required."""
    text = _NOT_A_CONDITION.sub("", text)
    for paren in re.findall(r"\(([^()]*)\)", text):
        for segment in paren.split(";"):
            if any(m in segment.lower() for m in _BRACKET_MARKERS):
                return segment.strip()
    lowered = text.lower()
    for marker in _CONDITION_MARKERS:
        at = lowered.find(marker)
        if at >= 0:
            return text[at:].strip(" ()")
    return ""


def _form(text: str) -> str:
    lowered = text.lower()
    if "xuất trình" in lowered:
        return "present"
    if lowered.startswith(("bản sao chứng thực", "bản sao có chứng thực")):
        return "certified_copy"
    if lowered.startswith("bản sao"):
        return "copy"
    if lowered.startswith(("bản chính", "bản gốc")):
        return "original"
    if lowered.startswith(
        ("đơn ", "tờ khai", "giấy đề nghị", "phiếu đề nghị", "văn bản đề nghị", "đề nghị")
    ):
        return "original"
    return "any"


def parse_document(text: str) -> dict:
    condition = _condition(text)
    copies = _COPIES.match(text)
    return {
        "name": text,
        "form": _form(text),
        "copies": int(copies[1]) if copies else 1,
        "mandatory": not condition,
        "condition": condition,
    }


def budget_hours(value: float | None, unit: str | None) -> float | None:
    """Working hours available for the internal steps."""
    if value is None:
        return None
    if unit == "working_hours":
        return float(value)
    if unit == "working_days":
        return float(value) * 8
    # Calendar days: count only the weekdays they are sure to contain, so the plan fits.
    return max(1, math.floor(float(value) * 5 / 7)) * 8


def _quarter(x: float) -> float:
    return max(0.25, round(x * 4) / 4)


STANDARD_STEPS = [
    ("Tiếp nhận, số hóa và chuyển hồ sơ", "reception", 4),
    ("Phân công thụ lý", "leader", 4),
    ("Thẩm định, dự thảo kết quả", "specialist", None),
    ("Xem xét, trình ký", "leader", 8),
    ("Phê duyệt, ký kết quả", "leader", 8),
    ("Vào sổ, đóng dấu, phát hành", "clerk", 4),
    ("Trả kết quả", "reception", 4),
]
ON_SITE_STEPS = [
    ("Tiếp nhận, kiểm tra hồ sơ tại quầy", "reception", 0.125),
    ("Thẩm định, phê duyệt tại chỗ", "specialist", None),
    ("Đóng dấu, trả kết quả tại chỗ", "reception", 0.125),
]


def make_steps(total: float | None, *, on_site: bool = False) -> list[dict]:
    """The typical step budget (domain §2.1) fitted to ``total`` working hours.

    Fixed steps keep their budget when the time allows (32 h beside the appraisal); shorter
    limits shrink every step in proportion. The appraisal takes the rest, so the sum is exact.
    """
    if total is None:
        return []
    # Under half a day the seven-step chain cannot fit in quarter hours; work at the counter.
    if on_site or total < 4:
        fixed = {i: _quarter(total * share) for i, (_, _, share) in enumerate(ON_SITE_STEPS) if share}
        plan = ON_SITE_STEPS
    else:
        plan = STANDARD_STEPS
        fixed_sum = sum(h for _, _, h in plan if h)
        scale = 1.0 if total >= fixed_sum + 8 else total / (fixed_sum + 8)
        fixed = {i: _quarter(h * scale) for i, (_, _, h) in enumerate(plan) if h}
    rest = total - sum(fixed.values())
    if rest < 0.25:
        raise ConversionError(f"time limit of {total} h is too short for the step plan")
    steps = []
    for i, (name, role, _) in enumerate(plan):
        hours = fixed.get(i, rest)
        steps.append({"name": name, "role": role, "unit": None, "hours": hours})
    return steps


def _legal_basis(source: str) -> str:
    match = re.search(r"QĐ công bố ([^)]+)\)", source)
    if match:
        return f"Quyết định công bố TTHC số {match[1].strip()}"
    match = re.search(r"(Quyết định số [^(]+?)\s*\(", source)
    if match:
        return f"Công bố tại {match[1].strip()}"
    return ""


def _agency_key(row: dict, area: str) -> str:
    if row["level"] == "xa":
        return DEFAULT_COMMUNE
    agency = row["agency"]
    if agency in AGENCY_MAP:
        return AGENCY_MAP[agency]
    if agency in PROVINCIAL_COMMITTEE and area in AREA_AGENCY:
        return AREA_AGENCY[area]
    raise ConversionError(f"{row['code']}: no demo agency for {agency!r}")


def convert_row(row: dict, province_code: str = DEFAULT_PROVINCE_CODE) -> dict:
    code = row["code"]
    if row["field"] not in PUBLISHED_FIELD_AREA:
        raise ConversionError(f"{code}: unknown field {row['field']!r}")
    area = PUBLISHED_FIELD_AREA[row["field"]]
    agency_key = _agency_key(row, area)

    legal_time = None
    time_note = ""
    if row["time_limit"] is not None:
        if row["time_unit"] not in TIME_UNITS:
            raise ConversionError(f"{code}: unknown time unit {row['time_unit']!r}")
        legal_time = {"value": row["time_limit"], "unit": TIME_UNITS[row["time_unit"]]}
    committed = None
    if code in COMMITTED and legal_time:
        committed = {"value": COMMITTED[code], "unit": legal_time["unit"]}
        time_note = COMMITTED_NOTE
    if code in DEMO_LIMITS and legal_time is None:
        committed = {"value": DEMO_LIMITS[code], "unit": "working_days"}
        time_note = DEMO_LIMIT_NOTE

    original_note = (row.get("note") or "").strip()
    boundary_free = any(
        s in original_note for s in ("không phụ thuộc địa giới", "phi địa giới")
    )
    centers = [c.code(province_code) for c in COMMUNE_CENTERS]
    center = CENTER.code(province_code)
    if boundary_free:
        receiving = [center, *centers]
    else:
        receiving = [center] if row["level"] == "tinh" else centers

    note_parts = [f"Lĩnh vực công bố: {row['field']}."]
    name = short_name(row["name"])
    if name != row["name"]:
        note_parts.append(f"Tên đầy đủ như công bố: {row['name']}.")
    note_parts.append(
        f"Cơ quan thực hiện theo nguồn: {row['agency']}."
        if row["agency"]
        else "Nguồn không ghi cơ quan thực hiện."
    )
    if row["online"] is None:
        note_parts.append("Nguồn không ghi mức độ dịch vụ công trực tuyến.")
    if original_note:
        note_parts.append(original_note)

    on_site = code in FIVE_ON_SITE
    effective = committed or legal_time
    return {
        "code": code,
        "name": name,
        "field": area,
        "agency": code_of(agency_key, province_code),
        "receiving_units": receiving,
        "level": row["level"],
        "legal_time": legal_time,
        "committed_time": committed,
        "time_note": time_note,
        "cutoff": None,
        "fee_text": row["fee"] or "",
        "fees": parse_fee(row["fee"]),
        "result_type": "",
        "online_mode": ONLINE_MODES.get(row["online"], "none"),
        "five_on_site": on_site,
        "boundary_free": boundary_free,
        "requires_paper_result": True,
        "documents": [parse_document(d) for d in (row["documents"] or [])],
        "steps": make_steps(
            budget_hours(effective and effective["value"], effective and effective["unit"]),
            on_site=on_site,
        ),
        "legal_basis": _legal_basis(row["source"]),
        "source": row["source"],
        "note": " ".join(note_parts),
    }


def convert(rows: list[dict], province_code: str = DEFAULT_PROVINCE_CODE) -> dict:
    return {
        "fields": [
            {"code": code, "name": name, "order": order}
            for order, (code, name) in enumerate(FIELDS, start=1)
        ],
        "procedures": [convert_row(row, province_code) for row in rows],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="procedures-sample.json")
    parser.add_argument("-o", "--output", type=Path, default=DATA_FILE)
    args = parser.parse_args(argv)
    rows = json.loads(args.source.read_text(encoding="utf-8"))
    data = convert(rows)
    args.output.write_text(
        json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print(f"{len(data['procedures'])} procedures -> {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
