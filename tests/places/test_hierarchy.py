from kinlink.places.models import Place


def test_subtree_query_returns_the_place_and_everything_below(county):
    within_a = set(Place.objects.within(county.township_a).values_list("name", flat=True))
    assert within_a == {"东坪镇", "上坝村", "下坝村"}


def test_sibling_ids_that_share_a_prefix_do_not_leak_into_each_other(county):
    # Paths end in "/", so a place with id 1 never matches a place with id 12 by prefix.
    for place in Place.objects.all():
        assert place.path.endswith(f"{place.pk}/")
        assert all(p.path.startswith(place.path) for p in Place.objects.within(place))


def test_ancestors_are_ordered_from_the_top(county):
    names = [p.name for p in county.village_a1.ancestors()]
    assert names == ["四川省", "青山县", "东坪镇", "上坝村"]
    assert county.village_a1.depth == 4
