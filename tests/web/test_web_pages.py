"""The pages as a person uses them: login and its limit, CSRF, forms with errors next to the
field, uploads, registering a notice, escaping, the agency's calendar feed."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, timedelta

import icalendar
import pytest
import sqlalchemy as sa
import time_machine
from fastapi.testclient import TestClient

from dondoc.demo import seed_notice_text
from dondoc.settings import Settings
from storage.models import DirectiveRow, StatusUpdateRow, TaskRow
from tests.factories import PASSWORD, build_world
from tests.web_testing import csrf_of, form_values, login
from web.app import create_app

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def world(db, small_agencies):  # type: ignore[no-untyped-def]
    return build_world(db, small_agencies, with_tokens=False)


@pytest.fixture
def upload_dir(tmp_path):  # type: ignore[no-untyped-def]
    return tmp_path / "uploads"


@pytest.fixture
def app(db, upload_dir):  # type: ignore[no-untyped-def]
    return create_app(Settings(upload_dir=upload_dir, upload_max_bytes=50_000), db)


def _client(app, user: str) -> TestClient:  # type: ignore[no-untyped-def]
    client = TestClient(app)
    assert login(client, user).status_code == 303
    return client


def _post(client: TestClient, path: str, data: dict, **kw) -> object:  # type: ignore[no-untyped-def]
    token = csrf_of(client.get("/tasks").text)
    return client.post(path, data={"csrf_token": token} | data, follow_redirects=False, **kw)


def _field_error(html: str, field: str) -> str:
    """The error shown right after the field named `field`."""
    match = re.search(
        rf'name="{field}"[^>]*>(?:[^<]*</textarea>)?</label><span class="error"[^>]*>([^<]+)', html
    )
    assert match, f"no error next to {field}"
    return match.group(1)


def test_login_logout_and_cookie_flags(app, world) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(app)
    r = login(client, "ngoaivu")
    assert (r.status_code, r.headers["location"]) == (303, "/agency")
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert "Sở Ngoại vụ" in client.get("/agency").text
    _post(client, "/logout", {})
    assert client.get("/agency", follow_redirects=False).status_code == 303
    wrong = login(client, "ngoaivu", "sai-mat-khau")
    assert wrong.status_code == 401 and "không đúng" in wrong.text


def test_login_rate_limited(app, world) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel("2026-03-02 08:00 +07:00", tick=False) as clock:
        client = TestClient(app)
        for _ in range(5):
            assert login(client, "ngoaivu", "sai").status_code == 401
        blocked = login(client, "ngoaivu", PASSWORD)
        assert blocked.status_code == 429 and "1 giây" in blocked.text  # a delay, not a lock
        assert login(client, "noivu", PASSWORD).status_code == 303  # another user is not blocked
        clock.shift(timedelta(seconds=2))
        assert login(client, "ngoaivu", PASSWORD).status_code == 303


POSTS = [
    "/login",
    "/logout",
    "/tasks/{t}/progress",
    "/tasks/{t}/completion",
    "/tasks/{t}/extension",
    "/tasks/{t}/note",
    "/tasks/{t}/confirm",
    "/tasks/{t}/return",
    "/tasks/{t}/decision",
    "/tasks/{t}/edit",
    "/secretariat/notices/parse",
    "/secretariat/notices/register",
    "/agencies/{a}/ics-token",
]


@pytest.mark.parametrize("user", ["vanphong", "ngoaivu"])
def test_csrf_refused_everywhere(app, world, db, user) -> None:  # type: ignore[no-untyped-def]
    client = _client(app, user)
    task_id, agency_id = world.tasks["so-ngoai-vu"][0], world.agency_ids["so-ngoai-vu"]
    for path in POSTS:
        url = path.format(t=task_id, a=agency_id)
        for data in ({}, {"csrf_token": "gia-mao"}):
            r = client.post(url, data=data | {"version": "1", "percent": "5", "note": "x"})
            assert r.status_code == 403, url
            assert "CSRF" in r.text and "tải lại trang" in r.text
    with db.read() as s:
        assert s.get(TaskRow, task_id).version == 1
    assert client.get("/agency" if user == "ngoaivu" else "/secretariat").status_code == 200


def test_progress_with_evidence_and_escaped_note(app, world, db, upload_dir) -> None:  # type: ignore[no-untyped-def]
    client = _client(app, "ngoaivu")
    task_id = world.tasks["so-ngoai-vu"][0]
    r = _post(
        client,
        f"/tasks/{task_id}/progress",
        {"version": "1", "percent": "45", "note": XSS},
        files={"evidence": ("Báo cáo tiến độ.pdf", PDF, "application/pdf")},
    )
    assert (r.status_code, r.headers["location"]) == (303, f"/tasks/{task_id}")
    page = client.get(f"/tasks/{task_id}").text
    assert "Đã ghi nhận tiến độ." in page and "45%" in page
    assert XSS not in page and "&lt;script&gt;alert(" in page
    stored = list(upload_dir.iterdir())
    assert len(stored) == 1 and re.fullmatch(r"[0-9a-f]{32}\.pdf", stored[0].name)
    assert "Báo cáo tiến độ.pdf" in page


def _docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bao-cao.pdf", b"MZ\x90\x00 not a pdf", "không khớp"),
        ("bao-cao.exe", b"MZ\x90\x00", "Chỉ nhận tệp"),
        ("bao-cao.docx", PDF, "không khớp"),
        ("bao-cao.xlsx", _docx_bytes(), "không khớp"),
        ("lon.pdf", PDF + b"0" * 60_000, "quá lớn"),
    ],
)
def test_bad_uploads_refused_nothing_saved(
    app, world, db, upload_dir, name, content, message
) -> None:  # type: ignore[no-untyped-def]
    client = _client(app, "ngoaivu")
    task_id = world.tasks["so-ngoai-vu"][0]
    r = _post(
        client,
        f"/tasks/{task_id}/progress",
        {"version": "1", "percent": "45", "note": "kèm tệp"},
        files={"evidence": (name, content, "application/octet-stream")},
    )
    assert r.status_code == 422
    assert message in _field_error(r.text, "evidence")
    assert 'value="45"' in r.text  # what the user typed is kept
    assert not upload_dir.exists() or not list(upload_dir.iterdir())
    with db.read() as s:
        assert s.get(TaskRow, task_id).version == 1
        assert s.scalar(sa.select(sa.func.count()).select_from(StatusUpdateRow)) == 0


def test_docx_evidence_accepted(app, world) -> None:  # type: ignore[no-untyped-def]
    client = _client(app, "ngoaivu")
    task_id = world.tasks["so-ngoai-vu"][0]
    r = _post(
        client,
        f"/tasks/{task_id}/completion",
        {"version": "1", "note": "Đã xong"},
        files={"evidence": ("ket-qua.docx", _docx_bytes(), "application/octet-stream")},
    )
    assert r.status_code == 303


@pytest.mark.parametrize(
    ("user", "action", "data", "field", "message"),
    [
        ("ngoaivu", "progress", {"percent": "150"}, "percent", "nhỏ hơn hoặc bằng 100"),
        ("ngoaivu", "progress", {"percent": "nhiều"}, "percent", "số nguyên"),
        ("ngoaivu", "progress", {}, "percent", "Bắt buộc"),
        ("ngoaivu", "completion", {"done_on": "2999-01-01"}, "done_on", "sau hôm nay"),
        ("ngoaivu", "completion", {"done_on": "31/12/2024"}, "done_on", "Ngày không hợp lệ"),
        ("ngoaivu", "extension", {"proposed_deadline": "2099-01-01"}, "reason", "Bắt buộc"),
        (
            "ngoaivu",
            "extension",
            {"proposed_deadline": "2020-01-01", "reason": "Chờ ý kiến"},
            "proposed_deadline",
            "sau hạn hiện tại",
        ),
        ("ngoaivu", "note", {"note": "   "}, "note", "Bắt buộc"),
        ("vanphong", "edit", {"content": "ab"}, "content", "Quá ngắn"),
        ("vanphong", "edit", {"progress": "-1"}, "progress", "lớn hơn hoặc bằng 0"),
    ],
)
def test_bad_form_input_shown_next_to_field(
    app, world, db, user, action, data, field, message
) -> None:  # type: ignore[no-untyped-def]
    client = _client(app, user)
    task_id = world.tasks["so-ngoai-vu"][0]
    r = _post(client, f"/tasks/{task_id}/{action}", {"version": "1"} | data)
    assert r.status_code == 422
    assert message in _field_error(r.text, field)
    with db.read() as s:
        assert s.get(TaskRow, task_id).version == 1


def test_stale_form_gets_409_page(app, world) -> None:  # type: ignore[no-untyped-def]
    client = _client(app, "ngoaivu")
    task_id = world.tasks["so-ngoai-vu"][0]
    assert (
        _post(client, f"/tasks/{task_id}/progress", {"version": "1", "percent": "10"}).status_code
        == 303
    )
    r = _post(client, f"/tasks/{task_id}/progress", {"version": "1", "percent": "20"})
    assert r.status_code == 409
    assert "Nhiệm vụ đã được người khác cập nhật, vui lòng tải lại" in r.text


def test_register_notice_through_pages(app, world, db) -> None:  # type: ignore[no-untyped-def]
    client = _client(app, "vanphong")
    text = seed_notice_text().replace("Phối hợp với các ngành tham mưu", f"{XSS} tham mưu", 1)
    review = _post(client, "/secretariat/notices/parse", {"text": text})
    assert review.status_code == 200
    assert XSS not in review.text and "&lt;script&gt;" in review.text
    assert review.text.count('name="lead_') == 19 and 'class="warned"' in review.text
    form = form_values(review.text, "form-register")
    assert form["text"] == text and form["leader"] == "Dương Xuân Huyền"
    assert sum(1 for k in form if k.startswith("include_")) == 19
    form |= {"number": "45/TB-UBND", "lead_0": "", "deadline_1": "2024-13-40"}
    del form["csrf_token"]
    refused = _post(client, "/secretariat/notices/register", form)
    assert refused.status_code == 422
    assert "Chọn cơ quan chủ trì" in refused.text and "Ngày không hợp lệ" in refused.text
    with db.read() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(DirectiveRow)) == 1  # the seed
    form |= {"lead_0": "so-noi-vu", "deadline_1": "2024-09-30", "coordinators_0": "Sở Ngoại vụ"}
    del form["include_2"]
    r = _post(client, "/secretariat/notices/register", form)
    assert r.status_code == 303, r.text
    page = client.get(r.headers["location"]).text
    assert "45/TB-UBND" in page and "Đã vào sổ văn bản với 19 nhiệm vụ." in page  # 18 + group of 2


def test_upload_notice_file(app, world) -> None:  # type: ignore[no-untyped-def]
    client = _client(app, "vanphong")
    data = seed_notice_text().encode()
    r = _post(
        client, "/secretariat/notices/parse", {}, files={"file": ("tb.txt", data, "text/plain")}
    )
    assert r.status_code == 200 and "Xem lại đề xuất" in r.text
    bad = _post(client, "/secretariat/notices/parse", {}, files={"file": ("tb.odt", b"xx", "x/y")})
    assert bad.status_code == 422 and "định dạng không hỗ trợ" in bad.text
    empty = _post(client, "/secretariat/notices/parse", {"text": ""})
    assert empty.status_code == 422 and "Dán nội dung" in empty.text


def test_ics_feed(app, world, db) -> None:  # type: ignore[no-untyped-def]
    head = _client(app, "gd.ngoaivu")
    agency_id = world.agency_ids["so-ngoai-vu"]
    _post(head, f"/agencies/{agency_id}/ics-token", {})
    url = re.search(r"<code>http://[^/]+(/ics/[^<]+)</code>", head.get("/agency").text).group(1)
    anonymous = TestClient(app)
    r = anonymous.get(url)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(r.content)
    events = list(calendar.walk("VEVENT"))
    with db.read() as s:
        dated = s.scalar(
            sa.select(sa.func.count())
            .select_from(TaskRow)
            .where(TaskRow.lead_agency_id == agency_id, TaskRow.deadline.is_not(None))
        )
    assert len(events) == dated == 16  # 4.2 is "thường xuyên": no deadline, no event
    first = events[0]
    assert first.decoded("dtstart") == date(2024, 12, 31)
    assert first.decoded("dtend") == date(2025, 1, 1)
    assert str(first["summary"]).startswith("Hạn: ")
    assert calendar["x-wr-timezone"] == "Asia/Ho_Chi_Minh"
    assert anonymous.get("/ics/khong-dung-token-nay-dau.ics").status_code == 404
    _post(head, f"/agencies/{agency_id}/ics-token", {})
    assert anonymous.get(url).status_code == 404  # the old URL stops working


def test_edit_task_keeps_what_was_not_changed(app, world, db) -> None:  # type: ignore[no-untyped-def]
    from storage.models import HistoryRow, TaskCoordinator

    with db.read() as s:
        task_id, coordinator = s.execute(
            sa.select(TaskCoordinator.task_id, TaskCoordinator.agency_id).limit(1)
        ).one()
    client = _client(app, "vanphong")
    form = form_values(client.get(f"/tasks/{task_id}/edit").text, "form-edit")
    assert form["coordinators"], "the current coordinators are preselected"
    form["deadline"] = "2024-10-31"
    r = client.post(f"/tasks/{task_id}/edit", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text
    with db.read() as s:
        task = s.get(TaskRow, task_id)
        assert task.deadline == date(2024, 10, 31) and task.original_deadline == date(2024, 12, 31)
        assert coordinator in {a.id for a in task.coordinators}
        edit = s.scalars(sa.select(HistoryRow).where(HistoryRow.action == "edit")).one()
    assert set(edit.changes) == {"deadline"}
    page = client.get(f"/tasks/{task_id}").text
    assert "31/12/2024 → 31/10/2024" in page and "Hạn ban đầu: 31/12/2024" in page


def test_the_leader_page_lists_his_directives_a_page_at_a_time(app, world, db) -> None:  # type: ignore[no-untyped-def]
    """Fifty directives a page, the latest first, the total in the heading, and a link to the
    older ones that keeps the page's date; another leader's directives are not among them."""
    with db.write() as s:
        for n in range(1, 61):
            s.add(DirectiveRow(kind="TB", number=f"{n}/TB-UBND", issued_on=date(2024, 5, 1),
                               leader="Dương Xuân Huyền", subject=f"Kết luận số {n}",
                               registered_by="test"))  # fmt: skip
        s.add(DirectiveRow(kind="TB", number="999/TB-UBND", leader="Người khác",
                           registered_by="test"))  # fmt: skip
    client = _client(app, "lanhdao")
    page = client.get("/leader?as_of=2024-06-28")
    assert page.status_code == 200
    shown = re.findall(r'<a href="/directives/\d+">([^<]+)</a>', page.text)
    assert len(shown) == 50 and shown[0] == "60/TB-UBND" and shown[-1] == "11/TB-UBND"
    assert "Văn bản chỉ đạo (61)" in page.text  # the seed notice and the sixty
    assert "999/TB-UBND" not in page.text
    older = re.search(r'<a href="([^"]+)" rel="next">Văn bản cũ hơn', page.text)
    assert older is not None and "as_of=2024-06-28" in older.group(1)
    rest = client.get(older.group(1).replace("&amp;", "&"))
    shown = re.findall(r'<a href="/directives/\d+">([^<]+)</a>', rest.text)
    assert shown[:10] == [f"{n}/TB-UBND" for n in range(10, 0, -1)] and len(shown) == 11
    assert "Văn bản cũ hơn" not in rest.text
