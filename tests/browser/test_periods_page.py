"""The task page of a recurring task in Chromium: its periods (kỳ) with their state and bucket,
the current one reported by the agency and confirmed by the office, and the rule edited with a
Vietnamese error for a bad one. Screenshots go to /tmp/shots/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime

import pytest
from playwright.sync_api import Browser, Page, expect

from directives.calendar import TIMEZONE
from storage import periods
from storage.models import TaskRow
from tests.browser.site import SHOTS, fill_login, new_db, served, small_world

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    folder = tmp_path_factory.mktemp("site")
    db = new_db(folder)
    world = small_world(db)
    task_id = world.tasks["so-ngoai-vu"][0]
    today = datetime.now(TIMEZONE).date()
    month = today.year * 12 + today.month - 1 - 3  # three months ago: several periods by today
    start = date(month // 12, month % 12 + 1, 1)
    with db.write() as session:
        task = session.get(TaskRow, task_id)
        task.recurrence, task.deadline_kind = "monthly:5", "recurring"
        periods.materialise(session, task, today, start=start)
    with served(db, folder) as url:
        yield url, task_id


def _page(browser: Browser, url: str, username: str) -> Page:
    page = browser.new_context(base_url=url, viewport={"width": 1366, "height": 900},
                               locale="vi-VN").new_page()  # fmt: skip
    fill_login(page, username)
    page.wait_for_url(re.compile(r"/(secretariat|agency|leader)$"))
    return page


def test_periods_listed_reported_confirmed_and_rule_edited(browser: Browser, site) -> None:  # type: ignore[no-untyped-def]
    url, task_id = site
    agency = _page(browser, url, "ngoaivu")
    agency.goto(f"/tasks/{task_id}")
    rows = agency.locator("#periods tbody tr")
    count = rows.count()
    assert count >= 4
    expect(rows.nth(0)).to_have_class(re.compile("current"))
    expect(rows.nth(0)).to_contain_text("Quá hạn chưa hoàn thành")
    expect(agency.locator("#rule")).to_contain_text("Hằng tháng, ngày 5")
    agency.screenshot(path=str(SHOTS / "periods-01-agency.png"), full_page=True)
    agency.get_by_role("button", name="Báo cáo hoàn thành").click()
    expect(agency.locator(".flash")).to_be_visible()
    expect(rows.nth(0)).to_contain_text("Chờ xác nhận")

    office = _page(browser, url, "vanphong")
    office.goto(f"/tasks/{task_id}")
    office.get_by_role("button", name="Xác nhận hoàn thành").click()
    expect(office.locator(".flash")).to_be_visible()
    rows = office.locator("#periods tbody tr")
    expect(rows.nth(0)).to_contain_text("Hoàn thành quá hạn")
    expect(rows.nth(0)).to_contain_text("xác nhận: vanphong")
    expect(rows.nth(1)).to_have_class(re.compile("current"))
    expect(office.locator("#rule")).to_contain_text("kỳ 2")
    office.screenshot(path=str(SHOTS / "periods-02-office-confirmed.png"), full_page=True)

    office.goto(f"/tasks/{task_id}/edit")
    office.locator("#form-edit input[name=recurrence]").fill("monthly:40")
    office.get_by_role("button", name="Lưu thay đổi").click()
    expect(office.locator("#form-edit .error")).to_contain_text("Ngày trong tháng phải từ 1 đến 31")
    office.screenshot(path=str(SHOTS / "periods-03-rule-error.png"), full_page=True)
    office.locator("#form-edit input[name=recurrence]").fill("quarterly:end")
    office.get_by_role("button", name="Lưu thay đổi").click()
    expect(office.locator(".flash")).to_contain_text("Đã cập nhật nhiệm vụ.")
    expect(office.locator("#rule")).to_contain_text("Hằng quý, cuối quý")
    assert office.locator("#periods tbody tr").count() <= count
