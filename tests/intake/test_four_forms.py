"""One notice, one answer: .txt, .docx, LibreOffice .pdf and a scanned .pdf give the same tasks.

tests/fixtures/forms/ holds, for the seed and three other annotated notices, the .docx typeset
as an office would (NĐ 30 header table, Times New Roman, justified, page numbers, a footnote and
a signature stamp on one of them), its LibreOffice PDF and a 200 dpi grey scan of it with no text
layer; `tests/fixtures/forms/make.py` remakes them. Each form is read through the extraction the
CLI uses and must give the gold's refs, leads, coordinators and deadlines.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest

from directives.drafts import DirectiveDraft
from directives.normalize import key
from directives.parsing import parse_notice
from dondoc.settings import Settings
from intake import limits_from, read_notice

FIXTURES = Path(__file__).parents[1] / "fixtures"
FORMS = FIXTURES / "forms"
NOTICES = {
    "tb-ubnd-2024-03-27-so-ngoai-vu": "notices",
    "tb-nghe-an-2025-08-05-giai-ngan": "notices_blind",
    "cv-ha-tinh-2025-11-17-dich-benh": "notices_blind",
    "ct-thai-nguyen-2024-05-06-an-toan-thuc-pham": "notices",
}
SUFFIXES = (".txt", ".docx", ".pdf", ".scan.pdf")


def _has_ocr() -> bool:
    if not (shutil.which("tesseract") and shutil.which("pdftoppm")):
        return False
    langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True).stdout
    return "vie" in langs.split()


NO_OCR = pytest.mark.skipif(
    not _has_ocr(),
    reason="needs Tesseract with its Vietnamese model and poppler "
    "(apt-get install tesseract-ocr tesseract-ocr-vie poppler-utils)",
)


def _path(name: str, suffix: str) -> Path:
    if suffix == ".txt":
        return FIXTURES / NOTICES[name] / f"{name}.txt"
    return FORMS / f"{name}{suffix}"


@cache
def _draft(name: str, suffix: str) -> DirectiveDraft:
    path = _path(name, suffix)
    extracted = read_notice(path.read_bytes(), path.name, limits_from(Settings()))
    return parse_notice(extracted.text, source=extracted.source)


def _gold(name: str) -> dict:
    return json.loads((FIXTURES / NOTICES[name] / f"{name}.gold.json").read_text("utf-8"))


def _rows(tasks: list) -> list[tuple]:
    """What must agree: ref, lead, coordinators (as a set), deadline."""
    out = []
    for t in tasks:
        get = t.get if isinstance(t, dict) else lambda f, t=t: getattr(t, f)
        deadline = get("deadline")
        out.append(
            (
                get("ref"),
                key(get("lead") or ""),
                frozenset(key(c) for c in get("coordinators")),
                deadline if isinstance(deadline, str | None) else deadline.isoformat(),
            )
        )
    return out


def _cases() -> list:
    cases = []
    for name in NOTICES:
        for suffix in SUFFIXES:
            marks = [NO_OCR] if suffix == ".scan.pdf" else []
            cases.append(pytest.param(name, suffix, marks=marks, id=f"{name}{suffix}"))
    return cases


@pytest.mark.parametrize(("name", "suffix"), _cases())
def test_every_form_gives_the_gold_tasks(name: str, suffix: str) -> None:
    assert _rows(_draft(name, suffix).tasks) == _rows(_gold(name)["tasks"])


@pytest.mark.parametrize("name", list(NOTICES))
def test_header_is_read_from_the_typeset_forms(name: str) -> None:
    gold = _gold(name)
    for suffix in (".docx", ".pdf"):
        draft = _draft(name, suffix)
        assert (draft.number or "").replace(" ", "") == gold["number"], suffix
        assert draft.issued.isoformat() == gold["issued"], suffix
        assert draft.signer == gold["signer"], suffix


def test_the_seed_pdf_is_read_by_its_layout() -> None:
    draft = _draft("tb-ubnd-2024-03-27-so-ngoai-vu", ".pdf")
    assert draft.origin == "pdf" and len(draft.tasks) == 19
    texts = [t.text for t in draft.tasks]
    assert not any(t.startswith(("Chài", "quốc tế", "thiệt")) for t in texts)  # no wrapped lines
    assert "giới thiệt về tỉnh" in texts[9]  # 3.2.c joined across the page break
    assert draft.issuer == "UBND tỉnh Lạng Sơn"  # from the header table


def test_footnotes_page_numbers_and_the_signature_stamp_are_dropped() -> None:
    text = _draft("tb-nghe-an-2025-08-05-giai-ngan", ".pdf").text
    assert "Quyết định số 388/QĐ-BTC" not in text and "Nghị quyết số 1678" not in text
    assert "Ký bởi" not in text and "Thời gian ký" not in text
    assert "khu vực X;" in text and "sau sắp xếp;" in text  # footnote marks gone, not spaced
    assert not any(line.strip().isdigit() for line in text.splitlines())


@NO_OCR
def test_a_scan_says_it_was_read_by_ocr() -> None:
    draft = _draft("tb-ubnd-2024-03-27-so-ngoai-vu", ".scan.pdf")
    assert draft.origin == "ocr" and draft.ocr_confidence and draft.ocr_confidence > 80
    assert draft.warnings[0].startswith("text read by OCR")
    flagged = [t for t in draft.tasks if any(w.startswith("OCR unsure of") for w in t.warnings)]
    for task in flagged:
        start, end = task.span
        assert any(start < b and a < end for a, b in draft.low_confidence)
