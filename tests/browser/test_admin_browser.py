"""The users page in Chromium at 375 and 1366 px: an admin opens it from the menu, creates an
agency officer with the form, disables the account, and the new user can no longer log in; the
page and the history page fit the window (no horizontal scroll)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from directives.agencies import load_registry
from dondoc.settings import Settings
from storage.calendar import sync_calendar
from storage.db import Database
from storage.migrate import upgrade
from tests.factories import PASSWORD, build_world
from tests.web_testing import serve_in_thread
from web.app import create_app

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots")
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
NEW_PASSWORD = "hoa-ban-trang-nui-mau-son"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("admin-site")
    db = Database(f"sqlite:///{folder / 'dondoc.db'}")
    upgrade(db)
    with db.write() as s:
        sync_calendar(s)
    agencies = load_registry((FIXTURES / "agencies_small.yaml").read_text("utf-8"), "yaml")
    build_world(db, agencies, with_tokens=False)
    with serve_in_thread(create_app(Settings(upload_dir=folder / "up"), db)) as url:
        yield url
    db.dispose()


def log_in(page: Page, username: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def fits(page: Page) -> None:
    scroll, client = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll <= client, f"{scroll} px wide in a {client} px window"


@pytest.mark.parametrize("width", [375, 1366])
def test_admin_creates_and_disables_an_account(browser: Browser, site: str, width: int) -> None:
    context = browser.new_context(base_url=site, viewport={"width": width, "height": 900})
    page = context.new_page()
    log_in(page, "quantri")
    page.wait_for_url(re.compile(r"/secretariat$"))
    page.get_by_role("link", name="Tài khoản").click()
    expect(page.locator("#account-list")).to_contain_text("lanhdao.khac")
    fits(page)
    form = page.locator("#form-new-user")
    username = f"bich{width}"
    form.get_by_label("Tên đăng nhập").fill(username)
    form.get_by_label("Họ tên", exact=True).fill("Hoàng Thị Bích")
    form.get_by_label("Vai trò").select_option(label="Chuyên viên cơ quan")
    form.get_by_label("Cơ quan (chuyên viên").select_option(label="Sở Nội vụ")
    form.get_by_label("Mật khẩu ban đầu").fill(NEW_PASSWORD)
    form.get_by_role("button", name="Tạo tài khoản").click()
    expect(page.locator(".flash")).to_contain_text(f"Đã tạo tài khoản “{username}”.")
    expect(page.locator("#account-facts")).to_contain_text("Sở Nội vụ")
    page.screenshot(path=str(SHOTS / f"admin-user-{width}.png"), full_page=True)
    fits(page)
    page.get_by_role("button", name="Khóa tài khoản").click()
    expect(page.locator("#account-state")).to_have_text("Đã khóa")
    page.goto("/admin/history?agency=so-ngoai-vu")
    expect(page.locator("#history tbody tr").first).to_contain_text("Vào sổ")
    page.screenshot(path=str(SHOTS / f"admin-history-{width}.png"), full_page=True)
    fits(page)
    other = browser.new_context(base_url=site, viewport={"width": width, "height": 900})
    newcomer = other.new_page()
    log_in(newcomer, username, NEW_PASSWORD)
    expect(newcomer.locator("body")).to_contain_text("Tên đăng nhập hoặc mật khẩu không đúng.")
    other.close()
    context.close()
