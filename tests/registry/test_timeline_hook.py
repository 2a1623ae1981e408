"""The registry's timeline hook: sources registered by apps, merged newest first (by the moment
within a day when a source knows it), one domain at a time on request; and the registry's own
source: the registration for anyone who sees the child, family facts for their readers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kinlink.registry import hooks
from kinlink.registry.hooks import TimelineEntry, child_timeline, register_timeline_source
from kinlink.registry.selectors import registry_timeline

D = dt.date(2026, 3, 2)


def at(hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, 3, 2, hour))


@pytest.fixture
def only_test_sources(monkeypatch):
    monkeypatch.setattr(hooks, "_timeline_sources", {})
    register_timeline_source(
        "one",
        "One",
        lambda user, child: [
            TimelineEntry(D, "one", "morning", at=at(9)),
            TimelineEntry(D - dt.timedelta(days=3), "one", "earlier"),
        ],
        20,
    )
    register_timeline_source(
        "two",
        "Two",
        lambda user, child: (
            [
                TimelineEntry(D, "two", "afternoon", at=at(15)),
                TimelineEntry(D + dt.timedelta(days=1), "two", "next day"),
            ]
            if user == "reader"
            else []
        ),
        10,
    )


def test_entries_of_every_source_are_merged_newest_first(only_test_sources):
    entries = child_timeline("reader", None)
    assert [e.text for e in entries] == ["next day", "afternoon", "morning", "earlier"]


def test_a_domain_filter_keeps_one_sources_entries(only_test_sources):
    assert [e.text for e in child_timeline("reader", None, domain="one")] == [
        "morning",
        "earlier",
    ]
    assert child_timeline("reader", None, domain="three") == []


def test_a_source_decides_what_a_user_may_read(only_test_sources):
    assert [e.domain for e in child_timeline("someone else", None)] == ["one", "one"]


def test_the_filter_lists_the_sources_in_their_order(only_test_sources):
    assert hooks.timeline_domains() == [("two", "Two"), ("one", "One")]


def test_the_registry_tells_the_registration_to_all_and_family_facts_to_their_readers(
    child_a, caseworker_a, teacher_a
):
    assert [e.text for e in registry_timeline(teacher_a, child_a)] == ["Registered"]
    texts = [e.text for e in registry_timeline(caseworker_a, child_a)]
    assert texts == ["Registered", "Mother left for 广东省东莞市"]
