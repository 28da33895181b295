"""Parser benchmark: accuracy on the annotated notices; throughput of text, PDF and OCR reading.

Run with `python -m bench.parse`; prints one JSON object with the annotated fixtures and the
blind set (documents annotated before the parser was looked at) scored separately, then
throughput: text notices of ~15 KB a second on one core; PDF pages a second read with their
layout, beside PDFium's bare text read of the same pages (the floor); OCR seconds a page, with
Tesseract's own time (the floor) beside dondoc's overhead (rendering, layout, parsing).
`--dir FOLDER` scores one folder of `NAME.<suffix>` + `NAME.gold.json` only; every document is
read through the extraction `dondoc parse` uses. `--no-ocr` leaves the (slow) OCR part out.
Tasks are matched to gold by ref and text overlap (share of the gold summary's words found in
the task's text); header fields are compared on the normalised key.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path
from typing import Any

from bench.parse_formats import load_average, ocr_speed, pdf_speed
from directives.drafts import DirectiveDraft, TaskDraft
from directives.formats import Extracted
from directives.normalize import key
from directives.parsing import NoticeError, parse_notice
from dondoc.settings import Settings
from intake import document_of, limits_from, read_file

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "notices"
BLIND = FIXTURES.with_name("notices_blind")
HEADER_FIELDS = ("number", "issued", "leader", "signer")
_WORD = re.compile(r"\w+")


def _words(text: str) -> set[str]:
    return set(_WORD.findall(key(text)))


def _overlap(summary: str, text: str) -> float:
    """Share of the gold summary's words found in the task text."""
    a = _words(summary)
    return len(a & _words(text)) / max(1, len(a))


def match_tasks(gold: list[dict[str, Any]], found: list[TaskDraft]) -> list[tuple[dict, TaskDraft]]:
    """Greedy pairs (gold task, found task): same ref, best text overlap (≥ 0.6)."""
    pairs: list[tuple[dict, TaskDraft]] = []
    used: set[int] = set()
    for g in gold:
        scored = [
            (_overlap(g["summary"], t.text), i)
            for i, t in enumerate(found)
            if i not in used and key(t.ref) == key(g["ref"])
        ]
        best = max(scored, default=(0.0, -1))
        if best[0] >= 0.6:
            used.add(best[1])
            pairs.append((g, found[best[1]]))
    return pairs


def _same(a: str | None, b: str | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and key(a) == key(b))


def _header_value(draft: DirectiveDraft, field: str) -> str | None:
    value = getattr(draft, field)
    return value.isoformat() if field == "issued" and value else value


def _number_key(number: str | None) -> str | None:
    return None if number is None else re.sub(r"\s+", "", key(number))


def header_score(golds: list[dict[str, Any]], drafts: list[DirectiveDraft]) -> dict[str, float]:
    """Share of documents whose number, issue date, leader and signer are right."""
    hits = dict.fromkeys(HEADER_FIELDS, 0)
    for gold, draft in zip(golds, drafts, strict=True):
        for field in HEADER_FIELDS:
            want, got = gold.get(field), _header_value(draft, field)
            if field == "number":
                want, got = _number_key(want), _number_key(got)
            hits[field] += _same(want, got)
    return {f"{f}_accuracy": round(n / max(1, len(golds)), 4) for f, n in hits.items()}


