"""Well-being screeners as data packs (`assessment/instruments/*.json`): items in each language,
options, reverse-keyed items, bands, flags, licence and citation; and their scoring.

Two kinds of pack:
* "items": the instrument may be given on screen (its licence allows embedding): CES-DC, PHQ-A,
  GAD-7, WHO-5. Kinlink scores the answers.
* "scores_only": the publisher forbids electronic versions (the SDQ): a practitioner scores the
  paper form and enters the scale scores and the band read from the norms; no item is stored.

A band suggests; it never sets a risk level. A flag with "action": "safety_alert" makes the
service raise a safety alert whatever the total (PHQ-A item 9 above 0). A deployment adds or
replaces packs (an operator-supplied pack carrying its licence) in KINLINK_INSTRUMENTS_DIR.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from kinlink.assessment.screening.rules import Text

PACKS_DIR = Path(__file__).resolve().parent / "instruments"
FORMAT = "kinlink.instrument/1"
TRANSLATION_STATUSES = {
    "official": "the publisher's own wording or official translation, checked",
    "believed-official": "meant to be the official wording; not checked against the form here",
    "unverified": "a translation of unknown or unchecked provenance: review before use",
    "missing": "no text in this language: the items are shown in English",
}
ACTIONS = {"suggest", "safety_alert"}

_TOP = {
    "format", "code", "version", "kind", "name", "short_name", "ages", "licence", "copyright",
    "citations", "translation_status", "instructions", "options", "items", "parameters",
    "scoring", "bands", "flags", "scales", "informants",
}  # fmt: skip
_REQUIRED = {"format", "code", "version", "kind", "name", "short_name", "licence", "citations"}


class PackError(ValueError):
    """A pack file that cannot be used; the message names the file and the place."""


class AnswerError(ValueError):
    """Answers that cannot be scored; `field` names the item (item_4) or scale."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Option:
    value: int
    label: Text


@dataclass(frozen=True)
class Item:
    number: int
    text: dict[str, str]  # by language; English always present
    reverse: bool
    keep_answer: bool


@dataclass(frozen=True)
class Band:
    code: str
    low: int
    high: int
    label: Text
    note: Text | None  # what the band suggests doing

    def holds(self, score: int) -> bool:
        return self.low <= score <= self.high


@dataclass(frozen=True)
class Flag:
    code: str
    label: Text
    action: str
    score_above: int | None = None
    score_at_least: int | None = None
    item: int | None = None
    item_above: int | None = None


@dataclass(frozen=True)
class Scale:
    code: str
    label: Text
    low: int
    high: int
    required: bool


@dataclass(frozen=True)
class Pack:
    code: str
    version: str
    kind: str  # "items" or "scores_only"
    name: Text
    short_name: str
    ages: tuple[int, int] | None
    licence: Text
    copyright: str
    citations: tuple[str, ...]
    translation_status: dict[str, dict[str, str]]  # {language: {"status", "note"}}
    instructions: Text | None
    options: tuple[Option, ...]
    items: tuple[Item, ...]
    parameters: dict[str, int]
    multiplier: int
    bands: tuple[Band, ...]
    flags: tuple[Flag, ...]
    scales: tuple[Scale, ...]
    informants: tuple[str, ...]

    @property
    def max_score(self) -> int:
        if not self.items:
            return 0
        top = max(o.value for o in self.options)
        return top * len(self.items) * self.multiplier

    def band_for(self, score: int) -> Band | None:
        return next((b for b in self.bands if b.holds(score)), None)

    def band(self, code: str) -> Band | None:
        return next((b for b in self.bands if b.code == code), None)

    def flag(self, code: str) -> Flag | None:
        return next((f for f in self.flags if f.code == code), None)

    def item_text(self, item: Item, language: str) -> str:
        return item.text.get(language) or item.text["en"]

    def status_for(self, language: str) -> dict[str, str]:
        return self.translation_status.get(language, {"status": "missing", "note": ""})


@dataclass(frozen=True)
class Scored:
    raw: int
    score: int
    band: Band
    flags: tuple[Flag, ...]
    kept_answers: dict[str, int]

    @property
    def safety_alert(self) -> bool:
        return any(f.action == "safety_alert" for f in self.flags)


