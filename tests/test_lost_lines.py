"""Lost-line recovery (pipeline/ocr/lost_lines.py): bands of ink no returned line covers are read alone."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.model import BBox, OcrLine
from pipeline.ocr import get_engine, read_cell, scale_for
from pipeline.ocr.engine import make_line
from pipeline.ocr.lost_lines import (
    ink_bands,
    line_words,
    lost_bands,
    lost_words,
    recover,
    rows_joined,
    with_words,
    without_echoes,
)

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


def test_a_dot_below_and_the_next_lines_accent_are_no_line_of_their_own() -> None:
    """Seed 397 italic "HOÀNG THỊ / NGÂN": the dot under Ị and the circumflex over Â, 25 px from top to
    bottom, had been taken for a lost line and read "xã" at 0.85."""
    gray = np.full((120, 200), 255, np.uint8)
    gray[20:50, 20:120] = 0  # HOÀNG THỊ
    gray[53:57, 110:114] = 0  # the dot under Ị
    gray[66:70, 40:50] = 0  # the circumflex over Â
    gray[73:103, 20:120] = 0  # NGÂN
    bands = ink_bands(gray, BBox(0, 0, 200, 120), line_h=30)
    assert bands == [(20, 50), (53, 103)]
    read = [OcrLine("HOÀNG THỊ", 0.95, BBox(20, 20, 100, 30)), OcrLine("NGÂN", 0.93, BBox(20, 73, 100, 30))]
    assert lost_bands(gray, BBox(0, 0, 200, 120), read) == []


def test_a_stamps_specks_read_as_lines_do_not_set_the_line_height() -> None:
    """Seed 101: a seal over a name cell came back as "lines" of specks at 0.0-0.3 whose ink is 8 px
    high; their median made every fragment of the seal's lettering a lost text line."""
    gray = np.full((300, 400), 255, np.uint8)
    gray[20:50, 20:200] = 0  # the name, read
    for y in (80, 110):
        gray[y : y + 8, 220:300] = 0  # seal specks, read as junk lines
    gray[150:162, 220:320] = 0  # a fragment of the seal's lettering, 12 px high
    read = [OcrLine("NGUYỄN HỒNG", 0.92, BBox(20, 20, 180, 30)),
            OcrLine("ˆ.s", 0.0, BBox(220, 80, 80, 8)), OcrLine("ƒ s", 0.03, BBox(220, 110, 80, 8))]  # fmt: skip
    assert lost_bands(gray, BBox(0, 0, 400, 300), read) == []
    assert lost_words(gray, BBox(0, 0, 400, 300), read) == []


def test_a_seals_letters_off_the_cells_text_edge_are_no_lost_line() -> None:
    """Seed 139: "AN" of a seal's "NHÂN DÂN" under a declarant cell read "4N" at 0.81; a cell's lines
    start at its text's left edge (or share its centre), a seal's letters do not."""
    gray = np.full((300, 600), 255, np.uint8)
    gray[20:50, 20:300] = 0  # PHẠM MINH
    gray[80:110, 20:240] = 0  # Quan hệ: mẹ
    gray[150:180, 330:420] = 0  # the seal's letters, right of the text
    read = [OcrLine("PHẠM MINH", 0.9, BBox(20, 20, 280, 30)), OcrLine("Quan hệ: mẹ", 0.9, BBox(20, 80, 220, 30))]
    assert lost_bands(gray, BBox(0, 0, 600, 300), read) == []
    gray[150:180, 330:420] = 255
    gray[150:180, 24:150] = 0  # a line at the text's edge is lost
    assert len(lost_bands(gray, BBox(0, 0, 600, 300), read)) == 1


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


