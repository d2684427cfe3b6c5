from __future__ import annotations

import unicodedata

import pytest

from pipeline.normalize import normalize_field, place_commune_suggested, resolve_place

HT = "xã Hòa Thịnh, huyện Tây Hoà, tỉnh Phú Yên"  # the gazetteer spells the district "Tây Hoà"

PLACES = [
    ("xã Hòa Thịnh, huyện Tây Hòa, tỉnh Phú Yên", HT),
    ("Xã Hòa Thịnh, Huyện Tây Hòa, Tỉnh Phú Yên", HT),
    ("X. Hòa Thịnh - H. Tây Hòa - T. Phú Yên", HT),
    ("X.Hòa Thịnh, H.Tây Hòa, T.Phú Yên", HT),
    ("Hòa Thịnh, Tây Hòa, Phú Yên", HT),  # unit words inferred
    ("Hoà Thịnh, Tây Hoà, Phú Yên", HT),  # other tone placement
    ("Xa Hoa Thinh, huyen Tay Hoa, tinh Phu Yen", HT),  # diacritics lost
    ("xã Hòa Thịnh,\nhuyện Tây Hòa, tỉnh Phú Yên", HT),  # wrapped line
    ("xã Hòa Thịnh, huyện Tây Hòa, tỉnh Phú Yên.", HT),
    ("thôn Phú Lộc, xã Hòa Thịnh, huyện Tây Hòa, tỉnh Phú Yên", "thôn Phú Lộc, " + HT),
    ("Q.1, TP.HCM", "quận 1, thành phố Hồ Chí Minh"),
    ("Quận 1, TP. Hồ Chí Minh", "quận 1, thành phố Hồ Chí Minh"),
    ("P. Tân Định, Q.1, TP.HCM", "phường Tân Định, quận 1, thành phố Hồ Chí Minh"),
    ("P.5, TP. Tuy Hòa, T. Phú Yên", "phường 5, thành phố Tuy Hoà, tỉnh Phú Yên"),
    ("P5 - TP. Tuy Hòa - T. Phú Yên", "phường 5, thành phố Tuy Hoà, tỉnh Phú Yên"),  # no dot after P
    ("P 12, Q.Gò Vấp, TP.HCM", "phường 12, quận Gò Vấp, thành phố Hồ Chí Minh"),
    ("Q1, TP.HCM", "quận 1, thành phố Hồ Chí Minh"),
    ("P7-Q.11-TP.HCM", "phường 7, quận 11, thành phố Hồ Chí Minh"),  # dashes without spaces
    # the dot of a one-letter abbreviation lost by OCR (thin fonts)
    ("X. Hòa Thịnh, H\nTây Hòa, T.\nPhú Yên", HT),
    ("X. Hòa Thịnh - H\nTây Hòa - T.\nPhú Yên", HT),
    ("X. Hòa Thịnh, H. Tây Hòa, T Phú Yên", HT),
    ("X. Hòa Thịnh - H. Tây Hòa -T Phú Yên", HT),
    ("X Hòa Thịnh, H Tây Hòa, T Phú Yên", HT),
    ("P Tân Định, Q.1, TP.HCM", "phường Tân Định, quận 1, thành phố Hồ Chí Minh"),
    ("X. Cao Xuân Dương - H. Thanh Oai - TP, Hà Nội", "xã Cao Xuân Dương, huyện Thanh Oai, thành phố Hà Nội"),
    ("TI. Quang Minh - H. Mê Linh - TP. Hà Nội", "thị trấn Quang Minh, huyện Mê Linh, thành phố Hà Nội"),
    ("Tp Tuy Hòa, Phú Yên", "thành phố Tuy Hoà, tỉnh Phú Yên"),
    ("phường Trúc Bạch, quận Ba Đình, Hà Nội", "phường Trúc Bạch, quận Ba Đình, thành phố Hà Nội"),
    ("huyện Ba Vì, tỉnh Hà Tây", "huyện Ba Vì, tỉnh Hà Tây"),  # province that ceased in 2008
    ("tỉnh Sông Bé", "tỉnh Sông Bé"),
    ("Trạm Y tế xã Hòa Thịnh, huyện Tây Hòa, tỉnh Phú Yên", "Trạm Y tế " + HT),
    ("Trạm Y tế X. Hòa Thịnh - H. Tây Hòa - T. Phú Yên", "Trạm Y tế " + HT),
    ("Trạm Y tếX. Hòa Thịnh - H. Tây Hòa - T. Phú Yên", "Trạm Y tế " + HT),  # abbreviation run into a word
    ("Trạm Y tế Hòa Thịnh, Tây Hòa, Phú Yên", "Trạm Y tế " + HT),
    ("Bệnh viện Đa khoa tỉnh Phú Yên", "Bệnh viện Đa khoa tỉnh Phú Yên"),
    ("BVĐK tỉnh Phú Yên", "Bệnh viện Đa khoa tỉnh Phú Yên"),
    ("Bệnh viện Từ Dũ, TP.HCM", "Bệnh viện Từ Dũ, thành phố Hồ Chí Minh"),
    ("Trung tâm Y tế huyện Tây Hòa, tỉnh Phú Yên", "Trung tâm Y tế huyện Tây Hoà, tỉnh Phú Yên"),
    ("TT. Phú Thứ, H. Tây Hòa, T. Phú Yên", "thị trấn Phú Thứ, huyện Tây Hoà, tỉnh Phú Yên"),
    ("tỉnh Thừa Thiên Huế", "tỉnh Thừa Thiên Huế"),  # renamed Thành phố Huế in 2025: as of its era
]


@pytest.mark.parametrize(("raw", "value"), PLACES)
def test_places(raw: str, value: str) -> None:
    n = normalize_field("place", raw)
    assert (n.status, n.value) == ("ok", value), (n.reason, n.rules)


def test_resolution_units() -> None:
    r = resolve_place("Hòa Thịnh, Tây Hòa, Phú Yên")
    assert r.scheme == "legacy" and r.resolved
    assert r.legacy["province"]["code"] == "54" and r.legacy["ward"]["name"] == "Hòa Thịnh"
    assert r.current["province"]["name"] == "Tỉnh Đắk Lắk"
    assert r.current["ward"]["name"] == "Xã Hòa Thịnh"
    assert not r.ambiguous


def test_split_commune_is_ambiguous() -> None:
    # Phường Cống Vị (Ba Đình) was divided among several new wards (partial=true)
    r = resolve_place("phường Cống Vị, quận Ba Đình, thành phố Hà Nội")
    assert r.ambiguous and len(r.current_candidates) > 1 and r.current["ward"] is None


@pytest.mark.parametrize(
    ("raw", "status", "value"),
    [
        ("UBND xã An Linh", "ok", "UBND xã An Linh"),  # spelled as a commune is
        # an unseen Chromium page: no unit is spelled "An Lình" (An Linh, An Lĩnh): the marks are a guess
        ("UBND xã An Lình", "invalid", "UBND xã An Lình"),
    ],
)
def test_a_name_several_units_carry_must_be_spelled_as_one(raw: str, status: str, value: str) -> None:
    n = normalize_field("office", raw, confidence=0.95)
    assert (n.status, n.value) == (status, value), n.reason
    if status == "invalid":
        assert "An Linh / An Lĩnh" in (n.reason or "")


def test_a_name_several_units_carry_takes_their_one_spelling_with_a_rule() -> None:
    n = normalize_field("place", "xã Tàn Lập", confidence=0.95)  # every Tân Lập is spelled so
    assert (n.status, n.value) == ("ok", "xã Tân Lập") and "gazetteer:Tàn Lập->Tân Lập" in n.rules


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("UBND xã Long\nĐứC", "UBND xã Long Đức"),  # held-out 165: the C of Đức read capital, accepted
        ("UBND XÃ LONG ĐỨC", "UBND xã Long Đức"),
        ("UBND xã long đức", "UBND xã Long Đức"),
    ],
)
def test_a_name_several_units_carry_written_in_other_case_takes_their_spelling(raw: str, value: str) -> None:
    n = normalize_field("office", raw, confidence=0.95)
    assert n.value == value and any(r.startswith("gazetteer:") for r in n.rules), n.rules


def test_historical_province() -> None:
    r = resolve_place("huyện Ba Vì, tỉnh Hà Tây")
    assert r.historical_province["name"] == "Hà Tây"
    assert r.legacy["district"]["name"] == "Ba Vì" and r.legacy["province"]["code"] == "01"


def test_2025_units_after_reform() -> None:
    r = resolve_place("phường Ba Đình, thành phố Hà Nội", on_date="2025-08-01")
    assert r.scheme == "2025" and r.current["ward"]["code"] == "00004"


@pytest.mark.parametrize("raw", ["xã Foo, huyện Tây Hòa, tỉnh Phú Yên", "Làng Không Có", "xã Bar, tỉnh Baz"])
def test_unknown_place_kept_and_flagged(raw: str) -> None:
    n = normalize_field("place", raw)
    assert n.status == "invalid" and n.reason and n.value


OFFICES = [
    ("UBND xã Hòa Thịnh, huyện Tây Hòa, tỉnh Phú Yên", "UBND " + HT),
    ("Ủy ban nhân dân xã Hòa Thịnh, huyện Tây Hòa, tỉnh Phú Yên", "UBND " + HT),
    ("UBND X. Hòa Thịnh - H. Tây Hòa - T. Phú Yên", "UBND " + HT),
    ("UBND P5 - TP. Tuy Hòa - T. Phú Yên", "UBND phường 5, thành phố Tuy Hoà, tỉnh Phú Yên"),
    ("Bệnh viện Đa khoa tỉnh Phú Yên", "Bệnh viện Đa khoa tỉnh Phú Yên"),
    # a stray bracket before UBND is no word of the office (it had made "UBND UBND, xã Vĩnh Quỳnh, ...")
    (") UBND X. Vĩnh Quỳnh - H. Thanh Trì - TP. Hà Nội", "UBND xã Vĩnh Quỳnh, huyện Thanh Trì, thành phố Hà Nội"),
]


@pytest.mark.parametrize(("raw", "value"), OFFICES)
def test_office(raw: str, value: str) -> None:
    n = normalize_field("office", raw)
    assert (n.status, n.value) == ("ok", value), n.reason


def test_district_missing_from_snapshot_still_resolves_ward() -> None:
    # the district "thành phố Huế" was split into quận Phú Xuân / Thuận Hóa before the legacy snapshot
    for raw in ("phường Phú Hội, thành phố Huế, tỉnh Thừa Thiên Huế", "P. Phú Hội, TP. Huế, TT-Huế"):
        n = normalize_field("place", raw)
        assert n.value == "phường Phú Hội, thành phố Huế, tỉnh Thừa Thiên Huế"
        assert n.status == "invalid" and "thành phố Huế" in n.reason
        assert n.details["legacy"]["ward"]["code"] == "19786"


IA_GLAI = "xã Ia Glai, huyện Chư Sê, tỉnh Gia Lai"
# Real Tesseract output from the sample scans (bench/results/ocr_bench.json): capital I read as l or T,
# l read as i, separators read as ~ or %, the dot of T. read as a comma.
OCR_PLACES = [
    ("X. la Giai - H. Chư Sê ~T. Gia Lai", IA_GLAI),
    ("X. la Glai - H. Chư Sê ~T. Gia Lai", IA_GLAI),
    ("X. la Giai - H. Chư Sê -T. Gia Lai", IA_GLAI),
    ("la Giai, Chư Sê, Gia Lai", IA_GLAI),
    ("Ta Giai, Chư Sê, Gia Lai", IA_GLAI),
    ("Ta Glai, Chư Sê, Gia Lai", IA_GLAI),
    ("Xã la Giai, huyện Chư Sê, tỉnh Gia Lai", IA_GLAI),
    ("XÃ IA GIAI, HUYỆN CHƯ SÊ, TỈNH GIA LAI", IA_GLAI),  # all capitals: l/I indistinguishable anyway
    ("Xã la Tiêm, huyện Chư Sê, tỉnh Gia Lai", "xã Ia Tiêm, huyện Chư Sê, tỉnh Gia Lai"),
    ("la HLốp, Chư Sê, Gia Lai", "xã Ia HLốp, huyện Chư Sê, tỉnh Gia Lai"),
    ("X. Ninh Hưng, T%. Ninh Hòa, T. Khánh Hòa", "xã Ninh Hưng, thị xã Ninh Hòa, tỉnh Khánh Hòa"),
    ("X. Ninh An, T%X. Ninh Hòa, T. Khánh Hòa", "xã Ninh An, thị xã Ninh Hòa, tỉnh Khánh Hòa"),
    ("P. Kim Chân - TP. Bắc Ninh - T, Bắc Ninh", "phường Kim Chân, thành phố Bắc Ninh, tỉnh Bắc Ninh"),
    ("P. Kim Chân - TP. Bắc Ninh - T., Bắc Ninh", "phường Kim Chân, thành phố Bắc Ninh, tỉnh Bắc Ninh"),
    # a unit letter ending the facility's part (aged seed 1223: "Trạm Y tế X" had been taken, accepted)
    ("Trạm Y tế X, Châu Bình - H. Giồng Trôm - T. Bến Tre", "Trạm Y tế xã Châu Bình, huyện Giồng Trôm, tỉnh Bến Tre"),
    # a unit word ending the facility's name, a wrap's speck after it (fresh aged seed 1329: accepted as
    # "Trạm Y tế Phường, phường Trường An")
    ("Trạm Y tế Phường, Trường An, thành phố Vĩnh Long, tỉnh Vĩnh Long",
     "Trạm Y tế phường Trường An, thành phố Vĩnh Long, tỉnh Vĩnh Long"),
    ("Trạm Y tế Thị trấn, Quốc Oai, huyện Quốc Oai, thành phố Hà Nội",
     "Trạm Y tế thị trấn Quốc Oai, huyện Quốc Oai, thành phố Hà Nội"),
    # "Tịnh" folds like the unit word "tỉnh": the bare district name wins when it exists
    ("An Cư, Tịnh Biên, An Giang", "xã An Cư, thị xã Tịnh Biên, tỉnh An Giang"),
    # a hyphenated province with a mark OCR changed keeps its hyphen (not split into "Bà Rịa, Vũng Tâu")
    ("X. Cù Bị, H. Châu Đức, T. Bà Rịa - Vũng Tâu", "xã Cù Bị, huyện Châu Đức, tỉnh Bà Rịa - Vũng Tàu"),
    # a facility prefix with a mark OCR changed takes the list's spelling
    ("Trạm Ÿ tế xã Tân Hưng, huyện Hớn Quản, tỉnh Bình Phước", "Trạm Y tế xã Tân Hưng, huyện Hớn Quản, tỉnh Bình Phước"),
]


@pytest.mark.parametrize(("raw", "value"), OCR_PLACES)
def test_ocr_place_repairs(raw: str, value: str) -> None:
    n = normalize_field("place", raw)
    assert (n.status, n.value) == ("ok", value), (n.reason, n.rules)


@pytest.mark.parametrize(
    ("raw", "written", "name", "factor"),
    # look-alike classes only: 0.9, and the whole chain verified keeps a quarter of the rest
    [("xã la Giai, huyện Chư Sê, tỉnh Gia Lai", "la Giai", "Ia Glai", 1 - 0.1 / 4),
     ("Ta Giai, Chư Sê, Gia Lai", "Ta Giai", "Ia Glai", 0.75)],  # and one capital I read as T
)  # fmt: skip
def test_fuzzy_repair_recorded_and_lowers_confidence(
    raw: str, written: str, name: str, factor: float
) -> None:
    n = normalize_field("place", raw, confidence=1.0)
    assert f"gazetteer_fuzzy:{written}->{name}" in n.rules
    assert n.confidence == pytest.approx(factor)
    assert n.details["fuzzy"][0]["name"] == name
    assert n.details["legacy"]["ward"]["code"] == "23950"


def test_fuzzy_office() -> None:
    n = normalize_field("office", "UBND xã la Giai, huyện Chư Sê, tỉnh Gia Lai", confidence=1.0)
    assert (n.status, n.value) == ("ok", "UBND " + IA_GLAI)
    assert "gazetteer_fuzzy:la Giai->Ia Glai" in n.rules and n.confidence < 1.0


