"""Writes about users: accounts, language, and API tokens."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kinlink.accounts.models import Agency, ApiToken, Role, User
from kinlink.places.models import Place, School


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: str,
    scope: Place | None = None,
    agency: Agency | None = None,
    school: School | None = None,
    first_name: str = "",
    last_name: str = "",
    language: str = "",
    is_active: bool = True,
    check_password: bool = True,
) -> User:
    user = User(
        is_active=is_active,
        username=username,
        role=Role(role),
        scope=scope,
        agency=agency,
        school=school,
        first_name=first_name,
        last_name=last_name,
        language=language,
    )
    if check_password:
        _check_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def user_update(*, user: User, password: str = "", **values: object) -> User:
    """Change an account's role, scope, agency, school or status; a new password if given."""
    for name, value in values.items():
        setattr(user, name, value)
    if password:
        _check_password(password, user)
        user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


def user_set_language(*, user: User, language: str) -> None:
    user.language = language
    user.save(update_fields=["language"])


def api_token_issue(*, user: User, days: int | None = None) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret, which is shown once and never stored."""
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        key_hash=ApiToken.hash_key(key),
        prefix=key[:8],
        expires_at=timezone.now() + timedelta(days=days or settings.KINLINK_API_TOKEN_DAYS),
    )
    return token, key


def api_token_revoke(*, token: ApiToken) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])


def api_token_for_key(key: str) -> ApiToken | None:
    """The usable token a bearer key belongs to (with its active user), or None if it is
    unknown, expired or revoked; marks it as used."""
    token = (
        ApiToken.objects.usable()
        .select_related("user")
        .filter(key_hash=ApiToken.hash_key(key), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token


def api_token_user(key: str) -> User | None:
    """The active user a bearer key belongs to, or None if it is unknown, expired or revoked."""
    token = api_token_for_key(key)
    return token.user if token else None
