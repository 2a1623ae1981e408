"""A fixed-window counter per client address in the Django cache (LocMem by default, Redis
when REDIS_URL is set, so the limit holds across web workers there)."""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache


def _key(scope: str, client: str, window: int) -> str:
    # The address is hashed: the cache need not hold who looked things up, only how often.
    digest = hashlib.sha256(client.encode()).hexdigest()[:32]
    return f"kinlink:rl:{scope}:{digest}:{int(time.time()) // window}"


def hit(scope: str, client: str, *, limit: int, window: int) -> tuple[bool, int]:
    """Count one attempt; return (allowed, attempts in this window including this one)."""
    key = _key(scope, client, window)
    # add() is atomic: the first attempt in a window creates the counter with its expiry.
    if cache.add(key, 1, timeout=window + 1):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.add(key, 1, timeout=window + 1)
            count = 1
    return count <= limit, count


def seconds_left(window: int) -> int:
    return window - int(time.time()) % window
