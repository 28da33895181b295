"""Succession in the registry (sắp xếp tổ chức bộ máy): ends, successors, groups by date."""

from __future__ import annotations

from datetime import date

import pytest

from directives.agencies import AgencyFileError, AgencyRegistry, load_registry

SMALL = """
agencies:
  - {code: so-kh-dt, name: Sở Kế hoạch và Đầu tư, aliases: [Sở KH&ĐT]}
  - {code: so-tai-chinh, name: Sở Tài chính}
  - {code: so-ld-tb-xh, name: Sở Lao động - Thương binh và Xã hội, aliases: [Sở LĐ-TB&XH]}
  - {code: so-noi-vu, name: Sở Nội vụ}
  - {code: so-y-te, name: Sở Y tế}
  - {code: huyen-a, name: UBND huyện A, kind: district, valid_to: 2025-06-30}
  - {code: xa-b, name: UBND xã B, kind: commune, valid_from: 2025-07-01}
  - {code: xa-c, name: UBND xã C, kind: commune, valid_from: 2025-07-01}
groups:
  - {code: cac-huyen, name: UBND các huyện, members: [huyen-a], valid_to: 2025-06-30}
  - {code: cac-xa, name: "UBND các xã, phường", members: [xa-b, xa-c], valid_from: 2025-07-01}
successions:
  - {from: so-kh-dt, "on": 2025-03-01, kind: merger, to: [so-tai-chinh], source: NQ 04/NQ-HĐND}
  - from: so-ld-tb-xh
    "on": 2025-03-01
    kind: split
    to: [so-noi-vu, {code: so-y-te, work: "bảo trợ xã hội, trẻ em"}]
  - {from: huyen-a, "on": 2025-07-01, kind: split, to: [xa-b, xa-c]}
  - {from: cac-huyen, "on": 2025-07-01, kind: dissolution, to: [cac-xa]}
"""


def _registry() -> AgencyRegistry:
    return AgencyRegistry(load_registry(SMALL, "yaml"))


def test_end_date_filled_and_successors_followed() -> None:
    reg = _registry()
    assert reg.agencies["so-kh-dt"].valid_to == date(2025, 2, 28)
    assert [s.code for s in reg.successors_on("so-kh-dt", date(2026, 1, 5))] == ["so-tai-chinh"]
    assert [s.code for s in reg.successors_on("so-kh-dt", date(2025, 2, 1))] == ["so-kh-dt"]
    assert [s.code for s in reg.successors_on("huyen-a", date(2026, 1, 5))] == ["xa-b", "xa-c"]


def test_split_default_follows_the_work_words() -> None:
    reg = _registry()
    on = date(2025, 4, 1)
    text = "Rà soát chính sách bảo trợ xã hội cho người cao tuổi"
    assert reg.default_successor("so-ld-tb-xh", on, text).code == "so-y-te"
    assert reg.default_successor("so-ld-tb-xh", on, "Tuyển dụng công chức").code == "so-noi-vu"


def test_resolve_by_notice_date() -> None:
    reg = _registry()
    late = reg.resolve("Sở KH&ĐT", date(2026, 3, 2))
    assert late.agency.code == "so-tai-chinh" and late.written.code == "so-kh-dt"
    assert "Sở Kế hoạch và Đầu tư" in late.warning and "Sở Tài chính" in late.warning
    assert "01/03/2025" in late.warning
    then = reg.resolve("Sở KH&ĐT", date(2024, 3, 27))  # valid then: stays as written
    assert then.agency.code == "so-kh-dt" and then.warning is None
    assert reg.resolve("UBND xã B", date(2024, 3, 27)).agency is None  # not yet in being


def test_groups_valid_by_date_and_membership_by_date() -> None:
    reg = _registry()
    assert reg.match("UBND các huyện", date(2025, 6, 30)).code == "cac-huyen"
    assert reg.match("UBND các huyện", date(2025, 7, 1)) is None
    assert reg.resolve("UBND các huyện", date(2026, 1, 2)).agency.code == "cac-xa"
    assert [a.code for a in reg.members("cac-xa", date(2026, 1, 2))] == ["xa-b", "xa-c"]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ("to: [so-tai-chinh], source", "to: [nowhere], source"),
        ('"on": 2025-03-01, kind: merger', '"on": 2025-03-01, kind: merged'),
    ],
)
def test_bad_succession_is_refused(edit: str, message: str) -> None:
    with pytest.raises(AgencyFileError) as err:
        load_registry(SMALL.replace(edit, message), "yaml")
    assert "so-kh-dt" in str(err.value) and "line 15" in str(err.value)


def test_every_bad_row_is_named() -> None:
    bad = SMALL.replace("name: Sở Tài chính}", "name: Sở <b>Tài</b> chính, email: x@}").replace(
        "valid_to: 2025-06-30}", "valid_to: 2025-06-30, valid_from: 2025-07-09}", 1
    )
    with pytest.raises(AgencyFileError) as err:
        load_registry(bad, "yaml")
    lines = str(err.value).splitlines()
    assert any("line 4" in x and "markup" in x for x in lines)
    assert any("line 4" in x and "e-mail" in x for x in lines)
    assert any("line 8" in x and "before valid_from" in x for x in lines)


def test_shipped_registry_of_today() -> None:
    from storage.agencies import read_agency_file, shipped_agency_file

    assert shipped_agency_file().name == "lang_son_2025.yaml"
    reg = AgencyRegistry(read_agency_file(shipped_agency_file()))
    today = date(2026, 12, 1)
    units = [
        a
        for a in reg.agencies.values()
        if a.kind in ("commune", "ward") and reg.valid(a.code, today)
    ]
    assert len(units) == 65 and sum(a.kind == "ward" for a in units) == 4
    assert len(reg.members("ubnd-cac-xa-phuong", today)) == 65
    for name, code in [
        ("Sở Nông nghiệp và Môi trường", "so-nn-mt"),
        ("UBND xã Đồng Đăng", "ubnd-xa-dong-dang"),
        ("Sở Dân tộc và Tôn giáo", "so-dt-tg"),
        ("Sở KH&ĐT", "so-tai-chinh"),
        ("Sở Giao thông vận tải", "so-xay-dung"),
        ("Sở TN&MT", "so-nn-mt"),
        ("Sở Thông tin và Truyền thông", "so-kh-cn"),
        ("UBND huyện Tràng Định", "ubnd-xa-that-khe"),
    ]:
        assert reg.resolve(name, today).agency.code == code, name
    # every 2024 district and merged department has successors that exist today
    for code in reg.successions:
        assert reg.successors_on(code, today), code
    old = AgencyRegistry(read_agency_file(shipped_agency_file().with_name("lang_son.yaml")))
    assert set(old.agencies) <= set(reg.agencies)
