"""Agency names in running text (tên cơ quan): registry names first, then genre heuristics.

Names contain commas ("Sở Văn hóa, Thể thao và Du lịch") so lists are never split on commas
alone: a comma continues a name when the next word is capitalised and does not start another
agency. Unknown names are read as a type word (Sở, Ban, UBND, Trung tâm…) followed by name
components, each a capitalised syllable and at most three lower-case ones.
"""

from __future__ import annotations

import re

from directives.agencies import AgencyRegistry, fold
from directives.models import Agency
from directives.parsing.members import members_at
from directives.parsing.mention import NATIONAL_NAMES, Mention
from directives.parsing.text import key

__all__ = ["NATIONAL_NAMES", "Mention", "agency_at", "agency_list", "party_kind"]

_NATIONAL = AgencyRegistry(Agency(code=key(n), name=n) for n in NATIONAL_NAMES)

_ADMIN = r"(?:tỉnh|huyện|thị xã|thành phố|xã|phường|thị trấn|quận|địa phương|đặc khu)"
_QUAL = (
    r"(?:\s+(?:biên giới|ven biển|miền núi|trên địa bàn(?: tỉnh)?|trong tỉnh|(?:có )?liên quan"
    r"|trực thuộc trung ương))?"
)
_COLLECTIVE = re.compile(
    r"(?:(?:ubnd|ủy ban nhân dân|chủ tịch ubnd|chủ tịch ủy ban nhân dân)\s+(?:các|cấp|\d{1,2})\s+"
    rf"{_ADMIN}(?:(?:\s*,\s*|\s+và\s+){_ADMIN})*{_QUAL}"
    rf"|các\s+{_ADMIN}(?:(?:\s*,\s*|\s+và\s+){_ADMIN})*{_QUAL}"
    r"|các\s+sở(?:\s*,\s*|\s+)ban(?:\s*,\s*|\s+)ngành(?:\s*,\s*(?:đoàn thể|hội))?"
    r"(?:\s+(?:tỉnh|thành phố))?(?:\s+(?:có )?liên quan)?"
    r"|các\s+(?:sở|ban)(?:\s*,\s*|\s+)ngành(?:\s*,\s*(?:địa phương|đơn vị))?"
    r"(?:\s+(?:tỉnh|thành phố))?(?:\s+(?:có )?liên quan)?"
    r"|các\s+(?:cơ quan|đơn vị)(?:\s*,\s*(?:đơn vị|địa phương|tổ chức))*(?:\s+(?:có )?liên quan)"
    r"|các\s+(?:ngành|sở)(?:\s+(?:chức năng|tỉnh))?(?:\s+(?:có )?liên quan)?"
    r"|các\s+lực lượng chức năng|các\s+doanh nghiệp(?:\s+(?:nhà nước|viễn thông|bưu chính"
    r"|vận tải|điện lực|cấp nước|xăng dầu|bảo hiểm))?(?:\s+(?:có )?liên quan)?"
    # Central government (Luật Tổ chức Chính phủ): "các Bộ, cơ quan ngang Bộ, cơ quan thuộc CP".
    r"|các\s+bộ(?:\s*,\s*|\s+)(?:cơ quan ngang bộ|ngành)(?:\s*,\s*cơ quan thuộc chính phủ)?"
    r"(?:\s+(?:trung ương|có liên quan|liên quan))?"
    r"|các\s+(?:tổ chức chính trị\s*-\s*xã hội|đoàn thể|hội,\s*đoàn thể)"
    r"(?:\s+(?:tỉnh|thành phố))?"
    r")(?!\w)"
)
_COLLECTIVE_OF = re.compile(
    r"các\s+(?:cơ quan|đơn vị)(?:\s*,\s*đơn vị)?\s+(?:của|thuộc|trực thuộc)\s+"
)
_TITLE = re.compile(
    r"(?:(?:đồng chí|đ/c)\s+)?(?:(?:phó\s+)?(?:giám đốc|chủ tịch|trưởng ban|chánh văn phòng"
    r"|chánh thanh tra|thủ trưởng|chỉ huy trưởng|tổng biên tập)|lãnh đạo)\s+(?=\S)"
)
_TYPE = re.compile(
    r"(?:Sở|sở|Ban|Bộ Chỉ huy|Bộ đội Biên phòng|Bộ|UBND|Ủy ban nhân dân|Uỷ ban nhân dân|Ủy ban"
    r"|Uỷ ban|Công an|Trung tâm|Văn phòng|Thanh tra|Kho bạc|Tổng cục|Chi cục|Cục|Thông tấn xã"
    r"|Đài|Báo|Hiệp hội|Hội|Liên đoàn|Liên minh|Tỉnh đoàn|Đoàn|Trường|Bệnh viện|Viện|Ngân hàng"
    r"|Bảo hiểm xã hội|Quỹ|Tòa án|Toà án|Mặt trận|Tổng công ty|Công ty|Tập đoàn|Cảng vụ"
    r"|Cảng hàng không|Vụ|Hải đoàn|Hải đội"
    r"|Chi nhánh|Điện lực|Phòng|Hạt|Vườn quốc gia|Khu|Học viện|Nhà xuất bản|Tạp chí)(?!\w)"
)
_LOWER_OK = re.compile(r"(?:sở|các|ủy ban|uỷ ban|ubnd|huyện|thành phố)\s")
_TOKEN = re.compile(r"\s*(,|-|–|&|\w+(?:&\w+)*)")
_PLACE = frozenset({"tỉnh", "huyện", "thành phố", "thị xã", "xã", "phường", "quận", "thị trấn"})
# Lower-case syllables that end a name: verbs and function words that follow an agency.
_STOP = frozenset(
    "chủ phối tham nghiên triển thực tổ rà báo tổng hướng kiểm tăng đẩy khẩn chỉ theo đôn xây "
    "hoàn trình đề căn trong để về tại có được và với cho của các những tiếp tập chịu quản nâng "
    "đảm giải xử cung cập lập hỗ khắc bố sắp kiện rút đánh tuyên phát thẩm cấp chuẩn tạo mở ban "
    "sớm kịp chủ động nắm làm là thì sẽ đã đang cần phải nhằm bảo duy vận đôn tích quan thống "
    "nghiêm ra lựa thu gửi dự thông đối trên dưới từ đến như theo sau trước khi nếu hoặc cùng "
    "nhanh chấn trực thường phụ lấy ưu rà soát tiến đăng hướng phân yêu đề xem điều".split()
)


