"""What the browser tests share: a fresh SQLite site database with the working-day calendar, the
small registry's world, the app served on loopback, the login form, and the no-sideways-scroll
check. Screenshots go to SHOTS for a person to look at."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Page

from directives.agencies import load_registry
from dondoc.settings import Settings
from storage.calendar import sync_calendar
from storage.db import Database
from storage.migrate import upgrade
from tests.factories import PASSWORD, World, build_world
from tests.web_testing import serve_in_thread
from web.app import create_app

SHOTS = Path("/tmp/shots")
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def new_db(folder: Path) -> Database:
    """A migrated SQLite database in `folder`, its working-day calendar filled."""
    db = Database(f"sqlite:///{folder / 'dondoc.db'}")
    upgrade(db)
    with db.write() as session:
        sync_calendar(session)
    return db


def small_world(db: Database) -> World:
    """The small registry's agencies, one account per role and their seed tasks."""
    agencies = load_registry((FIXTURES / "agencies_small.yaml").read_text("utf-8"), "yaml")
    return build_world(db, agencies, with_tokens=False)


@contextmanager
def served(db: Database, folder: Path, settings: Settings | None = None) -> Iterator[str]:
    """The app over `db` on a loopback port (its URL); the database is closed afterwards."""
    app = create_app(settings or Settings(upload_dir=folder / "uploads"), db)
    try:
        with serve_in_thread(app) as url:
            yield url
    finally:
        db.dispose()


def fill_login(page: Page, username: str, password: str = PASSWORD) -> None:
    """Log in through the form, as a person does."""
    page.goto("/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def fits(page: Page) -> None:
    """The page is no wider than its window (no sideways scroll)."""
    scroll, client = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll <= client, f"{scroll} px wide in a {client} px window"
