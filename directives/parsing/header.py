"""The header and footer of a directive: number, kind, date, issuer, leader, signer, recipients.

Layout follows Nghị định 30/2020 Phụ lục I: issuer block, "Số: …", place and date, the type
name in capitals, the trích yếu; at the end "Nơi nhận:" and the signature block (TM./KT./TL.).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from directives.parsing.footer import leader_from_signature, read_footer, title_case
from directives.parsing.text import Paragraph

_NUMBER = re.compile(
    r"^Số\s*[:.]?\s*(?P<n>\d{0,6})\s*(?P<rest>(?:/\s*\d{4}\s*)?[/-]\s*[A-ZĐa-zđ][\w&.\-]*"
    r"(?:\s*/\s*[A-ZĐa-zđ][\w&.\-]*)?)"
)
_PLACE_DATE = re.compile(
    r"(?P<place>[A-ZĐÀ-Ỹ][^,\d]{1,40}),\s*ngày\s*(?:(?P<d>\d{1,2})?\s*tháng\s*(?P<m>\d{1,2})?"
    r"\s*năm\s*(?P<y>\d{4})|(?P<d2>\d{1,2})\s*(?P<sep>[/.\-])\s*(?P<m2>\d{1,2})\s*(?P=sep)\s*(?P<y2>\d{4}))"
)
_TITLES = {
    "THÔNG BÁO": "TB",
    "CHỈ THỊ": "CT",
    "KẾ HOẠCH": "KH",
    "QUYẾT ĐỊNH": "QĐ",
    "CÔNG VĂN": "CV",
    "BÁO CÁO": "BC",
    "TỜ TRÌNH": "TTr",
    "CÔNG ĐIỆN": "CĐ",
    "CHƯƠNG TRÌNH": "KH",
    "KẾT LUẬN": "TB",
    "BIÊN BẢN": "BB",
    "GIẤY MỜI": "GM",
}
_CODES = {
    "TB": "TB",
    "CT": "CT",
    "KH": "KH",
    "CTR": "KH",
    "QĐ": "QĐ",
    "QD": "QĐ",
    "CV": "CV",
    "BC": "BC",
    "TTR": "TTr",
    "CĐ": "CĐ",
    "KL": "TB",
    "BB": "BB",
    "GM": "GM",
}
NOT_DIRECTIVES = frozenset({"BC", "TTr", "BB", "GM"})
_NATIONAL = re.compile(
    r"CỘNG H(?:OÀ|ÒA) XÃ HỘI CHỦ NGHĨA VIỆT NAM|Độc lập\s*-\s*Tự do\s*-\s*Hạnh phúc"
)
_NAME = r"[A-ZĐÀ-Ỹ][a-zà-ỹđ]+(?:\s+[A-ZĐÀ-Ỹ][a-zà-ỹđ]+){1,4}"
_KINH_GUI = re.compile(r"^Kính gửi\s*:?\s*(?P<rest>.*)$")
_LEADER_AFTER = re.compile(
    rf"[Kk]ết luận của\s+(?:đồng chí\s+|đ/c\s+)?(?P<name>{_NAME})\s*,\s*(?P<title>[^,]+?)"
    r"(?=\s+(?:tại|về|trong|khi)\b|\s*[,;(]|$)"
)
_LEADER_BEFORE = re.compile(
    r"[Kk]ết luận của\s+(?P<title>(?:Phó\s+)?Chủ tịch(?:\s+Thường trực)?\s+(?:UBND|Ủy ban nhân dân"
    rf"|Uỷ ban nhân dân)\s+(?:tỉnh|thành phố))\s+(?P<name>{_NAME})(?=\s+(?:tại|về)\b)"
)
_CHAIR = re.compile(
    rf"(?:đồng chí|đ/c)\s+(?P<name>{_NAME})\s*,\s*(?P<title>[^,]*?Chủ tịch[^,]*?)\s*,?\s*"
    r"(?:đã\s+)?(?:chủ trì|làm việc|dự|có buổi)"
)
# "Phó Thủ tướng Chính phủ Trần Minh Đức đã chủ trì …": the title before the name.
_CHAIR_BEFORE = re.compile(
    r"(?P<title>(?:Phó\s+)?(?:Thủ tướng|Chủ tịch|Bộ trưởng|Thứ trưởng)(?:\s+[^\s,.;]+){0,6}?)"
    rf"\s+(?P<name>{_NAME})\s*,?\s*(?:đã\s+)?(?:chủ trì|làm việc|có buổi)"
)
_MEETING_DATE = re.compile(
    r"ngày\s+(?P<d>\d{1,2})\s*[/.\-]\s*(?P<m>\d{1,2})\s*[/.\-]\s*(?P<y>\d{4})"
    r"|ngày\s+(?P<d2>\d{1,2})\s+tháng\s+(?P<m2>\d{1,2})\s+năm\s+(?P<y2>\d{4})",
    re.IGNORECASE,
)
_REFERENCE = re.compile(r"(?:số\s+)?\d+\s*/[\w/Đđ\-]+\s*$")
_BODY_START = re.compile(
    r"^(?:Thực hiện|Ngày|Căn cứ|Sáng|Chiều|Tối|Vừa qua|Trong|Để|Kính gửi|Ủy ban|Uỷ ban|UBND"
    r"|Chủ tịch|Thời gian|Tham dự|Theo|Qua|Nhằm|Năm|Tiếp theo|Sau khi|Ban Thường vụ|Hiện nay)\b"
)


@dataclass(slots=True)
class Header:
    """What the header and footer say; `body` is the range of body paragraphs."""

    doc_type: str | None = None
    number: str | None = None
    issued: date | None = None
    place: str | None = None
    issuer: str | None = None
    leader: str | None = None
    leader_title: str | None = None
    meeting_date: date | None = None
    signer: str | None = None
    signer_title: str | None = None
    subject: str | None = None
    recipients: list[str] = field(default_factory=list)
    addressees: list[str] = field(default_factory=list)
    body: tuple[int, int] = (0, 0)
    warnings: list[str] = field(default_factory=list)


def _kind_from_symbol(symbol: str) -> str | None:
    parts = [p for p in re.split(r"[-/]", symbol) if p]
    for part in parts[:2]:
        code = part.upper()
        if code in _CODES:
            return _CODES[code]
        for prefix in ("QĐ", "QD"):
            if code.startswith(prefix) and len(code) > 2:
                return "QĐ"
    return None


def _pretty_issuer(caps: str) -> str:
    text = re.sub(r"^(?:ỦY|UỶ) BAN NHÂN DÂN\b", "UBND", caps.strip())
    m = re.search(r"\b(TỈNH|THÀNH PHỐ|HUYỆN|XÃ)\s+(.+)$", text)
    head, place = (
        (text[: m.start()].strip(), f"{m[1].lower()} {title_case(m[2])}") if m else (text, "")
    )
    words = head.split()
    pretty = [w if w in ("UBND", "HĐND") else w.lower() for w in words]
    for i in (0, 1):
        if i < len(pretty) and pretty[i] not in ("UBND", "HĐND"):
            pretty[i] = pretty[i][:1].upper() + pretty[i][1:]
    return " ".join([*pretty, place]).strip()


def _date(d: str | None, m: str | None, y: str | None) -> date | None:
    try:
        return date(int(y), int(m), int(d)) if d and m and y else None
    except ValueError:
        return None


def _head_block(paras: list[Paragraph], h: Header) -> int:
    """Number, date, place, issuer; returns the index of the type title (or -1)."""
    issuer_lines: list[str] = []
    title = -1
    for i, p in enumerate(paras[:40]):
        text = _NATIONAL.sub("", p.text).strip()
        if m := _NUMBER.match(text):
            h.number = (m["n"] + re.sub(r"\s+", "", m["rest"])).rstrip(".")
        m = _PLACE_DATE.search(text)
        if m and m["d2"] and m.start() > 0:
            m = None  # "…, ngày 5/3/2026" inside a sentence cites a document; a header's is alone
        if m and h.place is None:
            h.place = m["place"].strip()
            h.issued = _date(m["d"], m["m"], m["y"]) or _date(m["d2"], m["m2"], m["y2"])
            if h.issued is None:
                h.warnings.append("issue date not filled in (blank draft)")
        if text.upper() in _TITLES and title < 0:
            title = i
            break
        if h.number is None and text and text.isupper() and not _NUMBER.match(text):
            issuer_lines.append(text)
    if issuer_lines:
        h.issuer = _pretty_issuer(_issuer_caps(issuer_lines))
    return title


def _issuer_caps(lines: list[str]) -> str:
    joined = lines[-1]
    for line in reversed(lines[:-1]):
        if not re.match(r"^(?:TỈNH|THÀNH PHỐ|HUYỆN|XÃ)\b", joined):
            break
        joined = f"{line} {joined}"
    return joined


def _subject(paras: list[Paragraph], start: int, h: Header) -> int:
    """Reads the trích yếu from `start`; returns the first body paragraph's index."""
    lines: list[str] = []
    i = start
    while i < len(paras) and len(lines) < 3:
        text = paras[i].text
        vv = re.match(r"^V/v\s*:?\s*(.*)$", text)
        if vv:
            lines, h.doc_type = [vv[1]], h.doc_type or "CV"
        elif lines and (_BODY_START.match(text) or re.match(r"^(?:[IVX]+|\d+)\s*[.)]\s", text)):
            break
        elif _NUMBER.match(text) or _PLACE_DATE.search(text) or _NATIONAL.search(text):
            pass
        elif not lines and _BODY_START.match(text):
            break
        else:
            lines.append(text.strip("() "))
        i += 1
    h.subject = " ".join(lines) or None
    return i


