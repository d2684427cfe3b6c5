"""The synthetic sample set: determinism, ground truth in canonical form, size budget, readable by Tesseract."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import os
import re
import unicodedata
from pathlib import Path

import pytest
from PIL import Image

from pipeline.samples import SAMPLE_SET, generate
from pipeline.samples.build import template_for
from pipeline.samples.words import REGIONAL_VARIANTS, date_to_words, number_to_words

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "sample_scans"
LEX = ROOT / "data" / "lexicons"
SUBSET = ["ks_clean_01", "kh_degraded_01", "ks_book_2010"]  # PNG, JPEG with stamp/skew, 3-page PDF

ISO = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
UNIT = r"(xã|phường|thị trấn|huyện|quận|thị xã|thành phố|tỉnh) "
PLACE = re.compile(rf"^((Trạm Y tế|Bệnh viện Đa khoa|Trung tâm Y tế) )?{UNIT}[^,]+(, {UNIT}[^,]+)*$")


def _names(file: str) -> set[str]:
    with (LEX / file).open(encoding="utf-8") as f:
        return {r["name"] for r in csv.DictReader(f)}


def _truths() -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(SAMPLES.glob("*.truth.json"))]


@pytest.fixture(scope="module")
def twice(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    a, b = tmp_path_factory.mktemp("a"), tmp_path_factory.mktemp("b")
    generate(a, only=SUBSET)
    generate(b, only=SUBSET)
    return a, b


# ------------------------------------------------------------------------------------------ words


@pytest.mark.parametrize(
    ("n", "variant", "words"),
    [
        (15, None, "mười lăm"),
        (21, None, "hai mươi mốt"),
        (24, {"four": "tư"}, "hai mươi tư"),
        (25, {"five": "nhăm"}, "hai mươi nhăm"),
        (105, {"zero": "lẻ"}, "một trăm lẻ năm"),
        (1987, None, "một nghìn chín trăm tám mươi bảy"),
        (1987, {"thousand": "ngàn"}, "một ngàn chín trăm tám mươi bảy"),
        (2005, None, "hai nghìn không trăm linh năm"),
        (2005, {"zero_hundred": False, "zero": "lẻ"}, "hai nghìn lẻ năm"),
        (2010, None, "hai nghìn không trăm mười"),
    ],
)
def test_number_to_words(n: int, variant: dict | None, words: str) -> None:
    assert number_to_words(n, variant) == words


def test_date_to_words() -> None:
    d = dt.date(1987, 3, 15)
    assert date_to_words(d) == "mười lăm tháng ba năm một nghìn chín trăm tám mươi bảy"
    assert date_to_words(dt.date(2004, 4, 25), {"prefix": True, "five": "nhăm", "thousand": "ngàn"}) == (
        "ngày hai mươi nhăm tháng tư năm hai ngàn không trăm linh bốn"
    )


# ------------------------------------------------------------------------------------------ generator


def test_generation_is_deterministic(twice: tuple[Path, Path]) -> None:
    a, b = twice
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(p.name for p in b.iterdir())
    assert len(names) == 3 + 5  # 3 files, 1 + 1 + 3 truth files
    for n in names:
        assert (a / n).read_bytes() == (b / n).read_bytes(), n


def test_committed_set_is_up_to_date(twice: tuple[Path, Path]) -> None:
    """The committed files are what the code generates now (regenerate with `hotich samples`)."""
    a, _ = twice
    for p in sorted(a.iterdir()):
        assert (SAMPLES / p.name).read_bytes() == p.read_bytes(), f"{p.name} is stale"


def test_pdf_has_no_wall_clock_date(twice: tuple[Path, Path]) -> None:
    pdf = (twice[0] / "ks_book_2010.pdf").read_bytes()
    assert b"/CreationDate (D:20251128000000Z)" in pdf


# ------------------------------------------------------------------------------------------ committed set


def test_manifest_lists_every_file_and_truth() -> None:
    manifest = json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))
    listed = {f["file"] for f in manifest["files"]}
    truths = {p["truth"] for f in manifest["files"] for p in f["pages"]}
    on_disk = {p.name for p in SAMPLES.iterdir()} - {"manifest.json"}
    assert listed | truths == on_disk
    assert listed == {s.name for s in SAMPLE_SET}
    for f in manifest["files"]:
        if f["kind"] == "pdf":
            from pdf2image import pdfinfo_from_path

            assert pdfinfo_from_path(str(SAMPLES / f["file"]))["Pages"] == len(f["pages"]) == 3
        else:
            with Image.open(SAMPLES / f["file"]) as im:
                assert getattr(im, "n_frames", 1) == len(f["pages"])
    kinds = {(f["kind"], f["category"]) for f in manifest["files"]}
    assert ("tiff", "clean") in kinds and ("pdf", "clean") in kinds
    assert sum(f["category"] == "degraded" for f in manifest["files"]) >= 8
    assert any(f["variant"] for f in manifest["files"]) and any(f["typewriter"] for f in manifest["files"])


def test_size_budget() -> None:
    total = sum(p.stat().st_size for p in SAMPLES.iterdir())
    assert total < 20 * 1024 * 1024, total


def test_truth_has_every_template_key_in_canonical_form() -> None:
    ethnic, countries = _names("ethnic_groups.csv"), _names("countries.csv")
    truths = _truths()
    assert len(truths) == sum(len(s.pages) for s in SAMPLE_SET)
    for t in truths:
        tpl = template_for(t["register"])
        assert t["template"] == tpl.id
        assert set(t["page_fields"]) == {"quyenSo", "noiDangKy", "trangSo"}
        assert re.fullmatch(r"\d{2}/\d{4}", t["page_fields"]["quyenSo"])
        assert t["page_fields"]["noiDangKy"].startswith("UBND ")
        assert 2 <= len(t["entries"]) <= 8
        for e in t["entries"]:
            assert list(e["fields"]) == tpl.field_keys
            for key, value in e["fields"].items():
                if value is None:
                    continue
                assert value == unicodedata.normalize("NFC", value) and value == " ".join(value.split())
                typ = tpl.field_type(key)
                if typ == "date":
                    assert ISO.match(value), (key, value)
                elif typ == "person_name":
                    assert value == value.upper(), (key, value)
                elif typ == "sex":
                    assert value in ("Nam", "Nữ")
                elif typ == "ethnicity":
                    assert value in ethnic
                elif typ == "nationality":
                    assert value in countries
                elif typ == "place":
                    assert PLACE.match(value), (key, value)
                elif typ == "time":
                    assert re.fullmatch(r"\d{2}:\d{2}", value)
                elif typ in ("id_number", "entry_no"):
                    assert value.isdigit()
                elif typ == "id_doc_type":
                    assert value in ("Giấy CMND", "Thẻ căn cước công dân")
                elif typ == "relation":
                    assert value == value.lower()


def test_truth_facts_are_consistent() -> None:
    """Registration after the event, parents' ages, words = digits, ID numbers' structure."""
    for t in _truths():
        for e in t["entries"]:
            f = e["fields"]
            reg = dt.date.fromisoformat(f["ngayDangKy"])
            if t["register"] == "khai_sinh":
                born = dt.date.fromisoformat(f["nksNgaySinh"])
                assert born <= reg
                assert f["nksNgaySinhBangChu"] in {date_to_words(born, v) for v in REGIONAL_VARIANTS}
                for parent in ("me", "cha"):
                    if f[f"{parent}NgaySinh"]:
                        assert 18 <= born.year - int(f[f"{parent}NgaySinh"][:4]) <= 46
            elif t["register"] == "khai_tu":
                died = dt.date.fromisoformat(f["nktNgayChet"])
                assert int(f["nktNgaySinh"][:4]) < died.year and died <= reg
            else:
                for side, sex_digit in (("chong", (0, 2)), ("vo", (1, 3))):
                    number = f[f"{side}SoGiayToTuyThan"]
                    if f[f"{side}LoaiGiayToTuyThan"] == "Giấy CMND":
                        assert len(number) == 9
                    else:  # CCCD: PPP G YY RRRRRR
                        assert len(number) == 12 and int(number[3]) in sex_digit
                        assert number[4:6] == f[f"{side}NgaySinh"][2:4]


def test_rendered_cells_match_fields() -> None:
    """The truth's printed text carries the field values (so readers can be scored cell by cell)."""
    for t in _truths():
        tpl = template_for(t["register"])
        idx = {c.fields[0].key: str(i) for i, c in enumerate(tpl.columns)}
        for e in t["entries"]:
            r, f = e["rendered"], e["fields"]
            name_key = {"khai_sinh": "nksHoTen", "ket_hon": "chongHoTen", "khai_tu": "nktHoTen"}[
                t["register"]
            ]
            assert r[idx[name_key]].replace("\n", " ").upper() == f[name_key]
            assert r[idx["so"]] == f["so"]
            if t["register"] == "khai_sinh":
                words = " ".join(r[idx["nksNgaySinh"]].split("\n")[1:]).lower()
                assert words == f["nksNgaySinhBangChu"]
                if f["chaHoTen"] is None:
                    assert r[idx["chaHoTen"]] in ("", "-")


