"""The generator gives the same registry for the same seed and date, and another for another
seed; it never touches the global random state."""

from __future__ import annotations

import datetime as dt
import itertools
import random

from kinlink.demo.synthetic import Generator, Layout, plan_layout

ON = dt.date(2026, 3, 15)


def _with_fake_ids(layout: Layout) -> Layout:
    ids = itertools.count(1)
    for county in layout.counties:
        county.id, county.middle_school_id, county.high_school_id = next(ids), 1, 2
        for township in county.townships:
            township.id, township.primary_school_id = next(ids), 3
            for village in township.villages:
                village.id = next(ids)
    return layout


def _generate(seed: int, children: int = 800) -> list:
    layout = _with_fake_ids(plan_layout(children, seed=seed, on=ON))
    generator = Generator(layout, seed=seed, on=ON)
    return [batch for batch in generator.batches(children_per_batch=300)]


def test_the_same_seed_gives_the_same_registry():
    assert _generate(11) == _generate(11)


def test_another_seed_gives_another_registry():
    first, second = _generate(11), _generate(12)
    names = [(c["family_name"], c["given_name"]) for b in first for c in b.children]
    other = [(c["family_name"], c["given_name"]) for b in second for c in b.children]
    assert names != other


def test_it_makes_exactly_the_number_of_children_asked_for():
    assert sum(len(b.children) for b in _generate(3, children=1234)) == 1234


def test_the_global_random_state_is_left_alone():
    random.seed(99)
    expected = random.random()
    random.seed(99)
    _generate(5, children=200)
    assert random.random() == expected


def test_the_layout_keeps_about_two_hundred_children_per_village():
    layout = plan_layout(1_000_000, seed=1, on=ON)
    villages = [v for _, _, v in layout.villages()]
    assert len(villages) == 5000
    assert {v.children for v in villages} == {200}
    assert len(layout.counties) > 1
    codes = [v.code for v in villages]
    assert len(set(codes)) == len(codes)
    assert all(len(code) == 12 and code.isdigit() for code in codes)


def test_the_demo_layout_is_one_county_of_five_townships_and_thirty_villages():
    layout = plan_layout(6000, seed=1, on=ON)
    assert len(layout.counties) == 1
    assert [len(t.villages) for t in layout.counties[0].townships] == [6] * 5
