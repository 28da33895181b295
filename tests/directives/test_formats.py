"""Text extraction from .txt, .docx and .pdf bytes, and the errors users see."""

from __future__ import annotations

import io
import unicodedata

import docx
import pytest
from pypdf import PdfWriter

from directives.formats import extract_text
from directives.parsing import NoticeError, parse_notice


def _cp1258(text: str) -> bytes:
    """Windows-1258 as old Vietnamese files have it: base letters plus combining tone marks."""
    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            tone = next(c for c in parts if c in "\u0300\u0301\u0303\u0309\u0323")
            out += unicodedata.normalize("NFC", parts.replace(tone, "")).encode("cp1258")
            out += tone.encode("cp1258")
    return out


def _docx_bytes() -> bytes:
    document = docx.Document()
    document.add_paragraph("Số: 45/TB-UBND")
    document.add_paragraph("Lạng Sơn, ngày 05 tháng 4 năm 2024")
    document.add_paragraph("THÔNG BÁO")
    document.add_paragraph(
        "Kết luận của đồng chí Nguyễn Văn A, Phó Chủ tịch UBND tỉnh tại buổi làm việc"
    )
    document.add_paragraph("1. Nhiệm vụ thời gian tới")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "a) Giao Sở Tài chính chủ trì, phối hợp với Sở Nội vụ rà soát kinh phí"
    table.cell(0, 1).text = "trước ngày 30/6/2024."
    table.cell(1, 0).text = "b) Sở Y tế báo cáo kết quả tiêm chủng"
    table.cell(1, 1).text = "trong Quý III/2024."
    document.add_paragraph("Nơi nhận:")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _pdf_with_text(lines: list[str]) -> bytes:
    """A one-page PDF written by hand: Helvetica, one text line per entry (ASCII only)."""
    ops = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(f"({line}) Tj T*" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(ops)} >>\nstream\n{ops}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    trailer = f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return out + trailer.encode()


def test_docx_paragraphs_and_table_cells_in_document_order() -> None:
    text = extract_text(_docx_bytes(), "tb.docx")
    assert text.index("1. Nhiệm vụ thời gian tới") < text.index("trước ngày 30/6/2024.")
    assert text.index("b) Sở Y tế báo cáo kết quả tiêm chủng") < text.index("Nơi nhận:")
    # tables come as pipe rows, one per row
    assert "| b) Sở Y tế báo cáo kết quả tiêm chủng | trong Quý III/2024. |" in text.splitlines()


def test_docx_notice_parses_into_tasks() -> None:
    draft = parse_notice(extract_text(_docx_bytes(), "tb.docx"))
    assert draft.number == "45/TB-UBND"
    first = draft.tasks[0]
    assert first.lead == "Sở Tài chính" and first.coordinators == ["Sở Nội vụ"]
    assert first.deadline.isoformat() == "2024-06-30"  # the cell's words joined to the item
    assert draft.tasks[1].lead == "Sở Y tế"
    assert draft.tasks[1].deadline.isoformat() == "2024-09-30"


def test_pdf_text_layer_is_read() -> None:
    text = extract_text(_pdf_with_text(["So: 12/TB-UBND", "THONG BAO"]), "scan.pdf")
    assert "12/TB-UBND" in text and "THONG BAO" in text


def test_pdf_without_text_layer_is_refused() -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(NoticeError, match="no text layer"):
        extract_text(buffer.getvalue(), "scan.pdf")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("Số: 1/TB-UBND".encode(), "Số: 1/TB-UBND"),
        (b"\xef\xbb\xbf" + "Sở Nội vụ".encode(), "Sở Nội vụ"),
        ("Sở Nội vụ".encode("utf-16"), "Sở Nội vụ"),
        (_cp1258("Sở Nội vụ"), "Sở Nội vụ"),
    ],
)
def test_text_encodings(data: bytes, expected: str) -> None:
    assert unicodedata.normalize("NFC", extract_text(data, "notice.txt")) == expected


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "empty.txt", "empty"),
        (b"\x00\x01\x02binary\x00junk" * 50, "junk.txt", "binary junk"),
        (b"PK\x03\x04 not really a zip", "broken.docx", "not a readable .docx"),
        (b"%PDF-1.4 garbage", "broken.pdf", "PDF"),
        (b"hello", "notice.odt", "unsupported format"),
    ],
)
def test_bad_files_raise_one_clear_error(data: bytes, name: str, message: str) -> None:
    with pytest.raises(NoticeError, match=message):
        extract_text(data, name)
