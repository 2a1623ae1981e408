"""Screening rule sets: versioned JSON files under `assessment/rules/`, validated on load.

A rule set lists the factors that count, each with its weight (points), an optional floor on the
level ("at_least"), its parameters, its reason in every site language and its sources; and the
scores from which the level is medium or high. A file is never edited once screenings were made
with it: change it by adding `screening-v2.json`. Each screening records the version and a digest
of the file, so a screening can always be explained with the rules it was made with.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import get_language

from kinlink.assessment.screening import providers

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"
FORMAT = "kinlink.screening/1"
LEVELS = ("low", "medium", "high")  # in order of concern
FILE_NAME = re.compile(r"^screening-v(\d+)\.json$")

_TOP_KEYS = {"format", "version", "title", "note", "levels", "factors"}
_FACTOR_KEYS = {"code", "label", "reason", "weight", "at_least", "params", "sources"}
_REQUIRED_FACTOR_KEYS = {"code", "label", "reason", "weight", "sources"}
MAX_WEIGHT = 10
_KINDS = {
    int: "a whole number, like",
    float: "a number, like",
    list: "a list, like",
    str: "text, like",
}


class RuleSetError(ValueError):
    """A rule-set file that cannot be used; the message names the file and the place."""


@dataclass(frozen=True)
class Text:
    """A text given in the data in several languages."""

    by_language: dict[str, str]

    def __str__(self) -> str:
        language = (get_language() or settings.LANGUAGE_CODE).lower()
        for code in (language, language.split("-")[0], settings.LANGUAGE_CODE, "en"):
            if code in self.by_language:
                return self.by_language[code]
        return next(iter(self.by_language.values()))


@dataclass(frozen=True)
class Factor:
    code: str
    label: Text
    reason: Text
    weight: int
    at_least: str | None  # "medium" or "high": the level is at least this when present
    params: dict[str, Any]  # with the provider's defaults filled in
    sources: tuple[str, ...]


@dataclass(frozen=True)
class RuleSet:
    version: str  # "screening-v1"
    number: int
    digest: str  # the first 16 hex digits of the file's SHA-256
    text: str  # the file as read, kept with the screenings (storage.rules_record)
    title: Text
    note: Text
    medium_from: int
    high_from: int
    factors: tuple[Factor, ...]

    def factor(self, code: str) -> Factor | None:
        return next((f for f in self.factors if f.code == code), None)

    def level_for(self, score: int, floors: list[str]) -> str:
        level = (
            "high" if score >= self.high_from else "medium" if score >= self.medium_from else "low"
        )
        for floor in floors:
            if LEVELS.index(floor) > LEVELS.index(level):
                level = floor
        return level


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _text(value: Any, where: str) -> Text:
    if not isinstance(value, dict):
        raise RuleSetError(f"{where}: give the text as {{language: text}}")
    missing = [code for code in _languages() if not str(value.get(code, "")).strip()]
    if missing:
        raise RuleSetError(f"{where}: the text is missing in {', '.join(missing)}")
    unknown = sorted(set(value) - set(_languages()))
    if unknown:
        raise RuleSetError(f"{where}: unknown language {', '.join(unknown)}")
    return Text({code: str(text).strip() for code, text in value.items()})


def _check_keys(data: dict[str, Any], allowed: set[str], required: set[str], where: str) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise RuleSetError(
            f"{where}: unknown key {', '.join(map(repr, unknown))}; "
            f"allowed: {', '.join(sorted(allowed))}"
        )
    missing = sorted(required - set(data))
    if missing:
        raise RuleSetError(f"{where}: missing {', '.join(map(repr, missing))}")


def _factor(data: Any, index: int, name: str, strict: bool = True) -> Factor:
    where = f"{name}: factor {index}"
    if not isinstance(data, dict):
        raise RuleSetError(f"{where}: each factor is an object")
    code = data.get("code")
    if isinstance(code, str):
        where = f"{name}: factor {index} ({code})"
    _check_keys(data, _FACTOR_KEYS, _REQUIRED_FACTOR_KEYS, where)
    provider = providers.provider_for(code) if isinstance(code, str) else None
    if provider is None and strict:
        known = ", ".join(sorted(providers.registered_codes()))
        raise RuleSetError(f"{where}: unknown factor {code!r}; known factors: {known}")
    weight = data["weight"]
    if not isinstance(weight, int) or isinstance(weight, bool) or not 0 <= weight <= MAX_WEIGHT:
        raise RuleSetError(f"{where}: the weight must be a whole number from 0 to {MAX_WEIGHT}")
    at_least = data.get("at_least")
    if at_least is not None and at_least not in ("medium", "high"):
        raise RuleSetError(f'{where}: at_least must be "medium", "high" or null')
    params = data.get("params") or {}
    if not isinstance(params, dict):
        raise RuleSetError(f"{where}: params must be an object")
    for key, value in params.items() if provider is not None else ():
        if key not in provider.params:
            accepted = ", ".join(sorted(provider.params)) or "none"
            raise RuleSetError(f"{where}: unknown parameter {key!r}; accepted: {accepted}")
        default = provider.params[key]
        if type(value) is not type(default) and not (
            isinstance(default, float) and isinstance(value, int)
        ):
            raise RuleSetError(
                f"{where}: parameter {key!r} must be {_KINDS.get(type(default), 'like')} "
                f"{default!r}"
            )
    sources = data["sources"]
    if (
        not isinstance(sources, list)
        or not sources
        or not all(isinstance(s, str) and s.strip() for s in sources)
    ):
        raise RuleSetError(f"{where}: give at least one source, as a list of citations")
    return Factor(
        code=code,
        label=_text(data["label"], f"{where} label"),
        reason=_text(data["reason"], f"{where} reason"),
        weight=weight,
        at_least=at_least,
        params=provider.with_defaults(params) if provider is not None else dict(params),
        sources=tuple(s.strip() for s in sources),
    )


def parse(text: str, name: str, *, strict: bool = True) -> RuleSet:
    """Validate a rule set's text; raise RuleSetError naming the first problem.

    Not strict: a rule set stored with old screenings, read to explain them, may name factors
    whose provider is no longer installed."""
    match = FILE_NAME.match(name)
    if not match:
        raise RuleSetError(f"{name}: rule-set files are named screening-v<number>.json")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RuleSetError(f"{name}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    if not isinstance(data, dict):
        raise RuleSetError(f"{name}: the file must hold one JSON object")
    _check_keys(data, _TOP_KEYS, _TOP_KEYS, name)
    if data["format"] != FORMAT:
        raise RuleSetError(f"{name}: format must be {FORMAT!r}")
    version = name.removesuffix(".json")
    if data["version"] != version:
        raise RuleSetError(f"{name}: version says {data['version']!r}, the file name {version!r}")
    levels = data["levels"]
    if not isinstance(levels, dict) or set(levels) != {"medium", "high"}:
        raise RuleSetError(f"{name}: levels must give the scores for exactly medium and high")
    medium, high = levels["medium"], levels["high"]
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (medium, high)) or not (
        0 < medium < high
    ):
        raise RuleSetError(f"{name}: levels must be whole numbers with 0 < medium < high")
    if not isinstance(data["factors"], list) or not data["factors"]:
        raise RuleSetError(f"{name}: factors must be a non-empty list")
    factors = tuple(_factor(f, i, name, strict) for i, f in enumerate(data["factors"], start=1))
    codes = [f.code for f in factors]
    repeated = sorted({c for c in codes if codes.count(c) > 1})
    if repeated:
        raise RuleSetError(f"{name}: factor {', '.join(repeated)} appears more than once")
    return RuleSet(
        version=version,
        number=int(match.group(1)),
        digest=hashlib.sha256(text.encode()).hexdigest()[:16],
        text=text,
        title=_text(data["title"], f"{name}: title"),
        note=_text(data["note"], f"{name}: note"),
        medium_from=medium,
        high_from=high,
        factors=factors,
    )


def _directories() -> list[Path]:
    # A deployment may add its own versions (KINLINK_SCREENING_RULES_DIR) next to the shipped ones.
    extra = getattr(settings, "KINLINK_SCREENING_RULES_DIR", "")
    return [RULES_DIR, *([Path(extra)] if extra else [])]


def _files() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for directory in _directories():
        for path in sorted(directory.glob("screening-v*.json")):
            found[path.stem] = path
    return found


@cache
def rule_set(version: str) -> RuleSet:
    """The rule set of this version, validated (cached for the life of the process)."""
    path = _files().get(version)
    if path is None:
        raise RuleSetError(f"No rule set {version!r} in {', '.join(map(str, _directories()))}")
    return parse(path.read_text(encoding="utf-8"), path.name)


def current_rule_set() -> RuleSet:
    """The rule set new screenings use: KINLINK_SCREENING_RULE_SET, else the highest version."""
    chosen = getattr(settings, "KINLINK_SCREENING_RULE_SET", "")
    if chosen:
        return rule_set(chosen)
    versions = sorted(_files(), key=lambda v: int(FILE_NAME.match(f"{v}.json").group(1)))  # type: ignore[union-attr]
    if not versions:
        raise RuleSetError("No screening rule set is installed")
    return rule_set(versions[-1])


def all_rule_sets() -> list[RuleSet]:
    return [rule_set(version) for version in _files()]
