"""`dondoc report --evaluation 2026-Q1`: the agency evaluation added to the report files."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

from dondoc.errors import UserError
from dondoc.settings import EvaluationFormula, get_settings, settings_problem

if TYPE_CHECKING:  # the reports package is imported only when an evaluation is asked for
    from sqlalchemy.orm import Session

    from reports.evaluation import Evaluation
    from reports.model import Scope
    from reports.periods import Cutoff

EVALUATION_HELP = (
    "Add the agency evaluation (đánh giá, xếp loại) of a window: 2026-03 (month), 2026-Q1"
    " (quarter), 2026-H1 (half-year) or 2026 (year); formula from DONDOC_EVALUATION"
)


class EvaluationState(StrEnum):
    """When a task's state is read for the evaluation."""

    END = "end"  # at the window's last day (or --as-of when that is earlier)
    AS_OF = "as-of"  # at --as-of, so tasks done after the window count as done late


def evaluation_formula() -> EvaluationFormula:
    """The formula in force; a bad DONDOC_EVALUATION is one line and exit 2."""
    try:
        return get_settings().evaluation
    except Exception as exc:  # pydantic ValidationError or pydantic_settings SettingsError
        raise UserError(settings_problem(exc)) from None


def check_window(spec: str, cutoff: Cutoff, as_of: date, fmt: str) -> None:
    """Refuse a window that cannot be read or starts after --as-of, before any work."""
    from reports.evaluation import EvaluationError, parse_window

    if fmt == "html":
        raise UserError("--evaluation: the evaluation goes into --format docx or xlsx")
    try:
        window = parse_window(spec, cutoff)
    except EvaluationError as exc:
        raise UserError(f"--evaluation {exc}") from None
    if window.start > as_of:
        raise UserError(
            f"--evaluation {spec}: {window.label} starts on {window.start}, after --as-of {as_of}"
        )


def build_evaluation(
    session: Session,
    spec: str,
    cutoff: Cutoff,
    as_of: date,
    state: EvaluationState,
    scope: Scope,
    formula: EvaluationFormula,
) -> Evaluation:
    from reports.evaluation import evaluate, parse_window

    window = parse_window(spec, cutoff)
    day = as_of if state == EvaluationState.AS_OF else min(as_of, window.end)
    found = evaluate(
        session, window, formula, day, leader=scope.leader, directive_id=scope.directive_id
    )
    if scope.agency_id is None:
        return found
    return replace(found, rows=[r for r in found.rows if r.agency_id == scope.agency_id])
