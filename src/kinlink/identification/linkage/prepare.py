"""Reading record files and standardising them into the keys the linkage model compares.

A record file is a CSV in UTF-8 (with or without BOM) or GB18030 whose columns are, or are
mapped to, the standard columns below; any of them may be missing. Standardisation turns each
row into folded and pinyin name keys, a parsed birth date, a checked ID number, a village key and
a household phone, computing each key once per distinct value so a million rows stay fast.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
from django.utils.translation import gettext as _

from kinlink.core.dates import date_parts
from kinlink.core.names import fold, has_chinese

from .phonetics import skeleton, syllables

STANDARD_COLUMNS = (
    "record_id",
    "family_name",
    "given_name",
    "sex",
    "date_of_birth",
    "id_number",
    "village",
    "guardian_name",
    "guardian_phone",
)
# Also accepted: a whole name in one column (split into family and given name), and the street
# address and postcode that registers outside China (and the FEBRL test data) carry.
OPTIONAL_COLUMNS = ("full_name", "address", "postcode")
KNOWN_COLUMNS = STANDARD_COLUMNS + OPTIONAL_COLUMNS

# Headers seen on Chinese ledgers and rosters, recognised without a --map.
HEADER_ALIASES = {
    "编号": "record_id",
    "序号": "record_id",
    "学籍号": "record_id",
    "姓": "family_name",
    "姓氏": "family_name",
    "名": "given_name",
    "名字": "given_name",
    "姓名": "full_name",
    "性别": "sex",
    "出生日期": "date_of_birth",
    "出生年月日": "date_of_birth",
    "身份证号": "id_number",
    "身份证号码": "id_number",
    "公民身份号码": "id_number",
    "村": "village",
    "村庄": "village",
    "所在村": "village",
    "监护人": "guardian_name",
    "监护人姓名": "guardian_name",
    "监护人电话": "guardian_phone",
    "联系电话": "guardian_phone",
    "name": "full_name",
    "dob": "date_of_birth",
    "birth_date": "date_of_birth",
    "surname": "family_name",
    "first_name": "given_name",
}

DEFAULT_MAX_ROWS = 2_000_000
_BOM = b"\xef\xbb\xbf"

# Two-character family names; any other Chinese full name is split after its first character.
COMPOUND_SURNAMES = frozenset(
    [
        "欧阳",
        "司马",
        "诸葛",
        "上官",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "宇文",
        "司徒",
        "夏侯",
        "轩辕",
        "令狐",
        "钟离",
        "澹台",
        "公冶",
        "宗政",
        "濮阳",
        "淳于",
        "单于",
        "太叔",
        "申屠",
        "赫连",
        "万俟",
        "闻人",
        "呼延",
        "端木",
        "南宫",
        "独孤",
    ]
)
_VILLAGE_SUFFIXES = ("村民委员会", "村委会", "居委会", "社区", "行政村", "自然村", "村")
_VILLAGE_GROUP = re.compile(r"[0-9一二三四五六七八九十]+(组|社|队)$")  # "一组": a village group
_VILLAGE_LATIN_WORDS = re.compile(r"\b(village|cun|cunweihui|shequ)\b")
_SEX_VALUES = {
    "m": "M", "male": "M", "boy": "M", "男": "M", "1": "M", "м": "M", "муж": "M", "мужской": "M",
    "f": "F", "female": "F", "girl": "F", "女": "F", "2": "F", "ж": "F", "жен": "F",
    "женский": "F",
}  # fmt: skip
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_EPOCH = dt.date(1970, 1, 1).toordinal()


class LinkageInputError(ValueError):
    """A record file cannot be used; the message names the file, row or column."""


@dataclass
class Records:
    """One source's rows under the standard column names (Arrow strings; null where empty)."""

    name: str
    table: pa.Table
    notes: list[str] = field(default_factory=list)

    @property
    def columns(self) -> list[str]:
        return [c for c in self.table.column_names if c != "record_id"]

    def __len__(self) -> int:
        return self.table.num_rows


# --------------------------------------------------------------------------------------------
# Reading files


