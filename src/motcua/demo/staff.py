"""Demo staff (cán bộ minh họa): one or more logins for every role, all with DEMO_PASSWORD."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StaffSpec:
    username: str
    last_name: str  # họ
    first_name: str  # tên đệm và tên
    role: str  # org.Role value
    unit: str  # demo unit key
    title: str
    counter: int | None = None  # counter number at the unit (receptionists)
    superuser: bool = False

    @property
    def full_name(self) -> str:
        return f"{self.last_name} {self.first_name}"


STAFF: list[StaffSpec] = [
    StaffSpec("quantri", "Trần", "Quốc Huy", "administrator", "province",
              "Quản trị hệ thống", superuser=True),
    StaffSpec("quanly", "Nguyễn", "Thị Thu Hà", "center_manager", "center",
              "Giám đốc Trung tâm"),
    StaffSpec("tiepnhan1", "Lê", "Thị Mai Anh", "receptionist", "center",
              "Cán bộ tiếp nhận", counter=1),
    StaffSpec("tiepnhan2", "Phạm", "Minh Tuấn", "receptionist", "center",
              "Cán bộ tiếp nhận", counter=3),
    StaffSpec("tiepnhan3", "H'Hen", "Niê", "receptionist", "center",
              "Cán bộ tiếp nhận", counter=4),
    StaffSpec("tiepnhan.bmt", "Võ", "Thị Ngọc Lan", "receptionist", "tt_bmt",
              "Cán bộ tiếp nhận", counter=1),
    StaffSpec("chuyenvien.xd", "Đặng", "Văn Khoa", "specialist", "xaydung",
              "Chuyên viên Phòng Quản lý xây dựng"),
    StaffSpec("lanhdao.xd", "Hoàng", "Trọng Nghĩa", "leader", "xaydung", "Phó Giám đốc Sở"),
    StaffSpec("chuyenvien.tp", "Bùi", "Thị Hồng Nhung", "specialist", "tuphap",
              "Chuyên viên Phòng Hành chính tư pháp"),
    StaffSpec("lanhdao.tp", "Y", "Thuyên Knul", "leader", "tuphap", "Phó Giám đốc Sở"),
    StaffSpec("chuyenvien.ca", "Ngô", "Đức Thắng", "specialist", "congan",
              "Cán bộ Phòng Quản lý hành chính về trật tự xã hội"),
    StaffSpec("lanhdao.ca", "Đỗ", "Văn Hải", "leader", "congan", "Phó Trưởng phòng"),
    StaffSpec("chuyenvien.tc", "Huỳnh", "Thị Kim Oanh", "specialist", "taichinh",
              "Chuyên viên Phòng Đăng ký kinh doanh"),
    StaffSpec("lanhdao.tc", "Trương", "Công Minh", "leader", "taichinh", "Phó Giám đốc Sở"),
    StaffSpec("chuyenvien.bmt", "Lý", "Thị Thanh Thảo", "specialist", "bmt",
              "Công chức Tư pháp - Hộ tịch"),
    StaffSpec("lanhdao.bmt", "Nguyễn", "Hữu Phước", "leader", "bmt", "Phó Chủ tịch UBND phường"),
    StaffSpec("buudien1", "Phan", "Văn Lộc", "courier", "center",
              "Nhân viên Bưu điện tỉnh Đắk Lắk"),
]

# Counters (quầy) of each center: number, name, staffing agency key (or None), field codes.
PROVINCIAL_COUNTERS = [
    (1, "Tư pháp, Công an", "congan", ["TUPHAP", "CONGAN"]),
    (2, "Đất đai, Môi trường", "vpdkdd", ["DATDAI", "MOITRUONG"]),
    (3, "Xây dựng, Giao thông vận tải", "xaydung", ["XAYDUNG", "GIAOTHONG"]),
    (4, "Đăng ký kinh doanh, Đầu tư", "taichinh", ["DKKD", "DAUTU"]),
    (5, "Nông nghiệp", "nnmt", ["NONGNGHIEP"]),
    (6, "Lao động, Y tế, Giáo dục", "noivu", ["LAODONG", "YTEXAHOI", "GIAODUC"]),
    (7, "Công thương, Khoa học và công nghệ", "congthuong", ["CONGTHUONG", "KHCN"]),
    (8, "Văn hóa, Du lịch, Thông tin", "vhttdl", ["VANHOA", "THONGTIN"]),
]
COMMUNE_COUNTERS = [
    (1, "Tư pháp - Hộ tịch, Chứng thực", None, ["TUPHAP"]),
    (2, "Công an, Đất đai, Kinh doanh và lĩnh vực khác", None,
     ["CONGAN", "DATDAI", "MOITRUONG", "XAYDUNG", "DKKD", "YTEXAHOI", "GIAODUC"]),
]
