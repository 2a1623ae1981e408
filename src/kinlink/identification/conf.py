"""Identification's configurable defaults, read from settings (themselves from the environment).
A bad value fails loudly when first read rather than linking with a threshold nobody chose."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _probability(name: str, default: str) -> float:
    raw = str(getattr(settings, name, default))
    try:
        value = float(raw)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be a number between 0 and 1, not {raw!r}"
        ) from None
    if not 0 < value <= 1:
        raise ImproperlyConfigured(f"{name} must be above 0 and at most 1, not {raw!r}")
    return value


def thresholds() -> tuple[float, float]:
    """(accept, review): pairs at or above `accept` link; from `review` up to it, a person looks."""
    accept = _probability("KINLINK_LINKAGE_ACCEPT", "0.9")
    review = _probability("KINLINK_LINKAGE_REVIEW", "0.3")
    if review > accept:
        raise ImproperlyConfigured(
            "KINLINK_LINKAGE_REVIEW must not be above KINLINK_LINKAGE_ACCEPT"
        )
    return accept, review


def max_rows() -> int:
    return int(getattr(settings, "KINLINK_IMPORT_MAX_ROWS", 200_000))


def max_bytes() -> int:
    return int(getattr(settings, "KINLINK_IMPORT_MAX_MEGABYTES", 50)) * 1024 * 1024


def inline_rows() -> int:
    """Lists longer than this are written by a background job rather than in the request."""
    return int(getattr(settings, "KINLINK_IMPORT_INLINE_ROWS", 10_000))


def backend() -> str:
    return str(getattr(settings, "KINLINK_LINKAGE_BACKEND", "duckdb"))


# School age for the "not enrolled" worklist (compulsory education in China: 6 to 15).
SCHOOL_AGE = (6, 15)
# Attendance below this share (in percent) is flagged.
LOW_ATTENDANCE = 80