# Syllables of _STOP that also occur inside long lower-case unit names, which by NĐ 30 Phụ lục II
# capitalise only the type and the proper part: "Ban Quản lý dự án đầu tư xây dựng công trình
# giao thông tỉnh", "Ban An toàn giao thông tỉnh". Such names end with their level (tỉnh…).
_INNER = frozenset("dự xây thông quản và các phát vận cung cấp trình".split())
_PLACE_END = frozenset({"tỉnh", "thành phố"})


def _to_place(tokens: list[tuple[str, int]], i: int) -> int | None:
    """Index of a level word ending a lower-case name that runs on from token `i`, if any."""
    for j in range(i, min(len(tokens), i + 14)):
        tok = tokens[j][0]
        pair = f"{tok} {tokens[j + 1][0]}" if j + 1 < len(tokens) else ""
        if tok in _PLACE_END or pair in _PLACE_END:
            return j + (pair in _PLACE_END)  # "thành phố": the level ends on its second word
        if _is_cap(tok) or not tok.isalpha() or (tok in _STOP and tok not in _INNER):
            return None
    return None


def _is_cap(token: str) -> bool:
    return token[:1].isupper()


# Stop syllables that also open a name's words: "Cục Xúc tiến thương mại" but "… tiến hành".
_NAME_SYLLABLES = {
    "tiến": ("hành", "độ"),
    "phát": ("hiện", "động", "huy", "hành"),
    "triển": ("khai",),
    "phối": ("hợp",),  # "Văn phòng Điều phối nông thôn mới tỉnh"
    "quan": ("tâm", "trắc", "hệ"),  # "Chi cục Hải quan khu vực VI"
    "dự": ("thảo", "kiến", "báo", "toán", "họp", "trữ"),  # "Ban Quản lý dự án 2"
}