def test_a_lost_band_every_read_leaves_empty_is_read_on_white_paper() -> None:
    """Aged 1303: "TT. Sóc Sơn, H." at a cell's top came back as nothing from the block read, from its band
    and from a taller box; the same pixels on white margins read. The band reads of the page are faked
    empty; the read on white paper is the real engine's, its box moved back onto the cell."""
    gray = _cell(["TRẦN", "HỒNG VY"])
    engine = get_engine()
    engine.set_page(gray, scale=1.0)
    seen: list[np.ndarray] = []

    class LosesTheFirstLine:
        name = "loses-the-first-line"

        def read(self, rect: BBox, mode: str = "block") -> list[OcrLine]:
            return engine.read(rect, mode)[1:] if rect.h > 150 else []

        def read_alone(self, img: np.ndarray, rect: BBox, mode: str = "block", **kw: object) -> list[OcrLine]:
            seen.append(img)
            return engine.read_alone(img, rect, mode, **kw)  # type: ignore[arg-type]

    lines = read_cell(LosesTheFirstLine(), gray, BBox(0, 0, 600, 300), "block")  # type: ignore[arg-type]
    assert [ln.text for ln in lines] == ["TRẦN", "HỒNG VY"]
    assert seen and all((img[:4] == 255).all() and (img[:, :4] == 255).all() for img in seen)  # white margins
    first = _line_box(gray, ink_bands(gray, BBox(0, 0, 600, 300), 40)[0])
    assert abs(lines[0].bbox.x - first.x) <= 6 and abs(lines[0].bbox.y - first.y) <= 12  # on the cell


def test_the_read_on_white_paper_comes_after_the_tight_box() -> None:
    """Photo 1283: "ngày 3-11-1999" came back empty from the taller box and read from the tight one; the
    read on white paper, tried first, had given "ngày 311-1999" and a wrong month. It is the last try."""
    gray = _cell(["TRẦN", "HỒNG VY"])
    engine = get_engine()
    engine.set_page(gray, scale=1.0)
    band = lost_bands(gray, BBox(0, 0, 600, 300), engine.read(BBox(0, 0, 600, 300), "block")[1:])[0]
    apart: list[BBox] = []

    class TightBoxOnly:
        name = "tight-box-only"

        def read(self, rect: BBox, mode: str = "block") -> list[OcrLine]:
            if rect.h > 150:
                return engine.read(rect, mode)[1:]
            return engine.read(rect, mode) if rect.h <= band.h else []  # the taller box: nothing

        def read_alone(self, img: np.ndarray, rect: BBox, mode: str = "block", **kw: object) -> list[OcrLine]:
            apart.append(rect)
            return [OcrLine("TRẦNN", 0.9, rect)]

    lines = read_cell(TightBoxOnly(), gray, BBox(0, 0, 600, 300), "block")  # type: ignore[arg-type]
    assert [ln.text for ln in lines] == ["TRẦN", "HỒNG VY"] and apart == []


def test_a_cell_read_as_nothing_is_read_line_by_line_at_the_pages_letter_height() -> None:
    """Book photograph 1151: a blurred officer's cell, "TRẦN / HỒNG / KHANG", read as nothing whole (the
    officer lost on five rows); each line alone reads at 0.91-0.96. The crop is the page's, the engine real."""
    import cv2

    gray = cv2.imread(str(Path(__file__).parent / "fixtures" / "blurred_names_cell.png"), cv2.IMREAD_GRAYSCALE)
    engine = get_engine()
    engine.set_page(gray, scale=scale_for(22.0))
    cell = BBox(0, 0, gray.shape[1], gray.shape[0])
    assert not any(ln.text.strip() for ln in read_cell(engine, gray, cell, "block"))  # no height: as before
    lines = read_cell(engine, gray, cell, "block", text_h=22.0)
    assert [ln.text for ln in lines][1:] == ["HỒNG", "KHANG"] and lines[0].text in {"TRẦN", "TRẤN"}
    assert lines[0].bbox.y < lines[1].bbox.y < lines[2].bbox.y


def test_a_cell_of_noise_read_as_nothing_stays_empty() -> None:
    """The line-by-line read keeps only what looks like text: specks read back as "~" are no line."""

    class ReadsNothingButSpecks:
        name = "specks"

        def read(self, rect: BBox, mode: str = "block") -> list[OcrLine]:
            return [] if rect.h > 150 else [OcrLine("~", 0.3, rect)]

    gray = _cell(["", "HỒNG VY"], top=30)
    assert read_cell(ReadsNothingButSpecks(), gray, BBox(0, 0, 600, 300), "block", text_h=30.0) == []  # type: ignore[arg-type]


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


def _without_last_word(line: OcrLine) -> OcrLine:
    """``line`` as a read that dropped its last word (Tesseract does on blurred photographs)."""
    words = line.words[:-1]
    return OcrLine(
        line.text[: words[-1][1]], line.confidence, BBox.union([w[3] for w in words]) or line.bbox,
        tuple(a for a in line.alternatives if a[0] < words[-1][1]), words,
    )  # fmt: skip


