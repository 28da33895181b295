"""Hostile documents are refused with one message, before they cost memory or minutes.

A .docx zip bomb, a .docx of 3,000,000 empty paragraphs, malformed XML, a PDF with too many
pages and an image with too many pixels: each is refused by `dondoc parse` (exit 2, one line)
and by the web's notice form and API (422, the message shown), and nothing is stored.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from PIL import Image
from pypdf import PdfWriter

from directives.formats import ReadLimits
from directives.parsing import NoticeError
from dondoc.settings import Settings
from intake import limits_from, read_notice
from storage.models import DirectiveRow, TaskRow
from tests.factories import build_world
from tests.web_testing import csrf_of, login
from web.app import create_app

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
    'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="'
    'application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlform'
    'ats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
    "</Relationships>"
)


def _docx(document: bytes) -> bytes:
    """A .docx package around the given word/document.xml, deflated (a bomb stays small)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        z.writestr("word/document.xml", document)
    return out.getvalue()


def _body(inner: bytes) -> bytes:
    return f"<w:document {W}><w:body>".encode() + inner + b"</w:body></w:document>"


def zip_bomb() -> bytes:
    """440 KB that unpack to 400 MB of XML."""
    return _docx(_body(b"<w:p><w:r><w:t>" + b"A" * 400_000_000 + b"</w:t></w:r></w:p>"))


def empty_paragraphs() -> bytes:
    return _docx(_body(b"<w:p/>" * 3_000_000))


def malformed() -> bytes:
    return _docx(f"<w:document {W}><w:body><w:p><w:r><w:t>Số: 1/TB".encode())


def many_pages() -> bytes:
    writer = PdfWriter()
    for _ in range(ReadLimits().max_pages + 1):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def huge_image() -> bytes:
    out = io.BytesIO()
    Image.new("1", (9_000, 9_000), 1).save(out, "PNG")  # 81 million pixels, a few KB
    return out.getvalue()


CASES = [
    pytest.param("bomb.docx", zip_bomb, "XML unpacks to 381 MB", id="zip-bomb"),
    pytest.param("empty.docx", empty_paragraphs, "3000000 paragraphs", id="3M-paragraphs"),
    pytest.param("broken.docx", malformed, "malformed XML", id="malformed-xml"),
    pytest.param("long.pdf", many_pages, "201 pages (limit 200)", id="pdf-pages"),
    pytest.param("scan.png", huge_image, "9000×9000 pixels", id="image-pixels"),
]

PAGE_WORDS = {
    "XML unpacks to 381 MB": "XML giải nén ra 381 MB",
    "3000000 paragraphs": "3000000 đoạn",
    "malformed XML": "XML trong tệp .docx bị lỗi",
    "201 pages (limit 200)": "201 trang (giới hạn 200)",
    "9000×9000 pixels": "9000×9000 điểm ảnh",
}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    made = {}
    for case in CASES:
        name, build, _ = case.values
        path = folder / name
        path.write_bytes(build())
        made[name] = path
    return made


def test_the_bomb_is_small_and_would_unpack_large(files: dict[str, Path]) -> None:
    assert files["bomb.docx"].stat().st_size < 1_000_000
    with zipfile.ZipFile(files["bomb.docx"]) as z:
        assert z.getinfo("word/document.xml").file_size > 400_000_000


@pytest.mark.parametrize(("name", "build", "message"), CASES)
def test_refused_by_the_reader(files: dict[str, Path], name: str, build, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NoticeError, match=re.escape(message)):
        read_notice(files[name].read_bytes(), name, limits_from(Settings()))


@pytest.mark.parametrize(("name", "build", "message"), CASES)
def test_refused_by_the_cli(files: dict[str, Path], name: str, build, message: str) -> None:  # type: ignore[no-untyped-def]
    # The subprocess gets 4 GB of address space at most: a bomb that inflated would die.
    limit = "import resource; resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30)); "
    result = subprocess.run(
        [sys.executable, "-c", limit + "from dondoc.cli import main; main()", "parse",
         str(files[name]), "--json"],
        capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONHASHSEED": "0"},
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and lines[0].startswith("error: ")


def test_a_setting_lowers_a_limit(files: dict[str, Path], tmp_path: Path) -> None:
    small = tmp_path / "small.png"
    Image.new("1", (2_000, 1_000), 1).save(small)
    env = {**os.environ, "DONDOC_NOTICE_MAX_IMAGE_PIXELS": "1000000"}
    result = subprocess.run(
        [sys.executable, "-m", "dondoc", "parse", str(small)],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert result.returncode == 2 and "2000×1000 pixels (limit 1 million)" in result.stderr


@pytest.fixture
def world(db, small_agencies):  # type: ignore[no-untyped-def]
    return build_world(db, small_agencies, with_tokens=True)


@pytest.fixture
def app(db, tmp_path, world):  # type: ignore[no-untyped-def]
    return create_app(Settings(upload_dir=tmp_path / "uploads"), db)


def _counts(db) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return (
            s.scalar(sa.select(sa.func.count()).select_from(DirectiveRow)) or 0,
            s.scalar(sa.select(sa.func.count()).select_from(TaskRow)) or 0,
        )


@pytest.mark.parametrize(("name", "build", "message"), CASES)
def test_refused_by_the_web_form_and_api(  # type: ignore[no-untyped-def]
    app, db, world, files: dict[str, Path], name: str, build, message: str
) -> None:
    before = _counts(db)
    client = TestClient(app)
    assert login(client, "vanphong").status_code == 303
    token = csrf_of(client.get("/secretariat/notices/new").text)
    data = files[name].read_bytes()
    page = client.post(
        "/secretariat/notices/parse",
        data={"csrf_token": token},
        files={"file": (name, data, "application/octet-stream")},
    )
    shown = PAGE_WORDS[message]  # the page says it in Vietnamese, the API in English
    assert page.status_code == 422 and shown in page.text and 'role="alert"' in page.text
    api = TestClient(app).post(
        "/api/notices/parse-file",
        files={"file": (name, data, "application/octet-stream")},
        headers={"Authorization": f"Bearer {world.tokens['vanphong']}"},
    )
    assert api.status_code == 422 and message in api.json()["detail"][0]["msg"]
    assert _counts(db) == before
