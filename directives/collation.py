"""Thứ tự chữ cái tiếng Việt: the one sort key for every sorted name (agencies, pickers, reports).

The Unicode Collation Algorithm (pyuca, pure Python, the DUCET table) with the Vietnamese
tailoring on top: ă and â are letters of their own after a (a < ă < â), đ after d, ê after e,
ô and ơ after o, ư after u; tone marks (huyền, sắc, hỏi, ngã, nặng) only break ties, and case
after them. So "Bắc Sơn" < "Bình Gia", and "Đình Lập" comes after every D name, before E.

The tailoring rewrites each modified letter as its base letter followed by a marker that the
table puts after every Latin letter (Greek α, β), which is how a tailored table orders a letter
of its own after its base; tone marks stay where NFD puts them, as secondary weights.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from pyuca import Collator

BREVE, CIRCUMFLEX, HORN = "\u0306", "\u0302", "\u031b"
FIRST, SECOND = "\u03b1", "\u03b2"  # after z in the table: a letter of its own after its base
_MODIFIED = {  # base letter + mark → marker: a < ă < â, e < ê, o < ô < ơ, u < ư
    ("a", BREVE): FIRST,
    ("a", CIRCUMFLEX): SECOND,
    ("e", CIRCUMFLEX): FIRST,
    ("o", CIRCUMFLEX): FIRST,
    ("o", HORN): SECOND,
    ("u", HORN): FIRST,
}
_STROKE_D = {"đ": "d" + FIRST, "Đ": "D" + FIRST, "Ð": "D" + FIRST}  # Ð (eth) is a common typo


@lru_cache(maxsize=1)
def _collator() -> Collator:
    return Collator()


def _tailored(name: str) -> str:
    """NFD text with each Vietnamese letter of its own spelt as base letter + marker."""
    out: list[str] = []
    base = ""  # the last letter, looking past the tone marks that NFD may put before ours
    for ch in unicodedata.normalize("NFD", name):
        if ch in _STROKE_D:
            out.append(_STROKE_D[ch])
            base = ""
        elif (marker := _MODIFIED.get((base, ch))) is not None:
            out.append(marker)
            base = ""
        else:
            out.append(ch)
            if not unicodedata.combining(ch):
                base = ch.lower()
    return "".join(out)


@lru_cache(maxsize=65536)
def name_key(name: str) -> tuple[int, ...]:
    """The sort key of a Vietnamese name: `sorted(names, key=name_key)`."""
    key: tuple[int, ...] = _collator().sort_key(_tailored(name))  # pyuca has no types
    return key


def sort_names(names: list[str]) -> list[str]:
    return sorted(names, key=name_key)
