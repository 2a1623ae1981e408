"""A pair's evidence in a caseworker's words: per field, what the two records show and whether
it speaks for or against their being the same child, and how strongly."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kinlink.identification.linkage.model import describe_level

FIELD_NAMES = {
    "name": gettext_lazy("Name"),
    "dob": gettext_lazy("Date of birth"),
    "sex": gettext_lazy("Sex"),
    "id_number": gettext_lazy("ID number"),
    "village": gettext_lazy("Village"),
    "household": gettext_lazy("Guardian and phone"),
    "address": gettext_lazy("Address"),
    "postcode": gettext_lazy("Postcode"),
}


@dataclass(frozen=True)
class Evidence:
    field: str
    finding: str
    direction: str  # "for", "against" or "neutral"
    strength: str  # in words
    weight: float | None


def _strength(weight: float) -> str:
    size = abs(weight)
    if size >= 6:
        return _("strongly")
    if size >= 2:
        return _("clearly")
    return _("slightly")


def in_words(evidence: list[list[Any]]) -> list[Evidence]:
    out = []
    for name, level, weight in evidence:
        if level == "null":
            out.append(
                Evidence(
                    str(FIELD_NAMES.get(name, name)),
                    _("missing on one side"),
                    "neutral",
                    "",
                    None,
                )
            )
            continue
        direction = "neutral"
        strength = ""
        if weight is not None and abs(weight) >= 0.5:
            direction = "for" if weight > 0 else "against"
            strength = _strength(weight)
        out.append(
            Evidence(
                str(FIELD_NAMES.get(name, name)),
                describe_level(name, level),
                direction,
                strength,
                weight,
            )
        )
    return out
