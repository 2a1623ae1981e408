"""What every page's navigation needs to know about the signed-in user."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    from kinlink.registry.access import can_register_children

    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    return {
        "nav_can_register": can_register_children(user),
        "nav_is_admin": user.role == "administrator",
    }
