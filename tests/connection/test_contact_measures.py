"""Days since contact and contacts against the plan, on hand-built histories.

Contacts are aware moments; days are counted in calendar days of settings.TIME_ZONE
(Asia/Shanghai in the tests), whatever zone the parent called from."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from kinlink.connection.measures import (
    ContactRecord,
    VisitRecord,
    contacts_in_window,
    days_since,
    last_contact_day,
    local_day,
    parent_contact,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC
MOTHER = 1
ON = dt.date(2024, 6, 30)


def at(y, m, d, h=12, mi=0, zone=SHANGHAI) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=zone)


def test_a_call_late_in_the_evening_in_london_is_the_next_morning_at_home():
    # 23:30 in London on 1 June (BST, UTC+1) is 06:30 on 2 June in Shanghai.
    call = at(2024, 6, 1, 23, 30, zone=LONDON)
    assert local_day(call, SHANGHAI) == dt.date(2024, 6, 2)
    assert last_contact_day([ContactRecord(MOTHER, call)], [], on=ON, zone=SHANGHAI) == dt.date(
        2024, 6, 2
    )


def test_a_call_at_utc_midnight_counts_on_the_local_day_not_the_utc_day():
    # 2024-06-29 17:00 UTC is 2024-06-30 01:00 in Shanghai: contact "today", not yesterday.
    call = dt.datetime(2024, 6, 29, 17, 0, tzinfo=UTC)
    last = last_contact_day([ContactRecord(MOTHER, call)], [], on=ON, zone=SHANGHAI)
    assert days_since(last, ON) == 0


def test_days_since_last_contact_counts_calendar_days_not_24_hour_periods():
    # 23:59 on the 28th to any time on the 30th is two days, even though it is under 48 hours.
    call = at(2024, 6, 28, 23, 59)
    assert (
        days_since(last_contact_day([ContactRecord(MOTHER, call)], [], on=ON, zone=SHANGHAI), ON)
        == 2
    )


def test_no_contact_ever_gives_no_day_rather_than_zero():
    assert last_contact_day([], [], on=ON, zone=SHANGHAI) is None
    assert days_since(None, ON) is None


def test_contacts_after_the_day_evaluated_are_ignored_so_the_clock_can_move_back():
    calls = [ContactRecord(MOTHER, at(2024, 6, 1)), ContactRecord(MOTHER, at(2024, 7, 15))]
    assert last_contact_day(calls, [], on=ON, zone=SHANGHAI) == dt.date(2024, 6, 1)
    assert contacts_in_window(calls, [], on=ON, days=30, zone=SHANGHAI) == 1


def test_naive_times_are_refused():
    with pytest.raises(ValueError, match="aware"):
        local_day(dt.datetime(2024, 6, 1, 12, 0), SHANGHAI)


def test_the_30_day_window_is_the_day_and_the_29_before_it():
    first_in = at(2024, 6, 1, 0, 5)  # 30 June minus 29 days
    just_out = at(2024, 5, 31, 23, 55)
    calls = [ContactRecord(MOTHER, first_in), ContactRecord(MOTHER, just_out)]
    assert contacts_in_window(calls, [], on=ON, days=30, zone=SHANGHAI) == 1
    assert contacts_in_window(calls, [], on=ON, days=90, zone=SHANGHAI) == 2


def test_a_visit_is_contact_on_every_one_of_its_days_and_counts_once_in_a_window():
    visit = VisitRecord(MOTHER, dt.date(2024, 5, 20), dt.date(2024, 6, 5))
    assert last_contact_day([], [visit], on=ON, zone=SHANGHAI) == dt.date(2024, 6, 5)
    assert contacts_in_window([], [visit], on=ON, days=30, zone=SHANGHAI) == 1
    ongoing = VisitRecord(MOTHER, dt.date(2024, 6, 25), None)
    assert last_contact_day([], [ongoing], on=ON, zone=SHANGHAI) == ON


def test_a_parent_against_the_plan_over_30_and_90_days():
    # Weekly calls for the last 13 weeks, plan of 8 a month.
    calls = [ContactRecord(MOTHER, at(2024, 6, 29) - dt.timedelta(weeks=k)) for k in range(13)]
    measure = parent_contact(MOTHER, calls, [], plan_per_30=8, on=ON, zone=SHANGHAI)
    assert measure.days_since_last == 1
    assert measure.last_30 == 5  # 29 June, 22, 15, 8, 1
    assert measure.last_90 == 13
    assert measure.expected_30 == 8 and measure.expected_90 == 24
    assert measure.share_of_plan_30() == pytest.approx(5 / 8)


def test_without_a_plan_there_is_no_share_of_plan():
    measure = parent_contact(MOTHER, [], [], plan_per_30=None, on=ON, zone=SHANGHAI)
    assert measure.share_of_plan_30() is None and measure.expected_90 is None
