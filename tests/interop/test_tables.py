"""CSV for Excel (BOM, quoting) and .xlsx, both written whole or not at all."""

from __future__ import annotations

import csv
from datetime import date, datetime

import pytest

from command_center.interop import tables
from command_center.interop.tables import write_bytes_atomically, write_csv, write_xlsx

HEADER = ["案件编号", "类别", "地址", "数量", "上报时间"]
ROWS = [
    ["20240601001", "井盖破损", '双塔区朝阳大街1号, "东口"', 3, datetime(2024, 6, 1, 9, 30)],
    ["20240601002", "道路保洁", "两行\n地址", 0.5, date(2024, 6, 2)],
    ["20240601003", None, "", -1, None],
]


def test_csv_has_a_bom_crlf_and_quotes_what_needs_it(tmp_path):
    path = write_csv(tmp_path / "案件.csv", HEADER, ROWS)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with the BOM
    assert data.count(b"\r\n") == 1 + len(ROWS)  # the quoted newline stays a bare \n
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0] == "案件编号,类别,地址,数量,上报时间"
    assert '"双塔区朝阳大街1号, ""东口"""' in text
    with path.open(encoding="utf-8-sig", newline="") as f:
        back = list(csv.reader(f))
    assert back[0] == HEADER
    assert back[1] == [
        "20240601001",
        "井盖破损",
        '双塔区朝阳大街1号, "东口"',
        "3",
        "2024-06-01 09:30",
    ]
    assert back[2][2] == "两行\n地址" and back[2][4] == "2024-06-02"
    assert back[3] == ["20240601003", "", "", "-1", ""]


def test_xlsx_round_trip_keeps_chinese_text_numbers_and_dates(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    path = write_xlsx(tmp_path / "案件.xlsx", HEADER, ROWS, sheet="案件清单")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["案件清单"]
    ws = book["案件清单"]
    values = [list(r) for r in ws.iter_rows(values_only=True)]
    assert values[0] == HEADER
    assert values[1][:4] == ["20240601001", "井盖破损", '双塔区朝阳大街1号, "东口"', 3]
    assert values[1][4] == datetime(2024, 6, 1, 9, 30)
    assert values[2][2] == "两行\n地址" and values[2][3] == 0.5
    assert values[3] == ["20240601003", None, None, -1, None]
    assert ws["A1"].font.b and ws.freeze_panes == "A2"
    assert ws.column_dimensions["C"].width > ws.column_dimensions["D"].width


def test_an_existing_file_is_replaced_and_no_temporary_file_is_left(tmp_path):
    target = tmp_path / "t.csv"
    target.write_text("old", encoding="utf-8")
    write_csv(target, ["a"], [[1]])
    assert target.read_bytes() == b"\xef\xbb\xbfa\r\n1\r\n"
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]


@pytest.mark.parametrize("writer", [write_csv, write_xlsx])
def test_a_failure_half_way_leaves_the_old_file_and_nothing_else(tmp_path, writer):
    target = tmp_path / ("t.csv" if writer is write_csv else "t.xlsx")
    target.write_bytes(b"the previous export")

    def rows():
        yield ["ok", 1]
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError, match="went away"):
        writer(target, ["a", "b"], rows())
    with pytest.raises(ValueError, match="row 2 has 1 cells, the header 2"):
        writer(target, ["a", "b"], [["x", 1], ["y"]])
    assert target.read_bytes() == b"the previous export"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_bad_targets_and_sheet_names_are_refused(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        write_csv(tmp_path / "missing" / "t.csv", ["a"], [])
    with pytest.raises(IsADirectoryError, match="it is a folder"):
        write_xlsx(tmp_path, ["a"], [])
    for bad in ("", "a/b", "x" * 32, "[1]"):
        with pytest.raises(ValueError, match="sheet name"):
            write_xlsx(tmp_path / "t.xlsx", ["a"], [], sheet=bad)
    assert list(tmp_path.iterdir()) == []


def test_bytes_are_written_atomically(tmp_path, monkeypatch):
    target = tmp_path / "r.pdf"
    write_bytes_atomically(target, b"%PDF-1.4 first")
    real = tables.os.replace

    def fail(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tables.os, "replace", fail)
    with pytest.raises(OSError, match="No space left"):
        write_bytes_atomically(target, b"%PDF-1.4 second")
    monkeypatch.setattr(tables.os, "replace", real)
    assert target.read_bytes() == b"%PDF-1.4 first"
    assert [p.name for p in tmp_path.iterdir()] == ["r.pdf"]
