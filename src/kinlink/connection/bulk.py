"""The measures of `measures.py`, set-based in PostgreSQL, for many children at once.

The page of one child uses the Python functions; lists, reports and the benchmark use these
queries, which compute the same definitions with GROUP BY and FILTER in one pass per table
instead of a loop per child. tests/connection/test_bulk_sql.py holds the two to the same
answers. PostgreSQL only (time-zone conversion and `age()`); callers check the vendor.

- `contact_measures`: per (child, parent) with a contact, a visit or a plan: the last local
  day of contact, days since, contacts in the last 30 and 90 days, the plan.
- `remittance_measures`: per household with a remittance up to the day: averages over 3, 6
  and 12 complete months (zeros included), months with a remittance, coefficient of
  variation, least-squares slope and trend, last day and whole months since, and whether a
  rate is missing (then the figures must not be used, as `NoExchangeRate` in Python).
- `latest_contacts`, `plan_windows`: what the contact alerts decide on, for a range of children.
- `remittance_months`, `remittance_records`: rows of many households at once, by id (how
  `selectors.remittance_months` and `selectors.remittances_by_household` read them here).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from django.db import NotSupportedError, connection, transaction

from kinlink.connection import conf

# Sums over x = 0..11 for the least-squares slope of 12 monthly values.
_SUM_X, _SUM_X2, _N = 66, 506, 12
_SLOPE_DENOMINATOR = _N * _SUM_X2 - _SUM_X**2  # 1716

# The local day boundaries are computed once as moments, so the 20 million rows are compared,
# not converted; only each pair's latest moment is turned into a local day.
CONTACT_SQL = """
WITH bounds AS (
    SELECT ((%(on)s::date + 1)::timestamp AT TIME ZONE %(tz)s) AS day_after,
           ((%(on)s::date - 29)::timestamp AT TIME ZONE %(tz)s) AS from_30,
           ((%(on)s::date - 89)::timestamp AT TIME ZONE %(tz)s) AS from_90
),
event_pairs AS (
    SELECT e.child_id, e.parent_id,
           (max(e.happened_at) AT TIME ZONE %(tz)s)::date AS last_day,
           count(*) FILTER (WHERE e.happened_at >= b.from_30) AS last_30,
           count(*) FILTER (WHERE e.happened_at >= b.from_90) AS last_90
    FROM connection_contactevent e CROSS JOIN bounds b
    WHERE e.happened_at < b.day_after {child_filter_e}
    GROUP BY e.child_id, e.parent_id
),
visit_pairs AS (
    SELECT v.child_id, v.parent_id,
           max(LEAST(COALESCE(v.ended_on, %(on)s::date), %(on)s::date)) AS last_day,
           count(*) FILTER (WHERE COALESCE(v.ended_on, %(on)s::date) >= %(on)s::date - 29)
               AS last_30,
           count(*) FILTER (WHERE COALESCE(v.ended_on, %(on)s::date) >= %(on)s::date - 89)
               AS last_90
    FROM connection_visit v
    WHERE v.kind <> 'return' AND v.started_on <= %(on)s::date {child_filter_v}
    GROUP BY v.child_id, v.parent_id
),
extra_pairs AS (
    -- Visits and plans are few: fold them into the event pairs after the big aggregate.
    SELECT child_id, parent_id, max(last_day) AS last_day,
           sum(last_30) AS last_30, sum(last_90) AS last_90
    FROM (
        SELECT * FROM visit_pairs
        UNION ALL
        SELECT p.child_id, p.parent_id, NULL::date, 0::bigint, 0::bigint
        FROM connection_contactplan p WHERE TRUE {child_filter_p}
    ) AS u
    GROUP BY child_id, parent_id
),
pairs AS (
    SELECT COALESCE(e.child_id, x.child_id) AS child_id,
           COALESCE(e.parent_id, x.parent_id) AS parent_id,
           GREATEST(e.last_day, x.last_day) AS last_day,
           (COALESCE(e.last_30, 0) + COALESCE(x.last_30, 0))::int AS last_30,
           (COALESCE(e.last_90, 0) + COALESCE(x.last_90, 0))::int AS last_90
    FROM event_pairs e
    FULL JOIN extra_pairs x ON x.child_id = e.child_id AND x.parent_id = e.parent_id
)
SELECT pairs.child_id, pairs.parent_id, pairs.last_day,
       %(on)s::date - pairs.last_day AS days_since_last,
       pairs.last_30, pairs.last_90, plan.contacts_per_30_days AS plan_per_30
FROM pairs
LEFT JOIN connection_contactplan plan
       ON plan.child_id = pairs.child_id AND plan.parent_id = pairs.parent_id
