"""`dondoc report`: the leader's rollup as an HTML dashboard, a DOCX report or an XLSX workbook."""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dondoc.cli_common import parse_as_of
from dondoc.cli_evaluation import (
    EVALUATION_HELP,
    EvaluationState,
    build_evaluation,
    check_window,
    evaluation_formula,
)
from dondoc.errors import UserError
from dondoc.wiring import database
from reports.periods import Cutoff, PeriodKind

if TYPE_CHECKING:  # reports load on use: `dondoc --help` stays quick
    from collections.abc import Sequence
    from datetime import date

    from sqlalchemy.orm import Session

    from reports.evaluation import Evaluation
    from reports.model import Rollup, Scope, TaskLine


class AgencyAt(StrEnum):
    ASOF = "asof"
    THEN = "then"


class ReportFormat(StrEnum):
    HTML = "html"
    DOCX = "docx"
    XLSX = "xlsx"


def report(
    as_of: Annotated[str, typer.Option("--as-of", help="Figures at this date, YYYY-MM-DD")],
    fmt: Annotated[ReportFormat, typer.Option("--format", help="html, docx or xlsx")],
    out: Annotated[Path, typer.Option("--out", help="The file to write")],
    leader: Annotated[
        str | None, typer.Option(help="Only directives this leader concluded")
    ] = None,
    agency: Annotated[str | None, typer.Option(help="Only tasks this agency leads")] = None,
    directive: Annotated[str | None, typer.Option(help="Only this directive (its number)")] = None,
    period: Annotated[PeriodKind, typer.Option(help="Reporting period")] = PeriodKind.MONTH,
    cutoff: Annotated[
        Cutoff, typer.Option(help="calendar periods or the NĐ 09/2019 cut-off (15th → 14th)")
    ] = Cutoff.CALENDAR,
    agency_at: Annotated[
        AgencyAt,
        typer.Option(
            "--agency-at", help="count a task under its agency at the as-of date, or then"
        ),
    ] = AgencyAt.ASOF,
    evaluation: Annotated[str | None, typer.Option(help=EVALUATION_HELP)] = None,
    evaluation_state: Annotated[
        EvaluationState,
        typer.Option(help="evaluation: tasks' state at the window's end or at --as-of"),
    ] = EvaluationState.END,
    verify: Annotated[
        bool,
        typer.Option(
            "--verify", help="recount the figures from the tasks; fail if the summary differs"
        ),
    ] = False,
) -> None:
    """Write the rollup (tổng hợp tình hình thực hiện nhiệm vụ) at a date to a file."""
    from reports.output import OutputError
    from reports.rollup import ScopeError, all_tasks, build_rollup, resolve_scope

    day = parse_as_of(as_of)
    _check_output(out)
    formula = evaluation_formula() if evaluation else None
    if evaluation:
        check_window(evaluation, cutoff, day, fmt.value)
    with database().read() as session:
        try:
            scope = resolve_scope(session, leader=leader, agency=agency, directive=directive)
        except ScopeError as exc:
            raise UserError(str(exc)) from None
        scope = replace(scope, agency_at=agency_at.value)
        shown = _overdue_shown(fmt)
        rollup = build_rollup(
            session, day, scope, period_kind=period, cutoff=cutoff, overdue_limit=shown
        )
        annex = all_tasks(session, day, scope) if scope.directive_id is not None else []
        if verify:
            _verify(session, day, scope)
        ranked = None
        if evaluation and formula:
            ranked = build_evaluation(
                session, evaluation, cutoff, day, evaluation_state, scope, formula
            )
    try:
        _write(rollup, fmt, out, annex, ranked)
    except OutputError as exc:
        raise UserError(f"--out {exc}") from None
    typer.echo(
        f"{out}: {fmt.value}, {rollup.period.label}, {rollup.totals.total} nhiệm vụ, "
        f"{rollup.totals.open_overdue} quá hạn"
        + (f"; đánh giá {ranked.period.label}: {len(ranked.rows)} cơ quan" if ranked else "")
    )


def _overdue_shown(fmt: ReportFormat) -> int:
    """The overdue tasks the format lists: the page its first 100, DOCX and XLSX 1000."""
    if fmt == ReportFormat.HTML:
        from reports.html import OVERDUE_SHOWN

        return OVERDUE_SHOWN
    return 1000


def _verify(session: Session, day: date, scope: Scope) -> None:
    from reports.verify import differences

    found = differences(session, day, scope)
    if found:
        raise UserError(
            f"--verify: the rollup summary differs from the tasks in {len(found)} group(s), "
            f"first: {found[0]}"
        )
    typer.echo("--verify: the summary equals the count from the tasks")


def _check_output(out: Path) -> None:
    """Fail before any work when the file cannot be written where asked."""
    if out.is_dir():
        raise UserError(f"--out {out}: is a folder, not a file")
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise UserError(f"--out {out}: folder {folder} does not exist")


def _write(
    rollup: Rollup,
    fmt: ReportFormat,
    out: Path,
    annex: Sequence[TaskLine],
    ranked: Evaluation | None = None,
) -> None:
    if fmt == ReportFormat.HTML:
        from reports.html import write_html

        write_html(rollup, out)
    elif fmt == ReportFormat.DOCX:
        from reports.docx_report import write_docx

        write_docx(rollup, out, tasks=annex, evaluation=ranked)
    else:
        from reports.xlsx_report import write_xlsx

        write_xlsx(rollup, out, evaluation=ranked)


def register_commands(app: typer.Typer) -> None:
    app.command("report")(report)
