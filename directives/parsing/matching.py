"""Agency names written another way than the registry's: abbreviations, spellings, typos.

Notices write the same agency many ways: "UBND các xã, phường" and "Ủy ban nhân dân các xã,
phường"; "Sở TN&MT" and "Sở Tài nguyên và Môi trường"; "Sở Tài chánh" (a one-letter slip). A
name the registry does not know as written is compared again with the usual abbreviations
spelled out (both sides), then with rapidfuzz allowing one letter (two in long names); a fuzzy
match says so in Vietnamese ("đã hiểu … là …") for the secretariat to check. Names with digits
("UBND phường 1") are never matched fuzzily: one digit is another agency.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from directives.agencies import AgencyRegistry
from directives.models import Agency
from directives.normalize import key
from directives.parsing.names import NATIONAL_NAMES

# Abbreviations of the genre (NĐ 30/2020 Phụ lục III lists the symbols; offices write these).
_ABBREVIATIONS = (
    ("ubnd", "ủy ban nhân dân"),
    ("hđnd", "hội đồng nhân dân"),
    ("ub mttq", "ủy ban mặt trận tổ quốc"),
    ("mttq", "mặt trận tổ quốc"),
    ("tn&mt", "tài nguyên và môi trường"),
    ("tnmt", "tài nguyên và môi trường"),
    ("kh&đt", "kế hoạch và đầu tư"),
    ("khđt", "kế hoạch và đầu tư"),
    ("gd&đt", "giáo dục và đào tạo"),
    ("gdđt", "giáo dục và đào tạo"),
    ("lđ-tb&xh", "lao động - thương binh và xã hội"),
    ("lđtbxh", "lao động - thương binh và xã hội"),
    ("nn&ptnt", "nông nghiệp và phát triển nông thôn"),
    ("nnptnt", "nông nghiệp và phát triển nông thôn"),
    ("nn&mt", "nông nghiệp và môi trường"),
    ("ptnt", "phát triển nông thôn"),
    ("tt&tt", "thông tin và truyền thông"),
    ("tttt", "thông tin và truyền thông"),
    ("kh&cn", "khoa học và công nghệ"),
    ("khcn", "khoa học và công nghệ"),
    ("vh,tt&dl", "văn hóa, thể thao và du lịch"),
    ("vhttdl", "văn hóa, thể thao và du lịch"),
    ("vh&tt", "văn hóa và thể thao"),
    ("gtvt", "giao thông vận tải"),
    ("bchqs", "bộ chỉ huy quân sự"),
    ("bđbp", "bộ đội biên phòng"),
    ("bqlda", "ban quản lý dự án"),
    ("bql", "ban quản lý"),
    ("tp", "thành phố"),
    ("tx", "thị xã"),
)
_ABBREVIATION = re.compile(
    r"(?<![\w&])(?:" + "|".join(re.escape(a) for a, _ in _ABBREVIATIONS) + r")(?![\w&])"
)
_SPELLED = dict(_ABBREVIATIONS)
_SPACES = re.compile(r"\s+")


def canonical(name: str) -> str:
    """The key of a name with abbreviations spelled out and "&" read as "và"."""
    k = _ABBREVIATION.sub(lambda m: _SPELLED[m.group()], key(name))
    return _SPACES.sub(" ", k.replace("&", " và ")).strip()


@lru_cache(maxsize=16)
def _index(registry: AgencyRegistry) -> dict[str, list[Agency]]:
    found: dict[str, list[Agency]] = {}
    for agency in registry.agencies.values():
        for name in (agency.name, *agency.aliases):
            found.setdefault(canonical(name), []).append(agency)
    return found


def _valid(agency: Agency, on: date | None) -> bool:
    return on is None or (
        (agency.valid_from is None or agency.valid_from <= on)
        and (agency.valid_to is None or on <= agency.valid_to)
    )


def resolve(
    name: str, registry: AgencyRegistry, on: date | None = None
) -> tuple[Agency | None, str | None]:
    """The registry agency a written name means, and a warning when it was a guess or when the
    agency named had ended by the notice's date (then its successor, both named)."""
    found = registry.resolve(name, on)
    if found.agency is not None or found.warning:  # in being, a successor, or ended with none
        return found.agency, found.warning
    index = _index(registry)
    wanted = canonical(name)
    agency = next((a for a in index.get(wanted, []) if _valid(a, on)), None)
    if agency is not None or any(c.isdigit() for c in wanted) or len(wanted) < 8:
        return agency, None
    limit = 1 if len(wanted) < 20 else 2
    for choice, distance, _ in process.extract(
        wanted, list(index), scorer=Levenshtein.distance, score_cutoff=limit, limit=3
    ):
        if any(c.isdigit() for c in choice) or choice.split()[0] != wanted.split()[0]:
            continue
        agency = next((a for a in index[choice] if _valid(a, on)), None)
        if agency is not None:
            return agency, f"đã hiểu “{name}” là “{agency.name}” (khác {distance} chữ)"
    return None, None


_SHORT = re.compile(r"^(?:Sở|Bộ)\s+[A-ZĐ][A-ZĐ&,\-]+$")  # "Sở NN&MT", "Sở GTVT"
_FULL = {key(n): n for n in NATIONAL_NAMES}
_BY_CANONICAL = {canonical(n): n for n in NATIONAL_NAMES if not _SHORT.match(n)}


def spelled(name: str, warnings: list[str]) -> str:
    """A name fixed nationally, written in full: "Sở NN&MT" → "Sở Nông nghiệp và Môi trường".

    A name written out already stays as written ("Sở Nông nghiệp và PTNT" is a national form);
    a pure abbreviation is spelled out; a one-letter slip ("Sở Xây dưng") is put right with the
    warning "đã hiểu … là …". Other names (a province's units, companies) stay as written.
    """
    k = key(name)
    if _SHORT.match(name):
        return _BY_CANONICAL.get(canonical(name), name)
    if k in _FULL or len(k) < 6:
        return name
    if _ABBREVIATION.search(k) and (full := _BY_CANONICAL.get(canonical(name))):
        return full  # "Ủy ban MTTQ Việt Nam tỉnh" → "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"
    if any(c.isdigit() for c in k):
        return name
    found = process.extractOne(k, list(_FULL), scorer=Levenshtein.distance, score_cutoff=1)
    if found and found[0].split()[0] == k.split()[0]:
        right = _FULL[found[0]]
        warnings.append(f"đã hiểu “{name}” là “{right}” (khác {found[1]} chữ)")
        return right
    return name
