"""Agency registry (danh mục cơ quan, đơn vị): names, aliases, groups, validity, addresses.

Loading parses text handed in by the caller (YAML or CSV, directives.agency_file); reading files
is the caller's job. The types and the file functions are importable from here too.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from directives.agency_file import load_registry, registry_rows, registry_yaml
from directives.agency_types import (
    KIND_VI,
    SUCCESSION_KINDS,
    AgencyFileError,
    AgencyList,
    Succession,
    Successor,
    valid_on,
)
from directives.models import Agency
from directives.normalize import fold_tones, key, nfc
from directives.vn_format import vn_date

__all__ = [
    "KIND_VI", "SUCCESSION_KINDS", "AgencyFileError", "AgencyList", "AgencyRegistry", "Resolution",
    "Succession", "Successor", "fold", "load_registry", "registry_rows", "registry_yaml",
]  # fmt: skip

# Titles written before an agency ("đồng chí Giám đốc Sở Y tế", "Chủ tịch UBND huyện X").
_TITLES = re.compile(
    r"^(?:(?:đồng chí|đ/c)\s+)?(?:(?:phó\s+)?(?:giám đốc|chủ tịch|trưởng ban|chánh văn phòng"
    r"|chánh thanh tra|thủ trưởng|chỉ huy trưởng|tổng biên tập)|lãnh đạo)\s+"
)
_TRAILING_PLACE = re.compile(r"\s+(?:tỉnh|thành phố)(?:\s+\w+){0,3}$")


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
                if on is None or valid_on(agency, on):
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
        return [a for a in found if on is None or valid_on(a, on)]

    def valid(self, code: str, on: date | None) -> bool:
        """Whether the agency `code` exists (is in force) on `on`."""
        return on is None or valid_on(self.agencies[code], on)

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
                f"{vn_date(self.successions[c].ends_on)}; "
                for _, c in steps[:-1]
            )
            warning = (
                f"«{old.name}» đã kết thúc hoạt động ngày {vn_date(succession.ends_on)}; "
                f"từ {vn_date(succession.on)} ({KIND_VI.get(succession.kind, succession.kind)}"
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
