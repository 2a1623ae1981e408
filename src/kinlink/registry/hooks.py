"""Hooks through which the capability apps join in the registry's pages and operations, so the
registry never imports them: links from a child's page to the pages other apps keep about the
child, the foreign keys to Child that a merge must leave alone, and the signal sent when a
merge is undone. Each app registers from its AppConfig.ready().
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.dispatch import Signal
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


# Foreign keys to Child ("app_label.model.field") that a merge does not repoint: fields naming
# two children at once (a candidate duplicate pair), where moving one end would pair the kept
# child with itself.
_merge_exempt: set[str] = set()


def register_merge_exempt(field_label: str) -> None:
    _merge_exempt.add(field_label.lower())


def merge_exempt() -> frozenset[str]:
    return frozenset(_merge_exempt)


# Sent (with `merge`, the undone registry.Merge) after a merge has been undone.
merge_undone = Signal()