def _addressees(paras: list[Paragraph], i: int, h: Header) -> int:
    for j in range(i, min(i + 8, len(paras))):
        m = _KINH_GUI.match(paras[j].text)
        if not m:
            continue
        if m["rest"].strip():
            h.addressees = [m["rest"].strip(" .;")]
            return j + 1
        k = j + 1
        while k < len(paras) and paras[k].text.startswith("- "):
            h.addressees.append(paras[k].text[2:].strip(" .;"))
            k += 1
        return k
    return i


def _leader(paras: list[Paragraph], h: Header) -> None:
    texts = [h.subject or ""] + [p.text for p in paras[h.body[0] : h.body[0] + 3]]
    for text in texts:
        m = (
            _LEADER_AFTER.search(text)
            or _LEADER_BEFORE.search(text)
            or _CHAIR.search(text)
            or _CHAIR_BEFORE.search(text)
        )
        if m:
            # [À-Ỹ] also spans lower-case letters: "Trần Minh Đức đã" must lose its "đã".
            words = m["name"].split()
            cut = next((i for i, w in enumerate(words) if not w[0].isupper()), len(words))
            h.leader, h.leader_title = " ".join(words[:cut]), m["title"].strip()
            return
    title = leader_from_signature(h.signer_title)
    if h.signer and title:
        h.leader, h.leader_title = h.signer, title


