"""Pages of an agency (sở, ban, ngành; UBND huyện): my tasks by bucket, reports, extensions."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from directives.roles import Role
from storage import page_reads
from storage.models import AgencyRow
from web import task_lists
from web.deps import AppSettings, Db, PageUser, csrf_protect, flash, render, require, today
from web.forms import add_page_actions
from web.routes.tasks import paged_rows

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)


@router.get("/agency")
def my_tasks(request: Request, user: PageUser, db: Db, settings: AppSettings) -> Response:
    """One page (SQL, by cursor) of the tasks the agency leads or coordinates, by bucket."""
    require(user, user.is_agency, "xem trang của cơ quan")
    items = request.query_params.multi_items()
    params, found = task_lists.counted_page_or_422(db, user, items, today())
    with db.read() as session:
        agency = session.get(AgencyRow, user.agency_id)
    assert agency is not None  # an agency account belongs to an agency
    ics_url = f"{settings.base_url}/ics/{agency.ics_token}.ics" if agency.ics_token else None
    context = paged_rows(found, params, "/agency") | {
        "user": user,
        "agency": agency,
        "ics_url": ics_url,
        "title": f"Nhiệm vụ của {agency.name}",
    }
    return render(request, "agency.html", context)


add_page_actions(router, ("progress", "completion", "extension", "note"))


@router.post("/agencies/{agency_id}/ics-token")
def new_ics_token(request: Request, agency_id: int, user: PageUser, db: Db) -> Response:
    """A new secret calendar URL for the agency (its head, or the office)."""
    own_head = user.role == Role.AGENCY_HEAD and user.agency_id == agency_id
    require(user, user.is_office or own_head, "tạo đường dẫn lịch cho cơ quan này")
    with db.write() as session:
        if session.get(AgencyRow, agency_id) is None:
            return render(
                request, "error.html", {"status": 404, "message": "Không có cơ quan."}, 404
            )
        page_reads.set_ics_token(session, agency_id, secrets.token_urlsafe(24))
    flash(request, "Đã tạo đường dẫn lịch mới; đường dẫn cũ không còn dùng được.")
    back = "/agency" if user.is_agency else "/secretariat/agencies"
    return RedirectResponse(back, status_code=303)