def _words_of(gray: np.ndarray, text: str) -> OcrLine:
    engine = get_engine()
    engine.set_page(gray, scale=1.0)
    (line,) = [ln for ln in engine.read(BBox(0, 0, gray.shape[1], gray.shape[0]), "block") if ln.text == text]
    return line


def test_ink_beside_a_line_that_no_word_covers_is_a_lost_word() -> None:
    gray = _cell(["HOÀNG VY"])
    full = _words_of(gray, "HOÀNG VY")
    lost = lost_words(gray, BBox(0, 0, 600, 300), [_without_last_word(full)])
    assert len(lost) == 1
    index, box = lost[0]
    vy = full.words[-1][3]
    ink = np.flatnonzero((gray[vy.y : vy.y + vy.h, vy.x : vy.x + vy.w] < 128).any(axis=0)) + vy.x
    assert index == 0 and box.x < ink[0] and box.x + box.w > ink[-1] and box.y <= vy.y
    assert lost_words(gray, BBox(0, 0, 600, 300), [full]) == []


def test_a_second_line_on_the_same_rows_covers_its_words() -> None:
    """Two fields on one baseline ("Dân tộc: Kinh   Quốc tịch: Việt Nam") come back as two lines."""
    gray = _cell(["HOÀNG VY"])
    full = _words_of(gray, "HOÀNG VY")
    first, second = full.words
    left = OcrLine("HOÀNG", first[2], first[3], (), ((0, 5, first[2], first[3]),))
    right = OcrLine("VY", second[2], second[3], (), ((0, 2, second[2], second[3]),))
    assert lost_words(gray, BBox(0, 0, 600, 300), [left, right]) == []


def test_a_dash_or_a_comma_left_over_is_not_a_word() -> None:
    gray = _cell(["HOÀNG -"])
    full = _words_of(gray, "HOÀNG -")
    assert lost_words(gray, BBox(0, 0, 600, 300), [_without_last_word(full)]) == []


def test_a_lost_word_is_put_back_in_its_place() -> None:
    gray = _cell(["Phan Thị", "Hoàng Vy"])
    engine = get_engine()
    engine.set_page(gray, scale=1.0)

    class DropsLastWords:
        name = "drops-last-words"

        def read(self, rect: BBox, mode: str = "block") -> list[OcrLine]:
            lines = engine.read(rect, mode)
            return [_without_last_word(ln) for ln in lines] if rect.h > 150 else lines

    lines = read_cell(DropsLastWords(), gray, BBox(0, 0, 600, 300), "block")  # type: ignore[arg-type]
    assert [ln.text for ln in lines] == ["Phan Thị", "Hoàng Vy"]
    for ln in lines:  # the words and their offsets stay consistent: the fields are cut by them
        assert [ln.text[s:e] for s, e, _, _ in ln.words] == ln.text.split(" ")
        assert ln.bbox == BBox.union([w[3] for w in ln.words])
        assert ln.confidence == pytest.approx(np.mean([w[2] for w in ln.words]))


def test_with_words_keeps_each_words_digit_alternatives() -> None:
    line = OcrLine("12/3", 0.9, BBox(10, 0, 40, 20), ((1, "7"),), ((0, 4, 0.9, BBox(10, 0, 40, 20)),))
    before = OcrLine("ngày", 0.8, BBox(0, 0, 8, 20), (), ((0, 4, 0.8, BBox(0, 0, 8, 20)),))
    after = OcrLine("1990", 0.7, BBox(60, 0, 40, 20), ((0, "7"),), ((0, 4, 0.7, BBox(60, 0, 40, 20)),))
    merged = with_words(line, [*line_words(after), *line_words(before)])
    assert merged.text == "ngày 12/3 1990"
    assert merged.alternatives == ((6, "7"), (10, "7"))
    assert merged.bbox == BBox(0, 0, 100, 20) and merged.confidence == pytest.approx(0.8)


