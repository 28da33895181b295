"""/api/docs in Chromium with every request to a host other than the app's refused: the
Swagger UI still draws the list of operations, and ReDoc its menu."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Route, expect

from tests.browser.site import SHOTS, new_db, served

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("docs-site")
    with served(new_db(folder), folder) as url:
        yield url


def _offline_page(browser: Browser, site: str, blocked: list[str]):  # type: ignore[no-untyped-def]
    own = urlsplit(site).netloc
    context = browser.new_context(base_url=site, viewport={"width": 1366, "height": 900})

    def only_local(route: Route) -> None:
        if urlsplit(route.request.url).netloc == own or route.request.url.startswith("data:"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    return context.new_page()


def test_swagger_ui_lists_the_operations_offline(browser: Browser, site: str) -> None:
    blocked: list[str] = []
    page = _offline_page(browser, site, blocked)
    page.goto("/api/docs")
    operations = page.locator(".opblock-summary-path")
    expect(operations.first).to_be_visible(timeout=15_000)
    assert operations.count() >= 10
    expect(
        page.locator(".opblock-summary-path", has_text="/api/tasks/{task_id}").first
    ).to_be_visible()
    page.screenshot(path=str(SHOTS / "api-docs.png"))
    assert blocked == []


def test_redoc_draws_its_menu_offline(browser: Browser, site: str) -> None:
    blocked: list[str] = []
    page = _offline_page(browser, site, blocked)
    page.goto("/api/redoc")
    expect(page.get_by_role("navigation").or_(page.locator(".menu-content")).first).to_be_visible(
        timeout=15_000
    )
    expect(page.get_by_text("/api/tasks/{task_id}/progress").first).to_be_attached()
    page.screenshot(path=str(SHOTS / "api-redoc.png"))
    assert blocked == []
