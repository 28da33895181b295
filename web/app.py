"""The web application: pages for people (Jinja2, Vietnamese) and a JSON API for programs."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DBAPIError, OperationalError
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from dondoc import wiring
from dondoc.settings import Settings, check_secret_key, get_settings
from storage.db import Database, utcnow
from storage.task_ops import STALE_MESSAGE, StaleTaskError, TaskNotFound
from web import apidocs
from web.db_errors import UNAVAILABLE_MESSAGE, unavailable
from web.deps import LoginRequired, render
from web.guards import ids_in_range
from web.headers import SecurityHeaders
from web.routes import (
    account,
    admin,
    agency,
    api,
    audit,
    auth,
    bulk,
    ics,
    leader,
    outbox,
    registry,
    secretariat,
    tasks,
)
from web.throttle import Clock, LoginThrottle


class BodyLimit:
    """Refuse bodies announced larger than the upload limit (plus room for form fields)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            length = dict(scope["headers"]).get(b"content-length", b"0")
            if length.isdigit() and int(length) > self.max_bytes:
                response = Response("Tệp hoặc nội dung gửi lên quá lớn.", status_code=413)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api")


def _error(request: Request, status: int, message: str) -> Response:
    if _is_api(request):
        return JSONResponse({"detail": message}, status_code=status)
    return render(request, "error.html", {"status": status, "message": message}, status)


def _install_handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(f"/login?next={quote(exc.next_path)}", status_code=303)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        messages = {404: "Không tìm thấy trang.", 405: "Phương thức không được hỗ trợ."}
        message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        response = _error(request, exc.status_code, messages.get(exc.status_code, message))
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(StaleTaskError)
    async def stale(request: Request, exc: StaleTaskError) -> Response:
        return _error(request, 409, STALE_MESSAGE)

    @app.exception_handler(TaskNotFound)
    async def missing(request: Request, exc: TaskNotFound) -> Response:
        return _error(request, 404, "Không tìm thấy nhiệm vụ.")

    @app.exception_handler(DBAPIError)
    async def busy(request: Request, exc: DBAPIError) -> Response:
        # SQLite under concurrent writers: "database is locked" is a conflict, retry later.
        if isinstance(exc, OperationalError) and "locked" in str(exc.orig):
            return _error(request, 409, STALE_MESSAGE)
        if unavailable(exc):  # read-only or full: nothing was written
            response = _error(request, 503, UNAVAILABLE_MESSAGE)
            response.headers["Retry-After"] = "300"
            return response
        raise exc


def create_app(
    settings: Settings | None = None, db: Database | None = None, clock: Clock | None = None
) -> FastAPI:
    """The app; `clock` (UTC now) drives session timeouts and login delays (tests pass their own,
    or set app.state.clock)."""
    settings = settings or get_settings()
    check_secret_key(settings)
    if db is None:
        db = wiring.database(settings)
    app = FastAPI(
        title="dondoc — theo dõi, đôn đốc thực hiện nhiệm vụ",
        docs_url=None,  # served offline by web.apidocs
        redoc_url=None,
        openapi_url="/api/openapi.json",
        dependencies=[Depends(ids_in_range)],
    )
    app.state.settings, app.state.db = settings, db
    app.state.clock = clock or utcnow
    app.state.login_throttle = LoginThrottle(db, lambda: app.state.clock())
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key.get_secret_value(),
        session_cookie="dondoc_session",
        max_age=int(settings.session_max_hours * 3600),
        same_site="lax",
        https_only=settings.base_url.startswith("https://"),
    )
    app.add_middleware(BodyLimit, max_bytes=settings.upload_max_bytes + 2 * 1024 * 1024)
    # Added last, so outermost: the 413 above, errors and static files get the headers too.
    app.add_middleware(SecurityHeaders, https=settings.base_url.startswith("https://"))
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    # The API first: routes are matched in order, and programs' calls are the bulk of requests.
    # No page path starts with /api, so the order changes nothing else.
    apidocs.install(app)
    app.include_router(bulk.api_router, prefix="/api")  # before /tasks/{task_id} routes
    app.include_router(api.router, prefix="/api")
    pages = (auth, tasks, agency, registry, secretariat, leader, ics, outbox, admin, account, audit)
    for module in (*pages, bulk):  # bulk: its page router
        app.include_router(module.router)
    _install_handlers(app)
    return app
