"""The one timing loop of the benchmarks: run a callable N times, report the median first."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


def runs(fn: Callable[[], Any], repeat: int) -> list[float]:
    """Wall-clock seconds of `repeat` calls of `fn`, in order."""
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


def timed(fn: Callable[[], Any], repeat: int) -> dict[str, float]:
    """{"median_s", "best_s"} of `repeat` calls of `fn`."""
    seconds = runs(fn, repeat)
    return {"median_s": round(statistics.median(seconds), 3), "best_s": round(min(seconds), 3)}
