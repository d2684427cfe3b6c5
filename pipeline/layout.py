"""Table layout: find the ruled grid, remove its rules, map columns to a template by their printed titles,
and read the page margins (running title, book number, office, page number).

Grid detection is the morphological recipe of camelot's lattice parser and img2table (ocr.md §A4): binarize,
open with long horizontal / vertical kernels so only rules survive, take the largest connected grid, then
cluster rule segments into full-length rules. Detection runs on a reduced image; rule positions are then
refined on the full-resolution page, because cell crops need pixel accuracy.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

import cv2
import numpy as np
from rapidfuzz import fuzz

from pipeline.model import BBox, OcrLine
from pipeline.ocr.engine import OcrEngine
from pipeline.templates import ColumnSpec, Template

DETECT_MAX_SIDE = 2000  # grid detection works on ~150 dpi for an A3 page: rules survive, cost drops 6x
FULL_RULE_FRACTION = 0.6  # a row rule must cross this share of the table width (partial = 2-level header)
MIN_TABLE_AREA = 0.05  # share of the page a ledger table covers at least


@dataclass(slots=True)
class Table:
    bbox: BBox
    cols: list[int]  # x of each vertical rule, left to right (n_cols + 1)
    rows: list[int]  # y of each horizontal rule, top to bottom (n_bands + 1)
    line_w: int = 3  # typical rule thickness in pixels (cell insets start past it)
    header_rows: int = 1  # bands above the first entry (2 when a thin column-number row follows the titles)

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


def find_table(gray: np.ndarray) -> Table | None:
    """The largest ruled table on the page, or None. Only rules crossing most of the table become row or
    column boundaries, so partial rules of a two-level header do not split the header band."""
    H, W = gray.shape[:2]
    f = min(1.0, DETECT_MAX_SIDE / max(H, W))
    # max(1, ...): a sliver of a page (3508 x 1 px) must not round to an empty image (cv2.resize asserts)
    small = cv2.resize(gray, (max(1, round(W * f)), max(1, round(H * f))), interpolation=cv2.INTER_AREA) if f < 1 else gray
    sh, sw = small.shape
    binary = _binary(small)
    min_len = max(30, max(sw, sh) // 40)
    hmask, vmask = line_masks(binary, min_len)
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
    table.header_rows = _header_rows(table)
    return table


def _header_rows(table: Table) -> int:
    """1, or 2 when the band under the titles is a thin column-number row ("(1) (2) ...") and not an entry:
    entry rows of a printed ledger all have the same height, the number row is far thinner."""
    hs = np.diff(table.rows)
    if len(hs) >= 4 and hs[1] < 0.6 * np.median(hs[2:]) and hs[1] < hs[0]:
        return 2
    return 1


# --------------------------------------------------------------------------------------- cells ----
def cell_box(table: Table, row: int, col: int, inset: int = 4) -> BBox:
    """Inside of a cell, past the rules; ``row`` 0 is the first band below the top rule."""
    half = table.line_w // 2 + 1
    x0 = table.cols[col] + half + inset
    x1 = table.cols[col + 1] - half - inset
    y0 = table.rows[row] + half + inset
    y1 = table.rows[row + 1] - half - inset
    return BBox(x0, y0, max(1, x1 - x0), max(1, y1 - y0))


def has_ink(gray: np.ndarray, box: BBox, dark: int = 128, min_px: int = 12) -> bool:
    """Whether a cell holds anything to read: enough dark pixels that are not isolated noise specks."""
    H, W = gray.shape[:2]
    sub = gray[max(0, box.y) : min(H, box.y + box.h), max(0, box.x) : min(W, box.x + box.w)]
    if sub.size == 0:
        return False
    ink = sub < dark
    need = max(min_px, int(sub.size * 0.0003))
    if int(ink.sum()) < need:
        return False
    # A 2x2 opening drops isolated noise pixels but keeps any stroke of real ink, even a dash.
    opened = cv2.morphologyEx(ink.view(np.uint8), cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
    return int(opened.sum()) >= need


def remove_rules(gray: np.ndarray, table: Table) -> np.ndarray:
    """A copy of ``gray`` with the table's rules painted to the paper colour. Only pixels of the detected
    rules go: a long opening inside a narrow strip around each rule, so letters touching a rule stay (ocr.md
    §A4: removal restricted to grid lines, since blanket removal damages crossing strokes)."""
    out = gray.copy()
    H, W = gray.shape[:2]
    # Strip half-width: the rule plus what a residual skew of ~0.1 deg drifts over the table.
    reach = table.line_w + 4 + int(0.002 * max(table.bbox.w, table.bbox.h))
    min_cell = max(8, int(min(np.diff(table.cols).min(), np.diff(table.rows).min())))
    grow = np.ones((3, 3), np.uint8)
    x0, x1 = max(0, table.cols[0] - reach), min(W, table.cols[-1] + reach + 1)
    y0, y1 = max(0, table.rows[0] - reach), min(H, table.rows[-1] + reach + 1)
    for y in table.rows:
        a, b = max(0, y - reach), min(H, y + reach + 1)
        _paint(out, (slice(a, b), slice(x0, x1)), (max(15, min_cell // 3), 1), grow)
    for x in table.cols:
        a, b = max(0, x - reach), min(W, x + reach + 1)
        _paint(out, (slice(y0, y1), slice(a, b)), (1, max(15, min_cell // 3)), grow)
    return out


def _paint(img: np.ndarray, roi: tuple[slice, slice], kernel: tuple[int, int], grow: np.ndarray) -> None:
    strip = img[roi]
    if strip.size == 0:
        return
    _, ink = cv2.threshold(strip, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    rule = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, kernel))
    rule = cv2.dilate(rule, grow)  # the anti-aliased fringe of the rule goes too
    paper = int(np.percentile(strip, 90))
    strip[rule > 0] = paper


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
        box = cell_box(table, 0, c, inset=2)
        lines = engine.read(box, "block") if has_ink(gray, box) else []
        titles.append(" ".join(ln.text for ln in lines).strip())
    return titles


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
        m = _match_one(folded, tpl, header_rows)
        if m is not None and (best is None or m.score > best.score):
            best = m
    return best if best is not None and best.score >= MIN_SCORE else None


def _match_one(folded: list[str], tpl: Template, header_rows: int) -> HeaderMatch | None:
    n, m = len(folded), len(tpl.columns)
    if n == 0 or m == 0:
        return None
    keys = [fold_title(c.title) for c in tpl.columns]
    sim = np.array([[title_similarity(a, b) for b in keys] for a in folded])
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
    n_titled = sum(1 for t in folded if t)
    score = sum(sims.values()) / max(n_titled, m)
    return HeaderMatch(
        template=tpl,
        columns=dict(sorted(columns.items())),
        header_rows=header_rows,
        score=score,
        similarity=sims,
    )


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
    """Text above the table (running title, book number, office) and below it (page number)."""
    H, W = gray.shape[:2]
    gap = table.line_w + 6
    top = BBox(0, 0, W, max(0, table.bbox.y - gap))
    bottom_y = table.bbox.y + table.bbox.h + gap
    bottom = BBox(0, bottom_y, W, max(0, H - bottom_y))
    return PageText(_read_region(gray, top, engine)), PageText(_read_region(gray, bottom, engine))


def read_foot(gray: np.ndarray, table: Table, engine: OcrEngine, height: int = 300) -> PageText:
    """The middle third just under the table, where the page number is printed: read alone when the
    whole foot gave nothing usable (a photographed page's dark surroundings garble layout analysis)."""
    H = gray.shape[0]
    b = table.bbox
    y0 = b.y + b.h + table.line_w + 6
    if y0 >= H - 8:
        return PageText([])
    return PageText(_read_region(gray, BBox(b.x + b.w // 3, y0, b.w // 3, min(H - y0, height)), engine))


def _read_region(gray: np.ndarray, box: BBox, engine: OcrEngine) -> list[OcrLine]:
    tight = ink_extent(gray, box)
    if tight is None:
        return []
    # Margins hold scattered blocks (office left, title centred, book number right): automatic layout.
    lines = engine.read(tight, "auto")
    if not lines and tight.h < 4 * tight.w:
        # layout analysis drops a lone short token such as a bare page number ("22"): read it as one line
        lines = engine.read(tight, "line")
    return lines


def ink_extent(gray: np.ndarray, box: BBox, pad: int = 12) -> BBox | None:
    """The box shrunk to the ink it holds (on a 1/4 image: a cheap bound, padded), None when blank."""
    H, W = gray.shape[:2]
    x0, y0 = max(0, box.x), max(0, box.y)
    x1, y1 = min(W, box.x + box.w), min(H, box.y + box.h)
    if x1 - x0 < 8 or y1 - y0 < 8:
        return None
    sub = gray[y0:y1:4, x0:x1:4]
    ink = sub < 128
    # ignore the page edge: scanner shadows and paper borders are not text
    ink[:, :2] = ink[:, -2:] = False
    ink[:2, :] = ink[-2:, :] = False
    rows, cols = np.flatnonzero(ink.sum(axis=1) >= 2), np.flatnonzero(ink.sum(axis=0) >= 1)
    if len(rows) == 0 or len(cols) == 0:
        return None
    bx0, bx1 = max(x0, x0 + cols[0] * 4 - pad), min(x1, x0 + cols[-1] * 4 + 4 + pad)
    by0, by1 = max(y0, y0 + rows[0] * 4 - pad), min(y1, y0 + rows[-1] * 4 + 4 + pad)
    return BBox(bx0, by0, bx1 - bx0, by1 - by0)