def parse_mapping(text: str | None) -> dict[str, str]:
    """Read `family_name=surname,given_name=first` into {standard column: file header}."""
    mapping: dict[str, str] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        standard, sep, header = part.partition("=")
        standard, header = standard.strip(), header.strip()
        if not sep or not standard or not header:
            raise LinkageInputError(
                _("--map entries look like family_name=surname; “%(part)s” does not.")
                % {"part": part.strip()}
            )
        if standard not in KNOWN_COLUMNS:
            raise LinkageInputError(
                _("--map names an unknown column “%(column)s”; the columns are: %(known)s.")
                % {"column": standard, "known": ", ".join(KNOWN_COLUMNS)}
            )
        mapping[standard] = header
    return mapping


def _decode(raw: bytes, name: str) -> bytes:
    """The file as UTF-8 bytes, whether it came as UTF-8 (with or without BOM) or GB18030."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw[:4096]:
        raise LinkageInputError(
            _("%(file)s looks like UTF-16; save it as CSV in UTF-8 or GB18030.") % {"file": name}
        )
    if raw.startswith(_BOM):
        raw = raw[len(_BOM) :]
    try:
        raw.decode("utf-8")
        return raw
    except UnicodeDecodeError as utf8_error:
        try:
            return raw.decode("gb18030").encode("utf-8")
        except UnicodeDecodeError:
            row = raw.count(b"\n", 0, utf8_error.start) + 1
            raise LinkageInputError(
                _(
                    "%(file)s is neither UTF-8 nor GB18030 (first unreadable byte on row "
                    "%(row)d); save it as CSV in UTF-8."
                )
                % {"file": name, "row": row}
            ) from None


def _header_key(header: str) -> str:
    return unicodedata.normalize("NFKC", header).strip().casefold()


def read_records(
    path: str | Path,
    *,
    mapping: Mapping[str, str] | None = None,
    max_rows: int | None = DEFAULT_MAX_ROWS,
    name: str | None = None,
) -> Records:
    """Read a CSV file into standard columns, or raise LinkageInputError saying what is wrong."""
    path = Path(path)
    label = name or path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise LinkageInputError(
            _("%(file)s cannot be read: %(reason)s") % {"file": label, "reason": exc.strerror}
        ) from None
    return records_from_bytes(raw, mapping=mapping, max_rows=max_rows, name=label)


def records_from_text(
    text: str,
    *,
    mapping: Mapping[str, str] | None = None,
    max_rows: int | None = DEFAULT_MAX_ROWS,
    name: str = "input",
) -> Records:
    """Parse CSV text; the header is row 1, so the first record is row 2."""
    return records_from_bytes(text.encode("utf-8"), mapping=mapping, max_rows=max_rows, name=name)


def records_from_bytes(
    raw: bytes,
    *,
    mapping: Mapping[str, str] | None = None,
    max_rows: int | None = DEFAULT_MAX_ROWS,
    name: str = "input",
) -> Records:
    """Parse a CSV file's bytes (UTF-8 or GB18030) into standard columns."""
    data = _decode(raw, name)
    if not data.strip():
        raise LinkageInputError(_("%(file)s is empty.") % {"file": name})
    if max_rows is not None and data.count(b"\n") > max_rows + 1:
        _too_many_rows(name, max_rows)
    first_line = data.split(b"\n", 1)[0].decode("utf-8")
    delimiter = max(",;\t", key=first_line.count)
    bad_rows: list[tuple[int, int, int]] = []

    def on_bad_row(row: Any) -> str:
        if not (row.text or "").strip(" \r\t,;"):
            return "skip"  # a blank line
        bad_rows.append((row.number or 0, row.actual_columns, row.expected_columns))
        return "skip"

    try:
        table = pa_csv.read_csv(
            io.BytesIO(data),
            read_options=pa_csv.ReadOptions(use_threads=False, column_names=None),
            parse_options=pa_csv.ParseOptions(
                delimiter=delimiter,
                newlines_in_values=True,
                ignore_empty_lines=False,
                invalid_row_handler=on_bad_row,
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(_csv_header(first_line, delimiter), pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as exc:
        raise LinkageInputError(
            _("%(file)s is not a CSV file that can be read (%(reason)s).")
            % {"file": name, "reason": str(exc).split(":")[0]}
        ) from None
    if bad_rows:
        row, found, expected = bad_rows[0]
        raise LinkageInputError(
            _("%(file)s row %(row)d has %(found)d fields where the header has %(expected)d.")
            % {"file": name, "row": row, "found": found, "expected": expected}
        )
    if max_rows is not None and table.num_rows > max_rows:
        _too_many_rows(name, max_rows)
    header = table.column_names
    positional = table.rename_columns([str(i) for i in range(len(header))])
    return _standardise_headers(positional, header, mapping or {}, name)


def _csv_header(first_line: str, delimiter: str) -> list[str]:
    import csv

    return next(csv.reader([first_line], delimiter=delimiter))


def _too_many_rows(name: str, limit: int) -> None:
    raise LinkageInputError(
        _(
            "%(file)s has more than %(limit)d rows; split it (for example by township) "
            "or raise the limit with --max-rows."
        )
        % {"file": name, "limit": limit}
    )


def records_from_frame(
    frame: pd.DataFrame, *, mapping: Mapping[str, str] | None = None, name: str = "input"
) -> Records:
    """Take an in-memory table (for example from the app's import) through the same checks."""
    header = [str(c) for c in frame.columns]
    columns = {}
    for i, column in enumerate(frame.columns):
        values = frame[column]
        text = (
            values.astype(object)
            .where(values.notna(), None)
            .map(lambda v: v if v is None or isinstance(v, str) else str(v))
        )
        columns[str(i)] = pa.array(text.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    return _standardise_headers(pa.table(columns), header, mapping or {}, name)


def _standardise_headers(
    table: pa.Table, header: Sequence[str], mapping: Mapping[str, str], name: str
) -> Records:
    by_key = {_header_key(h): str(i) for i, h in reversed(list(enumerate(header)))}
    chosen: dict[str, str] = {}
    for standard, wanted in mapping.items():
        position = by_key.get(_header_key(wanted))
        if position is None:
            raise LinkageInputError(
                _("%(file)s has no column “%(column)s” (asked for by --map %(standard)s=...).")
                % {"file": name, "column": wanted, "standard": standard}
            )
        chosen[standard] = position
    for key, position in by_key.items():
        standard = key if key in KNOWN_COLUMNS else HEADER_ALIASES.get(key)
        if standard and standard not in chosen and position not in chosen.values():
            chosen[standard] = position
    # Blank lines are dropped, but every message keeps naming rows as the file numbers them.
    cleaned = {position: _clean_text(table.column(position)) for position in table.column_names}
    rows = np.arange(table.num_rows) + 2
    if cleaned:
        blank = pc.is_null(next(iter(cleaned.values())))
        for column in cleaned.values():
            blank = pc.and_(blank, pc.is_null(column))
        keep = pc.invert(blank)
        cleaned = {position: column.filter(keep) for position, column in cleaned.items()}
        rows = rows[keep.to_numpy(zero_copy_only=False)]
    if len(rows) == 0:
        raise LinkageInputError(_("%(file)s has a header but no rows.") % {"file": name})
    if not [c for c in chosen if c != "record_id"]:
        raise LinkageInputError(
            _(
                "%(file)s has no usable column. Name the columns %(known)s, or map yours with "
                "--map, e.g. --map family_name=surname,given_name=first."
            )
            % {"file": name, "known": ", ".join(STANDARD_COLUMNS)}
        )
    columns = {
        standard: cleaned[chosen[standard]] for standard in KNOWN_COLUMNS if standard in chosen
    }
    notes: list[str] = []
    if "record_id" in columns:
        _check_record_ids(columns["record_id"], rows, name)
    else:
        # Without ids, a record is known by its row number, as a spreadsheet shows it.
        columns = {"record_id": pa.array([str(r) for r in rows], pa.string()), **columns}
        notes.append(
            _("%(file)s has no record_id column; rows are identified by their row number.")
            % {"file": name}
        )
    if not any(columns[c].null_count < len(rows) for c in columns if c != "record_id"):
        raise LinkageInputError(_("%(file)s has no values in any usable column.") % {"file": name})
    return Records(name=name, table=pa.table(columns), notes=notes)


def _check_record_ids(ids: pa.ChunkedArray, rows: np.ndarray, name: str) -> None:
    if ids.null_count:
        first = pc.index(pc.is_null(ids), True).as_py()
        raise LinkageInputError(
            _("%(file)s row %(row)d: record_id is empty.") % {"file": name, "row": rows[first]}
        )
    counts = pc.value_counts(ids)
    repeated = pc.filter(counts.field("values"), pc.greater(counts.field("counts"), 1))
    if len(repeated):
        same = np.flatnonzero(pc.equal(ids, repeated[0]).to_numpy(zero_copy_only=False))[:2]
        raise LinkageInputError(
            _("%(file)s rows %(first)d and %(second)d have the same record_id “%(id)s”.")
            % {
                "file": name,
                "first": int(rows[same[0]]),
                "second": int(rows[same[1]]),
                "id": repeated[0].as_py(),
            }
        )


def _clean_text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """NFKC (full-width １２３ and Ａ become plain), trimmed, empty as null."""
    text = pc.utf8_trim_whitespace(pc.utf8_normalize(column.cast(pa.string()), form="NFKC"))
    return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)


# --------------------------------------------------------------------------------------------
# Standardising into comparison keys


def _per_distinct(
    column: pa.ChunkedArray,
    function: Callable[[str], tuple[Any, ...]],
    types: Sequence[pa.DataType],
) -> list[pa.Array]:
    """Apply `function` once per distinct value and spread its outputs back over the rows."""
    encoded = pc.dictionary_encode(column.combine_chunks() if column.num_chunks else column)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    results = [function(value) for value in encoded.dictionary.to_pylist()]
    return [
        pa.array([r[i] for r in results], type=kind).take(encoded.indices)
        for i, kind in enumerate(types)
    ]


def _nulls(n: int) -> pa.ChunkedArray:
    return pa.chunked_array([pa.nulls(n, pa.string())])


def _name_parts(text: str) -> tuple[Any, ...]:
    sylls = syllables(text)
    raw = fold(text) or None
    if not sylls:
        return raw, None, None, None, None, None, 0, 0, None
    key = "".join(sylls)
    skel = "".join(skeleton(s) for s in sylls)
    # The nickname prefix 小 (xiao) is dropped for the nickname key, and reduplication
    # (明明) collapses, so 小明, 明明 and 明 share a key.
    core = sylls[1:] if sylls[0] == "xiao" and len(sylls) > 1 else sylls
    nick = core[0] if len(set(core)) == 1 else "".join(core)
    is_nick = 1 if sylls[0] == "xiao" and len(sylls) > 1 else 0
    # A name that may be the short form of a longer one (小军, 军, 军军 -> jun), for blocking.
    alias = core[0] if len(set(core)) == 1 else None
    return raw, key, skel, core[0], sylls[-1], nick, is_nick, len(sylls), alias


def split_full_name(text: str) -> tuple[Any, ...]:
    """A whole name as (family name, given name), either None when it cannot be told."""
    compact = re.sub(r"\s+", "", text)
    if has_chinese(compact):
        cut = 2 if compact[:2] in COMPOUND_SURNAMES and len(compact) > 2 else 1
        return compact[:cut], compact[cut:] or None
    parts = text.split()
    if len(parts) == 1:
        return None, parts[0]
    # Latin and Cyrillic full names are usually written family name first on Chinese forms;
    # the swapped-names comparison level covers the other order.
    return parts[0], " ".join(parts[1:])


def _parse_date(text: str) -> tuple[Any, ...]:
    """(text key, days since 1970, year, month, day) of a written date, read by
    `core.dates.date_parts`, in the years 1900-2100; a day the month lacks (31 April) keeps its
    text key and parts, so a typo can still be compared digit by digit, and has no days."""
    parts = date_parts(text)
    if parts is None or not 1900 <= parts.year <= 2100:
        return None, None, None, None, None
    day = parts.date()
    days = None if day is None else day.toordinal() - _EPOCH
    return parts.key, days, parts.year, parts.month, parts.day


def _sex(text: str) -> tuple[Any, ...]:
    return (_SEX_VALUES.get(text.casefold()),)


def _village(text: str) -> tuple[Any, ...]:
    name = text
    if has_chinese(name):
        for marker in ("镇", "乡"):  # "东坪镇上坝村" -> "上坝村": the township is not the village
            _, sep, tail = name.rpartition(marker)
            if sep and tail:
                name = tail
        name = _VILLAGE_GROUP.sub("", name) or name
        for suffix in _VILLAGE_SUFFIXES:
            if name.endswith(suffix) and len(name) > len(suffix):
                name = name[: -len(suffix)]
                break
    else:
        name = _VILLAGE_LATIN_WORDS.sub(" ", name.casefold())
    sylls = syllables(name)
    return ("".join(sylls) or None), (fold(name) or None)


def _address(text: str) -> tuple[Any, ...]:
    return (" ".join(re.sub(r"[^\w]+", " ", text.casefold()).split()) or None,)


def _postcode(text: str) -> tuple[Any, ...]:
    return (re.sub(r"[^0-9A-Za-z]", "", text).upper() or None,)


PREPARED_COLUMNS = (
    "unique_id",
    "fam_raw",
    "fam_py",
    "fam_sk",
    "giv_raw",
    "giv_py",
    "giv_sk",
    "giv_first",
    "giv_last",
    "giv_nick",
    "giv_xiao",
    "giv_nsyl",
    "giv_alias",
    "name_key",
    "full_py",
    "sex",
    "dob_str",
    "dob_days",
    "dob_y",
    "dob_m",
    "dob_d",
    "id_clean",
    "id_ok",
    "vil_key",
    "vil_raw",
    "phone",
    "gname_py",
    "addr",
    "postcode",
)


_NAME_TYPES = (pa.string(),) * 6 + (pa.int8(), pa.int8(), pa.string())
_DATE_TYPES = (pa.string(), pa.int32(), pa.int16(), pa.int16(), pa.int16())


def prepare(records: Records) -> pa.Table:
    """Compute the comparison keys for every row; columns are PREPARED_COLUMNS."""
    src = records.table
    n = src.num_rows

    def column(name: str) -> pa.ChunkedArray:
        return src.column(name) if name in src.column_names else _nulls(n)

    out: dict[str, Any] = {"unique_id": column("record_id")}
    family, given = column("family_name"), column("given_name")
    if "full_name" in src.column_names:
        split_family, split_given = _per_distinct(
            column("full_name"), split_full_name, (pa.string(), pa.string())
        )
        family, given = pc.coalesce(family, split_family), pc.coalesce(given, split_given)
    fam = _per_distinct(family, _name_parts, _NAME_TYPES)
    giv = _per_distinct(given, _name_parts, _NAME_TYPES)
    out["fam_raw"], out["fam_py"], out["fam_sk"] = fam[0], fam[1], fam[2]
    for i, key in enumerate(
        ("giv_raw", "giv_py", "giv_sk", "giv_first", "giv_last", "giv_nick", "giv_xiao",
         "giv_nsyl", "giv_alias")
    ):  # fmt: skip
        out[key] = giv[i]
    # Either order of family and given name gives the same key, so swapped names still meet.
    a, b = fam[1], giv[1]
    out["name_key"] = pc.if_else(
        pc.less_equal(a, b),
        pc.binary_join_element_wise(a, b, "|"),
        pc.binary_join_element_wise(b, a, "|"),
    )
    # The full name in pinyin, whose frequency tells a common name (王子涵) from a rare one.
    out["full_py"] = pc.binary_join_element_wise(a, b, "")

    ids = _id_numbers(column("id_number"))
    dob = _per_distinct(column("date_of_birth"), _parse_date, _DATE_TYPES)
    # A valid ID number (its check character verified) carries the official birth date in
    # digits 7-14: it replaces a missing written date, and a written date less than a year
    # away from it (a lunar date, a slipped year or day, a typo). A date further away is kept:
    # the number may be a parent's.
    near = pc.less_equal(pc.abs(pc.subtract(dob[1].cast(pa.int64()), ids["born"][1])), 366)
    use_id = pc.and_(
        pc.is_valid(ids["born"][1]), pc.or_(pc.is_null(dob[0]), pc.fill_null(near, False))
    )
    names = ("dob_str", "dob_days", "dob_y", "dob_m", "dob_d")
    for i, key in enumerate(names):
        out[key] = pc.if_else(use_id, ids["born"][i].cast(_DATE_TYPES[i]), dob[i])
    sex = _per_distinct(column("sex"), _sex, (pa.string(),))[0]
    out["sex"] = pc.coalesce(sex, ids["sex"])
    out["id_clean"], out["id_ok"] = ids["id_clean"], ids["id_ok"]

    out["vil_key"], out["vil_raw"] = _per_distinct(
        column("village"), _village, (pa.string(), pa.string())
    )
    out["phone"] = _phones(column("guardian_phone"))
    out["gname_py"] = _per_distinct(column("guardian_name"), _name_parts, _NAME_TYPES)[1]
    out["addr"] = _per_distinct(column("address"), _address, (pa.string(),))[0]
    out["postcode"] = _per_distinct(column("postcode"), _postcode, (pa.string(),))[0]
    return pa.table({key: out[key] for key in PREPARED_COLUMNS})


def _id_numbers(column: pa.ChunkedArray) -> dict[str, Any]:
    """Clean and check resident ID numbers, vectorised: a roster holds a million distinct ones.

    Gives per row: the cleaned number, its check (1 if the MOD 11-2 check character and the
    embedded birth date are right, else 0) and, when right, the birth date and sex it carries.
    """
    cleaned = pc.utf8_upper(pc.replace_substring_regex(column, r"[\s\-]", ""))
    cleaned = pc.if_else(pc.equal(cleaned, ""), pa.scalar(None, pa.string()), cleaned)
    encoded = pc.dictionary_encode(cleaned.combine_chunks())
    values = encoded.dictionary
    n = len(values)
    ok = np.zeros(n, dtype=np.int8)
    born: list[list[Any]] = [[None] * n for _ in range(5)]
    sex: list[Any] = [None] * n
    shaped = np.flatnonzero(
        pc.match_substring_regex(values, r"^[0-9]{17}[0-9X]$").to_numpy(zero_copy_only=False)
    )
    if len(shaped):
        text = pc.take(values, pa.array(shaped)).to_pylist()
        block = np.frombuffer("".join(text).encode("ascii"), dtype=np.uint8).reshape(-1, 18)
        digits = block[:, :17].astype(np.int64) - 48
        expected = np.frombuffer(_ID_CHECK.encode("ascii"), dtype=np.uint8)[
            (digits @ np.array(_ID_WEIGHTS)) % 11
        ]
        for position in np.flatnonzero(expected == block[:, 17]):
            parsed = _parse_date(text[position][6:14])
            if parsed[1] is None:
                continue
            row = shaped[position]
            ok[row] = 1
            for i in range(5):
                born[i][row] = parsed[i]
            sex[row] = "M" if digits[position, 16] % 2 == 1 else "F"
    indices = encoded.indices
    return {
        "id_clean": cleaned.combine_chunks(),
        "id_ok": pa.array(ok, pa.int8()).take(indices),
        "born": [pa.array(born[i], _DATE_TYPES[i]).take(indices) for i in range(5)],
        "sex": pa.array(sex, pa.string()).take(indices),
    }


def _phones(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Digits only, without the +86 / 0086 country code, at most the last 11; under 7 is null."""
    digits = pc.replace_substring_regex(column, r"\D", "")
    digits = pc.replace_substring_regex(digits, r"^0086|^86(\d{11})$", r"\1")
    digits = pc.utf8_slice_codeunits(digits, start=-11)
    return pc.if_else(pc.less(pc.utf8_length(digits), 7), pa.scalar(None, pa.string()), digits)


def unreadable_dates(records: Records) -> tuple[int, int | None]:
    """How many birth dates could not be read, and the row of the first (header is row 1)."""
    if "date_of_birth" not in records.table.column_names:
        return 0, None
    column = records.table.column("date_of_birth")
    parsed = _per_distinct(column, _parse_date, _DATE_TYPES)[0]
    bad = np.flatnonzero(
        pc.and_(pc.is_valid(column), pc.is_null(parsed)).to_numpy(zero_copy_only=False)
    )
    return len(bad), (int(bad[0]) + 2 if len(bad) else None)
