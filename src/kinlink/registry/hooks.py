"""What other apps add to the registry's pages and operations, so the registry never imports
them: links from a child's page to the pages other apps keep about the child, actions on a child
shown where other apps list children, entries in the child's one timeline, the foreign keys to
Child that a merge must leave alone, and the signal sent when a merge is undone.

Each app registers from its AppConfig.ready(), with the test of who may follow or read it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
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


# Actions on a child, shown where another app lists the child ------------------------------------


@dataclass(frozen=True)
class ChildAction:
    label: str  # translated
    url: str
    primary: bool = False  # the thing to do next (shown as the main button)


# provider(user, children, context) -> {child id: action}. `context` says where the children are
# shown ({"source": "screening", "risk": "high"}, {"source": "worklist"}), so the target page can
# preset itself. Providers take the whole list so a worklist costs one query per provider, and
# answer only for users allowed to act (an empty dict otherwise).
ChildActionProvider = Callable[[Any, Sequence[Any], Mapping[str, str]], dict[int, ChildAction]]

_action_providers: dict[str, tuple[int, ChildActionProvider]] = {}


def register_child_action(name: str, provider: ChildActionProvider, order: int = 100) -> None:
    """Offer an action on children listed by other apps (call from AppConfig.ready())."""
    _action_providers[name] = (order, provider)


def child_actions_for(
    user: Any, children: Sequence[Any], **context: str
) -> dict[int, list[ChildAction]]:
    """Every registered action for each child (by id) the user may take, in order."""
    actions: dict[int, list[ChildAction]] = {child.pk: [] for child in children}
    if not children:
        return actions
    for _order, provider in sorted(_action_providers.values(), key=lambda item: item[0]):
        for child_id, action in provider(user, children, context).items():
            actions.setdefault(child_id, []).append(action)
    return actions


# The child's timeline ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    """One thing that happened to the child, as one app tells it."""

    on: dt.date  # the local day it happened
    domain: str  # the registering source's domain
    text: str  # translated, free of anything the reader may not see
    url: str = ""  # where to read more, if the reader may
    by: str = ""  # the username who recorded it, when known
    at: dt.datetime | None = None  # the moment, when known: orders entries within a day


# provider(user, child) -> entries. The caller has read the child through registry.access; the
# provider answers only what this user may read of its domain (an empty list otherwise).
TimelineProvider = Callable[[Any, Any], list[TimelineEntry]]


@dataclass(frozen=True)
class TimelineSource:
    domain: str
    label: Any  # a lazy translation, shown in the filter
    provider: TimelineProvider
    order: int = 100


_timeline_sources: dict[str, TimelineSource] = {}


def register_timeline_source(
    domain: str, label: Any, provider: TimelineProvider, order: int = 100
) -> None:
    """Add an app's entries to every child's timeline (call from AppConfig.ready())."""
    _timeline_sources[domain] = TimelineSource(domain, label, provider, order)


def timeline_domains() -> list[tuple[str, str]]:
    """(domain, label) of every registered source, in their order, for the filter."""
    sources = sorted(_timeline_sources.values(), key=lambda s: (s.order, s.domain))
    return [(source.domain, str(source.label)) for source in sources]


def _newest_first(entry: TimelineEntry) -> tuple[dt.date, float]:
    return (entry.on, entry.at.timestamp() if entry.at else 0.0)


def child_timeline(
    user: Any, child: Any, *, domain: str = "", limit: int = 300
) -> list[TimelineEntry]:
    """Every source's entries for the child that the user may read, newest first; with
    `domain`, that source's only (an unknown domain gives nothing)."""
    sources = sorted(_timeline_sources.values(), key=lambda s: (s.order, s.domain))
    entries: list[TimelineEntry] = []
    for source in sources:
        if domain and source.domain != domain:
            continue
        entries += source.provider(user, child)
    entries.sort(key=_newest_first, reverse=True)
    return entries[:limit]


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
