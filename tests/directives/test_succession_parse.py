"""Matching by the notice's date: a 2026 notice naming old or new agencies (khớp theo ngày)."""

from __future__ import annotations

from pathlib import Path

from directives.agencies import AgencyRegistry
from directives.parsing import parse_notice
from storage.agencies import read_agency_file, shipped_agency_file

NOTICE = Path(__file__).parents[1] / "fixtures" / "succession" / "tb-2026-01-15.txt"
SEED = Path(__file__).parents[1] / "fixtures" / "notices" / "tb-ubnd-2024-03-27-so-ngoai-vu.txt"


def test_2026_notice_gets_agencies_of_today() -> None:
    registry = AgencyRegistry(read_agency_file(shipped_agency_file()))
    draft = parse_notice(NOTICE.read_text(encoding="utf-8"), registry)
    got = [(t.lead_code, t.coordinator_codes) for t in draft.tasks]
    assert got == [
        ("so-nn-mt", ["ubnd-xa-dong-dang"]),
        ("so-tai-chinh", ["so-xay-dung"]),
        ("ubnd-phuong-ky-lua", ["so-dt-tg"]),
    ]
    assert not any("unknown agency" in w for t in draft.tasks for w in t.warnings)
    second = " ".join(draft.tasks[1].warnings)
    assert "«Sở Kế hoạch và Đầu tư» đã kết thúc hoạt động ngày 28/02/2025" in second
    assert "«Sở Tài chính»" in second and "«Sở Xây dựng»" in second
    assert draft.tasks[1].lead == "Sở Kế hoạch và Đầu tư"  # the name stays as written
    assert "UBND xã Đồng Đăng" in " ".join(draft.tasks[2].warnings)  # other successors shown


def test_2024_notice_keeps_the_agencies_of_its_day() -> None:
    registry = AgencyRegistry(read_agency_file(shipped_agency_file()))
    text = NOTICE.read_text(encoding="utf-8").replace("năm 2026", "năm 2024")
    text = text.replace("Sở Nông nghiệp và Môi trường", "Sở Tài nguyên và Môi trường")
    text = text.replace("UBND xã Đồng Đăng", "UBND huyện Văn Lãng").replace("/2026", "/2024")
    draft = parse_notice(text, registry)
    assert [t.lead_code for t in draft.tasks] == ["so-tn-mt", "so-kh-dt", "ubnd-huyen-cao-loc"]
    assert not any("kết thúc" in w for t in draft.tasks for w in t.warnings)
    assert "unknown agency: Sở Dân tộc và Tôn giáo" in draft.tasks[2].warnings  # not yet then


def test_seed_reads_the_same_with_the_2024_and_the_2025_registry() -> None:
    from directives.agencies import load_registry

    data = shipped_agency_file().parent
    text = SEED.read_text(encoding="utf-8")
    drafts = [
        parse_notice(text, AgencyRegistry(load_registry((data / name).read_text("utf-8"), "yaml")))
        for name in ("lang_son.yaml", "lang_son_2025.yaml")
    ]
    old, new = ([(t.lead_code, t.coordinator_codes, t.warnings) for t in d.tasks] for d in drafts)
    assert old == new and len(old) == 19