def test_variant_page_swaps_columns() -> None:
    t = json.loads((SAMPLES / "ks_variant_01.p1.truth.json").read_text(encoding="utf-8"))
    order = t["table"]["column_order"]
    assert order != sorted(order) and sorted(order) == list(range(14))
    std = json.loads((SAMPLES / "ks_clean_01.p1.truth.json").read_text(encoding="utf-8"))
    assert t["table"]["header"] != std["table"]["header"]


def _fold(s: str) -> str:
    """Diacritic-insensitive form: Tesseract often confuses SỔ/SỐ on bold capitals."""
    s = unicodedata.normalize("NFD", s.replace("Đ", "D").replace("đ", "d"))
    return " ".join("".join(c for c in s if not unicodedata.combining(c)).split())


@pytest.mark.parametrize("stem", ["ks_clean_01", "kh_clean_01", "kt_clean_01"])
def test_tesseract_reads_running_title(stem: str) -> None:
    tesserocr = pytest.importorskip("tesserocr")
    from rapidfuzz import fuzz

    t = json.loads((SAMPLES / f"{stem}.p1.truth.json").read_text(encoding="utf-8"))
    title = template_for(t["register"]).titles[0]
    with Image.open(SAMPLES / t["file"]) as im:
        top = im.crop((0, 0, im.width, t["table"]["row_y"][0] - 20))
        tessdata = os.environ.get("TESSDATA_PREFIX", "/usr/share/tesseract-ocr/5/tessdata/")
        with tesserocr.PyTessBaseAPI(path=tessdata, lang="vie", psm=tesserocr.PSM.AUTO) as api:
            api.SetImage(top)
            text = unicodedata.normalize("NFC", api.GetUTF8Text())
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert _fold(title) in map(_fold, lines), lines
    assert max(fuzz.ratio(title, line) for line in lines) >= 85, lines
    assert "Quyển số: " + t["page_fields"]["quyenSo"] in lines


