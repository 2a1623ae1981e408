"""The providers the assessment app ships: facts the registry and this app's own records hold.

Each factor has two ways in: `single` for one child (reading the registry's derived status, as
the child's page does) and `batch` for a chunk of children (a few set-based queries). Both reduce
the facts to the same small records and hand them to the same `*_verdict` function, so the two
paths cannot disagree about the rule; tests/assessment/test_screening_batch.py checks that they
agree about the facts.

Where the data are missing the answer is Unknown with what to collect, never "no risk": a parent
not recorded, no care arrangement, no functioning answers, no recent measurement, no assessment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext_noop as N_

from kinlink.assessment.screening.providers import Chunk, Known, Result, Unknown, register
from kinlink.core.dates import age_in_years
from kinlink.registry import derived
from kinlink.registry.models import Adult, CareArrangement, Child, Relationship

AWAY, HOME, DEAD = "away", "home", "dead"
BAD_FUNCTIONING = ("a_lot", "cannot")
DAYS_PER_MONTH = 30.4375


# Parents ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ParentFacts:
    """Each parent "away", "home", "dead", or None when the registry has no record of them;
    `since` is the earliest departure of a parent away now."""

    mother: str | None
    father: str | None
    since: dt.date | None


RECORD_BOTH = Unknown(
    N_("Record the child's mother and father in the registry: alive or not, and where they live.")
)
RECORD_MOTHER = Unknown(
    N_("Record the child's mother in the registry: alive or not, and where she lives.")
)
RECORD_FATHER = Unknown(
    N_("Record the child's father in the registry: alive or not, and where he lives.")
)
MOTHER_HOME = Known(False, N_("The mother lives at home."))
FATHER_HOME = Known(False, N_("The father lives at home."))
MOTHER_DEAD = Known(False, N_("The mother has died."))
MOTHER_AWAY = Known(True, N_("The mother is away from home."))
BOTH_DEAD = Known(False, N_("Both parents have died; no parent is away."))
NOBODY_AWAY = Known(False, N_("No parent is away."))


def record_missing(facts: ParentFacts) -> Unknown:
    if facts.mother is None and facts.father is None:
        return RECORD_BOTH
    return RECORD_MOTHER if facts.mother is None else RECORD_FATHER


ONE_AWAY_ONE_DEAD = Known(True, N_("One parent is away and the other has died."))


# Answers that carry a date or a number are made once per value: screening a whole registry
# then shares them between children (and encodes each once, see engine.BatchScorer).
@lru_cache(maxsize=50_000)
def _both_away(since: dt.date | None) -> Known:
    return Known(
        True,
        N_("Mother and father are both away; the first left on %(since)s."),
        {"since": since.isoformat() if since else "?"},
    )


def both_parents_away_verdict(facts: ParentFacts) -> Result:
    """No parent at home: both away, or one away and the other dead (the MCA narrow definition)."""
    states = (facts.mother, facts.father)
    if states == (AWAY, AWAY):
        return _both_away(facts.since)
    if AWAY in states and DEAD in states:
        return ONE_AWAY_ONE_DEAD
    if facts.mother == HOME:
        return MOTHER_HOME
    if facts.father == HOME:
        return FATHER_HOME
    if states == (DEAD, DEAD):
        return BOTH_DEAD
    return record_missing(facts)


def mother_away_verdict(facts: ParentFacts) -> Result:
    if facts.mother == AWAY:
        return MOTHER_AWAY
    if facts.mother == HOME:
        return MOTHER_HOME
    if facts.mother == DEAD:
        return MOTHER_DEAD
    return RECORD_MOTHER


def separation_cutoff(on: dt.date, months: int) -> dt.date:
    """A departure before this date is more than `months` months before `on`."""
    return on - relativedelta(months=months)


@lru_cache(maxsize=50_000)
def _separated(since: dt.date, months: int, over: bool) -> Known:
    params = {"since": since.isoformat(), "months": months}
    if over:
        return Known(
            True, N_("A parent has been away since %(since)s, over %(months)s months."), params
        )
    return Known(
        False, N_("A parent has been away since %(since)s, not over %(months)s months."), params
    )


def long_separation_verdict(facts: ParentFacts, cutoff: dt.date, months: int) -> Result:
    if AWAY in (facts.mother, facts.father) and facts.since is not None:
        return _separated(facts.since, months, facts.since < cutoff)
    if None in (facts.mother, facts.father):
        return record_missing(facts)
    return NOBODY_AWAY


def parent_facts(child: Child, on: dt.date) -> ParentFacts:
    away = derived.parents_away(child, on)
    recorded = set(
        Relationship.objects.filter(child=child, kind__in=Relationship.PARENT_KINDS).values_list(
            "kind", flat=True
        )
    )

    def state(kind: str, is_away: bool, deceased: bool) -> str | None:
        if kind not in recorded:
            return None
        return DEAD if deceased else AWAY if is_away else HOME

    return ParentFacts(
        mother=state(Relationship.Kind.MOTHER, away.mother_away, away.mother_deceased),
        father=state(Relationship.Kind.FATHER, away.father_away, away.father_deceased),
        since=away.since,
    )


def parent_rows_batch(chunk: Chunk) -> list[tuple[int, str, int]]:
    """(child, kind, adult) of every parent of the chunk's children: one query per chunk,
    shared by the providers that need the parents (and passed on to the connection alerts)."""

    def compute() -> list[tuple[int, str, int]]:
        return list(
            Relationship.objects.filter(
                child_id__gte=chunk.first,
                child_id__lte=chunk.last,
                kind__in=Relationship.PARENT_KINDS,
            )
            .values_list("child_id", "kind", "adult_id")
            .order_by()
        )

    return chunk.shared("parent_rows", compute)


def living_away_batch(chunk: Chunk) -> dict[int, dt.date]:
    """Each living adult away on the chunk's day, with the departure of the episode under way:
    read once per run, as `registry.derived.parents_away` decides it for one child."""

    return chunk.shared_by_run("living_away", lambda: derived.living_adults_away(chunk.on))


def parent_facts_batch(chunk: Chunk) -> dict[int, ParentFacts]:
    """The parents of the chunk's children: a living parent with a migration episode open on
    the day is away, since its departure (`living_away_batch`); any other is dead or home."""

    def compute() -> dict[int, ParentFacts]:
        away = living_away_batch(chunk)
        dead = chunk.shared_by_run("dead_adults", _dead_adults)
        found: dict[int, list[str | dt.date | None]] = {}
        for child_id, kind, adult_id in parent_rows_batch(chunk):
            # [mother, father, since]
            entry = found.setdefault(child_id, [None, None, None])
            slot = 0 if kind == Relationship.Kind.MOTHER else 1
            if adult_id in away:
                entry[slot] = AWAY
                since = away[adult_id]
                entry[2] = since if entry[2] is None or since < entry[2] else entry[2]
            elif adult_id in dead:
                entry[slot] = DEAD
            else:
                entry[slot] = HOME
        return {
            child_id: ParentFacts(mother, father, since)  # type: ignore[arg-type]
            for child_id, (mother, father, since) in found.items()
        }

    return chunk.shared("parents", compute)


def _dead_adults() -> set[int]:
    return set(Adult.objects.filter(is_alive=False).values_list("pk", flat=True))


NO_PARENTS = ParentFacts(None, None, None)


def both_parents_away(child: Child, on: dt.date, params: Mapping[str, Any]) -> Result:
    return both_parents_away_verdict(parent_facts(child, on))


def both_parents_away_batch(chunk: Chunk, params: Mapping[str, Any]) -> dict[int, Result]:
    facts = parent_facts_batch(chunk)
    return {pk: both_parents_away_verdict(facts.get(pk, NO_PARENTS)) for pk in chunk.ids}


def mother_away(child: Child, on: dt.date, params: Mapping[str, Any]) -> Result:
    return mother_away_verdict(parent_facts(child, on))


def mother_away_batch(chunk: Chunk, params: Mapping[str, Any]) -> dict[int, Result]:
    facts = parent_facts_batch(chunk)
    return {pk: mother_away_verdict(facts.get(pk, NO_PARENTS)) for pk in chunk.ids}


def long_separation(child: Child, on: dt.date, params: Mapping[str, Any]) -> Result:
    months = params["months"]
    return long_separation_verdict(parent_facts(child, on), separation_cutoff(on, months), months)


def long_separation_batch(chunk: Chunk, params: Mapping[str, Any]) -> dict[int, Result]:
    facts = parent_facts_batch(chunk)
    months = params["months"]
    cutoff = separation_cutoff(chunk.on, months)
    return {
        pk: long_separation_verdict(facts.get(pk, NO_PARENTS), cutoff, months) for pk in chunk.ids
    }


# Age ---------------------------------------------------------------------------------------


def _age_answers(years: int) -> tuple[Known, Known]:
    params = {"years": years}
    return (
        Known(True, N_("Younger than %(years)s years."), params),
        Known(False, N_("Aged %(years)s years or more."), params),
    )


def young_child_verdict(born: dt.date, cutoff: dt.date, answers: tuple[Known, Known]) -> Known:
    # Younger than `years` on the day: born after the day minus that many years.
    return answers[0] if born > cutoff else answers[1]


def young_child(child: Child, on: dt.date, params: Mapping[str, Any]) -> Result:
    years = params["years"]
    cutoff = on - relativedelta(years=years)
    return young_child_verdict(child.date_of_birth, cutoff, _age_answers(years))


def young_child_batch(chunk: Chunk, params: Mapping[str, Any]) -> dict[int, Result]:
    years = params["years"]
    cutoff = chunk.on - relativedelta(years=years)
    answers = _age_answers(years)
    births = Child.objects.filter(pk__gte=chunk.first, pk__lte=chunk.last).values_list(
        "pk", "date_of_birth"
    )
    return {pk: young_child_verdict(born, cutoff, answers) for pk, born in births.iterator(20_000)}


# Caregiver ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CareFacts:
    arrangements: int  # current care arrangements
    child_headed: bool
    adult_carers: tuple[tuple[dt.date | None, str], ...]  # (date of birth, health limits)


NO_CARE_RECORDED = Unknown(N_("Record who cares for the child day to day."))
CHILD_HEADED = Known(
    True,
    N_(
        "No adult is in charge at home: the child cares for himself or herself, or an older "
        "sibling does."
    ),
)
NO_ADULT_AT_HOME = Known(False, N_("Cared for in an institution or foster care."))
SEVERAL_ADULTS = Known(False, N_("More than one adult cares for the child."))
CAREGIVER_DETAILS = Unknown(
    N_(
        "Record the caregiver's date of birth and whether health limits his or her daily "
        "activities."
    )
)
CAREGIVER_POOR_HEALTH = Known(
    True, N_("The only caregiver's health severely limits daily activities.")
)


@lru_cache(maxsize=200)
def _old_carer(age: int) -> Known:
    return Known(True, N_("The only caregiver is %(age)s years old."), {"age": age})


@lru_cache(maxsize=20)
def _capable_carer(elderly_age: int) -> Known:
    return Known(
        False,
        N_("The only caregiver is under %(age)s and health does not severely limit him or her."),
        {"age": elderly_age},
    )


def caregiver_verdict(
    facts: CareFacts, on: dt.date, elderly_age: int, poor_health: Sequence[str]
) -> Result:
    if facts.arrangements == 0:
        return NO_CARE_RECORDED
    if facts.child_headed:
        return CHILD_HEADED
    if not facts.adult_carers:
        return NO_ADULT_AT_HOME
    if len(facts.adult_carers) > 1:
        return SEVERAL_ADULTS
    born, health = facts.adult_carers[0]
    # Compare dates rather than compute each age: born on or before this day is old enough.
    if born is not None and born <= _elderly_born_by(on, elderly_age):
        return _old_carer(age_in_years(born, on))
    if health in poor_health:
        return CAREGIVER_POOR_HEALTH
    if born is None or not health:
        return CAREGIVER_DETAILS
    return _capable_carer(elderly_age)


@lru_cache(maxsize=20)
def _elderly_born_by(on: dt.date, age: int) -> dt.date:
    return on - relativedelta(years=age)


def _care_facts(rows: Sequence[tuple[str, int | None, dt.date | None, str | None]]) -> CareFacts:
    return CareFacts(
        arrangements=len(rows),
        child_headed=any(kind in CareArrangement.CHILD_HEADED for kind, *_ in rows),
        adult_carers=tuple(
            (born, health or "") for _kind, carer, born, health in rows if carer is not None
        ),
    )


def caregiver_capacity(child: Child, on: dt.date, params: Mapping[str, Any]) -> Result:
    care = derived.current_care(child, on)
    rows = [
        (
            c.kind,
            c.caregiver_id,
            c.caregiver.date_of_birth if c.caregiver else None,
            c.caregiver.health_limits if c.caregiver else None,
        )
        for c in care
    ]
    return caregiver_verdict(_care_facts(rows), on, params["elderly_age"], params["poor_health"])


def caregiver_capacity_batch(chunk: Chunk, params: Mapping[str, Any]) -> dict[int, Result]:
    on = chunk.on
    rows = (
        CareArrangement.objects.filter(
            child_id__gte=chunk.first, child_id__lte=chunk.last, started_on__lte=on
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))
        .values_list(
            "child_id",
            "kind",
            "caregiver_id",
            "caregiver__date_of_birth",
            "caregiver__health_limits",
        )
        .order_by()
    )
    by_child: dict[int, list[tuple[str, int | None, dt.date | None, str | None]]] = {}
    for child_id, *row in rows.iterator(chunk_size=20_000):
        by_child.setdefault(child_id, []).append(tuple(row))  # type: ignore[arg-type]
    elderly, poor = params["elderly_age"], params["poor_health"]
    return {
        pk: caregiver_verdict(_care_facts(by_child[pk]), on, elderly, poor)
        if pk in by_child
        else NO_CARE_RECORDED
        for pk in chunk.ids
    }


# Functioning (disability) ------------------------------------------------------------------

NO_FUNCTIONING = Unknown(
    N_(
        "Ask the Child Functioning Module questions (UNICEF/Washington Group) and record the "
        "answers."
    )
)
NO_DIFFICULTY = Known(
    False, N_("No domain of the Child Functioning Module with a lot of difficulty or cannot do.")
)


def disability_verdict(answered: bool, difficult: int) -> Result:
    if difficult:
        return _difficulties(difficult)
    return NO_DIFFICULTY if answered else NO_FUNCTIONING


@lru_cache(maxsize=20)
def _difficulties(count: int) -> Known:
    return Known(
        True,
        N_(
            "Domains of the Child Functioning Module with a lot of difficulty or cannot do: "
            "%(count)s."
        ),
        {"count": count},
    )


def disability(child: Child, on: dt.date, params: Mapping[str, Any]) -> Result:
    answers = child.functioning or {}
    return disability_verdict(bool(answers), sum(a in BAD_FUNCTIONING for a in answers.values()))


def disability_batch(chunk: Chunk, params: Mapping[str, Any]) -> dict[int, Result]:
    # The JSON as text, counted without parsing a million documents: keys are domain names and
    # never contain "a_lot" or "cannot" (the registry validates both keys and answers).
    rows = (
        Child.objects.filter(pk__gte=chunk.first, pk__lte=chunk.last)
        .annotate(text=Cast("functioning", output_field=TextField()))
        .values_list("pk", "text")
    )
    results: dict[int, Result] = {}
    for pk, text in rows.iterator(chunk_size=20_000):
        answered = bool(text) and text not in ("{}", "null")
        difficult = text.count('"a_lot"') + text.count('"cannot"') if answered else 0
        results[pk] = disability_verdict(answered, difficult)
    return results


# Growth ------------------------------------------------------------------------------------

UNDERNUTRITION = ("stunting", "severe_stunting", "wasting", "severe_wasting", "thinness")


@dataclass(frozen=True, slots=True)
class GrowthFacts:
    measured_on: dt.date
    age_days: int
    hfa_z: float | None
    wfh_z: float | None
    bmi_z: float | None
    flags: tuple[str, ...]
    implausible: tuple[str, ...]


def malnutrition_verdict(facts: GrowthFacts | None, days: int) -> Result:
    if facts is None:
        return Unknown(
            N_(
                "Record a weight and a length or height (no measurement in the last %(days)s days)."
            ),
            {"days": days},
        )
    z = {
        "date": facts.measured_on.isoformat(),
        "hfa": _z(facts.hfa_z),
        "wfh": _z(facts.wfh_z),
        "bmi": _z(facts.bmi_z),
    }
    if any(flag in UNDERNUTRITION for flag in facts.flags):
        return Known(
            True,
            N_(
                "Measured on %(date)s: stunting, wasting or thinness (z-scores: height-for-age "
                "%(hfa)s, weight-for-length/height %(wfh)s, BMI-for-age %(bmi)s)."
            ),
            z,
        )
    under_five = facts.age_days / DAYS_PER_MONTH < 60
    needed = ("hfa", "wfh") if under_five else ("hfa", "bmi")
    values = {"hfa": facts.hfa_z, "wfh": facts.wfh_z, "bmi": facts.bmi_z}
    if any(values[k] is None or k in facts.implausible for k in needed):
        return Unknown(
            N_(
                "The measurement of %(date)s gives no plausible height-for-age and "
                "weight-for-height or BMI z-score: measure weight and length or height again."
            ),
            {"date": z["date"]},
        )
    return Known(
        False,
        N_(
            "Measured on %(date)s: no stunting, wasting or thinness (z-scores: height-for-age "
            "%(hfa)s, weight-for-length/height %(wfh)s, BMI-for-age %(bmi)s)."
        ),
        z,
    )


def _z(value: float | None) -> str:
    return "—" if value is None else f"{value:+.2f}"


def _growth_rows(child_ids: Q, on: dt.date, days: int) -> dict[int, GrowthFacts]:
    from kinlink.assessment.models import Measurement

    rows = (
        Measurement.objects.filter(child_ids, measured_on__lte=on)
        .filter(measured_on__gte=on - dt.timedelta(days=days))
        .order_by("child_id", "measured_on", "id")
        .values_list(
            "child_id", "measured_on", "age_days", "hfa_z", "wfh_z", "bmi_z", "flags", "implausible"
        )
    )
    latest: dict[int, GrowthFacts] = {}
    for child_id, measured_on, age, hfa, wfh, bmi, flags, implausible in rows.iterator(20_000):
        latest[child_id] = GrowthFacts(
            measured_on, age, hfa, wfh, bmi, tuple(flags or ()), tuple(implausible or ())
        )
    return latest


def malnutrition(child: Child, on: dt.date, params: Mapping[str, Any]) -> Result:
    days = params["max_age_days"]
    return malnutrition_verdict(_growth_rows(Q(child_id=child.pk), on, days).get(child.pk), days)


def malnutrition_batch(chunk: Chunk, params: Mapping[str, Any]) -> dict[int, Result]:
    days = params["max_age_days"]
    latest = _growth_rows(Q(child_id__gte=chunk.first, child_id__lte=chunk.last), chunk.on, days)
    none = malnutrition_verdict(None, days)
    return {
        pk: malnutrition_verdict(latest[pk], days) if pk in latest else none for pk in chunk.ids
    }


# The assessment's own forms: protection, education, social assistance -----------------------


@dataclass(frozen=True, slots=True)
class FormFacts:
    assessed_on: dt.date
    answers: Mapping[str, Any]


def _latest_forms(child_ids: Q, domain: str, on: dt.date) -> dict[int, FormFacts]:
    from kinlink.assessment.models import DomainAssessment

    rows = (
        DomainAssessment.objects.filter(child_ids, domain=domain, assessed_on__lte=on)
        .order_by("child_id", "assessed_on", "id")
        .values_list("child_id", "assessed_on", "answers")
    )
    return {
        child_id: FormFacts(day, answers or {}) for child_id, day, answers in rows.iterator(20_000)
    }


def _stale(facts: FormFacts, on: dt.date, days: int) -> bool:
    return (on - facts.assessed_on).days > days


NO_PROTECTION_ASSESSMENT = Unknown(
    N_(
        "Complete the protection assessment: abuse, neglect, exploitation, child labour, "
        "early marriage, extortion."
    )
)
NO_EDUCATION_ASSESSMENT = Unknown(
    N_("Complete the education assessment: enrolment, attendance and how grades are going.")
)
NO_SOCIAL_PROTECTION_ASSESSMENT = Unknown(
    N_(
        "Complete the social-protection assessment: does the household receive the "
        "assistance it is eligible for?"
    )
)


def protection_verdict(facts: FormFacts | None, on: dt.date, days: int) -> Result:
    # A concern stands until a newer assessment says otherwise; reassurance expires.
    if facts is None:
        return NO_PROTECTION_ASSESSMENT
    date = {"date": facts.assessed_on.isoformat()}
    if facts.answers.get("concerns"):
        return Known(True, N_("Protection concerns recorded on %(date)s."), date)
    if _stale(facts, on, days):
        return Unknown(
            N_("The last protection assessment, of %(date)s, is too old: repeat it."), date
        )
    return Known(False, N_("No protection concern found on %(date)s."), date)


def education_verdict(facts: FormFacts | None, on: dt.date, days: int, below: int) -> Result:
    if facts is None:
        return NO_EDUCATION_ASSESSMENT
    answers = facts.answers
    date = facts.assessed_on.isoformat()
    attendance = answers.get("attendance_percent")
    if answers.get("enrolled") == "no":
        return Known(True, N_("Not enrolled in school (assessed on %(date)s)."), {"date": date})
    if isinstance(attendance, int) and attendance < below:
        return Known(
            True,
            N_("Attendance %(percent)s%%, under %(limit)s%% (assessed on %(date)s)."),
            {"percent": attendance, "limit": below, "date": date},
        )
    if answers.get("grades") == "falling":
        return Known(True, N_("Grades are falling (assessed on %(date)s)."), {"date": date})
    complete = (
        answers.get("enrolled") == "yes"
        and isinstance(attendance, int)
        and answers.get("grades") in ("improving", "stable")
    )
    if not complete:
        return Unknown(
            N_(
                "Record enrolment, attendance and how grades are going in the education "
                "assessment (assessed on %(date)s with gaps)."
            ),
            {"date": date},
        )
    if _stale(facts, on, days):
        return Unknown(
            N_("The last education assessment, of %(date)s, is too old: repeat it."), {"date": date}
        )
    return Known(
        False,
        N_("Enrolled, attendance %(percent)s%%, grades not falling (assessed on %(date)s)."),
        {"percent": attendance, "date": date},
    )


EXCLUDED_ANSWERS = {"refused", "dropped", "excluded_remittances"}
INCLUDED_ANSWERS = {"receives", "not_needed"}


def social_assistance_verdict(facts: FormFacts | None, on: dt.date, days: int) -> Result:
    if facts is None:
        return NO_SOCIAL_PROTECTION_ASSESSMENT
    answer = facts.answers.get("assistance", "")
    date = {"date": facts.assessed_on.isoformat()}
    if answer in EXCLUDED_ANSWERS:
        return Known(
            True,
            N_(
                "Refused, dropped or told it is not eligible because of remittances (assessed on "
                "%(date)s)."
            ),
            date,
        )
    if answer in INCLUDED_ANSWERS and not _stale(facts, on, days):
        return Known(
            False, N_("Receives assistance or is not in need (assessed on %(date)s)."), date
        )
    if answer in INCLUDED_ANSWERS:
        return Unknown(
            N_("The last social-protection assessment, of %(date)s, is too old: repeat it."), date
        )
    return Unknown(
        N_(
            "Check whether the household is eligible for social assistance and why it has not "
            "applied (assessed on %(date)s)."
        ),
        date,
    )


def _form_single(domain: str, child: Child, on: dt.date) -> FormFacts | None:
    return _latest_forms(Q(child_id=child.pk), domain, on).get(child.pk)


def _form_batch(domain: str, chunk: Chunk) -> dict[int, FormFacts]:
    return _latest_forms(Q(child_id__gte=chunk.first, child_id__lte=chunk.last), domain, chunk.on)


def protection_concern(child: Child, on: dt.date, params: Mapping[str, Any]) -> Result:
    return protection_verdict(_form_single("protection", child, on), on, params["max_age_days"])


def protection_concern_batch(chunk: Chunk, params: Mapping[str, Any]) -> dict[int, Result]:
    forms, days = _form_batch("protection", chunk), params["max_age_days"]
    return {pk: protection_verdict(forms.get(pk), chunk.on, days) for pk in chunk.ids}


def education(child: Child, on: dt.date, params: Mapping[str, Any]) -> Result:
    return education_verdict(
        _form_single("education", child, on), on, params["max_age_days"], params["attendance_below"]
    )


def education_batch(chunk: Chunk, params: Mapping[str, Any]) -> dict[int, Result]:
    forms = _form_batch("education", chunk)
    days, below = params["max_age_days"], params["attendance_below"]
    return {pk: education_verdict(forms.get(pk), chunk.on, days, below) for pk in chunk.ids}


def social_assistance_excluded(child: Child, on: dt.date, params: Mapping[str, Any]) -> Result:
    form = _form_single("social_protection", child, on)
    return social_assistance_verdict(form, on, params["max_age_days"])


def social_assistance_excluded_batch(chunk: Chunk, params: Mapping[str, Any]) -> dict[int, Result]:
    forms, days = _form_batch("social_protection", chunk), params["max_age_days"]
    return {pk: social_assistance_verdict(forms.get(pk), chunk.on, days) for pk in chunk.ids}


def register_all() -> None:
    """Register the built-in providers as fallbacks: an app that knows better replaces them."""
    year = 365
    register("both_parents_away", both_parents_away, batch=both_parents_away_batch, fallback=True)
    register("mother_away", mother_away, batch=mother_away_batch, fallback=True)
    register(
        "long_separation",
        long_separation,
        batch=long_separation_batch,
        params={"months": 12},
        fallback=True,
    )
    register(
        "young_child", young_child, batch=young_child_batch, params={"years": 6}, fallback=True
    )
    register(
        "caregiver_capacity",
        caregiver_capacity,
        batch=caregiver_capacity_batch,
        params={"elderly_age": 70, "poor_health": ["severe"]},
        fallback=True,
    )
    register("disability", disability, batch=disability_batch, fallback=True)
    register(
        "malnutrition",
        malnutrition,
        batch=malnutrition_batch,
        params={"max_age_days": year},
        fallback=True,
    )
    register(
        "protection_concern",
        protection_concern,
        batch=protection_concern_batch,
        params={"max_age_days": year},
        fallback=True,
    )
    register(
        "education",
        education,
        batch=education_batch,
        params={"max_age_days": year, "attendance_below": 80},
        fallback=True,
    )
    register(
        "social_assistance_excluded",
        social_assistance_excluded,
        batch=social_assistance_excluded_batch,
        params={"max_age_days": year},
        fallback=True,
    )
