"""Verification codes printed on declarations: random, readable aloud, forgiving when typed.

A code is 20 symbols of Crockford's base-32 alphabet (no I, L, O or U, so nothing is mistaken
for 1 or 0), drawn one by one with `secrets`: 100 bits, no sequence, nothing about the child in
it. It is printed in groups of four and accepted with or without dashes, spaces, lower case,
and the letters people confuse with digits.
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 20  # 20 symbols x 5 bits = 100 bits of randomness
BITS = LENGTH * 5

_CONFUSED = str.maketrans({"I": "1", "L": "1", "O": "0", "U": "V"})
_SEPARATORS = str.maketrans("", "", " -_.\u00a0\u2010\u2011\u2012\u2013\u2014\u3000")


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise_code(raw: str) -> str | None:
    """The code as stored, or None if what was typed cannot be a code."""
    if not raw or len(raw) > 64:
        return None
    code = raw.translate(_SEPARATORS).upper().translate(_CONFUSED)
    if len(code) != LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code


def display_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))