def test_heldout_fonts_replace_every_development_font(tmp_path: Path) -> None:
    # the held-out set must not share a single font with the committed one (else it measures nothing new)
    from pipeline.samples.build import HELDOUT_FONTS, HELDOUT_MONOSPACE, MONOSPACE, with_heldout_fonts

    used = {ps.font for spec in SAMPLE_SET for ps in spec.pages}
    assert not used & {*HELDOUT_FONTS, HELDOUT_MONOSPACE}
    for before, after in zip(SAMPLE_SET, with_heldout_fonts(SAMPLE_SET), strict=True):
        for a, b in zip(before.pages, after.pages, strict=True):
            assert b.font not in used and (b.font in MONOSPACE) == (a.font in MONOSPACE)
            assert dataclasses.replace(b, font=a.font, font_size=a.font_size) == a  # nothing else changes
    generate(tmp_path, seed=5, only=["kt_typewriter_01", "ks_clean_01"], fonts="heldout")
    fonts = {json.loads(p.read_text(encoding="utf-8"))["font"] for p in tmp_path.glob("*.truth.json")}
    assert fonts == {HELDOUT_MONOSPACE, HELDOUT_FONTS[0]}
    with pytest.raises(ValueError, match="fonts must be one of"):
        generate(tmp_path, fonts="comic")
