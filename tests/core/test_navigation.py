"""The main navigation shows each user only the pages her role may use."""

from django.urls import reverse


def _nav(client, user):
    client.force_login(user)
    body = client.get(reverse("registry:child_list")).content.decode()
    start = body.index('<nav class="mainnav"')
    return body[start : body.index("</nav>", start)]


def test_a_caseworker_sees_children_registration_and_guardianship(client, caseworker_a):
    nav = _nav(client, caseworker_a)
    assert "Register a child" in nav and "Guardianship" in nav and "Users" not in nav


def test_a_teacher_cannot_register_or_see_guardianship(client, teacher_a):
    nav = _nav(client, teacher_a)
    assert "Children" in nav
    assert "Register a child" not in nav and "Guardianship" not in nav


def test_an_administrator_sees_only_users(client, administrator):
    nav = _nav(client, administrator)
    assert "Users" in nav and "Children" not in nav


def test_the_child_page_links_to_guardianship(client, caseworker_a, child_a):
    client.force_login(caseworker_a)
    body = client.get(reverse("registry:child_detail", args=[child_a.pk])).content.decode()
    assert reverse("guardianship:child", args=[child_a.pk]) in body
