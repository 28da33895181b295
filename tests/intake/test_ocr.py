"""Scanned notices: Tesseract's TSV, its confidences as task warnings, repairs, and the tools.

The pure parts (TSV → text, low-confidence spans, repaired names and numbers) are checked on
TSV written here; the real Tesseract reads a rendered page (PNG) and a scanned PDF through the
web form, whose review page must say the text came from OCR.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from directives.drafts import TextSource
from directives.formats import from_pages
from directives.formats.ocr import repair_numbering, tsv_page
from directives.normalize import key
from directives.parsing import parse_notice
from directives.parsing.ocr_names import repair_names
from dondoc.settings import Settings
from intake import limits_from, read_notice
from storage.models import DirectiveRow
from tests.factories import build_world
from tests.web_testing import csrf_of, form_values, login
from web.app import create_app

FIXTURES = Path(__file__).parents[1] / "fixtures"
SCAN = FIXTURES / "forms" / "cv-ha-tinh-2025-11-17-dich-benh.scan.pdf"
GOLD = FIXTURES / "notices_blind" / "cv-ha-tinh-2025-11-17-dich-benh.gold.json"
HEAD = (
    "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
)
NOTICE = [
    ("Số: 12/TB-UBND", 96),
    ("THÔNG BÁO", 96),
    ("Kết luận của đồng chí Lê Văn A, Phó Chủ tịch UBND tỉnh tại buổi làm việc như sau:", 95),
    ("1. Giao Sở Tài chính chủ trì rà soát kinh phí, báo cáo trước ngày 30/6/2025.", 94),
    ("2. Giao Sở Nội vụ chủ trì kiện toàn bộ máy, hoàn thành trong tháng 9/2025.", 41),
]


def _tsv(lines: list[tuple[str, float]]) -> str:
    """Tesseract's TSV for lines of text at 300 dpi: 25 px a character, 60 px a line."""
    rows = [HEAD]
    for n, (text, conf) in enumerate(lines, start=1):
        top, left = 300 + 60 * n, 250
        for w, word in enumerate(text.split(), start=1):
            width = 25 * len(word)
            rows.append(f"5\t1\t1\t1\t{n}\t{w}\t{left}\t{top}\t{width}\t40\t{conf}\t{word}")
            left += width + 12
    return "\n".join(rows) + "\n"


def _draft(lines: list[tuple[str, float]]) -> tuple:
    extracted = from_pages([tsv_page(_tsv(lines), 300, 2480, 3508)], "scan.png", ocr=True)
    return extracted, parse_notice(extracted.text, source=extracted.source)


def test_tsv_words_become_the_text_and_low_confidence_marks_its_task() -> None:
    extracted, draft = _draft(NOTICE)
    assert extracted.text.splitlines()[0] == "Số: 12/TB-UBND"
    assert draft.origin == "ocr" and 60 < (draft.ocr_confidence or 0) < 96
    assert draft.warnings[0].startswith("text read by OCR")
    first, second = draft.tasks
    assert not any(w.startswith("OCR") for w in first.warnings)
    assert "OCR unsure of: «2. Giao Sở Nội vụ chủ trì kiện" in second.warnings[-1]
    assert [key(t.lead) for t in draft.tasks] == [key("Sở Tài chính"), key("Sở Nội vụ")]


def test_the_source_survives_the_review_form() -> None:
    """The page sends back the normalised text and the spans: a second parse flags the same."""
    _, draft = _draft(NOTICE)
    again = parse_notice(
        draft.text, source=TextSource("ocr", tuple(draft.low_confidence), draft.ocr_confidence)
    )
    assert again.text == draft.text
    assert [t.warnings for t in again.tasks] == [t.warnings for t in draft.tasks]


def test_damaged_agency_names_are_repaired_from_the_known_names() -> None:
    text = (
        "Phối hợp với Sở Văn hóa, Thế thao và Du lịch tổ chức lễ hội; các sở: Tài chính, "
        "Nội vụ tham gia; sở Ngoại vụ báo cáo."
    )
    fixed, source, notes = repair_names(text, TextSource("ocr", ((0, 7),)), None)
    assert "Sở Văn hóa, Thể thao và Du lịch tổ chức" in fixed
    assert "các sở: Tài chính" in fixed and "sở Ngoại vụ" in fixed  # not names, or only case
    assert notes == ["OCR name repaired: «Sở Văn hóa, Thế thao và Du lịch» → Sở Văn hóa, Thể "
                     "thao và Du lịch"]  # fmt: skip
    start = fixed.index("Sở Văn hóa")
    assert (start, start + len("Sở Văn hóa, Thể thao và Du lịch")) in source.low_confidence


