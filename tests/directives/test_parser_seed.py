"""The seed notice (Lạng Sơn, 27/3/2024) must come out as its gold annotation: 19 of 19."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from directives.agencies import AgencyRegistry, load_registry
from directives.normalize import key
from directives.parsing import parse_notice

NOTICES = Path(__file__).parents[1] / "fixtures" / "notices"
SEED = "tb-ubnd-2024-03-27-so-ngoai-vu"
REGISTRY_FILE = Path(__file__).parents[2] / "directives" / "data" / "lang_son.yaml"


def _gold() -> dict:
    return json.loads((NOTICES / f"{SEED}.gold.json").read_text(encoding="utf-8"))


def _text() -> str:
    return (NOTICES / f"{SEED}.txt").read_text(encoding="utf-8")


def _registry() -> AgencyRegistry:
    return AgencyRegistry(load_registry(REGISTRY_FILE.read_text(encoding="utf-8"), "yaml"))


@pytest.mark.parametrize("registry", [None, "lang_son"], ids=["no-registry", "registry"])
def test_seed_tasks_match_gold_one_by_one(registry: str | None) -> None:
    draft = parse_notice(_text(), _registry() if registry else None)
    gold = _gold()["tasks"]
    assert len(draft.tasks) == len(gold) == 19
    for found, want in zip(draft.tasks, gold, strict=True):
        assert found.ref == want["ref"]
        assert (
            key(found.text).startswith(key(want["summary"])[:40]) or want["summary"] in found.text
        )
        assert key(found.lead) == key(want["lead"]), found.ref
        assert {key(c) for c in found.coordinators} == {key(c) for c in want["coordinators"]}
        assert (found.deadline.isoformat() if found.deadline else None) == want["deadline"]
        assert found.deadline_text == want["deadline_text"]
        assert found.inherited_deadline == want["inherited_deadline"]
        assert found.recurring == want["recurring"]


def test_seed_header() -> None:
    draft = parse_notice(_text())
    gold = _gold()
    assert draft.doc_type == gold["doc_type"] == "TB"
    assert draft.number == gold["number"]
    assert draft.issued.isoformat() == gold["issued"]
    assert draft.issuer == gold["issuer"]
    assert draft.signer == gold["signer"]
    assert draft.meeting_date.isoformat() == gold["meeting_date"]
    assert draft.leader_title == gold["leader_title"]
    # The notice spells the leader "Huyền"; the gold keeps the news spelling "Huyên".
    assert draft.leader == "Dương Xuân Huyền"
    assert "UBND các huyện biên giới" in draft.recipients


def test_seed_spans_point_at_the_task_text() -> None:
    draft = parse_notice(_text())
    for task in draft.tasks:
        start, end = task.span
        assert task.text in draft.text[start:end]


def test_seed_page_broken_paragraphs_are_one_task() -> None:
    draft = parse_notice(_text())
    joined = [t for t in draft.tasks if "giới thiệt về tỉnh" in t.text]
    assert len(joined) == 1 and joined[0].ref == "3.2.c"
    assert any("phê duyệt và Kế hoạch công tác quản lý" in t.text for t in draft.tasks)


def test_seed_group_lead_is_kept_as_the_group_with_registry() -> None:
    draft = parse_notice(_text(), _registry())
    last = draft.tasks[-1]
    assert last.lead == "UBND các huyện biên giới"
    assert last.lead_code == "ubnd-cac-huyen-bien-gioi"
    assert draft.tasks[-2].lead_code == "so-ngoai-vu"  # "sở Ngoại vụ" in lower case


def test_seed_json_has_the_design_keys_in_order() -> None:
    data = parse_notice(_text()).to_json_dict()
    assert list(data)[:9] == [
        "doc_type",
        "number",
        "issued",
        "issuer",
        "leader",
        "signer",
        "subject",
        "tasks",
        "warnings",
    ]
    task_keys = ["ref", "text", "lead", "coordinators", "deadline", "deadline_text", "recurring"]
    assert list(data["tasks"][0])[:8] == [*task_keys, "warnings"]
    assert data["issued"] == "2024-03-27"
