"""Derived status: who is away, since when, who cares, which definitions are met."""

import datetime as dt

from kinlink.registry import services
from kinlink.registry.derived import child_status
from kinlink.registry.models import AwayParents
from kinlink.registry.selectors import ChildFilters, child_search
from tests.conftest import years_ago


def _father(child, **episode):
    father = services.adult_create(family_name="王", given_name="建国", sex="M")
    services.relationship_add(child=child, adult=father, kind="father")
    if episode:
        services.migration_record(adult=father, purpose="work", pattern="long_term", **episode)
    return father


def test_a_child_whose_mother_works_in_another_province_is_left_behind_by_the_mother(child_a):
    status = child_status(child_a)
    assert child_a.away_parents == AwayParents.MOTHER
    assert status.away.away_parents == AwayParents.MOTHER
    assert status.months_separated == 12
    assert status.meets_broad_definition
    assert not status.meets_narrow_definition  # father is not away
    assert not status.meets_mics_definition  # not abroad


def test_both_parents_away_meets_the_narrow_definition_and_abroad_meets_mics(child_a):
    _father(child_a, departed_on=years_ago(0, 60), destination_country="MY")
    child_a.refresh_from_db()
    status = child_status(child_a)
    assert child_a.away_parents == AwayParents.BOTH
    assert child_a.parent_abroad
    assert status.meets_narrow_definition and status.meets_mics_definition
    # Separation counts from the parent who left first.
    assert child_a.separated_since == years_ago(1)


def test_a_return_closes_the_separation(child_a):
    mother = child_a.relationships.get(kind="mother").adult
    services.migration_update(episode=mother.migrations.get(), returned_on=dt.date.today())
    child_a.refresh_from_db()
    assert child_a.away_parents == AwayParents.NONE
    assert child_a.separated_since is None


def test_a_deceased_father_and_a_mother_away_meets_the_narrow_definition(child_a):
    father = _father(child_a)
    services.adult_update(adult=father, is_alive=False, died_on=years_ago(2))
    assert child_status(child_a).meets_narrow_definition


def test_an_elderly_sole_caregiver_and_a_child_headed_household_are_derived(child_a, caseworker_a):
    grandma = services.adult_create(
        family_name="王", given_name="桂兰", sex="F", date_of_birth=years_ago(72)
    )
    services.care_record(
        child=child_a, kind="grandparent", caregiver=grandma, started_on=years_ago(1)
    )
    assert child_status(child_a).elderly_sole_caregiver
    assert list(child_search(caseworker_a, ChildFilters(elderly_caregiver=True))) == [child_a]
    assert not child_search(caseworker_a, ChildFilters(child_headed=True)).exists()

    services.care_record(child=child_a, kind="self_care", started_on=years_ago(0, 5))
    status = child_status(child_a)
    assert status.child_headed and not status.elderly_sole_caregiver
    assert list(child_search(caseworker_a, ChildFilters(child_headed=True))) == [child_a]


def test_lists_filter_by_who_is_away(child_a, child_b, supervisor):
    def names(**kw):
        return {c.given_name for c in child_search(supervisor, ChildFilters(**kw))}

    assert names(away="mother") == {"小明"}
    assert names(away="any") == {"小明"}
    assert names(away="none") == {"丽"}
    assert names(away="father") == set()
