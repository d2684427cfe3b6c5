"""Italic and slanted writing, measured on the page and sheared upright before a cell is read.

Tesseract's ``vie`` model reads upright print. On italic faces it misreads digits at high confidence
(FreeSerif italic: "1981" read "1961" at 0.95, "8" read "6" throughout a page); the same cells sheared
upright read right (measured on the Chromium-typeset bench pages: every such 8/6 and 5/3 misread of a
page came back right at shears 0.15-0.3). Slanted handwriting is the same case.

The slant is measured once per page on the table body: each thin horizontal strip of ink is sheared by
candidate slopes, and the slope that makes the strips' column profiles sharpest (vertical stems line up)
wins. Upright print scores best at 0; no shear is applied there.
"""

from __future__ import annotations

import cv2
import numpy as np

from pipeline.model import BBox

SLOPES = np.round(np.arange(0.0, 0.41, 0.05), 2)  # x shift per pixel up; italic leans right (> 0)
MIN_SLANT = 0.1  # below: upright (a measured 0.05 is noise)
MIN_GAIN = 1.01  # the best slope must sharpen the stems by 1 % over upright
_PROFILE_TEXT_PX = 16  # letters are measured at about this height (at 12 px the stems of a light italic blur)
_SAMPLE_LINES = 40  # the first this-many text lines of the body: one hand or face writes the whole page


def page_slant(gray: np.ndarray, body: BBox, text_h: float | None) -> float:
    """The slope (x per y, > 0 leaning right) of the writing inside ``body``; 0.0 for upright text."""
    H, W = gray.shape[:2]
    x0, y0 = max(0, body.x), max(0, body.y)
    x1, y1 = min(W, body.x + body.w), min(H, body.y + body.h)
    if text_h is None or text_h <= 0 or x1 - x0 < 50 or y1 - y0 < 50:
        return 0.0
    f = min(1.0, _PROFILE_TEXT_PX / text_h)
    y1 = min(y1, y0 + round(_SAMPLE_LINES * text_h))
    small = cv2.resize(gray[y0:y1, x0:x1], None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
    ink = (small < 128).astype(np.float32)
    h, w = ink.shape
    strip = max(4, round(1.6 * text_h * f))  # about one text line: stems line up within a line only
    n = h // strip
    if n == 0:
        return 0.0
    scores = {}
    for s in SLOPES:
        sheared = cv2.warpAffine(ink, np.float32([[1, s, -s * h / 2], [0, 1, 0]]), (w, h))
        profiles = sheared[: n * strip].reshape(n, strip, w).sum(axis=1)
        scores[float(s)] = float((profiles**2).sum())
    best = max(scores, key=lambda s: scores[s])
    if best < MIN_SLANT or scores[0.0] <= 0 or scores[best] < MIN_GAIN * scores[0.0]:
        return 0.0
    return best


def deslant(crop: np.ndarray, slope: float) -> tuple[np.ndarray, int]:
    """``crop`` sheared upright about its middle row, widened so no ink leaves it; (image, left padding)."""
    h, w = crop.shape[:2]
    pad = int(np.ceil(abs(slope) * h / 2)) + 8
    wide = cv2.copyMakeBorder(crop, 0, 0, pad, pad, cv2.BORDER_CONSTANT, value=255)
    m = np.float32([[1, slope, -slope * h / 2], [0, 1, 0]])
    return cv2.warpAffine(wide, m, (w + 2 * pad, h), borderValue=255), pad
