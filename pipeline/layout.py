"""Table layout: find the ruled grid, remove its rules, map columns to a template by their printed titles,
and read the page margins (running title, book number, office, page number).

Grid detection is the morphological recipe of camelot's lattice parser and img2table (ocr.md §A4): binarize,
open with long horizontal / vertical kernels so only rules survive, take the largest connected grid, then
cluster rule segments into full-length rules. Detection runs on a reduced image; rule positions are then
refined on the full-resolution page, because cell crops need pixel accuracy.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import cv2
import numpy as np
from rapidfuzz import fuzz

from pipeline.model import BBox, OcrLine
from pipeline.normalize.text import is_syllable
from pipeline.ocr.engine import OcrEngine, ReadMode, clip_rect, moved_lines
from pipeline.ocr.lost_lines import on_white, recover
from pipeline.templates import ColumnSpec, Template

DETECT_MAX_SIDE = 2000  # grid detection works on ~150 dpi for an A3 page: rules survive, cost drops 6x
FULL_RULE_FRACTION = 0.6  # a row rule must cross this share of the table width (partial = 2-level header)
PARTIAL_RULE_FRACTION = 0.15  # a group rule of a two-level header spans at least two columns
FAINT_RULE = 0.3  # of the page's darkest rules: a rule fainter than this is not the page's own (below)
MIN_TABLE_AREA = 0.05  # share of the page a ledger table covers at least


@dataclass(slots=True)
class Table:
    bbox: BBox
    cols: list[int]  # x of each vertical rule, left to right (n_cols + 1)
    rows: list[int]  # y of each horizontal rule, top to bottom (n_bands + 1)
    line_w: int = 3  # typical rule thickness in pixels (cell insets start past it)
    header_rows: int = 1  # bands above the first entry (titles, a group row over them, a column-number row)
    title_bands: int = 1  # bands holding the column titles (2 under a "Bên chồng" / "Bên vợ" group row)
    title_tops: list[int] = field(default_factory=list)  # y where each column's title cell starts

    @property
    def n_cols(self) -> int:
        return len(self.cols) - 1

    @property
    def n_bands(self) -> int:
        return len(self.rows) - 1


# --------------------------------------------------------------------------------------------- grid ----
def _binary(gray: np.ndarray) -> np.ndarray:
    """Ink = 255. Adaptive, so uneven light and grey rules both survive (camelot: block 15, C -2)."""
    return cv2.adaptiveThreshold(~gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, 15, -2)


def line_masks(binary: np.ndarray, min_len: int) -> tuple[np.ndarray, np.ndarray]:
    """(horizontal, vertical) rule masks: an opening as long as ``min_len`` removes letters (far shorter),
    then a short closing along the rule bridges breaks left by noise. No closing before the opening: it
    would fuse a line of bold letters into a fake rule."""
    hk = cv2.getStructuringElement(cv2.MORPH_RECT, (min_len, 1))
    vk = cv2.getStructuringElement(cv2.MORPH_RECT, (1, min_len))
    h = cv2.morphologyEx(
        cv2.morphologyEx(binary, cv2.MORPH_OPEN, hk), cv2.MORPH_CLOSE, np.ones((1, 9), np.uint8)
    )
    v = cv2.morphologyEx(
        cv2.morphologyEx(binary, cv2.MORPH_OPEN, vk), cv2.MORPH_CLOSE, np.ones((9, 1), np.uint8)
    )
    return h, v


def _own_rules(gray: np.ndarray, f: float, mask: np.ndarray, horizontal: bool) -> np.ndarray:
    """The rule segments of ``mask`` (found on the page reduced by ``f``) printed at least ``FAINT_RULE``
    as dark as the page's darkest rule, each measured at its core on the page itself: along the rule, the
    darkest pixel across it, the median of those. An old register's reverse page showing through faintly,
    too faint to be cleared (``preprocess.clear_show_through``), still left its rules for the adaptive
    threshold: between the page's own row rules, they split every entry in two (seed 1109: 9 rows for 4
    entries, values shifted into the wrong entries and accepted). Measured at full resolution: a thin or
    grey rule of the page's own, lightened by the reduction, keeps its darkness there (a 1 px rule inside
    a 10 px frame)."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if n <= 2:
        return mask
    H, W = gray.shape[:2]
    core = np.zeros(n)
    for i in range(1, n):
        x, y, w, h = (int(v) for v in stats[i, :4])
        x0, y0 = max(0, int(x / f) - 2), max(0, int(y / f) - 2)
        x1, y1 = min(W, int(np.ceil((x + w) / f)) + 2), min(H, int(np.ceil((y + h) / f)) + 2)
        band = gray[y0:y1, x0:x1]
        if band.size:
            core[i] = 255.0 - float(np.median(band.min(axis=0 if horizontal else 1)))
    # the darkest rules: the core the darkest fifth of the rules' length reaches, segments on the image's
    # edge aside (one pen stroke, a scan's black border, the desk at a photograph's edge cannot set it)
    sh, sw = mask.shape
    x, y, w, h = (stats[1:, k] for k in range(4))
    length = (w if horizontal else h).astype(float)
    inner = (x > 1) & (y > 1) & (x + w < sw - 1) & (y + h < sh - 1)
    c, lengths = (core[1:][inner], length[inner]) if inner.any() else (core[1:], length)
    order = np.argsort(c)[::-1]
    darkest = c[order[np.searchsorted(np.cumsum(lengths[order]), 0.2 * lengths.sum())]]
    keep = (core >= FAINT_RULE * darkest).astype(np.uint8)
    keep[0] = 0
    return mask * keep[labels]


def _segments(mask: np.ndarray) -> np.ndarray:
    """Connected components of a rule mask as rows (x, y, w, h)."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    return stats[1:, :4] if n > 1 else np.zeros((0, 4), int)


def _cluster_rules(
    segs: np.ndarray, axis: int, lo: int, hi: int, tol: float, min_cover: float
) -> list[float]:
    """Group rule segments lying at the same position (axis 1 = y for horizontal rules, 0 = x for vertical)
    and keep groups covering at least ``min_cover`` of [lo, hi]; close duplicates (double frames) merge."""
    if len(segs) == 0:
        return []
    other = 1 - axis
    pos = segs[:, axis] + segs[:, axis + 2] / 2.0
    order = np.argsort(pos)
    groups: list[list[int]] = []
    for i in order:
        if groups and pos[i] - pos[groups[-1][-1]] <= tol:
            groups[-1].append(i)
        else:
            groups.append([i])
    span = max(1, hi - lo)
    out: list[float] = []
    for g in groups:
        cover = np.zeros(span, bool)
        for i in g:
            a = max(lo, segs[i, other]) - lo
            b = min(hi, segs[i, other] + segs[i, other + 2]) - lo
            if b > a:
                cover[a:b] = True
        if cover.mean() >= min_cover:
            wts = segs[g, other + 2].astype(float)
            out.append(float(np.average(pos[g], weights=wts)))
    return out


def _merge_close(xs: list[float], tol: float) -> list[float]:
    out: list[float] = []
    for x in sorted(xs):
        if out and x - out[-1] <= tol:
            out[-1] = (out[-1] + x) / 2
        else:
            out.append(x)
    return out


def _refine(gray: np.ndarray, pos: int, lo: int, hi: int, axis: int, radius: int) -> tuple[int, int]:
    """Rule centre and thickness at full resolution: darkness profile across the rule, sampled along it."""
    h, w = gray.shape
    if axis == 1:  # horizontal rule at y=pos spanning x in [lo, hi]
        a, b = max(0, pos - radius), min(h, pos + radius + 1)
        band = gray[a:b, max(0, lo) : min(w, hi) : 4]
        prof = 255.0 - band.mean(axis=1)
    else:
        a, b = max(0, pos - radius), min(w, pos + radius + 1)
        band = gray[max(0, lo) : min(h, hi) : 4, a:b]
        prof = 255.0 - band.mean(axis=0)
    if prof.size == 0 or prof.max() < 20:
        return pos, 1
    on = prof >= prof.max() / 2
    peak = int(np.argmax(prof))
    i0 = peak
    while i0 > 0 and on[i0 - 1]:
        i0 -= 1
    i1 = peak
    while i1 < len(on) - 1 and on[i1 + 1]:
        i1 += 1
    return a + (i0 + i1) // 2, i1 - i0 + 1


def find_table(gray: np.ndarray, reverse_page: bool = False) -> Table | None:
    """The largest ruled table on the page, or None. Only rules crossing most of the table become row or
    column boundaries, so partial rules of a two-level header do not split the header band. On a page
    where a reverse page's writing shows (``reverse_page``), rules far fainter than its darkest are the
    reverse page's (``_own_rules``): a form's own hairlines beside a bold frame are kept elsewhere, and
    where the page's own rules left no table the grid is taken as found."""
    if reverse_page:
        table = _find_table(gray, own_only=True)
        if table is not None and len(table.rows) >= 3 and len(table.cols) >= 3:
            return table
    return _find_table(gray, own_only=False)


