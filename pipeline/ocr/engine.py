"""The Tesseract engine wrapper: one engine per process, a page set once, rectangles read per cell.

tesserocr is the fast path (SetImage once per page, SetRectangle per cell: ~32 ms per line, ocr.md §A3);
pytesseract (a process per call, ~160 ms fixed cost) is only a fallback when tesserocr cannot load.
"""

from __future__ import annotations

import os
import re
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from typing import Literal, Protocol

import numpy as np

from pipeline.model import BBox, OcrLine

# "word": one short token read whole (psm 8), for a page number between dashes ("- 8 -") that the
# line and block modes garble
ReadMode = Literal["line", "block", "digits", "auto", "word"]

TESSDATA = os.environ.get("TESSDATA_PREFIX") or "/usr/share/tesseract-ocr/5/tessdata/"
DIGIT_CHARS = "0123456789/.-:"
# One Tesseract recognition's deadline; past it the call reads as nothing (OCRmyPDF's null result). A cell
# or a band takes under 0.2 s (eight sample, book and aged pages); a band of a page of noise took 190 s (a
# fuzz example: 447 s a page, 13.6 s with the deadline). Tesseract checks it while recognizing, not during
# its layout analysis (a noise image with a 0.2 s deadline returned after 1.6 s), and it is per call: the
# page as a whole is bounded by the worker's page timeout (HOTICH_PAGE_TIMEOUT_SECONDS).
READ_DEADLINE_S = 10.0
_DIGITS_OK = re.compile(r"\d")


class OcrEngine(Protocol):
    name: str

    def set_page(self, gray: np.ndarray, scale: float | None = None) -> None: ...

    def read(self, rect: BBox, mode: ReadMode = "block") -> list[OcrLine]: ...

    def read_alone(
        self, gray: np.ndarray, rect: BBox, mode: ReadMode = "block", *, slope: float = 0.0, binarize: bool = False,
        scale: float | None = None,
    ) -> list[OcrLine]: ...

    def orientation(self, gray: np.ndarray) -> tuple[int, float]: ...


def clip_rect(rect: BBox, width: int, height: int) -> BBox | None:
    """``rect`` clipped to the page; None when nothing of it is left."""
    x0, y0 = max(0, rect.x), max(0, rect.y)
    x1, y1 = min(width, rect.x + rect.w), min(height, rect.y + rect.h)
    if x1 - x0 < 2 or y1 - y0 < 2:
        return None
    return BBox(x0, y0, x1 - x0, y1 - y0)


