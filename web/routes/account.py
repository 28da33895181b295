"""Đổi mật khẩu: every logged-in user changes their own password (the current one asked for,
the policy applied); every other session of theirs ends, this one stays."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from storage.db import utcnow
from web import sessions, user_admin
from web.deps import Db, PageUser, csrf_protect, flash, render
from web.forms import Form
from web.passwords import MIN_LENGTH
from web.security import token_hash

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)


@router.get("/account/password")
def password_page(request: Request, user: PageUser) -> Response:
    context = {"user": user, "title": "Đổi mật khẩu", "errors": {}, "min_length": MIN_LENGTH}
    return render(request, "account_password.html", context)


@router.post("/account/password")
def change_password(request: Request, user: PageUser, db: Db, form: Form) -> Response:
    def field(name: str) -> str:
        value = form.get(name)
        return value if isinstance(value, str) else ""

    sid = request.session.get(sessions.COOKIE_KEY)
    keep = token_hash(sid) if isinstance(sid, str) else None
    try:
        with db.write() as session:
            ended = user_admin.change_own_password(
                session, user.id, field("old_password"), field("new_password"),
                field("confirm"), keep, utcnow(),
            )  # fmt: skip
    except user_admin.AdminError as exc:
        context = {"user": user, "title": "Đổi mật khẩu", "min_length": MIN_LENGTH,
                   "errors": {exc.field or "_form": str(exc)}}  # fmt: skip
        return render(request, "account_password.html", context, 422)
    others = f" Đã kết thúc {ended} phiên đăng nhập khác." if ended else ""
    flash(request, "Đã đổi mật khẩu." + others)
    return RedirectResponse("/account/password", status_code=303)
