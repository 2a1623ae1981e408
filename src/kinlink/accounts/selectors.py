"""Reads of user accounts: only administrators see them."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from kinlink.accounts.models import Role, User
from kinlink.core.lookup import pk_or_404


def is_administrator(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role == Role.ADMINISTRATOR


def users_visible_to(user: User) -> QuerySet[User]:
    if not is_administrator(user):
        return User.objects.none()
    return User.objects.select_related("agency", "scope", "school").order_by("username")


def user_for_admin(user: User, user_id: object) -> User:
    pk = pk_or_404(user_id)
    found = users_visible_to(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found
