"""In Chromium, with `extension_decider = leader`: the agency asks for more time, the office
proposes, the leader who concluded the directive approves on his page, the task shows the new
deadline and the history names who proposed and who decided. Screenshots go to /tmp/shots/."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from dondoc.settings import ExtensionDecider, Settings
from tests.browser.site import SHOTS, fill_login, new_db, served, small_world

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    folder = tmp_path_factory.mktemp("leader-site")
    db = new_db(folder)
    world = small_world(db)
    settings = Settings(upload_dir=folder / "uploads", extension_decider=ExtensionDecider.LEADER)
    with served(db, folder, settings) as url:
        yield url, world.tasks["so-ngoai-vu"][0]


def _page(browser: Browser, url: str, username: str) -> Page:
    page = browser.new_context(
        base_url=url, viewport={"width": 1366, "height": 900}, locale="vi-VN"
    ).new_page()
    fill_login(page, username)
    page.wait_for_url(re.compile(r"/(secretariat|agency|leader)$"))
    return page


def test_leader_approves_an_extension_the_office_proposed(
    browser: Browser, site: tuple[str, int]
) -> None:
    url, task_id = site
    agency = _page(browser, url, "ngoaivu")
    agency.goto(f"/tasks/{task_id}")
    form = agency.locator("#form-extension")
    form.locator("input[name=proposed_deadline]").fill("2099-03-02")
    form.locator("textarea[name=reason]").fill("Chờ ý kiến thẩm định của Bộ Ngoại giao")
    form.get_by_role("button").click()
    expect(agency.locator(".flash")).to_contain_text("Đã gửi đề nghị gia hạn.")

    office = _page(browser, url, "vanphong")
    office.goto(f"/tasks/{task_id}")
    expect(office.locator("#form-decision")).to_have_count(0)  # the leader decides here
    proposal = office.locator("#form-proposal")
    proposal.locator("textarea[name=note]").fill("Lý do xác đáng, đề nghị đồng ý")
    proposal.get_by_role("button", name="Đề xuất đồng ý").click()
    expect(office.locator(".flash")).to_contain_text("Đã gửi đề xuất gia hạn lên lãnh đạo.")
    expect(office.locator("#proposal-note")).to_contain_text("Văn phòng đề xuất đồng ý")
    office.screenshot(path=str(SHOTS / "ext-1-office-proposed.png"), full_page=True)

    leader = _page(browser, url, "lanhdao")
    expect(leader.locator("#pending-extensions")).to_contain_text("(1)")
    card = leader.locator("form[id^=decide-]")
    expect(card).to_contain_text("Văn phòng đề xuất: đồng ý, hạn mới 02/03/2099")
    expect(card).to_contain_text("Chờ ý kiến thẩm định của Bộ Ngoại giao")
    leader.screenshot(path=str(SHOTS / "ext-2-leader-pending.png"), full_page=True)
    card.locator("textarea[name=note]").fill("Đồng ý gia hạn")
    card.get_by_role("button", name="Đồng ý gia hạn").click()
    expect(leader.locator(".flash")).to_contain_text("Đã xử lý đề nghị gia hạn.")
    leader.goto(f"/tasks/{task_id}")
    expect(leader.locator("body")).to_contain_text("02/03/2099")
    expect(leader.locator("body")).to_contain_text("Văn phòng đề xuất xử lý gia hạn")
    leader.screenshot(path=str(SHOTS / "ext-3-task-after.png"), full_page=True)
    leader.goto("/leader")
    expect(leader.locator("#pending-extensions")).to_contain_text("(0)")
