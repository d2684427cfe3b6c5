"""pipeline/marks.py: ink of a mark above capitals read bare, on words drawn with real fonts."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from pipeline.extract import CellPart
from pipeline.marks import bare_capitals, has_horn, has_mark_above, ink_above_capitals, marks_lost
from pipeline.model import BBox, FieldStatus, FieldValue
from pipeline.templates import FieldSpec

FONTS = {  # installed by the Makefile (fonts-dejavu-core, fonts-liberation2)
    "dejavu-sans": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "liberation-serif": "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
    "liberation-sans": "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
    "dejavu-serif": "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    # fonts-freefont-ttf: the sample set's; FreeSerif's horn rises above the capitals (generator 431's DƯƠNG)
    "free-serif": "/usr/share/fonts/truetype/freefont/FreeSerif.ttf",
    "free-sans": "/usr/share/fonts/truetype/freefont/FreeSans.ttf",
}


@pytest.mark.parametrize(
    ("word", "bare"),
    [
        ("ANH", True), ("THANH", True), ("HOA", True), ("NGUYEN", True),
        ("THỊ", True), ("PHẠM", True),  # a dot below is not above: the letters' tops hide no mark
        ("ƯU", True), ("LƠ", True),  # nor a horn, beside the letter's top
        ("ÁNH", False), ("THÀNH", False), ("HÒA", False), ("HOÀ", False), ("NGUYỄN", False), ("HỒ", False),
        ("ĐĂNG", False), ("LÊ", False), ("THỦY", False),
        ("Anh", False), ("anh", False),  # not capitals: ascenders and dots stand above x-height
        ("NGH", False), ("", False), ("123", False), ("ĐƯỜNG", False),
    ],
)  # fmt: skip
def test_bare_capitals(word: str, bare: bool) -> None:
    assert bare_capitals(word) is bare


@pytest.mark.parametrize(("word", "above"), [("Ánh", True), ("ẠNH", False), ("ă", True), ("ẫ", True), ("Ơ", False)])
def test_has_mark_above(word: str, above: bool) -> None:
    assert has_mark_above(word) is above


@pytest.mark.parametrize(("word", "horn"), [("TRƯƠNG", True), ("Ơ", True), ("ư", True), ("TRUONG", False), ("Ô", False)])
def test_has_horn(word: str, horn: bool) -> None:
    assert has_horn(word) is horn


def _draw(
    lines: list[str], font: str, size: int = 36, *, blur: float = 0.0, pitch: float = 1.5
) -> tuple[np.ndarray, list[BBox]]:
    """Gray page with ``lines`` drawn one under another, ``pitch`` sizes apart; each line's box is its ink
    with the marks above and below left out (the box Tesseract gives a word it read bare): the ink of the
    same line drawn without its marks."""
    face = ImageFont.truetype(font, size)
    img = Image.new("L", (40 + size * 8, 40 + int(size * pitch) * len(lines)), 255)
    boxes = []
    for i, text in enumerate(lines):
        xy = (20, 30 + int(size * pitch) * i)
        ImageDraw.Draw(img).text(xy, text, font=face, fill=0)
        bare = Image.new("L", img.size, 255)
        ImageDraw.Draw(bare).text(xy, _unmarked(text), font=face, fill=0)
        ys, xs = np.nonzero(np.asarray(bare) < 128)
        boxes.append(BBox(int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1)))
    if blur:
        img = img.filter(ImageFilter.GaussianBlur(blur))
    return np.asarray(img), boxes


def _unmarked(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFC", "".join(c for c in unicodedata.normalize("NFD", text)
                                                if not unicodedata.combining(c)))  # fmt: skip


@pytest.mark.parametrize("font", sorted(FONTS))
@pytest.mark.parametrize("word", ["ÁNH", "THÀNH", "HÒA", "HỒNG", "NGUYỄN", "THỦY", "LÊ", "ĐĂNG", "TRƯỜNG", "DƯỠNG"])
def test_a_mark_above_capitals_is_found(font: str, word: str) -> None:
    gray, (box,) = _draw([word], FONTS[font])
    mark = ink_above_capitals(gray, box, horned=has_horn(word))
    assert mark is not None
    assert mark.y + mark.h <= box.y + 2 and box.x <= mark.x + mark.w and mark.x <= box.x + box.w


@pytest.mark.parametrize("font", sorted(FONTS))
@pytest.mark.parametrize(
    "word", ["ANH", "THANH", "HOA", "PHẠM", "THỊ", "NGUYEN", "ĐOAN", "TRƯƠNG", "LƯU", "QUANG", "DƯƠNG", "HƯNG"]
)
def test_bare_capitals_have_nothing_above(font: str, word: str) -> None:
    gray, (box,) = _draw([word], FONTS[font])
    assert ink_above_capitals(gray, box, horned=has_horn(word)) is None


def test_a_mark_blurred_into_its_letter_is_found() -> None:
    # a blurred page joins the grave to the A: the letter's top then stands above the others'
    gray, (box,) = _draw(["THÀNH"], FONTS["dejavu-sans"], 30, blur=1.6)
    assert ink_above_capitals(gray, box) is not None
    gray, (box,) = _draw(["THANH"], FONTS["dejavu-sans"], 30, blur=1.6)
    assert ink_above_capitals(gray, box) is None


def test_a_line_above_is_not_taken_for_marks() -> None:
    # a name wrapped under "PHẠM": its dot below stands where a mark of the line under it would
    gray, boxes = _draw(["PHẠM", "PHUONG"], FONTS["liberation-serif"], 36)
    tight = np.asarray(gray).copy()
    rows = slice(boxes[0].y + boxes[0].h + 12, boxes[1].y - 2)  # close the lines up: the dot within reach
    tight = np.vstack([tight[: boxes[0].y + boxes[0].h + 12], tight[rows.stop :]])
    shift = rows.stop - rows.start
    under = BBox(boxes[1].x, boxes[1].y - shift, boxes[1].w, boxes[1].h)
    assert ink_above_capitals(tight, under) is None


@pytest.mark.parametrize("font", sorted(FONTS))
@pytest.mark.parametrize(("first", "second"), [("PHẠM", "THÀNH"), ("THỊ", "ÁNH"), ("NGỌC", "HỒNG"), ("ĐẶNG", "HÒA")])
def test_a_mark_under_a_line_with_dots_below_is_found(font: str, first: str, second: str) -> None:
    # photo 1389: PHẠM THÀNH ĐẠT wrapped after PHẠM, THÀNH read THANH and accepted; lines 1.25 sizes apart
    gray, (_, box) = _draw([first, second], FONTS[font], pitch=1.25)
    mark = ink_above_capitals(gray, box)
    assert mark is not None and mark.y + mark.h <= box.y + 2
    # the same words bare under the same line: its dots below are its own, not the word's marks
    gray, (_, box) = _draw([first, _unmarked(second)], FONTS[font], pitch=1.25)
    assert ink_above_capitals(gray, box) is None


def test_a_speck_is_no_mark() -> None:
    gray, (box,) = _draw(["THANH"], FONTS["dejavu-sans"])
    speck = gray.copy()
    speck[box.y - 6, box.x + box.w // 2] = 0  # one pixel of dust over the A
    assert ink_above_capitals(speck, box) is None
    blot = gray.copy()
    blot[box.y - 9 : box.y - 3, box.x + box.w // 2 : box.x + box.w // 2 + 6] = 0  # a blot the size of a mark
    assert ink_above_capitals(blot, box) is not None


def test_marks_lost_only_for_words_read_bare() -> None:
    gray, (box,) = _draw(["VŨ ÁNH"], FONTS["dejavu-sans"])
    cell = BBox(0, 0, gray.shape[1], gray.shape[0])
    split = box.x + box.w * 2 // 5  # the words' boxes: "VU" then "ANH"
    vu, anh = BBox(box.x, box.y, split - box.x - 8, box.h), BBox(split + 4, box.y, box.x + box.w - split - 4, box.h)
    assert marks_lost(gray, cell, 0.0, [("VŨ", "VŨ", vu), ("ANH", "ANH", anh)]) == ["ANH"]
    assert marks_lost(gray, cell, 0.0, [("VŨ", "VŨ", vu), ("ÁNH", "ANH", anh)]) == []  # the lexicon gave its mark
    # read in small letters and made capitals by the normalizer: a small letter's ascender is no mark
    assert marks_lost(gray, cell, 0.0, [("VŨ", "Vũ", vu), ("ANH", "Anh", anh)]) == []


def test_a_name_read_bare_over_a_mark_goes_to_review() -> None:
    from pipeline import read_page

    gray, (box,) = _draw(["HÒA"], FONTS["liberation-serif"])
    cell = BBox(0, 0, gray.shape[1], gray.shape[0])
    spec = FieldSpec(key="voHoTen", type="person_name")

    def field(value: str) -> FieldValue:
        return FieldValue(key="voHoTen", raw=value, value=value, confidence=0.95, bbox=box, status=FieldStatus.OK)

    alone = read_page._Alone(engine=None, second=None, gray=gray, slope=0.0, scale=1.0)  # type: ignore[arg-type]
    part = CellPart("HOA", 0.95, box, words=(("HOA", 0.95),), word_boxes=(box,))
    fields = {"voHoTen": field("HOA")}
    read_page._doubt_marks_lost(alone, {"voHoTen": cell}, [(spec, part)], fields)
    assert fields["voHoTen"].status == FieldStatus.LOW_CONFIDENCE
    assert "mark_ink_unread:HOA" in fields["voHoTen"].rules and "HOA" in (fields["voHoTen"].reason or "")

    fields = {"voHoTen": field("HÒA")}  # the lexicon or the read gave the mark: accepted as it was
    read_page._doubt_marks_lost(alone, {"voHoTen": cell}, [(spec, part)], fields)
    assert fields["voHoTen"].status == FieldStatus.OK

    fields = {"voHoTen": field("THỊ HOA")}  # two words in the value, one read: no pairing, no doubt
    read_page._doubt_marks_lost(alone, {"voHoTen": cell}, [(spec, part)], fields)
    assert fields["voHoTen"].status == FieldStatus.OK


def test_a_streak_joining_two_letters_above_their_tops_is_no_mark() -> None:
    # aged 1301: a scratch across the N and G of QUANG rose above the letters, one component two letters wide
    gray, (box,) = _draw(["QUANG"], FONTS["liberation-serif"])
    streak = gray.copy()
    x = box.x + box.w * 3 // 5
    for i in range(box.w // 3):  # a line rising from the N's middle to above the G
        streak[box.y + box.h // 2 - i // 2 - 6 : box.y + box.h // 2 - i // 2 - 4, x + i] = 0
    assert ink_above_capitals(streak, box) is None


def test_a_horn_rising_above_the_capitals_is_no_mark() -> None:
    # generator 431 (FreeSerif): the horn of Ư rises above the capitals, its letter one component; read as a
    # raised letter it had sent DƯƠNG and HƯNG to review on three rows of one clean page
    gray, (box,) = _draw(["DƯƠNG"], FONTS["free-serif"])
    assert ink_above_capitals(gray, box) is not None  # taken for a mark joined to its letter, unless told
    cell = BBox(0, 0, gray.shape[1], gray.shape[0])
    assert marks_lost(gray, cell, 0.0, [("DƯƠNG", "DƯƠNG", box)]) == []
    gray, (box,) = _draw(["DƯỠNG"], FONTS["free-serif"])  # a mark over the horned letter is still one
    assert marks_lost(gray, cell, 0.0, [("DƯƠNG", "DƯƠNG", box)]) == ["DƯƠNG"]


@pytest.mark.parametrize(("line", "lost"), [("MỸ ANH", []), ("MỸ ÁNH", ["ANH"])])
def test_a_box_reaching_into_the_word_before_looks_over_its_own_letters(line: str, lost: list[str]) -> None:
    # fresh book 1185: OCR boxed ANH from the Ỹ of MỸ before it, and the Ỹ's tilde was taken for ANH's mark
    font = FONTS["dejavu-sans"]
    gray, (whole,) = _draw([line], font)
    start = 20 + int(ImageFont.truetype(font, 36).getlength("M"))  # the Ỹ's left edge, near enough
    wide = BBox(start, whole.y, whole.x + whole.w - start, whole.h)  # Y, A, N, H: one letter more than read
    cell = BBox(0, 0, gray.shape[1], gray.shape[0])
    assert marks_lost(gray, cell, 0.0, [("ANH", "ANH", wide)]) == lost
    assert ink_above_capitals(gray, wide) is not None  # unless told how many letters were read