def _stops(tok: str, nxt: str) -> bool:
    if tok not in _STOP:
        return False
    verbs = _NAME_SYLLABLES.get(tok)
    return verbs is None or nxt in verbs


def _tokens(text: str, start: int, stop: int) -> list[tuple[str, int]]:
    """Name tokens from `start`, up to the first punctuation that no name holds (; : ( . …)."""
    found: list[tuple[str, int]] = []
    at = start
    for t in _TOKEN.finditer(text, start, stop):
        if text[at : t.start()].strip():
            break
        found.append((t.group(1), t.end()))
        at = t.end()
    return found


def _to_proper(text: str, tokens: list[tuple[str, int]], i: int) -> int | None:
    """Index of a proper name (a capital that opens no other agency) a few lower words on.

    "Công ty Cổ phần Quản lý hạ tầng đô thị Huế", "… Quản lý dự án hạ tầng giao thông Cửu Long".
    """
    for j in range(i, min(len(tokens), i + 4)):
        tok = tokens[j][0]
        if _is_cap(tok):
            at = tokens[j][1] - len(tok)
            return j if tok != "UBND" and not _TYPE.match(text, at) else None
        if not tok.isalpha() or (tok in _STOP and tok not in _INNER):
            return None
    return None


def _heuristic_end(text: str, pos: int) -> int:
    m = _TYPE.match(text, pos)
    if not m:
        return -1
    end, lower_run, named, place = m.end(), 0, False, False
    tokens = _tokens(text, end, min(len(text), end + 160))
    i = 0
    while i < len(tokens):
        tok, tok_end = tokens[i]
        nxt = tokens[i + 1][0] if i + 1 < len(tokens) else ""
        joined = f"{tok} {nxt}"
        if tok in (",", "-", "–", "&", "và"):
            nxt_at = tokens[i + 1][1] - len(nxt) if nxt else 0
            if (
                not (_is_cap(nxt) and not _TYPE.match(text, nxt_at) and nxt != "UBND")
                or tok == ","
                and place
            ):
                break
        elif _is_cap(tok) or (i == 0 and tok.isdigit()):  # "Hải đoàn 28"
            named, lower_run, end = True, 0, tok_end
        elif joined in _PLACE or tok in _PLACE:
            place, lower_run = True, 0
            i += 1 if joined in _PLACE else 0
            end = tokens[i][1]
        elif tok == "các" and _is_cap(nxt) and named:
            lower_run = 0
        elif i and tokens[i - 1][0].isdigit() and tok.isalpha():
            break  # a number ends a name: "Hải đội 2", "Ban Quản lý dự án 3"
        elif _stops(tok, nxt) or lower_run >= 4 or not named or place:
            j = _to_place(tokens, i) if not place else None
            if j is None and not place and not _stops(tok, nxt):
                if (k := _to_proper(text, tokens, i)) is not None:
                    i, lower_run = k, 0  # the long lower-case run ends on a proper name
                    continue
            if j is None:
                break
            i, place, lower_run, end = j, True, 0, tokens[j][1]
        else:
            lower_run, end = lower_run + 1, tok_end
        i += 1
    return end if (named or place) else -1


# A collective narrowed by a qualifier keeps it: "UBND các xã, phường ven sông", "các doanh
# nghiệp xuất khẩu cà phê trên địa bàn tỉnh", "UBND các huyện có khu công nghiệp". The qualifier
# runs to the verb (a few words at most) and never into a list or a new clause.
_QUALIFIER_START = re.compile(
    r"\s+(?=(?:có\s+(?!liên quan|trách nhiệm|nhiệm vụ)|ven\s|trong\s+các\s|thuộc\s|trên địa bàn"
    r"|cấp\s+(?:tỉnh|huyện|xã)"
    r"|xuất khẩu|nhập khẩu|lữ hành|vận tải|kinh doanh|sản xuất|hành khách|khu vực)\b)"
)
_QUALIFIER_WORD = re.compile(r"\s+([^\s,;.:()]+)")
_VERBS = frozenset(
    "rà chủ khẩn tăng tổ thực triển xây phối tham báo kiểm chỉ hướng theo bố đẩy tập tiếp "
    "nghiêm bảo chịu quản thống cập xử lập hoàn nâng đôn giám là phải cần được sớm kịp "
    "nghiên đề trình gửi tuyên vận thường".split()
)


