"""Reading uploaded lists: encodings, Excel workbooks, dates as clerks write them, and files
that cannot be used, each refused with a message that says what to do."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from kinlink.identification.reading import (
    ImportFileError,
    file_format,
    guess_mapping,
    parse_date,
    parse_rate,
    read_table,
    split_full_name,
)

HEADER = "编号,姓名,性别,出生日期,村\n"
ROWS = "1,王小明,男,2015/3/2,上坝村\n2,欧阳娜娜,女,2016年5月6日,下坝村\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2015-03-02", dt.date(2015, 3, 2)),
        ("2015/3/2", dt.date(2015, 3, 2)),
        ("2015.3.2", dt.date(2015, 3, 2)),
        ("2015年3月2日", dt.date(2015, 3, 2)),
        ("20150302", dt.date(2015, 3, 2)),
        ("42065", dt.date(2015, 3, 2)),  # an Excel serial number
        ("2015-03-02 00:00:00", dt.date(2015, 3, 2)),
        ("2015/2/30", None),
        ("next spring", None),
        ("123", None),
    ],
)
def test_it_reads_dates_as_clerks_write_them(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("85", Decimal("85.00")), ("85%", Decimal("85.00")), ("0.85", Decimal("85.00")),
     ("79.5 %", Decimal("79.50")), ("120", None), ("often", None)],
)  # fmt: skip
def test_it_reads_attendance_as_a_percentage(text, expected):
    assert parse_rate(text) == expected


def test_it_splits_whole_names_including_compound_family_names():
    assert split_full_name("王小明") == ("王", "小明")
    assert split_full_name("欧阳娜娜") == ("欧阳", "娜娜")
    assert split_full_name("Wang Xiaoming") == ("Wang", "Xiaoming")


@pytest.mark.parametrize(
    "raw",
    [
        (HEADER + ROWS).encode("utf-8"),
        b"\xef\xbb\xbf" + (HEADER + ROWS).encode("utf-8"),
        (HEADER + ROWS).encode("gb18030"),
        (HEADER + ROWS).encode("gbk"),
    ],
    ids=["utf-8", "utf-8 with BOM", "gb18030", "gbk"],
)
def test_every_accepted_encoding_gives_the_same_table(raw):
    table = read_table(raw, file_format("x.csv", raw), max_rows=100)
    assert table.headers == ["编号", "姓名", "性别", "出生日期", "村"]
    assert table.rows[1] == ["2", "欧阳娜娜", "女", "2016年5月6日", "下坝村"]
    assert table.row_numbers == [2, 3]


def test_blank_lines_are_skipped_but_rows_keep_their_spreadsheet_numbers():
    raw = (HEADER + "1,王小明,男,2015/3/2,上坝村\n,,,,\n\n3,李娜,女,2015/4/2,上坝村\n").encode()
    table = read_table(raw, "csv", max_rows=100)
    assert table.row_numbers == [2, 5]


def test_it_reads_the_first_sheet_of_an_xlsx_workbook_with_real_dates():
    book = Workbook()
    sheet = book.active
    sheet.append(["学号", "姓名", "出生日期", "身份证号"])
    sheet.append([1001, "王小明", dt.datetime(2015, 3, 2), "511623201503020011"])
    sheet.append([1002, "李娜", 42065, None])
    buffer = io.BytesIO()
    book.save(buffer)
    raw = buffer.getvalue()
    assert file_format("roster.csv", raw) == "xlsx"  # by content, whatever the name says
    table = read_table(raw, "xlsx", max_rows=100)
    assert table.rows == [
        ["1001", "王小明", "2015-03-02", "511623201503020011"],
        ["1002", "李娜", "42065", ""],
    ]
    assert parse_date(table.rows[1][2]) == dt.date(2015, 3, 2)


@pytest.mark.parametrize(
    ("raw", "fmt", "says"),
    [
        (b"", "csv", "empty"),
        (b"   \n\n", "csv", "empty"),
        ("编号,姓名\n".encode(), "csv", "no rows"),
        ("编号,姓名\n".encode("utf-16"), "csv", "UTF-16"),
        (b"\x81\x30\xff\xfe\x00abc", "csv", "UTF-16"),
        (b"id,name\n1,\x80\xff\xfe\n", "csv", "neither UTF-8 nor GB18030"),
        (b"PK\x03\x04 not really a workbook", "xlsx", "not an Excel workbook"),
        (b"a,a\n1,2\n", "csv", "Two columns"),
        (b"a,b\n1,2,3\n", "csv", "Row 2 has 3 values"),
    ],
)
def test_unusable_files_are_refused_with_a_reason(raw, fmt, says):
    with pytest.raises(ImportFileError, match=says):
        read_table(raw, fmt, max_rows=100)


def test_old_excel_files_are_refused_with_a_way_out():
    with pytest.raises(ImportFileError, match="XLSX"):
        file_format("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)


def test_too_many_rows_are_refused_before_reading_them():
    raw = ("id,name\n" + "".join(f"{i},x{i}\n" for i in range(11))).encode()
    with pytest.raises(ImportFileError, match="more than 10 rows"):
        read_table(raw, "csv", max_rows=10)


def test_known_headers_are_mapped_without_asking():
    mapping = guess_mapping("roster", ["学号", "姓名", "出生日期", "学校", "出勤率", "备注"])
    assert mapping == {
        "record_id": "学号",
        "full_name": "姓名",
        "date_of_birth": "出生日期",
        "school": "学校",
        "attendance_rate": "出勤率",
    }
