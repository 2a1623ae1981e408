"""The interface language is chosen per user and remembered on the account."""

from django.urls import reverse


def test_a_user_switches_to_chinese_and_it_sticks(client, caseworker_a, child_a):
    client.force_login(caseworker_a)
    client.post(reverse("accounts:set_language"), {"language": "zh-hans", "next": "/children/"})
    caseworker_a.refresh_from_db()
    assert caseworker_a.language == "zh-hans"
    client.cookies.clear()
    client.force_login(caseworker_a)
    body = client.get(reverse("registry:child_list")).content.decode()
    assert 'lang="zh-hans"' in body


def test_an_unknown_language_is_ignored(client, caseworker_a):
    client.force_login(caseworker_a)
    client.post(reverse("accounts:set_language"), {"language": "xx"})
    caseworker_a.refresh_from_db()
    assert caseworker_a.language == ""


def test_the_next_address_must_be_on_this_site(client, caseworker_a):
    client.force_login(caseworker_a)
    response = client.post(
        reverse("accounts:set_language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"
