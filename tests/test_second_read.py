"""A faint or unreadable digit field read again alone (pipeline/second_read.py, read_page._read_again):
real Tesseract on a rendered cell."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.model import BBox, FieldStatus, FieldValue, OcrLine
from pipeline.normalize import normalize_field
from pipeline.ocr import get_engine
from pipeline.read_page import _read_again
from pipeline.second_read import field_crop
from pipeline.templates import FieldSpec

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
CELL = BBox(0, 0, 700, 120)


def _cell(text: str) -> tuple[np.ndarray, BBox]:
    """A white cell with ``text`` on one line, and the text's ink box."""
    im = Image.new("L", (CELL.w, CELL.h), 255)
    ImageDraw.Draw(im).text((40, 35), text, font=ImageFont.truetype(FONT, 40), fill=0)
    gray = np.asarray(im).copy()
    ys, xs = np.nonzero(gray < 128)
    return gray, BBox(int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1))


def _read(gray: np.ndarray, spec: FieldSpec, f: FieldValue) -> FieldValue:
    engine = get_engine()
    engine.set_page(gray)
    normalized = {spec.key: normalize_field(spec.type, f.raw, confidence=f.confidence)}
    _read_again(engine, gray, 0.0, {spec.key: CELL}, [spec], {spec.key: f}, normalized, 0.9)
    return f


def _faint(key: str, raw: str, value: str | None, box: BBox, status: FieldStatus, ftype: str = "date") -> FieldValue:
    details = dict(normalize_field(ftype, raw, confidence=0.6).details)  # as the page reader keeps them
    return FieldValue(key=key, raw=raw, value=value, confidence=0.6, bbox=box, status=status, details=details)


DATE = FieldSpec("nktNgaySinh", "date")


def test_crop_has_room_on_the_right_and_stays_in_its_cell() -> None:
    box = BBox(100, 40, 200, 40)
    crop = field_crop(box, CELL, 1)
    assert crop.x == 92 and crop.x + crop.w == 340  # 8 px on the left, a line's height on the right
    assert crop.y == 27 and crop.y + crop.h == 93  # a third of a line above and below
    wide = field_crop(BBox(600, 40, 90, 40), CELL, 1)
    assert wide.x + wide.w == CELL.w  # never past the cell
    two = field_crop(BBox(100, 20, 200, 80), CELL, 2)
    assert two.x + two.w == 340  # a wrapped field: the line's height, not the box's


def test_a_faint_date_that_the_reading_alone_gives_again_is_accepted() -> None:
    gray, box = _cell("12/04/1953")
    # the box OCR gave lost the last digit: the crop's room on the right reads it
    short = BBox(box.x, box.y, box.w - 20, box.h)
    f = _read(gray, DATE, _faint(DATE.key, "12/04/1953", "1953-04-12", short, FieldStatus.LOW_CONFIDENCE))
    assert f.status == FieldStatus.OK and f.confidence >= 0.9
    assert any(r.startswith("read_alone_agrees") for r in f.rules)


def test_a_faint_date_read_alone_otherwise_stays_for_review_with_the_other_reading() -> None:
    gray, box = _cell("12/04/1953")
    f = _read(gray, DATE, _faint(DATE.key, "12/04/1958", "1958-04-12", box, FieldStatus.LOW_CONFIDENCE))
    assert f.status == FieldStatus.LOW_CONFIDENCE and f.value == "1958-04-12"
    assert f.details["read_alone"] == ["1953-04-12"]


def test_an_unreadable_date_takes_what_both_readings_alone_give_still_for_review() -> None:
    gray, box = _cell("12/04/1953")
    f = _read(gray, DATE, _faint(DATE.key, "12/04/195:", "12/04/195:", box, FieldStatus.INVALID))
    assert f.value == "1953-04-12" and f.status == FieldStatus.LOW_CONFIDENCE
    assert "read_alone_value" in f.rules and f.details["read_as"] == "12/04/195:" and "195:" in (f.reason or "")


@pytest.mark.parametrize(
    ("spec", "raw", "value"),
    [(FieldSpec("nktHoTen", "person_name"), "12/04/1953", "12/04/1953"),  # names are never read again
     (DATE, "12/04/1953", "1953-04-12")],  # a field invalid for another row's reason is not either
)  # fmt: skip
def test_only_faint_or_unreadable_digit_fields_are_read_again(spec: FieldSpec, raw: str, value: str) -> None:
    gray, box = _cell("12/04/1953")
    status = FieldStatus.LOW_CONFIDENCE if spec.type == "person_name" else FieldStatus.INVALID
    f = _read(gray, spec, _faint(spec.key, raw, value, box, status))
    assert f.status == status and f.rules == [] and "read_alone" not in f.details


def test_a_read_the_normalizer_guessed_is_not_vouched_for_by_the_same_guess() -> None:
    # "7/1172003": the "/" read as 7 is the normalizer's guess; read alone, the same glyphs give the same
    # guess (a dotted 0 read as 9 on a typewriter face is read as 9 alone too): nothing is settled
    gray, box = _cell("7/1172003")
    f = _faint(DATE.key, "7/1172003", "2003-11-07", box, FieldStatus.LOW_CONFIDENCE)
    assert "confidence_factor" in f.details
    assert _read(gray, DATE, f).status == FieldStatus.LOW_CONFIDENCE and f.rules == []


class _TwoReadings:
    """An engine whose grey and binarized readings alone are given: the weighing, isolated from OCR."""

    def __init__(self, grey: str, binarized: str) -> None:
        self.texts = {False: grey, True: binarized}

    def read_alone(self, gray: np.ndarray, rect: BBox, mode: str = "block", *, slope: float = 0.0,
                   binarize: bool = False) -> list[OcrLine]:  # fmt: skip
        return [OcrLine(self.texts[binarize], 0.9, rect)]


@pytest.mark.parametrize(
    ("grey", "binarized", "vouched"),
    [("12/04/1958", "12/04/1958", True), ("12/04/1953", "12/04/1958", False),  # one reading says otherwise
     ("12/04/1958", "", True), ("12/04/195", "12/04/1958", True)],  # a reading with no valid date: no vote
)  # fmt: skip
def test_a_faint_read_is_vouched_for_only_when_no_reading_alone_gives_another_value(
    grey: str, binarized: str, vouched: bool
) -> None:
    gray, box = _cell("12/04/1958")
    f = _faint(DATE.key, "12/04/1958", "1958-04-12", box, FieldStatus.LOW_CONFIDENCE)
    normalized = {DATE.key: normalize_field("date", f.raw, confidence=0.6)}
    _read_again(_TwoReadings(grey, binarized), gray, 0.0, {DATE.key: CELL}, [DATE], {DATE.key: f}, normalized, 0.9)  # type: ignore[arg-type]
    assert (f.status == FieldStatus.OK) is vouched
    assert ("read_alone" in f.details) is (not vouched)
