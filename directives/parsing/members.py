"""Named lists: members written after one type word ("Các Bộ: Tài chính, Xây dựng", "Các Sở: …").

Also the units of one level named after it ("UBND các huyện Phù Mỹ, Tây Sơn", "UBND các phường:
A, B") and other types with a colon ("Các Viện: Pasteur Nha Trang, …"). The list is one mention
naming its members; the first leads, the others coordinate.
"""

from __future__ import annotations

import re

from directives.parsing.mention import NATIONAL_NAMES, Mention
from directives.parsing.text import key

# Ministries (Luật Tổ chức Chính phủ; NĐ 2025 names too), for lists written "Các Bộ: A, B, C".
MINISTRIES = (
    "Kế hoạch và Đầu tư", "Tài chính", "Xây dựng", "Công Thương", "Nội vụ", "Tư pháp", "Y tế",
    "Ngoại giao", "Quốc phòng", "Công an", "Giao thông vận tải", "Khoa học và Công nghệ",
    "Giáo dục và Đào tạo", "Tài nguyên và Môi trường", "Nông nghiệp và Phát triển nông thôn",
    "Nông nghiệp và Môi trường", "Lao động - Thương binh và Xã hội", "Thông tin và Truyền thông",
    "Văn hóa, Thể thao và Du lịch", "Dân tộc và Tôn giáo",
)  # fmt: skip
_LISTED = re.compile(r"(?:các\s+)?(?P<type>bộ|sở)\s*:\s*")
_PIECES = {
    "bộ": sorted((key(n) for n in MINISTRIES), key=len, reverse=True),
    "sở": sorted(
        (key(n[3:]) for n in NATIONAL_NAMES if n.startswith("Sở ")), key=len, reverse=True
    ),
}
_LIST_GLUE = re.compile(r"\s*(?:,|;|và)\s*")


def members_at(text: str, folded: str, pos: int) -> Mention | None:
    """ "Các Bộ: Tài chính, Kế hoạch và Đầu tư, Xây dựng" → one mention naming three members."""
    m = _LISTED.match(folded, pos)
    if not m:
        return _places_at(text, folded, pos) or _typed_at(text, folded, pos)
    kind, at, names, end = m["type"], m.end(), [], m.end()
    while True:
        piece = next((p for p in _PIECES[kind] if key(folded[at : at + len(p) + 2]).startswith(p)
                      and _word_end(folded, at + len(p))), None)  # fmt: skip
        if piece is None:
            break
        stop = at + len(piece)
        names.append(f"{kind.capitalize()} {text[at:stop]}")
        end = stop
        glue = _LIST_GLUE.match(folded, stop)
        if not glue or glue.end() == stop:
            break
        at = glue.end()
    if not names:
        return None
    return Mention(names[0], pos, end, tuple(names))


def _word_end(folded: str, at: int) -> bool:
    return at >= len(folded) or not folded[at].isalnum()


_PLACES = re.compile(
    r"(?P<head>ubnd|ủy ban nhân dân|uỷ ban nhân dân)\s+các\s+"
    r"(?P<level>huyện|thị xã|thành phố|xã|phường|quận|thị trấn)\s*:?\s+"
)
_TYPED = re.compile(
    r"các\s+(?P<type>viện|bệnh viện|trường|trung tâm|hiệp hội|hội|đài|báo|chi cục|cục|ban"
    r"|tổng công ty|công ty|ngân hàng|vườn quốc gia)\s*:\s*"
)
_SEP = re.compile(r"\s*,\s*|\s+và\s+")
_CLAUSE_END = re.compile(r"[;:.()]")
# A piece that starts another agency ends the list: "UBND các huyện A, B và UBND thị xã C".
_AGENCY_WORD = re.compile(r"(?:UBND|Ủy ban|Uỷ ban|Sở|Ban|Bộ|Công an|Văn phòng|Các|các)\b")


def _places_at(text: str, folded: str, pos: int) -> Mention | None:
    """ "UBND các huyện Phù Mỹ, Tây Sơn" → "UBND huyện Phù Mỹ", "UBND huyện Tây Sơn"."""
    m = _PLACES.match(folded, pos)
    if not m:
        return None
    prefix = f"{text[m.start('head') : m.end('head')]} {text[m.start('level') : m.end('level')]}"
    return _pieces(text, m.end(), pos, prefix)


def _typed_at(text: str, folded: str, pos: int) -> Mention | None:
    """ "Các Viện: Vệ sinh dịch tễ Trung ương, Pasteur Nha Trang" → "Viện Vệ sinh …", …"""
    m = _TYPED.match(folded, pos)
    if not m:
        return None
    kind = text[m.start("type") : m.end("type")]
    return _pieces(text, m.end(), pos, kind[:1].upper() + kind[1:])


def _pieces(text: str, at: int, pos: int, prefix: str) -> Mention | None:
    """Proper names from `at`, each cut at its last capitalised word, as members of `prefix`."""
    names: list[str] = []
    end = at
    stop = _CLAUSE_END.search(text, at, at + 300)
    limit = stop.start() if stop else min(len(text), at + 300)
    while at < limit and text[at : at + 1].isupper() and not _AGENCY_WORD.match(text, at):
        sep = _SEP.search(text, at, limit)
        piece_end = sep.start() if sep else limit
        more = sep is not None and _continues(text, sep.end())
        # A piece followed by another name is whole ("Hải dương học, …"); the last one ends on
        # its last capitalised word, before the verb ("… Tây Nguyên chỉ đạo").
        piece = text[at:piece_end].strip() if more else _proper_part(text[at:piece_end])
        if not piece or len(piece.split()) > 8:
            break
        names.append(f"{prefix} {piece}")
        end = at + len(piece)
        if not more or sep is None:
            break
        at = sep.end()
    return Mention(names[0], pos, end, tuple(names)) if names else None


def _continues(text: str, at: int) -> bool:
    return text[at : at + 1].isupper() and not _AGENCY_WORD.match(text, at)


def _proper_part(piece: str) -> str:
    """The words of a piece up to its last capitalised one ("Trung ương" kept whole)."""
    words = piece.split()
    last = max((i for i, w in enumerate(words) if w[:1].isupper()), default=-1)
    if last + 1 < len(words) and words[last] == "Trung" and words[last + 1] == "ương":
        last += 1
    return " ".join(words[: last + 1])
