"""Who leads (chủ trì) and who coordinates (phối hợp) in one task's text.

Phrases, strongest first: a heading "Sở X:" / "Nhiệm vụ của X:"; "giao X (chủ trì)";
"X chủ trì" at a clause start; "đề nghị X" / "yêu cầu X"; X as the subject of the sentence.
"X theo dõi, đôn đốc" makes X a watcher, not the lead (unless X also reports by a term).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from directives.agencies import AgencyRegistry
from directives.parsing.names import Mention, agency_list
from directives.parsing.text import key

_HEADING = re.compile(
    r"(?:(?:nhiệm vụ|trách nhiệm)\s+(?:của|đối với)\s+|đối với\s+|giao\s+|về phía\s+)?"
)
_COLON = re.compile(r"\s*(?:\([^)]{0,80}\))?\s*:")
_GIAO = re.compile(r"\bgiao\s+(?:cho\s+)?(?:nhiệm vụ\s+cho\s+)?")
_REQUEST = re.compile(r"\b(?P<verb>đề nghị|yêu cầu)\s+")
_LEAD_AFTER = re.compile(
    r"\s*,?\s*(?:là\s+(?:cơ quan\s+|đơn vị\s+)?)?"
    r"(?:chủ trì|làm đầu mối|là đầu mối|làm cơ quan đầu mối)"
)
# A watcher's clause: "theo dõi, đôn đốc (việc thực hiện)", "đôn đốc …", "theo dõi việc thực
# hiện". "Theo dõi chặt chẽ diễn biến của bão" is work of its own, and "giám sát" alone is the
# Mặt trận's or a council's function ("Đề nghị Ủy ban MTTQ giám sát việc …"): both are tasks.
_WATCH = re.compile(
    r"\s*,?\s*(?:đôn đốc|theo dõi\s*(?:,|và)\s*(?:đôn đốc|kiểm tra|giám sát)"
    r"|theo dõi\s+(?:chung\s+)?(?:việc\s+)?(?:tổ chức\s+)?(?:thực hiện|triển khai)\b)"
)
# Plans put the roles in a trailing parenthesis: "… (Sở Tư pháp chủ trì, phối hợp với …; Quý IV)".
_CLAUSE = re.compile(r"(?:^|[.;:]\s+|\(\s*)")
_COORD = re.compile(r"\bphối hợp(?:\s+chặt chẽ)?(?:\s+với)?\s+|\bcùng với\s+")
# "…; B, C phối hợp)" — coordinators named before the verb, in a clause after the lead's.
_COORD_AFTER = re.compile(r"\s*(?:cùng\s+)?phối hợp(?:\s+thực hiện)?\s*(?:[);.,]|$)")
_APPROVAL = re.compile(
    r"(?:(?:về|đối với)[^:]{0,200}:\s*)?(?:(?:ubnd|ủy ban nhân dân|(?:phó\s+)?chủ tịch ubnd)"
    r"(?:\s+tỉnh)?\s+)?(?:cơ bản\s+)?(?:thống nhất|đồng ý|chấp thuận|ghi nhận|biểu dương"
    r"|đánh giá cao|hoan nghênh|khen ngợi|không thống nhất|không đồng ý|chưa đồng ý|nhất trí)\b"
)


# The assigning body: "UBND tỉnh (X)", "UBND thành phố" or a centrally-run city by name (Hà Nội,
# Hồ Chí Minh, Hải Phòng, Đà Nẵng, Cần Thơ, Huế). "UBND thành phố Hội An" is a provincial city,
# a subordinate that can lead.
_ISSUER = re.compile(
    r"^(?:chủ tịch\s+)?(?:ubnd|ủy ban nhân dân)\s+(?:tỉnh(?:\s+\w+){0,3}|(?:thành phố|tp\.?)"
    r"(?:\s+(?:hà nội|hồ chí minh|hải phòng|đà nẵng|cần thơ|huế))?|tp\s*hcm|tphcm)$"
)


@dataclass(slots=True)
class Roles:
    """The roles read from one text: lead, coordinators, watchers and how the lead was found."""

    lead: Mention | None = None
    how: str = ""
    coordinators: list[Mention] = field(default_factory=list)
    watchers: list[Mention] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    heading_only: bool = False  # the text is nothing but "Sở X:"
    issuer_subject: bool = False  # the subject is the issuer itself ("UBND tỉnh sẽ xem xét")
    approval: bool = False


def is_issuer(mention: Mention) -> bool:
    """The assigning body itself ("UBND tỉnh", "Chủ tịch UBND tỉnh"), never a lead."""
    return bool(_ISSUER.match(key(mention.text)))


def _take_list(roles: Roles, found: list[Mention], how: str, folded: str) -> bool:
    found = [m for m in found if not m.vague] or found
    found = [m for m in found if not is_issuer(m)]
    if not found:
        return False
    if _WATCH.match(folded, found[-1].end):
        roles.watchers.extend(found)
        return False
    roles.lead, roles.how = found[0], how
    roles.coordinators.extend(found[1:])
    if len(found) > 1 and not _LEAD_AFTER.match(folded, found[-1].end):
        names = ", ".join(m.text for m in found)
        roles.warnings.append(
            f"several agencies without 'chủ trì' ({names}): the first is the lead"
        )
    return True


def _heading(roles: Roles, text: str, folded: str, registry: AgencyRegistry | None) -> bool:
    heading = _HEADING.match(folded)
    assert heading is not None  # called only on a heading
    pos = heading.end()
    found = agency_list(text, folded, pos, registry)
    if not found:
        return False
    colon = _COLON.match(folded, found[-1].end)
    if colon is None and found[-1].end < len(text.rstrip(" .;")):
        return False
    roles.heading_only = not text[colon.end() if colon else found[-1].end :].strip(" .;")
    return _take_list(roles, found, "heading", folded)


def _assigned(roles: Roles, text: str, folded: str, registry: AgencyRegistry | None) -> bool:
    for m in _GIAO.finditer(folded) if "giao" in folded else ():
        if _take_list(roles, agency_list(text, folded, m.end(), registry), "giao", folded):
            return True
    for m in _CLAUSE.finditer(folded) if "chủ trì" in folded or "đầu mối" in folded else ():
        found = agency_list(text, folded, m.end(), registry)
        if found and _LEAD_AFTER.match(folded, found[-1].end):
            return _take_list(roles, found, "chủ trì", folded)
    requested = "đề nghị" in folded or "yêu cầu" in folded
    for m in _REQUEST.finditer(folded) if requested else ():
        if _take_list(roles, agency_list(text, folded, m.end(), registry), m["verb"], folded):
            return True
    directed = _DIRECTED.search(folded)
    if directed and _take_list(
        roles, agency_list(text, folded, directed.end(), registry), "giao", folded
    ):
        return True  # "Chủ tịch UBND tỉnh vừa có văn bản chỉ đạo Sở X …" (a portal's report)
    topic = _TOPIC.match(folded) or _CONNECTOR.match(folded)
    at = topic.end() if topic else 0  # "Về kinh phí: Sở Tài chính tham mưu …"
    found = agency_list(text, folded, at, registry)
    if found and all(is_issuer(m) for m in found) and _OWN.match(folded, found[-1].end):
        roles.issuer_subject = True  # "UBND tỉnh sẽ xem xét …": the issuer's own undertaking
    passive = bool(found) and _PASSIVE.match(folded, found[-1].end)
    return _take_list(roles, found, "giao" if passive else "subject", folded)


# "Sở X được yêu cầu chủ trì …", "Sở X có trách nhiệm …", "chủ đầu tư … phải …": assigned.
_PASSIVE = re.compile(
    r"(?:\s+[\w.]+){0,3}?\s*,?\s*(?:được (?:yêu cầu|giao|đề nghị)"
    r"|có (?:nhiệm vụ|trách nhiệm)|chịu trách nhiệm|phải)\b"
)
# The issuer directing ("UBND tỉnh vừa có văn bản chỉ đạo Sở X"); "UBND các huyện chỉ đạo UBND
# cấp xã …" is a subordinate's own duty, read as its subject.
_DIRECTED = re.compile(
    r"(?:(?:chủ tịch\s+)?(?:ubnd|ủy ban nhân dân)\s+(?:tỉnh|thành phố|tp)|thủ tướng)[^.;]{0,60}?"
    r"\b(?:có văn bản |có ý kiến )?chỉ đạo\s+(?=\S)"
)
_CONNECTOR = re.compile(r"(?:đồng thời|bên cạnh đó|ngoài ra|theo đó|mặt khác)\s*,?\s*")


_TOPIC = re.compile(r"(?:về|đối với)\s[^:;.]{0,150}:\s*")
_OWN = re.compile(r"\s+(?:sẽ|xem xét|đã|thống nhất|đồng ý|chấp thuận|ghi nhận)\b")


# A requirement with no subject ("UBND tỉnh yêu cầu khẩn trương rà soát …", "Đề nghị Quý Sở
# …"): it is the addressee's (Kính gửi) or the meeting's agency, which the caller supplies.
_BARE_REQUEST = re.compile(
    r"^(?:(?:chủ tịch\s+)?(?:ubnd|ủy ban nhân dân)\s+(?:tỉnh|thành phố)(?:\s+[^\s,]+)?\s+)?"
    r"(?P<verb>yêu cầu|đề nghị)\s+(?:quý\s+(?:sở|cơ quan|đơn vị|ban|ủy ban|bộ)\s+)?"
    r"(?!của|tại|theo|về|này|đó|trên)(?=[a-zà-ỹđ])"
)


def read_roles(text: str, folded: str, registry: AgencyRegistry | None) -> Roles:
    """Roles in one task text (`folded` is the same text folded, same length)."""
    roles = Roles()
    if not _heading(roles, text, folded, registry):
        _assigned(roles, text, folded, registry)
    if roles.lead is None and not roles.how and (bare := _BARE_REQUEST.match(folded)):
        roles.how = bare["verb"]
    roles.approval = bool(_APPROVAL.match(folded)) and roles.how not in ("giao", "chủ trì")
    lead_key = key(roles.lead.text) if roles.lead else None
    seen = {lead_key} | {key(m.text) for m in roles.coordinators}
    coordinated = "phối hợp" in folded or "cùng với" in folded
    for m in _COORD.finditer(folded) if coordinated else ():
        for mention in agency_list(text, folded, m.end(), registry):
            k = key(mention.text)
            if k not in seen and not mention.vague:
                seen.add(k)
                roles.coordinators.append(mention)
    if roles.lead and "phối hợp" in folded:
        _coordinators_before(roles, text, folded, registry, seen)
    roles.coordinators = [m for m in roles.coordinators if not m.vague]
    return roles


def _coordinators_before(
    roles: Roles, text: str, folded: str, registry: AgencyRegistry | None, seen: set[str | None]
) -> None:
    assert roles.lead is not None
    for m in _CLAUSE.finditer(folded, roles.lead.end):
        found = agency_list(text, folded, m.end(), registry)
        if found and _COORD_AFTER.match(folded, found[-1].end):
            roles.coordinators.extend(f for f in found if key(f.text) not in seen)