@pytest.mark.parametrize(
    "raw",
    [
        # one real letter away from a sibling: a commune merged away before the snapshot must not be turned
        # into its neighbour (Hòa Thịnh / Hòa Thành, Yên Lâm / Yên Tâm: L is no look-alike of T)
        "xã Hòa Thành, huyện Tây Hòa, tỉnh Phú Yên",
        "xã Ia Kal, huyện Chư Sê, tỉnh Gia Lai",  # Ia Pal / Ia Ko: no look-alike edit reaches either
        "xã Dan, huyện Chư Sê, tỉnh Gia Lai",  # short name: Dun is a real edit away
    ],
)
def test_fuzzy_does_not_invent_units(raw: str) -> None:
    n = normalize_field("place", raw)
    assert n.status == "invalid" and not [r for r in n.rules if r.startswith("gazetteer_fuzzy")]
    assert n.value == normalize_field("place", raw).value and raw.split(",")[0].lower() in n.value.lower()


# Provinces and the districts of a resolved province take one real edit (misreads on Chromium-typeset
# pages), but only when every other name is a further edit away; communes do not (above).
@pytest.mark.parametrize(
    ("raw", "value"),
    [("Xã Đắk Pne, huyện Kon Rẫy, tỉnh Koơn Tum", "xã Đắk Pne, huyện Kon Rẫy, tỉnh Kon Tum"),
     ("H. Kon Rẫy- T. Kon Tu", "huyện Kon Rẫy, tỉnh Kon Tum"),
     ("X. Cẩm Đông - H. Cẩn Giàng - T. Hải Dương", "xã Cẩm Đông, huyện Cẩm Giàng, tỉnh Hải Dương"),
     ("huyện Bắc Mê, tỉnh Hà Gian", "huyện Bắc Mê, tỉnh Hà Giang")],  # Hậu Giang is two edits away
)  # fmt: skip
def test_one_real_edit_on_provinces_and_districts(raw: str, value: str) -> None:
    n = normalize_field("place", raw, confidence=1.0)
    assert (n.status, n.value) == ("ok", value) and any(r.startswith("gazetteer_fuzzy:") for r in n.rules)
    assert n.confidence == pytest.approx(0.75)  # a reviewer sees a real edit


# Unseen Chromium pages: a province that lost its last letter at the cell's edge (Hà Nam is two edits
# from "Hà Nộ"); a district one edit from two of the province's, settled by the commune written before it.
@pytest.mark.parametrize(
    ("raw", "value"),
    [("X. Bình Lưu Quang - H. Ứng Hòa - TP. Hà Nộ", "xã Bình Lưu Quang, huyện Ứng Hòa, thành phố Hà Nội"),
     ("X. Mường Mươn - H. Mường Chè - T. Điện Biên", "xã Mường Mươn, huyện Mường Chà, tỉnh Điện Biên"),
     ("X. Huổi Lèng - H. Mường Chè - T. Điện Biên", "xã Huổi Lèng, huyện Mường Chà, tỉnh Điện Biên"),
     # bare, one edit off (fresh aged seed 1327): the commune before it, found there exactly, vouches
     ("Hòa Thành, Cà Mqu, Cà Mau", "xã Hòa Thành, thành phố Cà Mau, tỉnh Cà Mau"),
     ("Đào Xá, Phú Bìnhh, Thái Nguyên", "xã Đào Xá, huyện Phú Bình, tỉnh Thái Nguyên"),
     # two edits off under its district word (fresh book photographs 1161, 1155): the commune, found as
     # spelled in that district only, vouches
     ("xã Sơn Vĩ, huyện Mòo Vọc, tỉnh Hà Giang", "xã Sơn Vĩ, huyện Mèo Vạc, tỉnh Hà Giang"),
     ("xã Quỳnh Lâm, huyện Quỳnh Liểu, tỉnh Nghệ An", "xã Quỳnh Lâm, huyện Quỳnh Lưu, tỉnh Nghệ An"),
     # an italic "ir" read as ư (fresh aged seed 1361): Ea Tir is the one commune of Ea H'leo so spelt
     ("X. Ea Tư, H. Ea H'leo, T. Đắk Lắk", "xã Ea Tir, huyện Ea H'leo, tỉnh Đắk Lắk"),
     ("xã Ea Từ, huyện Ea H'leo, tỉnh Đắk Lắk", "xã Ea Tir, huyện Ea H'leo, tỉnh Đắk Lắk"),
     # ư's horn read as an r after an i (fresh photograph 1371): the province's one district so spelt
     ("Sơn Hải, Kiên Lirơng, tỉnh Kiên Giang", "xã Sơn Hải, huyện Kiên Lương, tỉnh Kiên Giang"),
     ("huyện Kiên Lirơng, tỉnh Kiên Giang", "huyện Kiên Lương, tỉnh Kiên Giang"),
     # a serif 14 read "1I4" (aged seed 1353): 114 is no ward of quận 3, so the I was a speck
     ("phường 1I4, quận 3, thành phố Hồ Chí Minh", "phường 14, quận 3, thành phố Hồ Chí Minh"),
     ("P. 1I4 - Q. 3 - TP. HCM", "phường 14, quận 3, thành phố Hồ Chí Minh")],
)  # fmt: skip
def test_last_letter_lost_and_a_district_the_commune_settles(raw: str, value: str) -> None:
    n = normalize_field("place", raw, confidence=1.0)
    assert (n.status, n.value) == ("ok", value), (n.reason, n.rules)
    assert n.confidence == pytest.approx(0.75)  # a real edit: the reviewer sees it


# a letter among a ward's digits read either way gives two wards of the district ("1I": 11 or 1), or none
@pytest.mark.parametrize("ward", ["1I", "I4", "7I", "1I9"])
def test_a_letter_among_a_wards_digits_that_leaves_two_wards_or_none_is_no_ward(ward: str) -> None:
    n = normalize_field("place", f"phường {ward}, quận 3, thành phố Hồ Chí Minh", confidence=1.0)
    assert n.status == "invalid" and f"phường {ward}" in (n.value or ""), (n.value, n.rules)


# A fresh clean page (seed 1153): no unit words, the province one edit off ("Yên Bói"). Alone, a bare last
# part one edit from a province may be a district or town; a district of that province written exactly
# before it (or broken at a line's end) vouches for it. Nothing else does.
@pytest.mark.parametrize(
    ("raw", "value"),
    [("Xuân Ái, Văn Yên, Yên Bói", "xã Xuân Ái, huyện Văn Yên, tỉnh Yên Bái"),
     ("Yên Hợp, Văn\nYên, Yên Bói", "xã Yên Hợp, huyện Văn Yên, tỉnh Yên Bái"),
     ("Văn Yên, Yên Bói", "huyện Văn Yên, tỉnh Yên Bái"),
     ("Xuân Ái, Yên Bói", None),  # a commune vouches for nothing: no district of Yên Bái written
     ("Yên Bói", None),
     ("Xuân Ái, Tây Hòa, Yên Bói", None)],  # a district of another province
)  # fmt: skip
def test_a_bare_province_one_edit_off_is_vouched_for_by_its_district(raw: str, value: str | None) -> None:
    n = normalize_field("place", raw, confidence=1.0)
    if value is None:
        assert n.status == "invalid" and not any(r.startswith("gazetteer_fuzzy:") for r in n.rules)
        return
    assert (n.status, n.value) == ("ok", value), (n.reason, n.rules)
    assert "gazetteer_fuzzy:Yên Bói->Yên Bái" in n.rules and n.confidence == pytest.approx(0.75)


def test_a_district_two_communes_could_settle_is_not_guessed() -> None:
    # Mường Chè is one edit from Mường Chà and Mường Nhé; a commune the gazetteer does not know decides nothing
    n = normalize_field("place", "X. Foo - H. Mường Chè - T. Điện Biên")
    assert n.status == "invalid" and not [r for r in n.rules if r.startswith("gazetteer_fuzzy")]
    # a bare part one edit from a district, with no commune of it written before: perhaps a commune itself
    for raw in ("Tây Hòx, Phú Yên", "Foo, Tây Hòx, Phú Yên"):
        n = normalize_field("place", raw)
        assert n.status == "invalid" and not [r for r in n.rules if r.startswith("gazetteer_fuzzy")], raw
    # a bare name a commune of the province carries is that commune, whatever district it is an edit from
    # (Phú Đình is a commune of Thái Nguyên, one edit from huyện Phú Bình, where Bảo Lý lies)
    n = normalize_field("place", "Bảo Lý, Phú Đình, Thái Nguyên")
    assert "Phú Bình" not in (n.value or "") and "xã Phú Đình" in (n.value or ""), n.value
    # two edits off: only under its district word, a long name of whole syllables ("huyện Mòo Vọc") whose
    # commune is found as spelled; bare, with a commune not found, or letters no syllable has ("Tây Hxx",
    # two edits from Tây Hòa, where Hòa Thịnh lies): nothing is guessed
    for raw in ("xã Sơn Vĩ, Mòo Vọc, tỉnh Hà Giang", "xã Foo, huyện Mòo Vọc, tỉnh Hà Giang",
                "xã Hòa Thịnh, huyện Tây Hxx, tỉnh Phú Yên"):
        n = normalize_field("place", raw)
        assert n.status == "invalid" and not [r for r in n.rules if r.startswith("gazetteer_fuzzy")], raw


# A numbered ward in the other numeral system ("phường I" where Đà Lạt numbers 1, 2, 3; Vị Thanh writes
# Phường I, III...); a commune or city named like a village ("Buôn Choah", "Buôn Ma Thuột") written bare.
@pytest.mark.parametrize(
    ("raw", "value"),
    [("phường I, thành phố Đà Lạt, tỉnh Lâm Đồng", "phường 1, thành phố Đà Lạt, tỉnh Lâm Đồng"),
     ("phường 3, thành phố Vị Thanh, tỉnh Hậu Giang", "phường III, thành phố Vị Thanh, tỉnh Hậu Giang"),
     # bare, inside a district written (a book photograph's "1, Vị Thanh, Hậu Giang" for phường I)
     ("1, Vị Thanh, Hậu Giang", "phường I, thành phố Vị Thanh, tỉnh Hậu Giang"),
     ("I, Q.3, TP.HCM", "phường 1, quận 3, thành phố Hồ Chí Minh"),
     ("Buôn Choah, Krông Nô, Đắk Nông", "xã Buôn Choah, huyện Krông Nô, tỉnh Đắk Nông"),
     ("Thôn 3, Buôn Choah, Krông Nô, Đắk Nông", "Thôn 3, xã Buôn Choah, huyện Krông Nô, tỉnh Đắk Nông"),
     ("Buôn Ma Thuột, Đắk Lắk", "thành phố Buôn Ma Thuột, tỉnh Đắk Lắk"),
     ("Buôn Đôn, xã Ea Wer, huyện Buôn Đôn, tỉnh Đắk Lắk", "Buôn Đôn, xã Ea Wer, huyện Buôn Đôn, tỉnh Đắk Lắk")],
)  # fmt: skip
def test_numbered_wards_and_units_named_like_villages(raw: str, value: str) -> None:
    n = normalize_field("place", raw)
    assert (n.status, n.value) == ("ok", value), (n.reason, n.rules)


# OCR's specks inside a place (unseen Chromium pages): a place whole without them is taken, at a fuzzy
# repair's cost (a reviewer confirms); one that stays broken is flagged as read.
@pytest.mark.parametrize(
    ("raw", "value"),
    [("xã Hương Thủy, huyện z Hương ` ‹ Khê, tỉnh Hà Tĩnh", "xã Hương Thủy, huyện Hương Khê, tỉnh Hà Tĩnh"),
     ("X. Thiệu Tiến“ H. Thiệu Hóa - - T. Thanh Hóa Ẫ", "xã Thiệu Tiến, huyện Thiệu Hóa, tỉnh Thanh Hóa"),
     ("xãAn Phước, huyện Tân Hồng, tỉnh Đồng Tháp", "xã An Phước, huyện Tân Hồng, tỉnh Đồng Tháp"),
     ("Xã Nhị Bình, huyệnHóc Môn, thành phố Hồ Chí Minh", "xã Nhị Bình, huyện Hóc Môn, thành phố Hồ Chí Minh"),
     ("XãAn Phước, huyện Tân Hồng, tỉnh Đồng Tháp", "xã An Phước, huyện Tân Hồng, tỉnh Đồng Tháp"),
     # letters cased as no word is (a small one before a capital), a phone photograph's stroke: a speck
     ("H. Nghi Lộc, T.\nNghệ An vYp", "huyện Nghi Lộc, tỉnh Nghệ An"),
     ("X. Suối Đá, H. Dương Ỉ S Minh Châu, T. Tây Ni đ", None)],  # "Tây Ni": two letters short
)  # fmt: skip
def test_specks_in_a_place_are_dropped_when_the_place_is_then_whole(raw: str, value: str | None) -> None:
    n = normalize_field("place", raw, confidence=1.0)
    if value is None:
        assert n.status == "invalid" and not [r for r in n.rules if r.startswith("ocr_specks_dropped")]
        return
    assert (n.status, n.value) == ("ok", value), (n.reason, n.rules)
    assert any(r.startswith(("ocr_specks_dropped", "place_unit_unglued")) for r in n.rules) and n.confidence < 0.9


# One vowel read twice with other marks (unseen Chromium pages): both copies toned, or one with a mark
# Vietnamese lacks. Taken when exactly one copy places the whole text; a pair Vietnamese writes ("Hữu":
# one tone) is no stutter.
@pytest.mark.parametrize(
    ("raw", "value"),
    [("UBND X. Zuôïich - H. Nam Giang - T. Quảng Nam", "UBND xã Zuôich, huyện Nam Giang, tỉnh Quảng Nam"),
     ("xã Xuân Lữũng, huyện Lâm Thao, tỉnh Phú Thọ", "xã Xuân Lũng, huyện Lâm Thao, tỉnh Phú Thọ"),
     ("X. Bạạch Tuyết, H. Kinh Môn, T. Hải Dương", None),  # Kinh Môn has no Bạch Tuyết: flagged as read
     ("X. Bạạch Đằng, H. Kinh Môn, T. Hải Dương", "xã Bạch Đằng, huyện Kinh Môn, tỉnh Hải Dương"),
     ("xã Tân Viêệt, huyện Bình Giang, tỉnh Hải Dương", "xã Tân Việt, huyện Bình Giang, tỉnh Hải Dương")],
)  # fmt: skip
def test_a_vowel_read_twice_is_read_once_when_the_place_is_then_whole(raw: str, value: str | None) -> None:
    n = normalize_field("office" if raw.startswith("UBND") else "place", raw, confidence=1.0)
    if value is None:
        assert n.status == "invalid" and "ocr_vowel_doubled" not in n.rules
        return
    assert (n.value, "ocr_vowel_doubled" in n.rules) == (value, True), (n.reason, n.rules)
    assert n.confidence < 0.9


# An italic "hĩ" read as "lữ" (a fresh Chromium page: Nghĩa read "Nglữa" or "Nglũa" on every row of an
# italic page), taken when the place is then whole, for review.
@pytest.mark.parametrize(
    ("raw", "value"),
    [("Xã Nglữa Long, huyện Nghĩa Đàn, tỉnh Nghệ An", "xã Nghĩa Long, huyện Nghĩa Đàn, tỉnh Nghệ An"),
     ("Xã Nghĩa Minh, huyện Nglũa Đàn, tỉnh Nghệ An", "xã Nghĩa Minh, huyện Nghĩa Đàn, tỉnh Nghệ An"),
     ("XÃ NGLỮA LONG, HUYỆN NGHĨA ĐÀN, TỈNH NGHỆ AN", "xã Nghĩa Long, huyện Nghĩa Đàn, tỉnh Nghệ An"),
     (unicodedata.normalize("NFD", "Xã Nglữa Long, huyện Nghĩa Đàn, tỉnh Nghệ An"),
      "xã Nghĩa Long, huyện Nghĩa Đàn, tỉnh Nghệ An"),
     ("Xã Nglữa Xyz, huyện Nghĩa Đàn, tỉnh Nghệ An", None)],  # no such commune: flagged as read
)  # fmt: skip
def test_an_italic_hi_read_as_lu_is_read_back_when_the_place_is_then_whole(raw: str, value: str | None) -> None:
    n = normalize_field("place", raw, confidence=1.0)
    if value is None:
        assert n.status == "invalid" and "ocr_italic_hi" not in n.rules
        return
    assert (n.value, "ocr_italic_hi" in n.rules, n.status) == (value, True, "ok"), (n.reason, n.rules)
    assert n.confidence < 0.9


