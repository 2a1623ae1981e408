"""Case notes, confidential ones read only by the assigned caseworker and her supervisor, tagged
with coping strategies and challenges; the coping report counts children in the shape of the
Henan study's Table 1 (domain.md §3), computed from the tags."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kinlink.casework import services
from kinlink.casework.models import CopingStrategy
from kinlink.casework.selectors import case_records, coping_report
from kinlink.registry import services as registry
from tests.casework.conftest import NOW, day, open_case

# Table 1: how many of the 20 children described each strategy.
TABLE_1 = {
    "active_adaptation": 10,
    "social_media": 16,
    "social_support": 15,
    "recreation": 13,
    "emotional_regulation": 10,
    "positive_thinking": 9,
}


def challenges(i: int) -> list[str]:
    # Loneliness for 7 children; basic needs for the 4 who named no strategy (a small cell).
    return ["loneliness"] if i < 7 else ["basic_needs"] if i >= 16 else []


def twenty_children_with_notes(county, caseworker):
    """20 children in village A2, each with notes whose tags reproduce Table 1 (a child's tags
    are spread over two notes, and one strategy is repeated, to show a child counts once)."""
    for i in range(20):
        child = registry.child_register(
            family_name="赵",
            given_name=f"儿{i}",
            sex="M" if i % 2 else "F",
            date_of_birth=NOW.date().replace(year=2014),
            home_village=county.village_a2,
        )
        case = open_case(caseworker, child)
        tags = [code for code, n in TABLE_1.items() if i < n]
        services.note_add(
            actor=caseworker,
            case=case,
            text="Talked about school.",
            coping=tags[:2],
            challenges=challenges(i),
            written_on=day(),
            now=NOW,
        )
        services.note_add(
            actor=caseworker,
            case=case,
            text="Talked about home.",
            coping=tags[1:],
            confidential=i % 3 == 0,
            written_on=day(),
            now=NOW,
        )


def test_the_coping_report_reproduces_table_1_from_tagged_notes(county, caseworker_a, supervisor):
    twenty_children_with_notes(county, caseworker_a)
    report = coping_report(supervisor, start=day(days=-1), end=day())
    assert report.children == 20
    rows = [(r.label, r.count, r.percent) for r in report.strategies]
    assert rows == [
        (str(CopingStrategy.ACTIVE_ADAPTATION.label), 10, 50.0),
        (str(CopingStrategy.SOCIAL_MEDIA.label), 16, 80.0),
        (str(CopingStrategy.SOCIAL_SUPPORT.label), 15, 75.0),
        (str(CopingStrategy.RECREATION.label), 13, 65.0),
        (str(CopingStrategy.EMOTIONAL_REGULATION.label), 10, 50.0),
        (str(CopingStrategy.POSITIVE_THINKING.label), 9, 45.0),
    ]
    loneliness = next(r for r in report.challenges if r.code == "loneliness")
    assert (loneliness.count, loneliness.percent) == (7, 35.0)


def test_the_coping_report_is_by_place_and_period(county, caseworker_a, supervisor):
    twenty_children_with_notes(county, caseworker_a)
    assert coping_report(supervisor, place=county.township_b).children == 0
    assert coping_report(supervisor, place=county.township_a).children == 20
    assert coping_report(supervisor, start=day(days=1)).children == 0


def test_small_counts_in_the_coping_report_are_suppressed(county, caseworker_a, supervisor):
    twenty_children_with_notes(county, caseworker_a)
    challenges = {r.code: r for r in coping_report(supervisor).challenges}
    assert challenges["academic"].count == 0 and not challenges["academic"].suppressed
    few = [r for r in coping_report(supervisor).challenges if 0 < r.count < 5]
    assert [r.code for r in few] == ["basic_needs"]
    assert all(r.suppressed and r.percent is None for r in few)


def test_a_report_on_fewer_than_five_children_shows_nothing(county, caseworker_a, child_a):
    case = open_case(caseworker_a, child_a)
    services.note_add(actor=caseworker_a, case=case, text="x", coping=["recreation"], now=NOW)
    report = coping_report(caseworker_a)
    assert report.suppressed and report.strategies == []


def test_a_confidential_note_is_read_only_by_the_assigned_caseworker_and_a_supervisor(
    caseworker_a, colleague_a, supervisor, child_a
):
    case = open_case(caseworker_a, child_a)
    services.note_add(actor=caseworker_a, case=case, text="Open note.", now=NOW)
    services.note_add(
        actor=caseworker_a, case=case, text="Disclosed abuse by uncle.", confidential=True, now=NOW
    )
    texts = {
        u.username: [n.text for n in case_records(u, case, NOW).notes]
        for u in (caseworker_a, colleague_a, supervisor)
    }
    assert len(texts["caseworker_a"]) == 2 and len(texts["supervisor"]) == 2
    assert texts["colleague_a"] == ["Open note."]
    assert case_records(colleague_a, case, NOW).hidden_notes == 1


def test_unknown_tags_are_refused(caseworker_a, child_a):
    case = open_case(caseworker_a, child_a)
    with pytest.raises(ValidationError):
        services.note_add(actor=caseworker_a, case=case, text="x", coping=["gaming"])
