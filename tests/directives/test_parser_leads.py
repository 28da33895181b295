"""Who leads, round 3 of issue 11: subordinate cities, subordinates directing their own units,
and the members named inside a group ("UBND các huyện A, B", "Các Viện: A, B").

Short examples written from the genre, not copied from a document.
"""

from __future__ import annotations

from directives.parsing import parse_notice

HEAD = """ỦY BAN NHÂN DÂN
TỈNH QUẢNG NAM
Số: 120/TB-UBND
Quảng Nam, ngày 10 tháng 4 năm 2026
THÔNG BÁO
Kết luận của Chủ tịch UBND tỉnh tại cuộc họp về phòng, chống sạt lở bờ biển

Chủ tịch UBND tỉnh kết luận như sau:
"""
FOOT = """
Văn phòng UBND tỉnh thông báo để các cơ quan, đơn vị biết, thực hiện./.

Nơi nhận:
- Như trên;
- Lưu: VT.
"""


def _roles(body: str) -> list[tuple[str | None, list[str]]]:
    return [(t.lead, t.coordinators) for t in parse_notice(HEAD + body + FOOT).tasks]


def test_a_provincial_city_leads_where_a_centrally_run_one_would_be_the_issuer() -> None:
    body = """1. Giao UBND thành phố Hội An:
a) Lập hồ sơ kè chống sạt lở, trình thẩm định trước ngày 30/4/2026.
b) Di dời các hộ dân trong vùng nguy hiểm.
2. UBND thành phố Tam Kỳ, UBND huyện Núi Thành rà soát các điểm sạt lở.
3. UBND tỉnh sẽ xem xét hỗ trợ kinh phí sau khi có hồ sơ."""
    assert _roles(body) == [
        ("UBND thành phố Hội An", []),
        ("UBND thành phố Hội An", []),
        ("UBND thành phố Tam Kỳ", ["UBND huyện Núi Thành"]),
    ]


def test_a_subordinate_directing_its_own_units_leads() -> None:
    body = """1. Ủy ban nhân dân các huyện, thị xã chỉ đạo UBND cấp xã ra quân xử lý lấn chiếm \
hành lang an toàn giao thông.
2. Chủ tịch UBND tỉnh chỉ đạo Sở Xây dựng kiểm tra các tuyến kè trước mùa mưa."""
    assert [lead for lead, _ in _roles(body)] == [
        "Ủy ban nhân dân các huyện, thị xã",
        "Sở Xây dựng",
    ]


def test_units_named_after_their_level_are_members_the_first_leading() -> None:
    body = """1. UBND các huyện Duy Xuyên, Thăng Bình và UBND thị xã Điện Bàn hoàn thành bàn giao \
mặt bằng trước ngày 30/6/2026.
2. UBND các phường: Hội An Đông, Hội An Tây rà soát các hộ dân ven biển.
3. Các Viện: Hải dương học, Địa lý Trung ương tổ chức quan trắc xói lở; gửi kết quả về Sở \
Nông nghiệp và Môi trường.
4. UBND các huyện ven biển, UBND các xã, phường chủ động sơ tán dân khi có lệnh."""
    assert _roles(body) == [
        ("UBND huyện Duy Xuyên", ["UBND huyện Thăng Bình", "UBND thị xã Điện Bàn"]),
        ("UBND phường Hội An Đông", ["UBND phường Hội An Tây"]),
        ("Viện Hải dương học", ["Viện Địa lý Trung ương"]),
        ("UBND các huyện ven biển", ["UBND các xã, phường"]),
    ]
