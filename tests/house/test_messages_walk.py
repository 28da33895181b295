"""Every warning and refusal the parser, the format readers, OCR intake and registration can
write has a Vietnamese wording (web.messages_vi): the test reads their source, so a new English
message fails it before any notice shows it. And no wording is dead: each one fits a message
some code writes.

A message is a string or f-string given to NoticeError / RegistrationError, appended to (or put
in) a list named like warnings or problems, or assigned to a name like warning; placeholders
are filled with a sample ("1"), a module constant with its value, and a few word-valued ones
with the words they take (PLACEHOLDER_WORDS)."""

from __future__ import annotations

import ast
import itertools
import re
from pathlib import Path

from directives.parsing.tasks import _LEAD_SOURCES
from web.messages_vi import _AS_IS, _MESSAGES, known

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [
    *sorted((ROOT / "directives" / "parsing").glob("*.py")),
    *sorted((ROOT / "directives" / "formats").glob("*.py")),
    *sorted((ROOT / "intake").glob("*.py")),
    ROOT / "storage" / "registration.py",
]

ERRORS = {"NoticeError", "RegistrationError"}
HOLDERS = re.compile(r"warn|^w$|problems", re.I)  # lists that hold messages
ASSIGNED = re.compile(r"^(warning|warnings|w|note|problems|HEADERLESS)$")  # given a message
PLACEHOLDER_WORDS = {  # placeholders that take words, not names or numbers
    "verb": ("skips", "repeats"),  # numbering {verb}: …
    # lead implicit: taken from {source} (…)
    "source": (*_LEAD_SOURCES.values(), "the addressee"),
}
SAMPLE = "1"


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _constants(tree: ast.Module) -> dict[str, str]:
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            if isinstance(node.value.value, str):
                for target in node.targets:
                    found[_name(target)] = node.value.value
    return found


def _texts(node: ast.AST, constants: dict[str, str]) -> list[str]:
    """The sample messages one expression can be (several for a word-valued placeholder)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Name) and node.id in constants:  # OCR_WARNING
        return [constants[node.id]]
    if isinstance(node, ast.BoolOp):
        return [t for value in node.values for t in _texts(value, constants)]
    if isinstance(node, ast.List | ast.Tuple):
        return [t for value in node.elts for t in _texts(value, constants)]
    if isinstance(node, ast.JoinedStr):
        choices: list[tuple[str, ...]] = []
        for part in node.values:
            if isinstance(part, ast.Constant):
                choices.append((str(part.value),))
                continue
            assert isinstance(part, ast.FormattedValue)
            name = _name(part.value)
            if name in constants:
                choices.append((constants[name],))
            else:
                choices.append(PLACEHOLDER_WORDS.get(name, (SAMPLE,)))
        return ["".join(c) for c in itertools.product(*choices)]
    return []


def messages() -> dict[str, str]:
    """sample message → where it is written (file:line)."""
    found: dict[str, str] = {}
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = _constants(tree)
        for node in ast.walk(tree):
            values: list[ast.AST] = []
            if isinstance(node, ast.Call):
                func = _name(node.func)
                if func in ERRORS:
                    values = node.args[:1]
                elif func in ("append", "extend", "insert") and isinstance(
                    node.func, ast.Attribute
                ):
                    if HOLDERS.search(_name(node.func.value)):
                        values = node.args[-1:]
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if node.value is not None and any(ASSIGNED.match(_name(t)) for t in targets):
                    values = [node.value]
            for value in values:
                for text in _texts(value, constants):
                    found[text] = f"{path.relative_to(ROOT)}:{node.lineno}"
    return found


def test_the_walk_finds_the_messages() -> None:
    found = messages()
    assert len(found) >= 50
    assert "calendar days, not working days" in found
    assert "numbering skips: 1 then 1" in found and "numbering repeats: 1 then 1" in found


def test_every_message_the_code_writes_has_a_vietnamese_wording() -> None:
    english = {text: where for text, where in messages().items() if not known(text)}
    assert english == {}


def test_no_wording_is_dead() -> None:
    """Each English pattern fits something the code writes (the Vietnamese ones, shown as they
    are, come from directives.agencies and the fuzzy matcher)."""
    samples = list(messages())
    dead = [
        pattern
        for pattern, wording in _MESSAGES
        if wording != _AS_IS and not any(re.compile(pattern, re.S).match(s) for s in samples)
    ]
    assert dead == []