@pytest.mark.parametrize(
    ("raw", "value"),
    [("Ð. Châu Khê, TP. Từ Sơn, T. Bắc Ninh", "phường Châu Khê, thành phố Từ Sơn, tỉnh Bắc Ninh"),  # fresh seed 439
     ("Ð. Hòa Thịnh, H. Tây Hòa, T. Phú Yên", "xã Hòa Thịnh, huyện Tây Hoà, tỉnh Phú Yên"),  # the commune's own kind
     ("Đ. Lê Lợi, TP. Vinh, T. Nghệ An", None),  # a plain Đ: a street, though Vinh has a phường Lê Lợi
     ("Ð. Trần Phú, P. Châu Khê, TP. Từ Sơn, T. Bắc Ninh", None),  # a ward is written: the street is one
     ("Ð. Nguyễn Trãi, TP. Từ Sơn, T. Bắc Ninh", None),  # no commune of Từ Sơn is so named
     ("số 5 Ð. Châu Khê, TP. Từ Sơn, T. Bắc Ninh", None)],  # a house number: an address, not a unit letter
)  # fmt: skip
def test_a_street_named_as_a_commune_of_its_district_is_shown_as_the_commune(raw: str, value: str | None) -> None:
    # OCR read the P. or X. of a ward as Đ (đường): the place was accepted as a street of the town
    n = normalize_field("place", raw, confidence=1.0)
    if value is None:
        assert "ocr_unit_letter_as_d" not in n.rules and n.value.startswith(("Đ.", "số 5"))
        assert "phường" not in n.value.split(",")[0]
        return
    assert (n.value, "ocr_unit_letter_as_d" in n.rules, n.status) == (value, True, "ok"), (n.reason, n.rules)
    assert n.confidence < 0.9  # shown for review, not accepted


# A minority name's apostrophe and its neighbours garbled (unseen Chromium pages): inside a resolved
# district, the one commune whose name reads so is shown, for review.
@pytest.mark.parametrize(
    ("raw", "value"),
    [("X. Cư Mĩa, H. M'Đrắk, T. Đắk Lắk", "xã Cư M'ta, huyện M'Đrắk, tỉnh Đắk Lắk"),
     ("X. Cư Ma - H. MĐrắk ~T. Đắk Lắk", "xã Cư M'ta, huyện M'Đrắk, tỉnh Đắk Lắk"),
     ("X. Ea NHMLay-H. M'Đrắk - T. Đắk Lắk", "xã Ea H'MLay, huyện M'Đrắk, tỉnh Đắk Lắk"),
     ("Cư MtLan, huyện Ea Súp, tỉnh Đắk Lắk", "xã Cư M'Lan, huyện Ea Súp, tỉnh Đắk Lắk"),
     ("xã Cư Mĩa, tỉnh Đắk Lắk", "xã Cư M'ta, tỉnh Đắk Lắk"),  # the 2025 list: a province's wards
     ("xã Cư Ba, huyện Ea Súp, tỉnh Đắk Lắk", None),  # no apostrophe name reads so: flagged as read
     # a xã and a thị trấn Đạ M'ri under huyện Đạ Huoai: the unit word written decides (a fresh clean page)
     ("xã Đạ Mii, huyện Đạ Huoai, tỉnh Lâm Đồng", "xã Đạ M'ri, huyện Đạ Huoai, tỉnh Lâm Đồng"),
     ("X. Đạ Mrri, H. Đạ Huoai, T. Lâm Đồng", "xã Đạ M'ri, huyện Đạ Huoai, tỉnh Lâm Đồng"),
     ("Đạ Mii, Đạ Huoai, Lâm Đồng", None),  # no unit word: either of the two
     # another name of the district a real edit away: not the apostrophe name ("Đạ Odi" is Đạ Oai misread)
     ("xã Đạ Odi, huyện Đạ Huoai, tỉnh Lâm Đồng", None)],
)  # fmt: skip
def test_an_apostrophe_name_garbled_at_its_apostrophe(raw: str, value: str | None) -> None:
    n = normalize_field("place", raw, confidence=0.95)
    if value is None:
        assert n.status == "invalid", (n.value, n.rules)
        return
    assert n.value == value and any(r.startswith("gazetteer_fuzzy") for r in n.rules), (n.value, n.rules)
    assert n.confidence < 0.9


def test_undoubled_vowels_only_where_the_pair_cannot_be_vietnamese() -> None:
    from pipeline.normalize.places import undoubled_vowels

    assert undoubled_vowels("Lữũng") == ["Lững", "Lũng"]
    assert undoubled_vowels("Viêệt") == ["Viêt", "Việt"]
    assert undoubled_vowels("Lũũng") == ["Lũng"]
    assert undoubled_vowels("Zuôïich") == ["Zuôich"]  # the letter with the foreign mark goes
    assert undoubled_vowels("Hữu Lưu") == []  # "ưu" is written
    assert undoubled_vowels("xoong") == undoubled_vowels("Thủyy") == []  # plain doubles: maybe a real edit
    assert undoubled_vowels("Aá Bẽè Cịí") == ["A Bẽè Cịí", "á Bẽè Cịí", "Aá Bẽ Cịí", "Aá Bè Cịí"]  # two pairs
    assert undoubled_vowels(unicodedata.normalize("NFD", "Viêệt")) == ["Viêt", "Việt"]  # marks are no vowels
    assert undoubled_vowels(unicodedata.normalize("NFD", "Việt")) == []


@pytest.mark.parametrize(
    ("raw", "value"),
    [("xã Nhơn Nghĩa A huyện z Châu Thành A tỉnh Hậu Giang", "xã Nhơn Nghĩa A, huyện Châu Thành A, tỉnh Hậu Giang"),
     ("X. Tam Xuân I - H. z Núi Thành - T. Quảng Nam", "xã Tam Xuân I, huyện Núi Thành, tỉnh Quảng Nam")],
)  # fmt: skip
def test_a_name_letter_is_no_speck(raw: str, value: str) -> None:
    # the speck ("z", "„") fails the first reading; the suffix letter and the Roman numeral stay
    n = normalize_field("place", raw, confidence=1.0)
    assert (n.status, n.value) == ("ok", value), (n.reason, n.rules)


@pytest.mark.parametrize(
    "raw",
    ["huyện Bảo Lạm, tỉnh Cao Bằng",  # Bảo Lâm and Bảo Lạc: both one edit away
     "Long An, Kon Tu",  # no province word written: a bare last part may be a district one edit away
     # no district word: a bare part may be a commune; look-alikes only, unless a commune of the district
     # is written before it (below)
     "Phú Bìnhh, Thái Nguyên", "Đào Xá Bắc, Phú Bìnhh, Thái Nguyên"],
)  # fmt: skip
def test_one_real_edit_needs_a_clear_winner(raw: str) -> None:
    n = normalize_field("place", raw)
    assert not [r for r in n.rules if r.startswith("gazetteer_fuzzy")], n.rules


# Unit letters misread on Chromium-typeset pages: a small letter ("b." for "P."), a stray digit ("1H.",
# "T1:"). Taken when the name resolves at that level; a misread unit word whose name the gazetteer does not
# know is flagged, never passed as a village.
@pytest.mark.parametrize(
    ("raw", "value"),
    [("b. Nông Tiến, TP. Tuyên Quang, T: Tuyên Quang", "phường Nông Tiến, thành phố Tuyên Quang, tỉnh Tuyên Quang"),
     ("TT. Lăng Can - 1H. Lâm Bình - T. Tuyên Quang", "thị trấn Lăng Can, huyện Lâm Bình, tỉnh Tuyên Quang"),
     ("X. Tiên An, H. Tiên Phước, T1: Quảng Nam", "xã Tiên An, huyện Tiên Phước, tỉnh Quảng Nam")],
)  # fmt: skip
def test_misread_unit_letters(raw: str, value: str) -> None:
    n = normalize_field("place", raw)
    assert (n.status, n.value) == ("ok", value), (n.reason, n.rules)
    assert any(r.startswith("unit_word_misread:") for r in n.rules)


@pytest.mark.parametrize("raw", ["b. Foo, TP. Tuyên Quang, T. Tuyên Quang", "1. Foo, huyện Tây Hòa, tỉnh Phú Yên"])
def test_misread_unit_word_with_an_unknown_name_is_flagged(raw: str) -> None:
    n = normalize_field("place", raw)
    assert n.status == "invalid" and "Foo" in (n.reason or "")


def test_fuzzy_never_touches_valid_names() -> None:
    # every legacy ward of a district, written exactly, resolves to itself without a fuzzy rule
    from pipeline.normalize.places import gazetteer

    g = gazetteer()
    wards = [u for u in g.l_ward.by_code.values() if u.parent == "633"]  # huyện Chư Sê
    assert len(wards) > 10
    for u in wards:
        n = normalize_field("place", f"{u.kind} {u.name}, huyện Chư Sê, tỉnh Gia Lai")
        assert n.value == f"{u.kind} {u.name}, huyện Chư Sê, tỉnh Gia Lai", n.rules
        assert not [r for r in n.rules if "fuzzy" in r]


def test_no_sibling_is_a_look_alike_of_another() -> None:
    """If one legacy ward were missing from the snapshot, fuzzy matching must not map its name onto a
    sibling of the same district (other than by diacritics, which the loose lookup already accepts)."""
    from pipeline.normalize.places import _fuzzy_budget, gazetteer, loose_key, ocr_distance

    kids = gazetteer().l_ward._children()
    bad = []
    for scope, lst in kids.items():
        if not scope.startswith("p:"):
            continue
        for k, kc, u in lst:
            b = _fuzzy_budget(k)
            near = {u2.name for k2, kc2, u2 in lst if u2.name != u.name and loose_key(u2.name) != loose_key(u.name)
                    and ocr_distance(k, k2, kc, kc2) <= b}  # fmt: skip
            if near:
                bad.append((u.name, near))
    assert not bad, bad[:5]


def test_fuzzy_tie_is_not_decided() -> None:
    from pipeline.normalize.places import Unit, _Level

    lv = _Level()
    lv.add(Unit("1", "xã", "Ia Mcn", "9", "9"), "Ia Mcn")
    lv.add(Unit("2", "xã", "Ia Meu", "9", "9"), "Ia Meu")
    assert lv.fuzzy("la Mcn", "9")[0][0].code == "1"  # l for I only: unique
    assert lv.fuzzy("la Men", "9") == ([], -1)  # e~c and n~u: equally close to both, nothing chosen


@pytest.mark.parametrize(
    ("raw", "verified"),
    [
        ("xã Hòa Thịnh, huyện Tây Hòa, tỉnh Phú Yên", True),  # the whole chain, as written
        ("Trạm Y tế X. Hòa Thịnh - H. Tây Hòa - T. Phú Yên", True),
        ("huyện Tây Hòa, tỉnh Phú Yên", False),  # no ward: a misread has more valid names to land on
        ("thôn Phú Lộc, xã Hòa Thịnh, huyện Tây Hòa, tỉnh Phú Yên", False),  # free text not checked
        ("xã la Giai, huyện Chư Sê, tỉnh Gia Lai", True),  # look-alike letters only (l/I, i/l): as good as read
        ("xã Ta Glai, huyện Chư Sê, tỉnh Gia Lai", False),  # a look-alike pair that costs (T/I): a repair
    ],
)
def test_a_verified_chain_keeps_less_residual_error(raw: str, verified: bool) -> None:
    n = normalize_field("place", raw, confidence=0.8)
    assert n.status == "ok"
    assert (n.confidence > 0.9) == verified, n.confidence


# Commas OCR lost (a line wrap read as a space), unit letters misread, unit words run together, from the
# Chromium-typeset ledgers (bench/ocr_foreign.py). Every piece must be an exact unit of one chain.
LOST_COMMAS = [
    ("Tân Thuận Tây Cao Lãnh, Đồng Tháp", "xã Tân Thuận Tây, thành phố Cao Lãnh, tỉnh Đồng Tháp"),
    ("Lâm Thủy Lệ Thủy, Quảng Bình", "xã Lâm Thủy, huyện Lệ Thủy, tỉnh Quảng Bình"),
    ("Lâm Thủy Lệ Thủy Quảng Bình", "xã Lâm Thủy, huyện Lệ Thủy, tỉnh Quảng Bình"),
    ("Hòa Thịnh Tây Hòa, Phú Yên", HT),
    ("Trạm Y tế Lâm Thủy Lệ Thủy, Quảng Bình", "Trạm Y tế xã Lâm Thủy, huyện Lệ Thủy, tỉnh Quảng Bình"),
    # a name broken at a line end with a dash-like speck: the two pieces are one district
    ("Yang Reh, Krông —_ Bông, Đắk Lắk", "xã Yang Reh, huyện Krông Bông, tỉnh Đắk Lắk"),
    # a lower-case unit word inside a part starts the next part
    ("xã Lâm Thủy huyện Lệ Thủy, tỉnh Quảng Bình", "xã Lâm Thủy, huyện Lệ Thủy, tỉnh Quảng Bình"),
    ("X. Lâm Thủy H. Lệ Thủy T. Quảng Bình", "xã Lâm Thủy, huyện Lệ Thủy, tỉnh Quảng Bình"),
    ("Xã Mỹ Thành Bắc, huyện Cai Lậy tỉnh Tiền Giang", "xã Mỹ Thành Bắc, huyện Cai Lậy, tỉnh Tiền Giang"),
    # ...or the comma read as a period (book photographs)
    ("xã Thạnh Phú Đông. huyện Giồng Trôm, tỉnh Bến Tre", "xã Thạnh Phú Đông, huyện Giồng Trôm, tỉnh Bến Tre"),
    ("P. Phương Canh, Q. Nam Từ Liêm. TP. Hà Nội", "phường Phương Canh, quận Nam Từ Liêm, thành phố Hà Nội"),
    # a speck before an abbreviation is a separator, not a tilde of the word before it
    ("X. Phong Thạnh ~ TX. Phong Điền - TP, Huế", "xã Phong Thạnh, thị xã Phong Điền, thành phố Huế"),
    # ...its dot lost as well (a fresh book photograph's "- T." at the page's edge)
    ("X. Phú An - TP. Bến Cát ~T Bình Dương", "xã Phú An, thành phố Bến Cát, tỉnh Bình Dương"),
    ("Trạm Y tế P. Hòa Lợi - TP. Bến Cát ~T Bình Dương", "Trạm Y tế phường Hòa Lợi, thành phố Bến Cát, tỉnh Bình Dương"),
    # a unit word with a dash for the space after it (fresh book photograph 1165); before, a facility's
    # "tỉnh-Thanh Hóa" had been accepted with its dash
    ("Trung tâm Y tế huyện-Yên Định, tỉnh Thanh Hóa", "Trung tâm Y tế huyện Yên Định, tỉnh Thanh Hóa"),
    ("Bệnh viện Đa khoa tỉnh-Thanh Hóa", "Bệnh viện Đa khoa tỉnh Thanh Hóa"),
    ("xã Định Hải, huyện - Yên Định, tỉnh Thanh Hóa", "xã Định Hải, huyện Yên Định, tỉnh Thanh Hóa"),
    # a quote glued to it after the dash (generator 423: "-'T Bình Thuận", its dot lost)
    ("Trạm Y tế X. Hàm Đức - H. Hàm Thuận Bắc -'T Bình Thuận",
     "Trạm Y tế xã Hàm Đức, huyện Hàm Thuận Bắc, tỉnh Bình Thuận"),
    ("X. Hàm Đức - H. Hàm Thuận Bắc - 'T. Bình Thuận", "xã Hàm Đức, huyện Hàm Thuận Bắc, tỉnh Bình Thuận"),
    # ...and its separator: after a facility, a name or a period (a fresh aged page, seed 1311); a name of one
    # letter after its unit word is a name
    ("Trạm Y tể X Ta Tổng - H Mường Tè - T Lai Châu", "Trạm Y tế xã Tà Tổng, huyện Mường Tè, tỉnh Lai Châu"),
    ("X Ta Tông. H Mường Te T Lai Châu", "xã Tà Tổng, huyện Mường Tè, tỉnh Lai Châu"),
    ("X H Bông, H Chư Sê, T Gia Lai", "xã H Bông, huyện Chư Sê, tỉnh Gia Lai"),
    ("TT. N.T Phong Hải - H. Bảo Thắng - T. Lào Cai", "thị trấn N.T Phong Hải, huyện Bảo Thắng, tỉnh Lào Cai"),
    # ...or read as a 1; a unit word's tone misread where the comma before it was lost (a phone photograph)
    ("X Đồng Hưu, H Yên Thể, T1 Bắc Giang", "xã Đồng Hưu, huyện Yên Thế, tỉnh Bắc Giang"),
    ("xã Tân Hiệp, huyện Yên Thể tính Bắc Giang", "xã Tân Hiệp, huyện Yên Thế, tỉnh Bắc Giang"),
    ("xã Đồng Hưu huyên Yên Thế, tỉnh Bắc Giang", "xã Đồng Hưu, huyện Yên Thế, tỉnh Bắc Giang"),
    # a unit letter misread as a digit or another glyph: the unit word comes from the gazetteer
    ("X. Khai Trung, H. Lục Yên, 1. Yên Bái", "xã Khai Trung, huyện Lục Yên, tỉnh Yên Bái"),
    ("X. Tà Si Láng, H. Trạm Tấu, 1: Yên Bái", "xã Tà Si Láng, huyện Trạm Tấu, tỉnh Yên Bái"),
    ("X. Cường Lợi, 3. Đình Lập, T. Lạng Sơn", "xã Cường Lợi, huyện Đình Lập, tỉnh Lạng Sơn"),
    ("P. Phương Mai - Ó. Đống Đa - TP. Hà Nội", "phường Phương Mai, quận Đống Đa, thành phố Hà Nội"),
    ("P.3 - TX. Kiến Tường - T' Long An", "phường 3, thị xã Kiến Tường, tỉnh Long An"),
    # the words of a facility's name run together
    ("Trung tâm Ytế huyện Thọ Xuân, tỉnh Thanh Hóa", "Trung tâm Y tế huyện Thọ Xuân, tỉnh Thanh Hóa"),
    # ...where a shorter facility name starts it: not "Bệnh viện" with "Đakhoa" a name (aged 1427, 6 rows)
    ("Bệnh viện Đakhoa tỉnh Thanh Hóa", "Bệnh viện Đa khoa tỉnh Thanh Hóa"),
    ("Bệnh viện Đa khoa tỉnh Thanh Hóa", "Bệnh viện Đa khoa tỉnh Thanh Hóa"),
    ("Phòng khám Đakhoa huyện Thọ Xuân, tỉnh Thanh Hóa", "Phòng khám Đa khoa huyện Thọ Xuân, tỉnh Thanh Hóa"),
    # a numbered ward's 1 read as a look-alike, a numbered district's Q as O (unseen Chromium pages)
    ("Phường ], quận 6, thành phố Hồ Chí Minh", "phường 1, quận 6, thành phố Hồ Chí Minh"),
    ("P.l,O6, TP.HCM", "phường 1, quận 6, thành phố Hồ Chí Minh"),
    ("Phường I, thành phố Vị Thanh, tỉnh Hậu Giang", "phường I, thành phố Vị Thanh, tỉnh Hậu Giang"),  # Roman: real
    ("P.l, Ó.6, TP.HCM", "phường 1, quận 6, thành phố Hồ Chí Minh"),
    ("P2,O.6, TP.HCM", "phường 2, quận 6, thành phố Hồ Chí Minh"),
    # ...or into the unit word after it (unseen Chromium pages)
    ("Trung tâm Y tếhuyện Cư Kuin, tỉnh Đắk Lắk", "Trung tâm Y tế huyện Cư Kuin, tỉnh Đắk Lắk"),
    ("Trạm Y tếxã Lâm Thủy, huyện Lệ Thủy, tỉnh Quảng Bình", "Trạm Y tế xã Lâm Thủy, huyện Lệ Thủy, tỉnh Quảng Bình"),
]


