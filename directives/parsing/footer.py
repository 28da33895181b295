"""The footer of a directive: "Nơi nhận:" list and the signature block (TM./KT./TL. …).

NĐ 30/2020 sets the two side by side: recipients on the left, the signature on the right. Text
copied from a PDF often flattens the two columns onto shared lines ("Nơi nhận: TL. CHỦ TỊCH",
"- Văn phòng Chính phủ; CHỦ TỊCH", "- Lưu: VT, VX. Lương Văn Việt"): a recipient item ends with
";" or ".", so what follows its end on the same line belongs to the signature column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from directives.parsing.text import Paragraph

SIGN_MARK = re.compile(
    r"^(?:TM|KT|TL|TUQ|Q)\s*\.|^[A-ZĐÀ-Ỹ ,]*"
    r"(?:CHỦ TỊCH|VĂN PHÒNG|GIÁM ĐỐC|TRƯỞNG|BÍ THƯ|CHỦ NHIỆM|THỦ TƯỚNG)[A-ZĐÀ-Ỹ ,]*$"
)
RECIPIENTS = re.compile(r"^Nơi nhận\s*:?\s*(?P<rest>.*)$")
# Signatures that make the signer the leader who directs (KT. = a deputy signing for the head).
_LEADER_TITLES = (
    ("PHÓ CHỦ TỊCH", "Phó Chủ tịch"),
    ("CHỦ TỊCH", "Chủ tịch"),
    ("PHÓ THỦ TƯỚNG", "Phó Thủ tướng"),
    ("THỦ TƯỚNG", "Thủ tướng"),
    ("THỨ TRƯỞNG", "Thứ trưởng"),
    ("BỘ TRƯỞNG", "Bộ trưởng"),
)
_ITEM_END = re.compile(r"[;.]\s+(?=\S)")


@dataclass(slots=True)
class Footer:
    """Where the body ends, the recipients, the signer and the signature titles."""

    end: int
    recipients: list[str] = field(default_factory=list)
    signer: str | None = None
    signer_title: str | None = None


def title_case(words: str) -> str:
    return " ".join(w[:1].upper() + w[1:].lower() for w in words.split())


def _is_name(line: str) -> bool:
    words = line.split()
    return 2 <= len(words) <= 5 and all(w.isalpha() and (w.istitle() or w.isupper()) for w in words)


def _split_columns(line: str) -> tuple[str, str]:
    """(recipient column, signature column) of one footer line."""
    if not line.startswith("- "):
        m = RECIPIENTS.match(line) if line.startswith("Nơi") else None
        return ("Nơi nhận:", m["rest"].strip()) if m else ("", line)
    ends = list(_ITEM_END.finditer(line))
    if not ends:
        return line, ""
    last = ends[-1]
    return line[: last.start() + 1], line[last.end() :].strip()


def _body_end(paras: list[Paragraph]) -> int:
    for i, p in enumerate(paras):
        if RECIPIENTS.match(p.text) or (i > len(paras) // 2 and SIGN_MARK.match(p.text)):
            return i
    return len(paras)


def read_footer(paras: list[Paragraph]) -> Footer:
    """Recipients and signature after the body."""
    f = Footer(_body_end(paras))
    signature: list[str] = []
    listing = False
    for p in paras[f.end :]:
        left, right = _split_columns(p.text)
        listing = left == "Nơi nhận:" or (listing and left.startswith("- "))
        if listing and left.startswith("- "):
            item = left[2:].strip(" .;")
            if not item.lower().startswith("lưu"):
                f.recipients.append(item)
        if right:
            signature.append(right)
    names = [s for s in signature if _is_name(s) and not SIGN_MARK.match(s)]
    if names and f.end < len(paras):
        f.signer = title_case(names[-1]) if names[-1].isupper() else names[-1]
    f.signer_title = " ".join(s for s in signature if SIGN_MARK.match(s)) or None
    return f


def leader_from_signature(title: str | None) -> str | None:
    """The leader's title when the signer is a leader signing in person or as KT., else None."""
    if not title or title.startswith(("TL", "TUQ")):
        return None
    return next((pretty for caps, pretty in _LEADER_TITLES if caps in title), None)
