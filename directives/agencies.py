"""Agency registry (danh mục cơ quan, đơn vị): names, aliases, groups, validity, addresses.

Loading parses text handed in by the caller (YAML or CSV); reading files is the caller's job.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from datetime import date

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
        super().__init__(f"line {line}: {message}" if line else message)


class AgencyRegistry:
    """Lookup of agencies and groups by normalised name or alias, honouring validity dates."""

    def __init__(self, agencies: Iterable[Agency]) -> None:
        self.agencies: dict[str, Agency] = {}
        self._by_key: dict[str, list[Agency]] = {}
        self._scanner: re.Pattern[str] | None = None
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

    def names(self) -> list[str]:
        """Every name and alias, longest first (for scanning text)."""
        all_names = {n for a in self.agencies.values() for n in (a.name, *a.aliases)}
        return sorted(all_names, key=len, reverse=True)


_NEW_STYLE = re.compile(r"[ou][àáảãạèéẻẽẹỳýỷỹỵ](?!\w)")
_TONED = "àáảãạèéẻẽẹỳýỷỹỵ"


def _old_style(m: re.Match[str]) -> str:
    vowel, toned = m[0]
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


def load_registry(text: str, fmt: str) -> list[Agency]:
    """Parse an agency file's text ("yaml" or "csv") into agencies; AgencyFileError if bad."""
    agencies = _load_yaml(text) if fmt in ("yaml", "yml") else _load_csv(text)
    _check(agencies)
    return [a for a, _ in agencies]


def _load_yaml(text: str) -> list[tuple[Agency, int]]:
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
    items: list[tuple[Agency, int]] = []
    for section, kind in (("agencies", None), ("groups", "group")):
        node = next((v for k, v in root.value if k.value == section), None)
        if node is None:
            continue
        if not isinstance(node, yaml.SequenceNode):
            raise AgencyFileError(node.start_mark.line + 1, f"'{section}' must be a list")
        for raw, item_node in zip(data[section], node.value, strict=True):
            items.append(
                (_agency(raw, kind, item_node.start_mark.line + 1), item_node.start_mark.line + 1)
            )
    if not items:
        raise AgencyFileError(1, "no agencies found (expected a list under 'agencies')")
    return items


def _agency(raw: object, kind: str | None, line: int) -> Agency:
    if not isinstance(raw, dict):
        raise AgencyFileError(line, "each entry must be a mapping with code and name")
    if kind:
        raw = {**raw, "kind": kind}
    try:
        return Agency.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"])
        raise AgencyFileError(line, f"{field}: {err['msg']}") from None


_CSV_LISTS = ("aliases", "members")


def _load_csv(text: str) -> list[tuple[Agency, int]]:
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or not {"code", "name"} <= set(reader.fieldnames):
        raise AgencyFileError(1, "CSV header must include the columns code and name")
    items = []
    for row in reader:
        line = reader.line_num
        raw = {k: v.strip() for k, v in row.items() if k and v and v.strip()}
        for field in _CSV_LISTS:
            if field in raw:
                raw[field] = [p.strip() for p in raw[field].split(";") if p.strip()]
        items.append((_agency(raw, None, line), line))
    if not items:
        raise AgencyFileError(None, "no agencies found in the CSV file")
    return items


def _check(items: list[tuple[Agency, int]]) -> None:
    seen: dict[str, int] = {}
    for agency, line in items:
        if agency.code in seen:
            raise AgencyFileError(
                line, f"duplicate code {agency.code!r} (first at line {seen[agency.code]})"
            )
        seen[agency.code] = line
    for agency, line in items:
        for member in agency.members:
            if member not in seen:
                raise AgencyFileError(
                    line, f"group {agency.code!r} names unknown member {member!r}"
                )