@pytest.mark.parametrize(("raw", "value"), LOST_COMMAS)
def test_lost_commas_and_misread_unit_letters(raw: str, value: str) -> None:
    n = normalize_field("place", raw)
    assert (n.status, n.value) == ("ok", value), (n.reason, n.rules)


def test_split_recorded_as_a_rule() -> None:
    n = normalize_field("place", "Tân Thuận Tây Cao Lãnh, Đồng Tháp")
    assert "place_split:Tân Thuận Tây Cao Lãnh->Tân Thuận Tây | Cao Lãnh" in n.rules
    assert n.details["legacy"]["ward"]["name"] == "Tân Thuận Tây"
    # a letter doubled too: the commune, split off and found there exactly, vouches for the district one
    # edit away, for review
    n = normalize_field("place", "Tân Thuận Tây Cao Lãnhh, Đồng Tháp", confidence=1.0)
    assert n.value == "xã Tân Thuận Tây, thành phố Cao Lãnh, tỉnh Đồng Tháp" and n.confidence == pytest.approx(0.75)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        # text the gazetteer cannot place, before a chain that stops above the commune: never passed as
        # a village (OCR may have eaten a comma and a letter)
        ("Phú Lộc, Tây Hòa, Phú Yên", "Phú Lộc"),
        ("Tân Thuận Tâyy Cao Lãnhh, Đồng Tháp", "Tân Thuận Tâyy Cao Lãnhh"),
        ("Sông Cầu Lớn, Phú Yên", "Sông Cầu Lớn"),
        # a name several units of the province carry (huyện and thị xã Cai Lậy)
        ("54, Cai Lậy, Tiền Giang", "Cai Lậy"),
        ("Trạm Y tế Lâm Thủyy Lệ Thủyy, Quảng Bình", "Lâm Thủyy Lệ Thủyy"),
    ],
)
def test_unplaced_text_above_the_commune_is_flagged(raw: str, reason: str) -> None:
    n = normalize_field("place", raw)
    assert n.status == "invalid" and reason in (n.reason or ""), (n.value, n.reason)


@pytest.mark.parametrize(
    "raw",
    [
        "Thôn Phú Lộc, Tây Hòa, Phú Yên",  # a sub-unit word says what it is
        "123 Nguyễn Trãi, Q.1, TP.HCM",  # a street address
        "Đ. Lê Lợi, Q.1, TP.HCM",  # an abbreviated street (phường Lê Lợi exists elsewhere)
        "thôn Phú Lộc, xã Hòa Thịnh, huyện Tây Hòa, tỉnh Phú Yên",
        "Bệnh viện Từ Dũ, TP.HCM",  # a facility's own name
    ],
)
def test_sub_units_and_addresses_stay_ok(raw: str) -> None:
    assert normalize_field("place", raw).status == "ok"


def test_office_with_lost_commas() -> None:
    n = normalize_field("office", "UBND X. Lâm Thủy H. Lệ Thủy T. Quảng Bình")
    assert (n.status, n.value) == ("ok", "UBND xã Lâm Thủy, huyện Lệ Thủy, tỉnh Quảng Bình")


@pytest.mark.parametrize(("raw", "value"), [
    ("UBNDxã Lộc Thịnh, huyện Ngọc Lặc, tỉnh Thanh Hóa", "UBND xã Lộc Thịnh, huyện Ngọc Lặc, tỉnh Thanh Hóa"),
    ("Ubndxa Lộc Thịnh, huyện Ngọc Lặc, Thanh Hóa", "UBND xã Lộc Thịnh, huyện Ngọc Lặc, tỉnh Thanh Hóa"),
    ("UBNDphường Bến Nghé, quận 1, TP. Hồ Chí Minh", "UBND phường Bến Nghé, quận 1, thành phố Hồ Chí Minh"),
    # glued to an abbreviated unit, its dot lost or kept (a clean Chromium page, seed 1307)
    ("UBNDP Hồng Thái - TX. Việt Yên - T. Bắc Giang", "UBND phường Hồng Thái, thị xã Việt Yên, tỉnh Bắc Giang"),
    ("UBNDX. Lộc Thịnh, H. Ngọc Lặc, T. Thanh Hóa", "UBND xã Lộc Thịnh, huyện Ngọc Lặc, tỉnh Thanh Hóa"),
    ("UBNDTT. Sóc Sơn, H. Hòn Đất, T. Kiên Giang", "UBND thị trấn Sóc Sơn, huyện Hòn Đất, tỉnh Kiên Giang"),
])  # fmt: skip
def test_office_ubnd_glued_to_its_unit_word(raw: str, value: str) -> None:
    n = normalize_field("office", raw)
    assert (n.status, n.value) == ("ok", value) and "office_ubnd_glued" in n.rules


# Unit abbreviations OCR garbled into another unit word, or doubled; "¡" for i.
UNIT_WORD_REPAIRS = [
    # the gazetteer contradicts the unit word: its own is taken, and the field goes to review
    ("P3 - T. Kiến Tường - T. Long An", "phường 3, thị xã Kiến Tường, tỉnh Long An", True),  # TX. lost its X
    ("X. Hoằng Xuân, H. Hoằng Hóa, T1. Thanh Hóa", "xã Hoằng Xuân, huyện Hoằng Hóa, tỉnh Thanh Hóa", True),
    ("P3 - TÃ. Kiến Tường - T. Long An", "phường 3, thị xã Kiến Tường, tỉnh Long An", False),
    ("X. Huổi Só, HH. Tủa Chùa, T: Điện Biên", "xã Huổi Só, huyện Tủa Chùa, tỉnh Điện Biên", False),
    ("xX.Mỹ Thành Bắc - H. Cai Lậy - T: Tiền Giang", "xã Mỹ Thành Bắc, huyện Cai Lậy, tỉnh Tiền Giang", False),
    ("Xx. Bản Cầm, H. Bảo Thắng, T. Lào Cai", "xã Bản Cầm, huyện Bảo Thắng, tỉnh Lào Cai", False),
    # a speck beside the dot (a typewritten page: "X:. LỘC: Trả"; "X.: Lộc Trì" had been kept as a village, ok)
    ("X:. Lộc Trì, H. Phú Lộc, TP. Huế", "xã Lộc Trì, huyện Phú Lộc, thành phố Huế", False),
    ("X.: Lộc Trì, H. Phú Lộc, TP. Huế", "xã Lộc Trì, huyện Phú Lộc, thành phố Huế", False),
    ("X.' Lộc Trì, H. Phú Lộc, TP. Huế", "xã Lộc Trì, huyện Phú Lộc, thành phố Huế", False),
    # the dot read as a comma (a fresh aged page: "TT" had been kept before the inferred unit, accepted)
    ("TT, Trà My - H. Bắc Trà My - T. Quảng Nam", "thị trấn Trà My, huyện Bắc Trà My, tỉnh Quảng Nam", False),
    ("TX, Ninh Hòa, T. Khánh Hòa", "thị xã Ninh Hòa, tỉnh Khánh Hòa", False),
    ("Xã Tà S¡ Láng, huyện Trạm Tấu, tỉnh Yên Bái", "xã Tà Si Láng, huyện Trạm Tấu, tỉnh Yên Bái", False),
]


@pytest.mark.parametrize(("raw", "value", "contradicted"), UNIT_WORD_REPAIRS)
def test_unit_word_repairs(raw: str, value: str, contradicted: bool) -> None:
    n = normalize_field("place", raw, confidence=1.0)
    assert (n.status, n.value) == ("ok", value), (n.reason, n.rules)
    assert any(r.startswith("unit_word_contradicted:") for r in n.rules) == contradicted
    if contradicted:
        assert n.confidence is not None and n.confidence < 0.8  # not a verified chain: a reviewer sees it


# A unit word OCR garbled into a word of no list (aged pages under show-through): names are capitalised,
# so a short lower-case first word is dropped when the gazetteer then places the whole text one way.
GARBLED_UNIT_WORDS = [
    ("xã Tân Hiệp, huyện Yên Thế, tht Bắc Giang", "xã Tân Hiệp, huyện Yên Thế, tỉnh Bắc Giang"),
    ("xú Thanh Thuy, huyện Thanh Chương, tỉnh Nghệ An", "xã Thanh Thủy, huyện Thanh Chương, tỉnh Nghệ An"),
    ("xã Tân Hiệp, huyệt Yên Thế, tỉnh Bắc Giang", "xã Tân Hiệp, huyện Yên Thế, tỉnh Bắc Giang"),
    # after a facility's name: the word is no part of it
    ("Trung tâm Ytế khyện Thanh Ba, tỉnh Phú Thọ", "Trung tâm Y tế huyện Thanh Ba, tỉnh Phú Thọ"),
    ("Bệnh viện Đa khoa khyện Thanh Ba, tỉnh Phú Thọ", "Bệnh viện Đa khoa huyện Thanh Ba, tỉnh Phú Thọ"),
    ("Trạm Y tế xú Thanh Thủy, huyện Thanh Chương, tỉnh Nghệ An",
     "Trạm Y tế xã Thanh Thủy, huyện Thanh Chương, tỉnh Nghệ An"),
    # two words a letter from a two-word unit word (a held-out typewriter page: "thành phế" on four rows)
    ("Xã Hòa Phú, huyện Ứng Hòa, thành phế Hà Nội", "xã Hòa Phú, huyện Ứng Hòa, thành phố Hà Nội"),
    ("thi trấm Quốc Oai, huyện Quốc Oai, thành phố Hà Nội", "thị trấn Quốc Oai, huyện Quốc Oai, thành phố Hà Nội"),
    # an abbreviation garbled into capitals no abbreviation is (held-out 179's typewriter "TT" read "TE")
    ("TE Đak Pơ - H. Đăk Pơ - T. Gia Lai", "thị trấn Đak Pơ, huyện Đăk Pơ, tỉnh Gia Lai"),
    ("XE Hòa Thịnh - H. Tây Hòa - T. Phú Yên", "xã Hòa Thịnh, huyện Tây Hoà, tỉnh Phú Yên"),
    # letters no word spells before a name: no village (aged "TT, Trà My" had kept TT before thị trấn Trà My)
    ("QQ, Trà My, huyện Bắc Trà My, tỉnh Quảng Nam", "thị trấn Trà My, huyện Bắc Trà My, tỉnh Quảng Nam"),
]  # fmt: skip


@pytest.mark.parametrize(("raw", "value"), GARBLED_UNIT_WORDS)
def test_a_garbled_unit_word_is_inferred_for_review(raw: str, value: str) -> None:
    n = normalize_field("place", raw, confidence=1.0)
    assert (n.status, n.value) == ("ok", value), (n.reason, n.rules)
    assert any(r.startswith("unit_word_contradicted:") for r in n.rules)
    assert n.confidence is not None and n.confidence < 0.8  # a guess: a reviewer sees it


@pytest.mark.parametrize(
    ("raw", "value", "status"),
    [
        # sub-unit words start in lower case too: they stay, as written
        ("thôn Đông, xã Thanh Thủy, huyện Thanh Chương, tỉnh Nghệ An",
         "thôn Đông, xã Thanh Thủy, huyện Thanh Chương, tỉnh Nghệ An", "ok"),
        ("xóm Mới, xã Thanh Thủy, huyện Thanh Chương, tỉnh Nghệ An",
         "xóm Mới, xã Thanh Thủy, huyện Thanh Chương, tỉnh Nghệ An", "ok"),
        # dropping the word places nothing: the text stays, for review
        ("xú Foo Bar, huyện Thanh Chương, tỉnh Nghệ An", "xú Foo Bar, huyện Thanh Chương, tỉnh Nghệ An", "invalid"),
        # a facility whose name has a lower-case word no longer passes as that name: for review
        ("Bệnh viện tư Hồng Ngọc, thành phố Hà Nội", "Bệnh viện tư Hồng Ngọc, thành phố Hà Nội", "invalid"),
        # capitals before an unknown name: no abbreviation's repair places it
        ("TE Foo Bar - H. Đăk Pơ - T. Gia Lai", "TE Foo Bar, huyện Đăk Pơ, tỉnh Gia Lai", "invalid"),
        # a place in capitals: its words are no garbled abbreviation
        ("XÃ HÒA THỊNH, HUYỆN TÂY HOÀ, TỈNH PHÚ YÊN", "xã Hòa Thịnh, huyện Tây Hoà, tỉnh Phú Yên", "ok"),
        # a facility named without a unit word keeps its name
        ("Bệnh viện Từ Dũ, thành phố Hồ Chí Minh", "Bệnh viện Từ Dũ, thành phố Hồ Chí Minh", "ok"),
    ],
)  # fmt: skip
def test_what_a_garbled_unit_word_leaves_alone(raw: str, value: str, status: str) -> None:
    n = normalize_field("place", raw)
    assert (n.status, n.value) == (status, value), (n.reason, n.rules)
    assert not any(r.startswith("unit_word_contradicted:") for r in n.rules)


