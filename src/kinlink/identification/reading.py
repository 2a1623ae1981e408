"""Reading an uploaded list (CSV in UTF-8, UTF-8 with BOM or GB18030/GBK; or XLSX) into a header
and rows of text, the fields each kind of list may carry, and checking each row.

No database here: `check_rows` turns text into typed values and names every problem with its
row number (as the spreadsheet numbers it: the header is row 1) and the reason.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kinlink.core.dates import parse_date
from kinlink.core.names import fold
from kinlink.identification.linkage import prepare
from kinlink.identification.linkage.prepare import HEADER_ALIASES, KNOWN_COLUMNS
from kinlink.identification.models import SourceKind


class ImportFileError(ValueError):
    """The file as a whole cannot be used; the message says why and what to do."""


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]  # text cells, as many as headers
    row_numbers: list[int]  # spreadsheet row of each (header = 1; blank lines skipped)


# Fields ----------------------------------------------------------------------------------------

COMMON_FIELDS = (
    "record_id",
    "full_name",
    "family_name",
    "given_name",
    "sex",
    "date_of_birth",
    "id_number",
    "village",
    "guardian_name",
    "guardian_phone",
)
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    SourceKind.LEDGER: (*COMMON_FIELDS, "parents_away"),
    SourceKind.ROSTER: (*COMMON_FIELDS, "school", "grade", "attendance_rate"),
    SourceKind.SERVICES: (*COMMON_FIELDS, "programme", "service_start", "service_end"),
}
FIELD_LABELS = {
    "record_id": gettext_lazy("Record number in the list"),
    "full_name": gettext_lazy("Full name (family and given name together)"),
    "family_name": gettext_lazy("Family name"),
    "given_name": gettext_lazy("Given name"),
    "sex": gettext_lazy("Sex"),
    "date_of_birth": gettext_lazy("Date of birth"),
    "id_number": gettext_lazy("ID number"),
    "village": gettext_lazy("Village"),
    "guardian_name": gettext_lazy("Guardian or caregiver"),
    "guardian_phone": gettext_lazy("Guardian's phone"),
    "parents_away": gettext_lazy("Parents away"),
    "school": gettext_lazy("School"),
    "grade": gettext_lazy("Grade"),
    "attendance_rate": gettext_lazy("Attendance rate"),
    "programme": gettext_lazy("Programme"),
    "service_start": gettext_lazy("Service from"),
    "service_end": gettext_lazy("Service until"),
}

# Headers recognised without asking, beyond the engine's own.
EXTRA_ALIASES = {
    "学校": "school",
    "学校名称": "school",
    "就读学校": "school",
    "年级": "grade",
    "班级": "grade",
    "出勤率": "attendance_rate",
    "到课率": "attendance_rate",
    "attendance": "attendance_rate",
    "项目": "programme",
    "项目名称": "programme",
    "服务项目": "programme",
    "开始日期": "service_start",
    "服务开始日期": "service_start",
    "结束日期": "service_end",
    "服务结束日期": "service_end",
    "start": "service_start",
    "end": "service_end",
    "父母外出情况": "parents_away",
    "外出情况": "parents_away",
    "留守类型": "parents_away",
    "照料人": "guardian_name",
    "照料人电话": "guardian_phone",
    "监护人联系电话": "guardian_phone",
    "学号": "record_id",
}


def header_key(header: str) -> str:
    return unicodedata.normalize("NFKC", header).strip().casefold()


def headers_signature(headers: Sequence[str]) -> str:
    """The same layout of columns gives the same key, whatever the rows."""
    text = "\x1f".join(header_key(h) for h in headers)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def guess_mapping(kind: str, headers: Sequence[str]) -> dict[str, str]:
    """{field: header} for the headers whose meaning is known."""
    fields = KIND_FIELDS[kind]
    mapping: dict[str, str] = {}
    for header in headers:
        key = header_key(header)
        standard = (
            key
            if key in fields
            else EXTRA_ALIASES.get(key)
            or HEADER_ALIASES.get(key)
            or (key if key in KNOWN_COLUMNS else None)
        )
        if standard in fields and standard not in mapping:
            mapping[standard] = header
    return mapping


# Reading files ---------------------------------------------------------------------------------


def _decode(raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw[:4096]:
        raise ImportFileError(
            _("The file looks like UTF-16 text or is not a text file; save it as CSV in UTF-8.")
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as utf8_error:
        try:
            return raw.decode("gb18030")
        except UnicodeDecodeError:
            row = raw.count(b"\n", 0, utf8_error.start) + 1
            raise ImportFileError(
                _(
                    "The file is neither UTF-8 nor GB18030 (GBK) text (first unreadable "
                    "character on row %(row)d). Save it as CSV in UTF-8, or as XLSX."
                )
                % {"row": row}
            ) from None


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_csv(raw: bytes, max_rows: int) -> tuple[list[str], Iterable[list[str]]]:
    text = _decode(raw)
    if text.count("\n") > max_rows + 1:
        _too_many(max_rows)
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        headers = next(reader)
    except StopIteration:
        raise ImportFileError(_("The file is empty.")) from None
    except csv.Error:
        raise ImportFileError(_("The file is not a CSV file that can be read.")) from None
    return headers, reader


def _read_xlsx(raw: bytes, max_rows: int) -> tuple[list[str], Iterable[list[str]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise ImportFileError(
            _("The file is not an Excel workbook that can be read; save it as XLSX or CSV.")
        ) from None
    sheet = book.worksheets[0]
    if (sheet.max_row or 0) > max_rows + 1:
        _too_many(max_rows)
    rows = sheet.iter_rows(values_only=True)
    try:
        headers = [_cell_text(v) for v in next(rows)]
    except StopIteration:
        raise ImportFileError(_("The file is empty.")) from None
    while headers and not headers[-1]:
        headers.pop()
    return headers, ([_cell_text(v) for v in row] for row in rows)


def _too_many(limit: int) -> None:
    raise ImportFileError(
        _("The file has more than %(limit)d rows; split it, for example by township.")
        % {"limit": limit}
    )


def file_format(name: str, raw: bytes) -> str:
    """ "xlsx" or "csv", from the content first (a renamed file still reads), then the name."""
    if raw[:4] == b"PK\x03\x04":
        return "xlsx"
    if raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportFileError(
            _("Old Excel files (.xls) cannot be read; save the sheet as XLSX or CSV.")
        )
    return "csv"


def read_table(raw: bytes, fmt: str, *, max_rows: int) -> Table:
    """The header and every non-blank row as text, or ImportFileError saying what is wrong."""
    if not raw.strip():
        raise ImportFileError(_("The file is empty."))
    headers, rows = _read_xlsx(raw, max_rows) if fmt == "xlsx" else _read_csv(raw, max_rows)
    headers = [unicodedata.normalize("NFKC", h).strip() for h in headers]
    if not any(headers):
        raise ImportFileError(_("The first row holds no column names."))
    seen: set[str] = set()
    for header in headers:
        if header and header_key(header) in seen:
            raise ImportFileError(
                _("Two columns are both called “%(header)s”; rename one.") % {"header": header}
            )
        seen.add(header_key(header))
    width = len(headers)
    table = Table(headers=headers, rows=[], row_numbers=[])
    try:
        for number, cells in enumerate(rows, start=2):
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > width and any(c.strip() for c in cells[width:]):
                raise ImportFileError(
                    _("Row %(row)d has %(found)d values where the header has %(expected)d.")
                    % {"row": number, "found": len(cells), "expected": width}
                )
            cells = [unicodedata.normalize("NFKC", c).strip() for c in cells[:width]]
            table.rows.append(cells + [""] * (width - len(cells)))
            table.row_numbers.append(number)
            if len(table.rows) > max_rows:
                _too_many(max_rows)
    except csv.Error:
        raise ImportFileError(_("The file is not a CSV file that can be read.")) from None
    if not table.rows:
        raise ImportFileError(_("The file has a header but no rows."))
    return table


# A workbook is parsed once, at upload, and kept as the table read from it: openpyxl takes a
# quarter of a minute for 100,000 rows, and checking and accepting would parse it again each.
_TABLE_MARK = b'{"format":"kinlink.table/1"'


def table_bytes(table: Table) -> bytes:
    """The table as kept in place of the workbook it was read from (JSON, UTF-8)."""
    document = {
        "format": "kinlink.table/1",
        "headers": table.headers,
        "rows": table.rows,
        "row_numbers": table.row_numbers,
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def is_table_bytes(raw: bytes) -> bool:
    return raw.startswith(_TABLE_MARK)


def table_from_bytes(raw: bytes) -> Table:
    document = json.loads(raw)
    return Table(
        headers=document["headers"], rows=document["rows"], row_numbers=document["row_numbers"]
    )


# Values ----------------------------------------------------------------------------------------

_SEX = {
    "m": "M", "male": "M", "boy": "M", "男": "M", "1": "M",
    "f": "F", "female": "F", "girl": "F", "女": "F", "2": "F",
}  # fmt: skip
_AWAY = {
    "both": "both", "双亲外出": "both", "父母均外出": "both", "父母外出": "both",
    "父母双方外出": "both", "mother": "mother", "母亲外出": "mother", "母外出": "mother",
    "father": "father", "父亲外出": "father", "父外出": "father",
    "none": "none", "无": "none", "否": "none",
}  # fmt: skip


def split_full_name(text: str) -> tuple[str, str]:
    family, given = prepare.split_full_name(text)
    return family or "", given or ""


def parse_rate(text: str) -> Decimal | None:
    """85, 85%, 85.5 % or 0.85 as a percentage from 0 to 100; else None."""
    value = text.strip().rstrip("%％").strip()
    try:
        number = Decimal(value)
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    if 0 <= number <= 1 and "%" not in text and "." in value:
        number *= 100
    if not 0 <= number <= 100:
        return None
    return number.quantize(Decimal("0.01"))


def fingerprint(family: str, given: str, sex: str, born: dt.date | None, id_number: str) -> str:
    """Who a row describes, as a hash: equal for rows that describe a child in the same words,
    so a caseworker's decision about one carries to the others."""
    text = "|".join(
        [fold(family), fold(given), sex, born.isoformat() if born else "", id_number.upper()]
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# Checking rows ---------------------------------------------------------------------------------


@dataclass
class Problem:
    row: int
    column: str  # a field name, "" for the row as a whole
    message: str
    is_error: bool = True  # False: a warning, the row is still imported


@dataclass
class CheckedRows:
    rows: list[dict[str, Any]] = field(default_factory=list)  # good rows, typed values
    problems: list[Problem] = field(default_factory=list)
    total: int = 0


def mapping_problems(
    kind: str, mapping: Mapping[str, str], *, has_school: bool, has_programme: bool
) -> list[str]:
    """What is missing from a mapping for the list to be usable (empty when it is fine)."""
    problems = []
    if not ({"full_name", "given_name", "id_number"} & set(mapping)):
        problems.append(
            _(
                "Choose the column with the children's names (or their ID numbers): without it "
                "no row can be matched to a child."
            )
        )
    if kind == SourceKind.ROSTER and "school" not in mapping and not has_school:
        problems.append(_("Choose the school of this roster, or the column that names it."))
    if kind == SourceKind.SERVICES and "programme" not in mapping and not has_programme:
        problems.append(_("Give the programme's name, or choose the column that names it."))
    return problems


def check_rows(
    table: Table,
    mapping: Mapping[str, str],
    *,
    schools: Mapping[str, int],
    villages: Mapping[str, int],
    default_school: int | None = None,
    default_programme: str = "",
) -> CheckedRows:
    """Type every row; good rows come back as dicts of SourceRow fields, bad ones as problems.

    `schools` and `villages` map a folded name (or a school's code) to a record id: the ones in
    the importer's scope.
    """
    position = {f: table.headers.index(h) for f, h in mapping.items() if h in table.headers}
    result = CheckedRows(total=len(table.rows))
    first_row_of: dict[str, int] = {}
    for cells, number in zip(table.rows, table.row_numbers, strict=True):

        def value(name: str, cells: list[str] = cells) -> str:
            i = position.get(name)
            return cells[i] if i is not None else ""

        problems: list[Problem] = []

        def bad(column: str, message: str, number: int = number, problems: list = problems) -> None:
            problems.append(Problem(number, column, message))

        record_id = value("record_id") if "record_id" in position else str(number)
        if not record_id:
            bad("record_id", _("the record number is empty"))
        elif record_id in first_row_of:
            bad(
                "record_id",
                _("record number “%(id)s” is also on row %(row)d")
                % {"id": record_id, "row": first_row_of[record_id]},
            )
        else:
            first_row_of[record_id] = number
        family, given = value("family_name"), value("given_name")
        if value("full_name") and not (family or given):
            family, given = split_full_name(value("full_name"))
        id_number = re.sub(r"[\s-]", "", value("id_number")).upper()
        if not (given or family or id_number):
            bad("", _("no name and no ID number"))
        if id_number and not re.fullmatch(r"\d{15}|\d{17}[\dX]", id_number):
            problems.append(
                Problem(
                    number, "id_number", _("the ID number does not have 15 or 18 digits"), False
                )
            )
        sex_text = value("sex")
        sex = _SEX.get(sex_text.casefold(), "") if sex_text else ""
        if sex_text and not sex:
            bad("sex", _("sex “%(value)s” is neither male nor female") % {"value": sex_text})
        born = _date(value, "date_of_birth", bad)
        if born and not dt.date(1990, 1, 1) <= born <= dt.date.today():
            bad("date_of_birth", _("date of birth %(date)s is not a child's") % {"date": born})
        village = value("village")
        row: dict[str, Any] = {
            "row_number": number,
            "record_id": record_id[:64],
            "family_name": family[:100],
            "given_name": given[:100],
            "sex": sex,
            "date_of_birth": born,
            "id_number": id_number[:32],
            "village": village[:200],
            "village_place_id": villages.get(fold(village)) if village else None,
            "guardian_name": value("guardian_name")[:100],
            "guardian_phone": value("guardian_phone")[:32],
            "fingerprint": fingerprint(family, given, sex, born, id_number),
        }
        if "parents_away" in position:
            away_text = value("parents_away")
            away = _AWAY.get(away_text.casefold().replace(" ", ""), "") if away_text else ""
            if away_text and not away:
                problems.append(
                    Problem(
                        number,
                        "parents_away",
                        _("“%(value)s” does not say which parent is away") % {"value": away_text},
                        False,
                    )
                )
            row["parents_away"] = away
        if "school" in position or default_school is not None:
            school_text = value("school")
            school = schools.get(fold(school_text)) if school_text else default_school
            if school is None:
                bad(
                    "school",
                    _("school “%(value)s” is not a school in your area") % {"value": school_text}
                    if school_text
                    else _("the school is empty"),
                )
            row["school_id"] = school
            row["grade"] = value("grade")[:20]
            rate_text = value("attendance_rate")
            rate = parse_rate(rate_text) if rate_text else None
            if rate_text and rate is None:
                bad(
                    "attendance_rate",
                    _("attendance “%(value)s” is not a percentage") % {"value": rate_text},
                )
            row["attendance_rate"] = rate
        if "programme" in position or default_programme:
            programme = value("programme") or default_programme
            if not programme:
                bad("programme", _("the programme is empty"))
            row["programme"] = programme[:200]
            start = _date(value, "service_start", bad)
            end = _date(value, "service_end", bad)
            if start and end and end < start:
                bad("service_end", _("the service ends before it starts"))
            row["service_start"], row["service_end"] = start, end
        result.problems.extend(problems)
        if not any(p.is_error for p in problems):
            result.rows.append(row)
    return result


def _date(value: Any, name: str, bad: Any) -> dt.date | None:
    text = value(name)
    if not text:
        return None
    parsed = parse_date(text)
    if parsed is None:
        bad(name, _("“%(value)s” is not a date") % {"value": text})
    return parsed
