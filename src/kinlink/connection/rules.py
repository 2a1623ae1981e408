"""Social-assistance programmes as data: loading and validating the rule files.

Each file in the rules directory (`connection/rules/` unless settings name another) holds one
programme version, in JSON or YAML. Every clause carries its source. A file that does not hold
is rejected as a whole with a message naming the file and the field; docs/connection.md shows
the format and `kinlink connection_rules` checks a directory.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.utils import translation

from kinlink.connection import conf

SUFFIXES = (".json", ".yaml", ".yml")


class Measure:
    """Which income the means test uses for remittances."""

    SMOOTHED = "smoothed"  # the average over the smoothing window, months without as zero
    SINGLE_MONTH = "single_month"  # what arrived in the month tested

    ALL = (SMOOTHED, SINGLE_MONTH)


class Criterion:
    """Categorical criteria Kinlink can establish from the registry's facts."""

    LEFT_BEHIND_CHILD = "left_behind_child"  # a child of the household has a parent away
    BOTH_PARENTS_AWAY = "both_parents_away"  # a child of the household has both parents away
    CHILD_HEADED = "child_headed"  # a child cares for themselves or is cared for by a sibling

    ALL = (LEFT_BEHIND_CHILD, BOTH_PARENTS_AWAY, CHILD_HEADED)


class Effect:
    QUALIFIES = "qualifies"  # meets the programme whatever the income
    THRESHOLD_UPLIFT = "threshold_uplift"  # raises the income threshold by a percentage

    ALL = (QUALIFIES, THRESHOLD_UPLIFT)


@dataclass(frozen=True)
class CategoricalRule:
    criterion: str
    effect: str
    percent: Decimal  # for threshold_uplift; 0 otherwise
    source: str


@dataclass(frozen=True)
class Programme:
    id: str
    version: str
    names: Mapping[str, str]
    source: str
    currency: str
    valid_from: dt.date
    valid_until: dt.date | None
    threshold: Decimal  # income per person per month, in `currency`
    threshold_source: str
    measure: str
    smoothing_months: int
    single_month_penalty_months: int  # months a failed monthly test keeps a household out
    count_members_away: bool
    min_members: int
    min_children: int
    composition_source: str
    max_assets_per_person: Decimal | None
    assets_source: str
    categorical: tuple[CategoricalRule, ...]
    file: str

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"

    @property
    def name(self) -> str:
        """The name in the active language, else English, else the first given."""
        language = translation.get_language() or "en"
        for code in (language, language.split("-")[0], "en"):
            if code in self.names:
                return self.names[code]
        return next(iter(self.names.values()))

    def in_force(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_until is None or on <= self.valid_until)


class RuleFileError(ValueError):
    """A rule file does not hold; the message names the file and each bad field."""


