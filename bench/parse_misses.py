"""Per-document misses on an annotated folder: gold vs proposed, for grouping the errors.

`python -m bench.parse_misses [--dir FOLDER] [NAME…]` prints, for each document with a miss,
the unmatched gold tasks, the extra proposed tasks and the matched pairs whose lead,
coordinators, deadline or recurrence differ. Not a score: `bench.parse` is the score.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bench.parse import BLIND, _parse_or_nothing, load_fixtures, match_tasks
from directives.normalize import key


def _short(text: str, width: int = 110) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _diffs(g: dict, t) -> list[str]:
    out = []
    if key(g["lead"] or "") != key(t.lead or ""):
        out.append(f"lead {t.lead!r} vs gold {g['lead']!r}")
    if {key(c) for c in g["coordinators"]} != {key(c) for c in t.coordinators}:
        out.append(f"coord {t.coordinators} vs gold {g['coordinators']}")
    got = t.deadline.isoformat() if t.deadline else None
    if (g["deadline"] or None) != got:
        out.append(f"deadline {got} vs gold {g['deadline']}")
    if bool(g.get("recurring")) != t.recurring:
        out.append(f"recurring {t.recurring} vs gold {bool(g.get('recurring'))}")
    return out


def report(folder: Path, only: set[str]) -> None:
    refused: dict[str, str] = {}
    for name, ex, gold in load_fixtures(folder):
        stem = name.rsplit(".", 1)[0]
        if only and stem not in only:
            continue
        draft = _parse_or_nothing(name, ex, refused)
        pairs = match_tasks(gold["tasks"], draft.tasks)
        paired_gold = {id(g) for g, _ in pairs}
        paired_found = {id(t) for _, t in pairs}
        lines = [f"  REFUSED: {refused[name]}"] if name in refused else []
        for field in ("number", "issued", "doc_type", "leader", "signer"):
            got = getattr(draft, field)
            got = got.isoformat() if field == "issued" and got else got
            if (gold.get(field) or None) != (got or None) and name not in refused:
                lines.append(f"  header {field}: {got!r} vs gold {gold.get(field)!r}")
        for g in gold["tasks"]:
            if id(g) not in paired_gold:
                summary = _short(g["summary"])
                lines.append(f"  MISS [{g['ref']}] {g['lead']!r} {g['deadline']} {summary}")
        for t in draft.tasks:
            if id(t) not in paired_found:
                dl = t.deadline.isoformat() if t.deadline else None
                lines.append(f"  EXTRA [{t.ref}] {t.lead!r} {dl} {_short(t.text)}")
        for g, t in pairs:
            for d in _diffs(g, t):
                lines.append(f"  DIFF [{g['ref']}] {d} :: {_short(t.text, 80)}")
        if lines:
            print(f"== {name} (gold {len(gold['tasks'])}, found {len(draft.tasks)})")
            print("\n".join(lines))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.parse_misses", description=__doc__)
    parser.add_argument("--dir", type=Path, default=BLIND)
    parser.add_argument("names", nargs="*")
    args = parser.parse_args(argv)
    report(args.dir, set(args.names))


if __name__ == "__main__":
    main()
