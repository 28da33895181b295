"""Dấu vân tay văn bản: keys that tell whether a notice was registered already.

Two registrations are the same document when they carry the same number and issue date, or the
same text once normalised (NFC, one tone-mark placement, case, spacing and punctuation folded:
so spacing, line breaks, case and punctuation do not make a copy a new document).
"""

from __future__ import annotations

import hashlib
import re

from directives.normalize import fold_tones, nfc

_NOT_WORD = re.compile(r"[\W_]+")


def text_key(text: str) -> str:
    """SHA-256 (hex) of the normalised text: words only, lower case, single spaces."""
    words = _NOT_WORD.sub(" ", fold_tones(nfc(text)).casefold()).split()
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()


def number_key(number: str | None) -> str:
    """The số, ký hiệu compared without case and spaces: "45 /TB-UBND" = "45/tb-ubnd"."""
    return re.sub(r"\s+", "", nfc(number or "")).casefold().replace("đ", "d")