def score(golds: list[dict[str, Any]], drafts: list[DirectiveDraft]) -> dict[str, Any]:
    n_gold = n_found = n_pair = lead = coord = deadline = recurring = 0
    for gold, draft in zip(golds, drafts, strict=True):
        pairs = match_tasks(gold["tasks"], draft.tasks)
        n_gold, n_found, n_pair = (
            n_gold + len(gold["tasks"]),
            n_found + len(draft.tasks),
            n_pair + len(pairs),
        )
        for g, t in pairs:
            lead += _same(g["lead"], t.lead)
            coord += {key(c) for c in g["coordinators"]} == {key(c) for c in t.coordinators}
            deadline += (g["deadline"] or None) == (t.deadline.isoformat() if t.deadline else None)
            recurring += bool(g.get("recurring")) == t.recurring
    return {
        "notices": len(golds),
        "gold_tasks": n_gold,
        "found_tasks": n_found,
        "matched": n_pair,
        "precision": round(n_pair / max(1, n_found), 4),
        "recall": round(n_pair / max(1, n_gold), 4),
        "lead_accuracy": round(lead / max(1, n_pair), 4),
        "coordinators_accuracy": round(coord / max(1, n_pair), 4),
        "deadline_accuracy": round(deadline / max(1, n_pair), 4),
        "recurring_accuracy": round(recurring / max(1, n_pair), 4),
        **header_score(golds, drafts),
    }


def load_fixtures(folder: Path = FIXTURES) -> list[tuple[str, Extracted, dict[str, Any]]]:
    """(file name, what the CLI's extraction reads from it, gold) for each annotated document."""
    found = []
    limits = limits_from(Settings())
    for gold_path in sorted(folder.glob("*.gold.json")):
        path = document_of(folder, gold_path.name.removesuffix(".gold.json"))
        if path is None:
            raise SystemExit(f"{gold_path}: no document beside it")
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        found.append((path.name, read_file(path, limits), gold))
    return found


def throughput(texts: list[str], seconds: float = 3.0, size: int = 15_000) -> dict[str, Any]:
    """Notices of about `size` bytes parsed per second on one core (texts padded by repetition)."""
    padded = []
    for text in texts:
        body = text
        while len(body.encode()) < size:
            body += "\n\n" + text[len(text) // 3 :]
        padded.append(body)
    count, total_bytes = 0, 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        for text in padded:
            parse_notice(text)
            count += 1
            total_bytes += len(text.encode())
    elapsed = time.perf_counter() - start
    return {
        "notices": count,
        "seconds": round(elapsed, 3),
        "avg_kb": round(total_bytes / count / 1024, 1),
        "notices_per_second": round(count / elapsed, 1),
        "notices_15kb_per_second": round(total_bytes / elapsed / 15_000, 1),
    }


def _parse_or_nothing(name: str, ex: Extracted, refused: dict[str, str]) -> DirectiveDraft:
    """The draft, or an empty one (no task found) when the parser refuses the document."""
    try:
        return parse_notice(ex.text, source=ex.source)
    except NoticeError as exc:
        refused[name] = str(exc)
    except Exception as exc:  # a parser bug: counted as nothing found, named in the report
        refused[name] = f"crash: {type(exc).__name__}: {exc}"
    return DirectiveDraft(text=ex.text)


def evaluate(folder: Path) -> dict[str, Any]:
    """Accuracy over a folder, overall and per notice."""
    fixtures = load_fixtures(folder)
    refused: dict[str, str] = {}
    drafts = [_parse_or_nothing(name, ex, refused) for name, ex, _ in fixtures]
    return {
        "accuracy": score([g for _, _, g in fixtures], drafts),
        "refused": refused,
        "per_notice": {
            name: score([gold], [draft])
            for (name, _, gold), draft in zip(fixtures, drafts, strict=True)
        },
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.parse", description=__doc__)
    parser.add_argument("--dir", type=Path, help="score only this folder of annotated notices")
    parser.add_argument("--no-ocr", action="store_true", help="leave out the OCR timings")
    args = parser.parse_args(argv)
    if args.dir:
        print(json.dumps(evaluate(args.dir), ensure_ascii=False, indent=2))
        return
    result: dict[str, Any] = {"load_average_before": load_average()}
    result |= {"fixtures": evaluate(FIXTURES), "blind": evaluate(BLIND)}
    texts = [ex.text for _, ex, _ in load_fixtures(FIXTURES) if ex.source.origin == "text"]
    result["throughput"] = throughput(texts)
    result["pdf"] = pdf_speed()
    if not args.no_ocr:
        result["ocr"] = ocr_speed()
    result["load_average_after"] = load_average()
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
