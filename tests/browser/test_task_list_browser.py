"""The task list in Chromium (SQLite): the office types a search without diacritics, picks an
agency, filters, pages forward and back by the pager links; the filters stay in the address
and in the form. Screenshots go to /tmp/shots/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, expect

from directives.agencies import load_registry
from dondoc.settings import Settings
from storage.calendar import sync_calendar
from storage.db import Database
from storage.migrate import upgrade
from storage.synth import synthesize
from tests.factories import PASSWORD, build_world
from tests.web_testing import serve_in_thread
from web.app import create_app

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots")
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("lists")
    db = Database(f"sqlite:///{folder / 'dondoc.db'}")
    upgrade(db)
    with db.write() as session:
        sync_calendar(session)
    registry = load_registry((FIXTURES / "agencies_small.yaml").read_text(encoding="utf-8"), "yaml")
    build_world(db, registry, with_tokens=False)
    synthesize(db, 1000, seed=5)
    with serve_in_thread(create_app(Settings(upload_dir=folder / "uploads"), db)) as url:
        yield url
    db.dispose()


def test_filter_form_and_paging(browser: Browser, site: str) -> None:
    page = browser.new_context(base_url=site, viewport={"width": 1366, "height": 900},
                               locale="vi-VN").new_page()  # fmt: skip
    page.goto("/login")
    page.get_by_label("Tên đăng nhập").fill("vanphong")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
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