def alone_image(gray: np.ndarray, rect: BBox, slope: float = 0.0, binarize: bool = False) -> tuple[np.ndarray, int, int] | None:
    """``rect`` of ``gray`` cut out to be read as an image of its own: sheared upright by ``slope``
    (``slant.deslant``), and, if asked, binarized by Otsu on its own ink (Tesseract thresholds a whole
    page at once: a small faint page number under a dark table loses strokes). With the offset that maps
    its pixels back to the page: (image, dx, dy). None when nothing of ``rect`` is on the page."""
    import cv2

    from pipeline.ocr.slant import deslant

    H, W = gray.shape[:2]
    r = clip_rect(rect, W, H)
    if r is None:
        return None
    img, pad = deslant(gray[r.y : r.y + r.h, r.x : r.x + r.w], slope)
    if binarize:
        img = cv2.threshold(img, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[1]
    return img, int(r.x - pad), int(r.y)


def valid_digits(lines: list[OcrLine], min_conf: float = 0.5) -> bool:
    """A digits-mode read is trusted only if every line holds a digit and was read with some confidence:
    a whitelist can drop whole words (tesseract#3485), and forcing letters into digits scores near 0."""
    return bool(lines) and all(_DIGITS_OK.search(ln.text) and ln.confidence >= min_conf for ln in lines)


Word = tuple[str, float, BBox]  # text, confidence 0..100, page box
# per word (by its box): (index into the word's NFC text, other digits nearly as likely there)
WordAlternatives = dict[BBox, tuple[tuple[int, str], ...]]
# a runner-up digit scoring at least this (Tesseract's 0..100 choice score) is a real alternative:
# measured on a dotted-zero typewriter face, a 0 read as 9 keeps "0" at 39-81, a true 9 keeps it at 0
ALT_MIN_SCORE = 25.0


def make_line(words: list[Word], alternatives: WordAlternatives | None = None) -> OcrLine:
    """One OcrLine from its words: NFC text, mean word confidence in [0, 1], union box, and the
    words' digit alternatives moved to line offsets."""
    text = unicodedata.normalize("NFC", " ".join(w[0] for w in words))
    conf = min(1.0, max(0.0, float(np.mean([w[1] for w in words])) / 100.0))
    alts: list[tuple[int, str]] = []
    spans: list[tuple[int, int, float, BBox]] = []
    start = 0
    for w in words:
        if alternatives:
            alts.extend((start + i, chars) for i, chars in alternatives.get(w[2], ()))
        n = len(unicodedata.normalize("NFC", w[0]))
        spans.append((start, start + n, min(1.0, max(0.0, w[1] / 100.0)), w[2]))
        start += n + 1
    return OcrLine(
        text=text, confidence=conf, bbox=BBox.union([w[2] for w in words]), alternatives=tuple(alts),
        words=tuple(spans),
    )  # fmt: skip


def has_alnum(words: list[Word]) -> bool:
    """Whether a line holds any letter or digit: big bold titles shed their accents as stray "lines"."""
    return any(ch.isalnum() for w in words for ch in w[0])


def split_wide_gaps(words: list[Word], factor: float = 3.0) -> list[list[Word]]:
    """Split a line where two words sit far apart: on a running-title line the office (left) and the book
    number (right) share a baseline, but they are separate texts."""
    if len(words) < 2:
        return [words]
    height = float(np.median([w[2].h for w in words]))
    out = [[words[0]]]
    for prev, cur in zip(words, words[1:], strict=False):
        gap = cur[2].x - (prev[2].x + prev[2].w)
        if gap > factor * height:
            out.append([cur])
        else:
            out[-1].append(cur)
    return out


def scale_box(b: BBox, s: float) -> BBox:
    """Page rectangle -> rectangle on the reduced OCR image (outward rounding: never clip ink)."""
    if s == 1.0:
        return b
    x0, y0 = int(b.x * s), int(b.y * s)
    x1, y1 = int(np.ceil((b.x + b.w) * s)), int(np.ceil((b.y + b.h) * s))
    return BBox(x0, y0, x1 - x0, y1 - y0)


def unscale_line(ln: OcrLine, s: float) -> OcrLine:
    if s == 1.0:
        return ln

    def unscale(b: BBox) -> BBox:
        x0, y0 = round(b.x / s), round(b.y / s)
        return BBox(x0, y0, round((b.x + b.w) / s) - x0, round((b.y + b.h) / s) - y0)

    return map_boxes(ln, unscale)


def moved_lines(lines: list[OcrLine], dx: int, dy: int) -> list[OcrLine]:
    """Lines read from an image cut out of the page (``alone_image``), moved back to page coordinates."""
    return [map_boxes(ln, lambda b: BBox(b.x + dx, b.y + dy, b.w, b.h)) for ln in lines]


def map_boxes(ln: OcrLine, f: Callable[[BBox], BBox]) -> OcrLine:
    """``ln`` with its box and its words' boxes mapped by ``f`` (to page coordinates)."""
    return replace(ln, bbox=f(ln.bbox), words=tuple((a, z, c, f(b)) for a, z, c, b in ln.words))


def resize_for_ocr(gray: np.ndarray, s: float) -> np.ndarray:
    import cv2

    if s >= 1.0:
        return gray
    h, w = gray.shape[:2]
    return cv2.resize(gray, (max(1, round(w * s)), max(1, round(h * s))), interpolation=cv2.INTER_AREA)


OCR_TEXT_PX = 16.0  # median letter height the vie model reads best at (measured on the sample pages)


def text_height(gray: np.ndarray) -> float | None:
    """Median height (page px) of letter-like ink components, measured on a half-size image."""
    import cv2

    h, w = gray.shape[:2]
    small = cv2.resize(gray, (max(1, w // 2), max(1, h // 2)), interpolation=cv2.INTER_AREA)
    n, _, st, _ = cv2.connectedComponentsWithStats((small < 128).view(np.uint8), connectivity=8)
    hh, ww = st[1:, 3], st[1:, 2]
    ok = (hh >= 4) & (hh <= 100) & (ww <= 3 * hh) & (ww >= 2)
    if ok.sum() < 50:
        return None
    return 2.0 * float(np.median(hh[ok]))


def ocr_scale(gray: np.ndarray) -> float:
    """Reduction that brings the page's letters to ~``OCR_TEXT_PX``; never an enlargement (ocr.md §0.7).

    Measured on the clean 300 dpi samples (letters ~24-30 px): cells read exactly 285/302 at full size,
    296/302 at 0.6, and Tesseract works 2x faster. The LSTM rescales each line to 36 px itself, and does
    it worse than an area-averaging reduction: stacked diacritics (NGUYỄN -> NGUYÊN) are the casualties."""
    return scale_for(text_height(gray))


def scale_for(text_h: float | None) -> float:
    """``ocr_scale`` for a page whose letters are ``text_h`` px (None: unknown, read at full size)."""
    if text_h is None:
        return 1.0
    return float(np.clip(OCR_TEXT_PX / text_h, 0.4, 1.0))


def osd_downscale(gray: np.ndarray, max_side: int = 2000) -> np.ndarray:
    """OSD needs letters, not resolution: ~150 dpi on an A3 page is plenty and keeps it cheap."""
    import cv2

    h, w = gray.shape[:2]
    f = max_side / max(h, w)
    if f >= 1:
        return gray
    return cv2.resize(gray, (round(w * f), round(h * f)), interpolation=cv2.INTER_AREA)


_ENGINES: dict[str, OcrEngine] = {}
_LOCK = threading.Lock()


def get_engine(lang: str = "vie") -> OcrEngine:
    """The process's engine for ``lang``, created on first use and reused (model load costs ~130 ms)."""
    # OpenMP threads fight each other when pages run in parallel processes (ocr.md §A1): one thread each.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    with _LOCK:
        eng = _ENGINES.get(lang)
        if eng is None:
            eng = _make_engine(lang)
            _ENGINES[lang] = eng
        return eng


# Tesseract's English model, trained apart from vie: a second opinion on a doubtful number. vie reads an
# isolated "- 57 -" as "-B7-" and an italic 557 as 357 (a 5/3 runner-up on every row); eng reads both. On
# the kept pages of 8 fresh Chromium seeds (clean, photographed and scanned) its two plain
# readings alone of a date, ID or entry number vie left in doubt gave vie's value 450 times, 449 right (the
# wrong one an entry number both models read a digit short, which the page's run still catches).
SECOND_MODEL = "eng"


def second_engine() -> OcrEngine | None:
    """The engine of ``SECOND_MODEL``; None when its traineddata is not installed (no second opinion)."""
    if not os.path.exists(os.path.join(TESSDATA, f"{SECOND_MODEL}.traineddata")):
        return None
    return get_engine(SECOND_MODEL)


def _make_engine(lang: str) -> OcrEngine:
    try:
        from pipeline.ocr._tesserocr import TesserocrEngine

        return TesserocrEngine(lang=lang, tessdata=TESSDATA)
    except Exception as exc:  # ImportError, or an init failure (missing traineddata, ABI trouble)
        from pipeline.ocr._pytesseract import PytesseractEngine

        return PytesseractEngine(lang=lang, tessdata=TESSDATA, reason=repr(exc))
