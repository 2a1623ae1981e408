"""The overview counts children by area and who is away, and hides small cells."""

from django.urls import reverse

from kinlink.registry import services
from kinlink.registry.selectors import counts_by_area
from tests.conftest import years_ago


def _children(village, n):
    for i in range(n):
        services.child_register(
            family_name="赵",
            given_name=f"童{i}",
            sex="F",
            date_of_birth=years_ago(5 + i % 10),
            home_village=village,
        )


def test_counts_roll_up_to_the_level_below_the_scope(official, county):
    _children(county.village_a1, 6)
    _children(county.village_a2, 1)
    _children(county.village_b1, 2)
    counts = {a.place.name: a.total for a in counts_by_area(official)}
    assert counts == {"东坪镇": 7, "西河乡": 2}


def test_small_cells_are_suppressed_on_the_page(client, official, county):
    _children(county.village_a1, 6)
    _children(county.village_b1, 2)
    client.force_login(official)
    body = client.get(reverse("registry:overview")).content.decode()
    assert "<td>6</td>" in body
    assert "&lt;5" in body and "<td>2</td>" not in body


def test_a_caseworker_sees_only_her_township(caseworker_a, county):
    _children(county.village_a1, 3)
    _children(county.village_b1, 3)
    assert {a.place.name for a in counts_by_area(caseworker_a)} == {"上坝村"}
