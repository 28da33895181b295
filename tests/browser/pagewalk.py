"""Every page of the app, from its routes, with the path parameters filled from seeded data: a new
GET route is walked by the layout test without anyone adding it here (a file download among them
goes into DOWNLOADS, or the walk fails on its content type).

`seeded_site` builds a small world (the seed notice registered, one account per role, a progress
report, a pending extension request, a failed mail) and serves the app; `log_in` opens a browser
context logged in as one account at one width.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from fastapi import FastAPI
from playwright.sync_api import Browser, BrowserContext

from dondoc.settings import Settings
from storage.db import Database
from tests.browser.site import fill_login, new_db, small_world
from tests.factories import World
from tests.web_testing import every_route, serve_in_thread
from web.app import create_app

# Answers that are files, not pages (evidence, registry export, calendar feed).
DOWNLOADS = {"/evidence/{update_id}", "/secretariat/agencies/export.{fmt}", "/ics/{token}.ics"}
# The API's own documentation (Swagger UI, ReDoc): for programmers, English by design.
API_DOCS = {"/api/docs", "/api/redoc"}
MISSING = "/khong-co-trang-nay"  # the error page, as a wrong link shows it
ROLES = ("vanphong", "quantri", "ngoaivu", "gd.ngoaivu", "lanhdao")


@dataclass
class Site:
    url: str
    app: FastAPI
    world: World
    params: dict[str, str]  # path parameter → a seeded value


def page_routes(app: FastAPI) -> list[str]:
    """The GET paths that answer a page: not the JSON API (its docs are pages), not a download."""
    paths = {p for m, p in every_route(app) if m == "GET"}
    pages = {p for p in paths if not p.startswith("/api/") or p in API_DOCS}
    return sorted(pages - DOWNLOADS - {"/api/openapi.json"}) + [MISSING]


_PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")


def fill(path: str, params: dict[str, str]) -> str:
    """The route's path with each {param} given a seeded value (KeyError: seed one)."""
    return _PARAM.sub(lambda m: params[m.group(1)], path)


def _seed_more(db: Database, world: World) -> dict[str, str]:
    """A progress report, a pending extension and a failed mail, so forms and rows show."""
    from notifications.mime import Mail, build
    from notifications.outbox import enqueue
    from storage.models import OutboxRow, TaskRow, UserRow
    from storage.task_ops import Actor, report_progress, request_extension

    first, second = world.tasks["so-ngoai-vu"][:2]
    today = date.today()
    with db.write() as s:
        officer = s.query(UserRow).filter_by(username="ngoaivu").one()
        actor = Actor(officer.username, officer.agency_id)
        report_progress(s, first, version=None, actor=actor, percent=40, note="Đã rà soát 40%.",
                        today=today)  # fmt: skip
        task = s.get(TaskRow, second)
        assert task is not None and task.deadline is not None
        request_extension(s, second, version=None, actor=actor, reason="Chờ ý kiến của Bộ.",
                          proposed=max(task.deadline, today) + timedelta(days=30))  # fmt: skip
        now = datetime.now(UTC)
        mail = Mail(sender="Văn phòng <vp@langson.example.org>", to="sngv@langson.example.org",
                    subject="Nhắc việc", text="x", html="x", date=now, id_key="walk",
                    domain="langson.example.org")  # fmt: skip
        message, mid = build(mail)
        outbox_id = enqueue(s, key="digest:walk", kind="digest", recipient=mail.to,
                            slot=today, subject="Nhắc việc", message=message, message_id=mid,
                            now=now)  # fmt: skip
        row = s.get(OutboxRow, outbox_id)
        assert row is not None
        row.status, row.attempts, row.last_error = "failed", 1, "550 5.1.1 Mailbox unavailable"
        user_id = s.query(UserRow).filter_by(username="noivu").one().id
    return {
        "task_id": str(first),
        "directive_id": str(world.directive_id),
        "agency_id": str(world.agency_ids["so-noi-vu"]),
        "user_id": str(user_id),
    }


@contextmanager
def seeded_site(folder: Path, settings: Settings | None = None) -> Iterator[Site]:
    db = new_db(folder)
    world = small_world(db)
    params = _seed_more(db, world)
    app = create_app(settings or Settings(upload_dir=folder / "up"), db)
    try:
        with serve_in_thread(app) as url:
            yield Site(url, app, world, params)
    finally:
        db.dispose()


def log_in(browser: Browser, url: str, username: str, width: int = 1366) -> BrowserContext:
    """A browser context at `width` px, logged in through the form as `username`."""
    context = browser.new_context(
        base_url=url, viewport={"width": width, "height": 900}, locale="vi-VN"
    )
    page = context.new_page()
    fill_login(page, username)
    page.wait_for_url(re.compile(r"/(secretariat|agency|leader)$"))
    page.close()
    return context
