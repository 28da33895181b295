"""The users page in Chromium at 375 and 1366 px: an admin opens it from the menu, creates an
agency officer with the form, disables the account, and the new user can no longer log in; the
page and the history page fit the window (no horizontal scroll)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.site import SHOTS, fits, new_db, served, small_world
from tests.browser.site import fill_login as log_in

pytestmark = pytest.mark.browser

NEW_PASSWORD = "hoa-ban-trang-nui-mau-son"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("admin-site")
    db = new_db(folder)
    small_world(db)
    with served(db, folder) as url:
        yield url


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
