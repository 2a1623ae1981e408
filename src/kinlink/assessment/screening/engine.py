"""Applying a rule set to the facts about a child: the score, the suggested level, the factors
in words, and what changed since the last screening.

The level is a suggestion. Present factors add their weight; a factor with a floor ("at_least")
lifts the level to it; unknown factors add nothing but are listed with what to collect, and the
screen says how high the level could be if they turned out present: unknown is never "no risk".
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_noop

from kinlink.assessment.screening import providers
from kinlink.assessment.screening.providers import Chunk, Known, Result, Unknown
from kinlink.assessment.screening.rules import LEVELS, Factor, RuleSet

PRESENT, ABSENT, UNKNOWN = "present", "absent", "unknown"
# How a state is stored: one letter (a million screenings of thirteen factors add up).
LETTER = {PRESENT: "p", ABSENT: "a", UNKNOWN: "u"}
STATE = {letter: state for state, letter in LETTER.items()}

FAILED_PROVIDER = gettext_noop(
    "The source of this fact could not be read; ask an administrator to check the server log."
)
NO_ANSWER = gettext_noop("The source of this fact gave no answer for this child.")
NOT_IN_BULK = gettext_noop(
    "This fact is read child by child and was left out of the screen of the whole registry: "
    "screen the child again from his or her page to read it."
)


@dataclass(frozen=True)
class Outcome:
    """A screening before it is saved."""

    rule_set: RuleSet
    factors: dict[str, dict[str, Any]]  # {code: {"state", "msg", "params"}} in rule-set order
    score: int
    level: str
    possible_level: str  # the level if every unknown factor turned out present
    unknown_count: int

    def messages(self) -> set[str]:
        return {e["msg"] for e in self.factors.values() if e["msg"]}

    def stored(self, text_ids: Mapping[str, int]) -> list[list[Any]]:
        """The factors as stored (see `Screening.factors`), given the ids of their texts."""
        return [encode(self.factors[f.code], text_ids) for f in self.rule_set.factors]


def encode(entry: Mapping[str, Any], text_ids: Mapping[str, int]) -> list[Any]:
    """An entry {"state", "msg", "params"} as stored: [state letter, text id(, params)]."""
    stored: list[Any] = [LETTER[entry["state"]], text_ids[entry["msg"]] if entry["msg"] else 0]
    if entry["params"]:
        stored.append(entry["params"])
    return stored


def decode(stored: Sequence[Any], texts: Mapping[int, str]) -> dict[str, Any]:
    return {
        "state": STATE.get(stored[0], UNKNOWN),
        "msg": texts.get(stored[1], "") if len(stored) > 1 else "",
        "params": stored[2] if len(stored) > 2 else {},
    }


def _entry(result: Result) -> dict[str, Any]:
    if isinstance(result, Known):
        return {
            "state": PRESENT if result.value else ABSENT,
            "msg": result.evidence,
            "params": dict(result.params),
        }
    return {"state": UNKNOWN, "msg": result.what_to_collect, "params": dict(result.params)}


def _level(rule_set: RuleSet, factors: Sequence[Factor], states: Sequence[str]) -> tuple[int, str]:
    score = 0
    floors = []
    for factor, state in zip(factors, states, strict=True):
        if state == PRESENT:
            score += factor.weight
            if factor.at_least:
                floors.append(factor.at_least)
    return score, rule_set.level_for(score, floors)


def evaluate(rule_set: RuleSet, results: Mapping[str, Result]) -> Outcome:
    """Score the provider results (one per factor of the rule set; a missing one is unknown)."""
    entries = {f.code: _entry(results.get(f.code) or Unknown(NO_ANSWER)) for f in rule_set.factors}
    states = [entries[f.code]["state"] for f in rule_set.factors]
    score, level = _level(rule_set, rule_set.factors, states)
    worst = [PRESENT if s == UNKNOWN else s for s in states]
    _, possible = _level(rule_set, rule_set.factors, worst)
    return Outcome(
        rule_set=rule_set,
        factors=entries,
        score=score,
        level=level,
        possible_level=possible,
        unknown_count=states.count(UNKNOWN),
    )


def facts_for(child: Any, on: dt.date, rule_set: RuleSet) -> dict[str, Result]:
    """Ask each factor's provider about one child. A provider that fails makes its factor
    unknown (and is logged without the child's data) rather than stopping the screen."""
    results: dict[str, Result] = {}
    for factor in rule_set.factors:
        provider = providers.provider_for(factor.code)
        if provider is None:
            results[factor.code] = Unknown(NO_ANSWER)
            continue
        try:
            results[factor.code] = provider.single(child, on, factor.params)
        except Exception as exc:
            _log_provider_failure(factor.code, exc)
            results[factor.code] = Unknown(FAILED_PROVIDER)
    return results


def _log_provider_failure(code: str, exc: BaseException) -> None:
    import logging
    import traceback

    # The stack without the message, which may quote a child's data.
    frames = "".join(traceback.format_tb(exc.__traceback__))
    logging.getLogger(__name__).error(
        "Screening provider %s failed with %s\n%s", code, type(exc).__name__, frames
    )


def screen_one(child: Any, on: dt.date, rule_set: RuleSet) -> Outcome:
    return evaluate(rule_set, facts_for(child, on, rule_set))


# The set-based path ------------------------------------------------------------------------


class _TextIds(dict):  # type: ignore[type-arg]
    """{message: id}, asking `text_id` once for each message not seen yet."""

    def __init__(self, text_id: Any) -> None:
        super().__init__()
        self.text_id = text_id

    def __missing__(self, message: str) -> int:
        self[message] = value = self.text_id(message)
        return value


class BatchScorer:
    """Scores many children fast: the same rules as `evaluate`, with the JSON of each factor's
    entry built once per distinct answer object (providers share answers between children: a
    constant, or one object per date, see builtin), and the level from precomputed weights."""

    def __init__(self, rule_set: RuleSet, text_id: Any) -> None:
        """`text_id(message)` gives the stored id of a message (storing it if new)."""
        self.rule_set = rule_set
        self.text_ids = _TextIds(text_id)
        self.factors = rule_set.factors
        self.weights = [f.weight for f in rule_set.factors]
        self.floors = [LEVELS.index(f.at_least) if f.at_least else 0 for f in rule_set.factors]
        # One cache per factor: id(answer) -> (JSON, state, answer). Holding the answer keeps
        # its id from being reused by another object while it is cached.
        self._caches: list[dict[int, tuple[str, str, Result]]] = [{} for _ in rule_set.factors]

    def fragment(self, index: int, result: Result) -> tuple[str, str]:
        cache = self._caches[index]
        cached = cache.get(id(result))
        if cached is not None and cached[2] is result:
            return cached[0], cached[1]
        entry = _entry(result)
        stored = encode(entry, self.text_ids)
        text = json.dumps(stored, ensure_ascii=False, separators=(",", ":"))
        if len(cache) > 50_000:
            cache.clear()
        cache[id(result)] = (text, entry["state"], result)
        return text, entry["state"]

    def _level(self, score: int, floor: int) -> str:
        rules = self.rule_set
        level = 2 if score >= rules.high_from else 1 if score >= rules.medium_from else 0
        return LEVELS[max(level, floor)]

    def score(self, answers: Sequence[Result]) -> tuple[str, int, str, str, int]:
        """(factors JSON, score, level, possible level, unknown count) for one child."""
        parts = []
        score = worst = floor = worst_floor = unknown = 0
        for index, result in enumerate(answers):
            cached = self._caches[index].get(id(result))
            if cached is not None and cached[2] is result:
                text, state = cached[0], cached[1]
            else:
                text, state = self.fragment(index, result)
            parts.append(text)
            if state == PRESENT:
                score += self.weights[index]
                worst += self.weights[index]
                floor = max(floor, self.floors[index])
                worst_floor = max(worst_floor, self.floors[index])
            elif state == UNKNOWN:
                unknown += 1
                worst += self.weights[index]
                worst_floor = max(worst_floor, self.floors[index])
        level = self._level(score, floor)
        possible = self._level(worst, worst_floor) if unknown else level
        return "[" + ",".join(parts) + "]", score, level, possible, unknown


def batch_facts(
    chunk: Chunk,
    rule_set: RuleSet,
    load_children: Any,
    *,
    per_child: bool = True,
    failed: list[str] | None = None,
) -> list[tuple[Result, ...]]:
    """Every factor's answer for every child of the chunk, in rule-set order.

    Providers without a batch function are asked child by child (`load_children(ids)` gives the
    Child objects) when `per_child` is true: correct but slow. Otherwise their factor is unknown,
    saying so, which is what a screen of a whole large registry does. A provider that fails
    leaves its factor unknown for the chunk; its code is appended to `failed`.
    """
    columns: list[Mapping[int, Result]] = []
    loaded: dict[int, Any] | None = None
    for factor in rule_set.factors:
        provider = providers.provider_for(factor.code)
        try:
            if provider is None:
                column: Mapping[int, Result] = {}
            elif provider.batch is not None:
                column = provider.batch(chunk, factor.params)
            elif not per_child:
                column = dict.fromkeys(chunk.ids, Unknown(NOT_IN_BULK))
            else:
                if loaded is None:
                    loaded = load_children(chunk.ids)
                column = {
                    pk: provider.single(child, chunk.on, factor.params)
                    for pk, child in loaded.items()
                }
        except Exception as exc:
            _log_provider_failure(factor.code, exc)
            if failed is not None:
                failed.append(factor.code)
            column = dict.fromkeys(chunk.ids, Unknown(FAILED_PROVIDER))
        columns.append(column)
    missing = Unknown(NO_ANSWER)
    # Column by column, then zip: a third of the time of a list per child built in Python.
    aligned = [[column.get(pk, missing) for pk in chunk.ids] for column in columns]
    return list(zip(*aligned, strict=True))


# What changed ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FactorChange:
    code: str
    before: dict[str, Any] | None  # the stored entry, or None if the factor was not screened
    after: dict[str, Any] | None

    @property
    def before_state(self) -> str | None:
        return self.before["state"] if self.before else None

    @property
    def after_state(self) -> str | None:
        return self.after["state"] if self.after else None


@dataclass(frozen=True)
class Changes:
    previous_on: dt.date
    level_before: str
    level_after: str
    rule_set_before: str
    rule_set_after: str
    added: list[FactorChange]  # now present, not before
    removed: list[FactorChange]  # present before, not now
    changed: list[FactorChange]  # other changes: known <-> unknown, different evidence

    @property
    def level_changed(self) -> bool:
        return self.level_before != self.level_after

    @property
    def level_rose(self) -> bool:
        return LEVELS.index(self.level_after) > LEVELS.index(self.level_before)

    @property
    def nothing(self) -> bool:
        return not (self.level_changed or self.added or self.removed or self.changed)


def compare(
    previous_factors: Mapping[str, dict[str, Any]],
    current_factors: Mapping[str, dict[str, Any]],
) -> tuple[list[FactorChange], list[FactorChange], list[FactorChange]]:
    """Added, removed and changed factors between two screenings' stored entries.

    Only the state and the message count as a change: a parameter alone (14 months away, then
    15) is the same fact a month on, not news.
    """
    added, removed, changed = [], [], []
    for code in _ordered_union(current_factors, previous_factors):
        before, after = previous_factors.get(code), current_factors.get(code)
        was = before["state"] if before else None
        now = after["state"] if after else None
        change = FactorChange(code, before, after)
        if now == PRESENT and was != PRESENT:
            added.append(change)
        elif was == PRESENT and now != PRESENT:
            removed.append(change)
        elif was != now or (before and after and before.get("msg") != after.get("msg")):
            changed.append(change)
    return added, removed, changed


def _ordered_union(*mappings: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for mapping in mappings:
        for key in mapping:
            seen.setdefault(key, None)
    return list(seen)
