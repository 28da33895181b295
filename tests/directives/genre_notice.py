"""A short notice in the genre's frame (NĐ 30/2020 header, the office's closing and Nơi nhận)
around a body of test items, and the helpers the genre tests read its tasks with."""

from __future__ import annotations

from directives.drafts import DirectiveDraft, TaskDraft
from directives.parsing import parse_notice

HEAD = """UỶ BAN NHÂN DÂN
TỈNH AN GIANG
Số: 45/TB-UBND
An Giang, ngày 10 tháng 3 năm 2026
THÔNG BÁO
Kết luận của Chủ tịch UBND tỉnh tại buổi làm việc với Sở Xây dựng

Ngày 05/3/2026, đồng chí Nguyễn Văn An, Chủ tịch UBND tỉnh chủ trì buổi làm việc với Sở Xây \
dựng. Sau khi nghe báo cáo, Chủ tịch UBND tỉnh kết luận như sau:

"""
FOOT = """

Văn phòng UBND tỉnh thông báo để các cơ quan, đơn vị biết, thực hiện./.

Nơi nhận:
- Như trên;
- Lưu: VT.

TL. CHỦ TỊCH
CHÁNH VĂN PHÒNG

Trần Văn Bình
"""

# A CV's header as a table, as Word and PDF copies lay it out.
TABLE_HEADS = {
    "two rows": """| ỦY BAN NHÂN DÂN TỈNH AN GIANG | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |
| --- | --- |
| Số: 215/UBND-KT | Độc lập - Tự do - Hạnh phúc |
| V/v triển khai thực hiện vốn đầu tư công | An Giang, ngày 12 tháng 3 năm 2026 |

Kính gửi: Các sở, ban, ngành tỉnh.

""",
    "one row": """| UBND TỈNH AN GIANG Số: 215/UBND-KT V/v triển khai vốn đầu tư công | CỘNG \
HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc An Giang, ngày 12 tháng 3 năm 2026 |

Kính gửi: Các sở, ban, ngành tỉnh.

""",
    "no outer pipes": """ỦY BAN NHÂN DÂN TỈNH AN GIANG | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
--- | ---
Số: 215/UBND-KT | Độc lập - Tự do - Hạnh phúc
V/v triển khai thực hiện vốn đầu tư công | An Giang, ngày 12 tháng 3 năm 2026

Kính gửi: Các sở, ban, ngành tỉnh.

""",
}


def parse(body: str, head: str = HEAD, foot: str = FOOT, **kw: object) -> DirectiveDraft:
    return parse_notice(head + body + foot, **kw)  # type: ignore[arg-type]


def tasks(body: str, **kw: object) -> list[TaskDraft]:
    return parse(body, **kw).tasks
