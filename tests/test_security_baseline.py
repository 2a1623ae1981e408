"""The security baseline: lockout, CSP without inline script, hashing, cookies, sessions."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

import kinlink

PACKAGE = Path(kinlink.__file__).parent


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(client, caseworker_a):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": "caseworker_a", "password": "nope"})
    response = client.post(
        reverse("accounts:login"),
        {"username": "caseworker_a", "password": "correct-horse-battery-staple"},
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_pages_carry_a_content_security_policy_without_inline_script(client):
    policy = client.get(reverse("accounts:login"))["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]+)", policy).group(1)
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert "default-src 'self'" in policy


@pytest.mark.parametrize("template", sorted(PACKAGE.rglob("templates/**/*.html")), ids=str)
def test_no_template_has_inline_script_or_style_or_remote_assets(template):
    text = template.read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)", text), "inline <script>"
    assert " style=" not in text, "inline style attribute"
    assert not re.search(r"\son[a-z]+=", text), "inline event handler"
    assert not re.search(r"(src|href)=\"https?://", text), "asset from the internet"


@pytest.mark.argon2
def test_passwords_are_hashed_with_argon2():
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_sessions_expire_when_idle_and_cookies_are_http_only():
    assert settings.SESSION_COOKIE_AGE <= 12 * 60 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_COOKIE_HTTPONLY


def test_unsafe_requests_need_a_csrf_token(caseworker_a, county):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(caseworker_a)
    response = client.post(reverse("registry:child_register"), {"family_name": "x"})
    assert response.status_code == 403


def test_the_htmx_script_is_served_from_this_site(client):
    response = client.get("/static/vendor/htmx.min.js")
    assert response.status_code == 200
