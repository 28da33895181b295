"""Build a rollup (tổng hợp tình hình thực hiện nhiệm vụ) at an as-of date from SQL aggregates.

The on-time rate is done_on_time / (done_on_time + done_late + open_overdue): the share of the
tasks that have come due which were completed by their current deadline (see
`reports.model.RATE_FORMULA_VI`). Ongoing tasks (no deadline) and tasks still within their
deadline are left out; cancelled tasks are not counted anywhere.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from directives.collation import name_key
from directives.labels import directive_label
from directives.models import Bucket
from directives.normalize import key as normal_key
from reports.model import (
    Counts,
    ExtensionGranted,
    GroupRow,
    PeriodLine,
    Rollup,
    Scope,
    TaskLine,
    TrendPoint,
)
from reports.periods import Cutoff, Period, PeriodKind, period_containing, recent_periods
from storage import directive_rank, rollup_lookups, rollup_reads, tally
from storage.queries import find_agency
from storage.succession_reads import agency_counts

NO_LEADER = "(Chưa xác định)"
DONE_BUCKETS = (Bucket.DONE_ON_TIME.value, Bucket.DONE_LATE.value)


class ScopeError(LookupError):
    """An unknown leader, agency or directive number; the message names it."""


def resolve_scope(
    session: Session,
    *,
    leader: str | None = None,
    agency: str | None = None,
    directive: str | None = None,
) -> Scope:
    """Look up the names a user typed; ScopeError when one matches nothing."""
    leader_name = _find_leader(session, leader) if leader else None
    agency_row = None
    if agency:
        agency_row = find_agency(session, agency)
        if agency_row is None:
            raise ScopeError(f"--agency {agency!r}: no such agency")
    directive_row = None
    if directive:
        directive_row = rollup_lookups.directive_by_number(session, directive)
        if directive_row is None:
            raise ScopeError(f"--directive {directive!r}: no directive with this number")
    return Scope(
        leader=leader_name,
        agency_id=agency_row.id if agency_row else None,
        agency_name=agency_row.name if agency_row else None,
        directive_id=directive_row.id if directive_row else None,
        directive_number=_label(directive_row) if directive_row else None,
    )


def _find_leader(session: Session, name: str) -> str:
    wanted = normal_key(name)
    for leader in rollup_lookups.leader_names(session):
        if normal_key(leader) == wanted:
            return leader
    raise ScopeError(f"--leader {name!r}: no directive concluded by this leader")


def build_rollup(
    session: Session,
    as_of: date,
    scope: Scope = Scope(),
    *,
    period_kind: PeriodKind = PeriodKind.MONTH,
    cutoff: Cutoff = Cutoff.CALENDAR,
    trend_periods: int = 6,
    overdue_limit: int | None = 1000,
    directive_limit: int = 200,
) -> Rollup:
    """Every figure of the leader's report at `as_of`, and at the previous period's end."""
    period = period_containing(as_of, period_kind, cutoff)
    previous_as_of = period.previous().end
    periods = recent_periods(as_of, period_kind, cutoff, trend_periods)
    trend_dates = [min(p.end, as_of) for p in periods]
    in_period = rollup_reads.extensions_between(session, period.start, as_of, scope)
    rollup_reads.tune_session(session)
    agencies = by_agency(session, as_of, scope, previous_as_of)
    return Rollup(
        as_of=as_of,
        period=period,
        previous_as_of=previous_as_of,
        scope=scope,
        totals=rollup_reads.totals_of([((), r.counts) for r in agencies]),
        previous_totals=rollup_reads.totals_of([((), r.previous or Counts()) for r in agencies]),
        by_agency=agencies,
        by_directive=by_directive(session, as_of, scope, directive_limit),
        by_leader=by_leader(session, as_of, scope),
        by_period=by_period(session, as_of, scope, periods),
        trend=[
            TrendPoint(p, d, c)
            for p, d, c in zip(
                periods,
                trend_dates,
                rollup_reads.trend_counts(session, scope, trend_dates),
                strict=True,
            )
        ],
        overdue=overdue_tasks(session, as_of, scope, overdue_limit),
        extensions=extensions(session, as_of, scope),
        extensions_in_period=in_period,
        directives_shown_of=rollup_lookups.directive_count(session, as_of, scope),
        periods_due=periods_due(session, period.start, period.end, as_of, scope),
    )


def periods_due(
    session: Session, start: date, end: date, as_of: date, scope: Scope
) -> list[PeriodLine]:
    """Các kỳ báo cáo đến hạn trong kỳ: each period of a recurring task due in [start, end]."""
    return [PeriodLine(*row) for row in rollup_reads.period_rows(session, start, end, as_of, scope)]


def _worst_first(rows: list[GroupRow]) -> list[GroupRow]:
    return sorted(rows, key=lambda r: (-r.counts.open_overdue, -r.counts.total, name_key(r.label)))


def by_agency(
    session: Session, as_of: date, scope: Scope, previous_as_of: date | None = None
) -> list[GroupRow]:
    """Per lead agency (cơ quan chủ trì), worst first, with the previous figures if asked.

    Over a reorganisation a task counts under its lead at the as-of date (default) or at the
    time it was done or due (`scope.agency_at`, see storage.succession_reads)."""
    now = dict(agency_counts(session, as_of, scope))
    before = dict(agency_counts(session, previous_as_of, scope)) if previous_as_of else {}
    ids = [k[0] for k in now]
    names = rollup_lookups.agency_names(session, ids)
    rows = [
        GroupRow(
            str(k[0]),
            names.get(k[0], str(k[0])),
            c,
            before.get(k, Counts()) if previous_as_of else None,
        )
        for k, c in now.items()
    ]
    return _worst_first(rows)


def _label(row: Any) -> str:
    return directive_label(row.number, row.issued_on, row.subject, row.kind)


def by_directive(session: Session, as_of: date, scope: Scope, limit: int = 200) -> list[GroupRow]:
    """Per directive: the `limit` with the most overdue tasks (storage.directive_rank)."""
    found = directive_rank.top_directives(session, as_of, scope, limit)
    ids = [k[0] for k, _ in found]
    info = rollup_lookups.directive_infos(session, ids)
    rows = [
        GroupRow(str(k[0]), _label(info[k[0]]), c, detail=info[k[0]].subject or "")
        for k, c in found
    ]
    return _worst_first(rows)


def by_leader(session: Session, as_of: date, scope: Scope) -> list[GroupRow]:
    """Per leader who concluded the directive (from the tally where it serves the scope)."""
    if rollup_reads.tally_serves(scope):
        found = rollup_reads.tally_counts(session, as_of, scope, "leader")
    else:
        found = by_leader_direct(session, as_of, scope)
    return _worst_first([GroupRow(k[0] or "", k[0] or NO_LEADER, c) for k, c in found])


def by_leader_direct(session: Session, as_of: date, scope: Scope) -> rollup_reads.KeyedCounts:
    """by_leader's counts from the tasks (the tally's reference)."""
    return rollup_lookups.leader_counts_direct(session, as_of, scope)


def by_period(session: Session, as_of: date, scope: Scope, periods: list[Period]) -> list[GroupRow]:
    """Tasks grouped by the period their current deadline falls in, bucketed at `as_of`: from
    the deadline tally (per half month; every period starts on a 1st or a 15th) where it serves
    the scope."""
    if not rollup_reads.tally_serves(scope):
        return by_period_direct(session, as_of, scope, periods)
    found = tally.sums(session, as_of, "dhalf", scope.leader, (periods[0].start, periods[-1].end))
    halves = {date.fromisoformat(str(k)): kinds for k, kinds in found.items()}
    rows = []
    for p in periods:
        kinds: dict[str, int] = {}
        for half, sums in halves.items():
            if p.start <= half <= p.end:
                for kind, n in sums.items():
                    kinds[kind] = kinds.get(kind, 0) + n
        rows.append(GroupRow(p.key, p.label, Counts.of(tally.buckets(kinds))))
    return rows


def by_period_direct(
    session: Session, as_of: date, scope: Scope, periods: list[Period]
) -> list[GroupRow]:
    """by_period from the tasks (any scope; the deadline tally's reference)."""
    spans = [(p.key, p.start, p.end) for p in periods]
    found = dict(rollup_lookups.deadline_period_counts(session, as_of, scope, spans))
    return [GroupRow(p.key, p.label, found.get((p.key,), Counts())) for p in periods]


def overdue_tasks(
    session: Session, as_of: date, scope: Scope, limit: int | None = 1000
) -> list[TaskLine]:
    """Open overdue tasks, the longest overdue first."""
    return _lines(
        session,
        as_of,
        rollup_reads.task_rows(session, as_of, scope, overdue_only=True, limit=limit),
    )


def all_tasks(
    session: Session, as_of: date, scope: Scope, limit: int | None = 5000
) -> list[TaskLine]:
    """Every counted task of the scope (for a directive's annex), in directive order."""
    return _lines(
        session,
        as_of,
        rollup_reads.task_rows(session, as_of, scope, overdue_only=False, limit=limit),
    )


def _lines(session: Session, as_of: date, rows: list[Any]) -> list[TaskLine]:
    coordinators = rollup_reads.coordinator_names(session, [r.id for r in rows])
    lines = []
    for r in rows:
        end = r.completed_on if r.bucket in DONE_BUCKETS else as_of
        late = r.deadline is not None and end is not None and end > r.deadline
        lines.append(
            TaskLine(
                task_id=r.id,
                directive_number=directive_label(r.number, r.d_issued, r.d_subject, r.d_kind),
                ref=r.ref,
                content=r.content,
                lead=r.name,
                coordinators=tuple(coordinators.get(r.id, ())),
                deadline=r.deadline,
                original_deadline=r.original_deadline,
                state=r.state,
                bucket=r.bucket,
                days_calendar=(end - r.deadline).days if late else 0,
                days_working=(r.working_days if late else 0),
            )
        )
    return lines


def extensions(session: Session, as_of: date, scope: Scope) -> list[ExtensionGranted]:
    return [
        ExtensionGranted(
            task_id=r.id,
            directive_number=directive_label(r.number, r.d_issued, r.d_subject, r.d_kind),
            content=r.content,
            lead=r.name,
            old_deadline=r.old_deadline,
            new_deadline=r.new_deadline,
            decided_on=rollup_reads.local_day(r.decided_at),
        )
        for r in rollup_reads.extension_rows(session, as_of, scope)
    ]
