"""Averages, regularity, trend and months since the last remittance, on hand-built histories
with empty months and several currencies."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kinlink.connection.currency import NoExchangeRate, RateTable
from kinlink.connection.measures import (
    RemittanceRecord,
    Trend,
    coefficient_of_variation,
    least_squares_slope,
    months_before,
    months_since,
    remittance_summary,
    trend_of,
)

D = Decimal
BAND = D("0.2")
ON = dt.date(2025, 1, 10)  # the 12 complete months before are January to December 2024
CNY = RateTable("CNY")


def cny(y, m, d, amount) -> RemittanceRecord:
    return RemittanceRecord(dt.date(y, m, d), D(amount), "CNY")


def test_the_months_measured_are_the_complete_months_before_the_current_one():
    months = months_before(ON, 12)
    assert months[0] == dt.date(2024, 1, 1) and months[-1] == dt.date(2024, 12, 1)
    assert len(months_before(dt.date(2025, 3, 31), 3)) == 3
    assert months_before(dt.date(2025, 3, 31), 3)[0] == dt.date(2024, 12, 1)


def test_months_without_a_remittance_count_as_zero_in_the_averages():
    # 3,000 in December only: the 3-month average is 1,000, the 12-month 250.
    summary = remittance_summary([cny(2024, 12, 5, "3000")], CNY, on=ON, band=BAND)
    assert summary.average_3 == D("1000.00")
    assert summary.average_6 == D("500.00")
    assert summary.average_12 == D("250.00")
    assert summary.months_with_remittance_12 == 1
    assert summary.regularity_12 == D("0.08")


def test_a_remittance_in_the_current_month_does_not_count_until_the_month_is_over():
    summary = remittance_summary([cny(2025, 1, 3, "900")], CNY, on=ON, band=BAND)
    assert summary.average_3 == 0
    assert summary.months_since_last == 0
    assert summary.last_received_on == dt.date(2025, 1, 3)


def test_two_remittances_in_one_month_add_up():
    records = [cny(2024, 12, 1, "500"), cny(2024, 12, 20, "700")]
    summary = remittance_summary(records, CNY, on=ON, band=BAND)
    assert summary.months[-1].amount == D("1200")


def test_amounts_in_several_currencies_use_the_latest_rate_on_or_before_each_day():
    rates = RateTable(
        "CNY",
        [
            ("USD", dt.date(2024, 1, 1), D("7.10")),
            ("USD", dt.date(2024, 7, 1), D("7.25")),
            ("EUR", dt.date(2024, 1, 1), D("7.80")),
        ],
    )
    records = [
        RemittanceRecord(dt.date(2024, 6, 30), D("100"), "USD"),  # the January rate
        RemittanceRecord(dt.date(2024, 7, 1), D("100"), "USD"),  # the July rate, that day
        RemittanceRecord(dt.date(2024, 7, 15), D("50.50"), "EUR"),
        cny(2024, 7, 20, "100"),
    ]
    summary = remittance_summary(records, rates, on=ON, band=BAND)
    by_month = {m.month: m.amount for m in summary.months}
    assert by_month[dt.date(2024, 6, 1)] == D("710.00")
    assert by_month[dt.date(2024, 7, 1)] == D("725.00") + D("393.90") + D("100")


def test_an_amount_with_no_rate_on_or_before_its_day_is_a_clear_error():
    rates = RateTable("CNY", [("USD", dt.date(2024, 7, 1), D("7.25"))])
    with pytest.raises(NoExchangeRate) as caught:
        remittance_summary(
            [RemittanceRecord(dt.date(2024, 6, 30), D("100"), "USD")], rates, on=ON, band=BAND
        )
    assert "USD" in str(caught.value) and "2024-06-30" in str(caught.value)
    assert "CNY" in str(caught.value)


def test_a_regular_monthly_remittance_is_stable_with_no_variation():
    records = [cny(2024, m, 10, "1500") for m in range(1, 13)]
    summary = remittance_summary(records, CNY, on=ON, band=BAND)
    assert summary.months_with_remittance_12 == 12 and summary.regularity_12 == 1
    assert summary.coefficient_of_variation_12 == 0
    assert summary.trend_12 == Trend.STABLE
    assert summary.slope_12 == pytest.approx(0)


def test_every_other_month_has_a_coefficient_of_variation_of_one():
    # 0, 2000, 0, 2000...: mean 1000, standard deviation 1000.
    records = [cny(2024, m, 10, "2000") for m in range(2, 13, 2)]
    summary = remittance_summary(records, CNY, on=ON, band=BAND)
    assert summary.regularity_12 == D("0.50")
    assert summary.coefficient_of_variation_12 == pytest.approx(1.0)


def test_sending_less_each_month_is_a_falling_trend_and_more_is_rising():
    falling = [cny(2024, m, 10, str(2400 - 150 * m)) for m in range(1, 13)]
    summary = remittance_summary(falling, CNY, on=ON, band=BAND)
    assert summary.trend_12 == Trend.FALLING
    assert summary.slope_12 == pytest.approx(-150)
    rising = [cny(2024, m, 10, str(600 + 150 * m)) for m in range(1, 13)]
    assert remittance_summary(rising, CNY, on=ON, band=BAND).trend_12 == Trend.RISING


def test_stopping_halfway_through_the_year_is_falling():
    records = [cny(2024, m, 10, "1000") for m in range(1, 7)]
    summary = remittance_summary(records, CNY, on=ON, band=BAND)
    assert summary.trend_12 == Trend.FALLING
    assert summary.months_since_last == 7  # 10 June 2024 to 10 January 2025


def test_small_wobbles_stay_stable():
    values = [D(v) for v in (1000, 1100, 950, 1000, 1050, 980, 1000, 1020, 990, 1000, 1040, 1010)]
    trend, change = trend_of(values, band=BAND)
    assert trend == Trend.STABLE and abs(change) < 0.2


def test_no_remittances_at_all_has_no_trend_and_no_variation():
    summary = remittance_summary([], CNY, on=ON, band=BAND)
    assert summary.trend_12 == Trend.NONE
    assert summary.coefficient_of_variation_12 is None
    assert summary.months_since_last is None and summary.average_12 == 0


def test_the_slope_is_the_ordinary_least_squares_slope():
    assert least_squares_slope([D(1), D(3), D(5)]) == pytest.approx(2)
    assert least_squares_slope([D(7)]) == 0
    assert coefficient_of_variation([D(0), D(0)]) is None


def test_months_since_counts_whole_months():
    assert months_since(dt.date(2024, 10, 31), dt.date(2025, 1, 30)) == 2
    assert months_since(dt.date(2024, 10, 31), dt.date(2025, 1, 31)) == 3
