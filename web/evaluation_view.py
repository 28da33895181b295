"""The leader dashboard's block "Đánh giá, xếp loại cơ quan": the window chosen, the figures."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import HTTPException

from directives.vn_format import vn_decimal, vn_percent
from dondoc.settings import EvaluationFormula
from storage import data_stamp
from storage.db import Database
from web.dashboard_cache import EVALUATIONS

BAD_WINDOW = (
    "Kỳ đánh giá không hợp lệ: chọn tháng, quý hoặc năm đã bắt đầu (ví dụ 2026-03, 2026-Q1, 2026)."
)


def evaluation_block(
    db: Database, leader: str | None, formula: EvaluationFormula, spec: str | None, day: date
) -> dict[str, Any] | None:
    """Figures of the window `spec` (default: this month to date) in the leader's scope, with
    states at `day` or the window's end, whichever comes first; None without the reports."""
    try:
        from reports.evaluation import (
            SOURCE_VI,
            EvaluationError,
            evaluate,
            formula_vi,
            parse_window,
            recent_windows,
            window_spec,
        )
    except ImportError:
        return None
    choices = recent_windows(day)
    try:
        window = parse_window(spec) if spec else choices[0]
    except EvaluationError:
        raise HTTPException(400, BAD_WINDOW) from None
    if window.start > day:
        raise HTTPException(400, BAD_WINDOW)
    state_day = min(day, window.end)
    with db.read() as session:  # kept until the data changes (web/dashboard_cache.py)
        stamp = data_stamp.stamp(session)
        key = None if stamp is None else (db.url, stamp, window, state_day, leader,
                                          formula.model_dump_json())  # fmt: skip
        found = EVALUATIONS.get(key, lambda: evaluate(session, window, formula, state_day,
                                                      leader=leader))  # fmt: skip
    options = [(window_spec(p), p.label) for p in choices]
    if window_spec(window) not in dict(options):
        options.append((window_spec(window), window.label))
    return {
        "ev": found,
        "spec": window_spec(window),
        "options": options,
        "formula_vi": formula_vi(formula),
        "source_vi": SOURCE_VI,
        "percent": vn_percent,
        "number": vn_decimal,
    }
