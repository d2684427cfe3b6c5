"""Lost-line recovery (pipeline/ocr/lost_lines.py): bands of ink no returned line covers are read alone."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.model import BBox, OcrLine
from pipeline.ocr import get_engine, read_cell
from pipeline.ocr.lost_lines import ink_bands, lost_bands

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"


def _cell(lines: list[str], size: int = 40, top: int = 30, step: int = 60) -> np.ndarray:
    """A white 600 x 300 cell with one text line every ``step`` px, as the page reader sees it (gray)."""
    im = Image.new("L", (600, 300), 255)
    d = ImageDraw.Draw(im)
    font = ImageFont.truetype(FONT, size)
    for i, text in enumerate(lines):
        d.text((30, top + i * step), text, font=font, fill=0)
    return np.asarray(im).copy()


def _line_box(gray: np.ndarray, band: tuple[int, int]) -> BBox:
    a, b = band
    cols = np.flatnonzero((gray[a:b] < 128).any(axis=0))
    return BBox(int(cols[0]), a, int(cols[-1] - cols[0]), b - a)


def test_accents_join_the_letters_under_them() -> None:
    gray = np.full((100, 200), 255, np.uint8)
    gray[10:16, 20:60] = 0  # a row of accents
    gray[19:49, 20:120] = 0  # the capitals under it (3 px below)
    gray[60:90, 20:120] = 0  # the next line
    assert ink_bands(gray, BBox(0, 0, 200, 100), line_h=30) == [(10, 49), (60, 90)]


def test_a_band_no_line_covers_is_lost_and_covered_ones_are_not() -> None:
    gray = _cell(["TRẦN", "HỒNG VY"])
    first, second = ink_bands(gray, BBox(0, 0, 600, 300), line_h=40)
    read = [OcrLine("HỒNG VY", 0.94, _line_box(gray, second))]
    lost = lost_bands(gray, BBox(0, 0, 600, 300), read)
    assert len(lost) == 1 and lost[0].y < first[0] and lost[0].y + lost[0].h > first[1]
    both = [*read, OcrLine("TRẦN", 0.9, _line_box(gray, first))]
    assert lost_bands(gray, BBox(0, 0, 600, 300), both) == []


def test_specks_and_a_tall_block_are_not_text_lines() -> None:
    gray = _cell(["HỒNG VY"])
    gray[200:203, 40:44] = 0  # a speck
    gray[120:290, 400:560] = 0  # a stamp-sized block
    (band,) = ink_bands(gray, BBox(0, 0, 390, 300), line_h=40)[:1]
    read = [OcrLine("HỒNG VY", 0.94, _line_box(gray, band))]
    assert lost_bands(gray, BBox(0, 0, 600, 300), read) == []


def test_the_real_engine_reads_a_lost_band_alone() -> None:
    """The dropped line is simulated (Tesseract drops it on some reduced pages only); the band it gets,
    padding and accents included, is read by the real engine."""
    gray = _cell(["TRẦN", "HỒNG VY"])
    engine = get_engine()
    engine.set_page(gray, scale=1.0)
    full = engine.read(BBox(0, 0, 600, 300), "block")
    assert [ln.text for ln in full] == ["TRẦN", "HỒNG VY"]

    class DropsFirstLine:
        name = "drops-first-line"

        def read(self, rect: BBox, mode: str = "block") -> list[OcrLine]:
            lines = engine.read(rect, mode)
            return lines[1:] if rect.h > 150 else lines

    lines = read_cell(DropsFirstLine(), gray, BBox(0, 0, 600, 300), "block")  # type: ignore[arg-type]
    assert [ln.text for ln in lines] == ["TRẦN", "HỒNG VY"]
    assert lines[0].confidence >= 0.5 and lines[0].bbox.y < lines[1].bbox.y


@pytest.mark.parametrize("noise", ["stamp_arc", "smudge"])
def test_noise_read_back_is_dropped(noise: str) -> None:
    class ReadsNoise:
        name = "noise"

        def read(self, rect: BBox, mode: str = "block") -> list[OcrLine]:
            if rect.h > 150:
                return [OcrLine("HỒNG VY", 0.94, BBox(30, 100, 200, 40))]
            return [OcrLine("rt*xn" if noise == "stamp_arc" else "~", 0.3, rect)]

    gray = _cell(["", "HỒNG VY"], top=30)
    gray[30:70, 30:200] = np.where(np.random.default_rng(1).random((40, 170)) < 0.2, 0, 255)
    lines = read_cell(ReadsNoise(), gray, BBox(0, 0, 600, 300), "block")  # type: ignore[arg-type]
    assert [ln.text for ln in lines] == ["HỒNG VY"]
