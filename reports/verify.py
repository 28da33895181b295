"""`dondoc report --verify`: the figures read from the rollup tally and the deadline tally (by
period, at each kind of period and cut-off), and the directives found from the open overdue
tasks (storage/directive_rank.py), recomputed from the tasks.

The tally (storage/tally.py) is kept by triggers; this recount is the check a province runs
after a restore or a manual repair, or whenever a figure looks wrong.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from reports.model import GroupRow, Scope
from reports.periods import Cutoff, PeriodKind, recent_periods
from reports.rollup import by_period, by_period_direct
from storage import directive_rank, rollup_lookups, rollup_reads
from storage.succession_reads import agency_counts, agency_counts_direct

DIRECTIVES = 200  # as many as a rollup lists (reports.rollup.build_rollup's directive_limit)


def differences(session: Session, as_of: date, scope: Scope) -> list[str]:
    """One line per group whose counts differ between the tally and the tasks (none: equal)."""
    pairs = [
        ("directive", directive_rank.top_directives(session, as_of, scope, DIRECTIVES),
         directive_rank.direct(session, as_of, scope, DIRECTIVES)),
    ]  # fmt: skip
    if not rollup_reads.tally_serves(scope):  # the scope's other figures: from the tasks
        return _compare(pairs)
    pairs += [
        ("leader", rollup_reads.tally_counts(session, as_of, scope, "leader"),
         rollup_lookups.leader_counts_direct(session, as_of, scope)),
        ("total", rollup_reads.tally_counts(session, as_of, scope, ""),
         rollup_lookups.total_counts_direct(session, as_of, scope)),
    ]  # fmt: skip
    for kind in PeriodKind:
        for cutoff in Cutoff:
            periods = recent_periods(as_of, kind, cutoff, 6)
            pairs.append((f"period ({kind.value}, {cutoff.value})",
                          _rows(by_period(session, as_of, scope, periods)),
                          _rows(by_period_direct(session, as_of, scope, periods))))  # fmt: skip
    if scope.agency_at == "asof":
        pairs.insert(0, ("agency", agency_counts(session, as_of, scope),
                         agency_counts_direct(session, as_of, scope)))  # fmt: skip
    return _compare(pairs)


Pair = tuple[str, rollup_reads.KeyedCounts, rollup_reads.KeyedCounts]


def _rows(rows: list[GroupRow]) -> rollup_reads.KeyedCounts:
    return [((r.key,), r.counts) for r in rows]


def _compare(pairs: list[Pair]) -> list[str]:
    found: list[str] = []
    for what, summary, direct in pairs:
        kept, counted = _keyed(summary), _keyed(direct)
        for key in sorted(kept.keys() | counted.keys(), key=str):
            if kept.get(key) != counted.get(key):
                found.append(f"{what} {key}: summary {kept.get(key)}, tasks {counted.get(key)}")
    return found


def _keyed(rows: rollup_reads.KeyedCounts) -> dict[str, object]:
    """Keys as text (no leader: ''; the one total: 'all'), empty groups left out."""
    out: dict[str, object] = {}
    for key, counts in rows:
        name = "" if key[0] is None else str(key[0])
        out[name] = counts
    return out
