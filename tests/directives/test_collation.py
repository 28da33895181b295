"""Vietnamese alphabetical order for names (thứ tự chữ cái tiếng Việt)."""

from __future__ import annotations

import unicodedata

from directives.collation import name_key, sort_names

LANG_SON = ["Văn Quan", "Tràng Định", "Bình Gia", "Đình Lập", "Bắc Sơn", "Cao Lộc", "Lộc Bình",
            "Chi Lăng", "Hữu Lũng", "Văn Lãng", "Dương Xuân", "Em"]  # fmt: skip


def test_districts_of_lang_son_in_dictionary_order() -> None:
    assert sort_names(LANG_SON) == [
        "Bắc Sơn", "Bình Gia", "Cao Lộc", "Chi Lăng", "Dương Xuân", "Đình Lập", "Em",
        "Hữu Lũng", "Lộc Bình", "Tràng Định", "Văn Lãng", "Văn Quan",
    ]  # fmt: skip


def test_letters_of_their_own_come_after_their_base_letter() -> None:
    for a, b in (
        ("az", "ăa"),
        ("ăz", "âa"),
        ("dz", "đa"),
        ("đz", "e"),
        ("ez", "êa"),
        ("oz", "ôa"),
        ("ôz", "ơa"),
        ("uz", "ưa"),
        ("Long", "Lộc"),
        ("Ứng", "Vũ"),
    ):
        assert name_key(a) < name_key(b), (a, b)


def test_tones_and_case_only_break_ties() -> None:
    assert sort_names(["ma", "mà", "má", "Ma", "mả", "mã", "mạ", "mb"])[-1] == "mb"
    assert name_key("Bắc") < name_key("Bặt") < name_key("Bâ")  # ặ: NFD puts the dot first
    assert name_key("Sở Nội vụ") < name_key("Sở Tài chính")


def test_composed_and_decomposed_text_and_the_eth_typo_sort_the_same() -> None:
    name = "Sở Văn hóa, Thể thao và Du lịch"
    assert name_key(unicodedata.normalize("NFD", name)) == name_key(name)
    assert name_key("\u00d0ình Lập") == name_key("Đình Lập")


def test_agency_lists_and_pickers_are_in_vietnamese_order(db) -> None:  # type: ignore[no-untyped-def]
    from directives.models import Agency
    from storage import page_reads
    from storage.agencies import load_agencies

    names = ["UBND huyện Văn Quan", "UBND huyện Đình Lập", "UBND huyện Bình Gia",
             "UBND huyện Bắc Sơn", "UBND huyện Dương Xuân", "UBND huyện Em"]  # fmt: skip
    with db.write() as s:
        load_agencies(
            s, [Agency(code=f"a{i}", name=n, kind="district") for i, n in enumerate(names)]
        )
    with db.read() as s:
        listed = [a.name.removeprefix("UBND huyện ") for a in page_reads.agencies(s)]
    assert listed == ["Bắc Sơn", "Bình Gia", "Dương Xuân", "Đình Lập", "Em", "Văn Quan"]


def test_report_rows_with_equal_counts_are_in_vietnamese_order() -> None:
    from reports.model import Counts, GroupRow
    from reports.rollup import _worst_first

    rows = [
        GroupRow(key=n, label=n, counts=Counts()) for n in ("Đình Lập", "Bình Gia", "Bắc Sơn", "Em")
    ]
    assert [r.label for r in _worst_first(rows)] == ["Bắc Sơn", "Bình Gia", "Đình Lập", "Em"]