def test_a_line_under_blurred_boxes_is_not_taken_for_accents() -> None:
    """A photographed cell (seed 389): Tesseract's boxes took in the blur, 47 px around 26 px letters,
    and the last line "TP. Hà Nội" (22 px) had passed for a row of accents and been lost."""
    gray = _cell(["X. Dương", "Quang - H.", "Gia Lâm -", "TP. Hà Nội"], size=26, step=42)
    *bands, dot = ink_bands(gray, BBox(0, 0, 600, 300), line_h=24)
    assert len(bands) == 4 and dot[1] - dot[0] < 5  # the dot under "ộ" is a run of its own
    halo = [BBox(25, a - 12, 300, b - a + 24) for a, b in bands[:3]]  # the three lines read, boxes blown up
    read = [OcrLine(t, 0.95, b) for t, b in zip(["X. Dương", "Quang - H.", "Gia Lâm -"], halo, strict=True)]
    (lost,) = lost_bands(gray, BBox(0, 0, 600, 300), read)
    assert lost.y <= bands[3][0] and lost.y + lost.h >= bands[3][1]


def test_a_word_lost_from_a_sheared_cell_is_found_on_the_sheared_image() -> None:
    """On a page of italic writing the cell is read sheared upright (read_alone); the word that read
    dropped (seed 401 photographed: "Hoàng [Vy]") is looked for on the sheared cell and comes back in
    page coordinates, beside its line."""
    im = Image.new("L", (600, 300), 255)
    d = ImageDraw.Draw(im)
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerif-Italic.ttf", 40)
    for i, text in enumerate(["Phan Thị", "Hoàng Vy"]):
        d.text((30, 30 + i * 60), text, font=font, fill=0)
    gray = np.asarray(im).copy()
    engine = get_engine()
    engine.set_page(gray, scale=1.0)
    cell = BBox(0, 0, 600, 300)
    whole = engine.read_alone(gray, cell, "block", slope=0.2)
    assert [ln.text for ln in whole] == ["Phan Thị", "Hoàng Vy"]

    class DropsLastWord:
        name = "drops-last-word"

        def read_alone(self, gray: np.ndarray, rect: BBox, mode: str = "block", **kw: object) -> list[OcrLine]:
            lines = engine.read_alone(gray, rect, mode, **kw)  # type: ignore[arg-type]
            return [*lines[:-1], _without_last_word(lines[-1])] if rect.h > 150 else lines

    lines = read_cell(DropsLastWord(), gray, cell, "block", slope=0.2)  # type: ignore[arg-type]
    assert [ln.text for ln in lines] == ["Phan Thị", "Hoàng Vy"]
    assert abs(lines[1].bbox.x - whole[1].bbox.x) <= 4 and abs(lines[1].bbox.y - whole[1].bbox.y) <= 4
    assert abs(lines[1].bbox.w - whole[1].bbox.w) <= 8


def test_ink_the_row_read_finds_inside_a_known_word_is_no_lost_word() -> None:
    """Seed 389, italic "Kinh, Việt Nam" sheared upright: the block read's box for "Nam" left out the N's
    first stroke; read alone, that stroke came back "NÑ" at 0.51 and made "Việt NÑ Nam". The row read
    again finds only the words the line has, so nothing is added."""
    gray = _cell(["Kinh, Việt Nam"])
    full = _words_of(gray, "Kinh, Việt Nam")
    (s0, e0, c0, b0), (s1, e1, c1, b1), (s2, e2, c2, b2) = full.words
    cut = BBox(b2.x + 42, b2.y, b2.w - 42, b2.h)  # the N left outside its word's box
    line = OcrLine(full.text, full.confidence, BBox.union([b0, b1, cut]) or full.bbox, (),
                   ((s0, e0, c0, b0), (s1, e1, c1, b1), (s2, e2, c2, cut)))  # fmt: skip
    assert lost_words(gray, BBox(0, 0, 600, 300), [line])  # the stroke is uncovered ink

    def read(box: BBox) -> list[OcrLine]:
        return [full] if box.w > 300 else [OcrLine("NÑ", 0.51, box, (), ((0, 2, 0.51, box),))]

    got = recover(gray, BBox(0, 0, 600, 300), [line], read)
    assert [ln.text for ln in got] == ["Kinh, Việt Nam"]


