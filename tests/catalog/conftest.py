"""Units and a sample catalog shared by the catalog tests."""

from __future__ import annotations

import copy
import json

import pytest

from motcua.org.models import Level, UnitKind
from tests.factories import UnitFactory

AGENCY = "000.00.30.H15"
OTHER_AGENCY = "000.00.31.H15"
CENTER = "000.00.01.H15"
COMMUNE = "000.10.00.H15"
COMMUNE_CENTER = "000.10.01.H15"

SAMPLE = {
    "fields": [
        {"code": "HOTICH", "name": "Hộ tịch", "order": 1},
        {"code": "XAYDUNG", "name": "Hoạt động xây dựng", "order": 2},
        {"code": "CUTRU", "name": "Đăng ký, quản lý cư trú", "order": 3},
    ],
    "procedures": [
        {
            "code": "1.001193",
            "name": "Thủ tục đăng ký khai sinh",
            "field": "HOTICH",
            "agency": COMMUNE,
            "receiving_units": [COMMUNE_CENTER],
            "level": "xa",
            "legal_time": None,
            "committed_time": None,
            "time_note": "Trong ngày làm việc",
            "cutoff": None,
            "fee_text": "Miễn phí",
            "fees": [],
            "result_type": "Giấy khai sinh",
            "online_mode": "full",
            "five_on_site": False,
            "boundary_free": True,
            "requires_paper_result": True,
            "documents": [
                {"name": "Tờ khai đăng ký khai sinh", "form": "original", "copies": 1,
                 "mandatory": True, "condition": ""},
                {"name": "Giấy chứng sinh; hoặc văn bản của người làm chứng", "form": "any",
                 "copies": 1, "mandatory": True, "condition": ""},
                {"name": "Văn bản ủy quyền", "form": "certified_copy", "copies": 2,
                 "mandatory": False, "condition": "khi ủy quyền"},
            ],
            "steps": [
                {"name": "Tiếp nhận hồ sơ", "role": "reception", "unit": None, "hours": 0.5},
                {"name": "Thẩm định", "role": "specialist", "unit": None, "hours": 2.25},
            ],
            "legal_basis": "Luật Hộ tịch 2014",
            "source": "dichvucong.gov.vn",
            "note": "",
        },
        {
            "code": "1.014199.H05",
            "name": "Cấp giấy phép xây dựng mới đối với công trình cấp đặc biệt",
            "field": "XAYDUNG",
            "agency": AGENCY,
            "receiving_units": [CENTER],
            "level": "tinh",
            "legal_time": {"value": 20, "unit": "working_days"},
            "committed_time": {"value": 15, "unit": "working_days"},
            "time_note": "",
            "cutoff": "15:00",
            "fee_text": "150.000 đồng/giấy phép",
            "fees": [
                {"name": "Lệ phí cấp giấy phép", "amount": 150000, "description": "Mỗi giấy phép",
                 "per_copy": True, "online_reduction_percent": 20,
                 "exemptions": ["Hộ nghèo", "Người có công, thân nhân liệt sĩ"]},
                {"name": "Phí thẩm định", "amount": None, "description": "Theo nghị quyết HĐND"},
            ],
            "result_type": "Giấy phép xây dựng",
            "online_mode": "partial",
            "five_on_site": True,
            "boundary_free": False,
            "requires_paper_result": True,
            "documents": [
                {"name": "Đơn đề nghị cấp giấy phép xây dựng", "form": "original", "copies": 1,
                 "mandatory": True, "condition": ""},
                {"name": "Bản vẽ thiết kế", "form": "copy", "copies": 2, "mandatory": True,
                 "condition": ""},
            ],
            "steps": [
                {"name": "Tiếp nhận hồ sơ", "role": "reception", "unit": CENTER, "hours": 4},
                {"name": "Phân công thụ lý", "role": "leader", "unit": None, "hours": 4},
                {"name": "Thẩm định hồ sơ", "role": "specialist", "unit": None, "hours": 96},
                {"name": "Ý kiến cơ quan phối hợp", "role": "partner", "unit": OTHER_AGENCY,
                 "hours": 8},
                {"name": "Ký giấy phép", "role": "leader", "unit": None, "hours": 4},
                {"name": "Vào sổ, đóng dấu", "role": "clerk", "unit": None, "hours": 2},
            ],
            "legal_basis": "Luật Xây dựng 2014; Nghị định 175/2024/NĐ-CP",
            "source": "QĐ 1513/QĐ-UBND",
            "note": "",
        },
        {
            "code": "2.001159",
            "name": "Cấp đổi thẻ căn cước",
            "field": "CUTRU",
            "agency": OTHER_AGENCY,
            "receiving_units": [],
            "level": "tinh",
            "legal_time": {"value": 7, "unit": "working_days"},
            "committed_time": None,
            "time_note": "",
            "cutoff": None,
            "fee_text": "Theo quy định",
            "fees": [],
            "result_type": "Thẻ căn cước",
            "online_mode": "none",
            "five_on_site": False,
            "boundary_free": False,
            "requires_paper_result": False,
            "documents": [],
            "steps": [],
            "legal_basis": "",
            "source": "",
            "note": "Ghi chú",
        },
    ],
}


def sample() -> dict:
    return copy.deepcopy(SAMPLE)


@pytest.fixture
def units(db):
    province = UnitFactory(code="000.00.00.H15", name="UBND tỉnh Đắk Lắk", kind=UnitKind.PROVINCE)
    center = UnitFactory(
        code=CENTER, name="Trung tâm Phục vụ hành chính công tỉnh",
        kind=UnitKind.PROVINCIAL_CENTER, parent=province,
    )
    agency = UnitFactory(code=AGENCY, name="Sở Xây dựng", parent=province)
    other = UnitFactory(code=OTHER_AGENCY, name="Công an tỉnh", parent=province)
    commune = UnitFactory(
        code=COMMUNE, name="UBND phường Buôn Ma Thuột", kind=UnitKind.COMMUNE,
        level=Level.COMMUNE, parent=province,
    )
    commune_center = UnitFactory(
        code=COMMUNE_CENTER, name="Trung tâm Phục vụ hành chính công phường Buôn Ma Thuột",
        kind=UnitKind.COMMUNE_CENTER, level=Level.COMMUNE, parent=commune,
    )
    return {
        "province": province, "center": center, "agency": agency, "other": other,
        "commune": commune, "commune_center": commune_center,
    }


@pytest.fixture
def write_json(tmp_path):
    def write(doc, name="catalog.json"):
        path = tmp_path / name
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        return path

    return write


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Real hashing is slow by design; these tests log in with force_login.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
