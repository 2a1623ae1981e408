"""What the family pack tells a family beyond its own arrangements, read from data files: what
children of each age may feel when a parent leaves and how to talk with them
(`data/age-guidance.json`), and where the caregiver can get help (`data/help-contacts.json`, or
the deployment's own file named by the setting KINLINK_PRE_DEPARTURE_HELP_FILE, plus the
township's social-work station from the places app).

Both files hold every text in every language the pack is printed in, and are checked when
loaded: a file with a gap in the ages or a missing translation fails loudly, not on a family's
paper.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from kinlink.guardianship.models import PackLanguage
from kinlink.places.models import Place, ServiceProvider
from kinlink.registry.models import Child

DATA = Path(__file__).parent / "data"
GUIDANCE_FILE = DATA / "age-guidance.json"
HELP_FILE = DATA / "help-contacts.json"
LANGUAGES = tuple(PackLanguage.values)
SITUATIONS = ("contact", "mother_away", "both_parents_away")


@dataclass(frozen=True)
class AgeBand:
    key: str
    min_age: int
    max_age: int
    title: str
    may_feel: tuple[str, ...]
    how_to_talk: tuple[str, ...]


@dataclass(frozen=True)
class Hotline:
    number: str
    name: str
    what: str


@dataclass(frozen=True)
class Guidance:
    """The guidance for one child in one language."""

    band: AgeBand
    situations: tuple[str, ...]  # the texts for the family's situation, contact first


def _text(entry: dict[str, Any], field: str, where: str) -> dict[str, Any]:
    value = entry.get(field)
    if not isinstance(value, dict) or any(not value.get(lang) for lang in LANGUAGES):
        raise ImproperlyConfigured(f"{where}: '{field}' needs a text in each of {LANGUAGES}")
    return value


@cache
def _guidance_data() -> dict[str, Any]:
    data = json.loads(GUIDANCE_FILE.read_text(encoding="utf-8"))
    where = GUIDANCE_FILE.name
    if not data.get("sources"):
        raise ImproperlyConfigured(f"{where}: name the sources")
    bands = data.get("bands") or []
    expected = 0
    for band in bands:
        label = f"{where} band {band.get('key')}"
        if band.get("min_age") != expected or band.get("max_age", -1) < expected:
            raise ImproperlyConfigured(f"{label}: the ages must run on from {expected}")
        expected = band["max_age"] + 1
        _text(band, "title", label)
        for field in ("may_feel", "how_to_talk"):
            texts = _text(band, field, label)
            if any(not isinstance(texts[lang], list) for lang in LANGUAGES):
                raise ImproperlyConfigured(f"{label}: '{field}' is a list per language")
    if expected != 18:
        raise ImproperlyConfigured(f"{where}: the bands must cover ages 0 to 17")
    for key in SITUATIONS:
        _text(data.get("situations", {}), key, f"{where} situations")
    return data


def age_band(age: int, language: str) -> AgeBand:
    """The band for a child's age in whole years (0 to 17), its texts in the language."""
    for band in _guidance_data()["bands"]:
        if band["min_age"] <= age <= band["max_age"]:
            return AgeBand(
                key=band["key"],
                min_age=band["min_age"],
                max_age=band["max_age"],
                title=band["title"][language],
                may_feel=tuple(band["may_feel"][language]),
                how_to_talk=tuple(band["how_to_talk"][language]),
            )
    raise ValueError(f"no guidance for age {age}")


def guidance_for(
    *, age: int, language: str, mother_leaving: bool, both_parents_away: bool
) -> Guidance:
    """The age band's guidance and the notes for the family's situation, in the language."""
    situations = _guidance_data()["situations"]
    keys = ["contact"]
    if mother_leaving:
        keys.append("mother_away")
    if both_parents_away:
        keys.append("both_parents_away")
    return Guidance(
        band=age_band(age, language),
        situations=tuple(situations[k][language] for k in keys),
    )


# Where to get help ------------------------------------------------------------------------------


def help_file() -> Path:
    configured = str(getattr(settings, "KINLINK_PRE_DEPARTURE_HELP_FILE", "") or "")
    return Path(configured) if configured else HELP_FILE


@cache
def _help_data(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ImproperlyConfigured(f"cannot read the help contacts file {path}: {exc}") from exc
    for i, hotline in enumerate(data.get("hotlines") or []):
        where = f"{path.name} hotline {i + 1}"
        number = str(hotline.get("number", ""))
        # Short service numbers (12355) are not E.164, so only their characters are checked.
        if not number or any(c not in "0123456789+- " for c in number):
            raise ImproperlyConfigured(f"{where}: a number of digits")
        _text(hotline, "name", where)
        _text(hotline, "what", where)
    return data


def hotlines(language: str) -> list[Hotline]:
    return [
        Hotline(number=str(h["number"]), name=h["name"][language], what=h["what"][language])
        for h in _help_data(help_file()).get("hotlines") or []
    ]


def social_work_stations(child: Child) -> list[ServiceProvider]:
    """Social-work stations at the child's village or any place above it, nearest first."""
    village: Place = child.home_village
    ids = [int(part) for part in village.path.strip("/").split("/") if part]
    stations = ServiceProvider.objects.filter(
        kind=ServiceProvider.Kind.SOCIAL_WORK_STATION, place_id__in=ids
    ).select_related("place")
    return sorted(stations, key=lambda s: (-s.place.path.count("/"), s.name, s.pk))
