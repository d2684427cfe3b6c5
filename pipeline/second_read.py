"""A faint or unreadable digit field read a second time, alone: its own image cut from the page.

Tesseract reads a cell inside the whole page, thresholded once for all of it, and the field's box comes
from its words (so a last digit it dropped is outside the box too: "12/4/195"). Cut out with room on the
right, the same field read again, once as the page's grey and once binarized on its own ink, is a
separate reading; so is a reading by a second model (ocr.engine.SECOND_MODEL, Tesseract's eng), which errs
elsewhere (``Reading.plain`` says which of its readings count). The caller weighs the readings
(pipeline/read_page.py::_read_again); this module only cuts and reads. Measured on kept pages of 37 Chromium-typeset seeds and 9 sample-generator sets (commit
d02998b): of 753 faint reads that a reading alone gave again, and no other value, 752 were right (the
wrong one, an ID a digit short, was then flagged by its length); 29 unreadable ones took the value both
readings gave, all right.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from pipeline.model import BBox, OcrLine
from pipeline.normalize import Normalized, normalize_field
from pipeline.normalize.ids import ENTRY_NO_GUESSED
from pipeline.ocr import OcrEngine

# digit fields whose validators (a date exists, a time is on the clock, an ID has its length) make two
# readings that agree by chance unlikely; names are not read again: one print misread one way ("VĨNH"
# for VINH) is misread the same way alone; nor document and entry numbers, which no validator checks
# ("24712005"; an entry number has the page's run, read_page._check_entry_numbers)
REREAD_TYPES = frozenset({"date", "time", "id_number"})
LINE_HEIGHT_CAP = 60  # px: a box taller than this per line is a wrapped or badly cut one
# the fields a second model reads (ocr.engine.SECOND_MODEL), and the text that is a plain reading of each:
# nothing but the print's digits, separators and words. eng reads an italic 6 as "€" or "¢", which the
# normalizer drops ("55€" is entry number 55), and a leading 5 as "$" or "S" (_PLAIN_REPAIRS); and it has no
# Vietnamese letters ("giờ" comes back "gid"), so times are left to vie.
_PLAIN = {
    "entry_no": re.compile(r"[S$§]?\d+"),
    "id_number": re.compile(r"[\d .]+"),
    "date": re.compile(r"(ngay\s*)?\d[\d\s/.\-]*|ngay\s*\d{1,2}\s*thang\s*\d{1,2}\s*nam\s*\d{4}", re.IGNORECASE),
    # a death notice's number: its digits, a "/" and the code or the year, after the label at most ("So" to
    # eng). vie reads "52/GBT" or "Số236/2006" faint on clean pages (23 right fields of 5 fresh sets in review)
    "doc_no": re.compile(r"(?:S[oố]\s*)?\d{1,4}\s*/\s*(?:GBT|(?:19|20)\d\d)"),
}
# the repairs a plain reading may need: an entry number's leading 5 that eng reads as S or $ (a book
# photograph's italic "541" read "S41", "S43", "S44", "S45" down a page where vie read "MI", "54", "4")
_PLAIN_REPAIRS = {"entry_no": {"ocr_digits", ENTRY_NO_GUESSED + ":five_as_symbol", ENTRY_NO_GUESSED + ":s_as_five"}}
SECOND_MODEL_TYPES = frozenset(_PLAIN)
# the label "Số" as read from a crop's margin, before a whole document number
_LABEL_IN_MARGIN = re.compile(r"^\s*[S5$][O0Ô6Ốoôố3]?[:.]?\s+(?=\d{1,4}\s*/)")


@dataclass(frozen=True, slots=True)
class Reading:
    """One reading alone: what was read and what it normalizes to."""

    how: str  # "grey" or "binarized"
    text: str
    normalized: Normalized

    def plain(self, field_type: str) -> bool:
        """A valid value read from nothing but the field's own print (``_PLAIN``), with no repair but those
        ``_PLAIN_REPAIRS`` allows (such a reading replaces a doubtful one, never vouches for it)."""
        n = self.normalized
        pattern = _PLAIN.get(field_type)
        return bool(pattern and pattern.fullmatch(self.text.strip()) and n.status == "ok"
                    and set(n.rules) <= _PLAIN_REPAIRS.get(field_type, set()))


def field_crop(field_box: BBox, cell_box: BBox, n_lines: int) -> BBox:
    """The field's box with room for what OCR left out: a line's height to the right (a last digit
    dropped with its box), a little on the left (never the label before it: "Số", "ngày"), a third of
    a line above and below; never beyond its cell."""
    lh = min(LINE_HEIGHT_CAP, max(1, field_box.h // max(1, n_lines)))
    x0 = max(cell_box.x, field_box.x - 8)
    y0 = max(cell_box.y, field_box.y - max(6, lh // 3))
    x1 = min(cell_box.x + cell_box.w, field_box.x + field_box.w + lh)
    y1 = min(cell_box.y + cell_box.h, field_box.y + field_box.h + max(6, lh // 3))
    return BBox(x0, y0, max(0, x1 - x0), max(0, y1 - y0))


def read_field_alone(
    engine: OcrEngine, gray: np.ndarray, crop: BBox, field_type: str, n_lines: int, *,
    slope: float = 0.0, on_date: str | None = None, binarize: bool = False, scale: float | None = None,
) -> Reading:  # fmt: skip
    """``crop`` read as an image of its own (sheared upright by the page's ``slope``, at ``scale`` when the
    engine has no page set) and normalized as ``field_type``: one line as a line, a wrapped field
    ("ngày\\n01/11/2003") as a block."""
    mode = "line" if n_lines == 1 else "block"
    lines: list[OcrLine] = engine.read_alone(gray, crop, mode, slope=slope, binarize=binarize, scale=scale)
    text = " ".join(ln.text for ln in lines)
    if field_type == "doc_no":
        # the crop's left margin may hold the label's last letters, apart from the number ("Số 246/GBT" on a
        # clean aged page, eng: "5 246/GBT", "53 246/GBT"); the field's own box began after them
        text = _LABEL_IN_MARGIN.sub("", text)
    confidence = min((ln.confidence for ln in lines), default=0.0)
    norm = normalize_field(field_type, text, confidence=confidence if text else None, on_date=on_date)
    return Reading("binarized" if binarize else "grey", text, norm)


def read_grey_and_binarized(
    engine: OcrEngine, gray: np.ndarray, crop: BBox, field_type: str, n_lines: int, *,
    slope: float = 0.0, on_date: str | None = None, scale: float | None = None,
) -> list[Reading]:  # fmt: skip
    """The two readings alone the caller weighs: the page's grey, then binarized on the crop's own ink."""
    return [read_field_alone(engine, gray, crop, field_type, n_lines, slope=slope, on_date=on_date, binarize=b,
                             scale=scale) for b in (False, True)]  # fmt: skip