"""

# One pass over the remittances grouped by household alone: each of the 12 months is a
# FILTERed sum, so no (household, month) groups are built; sums of squares and of x times
# the month give the variation and the least-squares slope. Amounts are summed as whole
# cents (bigint: exact, and the cheapest aggregate state), converted with the same
# half-up rounding to the cent as `currency.RateTable.convert`. The per-household steps are
# MATERIALIZED: inlined, PostgreSQL would repeat each sum in every expression using it.
_MONTHS = ",\n".join(f"           sum(r.cents) FILTER (WHERE r.x = {x}) AS m{x}" for x in range(12))
_M = [f"COALESCE(m{x}, 0)" for x in range(12)]  # cents
_S3 = " + ".join(_M[9:])
_S6 = " + ".join(_M[6:])
_S12 = " + ".join(_M)
_SQ = " + ".join(f"({m})::float8 ^ 2" for m in _M)  # only for the ratio: float is enough
_SXY = " + ".join(f"{x} * {m}" for x, m in enumerate(_M) if x)
_WITH = " + ".join(f"({m} > 0)::int" for m in _M)

REMITTANCE_SQL = f"""
WITH params AS (
    SELECT %(on)s::date AS on_day,
           date_trunc('month', %(on)s::date)::date AS this_month,
           (date_trunc('month', %(on)s::date) - interval '12 months')::date AS first_month
),
months AS (
    -- The 12 complete months, numbered 0 to 11: x comes from an equality join, once a row.
    SELECT (p.first_month + make_interval(months => k))::date AS month, k AS x
    FROM params p CROSS JOIN generate_series(0, 11) AS k
),
first_rates AS (
    SELECT currency, min("on") AS first_on
    FROM connection_exchangerate WHERE home_currency = %(home)s GROUP BY currency
),
currency_rates AS (
    -- One row per currency: the rate of each day of the 12 months (the latest on or before
    -- it) in an array of whole hundred-millionths, so a remittance finds its rate by
    -- subscript after joining one of a handful of rows.
    SELECT c.currency, c.first_on, p.first_month AS base_day,
           array_agg(
               ((SELECT r.rate FROM connection_exchangerate r
                  WHERE r.currency = c.currency AND r.home_currency = %(home)s
                        AND r."on" <= d::date
                  ORDER BY r."on" DESC LIMIT 1) * 100000000)::bigint
               ORDER BY d
           ) AS rates
    FROM first_rates c CROSS JOIN params p,
         generate_series(p.first_month, p.this_month, interval '1 day') AS d
    GROUP BY c.currency, c.first_on, p.first_month
),
remitted AS (
    SELECT r.household_id, r.received_on, m.x,
           r.currency <> %(home)s AND (cr.first_on IS NULL OR r.received_on < cr.first_on)
               AS missing_rate,
           CASE WHEN r.currency = %(home)s THEN (r.amount * 100)::bigint
                WHEN m.x IS NULL THEN NULL
                ELSE round(r.amount * cr.rates[r.received_on - cr.base_day + 1] / 1000000)::bigint
           END AS cents
    FROM connection_remittance r
    LEFT JOIN currency_rates cr ON cr.currency = r.currency
    LEFT JOIN months m ON m.month = date_trunc('month', r.received_on)::date
    WHERE r.received_on <= %(on)s::date {{household_filter}}
),
by_household AS MATERIALIZED (
    SELECT r.household_id, max(r.received_on) AS last_day,
           bool_or(r.missing_rate) AS missing_rate,
{_MONTHS}
    FROM remitted r GROUP BY r.household_id
),
sums AS MATERIALIZED (
    SELECT household_id, last_day, missing_rate,
           {_S3} AS s3,
           {_S6} AS s6,
           {_S12} AS s12,
           {_SQ} AS sq,
           {_SXY} AS sxy,
           {_WITH} AS months_with
    FROM by_household
),
measured AS MATERIALIZED (
    SELECT household_id, last_day, missing_rate,
           round(s3::numeric / 300, 2) AS average_3,
           round(s6::numeric / 600, 2) AS average_6,
           round(s12::numeric / 1200, 2) AS average_12,
           months_with::int AS months_with_remittance_12,
           CASE WHEN s12 = 0 THEN NULL
                ELSE sqrt(greatest(sq / 12 - (s12::float8 / 12) ^ 2, 0)) / (s12::float8 / 12)
           END AS coefficient_of_variation_12,
           (12 * sxy - {_SUM_X} * s12)::float8 / {_SLOPE_DENOMINATOR} / 100 AS slope_12,
           s12
    FROM sums
)
SELECT household_id, last_day, missing_rate, average_3, average_6, average_12,
       months_with_remittance_12, coefficient_of_variation_12, slope_12,
       CASE WHEN s12 = 0 THEN 'none'
            WHEN slope_12 * 11 / (s12::float8 / 1200) > %(band)s THEN 'rising'
            WHEN slope_12 * 11 / (s12::float8 / 1200) < -%(band)s THEN 'falling'
            ELSE 'stable' END AS trend_12,
       (extract(year FROM age(%(on)s::date, last_day)) * 12
        + extract(month FROM age(%(on)s::date, last_day)))::int AS months_since_last
