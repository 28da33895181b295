"""Every page (from the app's routes, tests/browser/pagewalk.py) at a phone's 375 px and a desk's
1366 px, as each role that may see it: no sideways scroll, the header bar as wide as the window,
no English word of a small list in the visible text. Screenshots of every page at 375 px go to
/tmp/shots/layout/ for a person to look at. Printing hides the menu and the forms and shows
every row, folded or not."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.pagewalk import (
    API_DOCS,
    MISSING,
    ROLES,
    Site,
    fill,
    log_in,
    page_routes,
    seeded_site,
)

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots/layout")
# Words a Vietnamese page has no business showing (a leaked English label, message or code);
# none is a Vietnamese word written without marks ("to", "in", "no", "an" are).
ENGLISH = re.compile(
    r"\b(the|and|of|is|not|found|error|none|null|undefined|true|false|unknown|submit|search|"
    r"page|pending|failed|sent|digest|reminder|task|agency|deadline|warning|assumed|taken|"
    r"select|loading|lead|implicit|period|group|member|valid|issue|date)\b",
    re.I,
)


LOOKED_AT = ("/leader", "/tasks", "/tasks/{task_id}")  # a screenshot for every role


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with seeded_site(tmp_path_factory.mktemp("layout")) as site:
        yield site


def _slug(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"


def _check(page: Page, path: str, width: int, who: str = "") -> list[str]:
    """What is wrong with the page on screen now (empty: nothing)."""
    problems, where = [], f"{path} ({who}) @{width}"
    scroll, client = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    if scroll > client:
        problems.append(f"{where}: {scroll} px wide in a {client} px window")
    if path in API_DOCS:
        return problems
    header = page.evaluate("document.querySelector('header.top')?.getBoundingClientRect().width")
    if header is None or round(header) != client:
        problems.append(f"{where}: header bar {header} px in a {client} px window")
    text = page.locator("body").inner_text()
    if found := sorted({m.lower() for m in ENGLISH.findall(text)}):
        problems.append(f"{where}: English words {found}")
    return problems


def test_the_walk_lists_the_pages_of_every_role(site: Site) -> None:
    pages = page_routes(site.app)
    for path in ("/tasks", "/tasks/{task_id}", "/leader", "/agency", "/secretariat/outbox",
                 "/admin/users/{user_id}", "/secretariat/agencies/{agency_id:int}",
                 "/login"):  # fmt: skip
        assert path in pages
    assert not [p for p in pages if p.startswith("/api/") and p not in API_DOCS]


@pytest.mark.parametrize("width", [375, 1366])
def test_every_page_fits_the_window_and_speaks_vietnamese(
    browser: Browser, site: Site, width: int
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    paths = page_routes(site.app)
    seen: dict[str, list[str]] = {p: [] for p in paths}
    problems: list[str] = []
    anonymous = browser.new_context(base_url=site.url, viewport={"width": width, "height": 900})
    page = anonymous.new_page()
    page.goto("/login")
    problems += _check(page, "/login", width, "anonymous")
    page.screenshot(path=str(SHOTS / f"{width}-anonymous-login.png"), full_page=True)
    anonymous.close()
    for role in ROLES:
        context = log_in(browser, site.url, role, width)
        page = context.new_page()
        for path in paths:
            response = page.goto(fill(path, site.params))
            assert response is not None
            if response.status == 403:
                continue
            assert response.status == (404 if path == MISSING else 200), (role, path)
            seen[path].append(role)
            problems += _check(page, path, width, role)
            first = len(seen[path]) == 1 and width == 375
            if path not in API_DOCS and (first or path in LOOKED_AT):
                shot = SHOTS / f"{width}-{role}-{_slug(path)}.png"
                page.screenshot(path=str(shot), full_page=True)
        context.close()
    assert problems == [], "\n".join(problems)
    assert [p for p, roles in seen.items() if not roles] == []  # each page seen by someone


@pytest.mark.parametrize(("role", "path"), [("lanhdao", "/leader"), ("vanphong", "/tasks")])
def test_printing_hides_the_menu_and_forms_and_shows_every_row(
    browser: Browser, site: Site, role: str, path: str
) -> None:
    context = log_in(browser, site.url, role, 375)
    page = context.new_page()
    page.goto(path)
    rows = page.locator("main table tbody tr")
    hidden_on_screen = [r.is_visible() for r in rows.all()].count(False)
    page.emulate_media(media="print")
    expect(page.locator("header.top")).to_be_hidden()
    expect(page.locator("footer")).to_be_hidden()
    for control in page.locator("main button, main select, main input, main textarea").all():
        expect(control).to_be_hidden()
    assert [r.is_visible() for r in rows.all()].count(False) == 0  # folded rows print too
    if path == "/leader":
        assert hidden_on_screen > 0  # the page folds on screen, so this checked something
        page.screenshot(path=str(SHOTS / "print-leader.png"), full_page=True)
    context.close()