def _qualified(folded: str, end: int) -> int:
    if not _QUALIFIER_START.match(folded, end):
        return end
    at = end
    for n, m in enumerate(_QUALIFIER_WORD.finditer(folded, end, min(len(folded), end + 80))):
        if m.start() != at or (n and m.group(1) in _VERBS) or n >= 8:
            break
        at = m.end()
    return at


# A fixed name is often written with its level or province ("Đài Phát thanh và Truyền hình
# tỉnh", "… Kiên Giang") or, by a ministry, for every province ("Sở Y tế các tỉnh, thành phố
# trực thuộc Trung ương"): the name as written runs on over them.
_LEVEL_TAIL = re.compile(
    r"\s+(?:các tỉnh,\s*thành phố(?:\s+trực thuộc trung ương)?|tỉnh|thành phố)(?![\w,])"
)


def _tail(text: str, folded: str, end: int) -> int:
    """A name's end over its level; "tỉnh An Giang" (the province itself) is left out."""
    level = _LEVEL_TAIL.match(folded, end)
    if level is None:
        return _proper_tail(text, end)
    return end if _proper_tail(text, level.end()) > level.end() else level.end()


def _proper_tail(text: str, end: int) -> int:
    """The end of capitalised words right after a name ("… đặc khu Lý Sơn", "… Kiên Giang")."""
    for t in _TOKEN.finditer(text, end, min(len(text), end + 60)):
        tok = t.group(1)
        if text[end : t.start(1)] != " " or not _is_cap(tok) or tok.isupper():
            break  # an abbreviation ("UBND", "TPHCM") starts something else
        if _TYPE.match(text, t.start(1)) or tok in ("Tỉnh", "Thành"):
            break
        end = t.end()
    return end


_LIST_STARTS = ("các", "bộ", "sở", "ubnd", "ủy ban", "uỷ ban")


def agency_at(text: str, folded: str, pos: int, registry: AgencyRegistry | None) -> Mention | None:
    """The agency named at `pos` (after an optional title such as "Giám đốc"), if any."""
    t = _TITLE.match(folded, pos)
    if t:
        pos = t.end()
    listing = folded.startswith(_LIST_STARTS, pos)
    if listing and (listed := members_at(text, folded, pos)):
        return listed
    ends = [r.find_at(folded, pos) for r in (registry, _NATIONAL) if r is not None]
    # Registry aliases like "Xây dựng" are also verbs: a bare alias must be capitalised.
    end = (
        max(ends, default=-1)
        if text[pos : pos + 1].isupper() or _LOWER_OK.match(folded, pos)
        else -1
    )
    if end > 0:
        end = _tail(text, folded, end)
    c = _COLLECTIVE.match(folded, pos)
    if c and c.end() > end:
        end = _proper_tail(text, _qualified(folded, c.end()))
    of = _COLLECTIVE_OF.match(folded, pos)
    if of:
        inner = agency_at(text, folded, of.end(), registry)
        end = inner.end if inner else end
    if end < 0:
        end = _heuristic_end(text, pos)
    if end < 0:
        return _party_at(text, folded, pos)
    return Mention(text[pos:end].rstrip(" ,"), pos, end) if end > pos else None