def test_heading_numbers_misread_as_letters_are_put_back_in_sequence() -> None:
    text = "IL ĐÁNH GIÁ\n1. Đánh giá chung\nII. NHIỆM VỤ\n4. Sở Y tế\nS. Sở Nội vụ\nHI. KIẾN NGHỊ"
    assert repair_numbering(text).splitlines() == [
        "I. ĐÁNH GIÁ",
        "1. Đánh giá chung",  # a decimal "1." is not read as a roman "I."
        "II. NHIỆM VỤ",
        "4. Sở Y tế",
        "5. Sở Nội vụ",
        "III. KIẾN NGHỊ",
    ]


def _has_ocr() -> bool:
    if not (shutil.which("tesseract") and shutil.which("pdftoppm")):
        return False
    langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True).stdout
    return "vie" in langs.split()


needs_ocr = pytest.mark.skipif(
    not _has_ocr(),
    reason="needs tesseract-ocr, tesseract-ocr-vie and poppler-utils (apt-get install)",
)


@needs_ocr
def test_a_png_scan_is_read(tmp_path: Path) -> None:
    subprocess.run(
        ["pdftoppm", "-r", "200", "-gray", "-png", "-singlefile", str(SCAN), str(tmp_path / "p")],
        check=True,
    )
    png = (tmp_path / "p.png").read_bytes()
    extracted = read_notice(png, "cong-van.png", limits_from(Settings()))
    draft = parse_notice(extracted.text, source=extracted.source)
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    assert [(key(t.lead or ""), str(t.deadline)) for t in draft.tasks] == [
        (key(g["lead"]), str(g["deadline"])) for g in gold["tasks"]
    ]


def test_missing_tesseract_is_one_clear_message(tmp_path: Path) -> None:
    bare = tmp_path / "bin"
    bare.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "dondoc", "parse", str(SCAN)],
        capture_output=True, text=True, timeout=120, env={**os.environ, "PATH": str(bare)},
    )  # fmt: skip
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip() == (
        f"error: {SCAN}: cannot read scans: Tesseract is not installed "
        "(apt-get install tesseract-ocr tesseract-ocr-vie poppler-utils)"
    )


@pytest.fixture
def app(db, tmp_path, small_agencies):  # type: ignore[no-untyped-def]
    build_world(db, small_agencies, with_tokens=False)
    return create_app(Settings(upload_dir=tmp_path / "uploads"), db)


@needs_ocr
def test_the_review_page_says_the_text_came_from_ocr(app, db) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(app)
    assert login(client, "vanphong").status_code == 303
    token = csrf_of(client.get("/secretariat/notices/new").text)
    page = client.post(
        "/secretariat/notices/parse",
        data={"csrf_token": token},
        files={"file": (SCAN.name, SCAN.read_bytes(), "application/pdf")},
    )
    assert page.status_code == 200
    assert 'id="ocr-banner"' in page.text and "nhận dạng từ ảnh quét (OCR)" in page.text
    assert "Văn bản gốc (OCR)" in page.text
    form = form_values(page.text, "form-register")
    assert form["origin"] == "ocr" and float(str(form["ocr_confidence"])) > 80
    assert page.text.count('name="lead_') == 5
    with db.read() as s:
        before = s.scalar(sa.select(sa.func.count()).select_from(DirectiveRow))
    # The registry of the test world is Lạng Sơn's: this Hà Tĩnh letter's leads are chosen here.
    form |= {f"lead_{i}": "so-ngoai-vu" for i in range(5)} | {"number": "5821/UBND-VX1"}
    del form["csrf_token"]
    token = csrf_of(client.get("/secretariat/notices/new").text)
    done = client.post(
        "/secretariat/notices/register", data=form | {"csrf_token": token}, follow_redirects=False
    )
    assert done.status_code == 303, done.text[:2000]
    with db.read() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(DirectiveRow)) == before + 1
