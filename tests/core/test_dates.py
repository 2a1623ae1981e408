"""The one reader of written dates, shared by the importer and the linkage engine: the formats
clerks use, spreadsheet date-times and serial numbers, and days a month lacks kept as parts."""

from __future__ import annotations

import datetime as dt

import pytest

from kinlink.core.dates import DateParts, date_parts, parse_date
from kinlink.identification.linkage.prepare import _parse_date
from kinlink.identification.reading import parse_date as importer_parse_date


@pytest.mark.parametrize(
    "text",
    [
        "2015-03-02",
        " 2015/3/2 ",
        "2015.3.2",
        "2015 - 3 - 2",
        "2015年3月2日",
        "2015年03月02日",
        "20150302",
        "42065",  # an Excel serial number
        "42065.0",
        "2015-03-02 00:00:00",  # a date-time as a spreadsheet saves it
        "2015/3/2 0:00",
        "2015-03-02T10:30:00+08:00",
        "2015-03-02 10:30 AM",
    ],
)
def test_it_reads_the_ways_a_date_is_written(text):
    assert parse_date(text) == dt.date(2015, 3, 2)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "next spring",
        "123",
        "2015",  # a year alone, not the Excel serial of 7 July 1905
        "9999",
        "2015-13-02",
        "2015-03-32",
        "2015-03-02 lunar",  # only a time may follow the date
        "2015-03-02 3",
        "2015-03-02 25:00",
        "201503021",
        "99999",  # an Excel serial beyond 2100
    ],
)
def test_it_refuses_what_is_not_a_date(text):
    assert date_parts(text) is None
    assert parse_date(text) is None


def test_a_day_the_month_lacks_is_kept_as_parts_but_is_no_date():
    parts = date_parts("2015/4/31")
    assert parts == DateParts(2015, 4, 31) and parts.key == "20150431"
    assert parts.date() is None and parse_date("2015/4/31") is None


def test_the_importer_and_the_linkage_engine_read_dates_the_same_way():
    for text in ("2015/3/2", "2015年3月2日", "42065", "2015-03-02 00:00:00", "2015/2/30", "x"):
        day = importer_parse_date(text)
        key, days, *_ = _parse_date(text)
        assert (day is None) == (days is None), text
        if day is not None:
            assert days == (day - dt.date(1970, 1, 1)).days
            assert key == day.strftime("%Y%m%d")
    # A typo the engine still compares digit by digit.
    assert _parse_date("2015/2/30") == ("20150230", None, 2015, 2, 30)


def test_the_year_is_the_callers_to_judge():
    # The importer says why 1850 is wrong ("not a child's"); the engine ignores such years.
    assert parse_date("1850-03-02") == dt.date(1850, 3, 2)
    assert _parse_date("1850-03-02") == (None, None, None, None, None)