FROM measured
"""  # noqa: S608


def _filter(column: str, ids: Sequence[int] | None) -> str:
    return f"AND {column} = ANY(%(ids)s)" if ids is not None else ""


def contact_measures_sql(child_ids: Sequence[int] | None = None) -> str:
    return CONTACT_SQL.format(
        child_filter_e=_filter("e.child_id", child_ids),
        child_filter_v=_filter("v.child_id", child_ids),
        child_filter_p=_filter("p.child_id", child_ids),
    )


def remittance_measures_sql(household_ids: Sequence[int] | None = None) -> str:
    return REMITTANCE_SQL.format(household_filter=_filter("r.household_id", household_ids))


def contact_params(on: dt.date, ids: Sequence[int] | None = None) -> dict[str, Any]:
    return {"on": on, "tz": str(conf.local_zone()), "ids": list(ids) if ids else None}


def remittance_params(on: dt.date, ids: Sequence[int] | None = None) -> dict[str, Any]:
    return {
        "on": on,
        "home": conf.home_currency(),
        "band": float(conf.trend_band()),
        "ids": list(ids) if ids else None,
    }


@contextmanager
def tuned() -> Iterator[None]:
    """A transaction in which these queries may use `KINLINK_BULK_WORK_MEM` (256MB) to
    aggregate a million groups in memory rather than spill them to disk, without JIT or
    parallel workers."""
    if connection.vendor != "postgresql":
        raise NotSupportedError("the set-based measures need PostgreSQL")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('work_mem', %s, true)", [conf.bulk_work_mem()])
        # These queries are cheaper than their estimates. JIT compiling the remittance pattern
        # query took 1.2 s before its first row in an EXPLAIN ANALYZE (1,000,000 children,
        # 2026-11-29), and parallel workers compete with the screening's own processes.
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        yield


def _rows(sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    with tuned(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c.name for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def contact_measures(on: dt.date, child_ids: Sequence[int] | None = None) -> list[dict[str, Any]]:
    """Contact measures per (child, parent), for the given children or all."""
    return _rows(contact_measures_sql(child_ids), contact_params(on, child_ids))


def remittance_measures(
    on: dt.date, household_ids: Sequence[int] | None = None
) -> list[dict[str, Any]]:
    """Remittance measures per household, for the given households or all."""
    return _rows(remittance_measures_sql(household_ids), remittance_params(on, household_ids))


# What the alerts need, for a range of children (the registry-wide screen) -------------------
#
# `alerts.alerts_for_children` asks these instead of bringing every contact and remittance of
# fifty thousand children into Python. Each returns only what the alert rules of `alerts.py`
# decide on; tests/connection/test_alerts_by_the_clock.py and test_alerts_of_many_children.py
# hold the two paths to the same alerts.

LATEST_CONTACT_SQL = """
SELECT e.child_id, e.parent_id, (max(e.happened_at) AT TIME ZONE %(tz)s)::date AS last_day
FROM connection_contactevent e
WHERE e.child_id BETWEEN %(low)s AND %(high)s
  AND e.happened_at < ((%(on)s::date + 1)::timestamp AT TIME ZONE %(tz)s)
GROUP BY e.child_id, e.parent_id
"""

# A plan is judged on each day of up to a year: "below" on day d when fewer than `needed`
# contacts fall in the 30 days up to d. The latest day before `on` that was not below is the
# latest d with `needed` contacts within 30 days up to it: for each contact, lag() finds the
# one `needed - 1` places back; if both lie within 30 days, every d from the later one to 29
# days after the earlier one is such a day. Contacts before the year (and its first window)
# cannot change the day an alert started: it starts no earlier than a year back. A plan with
# no contact in the year has no row (the caller counts none). Each plan's contacts are read
# by index (LATERAL): joining the plans to the contacts of the range by estimate, PostgreSQL
# once chose a nested loop over every pair of plan and contact, which took minutes for one
# chunk (1,000,000 children, 2026-11-29).
PLAN_WINDOW_SQL = """
WITH planned AS (
    SELECT p.child_id, p.parent_id,
           GREATEST(ceil(%(share)s * p.contacts_per_30_days)::int, 1) AS needed
    FROM connection_contactplan p
    WHERE p.child_id BETWEEN %(low)s AND %(high)s AND p.agreed_on + 29 <= %(on)s::date
),
days AS (
    SELECT p.child_id, p.parent_id, p.needed, (e.happened_at AT TIME ZONE %(tz)s)::date AS day
    FROM planned p
    CROSS JOIN LATERAL (
        SELECT x.happened_at FROM connection_contactevent x
        WHERE x.child_id = p.child_id AND x.parent_id = p.parent_id
          AND x.happened_at >= ((%(on)s::date - %(lookback)s)::timestamp AT TIME ZONE %(tz)s)
          AND x.happened_at < ((%(on)s::date + 1)::timestamp AT TIME ZONE %(tz)s)
        OFFSET 0
    ) AS e
),
lagged AS (
    SELECT child_id, parent_id, day,
           lag(day, needed - 1) OVER (PARTITION BY child_id, parent_id ORDER BY day) AS back
    FROM days
)
SELECT child_id, parent_id,
       count(*) FILTER (WHERE day >= %(on)s::date - 29) AS made,
       max(LEAST(back + 29, %(on)s::date - 1))
           FILTER (WHERE day < %(on)s::date AND day - back <= 29) AS last_enough
