"""What other apps add to a child's page: links to the pages they keep about the child, and
their entries in the child's one timeline.

The registry never imports the capability apps; each registers its link and its timeline source
here from its AppConfig.ready(), with the test of who may follow or read it.
"""

from __future__ import annotations

import datetime as dt
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
