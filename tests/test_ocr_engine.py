"""The Tesseract engine wrapper, on real Tesseract with rendered Vietnamese text."""

from __future__ import annotations

import os

import numpy as np
import pytest
from fixtures.tables import font
from PIL import Image, ImageDraw

from pipeline.model import BBox
from pipeline.ocr import get_engine
from pipeline.ocr._pytesseract import PytesseractEngine
from pipeline.ocr.engine import TESSDATA, ocr_scale

NAME = "Nguyễn Thị Hồng Nhung"
PLACE = "Xã Hòa Thịnh, huyện Tây Hòa, tỉnh Phú Yên"


def _page(lines: list[tuple[int, int, str]], size: tuple[int, int] = (1800, 900), px: int = 42) -> np.ndarray:
    img = Image.new("L", size, 255)
    d = ImageDraw.Draw(img)
    for x, y, text in lines:
        d.text((x, y), text, font=font(px, serif=True), fill=0)
    return np.array(img)


@pytest.fixture(scope="module")
def page() -> np.ndarray:
    return _page([(100, 100, NAME), (100, 190, PLACE), (100, 400, "15/03/1987"), (1000, 400, "Kinh")])


@pytest.fixture(scope="module")
def engine():
    return get_engine()


def test_engine_is_cached_and_single_threaded(engine) -> None:
    assert get_engine() is engine
    assert engine.name == "tesserocr"
    assert os.environ["OMP_THREAD_LIMIT"] == "1"


def test_reads_vietnamese_line_with_page_coordinates(engine, page) -> None:
    engine.set_page(page, scale=1.0)
    lines = engine.read(BBox(80, 85, 1200, 80), "line")
    assert [ln.text for ln in lines] == [NAME]
    ln = lines[0]
    assert 0.8 <= ln.confidence <= 1.0
    # page coordinates, not rectangle coordinates
    assert 95 <= ln.bbox.x <= 110 and 95 <= ln.bbox.y <= 125 and ln.bbox.w > 300


def test_block_mode_one_ocrline_per_text_line(engine, page) -> None:
    engine.set_page(page, scale=1.0)
    lines = engine.read(BBox(80, 85, 1400, 180), "block")
    assert [ln.text for ln in lines] == [NAME, PLACE]
    assert lines[0].bbox.y < lines[1].bbox.y


def test_reduced_page_keeps_page_coordinates(engine, page) -> None:
    engine.set_page(page, scale=0.6)
    lines = engine.read(BBox(80, 85, 1400, 180), "block")
    assert [ln.text for ln in lines] == [NAME, PLACE]
    assert abs(lines[1].bbox.y - 190) < 20 and abs(lines[1].bbox.x - 100) < 10


def test_digits_mode_and_fallback(engine, page) -> None:
    engine.set_page(page)
    assert [ln.text for ln in engine.read(BBox(80, 385, 600, 80), "digits")] == ["15/03/1987"]
    # letters in a digits cell: the whitelisted read is rejected and the block read returned
    assert [ln.text for ln in engine.read(BBox(980, 385, 400, 80), "digits")] == ["Kinh"]


def test_blank_and_outside_rectangles_read_nothing(engine, page) -> None:
    engine.set_page(page)
    assert engine.read(BBox(100, 600, 800, 200), "block") == []
    assert engine.read(BBox(5000, 5000, 100, 100), "line") == []


def test_ocr_scale_never_enlarges() -> None:
    big = _page([(50, 60 + 70 * i, PLACE) for i in range(10)], px=60)
    small = _page([(50, 60 + 30 * i, PLACE) for i in range(20)], px=18)
    assert 0.4 <= ocr_scale(big) < 0.7
    assert ocr_scale(small) == 1.0


@pytest.mark.parametrize("k", [1, 2, 3])
def test_orientation_osd(engine, k: int) -> None:
    text = _page([(60, 60 + 70 * i, PLACE if i % 2 else NAME) for i in range(10)], size=(1400, 800))
    turned = np.ascontiguousarray(np.rot90(text, k))  # counter-clockwise k quarter turns
    deg, conf = engine.orientation(turned)
    assert deg == 90 * k  # clockwise turn that undoes it
    assert conf > 2


def test_pytesseract_fallback_reads_the_same() -> None:
    eng = PytesseractEngine(tessdata=TESSDATA)
    eng.set_page(_page([(100, 100, NAME)], size=(1200, 300)))
    lines = eng.read(BBox(80, 85, 1000, 80), "line")
    assert [ln.text for ln in lines] == [NAME]
    assert lines[0].bbox.x >= 95


@pytest.mark.parametrize("fallback", [False, True])
def test_word_mode_reads_one_token(fallback: bool) -> None:
    img = _page([(300, 80, "- 12 -")], size=(800, 220), px=34)
    eng = PytesseractEngine(tessdata=TESSDATA) if fallback else get_engine()
    eng.set_page(img, scale=1.0)
    lines = eng.read(BBox(296, 82, 96, 36), "word")  # psm 8 wants the word's tight box
    assert [ln.text.replace(" ", "") for ln in lines] == ["-12-"]


@pytest.mark.parametrize("fallback", [False, True])
def test_a_read_past_its_deadline_reads_nothing(fallback: bool, monkeypatch, caplog) -> None:
    """OCRmyPDF's null result: a Tesseract call that misses its deadline (a band of noise took 190 s) gives
    no text, never an exception or a partial page; the same read in time gives the text."""
    from pipeline.ocr import _pytesseract, _tesserocr

    text = _page([(60, 60 + 70 * i, PLACE if i % 2 else NAME) for i in range(10)], size=(1400, 800))
    eng = PytesseractEngine(tessdata=TESSDATA) if fallback else get_engine()
    eng.set_page(text, scale=1.0)
    rect = BBox(40, 40, 1300, 720)
    assert len(eng.read(rect, "block")) == 10
    if fallback:
        monkeypatch.setattr(_pytesseract, "TIMEOUT_S", 0.01)
    else:
        monkeypatch.setattr(_tesserocr, "READ_DEADLINE_S", 0.001)
    assert eng.read(rect, "block") == []
    assert eng.read(rect, "line") == []  # not tried again as a block
    if not fallback:  # said in the log: the cell reads as empty
        assert "deadline" in caplog.text
