"""An agency named in running text, and the names fixed nationally that every province uses."""

from __future__ import annotations

from dataclasses import dataclass

from directives.parsing.text import key

# Names fixed nationally (Nghị định 24/2014, 107/2020, 45/2025): recognised in any province.
NATIONAL_NAMES = (
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Văn hóa và Thể thao",
    "Sở Lao động - Thương binh và Xã hội",
    "Sở Nông nghiệp và Phát triển nông thôn",
    "Sở Nông nghiệp và Môi trường",
    "Sở Kế hoạch và Đầu tư",
    "Sở Tài nguyên và Môi trường",
    "Sở Thông tin và Truyền thông",
    "Sở Giao thông vận tải",
    "Sở Khoa học và Công nghệ",
    "Sở Giáo dục và Đào tạo",
    "Sở Dân tộc và Tôn giáo",
    "Sở Nội vụ",
    "Sở Tư pháp",
    "Sở Tài chính",
    "Sở Công Thương",
    "Sở Xây dựng",
    "Sở Y tế",
    "Sở Ngoại vụ",
    "Sở Du lịch",
    "Sở NN&PTNT",
    "Sở KH&ĐT",
    "Sở TN&MT",
    "Sở TT&TT",
    "Sở LĐ-TB&XH",
    "Sở GD&ĐT",
    "Sở KH&CN",
    "Sở VH,TT&DL",
    "Sở VHTTDL",
    "Sở GTVT",
    "Sở Nông nghiệp và PTNT",
    "Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch",
    "Đài Phát thanh và Truyền hình",
    "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
    "Bảo hiểm xã hội tỉnh",
    "Kho bạc Nhà nước tỉnh",
    "Văn phòng UBND tỉnh",
    "Văn phòng Ủy ban nhân dân tỉnh",
    "Văn phòng Đoàn ĐBQH và HĐND tỉnh",
    "Bộ Chỉ huy Bộ đội Biên phòng tỉnh",
    "Bộ Chỉ huy Quân sự tỉnh",
    "Công an tỉnh",
    "Thanh tra tỉnh",
    "Ban Dân tộc tỉnh",
    "Ban Dân tộc",
    "Cục Thuế tỉnh",
    "Cục Hải quan tỉnh",
    "Cục Thống kê tỉnh",
    "Cục Quản lý Khám, chữa bệnh",
)


@dataclass(frozen=True, slots=True)
class Mention:
    """An agency named in the text, with offsets into the text it was found in.

    `members` holds the agencies of a list written after its type ("Các Bộ: Tài chính, Xây
    dựng" → "Bộ Tài chính", "Bộ Xây dựng"); `text` is then the first of them.
    """

    text: str
    start: int
    end: int
    members: tuple[str, ...] = ()

    @property
    def vague(self) -> bool:
        """A collective that names nobody in particular ("các cơ quan liên quan")."""
        k = key(self.text)
        return "liên quan" in k or k == "các địa phương"
