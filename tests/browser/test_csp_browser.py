"""Every page, as each role sees it in Chromium, loads under the strict Content Security Policy
with no violation reported (no blocked script, style or frame) and its styles applied."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from tests.browser.site import new_db, served, small_world
from tests.factories import PASSWORD, World

pytestmark = pytest.mark.browser
WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, World]]:
    folder = tmp_path_factory.mktemp("csp")
    db = new_db(folder)
    world = small_world(db)
    with served(db, folder) as url:
        yield url, world


PAGES = {
    "vanphong": ["/secretariat", "/tasks", "/tasks/{task}", "/tasks/{task}/edit",
                 "/directives/{directive}", "/secretariat/notices/new", "/secretariat/agencies",
                 "/secretariat/handover", "/secretariat/outbox", "/api/docs",
                 "/leader", "/khong-co-trang-nay", "/admin/history", "/admin/policy",
                 "/account/password"],
    "quantri": ["/admin/users", "/admin/history?agency=so-ngoai-vu", "/account/password"],
    "ngoaivu": ["/agency", "/tasks", "/tasks/{task}", "/me", "/account/password"],
    "lanhdao": ["/leader", "/tasks"],
}  # fmt: skip


@pytest.mark.parametrize("username", list(PAGES))
def test_pages_load_with_no_csp_violation(site, browser: Browser, username: str) -> None:  # type: ignore[no-untyped-def]
    url, world = site
    context = browser.new_context(base_url=url)
    context.add_init_script(WATCH)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text))
    page.goto("/login")
    assert page.evaluate("window.__csp") == []
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r"/(secretariat|agency|leader)$"))
    task = world.tasks["so-ngoai-vu"][0]
    for path in PAGES[username]:
        page.goto(url + path.format(task=task, directive=world.directive_id))
        assert page.evaluate("window.__csp") == [], (username, path)
        # the stylesheet applied: the page is not unstyled
        assert page.evaluate("getComputedStyle(document.body).fontFamily") != "", path
    if username == "lanhdao":  # the dashboard's hashed <style> block took effect
        page.goto(url + "/leader")
        assert page.locator(".dd-kpi").count() > 0
        border = page.evaluate(
            "getComputedStyle(document.querySelector('.dd-kpi')).borderLeftWidth"
        )
        assert border == "6px"
        assert page.evaluate("window.__csp") == []
    assert not [m for m in console if "Content Security Policy" in m], console
    context.close()
