"""The coordinators picker in Chromium: on the task edit form the office types "so noi" (no
marks, lower case), picks "Sở Nội vụ" with the keyboard, removes a chip, saves, and the task
names Sở Nội vụ as its only coordinator. Without JavaScript the plain list is there and submits;
on the notice review the same picker writes the names into the row's field."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from dondoc.demo import seed_notice_text
from tests.browser.pagewalk import Site, log_in, seeded_site
from tests.browser.site import fill_login

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with seeded_site(tmp_path_factory.mktemp("multiselect")) as site:
        yield site


def test_pick_a_coordinator_by_typing_without_marks(browser: Browser, site: Site) -> None:
    context = log_in(browser, site.url, "vanphong", 375)
    page = context.new_page()
    task = site.world.tasks["so-ngoai-vu"][2]
    page.goto(f"/tasks/{task}/edit")
    form = page.locator("#form-edit")
    expect(form.locator("select[name=coordinators]")).to_be_hidden()
    search = form.get_by_role("combobox", name="Tìm phối hợp")
    chips = form.locator(".ms-chip")
    for _ in range(chips.count()):  # start from none: each chip has its remove button
        chips.first.get_by_role("button").click()
    expect(chips).to_have_count(0)

    search.fill("so noi")
    options = form.get_by_role("listbox").get_by_role("option")
    expect(options).to_have_count(1)
    expect(options.first).to_have_text("Sở Nội vụ")
    page.screenshot(path="/tmp/shots/multiselect-375.png")
    search.press("Enter")  # picks, does not submit
    expect(chips).to_have_text(["Sở Nội vụ×"])
    expect(page).to_have_url(re.compile(r"/edit$"))

    search.fill("VAN HOA")
    vhttdl = "Sở Văn hóa, Thể thao và Du lịch"
    form.get_by_role("listbox").get_by_role("option", name=vhttdl).click()
    expect(chips).to_have_count(2)
    form.get_by_role("button", name=f"Bỏ {vhttdl}").click()
    expect(chips).to_have_count(1)

    form.get_by_role("button", name="Lưu thay đổi").click()
    expect(page.locator(".flash")).to_contain_text("Đã cập nhật nhiệm vụ.")
    coordinators = page.locator("dl.facts dt:text-is('Phối hợp') + dd")
    expect(coordinators).to_have_text("Sở Nội vụ")
    context.close()


def test_without_javascript_the_plain_list_submits(browser: Browser, site: Site) -> None:
    context = browser.new_context(base_url=site.url, java_script_enabled=False)
    page = context.new_page()
    fill_login(page, "vanphong")
    task = site.world.tasks["so-ngoai-vu"][3]
    page.goto(f"/tasks/{task}/edit")
    select = page.locator("#form-edit select[name=coordinators]")
    expect(select).to_be_visible()
    select.select_option(["so-vhttdl"])
    page.get_by_role("button", name="Lưu thay đổi").click()
    expect(page.locator("dl.facts dt:text-is('Phối hợp') + dd")).to_have_text(
        "Sở Văn hóa, Thể thao và Du lịch"
    )
    context.close()


def test_the_notice_review_picker_writes_the_names(browser: Browser, site: Site) -> None:
    context = log_in(browser, site.url, "vanphong")
    page = context.new_page()
    page.goto("/secretariat/notices/new")
    page.locator("textarea[name=text]").fill(seed_notice_text())
    page.get_by_role("button", name="Phân tích văn bản").click()
    row = page.locator("table.draft tbody tr").first
    field = row.locator("textarea[name=coordinators_0]")
    expect(field).to_be_hidden()
    before = field.input_value()
    search = row.get_by_role("combobox", name=re.compile("^Tìm phối hợp mục"))
    search.fill("noi vu")
    search.press("Enter")
    assert field.input_value() == "; ".join(n for n in (before, "Sở Nội vụ") if n)
    expect(row.locator(".ms-chip").last).to_contain_text("Sở Nội vụ")
    context.close()