def test_a_word_past_the_lines_end_is_read_alone_when_the_row_drops_it_again() -> None:
    """Seed 401 photographed: "Hoàng [Vy]" read "Hoàng" again as a row; the ink past its end is read alone."""
    gray = _cell(["HOÀNG VY"])
    full = _words_of(gray, "HOÀNG VY")
    short = _without_last_word(full)

    def read(box: BBox) -> list[OcrLine]:
        return [short] if box.x <= short.bbox.x else [OcrLine("VY", 0.9, box, (), ((0, 2, 0.9, box),))]

    got = recover(gray, BBox(0, 0, 600, 300), [short], read)
    assert [ln.text for ln in got] == ["HOÀNG VY"]


def _fake_read(words: list[tuple[str, BBox]]):  # noqa: ANN202
    """A stand-in engine that reads the words whose middle lies in the box (one line)."""

    def read(box: BBox) -> list[OcrLine]:
        got = [(t, b) for t, b in words if box.x <= b.x + b.w / 2 <= box.x + box.w and box.y <= b.y + b.h / 2 <= box.y + box.h]
        if not got:
            return []
        spans, start = [], 0
        for t, b in got:
            spans.append((start, start + len(t), 0.9, b))
            start += len(t) + 1
        return [OcrLine(" ".join(t for t, _ in got), 0.9, BBox.union([b for _, b in got]) or box, (), tuple(spans))]

    return read


def test_a_word_lost_on_two_lines_rows_goes_to_the_nearer_line_only() -> None:
    """Two fields on one baseline come back as two lines; ink lost after the second is its word alone."""
    gray = np.full((120, 700), 255, np.uint8)
    kinh, viet, nam = BBox(20, 40, 120, 30), BBox(300, 40, 110, 30), BBox(450, 40, 100, 30)
    for b in (kinh, viet, nam):
        gray[b.y : b.y + b.h, b.x : b.x + b.w] = 0
    left = OcrLine("KINH", 0.95, kinh, (), ((0, 4, 0.95, kinh),))
    right = OcrLine("VIET", 0.95, viet, (), ((0, 4, 0.95, viet),))
    lost = lost_words(gray, BBox(0, 0, 700, 120), [left, right])
    assert [i for i, _ in lost] == [1]
    read = _fake_read([("KINH", kinh), ("VIET", viet), ("NAM", nam)])
    assert [ln.text for ln in recover(gray, BBox(0, 0, 700, 120), [left, right], read)] == ["KINH", "VIET NAM"]


def test_a_word_the_row_read_gives_over_two_lost_boxes_is_taken_once() -> None:
    gray = np.full((100, 600), 255, np.uint8)
    gray[30:60, 20:120] = gray[30:60, 150:260] = gray[30:60, 290:330] = 0
    phan, wide = BBox(20, 30, 100, 30), BBox(150, 30, 180, 30)
    line = OcrLine("PHAN", 0.95, phan, (), ((0, 4, 0.95, phan),))
    assert len(lost_words(gray, BBox(0, 0, 600, 100), [line])) == 2
    read = _fake_read([("PHAN", phan), ("HOANGVY", wide)])
    assert [ln.text for ln in recover(gray, BBox(0, 0, 600, 100), [line], read)] == ["PHAN HOANGVY"]


def test_a_line_whose_box_spans_two_bands_covers_both() -> None:
    """One line read "TRẦN HỒNG VY" over two bands: the second is read, not lost."""
    gray = np.full((140, 400), 255, np.uint8)
    gray[20:50, 20:120] = 0
    gray[58:88, 20:200] = 0
    one = OcrLine("TRẦN HỒNG VY", 0.9, BBox(20, 20, 180, 68))
    assert lost_bands(gray, BBox(0, 0, 400, 140), [one]) == []


def test_a_lost_box_is_read_inside_its_cell() -> None:
    """A box padded past the cell would read the next entry's ink: reads stay inside the cell."""
    gray = _cell(["TRẦN", "HỒNG VY"])
    seen: list[BBox] = []
    full = _words_of(gray, "HỒNG VY")
    cell = BBox(10, 40, 580, 100)  # the cell ends just under the second line

    def read(box: BBox) -> list[OcrLine]:
        seen.append(box)
        return []

    recover(gray, cell, [full], read)
    assert seen and all(cell.y <= b.y and b.y + b.h <= cell.y + cell.h and cell.x <= b.x for b in seen)


def _row(*words: tuple[str, int, int], y: int = 989) -> OcrLine:
    return make_line([(t, 95.0, BBox(x, y, w, 33)) for t, x, w in words])