def _meeting_date(paras: list[Paragraph], h: Header) -> None:
    for p in paras[h.body[0] : h.body[0] + 3]:
        if not re.search(r"chủ trì|làm việc|họp|hội nghị|kiểm tra", p.text):
            continue
        for m in _MEETING_DATE.finditer(p.text):
            if not _REFERENCE.search(p.text, max(0, m.start() - 30), m.start()):
                h.meeting_date = _date(m["d"] or m["d2"], m["m"] or m["m2"], m["y"] or m["y2"])
                return


_APPENDIX = re.compile(r"^(?:PHỤ LỤC|Phụ lục)(?:\s+(?:[IVX]+|\d{1,2}|số\s+\d{1,2}))?\s*[.:]?$")


def without_appendix(paras: list[Paragraph]) -> list[Paragraph]:
    """The document up to an appendix ("PHỤ LỤC" after Nơi nhận and the signature)."""
    signed = next((i for i, p in enumerate(paras) if p.text.startswith("Nơi nhận")), None)
    if signed is None:
        return paras
    end = next((i for i in range(signed, len(paras)) if _APPENDIX.match(paras[i].text)), None)
    return paras[:end] if end is not None else paras


def read_header(paras: list[Paragraph]) -> Header:
    """Header and footer fields of a directive, and where its body lies."""
    paras = without_appendix(paras)
    h = Header()
    title = _head_block(paras, h)
    if title >= 0:
        h.doc_type = _TITLES[paras[title].text.upper()]
    symbol_kind = _kind_from_symbol(h.number.lstrip("0123456789 /-")) if h.number else None
    h.doc_type = symbol_kind or h.doc_type
    start = title + 1 if title >= 0 else _after_number(paras)
    vv = next((i for i, p in enumerate(paras[:15]) if p.text.startswith("V/v")), None)
    if title < 0 and vv is not None:
        start = min(start, vv)
    body_start = _addressees(paras, _subject(paras, start, h), h)
    if h.doc_type is None and h.number:
        h.doc_type = "CV"
    footer = read_footer(paras)
    h.recipients, h.signer, h.signer_title = footer.recipients, footer.signer, footer.signer_title
    h.body = (body_start, max(body_start, footer.end))
    if h.issuer is None and h.number and "UBND" in h.number.upper() and h.place:
        h.issuer = f"UBND tỉnh {h.place}"
    _leader(paras, h)
    if h.doc_type == "TB":
        _meeting_date(paras, h)
    return h


def _after_number(paras: list[Paragraph]) -> int:
    last = -1
    for i, p in enumerate(paras[:40]):
        if _PLACE_DATE.search(p.text) or _NUMBER.match(p.text):
            last = i
    return last + 1
