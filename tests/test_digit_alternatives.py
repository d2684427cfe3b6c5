"""OCR's runner-up digits weighed against the validators: a dotted zero read as 9 ("04.93.1999").

Unit tables on ``normalize_field`` (alternatives given by hand), then the real engine on the committed
typewriter page, whose monospace face has a dotted zero that Tesseract sometimes reads as 9.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.extract import _Cell
from pipeline.ingest import identify, load_page, page_refs
from pipeline.layout import cell_box, find_table, remove_rules
from pipeline.model import BBox, FieldStatus, OcrLine
from pipeline.normalize import DIGIT_ALT_FACTOR, normalize_field
from pipeline.ocr import get_engine
from pipeline.preprocess import upright
from pipeline.read_page import ReadOptions, read_ref

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "sample_scans"


@pytest.mark.parametrize(
    ("field_type", "raw", "alternatives", "value", "rule"),
    [
        # impossible as read, one reading valid: repaired
        ("date", "ngày 04.93.1999", [(5, "96"), (8, "0")], "1999-03-04", "ocr_digit_alternative:9>0@8"),
        ("date", "99.03.1999", [(0, "06"), (3, "6")], "1999-03-09", "ocr_digit_alternative:9>0@0"),
        ("time", "98 giờ 65", [(0, "06"), (7, "09")], "08:05", "ocr_digit_alternative:9>0@0,6>0@7"),
        ("time", "29 giờ 40", [(1, "086"), (8, "96")], "20:40", "ocr_digit_alternative:9>0@1"),
        # valid as read, and valid with a runner-up too: kept, marked ambiguous
        ("time", "22h19", [(4, "0")], "22:19", "ocr_digit_ambiguous"),
        ("id_number", "Số 097589817", [(3, "9"), (8, "0")], "097589817", "ocr_digit_ambiguous"),
        ("date", "1907", [(2, "9")], "1907", "ocr_digit_ambiguous"),
        # an entry number is valid either way: the page's run of confident numbers decides (an italic 556
        # read 356 with the 5 kept as runner-up, on every row of a fresh Chromium page)
        ("entry_no", "356", [(0, "5")], "356", "ocr_digit_ambiguous"),
    ],
)
def test_runner_up_digits_repair_or_mark(field_type: str, raw: str, alternatives: list, value: str, rule: str) -> None:
    plain = normalize_field(field_type, raw, confidence=0.95)
    got = normalize_field(field_type, raw, confidence=0.95, alternatives=alternatives)
    assert got.value == value and got.status == "ok"
    assert rule in got.rules
    assert got.confidence == pytest.approx(0.95 * DIGIT_ALT_FACTOR)  # below the 0.90 review threshold
    if rule.startswith("ocr_digit_alternative"):
        assert plain.status == "invalid" and got.details["read_as"] == plain.value
    else:
        assert plain.value == value and plain.confidence == pytest.approx(0.95)
        # the raw the runner-up makes, for its ink to be weighed (read_page._ambiguous_glyphs)
        other = got.details["digit_alternative_read"]
        assert len(other) == len(raw) and sum(a != b for a, b in zip(other, raw, strict=True)) == 1
        assert normalize_field(field_type, other).value == got.details["digit_alternative"]


@pytest.mark.parametrize(
    ("field_type", "raw", "alternatives"),
    [
        ("date", "07.03.1999", [(0, "698"), (3, "96")]),  # every runner-up makes it impossible
        ("date", "15/03/1987", []),
        ("date", "15/03/1987", [(40, "9"), (2, "7")]),  # out of range, or on a non-digit: ignored
        ("text", "Số 09", [(3, "6")]),  # free text has no validator to weigh them
    ],
)
def test_alternatives_that_settle_nothing_change_nothing(field_type: str, raw: str, alternatives: list) -> None:
    plain = normalize_field(field_type, raw, confidence=0.95)
    got = normalize_field(field_type, raw, confidence=0.95, alternatives=alternatives)
    assert (got.value, got.status, got.rules, got.confidence) == (plain.value, plain.status, plain.rules,
                                                                   plain.confidence)  # fmt: skip


def test_several_valid_repairs_stay_invalid_and_are_listed() -> None:
    got = normalize_field("date", "31.19.1999", confidence=0.95, alternatives=[(4, "02")])
    assert got.status == "invalid" and got.value == "31.19.1999"
    assert got.details["digit_alternatives"] == ["1999-10-31", "1999-12-31"]


def test_cell_parts_carry_alternatives_at_their_own_offsets() -> None:
    lines = [OcrLine("Số 13/GBT", 0.9, BBox(0, 0, 10, 10)),
             OcrLine("ngày 04.93.1999", 0.9, BBox(0, 10, 10, 10), ((5, "96"), (8, "0")))]  # fmt: skip
    cell = _Cell(lines)
    start = cell.text.index("04.93")
    part = cell.part(start, len(cell.text))
    assert part.raw == "04.93.1999"
    assert part.alternatives == ((0, "96"), (3, "0"))
    assert [part.raw[i] for i, _ in part.alternatives] == ["0", "9"]


@pytest.mark.slow
def test_typewriter_page_times_repaired_from_the_engines_runner_up_digits() -> None:
    path = SAMPLES / "kt_typewriter_01.jpg"
    truth = json.loads((SAMPLES / "kt_typewriter_01.p1.truth.json").read_text(encoding="utf-8"))
    result = read_ref(page_refs(identify(path))[0], ReadOptions())
    repaired = [(e.row, f) for e in result.entries for f in e.fields.values()
                if any(r.startswith("ocr_digit_alternative") for r in f.rules)]  # fmt: skip
    assert repaired, "the dotted-zero page has impossible reads that a runner-up digit repairs"
    for row, f in repaired:
        assert f.value == truth["entries"][row - 1]["fields"][f.key], (row, f.key, f.raw, f.value)
        # a repair is a guess: the reviewer confirms it, unless the second model read the value plainly
        # (eng reads the typewriter's dotted 0 as 0 where vie's first choice was 9)
        assert f.status != FieldStatus.OK or "second_model_agrees" in f.rules, (row, f.key, f.rules)
    assert any(f.status != FieldStatus.OK for _, f in repaired)  # the time "29 giờ 40" eng cannot read


@pytest.mark.slow
def test_engine_alternatives_point_at_digits_of_their_line() -> None:
    engine = get_engine()
    up = upright(load_page(page_refs(identify(SAMPLES / "kt_typewriter_01.jpg"))[0]).image, engine)
    table = find_table(up.image)
    gray = remove_rules(up.image, table)
    engine.set_page(gray)
    lines = [ln for r in range(1, len(table.rows) - 1) for c in range(len(table.cols) - 1)
             for ln in engine.read(cell_box(table, r, c))]  # fmt: skip
    alts = [(ln.text, i, chars) for ln in lines for i, chars in ln.alternatives]
    assert alts, "a dotted zero leaves runner-up digits"
    for text, i, chars in alts:
        assert text[i].isdigit() and chars.isdigit() and text[i] not in chars, (text, i, chars)
    assert any({text[i], *chars} >= {"0", "9"} for text, i, chars in alts)
    # a true 9 keeps no "0" runner-up: the years 1999 of this 1999 book are never in doubt
    assert not [a for a in alts if a[0].endswith("1999") and a[1] >= len(a[0]) - 3]
