"""WHO growth z-scores and nutrition flags for one measurement (domain.md section 7).

Under 5 years (age in days / 30.4375 < 60 months) the WHO Child Growth Standards 2006 apply, by
whole day; from 5 to 19 years the WHO 2007 Reference, by month with L, M and S interpolated
between whole months. Every score is rounded to 2 decimals at the end, and cut-offs and
plausibility limits are applied to the rounded score, as WHO's own software does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from kinlink.assessment.growth import tables
from kinlink.assessment.growth.tables import LMS, Sex

DAYS_PER_MONTH = 30.4375
# Below this age a child is measured lying (length), from it standing (height).
LENGTH_UNTIL_DAYS = 731
MEASURE_CORRECTION_CM = 0.7
UNDER_FIVE_MONTHS = 60  # exclusive: WHO 2006 while months < 60
WFA_MONTHS_BELOW = 121  # WHO 2007 weight-for-age stops at 10 years
REFERENCE_MONTHS_BELOW = 229  # WHO 2007 stops at 19 years
WFL_RANGE_CM = (45.0, 110.0)
WFH_RANGE_CM = (65.0, 120.0)

# Implausible (shown, excluded from statistics): WHO's flags.
HFA_LIMIT = 6.0
WFA_LOW, WFA_HIGH = -6.0, 5.0
WFH_LIMIT = BMI_LIMIT = 5.0


class Measure(StrEnum):
    LYING = "lying"
    STANDING = "standing"


class Standard(StrEnum):
    WHO_2006 = "WHO 2006"  # Child Growth Standards, 0-5 years
    WHO_2007 = "WHO 2007"  # Growth Reference, 5-19 years


class GrowthInputError(ValueError):
    """A measurement that cannot be scored; `field` names the offending input."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class GrowthResult:
    """Z-scores and flags for one measurement; None wherever WHO gives no value."""

    sex: Sex
    age_days: float
    age_months: float
    oedema: bool
    standard: Standard | None
    height_cm: float | None  # length/height after the lying/standing correction
    bmi: float | None  # from the corrected length/height
    hfa_z: float | None
    wfa_z: float | None
    wfh_z: float | None  # weight-for-length below 731 days, weight-for-height from 731 days
    bmi_z: float | None
    hfa_implausible: bool | None
    wfa_implausible: bool | None
    wfh_implausible: bool | None
    bmi_implausible: bool | None
    stunting: bool | None
    severe_stunting: bool | None
    wasting: bool | None
    severe_wasting: bool | None
    underweight: bool | None
    severe_underweight: bool | None
    thinness: bool | None
    overweight: bool | None
    obesity: bool | None


@dataclass(frozen=True, slots=True)
class Scores:
    """The four rounded z-scores, before cut-offs."""

    hfa_z: float | None
    wfa_z: float | None
    wfh_z: float | None
    bmi_z: float | None


def compute(
    sex: Sex,
    age_days: float,
    weight_kg: float | None = None,
    height_cm: float | None = None,
    measure: Measure | None = None,
    oedema: bool = False,
) -> GrowthResult:
    """Score one measurement of a child aged `age_days` (whole days; a fraction is kept for
    the months of 5-19 year olds). `measure` None means "as expected for the age"."""
    if sex not in ("M", "F"):
        raise GrowthInputError("sex", "sex must be M or F")
    if not math.isfinite(age_days) or age_days < 0:
        raise GrowthInputError("age_days", "age must be zero or more days")
    for field, value in (("weight_kg", weight_kg), ("height_cm", height_cm)):
        if value is not None and not (math.isfinite(value) and value > 0):
            raise GrowthInputError(field, f"{field} must be a positive number")

    months = age_days / DAYS_PER_MONTH
    height = corrected_height(height_cm, measure, age_days)
    bmi = None if weight_kg is None or height is None else weight_kg / (height / 100) ** 2
    if months < UNDER_FIVE_MONTHS:
        standard: Standard | None = Standard.WHO_2006
        scores = who2006_scores(sex, _whole_days(age_days), weight_kg, height, oedema)
    elif months < REFERENCE_MONTHS_BELOW:
        standard = Standard.WHO_2007
        scores = who2007_scores(sex, months, weight_kg, height, oedema)
    else:
        standard = None
        scores = Scores(None, None, None, None)

    hfa_bad = _outside(scores.hfa_z, -HFA_LIMIT, HFA_LIMIT)
    wfa_bad = _outside(scores.wfa_z, WFA_LOW, WFA_HIGH)
    wfh_bad = _outside(scores.wfh_z, -WFH_LIMIT, WFH_LIMIT)
    bmi_bad = _outside(scores.bmi_z, -BMI_LIMIT, BMI_LIMIT)
    hfa = _plausible(scores.hfa_z, hfa_bad)
    wfa = _plausible(scores.wfa_z, wfa_bad)
    wfh = _plausible(scores.wfh_z, wfh_bad)
    bmi_z = _plausible(scores.bmi_z, bmi_bad)

    under_five = standard is Standard.WHO_2006
    # Bilateral pitting oedema is severe acute malnutrition whatever the weight says.
    wasting, severe_wasting = _below(wfh, -2), _below(wfh, -3)
    if oedema and standard is not None:
        wasting = severe_wasting = True
    fatness = wfh if under_five else bmi_z
    over, obese = (2, 3) if under_five else (1, 2)
    return GrowthResult(
        sex=sex,
        age_days=age_days,
        age_months=months,
        oedema=oedema,
        standard=standard,
        height_cm=height,
        bmi=bmi,
        hfa_z=scores.hfa_z,
        wfa_z=scores.wfa_z,
        wfh_z=scores.wfh_z,
        bmi_z=scores.bmi_z,
        hfa_implausible=hfa_bad,
        wfa_implausible=wfa_bad,
        wfh_implausible=wfh_bad,
        bmi_implausible=bmi_bad,
        stunting=_below(hfa, -2),
        severe_stunting=_below(hfa, -3),
        wasting=wasting,
        severe_wasting=severe_wasting,
        underweight=_below(wfa, -2),
        severe_underweight=_below(wfa, -3),
        thinness=None if under_five else _below(bmi_z, -2),
        overweight=None if standard is None else _above(fatness, over),
        obesity=None if standard is None else _above(fatness, obese),
    )


