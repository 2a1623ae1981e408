"""Links from a child's page to the pages other apps keep about the child.

The registry never imports the capability apps; each registers its link here from its
AppConfig.ready(), with the test of who may follow it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse


@dataclass(frozen=True)
class ChildLink:
    label: Any  # a lazy translation
    url_name: str  # takes the child's pk
    allowed: Callable[[Any], bool]
    order: int = 100


_links: dict[str, ChildLink] = {}


def register_child_link(link: ChildLink) -> None:
    _links[link.url_name] = link


def child_links_for(user: Any, child: Any) -> list[tuple[str, str]]:
    links = sorted(_links.values(), key=lambda link: (link.order, link.url_name))
    return [
        (str(link.label), reverse(link.url_name, args=[child.pk]))
        for link in links
        if link.allowed(user)
    ]
