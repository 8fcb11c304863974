"""Demo citizens (công dân minh họa) of the development identity provider: they sign in on the
portal through /idp-dev/ (a stand-in for VNeID) with the demo password. Loaded only where the
development provider is installed (never in production)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class DemoCitizen:
    username: str
    name: str
    id_number: str
    birth_date: dt.date
    gender: str
    address: str
    phone: str
    email: str
    tax_code: str = ""
    organisation: str = ""

    @property
    def label(self) -> str:
        who = f"{self.name}, {self.id_number}"
        return who + (f"; đại diện {self.organisation}" if self.organisation else "")


CITIZENS = [
    DemoCitizen("congdan1", "Nguyễn Văn An", "066090001234", dt.date(1990, 5, 4), "male",
                "12 Lê Duẩn, phường Tân Lập, Buôn Ma Thuột", "0912345678", "an@example.vn"),
    DemoCitizen("congdan2", "Trần Thị Bình", "066192004321", dt.date(1992, 8, 17), "female",
                "45 Phan Bội Châu, phường Thành Công, Buôn Ma Thuột", "0987654321",
                "binh@example.vn"),
    DemoCitizen("doanhnghiep1", "Lê Văn Hòa", "066085007777", dt.date(1985, 2, 2), "male",
                "8 Hùng Vương, Buôn Ma Thuột", "0905111222", "hoa@example.vn",
                tax_code="6001234567", organisation="Công ty TNHH Cà phê Hòa Đắk Lắk"),
]


def load_citizens(say=None) -> int:
    """The provider's clients (the portal, the mobile app) and the demo identities; 0 when the development
    provider is not installed."""
    if not getattr(settings, "MOTCUA_DEV_IDP", False):
        return 0
    from motcua.demo import DEMO_PASSWORD
    from motcua.devidp.setup import ensure_client, ensure_identity, ensure_mobile_client

    ensure_client()
    ensure_mobile_client()  # the mobile app's sign-in (POST /api/v1/citizen/token)
    for c in CITIZENS:
        ensure_identity(username=c.username, password=DEMO_PASSWORD, id_number=c.id_number,
                        name=c.name, birth_date=c.birth_date, gender=c.gender,
                        address=c.address, phone=c.phone, email=c.email, tax_code=c.tax_code,
                        organisation=c.organisation)
    if say is not None:
        say(f"Công dân minh họa: {len(CITIZENS)}")
    return len(CITIZENS)
