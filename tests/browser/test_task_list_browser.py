"""The task list in Chromium (SQLite): the office types a search without diacritics, picks an
agency, filters, pages forward and back by the pager links; the filters stay in the address
and in the form. Screenshots go to /tmp/shots/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, expect

from storage.synth import synthesize
from tests.browser.site import SHOTS, fill_login, new_db, served, small_world

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("lists")
    db = new_db(folder)
    small_world(db)
    synthesize(db, 1000, seed=5)
    with served(db, folder) as url:
        yield url


def test_filter_form_and_paging(browser: Browser, site: str) -> None:
    page = browser.new_context(base_url=site, viewport={"width": 1366, "height": 900},
                               locale="vi-VN").new_page()  # fmt: skip
    fill_login(page, "vanphong")
    page.wait_for_url(re.compile(r"/secretariat$"))
    page.goto("/tasks")
    form = page.locator("#task-filter")
    form.get_by_label("Tìm kiếm").fill("bien gioi")
    form.get_by_label("Loại").select_option(label="— tất cả —")
    form.get_by_role("button", name="Lọc").click()
    page.wait_for_url(re.compile(r"q=bien\+gioi"))
    total = page.locator("#task-total")
    expect(total).to_contain_text("khớp “bien gioi”")
    first = page.locator("table.tasks tbody tr").all_inner_texts()
    assert len(first) == 50  # page 1 of a longer list (the search: tests/storage/test_task_list.py)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "lists-01-search.png"), full_page=True)
    page.get_by_role("link", name="Trang sau →").click()
    page.wait_for_url(re.compile(r"cursor="))
    query = parse_qs(urlsplit(page.url).query)
    assert query["q"] == ["bien gioi"] and "kind" not in query
    second = page.locator("table.tasks tbody tr").all_inner_texts()
    assert second and not set(second) & set(first)
    expect(form.get_by_label("Tìm kiếm")).to_have_value("bien gioi")
    page.get_by_role("link", name="← Trang trước").click()
    page.wait_for_url(re.compile(r"cursor="))
    assert page.locator("table.tasks tbody tr").all_inner_texts() == first
