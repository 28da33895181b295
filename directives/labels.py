"""Nhãn văn bản (how a directive is named to people): its number, or its date and subject.

A notice without a number ("/TB-UBND", blank) would show as "TB /TB-UBND" and two such
directives could not be told apart; they are named by kind, date and subject instead. One
function, used by the lists, the charts, the DOCX/XLSX reports and the mails.
"""

from __future__ import annotations

import re
from datetime import date

from directives.vn_format import vn_date

_HAS_NUMBER = re.compile(r"\d")
SUBJECT_CHARS = 60
NO_NUMBER = "chưa số"


def has_number(number: str | None) -> bool:
    """True when the số, ký hiệu carries a number (e.g. "45/TB-UBND"), not just its symbol."""
    head = (number or "").strip().partition("/")[0]
    return bool(_HAS_NUMBER.search(head))


def directive_label(
    number: str | None,
    issued_on: date | None = None,
    subject: str | None = None,
    kind: str | None = None,
) -> str:
    """ "45/TB-UBND" for a numbered directive; else "TB chưa số ngày 27/03/2024: <trích yếu>"."""
    if has_number(number):
        return (number or "").strip()
    parts = [kind or "Văn bản", NO_NUMBER]
    if issued_on:
        parts.append(f"ngày {vn_date(issued_on)}")
    text = " ".join((subject or "").split())
    if text:
        if len(text) > SUBJECT_CHARS:
            text = text[:SUBJECT_CHARS].rsplit(" ", 1)[0] + "…"
        return f"{' '.join(parts)}: {text}"
    return " ".join(parts)


def cited(label: str) -> str:
    """How running text cites a directive label: "Văn bản số 45/TB-UBND", "Văn bản TB chưa số…"."""
    return f"Văn bản {label}" if NO_NUMBER in label else f"Văn bản số {label}"
