"""Tiếng Việt for the pages: the parser, the format readers and registration write their
warnings and refusals in English (the CLI's and the API's words); the office reads them here.

Each entry is a pattern for one message (names, numbers and quoted text are kept as they are)
and its Vietnamese wording. `vietnamese(text)` translates; `known(text)` says whether a pattern
matched, for the test that every message the parser writes has a Vietnamese wording.
"""

from __future__ import annotations

import re

_FILE = r"(?P<f>[^:\n]+?): "  # "scan.pdf: …": the file name stays in front
_MESSAGES: tuple[tuple[str, str], ...] = (
    # the parser's warnings (directives.parsing)
    (r"lead implicit: taken from the section \((?P<a>.*)\)$",
     r"Chủ trì không ghi rõ: lấy theo tiêu đề mục (\g<a>)"),
    (r"lead implicit: taken from the meeting \((?P<a>.*)\)$",
     r"Chủ trì không ghi rõ: lấy theo đơn vị làm việc (\g<a>)"),
    (r"lead implicit: taken from the addressee \((?P<a>.*)\)$",
     r"Chủ trì không ghi rõ: lấy theo nơi nhận (\g<a>)"),
    (r"lead implicit: taken from (?P<a>.*)$", r"Chủ trì không ghi rõ: lấy theo \g<a>"),
    (r"unknown agency: (?P<a>.*)$", r"Không có trong danh mục cơ quan: \g<a>"),
    (r"event clause kept as a note: (?P<a>.*)$", r"Thời hạn theo sự kiện, chỉ ghi chú: \g<a>"),
    (r"several deadlines in the text: the latest was taken$",
     "Có nhiều thời hạn trong câu: lấy hạn muộn nhất"),
    (r"no lead agency found$", "Không tìm thấy cơ quan chủ trì"),
    (r"year not written: taken from the document$", "Không ghi năm: lấy năm ban hành văn bản"),
    (r"year not written and the issue date is unknown$",
     "Không ghi năm và chưa rõ ngày ban hành"),
    (r"issue date not filled in \(blank draft\)$",
     "Chưa điền ngày ban hành (bản dự thảo để trống)"),
    (r"issue date unknown: next occurrence not computed$",
     "Chưa rõ ngày ban hành: chưa tính được kỳ hạn tiếp theo"),
    (r"numbering skips: (?P<a>.*) then (?P<b>.*)$", r"Đánh số bị nhảy: sau \g<a> là \g<b>"),
    (r"numbering repeats: (?P<a>.*) then (?P<b>.*)$", r"Đánh số bị lặp: sau \g<a> là \g<b>"),
    (r"text read by OCR: check names, numbers and dates against the scan$",
     "Văn bản được nhận dạng từ ảnh quét (OCR): đối chiếu tên cơ quan, số và ngày với bản quét"),
    (r"OCR unsure of: (?P<a>.*)$", r"OCR đọc chưa chắc: \g<a>"),
    (r"OCR name repaired: (?P<a>.*)$", r"Đã sửa tên cơ quan OCR đọc sai: \g<a>"),
    (r"no text layer on pages (?P<a>.*): read by OCR$",
     r"Không có lớp chữ ở các trang \g<a>: đã nhận dạng bằng OCR"),
    (r"several leads in the lead column: (?P<a>.*) taken first$",
     r"Cột chủ trì có nhiều cơ quan: lấy cơ quan đầu tiên (\g<a>)"),
    (r"several agencies without 'chủ trì' \((?P<a>.*)\): the first is the lead$",
     r"Nhiều cơ quan mà không ghi “chủ trì” (\g<a>): lấy cơ quan đầu tiên làm chủ trì"),
    (r"start of the (?P<n>\d+)-day period assumed to be the issue date(?P<s>.*)$",
     r"Coi ngày ban hành văn bản là ngày bắt đầu tính thời hạn \g<n> ngày\g<s>"),
    (r"calendar days, not working days$", "Tính theo ngày lịch, không phải ngày làm việc"),
    (r"deadline counted from an event \((?P<a>.*)\): the secretariat sets the date$",
     r"Thời hạn tính từ một sự kiện (\g<a>): Văn phòng đặt ngày cụ thể"),
    (r"deadline tied to an event \((?P<a>.*)\): the secretariat sets the date$",
     r"Thời hạn gắn với một sự kiện (\g<a>): Văn phòng đặt ngày cụ thể"),
    (r"(?P<r>[^:]*): watcher only \((?P<a>.*)\), no task$",
     r"\g<r>: chỉ theo dõi (\g<a>), không phải nhiệm vụ"),
    (r"(?P<r>[^:]*): assessment with no agency to act, no task$",
     r"\g<r>: nội dung đánh giá, không có cơ quan thực hiện, không phải nhiệm vụ"),
    (r"(?P<r>[^:]*): the issuer's own undertaking, no task$",
     r"\g<r>: việc của chính cơ quan ban hành, không phải nhiệm vụ giao"),
    (r"(?P<r>[^:]*): plan content or assessment, no task$",
     r"\g<r>: nội dung kế hoạch hoặc đánh giá, không phải nhiệm vụ"),
    (r"lead is not an agency \((?P<k>[^)]*)\), kept as written: (?P<a>.*)$",
     r"Chủ trì không phải cơ quan trong danh mục, giữ nguyên như văn bản ghi: \g<a>"),
    (r"no document number, type or date found \(a web copy\?\): tasks read from the body only, "
     r"check the header fields$",
     "Không thấy số, loại hay ngày văn bản (bản sao từ trang tin?): nhiệm vụ chỉ đọc từ nội dung,"
     " kiểm tra lại các ô thông tin văn bản"),
    (r"one task for each of (?P<n>\d+) agencies listed together$",
     r"Tách thành một nhiệm vụ cho mỗi cơ quan trong \g<n> cơ quan được liệt kê cùng nhau"),
    (r"(?P<all>đã hiểu .*)$", r"\g<all>"),  # written in Vietnamese by the parser already
    # refusals of the parser (NoticeError)
    (r"expected text$", "Cần nội dung văn bản."),
    (r"empty text: nothing to parse$", "Văn bản trống: không có gì để phân tích."),
    (r"binary junk, not text: is this the right file\?$",
     "Không phải văn bản (dữ liệu nhị phân): kiểm tra lại tệp đã chọn."),
    (r"no task section: this is a (?P<k>.*), not a directive$",
     r"Không có phần giao nhiệm vụ: đây là \g<k>, không phải văn bản chỉ đạo."),
    (r"no task section: no document number, type or conclusions found$",
     "Không có phần giao nhiệm vụ: không thấy số, loại văn bản hay phần kết luận."),
    (r"no task section: no assignments found in the text$",
     "Không có phần giao nhiệm vụ: không thấy nội dung giao việc trong văn bản."),
    # refusals of the format readers (directives.formats, intake)
    (_FILE + r"empty file$", r"\g<f>: tệp trống."),
    (_FILE + r"too large \((?P<n>\d+) bytes; limit (?P<m>\d+)\)$",
     r"\g<f>: tệp quá lớn (\g<n> byte; giới hạn \g<m>)."),
    (_FILE + r"unsupported format \(use (?P<a>.*)\)$",
     r"\g<f>: định dạng không hỗ trợ (dùng \g<a>)."),
    (_FILE + r"PDF has no text layer and no scanned page: nothing to read$",
     r"\g<f>: PDF không có lớp chữ và không có trang quét: không có gì để đọc."),
    (_FILE + r"not a readable \.docx file \((?P<a>.*)\)$",
     r"\g<f>: không đọc được tệp .docx (\g<a>)."),
    (_FILE + r"malformed XML in the \.docx \((?P<a>.*)\)$",
     r"\g<f>: XML trong tệp .docx bị lỗi (\g<a>)."),
    (_FILE + r"not readable HTML \((?P<a>.*)\)$", r"\g<f>: không đọc được HTML (\g<a>)."),
    (_FILE + r"not a readable PDF \(no %PDF header\)$",
     r"\g<f>: không đọc được PDF (thiếu phần đầu %PDF)."),
    (_FILE + r"not a readable PDF \(page tree is inconsistent\)$",
     r"\g<f>: không đọc được PDF (cây trang không nhất quán)."),
    (_FILE + r"not a readable PDF \((?P<a>.*)\)$", r"\g<f>: không đọc được PDF (\g<a>)."),
    (_FILE + r"not a readable image \((?P<a>.*)\)$", r"\g<f>: không đọc được ảnh (\g<a>)."),
    (_FILE + r"page (?P<p>\d+) is not readable \((?P<a>.*)\)$",
     r"\g<f>: không đọc được trang \g<p> (\g<a>)."),
    (_FILE + r"page (?P<p>\d+) cannot be rendered \((?P<a>.*)\)$",
     r"\g<f>: không dựng được ảnh trang \g<p> (\g<a>)."),
    (_FILE + r"OCR failed on page (?P<p>\d+) \((?P<a>.*)\)$",
     r"\g<f>: nhận dạng OCR lỗi ở trang \g<p> (\g<a>)."),
    (_FILE + r"refused: (?P<n>\d+) pages \(limit (?P<m>\d+)\)$",
     r"\g<f>: từ chối: \g<n> trang (giới hạn \g<m>)."),
    (_FILE + r"refused: its XML unpacks to (?P<a>.*) \(limit (?P<m>.*)\)$",
     r"\g<f>: từ chối: XML giải nén ra \g<a> (giới hạn \g<m>)."),
    (_FILE + r"refused: (?P<n>\d+) paragraphs and (?P<c>\d+) table cells"
     r" \(limits (?P<a>\d+) and (?P<b>\d+)\)$",
     r"\g<f>: từ chối: \g<n> đoạn và \g<c> ô bảng (giới hạn \g<a> và \g<b>)."),
    (_FILE + r"refused: (?P<n>\d+) HTML elements and (?P<c>\d+) table cells"
     r" \(limits (?P<a>\d+) and (?P<b>\d+)\)$",
     r"\g<f>: từ chối: \g<n> phần tử HTML và \g<c> ô bảng (giới hạn \g<a> và \g<b>)."),
    (_FILE + r"refused: page (?P<p>\d+) draws more than (?P<m>\d+) MB of content$",
     r"\g<f>: từ chối: trang \g<p> có hơn \g<m> MB nội dung vẽ."),
    (_FILE + r"refused: reading took over (?P<s>\d+) s \(at page (?P<p>\d+) of (?P<n>\d+)\)$",
     r"\g<f>: từ chối: đọc quá \g<s> giây (ở trang \g<p>/\g<n>)."),
    (_FILE + r"refused: OCR of page (?P<p>\d+) took over (?P<s>\d+) s$",
     r"\g<f>: từ chối: nhận dạng OCR trang \g<p> quá \g<s> giây."),
    (_FILE + r"refused: page (?P<p>\d+) is too large to read \((?P<a>\d+) square inches\)$",
     r"\g<f>: từ chối: trang \g<p> quá lớn để đọc (\g<a> inch vuông)."),
    (_FILE + r"refused: page (?P<p>\d+) takes too long to render$",
     r"\g<f>: từ chối: dựng ảnh trang \g<p> quá lâu."),
    (_FILE + r"refused: (?P<w>\d+)×(?P<h>\d+) pixels \(limit (?P<m>\d+) million\)$",
     r"\g<f>: từ chối: ảnh \g<w>×\g<h> điểm ảnh (giới hạn \g<m> triệu)."),
    (_FILE + r"refused: the image is too large \((?P<a>.*)\)$",
     r"\g<f>: từ chối: ảnh quá lớn (\g<a>)."),
    (_FILE + r"refused: (?P<a>.*)$", r"\g<f>: từ chối, vượt giới hạn xử lý: \g<a>."),
    # registration (storage.registration)
    (r"task (?P<r>[^:]+): group (?P<g>.*) has no member valid on the issue date$",
     r"Nhiệm vụ \g<r>: nhóm \g<g> không có cơ quan thành viên nào còn hiệu lực vào ngày ban hành"),
    (r"task (?P<r>[^:]+): lead (?P<a>.*) is not in the agency registry$",
     r"Nhiệm vụ \g<r>: cơ quan chủ trì \g<a> không có trong danh mục"),
    (r"task (?P<r>[^:]+): agency (?P<a>.*) is not in the database$",
     r"Nhiệm vụ \g<r>: cơ quan \g<a> không có trong cơ sở dữ liệu"),
)  # fmt: skip
_COMPILED = tuple((re.compile(p, re.S), v) for p, v in _MESSAGES)


def _match(text: str) -> tuple[re.Match[str], str] | None:
    for pattern, wording in _COMPILED:
        if m := pattern.match(text):
            return m, wording
    return None


def known(text: str) -> bool:
    return _match(text) is not None


def vietnamese(text: str) -> str:
    """The Vietnamese wording of an English message; other text as it is. A message quoted
    inside another ("not a readable image (…: refused: …)") is translated too."""
    found = _match(text)
    if found is None:
        return text
    m, wording = found
    parts = {k: _inner(v) for k, v in m.groupdict().items()}
    return _GROUP.sub(lambda g: parts[g.group(1)], wording)


_GROUP = re.compile(r"\\g<(\w+)>")


def _inner(part: str | None) -> str:
    if not part:
        return ""
    return vietnamese(part).removesuffix(".") if known(part) else part
