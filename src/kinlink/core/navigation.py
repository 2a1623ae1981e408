"""The main navigation, assembled from links each app registers in its AppConfig.ready().

Apps lower in the dependency order cannot import the ones above them, so the base template
cannot name every app's pages; instead each app adds its own entries here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse


@dataclass(frozen=True)
class NavLink:
    label: Any  # a lazy translation
    url_name: str
    allowed: Callable[[Any], bool]
    order: int = 100


_links: dict[str, NavLink] = {}


def register_nav_link(link: NavLink) -> None:
    _links[link.url_name] = link  # keyed, so a re-run of ready() does not add duplicates


def nav_links_for(user: Any) -> list[tuple[str, str]]:
    if not user.is_authenticated:
        return []
    links = sorted(_links.values(), key=lambda link: (link.order, link.url_name))
    return [(str(link.label), reverse(link.url_name)) for link in links if link.allowed(user)]


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Context processor: the links the signed-in user may follow."""
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"nav_links": nav_links_for(user)}
