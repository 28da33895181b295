"""StampedCache: a value built once per key and reused, the least recently used dropped past
`keep`, nothing kept for a None key (a database without a stamp)."""

from __future__ import annotations

from itertools import count

from web.dashboard_cache import StampedCache


def test_built_once_per_key_and_the_oldest_dropped() -> None:
    cache: StampedCache[int] = StampedCache(keep=2)
    made = count()
    build = lambda: next(made)  # noqa: E731
    assert [cache.get("a", build), cache.get("a", build), cache.get("b", build)] == [0, 0, 1]
    cache.get("a", build)  # "a" used last: "b" is the oldest
    assert cache.get("c", build) == 2 and cache.builds == 3
    assert cache.get("a", build) == 0 and cache.get("b", build) == 3  # "b" was dropped
    assert [cache.get(None, build), cache.get(None, build)] == [4, 5]
    assert cache.builds == 4
