"""Record numbers from URLs and forms: anything that is not a whole number is "not found"."""

from __future__ import annotations

from django.http import Http404


def pk_or_404(value: object) -> int:
    """The record number `value` stands for; Http404 when it is not one (never a 500 or a
    message that tells a probing user more)."""
    try:
        return int(str(value))
    except (TypeError, ValueError):
        raise Http404 from None
