"""Ages and periods in whole months and years, computed with dateutil rather than by hand; and
the one reader of dates as clerks write them in imported files (`date_parts`, `parse_date`),
shared by the identification app's importer and its linkage engine."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from dateutil import parser as dateutil_parser
from dateutil.relativedelta import relativedelta
from django.utils import timezone


def today() -> dt.date:
    return timezone.localdate()


def age_in_years(born: dt.date, on: dt.date | None = None) -> int:
    return relativedelta(on or today(), born).years


def months_between(start: dt.date, end: dt.date | None = None) -> int:
    delta = relativedelta(end or today(), start)
    return delta.years * 12 + delta.months


def age_band(years: int) -> str:
    """The MICS age groups: 0-4, 5-9, 10-14, 15-17."""
    if years < 5:
        return "0-4"
    if years < 10:
        return "5-9"
    if years < 15:
        return "10-14"
    return "15-17"


# Reading dates -----------------------------------------------------------------------------

# 2015-03-02, 2015/3/2, 2015.3.2, 2015年3月2日 (spaces allowed around the separators); 20150302.
_SEPARATED = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_EXCEL_SERIAL = re.compile(r"\d{5}(?:\.0+)?")
# Spreadsheets count days from 30 December 1899 (Excel's 1900 leap-year bug included). Only
# five-digit serials, 18 May 1927 to 2100, are read: a four-digit number is a year written
# alone ("2015", which as a serial would be 7 July 1905), not a date.
EXCEL_EPOCH = dt.date(1899, 12, 30)
EXCEL_SERIALS = (10000, 73050)
_NO_DATE = dt.datetime(2000, 1, 1)


@dataclass(frozen=True, slots=True)
class DateParts:
    """A date as written: year, month (1-12) and day (1-31), though the day need not exist in
    that month (31 April), so the linkage engine can still compare a typo digit by digit."""

    year: int
    month: int
    day: int

    def date(self) -> dt.date | None:
        """The calendar day, or None when the month has no such day."""
        try:
            return dt.date(self.year, self.month, self.day)
        except ValueError:
            return None

    @property
    def key(self) -> str:
        return f"{self.year:04d}{self.month:02d}{self.day:02d}"


def _is_time(rest: str) -> bool:
    """Whether what follows a date is a time of day alone ("00:00:00", "0:00", "T10:30Z")."""
    rest = rest.strip().removeprefix("T")
    if ":" not in rest:
        return False
    try:
        moment = dateutil_parser.parse(rest, default=_NO_DATE)
    except (ValueError, OverflowError):
        return False
    return moment.date() == _NO_DATE.date()  # the text carried no date of its own


def date_parts(text: str) -> DateParts | None:
    """Read 2015-03-02, 2015/3/2, 2015.3.2, 2015年3月2日 or 20150302, each optionally followed
    by a time (a spreadsheet's date-time: "2015/3/2 0:00"), or an Excel serial number (42065);
    None for anything else, for months outside 1-12 and days outside 1-31. The day is not
    checked against the month (see `DateParts`), nor is the year: a caller judges whether a
    year is plausible (the importer: a child's; the linkage engine: 1900-2100)."""
    text = text.strip()
    match = _SEPARATED.match(text) or _COMPACT.match(text)
    if match:
        rest = text[match.end() :]
        if rest and not _is_time(rest):
            return None
        year, month, day = (int(g) for g in match.groups())
        if 1 <= month <= 12 and 1 <= day <= 31:
            return DateParts(year, month, day)
        return None
    if _EXCEL_SERIAL.fullmatch(text):
        serial = int(float(text))
        if EXCEL_SERIALS[0] <= serial <= EXCEL_SERIALS[1]:
            day = EXCEL_EPOCH + dt.timedelta(days=serial)
            return DateParts(day.year, day.month, day.day)
    return None


def parse_date(text: str) -> dt.date | None:
    """The calendar day `text` names (see `date_parts`), or None when it names none."""
    parts = date_parts(text)
    return None if parts is None else parts.date()
