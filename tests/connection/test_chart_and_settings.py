"""The remittance chart's geometry, and settings that fail loudly when wrong."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from kinlink.connection import conf
from kinlink.connection.chart import bar_chart, nice_ceiling
from kinlink.connection.measures import MonthAmount


def test_the_scale_rounds_up_to_a_readable_number():
    assert [nice_ceiling(v) for v in (0, 7, 130, 2400, 2600, 9000)] == [
        1,
        10,
        200,
        2500,
        5000,
        10000,
    ]


def test_bars_are_proportional_and_inside_the_plot():
    months = [MonthAmount(dt.date(2024, m, 1), Decimal(500 * m)) for m in range(1, 13)]
    chart = bar_chart(months, Decimal("3250"), "CNY")
    heights = [bar.height for bar in chart.bars]
    assert heights == sorted(heights) and heights[0] * 12 == pytest.approx(heights[-1], rel=0.02)
    assert all(
        chart.plot_left <= bar.x and bar.x + bar.width <= chart.plot_right for bar in chart.bars
    )
    assert chart.bars[-1].y >= 0 and chart.average_y is not None
    assert "6,000.00 CNY" in chart.bars[-1].title


def test_an_empty_year_draws_no_bars_and_no_average():
    months = [MonthAmount(dt.date(2024, m, 1), Decimal(0)) for m in range(1, 13)]
    chart = bar_chart(months, Decimal(0), "CNY")
    assert all(bar.height == 0 for bar in chart.bars) and chart.average_y is None


@pytest.mark.parametrize(
    ("name", "value", "reader"),
    [
        ("KINLINK_HOME_CURRENCY", "yuan", conf.home_currency),
        ("KINLINK_NO_CONTACT_DAYS", 0, conf.no_contact_days),
        ("KINLINK_CONTACT_PLAN_SHARE", "1.5", conf.plan_share),
        ("KINLINK_BULK_WORK_MEM", "lots", conf.bulk_work_mem),
    ],
)
def test_a_bad_setting_fails_loudly(name, value, reader):
    with override_settings(**{name: value}), pytest.raises(ImproperlyConfigured, match=name):
        reader()
