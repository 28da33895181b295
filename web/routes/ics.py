"""/ics/{token}.ics: the secret calendar URL of an agency (no login: the token is the key)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from starlette.responses import Response

from storage import page_reads
from storage.queries import TaskFilter, list_tasks
from web.deps import AppSettings, Db, today
from web.ics import agency_calendar

router = APIRouter(include_in_schema=False)


@router.get("/ics/{token}.ics")
def agency_feed(token: str, db: Db, settings: AppSettings) -> Response:
    if len(token) < 16:
        raise HTTPException(404)
    with db.read() as session:
        agency = page_reads.agency_by_ics_token(session, token)
        if agency is None:
            raise HTTPException(404)
        rows = list_tasks(session, today(), TaskFilter(agency_id=agency.id, lead_only=True))
    body = agency_calendar(agency, [t for t, _ in rows], settings.base_url)
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'inline; filename="nhiem-vu.ics"'},
    )
