"""The directory of services by domain and place: a provider in the place, below it, or above
it (a county clinic serves every village); supervisors keep it."""

from __future__ import annotations

import pytest

from kinlink.casework import services
from kinlink.casework.selectors import directory
from kinlink.casework.services import CaseworkError
from kinlink.places.models import ServiceProvider


@pytest.fixture
def providers(county):
    def provider(name, place):
        return ServiceProvider.objects.create(name=name, kind="clinic", place=place)

    return {
        "county": provider("County hospital", county.county),
        "town_a": provider("Town A clinic", county.township_a),
        "town_b": provider("Town B clinic", county.township_b),
    }


def test_services_are_found_by_domain_and_place(county, supervisor, caseworker_a, providers):
    for key, domain in (("county", "health"), ("town_a", "emotional"), ("town_b", "emotional")):
        services.service_add(
            actor=supervisor, provider=providers[key], name=f"Service of {key}", domain=domain
        )
    near_a1 = {o.provider.name for o in directory(caseworker_a, place=county.village_a1)}
    assert near_a1 == {"County hospital", "Town A clinic"}
    emotional = {o.provider.name for o in directory(caseworker_a, domain="emotional")}
    assert emotional == {"Town A clinic", "Town B clinic"}


def test_only_a_supervisor_adds_to_the_directory(caseworker_a, providers):
    with pytest.raises(CaseworkError):
        services.service_add(
            actor=caseworker_a, provider=providers["town_a"], name="x", domain="health"
        )


def test_teachers_do_not_read_the_directory(teacher_a, supervisor, providers):
    services.service_add(actor=supervisor, provider=providers["town_a"], name="x", domain="health")
    assert not directory(teacher_a).exists()