@pytest.mark.parametrize(
    "raw",
    [
        "xã Foo, huyện Tây Hòa, tỉnh Phú Yên",  # dropping a unit word does not make an unknown name known
        "huyện Foo, tỉnh Phú Yên",
    ],
)
def test_unit_word_repair_needs_a_whole_chain(raw: str) -> None:
    n = normalize_field("place", raw)
    assert n.status == "invalid" and not [r for r in n.rules if r.startswith("unit_word_contradicted")]


def test_a_digit_inside_a_name_is_no_house_number() -> None:
    # B read as 3: a misread letter; under a district word, repaired by one edit inside the province
    n = normalize_field("place", "Đào Xá, H. Phú 3ình, Thái Nguyên", confidence=1.0)
    assert n.value == "xã Đào Xá, huyện Phú Bình, tỉnh Thái Nguyên" and n.confidence == pytest.approx(0.75)
    n = normalize_field("place", "Phú 3ình, Thái Nguyên")  # a bare part alone: flagged, kept as written
    assert n.status == "invalid" and "Phú 3ình" in (n.reason or "")
    # a commune of that district written before it, found there exactly, vouches for the edit (for review)
    n = normalize_field("place", "Đào Xá, Phú 3ình, Thái Nguyên", confidence=1.0)
    assert n.value == "xã Đào Xá, huyện Phú Bình, tỉnh Thái Nguyên" and n.confidence == pytest.approx(0.75)


# A bare name several units of one parent carry, differing in their unit word only: which units, at which level
@pytest.mark.parametrize(
    ("raw", "level", "kinds"),
    [
        ("Mỹ Thọ, Cao Lãnh, Đồng Tháp", "ward", {"xã", "thị trấn"}),
        ("My Tho, Cao Lanh, Dong Thap", "ward", {"xã", "thị trấn"}),  # found without its marks
        ("Ấp 3, Mỹ Thọ, Cao Lãnh, Đồng Tháp", "ward", {"xã", "thị trấn"}),
        ("Cai Lậy, Tiền Giang", "district", {"huyện", "thị xã"}),
        ("xã Mỹ Thọ, huyện Cao Lãnh, tỉnh Đồng Tháp", None, None),  # the unit word written
        ("Mỹ Hiệp, Cao Lãnh, Đồng Tháp", None, None),  # one unit of the name
        ("Phú Lộc, Tây Hòa, Phú Yên", None, None),  # unplaced, not ambiguous
    ],
)
def test_the_units_a_bare_name_may_be(raw: str, level: str | None, kinds: set[str] | None) -> None:
    from pipeline.normalize.places import units_of_one_name

    found = units_of_one_name(normalize_field("place", raw).details)
    if level is None:
        assert found is None
        return
    assert found is not None
    _, got, units = found
    assert (got, {u.kind for u in units}) == (level, kinds)
    assert len({u.parent for u in units}) == 1


def test_a_bare_name_spelled_as_none_of_its_units_is_more_than_a_unit_word_away() -> None:
    from pipeline.normalize.places import units_of_one_name

    details = normalize_field("place", "Mỹ Thọ, Cao Lãnh, Đồng Tháp").details
    assert units_of_one_name(details) is not None
    details["parts"][0]["spellings"] = ["Mỹ Thọ", "Mỹ Thố"]  # the marks left to the reviewer
    assert units_of_one_name(details) is None


# the units the page names with their unit word: (level, code) -> where, as (Vietnamese, English) labels
XA_MT, TT_MT, XA_MT_PHU_MY = ("ward", "30100"), ("ward", "30076"), ("ward", "21760")
ROW_2 = [("dòng 2 (nktNoiCuTru)", "row 2 (nktNoiCuTru)")]


@pytest.mark.parametrize(
    ("named", "value"),
    [
        ({XA_MT: ROW_2}, "xã Mỹ Thọ, huyện Cao Lãnh, tỉnh Đồng Tháp"),
        ({TT_MT: ROW_2}, "thị trấn Mỹ Thọ, huyện Cao Lãnh, tỉnh Đồng Tháp"),
        ({XA_MT: ROW_2, ("district", "873"): ROW_2}, "xã Mỹ Thọ, huyện Cao Lãnh, tỉnh Đồng Tháp"),
        ({XA_MT: ROW_2, TT_MT: [("nơi đăng ký", "the registering office")]}, None),  # both unit words
        ({XA_MT_PHU_MY: ROW_2}, None),  # a Mỹ Thọ of another district
        ({}, None),
    ],
)
def test_a_bare_name_takes_the_one_unit_word_the_page_writes(named: dict, value: str | None) -> None:
    from pipeline.normalize import place_unit_from_page

    n = normalize_field("place", "Mỹ Thọ, Cao Lãnh, Đồng Tháp", on_date="2015-03-02")
    got = place_unit_from_page(n.value, n.details, named, on_date="2015-03-02")
    if value is None:
        assert got is None
        return
    assert got is not None and (got.value, got.status) == (value, "ok")
    kind = value.split(" Mỹ Thọ")[0]
    assert got.rules == [f"unit_from_page:{kind}"] and got.details["read_as"] == n.value
    assert got.details["unit_from_page"]["from"] == ["row 2 (nktNoiCuTru)"]
    other = "thị trấn" if kind == "xã" else "xã"
    assert f"row 2 (nktNoiCuTru) ({other} Mỹ Thọ carries the name too)" in (got.reason or "")
    assert got.details["legacy"]["ward"]["kind"] == kind and "verified_chain" not in got.details


def test_a_place_not_so_ambiguous_takes_nothing_from_the_page() -> None:
    from pipeline.normalize import place_unit_from_page

    for raw in ("Mỹ Hiệp, Cao Lãnh, Đồng Tháp", "xã Mỹ Thọ, huyện Cao Lãnh, tỉnh Đồng Tháp", "Phú Lộc, Tây Hòa, Phú Yên"):
        n = normalize_field("place", raw)
        assert place_unit_from_page(n.value, n.details, {XA_MT: ROW_2}) is None


# A health facility's name loses no letter to the speck-dropping retry: the lone "Y" of "Trạm Y tế" (a
# fresh benchmark page's death place) had been dropped, "Trạm tế Mỹ Thọ" then passed as a hamlet before
# the 2025 phường Cao Lãnh. Mỹ Thọ is a xã and a thị trấn of huyện Cao Lãnh: not ok, the name kept whole.
@pytest.mark.parametrize(
    "raw",
    ["Trạm Y tế Mỹ Thọ, Cao Lãnh, Đồng Tháp",
     "TYT Mỹ Thọ, Cao Lãnh, Đồng Tháp",
     "Trạm Y tế Mỹ Thọ - H. Cao Lãnh - T. Đồng Tháp",
     "Trạm Y tế Mỹ Thọ, Cao Lãnh ‹, Đồng Tháp",  # a real speck beside it still goes
     "TRẠM Y TẾ MỸ THỌ, CAO LÃNH, ĐỒNG THÁP"],
)  # fmt: skip
@pytest.mark.parametrize("on_date", ["2012-05-03", None, "2025-08-01"])
def test_a_facility_name_loses_no_letter_to_speck_dropping(raw: str, on_date: str | None) -> None:
    n = normalize_field("place", raw, confidence=0.97, on_date=on_date)
    assert n.status == "invalid" and "several units carry this name" in (n.reason or ""), (n.value, n.rules)
    assert n.value.casefold().startswith("trạm y tế mỹ thọ, huyện cao lãnh, tỉnh đồng tháp"), n.value
    assert n.details["scheme"] == "legacy" and "ocr_specks_dropped:Y" not in " ".join(n.rules)


@pytest.mark.parametrize(
    ("raw", "kept", "dropped"),
    [("Trạm Y tế Mỹ Thọ, Cao Lãnh", "Trạm Y tế Mỹ Thọ, Cao Lãnh", []),
     ("Trạm ‹ Y tế z Mỹ Thọ", "Trạm Y tế Mỹ Thọ", ["‹", "z"]),  # specks between its words aside
     ("Trung tâm Y tế huyện Tây Hòa", "Trung tâm Y tế huyện Tây Hòa", []),
     ("Trạm Y tếxã Lâm Thủy", "Trạm Y tếxã Lâm Thủy", []),  # the next word run into its last
     ("Trạm Ÿ tế xã Tân Hưng", "Trạm Ÿ tế xã Tân Hưng", []),  # its Y with a mark OCR added
     ("TRẠM Y TẾ XÃ MỸ THỌ", "TRẠM Y TẾ XÃ MỸ THỌ", []),
     ("Y tế xã Mỹ Thọ", "Y tế xã Mỹ Thọ", []),  # "Trạm" lost: still no speck
     ("huyện z Hương Khê", "huyện Hương Khê", ["z"]),  # a lone letter elsewhere is one
     ("Trạm Y tế Y Tý z", "Trạm Y tế Y Tý", ["z"]),
     # nor are the one-letter words of unit names (Y Tý, U Minh, Ô Môn, Ia O)
     ("xã Y Tý, huyện Bát Xát", "xã Y Tý, huyện Bát Xát", []),
     ("huyện z U Minh", "huyện U Minh", ["z"]),
     ("quận Ô Môn ‹ z", "quận Ô Môn", ["‹", "z"]),
     ("xã Ia O, huyện Ia Grai", "xã Ia O, huyện Ia Grai", []),
     ("huyện Y S Bát Xát", "huyện Bát Xát", ["Y", "S"])],  # beside no word of such a name
)  # fmt: skip
def test_the_words_of_a_facility_are_no_specks(raw: str, kept: str, dropped: list[str]) -> None:
    from pipeline.normalize.places import drop_specks

    assert drop_specks(raw)[:2] == (kept, dropped)


@pytest.mark.parametrize(
    ("raw", "value"),
    [("Trạm Y tế z xã Hòa Thịnh, huyện Tây Hòa, tỉnh Phú Yên", "Trạm Y tế " + HT),
     ("Trung tâm Y tế ‹ huyện Tây Hòa, tỉnh Phú Yên", "Trung tâm Y tế huyện Tây Hoà, tỉnh Phú Yên"),
     ("Trạm Y tế xã Y Tý, huyện z Bát Xát, tỉnh Lào Cai", "Trạm Y tế xã Y Tý, huyện Bát Xát, tỉnh Lào Cai"),
     ("xã Khánh An, huyện z U Minh, tỉnh Cà Mau", "xã Khánh An, huyện U Minh, tỉnh Cà Mau")],
)  # fmt: skip
def test_specks_beside_a_facility_or_a_one_letter_name_still_go(raw: str, value: str) -> None:
    n = normalize_field("place", raw, confidence=1.0, on_date="2012-05-03")
    assert (n.status, n.value) == ("ok", value), (n.reason, n.rules)
    assert any(r.startswith("ocr_specks_dropped:") for r in n.rules) and n.confidence < 0.9


def test_a_facility_with_a_bare_name_takes_the_unit_word_the_page_writes() -> None:
    from pipeline.normalize import place_unit_from_page

    n = normalize_field("place", "Trạm Y tế Mỹ Thọ, Cao Lãnh, Đồng Tháp", on_date="2012-05-03")
    got = place_unit_from_page(n.value, n.details, {XA_MT: ROW_2}, on_date="2012-05-03")
    assert got is not None and (got.status, got.value) == ("ok", "Trạm Y tế xã Mỹ Thọ, huyện Cao Lãnh, tỉnh Đồng Tháp")


# The era of a record: before 1 July 2025 its places are the legacy units. A name the legacy list holds
# under two units of the province (huyện and thị xã Kỳ Anh, huyện and thành phố Cao Lãnh) is undecided,
# not the 2025 list's one unit of the name (xã Kỳ Anh, phường Cao Lãnh), which had won on a fresh page's
# birth record (quê quán) for having "placed" both parts.
BEFORE = ["1998-04-02", "2010-11-20", "2025-06-30", "2012", None]  # None: the date unknown, legacy first


@pytest.mark.parametrize("on_date", BEFORE)
@pytest.mark.parametrize(
    ("raw", "name"),
    [("Kỳ Anh, Hà Tĩnh", "Kỳ Anh"),
     ("Kỳ Anh - Hà Tĩnh", "Kỳ Anh"),
     ("KỲ ANH, HÀ TĨNH", "KỲ ANH"),
     ("Ky Anh, Ha Tinh", "Ky Anh"),  # marks lost
     ("Cao Lãnh, Đồng Tháp", "Cao Lãnh")],  # a generated quê quán: huyện or thành phố Cao Lãnh
)  # fmt: skip
def test_a_record_before_the_reform_resolves_in_the_legacy_era(raw: str, name: str, on_date: str | None) -> None:
    n = normalize_field("place", raw, confidence=0.97, on_date=on_date)
    assert n.status == "invalid" and n.details["scheme"] == "legacy", (n.value, n.rules)
    assert n.reason == f"nhiều đơn vị cùng tên, không rõ cấp / several units carry this name: {name}"
    assert n.value.startswith(name + ", ")


@pytest.mark.parametrize("on_date", ["2025-07-01", "2025-08-01", "2031-01-05"])
@pytest.mark.parametrize("raw", ["Kỳ Anh, Hà Tĩnh", "Kỳ Anh - Hà Tĩnh", "Ky Anh, Ha Tinh", "xã Kỳ Anh, tỉnh Hà Tĩnh"])
def test_a_record_after_the_reform_takes_the_2025_unit(raw: str, on_date: str) -> None:
    n = normalize_field("place", raw, on_date=on_date)
    assert (n.status, n.value, n.details["scheme"]) == ("ok", "xã Kỳ Anh, tỉnh Hà Tĩnh", "2025"), n.reason


@pytest.mark.parametrize("on_date", [*BEFORE, "2025-08-01"])
@pytest.mark.parametrize(
    ("raw", "value"),
    [("huyện Kỳ Anh, tỉnh Hà Tĩnh", "huyện Kỳ Anh, tỉnh Hà Tĩnh"),  # the unit word decides: as written
     ("H. Kỳ Anh - T. Hà Tĩnh", "huyện Kỳ Anh, tỉnh Hà Tĩnh"),
     ("thị xã Kỳ Anh, tỉnh Hà Tĩnh", "thị xã Kỳ Anh, tỉnh Hà Tĩnh"),
     ("Kỳ Đồng, Kỳ Anh, Hà Tĩnh", "thị trấn Kỳ Đồng, huyện Kỳ Anh, tỉnh Hà Tĩnh")],  # the commune decides
)  # fmt: skip
def test_a_legacy_unit_written_whole_stays_as_it_was(raw: str, value: str, on_date: str | None) -> None:
    n = normalize_field("place", raw, on_date=on_date)
    assert (n.status, n.value, n.details["scheme"]) == ("ok", value, "legacy"), (n.reason, n.rules)


@pytest.mark.parametrize(
    "raw", ["xã Kỳ Anh, tỉnh Hà Tĩnh", "X. Kỳ Anh - T. Hà Tĩnh", "phường Ba Đình, thành phố Hà Nội"]
)
def test_a_2025_unit_on_an_older_record_is_not_accepted(raw: str) -> None:
    # only the 2025 list places it: a misread landing on a new name, or the writer's slip
    n = normalize_field("place", raw, confidence=0.97, on_date="2010-11-20")
    assert n.status == "invalid" and n.details["scheme"] == "2025" and n.details["after_record"]
    assert "unit_2025_before_reform" in n.rules and "1 July 2025 reform" in (n.reason or "")
    assert n.value == normalize_field("place", raw, on_date="2025-08-01").value  # the value is as it was
    assert normalize_field("place", raw, on_date="2025-08-01").status == "ok"
    # the date unknown: the value stands, never accepted silently (the register may predate the reform)
    unknown = normalize_field("place", raw, confidence=0.97)
    assert unknown.status == "ok" and "unit_2025_era_unknown" in unknown.rules and unknown.reason


