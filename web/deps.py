"""FastAPI dependencies: database, current user (session or API token), CSRF, templates."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import jinja2
from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from directives.calendar import TIMEZONE
from directives.labels import directive_label
from directives.models import BUCKET_LABELS_VI, STATE_LABELS_VI, Bucket, TaskState
from directives.vn_format import vn_date, vn_datetime, vn_int
from dondoc.settings import Settings
from storage.db import Database
from web import accounts, sessions, views
from web.accounts import CurrentUser
from web.security import csrf_matches, new_csrf_token

_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True
)
TEMPLATES = Jinja2Templates(env=_ENV)
TEMPLATES.env.globals |= {
    "BUCKET_LABELS": {b.value: label for b, label in BUCKET_LABELS_VI.items()},
    "STATE_LABELS": dict(STATE_LABELS_VI),
}
TEMPLATES.env.filters["warning_vi"] = views.warning_vi
# One name for a directive everywhere: its number, or its kind, date and subject when it has none.
TEMPLATES.env.filters["dlabel"] = lambda d: directive_label(
    d.number, d.issued_on, d.subject, d.kind
)
TEMPLATES.env.globals["history_lines"] = views.history_lines
TEMPLATES.env.filters["vndate"] = lambda d: vn_date(d, empty="—")
TEMPLATES.env.filters["vntime"] = lambda t: vn_datetime(t, TIMEZONE)
TEMPLATES.env.filters["vnint"] = vn_int

CSRF_MESSAGE = (
    "Yêu cầu bị từ chối: thiếu hoặc sai mã bảo mật biểu mẫu (CSRF). "
    "Vui lòng tải lại trang rồi thử lại."
)
_bearer = HTTPBearer(auto_error=False, description="API token: `dondoc users token USERNAME`")


class LoginRequired(Exception):
    def __init__(self, next_path: str) -> None:
        self.next_path = next_path


# async: a plain attribute read; a sync dependency would cost a trip through the threadpool.
async def get_db(request: Request) -> Database:
    return request.app.state.db


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def today() -> date:
    """Today in Vietnam; the date every write operation is stamped with."""
    return datetime.now(TIMEZONE).date()


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = new_csrf_token()
    return token


async def csrf_protect(request: Request) -> None:
    """Every POST from a page carries the session's CSRF token in the field csrf_token."""
    if request.method != "POST":
        return
    form = await request.form()
    given = form.get("csrf_token")
    if not csrf_matches(request.session.get("csrf"), given if isinstance(given, str) else None):
        raise HTTPException(403, CSRF_MESSAGE)


def page_user(request: Request, db: Annotated[Database, Depends(get_db)]) -> CurrentUser:
    user = sessions.user_of(request, db)
    if user is None:
        request.session.pop(sessions.COOKIE_KEY, None)
        raise LoginRequired(request.url.path)
    return user


def api_user(
    db: Annotated[Database, Depends(get_db)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> CurrentUser:
    user = None
    if credentials is not None and credentials.scheme.lower() == "bearer":
        with db.engine.connect() as conn:
            user = accounts.user_by_token(conn, credentials.credentials)
    if user is None:
        raise HTTPException(
            401, "Chưa xác thực: cần khóa API hợp lệ", headers={"WWW-Authenticate": "Bearer"}
        )
    return user


def require(user: CurrentUser, allowed: bool, what: str = "thực hiện thao tác này") -> None:
    if not allowed:
        raise HTTPException(403, f"Bạn không có quyền {what}.")


def flash(request: Request, message: str) -> None:
    request.session.setdefault("flash", []).append(message)


def render(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200
) -> Response:
    """A page with the user, CSRF token, flash messages and today's date in its context."""
    base = {
        "csrf_token": csrf_token(request),
        "flashes": request.session.pop("flash", []),
        "today": today(),
        "Bucket": Bucket,
        "TaskState": TaskState,
    }
    return TEMPLATES.TemplateResponse(request, name, base | context, status_code=status_code)


PageUser = Annotated[CurrentUser, Depends(page_user)]
ApiUser = Annotated[CurrentUser, Depends(api_user)]
Db = Annotated[Database, Depends(get_db)]
AppSettings = Annotated[Settings, Depends(get_settings)]
