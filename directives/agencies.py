"""Agency registry (danh mục cơ quan, đơn vị): names, aliases, groups, validity, addresses.

Loading parses text handed in by the caller (YAML or CSV); reading files is the caller's job.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date, timedelta

import yaml
from pydantic import ValidationError

from directives.models import Agency
from directives.normalize import fold_tones, key, nfc

# Titles written before an agency ("đồng chí Giám đốc Sở Y tế", "Chủ tịch UBND huyện X").
_TITLES = re.compile(
    r"^(?:(?:đồng chí|đ/c)\s+)?(?:(?:phó\s+)?(?:giám đốc|chủ tịch|trưởng ban|chánh văn phòng"
    r"|chánh thanh tra|thủ trưởng|chỉ huy trưởng|tổng biên tập)|lãnh đạo)\s+"
)
_TRAILING_PLACE = re.compile(r"\s+(?:tỉnh|thành phố)(?:\s+\w+){0,3}$")


class AgencyFileError(ValueError):
    """A malformed agency file: says where (line) and what."""

    def __init__(self, line: int | None, message: str) -> None:
        self.line = line
        self.message = message
        self.problems: list[tuple[int | None, str]] = [(line, message)]
        super().__init__(f"line {line}: {message}" if line else message)

    @classmethod
    def many(cls, problems: list[tuple[int | None, str]]) -> AgencyFileError:
        """One error holding a message per bad row (str() gives them one per line)."""
        first_line, first = problems[0]
        error = cls(first_line, first)
        error.problems = problems
        error.args = ("\n".join(f"line {n}: {m}" if n else m for n, m in problems),)
        return error

    def __str__(self) -> str:
        return str(self.args[0])


SUCCESSION_KINDS = ("merger", "split", "rename", "dissolution")
KIND_VI = {
    "merger": "hợp nhất/sáp nhập",
    "split": "chia tách",
    "rename": "đổi tên",
    "dissolution": "giải thể",
}


@dataclass(frozen=True)
class Successor:
    """Đơn vị kế thừa: who takes over, and for a split which kind of work (`work`) if said."""

    code: str
    work: str | None = None


@dataclass(frozen=True)
class Succession:
    """Sắp xếp tổ chức bộ máy: agency `from_code` ends on the day before `on`; from `on` its
    work passes to `to` (merger, split, rename or dissolution), by the act `source`."""

    from_code: str
    on: date
    kind: str
    to: tuple[Successor, ...]
    source: str | None = None
    notes: str | None = None

    @property
    def ends_on(self) -> date:
        """The agency's last day (valid_to)."""
        return self.on - timedelta(days=1)


class AgencyList(list[Agency]):
    """Agencies read from a registry file, with the successions the file declares."""

    def __init__(self, agencies: Iterable[Agency], successions: Iterable[Succession] = ()) -> None:
        super().__init__(agencies)
        self.successions: list[Succession] = list(successions)


@dataclass(frozen=True)
class Resolution:
    """A name resolved on a date: the agency to use, the one written if it had ended, a warning."""

    agency: Agency | None
    written: Agency | None = None
    warning: str | None = None
    alternatives: tuple[Agency, ...] = field(default=())


