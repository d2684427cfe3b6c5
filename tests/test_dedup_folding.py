from __future__ import annotations

import unicodedata

import pytest

from pipeline.dedup.folding import canon, fold, fold_iy, split_name, surname_variant_key


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Hoà", "Hòa"),
        ("THUỶ", "THỦY"),
        ("khoẻ", "khỏe"),
        (unicodedata.normalize("NFD", "Nguyễn Thị Thủy"), "NGUYỄN THỊ THỦY"),
        ("  nguyễn   văn  an ", "NGUYỄN VĂN AN"),
    ],
)
def test_canon_unifies_tone_placement_case_and_nfc(a: str, b: str) -> None:
    assert canon(a) == canon(b)


@pytest.mark.parametrize(("a", "b"), [("Tâm", "Tám"), ("Lê", "Lễ"), ("Hà", "Hạ"), ("Quý", "Quỳ")])
def test_canon_keeps_different_tones_apart(a: str, b: str) -> None:
    assert canon(a) != canon(b)
    assert fold(a) == fold(b)  # folding merges them: hence a ladder, not folding alone


@pytest.mark.parametrize(
    ("text", "folded"),
    [("Đặng Đức Độ", "DANG DUC DO"), ("NGUYỄN", "NGUYEN"), ("người", "NGUOI"), ("", ""), (None, "")],
)
def test_fold_maps_d_stroke_and_strips_accents(text: str | None, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [("Lý", "Lí", True), ("Kỳ", "Kì", True), ("Mỹ", "Mĩ", True), ("Quý", "Quí", True), ("Thủy", "Thủi", False),
     ("Yến", "Iến", False)],
)
def test_fold_iy(a: str, b: str, same: bool) -> None:
    assert (fold_iy(a) == fold_iy(b)) is same


def test_regional_surname_variants_from_lexicon() -> None:
    assert surname_variant_key("Huỳnh") == surname_variant_key("HOÀNG") == "HOANG"
    assert surname_variant_key("Võ") == surname_variant_key("Vũ") == "VU"
    assert surname_variant_key("Trần") != surname_variant_key("Lê")


def test_split_name() -> None:
    assert split_name("Nguyễn Thị Hồng Nhung") == ("NGUYỄN", "THỊ HỒNG", "NHUNG")
    assert split_name("NGUYỄN MAI") == ("NGUYỄN", "", "MAI")
    assert split_name("") == ("", "", "")
