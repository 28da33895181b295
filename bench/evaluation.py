"""Benchmark: the agency evaluation (reports.evaluation) of a month, a quarter and a year.

Its cost should follow the tasks and periods due in the window (read from the deadline indexes),
not the size of the task table. Run on purpose, e.g.
    .venv/bin/python -m bench.evaluation --url postgresql://postgres@127.0.0.1:5432/dondoc_bench
    .venv/bin/python -m bench.evaluation --url sqlite:////tmp/dondoc_bench.db --tasks 1000000
The database is the one bench.rollup creates and fills (synth). Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from functools import partial
from typing import Any

from bench.rollup import prepare
from bench.timing import timed
from reports.evaluation import evaluate, parse_window

AS_OF = date(2025, 11, 20)
WINDOWS = ("2025-10", "2025-Q3", "2025")


def run(url: str, n_tasks: int, repeat: int) -> dict[str, Any]:
    db, info = prepare(url, n_tasks)
    result: dict[str, Any] = {"dialect": db.dialect, "as_of": AS_OF.isoformat(), **info}
    with db.read() as s:
        for spec in WINDOWS:
            window = parse_window(spec)
            day = min(AS_OF, window.end)
            found = evaluate(s, window, as_of=day)
            result[spec] = {
                "agencies": len(found.rows),
                "subjects_due_in_window": sum(r.total for r in found.rows),
                **timed(partial(evaluate, s, window, as_of=day), repeat),
            }
    db.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="sqlite:////tmp/dondoc_bench.db")
    parser.add_argument("--tasks", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(json.dumps(run(args.url, args.tasks, args.repeat), ensure_ascii=False))


if __name__ == "__main__":
    main()
