"""Slanted writing (pipeline/ocr/slant.py): measured per page, cells sheared upright before reading."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.model import BBox
from pipeline.ocr import get_engine, page_slant, read_cell, text_height
from pipeline.ocr.slant import deslant

FREEFONT = "/usr/share/fonts/truetype/freefont/"  # fonts-freefont-ttf, installed by the Makefile
LINES = ["26/04/1981  NGUYỄN VĂN HÙNG", "CMND số 348574256", "xã Ngọc Đường, huyện Vị Xuyên", "Đã cấp bản sao ngày 30/1/2021"]


def _page(face: str, rows: int = 12) -> np.ndarray:
    """A white page of ledger-like text lines in ``face`` (FreeSerif or its italic), 300 dpi letter size."""
    im = Image.new("L", (2000, 60 + rows * 70), 255)
    d = ImageDraw.Draw(im)
    font = ImageFont.truetype(FREEFONT + face, 40)
    for i in range(rows):
        d.text((60 + (i % 3) * 40, 40 + i * 70), LINES[i % len(LINES)], font=font, fill=0)
    return np.asarray(im).copy()


@pytest.mark.parametrize(("face", "slanted"), [("FreeSerif.ttf", False), ("FreeSerifItalic.ttf", True),
                                               ("FreeSans.ttf", False), ("FreeSansOblique.ttf", True)])  # fmt: skip
def test_page_slant_tells_italic_from_upright(face: str, slanted: bool) -> None:
    gray = _page(face)
    s = page_slant(gray, BBox(0, 0, gray.shape[1], gray.shape[0]), text_height(gray))
    assert (s >= 0.1) is slanted and (s == 0.0) is (not slanted), s


def test_page_slant_of_nothing_is_zero() -> None:
    blank = np.full((400, 400), 255, np.uint8)
    assert page_slant(blank, BBox(0, 0, 400, 400), None) == 0.0
    assert page_slant(blank, BBox(0, 0, 400, 400), 30.0) == 0.0


def test_deslant_keeps_all_ink_and_makes_a_slanted_stroke_upright() -> None:
    crop = np.full((100, 60), 255, np.uint8)
    for y in range(100):  # a stroke leaning right by 0.2 px per px up
        x = 20 + round(0.2 * (100 - y))
        crop[y, x : x + 3] = 0
    img, pad = deslant(crop, 0.2)
    assert img.shape == (100, 60 + 2 * pad) and (img < 128).sum() >= (crop < 128).sum() * 0.9
    cols = np.flatnonzero((img < 128).any(axis=0))
    assert cols[-1] - cols[0] <= 6  # upright: the stroke now spans a few columns, not 20


def test_an_italic_cell_is_read_sheared_by_the_real_engine() -> None:
    gray = _page("FreeSerifItalic.ttf", rows=4)
    engine = get_engine()
    engine.set_page(gray)
    slope = page_slant(gray, BBox(0, 0, gray.shape[1], gray.shape[0]), text_height(gray))
    cell = BBox(40, 100, 900, 80)  # the second line: "CMND số 348574256"
    lines = read_cell(engine, gray, cell, "block", slope)
    assert [ln.text for ln in lines] == ["CMND số 348574256"]
    b = lines[0].bbox  # in page coordinates, inside the cell (widened by the shear's padding)
    assert cell.y <= b.y and b.y + b.h <= cell.y + cell.h and cell.x - 40 <= b.x < cell.x + cell.w
