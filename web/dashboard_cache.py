"""The leader's dashboard and evaluation kept in this process until the data changes.

A dashboard at 1M tasks costs about half a second to build and the leader's page is opened far
more often than the tasks change. Each entry is keyed by the database's data stamp
(storage/data_stamp.py: new in every transaction that writes what a report reads) and by what
the page asks (as-of, period, scope, window, formula), so a page is never older than the data it
read; the first page after a write builds again. Readers asking for the same missing entry at
once wait for one build instead of each building it. functools.lru_cache has neither the
stamp's "do not cache" nor the one build for concurrent askers, hence this small class.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from markupsafe import Markup

V = TypeVar("V")
KEEP = 32  # entries: a few leaders × as-of dates × periods


class StampedCache(Generic[V]):
    """At most `keep` values, the least recently used dropped first; a None key is not kept."""

    def __init__(self, keep: int = KEEP) -> None:
        self._keep = keep
        self._values: OrderedDict[Hashable, V] = OrderedDict()
        self._building: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()
        self.builds = 0  # how many times a value was built (tests and the bench read it)

    def get(self, key: Hashable | None, build: Callable[[], V]) -> V:
        if key is None:
            return build()
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
            one = self._building.setdefault(key, threading.Lock())
        with one:  # the first asker builds; the others wait for it, then read its value
            with self._lock:
                if key in self._values:
                    return self._values[key]
            value = build()
            with self._lock:
                self.builds += 1
                self._values[key] = value
                while len(self._values) > self._keep:
                    self._values.popitem(last=False)
                self._building.pop(key, None)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


DASHBOARDS: StampedCache[tuple[Markup, Markup]] = StampedCache()  # styles, body
EVALUATIONS: StampedCache[Any] = StampedCache()  # reports.evaluation.Evaluation (optional)
