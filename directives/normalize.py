"""Matching keys for Vietnamese names (khóa so khớp tên cơ quan).

Hand-written because no maintained library does exactly this without side effects
(underthesea's normaliser re-spaces "45/TB-UBND"; see domain-vn.md §5.4): NFC, Ð→Đ, one
tone-mark placement on open syllables oa/oe/uy, dashes and spaces folded, casefolded.
The original text is always kept for display and offsets; keys are only for comparison.
"""

from __future__ import annotations

import re
import unicodedata

# New-style tone placement (hoà, thuỷ) -> old style (hòa, thủy) on open syllables only:
# "hoàn" keeps its tone on the a. "quý" is left alone: there the u belongs to "qu".
_TONES = "\u0300\u0301\u0309\u0303\u0323"  # grave, acute, hook, tilde, dot below
_OPEN_SYLLABLE = re.compile(rf"(?P<q>q?)(?P<v1>[ou])(?P<v2>[aey])(?P<tone>[{_TONES}])(?!\w)")
_DASHES = re.compile(r"\s*[\u2010-\u2015\u2212-]\s*")
_SPACES = re.compile(r"\s+")


def _move_tone(match: re.Match[str]) -> str:
    if match["q"] and match["v1"] == "u":
        return match.group(0)
    return f"{match['q']}{match['v1']}{match['tone']}{match['v2']}"


def fold_tones(text: str) -> str:
    """Move tone marks of open syllables oa/oe/uy to the first vowel (old style)."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    # In NFD the base letters come first; â/ê/ơ/ư marks sit between base and tone, so only plain
    # o/u + a/e/y with a trailing tone mark match, which is exactly the ambiguous case.
    folded = _OPEN_SYLLABLE.sub(_move_tone, decomposed)
    return unicodedata.normalize("NFC", folded)


def nfc(text: str) -> str:
    """NFC with the look-alike Ð (U+00D0) and ð mapped to Đ/đ."""
    return (
        unicodedata.normalize("NFC", text).replace("\u00d0", "\u0110").replace("\u00f0", "\u0111")
    )


def key(text: str) -> str:
    """The matching key of a name: NFC, Đ fixed, tones folded, dashes and spaces folded."""
    text = fold_tones(nfc(text).casefold())
    text = _DASHES.sub(" - ", text)
    return _SPACES.sub(" ", text).strip(" .,;:")


def search_key(text: str) -> str:
    """The search key (khóa tìm kiếm) of a text: lowercase, no diacritics, đ→d, so "Biên giới"
    and "bien gioi" meet. storage/search.py holds its SQL twin (the same map for every
    Vietnamese letter) and keeps the key of each task with triggers."""
    decomposed = unicodedata.normalize(
        "NFD", nfc(text).replace("\u0111", "d").replace("\u0110", "D")
    )
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped).lower()
