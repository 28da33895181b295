"""What a section is for, read from its heading, and the lines that are not tasks.

Assessment sections ("Đánh giá chung", "Kết quả đạt được", "Hạn chế, khó khăn") assign
nothing; "Đề xuất, kiến nghị" sections hold decisions, so only explicit assignments count;
closing formulas ("… thông báo để các cơ quan biết, thực hiện./.") are never tasks.
"""

from __future__ import annotations

import re
from enum import StrEnum


class Mode(StrEnum):
    """How the paragraphs of a section are read."""

    PREAMBLE = "preamble"  # before the conclusions start: only explicit assignments
    TASKS = "tasks"
    PROPOSALS = "proposals"  # answers to proposals: only explicit assignments
    SKIP = "skip"  # assessment: nothing is a task


_SKIP_START = re.compile(
    r"^(?:về\s+)?(?:những\s+|một số\s+)?(?:kết quả|đánh giá|tình hình|hạn chế|khó khăn|tồn tại"
    r"|nguyên nhân|bối cảnh|thực trạng|ưu điểm|thành tích|đặc điểm|kinh nghiệm|bài học)"
)
_SKIP_ANY = re.compile(r"\b(?:mục đích|yêu cầu|quan điểm|căn cứ|phạm vi|đối tượng|mục tiêu)\b")
_TASK_WORDS = re.compile(
    r"nhiệm vụ|giải pháp|thời gian tới|tổ chức thực hiện|phân công|triển khai|trọng tâm"
    r"|chỉ đạo|\bgiao\b|đề nghị|trách nhiệm|nội dung|hoạt động"
)
_PROPOSAL = re.compile(r"\b(?:kiến nghị|đề xuất)\b")
_CLOSING = re.compile(
    r"thông báo (?:để|cho|đến)|để (?:các )?(?:cơ quan|đơn vị|sở)[^.]{0,100}\bbiết\b"
    r"|\bbiết,? (?:và )?(?:để )?(?:tổ chức |triển khai )?thực hiện\s*\./\."
    r"|(?:trong )?quá trình (?:tổ chức )?(?:triển khai )?thực hiện[^.]{0,40}(?:khó khăn|vướng mắc)"
    r"|(?:chỉ thị|kế hoạch|thông báo|quyết định|công văn) này có hiệu lực"
    r"|(?:nghiêm túc|khẩn trương) (?:triển khai |tổ chức )?thực hiện (?:nội dung )?"
    r"(?:chỉ thị|kế hoạch|thông báo|công văn|quyết định) này"
    r"|^.{0,200}(?:khẩn trương|nghiêm túc) (?:triển khai |tổ chức )*thực hiện\s*(?:\./\.|\.)?$"
    # Generic last lines with no object: "Yêu cầu các cơ quan, đơn vị triển khai thực hiện./.",
    # "… trân trọng đề nghị … quan tâm, chỉ đạo thực hiện./."
    r"|^.{0,80}\b(?:triển khai|tổ chức) thực hiện\s*\./\.$"
    r"|\btrân trọng (?:đề nghị|cảm ơn)|quan tâm,? (?:chỉ đạo|phối hợp),? (?:triển khai )?thực hiện"
    r"\s*\./\.$"
    # "Trên đây là kết luận của …", "Căn cứ nội dung chỉ đạo trên, yêu cầu các … triển khai thực
    # hiện.": the sum-up names no work of its own.
    r"|^trên đây là (?:kết luận|ý kiến|nội dung|thông báo|chỉ đạo|kế hoạch|chỉ thị)"
    r"|^căn cứ (?:các )?(?:nội dung|ý kiến)(?: chỉ đạo| kết luận)?(?: nêu)? trên\b[^.]{0,160}"
    r"(?:triển khai|tổ chức) thực hiện(?: (?:các nhiệm vụ|nội dung|các nội dung)[^.;]{0,40})?"
    r"\s*[./]*$"
    # Rows of Nơi nhận and the signature block met in the body (web copies lose the layout).
    r"|^(?:nơi nhận|như trên\s*[;.]|lưu\s*:|\(đã ký\)|(?:tm|kt|tl|tuq)\s*\.\s*(?:ủy|uỷ|ubnd|chủ))"
    # A portal's source line: "Nguồn: Văn phòng UBND tỉnh", "(Theo Công văn số 12/UBND-KT, …)".
    r"|^[*_\s]*nguồn\s*:|^\(\s*(?:theo|trích)\s+[^()]{0,30}\bsố\s+\d[^()]{0,60}\)?\s*$"
)


