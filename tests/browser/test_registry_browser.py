"""The agency registry and the handover in Chromium: abolished agencies marked, add/rename/end
with successors, a bad import refused row by row, the handover page with a choice per task, the
task's history, and pickers that no longer offer abolished agencies. Screenshots: /tmp/shots/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from directives.parsing import parse_notice
from directives.roles import Role
from storage.agencies import load_agencies, read_agency_file, registry_from_db, shipped_agency_file
from storage.registration import register_directive
from tests.browser.site import FIXTURES, SHOTS, fill_login, new_db, served
from tests.factories import PASSWORD, add_user

pytestmark = pytest.mark.browser

NOTICE = FIXTURES / "succession" / "tb-2024-05-10.txt"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("registry-site")
    db = new_db(folder)
    with db.write() as session:
        load_agencies(session, read_agency_file(shipped_agency_file()))
        add_user(session, "vanphong", Role.SECRETARIAT, PASSWORD, full_name="Nguyễn Thị Thu")
    with db.write() as session:
        registry = registry_from_db(session)
        draft = parse_notice(NOTICE.read_text(encoding="utf-8"), registry)
        register_directive(session, draft, registry, "vanphong")
    with served(db, folder) as url:
        yield url


@pytest.fixture(scope="module")
def office(site: str, browser: Browser) -> Iterator[Page]:
    context = browser.new_context(base_url=site, viewport={"width": 1366, "height": 900})
    page = context.new_page()
    fill_login(page, "vanphong")
    page.wait_for_url(re.compile(r"/secretariat$"))
    yield page
    context.close()


def test_registry_page_and_handover(office: Page, tmp_path: Path) -> None:
    page = office
    page.goto("/secretariat/agencies")
    khdt = page.locator("tr[data-code=so-kh-dt]")
    expect(khdt.locator(".badge.ended")).to_have_text("Đã kết thúc 28/02/2025")
    expect(khdt).to_contain_text("Sở Tài chính")
    expect(page.locator("tr[data-code=ubnd-huyen-van-lang]")).to_contain_text("UBND xã Na Sầm")
    expect(page.locator("tr[data-code=so-nn-mt]")).to_contain_text("Đang hoạt động")
    page.screenshot(path=str(SHOTS / "registry-01-list.png"), full_page=True)

    bad = tmp_path / "bad.csv"
    bad.write_text("code,name,email\nso-a,Sở A,a@x.example.org\nso-b,<b>Sở B</b>,b@\n"
                   "so-c,Sở C,c@x.example.org\n,Sở D,\n", encoding="utf-8")  # fmt: skip
    page.locator("#form-import input[type=file]").set_input_files(str(bad))
    page.locator("#form-import").get_by_role("button", name="Nạp").click()
    errors = page.locator("#import-errors li")
    expect(errors.first).to_contain_text("dòng 3")
    assert any("ký tự đánh dấu" in t for t in errors.all_inner_texts())  # in Vietnamese
    assert not any("markup" in t or "line" in t for t in errors.all_inner_texts())
    assert any("dòng 5" in t for t in errors.all_inner_texts())
    expect(page.locator("tr[data-code=so-a]")).to_have_count(0)  # nothing loaded
    page.screenshot(path=str(SHOTS / "registry-02-import-refused.png"), full_page=True)

    form = page.locator("#form-add")
    form.get_by_label("Mã").fill("ban-thu")
    form.get_by_label("Tên", exact=True).fill("Ban Thử nghiệm")
    form.get_by_label("Thư điện tử").fill("khong-phai-thu")
    form.get_by_role("button", name="Thêm").click()
    expect(page.locator("#form-add .error")).to_contain_text("không phải địa chỉ thư điện tử")
    page.locator("#form-add").get_by_label("Thư điện tử").fill("banthu@langson.example.org")
    page.locator("#form-add").get_by_role("button", name="Thêm").click()
    expect(page.get_by_role("heading", name="Ban Thử nghiệm")).to_be_visible()

    page.locator("#form-edit").get_by_label("Tên").fill("Ban Thử nghiệm tỉnh")
    page.locator("#form-edit").get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("heading", name="Ban Thử nghiệm tỉnh")).to_be_visible()
    expect(page.locator("body")).to_contain_text("Tên gọi khác: Ban Thử nghiệm")
    end = page.locator("#form-end")
    end.get_by_label("Hình thức").select_option("merger")
    end.get_by_label("Đơn vị kế thừa bắt đầu từ ngày").fill("2026-01-01")
    end.get_by_role("button", name="Ghi kết thúc").click()
    expect(page.locator("#form-end .error")).to_contain_text("Chọn ít nhất một đơn vị kế thừa")
    page.locator("#form-end select[name=successors]").select_option("so-noi-vu")
    page.locator("#form-end").get_by_role("button", name="Ghi kết thúc").click()
    expect(page.locator("#ending")).to_contain_text("31/12/2025")
    expect(page.locator("#ending")).to_contain_text("Sở Nội vụ")
    page.screenshot(path=str(SHOTS / "registry-03-ended.png"), full_page=True)

    page.goto("/secretariat/handover?at=2025-07-01")
    rows = page.locator("#moves tbody tr")
    expect(rows.first).to_be_visible()
    count = rows.count()
    choice = page.get_by_label(re.compile(r"Đơn vị nhận mục 3"))
    expect(choice).to_have_value("ubnd-xa-hoang-van-thu")  # the task names xã Tân Thanh
    choice.select_option("ubnd-xa-na-sam")
    task_id = page.locator("#moves tbody tr", has=choice).get_attribute("data-task")
    page.screenshot(path=str(SHOTS / "registry-04-handover.png"), full_page=True)
    page.get_by_role("button", name="Chuyển giao").click()
    expect(page.locator(".flash")).to_contain_text(f"Đã chuyển giao {count} nhiệm vụ")
    expect(page.locator("#no-moves")).to_be_visible()

    page.goto(f"/tasks/{task_id}")
    expect(page.locator("table.history")).to_contain_text("Chuyển giao do sắp xếp tổ chức bộ máy")
    expect(page.locator("table.history")).to_contain_text("UBND huyện Văn Lãng")
    expect(page.locator("table.history")).to_contain_text("UBND xã Na Sầm")
    page.screenshot(path=str(SHOTS / "registry-05-history.png"), full_page=True)

    page.goto(f"/tasks/{task_id}/edit")
    options = page.locator("select[name=lead] option").all_inner_texts()
    assert "UBND xã Na Sầm" in options and "Sở Nông nghiệp và Môi trường" in options
    assert "Sở Kế hoạch và Đầu tư" not in options and "UBND huyện Cao Lộc" not in options
