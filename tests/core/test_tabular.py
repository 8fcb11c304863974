"""The one CSV/XLSX reader (motcua.core.tabular) and the two imports that use it."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from motcua.core import tabular
from motcua.core.tabular import TabularError, normalise_header, open_table, read_rows


def _xlsx(sheets: dict[str, list[list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_csv_with_bom_and_semicolons_as_vietnamese_excel_saves_it():
    data = "\ufeffMã;Tên\n1;Nguyễn Văn A\n2;Trần Thị B, con\n".encode()
    rows = list(read_rows(data, "csv"))
    assert [(r.number, r.values) for r in rows] == [
        (2, {"mã": "1", "tên": "Nguyễn Văn A"}),
        (3, {"mã": "2", "tên": "Trần Thị B, con"}),
    ]


def test_csv_with_commas_and_quoted_semicolon():
    data = b'code,name\n1,"a; b"\n'
    assert [r.values for r in read_rows(data, "csv")] == [{"code": "1", "name": "a; b"}]


def test_header_normalised_and_blank_rows_skipped_but_counted():
    data = " Code ,APPLICANT  NAME,\n\n1,An,extra\n  ,  \n2,Bình,\n".encode()
    with open_table(data, "csv") as table:
        header, rows = table.read()
        assert header == ["code", "applicant name", ""]
        got = [(r.number, r.values, r.cells) for r in rows]
    assert got[0] == (3, {"code": "1", "applicant name": "An"}, ("1", "An", "extra"))
    assert got[1][0] == 5  # row 2 (blank) and row 4 (only spaces) are skipped, still counted
    assert normalise_header("\ufeff\xa0Mã\xa0hồ sơ ") == "mã hồ sơ"


def test_repeated_header_keeps_the_first_column_in_values():
    rows = list(read_rows(b"a,a\n1,2\n", "csv"))
    assert rows[0].values == {"a": "1"} and rows[0].cells == ("1", "2")
    assert rows[0].pick([None, "a"]) == {"a": "2"}


def test_csv_file_path_streams_and_counts_rows(tmp_path):
    path = tmp_path / "ho_so.csv"
    path.write_text("code;status\n" + "".join(f"C{i};1\n" for i in range(1000)), "utf-8-sig")
    rows = read_rows(path)
    first = next(rows)
    assert (first.number, first.values) == (2, {"code": "C0", "status": "1"})
    assert sum(1 for _ in rows) == 999


def test_xlsx_sheets_numbers_and_types():
    data = _xlsx({
        "procedures": [["Code", "Value"], [None, None], ["x", 1.5], ["y", None]],
        "fields": [["code"], ["F1"]],
    })
    with open_table(data, "xlsx") as table:
        assert table.sheet_names == ["procedures", "fields"]
        header, rows = table.read()
        assert header == ["code", "value"]
        assert [(r.number, r.values) for r in rows] == [
            (3, {"code": "x", "value": 1.5}),
            (4, {"code": "y", "value": None}),
        ]
        assert [r.values for r in table.read("fields")[1]] == [{"code": "F1"}]


def test_xlsx_from_a_path(tmp_path):
    path = tmp_path / "a.XLSX"
    path.write_bytes(_xlsx({"Sheet": [["a"], [1]]}))
    assert [r.values for r in read_rows(path)] == [{"a": 1}]


def test_not_utf8_csv_is_a_vietnamese_error():
    with pytest.raises(TabularError) as caught:
        list(read_rows("ma\nđ\n".encode("cp1258"), "csv"))
    assert "UTF-8" in caught.value.message and caught.value.code == "tabular_file"


def test_not_utf8_further_down_a_csv_file_names_the_row(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(b"code\n" + b"a\n" * 3000 + "đ\n".encode("cp1258"))
    with pytest.raises(TabularError) as caught:
        list(read_rows(path))
    assert "UTF-8" in caught.value.message


def test_broken_xlsx_and_wrong_type_and_missing_file(tmp_path):
    with pytest.raises(TabularError, match="Không mở được tệp XLSX"):
        open_table(b"not a zip", "xlsx")
    with pytest.raises(TabularError, match="Không nhận ra loại tệp") as caught:
        open_table(tmp_path / "a.pdf")
    assert caught.value.code == "tabular_format"
    with pytest.raises(TabularError, match="Không tìm thấy tệp"):
        open_table(tmp_path / "missing.csv")
    assert tabular.detect_format("Danh_muc.XLSM") == "xlsx"


def test_empty_file_has_no_header_and_no_rows():
    with open_table(b"", "csv") as table:
        header, rows = table.read()
        assert header == [] and list(rows) == []


@pytest.mark.django_db
def test_dossier_import_reads_semicolon_csv_with_uppercase_headers(tmp_path):
    """The legacy import only read comma CSV with exact header names before the shared reader."""
    from motcua.dossiers.importer import read_rows as dossier_rows

    path = tmp_path / "ho_so.csv"
    path.write_text("\ufeffCODE;Status\n\nH-1;2\n", "utf-8")
    assert list(dossier_rows(path)) == [(3, {"code": "H-1", "status": "2"})]


@pytest.mark.django_db
def test_catalog_reads_broken_files_as_problems_not_crashes():
    from motcua.catalog.importers import read_bytes

    raw = read_bytes(b"\xff\xfe", "csv")
    assert [str(p) for p in raw.problems] == [
        "Tệp: Tệp CSV phải mã hóa UTF-8 (trong Excel: Lưu thành CSV UTF-8)."
    ]
    raw = read_bytes(b"PK broken", "xlsx")
    assert "Không mở được tệp XLSX" in str(raw.problems[0])


@pytest.mark.django_db
def test_dossier_import_command_refuses_a_non_utf8_csv_with_the_reason(tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "ho_so.csv"
    path.write_bytes("code,applicant_name\nH-1,Đ\n".encode("cp1258"))
    with pytest.raises(CommandError, match="UTF-8"):
        call_command("dossiers_import", str(path))
