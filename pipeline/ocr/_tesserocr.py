"""tesserocr engine: one ``PyTessBaseAPI`` per process; the page is set once, cells are rectangles."""

from __future__ import annotations

import logging
import unicodedata

import numpy as np

from pipeline.model import BBox, OcrLine
from pipeline.ocr.engine import (
    ALT_MIN_SCORE,
    DIGIT_CHARS,
    READ_DEADLINE_S,
    ReadMode,
    Word,
    WordAlternatives,
    alone_image,
    clip_rect,
    has_alnum,
    make_line,
    moved_lines,
    ocr_scale,
    osd_downscale,
    resize_for_ocr,
    scale_box,
    split_wide_gaps,
    unscale_line,
    valid_digits,
)

log = logging.getLogger(__name__)


class TesserocrEngine:
    name = "tesserocr"

    def __init__(self, lang: str = "vie", tessdata: str = "/usr/share/tesseract-ocr/5/tessdata/") -> None:
        from tesserocr import PSM, PyTessBaseAPI

        self._tessdata = tessdata
        self._api = PyTessBaseAPI(path=tessdata, lang=lang, psm=PSM.SINGLE_BLOCK)
        # Ledger ink is dark on light paper: the inverted-text retry only costs time (-28 %, ocr.md §A2).
        self._api.SetVariable("tessedit_do_invert", "0")
        # keep each symbol's runner-up choices (same best path, ~4 % slower): digit alternatives
        self._api.SetVariable("lstm_choice_mode", "2")
        self._osd: PyTessBaseAPI | None = None
        self._crops: TesserocrEngine | None = None  # a second engine for sheared cells (page stays set)
        self._lang = lang
        self._page: np.ndarray | None = None
        self._size = (0, 0)
        self._scale = 1.0
        self._late = False  # the last read missed its deadline

    # -- page ---------------------------------------------------------------------------------------
    def set_page(self, gray: np.ndarray, dpi: int = 300, scale: float | None = None) -> None:
        """Set the page once; ``scale`` < 1 makes Tesseract read a reduced copy (rectangles in and boxes out
        stay in page coordinates). None picks it from the text size (see ``ocr_scale``)."""
        if gray.ndim != 2:
            raise ValueError("set_page wants a single-channel (gray) image")
        self._scale = ocr_scale(gray) if scale is None else min(1.0, float(scale))
        page = resize_for_ocr(gray, self._scale)
        # SetImageBytes does not copy: keep the buffer alive as long as the page is set.
        self._page = np.ascontiguousarray(page, dtype=np.uint8)
        h, w = self._page.shape
        self._size = (w, h)
        self._bytes = self._page.tobytes()
        self._api.SetImageBytes(self._bytes, w, h, 1, w)
        self._api.SetSourceResolution(max(70, round(dpi * self._scale)))

    # -- reading ------------------------------------------------------------------------------------
    def read(self, rect: BBox, mode: ReadMode = "block") -> list[OcrLine]:

        if self._page is None:
            raise RuntimeError("set_page() first")
        r = clip_rect(scale_box(rect, self._scale), *self._size)
        if r is None:
            return []
        return [unscale_line(ln, self._scale) for ln in self._read(r, mode)]

    def read_alone(
        self, gray: np.ndarray, rect: BBox, mode: ReadMode = "block", *, slope: float = 0.0, binarize: bool = False,
        scale: float | None = None,
    ) -> list[OcrLine]:
        """Read ``rect`` of the full-size page ``gray`` as an image of its own (``alone_image``: sheared
        upright by ``slope``, binarized on its own ink if asked), at the page's scale (or ``scale``: an
        engine of another model has no page set), by a second engine so the page stays set; boxes come
        back in page coordinates (the box of a sheared line, moved back by the padding: its lineage crop,
        not an exact outline)."""
        cut = alone_image(gray, rect, slope, binarize)
        if cut is None:
            return []
        img, dx, dy = cut
        if self._crops is None:
            self._crops = TesserocrEngine(self._lang, self._tessdata)
        self._crops.set_page(img, scale=self._scale if scale is None else scale)
        h, w = img.shape[:2]
        return moved_lines(self._crops.read(BBox(0, 0, w, h), mode), dx, dy)

    def _read(self, r: BBox, mode: ReadMode) -> list[OcrLine]:
        from tesserocr import PSM

        self._late = False  # a read past its deadline is not tried again another way
        if mode == "line":
            # psm 7 sometimes returns nothing on a real crop (ocr.md §0.4): retry as a block.
            groups, alts = self._words(r, PSM.SINGLE_LINE)
            if not groups and not self._late:
                groups, alts = self._words(r, PSM.SINGLE_BLOCK)
        elif mode == "digits":
            groups, alts = self._words(r, PSM.SINGLE_BLOCK, whitelist=DIGIT_CHARS)
            lines = [make_line(g, alts) for g in groups]
            # A whitelist can make the LSTM beam drop whole words (tesseract#3485): validate, else fall back.
            if valid_digits(lines) or self._late:
                return lines
            groups, alts = self._words(r, PSM.SINGLE_BLOCK)
        elif mode == "word":
            groups, alts = self._words(r, PSM.SINGLE_WORD)
        elif mode == "auto":
            found, alts = self._words(r, PSM.AUTO)
            groups = [part for g in found for part in split_wide_gaps(g) if has_alnum(part)]
        else:
            groups, alts = self._words(r, PSM.SINGLE_BLOCK)
        return [make_line(g, alts) for g in groups]

    def _words(
        self, r: BBox, psm: int, whitelist: str | None = None
    ) -> tuple[list[list[Word]], WordAlternatives]:
        """Recognize the rectangle; words grouped by text line, in reading order, and the digit
        alternatives of the words that hold digits. Nothing when Tesseract misses ``READ_DEADLINE_S``."""
        from tesserocr import RIL, iterate_level

        api = self._api
        api.SetPageSegMode(psm)
        if whitelist:
            api.SetVariable("tessedit_char_whitelist", whitelist)
        lines: list[list[Word]] = []
        try:
            api.SetRectangle(r.x, r.y, r.w, r.h)
            if not api.Recognize(timeout=round(READ_DEADLINE_S * 1000)):
                # past the deadline (or failed): nothing read, never a partial page; said in the log, since
                # the cell then reads as empty (read_page sends an inked one to review: ink_unread)
                self._late = True
                log.warning("Tesseract gave up on a %dx%d px rectangle after its %g s deadline", r.w, r.h,
                            READ_DEADLINE_S)  # fmt: skip
                return [], {}
            it = api.GetIterator()
            if it is None:
                return [], {}
            starts = False
            digits = False
            for w in iterate_level(it, RIL.WORD):
                # a skipped (empty) first word must still open the new line
                starts = starts or w.IsAtBeginningOf(RIL.TEXTLINE)
                try:
                    text = w.GetUTF8Text(RIL.WORD)
                    box = w.BoundingBox(RIL.WORD)  # page coordinates: Tesseract adds the rectangle offset
                except RuntimeError:  # tesserocr raises on an empty element ("No text returned")
                    continue
                if not text or not text.strip() or box is None:
                    continue
                x0, y0, x1, y1 = box
                if starts or not lines:
                    lines.append([])
                    starts = False
                lines[-1].append(
                    (text.strip(), float(w.Confidence(RIL.WORD)), BBox(x0, y0, x1 - x0, y1 - y0))
                )
                digits = digits or any(ch.isdigit() for ch in text)
            alts = self._digit_alternatives() if digits else {}
        finally:
            if whitelist:
                api.SetVariable("tessedit_char_whitelist", "")
        return [ln for ln in lines if ln], alts

    def _digit_alternatives(self) -> WordAlternatives:
        """For each word of the last recognition, the digits whose runner-up choice is another digit
        scoring at least ``ALT_MIN_SCORE`` (lstm_choice_mode=2 keeps the choices)."""
        from tesserocr import RIL, iterate_level

        it = self._api.GetIterator()
        out: dict[BBox, list[tuple[int, str]]] = {}
        word: BBox | None = None
        prefix = ""
        for s in iterate_level(it, RIL.SYMBOL):
            try:
                if s.IsAtBeginningOf(RIL.WORD):
                    x0, y0, x1, y1 = s.BoundingBox(RIL.WORD)
                    word, prefix = BBox(x0, y0, x1 - x0, y1 - y0), ""
                sym = s.GetUTF8Text(RIL.SYMBOL) or ""  # None on an empty element
            except (RuntimeError, TypeError):  # an empty element: no text, no box
                continue
            if word is not None and sym.isdigit():
                others = "".join(
                    ch for c in s.GetChoiceIterator()
                    if (ch := c.GetUTF8Text() or "") != sym and ch.isdigit() and c.Confidence() >= ALT_MIN_SCORE
                )  # fmt: skip
                if others:
                    out.setdefault(word, []).append((len(unicodedata.normalize("NFC", prefix)), others))
            prefix += sym
        return {b: tuple(v) for b, v in out.items()}

    # -- orientation --------------------------------------------------------------------------------
    def orientation(self, gray: np.ndarray) -> tuple[int, float]:
        """(degrees clockwise that make the page upright, OSD confidence); (0, 0.0) when OSD fails."""
        from tesserocr import PSM, PyTessBaseAPI

        if self._osd is None:
            self._osd = PyTessBaseAPI(path=self._tessdata, lang="osd", psm=PSM.OSD_ONLY)
        small = np.ascontiguousarray(osd_downscale(gray), dtype=np.uint8)
        h, w = small.shape
        self._osd.SetImageBytes(small.tobytes(), w, h, 1, w)
        self._osd.SetSourceResolution(150)
        try:
            res = self._osd.DetectOrientationScript()
        except RuntimeError:
            res = None
        finally:
            self._osd.Clear()
        if not res:
            return 0, 0.0
        # orient_deg is the clockwise rotation the page *has*; undoing it is the opposite turn.
        return (360 - int(res["orient_deg"])) % 360, float(res["orient_conf"])
