"""Reading one cell (``read_cell``): the lines Tesseract dropped are found from the ink and read again on
their own; on a page of slanted writing the cell is sheared upright first (``ocr/slant.py``).

On a reduced page, a block read can lose a whole text line without a trace: "TRẦN" above "HỒNG VY"
(a stacked accent on capitals) comes back as nothing, while the line cut out alone reads "TRẦN" at 0.92.
A lost line is silent: the field keeps the other lines, often at a high confidence. So after a cell is
read, the ink's text lines are compared with the lines returned, and a text-sized band of ink that no
returned line covers is read alone (psm 7).
"""

from __future__ import annotations

import numpy as np

from pipeline.model import BBox, OcrLine

from .engine import OcrEngine, ReadMode

INK = 128  # darker than this is ink (the cell image has its rules removed)
MIN_ROW_INK = 2  # a row with fewer dark pixels is blank (specks)
ACCENT_FRACTION = 0.45  # a run shorter than this x line height is a row of accents: it joins the run below
COVERED = 0.3  # a band overlapped this much (of its height) by a returned line was read
MIN_CONFIDENCE = 0.5  # a lost line read back below this is noise (a stamp's arc, a smudge), not text


def _runs(inked: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) of each run of True."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], inked.astype(np.int8), [0]))))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def ink_bands(gray: np.ndarray, rect: BBox, line_h: float) -> list[tuple[int, int]]:
    """Text lines of ink inside ``rect`` as page rows [y0, y1): runs of inked rows, a short run of accents
    joined to the letters under it."""
    H, W = gray.shape[:2]
    x0, y0 = max(0, rect.x), max(0, rect.y)
    x1, y1 = min(W, rect.x + rect.w), min(H, rect.y + rect.h)
    if x1 <= x0 or y1 <= y0:
        return []
    rows = (gray[y0:y1, x0:x1] < INK).sum(axis=1) >= MIN_ROW_INK
    bands: list[list[int]] = []
    pending: list[int] | None = None  # an accent run waiting for its letters
    for a, b in _runs(rows):
        if pending is not None and a - pending[1] <= ACCENT_FRACTION * line_h:
            a = pending[0]
        elif pending is not None:
            bands.append(pending)
        pending = None
        if b - a < ACCENT_FRACTION * line_h:
            pending = [a, b]
        else:
            bands.append([a, b])
    if pending is not None:
        bands.append(pending)
    return [(y0 + a, y0 + b) for a, b in bands]


def lost_bands(gray: np.ndarray, rect: BBox, lines: list[OcrLine]) -> list[BBox]:
    """Text-sized bands of ink in ``rect`` that none of ``lines`` covers, padded for a line read."""
    if not lines:
        return []  # nothing read at all: no line height to judge by (the caller's empty-cell path)
    line_h = float(np.median([ln.bbox.h for ln in lines]))
    if line_h < 4:
        return []
    out: list[BBox] = []
    for a, b in ink_bands(gray, rect, line_h):
        h = b - a
        if not 0.6 * line_h <= h <= 1.8 * line_h:
            continue  # an accent row alone, a speck, or a stamp's block: not one text line
        overlap = max((min(b, ln.bbox.y + ln.bbox.h) - max(a, ln.bbox.y) for ln in lines), default=0)
        if overlap > COVERED * h:
            continue
        cols = np.flatnonzero((gray[a:b, rect.x : rect.x + rect.w] < INK).any(axis=0))
        if cols.size == 0 or cols[-1] - cols[0] < 0.6 * line_h:
            continue  # narrower than a letter
        pad = max(2, round(0.1 * h))
        out.append(BBox(rect.x + int(cols[0]) - pad, a - pad, int(cols[-1] - cols[0]) + 2 * pad, h + 2 * pad))
    return out


def read_cell(engine: OcrEngine, gray: np.ndarray, rect: BBox, mode: ReadMode, slope: float = 0.0) -> list[OcrLine]:
    """``engine.read`` of a cell, plus the lines it dropped read alone, in reading order. On a page of
    slanted writing (``slope``, ``ocr/slant.py``) the cell is sheared upright and read whole instead."""
    if slope:
        return engine.read_alone(gray, rect, mode, slope=slope)
    lines = engine.read(rect, mode)
    bands = lost_bands(gray, rect, lines)
    if not bands:
        return lines
    found = [
        ln for band in bands for ln in engine.read(band, "digits" if mode == "digits" else "line")
        if ln.confidence >= MIN_CONFIDENCE and sum(ch.isalnum() for ch in ln.text) >= 2
    ]  # fmt: skip
    return sorted([*lines, *found], key=lambda ln: (ln.bbox.y, ln.bbox.x)) if found else lines
