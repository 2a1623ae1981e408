"""Importing a list: the column mapping is guessed or remembered, every bad row is reported
with its row number and reason before anything is written, accepting writes every good row in
one go, and the same file imported again changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kinlink.audit.models import AuditEntry
from kinlink.identification import services
from kinlink.identification.models import BatchStatus, ImportBatch, SourceRow
from tests.identification.conftest import csv_bytes, import_list

LEDGER_HEADER = [
    "编号",
    "姓名",
    "性别",
    "出生日期",
    "身份证号",
    "村",
    "监护人",
    "监护人电话",
    "父母外出情况",
]
GOOD = [
    ["L1", "王小明", "男", "2015/3/2", "", "上坝村", "李桂兰", "13912345678", "父母均外出"],
    ["L2", "欧阳娜娜", "女", "2016年5月6日", "", "下坝村", "欧阳华", "", "母亲外出"],
]


def upload(actor, raw: bytes, kind: str = "ledger", name: str = "ledger.csv", **kwargs):
    batch, is_new = services.batch_upload(actor=actor, kind=kind, file_name=name, raw=raw, **kwargs)
    return batch, is_new


def test_an_upload_keeps_the_file_and_guesses_the_columns_but_imports_nothing(caseworker_a):
    batch, is_new = upload(caseworker_a, csv_bytes(LEDGER_HEADER, GOOD))
    assert is_new and batch.status == BatchStatus.UPLOADED
    assert batch.mapping == {
        "record_id": "编号",
        "full_name": "姓名",
        "sex": "性别",
        "date_of_birth": "出生日期",
        "id_number": "身份证号",
        "village": "村",
        "guardian_name": "监护人",
        "guardian_phone": "监护人电话",
        "parents_away": "父母外出情况",
    }
    assert batch.place == caseworker_a.scope and batch.total_rows == 2
    assert SourceRow.objects.count() == 0


def test_checking_reports_every_bad_row_with_its_number_and_reason_and_writes_nothing(
    caseworker_a,
):
    rows = [
        *GOOD,
        ["L3", "", "", "", "", "上坝村", "", "", ""],
        ["L4", "张伟", "男", "next spring", "", "上坝村", "", "", ""],
        ["L5", "赵丽", "X", "2015-01-01", "", "上坝村", "", "", ""],
        ["L1", "钱多", "男", "2014-01-01", "", "上坝村", "", "", ""],
        ["L7", "孙悟", "男", "1850-01-01", "51162320150302", "上坝村", "", "", "不知道"],
    ]
    batch, _ = upload(caseworker_a, csv_bytes(LEDGER_HEADER, rows))
    batch = services.batch_check(actor=caseworker_a, batch=batch, mapping=batch.mapping)
    errors = {
        (row, column): message for row, column, message, is_error in batch.problems if is_error
    }
    assert errors == {
        (4, ""): "no name and no ID number",
        (5, "date_of_birth"): "“next spring” is not a date",
        (6, "sex"): "sex “X” is neither male nor female",
        (7, "record_id"): "record number “L1” is also on row 2",
        (8, "date_of_birth"): "date of birth 1850-01-01 is not a child's",
    }
    warnings = {(row, column) for row, column, _m, is_error in batch.problems if not is_error}
    assert warnings == {(8, "id_number"), (8, "parents_away")}
    assert (batch.status, batch.total_rows, batch.good_rows, batch.bad_rows) == (
        BatchStatus.CHECKED, 7, 2, 5)  # fmt: skip
    assert SourceRow.objects.count() == 0


def test_accepting_writes_every_good_row_with_typed_values(caseworker_a, county):
    batch = import_list(caseworker_a, "ledger", csv_bytes(LEDGER_HEADER, GOOD))
    assert batch.status == BatchStatus.IMPORTED and batch.payload is None
    first, second = SourceRow.objects.filter(batch=batch).order_by("row_number")
    assert (first.row_number, first.record_id, first.family_name, first.given_name) == (
        2, "L1", "王", "小明")  # fmt: skip
    assert first.date_of_birth == dt.date(2015, 3, 2) and first.sex == "M"
    assert first.village_place == county.village_a1 and first.parents_away == "both"
    assert (second.family_name, second.given_name, second.date_of_birth) == (
        "欧阳", "娜娜", dt.date(2016, 5, 6))  # fmt: skip
    assert second.parents_away == "mother" and second.village_place == county.village_a2


def test_the_same_file_imported_again_changes_nothing(caseworker_a):
    raw = csv_bytes(LEDGER_HEADER, GOOD)
    first = import_list(caseworker_a, "ledger", raw)
    entries = AuditEntry.objects.count()
    again, is_new = upload(caseworker_a, raw, name="renamed.csv")
    assert not is_new and again == first
    assert ImportBatch.objects.count() == 1 and SourceRow.objects.count() == 2
    assert AuditEntry.objects.count() == entries


def test_a_remembered_mapping_is_used_for_a_file_with_the_same_columns(caseworker_a):
    header = ["no", "xing", "ming", "born"]
    batch, _ = upload(caseworker_a, csv_bytes(header, [["1", "王", "小明", "2015-03-02"]]))
    assert batch.mapping == {}
    chosen = {"record_id": "no", "family_name": "xing", "given_name": "ming",
              "date_of_birth": "born"}  # fmt: skip
    services.batch_check(actor=caseworker_a, batch=batch, mapping=chosen)
    later, _ = upload(caseworker_a, csv_bytes(header, [["7", "李", "娜", "2016-01-01"]]))
    assert later.mapping == chosen


@pytest.mark.parametrize(
    ("kind", "mapping", "says"),
    [
        ("ledger", {"village": "村"}, "names"),
        ("roster", {"full_name": "姓名"}, "school"),
        ("services", {"full_name": "姓名"}, "programme"),
        ("ledger", {"full_name": "姓名", "family_name": "村"}, "either the full name"),
        ("ledger", {"full_name": "姓名", "village": "姓名"}, "one field only"),
    ],
)
def test_a_mapping_that_cannot_work_is_refused_before_checking(caseworker_a, kind, mapping, says):
    batch, _ = upload(caseworker_a, csv_bytes(LEDGER_HEADER, GOOD), kind=kind)
    with pytest.raises(services.IdentificationError, match=says):
        services.batch_check(actor=caseworker_a, batch=batch, mapping=mapping)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.UPLOADED


def test_a_roster_names_schools_in_the_area_only(caseworker_a, county):
    header = ["学号", "姓名", "学校", "年级", "出勤率"]
    rows = [
        ["1", "王小明", "东坪镇中心小学", "3", "92%"],
        ["2", "李娜", "S-A", "4", "0.75"],
        ["3", "张伟", "西河乡小学", "2", ""],  # township B's school: not caseworker_a's
        ["4", "赵丽", "东坪镇中心小学", "2", "often"],
    ]
    batch, _ = upload(caseworker_a, csv_bytes(header, rows), kind="roster")
    batch = services.batch_check(actor=caseworker_a, batch=batch, mapping=batch.mapping)
    assert [(p[0], p[1]) for p in batch.problems] == [(4, "school"), (5, "attendance_rate")]
    batch = services.batch_accept(actor=caseworker_a, batch=batch)
    rows = list(SourceRow.objects.filter(batch=batch).order_by("row_number"))
    assert [r.school for r in rows] == [county.school_a, county.school_a]
    assert [r.attendance_rate for r in rows] == [Decimal("92.00"), Decimal("75.00")]


def test_a_roster_of_one_school_may_name_it_once(caseworker_a, county):
    raw = csv_bytes(["姓名", "出生日期"], [["王小明", "2015-03-02"]])
    batch = import_list(caseworker_a, "roster", raw, school=county.school_a)
    assert SourceRow.objects.get(batch=batch).school == county.school_a


def test_a_service_list_keeps_programme_and_dates(caseworker_a):
    header = ["姓名", "出生日期", "项目名称", "开始日期", "结束日期"]
    rows = [
        ["王小明", "2015-03-02", "课后托管", "2025/9/1", "2026年6月30日"],
        ["李娜", "2016-01-01", "", "2025-09-01", "2025-08-01"],
    ]
    batch, _ = upload(caseworker_a, csv_bytes(header, rows), kind="services", programme="营养餐")
    batch = services.batch_check(
        actor=caseworker_a, batch=batch, mapping=batch.mapping, programme="营养餐"
    )
    assert [(p[0], p[1]) for p in batch.problems] == [(3, "service_end")]
    batch = services.batch_accept(actor=caseworker_a, batch=batch)
    row = SourceRow.objects.get(batch=batch)
    assert (row.programme, row.service_start, row.service_end) == (
        "课后托管", dt.date(2025, 9, 1), dt.date(2026, 6, 30))  # fmt: skip


def test_a_file_whose_every_row_is_bad_cannot_be_accepted(caseworker_a):
    batch, _ = upload(caseworker_a, csv_bytes(["姓名", "性别"], [["王小明", "?"]]))
    batch = services.batch_check(actor=caseworker_a, batch=batch, mapping=batch.mapping)
    with pytest.raises(services.IdentificationError, match="No row can be imported"):
        services.batch_accept(actor=caseworker_a, batch=batch)
    assert SourceRow.objects.count() == 0


def test_a_discarded_file_is_forgotten(caseworker_a):
    batch, _ = upload(caseworker_a, csv_bytes(LEDGER_HEADER, GOOD))
    services.batch_discard(actor=caseworker_a, batch=batch)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DISCARDED and batch.payload is None
    with pytest.raises(services.IdentificationError):
        services.batch_accept(actor=caseworker_a, batch=batch)


def test_every_step_is_audited_without_personal_data(caseworker_a):
    batch = import_list(caseworker_a, "ledger", csv_bytes(LEDGER_HEADER, GOOD))
    entries = AuditEntry.objects.filter(
        object_type="identification.importbatch", object_id=batch.pk
    )
    assert entries.count() == 3  # uploaded, checked, imported
    assert "王小明" not in str(list(entries.values_list("extra", flat=True)))


def test_large_lists_are_written_in_a_few_bulk_statements(
    caseworker_a, django_assert_max_num_queries
):
    """A test-sized check of the set-based write: 5,000 rows in a few statements, not one each (so
    100,000 rows take seconds, not minutes)."""
    rows = [[f"R{i}", f"王{chr(0x4E00 + i % 500)}{chr(0x4E00 + i // 500)}", "男",
             f"2015-{1 + i % 12:02d}-{1 + i % 28:02d}", "", "上坝村", "", "", ""]
            for i in range(5000)]  # fmt: skip
    batch, _ = upload(caseworker_a, csv_bytes(LEDGER_HEADER, rows))
    batch = services.batch_check(actor=caseworker_a, batch=batch, mapping=batch.mapping)
    with django_assert_max_num_queries(25):
        services.batch_accept(actor=caseworker_a, batch=batch)
    assert SourceRow.objects.filter(batch=batch).count() == 5000


def _xlsx(header: list[str], rows: list[list[str]]) -> bytes:
    import io

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_workbook_is_parsed_once_and_checks_and_imports_as_its_csv_twin_does(
    caseworker_a, county, monkeypatch
):
    header = ["学号", "姓名", "学校", "年级", "出勤率"]
    rows = [
        ["1", "王小明", "东坪镇中心小学", "3", "92%"],
        ["", "", "", "", ""],  # a blank row: the numbers after it must stay the sheet's
        ["2", "李娜", "S-A", "4", "often"],
        ["3", "张伟", "西河乡小学", "2", ""],
    ]
    twin, _ = upload(caseworker_a, csv_bytes(header, rows), kind="roster")
    twin = services.batch_check(actor=caseworker_a, batch=twin, mapping=twin.mapping)

    batch, _ = upload(caseworker_a, _xlsx(header, rows), kind="roster", name="roster.xlsx")
    assert batch.file_format == "xlsx"

    def parse_again(*args, **kwargs):
        raise AssertionError("the workbook was parsed again")

    monkeypatch.setattr("openpyxl.load_workbook", parse_again)
    batch = services.batch_check(actor=caseworker_a, batch=batch, mapping=batch.mapping)
    assert batch.problems == twin.problems
    assert [p[0] for p in batch.problems] == [4, 5]  # rows of the sheet, the blank one counted
    batch = services.batch_accept(actor=caseworker_a, batch=batch)
    assert SourceRow.objects.filter(batch=batch).count() == 1
    assert batch.payload is None  # the table read from the workbook is not kept either
