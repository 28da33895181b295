"""In Chromium: the office opens the leader's page, picks Quý I/2025 in "Đánh giá, xếp loại cơ
quan", and sees the agencies ranked with their grades. Screenshot: /tmp/shots/evaluation.png."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from directives.roles import Role
from tests.browser.site import SHOTS, fill_login, new_db, served
from tests.factories import NGV, PASSWORD, VH, add_user, seed_evaluation

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("evaluation-site")
    db = new_db(folder)
    seed_evaluation(db)
    with db.write() as session:
        add_user(session, "vanphong", Role.SECRETARIAT, PASSWORD)
    with served(db, folder) as url:
        yield url


def test_the_office_picks_a_quarter_and_reads_the_ranking(browser: Browser, site: str) -> None:
    page = browser.new_context(
        base_url=site, viewport={"width": 1366, "height": 900}, locale="vi-VN"
    ).new_page()
    fill_login(page, "vanphong")
    page.wait_for_url(re.compile(r"/secretariat$"))
    page.goto("/leader")
    block = page.locator("#evaluation")
    expect(block.get_by_role("heading")).to_have_text("Đánh giá, xếp loại cơ quan")
    page.goto("/leader?evaluation=2025-Q1#evaluation")
    rows = block.locator("tbody tr")
    expect(rows).to_have_count(5)
    expect(rows.nth(0)).to_contain_text(VH)
    expect(rows.nth(0)).to_contain_text("Hoàn thành xuất sắc nhiệm vụ")
    expect(rows.nth(1)).to_contain_text(NGV)
    expect(rows.nth(1)).to_contain_text("81,3")
    block.get_by_text("Cách tính điểm, xếp loại").click()
    expect(block).to_contain_text("1748/QĐ-UBND")
    block.scroll_into_view_if_needed()
    SHOTS.mkdir(parents=True, exist_ok=True)
    block.screenshot(path=str(SHOTS / "evaluation.png"))
