"""Login (throttled in the database), logout and the home page that sends each role home."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from directives.roles import Role
from web import accounts, sessions
from web.client import request_address
from web.deps import Db, PageUser, csrf_protect, render
from web.security import verify_and_update

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)

HOME = {
    Role.SECRETARIAT: "/secretariat",
    Role.ADMIN: "/secretariat",
    Role.AGENCY_OFFICER: "/agency",
    Role.AGENCY_HEAD: "/agency",
    Role.LEADER: "/leader",
}


def _safe_next(next_path: str | None) -> str | None:
    if next_path and next_path.startswith("/") and not next_path.startswith("//"):
        return next_path
    return None


@router.get("/")
def home(user: PageUser) -> Response:
    return RedirectResponse(HOME[user.role], status_code=303)


@router.get("/login")
def login_page(request: Request, next: str | None = None) -> Response:
    return render(request, "login.html", {"next": _safe_next(next) or "", "username": ""})


@router.post("/login")
def login(
    request: Request,
    db: Db,
    username: Annotated[str, Form(max_length=100)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    throttle = request.app.state.login_throttle
    name, address = accounts.normalize_username(username), request_address(request)
    context = {"next": _safe_next(next) or "", "username": username}
    wait = throttle.wait(name, address)
    if wait:
        error = f"Đăng nhập sai nhiều lần. Vui lòng thử lại sau {_wait_vi(wait)}."
        response = render(request, "login.html", context | {"error": error}, 429)
        response.headers["Retry-After"] = str(wait)
        return response
    with db.read() as session:
        row = accounts.user_row(session, name)
        ok, new_hash = verify_and_update(password, row.password_hash if row else None)
    if row is None or not ok:
        throttle.failed(name, address)
        error = "Tên đăng nhập hoặc mật khẩu không đúng."
        return render(request, "login.html", context | {"error": error}, 401)
    throttle.succeeded(name, address)
    if new_hash:  # argon2 parameters changed since this hash was made
        with db.write() as session:
            accounts.set_password_hash(session, row.id, new_hash)
    sessions.start(request, db, row.id)  # a fresh session id (and CSRF token) after login
    return RedirectResponse(_safe_next(next) or HOME[Role(row.role)], status_code=303)


def _wait_vi(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} giây"
    return f"{-(-seconds // 60)} phút"


@router.post("/logout")
def logout(request: Request, db: Db) -> Response:
    sessions.end(request, db)
    return RedirectResponse("/login", status_code=303)