def test_a_2025_unit_on_an_older_office_is_not_accepted() -> None:
    n = normalize_field("office", "UBND phường Ba Đình, thành phố Hà Nội", on_date="2010-11-20")
    assert n.status == "invalid" and "unit_2025_before_reform" in n.rules
    assert normalize_field("office", "UBND phường Ba Đình, thành phố Hà Nội", on_date="2025-08-01").status == "ok"


# A legacy commune written straight before its province (a fresh page's "Xã Mường Luân, Điện Biên": the
# generator's truth is xã Mường Luân, huyện Điện Biên Đông, tỉnh Điện Biên; it never skips a level, so the
# district's line was lost). The contract outputs only the units written: the value stays as read, the
# field goes to review with the gazetteer's district named; several districts when the name is not unique.
MUONG_LUAN = "xã Mường Luân, tỉnh Điện Biên"


@pytest.mark.parametrize("on_date", ["2005-01-01", "2025-06-30", None])
@pytest.mark.parametrize(
    ("field_type", "raw", "value"),
    [("place", "Xã Mường Luân, Điện Biên", MUONG_LUAN),
     ("place", "xã Mường Luân, tỉnh Điện Biên", MUONG_LUAN),
     ("place", "X. Mường Luân - T. Điện Biên", MUONG_LUAN),
     ("place", "Mường Luân, Điện Biên", MUONG_LUAN),
     ("place", "XÃ MƯỜNG LUÂN, TỈNH ĐIỆN BIÊN", MUONG_LUAN),
     ("place", "Trạm Y tế xã Mường Luân, tỉnh Điện Biên", "Trạm Y tế " + MUONG_LUAN),
     ("office", "UBND xã Mường Luân, tỉnh Điện Biên", "UBND " + MUONG_LUAN)],
)  # fmt: skip
def test_a_commune_written_without_its_district_goes_to_review(
    field_type: str, raw: str, value: str, on_date: str | None
) -> None:
    n = normalize_field(field_type, raw, confidence=0.97, on_date=on_date)
    # the era unknown, the value stands with the doubt said (a reason: for review), since after the reform
    # a commune and its province are a whole address
    assert (n.status, n.value) == ("invalid" if on_date else "ok", value), (n.reason, n.rules)
    assert on_date or ("registration date is unknown" in (n.reason or "") and n.confidence < 0.97)
    assert "district_missing:huyện Điện Biên Đông" in n.rules
    assert n.details["district_missing"] == [{"code": "101", "kind": "huyện", "name": "Điện Biên Đông"}]
    assert "(gazetteer: huyện Điện Biên Đông)" in (n.reason or "")


@pytest.mark.parametrize("raw", ["Xã Tả Lủng, Hà Giang", "X. Tả Lủng - T. Hà Giang", "Tả Lủng, Hà Giang"])
def test_a_commune_two_districts_of_the_province_carry_is_not_guessed(raw: str) -> None:
    n = normalize_field("place", raw, on_date="2005-01-01")
    assert n.status == "invalid" and "district_missing:huyện Đồng Văn / huyện Mèo Vạc" in n.rules, n.rules
    assert "Điện Biên" not in n.value and "huyện" not in n.value  # nothing inserted


@pytest.mark.parametrize(
    ("raw", "on_date", "value"),
    [("xã Mường Luân, huyện Điện Biên Đông, tỉnh Điện Biên", "2005-01-01",
      "xã Mường Luân, huyện Điện Biên Đông, tỉnh Điện Biên"),
     ("Mường Luân, Điện Biên Đông, Điện Biên", "2005-01-01", "xã Mường Luân, huyện Điện Biên Đông, tỉnh Điện Biên"),
     ("xã Mường Luân, Điện Biên Đông", "2005-01-01", "xã Mường Luân, huyện Điện Biên Đông"),  # no province
     ("huyện Điện Biên Đông, tỉnh Điện Biên", "2005-01-01", "huyện Điện Biên Đông, tỉnh Điện Biên"),
     ("Sông Mã, Sơn La", "2005-01-01", "huyện Sông Mã, tỉnh Sơn La"),  # a district's name: no commune
     ("Xã Mường Luân, Điện Biên", "2025-08-01", MUONG_LUAN)],  # after the reform: the whole 2025 chain
)  # fmt: skip
def test_a_chain_without_a_gap_stays_ok(raw: str, on_date: str, value: str) -> None:
    n = normalize_field("place", raw, on_date=on_date)
    assert (n.status, n.value) == ("ok", value), (n.reason, n.rules)
    assert not any(r.startswith("district_missing") for r in n.rules)


# After the reform, a bare 2025 commune whose first syllable folds like a unit word ("Phương" ~ phường,
# "Xà" ~ xã, "Quan" ~ quận) is the 2025 commune: the legacy reading it had fallen back to now has a gap.
@pytest.mark.parametrize(
    ("raw", "value"),
    [("Phương Liệt, Hà Nội", "phường Phương Liệt, thành phố Hà Nội"),
     ("Xà Phiên, Cần Thơ", "xã Xà Phiên, thành phố Cần Thơ"),
     ("Quản Bạ, Tuyên Quang", "xã Quản Bạ, tỉnh Tuyên Quang"),
     ("Tĩnh Gia, Thanh Hóa", "phường Tĩnh Gia, tỉnh Thanh Hóa")],
)  # fmt: skip
def test_a_2025_commune_named_like_a_unit_word(raw: str, value: str) -> None:
    n = normalize_field("place", raw, on_date="2025-09-01")
    assert (n.status, n.value, n.details["scheme"]) == ("ok", value, "2025"), (n.reason, n.rules)


# An exact (accented) match of a unit outranks an accent-free match of another unit. "Nghĩa Hùng, Nam
# Định" had been accepted as huyện Nghĩa Hưng (the district matched without its marks, looked up before
# the commune) though Nam Định has a xã Nghĩa Hùng spelled so; two readings, so not ok, the unit spelled
# as written shown (the gazetteer's commune of a name that folds to a district's of its province).
# (the text, the value, the unit matched only without its marks)
ACCENT_RIVALS = [
    ("Nghĩa Hùng, Nam Định", "xã Nghĩa Hùng, tỉnh Nam Định", "huyện Nghĩa Hưng"),
    ("Sơn Hạ, Quảng Ngãi", "xã Sơn Hạ, tỉnh Quảng Ngãi", "huyện Sơn Hà"),
    ("Ba Tô, Quảng Ngãi", "xã Ba Tô, tỉnh Quảng Ngãi", "huyện Ba Tơ"),
    ("Thiệu Hòa, Thanh Hóa", "xã Thiệu Hòa, tỉnh Thanh Hóa", "huyện Thiệu Hóa"),
    ("Hạ Trung, Thanh Hóa", "xã Hạ Trung, tỉnh Thanh Hóa", "huyện Hà Trung"),  # a commune of another district
    ("Sa Pả, Lào Cai", "phường Sa Pả, tỉnh Lào Cai", "thị xã Sa Pa"),
    ("Cẩm Giang, Hải Dương", "thị trấn Cẩm Giang, tỉnh Hải Dương", "huyện Cẩm Giàng"),
    ("Hòa Thạnh, Tây Ninh", "xã Hòa Thạnh, tỉnh Tây Ninh", "thị xã Hòa Thành"),
    ("Tân Ân, Long An", "xã Tân Ân, tỉnh Long An", "thành phố Tân An"),
    ("Tân Thành, Long An", "Tân Thành, tỉnh Long An", "huyện Tân Thạnh"),  # three xã Tân Thành: undecided
    ("Thôn 2, Sơn Hạ, Quảng Ngãi", "Thôn 2, xã Sơn Hạ, tỉnh Quảng Ngãi", "huyện Sơn Hà"),
    ("Nghĩa Hùng - Nam Định", "xã Nghĩa Hùng, tỉnh Nam Định", "huyện Nghĩa Hưng"),
    ("NGHĨA HÙNG, NAM ĐỊNH", "xã Nghĩa Hùng, tỉnh Nam Định", "huyện Nghĩa Hưng"),
    # a district spelled as written against a province read without its marks (no province written)
    ("Phù Yên", "huyện Phù Yên", "tỉnh Phú Yên"),
    ("Quang Bình", "huyện Quang Bình", "tỉnh Quảng Bình"),
    ("Thạnh Hóa", "huyện Thạnh Hóa", "tỉnh Thanh Hóa"),
    ("Thôn 1, Quang Bình", "Thôn 1, huyện Quang Bình", "tỉnh Quảng Bình"),
]


@pytest.mark.parametrize("on_date", ["2010-11-20", None])
@pytest.mark.parametrize(("raw", "value", "rival"), ACCENT_RIVALS)
def test_a_unit_spelled_as_written_outranks_another_matched_without_its_marks(
    raw: str, value: str, rival: str, on_date: str | None
) -> None:
    n = normalize_field("place", raw, confidence=0.99, on_date=on_date)
    assert (n.status, n.value) == ("invalid", value), (n.reason, n.rules)
    assert [f"{r['kind']} {r['name']}" for r in n.details["accent_rival"]] == [rival]
    assert f"accent_rival:{n.details['accent_rival'][0]['written']}->{rival}" in n.rules
    assert "with its marks changed another" in (n.reason or "") and rival in (n.reason or "")


def _communes_folding_to_a_district() -> list[tuple[str, str, str]]:
    """(commune, its province, the district of the province whose name it folds to, spelled otherwise)."""
    from pipeline.normalize.places import gazetteer, loose_key, name_key

    g = gazetteer()
    districts: dict[tuple[str, str], list] = {}
    for d in g.l_dist.by_code.values():
        districts.setdefault((d.province, loose_key(d.name)), []).append(d)
    return sorted({(w.name, g.l_prov.by_code[w.province].name, f"{d.kind} {d.name}")
                   for w in g.l_ward.by_code.values() for d in districts.get((w.province, loose_key(w.name)), [])
                   if name_key(w.name) != name_key(d.name)})  # fmt: skip


def test_the_gazetteer_has_communes_named_like_a_district_but_for_the_marks() -> None:
    pairs = _communes_folding_to_a_district()
    assert ("Nghĩa Hùng", "Nam Định", "huyện Nghĩa Hưng") in pairs and len(pairs) >= 15


@pytest.mark.parametrize(("commune", "province", "district"), _communes_folding_to_a_district())
def test_no_commune_written_before_its_province_is_accepted_as_the_district_its_name_folds_to(
    commune: str, province: str, district: str
) -> None:
    n = normalize_field("place", f"{commune}, {province}", confidence=0.99, on_date="2010-11-20")
    assert n.status != "ok" and not n.value.startswith(district), (n.value, n.rules)
    assert district in [f"{r['kind']} {r['name']}" for r in n.details["accent_rival"]]


@pytest.mark.parametrize(
    ("raw", "value"),
    [  # accent-free: no unit spelled as written competes, the match stays
     ("Nghia Hung, Nam Dinh", "huyện Nghĩa Hưng, tỉnh Nam Định"),
     ("Son Ha, Quang Ngai", "huyện Sơn Hà, tỉnh Quảng Ngãi"),
     # spelled as written: the district itself
     ("Nghĩa Hưng, Nam Định", "huyện Nghĩa Hưng, tỉnh Nam Định"),
     ("Sơn Hà, Quảng Ngãi", "huyện Sơn Hà, tỉnh Quảng Ngãi"),
     # the commune inside the district written after it, and the unit word deciding
     ("Sơn Hạ, Sơn Hà, Quảng Ngãi", "xã Sơn Hạ, huyện Sơn Hà, tỉnh Quảng Ngãi"),
     ("Nghĩa Hùng, Nghĩa Hưng, Nam Định", "xã Nghĩa Hùng, huyện Nghĩa Hưng, tỉnh Nam Định"),
     ("huyện Nghĩa Hùng, tỉnh Nam Định", "huyện Nghĩa Hưng, tỉnh Nam Định"),
     # a full chain the accent-free province places: the district below it is no rival
     ("Mường Cơi, Phù Yên, Sơn La", "xã Mường Cơi, huyện Phù Yên, tỉnh Sơn La"),
     # a name written alone: a hometown is a province or a district, never a commune alone
     ("Hải Phong", "thành phố Hải Phòng"),
     ("Thanh Hòa", "tỉnh Thanh Hóa"),
     ("Nghĩa Hùng", "huyện Nghĩa Hưng")],
)  # fmt: skip
def test_an_accent_free_match_with_no_unit_spelled_as_written_against_it_stays(raw: str, value: str) -> None:
    n = normalize_field("place", raw, on_date="2010-11-20")
    assert (n.status, n.value) == ("ok", value), (n.reason, n.rules)
    assert "accent_rival" not in n.details and not any(r.startswith("accent_rival") for r in n.rules)


@pytest.mark.parametrize(
    ("raw", "value"),
    [("Mường Cơi, Phù Yên", "xã Mường Cơi, huyện Phù Yên"),  # tỉnh Phú Yên has no Mường Cơi
     ("Thủy Đông, Thạnh Hóa", "xã Thủy Đông, huyện Thạnh Hóa")],  # nor tỉnh Thanh Hóa a Thủy Đông
)  # fmt: skip
def test_a_unit_spelled_as_written_that_places_more_of_the_text_is_taken(raw: str, value: str) -> None:
    n = normalize_field("place", raw, on_date="2010-11-20")
    assert (n.status, n.value) == ("ok", value), (n.reason, n.rules)
    assert "accent_rival" not in n.details


# The record's era unknown (its registration date unreadable, its book's year unread): a place only the
# 2025 units place stands as read but is never accepted silently; the register may predate the reform.
# A book's year is an era too: "2008" is before the reform, "2026" after, "2025" either.
@pytest.mark.parametrize("field_type", ["place", "office"])
@pytest.mark.parametrize(
    ("on_date", "status", "rule"),
    [(None, "ok", "unit_2025_era_unknown"),
     ("2025", "ok", "unit_2025_era_unknown"),
     ("31/02/2010", "ok", "unit_2025_era_unknown"),  # an unreadable date's text is no date
     ("2008", "invalid", "unit_2025_before_reform"),
     ("2025-06", "invalid", "unit_2025_before_reform"),
     ("2026", "ok", None),
     ("2025-07", "ok", None)],
)  # fmt: skip
def test_a_2025_unit_with_the_era_unknown_goes_to_review(
    field_type: str, on_date: str | None, status: str, rule: str | None
) -> None:
    from pipeline.normalize import ERA_UNKNOWN_FACTOR

    raw = "xã Kỳ Anh, tỉnh Hà Tĩnh"
    n = normalize_field(field_type, ("UBND " if field_type == "office" else "") + raw, confidence=0.99, on_date=on_date)
    assert (n.status, n.value.removeprefix("UBND ")) == (status, raw), (n.reason, n.rules)
    assert n.details["scheme"] == "2025"
    if rule is None:
        assert n.reason is None and n.confidence == 0.99 and not any(r.startswith("unit_2025") for r in n.rules)
    elif status == "ok":
        assert rule in n.rules and n.details["era_unknown"]
        assert "không rõ ngày đăng ký" in (n.reason or "") and "registration date is unknown" in (n.reason or "")
        assert n.confidence == pytest.approx(0.99 * ERA_UNKNOWN_FACTOR) and n.confidence < 0.9
    else:
        assert rule in n.rules and n.details["after_record"]


@pytest.mark.parametrize("on_date", [None, "2025", "2008"])
@pytest.mark.parametrize(
    ("raw", "value"),
    [("huyện Kỳ Anh, tỉnh Hà Tĩnh", "huyện Kỳ Anh, tỉnh Hà Tĩnh"),
     ("Kỳ Đồng, Kỳ Anh, Hà Tĩnh", "thị trấn Kỳ Đồng, huyện Kỳ Anh, tỉnh Hà Tĩnh")],
)  # fmt: skip
def test_a_legacy_place_with_the_era_unknown_is_no_doubt(raw: str, value: str, on_date: str | None) -> None:
    n = normalize_field("place", raw, confidence=0.99, on_date=on_date)
    assert (n.status, n.value, n.reason) == ("ok", value, None), n.rules
    assert "era_unknown" not in n.details


