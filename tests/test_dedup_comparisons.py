"""Comparison levels, table-driven (in the style of Splink's test_comparison_level_lib)."""

from __future__ import annotations

import pytest

from pipeline.dedup.comparisons import (
    DateComparison,
    EditDistanceComparison,
    ExactComparison,
    NameComparison,
    PlaceComparison,
    YearComparison,
)

HO = NameComparison("ho", "nksHoTen", part="surname")
DEM = NameComparison("ten_dem", "nksHoTen", part="middle")
TEN = NameComparison("ten", "nksHoTen", part="given")
FULL = NameComparison("me_ho_ten", "meHoTen", part="full")


def level(comp, a, b) -> str:
    k = comp.level_of(a, b)
    return "null" if k < 0 else comp.level_names[k]


@pytest.mark.parametrize(
    ("comp", "a", "b", "expected"),
    [
        (HO, "NGUYỄN VĂN AN", "NGUYỄN VĂN AN", "exact"),
        (HO, "NGUYỄN VĂN AN", "NGUYÊN VĂN AN", "exact_folded"),  # OCR lost the tilde
        (HO, "NGUYỄN VĂN AN", "NGUYEN VAN AN", "exact_folded"),
        (HO, "HUỲNH VĂN AN", "HOÀNG VĂN AN", "regional_variant"),
        (HO, "VÕ THỊ LAN", "VŨ THỊ LAN", "regional_variant"),
        (HO, "NGUYỄN VĂN AN", "NGUYỂN VĂN AN", "exact_folded"),
        (HO, "NGUYỄN VĂN AN", "TRẦN VĂN AN", "else"),
        (HO, "NGUYỄN VĂN AN", None, "null"),
        (TEN, "NGUYỄN THỊ ÁNH", "NGUYỄN THỊ ẢNH", "exact_folded"),
        (TEN, "TRẦN THỊ HOÀ", "TRẦN THỊ HÒA", "exact"),  # tone placement only
        (TEN, "LÊ THỊ LÝ", "LÊ THỊ LÍ", "i_y_variant"),
        (TEN, "LÊ VĂN KỲ", "LÊ VĂN KÌ", "i_y_variant"),
        (TEN, "PHẠM VĂN HƯNG", "PHẠM VĂN HÙNG", "exact_folded"),  # folding merges Hưng/Hùng: lower level
        (TEN, "PHẠM THỊ PHƯƠNG", "PHẠM THỊ PHUONH", "one_edit"),  # OCR typo: one substitution
        (TEN, "PHẠM THỊ PHƯƠNG", "PHẠM THỊ PHUOGN", "one_edit"),  # transposition
        (TEN, "PHẠM THỊ PHƯƠNG", "PHẠM THỊ PHUNGG", "jw>=0.92"),
        (TEN, "PHẠM VĂN HƯNG", "PHẠM VĂN HUNH", "one_edit"),
        (TEN, "PHẠM VĂN HƯNG", "PHẠM VĂN LONG", "else"),
        (DEM, "NGUYỄN THỊ MAI", "NGUYỄN THỊ MAI", "exact"),
        (DEM, "NGUYỄN THỊ MAI", "NGUYỄN MAI", "one_missing"),  # dropped middle name tolerated
        (DEM, "NGUYỄN MAI", "NGUYỄN MAI", "null"),  # no middle name on either side: no evidence
        (DEM, "NGUYỄN THỊ MAI", "NGUYỄN VĂN MAI", "else"),
        (FULL, "TRẦN THỊ LAN", "TRẦN THỊ LAN", "exact"),
        (FULL, "TRẦN THỊ LAN", "TRAN THI LAN", "exact_folded"),
        (FULL, "TRẦN THỊ LAN", "TRẦN LAN", "ho_ten_folded_middle_differs"),
        (FULL, "HUỲNH THỊ LAN", "HOÀNG THỊ LAN", "ho_ten_folded_middle_differs"),
        (FULL, "TRẦN THỊ LAN", "LÊ VĂN HÙNG", "else"),
    ],
)
def test_name_levels(comp, a, b, expected) -> None:
    assert level(comp, a, b) == expected


DOB = DateComparison("ngay_sinh", "nksNgaySinh")


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("1987-03-15", "1987-03-15", "exact"),
        ("15/03/1987", "1987-03-15", "exact"),
        ("1987-03-05", "1987-05-03", "day_month_swapped"),
        ("1987-03-15", "1987", "partial_agrees"),
        ("1987-03-15", "1987-03", "partial_agrees"),
        ("1987", "1987", "partial_agrees"),
        ("1987-03-15", "1987-03-16", "one_edit"),
        ("1987-03-15", "1987-11-20", "same_year"),
        ("1987-03-15", "1988-11-20", "year_within_1"),
        ("1987-03-15", "1960-01-01", "else"),
        ("1987-03-15", "", "null"),
        ("1987-03-15", "không rõ", "null"),
    ],
)
def test_date_levels(a, b, expected) -> None:
    assert level(DOB, a, b) == expected


