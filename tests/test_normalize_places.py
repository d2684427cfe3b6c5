from __future__ import annotations

import pytest

from pipeline.normalize import normalize_field, resolve_place

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
    ("Tp Tuy Hòa, Phú Yên", "thành phố Tuy Hoà, tỉnh Phú Yên"),
    ("phường Trúc Bạch, quận Ba Đình, Hà Nội", "phường Trúc Bạch, quận Ba Đình, thành phố Hà Nội"),
    ("huyện Ba Vì, tỉnh Hà Tây", "huyện Ba Vì, tỉnh Hà Tây"),  # province that ceased in 2008
    ("tỉnh Sông Bé", "tỉnh Sông Bé"),
    ("Trạm Y tế xã Hòa Thịnh, huyện Tây Hòa, tỉnh Phú Yên", "Trạm Y tế " + HT),
    ("Trạm Y tế X. Hòa Thịnh - H. Tây Hòa - T. Phú Yên", "Trạm Y tế " + HT),
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
    ("Bệnh viện Đa khoa tỉnh Phú Yên", "Bệnh viện Đa khoa tỉnh Phú Yên"),
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