# Plan sections that describe the work rather than assign it (thời gian, địa điểm, kinh phí,
# cách thức kiểm tra): only an agency named in an item makes it a task.
_PLAN_CONTENT = re.compile(
    r"^(?:thời gian(?!\s+tới)|địa điểm|(?:nguồn\s+)?kinh phí|cách thức|phương pháp|hình thức"
    r"|thành phần|nội dung kiểm tra|phương thức)\b"
)


# Who attended a meeting ("Tham dự cuộc họp có các Phó Thủ tướng: A, B, …", "Cùng dự có …"):
# the list after the colon names people and bodies present, it assigns nothing.
_ATTENDANCE = re.compile(
    r"^(?:(?:tham dự|cùng dự|dự họp|dự hội nghị|có mặt|thành phần)\b|[^.;:]{0,120}"
    r"\b(?:có sự tham dự|với sự tham dự|tham dự (?:cuộc họp|buổi làm việc|hội nghị)|cùng dự)\b)"
)


def is_attendance(folded: str) -> bool:
    """An opening that lists who attended, not who is assigned ("Tham dự có …:")."""
    return bool(_ATTENDANCE.match(folded.strip()))


def is_plan_content(folded: str) -> bool:
    """A plan's description of time, place, money or method ("Thời gian: từ …")."""
    return bool(_PLAN_CONTENT.match(folded.strip()))


def section_mode(heading_folded: str, inherited: Mode) -> Mode:
    """The mode of a section from its (folded) heading, else the parent's."""
    text = heading_folded.strip()
    if _SKIP_START.match(text):
        return Mode.SKIP
    if _PLAN_CONTENT.match(text) and len(text) < 80 and ":" not in text[:-1]:
        return Mode.PROPOSALS
    if _PROPOSAL.search(text, 0, 40) and not re.search(r"nhiệm vụ (?:của|thời gian)", text):
        return Mode.PROPOSALS
    if _TASK_WORDS.search(text):
        return Mode.TASKS
    if _SKIP_ANY.search(text):
        return Mode.SKIP
    return Mode.TASKS if inherited == Mode.PREAMBLE else inherited


_CLOSING_WORDS = (
    "thông báo", "biết", "quá trình", "này", "thực hiện", "trên đây", "trân trọng", "nơi nhận",
    "như trên", "lưu", "đã ký", "căn cứ", "tm.", "kt.", "tl.", "tuq.", "nguồn", "(theo", "(trích",
)  # fmt: skip


def is_closing(folded: str) -> bool:
    """A closing formula of the document, not a task."""
    if len(folded) > 400 or not any(word in folded for word in _CLOSING_WORDS):
        return False
    return bool(_CLOSING.search(folded))


_FIELD_LEAD = re.compile(
    r"^(?:(?:cơ quan|đơn vị)\s+)?(?:chủ trì|thực hiện)(?:\s+thực hiện)?\s*:\s*"
)
_FIELD_COORD = re.compile(r"^(?:(?:cơ quan|đơn vị)\s+)?phối hợp(?:\s+thực hiện)?\s*:\s*")
_FIELD_TIME = re.compile(
    r"^(?:thời gian|thời hạn|tiến độ)(?:\s+(?:thực hiện|hoàn thành|báo cáo|triển khai))?\s*:\s*"
)
_FIELD_CONTENT = re.compile(r"^nội dung(?:\s+(?:nhiệm vụ|công việc|thực hiện))?\s*:\s*")
_FIELD_OTHER = re.compile(r"^(?:sản phẩm|kết quả|kinh phí|nguồn kinh phí|hình thức)[^:]{0,20}:")


def field_kind(folded: str) -> tuple[str, int] | None:
    """("lead" | "coordinators" | "deadline" | "content" | "other", value offset) for a field."""
    for kind, pattern in (
        ("lead", _FIELD_LEAD),
        ("content", _FIELD_CONTENT),
        ("coordinators", _FIELD_COORD),
        ("deadline", _FIELD_TIME),
        ("other", _FIELD_OTHER),
    ):
        m = pattern.match(folded)
        if m:
            return kind, m.end()
    return None