@pytest.mark.parametrize(
    ("comp", "a", "b", "expected"),
    [
        (YearComparison("me_nam_sinh", "meNgaySinh"), "1962", "1962-04-05", "exact"),
        (YearComparison("me_nam_sinh", "meNgaySinh"), "1962", "1963", "within_1"),
        (YearComparison("me_nam_sinh", "meNgaySinh"), "1962", "1975", "else"),
        (ExactComparison("gioi_tinh", "nksGioiTinh", normalize="sex"), "Nam", "1", "exact"),
        (ExactComparison("gioi_tinh", "nksGioiTinh", normalize="sex"), "Nữ", "Nam", "else"),
        (EditDistanceComparison("id", "x", digits_only=True), "024187000123", "024 187 000 123", "exact"),
        (EditDistanceComparison("id", "x", digits_only=True), "024187000123", "024187000132", "dl<=1"),
        (EditDistanceComparison("id", "x", digits_only=True), "024187000123", "079299111222", "else"),
    ],
)
def test_other_levels(comp, a, b, expected) -> None:
    assert level(comp, a, b) == expected


PLACE = PlaceComparison("noi_sinh", "nksNoiSinh")


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (
            "xã Hòa Thịnh, huyện Tây Hòa, tỉnh Phú Yên",
            "Xã Hoà Thịnh, Huyện Tây Hoà, Tỉnh Phú Yên",
            "exact_folded",
        ),
        # the old commune and the 2025 ward it became (Phú Yên merged into Đắk Lắk)
        ("xã Hòa Thịnh, huyện Tây Hòa, tỉnh Phú Yên", "xã Hòa Thịnh, tỉnh Đắk Lắk", "same_unit"),
        # two old communes merged into one new ward
        (
            "xã Hòa Đồng, huyện Tây Hòa, tỉnh Phú Yên",
            "xã Hòa Thịnh, huyện Tây Hòa, tỉnh Phú Yên",
            "same_unit",
        ),
        ("phường Phúc Xá, quận Ba Đình, thành phố Hà Nội", "phường Hồng Hà, thành phố Hà Nội", "same_unit"),
        ("xã Hòa Thịnh, huyện Tây Hòa, tỉnh Phú Yên", "Bệnh viện Đa khoa tỉnh Phú Yên", "same_province"),
        (
            "xã Hòa Thịnh, huyện Tây Hòa, tỉnh Phú Yên",
            "phường Phúc Xá, quận Ba Đình, thành phố Hà Nội",
            "else",
        ),
        ("xã Hòa Thịnh, huyện Tây Hòa, tỉnh Phú Yên", None, "null"),
    ],
)
def test_place_levels(a, b, expected) -> None:
    assert level(PLACE, a, b) == expected


def test_factorize_and_map_distinct() -> None:
    from pipeline.dedup.comparisons import _factorize, map_distinct

    cases = [
        (["b", "a", "b", None, "", "c"], [0, 1, 0, -1, -1, 2], ["b", "a", "c"]),
        ([None, None], [-1, -1], []),
        ([], [], []),
    ]
    for values, codes, uniq in cases:
        c, u = _factorize(values)
        assert c.tolist() == codes and u == uniq
    calls: list[str] = []
    assert map_distinct(lambda v: calls.append(v) or v.upper(), ["x", "y", "x", "x"]) == ["X", "Y", "X", "X"]
    assert calls == ["x", "y"]  # once per distinct value


def test_column_encodes_once_and_recodes_per_distinct_value() -> None:
    from pipeline.dedup.comparisons import Column

    calls: list[str] = []
    col = Column.encode([" a", "b", None, " a", "", "c"], lambda v: v.strip() or None if v else None)
    assert col.codes.tolist() == [0, 1, -1, 0, -1, 2] and col.values == ["a", "b", "c"]

    def up(v: str) -> str | None:
        calls.append(v)
        return None if v == "b" else v.upper()

    codes, uniq = col.normalize(up)
    assert codes.tolist() == [0, -1, -1, 0, -1, 1] and uniq == ["A", "C"]
    col.normalize(up)
    assert calls == ["a", "b", "c"]  # memoised per function, once per distinct value
    # a comparison prepared from an encoded column equals one prepared from the raw list
    values = ["Nguyễn Văn An", None, "NGUYEN VAN AN", "Lê Thị Bình"]
    a = NameComparison("ten", "x", part="given").prepare(values)
    b = NameComparison("ten", "x", part="given").prepare_column(Column.encode(values))
    assert a.codes.tolist() == b.codes.tolist() == [0, -1, 0, 1]  # AN and An: one canonical value
