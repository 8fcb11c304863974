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
    # Every other agency, commune and commune center has its people too, so the demo history
    # (motcua.demo.history) is worked by real logins everywhere.
    StaffSpec("tiepnhan.tanan", "Trần", "Thị Bích Ngọc", "receptionist", "tt_tanan",
              "Cán bộ tiếp nhận", counter=1),
    StaffSpec("tiepnhan.hoaphu", "H'Xíu", "Byă", "receptionist", "tt_hoaphu",
              "Cán bộ tiếp nhận", counter=1),
    StaffSpec("tiepnhan.tuyhoa", "Lê", "Văn Thành", "receptionist", "tt_tuyhoa",
              "Cán bộ tiếp nhận", counter=1),
    StaffSpec("chuyenvien.tanan", "Phạm", "Thị Thúy", "specialist", "tanan",
              "Công chức Văn phòng - Thống kê"),
    StaffSpec("lanhdao.tanan", "Nguyễn", "Văn Cường", "leader", "tanan",
              "Phó Chủ tịch UBND phường"),
    StaffSpec("chuyenvien.hoaphu", "Y", "Sơn Mlô", "specialist", "hoaphu",
              "Công chức Tư pháp - Hộ tịch"),
    StaffSpec("lanhdao.hoaphu", "Đinh", "Công Bằng", "leader", "hoaphu",
              "Phó Chủ tịch UBND xã"),
    StaffSpec("chuyenvien.tuyhoa", "Võ", "Thị Hồng", "specialist", "tuyhoa",
              "Công chức Địa chính - Xây dựng"),
    StaffSpec("lanhdao.tuyhoa", "Trần", "Quang Vinh", "leader", "tuyhoa",
              "Phó Chủ tịch UBND phường"),
    StaffSpec("chuyenvien.nv", "Hồ", "Thị Lan", "specialist", "noivu",
              "Chuyên viên Phòng Lao động - Việc làm"),
    StaffSpec("lanhdao.nv", "Phan", "Đình Toàn", "leader", "noivu", "Phó Giám đốc Sở"),
    StaffSpec("chuyenvien.ct", "Dương", "Minh Hiếu", "specialist", "congthuong",
              "Chuyên viên Phòng Quản lý thương mại"),
    StaffSpec("lanhdao.ct", "Lê", "Thị Phương", "leader", "congthuong", "Phó Giám đốc Sở"),
    StaffSpec("chuyenvien.nn", "Nguyễn", "Thị Hoài", "specialist", "nnmt",
              "Chuyên viên Chi cục Chăn nuôi và Thú y"),
    StaffSpec("lanhdao.nn", "Vũ", "Đức Long", "leader", "nnmt", "Phó Giám đốc Sở"),
    StaffSpec("chuyenvien.kh", "Trịnh", "Ngọc Ánh", "specialist", "khcn",
              "Chuyên viên Phòng Quản lý khoa học"),
    StaffSpec("lanhdao.kh", "Mai", "Xuân Trường", "leader", "khcn", "Phó Giám đốc Sở"),
    StaffSpec("chuyenvien.vh", "Ksor", "H'Bia", "specialist", "vhttdl",
              "Chuyên viên Phòng Quản lý du lịch"),
    StaffSpec("lanhdao.vh", "Hà", "Văn Dũng", "leader", "vhttdl", "Phó Giám đốc Sở"),
    StaffSpec("chuyenvien.yt", "Bùi", "Thanh Tâm", "specialist", "yte",
              "Chuyên viên Phòng Nghiệp vụ Y"),
    StaffSpec("lanhdao.yt", "Châu", "Minh Đức", "leader", "yte", "Phó Giám đốc Sở"),
    StaffSpec("chuyenvien.gd", "Lâm", "Thị Quỳnh", "specialist", "gddt",
              "Chuyên viên Phòng Giáo dục trung học"),
    StaffSpec("lanhdao.gd", "Tạ", "Văn Hòa", "leader", "gddt", "Phó Giám đốc Sở"),
    StaffSpec("chuyenvien.kcn", "Đoàn", "Thị Mỹ", "specialist", "bqlkcn",
              "Chuyên viên Phòng Quản lý lao động"),
    StaffSpec("lanhdao.kcn", "Kiều", "Văn Tài", "leader", "bqlkcn", "Phó Trưởng ban"),
    StaffSpec("chuyenvien.dd", "Lương", "Văn Phú", "specialist", "vpdkdd",
              "Chuyên viên đăng ký, cấp giấy chứng nhận"),
    StaffSpec("lanhdao.dd", "Tôn", "Nữ Thu Hằng", "leader", "vpdkdd", "Phó Giám đốc Văn phòng"),
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
