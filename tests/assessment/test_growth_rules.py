"""The WHO rules of domain.md section 7, one at a time: 5-19 year interpolation, the 731-day
length/height switch, oedema, plausibility limits, cut-offs, day 0 and the 60-month boundary."""

from __future__ import annotations

import math

import pytest

from kinlink.assessment.growth import tables
from kinlink.assessment.growth.tables import LMS
from kinlink.assessment.growth.zscores import (
    DAYS_PER_MONTH,
    GrowthInputError,
    Measure,
    Standard,
    compute,
    zscore,
    zscore_restricted,
)


def months(m: float) -> float:
    return m * DAYS_PER_MONTH


def measure_at(lms: LMS, z: float, *, restricted: bool) -> float:
    """The measurement that sits at z, inverting WHO's formula (and its restricted tails)."""

    def sd(k: float) -> float:
        return lms.m * (1 + lms.l * lms.s * k) ** (1 / lms.l)

    if restricted and z > 3:
        return sd(3) + (z - 3) * (sd(3) - sd(2))
    if restricted and z < -3:
        return sd(-3) + (z + 3) * (sd(-2) - sd(-3))
    return sd(z)


# --- 5 to 19 years: WHO's anthroplus worked examples (domain.md section 7) -----------------


@pytest.mark.parametrize(
    ("age_months", "height", "weight", "waz", "baz", "haz", "rounded"),
    [
        (60.32, 113.8, 18.7, 0.212, -0.575, 0.959, (0.21, -0.58, 0.96)),
        (60.911701, 113.6, 20.5, 0.795, 0.418, 0.848, (0.79, 0.42, 0.85)),
    ],
)
def test_anthroplus_examples_match_to_three_decimals_with_interpolated_months(
    age_months, height, weight, waz, baz, haz, rounded
):
    # WHO's anthroplus tests give both 3-decimal values and its 2-decimal output.
    bmi = weight / (height / 100) ** 2
    assert round(zscore_restricted(weight, tables.at_month("wfa", "F", age_months)), 3) == waz
    assert round(zscore_restricted(bmi, tables.at_month("bmifa", "F", age_months)), 3) == baz
    assert round(zscore(height, tables.at_month("lfa", "F", age_months)), 3) == haz

    result = compute("F", months(age_months), weight, height, Measure.STANDING)
    assert result.standard is Standard.WHO_2007
    assert (result.wfa_z, result.bmi_z, result.hfa_z) == rounded
    assert result.wfh_z is None


def test_months_are_not_rounded_after_five_years():
    # 60.32 and 60.49 months share a whole month; unrounded months must give different scores.
    early = compute("F", months(60.32), 18.7, 113.8)
    later = compute("F", months(60.49), 18.7, 113.8)
    assert later.hfa_z < early.hfa_z


@pytest.mark.parametrize(
    ("sex", "bmi", "expected"), [("M", 25.4, 1), ("F", 25.0, 1), ("M", 29.7, 2), ("F", 29.7, 2)]
)
def test_at_19_years_the_adult_bmi_cut_offs_sit_near_plus_one_and_two_sd(sex, bmi, expected):
    height = 170.0
    result = compute(sex, months(228), bmi * (height / 100) ** 2, height)
    assert abs(result.bmi_z - expected) <= 0.02


# --- Length below 731 days, height from 731 days --------------------------------------------


def test_standing_before_731_days_adds_0_7_cm_and_uses_weight_for_length():
    result = compute("M", 730, 12.0, 85.0, Measure.STANDING)
    assert result.height_cm == pytest.approx(85.7)
    expected = zscore_restricted(12.0, tables.at_height("wfl", "M", 85.7))
    assert result.wfh_z == round(expected, 2)
    assert result.hfa_z == round(zscore(85.7, tables.by_day("lfa", "M")[730]), 2)


def test_lying_from_731_days_subtracts_0_7_cm_and_uses_weight_for_height():
    result = compute("M", 731, 12.0, 85.0, Measure.LYING)
    assert result.height_cm == pytest.approx(84.3)
    expected = zscore_restricted(12.0, tables.at_height("wfh", "M", 84.3))
    assert result.wfh_z == round(expected, 2)
    assert result.bmi == pytest.approx(12.0 / 0.843**2)  # BMI from the corrected height


@pytest.mark.parametrize(
    ("day", "measure"), [(730, Measure.LYING), (731, Measure.STANDING), (731, None), (100, None)]
)
def test_a_measure_that_fits_the_age_is_not_corrected(day, measure):
    assert compute("F", day, 10.0, 80.0, measure).height_cm == 80.0


def test_weight_for_length_and_height_change_tables_at_731_days():
    length = compute("F", 730, 11.0, 84.0)  # lying, as expected at this age
    height = compute("F", 731, 11.0, 84.0)  # standing, as expected at this age
    assert length.wfh_z == round(zscore_restricted(11.0, tables.at_height("wfl", "F", 84.0)), 2)
    assert height.wfh_z == round(zscore_restricted(11.0, tables.at_height("wfh", "F", 84.0)), 2)
    assert length.wfh_z != height.wfh_z


