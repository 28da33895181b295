"""The leader's pages: rollup dashboard of the directives he concluded, drill-down to tasks."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from markupsafe import Markup
from starlette.responses import Response

from storage import extension_flow, page_reads
from web.accounts import CurrentUser, Role
from web.deps import Db, PageUser, csrf_protect, render, require, today
from web.evaluation_view import evaluation_block
from web.headers import with_style_hashes
from web.routes.tasks import list_context, visible_tasks
from web.views import urgency

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)


def dashboard_html(
    db: Db, user: CurrentUser, agency_at: str = "asof"
) -> tuple[Markup, Markup] | None:
    """The rollup dashboard (styles, body) for this leader, from the reports package."""
    try:
        from reports.html import render_dashboard_css, render_dashboard_html
        from reports.model import Scope
        from reports.rollup import build_rollup
    except ImportError:  # reports not installed: the page shows its own bucket tiles
        return None
    leader = user.leader_name if user.role == Role.LEADER else None
    scope = Scope(leader=leader, agency_at="then" if agency_at == "then" else "asof")
    with db.read() as session:
        rollup = build_rollup(session, today(), scope)
    # both come from the reports package's own autoescaping Jinja2 environment
    body = render_dashboard_html(rollup, standalone=False)
    return Markup(render_dashboard_css()), Markup(body)


@router.get("/leader")
def dashboard(
    request: Request, user: PageUser, db: Db, agency_at: str = "asof", evaluation: str | None = None
) -> Response:
    require(user, user.role == Role.LEADER or user.is_office, "xem trang của lãnh đạo")
    formula = request.app.state.settings.evaluation
    leader = user.leader_name if user.role == Role.LEADER else None
    ranked = evaluation_block(db, leader, formula, evaluation, today())
    rows = visible_tasks(db, user)
    leader_decides = request.app.state.settings.extension_decider == "leader"
    with db.read() as session:
        directives = page_reads.directives(
            session, user.leader_name if not user.is_office else None
        )
        extensions = []
        if leader_decides and user.role == Role.LEADER:  # his to decide; the office only sees
            extensions = extension_flow.pending_for_leader(session, user.leader_name or "\x00")
    context = list_context(rows, None) | {
        "user": user,
        "dashboard": dashboard_html(db, user, agency_at),
        "agency_at": agency_at,
        "evaluation": ranked,
        "directives": directives,
        "extensions": extensions,
        "leader_decides": leader_decides and user.role == Role.LEADER,
        "attention": [(t, b) for t, b in rows if urgency(t, today())],
        "title": "Tình hình thực hiện nhiệm vụ",
    }
    response = render(request, "leader.html", context)
    if context["dashboard"]:  # its <style> and style attributes, allowed by their hashes
        with_style_hashes(response, *map(str, context["dashboard"]))
    return response
