"""The leader's pages: rollup dashboard of the directives he concluded, drill-down to tasks."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from markupsafe import Markup
from starlette.responses import Response

from directives.models import Bucket
from directives.roles import Role
from storage import data_stamp, extension_flow, page_reads
from storage.task_list import TaskQuery
from web import task_lists
from web.accounts import CurrentUser
from web.dashboard_cache import DASHBOARDS
from web.deps import Db, PageUser, csrf_protect, render, require, today
from web.evaluation_view import evaluation_block
from web.headers import with_style_hashes
from web.list_params import PERIODS, ListParams, ListParamsError, collect, parse
from web.views import deadline_note, urgency

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)
DIRECTIVES_SHOWN = 50  # a page of the leader's directives, the latest first; older ones by link


def dashboard_html(
    db: Db, user: CurrentUser, agency_at: str = "asof", as_of: date | None = None,
    period: str | None = None,
) -> tuple[Markup, Markup] | None:  # fmt: skip
    """The rollup dashboard (styles, body) for this leader, from the reports package."""
    try:
        from reports.html import OVERDUE_SHOWN, render_dashboard_css, render_dashboard_html
        from reports.model import Scope
        from reports.periods import PeriodKind
        from reports.rollup import build_rollup
    except ImportError:  # reports not installed: the page shows its own bucket tiles
        return None
    leader = user.leader_name if user.role == Role.LEADER else None
    scope = Scope(leader=leader, agency_at="then" if agency_at == "then" else "asof")
    day, kind = as_of or today(), PeriodKind(period or "month")

    def build() -> tuple[Markup, Markup]:
        rollup = build_rollup(session, day, scope, overdue_limit=OVERDUE_SHOWN, period_kind=kind)
        # both come from the reports package's own autoescaping Jinja2 environment
        body = render_dashboard_html(rollup, standalone=False)
        return Markup(render_dashboard_css()), Markup(body)

    with db.read() as session:  # the stamp first: the dashboard is at least as new as it
        stamp = data_stamp.stamp(session)
        key = None if stamp is None else (db.url, stamp, day, scope, kind)
        return DASHBOARDS.get(key, build)


def picker(request: Request) -> tuple[date, str | None, dict[str, str]]:
    """The as-of date and period of the query string (the other parameters are the page's own)."""
    items = [(k, v) for k, v in request.query_params.multi_items() if k in ("as_of", "period")]
    try:
        values = collect(items)
        as_of = parse(items, today(), lambda _: None).query.as_of
        period = values.get("period")
        if period is not None and period not in PERIODS:
            raise ListParamsError(f"Giá trị “{period[:40]}” không hợp lệ cho “period”.")
    except ListParamsError as exc:
        raise HTTPException(422, str(exc)) from None
    return as_of, period, {k: v for k, v in request.query_params.items()}


@router.get("/leader")
def dashboard(
    request: Request,
    user: PageUser,
    db: Db,
    agency_at: str = "asof",
    evaluation: str | None = None,
    before: int | None = None,
) -> Response:
    require(user, user.role == Role.LEADER or user.is_office, "xem trang của lãnh đạo")
    as_of, period, values = picker(request)
    formula = request.app.state.settings.evaluation
    leader = user.leader_name if user.role == Role.LEADER else None
    ranked = evaluation_block(db, leader, formula, evaluation, as_of)
    dashboard = dashboard_html(db, user, agency_at, as_of, period)
    overdue = ListParams(TaskQuery(as_of=as_of, bucket=Bucket.OPEN_OVERDUE), {})
    # the bucket tiles (a count of every task) stand in only for a missing dashboard
    found = task_lists.read_page(db, user, overdue, with_counts=dashboard is None, count_cap=None,
                                 with_total=False)  # fmt: skip
    soon = TaskQuery(as_of=as_of, bucket=Bucket.OPEN_ON_TIME, due_to=as_of + timedelta(days=7))
    coming = task_lists.read_page(db, user, ListParams(soon, {}), with_total=False)
    leader_decides = request.app.state.settings.extension_decider == "leader"
    with db.read() as session:
        whose = user.leader_name if not user.is_office else None
        directives = page_reads.directive_heads(session, whose, DIRECTIVES_SHOWN + 1, before)
        directive_total = page_reads.directive_total(session, whose)
        extensions = []
        if leader_decides and user.role == Role.LEADER:  # his to decide; the office only sees
            extensions = extension_flow.pending_for_leader(session, user.leader_name or "\x00")
    context = {
        "user": user,
        "counts": found.counts,
        "buckets": list(Bucket),
        "urgency": urgency,
        "deadline_note": deadline_note,
        "dashboard": dashboard,
        "agency_at": agency_at,
        "evaluation": ranked,
        "directives": directives[:DIRECTIVES_SHOWN],
        "directive_total": directive_total,
        "older_directives": _older_link(values, directives[DIRECTIVES_SHOWN - 1].id)
        if len(directives) > DIRECTIVES_SHOWN
        else None,
        "extensions": extensions,
        "leader_decides": leader_decides and user.role == Role.LEADER,
        # the first page of the overdue and of those due within a week, in SQL; all on /tasks
        "attention": found.rows + coming.rows,
        "as_of": as_of,
        "base": "/leader",
        "picker_values": values,
        "title": "Tình hình thực hiện nhiệm vụ",
    }
    response = render(request, "leader.html", context)
    if dashboard:  # its <style> and style attributes, allowed by their hashes
        with_style_hashes(response, *map(str, dashboard))
    return response


def _older_link(values: dict[str, str], last_id: int) -> str:
    """The leader page again with the next page of directives (the other parameters kept)."""
    return "/leader?" + urlencode({**values, "before": str(last_id)}) + "#directives"
