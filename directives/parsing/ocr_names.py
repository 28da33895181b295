"""Agency names damaged by OCR ("Sở Văn hóa, Thế thao và Du lịch") put back from the registry.

Only for OCR'd text. A run of words starting like a known name (same first word, tone marks
aside) that rapidfuzz finds within a few letters of it is replaced by the name, with a warning;
the replaced span joins the low-confidence spans so its task says so too.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from functools import lru_cache

from rapidfuzz import fuzz

from directives.agencies import AgencyRegistry
from directives.drafts import TextSource
from directives.normalize import nfc
from directives.parsing.names import NATIONAL_NAMES

REPAIR_WARNING = "OCR name repaired"
_TOKEN = re.compile(r"[^\s,;:()]+")
_SCORE = 90.0
_SHORTEST = 10


def _marks(text: str) -> str:
    return "".join(c for c in text if not c.isalnum() and not c.isspace())


def _bare(word: str) -> str:
    """Lower case without tone or other marks (đ → d)."""
    decomposed = unicodedata.normalize("NFD", word.lower().replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=8)
def _index(names: tuple[str, ...]) -> dict[str, list[tuple[str, int]]]:
    """Candidate names by their first word (bare), each with its word count."""
    found: dict[str, list[tuple[str, int]]] = {}
    for name in names:
        words = _TOKEN.findall(name)
        if len(name) >= _SHORTEST and len(words) >= 2:
            found.setdefault(_bare(words[0]), []).append((name, len(words)))
    return found


def _names(registry: AgencyRegistry | None) -> tuple[str, ...]:
    known = list(NATIONAL_NAMES)
    if registry is not None:
        for agency in registry.agencies.values():
            known += [agency.name, *agency.aliases]
    return tuple(sorted({nfc(n) for n in known}))


def repair_names(
    text: str, source: TextSource, registry: AgencyRegistry | None
) -> tuple[str, TextSource, list[str]]:
    """The text with damaged agency names fixed, the spans shifted, and one warning a fix."""
    index = _index(_names(registry))
    tokens = list(_TOKEN.finditer(text))
    fixes: list[tuple[int, int, str]] = []
    i = 0
    while i < len(tokens):
        fix = _best(text, tokens, i, index.get(_bare(tokens[i].group()), []))
        if fix:
            fixes.append(fix[:3])
            i += fix[3]
        else:
            i += 1
    if not fixes:
        return text, source, []
    return _apply(text, source, fixes)


def _best(
    text: str, tokens: list[re.Match[str]], i: int, candidates: list[tuple[str, int]]
) -> tuple[int, int, str, int] | None:
    best: tuple[float, int, int, str, int] | None = None
    for name, count in candidates:
        if i + count > len(tokens):
            continue
        start, end = tokens[i].start(), tokens[i + count - 1].end()
        window = text[start:end].rstrip(".")
        end = start + len(window)
        if window.lower() == name.lower():
            return None  # already right (or only its case differs, as the writer wrote it)
        if "\n" in window or _marks(window) != _marks(name):
            continue  # across lines, or other punctuation ("các sở: Tài chính")
        score = fuzz.ratio(window.lower(), name.lower())
        if score >= _SCORE and (best is None or score > best[0]):
            best = (score, start, end, name, count)
    return best[1:] if best else None


def _apply(
    text: str, source: TextSource, fixes: list[tuple[int, int, str]]
) -> tuple[str, TextSource, list[str]]:
    out, warnings, shifts = [], [], []
    done = delta = 0
    for start, end, name in fixes:
        out += [text[done:start], name]
        warnings.append(f"{REPAIR_WARNING}: «{text[start:end]}» → {name}")
        shifts.append((start + delta, start + delta + len(name), end, len(name) - (end - start)))
        delta += len(name) - (end - start)
        done = end
    out.append(text[done:])
    spans = [_shift(span, shifts) for span in source.low_confidence]
    spans += [(a, b) for a, b, _, _ in shifts]
    return "".join(out), replace(source, low_confidence=tuple(sorted(spans))), warnings


def _shift(span: tuple[int, int], shifts: list[tuple[int, int, int, int]]) -> tuple[int, int]:
    """A span of the old text in the new one: moved by every fix that ends before it."""
    moved = sum(d for _, _, old_end, d in shifts if old_end <= span[0])
    return span[0] + moved, span[1] + moved