@pytest.mark.parametrize(
    ("day", "height", "scored"),
    [
        (10, 44.9, False),
        (10, 45.0, True),
        (700, 110.0, True),
        (700, 110.1, False),
        (800, 64.9, False),
        (800, 65.0, True),
        (1800, 120.0, True),
        (1800, 120.1, False),
    ],
)
def test_weight_for_length_covers_45_to_110_cm_and_for_height_65_to_120(day, height, scored):
    assert (compute("M", day, 10.0, height).wfh_z is not None) is scored


def test_weight_for_length_interpolates_between_tenth_of_a_cm_rows():
    table = tables.by_tenth_cm("wfl", "F")
    between = tables.at_height("wfl", "F", 84.85)
    assert between.m == pytest.approx((table[848].m + table[849].m) / 2)
    assert between.s == pytest.approx((table[848].s + table[849].s) / 2)
    assert tables.at_height("wfl", "F", 84.8) == table[848]  # no drift from 84.79999...


# --- Day 0 and the 60-month boundary ---------------------------------------------------------


def test_day_0_is_scored_from_the_birth_row():
    # WHO 2006, boys at birth: length L 1, M 49.8842, S 0.03795; weight L 0.3487, M 3.3464,
    # S 0.14602.
    result = compute("M", 0, 3.3, 49.9, Measure.LYING)
    assert result.standard is Standard.WHO_2006
    assert result.hfa_z == round((49.9 / 49.8842 - 1) / 0.03795, 2) == 0.01
    assert result.wfa_z == round(((3.3 / 3.3464) ** 0.3487 - 1) / (0.3487 * 0.14602), 2) == -0.1
    assert result.wfh_z is not None and result.bmi_z is not None


def test_the_last_day_under_60_months_uses_the_0_5_standard():
    result = compute("M", 1826, 18.0, 110.0, Measure.STANDING)  # 59.99 months
    assert result.standard is Standard.WHO_2006
    assert result.hfa_z == round(zscore(110.0, tables.by_day("lfa", "M")[1826]), 2)
    assert result.wfh_z is not None


def test_from_60_months_the_2007_reference_applies_from_its_month_60_row():
    result = compute("M", 1827, 18.0, 110.0, Measure.STANDING)  # 60.02 months
    assert result.standard is Standard.WHO_2007
    assert result.wfh_z is None
    # Month 60 (domain.md): L 1, M 109.7265, S 0.04156; month 61 (WHO 2007): M 110.2647,
    # S 0.04164. Interpolated at 1827 / 30.4375 months.
    fraction = 1827 / 30.4375 - 60
    m = 109.7265 + fraction * (110.2647 - 109.7265)
    s = 0.04156 + fraction * (0.04164 - 0.04156)
    assert result.hfa_z == round((110.0 / m - 1) / s, 2)


def test_exactly_60_months_uses_the_month_60_row():
    for name, sex in (("lfa", "F"), ("bmifa", "F"), ("wfa", "M")):
        assert tables.at_month(name, sex, 60.0) == tables.by_month(name, sex)[60]
    assert tables.by_month("lfa", "F")[60] == LMS(1.0, 109.0725, 0.04346)
    assert tables.by_month("bmifa", "M")[60] == LMS(-0.7151, 15.2679, 0.08366)


@pytest.mark.parametrize(
    ("age_months", "has_wfa", "has_hfa"),
    [(120.9, True, True), (121.0, False, True), (228.9, False, True), (229.0, False, False)],
)
def test_weight_for_age_stops_at_121_months_and_everything_at_229(age_months, has_wfa, has_hfa):
    result = compute("F", months(age_months), 30.0, 150.0)
    assert (result.wfa_z is not None) is has_wfa
    assert (result.hfa_z is not None) is has_hfa
    assert (result.bmi_z is not None) is has_hfa


# --- Oedema -----------------------------------------------------------------------------------


def test_oedema_withholds_weight_based_scores_and_counts_as_severe_wasting():
    result = compute("F", 400, 8.0, 75.0, Measure.LYING, oedema=True)
    assert (result.wfa_z, result.wfh_z, result.bmi_z) == (None, None, None)
    assert result.hfa_z is not None
    assert result.wasting is True and result.severe_wasting is True
    assert result.underweight is None and result.overweight is None


def test_oedema_after_five_years_withholds_weight_for_age_and_bmi():
    result = compute("M", months(80), 20.0, 118.0, oedema=True)
    assert (result.wfa_z, result.bmi_z) == (None, None)
    assert result.hfa_z is not None
    assert result.thinness is None


# --- Restricted tails: weight-based only ------------------------------------------------------


def test_weight_beyond_3_sd_is_measured_in_units_of_the_2_to_3_sd_gap():
    lms = tables.by_day("wfa", "F")[365]
    heavy = measure_at(lms, 4.0, restricted=True)
    light = measure_at(lms, -4.0, restricted=True)
    assert round(zscore(heavy, lms), 2) != 4.0  # the plain LMS formula bends the tail
    assert round(zscore(light, lms), 2) != -4.0
    assert compute("F", 365, heavy, None).wfa_z == 4.0
    assert compute("F", 365, light, None).wfa_z == -4.0