# Loading -----------------------------------------------------------------------------------


def _languages() -> list[str]:
    return [code for code, _ in settings.LANGUAGES]


def _text(value: Any, where: str, *, all_languages: bool = True) -> Text:
    if not isinstance(value, dict) or not value.get("en"):
        raise PackError(f"{where}: give the text as {{language: text}}, English at least")
    unknown = sorted(set(value) - set(_languages()))
    if unknown:
        raise PackError(f"{where}: unknown language {', '.join(unknown)}")
    if all_languages:
        missing = [code for code in _languages() if not value.get(code)]
        if missing:
            raise PackError(f"{where}: the text is missing in {', '.join(missing)}")
    return Text({k: str(v) for k, v in value.items() if v})


def _int(value: Any, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise PackError(f"{where}: must be a whole number")
    return value


def _keys(data: dict[str, Any], allowed: set[str], required: set[str], where: str) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise PackError(f"{where}: unknown key {', '.join(map(repr, unknown))}")
    missing = sorted(required - set(data))
    if missing:
        raise PackError(f"{where}: missing {', '.join(map(repr, missing))}")


def _threshold(value: Any, parameters: dict[str, int], where: str) -> int:
    # A threshold is a number, or the name of a parameter (a configurable default), or the name
    # plus one ("flag_above+1": where the band above a cut-off starts).
    if isinstance(value, str):
        name, plus, offset = value.partition("+")
        if name not in parameters or (plus and offset != "1"):
            raise PackError(f"{where}: {value!r} is not a parameter, nor a parameter+1")
        return parameters[name] + (1 if plus else 0)
    return _int(value, where)


def parse(text: str, name: str, overrides: Mapping[str, int] | None = None) -> Pack:
    """Validate a pack's text; raise PackError naming the first problem."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PackError(f"{name}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    if not isinstance(data, dict):
        raise PackError(f"{name}: the file must hold one JSON object")
    _keys(data, _TOP, _REQUIRED, name)
    if data["format"] != FORMAT:
        raise PackError(f"{name}: format must be {FORMAT!r}")
    kind = data["kind"]
    if kind not in ("items", "scores_only"):
        raise PackError(f'{name}: kind must be "items" or "scores_only"')
    code = data["code"]
    status = data.get("translation_status") or {}
    for language in _languages():
        entry = status.get(language)
        if kind == "items" and (
            not isinstance(entry, dict) or entry.get("status") not in TRANSLATION_STATUSES
        ):
            raise PackError(
                f"{name}: translation_status.{language} must say one of "
                f"{', '.join(TRANSLATION_STATUSES)}"
            )
    parameters = {
        k: _int(v, f"{name}: parameter {k}") for k, v in (data.get("parameters") or {}).items()
    }
    for key, value in (overrides or {}).items():
        if key not in parameters:
            raise PackError(f"{name}: override of unknown parameter {key!r}")
        parameters[key] = _int(value, f"{name}: override {key}")

    options = tuple(
        Option(
            _int(o.get("value"), f"{name}: option {i}"),
            _text(o.get("label"), f"{name}: option {i}", all_languages=False),
        )
        for i, o in enumerate(data.get("options") or [], start=1)
    )
    items = []
    for i, raw in enumerate(data.get("items") or [], start=1):
        where = f"{name}: item {i}"
        if not isinstance(raw, dict):
            raise PackError(f"{where}: each item is an object")
        _keys(raw, {"number", "text", "reverse", "keep_answer"}, {"number", "text"}, where)
        if raw["number"] != i:
            raise PackError(f"{where}: items are numbered 1, 2, 3 ... in order")
        text = raw["text"]
        if not isinstance(text, dict) or not text.get("en"):
            raise PackError(f"{where}: give the text in English at least")
        for language, value in text.items():
            if language not in _languages():
                raise PackError(f"{where}: unknown language {language}")
            if status.get(language, {}).get("status") == "missing" and value:
                raise PackError(f"{where}: translation_status says {language} is missing")
        items.append(
            Item(
                i,
                {k: v for k, v in text.items() if v},
                bool(raw.get("reverse")),
                bool(raw.get("keep_answer")),
            )
        )
    if kind == "items":
        if not items or not options:
            raise PackError(f'{name}: a pack of kind "items" needs items and options')
        values = sorted(o.value for o in options)
        if values != list(range(values[0], values[-1] + 1)):
            raise PackError(f"{name}: option values must run without gaps")
        for language in _languages():
            if status[language]["status"] != "missing":
                gaps = [it.number for it in items if language not in it.text]
                if gaps:
                    raise PackError(f"{name}: items {gaps} have no {language} text")
    elif items or options:
        raise PackError(f"{name}: a scores-only pack holds no items or options")

    scoring = data.get("scoring") or {}
    _keys(scoring, {"multiplier"}, set(), f"{name}: scoring")
    multiplier = _int(scoring.get("multiplier", 1), f"{name}: scoring.multiplier")

    bands = []
    for i, raw in enumerate(data.get("bands") or [], start=1):
        where = f"{name}: band {i}"
        _keys(raw, {"code", "min", "max", "label", "note"}, {"code", "label"}, where)
        low = _threshold(raw.get("min", 0), parameters, f"{where} min")
        high = _threshold(raw.get("max", 0), parameters, f"{where} max")
        bands.append(
            Band(
                raw["code"],
                low,
                high,
                _text(raw["label"], f"{where} label"),
                _text(raw["note"], f"{where} note") if raw.get("note") else None,
            )
        )
    pack_flags = []
    for i, raw in enumerate(data.get("flags") or [], start=1):
        where = f"{name}: flag {i}"
        _keys(raw, {"code", "label", "action", "when"}, {"code", "label", "action", "when"}, where)
        if raw["action"] not in ACTIONS:
            raise PackError(f"{where}: action must be one of {', '.join(sorted(ACTIONS))}")
        when = raw["when"]
        _keys(when, {"score_above", "score_at_least", "item", "item_above"}, set(), f"{where} when")
        flag = Flag(
            code=raw["code"],
            label=_text(raw["label"], f"{where} label"),
            action=raw["action"],
            score_above=_threshold(when["score_above"], parameters, where)
            if "score_above" in when
            else None,
            score_at_least=_threshold(when["score_at_least"], parameters, where)
            if "score_at_least" in when
            else None,
            item=_int(when["item"], where) if "item" in when else None,
            item_above=_int(when["item_above"], where) if "item_above" in when else None,
        )
        if flag.item is not None and not 1 <= flag.item <= len(items):
            raise PackError(f"{where}: no item {flag.item}")
        if (flag.item is None) != (flag.item_above is None):
            raise PackError(f"{where}: give both item and item_above")
        pack_flags.append(flag)
    scales = tuple(
        Scale(
            s["code"],
            _text(s["label"], f"{name}: scale {s.get('code')}"),
            _int(s.get("min", 0), f"{name}: scale min"),
            _int(s["max"], f"{name}: scale max"),
            bool(s.get("required")),
        )
        for s in data.get("scales") or []
    )
    ages = data.get("ages")
    pack = Pack(
        code=code,
        version=str(data["version"]),
        kind=kind,
        name=_text(data["name"], f"{name}: name"),
        short_name=str(data["short_name"]),
        ages=(ages["min"], ages["max"]) if ages else None,
        licence=_text(data["licence"], f"{name}: licence"),
        copyright=str(data.get("copyright", "")),
        citations=tuple(data["citations"]),
        translation_status=status,
        instructions=_text(data["instructions"], f"{name}: instructions", all_languages=False)
        if data.get("instructions")
        else None,
        options=options,
        items=tuple(items),
        parameters=parameters,
        multiplier=multiplier,
        bands=tuple(bands),
        flags=tuple(pack_flags),
        scales=scales,
        informants=tuple(data.get("informants") or ()),
    )
    if kind == "items":
        _check_bands_cover(pack, name)
    return pack


def _check_bands_cover(pack: Pack, name: str) -> None:
    """Bands must cover every possible score once: 0 to the maximum, no gap, no overlap."""
    expected = 0
    for band in sorted(pack.bands, key=lambda b: b.low):
        if band.low != expected:
            raise PackError(f"{name}: band {band.code} starts at {band.low}, expected {expected}")
        if band.high < band.low:
            raise PackError(f"{name}: band {band.code} ends before it starts")
        expected = band.high + 1
    if expected - 1 != pack.max_score:
        raise PackError(f"{name}: the bands end at {expected - 1}, the score at {pack.max_score}")


def _directories() -> list[Path]:
    extra = getattr(settings, "KINLINK_INSTRUMENTS_DIR", "")
    return [PACKS_DIR, *([Path(extra)] if extra else [])]


@cache
def packs() -> dict[str, Pack]:
    """Every installed pack by code; a deployment's directory overrides the shipped packs."""
    found: dict[str, Pack] = {}
    overrides = getattr(settings, "KINLINK_INSTRUMENT_PARAMETERS", {}) or {}
    for directory in _directories():
        for path in sorted(directory.glob("*.json")):
            text = path.read_text(encoding="utf-8")
            code = json.loads(text).get("code", path.stem) if text.strip() else path.stem
            pack = parse(text, path.name, overrides.get(code))
            found[pack.code] = pack
    return found


def pack(code: str) -> Pack | None:
    return packs().get(code)


# Scoring -----------------------------------------------------------------------------------


def score(pack: Pack, answers: Mapping[int, Any]) -> Scored:
    """Score a complete set of answers {item number: option value}; no item may be skipped
    (none of these instruments is prorated)."""
    if pack.kind != "items":
        raise AnswerError("instrument", _("This instrument is scored on paper; enter its scores."))
    values = {o.value for o in pack.options}
    low, high = min(values), max(values)
    raw = 0
    given: dict[int, int] = {}
    for item in pack.items:
        answer = answers.get(item.number)
        if answer is None or answer == "":
            raise AnswerError(f"item_{item.number}", _("Answer item %(n)s.") % {"n": item.number})
        try:
            value = int(answer)
        except (TypeError, ValueError):
            raise AnswerError(
                f"item_{item.number}",
                _("Item %(n)s: choose one of the answers.") % {"n": item.number},
            ) from None
        if value not in values:
            raise AnswerError(
                f"item_{item.number}",
                _("Item %(n)s: choose one of the answers.") % {"n": item.number},
            )
        given[item.number] = value
        # A reverse-keyed item is worded positively: "not at all" scores highest.
        raw += (high + low - value) if item.reverse else value
    total = raw * pack.multiplier
    band = pack.band_for(total)
    if band is None:  # impossible once _check_bands_cover passed
        raise AnswerError("instrument", _("No band holds the score %(score)s.") % {"score": total})
    raised = [flag for flag in pack.flags if _raised(flag, total, given)]
    kept = {str(i.number): given[i.number] for i in pack.items if i.keep_answer}
    return Scored(raw=raw, score=total, band=band, flags=tuple(raised), kept_answers=kept)


def _raised(flag: Flag, total: int, given: Mapping[int, int]) -> bool:
    if flag.item is not None:
        return given[flag.item] > flag.item_above  # type: ignore[operator]
    if flag.score_above is not None:
        return total > flag.score_above
    return flag.score_at_least is not None and total >= flag.score_at_least


def check_scales(pack: Pack, scores: Mapping[str, Any], band: str) -> dict[str, int]:
    """Validate externally obtained scores; return them as whole numbers by scale."""
    if pack.kind != "scores_only":
        raise AnswerError("instrument", _("This instrument is given on screen, not entered."))
    clean: dict[str, int] = {}
    for scale in pack.scales:
        value = scores.get(scale.code)
        if value is None or value == "":
            if scale.required:
                raise AnswerError(
                    scale.code, _("Enter the %(scale)s score.") % {"scale": scale.label}
                )
            continue
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise AnswerError(
                scale.code,
                _("The %(scale)s score must be a whole number.") % {"scale": scale.label},
            ) from None
        if not scale.low <= number <= scale.high:
            raise AnswerError(
                scale.code,
                _("The %(scale)s score runs from %(low)s to %(high)s.")
                % {"scale": scale.label, "low": scale.low, "high": scale.high},
            )
        clean[scale.code] = number
    if pack.band(band) is None:
        raise AnswerError("band", _("Choose the band read from the norms."))
    return clean
