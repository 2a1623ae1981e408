"""Names of people: Latin transliteration and the folded keys that name search matches on.

Chinese is romanised with pypinyin (Hanyu Pinyin, tone marks kept for display); Cyrillic with
the ICAO Doc 9303 scheme used in passports (iuliia). Search keys drop tones, spaces, case and
punctuation so that "Wáng Xiǎomíng", "wang xiaoming" and "wangxiaoming" all find 王小明.
"""

from __future__ import annotations

import re
import unicodedata

import iuliia
from pypinyin import Style, lazy_pinyin

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_NOT_WORD = re.compile(r"[^\w]+", re.UNICODE)


def has_chinese(text: str) -> bool:
    return bool(_CJK.search(text or ""))


def to_latin(text: str) -> str:
    """Romanise a name written in Chinese characters or Cyrillic; Latin text passes through."""
    text = (text or "").strip()
    if not text:
        return ""
    if has_chinese(text):
        syllables = lazy_pinyin(text, style=Style.TONE, errors="default")
        return "".join(syllables).capitalize() if syllables else text
    if _CYRILLIC.search(text):
        return iuliia.ICAO_DOC_9303.translate(text)
    return text


def fold(text: str) -> str:
    """Lower-case, strip accents and tone marks, and drop spaces and punctuation."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    without_marks = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_WORD.sub("", without_marks.casefold()).replace("_", "")


def pinyin_key(text: str) -> str:
    """Toneless pinyin with no spaces, for Chinese text; the folded text otherwise."""
    if has_chinese(text):
        return fold("".join(lazy_pinyin(text, errors="default")))
    return fold(to_latin(text))


def name_search_key(*parts: str) -> str:
    """One string that a name query is matched against: characters, pinyin and Latin forms.

    Both orders of family and given name are included so that "Xiaoming Wang" finds 王小明.
    """
    cleaned = [p for p in (part.strip() for part in parts) if p]
    keys: list[str] = []
    for ordering in (cleaned, list(reversed(cleaned))):
        joined = "".join(ordering)
        keys.extend([fold(joined), pinyin_key(joined)])
    seen: dict[str, None] = {}
    for key in keys:
        if key:
            seen.setdefault(key, None)
    return " ".join(seen)


def query_key(query: str) -> str:
    """Fold what a user typed into the form the search keys are stored in."""
    return pinyin_key(query) if has_chinese(query) else fold(query)
