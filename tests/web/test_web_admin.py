"""The admin and self-service pages over HTTP (uvicorn on loopback, httpx), SQLite and
PostgreSQL: who may open each page (403 for the others); an account created, disabled (its
session and API tokens stop working at once), enabled, its password reset, a token revoked (401);
one's own password changed (the other sessions end, this one stays); the reminder policy page."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import time
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from dondoc.settings import Settings
from storage.db import Database
from storage.models import ApiTokenRow, HistoryRow, UserRow
from tests.factories import PASSWORD, World, build_world
from tests.web_testing import csrf_of, login, serve_in_thread
from web.app import create_app

NEW_PASSWORD = "hoa-ban-trang-nui-mau-son"


@pytest.fixture
def world(db: Database, small_agencies) -> World:  # type: ignore[no-untyped-def]
    return build_world(db, small_agencies)


@pytest.fixture
def base(db: Database, world: World, tmp_path: Path) -> Iterator[str]:
    settings = Settings(upload_dir=tmp_path, send_time=time(8, 15))
    with serve_in_thread(create_app(settings, db)) as url:
        yield url


def client(base: str, username: str | None = None, password: str = PASSWORD) -> httpx.Client:
    c = httpx.Client(base_url=base, follow_redirects=False, timeout=30)
    if username:
        assert login(c, username, password).status_code == 303
    return c


def uid(db: Database, username: str) -> int:
    with db.read() as s:
        return s.scalar(sa.select(UserRow.id).where(UserRow.username == username))


def post(c: httpx.Client, page: str, path: str, **data: str) -> httpx.Response:
    token = csrf_of(c.get(page).text)
    return c.post(path, data={"csrf_token": token, **data})


def api_me(base: str, token: str) -> int:
    return httpx.get(f"{base}/api/me", headers={"Authorization": f"Bearer {token}"}).status_code


ALL = ("vanphong", "quantri", "ngoaivu", "gd.ngoaivu", "lanhdao")


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/admin/users", {"quantri"}),
        ("/admin/users/{uid}", {"quantri"}),
        ("/admin/history", {"vanphong", "quantri"}),
        ("/admin/policy", {"vanphong", "quantri"}),
        ("/account/password", set(ALL)),
    ],
)
def test_who_may_open_each_page(db: Database, base: str, path: str, allowed: set[str]) -> None:
    url = path.format(uid=uid(db, "ngoaivu"))
    for username in ALL:
        answer = client(base, username).get(url)
        assert answer.status_code == (200 if username in allowed else 403), (username, url)
        if answer.status_code == 403:
            assert "Bạn không có quyền" in answer.text
    assert client(base).get(url).headers["location"].startswith("/login")


def test_only_an_admin_changes_accounts(db: Database, base: str) -> None:
    office = client(base, "vanphong")
    target = uid(db, "ngoaivu")
    for path in (f"/admin/users/{target}/disable", f"/admin/users/{target}/password"):
        answer = post(office, "/account/password", path, password=NEW_PASSWORD)
        assert answer.status_code == 403
    with db.read() as s:
        assert s.get(UserRow, target).active


def test_create_account_then_it_logs_in(db: Database, base: str) -> None:
    admin = client(base, "quantri")
    form = {"username": " Chuyenvien.NV ", "full_name": "Hoàng Thị Bích", "role": "agency_officer",
            "agency": "so-noi-vu", "email": "bich@langson.example.org"}  # fmt: skip
    weak = post(admin, "/admin/users", "/admin/users", **form, password="abcabcabcabcabc")
    assert weak.status_code == 422
    assert "Mật khẩu quá phổ biến hoặc dễ đoán" in weak.text and "too common" not in weak.text
    no_agency = post(admin, "/admin/users", "/admin/users", **(form | {"agency": ""}),
                     password=NEW_PASSWORD)  # fmt: skip
    assert no_agency.status_code == 422 and "Vai trò này cần chọn cơ quan." in no_agency.text
    with db.read() as s:
        assert s.scalar(sa.select(UserRow).where(UserRow.username == "chuyenvien.nv")) is None
    made = post(admin, "/admin/users", "/admin/users", **form, password=NEW_PASSWORD)
    assert made.status_code == 303
    page = admin.get(made.headers["location"]).text
    assert "Đã tạo tài khoản “chuyenvien.nv”." in page and "Sở Nội vụ" in page
    again = post(admin, "/admin/users", "/admin/users", **form, password=NEW_PASSWORD)
    assert again.status_code == 422 and "đã có người dùng" in again.text
    newcomer = client(base, "chuyenvien.nv", NEW_PASSWORD)
    assert newcomer.get("/").headers["location"] == "/agency"
    listing = admin.get("/admin/users").text
    assert 'id="user-chuyenvien.nv"' in listing and "Hoàng Thị Bích" in listing


def test_accounts_listed_in_vietnamese_order(db: Database, base: str) -> None:
    with db.write() as s:
        for username, name in (("a", "Đỗ Văn An"), ("b", "Bùi Thị Bé"), ("c", "Dương Văn Cao")):
            s.add(UserRow(username=username, full_name=name, password_hash="x", role="admin"))
    page = client(base, "quantri").get("/admin/users").text
    found = [page.index(name) for name in ("Bùi Thị Bé", "Dương Văn Cao", "Đỗ Văn An")]
    assert found == sorted(found)


def test_disable_ends_session_and_tokens_enable_lets_log_in(
    db: Database, base: str, world: World
) -> None:
    agency = client(base, "ngoaivu")
    assert agency.get("/agency").status_code == 200
    assert api_me(base, world.tokens["ngoaivu"]) == 200
    admin = client(base, "quantri")
    page = f"/admin/users/{uid(db, 'ngoaivu')}"
    answer = post(admin, page, f"{page}/disable")
    assert answer.status_code == 303
    assert "kết thúc 1 phiên đăng nhập, thu hồi 1 khóa API" in admin.get(page).text
    assert agency.get("/agency").headers["location"].startswith("/login")
    assert api_me(base, world.tokens["ngoaivu"]) == 401
    assert login(client(base), "ngoaivu").status_code == 401
    self_lock = post(admin, page, f"/admin/users/{uid(db, 'quantri')}/disable")
    assert self_lock.status_code == 422 and "Không thể tự khóa" in self_lock.text
    locked = post(admin, page, f"{page}/token", token_name="phần mềm một cửa")
    assert locked.status_code == 422 and "mở khóa trước khi tạo khóa API" in locked.text
    assert post(admin, page, f"{page}/enable").status_code == 303
    assert client(base, "ngoaivu").get("/agency").status_code == 200
    assert api_me(base, world.tokens["ngoaivu"]) == 401  # tokens stay revoked
    with db.read() as s:
        actions = s.scalars(sa.select(HistoryRow.action).where(HistoryRow.entity == "user"))
        assert list(actions) == ["user_disable", "user_enable"]


def test_reset_password_ends_sessions(db: Database, base: str) -> None:
    agency = client(base, "ngoaivu")
    admin = client(base, "quantri")
    page = f"/admin/users/{uid(db, 'ngoaivu')}"
    short = post(admin, page, f"{page}/password", password="ngan")
    assert short.status_code == 422 and "ít nhất 12 ký tự" in short.text
    assert agency.get("/agency").status_code == 200  # nothing changed
    assert post(admin, page, f"{page}/password", password=NEW_PASSWORD).status_code == 303
    assert agency.get("/agency").headers["location"].startswith("/login")
    assert login(client(base), "ngoaivu").status_code == 401
    assert client(base, "ngoaivu", NEW_PASSWORD).get("/agency").status_code == 200


def test_tokens_listed_revoked_created(db: Database, base: str, world: World) -> None:
    admin = client(base, "quantri")
    user_id = uid(db, "ngoaivu")
    page = f"/admin/users/{user_id}"
    made = post(admin, page, f"{page}/token", token_name="phần mềm một cửa")
    assert made.status_code == 200
    new = made.text.split('id="new-token">')[1].split("<code>")[1].split("</code>")[0]
    assert api_me(base, new) == 200
    assert "phần mềm một cửa" in admin.get(page).text
    assert new not in admin.get(page).text  # shown once only
    with db.read() as s:
        first = s.scalar(
            sa.select(ApiTokenRow.id).where(
                ApiTokenRow.user_id == user_id, ApiTokenRow.name == "tests"
            )
        )
    assert f"/tokens/{first}/revoke" in admin.get(page).text
    assert post(admin, page, f"{page}/tokens/{first}/revoke").status_code == 303
    assert api_me(base, world.tokens["ngoaivu"]) == 401
    assert api_me(base, new) == 200
    twice = post(admin, page, f"{page}/tokens/{first}/revoke")
    assert twice.status_code == 422 and "Không tìm thấy khóa API này" in twice.text
    other = uid(db, "noivu")  # a token id of another account is not this account's
    with db.read() as s:
        theirs = s.scalar(sa.select(ApiTokenRow.id).where(ApiTokenRow.user_id == other))
    assert post(admin, page, f"{page}/tokens/{theirs}/revoke").status_code == 422
    assert api_me(base, world.tokens["noivu"]) == 200


def test_own_password_change(db: Database, base: str) -> None:
    here, elsewhere = client(base, "ngoaivu"), client(base, "ngoaivu")
    page = "/account/password"

    def change(old: str, new: str, confirm: str | None = None) -> httpx.Response:
        return post(here, page, page, old_password=old, new_password=new,
                    confirm=new if confirm is None else confirm)  # fmt: skip

    wrong = change("sai-mat-khau-roi", NEW_PASSWORD)
    assert wrong.status_code == 422 and "Mật khẩu hiện tại không đúng." in wrong.text
    mismatch = change(PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x")
    assert mismatch.status_code == 422 and "không khớp" in mismatch.text
    weak = change(PASSWORD, "aaaaaaaaaaaaaaa")
    assert weak.status_code == 422 and "dễ đoán" in weak.text
    assert elsewhere.get("/agency").status_code == 200
    done = change(PASSWORD, NEW_PASSWORD)
    assert done.status_code == 303
    assert "Đã đổi mật khẩu. Đã kết thúc 1 phiên đăng nhập khác." in here.get(page).text
    assert here.get("/agency").status_code == 200  # this session stays
    assert elsewhere.get("/agency").headers["location"].startswith("/login")
    assert login(client(base), "ngoaivu").status_code == 401
    assert login(client(base), "ngoaivu", NEW_PASSWORD).status_code == 303


def test_missing_csrf_refused(db: Database, base: str) -> None:
    admin = client(base, "quantri")
    page = f"/admin/users/{uid(db, 'ngoaivu')}"
    assert admin.post(f"{page}/disable", data={}).status_code == 403
    with db.read() as s:
        assert s.get(UserRow, uid(db, "ngoaivu")).active


def test_policy_page_shows_what_is_in_force(
    db: Database, base: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = client(base, "vanphong").get("/admin/policy").text
    assert "08:15" in page and "5 ngày làm việc, 2 ngày làm việc" in page
    monkeypatch.setenv("DONDOC_REMINDER_POLICY", json.dumps({"before": [3, 7], "on_day": False}))
    settings = Settings(upload_dir=tmp_path)  # the environment is read when settings are built
    with serve_in_thread(create_app(settings, db)) as url:
        page = client(url, "vanphong").get("/admin/policy").text
    assert "7 ngày làm việc, 3 ngày làm việc" in page
    assert '<th scope="row">Nhắc đúng ngày đến hạn</th><td>không</td>' in page
