"""The outbox page in Chromium at a phone's width (375 px) and a desk's (1366 px): a failed mail
is shown with the server's reason, no horizontal scroll; retry from the page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from playwright.sync_api import Browser, expect

from directives.roles import Role
from notifications.mime import Mail, build
from notifications.outbox import enqueue
from storage.db import Database
from storage.models import OutboxRow
from tests.browser.site import SHOTS, fill_login, fits, new_db, served
from tests.factories import PASSWORD, add_user

pytestmark = pytest.mark.browser

NOW = datetime(2026, 1, 12, 1, 0, tzinfo=UTC)
FROM = "Văn phòng UBND tỉnh <dondoc@langson.example.org>"
REASON = "550 5.1.1 <khong-ton-tai@langson.example.org>: Recipient address rejected: User unknown"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Database]]:
    folder = tmp_path_factory.mktemp("outbox-site")
    db = new_db(folder)
    with db.write() as s:
        add_user(s, "vanphong", Role.SECRETARIAT, PASSWORD, full_name="Nguyễn Thị Thu")
    for i, rcpt in enumerate(
        [
            "so-ngoai-vu@langson.example.org",
            "khong-ton-tai@langson.example.org",
            "ubnd-huyen-trang-dinh@langson.example.org",
        ]
    ):
        message, mid = build(
            Mail(
                sender=FROM,
                to=rcpt,
                subject="Nhắc việc",
                text="x",
                html="x",
                date=NOW,
                id_key=f"k{i}",
                domain="langson.example.org",
            )
        )
        with db.write() as s:
            outbox_id = enqueue(
                s,
                key=f"digest:{rcpt}",
                kind="digest",
                recipient=rcpt,
                slot=date(2026, 1, 12),
                subject="Nhắc việc",
                message=message,
                message_id=mid,
                now=NOW,
            )
            if i == 1:
                row = s.get(OutboxRow, outbox_id)
                row.status, row.attempts, row.last_error = "failed", 1, REASON
    with served(db, folder) as url:
        yield url, db


@pytest.mark.parametrize("width", [375, 1366])
def test_outbox_page_fits_and_shows_the_reason(
    browser: Browser, site: tuple[str, Database], width: int
) -> None:
    url, _ = site
    context = browser.new_context(base_url=url, viewport={"width": width, "height": 800})
    page = context.new_page()
    fill_login(page, "vanphong")
    page.wait_for_url(re.compile(r"/secretariat$"))
    page.get_by_role("link", name="Hộp thư đi").click()
    failed = page.locator("tr.failed")
    expect(failed).to_have_count(1)
    expect(failed).to_contain_text("khong-ton-tai@langson.example.org")
    expect(failed).to_contain_text("Recipient address rejected")
    expect(page.locator("tr.pending")).to_have_count(2)
    page.screenshot(path=str(SHOTS / f"outbox-{width}.png"), full_page=True)
    fits(page)
    button = failed.get_by_role("button", name="Gửi lại")
    box = button.bounding_box()
    assert box is not None and box["x"] + box["width"] <= width
    context.close()


def test_retry_from_the_page(browser: Browser, site: tuple[str, Database]) -> None:
    url, db = site
    page = browser.new_context(base_url=url, viewport={"width": 375, "height": 800}).new_page()
    fill_login(page, "vanphong")
    page.goto("/secretariat/outbox?status=failed")
    page.locator("tr.failed").get_by_role("button", name="Gửi lại").click()
    expect(page.locator(".flash")).to_contain_text("đưa lại vào hàng chờ gửi")
    expect(page).to_have_url(re.compile(r"/secretariat/outbox\?status=failed$"))
    expect(page.locator("tr.failed")).to_have_count(0)
    with db.read() as s:
        assert {r.status for r in s.query(OutboxRow)} == {"pending"}
