"""A faint or unreadable digit field read again alone (pipeline/second_read.py, read_page._read_again):
real Tesseract on a rendered cell."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.model import BBox, FieldStatus, FieldValue
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


def _faint(key: str, raw: str, value: str | None, box: BBox, status: FieldStatus) -> FieldValue:
    return FieldValue(key=key, raw=raw, value=value, confidence=0.6, bbox=box, status=status)


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


def test_a_read_whose_runner_up_digit_is_also_valid_is_not_vouched_for() -> None:
    # a dotted 0 read as 9 on a typewriter face is read as 9 alone too: the reading alone settles nothing
    gray, box = _cell("12/04/1953")
    f = _faint(DATE.key, "12/04/1953", "1953-04-12", box, FieldStatus.LOW_CONFIDENCE)
    f.rules = ["ocr_digit_ambiguous"]
    assert _read(gray, DATE, f).status == FieldStatus.LOW_CONFIDENCE and f.rules == ["ocr_digit_ambiguous"]