@pytest.mark.parametrize("left_end", ["Qu", "Qui"])
def test_one_printed_line_read_as_two_overlapping_blocks_is_joined(left_end: str) -> None:
    # a book photograph: "Đức Hòa, Mộ Đức, Quảng" came back as "ức, Quảng" first, then "Đức Hòa, Mộ Đức, Qu"
    right = _row(("ức,", 1983, 5), ("Quảng", 2060, 46))
    left = _row(("Đức", 1782, 52), ("Hòa,", 1842, 56), ("Mộ", 1908, 39), ("Đức,", 1955, 58), (left_end, 2023, 34))
    below = _row(("Ngãi", 1783, 54), y=1030)
    out = rows_joined([right, left, below])
    assert [ln.text for ln in out] == ["Đức Hòa, Mộ Đức, Quảng", "Ngãi"]
    assert [out[0].text[s:e] for s, e, _, _ in out[0].words] == ["Đức", "Hòa,", "Mộ", "Đức,", "Quảng"]
    assert out[0].bbox == BBox(1782, 989, 324, 33)


def test_lines_that_share_no_characters_or_no_row_keep_tesseracts_order() -> None:
    # a book page: "Cẩm"'s box took in the "huyện" above it; put left to right, "uyện" came after "Cẩm"
    uyen, cam = OcrLine("uyện", 0.9, BBox(1680, 1940, 99, 22)), OcrLine("Cẩm", 0.9, BBox(1662, 1941, 94, 68))
    assert rows_joined([uyen, cam]) == [uyen, cam]
    overlapping = [_row(("An", 2000, 40)), _row(("Xã", 1782, 30), ("Tân", 1830, 190))]
    assert rows_joined(overlapping) == overlapping
    lines = [_row(("Quảng", 1782, 80)), _row(("Quảng Ngãi", 1782, 150), y=1030)]  # two rows: as read
    assert rows_joined(lines) == lines


def test_lines_without_words_are_joined_as_whole_words() -> None:
    left = OcrLine("Đức Hòa, Mộ Đức, Qu", 0.9, BBox(1782, 989, 275, 33))
    right = OcrLine("ức, Quảng", 0.8, BBox(1983, 989, 123, 33))
    (out,) = rows_joined([right, left])
    assert out.text == "Đức Hòa, Mộ Đức, Quảng" and out.confidence == 0.8
    assert [out.text[s:e] for s, e, _, _ in out.words] == ["Đức Hòa, Mộ Đức, Quảng"]


def test_a_lines_echo_under_it_at_almost_no_confidence_is_dropped() -> None:
    # fresh book photograph 1145: an italic cell's last line read again from its feet and the rule under it
    last = OcrLine("Trà My, Quảng Nam", 0.97, BBox(3153, 2313, 317, 40))
    echo = OcrLine("GÌ N v32 Su ben G TH NG,", 0.05, BBox(3142, 2332, 358, 50))
    first = OcrLine("Trú tại: Trà Kót, Bắc", 0.94, BBox(3148, 2271, 322, 43))
    assert without_echoes([first, last, echo]) == [first, last]
    short = OcrLine("Nam", 0.97, BBox(3161, 2031, 73, 26))  # a short last line: its echo spans the cell
    wide = OcrLine("To 0 do9ES Si2g 7 C0 CUNG,", 0.06, BBox(3148, 2045, 361, 44))
    above = OcrLine("Bình, tỉnh Quảng", 0.97, BBox(3154, 1985, 268, 36))
    assert without_echoes([above, short, wide]) == [above, short]
    sure = OcrLine(echo.text, 0.6, echo.bbox)  # read with some confidence: text, whatever it says
    apart = OcrLine(echo.text, 0.05, BBox(3142, 2345, 358, 50))  # a faint line of its own, below
    beside = OcrLine("Qu", 0.05, BBox(3480, 2313, 30, 40))  # a faint fragment on the same row
    lower = OcrLine("ng Nam", 0.08, BBox(3420, 2318, 80, 40))  # on the row, a few pixels lower (review)
    for kept in (sure, apart, beside, lower):
        assert without_echoes([first, last, kept]) == [first, last, kept]
    assert without_echoes([first, echo, last]) == [first, echo, last]  # not the last line: as read
