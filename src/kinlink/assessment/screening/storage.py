"""How screenings are kept: the rule set as used (`ScreeningRules`), each message once
(`ScreeningText`), and per screening one short entry per factor. Reading a screening back gives
{code: {"state", "msg", "params"}} in its rule set's order.

Compact on purpose: screening the whole registry writes a million rows, and what PostgreSQL
spends most time on is parsing the JSON it is given (measured: 12 s per 100,000 rows of 1.8 kB,
1.3 s for rows of 350 bytes).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from kinlink.assessment.models import Screening, ScreeningRules, ScreeningText
from kinlink.assessment.screening import engine, rules
from kinlink.assessment.screening.rules import RuleSet


def rules_record(rule_set: RuleSet) -> ScreeningRules:
    """The stored copy of this rule set, made the first time it is used."""
    record, _ = ScreeningRules.objects.get_or_create(
        version=rule_set.version, digest=rule_set.digest, defaults={"text": rule_set.text}
    )
    return record


def _digest(message: str) -> str:
    return hashlib.sha256(message.encode()).hexdigest()[:32]


def text_ids(messages: Iterable[str]) -> dict[str, int]:
    """The id of each message, storing those not stored yet."""
    by_digest = {_digest(m): m for m in messages if m}
    if not by_digest:
        return {}
    ScreeningText.objects.bulk_create(
        [ScreeningText(digest=d, text=m) for d, m in by_digest.items()], ignore_conflicts=True
    )
    found = ScreeningText.objects.filter(digest__in=by_digest).values_list("digest", "pk")
    return {by_digest[d]: pk for d, pk in found}


def text_id(message: str) -> int:
    return text_ids([message])[message]


@lru_cache(maxsize=32)
def _parsed(version: str, text: str) -> RuleSet:
    # Keyed by the text itself, so the cache cannot go stale.
    return rules.parse(text, f"{version}.json", strict=False)


def rules_of(screening: Screening) -> RuleSet:
    record = screening.rules
    return _parsed(record.version, record.text)


def _texts(ids: Iterable[int]) -> dict[int, str]:
    wanted = {i for i in ids if i}
    return dict(ScreeningText.objects.filter(pk__in=wanted).values_list("pk", "text"))


def decode_many(screenings: Iterable[Screening]) -> dict[int, dict[str, dict[str, Any]]]:
    """Each screening's factors in words' raw form, by screening id (one query for the texts)."""
    screenings = list(screenings)
    texts = _texts(entry[1] for s in screenings for entry in (s.factors or []) if len(entry) > 1)
    decoded = {}
    for screening in screenings:
        codes = [f.code for f in rules_of(screening).factors]
        decoded[screening.pk] = {
            code: engine.decode(entry, texts)
            for code, entry in zip(codes, screening.factors or [], strict=False)
        }
    return decoded


def decode(screening: Screening) -> dict[str, dict[str, Any]]:
    """{code: {"state", "msg", "params"}} of one screening."""
    return decode_many([screening])[screening.pk]
