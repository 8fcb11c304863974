"""The demo province's units and their codes (đơn vị và mã định danh), plain Python.

Code scheme (QCVN 102:2016 notation ``V1V2V3.Z1Z2.Y1Y2.MX1X2``, level-1 code on the right).
Everything is derived from ``settings.MOTCUA_PROVINCE_CODE`` (default ``000.00.00.H15``, an
inferred and unverified code for Đắk Lắk), keeping its level-1 group ``MX1X2``:

* the province (UBND tỉnh): the setting itself, ``000.00.00.H15``;
* level-2 units take ``Y1Y2``: the provincial center ``000.00.01.H15``, the agencies
  ``000.00.10.H15`` … ``000.00.22.H15``, the communes ``000.00.41.H15`` … ``000.00.44.H15``;
* level-3 units take ``Z1Z2`` under their parent's ``Y1Y2``: each commune center is
  ``000.01.<commune>.H15`` and the land registration office under Sở Nông nghiệp và Môi
  trường is ``000.01.15.H15``.

The QĐ 20/2020 notation (level-1 group on the left) is stored too: ``H15``, ``H15.10``,
``H15.41.01``. These are demo codes, not the province's published ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DEFAULT_PROVINCE_CODE = "000.00.00.H15"
_CODE = re.compile(r"^(?P<v>\d{3})\.(?P<z>\d{2})\.(?P<y>\d{2})\.(?P<m>[A-Z]\d{2})$")


def level1(province_code: str) -> str:
    """The level-1 group (MX1X2) of a QCVN-style code: ``000.00.00.H15`` -> ``H15``."""
    match = _CODE.match(province_code)
    if not match:
        raise ValueError(
            f"MOTCUA_PROVINCE_CODE={province_code!r} is not a QCVN 102 code like 000.00.00.H15"
        )
    return match["m"]


@dataclass(frozen=True)
class UnitSpec:
    key: str
    name: str
    kind: str  # org.UnitKind value
    level: str  # "tinh" | "xa"
    y: int = 0
    z: int = 0
    parent: str | None = None
    supervisor: str | None = None
    short_name: str = ""
    address: str = ""
    phone: str = ""

    def code(self, province_code: str) -> str:
        return f"000.{self.z:02d}.{self.y:02d}.{level1(province_code)}"

    def code_qd20(self, province_code: str) -> str:
        parts = [level1(province_code)]
        if self.y:
            parts.append(f"{self.y:02d}")
        if self.z:
            parts.append(f"{self.z:02d}")
        return ".".join(parts)


# Addresses and phone numbers are illustrative (minh họa), not the offices' published ones.
_PROVINCE_ADDR = "09 Lê Duẩn, phường Buôn Ma Thuột, tỉnh Đắk Lắk"

PROVINCE = UnitSpec(
    "province", "Ủy ban nhân dân tỉnh Đắk Lắk", "province", "tinh",
    short_name="UBND tỉnh", address=_PROVINCE_ADDR, phone="0262 3852 555",
)
CENTER = UnitSpec(
    "center", "Trung tâm Phục vụ hành chính công tỉnh Đắk Lắk", "provincial_center", "tinh",
    y=1, parent="province", supervisor="province", short_name="TTPVHCC tỉnh",
    address="01 Lê Duẩn, phường Buôn Ma Thuột, tỉnh Đắk Lắk", phone="0262 3979 799",
)

_AGENCIES = [
    # key, name, short name, y
    ("noivu", "Sở Nội vụ", "SNV", 10),
    ("tuphap", "Sở Tư pháp", "STP", 11),
    ("taichinh", "Sở Tài chính", "STC", 12),
    ("xaydung", "Sở Xây dựng", "SXD", 13),
    ("congthuong", "Sở Công Thương", "SCT", 14),
    ("nnmt", "Sở Nông nghiệp và Môi trường", "SNNMT", 15),
    ("khcn", "Sở Khoa học và Công nghệ", "SKHCN", 16),
    ("vhttdl", "Sở Văn hóa, Thể thao và Du lịch", "SVHTTDL", 17),
    ("yte", "Sở Y tế", "SYT", 18),
    ("gddt", "Sở Giáo dục và Đào tạo", "SGDĐT", 19),
    ("congan", "Công an tỉnh Đắk Lắk", "CAT", 20),
    ("bqlkcn", "Ban Quản lý các khu công nghiệp tỉnh Đắk Lắk", "BQLKCN", 21),
]
AGENCIES = [
    UnitSpec(
        key, name, "agency", "tinh", y=y, parent="province", supervisor="province",
        short_name=short, address=f"{10 + y} Trường Chinh, phường Tân An, tỉnh Đắk Lắk",
        phone=f"0262 38{y:02d} 100",
    )
    for key, name, short, y in _AGENCIES
]
LAND_OFFICE = UnitSpec(
    "vpdkdd", "Văn phòng Đăng ký đất đai tỉnh Đắk Lắk", "agency", "tinh", y=15, z=1,
    parent="nnmt", supervisor="province", short_name="VPĐKĐĐ",
    address="46 Phan Bội Châu, phường Buôn Ma Thuột, tỉnh Đắk Lắk", phone="0262 3950 246",
)

# Communes (xã, phường) of Đắk Lắk after 1 July 2025, each with its commune center.
_COMMUNES = [
    ("bmt", "phường Buôn Ma Thuột", 41, "Buôn Ma Thuột"),
    ("tanan", "phường Tân An", 42, "Tân An"),
    ("hoaphu", "xã Hòa Phú", 43, "Hòa Phú"),
    ("tuyhoa", "phường Tuy Hòa", 44, "Tuy Hòa"),
]
COMMUNES: list[UnitSpec] = []
COMMUNE_CENTERS: list[UnitSpec] = []
for _key, _name, _y, _short in _COMMUNES:
    _addr = f"Trụ sở UBND {_name}, tỉnh Đắk Lắk"
    COMMUNES.append(
        UnitSpec(
            _key, f"Ủy ban nhân dân {_name}", "commune", "xa", y=_y, parent="province",
            supervisor="province", short_name=f"UBND {_short}", address=_addr,
        )
    )
    COMMUNE_CENTERS.append(
        UnitSpec(
            f"tt_{_key}", f"Trung tâm Phục vụ hành chính công {_name}", "commune_center", "xa",
            y=_y, z=1, parent=_key, supervisor=_key, short_name=f"TTPVHCC {_short}",
            address=_addr,
        )
    )

# Parents first, so a loader can create them in this order.
ALL_UNITS: list[UnitSpec] = [PROVINCE, CENTER, *AGENCIES, LAND_OFFICE, *COMMUNES, *COMMUNE_CENTERS]
BY_KEY: dict[str, UnitSpec] = {u.key: u for u in ALL_UNITS}

# The commune whose People's Committee stands as the agency of commune-level procedures
# (a procedure version has one agency; every commune center receives them).
DEFAULT_COMMUNE = "bmt"


def code_of(key: str, province_code: str = DEFAULT_PROVINCE_CODE) -> str:
    return BY_KEY[key].code(province_code)
