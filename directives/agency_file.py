"""Agency registry files (tệp danh mục cơ quan): YAML and CSV text to agencies and
successions, every row checked, and back (the registry as rows and as YAML)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from datetime import date, timedelta

import yaml
from pydantic import ValidationError

from directives.agency_types import (
    SUCCESSION_KINDS,
    AgencyFileError,
    AgencyList,
    Succession,
    Successor,
    valid_on,
)
from directives.models import Agency


def load_registry(text: str, fmt: str) -> AgencyList:
    """Parse an agency file's text ("yaml" or "csv") into agencies and successions.

    Every row is checked; AgencyFileError lists one message per bad row (nothing is loaded).
    """
    if fmt in ("yaml", "yml"):
        items, successions = _load_yaml(text)
    else:
        items, successions = _load_csv(text)
    return check_rows(items, successions)


def check_rows(
    items: list[tuple[Agency | str, int]], successions: list[tuple[Succession | str, int]]
) -> AgencyList:
    """Validate parsed rows (a str in place of a row is that row's error); AgencyFileError
    with every problem, or the agencies (valid_to filled from their succession)."""
    problems: list[tuple[int | None, str]] = [(line, a) for a, line in items if isinstance(a, str)]
    problems += [(line, s) for s, line in successions if isinstance(s, str)]
    agencies = [(a, line) for a, line in items if isinstance(a, Agency)]
    links = [(s, line) for s, line in successions if isinstance(s, Succession)]
    problems += _row_problems(agencies) + _succession_problems(agencies, links)
    if problems:
        raise AgencyFileError.many(sorted(problems, key=lambda p: p[0] or 0))
    ends = {s.from_code: s.ends_on for s, _ in links}
    return AgencyList(
        [
            a.model_copy(update={"valid_to": ends[a.code]})
            if a.code in ends and a.valid_to is None
            else a
            for a, _ in agencies
        ],
        [s for s, _ in links],
    )


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_MARKUP = re.compile(r"[<>]|&(?:#\d+|[a-z]+);", re.I)
_CODE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")


def text_problem(label: str, value: str) -> str | None:
    """Why a name cannot be stored (CR/LF, control characters, markup), or None."""
    if "\r" in value or "\n" in value:
        return f"{label} {value!r} contains a line break"
    if _CONTROL.search(value):
        return f"{label} {value!r} contains a control character"
    if _MARKUP.search(value):
        return f"{label} {value!r} contains markup (< > or &...;)"
    if not value.strip():
        return f"{label} is empty"
    return None


def email_problem(label: str, value: str | None) -> str | None:
    """Why an e-mail address is not one plain address (user@domain), or None."""
    if value is None:
        return None
    from email.errors import HeaderParseError
    from email.headerregistry import Address

    if _CONTROL.search(value) or " " in value or value.count("@") != 1:
        return f"{label} {value!r} is not an e-mail address"
    try:
        address = Address(addr_spec=value)
    except (HeaderParseError, ValueError, IndexError):
        return f"{label} {value!r} is not an e-mail address"
    if not address.username or "." not in address.domain or address.addr_spec != value:
        return f"{label} {value!r} is not an e-mail address"
    return None


def agency_problems(agency: Agency) -> list[str]:
    """Problems of one agency row on its own (names, addresses, dates)."""
    found = [] if _CODE.match(agency.code) else [f"code {agency.code!r}: use a-z, 0-9, . _ -"]
    found += [
        p
        for p in (
            text_problem("name", agency.name),
            *(text_problem("alias", a) for a in agency.aliases),
            email_problem("email", agency.email),
            email_problem("head_email", agency.head_email),
        )
        if p
    ]
    if agency.valid_from and agency.valid_to and agency.valid_to < agency.valid_from:
        found.append(f"valid_to {agency.valid_to} is before valid_from {agency.valid_from}")
    return found


def _row_problems(items: list[tuple[Agency, int]]) -> list[tuple[int | None, str]]:
    problems: list[tuple[int | None, str]] = []
    seen: dict[str, int] = {}
    for agency, line in items:
        problems += [(line, f"{agency.code}: {p}") for p in agency_problems(agency)]
        if agency.code in seen:
            problems.append(
                (line, f"duplicate code {agency.code!r} (first at line {seen[agency.code]})")
            )
        seen.setdefault(agency.code, line)
    for agency, line in items:
        for member in agency.members:
            if member not in seen:
                problems.append((line, f"group {agency.code!r} names unknown member {member!r}"))
    return problems


def succession_problems(
    succession: Succession, agencies: dict[str, Agency], earlier: AbstractSet[str] = frozenset()
) -> list[str]:
    """Problems of one succession against the registry: codes exist, kind known, dates in
    order (the agency ends the day before `on`, successors exist on `on`)."""
    s = succession
    found: list[str] = []
    old = agencies.get(s.from_code)
    if old is None:
        return [f"succession from unknown agency {s.from_code!r}"]
    if s.from_code in earlier:
        found.append(f"{s.from_code}: a second succession (an agency ends once)")
    if s.kind not in SUCCESSION_KINDS:
        found.append(f"{s.from_code}: kind {s.kind!r} is not one of {', '.join(SUCCESSION_KINDS)}")
    if not s.to:
        found.append(f"{s.from_code}: no successor given")
    if old.valid_to is not None and old.valid_to != s.ends_on:
        found.append(
            f"{s.from_code}: valid_to {old.valid_to} does not match the succession on {s.on}"
            f" (expected {s.ends_on})"
        )
    if old.valid_from is not None and s.on <= old.valid_from:
        found.append(f"{s.from_code}: succession on {s.on} is not after valid_from")
    for heir in s.to:
        new = agencies.get(heir.code)
        if new is None:
            found.append(f"{s.from_code}: successor {heir.code!r} is not in the registry")
        elif heir.code == s.from_code:
            found.append(f"{s.from_code}: an agency cannot succeed itself")
        elif not valid_on(new, s.on):
            found.append(f"{s.from_code}: successor {heir.code!r} does not exist on {s.on}")
        if heir.work is not None and (p := text_problem("work", heir.work)):
            found.append(f"{s.from_code}: {p}")
    return found


def _succession_problems(
    items: list[tuple[Agency, int]], links: list[tuple[Succession, int]]
) -> list[tuple[int | None, str]]:
    agencies = {a.code: a for a, _ in items}
    problems: list[tuple[int | None, str]] = []
    earlier: set[str] = set()
    for s, line in links:
        problems += [(line, p) for p in succession_problems(s, agencies, earlier)]
        earlier.add(s.from_code)
    return problems


def _load_yaml(
    text: str,
) -> tuple[list[tuple[Agency | str, int]], list[tuple[Succession | str, int]]]:
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or "syntax error"
        raise AgencyFileError(
            mark.line + 1 if mark else None, f"not valid YAML: {problem}"
        ) from None
    if root is None or not isinstance(root, yaml.MappingNode):
        raise AgencyFileError(1, "expected a mapping with 'agencies' (and optionally 'groups')")
    data = yaml.safe_load(text)
    items: list[tuple[Agency | str, int]] = []
    successions: list[tuple[Succession | str, int]] = []
    for section, kind in (("agencies", None), ("groups", "group"), ("successions", "-")):
        node = next((v for k, v in root.value if k.value == section), None)
        if node is None:
            continue
        if not isinstance(node, yaml.SequenceNode):
            raise AgencyFileError(node.start_mark.line + 1, f"'{section}' must be a list")
        for raw, item_node in zip(data[section], node.value, strict=True):
            line = item_node.start_mark.line + 1
            if kind == "-":
                successions.append((_succession(raw), line))
            else:
                items.append((_agency(raw, kind), line))
    if not items:
        raise AgencyFileError(1, "no agencies found (expected a list under 'agencies')")
    return items, successions


def _agency(raw: object, kind: str | None) -> Agency | str:
    if not isinstance(raw, dict):
        return "each entry must be a mapping with code and name"
    if kind:
        raw = {**raw, "kind": kind}
    try:
        return Agency.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        field_name = ".".join(str(p) for p in err["loc"])
        return f"{field_name}: {err['msg']}"


def _succession(raw: object) -> Succession | str:
    """One `successions` entry: {from, "on", kind, to: [code | {code, work}], source, notes}."""
    if not isinstance(raw, dict):
        return "each succession must be a mapping with from, on, kind and to"
    if True in raw and "on" not in raw:  # bare `on:` is a YAML 1.1 boolean
        raw = {("on" if k is True else k): v for k, v in raw.items()}
    on = raw.get("on")
    if isinstance(on, str):
        try:
            on = date.fromisoformat(on)
        except ValueError:
            return f"succession {raw.get('from')!r}: 'on' {on!r} is not a date (YYYY-MM-DD)"
    if not isinstance(on, date) or not raw.get("from"):
        return f"succession {raw.get('from')!r}: needs 'from' and a date 'on' (YYYY-MM-DD)"
    to = raw.get("to") or []
    heirs = [_successor(t) for t in (to if isinstance(to, list) else [to])]
    if any(h is None for h in heirs):
        return f"succession {raw['from']!r}: each successor is a code or {{code, work}}"
    return Succession(
        from_code=str(raw["from"]),
        on=on,
        kind=str(raw.get("kind", "")),
        to=tuple(h for h in heirs if h is not None),
        source=str(raw["source"]) if raw.get("source") else None,
        notes=str(raw["notes"]) if raw.get("notes") else None,
    )


def _successor(raw: object) -> Successor | None:
    if isinstance(raw, str) and raw.strip():
        return Successor(raw.strip())
    if isinstance(raw, dict) and isinstance(raw.get("code"), str):
        work = raw.get("work")
        return Successor(raw["code"], str(work) if work else None)
    return None


_CSV_LISTS = ("aliases", "members")
# CSV/XLSX columns beyond the agency fields: how it ended and who took over
# ("so-xay-dung; so-vh-tt-dl: báo chí, xuất bản" = code, or code: work).
SUCCESSION_COLUMNS = (
    "ended_by",
    "successors",
    "succession_on",
    "succession_source",
    "succession_notes",
)
COLUMNS = (
    "code", "name", "kind", "aliases", "members", "email", "head_email",
    "valid_from", "valid_to", *SUCCESSION_COLUMNS,
)  # fmt: skip


def rows_to_items(
    rows: Iterable[tuple[dict[str, str], int]],
) -> tuple[list[tuple[Agency | str, int]], list[tuple[Succession | str, int]]]:
    """Table rows (CSV or a worksheet: column → text) into agency rows and successions."""
    items: list[tuple[Agency | str, int]] = []
    successions: list[tuple[Succession | str, int]] = []
    for row, line in rows:
        raw: dict[str, object] = {
            k: v.strip() for k, v in row.items() if k and isinstance(v, str) and v.strip()
        }
        extra = {k: raw.pop(k) for k in SUCCESSION_COLUMNS if k in raw}
        for name in _CSV_LISTS:
            if name in raw:
                raw[name] = [p.strip() for p in str(raw[name]).split(";") if p.strip()]
        agency = _agency(raw, None)
        items.append((agency, line))
        if extra.get("successors") or extra.get("ended_by"):
            successions.append((_row_succession(raw, extra), line))
    return items, successions


def _row_succession(raw: dict[str, object], extra: dict[str, object]) -> Succession | str:
    on: object = extra.get("succession_on")
    if not on and raw.get("valid_to"):
        try:
            on = (date.fromisoformat(str(raw["valid_to"])) + timedelta(days=1)).isoformat()
        except ValueError:
            on = None
    heirs = []
    for part in str(extra.get("successors", "")).split(";"):
        code, _, work = part.partition(":")
        if code.strip():
            heirs.append({"code": code.strip(), "work": work.strip() or None})
    return _succession(
        {
            "from": raw.get("code"),
            "on": on,
            "kind": extra.get("ended_by", ""),
            "to": heirs,
            "source": extra.get("succession_source"),
            "notes": extra.get("succession_notes"),
        }
    )


def _load_csv(
    text: str,
) -> tuple[list[tuple[Agency | str, int]], list[tuple[Succession | str, int]]]:
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or not {"code", "name"} <= set(reader.fieldnames):
        raise AgencyFileError(1, "CSV header must include the columns code and name")
    items, successions = rows_to_items((row, reader.line_num) for row in reader)
    if not items:
        raise AgencyFileError(None, "no agencies found in the CSV file")
    return items, successions


def registry_rows(
    agencies: Iterable[Agency], successions: Iterable[Succession]
) -> list[dict[str, str]]:
    """The registry as table rows (COLUMNS), for CSV and XLSX export."""
    by_code = {s.from_code: s for s in successions}
    rows = []
    for a in agencies:
        s = by_code.get(a.code)
        rows.append(
            {
                "code": a.code,
                "name": a.name,
                "kind": a.kind,
                "aliases": "; ".join(a.aliases),
                "members": "; ".join(a.members),
                "email": a.email or "",
                "head_email": a.head_email or "",
                "valid_from": a.valid_from.isoformat() if a.valid_from else "",
                "valid_to": a.valid_to.isoformat() if a.valid_to else "",
                "ended_by": s.kind if s else "",
                "successors": "; ".join(f"{h.code}: {h.work}" if h.work else h.code for h in s.to)
                if s
                else "",
                "succession_on": s.on.isoformat() if s else "",
                "succession_source": (s.source or "") if s else "",
                "succession_notes": (s.notes or "") if s else "",
            }
        )
    return rows


def registry_yaml(agencies: Iterable[Agency], successions: Iterable[Succession]) -> str:
    """The registry as a YAML file that `load_registry` reads back."""
    plain, groups = [], []
    for a in agencies:
        entry = a.model_dump(mode="json", exclude_defaults=True)
        if a.is_group:
            entry.pop("kind", None)
            groups.append(entry)
        else:
            entry.setdefault("kind", a.kind)
            plain.append(entry)
    links = [
        {
            "from": s.from_code,
            "on": s.on.isoformat(),
            "kind": s.kind,
            "to": [{"code": h.code, "work": h.work} if h.work else h.code for h in s.to],
            **({"source": s.source} if s.source else {}),
            **({"notes": s.notes} if s.notes else {}),
        }
        for s in successions
    ]
    data = {"agencies": plain, "groups": groups, "successions": links}
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
