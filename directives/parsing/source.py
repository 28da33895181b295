"""How the text was read, carried onto the draft: OCR's confidence becomes warnings.

A task whose span holds words Tesseract read with low confidence warns with those words, so the
secretariat checks them against the scan; the draft says the text came from OCR.
"""

from __future__ import annotations

from directives.drafts import DirectiveDraft, TextSource

OCR_WARNING = "text read by OCR: check names, numbers and dates against the scan"
LOW_WARNING = "OCR unsure of"
_SHOWN = 6


def with_source(draft: DirectiveDraft, source: TextSource) -> DirectiveDraft:
    """The draft with its origin; for OCR, the low-confidence words flagged on their tasks."""
    draft.origin = source.origin
    draft.warnings = list(source.warnings) + draft.warnings
    if source.origin != "ocr":
        return draft
    spans = sorted(s for s in source.low_confidence if 0 <= s[0] < s[1] <= len(draft.text))
    draft.ocr_confidence = source.confidence
    draft.low_confidence = spans
    draft.warnings.insert(0, OCR_WARNING)
    for task in draft.tasks:
        start, end = task.span
        words = [draft.text[a:b] for a, b in spans if a < end and b > start]
        if words:
            shown = ", ".join(f"«{w}»" for w in words[:_SHOWN])
            more = f" and {len(words) - _SHOWN} more" if len(words) > _SHOWN else ""
            task.warnings.append(f"{LOW_WARNING}: {shown}{more}")
    return draft