class AgencyRegistry:
    """Lookup of agencies and groups by normalised name or alias, honouring validity dates."""

    def __init__(
        self, agencies: Iterable[Agency], successions: Iterable[Succession] | None = None
    ) -> None:
        self.agencies: dict[str, Agency] = {}
        self._by_key: dict[str, list[Agency]] = {}
        self._scanner: re.Pattern[str] | None = None
        if successions is None:
            successions = getattr(agencies, "successions", ())
        self.successions: dict[str, Succession] = {s.from_code: s for s in successions}
        for agency in agencies:
            self.agencies[agency.code] = agency
            for name in (agency.name, *agency.aliases):
                self._by_key.setdefault(key(name), []).append(agency)

    def __len__(self) -> int:
        return len(self.agencies)

    def match(self, name: str, on: date | None = None) -> Agency | None:
        """The agency or group a name refers to, valid on `on` if given.

        Tolerates a leading title ("đồng chí Giám đốc Sở Y tế"), "Sở"-less forms ("Nội vụ"),
        a trailing "tỉnh …", "&" for "và", and any case or tone placement.
        """
        for candidate in _candidates(key(name)):
            for agency in self._by_key.get(candidate, []):
                if on is None or _valid(agency, on):
                    return agency
        return None

    @property
    def scanner(self) -> re.Pattern[str]:
        """A regex matching any name or alias in folded text (see `fold`), longest first."""
        if self._scanner is None:
            alternatives = [_name_regex(k) for k in sorted(self._by_key, key=len, reverse=True)]
            self._scanner = re.compile(rf"(?:{'|'.join(alternatives)})(?!\w)")
        return self._scanner

    def find_at(self, folded: str, pos: int) -> int:
        """End offset of the longest registry name starting at `pos` of folded text, or -1."""
        m = self.scanner.match(folded, pos)
        return m.end() if m else -1

    def members(self, code: str, on: date | None = None) -> list[Agency]:
        """The member agencies of a group (the agency itself if it is not a group)."""
        agency = self.agencies[code]
        if not agency.is_group:
            return [agency]
        found = [self.agencies[m] for m in agency.members if m in self.agencies]
        return [a for a in found if on is None or _valid(a, on)]

    def valid(self, code: str, on: date | None) -> bool:
        """Whether the agency `code` exists (is in force) on `on`."""
        return on is None or _valid(self.agencies[code], on)

    def successors_on(self, code: str, on: date) -> list[Successor]:
        """Who holds the work of `code` on `on`: itself if valid then, else its successors,
        following chains (a renamed agency later merged), in the order the act names them."""
        found: list[Successor] = []
        self._follow(Successor(code), on, found, set())
        return found

    def _follow(self, s: Successor, on: date, found: list[Successor], seen: set[str]) -> None:
        if s.code in seen or s.code not in self.agencies:
            return
        seen.add(s.code)
        succession = self.successions.get(s.code)
        if self.valid(s.code, on) or succession is None or succession.on > on:
            if self.valid(s.code, on) and all(f.code != s.code for f in found):
                found.append(s)
            return
        for nxt in succession.to:
            self._follow(Successor(nxt.code, nxt.work or s.work), on, found, seen)

    def chain(self, code: str, to: str, on: date) -> list[tuple[Succession, str]] | None:
        """The steps by which the work of `code` reached `to` by `on` (each a succession in
        force by then and the successor it passed to), [] if `to` is `code`, None if never."""
        return self._chain(code, to, on, set())

    def _chain(
        self, code: str, to: str, on: date, seen: set[str]
    ) -> list[tuple[Succession, str]] | None:
        if code == to:
            return []
        succession = self.successions.get(code)
        if code in seen or succession is None or succession.on > on:
            return None
        seen.add(code)
        for heir in succession.to:
            rest = self._chain(heir.code, to, on, seen)
            if rest is not None:
                return [(succession, heir.code), *rest]
        return None

    def default_successor(self, code: str, on: date, text: str = "") -> Successor | None:
        """The successor that takes a task by default: the one whose `work` words the task's
        text uses, else the first one named."""
        options = self.successors_on(code, on)
        folded = fold(text)
        for option in options:
            if option.work and any(
                w in folded for w in (fold(p).strip() for p in re.split(r"[,;]", option.work)) if w
            ):
                return option
        return options[0] if options else None

    def resolve(self, name: str, on: date | None) -> Resolution:
        """Resolve a name as written in a notice of date `on` (khớp theo ngày văn bản).

        An agency valid on `on` is taken as written (even if it has ended since). A name of an
        agency that had ended by `on` resolves to its successor, with a Vietnamese warning.
        """
        found = self.match(name, on)
        if found is not None or on is None:
            return Resolution(found)
        for old in self._ended_before(name, on):
            heirs = [self.agencies[s.code] for s in self.successors_on(old.code, on)]
            if not heirs:
                continue
            default = self.default_successor(old.code, on, "")
            assert default is not None  # heirs exist on `on`
            first = self.agencies[default.code]
            succession = self.successions[old.code]
            others = [h.name for h in heirs if h.code != first.code]
            steps = self.chain(old.code, first.code, on) or []
            via = "".join(
                f"chuyển cho «{self.agencies[c].name}», cơ quan này kết thúc ngày "
                f"{self.successions[c].ends_on:%d/%m/%Y}; "
                for _, c in steps[:-1]
            )
            warning = (
                f"«{old.name}» đã kết thúc hoạt động ngày {succession.ends_on:%d/%m/%Y}; "
                f"từ {succession.on:%d/%m/%Y} ({KIND_VI.get(succession.kind, succession.kind)}"
                f"{', theo ' + succession.source if succession.source else ''}) "
                + via
                + f"đề xuất giao «{first.name}»"
                + (f" (đơn vị kế thừa khác: {', '.join(others)})" if others else "")
            )
            return Resolution(first, old, warning, tuple(heirs))
        return self._ended_without_successor(name, on)

    def _ended_without_successor(self, name: str, on: date) -> Resolution:
        """A name of an agency or group that had ended by `on` with no successor declared (the
        border districts' group "UBND các huyện biên giới", 30/6/2025): no agency, a warning."""
        for candidate in _candidates(key(name)):
            for old in self._by_key.get(candidate, []):
                if old.valid_to is None or old.valid_to >= on:
                    continue
                end = f"{old.valid_to.day}/{old.valid_to.month}/{old.valid_to.year}"
                what = f"nhóm «{old.name}»" if old.is_group else f"«{old.name}»"
                warning = (
                    f"{what[0].upper()}{what[1:]} đã kết thúc ngày {end}; chọn cơ quan thay "
                    "thế (danh mục không có đơn vị kế thừa)"
                )
                return Resolution(None, old, warning)
        return Resolution(None)

    def _ended_before(self, name: str, on: date) -> list[Agency]:
        seen: list[Agency] = []
        for candidate in _candidates(key(name)):
            for agency in self._by_key.get(candidate, []):
                ended = agency.valid_to is not None and agency.valid_to < on
                if ended and agency.code in self.successions and agency not in seen:
                    seen.append(agency)
        return seen

    def names(self) -> list[str]:
        """Every name and alias, longest first (for scanning text)."""
        all_names = {n for a in self.agencies.values() for n in (a.name, *a.aliases)}
        return sorted(all_names, key=len, reverse=True)


