"""The review page speaks Vietnamese: every warning the parser writes on the corpus, and its
refusals and registration's, have a Vietnamese wording; names and numbers are kept."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from directives.parsing import NoticeError, parse_notice
from dondoc.settings import Settings
from tests.factories import build_world
from tests.web_testing import csrf_of, login
from web.app import create_app
from web.messages_vi import known, vietnamese

FIXTURES = Path(__file__).parents[1] / "fixtures"
CORPUS = sorted([*FIXTURES.glob("notices/*.txt"), *FIXTURES.glob("notices_blind/*.txt")])


def _warnings(path: Path) -> list[str]:
    """What the review page would show: the warnings, or the refusal (real web copies cut
    before their tasks are refused)."""
    try:
        draft = parse_notice(path.read_text(encoding="utf-8"))
    except NoticeError as exc:
        return [str(exc)]
    return [*draft.warnings, *(w for t in draft.tasks for w in t.warnings)]


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_every_warning_on_the_corpus_has_a_vietnamese_wording(path: Path) -> None:
    unknown = [w for w in _warnings(path) if not known(w)]
    assert unknown == []


@pytest.mark.parametrize(
    ("english", "vi"),
    [
        ("start of the 10-day period assumed to be the issue date (kể từ ngày ký)",
         "Coi ngày ban hành văn bản là ngày bắt đầu tính thời hạn 10 ngày (kể từ ngày ký)"),
        ("task 2.1: group 'UBND các huyện biên giới' has no member valid on the issue date",
         "Nhiệm vụ 2.1: nhóm 'UBND các huyện biên giới' không có cơ quan thành viên nào còn "
         "hiệu lực vào ngày ban hành"),
        ("lead implicit: taken from the section (Sở Nội vụ)",
         "Chủ trì không ghi rõ: lấy theo tiêu đề mục (Sở Nội vụ)"),
        ("lead implicit: taken from the paragraph's first duty (Sở Công Thương)",
         "Chủ trì không ghi rõ: lấy theo việc đầu tiên trong cùng đoạn (Sở Công Thương)"),
        ("3.2.a: watcher only (Sở Tư pháp), no task",
         "3.2.a: chỉ theo dõi (Sở Tư pháp), không phải nhiệm vụ"),
        ("numbering skips: 2 then 4", "Đánh số bị nhảy: sau 2 là 4"),
        ("tb.odt: unsupported format (use .txt, .docx)",
         "tb.odt: định dạng không hỗ trợ (dùng .txt, .docx)."),
        ("long.pdf: refused: 201 pages (limit 200)",
         "long.pdf: từ chối: 201 trang (giới hạn 200)."),
        ("empty text: nothing to parse", "Văn bản trống: không có gì để phân tích."),
    ],
)  # fmt: skip
def test_wordings(english: str, vi: str) -> None:
    assert vietnamese(english) == vi


def test_other_text_is_left_as_it_is() -> None:
    assert (
        vietnamese("Chọn cơ quan chủ trì trong danh mục.") == "Chọn cơ quan chủ trì trong danh mục."
    )


def test_the_review_page_shows_no_english_warning(db, small_agencies, tmp_path) -> None:  # type: ignore[no-untyped-def]
    build_world(db, small_agencies, with_tokens=False)
    client = TestClient(create_app(Settings(upload_dir=tmp_path / "up"), db))
    assert login(client, "vanphong").status_code == 303
    token = csrf_of(client.get("/secretariat/notices/new").text)
    text = (FIXTURES / "notices" / "tb-quang-nam-2024-04-12-nong-nghiep.txt").read_text("utf-8")
    page = client.post("/secretariat/notices/parse", data={"csrf_token": token, "text": text})
    assert page.status_code == 200 and 'class="warn' in page.text
    shown = re.findall(r'class="warn[^"]*">(?:⚠ )?(.*?)</', page.text, re.S)
    assert len(shown) >= 3
    for warning in shown:
        assert not re.search(r"\b(the|taken|found|assumed|no task|only|implicit)\b", warning), (
            warning
        )
    empty = client.post(
        "/secretariat/notices/parse", data={"csrf_token": token, "text": "Hôm nay trời đẹp."}
    )
    assert (
        empty.status_code == 422
        and "Không có phần giao nhiệm vụ: không thấy nội dung giao việc" in empty.text
    )