def _find_table(gray: np.ndarray, own_only: bool) -> Table | None:
    H, W = gray.shape[:2]
    f = min(1.0, DETECT_MAX_SIDE / max(H, W))
    # max(1, ...): a sliver of a page (3508 x 1 px) must not round to an empty image (cv2.resize asserts)
    small = cv2.resize(gray, (max(1, round(W * f)), max(1, round(H * f))), interpolation=cv2.INTER_AREA) if f < 1 else gray
    sh, sw = small.shape
    binary = _binary(small)
    min_len = max(30, max(sw, sh) // 40)
    hmask, vmask = line_masks(binary, min_len)
    if own_only:
        hmask, vmask = _own_rules(gray, f, hmask, True), _own_rules(gray, f, vmask, False)
    grid = cv2.dilate(hmask | vmask, np.ones((3, 3), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(grid, connectivity=8)
    if n <= 1:
        return None
    # The table is the component with the most rule crossings, not the largest one: a photographed
    # page's paper edge encloses more area but has only four corners (camelot's joint test).
    joints = cv2.dilate(hmask, np.ones((3, 3), np.uint8)) & cv2.dilate(vmask, np.ones((3, 3), np.uint8))
    crossings = np.bincount(labels[joints > 0], minlength=n)[1:]
    areas = stats[1:, cv2.CC_STAT_WIDTH] * stats[1:, cv2.CC_STAT_HEIGHT]
    big = areas >= MIN_TABLE_AREA * sw * sh
    if not big.any():
        return None
    k = int(np.argmax(np.where(big, crossings, -1))) + 1
    tx, ty, tw, th = (int(v) for v in stats[k, :4])
    pad = 3
    roi = (slice(max(0, ty - pad), ty + th + pad), slice(max(0, tx - pad), tx + tw + pad))
    hsegs = _segments(hmask[roi]) + [roi[1].start, roi[0].start, 0, 0]
    vsegs = _segments(vmask[roi]) + [roi[1].start, roi[0].start, 0, 0]
    tol = max(3.0, min(sw, sh) / 250)
    ys = _merge_close(_cluster_rules(hsegs, 1, tx, tx + tw, tol, FULL_RULE_FRACTION), tol * 2)
    # A group rule of a two-level header may span less than FULL_RULE_FRACTION: a candidate inside the
    # first band joins the rows here and is dropped again below unless it splits a spanning group row.
    cand = [
        y for y in _merge_close(_cluster_rules(hsegs, 1, tx, tx + tw, tol, PARTIAL_RULE_FRACTION), tol * 2)
        if len(ys) >= 2 and ys[0] + tol * 3 < y < ys[1] - tol * 3
    ]
    if cand:
        ys = sorted([*ys, cand[0]])
    xs = _merge_close(_cluster_rules(vsegs, 0, ty, ty + th, tol, 0.5), tol * 2)
    # An open-sided table (no outer frame): the grid's extent closes it.
    if not ys or ys[0] - ty > tol * 2:
        ys.insert(0, float(ty))
    if ty + th - ys[-1] > tol * 2:
        ys.append(float(ty + th - 1))
    if not xs or xs[0] - tx > tol * 2:
        xs.insert(0, float(tx))
    if tx + tw - xs[-1] > tol * 2:
        xs.append(float(tx + tw - 1))
    if len(ys) < 2 or len(xs) < 2:
        return None
    # Back to full resolution, refined on the page itself.
    radius = int(np.ceil(2 / f)) + 2
    x0, x1 = round(xs[0] / f), round(xs[-1] / f)
    y0, y1 = round(ys[0] / f), round(ys[-1] / f)
    rows, cols, widths = [], [], []
    for y in ys:
        c, t = _refine(gray, round(y / f), x0, x1, 1, radius)
        rows.append(c)
        widths.append(t)
    for x in xs:
        c, t = _refine(gray, round(x / f), y0, y1, 0, radius)
        cols.append(c)
        widths.append(t)
    rows, cols = sorted(set(rows)), sorted(set(cols))
    if len(rows) < 2 or len(cols) < 2:
        return None
    table = Table(
        bbox=BBox(cols[0], rows[0], cols[-1] - cols[0], rows[-1] - rows[0]),
        cols=cols,
        rows=rows,
        line_w=int(np.clip(np.median(widths), 1, 15)),
    )
    grouped = _group_row(gray, table) if len(rows) >= 4 else None
    if cand and grouped is None and len(table.rows) > 2:
        # the first-band candidate was no group rule (an underline, a stamp's edge): not a row either
        y_c = min(rows[1:-1], key=lambda y: abs(y - round(cand[0] / f)))
        table.rows.remove(y_c)
        table.bbox = BBox(cols[0], table.rows[0], cols[-1] - cols[0], table.rows[-1] - table.rows[0])
    _set_header(table, grouped)
    return table


def _set_header(table: Table, grouped: list[bool] | None) -> None:
    """Title bands, each column's title top, and the bands above the first entry: the titles (one band,
    or two under a group row), then maybe a thin column-number row ("(1) (2) ...") that is no entry:
    entry rows of a printed ledger all have the same height, the number row is far thinner."""
    tb = 2 if grouped is not None else 1
    table.title_bands = tb
    # a column under a group label starts its title below the group rule; the others span both bands
    table.title_tops = [
        table.rows[1] if grouped is not None and grouped[c] else table.rows[0] for c in range(table.n_cols)
    ]
    hs = np.diff(table.rows)
    head_h = table.rows[tb] - table.rows[0]
    # thinner than every entry row, not only than most: a short first entry (two lines of text under rows
    # of four) is no number row (sample seed 139 lost its first entry so). Number rows measured on 23
    # Chromium seeds: at most 0.41 of the shortest entry row
    entries = hs[tb + 1 :]
    # a sliver is no entry row: a seal at the table's foot widened the grid, which closed it with a rule
    # 26 px under the last (a fresh scanned page then took its number row for an entry, every row after
    # it shifted by one)
    entries = entries[entries >= SLIVER_SHARE * np.median(entries)] if len(entries) else entries
    numbered = (len(hs) >= tb + 3 and len(entries) > 0 and hs[tb] < NUMBER_ROW_MAX_SHARE * entries.min()
                and hs[tb] < head_h)  # fmt: skip
    table.header_rows = tb + int(numbered)


NUMBER_ROW_MAX_SHARE = 0.6
SLIVER_SHARE = 0.2  # of the median entry row: a band thinner than this holds no entry


GROUP_ROW_MAX_SHARE = 1.3  # of band 1's height: a group row is no taller than the titles under it

# px per px: how far a column rule may lean and still be one across band 0 (a steeper 3 px rule breaks
# into runs shorter than _line_cover's opening: 0.07 is found, 0.09 not)
GROUP_RULE_SLANT = 0.07


def _group_row(gray: np.ndarray, table: Table) -> list[bool] | None:
    """Whether band 0 is a group row of a two-level header ("Bên chồng" / "Bên vợ" each spanning several
    columns): the rule under it leaves some columns open (their titles span both bands) and some column
    rules that divide band 1 are missing from band 0 (a label spans them). Returns, per column, whether
    the rule crosses it (the column's title lies in band 1 only); None for an ordinary header."""
    r0, r1, r2 = table.rows[:3]
    if r1 - r0 > GROUP_ROW_MAX_SHARE * (r2 - r1):
        # a group label is one line over titles of one to four: a band 0 taller than band 1 holds the
        # titles, and band 1 is an entry (an aged page's reverse-side rule, crossing the entries but not
        # the titles, had made a group row of the titles and the first entry the titles)
        return None
    lw = table.line_w
    reach = lw + 3 + int(0.002 * table.bbox.w)
    crossed = []
    for a, b in zip(table.cols[:-1], table.cols[1:], strict=True):
        x0, x1 = a + lw + 2, b - lw - 2
        if x1 - x0 < 8:
            crossed.append(False)
            continue
        cover = _line_cover(gray[max(0, r1 - reach) : r1 + reach + 1, x0:x1], axis=1)
        crossed.append(cover >= 0.8)
    if all(crossed) or sum(crossed) < 2:
        return None

    def present(x: int, ya: int, yb: int, slant: float = 0.0) -> bool:
        if yb - ya < 12:
            return False
        wide = reach + round(slant * (yb - ya))
        return _line_cover(gray[ya:yb, max(0, x - wide) : x + wide + 1], axis=0) >= 0.7

    spanned = False
    for k in range(1, table.n_cols):
        if not (crossed[k - 1] and crossed[k]):
            continue
        x = table.cols[k]
        # missing from band 0 even where a slanted rule would run: a book photograph's rules near the
        # binding stay slanted after the page is straightened (fresh book seed 1069: 0.05), and a rule
        # that left the narrow strip had made a group row of the titles, the first entry read for them
        if not present(x, r0 + lw + 3, r1 - lw - 3, GROUP_RULE_SLANT) and present(x, r1 + lw + 3, r2 - lw - 3):
            spanned = True
            break
    return crossed if spanned else None


def _line_cover(strip: np.ndarray, axis: int) -> float:
    """Share of a strip's length (axis 1: along x, a horizontal rule; 0: along y) that a straight dark
    line crosses: an opening longer than any letter stroke keeps rules only."""
    if strip.size == 0:
        return 0.0
    _, ink = cv2.threshold(strip, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    if int(255 - strip.min()) < 60:  # blank strip: Otsu would split paper noise
        return 0.0
    n = strip.shape[axis]
    k = max(8, min(40, n // 3))
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (k, 1) if axis == 1 else (1, k))
    line = cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel)
    return float((line.max(axis=1 - axis) > 0).mean())


# --------------------------------------------------------------------------------------- cells ----
def cell_box(table: Table, row: int, col: int, inset: int = 4) -> BBox:
    """Inside of a cell, past the rules; ``row`` 0 is the first band below the top rule."""
    half = table.line_w // 2 + 1
    x0 = table.cols[col] + half + inset
    x1 = table.cols[col + 1] - half - inset
    y0 = table.rows[row] + half + inset
    y1 = table.rows[row + 1] - half - inset
    return BBox(x0, y0, max(1, x1 - x0), max(1, y1 - y0))


def title_box(table: Table, col: int, inset: int = 2) -> BBox:
    """Inside of a column's title cell: band 0, or under a group row the column's part of the two title
    bands (below the group rule where a label spans the column, the full height where none does)."""
    box = cell_box(table, 0, col, inset)
    if table.title_bands == 1 or not table.title_tops:
        return box
    bottom = cell_box(table, table.title_bands - 1, col, inset)
    top = cell_box(table, 1 if table.title_tops[col] > table.rows[0] else 0, col, inset)
    return BBox(box.x, top.y, box.w, max(1, bottom.y + bottom.h - top.y))


FAINT_INK = 180  # a grey level a faint print's strokes stay under (paper is near 255 after flattening)
GLYPH_PX = 10  # px: a faint mark this tall is a glyph, not a speck of grain


def has_ink(gray: np.ndarray, box: BBox, dark: int = 128, min_px: int = 12) -> bool:
    """Whether a cell holds anything to read: enough dark pixels that are not isolated noise specks; or,
    failing that, enough faint ones (under ``FAINT_INK``) that some stand a glyph tall. A book
    photograph's entry numbers, small grey italics, stayed above 128 but for 2-15 px a cell: the cells
    were taken for empty and seven entry numbers of a page were lost though Tesseract reads them."""
    H, W = gray.shape[:2]
    sub = gray[max(0, box.y) : min(H, box.y + box.h), max(0, box.x) : min(W, box.x + box.w)]
    if sub.size == 0:
        return False
    need = max(min_px, int(sub.size * 0.0003))
    if _opened_ink(sub < dark, need) is not None:
        return True
    faint = _opened_ink(sub < FAINT_INK, need)
    if faint is None:
        return False
    _, _, st, _ = cv2.connectedComponentsWithStats(faint)
    x, w, h = st[1:, 0], st[1:, 2], st[1:, 3]
    # a glyph: as tall as one, not a sliver (a rule's remnant is 2 px wide), and clear of the cell's sides,
    # where a rule's leftover edge lies
    glyph = (h >= GLYPH_PX) & (w >= 3) & (x > 0) & (x + w < sub.shape[1])
    return bool(glyph.any())


def _opened_ink(ink: np.ndarray, need: int) -> np.ndarray | None:
    """The ink without isolated noise pixels (a 2x2 opening keeps any stroke of real ink, even a dash),
    when at least ``need`` pixels of it are left."""
    if int(ink.sum()) < need:
        return None
    # OpenCV's opening applies an even kernel's anchor both ways, which moves the ink a pixel right and down
    # and drops a column at the box's edge: a 1's 2 px stem at the edge of the strip beside a page number
    # ("129" read "29", aged 1335) was halved under ``need``. Dilating from the opposite anchor opens in place.
    k = np.ones((2, 2), np.uint8)
    opened = cv2.dilate(cv2.erode(ink.view(np.uint8), k, anchor=(1, 1)), k, anchor=(0, 0))
    return opened if int(opened.sum()) >= need else None


def remove_rules(gray: np.ndarray, table: Table) -> np.ndarray:
    """A copy of ``gray`` with the table's rules painted to the paper colour. Only the rules' own pixels
    go (ocr.md §A4: blanket removal damages crossing strokes): in a strip around each rule, wide enough
    for a residual skew, a pixel is rule where its line along the rule is dark over most of a window far
    longer than any letter stroke. A letter's stem touching the rule is dark over one letter height only,
    so it stays, whatever the cell padding."""
    out = gray.copy()
    H, W = gray.shape[:2]
    # Strip half-width: the rule plus what a residual skew of ~0.1 deg drifts over the table.
    reach = table.line_w + 4 + int(0.002 * max(table.bbox.w, table.bbox.h))
    # Window along the rule: ~3.5 line pitches of 12 pt text at 300 dpi, scaled with the page size. First
    # letters of wrapped lines stack at one x: long windows keep their stems' share under ~0.7.
    win = max(31, round(max(H, W) / 25)) | 1
    x0, x1 = max(0, table.cols[0] - reach), min(W, table.cols[-1] + reach + 1)
    y0, y1 = max(0, table.rows[0] - reach), min(H, table.rows[-1] + reach + 1)
    for y in table.rows:
        a, b = max(0, y - reach), min(H, y + reach + 1)
        _paint(out, gray, (slice(a, b), slice(x0, x1)), axis=1, win=win)
    for x in table.cols:
        a, b = max(0, x - reach), min(W, x + reach + 1)
        _paint(out, gray, (slice(y0, y1), slice(a, b)), axis=0, win=win)
    return out


RULE_RUN = 0.85  # share of a window along the rule that must be dark for its pixels to count as rule


def _paint(out: np.ndarray, src: np.ndarray, roi: tuple[slice, slice], axis: int, win: int) -> None:
    """Paint the rule pixels of one strip (axis 1: a horizontal rule, 0: vertical) to the paper colour."""
    strip = src[roi]
    if strip.size == 0 or min(strip.shape) < 2:
        return
    thr, _ = cv2.threshold(strip, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    ink = (strip <= thr).astype(np.float32)
    ksize = (win, 1) if axis == 1 else (1, win)
    # share of dark pixels in the window centred on each pixel, along the rule; a pixel is rule when any
    # window holding it is dark enough, so rule ends (table corners) go too
    dense = (cv2.blur(ink, ksize, borderType=cv2.BORDER_CONSTANT) >= RULE_RUN).astype(np.uint8)
    rule = cv2.dilate(dense, cv2.getStructuringElement(cv2.MORPH_RECT, ksize)) & (ink > 0)
    if not rule.any():
        return
    # the blurred fringe of the rule: the next pixel across whatever its shade (a blurred or photographed
    # rule's edge reads as ink every other pixel), up to 3 px those lighter than ink
    near = cv2.dilate(rule, cv2.getStructuringElement(cv2.MORPH_RECT, (1, 3) if axis == 1 else (3, 1)))
    wide = cv2.dilate(rule, cv2.getStructuringElement(cv2.MORPH_RECT, (1, 7) if axis == 1 else (7, 1)))
    fringe = near | (wide & (ink == 0) & (strip < 250))
    paper = int(np.percentile(strip, 90))
    region = out[roi]
    region[(rule > 0) | (fringe > 0)] = paper


SLIVER_COLUMN = 0.2  # x the median column width: a column narrower than this holds no field


def without_slivers(table: Table, gray: np.ndarray | None = None, text_h: float | None = None) -> Table:
    """``table`` without its sliver columns (narrower than ``SLIVER_COLUMN`` of the median): one leaning
    rule found twice (fresh book seed 1069: the frame near the binding left leaning, found 26 px apart
    beside a 90 px "Số" column; the sliver matched no title, and "Số" read in part matched none either, so
    the entry numbers were lost), or a double frame. Inside the table a sliver is joined to its narrower
    neighbour; at its edge it is dropped. Called once the rules are removed: both of its rules are.
    Given the page (``gray``, its letters ``text_h`` tall), a narrow column whose entry rows hold glyphs is
    a column (``_holds_entries``): a book photograph's "Số", 40 px beside a median of 208, had been
    dropped with every entry number of the page."""
    cols, tops = list(table.cols), list(table.title_tops)
    real: set[int] = set()  # left rules of narrow columns that hold entries
    while len(cols) > 3:
        widths = np.diff(cols)
        narrow = [int(i) for i in np.argsort(widths, kind="stable")
                  if widths[i] < SLIVER_COLUMN * float(np.median(widths)) and cols[i] not in real]  # fmt: skip
        if not narrow:
            break
        i = narrow[0]
        if gray is not None and text_h and _holds_entries(gray, table, cols[i], cols[i + 1], text_h):
            real.add(cols[i])
            continue
        # at the table's edge, dropped (a double frame, or a scan's edge beside it: joined, the column
        # beside took in a seal's ring there); inside, joined to the narrower neighbour
        if i in (0, len(widths) - 1):
            gone = i if i == 0 else i + 1
        else:
            gone = i + 1 if widths[i + 1] < widths[i - 1] else i  # the rule between the two
        del cols[gone]
        if tops:
            del tops[i]  # the sliver's (its neighbour's title top stands for the joined column)
    if len(cols) == len(table.cols):
        return table
    bbox = BBox(cols[0], table.bbox.y, cols[-1] - cols[0], table.bbox.h)
    return replace(table, cols=cols, title_tops=tops, bbox=bbox)


def _holds_entries(gray: np.ndarray, table: Table, x0: int, x1: int, text_h: float) -> bool:
    """Whether the column between ``x0`` and ``x1`` holds a glyph (dark ink as tall as a letter, no wider
    than one and a half) in at least half of the table's written rows (the empty rows of a book's last
    page do not count). What is left of a leaning rule between its two findings is a stroke far taller
    than a letter; an empty sliver holds nothing."""
    if x1 - x0 < 6:
        return False
    written = found = 0
    for b in range(table.header_rows, table.n_bands):
        y0, y1 = table.rows[b], table.rows[b + 1]
        row = BBox(table.cols[0], y0, table.cols[-1] - table.cols[0], y1 - y0)
        if y1 - y0 < 6 or not has_ink(gray, row):
            continue
        written += 1
        cell = gray[y0 + 2 : y1 - 2, x0 + 2 : x1 - 2] < 128
        _, _, st, _ = cv2.connectedComponentsWithStats(cell.view(np.uint8))
        w, h = st[1:, 2], st[1:, 3]
        found += bool(((h >= 0.5 * text_h) & (h <= 1.6 * text_h) & (w >= 3) & (w <= 1.5 * text_h)).any())
    return written > 0 and 2 * found >= written


# ------------------------------------------------------------------------------------- header ----
class HeaderTitles(list[str]):
    """Column titles as read, one per table column, remembering how many bands the header spans."""

    header_rows: int = 1


def read_header(gray: np.ndarray, table: Table, engine: OcrEngine) -> HeaderTitles:
    """OCR each header cell (block mode, lines joined by a space); '' for an empty cell. The engine must
    have the (rule-free) page set already."""
    titles = HeaderTitles()
    titles.header_rows = table.header_rows
    for c in range(table.n_cols):
        box = title_box(table, c, inset=2)
        lines = engine.read(box, "block") if has_ink(gray, box) else []
        titles.append(" ".join(ln.text for ln in lines).strip())
    return titles


def reread_titles(
    gray: np.ndarray, table: Table, engine: OcrEngine, titles: HeaderTitles, columns: Sequence[int]
) -> HeaderTitles:
    """The titles of ``columns`` read again alone, each as an image of its own binarized on its own ink;
    the others as they were. A title the page's reading garbled reads as printed: "ăm ày, đăng” nãi gây,
    nh N em" for "Ngày, tháng, năm đăng ký", a narrow bold face (its registration dates were lost on a
    clean page)."""
    out = HeaderTitles(titles)
    out.header_rows = titles.header_rows
    for c in columns:
        box = title_box(table, c, inset=2)
        if has_ink(gray, box):
            out[c] = " ".join(ln.text for ln in engine.read_alone(gray, box, "block", binarize=True)).strip()
    return out


@dataclass(slots=True)
class HeaderMatch:
    template: Template
    columns: dict[int, ColumnSpec]  # table column index -> template column
    header_rows: int
    score: float  # [0, 1]: matched title similarity over the larger column count
    similarity: dict[int, float] = field(default_factory=dict)  # table column -> title similarity [0, 1]


_PAREN_NUM = re.compile(r"\(\s*\d{1,2}\s*\)")
_NON_WORD = re.compile(r"[^0-9a-z]+")
MIN_TITLE_SIM = 60.0  # rapidfuzz points: below this a title is not that column
PART_TITLE_SIM = 90.0  # a title read in part: what was read must be (nearly) a piece of the printed one
# points: a title read as other words is still the column left where no other column's is nearer than this
ELIMINATION_MARGIN = 10.0
MIN_SCORE = 0.65  # a page of another register still shares ~half its titles (Số, Ngày đăng ký, Ghi chú)


def fold_title(s: str) -> str:
    """Diacritic-insensitive comparison key: NFD without marks, đ->d, casefold, words only, no '(3)'."""
    s = _PAREN_NUM.sub(" ", s)
    s = unicodedata.normalize("NFD", s)
    s = "".join(ch for ch in s if unicodedata.category(ch) != "Mn")
    s = s.replace("đ", "d").replace("Đ", "D").casefold()
    return " ".join(_NON_WORD.sub(" ", s).split())


def title_similarity(a: str, b: str) -> float:
    """0..100 between folded titles; tolerant of OCR slips, word order and a spanning-header prefix
    ("Bên chồng ...") but not of a short title hiding inside a long one ("Số" in "... (loại, số)")."""
    if not a or not b:
        return 0.0
    s = max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b))
    if min(len(a), len(b)) / max(len(a), len(b)) >= 0.6:
        s = max(s, 0.95 * fuzz.partial_ratio(a, b))
    return float(s)


def match_header(
    titles: Sequence[str], templates: Sequence[Template], header_rows: int | None = None
) -> HeaderMatch | None:
    """Assign printed titles to each template's columns (optimal assignment on title similarity, ties
    broken by order so duplicate titles map left to right) and return the best template, or None."""
    if header_rows is None:
        header_rows = getattr(titles, "header_rows", 1)
    folded = [fold_title(t) for t in titles]
    best: HeaderMatch | None = None
    for tpl in templates:
        m = _match_one(folded, titles, tpl, header_rows)
        if m is not None and (best is None or m.score > best.score):
            best = m
    return best if best is not None and best.score >= MIN_SCORE else None


def _garbled(title: str) -> bool:
    """A title OCR garbled ("TƯ n “im ký" for "Ngày, tháng, năm đăng ký"), not another column's title
    ("Số CMND người đi khai"): half its words or more are no Vietnamese word, or carry OCR's specks."""
    words = [w.strip(",.;:()") for w in title.split()]
    junk = sum(1 for w in words if not w or not w.isalpha() or not is_syllable(w, tone=False))
    return bool(words) and 2 * junk >= len(words)


def _by_elimination(
    folded: list[str], titles: Sequence[str], tpl: Template, columns: dict[int, ColumnSpec],
    sims: dict[int, float],
) -> None:
    """Titles left unread (a short bold "SỐ" in a narrow column), read in part ("Cán bộ tư", the rest under a
    stamp, "Giấy ...") or garbled by a reverse page showing through ("gK" for "Số") take the template's
    columns by position, on a table with as many columns as the template (so do two letters or fewer, a
    title's scrap: "Xe" under a stamp): a run of unmatched columns
    between two matched ones (or a matched one and the table's edge) takes the template columns between
    theirs when they are as many and all unassigned. A title that reads as something else does not (aged
    seed 1289: "Số" and "Giấy tờ tùy thân" lost on a death page, the entry numbers and ID documents of
    every row with them). A title read into other words ("Ng hán túng" for "Ngày, tháng, năm đăng ký", a
    curled book photograph: every row's registration date lost) takes it when no other column's title is
    nearer than ``ELIMINATION_MARGIN`` points, or when its first and last words are the column's."""
    keys = [fold_title(o.title) for o in tpl.columns]

    def unread(i: int, j: int) -> bool:
        part = fuzz.partial_ratio(folded[i], keys[j]) >= PART_TITLE_SIM
        return not folded[i] or part or _garbled(titles[i]) or scrap(folded[i]) or nearest(i, j) or ends(i, j)

    def ends(i: int, j: int) -> bool:
        # its first and last words read, the middle garbled ("CÁN ng TỊCH" for "Cán bộ tư pháp - hộ tịch",
        # a fresh book photograph: nearer "Dân tộc, quốc tịch" by its letters, the officer lost on every row)
        read, key = folded[i].split(), keys[j].split()
        return len(read) >= 2 and (read[0], read[-1]) == (key[0], key[-1])

    def scrap(title: str) -> bool:
        # two letters or fewer that are no title of the template ("Xe" for "Cán bộ tư pháp - hộ tịch" under
        # a stamp, book photograph 1149: the officer lost on every row); "Số" is a title, so stays one
        return sum(ch.isalpha() for ch in title) <= 2 and title not in keys

    def nearest(i: int, j: int) -> bool:
        near = [title_similarity(folded[i], k) for k in keys]
        return near[j] + ELIMINATION_MARGIN >= max(near)

    index = {id(c): j for j, c in enumerate(tpl.columns)}
    taken = {index[id(c)] for c in columns.values()}
    matched = sorted((i, index[id(c)]) for i, c in columns.items())
    anchors = [(-1, -1), *matched, (len(folded), len(tpl.columns))]
    for (a, ja), (b, jb) in itertools.pairwise(anchors):
        gap, free = list(range(a + 1, b)), list(range(ja + 1, jb))
        if (gap and len(gap) == len(free) and not taken & set(free)
                and all(unread(i, j) for i, j in zip(gap, free, strict=True))):  # fmt: skip
            columns.update((i, tpl.columns[j]) for i, j in zip(gap, free, strict=True))
            sims.update(dict.fromkeys(gap, 0.0))
    # one column left on each side, wherever it stands: a variant edition swaps neighbouring columns
    unmatched = [i for i in range(len(folded)) if i not in columns]
    now = {index[id(c)] for c in columns.values()}
    left = [j for j in range(len(tpl.columns)) if j not in now]
    if len(unmatched) == 1 and len(left) == 1 and unread(unmatched[0], left[0]):
        columns[unmatched[0]], sims[unmatched[0]] = tpl.columns[left[0]], 0.0


def _match_one(folded: list[str], titles: Sequence[str], tpl: Template, header_rows: int) -> HeaderMatch | None:
    n, m = len(folded), len(tpl.columns)
    if n == 0 or m == 0:
        return None
    keys = [fold_title(c.title) for c in tpl.columns]
    sim = np.array([[title_similarity(a, b) for b in keys] for a in folded])
    _piece_credit(folded, keys, sim)
    # Order prior: squared so that, for equal titles, the non-crossing assignment is strictly cheaper;
    # small (<= 5 points) so a real title difference always wins over position.
    pi = np.arange(n)[:, None] / max(1, n - 1)
    pj = np.arange(m)[None, :] / max(1, m - 1)
    cost = -sim + 5.0 * (pi - pj) ** 2
    pairs = _assign(cost)
    columns: dict[int, ColumnSpec] = {}
    sims: dict[int, float] = {}
    for i, j in pairs:
        if sim[i, j] >= MIN_TITLE_SIM:
            columns[i] = tpl.columns[j]
            sims[i] = float(sim[i, j]) / 100
    if n == m:
        _by_elimination(folded, titles, tpl, columns, sims)
    n_titled = sum(1 for t in folded if t)
    score = sum(sims.values()) / max(n_titled, m)
    return HeaderMatch(
        template=tpl,
        columns=dict(sorted(columns.items())),
        header_rows=header_rows,
        score=score,
        similarity=sims,
    )


PIECE_MIN = 8  # characters: a shorter title read in part says nothing ("so" is in "loai so")


def _piece_credit(folded: list[str], keys: list[str], sim: np.ndarray) -> None:
    """A title read in part that is a piece of several longer titles scores as well against each: "Họ,
    chữ đệm, tên" (the rest lost under the reverse page's rule) is as much the husband's column as the
    wife's. Scored as read, the partial match counted only against the shorter ("... người vợ"), and the
    husband's and wife's names swapped columns (seed 1129, accepted); the columns beside now decide. A
    title that reads a word only some of those titles have ("... của cha") is theirs, not a piece of the
    others (phone photograph 1355: the father's title, its "năm" read "n", credited as the mother's too,
    and the order of the template, mother first, gave it her column: both parents swapped, accepted)."""
    for i, a in enumerate(folded):
        if len(a) < PIECE_MIN:
            continue
        pieces = [j for j, b in enumerate(keys) if len(b) > len(a) and fuzz.partial_ratio(a, b) >= PART_TITLE_SIM]
        if len(pieces) < 2:
            continue
        shared = set.intersection(*(set(keys[j].split()) for j in pieces))
        read = set(a.split())
        pieces = [j for j in pieces if read & (set(keys[j].split()) - shared)] or pieces
        if len(pieces) > 1:
            sim[i, pieces] = sim[i, pieces].max()


def _assign(cost: np.ndarray) -> list[tuple[int, int]]:
    """Minimum-cost assignment (Hungarian, O(n^3)); rows or columns left over stay unassigned."""
    transposed = cost.shape[0] > cost.shape[1]
    c = cost.T if transposed else cost
    n, m = c.shape
    inf = float("inf")
    u, v = [0.0] * (n + 1), [0.0] * (m + 1)
    p, way = [0] * (m + 1), [0] * (m + 1)
    for i in range(1, n + 1):
        p[0], j0 = i, 0
        minv, used = [inf] * (m + 1), [False] * (m + 1)
        while True:
            used[j0] = True
            i0, delta, j1 = p[j0], inf, 0
            for j in range(1, m + 1):
                if not used[j]:
                    cur = c[i0 - 1, j - 1] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j], way[j] = cur, j0
                    if minv[j] < delta:
                        delta, j1 = minv[j], j
            for j in range(m + 1):
                if used[j]:
                    u[p[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
    pairs = [(p[j] - 1, j - 1) for j in range(1, m + 1) if p[j]]
    return sorted((b, a) for a, b in pairs) if transposed else sorted(pairs)


# ------------------------------------------------------------------------------------ margins ----
@dataclass(slots=True)
class PageText:
    lines: list[OcrLine]

    @property
    def text(self) -> str:
        return "\n".join(ln.text for ln in self.lines)


def read_margins(gray: np.ndarray, table: Table, engine: OcrEngine) -> tuple[PageText, PageText]:
    """Text above the table (running title, book number, office) and below it (page number), each read
    on the paper only (``paper_margin``)."""
    top, bottom = paper_margin(gray, table, above=True), paper_margin(gray, table, above=False)
    above = PageText([] if top is None else _read_region(gray, top, engine))
    return above, PageText([] if bottom is None else _read_region(gray, bottom, engine))


def read_head(gray: np.ndarray, table: Table, engine: OcrEngine, pad: int) -> PageText:
    """The paper above the table within the table's sides (and ``pad`` px beyond): read alone when the
    whole margin's reading lacks the book number or the office. A photographed sheet's desk or shadow
    that no edge search cut off garbles layout analysis of the whole width (a book photograph's "Quyển
    số: 01/2019" and running title were not read at all, only the office line); the head's print lies
    over the table."""
    paper = paper_margin(gray, table, above=True)
    if paper is None:
        return PageText([])
    b = table.bbox
    x0, x1 = max(paper.x, b.x - pad), min(paper.x + paper.w, b.x + b.w + pad)
    if (x0, x1) == (paper.x, paper.x + paper.w) or x1 - x0 < 8:
        return PageText([])  # the same region as the whole margin's: nothing new to read
    return PageText(_read_region(gray, BBox(x0, paper.y, x1 - x0, paper.h), engine))


def read_foot(gray: np.ndarray, table: Table, engine: OcrEngine, height: int = 300) -> PageText:
    """The middle third just under the table, on the paper, where the page number is printed: read alone
    when the whole foot gave nothing usable (layout analysis of the whole foot can miss a small number)."""
    b = table.bbox
    paper = paper_margin(gray, table, above=False)
    if paper is None:
        return PageText([])
    y1 = min(paper.y + paper.h, paper.y + height)
    x0, x1 = max(paper.x, b.x + b.w // 3), min(paper.x + paper.w, b.x + 2 * (b.w // 3))
    if y1 - paper.y < 8 or x1 - x0 < 8:
        return PageText([])
    return PageText(_read_region(gray, BBox(x0, paper.y, x1 - x0, y1 - paper.y), engine))


# a run of the foot's ink is a line of print when it is this many text heights tall, and at most this wide
# (wider: a rule, a line of running text); a sheet's shadowed edge is taller
FOOT_PRINT_HEIGHT = (0.5, 3.0)
FOOT_PRINT_WIDTH = 30
FOOT_PRINT_MAX = 8  # runs read at most, the lowest first (the page number is the last print of a page)


def read_foot_print(gray: np.ndarray, table: Table, engine: OcrEngine, text_h: float) -> PageText:
    """The foot's print read run by run, each text-sized run of ink on the paper under the table read as
    one line in a box of its own (``print_runs``): where neither the whole foot's reading nor its middle
    found a page number. A register prints it centred or at the outer corner, under the table or at the
    sheet's foot: book photographs' "- 42 -" 1,700 px under an eight-row table, "122" at the corner beside
    the sheet's shadowed edge, which reading the corner's ink as one box garbles ("_ |")."""
    paper = paper_margin(gray, table, above=False)
    if paper is None:
        return PageText([])
    H, W = gray.shape[:2]
    pad = int(text_h)  # a line height of paper around: Tesseract reads a tight "96" as "9"
    boxes = (clip_rect(BBox(b.x - pad, b.y - pad, b.w + 2 * pad, b.h + 2 * pad), W, H)
             for b in sorted(print_runs(gray, paper, text_h)[:FOOT_PRINT_MAX], key=lambda b: b.y))  # fmt: skip
    return PageText([ln for box in boxes if box for ln in engine.read(box, "auto") or engine.read(box, "line")])


def print_runs(gray: np.ndarray, box: BBox, text_h: float) -> list[BBox]:
    """The runs of ink in ``box`` the size of a line of print (``FOOT_PRINT_*``), lowest first: dark
    pixels joined across a word space and a little over, once ink taller than print (a sheet's shadowed
    edge) is set aside, and kept where a stroke is as tall as a letter (not only grain). On a subsampled
    image, as ``ink_extent``."""
    H, W = gray.shape[:2]
    r = clip_rect(box, W, H)
    if r is None:
        return []
    step = 4 if max(H, W) >= 3000 else 2
    # each sample the darkest of its block: a small page number's thin strokes fall between the samples
    cut = cv2.erode(gray[r.y : r.y + r.h, r.x : r.x + r.w], np.ones((step, step), np.uint8))
    ink = (cut[::step, ::step] < 128).astype(np.uint8)
    lo, hi = FOOT_PRINT_HEIGHT[0] * text_h, FOOT_PRINT_HEIGHT[1] * text_h
    # the tall ink goes first: joined, it would swallow the print beside it
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    tall = np.flatnonzero(stats[:, cv2.CC_STAT_HEIGHT] * step > hi)
    ink[np.isin(labels, tall[tall > 0])] = 0
    join = max(1, int(RUN_GAP * text_h / step))
    n, labels, _, _ = cv2.connectedComponentsWithStats(cv2.dilate(ink, np.ones((1, join), np.uint8)), connectivity=8)
    # each run's box is its ink's, not the joining's
    ys, xs = np.nonzero(ink)
    lab = labels[ys, xs]
    x0s, y0s = np.full(n, ink.shape[1]), np.full(n, ink.shape[0])
    x1s, y1s = np.zeros(n, int), np.zeros(n, int)
    np.minimum.at(x0s, lab, xs), np.minimum.at(y0s, lab, ys)
    np.maximum.at(x1s, lab, xs + 1), np.maximum.at(y1s, lab, ys + 1)
    out = []
    for x0, y0, x1, y1 in zip(x0s[1:], y0s[1:], x1s[1:], y1s[1:], strict=True):
        if x1 <= x0:
            continue
        b = BBox(int(r.x + x0 * step), int(r.y + y0 * step), int((x1 - x0) * step), int((y1 - y0) * step))
        if lo <= b.h <= hi and b.w <= FOOT_PRINT_WIDTH * text_h and _holds_glyph(gray, b, lo, hi):
            out.append(b)
    return sorted(out, key=lambda b: -(b.y + b.h))


def _holds_glyph(gray: np.ndarray, box: BBox, lo: float, hi: float) -> bool:
    """Whether ``box`` holds a stroke of ink as tall as a letter, not only grain (a photographed desk's
    texture or the speckle of a sheet's shadow, whose sampled runs are as big as print's)."""
    ink = (gray[box.y : box.y + box.h, box.x : box.x + box.w] < 128).astype(np.uint8)
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    return any(lo <= h <= hi for h in stats[1:n, cv2.CC_STAT_HEIGHT])


def foot_ink(gray: np.ndarray, table: Table) -> BBox | None:
    """The box of the ink on the paper under the table (None when the foot is blank): where a page number
    no read found is shown to the reviewer."""
    paper = paper_margin(gray, table, above=False)
    return None if paper is None else ink_extent(gray, paper)


EDGE_INK = 0.5  # a row or column of the paper this dark is its edge, not print
EDGE_RUN = 16  # px: and it is this thick (a sheet's shadowed edge, a scanner's border; a printed rule is not)
EDGE_CLEAR = 0.01  # the paper starts where the edge's shadow fades to this


def paper_margin(gray: np.ndarray, table: Table, *, above: bool) -> BBox | None:
    """The paper above or under the table. Out from the table to the first band of rows whose ink covers
    over half of the table's width, then sideways to the first such band of columns over those rows: the
    shadowed edge of a photographed sheet, the desk beyond it, or a scanner's dark border. Print covers
    far less (letters have gaps, a text line rarely spans the table), and a printed rule is thin. The
    edge's fading shadow is left out too (on a photo the edge is not quite straight). A photographed
    sheet's speckled desk garbles layout analysis of the margin it is read with: the book number above
    ("Quyển số: 01/2021" read "An 7Á"), the page number a third of an A3 sheet under a short table. The
    page's bounds where there is no edge; None when no room."""
    H, W = gray.shape[:2]
    b = table.bbox
    gap = table.line_w + 6
    step = 4 if max(H, W) >= 3000 else 2
    run = max(2, EDGE_RUN // step)
    # each profile runs from the table outwards, one sample every ``step`` px; the paper ends at its last
    # clear sample before the edge
    if above:
        y1 = b.y - gap
        if y1 < 8:
            return None
        rows = (gray[y1 - 1 :: -step, b.x : b.x + b.w : step] < 128).mean(axis=1)
        y0 = 0 if (i := _edge(rows, run)) is None else y1 - 1 - (i - 1) * step
    else:
        y0 = b.y + b.h + gap
        if H - y0 < 8:
            return None
        rows = (gray[y0:H:step, b.x : b.x + b.w : step] < 128).mean(axis=1)
        y1 = H if (i := _edge(rows, run)) is None else y0 + (i - 1) * step + 1
    if y1 - y0 < 8:
        return None
    cols = (gray[y0:y1, ::step] < 128).mean(axis=0)
    left, right = b.x // step, (b.x + b.w) // step  # the table's sides in ``cols``
    x0 = 0 if (i := _edge(cols[:left][::-1], run)) is None else (left - i) * step
    x1 = W if (i := _edge(cols[right:], run)) is None else (right + i - 1) * step + 1
    return BBox(x0, y0, x1 - x0, y1 - y0)


def _edge(profile: np.ndarray, run: int) -> int | None:
    """Index in ``profile`` (ink share per sampled row or column, from the table outwards) of the first
    sample past the paper: the first of ``run`` edge-dark samples in a row, backed off over its fading
    shadow (at most ``run`` samples); None when there is no edge. At least 1: the table's side is paper."""
    dark = profile > EDGE_INK
    if len(dark) < run:
        return None
    full = np.flatnonzero(np.convolve(dark, np.ones(run, int), "valid") == run)
    if full.size == 0:
        return None
    i = int(full[0])
    stop = max(1, i - run)  # a shadow fades within an edge's thickness: print further in is paper's
    while i > stop and profile[i - 1] > EDGE_CLEAR:
        i -= 1
    return max(1, i)


SHORT_LINE_CHARS = 12  # a foot line this short may be the page number ("- 8 -", "Trang 112")


# the readings of a short line alone: as one line, and binarized on its own ink as one word and as one line
# (a book photograph's grainy "- 76 -" reads "C.IJÓO=" at 0 on the page, "- 76 -" at 0.93 binarized)
SHORT_LINE_READS: tuple[tuple[ReadMode, bool], ...] = (("line", False), ("word", True), ("line", True))


def reread_short_lines(
    gray: np.ndarray, lines: Sequence[OcrLine], engine: OcrEngine,
    reads: Sequence[tuple[ReadMode, bool]] = SHORT_LINE_READS, scale: float | None = None,
    text_h: float | None = None,
) -> list[list[OcrLine]]:  # fmt: skip
    """Each short margin line read again as an image of its own, once per (mode, binarize) of ``reads``
    (at ``scale`` when the engine has no page set: another model's), with room around it of a line's height,
    the page's letter height ``text_h`` at least. A small page number under a dark
    table comes out of the whole page's reading garbled ("- 8 -" as "s8:", "55" as "3S"); alone, it reads
    (on 162 degraded bench pages the two reads settled 12 of the 14 page numbers the page's reading had
    wrong or missing, and turned 2 faint right ones wrong: the caller weighs them, see
    read_page._settle_page_no)."""
    H, W = gray.shape[:2]
    out: list[list[OcrLine]] = []
    done: list[BBox] = []
    for ln in lines:
        if ln.bbox is None or len(ln.text.strip()) > SHORT_LINE_CHARS:
            continue
        # a line's height of room on either side: OCR's box of "- 50 -" may hold the 0 alone; and on along
        # the baseline while the ink runs on: "Trang 119" on a book photograph came as boxes of "Trang"
        # and "1", the "19" in none, and read alone in its box the page number was "1"
        # (the page's letter height at least, all round: OCR's box of "46" on a book photograph held a 10 px
        # piece of the 4, low in the digits, and the read alone in its box gave "đa", "45" and "5")
        b, h = ln.bbox, max(ln.bbox.h, round(text_h or 0))
        pad, side = max(6, h // 2 if h == b.h else h), max(6, h)
        box = clip_rect(BBox(b.x - side, b.y - pad, b.w + 2 * side, b.h + 2 * pad), W, H)
        if box is None:
            continue
        box = _along_ink(gray, box, b, gap=int(RUN_GAP * b.h))
        if any(box.inside(d) >= REREAD_COVERED for d in done):
            # a line found again, or the run another short line led to, is read once; but not a wider
            # box over a narrower one read: OCR's box of "- 1 -" on a phone photograph held the dash and
            # half the 1 ("$:"; alone it read "+"), the foot's print run held all of it ("1" at 0.97)
            continue
        done.append(box)
        tight = ink_extent(gray, box, pad=10) or box
        out += [engine.read_alone(gray, tight, mode, binarize=binarize, scale=scale) for mode, binarize in reads]
    return out


REREAD_COVERED = 0.9  # share of a short line's box inside a box read already, for it to be read no more


DARK_REREAD_BELOW = 0.5  # a margin line read below this confidence is read again on its darkest ink
# levels tried, as the share of the way from the line's darkest ink to its paper under which ink is kept
DARK_SHARES = (0.25, 0.4)


def reread_dark_lines(
    gray: np.ndarray, lines: Sequence[OcrLine], engine: OcrEngine, below: float = DARK_REREAD_BELOW
) -> list[OcrLine]:
    """``lines`` with each one read below ``below`` read again alone on its darkest ink, the rest turned to
    paper, where that reads more surely. An old register's book number printed over the
    reverse page's title showing through (greyer than the page's own print, or the specks clearing it
    left) reads as noise ("©'” 3qhyên sốt dừ1öôÐ" at 0.32); its darkest ink alone reads "Quyển số:
    01/1998" at 0.96. Each level of ``DARK_SHARES`` is tried; the surest reading is kept."""
    H, W = gray.shape[:2]
    out: list[OcrLine] = []
    for ln in lines:
        b = ln.bbox
        pad = max(6, b.h // 3)
        box = clip_rect(BBox(b.x - pad, b.y - pad, b.w + 2 * pad, b.h + 2 * pad), W, H)
        if ln.confidence >= below or box is None:
            out.append(ln)
            continue
        cut = gray[box.y : box.y + box.h, box.x : box.x + box.w]
        darkest, paper = float(np.percentile(cut, 1)), float(np.median(cut))
        best = ln
        for share in DARK_SHARES:
            level = darkest + share * (paper - darkest)
            img = np.where(cut < level, cut, 255).astype(np.uint8)
            for read in engine.read_alone(img, BBox(0, 0, box.w, box.h), "line"):
                if read.confidence > best.confidence and any(c.isalnum() for c in read.text):
                    best = moved_lines([read], box.x, box.y)[0]
        out.append(best)
    return out


RUN_GAP = 1.5  # line heights: a gap in the ink this wide ends a run of words (a word space is ~0.4)
RUN_REACH = 12  # line heights a run is followed at most either way


def _along_ink(gray: np.ndarray, box: BBox, line: BBox, gap: int) -> BBox:
    """``box`` widened left and right while the ink of ``line``'s rows continues with gaps under ``gap``
    px (dark < 128 in a column of those rows: not the padded box's, which reach the line below), at most
    ``RUN_REACH`` line heights either way."""
    H, W = gray.shape[:2]
    reach = RUN_REACH * line.h
    lo, hi = max(0, box.x - reach), min(W, box.x + box.w + reach)
    cols = (gray[max(0, line.y) : line.y + line.h, lo:hi] < 128).sum(axis=0) >= 2
    x0, x1 = box.x - lo, box.x + box.w - lo  # in the band's columns
    while True:
        left = np.flatnonzero(cols[max(0, x0 - gap) : x0])
        if len(left) == 0:
            break
        x0 = max(0, x0 - gap) + int(left[0])
    while True:
        right = np.flatnonzero(cols[x1 : x1 + gap])
        if len(right) == 0:
            break
        x1 = x1 + int(right[-1]) + 1
    x0, x1 = min(x0, box.x - lo), max(x1, box.x + box.w - lo)
    return BBox(int(lo + x0), box.y, int(x1 - x0), box.h)


def _read_region(gray: np.ndarray, box: BBox, engine: OcrEngine) -> list[OcrLine]:
    tight = ink_extent(gray, box)
    if tight is None:
        return []
    # Margins hold scattered blocks (office left, title centred, book number right): automatic layout.
    lines = engine.read(tight, "auto")
    if not lines and tight.h < 4 * tight.w:
        # layout analysis drops a lone short token such as a bare page number ("22"): read it as one line
        lines = engine.read(tight, "line")
    # and it can drop a whole line: aged 1303's office under the book number, lost for the page's six rows
    return recover(gray, tight, lines, lambda box: engine.read(box, "line"),
                   lambda box: on_white(engine, gray, box, "line"), words=False)  # fmt: skip


def _block_min(a: np.ndarray, step: int) -> np.ndarray:
    """``a`` reduced by ``step`` each way, each block to its darkest pixel (the edges' part-blocks too)."""
    h, w = a.shape[:2]
    hh, ww = -(-h // step) * step, -(-w // step) * step
    if (hh, ww) != (h, w):
        a = np.pad(a, ((0, hh - h), (0, ww - w)), constant_values=255)
    return a.reshape(hh // step, step, ww // step, step).min(axis=(1, 3))


def ink_extent(gray: np.ndarray, box: BBox, pad: int = 12) -> BBox | None:
    """The box shrunk to the ink it holds (on a subsampled image: a cheap bound, padded), None when blank."""
    H, W = gray.shape[:2]
    x0, y0 = max(0, box.x), max(0, box.y)
    x1, y1 = min(W, box.x + box.w), min(H, box.y + box.h)
    if x1 - x0 < 8 or y1 - y0 < 8:
        return None
    # 4 px blocks at 300 dpi, 2 px on a small (150 dpi) page; each block's darkest pixel, not its first: a
    # 1's 3 px stem fell between every 4th pixel, and the page number "129" read alone in the box was "29"
    step = 4 if max(H, W) >= 3000 else 2
    sub = _block_min(gray[y0:y1, x0:x1], step)
    ink = sub < 128
    # ignore the page edge: scanner shadows and paper borders are not text. Only where the box meets the
    # edge: a page number printed just under the table sits on the box's top side.
    e = max(1, 8 // step)
    if x0 == 0:
        ink[:, :e] = False
    if x1 == W:
        ink[:, -e:] = False
    if y0 == 0:
        ink[:e, :] = False
    if y1 == H:
        ink[-e:, :] = False
    # two blocks of a row or column: a speck of grain darkens one block, as it once fell on a sample
    rows, cols = np.flatnonzero(ink.sum(axis=1) >= 2), np.flatnonzero(ink.sum(axis=0) >= 2)
    if len(rows) == 0 or len(cols) == 0:
        return None
    # plain ints: a numpy integer in a box reaches the database (SQLite stores it as a blob)
    bx0, bx1 = max(x0, x0 + int(cols[0]) * step - pad), min(x1, x0 + int(cols[-1]) * step + step + pad)
    by0, by1 = max(y0, y0 + int(rows[0]) * step - pad), min(y1, y0 + int(rows[-1]) * step + step + pad)
    return BBox(int(bx0), int(by0), int(bx1 - bx0), int(by1 - by0))
