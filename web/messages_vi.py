"""Tiếng Việt for the pages: the parser, the format readers and registration write their
warnings and refusals in English (the CLI's and the API's words); the office reads them here.

Each entry is a pattern for one message (names, numbers and quoted text are kept as they are)
and its Vietnamese wording. `vietnamese(text)` translates; `known(text)` says whether a pattern
matched, for the test that every message the parser writes has a Vietnamese wording.
"""

from __future__ import annotations

import re

_AS_IS = ""  # a wording already in Vietnamese: shown as it is
_FILE = r"(?P<f>[^:\n]+?): "  # "scan.pdf: …": the file name stays in front
_MESSAGES: tuple[tuple[str, str], ...] = (
    # the parser's warnings (directives.parsing)
    (r"lead implicit: taken from the section \((?P<a>.*)\)$",
     r"Chủ trì không ghi rõ: lấy theo tiêu đề mục (\g<a>)"),
    (r"lead implicit: taken from the addressee \((?P<a>.*)\)$",
     r"Chủ trì không ghi rõ: lấy theo nơi nhận (\g<a>)"),
    (r"lead implicit: taken from the paragraph's first duty \((?P<a>.*)\)$",
     r"Chủ trì không ghi rõ: lấy theo việc đầu tiên trong cùng đoạn (\g<a>)"),
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
    (r"no header block \(a web copy\?\): number, type and date read from the copy's own "
     r"citation, check them$",
     "Không có phần đầu văn bản (bản sao từ trang tin?): số, loại và ngày văn bản lấy theo câu"
     " trích dẫn chính văn bản này, cần kiểm tra lại"),
    (r"đã hiểu .*$", _AS_IS),  # written in Vietnamese by the parser already
    # the parser's warnings over the 2025 reorganisation (directives.agencies), already Vietnamese
    (r"(?:Nhóm )?«[^»]*» đã kết thúc .*$", _AS_IS),
    # refusals of the parser (NoticeError)
    (r"expected text$", "Cần nội dung văn bản."),
    (r"empty text: nothing to parse$", "Văn bản trống: không có gì để phân tích."),
    (r"binary junk, not text: is this the right file\?$",
     "Không phải văn bản (dữ liệu nhị phân): kiểm tra lại tệp đã chọn."),
    (r"no task section: this is a (?P<k>.*), not a directive$",
     r"Không có phần giao nhiệm vụ: đây là \g<k>, không phải văn bản chỉ đạo."),
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
    if wording == _AS_IS:
        return text
    parts = {k: _inner(v) for k, v in m.groupdict().items()}
    return _GROUP.sub(lambda g: parts[g.group(1)], wording)


_GROUP = re.compile(r"\\g<(\w+)>")


def _inner(part: str | None) -> str:
    if not part:
        return ""
    return vietnamese(part).removesuffix(".") if known(part) else part


# Registry files (directives.agencies, storage.registry_files): the per-row messages of
# `dondoc agencies load` and of the agency page's import. A row message may start with the
# agency's code ("so-y-te: email 'x' is not an e-mail address"): the code stays in front.
_Q = r"'(?P<{}>(?:[^'\\]|\\.)*)'|\"(?P<{}2>(?:[^\"\\]|\\.)*)\""  # a Python repr of a str


def _q(name: str) -> str:
    return "(?:" + _Q.format(name, name) + ")"


_FIELDS_VI = {
    "code": "mã", "name": "tên", "kind": "loại", "aliases": "tên gọi khác", "alias": "tên gọi khác",
    "members": "thành viên", "email": "thư điện tử", "head_email": "thư điện tử thủ trưởng",
    "valid_from": "hiệu lực từ ngày", "valid_to": "hiệu lực đến ngày", "work": "phần việc",
}  # fmt: skip
_LABEL = r"(?P<l>name|alias|work|email|head_email)"
_REGISTRY: tuple[tuple[str, str], ...] = (
    (r"not valid YAML: .*$", "Tệp YAML sai cú pháp."),
    (r"expected a mapping with 'agencies' \(and optionally 'groups'\)$",
     "Tệp YAML phải có mục «agencies» (và có thể có «groups», «successions»)."),
    (r"'(?P<s>\w+)' must be a list$", r"Mục «\g<s>» phải là một danh sách."),
    (r"no agencies found \(expected a list under 'agencies'\)$",
     "Không có cơ quan nào (cần danh sách trong mục «agencies»)."),
    (r"each entry must be a mapping with code and name$",
     "Mỗi mục phải có mã (code) và tên (name)."),
    (r"each succession must be a mapping with from, on, kind and to$",
     "Mỗi dòng kế thừa phải có from, on, kind và to."),
    (r"succession (?P<c>.*): 'on' (?P<d>.*) is not a date \(YYYY-MM-DD\)$",
     r"Kế thừa của \g<c>: ngày «on» \g<d> không đúng dạng YYYY-MM-DD."),
    (r"succession (?P<c>.*): needs 'from' and a date 'on' \(YYYY-MM-DD\)$",
     r"Kế thừa của \g<c>: cần «from» và ngày «on» (YYYY-MM-DD)."),
    (r"succession (?P<c>.*): each successor is a code or \{code, work\}$",
     r"Kế thừa của \g<c>: mỗi đơn vị kế thừa là một mã hoặc {code, work}."),
    (r"CSV header must include the columns code and name$",
     "Dòng tiêu đề CSV phải có các cột code và name."),
    (r"no agencies found in the CSV file$", "Tệp CSV không có cơ quan nào."),
    (r"not an XLSX workbook$", "Không phải tệp bảng tính XLSX."),
    (r"the workbook unpacks to more than 50 MB: refused$",
     "Từ chối: bảng tính giải nén ra hơn 50 MB."),
    (r"the first row must name the columns, including code and name$",
     "Dòng đầu bảng tính phải ghi tên các cột, trong đó có code và name."),
    (r"more than (?P<n>\d+) rows: refused$", r"Từ chối: hơn \g<n> dòng."),
    (r"no agencies found in the workbook$", "Bảng tính không có cơ quan nào."),
    (r"code " + _q("v") + r": use a-z, 0-9, \. _ -$",
     r"mã «\g<v>» chỉ được dùng a-z, 0-9, dấu chấm, gạch dưới, gạch ngang"),
    (_LABEL + " " + _q("v") + r" contains a line break$", r"\g<l> «\g<v>» có dấu xuống dòng"),
    (_LABEL + " " + _q("v") + r" contains a control character$",
     r"\g<l> «\g<v>» có ký tự điều khiển"),
    (_LABEL + " " + _q("v") + r" contains markup \(< > or &\.\.\.;\)$",
     r"\g<l> «\g<v>» có ký tự đánh dấu (< > hoặc &...;)"),
    (_LABEL + r" is empty$", r"\g<l> để trống"),
    (_LABEL + " " + _q("v") + r" is not an e-mail address$",
     r"\g<l> «\g<v>» không phải địa chỉ thư điện tử"),
    (r"valid_to (?P<a>\S+) is before valid_from (?P<b>\S+)$",
     r"ngày hết hiệu lực \g<a> trước ngày bắt đầu hiệu lực \g<b>"),
    (r"duplicate code " + _q("v") + r" \(first at line (?P<n>\d+)\)$",
     r"Trùng mã «\g<v>» (đã có ở dòng \g<n>)."),
    (r"group " + _q("g") + r" names unknown member " + _q("v") + "$",
     r"Nhóm «\g<g>» có thành viên «\g<v>» không có trong danh mục."),
    (r"succession from unknown agency " + _q("v") + "$",
     r"Kế thừa từ cơ quan «\g<v>» không có trong danh mục."),
    (r"a second succession \(an agency ends once\)$",
     "khai báo kế thừa lần thứ hai (mỗi cơ quan chỉ kết thúc một lần)"),
    (r"kind " + _q("v") + r" is not one of .*$",
     r"hình thức «\g<v>» không hợp lệ (merger, split, rename hoặc dissolution)"),
    (r"no successor given$", "chưa ghi đơn vị kế thừa"),
    (r"valid_to (?P<a>\S+) does not match the succession on (?P<b>\S+) \(expected (?P<c>\S+)\)$",
     r"ngày hết hiệu lực \g<a> không khớp với ngày kế thừa \g<b> (phải là \g<c>)"),
    (r"succession on (?P<a>\S+) is not after valid_from$",
     r"ngày kế thừa \g<a> không sau ngày bắt đầu hiệu lực"),
    (r"successor " + _q("v") + r" is not in the registry$",
     r"đơn vị kế thừa «\g<v>» không có trong danh mục"),
    (r"an agency cannot succeed itself$", "cơ quan không thể tự kế thừa chính mình"),
    (r"successor " + _q("v") + r" does not exist on (?P<d>\S+)$",
     r"đơn vị kế thừa «\g<v>» chưa tồn tại vào ngày \g<d>"),
    # pydantic's words for a column (`field: message`)
    (r"Field required$", "thiếu (bắt buộc)"),
    (r"Input should be a valid date.*$", "không phải ngày hợp lệ (YYYY-MM-DD)"),
    (r"Input should be a valid string.*$", "phải là chữ"),
    (r"Input should be a valid list.*$", "phải là danh sách"),
    (r"Input should be .*$", "giá trị không hợp lệ"),
    (r"Value error, .*$", "giá trị không hợp lệ"),
)  # fmt: skip
_REGISTRY_COMPILED = tuple((re.compile(p, re.S), v) for p, v in _REGISTRY)
_PREFIX = re.compile(r"(?P<c>[^:\n]{1,120}?): (?P<rest>.+)$", re.S)


def _registry_match(text: str) -> str | None:
    for pattern, wording in _REGISTRY_COMPILED:
        if m := pattern.match(text):
            parts = {k: v for k, v in m.groupdict().items() if v is not None}
            if "v2" in parts:
                parts["v"] = parts["v2"]
            if "l" in parts:
                parts["l"] = _FIELDS_VI.get(parts["l"], parts["l"]).capitalize()
            return _GROUP.sub(lambda g: parts.get(g.group(1), ""), wording)  # noqa: B023 (returned at once)
    return None


def registry_vietnamese(text: str) -> str | None:
    """The Vietnamese wording of one registry-file message, or None if none fits. A message
    behind an agency code or a column name ("so-y-te: …", "valid_from: Field required") keeps
    the code in front and the column named in Vietnamese."""
    found = _registry_match(text)
    if found is not None:
        return found
    if (m := _PREFIX.match(text)) is not None and (rest := registry_vietnamese(m["rest"])):
        head = m["c"]
        if head in _FIELDS_VI:
            return f"Cột «{head}» ({_FIELDS_VI[head]}): {rest}"
        return f"{head}: {rest[0].lower() + rest[1:]}"
    return None


def registry_lines(problems: list[tuple[int | None, str]]) -> list[str]:
    """One line per bad row (its problems joined by "; "), in file order, in Vietnamese."""
    by_row: dict[int | None, list[str]] = {}
    for line, text in problems:
        by_row.setdefault(line, []).append(registry_vietnamese(text) or "dữ liệu không hợp lệ")
    return [
        f"dòng {line}: {'; '.join(parts)}" if line else "; ".join(parts)
        for line, parts in by_row.items()
    ]