def test_height_for_age_is_never_restricted():
    lms = tables.by_day("lfa", "F")[365]
    short = lms.m * (1 - 4 * lms.s)
    # (With L = 1, as in every length/height table, the two formulas happen to agree; the
    # reference survey's 8 height-for-age scores beyond -3 SD are checked there as well.)
    assert compute("F", 365, None, short).hfa_z == -4.0


def test_a_box_cox_power_of_zero_uses_the_log_formula():
    lms = LMS(0.0, 10.0, 0.1)
    assert zscore(11.0, lms) == pytest.approx(math.log(1.1) / 0.1)
    far = 10.0 * math.exp(0.1 * 3) + (10.0 * math.exp(0.3) - 10.0 * math.exp(0.2))
    assert zscore_restricted(far, lms) == pytest.approx(4.0)


# --- Plausibility limits (shown, not classified) ----------------------------------------------


@pytest.mark.parametrize(
    ("indicator", "z", "implausible"),
    [
        ("hfa", -6.0, False),
        ("hfa", -6.01, True),
        ("hfa", 6.01, True),
        ("wfa", -6.0, False),
        ("wfa", -6.01, True),
        ("wfa", 5.0, False),
        ("wfa", 5.01, True),
        ("wfh", 5.0, False),
        ("wfh", -5.01, True),
        ("bmi", -5.0, False),
        ("bmi", 5.01, True),
    ],
)
def test_implausible_limits_follow_who(indicator, z, implausible):
    day, sex, height = 500, "M", 78.0
    if indicator == "hfa":
        result = compute(
            sex, day, None, measure_at(tables.by_day("lfa", sex)[day], z, restricted=False)
        )
    elif indicator == "wfa":
        result = compute(
            sex, day, measure_at(tables.by_day("wfa", sex)[day], z, restricted=True), None
        )
    elif indicator == "wfh":
        lms = tables.at_height("wfl", sex, height)
        result = compute(sex, day, measure_at(lms, z, restricted=True), height)
    else:
        bmi = measure_at(tables.by_day("bmifa", sex)[day], z, restricted=True)
        result = compute(sex, day, bmi * (height / 100) ** 2, height)
    assert getattr(result, f"{indicator}_z") == z
    assert getattr(result, f"{indicator}_implausible") is implausible


def test_an_implausible_score_is_shown_but_classifies_nothing():
    lms = tables.by_day("lfa", "M")[365]
    result = compute("M", 365, None, lms.m * (1 - 7 * lms.s))
    assert result.hfa_z == -7.0 and result.hfa_implausible is True
    assert result.stunting is None and result.severe_stunting is None


# --- Cut-offs ---------------------------------------------------------------------------------


def test_under_five_cut_offs():
    lms = tables.by_day("lfa", "F")[900]
    assert compute("F", 900, None, lms.m * (1 - 2.01 * lms.s)).stunting is True
    assert compute("F", 900, None, lms.m * (1 - 2.0 * lms.s)).stunting is False
    assert compute("F", 900, None, lms.m * (1 - 3.01 * lms.s)).severe_stunting is True
    wfh = tables.at_height("wfh", "F", 88.0)
    fat = compute("F", 900, measure_at(wfh, 2.5, restricted=True), 88.0)
    assert (fat.overweight, fat.obesity, fat.wasting, fat.thinness) == (True, False, False, None)
    thin = compute("F", 900, measure_at(wfh, -3.2, restricted=True), 88.0)
    assert (thin.wasting, thin.severe_wasting) == (True, True)


def test_five_to_nineteen_cut_offs_use_bmi_for_thinness_overweight_and_obesity():
    age = 150.0
    lms = tables.at_month("bmifa", "M", age)

    def at(z: float):
        return compute("M", months(age), measure_at(lms, z, restricted=True) * 1.5**2, 150.0)

    assert (at(-2.1).thinness, at(-1.9).thinness) == (True, False)
    assert (at(1.1).overweight, at(0.9).overweight, at(1.1).obesity) == (True, False, False)
    assert at(2.1).obesity is True
    assert at(-3.5).wasting is None  # no weight-for-height reference after five years
    assert at(0).underweight is None  # no weight-for-age after 10 years


# --- Bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"sex": "X"}, "sex"),
        ({"age_days": -1}, "age_days"),
        ({"weight_kg": 0.0}, "weight_kg"),
        ({"height_cm": -80.0}, "height_cm"),
        ({"weight_kg": math.nan}, "weight_kg"),
    ],
)
def test_impossible_input_names_the_field(kwargs, field):
    arguments = {"sex": "F", "age_days": 300, "weight_kg": 8.0, "height_cm": 70.0} | kwargs
    with pytest.raises(GrowthInputError) as caught:
        compute(**arguments)
    assert caught.value.field == field


def test_past_19_years_nothing_is_scored():
    result = compute("F", months(230), 55.0, 160.0)
    assert result.standard is None
    assert (result.hfa_z, result.wfa_z, result.wfh_z, result.bmi_z) == (None, None, None, None)
    assert result.overweight is None
