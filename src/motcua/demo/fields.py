"""Demo fields (lĩnh vực): the 16 broad areas of the shared sample's coverage table.

The published field names (39 of them) are folded into these areas; each procedure keeps
its published field name in its note.
"""

from __future__ import annotations

# code, Vietnamese name
FIELDS: list[tuple[str, str]] = [
    ("TUPHAP", "Tư pháp"),
    ("CONGAN", "Công an"),
    ("DATDAI", "Đất đai"),
    ("MOITRUONG", "Môi trường, tài nguyên"),
    ("NONGNGHIEP", "Nông nghiệp"),
    ("XAYDUNG", "Xây dựng, bất động sản"),
    ("GIAOTHONG", "Giao thông vận tải"),
    ("DKKD", "Đăng ký kinh doanh"),
    ("DAUTU", "Đầu tư"),
    ("LAODONG", "Lao động, việc làm"),
    ("GIAODUC", "Giáo dục"),
    ("YTEXAHOI", "Y tế, xã hội"),
    ("CONGTHUONG", "Công thương"),
    ("KHCN", "Khoa học và công nghệ"),
    ("VANHOA", "Văn hóa, du lịch"),
    ("THONGTIN", "Thông tin, báo chí"),
]

PUBLISHED_FIELD_AREA: dict[str, str] = {
    "Hộ tịch": "TUPHAP",
    "Chứng thực": "TUPHAP",
    "Lý lịch tư pháp": "TUPHAP",
    "Đăng ký, quản lý cư trú": "CONGAN",
    "Cấp, quản lý căn cước": "CONGAN",
    "Định danh và xác thực điện tử": "CONGAN",
    "Quản lý xuất nhập cảnh": "CONGAN",
    "Sát hạch, cấp giấy phép lái xe": "CONGAN",
    "Đất đai": "DATDAI",
    "Môi trường": "MOITRUONG",
    "Tài nguyên nước": "MOITRUONG",
    "Địa chất và khoáng sản": "MOITRUONG",
    "Thú y": "NONGNGHIEP",
    "Trồng trọt và Bảo vệ thực vật": "NONGNGHIEP",
    "Chăn nuôi": "NONGNGHIEP",
    "Thủy sản": "NONGNGHIEP",
    "Quản lý đê điều và phòng, chống thiên tai": "NONGNGHIEP",
    "Hoạt động xây dựng": "XAYDUNG",
    "Kinh doanh bất động sản": "XAYDUNG",
    "Đường bộ": "GIAOTHONG",
    "Thành lập và hoạt động của doanh nghiệp": "DKKD",
    "Thành lập và hoạt động doanh nghiệp (hộ kinh doanh)": "DKKD",
    "Thành lập và hoạt động của tổ hợp tác, hợp tác xã, liên hiệp hợp tác xã": "DKKD",
    "Đầu tư tại Việt Nam": "DAUTU",
    "Việc làm": "LAODONG",
    "Lao động - Tiền lương - BHXH": "LAODONG",
    "Giáo dục trung học": "GIAODUC",
    "Giáo dục mầm non": "GIAODUC",
    "Thi, tuyển sinh": "GIAODUC",
    "Giám định": "YTEXAHOI",
    "Bảo trợ xã hội": "YTEXAHOI",
    "Giảm nghèo": "YTEXAHOI",
    "Điện lực": "CONGTHUONG",
    "Xuất nhập khẩu": "CONGTHUONG",
    "Hoạt động khoa học và công nghệ": "KHCN",
    "Du lịch": "VANHOA",
    "Mỹ thuật, Nhiếp ảnh và Triển lãm": "VANHOA",
    "Báo chí, xuất bản": "THONGTIN",
    "Phát thanh, truyền hình và thông tin điện tử": "THONGTIN",
}
