"""The import pages: upload, map the columns with a preview, see every bad row, accept or
discard; a file that cannot be used gets a message on the page, never a server error."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from kinlink.audit.models import AuditEntry
from kinlink.identification.models import BatchStatus, ImportBatch, SourceRow
from kinlink.jobs.models import Job
from kinlink.jobs.services import job_run
from tests.identification.conftest import csv_bytes

HEADER = ["学号", "姓名", "性别", "出生日期", "学校", "出勤率"]
ROWS = [
    ["1", "王小明", "男", "2015/3/2", "S-A", "92%"],
    ["2", "李娜", "女", "2015年13月2日", "S-A", "85"],
    ["3", "张伟", "男", "42065", "S-A", "0.7"],
    ["3", "赵丽", "女", "2016-01-01", "S-A", ""],
]


def post_file(client, raw: bytes, name: str = "roster.csv", kind: str = "roster"):
    return client.post(
        "/identification/imports/new/",
        {"kind": kind, "file": SimpleUploadedFile(name, raw), "programme": ""},
    )


def test_a_roster_goes_from_upload_through_mapping_and_checking_to_import(client, caseworker_a):
    client.force_login(caseworker_a)
    response = post_file(client, csv_bytes(HEADER, ROWS, encoding="gb18030"))
    batch = ImportBatch.objects.get()
    assert (
        response.status_code == 302
        and response.url == f"/identification/imports/{batch.pk}/columns/"
    )

    page = client.get(response.url).content.decode()
    assert "王小明" in page and "2015/3/2" in page  # the preview of the first rows
    assert 'value="姓名" selected' in page  # 姓名 recognised as the full name
    viewed = AuditEntry.objects.filter(object_type="identification.importbatch", action="view")
    assert viewed.exists()

    mapping = dict(
        record_id="学号", full_name="姓名", sex="性别", date_of_birth="出生日期",
        school="学校", attendance_rate="出勤率",
    )  # fmt: skip
    response = client.post(f"/identification/imports/{batch.pk}/columns/", mapping)
    assert response.status_code == 302
    page = client.get(f"/identification/imports/{batch.pk}/").content.decode()
    assert "Row 3" in page and "“2015年13月2日” is not a date" in page
    assert "Row 5" in page and "record number “3” is also on row 4" in page
    assert "Import 2 rows" in page
    assert SourceRow.objects.count() == 0

    response = client.post(f"/identification/imports/{batch.pk}/accept/")
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == BatchStatus.IMPORTED
    assert sorted(SourceRow.objects.values_list("given_name", flat=True)) == ["伟", "小明"]
    page = client.get(f"/identification/imports/{batch.pk}/").content.decode()
    assert "Link to the registry" in page


def test_the_problems_download_as_csv_with_row_numbers(client, caseworker_a):
    client.force_login(caseworker_a)
    post_file(client, csv_bytes(HEADER, ROWS))
    batch = ImportBatch.objects.get()
    client.post(f"/identification/imports/{batch.pk}/columns/", batch.mapping)
    response = client.get(f"/identification/imports/{batch.pk}/problems.csv")
    assert response["Content-Disposition"] == f'attachment; filename="problems-{batch.pk}.csv"'
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Row,Column,Problem,Row skipped"
    assert lines[1].startswith("3,Date of birth,")


def test_an_xlsx_roster_is_imported_like_a_csv(client, caseworker_a):
    book = Workbook()
    for row in [HEADER, ROWS[0]]:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    client.force_login(caseworker_a)
    post_file(client, buffer.getvalue(), name="roster.xlsx")
    batch = ImportBatch.objects.get()
    assert batch.file_format == "xlsx" and batch.total_rows == 1


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        (b"", "The submitted file is empty."),  # Django's own check
        (b"\n\n", "The file is empty."),
        ("姓名\n".encode(), "The file has a header but no rows."),
        ("姓名\n王小明\n".encode("utf-16"), "UTF-16"),
        (b"PK\x03\x04garbage", "not an Excel workbook"),
    ],
)
def test_a_file_that_cannot_be_used_is_refused_on_the_page(client, caseworker_a, raw, says):
    client.force_login(caseworker_a)
    response = post_file(client, raw)
    assert response.status_code == 200
    assert says in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_the_same_file_again_leads_to_the_list_already_imported(client, caseworker_a, county):
    client.force_login(caseworker_a)
    raw = csv_bytes(HEADER, ROWS[:1])
    post_file(client, raw)
    batch = ImportBatch.objects.get()
    client.post(f"/identification/imports/{batch.pk}/columns/", batch.mapping)
    client.post(f"/identification/imports/{batch.pk}/accept/")
    response = post_file(client, raw, name="again.csv")
    assert response.url == f"/identification/imports/{batch.pk}/"
    assert ImportBatch.objects.count() == 1 and SourceRow.objects.count() == 1


def test_discarding_leaves_nothing_behind(client, caseworker_a):
    client.force_login(caseworker_a)
    post_file(client, csv_bytes(HEADER, ROWS))
    batch = ImportBatch.objects.get()
    response = client.post(f"/identification/imports/{batch.pk}/discard/")
    assert response.url == "/identification/"
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DISCARDED and batch.payload is None


@pytest.mark.parametrize("persona", ["teacher_a", "official", "health_worker_a"])
def test_only_caseworkers_and_supervisors_import(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/identification/").status_code == 404
    assert client.get("/identification/imports/new/").status_code == 404


def test_the_list_page_and_navigation_show_identification(client, caseworker_a):
    client.force_login(caseworker_a)
    page = client.get("/identification/").content.decode()
    assert "Lists and linking" in page and "/identification/coverage/" in page


def test_the_pages_speak_chinese_to_a_chinese_speaking_user(client, caseworker_a):
    caseworker_a.language = "zh-hans"
    caseworker_a.save()
    client.force_login(caseworker_a)
    page = client.get("/identification/imports/new/").content.decode()
    assert "导入名单" in page and "学校花名册" in page


def test_a_long_list_is_written_by_a_background_job(client, caseworker_a, settings):
    settings.KINLINK_IMPORT_INLINE_ROWS = 1
    client.force_login(caseworker_a)
    post_file(client, csv_bytes(HEADER, ROWS))
    batch = ImportBatch.objects.get()
    client.post(f"/identification/imports/{batch.pk}/columns/", batch.mapping)
    response = client.post(f"/identification/imports/{batch.pk}/accept/")
    job = Job.objects.get(kind="identification.import_batch")
    assert response.url == f"/jobs/{job.pk}/" and job.params == {"batch_id": batch.pk}
    assert SourceRow.objects.count() == 0
    assert job_run(job_id=job.pk) == Job.Status.SUCCEEDED
    job.refresh_from_db()
    assert job.message == "2 rows imported."
    batch.refresh_from_db()
    assert batch.status == BatchStatus.IMPORTED and SourceRow.objects.count() == 2