# A commune found under the district written only with its marks changed, while the province has a commune
# spelled exactly as written elsewhere: an OCR mark, or the writer's older boundary ("xã Thạch Hạ, huyện Thạch
# Hà" before Thạch Hạ went to thị xã Hà Tĩnh). The page cannot tell: not accepted, the other commune shown.
# (the text, the value, the commune spelled as written)
WARDS_SPELLED_ELSEWHERE = [
    ("Thạch Hạ, Thạch Hà, Hà Tĩnh", "thị trấn Thạch Hà, huyện Thạch Hà, tỉnh Hà Tĩnh", "phường Thạch Hạ"),
    ("Đông Xuân, Hoàn Kiếm, Hà Nội", "phường Đồng Xuân, quận Hoàn Kiếm, thành phố Hà Nội", "xã Đông Xuân"),
    ("Việt Hưng, Đông Anh, Hà Nội", "xã Việt Hùng, huyện Đông Anh, thành phố Hà Nội", "phường Việt Hưng"),
    ("Vạn Phúc, Phúc Thọ, Hà Nội", "xã Vân Phúc, huyện Phúc Thọ, thành phố Hà Nội", "xã Vạn Phúc"),
]


@pytest.mark.parametrize("on_date", ["2010-11-20", None])
@pytest.mark.parametrize(("raw", "value", "rival"), WARDS_SPELLED_ELSEWHERE)
def test_a_commune_read_with_its_marks_changed_against_one_spelled_as_written_is_not_accepted(
    raw: str, value: str, rival: str, on_date: str | None
) -> None:
    n = normalize_field("place", raw, confidence=0.99, on_date=on_date)
    assert (n.status, n.value) == ("invalid", value), (n.reason, n.rules)
    assert [f"{r['kind']} {r['name']}" for r in n.details["accent_rival"]] == [rival]
    assert "with its marks changed another" in (n.reason or "")


@pytest.mark.parametrize(
    ("raw", "value"),
    [("Thạch Hà, Thạch Hà, Hà Tĩnh", "thị trấn Thạch Hà, huyện Thạch Hà, tỉnh Hà Tĩnh"),  # as written
     ("Đồng Xuân, Hoàn Kiếm, Hà Nội", "phường Đồng Xuân, quận Hoàn Kiếm, thành phố Hà Nội"),
     ("Dong Xuan, Hoan Kiem, Ha Noi", "phường Đồng Xuân, quận Hoàn Kiếm, thành phố Hà Nội")],  # no marks at all
)  # fmt: skip
def test_a_commune_spelled_as_written_or_without_any_marks_under_its_district_stays(raw: str, value: str) -> None:
    n = normalize_field("place", raw, confidence=0.99, on_date="2010-11-20")
    assert (n.status, n.value) == ("ok", value), (n.reason, n.rules)
    assert "accent_rival" not in n.details


@pytest.mark.parametrize(
    ("on_date", "status", "value"),
    [(None, "invalid", "huyện Na Hang, tỉnh Tuyên Quang"),  # era unknown: the 2025 xã Nà Hang as written rivals
     ("2010-11-20", "ok", "huyện Na Hang, tỉnh Tuyên Quang"),  # before the reform no 2025 unit competes
     ("2025-09-01", "ok", "xã Nà Hang, tỉnh Tuyên Quang")],
)  # fmt: skip
def test_era_unknown_a_legacy_unit_read_without_its_marks_has_the_2025_unit_spelled_as_written_as_rival(
    on_date: str | None, status: str, value: str
) -> None:
    n = normalize_field("place", "Nà Hang, Tuyên Quang", confidence=0.99, on_date=on_date)
    assert (n.status, n.value) == (status, value), (n.reason, n.rules)
    rivals = [f"{r['kind']} {r['name']}" for r in n.details.get("accent_rival", [])]
    assert rivals == (["xã Nà Hang"] if status == "invalid" else [])
    assert n.status == "invalid" or "accent_rival" not in " ".join(n.rules)


@pytest.mark.parametrize(
    ("raw", "status", "value"),
    [  # a facility's name OCR garbled is no village before the commune: not accepted (a fresh aged page)
     ("Trạm YtiếX. Hòa Trị - H. Phú Hoà - T. Phú Yên", "invalid", "Trạm Ytiế, xã Hòa Trị, huyện Phú Hoà, tỉnh Phú Yên"),
     ("Bệnh vlện, huyện Phú Hoà, tỉnh Phú Yên", "invalid", "Bệnh vlện, huyện Phú Hoà, tỉnh Phú Yên"),
     # read whole, the facility and its place; a southern "Nhà hộ sanh" is a facility too
     ("Trạm Y tế X. Hòa Trị - H. Phú Hoà - T. Phú Yên", "ok", "Trạm Y tế xã Hòa Trị, huyện Phú Hoà, tỉnh Phú Yên"),
     ("Nhà hộ sanh, xã Hòa Trị, huyện Phú Hoà, tỉnh Phú Yên", "ok",
      "Nhà hộ sanh xã Hòa Trị, huyện Phú Hoà, tỉnh Phú Yên"),
     # a village before the commune stays as written
     ("Thôn Trạm, xã Hòa Trị, huyện Phú Hoà, tỉnh Phú Yên", "ok", "Thôn Trạm, xã Hòa Trị, huyện Phú Hoà, tỉnh Phú Yên")],
)  # fmt: skip
def test_a_garbled_facility_name_before_a_place_is_not_taken_for_a_village(raw: str, status: str, value: str) -> None:
    n = normalize_field("place", raw, confidence=0.99, on_date="2010-11-20")
    assert (n.status, n.value) == (status, value), (n.reason, n.rules)
    if status == "invalid":
        assert value.split(",")[0] in (n.reason or "")


@pytest.mark.parametrize(
    ("raw", "status", "value"),
    [  # "II" may be Roman 2 or a serif 11 read as I's: where the district has both wards, for review
     ("Phường II, quận 5, thành phố Hồ Chí Minh", "invalid", "phường II, quận 5, thành phố Hồ Chí Minh"),
     ("P.II- Q.5 - TP.HCM", "invalid", "phường II, quận 5, thành phố Hồ Chí Minh"),
     # one reading only: taken ("I" is 1 either way; IV is no look-alike of a number)
     ("Phường I, quận 5, TP.HCM", "ok", "phường 1, quận 5, thành phố Hồ Chí Minh"),
     ("Phường IV, quận 5, TP.HCM", "ok", "phường 4, quận 5, thành phố Hồ Chí Minh")],
)  # fmt: skip
def test_a_ward_numbered_in_is_that_may_be_ones_is_not_taken_for_the_roman_number(
    raw: str, status: str, value: str
) -> None:
    n = normalize_field("place", raw, confidence=0.99, on_date="2010-11-20")
    assert (n.status, n.value) == (status, value), (n.reason, n.rules)
    if status == "invalid":
        assert "11 / 2" in (n.reason or "")


@pytest.mark.parametrize(
    ("raw", "value"),
    [("B.Nội Hoàng, TP. Bắc Giang, T: Bắc Giang", "phường Nội Hoàng, thành phố Bắc Giang, tỉnh Bắc Giang"),
     ("B. Nội Hoàng, TP. Bắc Giang, T. Bắc Giang", "phường Nội Hoàng, thành phố Bắc Giang, tỉnh Bắc Giang"),
     ("B. Lê Lợi, TP. Bắc Giang, T. Bắc Giang", None)],  # no commune of the city so named: as read
)  # fmt: skip
def test_a_p_read_as_b_before_a_commune_of_its_district_is_shown_as_the_commune(raw: str, value: str | None) -> None:
    # a fresh aged page's "B.Nội Hoàng, TP. Bắc Giang" had been accepted as a village of the city
    n = normalize_field("place", raw, confidence=1.0)
    if value is None:
        assert not any(r.startswith("ocr_unit_letter") for r in n.rules) and n.value.startswith("B.")
        return
    misread = ("ocr_unit_letter_misread:B", "unit_word_misread:B.")  # glued to the name, or apart from it
    assert (n.value, n.status) == (value, "ok") and any(r.startswith(misread) for r in n.rules), (n.reason, n.rules)
    if "ocr_unit_letter_misread:B" in n.rules:
        assert n.confidence < 0.9  # glued: a look-alike repair, shown for review


# ...or a D or B alone, its dot lost, the name after it left unplaced (an aged page's clean copy, bench
# texts): the commune, for review. A lone letter that is a name follows its unit word ("Ấp B").
@pytest.mark.parametrize(
    ("raw", "value"),
    [("D Nam Sơn, TP. Bắc Ninh, T. Bắc Ninh", "phường Nam Sơn, thành phố Bắc Ninh, tỉnh Bắc Ninh"),
     ("B Yên Ninh - TP Yên Bái - T. Yên Bái", "phường Yên Ninh, thành phố Yên Bái, tỉnh Yên Bái"),
     ("D Lê Hồng Phong, TP. Bắc Ninh, T. Bắc Ninh", None),  # no commune so named: as read, unplaced
     ("D Hòa Thịnh, H. Tây Hòa, T. Phú Yên", None),  # a xã: a letter alone is a P. only, never an X.
     # glued to a ward's number (aged seed 1259: "B15, Q4, TP.HCM" for phường 15)
     ("B15, Q4, TP.HCM", "phường 15, quận 4, thành phố Hồ Chí Minh"),
     ("B7, Q4, TP.HCM", None)],  # quận 4 has no phường 7
)  # fmt: skip
def test_a_unit_letter_without_its_dot_before_an_unplaced_name(raw: str, value: str | None) -> None:
    n = normalize_field("place", raw, confidence=1.0, on_date="2015")
    if value is None:
        assert n.status == "invalid" and not any(r.startswith("ocr_unit_letter") for r in n.rules)
        return
    assert (n.value, n.status) == (value, "ok") and f"ocr_unit_letter_misread:{raw[0]}" in n.rules, n.rules
    assert n.confidence is not None and n.confidence < 0.9


# "D." apart from the name is a P. misread or a street's "Đ." with its bar lost (Vinh has both a phường and
# a đường Lê Lợi): the ward, for review, never accepted as read
def test_a_d_before_a_wards_name_is_the_ward_for_review() -> None:
    n = normalize_field("place", "D. Lê Lợi, TP. Vinh", confidence=0.99, on_date="2015")
    assert n.value == "phường Lê Lợi, thành phố Vinh" and n.confidence is not None and n.confidence < 0.9
    b = normalize_field("place", "B. Nội Hoàng, TP. Bắc Giang, T. Bắc Giang", confidence=0.99, on_date="2015")
    assert b.confidence is not None and b.confidence >= 0.9  # no street is abbreviated B.
    # a "D." before a district or a province is no street's: the unit word as read
    d = normalize_field("place", "X. Hòa Thịnh, D. Tây Hòa, T. Phú Yên", confidence=0.99, on_date="2015")
    assert d.value == "xã Hòa Thịnh, huyện Tây Hoà, tỉnh Phú Yên" and d.confidence is not None and d.confidence >= 0.9


# A street written "Đ." whose district has a commune of its name is either: kept as the street, for review
# ("Đ.Nội Hoàng, TP. Bắc Giang": a P. so read on a bench page, had been accepted as a street)
@pytest.mark.parametrize(
    ("raw", "doubted"),
    [("Đ.Nội Hoàng, TP. Bắc Giang, T. Bắc Giang", True), ("Đ. Lê Lợi, TP. Vinh", True),
     ("D.Lê Lợi, TP. Vinh", True),  # the Đ's bar lost
     ("Đ. Trần Phú, TP. Vinh", False),  # no commune so named
     ("Đ. Lê Lợi, P. Lê Lợi, TP. Vinh", False)],  # the ward written too: the street is the street
)  # fmt: skip
def test_a_street_named_as_a_commune_of_its_district_is_doubted(raw: str, doubted: bool) -> None:
    n = normalize_field("place", raw, confidence=0.99, on_date="2015")
    assert n.value is not None and n.value.startswith(raw[:2])
    assert any(r.startswith("street_or_commune:") for r in n.rules) is doubted
    assert n.confidence is not None and (n.confidence < 0.9) is doubted


@pytest.mark.parametrize("lead", ["'ƯUBND", "ƯUBND", "XUBND"])
def test_a_speck_glued_to_ubnd_is_no_part_of_the_office(lead: str) -> None:
    n = normalize_field("office", f"{lead} xã Hòa Thịnh, huyện Tây Hòa, tỉnh Phú Yên", confidence=0.99)
    assert (n.status, n.value) == ("ok", "UBND xã Hòa Thịnh, huyện Tây Hoà, tỉnh Phú Yên"), (n.reason, n.rules)
    assert any(r.startswith("office_speck_dropped") for r in n.rules)


def test_a_letter_ending_a_part_moves_to_the_next_only_after_a_facilitys_name() -> None:
    n = normalize_field("place", "Khu phố X, Tân Bình, TP. Hồ Chí Minh")  # a hamlet may be named with a letter
    assert n.value is not None and n.value.startswith("Khu phố X, ")
    # letters ending parts that are no facility stay as read: not accepted as another place
    n = normalize_field("place", "Trạm Y tế X, Phú Lâm H, Tân Phú T, Đồng Nai")
    assert n.status != "ok" or n.value == "Trạm Y tế xã Phú Lâm, huyện Tân Phú, tỉnh Đồng Nai"


# A district read as its unit letter and specks between a commune and its province (aged seed 1187:
# "P. Bình Thuận, Q¿, TP.HCM" for quận 7 on four places of a page): the district the commune's name has in
# the province, for review. Not a district whose number or letters say otherwise, nor one of another kind.
@pytest.mark.parametrize(
    ("raw", "value"),
    [("P. Bình Thuận, Q¿, TP.HCM", "phường Bình Thuận, quận 7, thành phố Hồ Chí Minh"),
     ("P. Bình Thuận - Q./7- TP.HCM", "phường Bình Thuận, quận 7, thành phố Hồ Chí Minh"),
     ("P. Bình Thuận, Qử, TP.HCM", "phường Bình Thuận, quận 7, thành phố Hồ Chí Minh"),
     ("P. Bình Thuận, Q.5¿, TP.HCM", None),  # another number
     ("P. Bình Thuận, H¿, TP.HCM", None),  # quận 7 is no huyện
     ("P. Bình Thuận, Qabc, TP.HCM", None),  # letters: a name the gazetteer did not match
     ("xã Hòa Thịnh, Hà, tỉnh Phú Yên", None)],  # a word ("Hà"), not a unit letter and specks
)  # fmt: skip
def test_a_garbled_district_letter_takes_the_communes_district(raw: str, value: str | None) -> None:
    n = normalize_field("place", raw, confidence=0.95, on_date="2020-01-01")
    if value is None:
        assert n.status == "invalid" and not any(r.startswith("district_garbled") for r in n.rules)
        return
    assert (n.value, n.status) == (value, "ok") and any(r.startswith("district_garbled:") for r in n.rules)
    assert n.confidence is not None and n.confidence < 0.9


# A ward's 5 read Š, S, $ or § (a book photograph: "phường Š, thành phố Tuy Hoà"): the 5, as a guess for
# review, since an 8 or a 3 may be so read and the city has those wards too. A name is never touched.
@pytest.mark.parametrize(
    ("raw", "value"),
    [("phường Š, thành phố Tuy Hoà, tình Phú Yên", "phường 5, thành phố Tuy Hoà, tỉnh Phú Yên"),
     ("P. Š, TP Tuy Hoà, T. Phú Yên", "phường 5, thành phố Tuy Hoà, tỉnh Phú Yên"),
     ("phường 1Š, quận 4, TP.HCM", "phường 15, quận 4, thành phố Hồ Chí Minh"),
     ("Phường 1Š, Quận 4, TP.HCM", "phường 15, quận 4, thành phố Hồ Chí Minh"),
     ("phường Sơn Thủy, TP Tuy Hoà", None),
     # written "P5" (a book photograph's office, "UBND PS - Q.11 - TP.HCM" on four rows)
     ("PS, Q.11, TP.HCM", "phường 5, quận 11, thành phố Hồ Chí Minh"),
     ("P1S; Q4, TP.HCM", "phường 15, quận 4, thành phố Hồ Chí Minh"),
     ("P. Sơn, Q.11, TP.HCM", None), ("PS.HCM", None)],
)  # fmt: skip
def test_a_wards_five_read_as_a_letter_is_a_guess(raw: str, value: str | None) -> None:
    n = normalize_field("place", raw, confidence=0.95, on_date="2015")
    assert ("ocr_number_five" in n.rules) is (value is not None)
    if value is not None:
        assert (n.value, n.status) == (value, "ok") and n.confidence is not None and n.confidence < 0.9


