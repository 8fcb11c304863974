"""Demo floor of the provincial center (sảnh Trung tâm tỉnh): bookable services with capacity
on every working day, served by the demo counters (tiepnhan1 at counter 1, …). Idempotent."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from motcua.catalog.models import Procedure
from motcua.demo.units import CENTER, code_of
from motcua.floor.models import CapacityWindow, FloorService
from motcua.org.models import Counter, Unit

# code, name, number base, counter numbers, field codes, places per 30-minute slot
SERVICES = [
    ("CANCUOC", "Căn cước, cư trú (Công an)", 1000, [1], ["CONGAN"], 4),
    ("TUPHAP", "Tư pháp, hộ tịch", 2000, [1], ["TUPHAP"], 2),
    ("DATDAI", "Đất đai, môi trường", 3000, [2], ["DATDAI", "MOITRUONG"], 3),
    ("XAYDUNG", "Xây dựng, giao thông vận tải", 4000, [3], ["XAYDUNG", "GIAOTHONG"], 2),
    ("KINHDOANH", "Đăng ký kinh doanh, đầu tư", 5000, [4], ["DKKD", "DAUTU"], 3),
]
# Bookable hours inside the working sessions (the lunch break has no slots).
WINDOWS = [(dt.time(7, 30), dt.time(11, 30)), (dt.time(13, 30), dt.time(16, 30))]


def load_floor(province_code: str) -> int:
    """Create or refresh the floor services; returns how many there are."""
    center = Unit.objects.get(code=CENTER.code(province_code))
    with transaction.atomic():
        for code, name, base, counters, fields, places in SERVICES:
            service, _ = FloorService.objects.update_or_create(
                unit=center, code=code,
                defaults={"name": name, "number_base": base, "slot_minutes": 30,
                          "service_minutes": 12, "bookable": True, "is_open": True})
            service.counters.set(Counter.objects.filter(center=center, number__in=counters))
            service.procedures.set(Procedure.objects.filter(current__field__code__in=fields))
            if not service.windows.exists():
                CapacityWindow.objects.bulk_create([
                    CapacityWindow(service=service, weekday=day, start=s, end=e, places=places)
                    for day in range(5) for s, e in WINDOWS])
    load_complaints(province_code)
    return len(SERVICES)


# Demo complaints (phản ánh, kiến nghị): two waiting at the center (answered by its manager,
# quanly) and one at the Department of Construction (chuyenvien.xd / lanhdao.xd). Idempotent by
# subject: created once, through the service, so the deadline follows the unit's calendar.
COMPLAINTS = [
    ("center", "Phạm Văn Cường", "0905123456", "Xếp hàng chờ làm căn cước từ 5 giờ sáng",
     "Quầy căn cước chỉ có một cán bộ, người dân phải chờ rất lâu. Đề nghị bố trí thêm quầy.",
     True),
    ("center", "Lê Thị Dung", "le.dung@example.vn", "Hướng dẫn thành phần hồ sơ chưa rõ",
     "Tôi phải đi lại hai lần vì không biết cần bản sao chứng thực.", False),
    ("xaydung", "Nguyễn Hữu Tài", "0914555666", "Giấy phép xây dựng chậm trả kết quả",
     "Hồ sơ xin giấy phép xây dựng nhà ở đã quá hẹn 3 ngày.", True),
]


def load_complaints(province_code: str) -> int:
    from motcua.floor.feedback import complaint_submit
    from motcua.floor.models import Complaint

    created = 0
    for key, name, contact, subject, text, allow in COMPLAINTS:
        unit = Unit.objects.get(code=code_of(key, province_code))
        if Complaint.objects.filter(unit=unit, subject=subject).exists():
            continue
        complaint_submit(actor=None, unit=unit, name=name, contact=contact, subject=subject,
                         text=text, allow_publish=allow)
        created += 1
    return created
