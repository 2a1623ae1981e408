"""Read a survey CSV in WHO Anthro's layout, score each row, and write it back with z-scores.

Input columns (names case-insensitive): `id`, `sex` (M/F, 1/2), `age_days` or
`date_of_birth` + `measured_on` (YYYY-MM-DD), `weight_kg`, `height_cm`, `measure`
(lying/standing, l/h), `oedema` (y/n, 1/2). Other columns are carried through unchanged.

A row that cannot be scored keeps its place in the output with empty scores and an `error`
cell naming each bad column; the file as a whole is refused only when it cannot be read or
lacks a required column. Messages name rows and columns, never a child's values.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TextIO

from django.utils.translation import gettext as _

from kinlink.assessment.growth.zscores import GrowthInputError, GrowthResult, Measure, compute

SCORE_COLUMNS = ("hfa_z", "wfa_z", "wfh_z", "bmi_z")
FLAG_COLUMNS = (
    "stunting",
    "severe_stunting",
    "wasting",
    "severe_wasting",
    "underweight",
    "severe_underweight",
    "thinness",
    "overweight",
    "obesity",
    "hfa_implausible",
    "wfa_implausible",
    "wfh_implausible",
    "bmi_implausible",
)
OUTPUT_COLUMNS = (*SCORE_COLUMNS, *FLAG_COLUMNS, "error")

_SEX = {"m": "M", "male": "M", "1": "M", "f": "F", "female": "F", "2": "F"}
_MEASURE = {
    "l": Measure.LYING,
    "lying": Measure.LYING,
    "h": Measure.STANDING,
    "standing": Measure.STANDING,
}
# WHO Anthro codes oedema 1 = yes, 2 = no; an empty cell means no oedema, as in WHO Anthro.
_OEDEMA = {"y": True, "yes": True, "1": True, "n": False, "no": False, "2": False, "": False}


class SurveyFileError(Exception):
    """The file as a whole cannot be used; nothing is written."""


@dataclass(frozen=True, slots=True)
class CellError:
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.column}: {self.message}"


@dataclass(slots=True)
class SurveyRow:
    """One data row: `number` is the row as a spreadsheet shows it (the header is row 1)."""

    number: int
    cells: list[str]
    result: GrowthResult | None = None
    errors: list[CellError] = field(default_factory=list)


@dataclass(slots=True)
class Survey:
    header: list[str]
    rows: list[SurveyRow]

    @property
    def results(self) -> list[GrowthResult]:
        return [row.result for row in self.rows if row.result is not None]

    @property
    def bad_rows(self) -> list[SurveyRow]:
        return [row for row in self.rows if row.errors]


def read_survey(stream: TextIO) -> Survey:
    """Parse and score every row of a survey CSV."""
    reader = csv.reader(stream)
    try:
        header = next(reader, None)
        if header is None:
            raise SurveyFileError(_("The file is empty."))
        columns = {name.strip().lower(): i for i, name in enumerate(header)}
        _check_columns(columns)
        rows = []
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            row = SurveyRow(number=reader.line_num, cells=cells)
            _score_row(row, columns, len(header))
            rows.append(row)
    except UnicodeDecodeError as exc:
        raise SurveyFileError(_("The file is not UTF-8 text.")) from exc
    except csv.Error as exc:
        raise SurveyFileError(
            _("Row %(row)d is not valid CSV.") % {"row": reader.line_num}
        ) from exc
    return Survey(header=header, rows=rows)


def write_survey(stream: TextIO, survey: Survey) -> None:
    """Write every input row with the score, flag and error columns appended (replacing any of
    those columns already present, so a scored file can be scored again)."""
    replaced = {i for i, name in enumerate(survey.header) if name.strip().lower() in OUTPUT_COLUMNS}
    keep = [i for i in range(len(survey.header)) if i not in replaced]
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow([survey.header[i] for i in keep] + list(OUTPUT_COLUMNS))
    for row in survey.rows:
        cells = row.cells + [""] * (len(survey.header) - len(row.cells))
        writer.writerow([cells[i] for i in keep if i < len(cells)] + _output_cells(row))


def _check_columns(columns: dict[str, int]) -> None:
    missing = [name for name in ("sex",) if name not in columns]
    if "age_days" not in columns and not {"date_of_birth", "measured_on"} <= columns.keys():
        missing.append("age_days")
    if not {"weight_kg", "height_cm"} & columns.keys():
        missing.append("weight_kg")
    if missing:
        raise SurveyFileError(
            _(
                "Missing column(s): %(columns)s. Expected id, sex, age_days (or date_of_birth "
                "and measured_on), weight_kg, height_cm, measure, oedema."
            )
            % {"columns": ", ".join(missing)}
        )


def _score_row(row: SurveyRow, columns: dict[str, int], width: int) -> None:
    if len(row.cells) > width:
        row.errors.append(CellError(_("(row)"), _("more cells than the header has columns")))
        return

    def cell(name: str) -> str:
        i = columns.get(name)
        return row.cells[i].strip() if i is not None and i < len(row.cells) else ""

    errors = row.errors
    sex = _SEX.get(cell("sex").lower())
    if sex is None:
        errors.append(CellError("sex", _("expected M or F (or 1 for boys, 2 for girls)")))
    age_days = _age_days(cell, errors)
    weight = _positive_number("weight_kg", cell("weight_kg"), errors)
    height = _positive_number("height_cm", cell("height_cm"), errors)
    measure_text = cell("measure").lower()
    measure = _MEASURE.get(measure_text)
    if measure_text and measure is None:
        errors.append(CellError("measure", _("expected lying or standing (l or h)")))
    oedema = _OEDEMA.get(cell("oedema").lower())
    if oedema is None:
        errors.append(CellError("oedema", _("expected y or n")))
    if errors or sex is None or age_days is None or oedema is None:
        return
    try:
        row.result = compute(sex, age_days, weight, height, measure, oedema)
    except GrowthInputError as exc:
        errors.append(CellError(exc.field, exc.message))


def _age_days(cell: Callable[[str], str], errors: list[CellError]) -> float | None:
    text = cell("age_days")
    if text:
        try:
            days = float(text)
        except ValueError:
            days = math.nan
        if not (math.isfinite(days) and days >= 0):
            errors.append(CellError("age_days", _("expected a number of days, 0 or more")))
            return None
        return days
    born, measured = cell("date_of_birth"), cell("measured_on")
    if not born and not measured:
        errors.append(CellError("age_days", _("no age: give age_days or both dates")))
        return None
    born_on = _date("date_of_birth", born, errors)
    measured_on = _date("measured_on", measured, errors)
    if born_on is None or measured_on is None:
        return None
    if measured_on < born_on:
        errors.append(CellError("measured_on", _("before the date of birth")))
        return None
    return float((measured_on - born_on).days)


def _date(column: str, text: str, errors: list[CellError]) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        errors.append(CellError(column, _("expected a date as YYYY-MM-DD")))
        return None


def _positive_number(column: str, text: str, errors: list[CellError]) -> float | None:
    if not text:
        return None  # not measured
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        errors.append(CellError(column, _("expected a positive number")))
        return None
    return value


def _output_cells(row: SurveyRow) -> list[str]:
    if row.result is None:
        return [""] * (len(OUTPUT_COLUMNS) - 1) + ["; ".join(str(e) for e in row.errors)]
    r = row.result
    scores = [_z(getattr(r, name)) for name in SCORE_COLUMNS]
    flags = [_flag(getattr(r, name)) for name in FLAG_COLUMNS]
    return [*scores, *flags, ""]


def _z(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _flag(value: bool | None) -> str:
    return "" if value is None else str(int(value))


def rows_listing(rows: Iterable[SurveyRow]) -> str:
    """Name each bad row and its bad columns, one per line, without the values."""
    return "\n".join(
        _("row %(row)d: %(problems)s")
        % {"row": row.number, "problems": "; ".join(str(e) for e in row.errors)}
        for row in rows
    )
