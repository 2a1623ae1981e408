"""Only administrators manage users; passwords are hashed with Argon2."""

import pytest
from django.urls import reverse

from kinlink.accounts.models import User
from tests.conftest import PASSWORD


@pytest.mark.argon2
def test_an_administrator_adds_a_caseworker_with_a_scope(client, administrator, county):
    client.force_login(administrator)
    response = client.post(
        reverse("accounts:user_create"),
        {
            "username": "newcw",
            "role": "caseworker",
            "scope": county.township_b.pk,
            "is_active": "on",
            "password": "a-long-enough-passphrase",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="newcw")
    assert user.scope == county.township_b
    assert user.password.startswith("argon2$")


def test_a_weak_password_is_refused_with_a_message(client, administrator, county):
    client.force_login(administrator)
    response = client.post(
        reverse("accounts:user_create"),
        {
            "username": "weak",
            "role": "caseworker",
            "scope": county.township_b.pk,
            "password": "12345",
        },
    )
    assert response.status_code == 200
    assert "too short" in response.content.decode()
    assert not User.objects.filter(username="weak").exists()


def test_other_roles_cannot_see_the_user_pages(client, supervisor, caseworker_a):
    client.force_login(supervisor)
    assert client.get(reverse("accounts:user_list")).status_code == 404
    edit = reverse("accounts:user_edit", args=[caseworker_a.pk])
    assert client.post(edit, {"role": "administrator"}).status_code == 404
    caseworker_a.refresh_from_db()
    assert caseworker_a.role == "caseworker"


def test_an_administrator_sees_no_child_records(client, administrator, child_a):
    client.force_login(administrator)
    assert "王小明" not in client.get(reverse("registry:child_list")).content.decode()
    assert client.get(reverse("registry:child_detail", args=[child_a.pk])).status_code == 404


def test_signing_in_with_the_right_password_works(client, caseworker_a):
    response = client.post(
        reverse("accounts:login"), {"username": "caseworker_a", "password": PASSWORD}
    )
    assert response.status_code == 302