def corrected_height(
    height_cm: float | None, measure: Measure | None, age_days: float
) -> float | None:
    """Return length below 731 days and height from 731 days: +0.7 cm for a child measured
    standing too young, -0.7 cm for one measured lying when old enough to stand."""
    if height_cm is None:
        return None
    if measure is Measure.STANDING and age_days < LENGTH_UNTIL_DAYS:
        return height_cm + MEASURE_CORRECTION_CM
    if measure is Measure.LYING and age_days >= LENGTH_UNTIL_DAYS:
        return height_cm - MEASURE_CORRECTION_CM
    return height_cm


def who2006_scores(
    sex: Sex, day: int, weight_kg: float | None, height_cm: float | None, oedema: bool
) -> Scores:
    """Score against the WHO Child Growth Standards by whole day (0-1856), `height_cm` already
    corrected. compute() uses this below 60 months only; the tables themselves reach 1856 days,
    which older WHO Anthro releases (and its reference survey output) also used."""
    if not 0 <= day <= 1856:
        return Scores(None, None, None, None)
    weight = None if oedema else weight_kg
    bmi = None if weight is None or height_cm is None else weight / (height_cm / 100) ** 2
    return Scores(
        hfa_z=_score(height_cm, tables.by_day("lfa", sex)[day], restricted=False),
        wfa_z=_score(weight, tables.by_day("wfa", sex)[day], restricted=True),
        wfh_z=_score(weight, _weight_for_height_lms(sex, day, height_cm), restricted=True),
        bmi_z=_score(bmi, tables.by_day("bmifa", sex)[day], restricted=True),
    )


def who2007_scores(
    sex: Sex, months: float, weight_kg: float | None, height_cm: float | None, oedema: bool
) -> Scores:
    """Score against the WHO 2007 Reference at an unrounded age in months (60 to below 229),
    `height_cm` already corrected."""
    if not UNDER_FIVE_MONTHS <= months < REFERENCE_MONTHS_BELOW:
        return Scores(None, None, None, None)
    weight = None if oedema else weight_kg
    bmi = None if weight is None or height_cm is None else weight / (height_cm / 100) ** 2
    wfa_z = None
    if months < WFA_MONTHS_BELOW:
        wfa_z = _score(weight, tables.at_month("wfa", sex, months), restricted=True)
    return Scores(
        hfa_z=_score(height_cm, tables.at_month("lfa", sex, months), restricted=False),
        wfa_z=wfa_z,
        wfh_z=None,
        bmi_z=_score(bmi, tables.at_month("bmifa", sex, months), restricted=True),
    )


def zscore(y: float, lms: LMS) -> float:
    """Return WHO's LMS z-score, unrounded: ((y/M)^L - 1)/(L*S), or ln(y/M)/S when L = 0."""
    if lms.l == 0:
        return math.log(y / lms.m) / lms.s
    return ((y / lms.m) ** lms.l - 1) / (lms.l * lms.s)


def zscore_restricted(y: float, lms: LMS) -> float:
    """Return the z-score with WHO's restricted tails beyond +/-3 SD (weight-based indicators):
    outside +/-3 the distance is measured in units of the 2-to-3 SD gap at that point."""
    z = zscore(y, lms)
    if z > 3:
        sd3, sd2 = _sd(lms, 3), _sd(lms, 2)
        return 3 + (y - sd3) / (sd3 - sd2)
    if z < -3:
        sd3, sd2 = _sd(lms, -3), _sd(lms, -2)
        return -3 + (y - sd3) / (sd2 - sd3)
    return z


def _sd(lms: LMS, k: int) -> float:
    if lms.l == 0:
        return lms.m * math.exp(lms.s * k)
    return lms.m * (1 + lms.l * lms.s * k) ** (1 / lms.l)


def _score(y: float | None, lms: LMS | None, *, restricted: bool) -> float | None:
    if y is None or lms is None:
        return None
    z = zscore_restricted(y, lms) if restricted else zscore(y, lms)
    return round(z, 2)


def _weight_for_height_lms(sex: Sex, day: int, height_cm: float | None) -> LMS | None:
    if height_cm is None:
        return None
    name, (low, high) = ("wfl", WFL_RANGE_CM) if day < LENGTH_UNTIL_DAYS else ("wfh", WFH_RANGE_CM)
    if not low <= height_cm <= high:
        return None
    return tables.at_height(name, sex, height_cm)


def _whole_days(age_days: float) -> int:
    # WHO Anthro rounds a fractional age half up to whole days.
    return math.floor(age_days + 0.5)


def _outside(z: float | None, low: float, high: float) -> bool | None:
    return None if z is None else not low <= z <= high


def _plausible(z: float | None, implausible: bool | None) -> float | None:
    # An implausible score is shown but classifies nothing: it is most likely a data error.
    return None if implausible else z


def _below(z: float | None, cut: float) -> bool | None:
    return None if z is None else z < cut


def _above(z: float | None, cut: float) -> bool | None:
    return None if z is None else z > cut
