"""Login (rate-limited), logout and the home page that sends each role to its own pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from web import accounts
from web.accounts import Role
from web.deps import Db, PageUser, csrf_protect, render
from web.security import verify_password

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
    limiter = request.app.state.login_limiter
    ip = request.client.host if request.client else "?"
    context = {"next": _safe_next(next) or "", "username": username}
    if limiter.blocked(username, ip):
        error = "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 15 phút."
        return render(request, "login.html", context | {"error": error}, 429)
    with db.read() as session:
        row = accounts.user_row(session, username.strip())
        ok = verify_password(password, row.password_hash if row else None)
    if row is None or not ok:
        limiter.failed(username, ip)
        error = "Tên đăng nhập hoặc mật khẩu không đúng."
        return render(request, "login.html", context | {"error": error}, 401)
    limiter.succeeded(username, ip)
    request.session.clear()  # a fresh session (and CSRF token) after login
    request.session["uid"] = row.id
    return RedirectResponse(_safe_next(next) or HOME[Role(row.role)], status_code=303)


@router.post("/logout")
def logout(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse("/login", status_code=303)
