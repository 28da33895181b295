"""The whole loop in Chromium, as people do it: the office registers the seed notice, the
agency reports progress with a file and asks for an extension, the office approves, and the
leader's dashboard changes. Screenshots of every page go to /tmp/shots/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

import pytest
from playwright.sync_api import Browser, Page, expect

from directives.calendar import DEFAULT_CALENDAR, TIMEZONE
from directives.roles import Role
from dondoc.demo import seed_notice_text
from storage.agencies import load_agencies, read_agency_file, shipped_agency_file
from tests.browser.site import SHOTS, fill_login, new_db, served
from tests.factories import PASSWORD, add_user

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
RED, ORANGE = "rgb(198, 40, 40)", "rgb(239, 121, 0)"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("site")
    db = new_db(folder)
    with db.write() as session:
        load_agencies(session, read_agency_file(shipped_agency_file()))
    with db.write() as session:
        from storage.agencies import agency_ids_by_code

        ngv = agency_ids_by_code(session)["so-ngoai-vu"]
        add_user(session, "vanphong", Role.SECRETARIAT, PASSWORD, full_name="Nguyễn Thị Thu")
        add_user(
            session,
            "ngoaivu",
            Role.AGENCY_OFFICER,
            PASSWORD,
            agency_id=ngv,
            full_name="Hoàng Văn Nam",
        )
        add_user(
            session,
            "lanhdao",
            Role.LEADER,
            PASSWORD,
            leader_name="Dương Xuân Huyền",
            full_name="Dương Xuân Huyên",
        )
    with served(db, folder) as url:
        yield url


def _page(browser: Browser, site: str, username: str) -> Page:
    page = browser.new_context(
        base_url=site, viewport={"width": 1366, "height": 900}, locale="vi-VN"
    ).new_page()
    fill_login(page, username)
    page.wait_for_url(re.compile(r"/(secretariat|agency|leader)$"))
    return page


def _shot(page: Page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _attention_rows(page: Page) -> int:
    page.goto("/leader")
    return page.locator("table.tasks tbody tr:not(:has(td.empty))").count()


def test_register_report_extend_approve(browser: Browser, site: str) -> None:
    login = browser.new_context(base_url=site, locale="vi-VN").new_page()
    login.goto("/login")
    _shot(login, "00-login")

    office = _page(browser, site, "vanphong")
    _shot(office, "01-secretariat-empty")
    office.goto("/secretariat/notices/new")
    office.locator("textarea[name=text]").fill(seed_notice_text())
    _shot(office, "02-notice-new")
    office.get_by_role("button", name="Phân tích văn bản").click()
    expect(office.get_by_role("heading", name="Xem lại đề xuất trước khi vào sổ")).to_be_visible()
    expect(office.locator("table.draft tbody tr")).to_have_count(19)
    expect(office.locator("select[name=lead_0]")).to_have_value("so-ngoai-vu")
    office.locator("input[name=number]").fill("45/TB-UBND")
    _shot(office, "03-notice-review")
    office.get_by_role("button", name=re.compile("Xác nhận vào sổ")).click()
    expect(office.locator(".flash")).to_contain_text("Đã vào sổ văn bản với 23 nhiệm vụ.")
    _shot(office, "04-directive")

    leader = _page(browser, site, "lanhdao")
    before = _attention_rows(leader)
    assert before > 0
    _shot(leader, "05-leader-before")

    agency = _page(browser, site, "ngoaivu")
    first = agency.locator("table.tasks tbody tr").first
    expect(first).to_have_class(re.compile("overdue"))
    assert first.locator("td.deadline").evaluate("e => getComputedStyle(e).color") == RED
    task_url = first.locator("a").first.get_attribute("href")
    assert task_url is not None

    # the office brings one task's deadline to 2 working days from now: it turns orange
    soon_url = (
        agency.locator("table.tasks tbody tr").nth(1).locator("a").first.get_attribute("href")
    )
    today = datetime.now(TIMEZONE).date()
    office.goto(f"{soon_url}/edit")
    office.locator("#form-edit input[name=deadline]").fill(
        DEFAULT_CALENDAR.add_working_days(today, 2).isoformat()
    )
    _shot(office, "06-task-edit")
    office.get_by_role("button", name="Lưu thay đổi").click()
    expect(office.locator(".flash")).to_contain_text("Đã cập nhật nhiệm vụ.")
    agency.goto("/agency")
    _shot(agency, "07-agency-tasks")
    soon = agency.locator("tr.soon td.deadline").first
    assert soon.evaluate("e => getComputedStyle(e).color") == ORANGE

    agency.goto(task_url)
    agency.locator("#form-progress input[name=percent]").fill("40")
    agency.locator("#form-progress textarea[name=note]").fill("Đã rà soát 40% nhiệm vụ.")
    agency.locator("#form-progress input[name=evidence]").set_input_files(
        files=[{"name": "bao-cao-tien-do.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    agency.get_by_role("button", name="Gửi báo cáo tiến độ").click()
    expect(agency.locator(".flash")).to_contain_text("Đã ghi nhận tiến độ.")
    expect(agency.get_by_role("link", name=re.compile("bao-cao-tien-do.pdf"))).to_be_visible()

    proposed = DEFAULT_CALENDAR.add_working_days(today, 40)
    agency.locator("#form-extension input[name=proposed_deadline]").fill(proposed.isoformat())
    agency.locator("#form-extension textarea[name=reason]").fill("Chờ ý kiến của Bộ Ngoại giao.")
    agency.get_by_role("button", name="Gửi đề nghị gia hạn").click()
    expect(agency.locator(".flash")).to_contain_text("Đã gửi đề nghị gia hạn.")
    _shot(agency, "08-task-agency")

    # a bad form: the error sits next to the field, in Vietnamese
    tomorrow = DEFAULT_CALENDAR.add_working_days(today, 1).isoformat()
    agency.locator("#form-completion input[name=done_on]").fill(tomorrow)
    agency.get_by_role("button", name="Báo cáo hoàn thành").click()
    expect(agency.locator("#form-completion .error")).to_contain_text("không được sau hôm nay")
    _shot(agency, "09-task-agency-error")

    office.goto("/secretariat")
    expect(office.get_by_text("Chờ ý kiến của Bộ Ngoại giao.")).to_be_visible()
    _shot(office, "10-secretariat-queue")
    office.goto(task_url)
    office.get_by_role("button", name="Đồng ý gia hạn").click()
    expect(office.locator(".flash")).to_contain_text("Đã xử lý đề nghị gia hạn.")
    expect(office.locator("dd.deadline")).to_contain_text(proposed.strftime("%d/%m/%Y"))
    expect(office.locator("dd.deadline")).to_contain_text("Hạn ban đầu: 31/12/2024")
    _shot(office, "11-task-office-approved")

    assert _attention_rows(leader) == before - 1
    _shot(leader, "12-leader-after")
    leader.goto(task_url)
    expect(leader.locator("#form-progress")).to_have_count(0)  # the leader only reads
    _shot(leader, "13-task-leader")
    leader.goto("/tasks")
    _shot(leader, "14-leader-tasks")
