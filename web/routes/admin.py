"""Quản trị tài khoản (admins only): the list of accounts, a new account, and on one account's
page: disable or enable, reset the password, end its sessions, create and revoke API tokens."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from directives.collation import name_key
from directives.roles import ROLE_LABELS_VI, Role
from storage import admin_reads, page_reads
from storage.db import utcnow
from web import user_admin
from web.accounts import CurrentUser
from web.deps import Db, PageUser, csrf_protect, flash, render, require
from web.forms import Form, text_fields

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)
ROLES = [(r, ROLE_LABELS_VI[r]) for r in Role]


def _admin(user: CurrentUser) -> None:
    require(user, user.role == Role.ADMIN, "quản trị tài khoản")


def _list_page(request: Request, user: CurrentUser, db: Db, errors: dict[str, str] | None = None,
               values: dict[str, Any] | None = None) -> Response:  # fmt: skip
    with db.read() as session:
        rows = admin_reads.accounts(session)
        agencies = page_reads.agencies(session, include_groups=False)
    rows.sort(key=lambda a: (name_key(a.full_name or a.username), a.username))
    context = {"user": user, "title": "Tài khoản", "accounts": rows, "agencies": agencies,
               "roles": ROLES, "role_labels": dict(ROLES), "errors": errors or {},
               "values": values or {}}  # fmt: skip
    return render(request, "admin_users.html", context, 422 if errors else 200)


@router.get("/admin/users")
def users_page(request: Request, user: PageUser, db: Db) -> Response:
    _admin(user)
    return _list_page(request, user, db)


@router.post("/admin/users")
def create_user(request: Request, user: PageUser, db: Db, form: Form) -> Response:
    _admin(user)
    values = text_fields(form)
    new = user_admin.NewUser(
        username=values.get("username", ""), full_name=values.get("full_name", "").strip(),
        email=values.get("email", "").strip() or None, role=values.get("role", ""),
        agency_code=values.get("agency", ""), leader_name=values.get("leader_name", "").strip(),
        password=values.get("password", ""),
    )  # fmt: skip
    try:
        with db.write() as session:
            row = user_admin.create(session, new, user.username, utcnow())
            user_id, username = row.id, row.username
    except user_admin.AdminError as exc:
        values.pop("password", None)
        return _list_page(request, user, db, {exc.field or "_form": str(exc)}, values)
    flash(request, f"Đã tạo tài khoản “{username}”.")
    return RedirectResponse(f"/admin/users/{user_id}", status_code=303)


def _user_page(
    request: Request,
    user: CurrentUser,
    db: Db,
    user_id: int,
    errors: dict[str, str] | None = None,
    token: str | None = None,
) -> Response:

    with db.read() as session:
        account = admin_reads.account(session, user_id)
        if account is None:
            raise HTTPException(404, "Không tìm thấy tài khoản.")
        tokens = admin_reads.tokens_of(session, user_id)
    context = {"user": user, "title": f"Tài khoản {account.username}", "account": account,
               "tokens": tokens, "role_labels": dict(ROLES), "errors": errors or {},
               "new_token": token}  # fmt: skip
    return render(request, "admin_user.html", context, 422 if errors else 200)


@router.get("/admin/users/{user_id}")
def user_page(request: Request, user_id: int, user: PageUser, db: Db) -> Response:
    _admin(user)
    return _user_page(request, user, db, user_id)


def _change(request: Request, user: CurrentUser, db: Db, user_id: int, what: str,
            values: dict[str, Any]) -> Response:  # fmt: skip
    _admin(user)
    now = utcnow()
    token = None
    try:
        with db.write() as session:
            account = user_admin.existing(session, user_id)
            name = account.username
            if what in ("disable", "enable"):
                ended, revoked = user_admin.set_active(
                    session, user_id, what == "enable", user.id, user.username, now
                )
                message = (f"Đã khóa tài khoản “{name}”: kết thúc {ended} phiên đăng nhập, "
                           f"thu hồi {revoked} khóa API." if what == "disable"
                           else f"Đã mở khóa tài khoản “{name}”.")  # fmt: skip
            elif what == "password":
                ended = user_admin.reset_password(
                    session, user_id, values.get("password", ""), user.username, now
                )
                message = f"Đã đặt lại mật khẩu của “{name}”; kết thúc {ended} phiên đăng nhập."
            elif what == "logout":
                ended = user_admin.end_sessions(session, user_id, user.username, now)
                message = f"Đã kết thúc {ended} phiên đăng nhập của “{name}”."
            elif what == "token":
                token = user_admin.new_token(
                    session, user_id, values.get("token_name", ""), user.username, now
                )
                message = f"Đã tạo khóa API cho “{name}”. Khóa chỉ hiện một lần, hãy chép ngay."
            else:
                token_id = int(values["token_id"])
                user_admin.revoke_token(session, user_id, token_id, user.username, now)
                message = f"Đã thu hồi khóa API của “{name}”."
    except LookupError:
        raise HTTPException(404, "Không tìm thấy tài khoản.") from None
    except user_admin.AdminError as exc:
        return _user_page(request, user, db, user_id, {exc.field or "_form": str(exc)})
    if token is not None:  # shown once, on this answer only: never stored, never redirected
        flash(request, message)
        return _user_page(request, user, db, user_id, token=token)
    flash(request, message)
    return RedirectResponse(f"/admin/users/{user_id}", status_code=303)


def _poster(what: str) -> Any:
    def handler(request: Request, user_id: int, user: PageUser, db: Db, form: Form) -> Response:
        return _change(request, user, db, user_id, what, text_fields(form))

    return handler


for _what in ("disable", "enable", "password", "logout", "token"):
    router.add_api_route(f"/admin/users/{{user_id}}/{_what}", _poster(_what), methods=["POST"],
                         name=f"admin_{_what}")  # fmt: skip


@router.post("/admin/users/{user_id}/tokens/{token_id}/revoke")
def revoke(request: Request, user_id: int, token_id: int, user: PageUser, db: Db) -> Response:
    return _change(request, user, db, user_id, "revoke", {"token_id": token_id})