FROM lagged
GROUP BY child_id, parent_id
"""


def _fetch(sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    with tuned(), connection.cursor() as cursor:
        # A nested loop only where nothing else can do (LATERAL, read by index): a row estimate
        # far too low once made a nested loop over every pair of two large inputs, which took
        # minutes instead of half a second. (Not for the registry-wide measures above, whose
        # plans need them: their remittance query took twice as long without.)
        cursor.execute("SET LOCAL enable_nestloop = off")
        cursor.execute(sql, params)
        return cursor.fetchall()


def latest_contacts(low: int, high: int, on: dt.date) -> list[tuple[int, int, dt.date]]:
    """(child, parent, local day of the latest contact up to `on`) for children low..high."""
    return _fetch(
        LATEST_CONTACT_SQL, {"low": low, "high": high, "on": on, "tz": str(conf.local_zone())}
    )


def plan_windows(
    low: int, high: int, on: dt.date, *, lookback: int
) -> list[tuple[int, int, int, dt.date | None]]:
    """(child, parent, contacts in the 30 days up to `on`, the latest day before `on` with
    enough contacts in its 30 days) for each contact plan of children low..high that has
    covered a whole 30-day window and has a contact in the `lookback` days (a plan with none
    made no contact and has no row)."""
    params = {
        "low": low,
        "high": high,
        "on": on,
        "tz": str(conf.local_zone()),
        "share": conf.plan_share(),
        "lookback": lookback,
    }
    return _fetch(PLAN_WINDOW_SQL, params)


# Rows of many households at once, by id ---------------------------------------------------
#
# The registry-wide screen reads the remittances of some thirty thousand households a chunk.
# Their ids go as one array: as IN lists of 5,000 parameters, Django and the driver took most of
# the time (reading and parsing the months of one chunk's 30,816 households: 1.0 to 1.1 s, and
# 0.22 to 0.25 s with one array; 1,000,000 children, 2026-11-30).

REMITTANCE_MONTHS_SQL = """
SELECT household_id, last_on, monthly_cents::text FROM connection_remittancemonths
WHERE household_id = ANY(%(ids)s) AND home_currency = %(home)s
"""

# Here the ids are joined as a set (`unnest`) rather than tested with `= ANY(...)`: for 2,000
# households PostgreSQL estimated a fifth of a million remittances and scanned all twelve
# million (2.3 s); joined, each household is read through the index. (The months above have
# one row a household, which the estimate gets right.)
REMITTANCE_RECORDS_SQL = """
SELECT r.household_id, r.received_on, r.amount, r.currency
FROM unnest(%(ids)s::bigint[]) AS h(id)
JOIN connection_remittance r ON r.household_id = h.id
"""


def remittance_months(
    household_ids: Collection[int], home: str
) -> list[tuple[int, dt.date, list[int]]]:
    """(household, last remittance, cents per month newest first) of the households'
    `RemittanceMonths` in the home currency; the months are parsed as one JSON document."""
    with tuned(), connection.cursor() as cursor:
        cursor.execute(REMITTANCE_MONTHS_SQL, {"ids": list(household_ids), "home": home})
        rows = cursor.fetchall()
    months = json.loads("[" + ",".join(text for _h, _l, text in rows) + "]")
    return [(h, last, cents) for (h, last, _t), cents in zip(rows, months, strict=True)]


def remittance_records(household_ids: Collection[int]) -> list[tuple[int, dt.date, Decimal, str]]:
    """(household, received on, amount, currency) of every remittance of the households."""
    with tuned(), connection.cursor() as cursor:
        # Each id once: the join would read a household's remittances once per mention.
        cursor.execute(REMITTANCE_RECORDS_SQL, {"ids": sorted(set(household_ids))})
        return cursor.fetchall()