_NEW_STYLE = re.compile(r"[ou][àáảãạèéẻẽẹỳýỷỹỵ](?!\w)")
_TONED = "àáảãạèéẻẽẹỳýỷỹỵ"


def _old_style(m: re.Match[str]) -> str:
    vowel, toned = m[0][0], m[0][1]
    if vowel == "u" and m.start() and m.string[m.start() - 1] == "q":  # "quý" keeps its tone
        return m[0]
    index = _TONED.index(toned)
    return ("òóỏõọ" if vowel == "o" else "ùúủũụ")[index % 5] + "aey"[index // 5]


def fold(text: str) -> str:
    """Lower case, NFC, Đ fixed and tones folded, with the same length as `text` (for offsets).

    Same folding as `normalize.fold_tones` (new-style "hoà", "thuỷ" → old-style "hòa", "thủy"),
    done on NFC text directly because this runs over whole documents.
    """
    if not unicodedata.is_normalized("NFC", text):
        folded = fold_tones(nfc(text))
        return folded if len(folded) == len(text) else text.lower()
    lowered = text.lower().replace("\u00f0", "\u0111")
    return _NEW_STYLE.sub(_old_style, lowered) if len(lowered) == len(text) else text.lower()


def _name_regex(name_key: str) -> str:
    parts = [re.escape(p).replace("\\ ", r"\s+") for p in name_key.split(" - ")]
    return r"\s*[-–]\s*".join(parts)


def _candidates(name_key: str) -> list[str]:
    found = [name_key]
    bare = _TITLES.sub("", name_key)
    for k in (bare, _TRAILING_PLACE.sub("", bare)):
        found += [k, k.replace("&", " và "), f"sở {k}"]
    return list(dict.fromkeys(found))


def _valid(agency: Agency, on: date) -> bool:
    return (agency.valid_from is None or agency.valid_from <= on) and (
        agency.valid_to is None or on <= agency.valid_to
    )


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
        elif not _valid(new, s.on):
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
