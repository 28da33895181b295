"""Repeated wall-clock runs of one call: best and median seconds."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


def timed(fn: Callable[[], Any], repeat: int) -> dict[str, float]:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return {"best_s": round(min(runs), 3), "median_s": round(statistics.median(runs), 3)}