# Leads that are no registry agency (issue 11): investors, contractors, teams, the units named
# above, a named person. They are kept as written; the task warns (see `party_kind`).
_PARTY = re.compile(
    r"(?:các\s+)?(?:chủ đầu tư|nhà đầu tư|nhà thầu|đơn vị thi công|đơn vị tư vấn(?: giám sát)?)"
    r"(?:\s+(?:các\s+)?(?:dự án|công trình))?"
    r"|(?:các\s+)?(?:cơ quan|đơn vị|địa phương|sở|ngành|bộ|doanh nghiệp)"
    r"(?:\s*,\s*(?:cơ quan|đơn vị|địa phương|sở|ngành|bộ|doanh nghiệp))*"
    r"\s+(?:nêu trên|nói trên|trên|được giao|được phân công|có tên (?:nêu )?trên)"
    r"|(?:đoàn|tổ)\s+(?:công tác|kiểm tra|thanh tra|giám sát|khảo sát|liên ngành|giúp việc)"
    r"(?:\s+(?:liên ngành|đặc biệt|của tỉnh|của ubnd tỉnh|số\s+\d+))*"
    r"|(?:hội đồng|ban tổ chức|tiểu ban)(?:\s+(?:thẩm định|xét duyệt|tuyển dụng|thi đua"
    r"|thi đua - khen thưởng|bồi thường|lễ hội|hội nghị|giải))?(?:\s+(?:tỉnh|cấp tỉnh|của tỉnh))?"
)
_PERSON = re.compile(r"(?:đồng chí|đ/c|ông|bà)\s+")
_PERSON_NAME = re.compile(r"[A-ZĐÀ-Ỹ][a-zà-ỹđ]*(?:\s+[A-ZĐÀ-Ỹ][a-zà-ỹđ]*){1,4}")


def _party_at(text: str, folded: str, pos: int) -> Mention | None:
    m = _PARTY.match(folded, pos)
    if m:
        end = m.end()
        if folded[pos:end].endswith(("dự án", "công trình")):
            end = _proper_end(text, end)  # "chủ đầu tư dự án Khu đô thị mới Bình Khánh"
        return Mention(text[pos:end], pos, end)
    p = _PERSON.match(folded, pos)
    if p and (name := _PERSON_NAME.match(text, p.end())):
        end = name.end()
        title = _APPOSITION.match(folded, end)
        agency = agency_at(text, folded, title.end(), None) if title else None
        return Mention(name.group(), name.start(), agency.end if agency else end)
    return None


_APPOSITION = re.compile(r"\s*,\s*(?=(?:phó\s+)?(?:giám đốc|chủ tịch|trưởng|chánh|thủ trưởng))")


def _proper_end(text: str, end: int) -> int:
    """The end of a project's proper name after "dự án": capitals and a few words between."""
    last, lower = end, 0
    for t in _TOKEN.finditer(text, end, min(len(text), end + 120)):
        tok = t.group(1)
        if _is_cap(tok) or tok.isdigit():
            last, lower = t.end(), 0
        elif tok in _STOP or not tok.isalpha() or lower >= 3:
            break
        else:
            lower += 1
    return last


def party_kind(mention: Mention) -> str | None:
    """Why a lead is no registry agency: "person", "party" (investor, team, units above)."""
    if _PERSON_NAME.fullmatch(mention.text) and not _TYPE.match(mention.text):
        return "person"
    return "party" if _PARTY.fullmatch(fold(mention.text).split(" dự án ")[0]) else None


_SEPARATOR = re.compile(r"\s*(?:,|;|\s+và|,\s*và|\s+cùng)\s*(?:với\s+)?")


def agency_list(text: str, folded: str, pos: int, registry: AgencyRegistry | None) -> list[Mention]:
    """Agencies named one after another from `pos`, separated by commas, "và" or ";"."""
    found: list[Mention] = []
    while True:
        mention = agency_at(text, folded, pos, registry)
        if mention is None:
            break
        found.append(mention)
        if len(mention.members) > 1:  # the first keeps the list: a lead fans out over it
            found += [Mention(n, mention.start, mention.end) for n in mention.members[1:]]
        sep = _SEPARATOR.match(folded, mention.end)
        if not sep or sep.end() == mention.end:
            break
        pos = sep.end()
    return found
