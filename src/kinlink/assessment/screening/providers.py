"""The fact providers behind the screening factors: what each factor's value is for a child on a
date, and where it came from, or what to collect when nobody knows yet.

A provider answers for one factor code. It is a function `(child, on, params) -> Known | Unknown`
and, optionally, a set-based `batch(chunk, params) -> {child_id: Known | Unknown}` used when the
whole registry is screened (see `Chunk`). `params` are the factor's parameters from the rule set
(for example {"months": 12}), with the provider's defaults filled in.

Capability apps never import each other's models, so an app that knows a fact (the connection
app: contact and remittances; the guardianship app: legal guardians) registers its own provider
from its `AppConfig.ready()`:

    from kinlink.assessment.screening.providers import Known, Unknown, register
    register("no_contact_30_days", my_provider, batch=my_batch, params={"days": 30})

The assessment app registers *fallbacks* for every factor it knows of; a real registration
replaces a fallback whatever the order the apps are loaded in. Messages are stored with the
screening untranslated, with their parameters, and translated when shown: pass a msgid marked
with `gettext_noop` (or plain text, shown as it is). See docs/assessment.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Union

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext

from kinlink.core import amounts


@dataclass(frozen=True, slots=True)
class Known:
    """The factor's value is known: `value` True means the risk is present."""

    value: bool
    evidence: str = ""  # a msgid (gettext_noop) or plain text, %-formatted with params
    params: Mapping[str, Any] = field(default_factory=dict)  # JSON-safe: str, int, float, bool


@dataclass(frozen=True, slots=True)
class Unknown:
    """Nobody knows yet; `what_to_collect` tells the caseworker what would settle it."""

    what_to_collect: str
    params: Mapping[str, Any] = field(default_factory=dict)


Result = Union[Known, Unknown]  # noqa: UP007 -- used at run time in isinstance checks


@dataclass
class Chunk:
    """A run of children screened together: ids in ascending order, all in [first, last].

    Batch providers query by the id range (an index range scan) and keep only `ids`; `memo`
    lets providers of related factors share one query per chunk (e.g. the parents' absences),
    and `run` one computation for all the chunks of a run (e.g. the migrations open on the day).
    """

    ids: Sequence[int]
    on: dt.date
    memo: dict[str, Any] = field(default_factory=dict)
    run: dict[str, Any] = field(default_factory=dict)

    @property
    def first(self) -> int:
        return self.ids[0]

    @property
    def last(self) -> int:
        return self.ids[-1]

    def shared(self, key: str, compute: Callable[[], Any]) -> Any:
        """Computed once for this chunk."""
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]

    def shared_by_run(self, key: str, compute: Callable[[], Any]) -> Any:
        """Computed once for every chunk of the run (the same day throughout)."""
        if key not in self.run:
            self.run[key] = compute()
        return self.run[key]


Single = Callable[[Any, dt.date, Mapping[str, Any]], Result]
Batch = Callable[[Chunk, Mapping[str, Any]], Mapping[int, Result]]


@dataclass(frozen=True)
class Provider:
    code: str
    single: Single
    batch: Batch | None
    params: Mapping[str, Any]  # accepted parameter names with their defaults
    fallback: bool
    origin: str  # the module that registered it, shown by `kinlink check` and in docs

    def with_defaults(self, params: Mapping[str, Any] | None) -> dict[str, Any]:
        return {**self.params, **(params or {})}


_PROVIDERS: dict[str, Provider] = {}


def register(
    code: str,
    single: Single,
    *,
    batch: Batch | None = None,
    params: Mapping[str, Any] | None = None,
    fallback: bool = False,
) -> None:
    """Register the provider of one factor (see the module docstring).

    A fallback never replaces a real provider; a real provider replaces a fallback; two real
    providers for the same code are a configuration error.
    """
    if not code.isidentifier():
        raise ImproperlyConfigured(f"Screening factor codes are identifiers, not {code!r}")
    existing = _PROVIDERS.get(code)
    provider = Provider(
        code=code,
        single=single,
        batch=batch,
        params=dict(params or {}),
        fallback=fallback,
        origin=getattr(single, "__module__", "?"),
    )
    if existing is not None:
        if fallback:
            return
        same = (existing.single.__module__, existing.single.__qualname__) == (
            single.__module__,
            single.__qualname__,
        )
        if not existing.fallback and not same:
            raise ImproperlyConfigured(
                f"Two providers for the screening factor {code!r}: {existing.origin} and "
                f"{provider.origin}"
            )
    _PROVIDERS[code] = provider


def provider_for(code: str) -> Provider | None:
    return _PROVIDERS.get(code)


def registered_codes() -> frozenset[str]:
    return frozenset(_PROVIDERS)


def unregister(code: str) -> None:
    """Remove a provider (for tests that register their own)."""
    _PROVIDERS.pop(code, None)


def words(message: str, params: Mapping[str, Any] | None) -> str:
    """A stored message in the reader's language, its parameters filled in."""
    text = gettext(message) if message else ""
    if not params:
        return text
    values = {name: amounts.shown(value) for name, value in params.items()}
    try:
        return text % values
    except (KeyError, TypeError, ValueError):
        # A translation that lost a placeholder must not break the page: show the original.
        try:
            return message % values
        except (KeyError, TypeError, ValueError):
            return message
