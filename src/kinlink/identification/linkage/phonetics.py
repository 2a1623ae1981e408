"""Name keys for linkage: pinyin syllables from characters, typed pinyin or Palladius Cyrillic,
and a "sounds alike" skeleton that absorbs transliteration variants.

Splink has no transliteration of its own, so these keys are computed once per distinct name
in Python and compared as ordinary columns on any backend.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

from pypinyin import Style, lazy_pinyin

from kinlink.core.names import fold, has_chinese, to_latin

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_SPLIT = re.compile(r"[\s\-_'’·.,/]+")

# Syllables pypinyin knows that are interjections (hm, ng) or so rare that they only make
# Latin words look like pinyin by accident.
_NOT_NAME_SYLLABLES = {"m", "n", "ng", "hm", "hng", "ê", "o", "e", "ei", "yo", "lo", "nou", "tei"}


@cache
def pinyin_syllables_inventory() -> frozenset[str]:
    """Every toneless pinyin syllable pypinyin uses, with ü written as u (lü -> lu)."""
    from pypinyin.contrib.tone_convert import to_normal
    from pypinyin.pinyin_dict import pinyin_dict

    syllables = set()
    for readings in pinyin_dict.values():
        for reading in readings.split(","):
            syllables.add(_u_for_v(to_normal(reading)))
    return frozenset(syllables - _NOT_NAME_SYLLABLES)


def _u_for_v(syllable: str) -> str:
    # pypinyin writes ü as v (lv, nve); people typing names write u or drop the dots.
    return syllable.replace("ü", "u").replace("v", "u")


# The Palladius system (the Russian transcription of Chinese): initials and finals.
_PALLADIUS_INITIALS = {
    "b": "б", "p": "п", "m": "м", "f": "ф", "d": "д", "t": "т", "n": "н", "l": "л",
    "g": "г", "k": "к", "h": "х", "j": "цз", "q": "ц", "x": "с", "zh": "чж", "ch": "ч",
    "sh": "ш", "r": "ж", "z": "цз", "c": "ц", "s": "с",
}  # fmt: skip
_PALLADIUS_FINALS = {
    "a": "а", "o": "о", "e": "э", "ai": "ай", "ei": "эй", "ao": "ао", "ou": "оу", "an": "ань",
    "en": "энь", "ang": "ан", "eng": "эн", "ong": "ун", "er": "эр", "i": "и", "ia": "я",
    "ie": "е", "iao": "яо", "iu": "ю", "ian": "янь", "in": "инь", "iang": "ян", "ing": "ин",
    "iong": "юн", "u": "у", "ua": "уа", "uo": "о", "uai": "уай", "ui": "уй", "uan": "уань",
    "un": "унь", "uang": "уан", "ue": "юэ",
}  # fmt: skip
_PALLADIUS_WHOLE = {
    "a": "а", "o": "о", "e": "э", "ai": "ай", "ei": "эй", "ao": "ао", "ou": "оу", "an": "ань",
    "en": "энь", "ang": "ан", "eng": "эн", "er": "эр", "yi": "и", "ya": "я", "ye": "е",
    "yao": "яо", "you": "ю", "yan": "янь", "yin": "инь", "yang": "ян", "ying": "ин",
    "yong": "юн", "yu": "юй", "yue": "юэ", "yuan": "юань", "yun": "юнь", "wu": "у", "wa": "ва",
    "wo": "во", "wai": "вай", "wei": "вэй", "wan": "вань", "wen": "вэнь", "wang": "ван",
    "weng": "вэн",
}  # fmt: skip


def palladius(syllable: str) -> str | None:
    """One toneless pinyin syllable in Palladius Cyrillic (wang -> ван); None if unknown."""
    if syllable in _PALLADIUS_WHOLE:
        return _PALLADIUS_WHOLE[syllable]
    for length in (2, 1):
        initial, final = syllable[:length], syllable[length:]
        if initial in _PALLADIUS_INITIALS and final:
            break
    else:
        return None
    cyr_initial = _PALLADIUS_INITIALS[initial]
    if initial in {"j", "q", "x"} and final.startswith("u"):
        # ju, quan, xun are written with ü in principle: цзюй, цюань, сюнь.
        final = {"u": "юй", "uan": "юань", "un": "юнь", "ue": "юэ"}.get(final, final)
        return cyr_initial + final if not final.isascii() else None
    if final == "i" and initial in {"z", "c", "s"}:
        return cyr_initial + "ы"
    cyr_final = _PALLADIUS_FINALS.get(final)
    return cyr_initial + cyr_final if cyr_final else None


@cache
def _palladius_to_pinyin() -> dict[str, str]:
    table: dict[str, str] = {}
    for syllable in sorted(pinyin_syllables_inventory()):
        cyrillic = palladius(syllable)
        if cyrillic:
            table.setdefault(cyrillic, syllable)
    # lü and nü (люй, нюй) fold to lu and nu like their Latin spellings.
    table.setdefault("люй", "lu")
    table.setdefault("нюй", "nu")
    return table


def _segment(token: str, vocabulary: dict[str, str] | frozenset[str], longest: int) -> list[str]:
    """Split a token into the fewest known syllables; [] if it cannot be split."""
    n = len(token)
    best: list[list[str] | None] = [None] * (n + 1)
    best[0] = []
    for start in range(n):
        if best[start] is None:
            continue
        for end in range(start + 1, min(n, start + longest) + 1):
            piece = token[start:end]
            if piece in vocabulary:
                candidate = [*best[start], piece]  # type: ignore[misc]
                current = best[end]
                if current is None or len(candidate) < len(current):
                    best[end] = candidate
    return best[n] or []


def _plain_latin(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


@lru_cache(maxsize=500_000)
def syllables(text: str) -> tuple[str, ...]:
    """Pinyin syllables of a name, whether written in characters, typed pinyin or Palladius.

    Text that is not Chinese in any script comes back as one folded token (Latin letters),
    so "Айбек" and "Aibek" meet in the skeleton key rather than here.
    """
    text = unicodedata.normalize("NFKC", text or "").strip()
    if not text:
        return ()
    if has_chinese(text):
        readings = lazy_pinyin(text, style=Style.NORMAL, errors="ignore")
        return tuple(_u_for_v(r) for r in readings if r.isalpha())
    tokens = [t for t in _SPLIT.split(text) if t]
    if _CYRILLIC.search(text):
        table = _palladius_to_pinyin()
        parsed = [_segment(t.casefold().replace("ё", "е"), table, 6) for t in tokens]
        if all(parsed):
            return tuple(table[piece] for pieces in parsed for piece in pieces)
        return (fold(to_latin(text)),) if fold(to_latin(text)) else ()
    inventory = pinyin_syllables_inventory()
    latin = [re.sub(r"[^a-z]", "", _plain_latin(t)) for t in tokens]
    latin = [t for t in latin if t]
    parsed = [_segment(t, inventory, 6) for t in latin]
    if latin and all(parsed):
        return tuple(piece for pieces in parsed for piece in pieces)
    joined = "".join(latin)
    return (joined,) if joined else ()


_SKELETON_RULES = (
    ("zh", "z"),  # retroflex and flat initials are confused in southern speech and in typing
    ("ch", "c"),
    ("sh", "s"),
    ("kh", "h"),  # Cyrillic х is written kh or h
    ("ts", "c"),
    ("tz", "c"),
    ("ph", "f"),
    ("w", "v"),
    ("y", "i"),  # Aibek / Aybek, Yuri / Iurii
    ("ng", "n"),  # ming / min, and a dropped soft sign in Palladius (цзянь / цзян)
)
_DOUBLES = re.compile(r"(.)\1+")


@lru_cache(maxsize=500_000)
def skeleton(syllable: str) -> str:
    """Collapse spelling variants that sound alike: zh/z, kh/h, y/i, -ng/-n, doubled letters.

    Apply it to one syllable (or one non-Chinese word) at a time, so that "-ng" is only ever
    read at the end of a syllable (jian|guo must not become jia|nuo).
    """
    out = syllable
    for old, new in _SKELETON_RULES:
        out = out.replace(old, new)
    return _DOUBLES.sub(r"\1", out)