class _Reader:
    """Reads fields of one file's mapping, collecting every problem before failing."""

    def __init__(self, data: Any, file: str) -> None:
        self.file = file
        self.problems: list[str] = []
        self.data = data if isinstance(data, dict) else {}
        if not isinstance(data, dict):
            self.problems.append("the file must hold one mapping of fields")

    def _at(self, data: dict[str, Any], path: str) -> Any:
        return data.get(path.rsplit(".", 1)[-1])

    def problem(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    def section(self, path: str, *, required: bool = True) -> dict[str, Any]:
        value = self.data.get(path)
        if value is None and not required:
            return {}
        if not isinstance(value, dict):
            self.problem(path, "must be a mapping of fields")
            return {}
        return value

    def text(self, data: dict[str, Any], path: str, *, required: bool = True) -> str:
        value = self._at(data, path)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem(path, "is required")
            return ""
        if not isinstance(value, str | int | float):
            self.problem(path, "must be text")
            return ""
        return str(value).strip()

    def decimal(
        self,
        data: dict[str, Any],
        path: str,
        *,
        required: bool = True,
        minimum: Decimal = Decimal(0),
    ) -> Decimal | None:
        value = self._at(data, path)
        if value is None:
            if required:
                self.problem(path, "is required")
            return None
        if isinstance(value, bool | float):
            # Floats lose cents; amounts are written as strings ("650.00") or whole numbers.
            self.problem(path, 'must be a whole number or a quoted decimal such as "650.00"')
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            self.problem(path, f"{value!r} is not a number")
            return None
        if not number.is_finite() or number < minimum:
            self.problem(path, f"must be at least {minimum}")
            return None
        return number

    def integer(
        self, data: dict[str, Any], path: str, *, default: int, minimum: int, maximum: int
    ) -> int:
        value = self._at(data, path)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(path, "must be a whole number")
            return default
        if not minimum <= value <= maximum:
            self.problem(path, f"must be between {minimum} and {maximum}")
            return default
        return value

    def boolean(self, data: dict[str, Any], path: str, *, default: bool) -> bool:
        value = self._at(data, path)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.problem(path, "must be true or false")
            return default
        return value

    def date(self, data: dict[str, Any], path: str, *, required: bool) -> dt.date | None:
        value = self._at(data, path)
        if value is None:
            if required:
                self.problem(path, "is required")
            return None
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.problem(path, f"{value!r} is not a date (YYYY-MM-DD)")
            return None

    def choice(
        self, data: dict[str, Any], path: str, choices: tuple[str, ...], default: str
    ) -> str:
        value = self._at(data, path)
        if value is None:
            return default
        if value not in choices:
            self.problem(path, f"{value!r} is not one of {', '.join(choices)}")
            return default
        return str(value)


def parse_programme(data: Any, *, file: str) -> Programme:
    """A Programme from a file's parsed content; RuleFileError listing every problem."""
    r = _Reader(data, file)
    top = r.data
    programme_id = r.text(top, "id")
    names_raw = top.get("name")
    names: dict[str, str] = {}
    if isinstance(names_raw, str) and names_raw.strip():
        names = {"en": names_raw.strip()}
    elif isinstance(names_raw, dict) and names_raw:
        names = {str(k): str(v) for k, v in names_raw.items() if str(v).strip()}
    if not names:
        r.problem("name", "is required: text, or a mapping of language code to text")
    currency = r.text(top, "currency")
    if currency and currency != conf.home_currency():
        r.problem(
            "currency",
            f"is {currency} but amounts are converted to {conf.home_currency()} "
            "(KINLINK_HOME_CURRENCY): write the thresholds in that currency",
        )
    valid_from = r.date(top, "valid_from", required=True)
    valid_until = r.date(top, "valid_until", required=False)
    if valid_from and valid_until and valid_until < valid_from:
        r.problem("valid_until", "is before valid_from")

    income = r.section("income")
    threshold = r.decimal(income, "income.threshold_per_person_month", minimum=Decimal("0.01"))
    composition = r.section("composition", required=False)
    assets = r.section("assets", required=False)
    max_assets = r.decimal(assets, "assets.max_per_person", required=False)

    categorical: list[CategoricalRule] = []
    raw_rules = top.get("categorical") or []
    if not isinstance(raw_rules, list):
        r.problem("categorical", "must be a list")
        raw_rules = []
    for index, item in enumerate(raw_rules):
        path = f"categorical[{index}]"
        if not isinstance(item, dict):
            r.problem(path, "must be a mapping of fields")
            continue
        criterion = r.choice(item, f"{path}.criterion", Criterion.ALL, "")
        if not item.get("criterion"):
            r.problem(f"{path}.criterion", f"is required: one of {', '.join(Criterion.ALL)}")
        effect = r.choice(item, f"{path}.effect", Effect.ALL, "")
        if not item.get("effect"):
            r.problem(f"{path}.effect", f"is required: one of {', '.join(Effect.ALL)}")
        percent = Decimal(0)
        if effect == Effect.THRESHOLD_UPLIFT:
            percent = r.decimal(item, f"{path}.percent", minimum=Decimal("0.01")) or Decimal(0)
        categorical.append(
            CategoricalRule(
                criterion=criterion,
                effect=effect,
                percent=percent,
                source=r.text(item, f"{path}.source"),
            )
        )

    programme = Programme(
        id=programme_id,
        version=r.text(top, "version"),
        names=names,
        source=r.text(top, "source"),
        currency=currency,
        valid_from=valid_from or dt.date.min,
        valid_until=valid_until,
        threshold=threshold or Decimal(0),
        threshold_source=r.text(income, "income.source"),
        measure=r.choice(income, "income.measure", Measure.ALL, Measure.SMOOTHED),
        smoothing_months=r.integer(
            income, "income.smoothing_months", default=12, minimum=1, maximum=24
        ),
        single_month_penalty_months=r.integer(
            income, "income.single_month_penalty_months", default=0, minimum=0, maximum=24
        ),
        count_members_away=r.boolean(income, "income.count_members_away", default=False),
        min_members=r.integer(
            composition, "composition.min_members", default=1, minimum=1, maximum=50
        ),
        min_children=r.integer(
            composition, "composition.min_children", default=0, minimum=0, maximum=50
        ),
        composition_source=r.text(composition, "composition.source", required=bool(composition)),
        max_assets_per_person=max_assets,
        assets_source=r.text(assets, "assets.source", required=bool(assets)),
        categorical=tuple(categorical),
        file=file,
    )
    if r.problems:
        raise RuleFileError(f"{file}: " + "; ".join(r.problems))
    return programme


def read_file(path: Path) -> Programme:
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, yaml.YAMLError) as exc:
        raise RuleFileError(f"{path.name}: cannot be read: {exc}") from exc
    return parse_programme(data, file=path.name)


def load_programmes(directory: Path) -> list[Programme]:
    """Every programme version in the directory; RuleFileError naming each bad file."""
    programmes: list[Programme] = []
    problems: list[str] = []
    for path in sorted(directory.iterdir()) if directory.is_dir() else []:
        if path.suffix not in SUFFIXES:
            continue
        try:
            programmes.append(read_file(path))
        except RuleFileError as exc:
            problems.append(str(exc))
    seen: dict[str, str] = {}
    for programme in programmes:
        if programme.key in seen:
            problems.append(
                f"{programme.file}: {programme.key} is also defined in {seen[programme.key]}"
            )
        seen[programme.key] = programme.file
    if problems:
        raise RuleFileError("\n".join(problems))
    return programmes


@lru_cache(maxsize=4)
def _cached(directory: str, stamp: tuple[tuple[str, float], ...]) -> tuple[Programme, ...]:
    return tuple(load_programmes(Path(directory)))


def programmes_in_force(on: dt.date, directory: Path | None = None) -> list[Programme]:
    """For each programme, the version in force on the day, ordered by name.

    Files are re-read when one changes (the cache key holds their modification times)."""
    directory = directory or conf.rules_dir()
    files = sorted(directory.glob("*")) if directory.is_dir() else []
    stamp = tuple((p.name, p.stat().st_mtime) for p in files if p.suffix in SUFFIXES)
    latest: dict[str, Programme] = {}
    for programme in _cached(str(directory), stamp):
        if not programme.in_force(on):
            continue
        current = latest.get(programme.id)
        if current is None or programme.valid_from > current.valid_from:
            latest[programme.id] = programme
    return sorted(latest.values(), key=lambda p: p.name)
