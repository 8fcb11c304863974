import pytest

from motcua import cli
from motcua.core.text import fold


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Cấp đổi thẻ căn cước", "cap doi the can cuoc"),
        ("Đăng ký   ĐẤT ĐAI", "dang ky dat dai"),
        ("Giỗ Tổ Hùng Vương", "gio to hung vuong"),
    ],
)
def test_fold_strips_vietnamese_diacritics(text, folded):
    assert fold(text) == folded


def test_cli_joins_command_groups(monkeypatch):
    seen = {}
    monkeypatch.setattr(
        "django.core.management.execute_from_command_line", lambda argv: seen.setdefault("argv", argv)
    )
    cli.main(["motcua", "catalog", "import", "x.json"])
    assert seen["argv"] == ["motcua", "catalog_import", "x.json"]


def test_cli_leaves_plain_commands_alone(monkeypatch):
    seen = {}
    monkeypatch.setattr(
        "django.core.management.execute_from_command_line", lambda argv: seen.setdefault("argv", argv)
    )
    cli.main(["motcua", "migrate", "--noinput"])
    assert seen["argv"] == ["motcua", "migrate", "--noinput"]