# A commune read without its last letter under the district written (a book photograph: "Ea Pi" for Ea Pil
# twice, the letter lost at the cell's edge): the one commune so spelled with one letter more, for review.
@pytest.mark.parametrize(
    ("raw", "value"),
    [("X. Ea Pi - H. M'Đrắk - T. Đắk Lắk", "xã Ea Pil, huyện M'Đrắk, tỉnh Đắk Lắk"),
     ("xã Hòa Thịn, huyện Tây Hòa, tỉnh Phú Yên", "xã Hòa Thịnh, huyện Tây Hoà, tỉnh Phú Yên"),
     ("xã Hòa, huyện Tây Hòa, tỉnh Phú Yên", None)],  # no commune of the district is one letter longer
)  # fmt: skip
def test_a_commune_that_lost_its_last_letter_is_the_one_that_has_it(raw: str, value: str | None) -> None:
    n = normalize_field("place", raw, confidence=0.95, on_date="2015")
    if value is None:
        assert n.status == "invalid"
        return
    assert (n.value, n.status) == (value, "ok") and n.confidence is not None and n.confidence < 0.9
    assert any(r.startswith("gazetteer_fuzzy:") for r in n.rules)


# A dash or a speck cut inside a name (a book photograph: "huyện Tây —_ Hoà"): the one reading with that
# separator taken for a space that places the whole, for review; never a separator before a unit word.
@pytest.mark.parametrize(
    ("raw", "value"),
    [("xã Hòa Đồng, huyện Tây —_ Hoà, tỉnh Phú Yên", "xã Hòa Đồng, huyện Tây Hoà, tỉnh Phú Yên"),
     ("xã Hòa, Đồng, huyện Tây Hòa, tỉnh Phú Yên", "xã Hòa Đồng, huyện Tây Hoà, tỉnh Phú Yên"),
     ("xã Hòa Đồng, huyện Tây, tỉnh Phú Yên", None)],  # nothing to join: the district's name cut short
)  # fmt: skip
def test_a_name_a_separator_cut_is_joined_again(raw: str, value: str | None) -> None:
    n = normalize_field("place", raw, confidence=0.95, on_date="2015")
    assert ("place_name_rejoined" in n.rules) is (value is not None)
    if value is not None:
        assert (n.value, n.status) == (value, "ok") and n.confidence is not None and n.confidence < 0.9


def test_a_speckled_vowel_read_as_a_foreign_letter_is_the_vowel() -> None:
    # aged seed 1279: "Tøñg An" for Long An (ø, a letter no Vietnamese word has, had been dropped whole)
    n = normalize_field("place", "Bình Hòa Nam, Đức Huệ, Tøñg An", confidence=0.95, on_date="2015")
    assert (n.value, n.status) == ("xã Bình Hòa Nam, huyện Đức Huệ, tỉnh Long An", "ok")
    assert n.confidence is not None and n.confidence < 0.9


def test_a_bare_number_with_no_district_written_is_no_ward() -> None:
    # no district to number its wards: "1" may be a hamlet, a house, or a ward of any town in the province
    n = normalize_field("place", "1, Hậu Giang")
    assert not n.value.startswith("phường"), n.value
    # "II" inside a district holding both phường 2 and phường 11: nothing decides
    n = normalize_field("place", "II, Q.5, TP.HCM")
    assert n.status == "invalid" and "(11 / 2)" in (n.reason or ""), n.reason


@pytest.mark.parametrize("raw", ["Từ Dũ", "Trạm Y tế Từ Dũ", "Nhà hộ sinh Từ Dũ"])
def test_a_commune_respelled_with_nothing_above_it_is_a_guess(raw: str) -> None:
    # one of thousands of communes nationwide: its marks changed with no district or province to vouch
    n = normalize_field("place", raw, confidence=1.0)
    assert "gazetteer:Từ Dũ->Tử Du" in n.rules
    assert n.confidence is not None and n.confidence < 0.8
    spelled = normalize_field("place", raw.replace("Từ Dũ", "Tử Du"), confidence=1.0)
    assert spelled.status == "ok" and spelled.confidence == pytest.approx(1.0)
    # its unit word written: the writer's, no guess ("UBND xã Canh Vĩnh", an office's commune)
    written = normalize_field("place", raw.replace("Từ Dũ", "xã Từ Dũ"), confidence=1.0)
    assert written.value.endswith("xã Tử Du") and written.confidence == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("Bệnh viện Bạch Mai", "Bệnh viện Bạch Mai"),
        ("Bệnh viện Bạch Mai, Hà Nội", "Bệnh viện Bạch Mai, thành phố Hà Nội"),
        ("BV Bạch Mai, TP Hà Nội", "Bệnh viện Bạch Mai, thành phố Hà Nội"),
        ("Bệnh viện Từ Dũ", "Bệnh viện Từ Dũ"),
        ("Bệnh viện Phụ sản Bạch Mai, Hà Nội", "Bệnh viện Phụ sản Bạch Mai, thành phố Hà Nội"),
    ],
)
def test_a_commune_name_after_a_hospital_is_the_hospitals_own(raw: str, value: str) -> None:
    # a hospital serves a district or more: no "Bệnh viện phường Bạch Mai" (the name of a ward of Hà Nội too)
    n = normalize_field("place", raw, confidence=1.0)
    assert (n.status, n.value) == ("ok", value), (n.reason, n.rules)
    assert not any(r.startswith(("gazetteer:", "district_missing:")) for r in n.rules), n.rules
    # the unit word written: the writer named the commune, a place the hospital stands in
    assert normalize_field("place", "Bệnh viện phường Bạch Mai, Hà Nội").value.startswith("Bệnh viện phường Bạch Mai")
    # a district's name is no hospital's own: the unit word is put back as for any place
    n = normalize_field("place", "Bệnh viện Đa khoa Thanh Ba, Phú Thọ")
    assert n.value == "Bệnh viện Đa khoa huyện Thanh Ba, tỉnh Phú Thọ", n.rules


@pytest.mark.parametrize(
    ("raw", "value", "contradicted"),
    [
        # TP. with its P lost (held-out seed 133, accepted as "tỉnh Hồ Chí Minh"): the list's unit word
        ("P. Hiệp Phú, TP. Thủ Đức, T.HCM", "phường Hiệp Phú, thành phố Thủ Đức, thành phố Hồ Chí Minh", True),
        ("xã Vân Canh, huyện Hoài Đức, tỉnh Hà Nội", "xã Vân Canh, huyện Hoài Đức, thành phố Hà Nội", True),
        ("xã Hòa Thịnh, huyện Tây Hòa, thành phố Phú Yên", "xã Hòa Thịnh, huyện Tây Hoà, tỉnh Phú Yên", True),
        # a province of the name once: as written
        ("huyện Ô Môn, tỉnh Cần Thơ", "huyện Ô Môn, tỉnh Cần Thơ", False),
        ("P. Hiệp Phú, TP. Thủ Đức, TP.HCM", "phường Hiệp Phú, thành phố Thủ Đức, thành phố Hồ Chí Minh", False),
    ],
)  # fmt: skip
def test_a_province_written_with_another_unit_word(raw: str, value: str, contradicted: bool) -> None:
    n = normalize_field("place", raw, confidence=1.0)
    assert (n.status, n.value) == ("ok", value), (n.reason, n.rules)
    assert any(r.startswith("unit_word_contradicted:") for r in n.rules) == contradicted
    assert (n.confidence is not None and n.confidence < 0.8) == contradicted  # a reviewer sees the repair


@pytest.mark.parametrize(
    ("raw", "value", "rule"),
    [
        # a district of four letters one real edit off, under its province (aged seed 1259)
        ("huyện Nũ Rì, tỉnh Bắc Kạn", "huyện Na Rì, tỉnh Bắc Kạn", "gazetteer_fuzzy:Nũ Rì->Na Rì"),
        # a commune's thin i lost inside a word (the same page)
        ("xã Km Lư, huyện Na Rì, tỉnh Bắc Kạn", "xã Kim Lư, huyện Na Rì, tỉnh Bắc Kạn", "gazetteer_fuzzy:Km Lư->Kim Lư"),
        # the abbreviations of Hồ Chí Minh City with its T misread, or run together without commas
        ("Trạm Y tế P.5 - Q.11 - 1P.HCM", "Trạm Y tế phường 5, quận 11, thành phố Hồ Chí Minh", "place_abbr"),
        # run together with its P lost or read E (held-out font 163: "THCM" had left the place invalid)
        ("Trạm Y tế phường 6, quận Tân Bình, THCM", "Trạm Y tế phường 6, quận Tân Bình, thành phố Hồ Chí Minh",
         "place_abbr"),
        ("P. 6, Q. Tân Bình, TEHCM", "phường 6, quận Tân Bình, thành phố Hồ Chí Minh", "place_abbr"),
        ("Phường 5 Quận 11 Tp.HCM", "phường 5, quận 11, thành phố Hồ Chí Minh", "place_comma_before_unit"),
        # a unit letter misread as another capital, alone between separators (held-out typewriter page)
        ("X. Hưng Thạnh -:B., Tân Phước - 7T. Tiền Giang", "xã Hưng Thạnh, huyện Tân Phước, tỉnh Tiền Giang",
         "unit_word_misread:B.->huyện"),
    ],
)  # fmt: skip
def test_aged_page_place_misreads(raw: str, value: str, rule: str) -> None:
    n = normalize_field("place", raw, confidence=1.0)
    assert (n.status, n.value) == ("ok", value), (n.reason, n.rules)
    assert rule in n.rules
    assert (n.confidence is not None and n.confidence < 0.8) == rule.startswith("gazetteer_fuzzy")


@pytest.mark.parametrize(
    "raw",
    [
        "xã Kim Lư, huyện Nũ Rì Xa, tỉnh Bắc Kạn",  # an edit too many
        "xã Km, huyện Na Rì, tỉnh Bắc Kạn",  # too short to put a letter back
        "xã Tân Xã, huyện Thạch Thất, thành phố Hà Nội",  # a capitalised unit word inside a name: no part
    ],
)
def test_what_the_aged_page_repairs_leave_alone(raw: str) -> None:
    n = normalize_field("place", raw)
    assert not any(r.startswith("gazetteer_fuzzy") or r == "place_comma_before_unit" for r in n.rules), n.rules


@pytest.mark.parametrize(("raw", "value"), [("V, Vị Thanh, Hậu Giang", "phường V, thành phố Vị Thanh, tỉnh Hậu Giang"),
                                            ("I, Vị Thanh, Hậu Giang", "phường I, thành phố Vị Thanh, tỉnh Hậu Giang")])
def test_a_roman_numbered_ward_alone_is_no_misread_unit_letter(raw: str, value: str) -> None:
    # aged seed 1279's "V, Vị Thanh, Hậu Giang": a capital alone between separators is a ward's numeral
    # here, not a unit letter (the misread-letter merge had dropped phường V)
    n = normalize_field("place", raw)
    assert (n.status, n.value) == ("ok", value)


@pytest.mark.parametrize(("raw", "status"), [
    ("Xóm 3, xã Tân Hiệp, huyện Yên Thế, tỉnh Bắc Giang", "ok"),  # a hamlet, kept as written
    ("Plei Ốp, phường Trà Bá, thành phố Pleiku, tỉnh Gia Lai", "ok"),
    ("KP 2, phường 5, quận 11, TP.HCM", "ok"),
])  # fmt: skip
def test_a_part_before_the_commune_is_a_sub_unit_only_when_spelled(raw: str, status: str) -> None:
    # a fresh aged page: "TT, Trà My" kept "TT" before the inferred thị trấn and was accepted
    n = normalize_field("place", raw, confidence=0.95, on_date="2010-01-01")
    assert n.status == status and n.value is not None and n.value.startswith(raw.split(",")[0])


# (field type, text read, the value shown for review, or None: left as read); all found on Chromium bench pages
@pytest.mark.parametrize(
    ("ftype", "raw", "value"),
    [("place", "xã Noong Ho, huyện Sìn Hồ, tỉnh Lai Châu", "xã Noong Hẻo, huyện Sìn Hồ, tỉnh Lai Châu"),
     ("place", "Xã lam Thanh, huyện Tân Sơn, tỉnh Phú Thọ", "xã Tam Thanh, huyện Tân Sơn, tỉnh Phú Thọ"),
     ("place", "thị trấn Liên Nelữa, huyện Đức Trọng, tỉnh Lâm Đồng",
      "thị trấn Liên Nghĩa, huyện Đức Trọng, tỉnh Lâm Đồng"),  # three edits in a long name
     ("place", "A Là, huyện Bát Xát, tỉnh Lào Cai", "xã A Lù, huyện Bát Xát, tỉnh Lào Cai"),  # no unit word
     ("office", "UBND Xã Lạc Hòu,\nthị xã Vĩnh Châu, tỉnh Sóc Trăng", "UBND xã Lạc Hòa, thị xã Vĩnh Châu, tỉnh Sóc Trăng"),
     ("office", "UBND xã Cluv Răng, huyện Ia Pa, tỉnh Gia Lai", "UBND xã Chư Răng, huyện Ia Pa, tỉnh Gia Lai"),
     # two communes as near (Minh Quán, Minh Quân), a numbered ward, too far, or no district placed
     ("place", "xã Mu Quân, huyện Trấn Yên, tỉnh Yên Bái", None),
     ("place", "BÍ, quận 4, thành phố Hồ Chí Minh", None),
     ("place", "X. Kim Eurt, H. Na Rì, T. Bắc Kạn", None),
     ("place", "xã Noong Ho, tỉnh Lai Châu", None),
     # the unit word written is not the near commune's
     ("place", "phường Noong Ho, huyện Sìn Hồ, tỉnh Lai Châu", None),
     # a place that resolves is none of this rule's
     ("place", "xã Noong Hẻo, huyện Sìn Hồ, tỉnh Lai Châu", None)],
)  # fmt: skip
def test_an_unplaced_commune_is_shown_as_the_districts_nearest_still_invalid(
    ftype: str, raw: str, value: str | None
) -> None:
    n = normalize_field(ftype, raw, on_date="2010-05-01")
    got = place_commune_suggested(n.value, n.details, ftype, "2010-05-01")
    if value is None:
        assert got is None
        return
    assert n.status == "invalid" and got is not None
    assert (got.value, got.status) == (value, "invalid")  # a commune the snapshot lacks is possible: reviewed
    assert got.details["read_as"] == n.value and got.rules[0].startswith("commune_suggested:")
    assert got.details["legacy"]["ward"]["code"] == got.details["commune_suggested"]["code"]
    assert "gần nhất" in (got.reason or "") and "nearest" in (got.reason or "")


# an apostrophe after a syllable is a speck between words (aged 1409's "tỉnh'Nghệ An" was accepted so); a
# minority name's apostrophe follows a consonant or two and stays
@pytest.mark.parametrize(
    ("raw", "value"),
    [("Bệnh viện Đa khoa tỉnh'Nghệ An", "Bệnh viện Đa khoa tỉnh Nghệ An"),
     ("xã'Hòa Thịnh, huyện Tây Hòa, tỉnh Phú Yên", "xã Hòa Thịnh, huyện Tây Hoà, tỉnh Phú Yên"),
     ("xã Ea'H'Leo, huyện Ea H'Leo, tỉnh Đắk Lắk", "xã Ea H'leo, huyện Ea H'leo, tỉnh Đắk Lắk"),
     ("xã Tr'Hy, huyện Tây Giang, tỉnh Quảng Nam", "xã Tr'Hy, huyện Tây Giang, tỉnh Quảng Nam"),
     ("huyện Cư M'gar, tỉnh Đắk Lắk", "huyện Cư M'gar, tỉnh Đắk Lắk"),
     ("huyện Đắk R'Lấp, tỉnh Đắk Nông", "huyện Đắk R'Lấp, tỉnh Đắk Nông")],
)  # fmt: skip
def test_an_apostrophe_after_a_syllable_is_a_space(raw: str, value: str) -> None:
    n = normalize_field("place", raw)
    assert (n.value, n.status) == (value, "ok")
