"""Page preprocessing: a scanned or photographed page becomes an upright, flat, straight gray image.

    to_gray (red stamps whitened) -> flatten (uneven light, low contrast) -> clear_show_through (an old
    register's reverse page seen through thin paper) -> orientation (0/90/180/270)
    -> perspective (photographed page: table quadrilateral warped to a rectangle) -> deskew (rule angle)
    -> uncurl (a bound book's page bent into the binding: rules traced and made straight, ``dewarp``)

Every estimate runs on a reduced image (~2000 px on the long side); only the corrections touch full
resolution, once each.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from pipeline.dewarp import uncurl
from pipeline.model import BBox
from pipeline.ocr.engine import OcrEngine, scale_for, text_height

WORK_SIDE = 2000  # long side of the reduced image used for every estimate
MAX_SKEW = 5.0  # degrees searched by deskew
OSD_MIN_CONF = 2.0  # below this, Tesseract's OSD is a guess; the ink heuristic decides instead
OSD_SURE_CONF = 8.0  # from this, OSD's turn stands alone; between the two, the ink heuristic must agree
# the ink's up/down score below which its answer is checked by reading the text both ways (upright pages
# score 1.7-9.5; the book photograph it turned upside down, -0.6)
INK_SURE_SCORE = 2.5
MIN_CHECK_WORDS = 5  # fewer words read either way: no evidence, the ink's turn stands
CHECK_MARGIN = 0.1  # the half turn must read clearly better (upright 0.64-0.94 against 0.24-0.43)
UPRIGHT_WORDS = 0.5  # a turn across the ink's must read at least this sure (upright text: 0.64-0.94)


@dataclass(slots=True)
class Upright:
    image: np.ndarray  # gray uint8, corrected
    rotation: int  # degrees clockwise applied to make the page upright (0/90/180/270)
    skew: float  # degrees of deskew applied, counter-clockwise positive (OpenCV convention)
    perspective: bool  # whether a perspective warp was applied
    uncurled: bool = False  # whether a curled page was resampled so its rules are straight
    show_through: bool = False  # whether the reverse page's writing showing through was cleared
    # whether the reverse page's writing shows at all, cleared or too faint to be (light letters away from
    # the page's own ink): its faint rules are then not the table's (layout.find_table)
    reverse_writing: bool = False


def upright(image_bgr: np.ndarray, engine: OcrEngine | None = None) -> Upright:
    """Gray, flattened, upright, perspective-corrected, deskewed and (a book's curled page) uncurled page."""
    gray = flatten(to_gray(image_bgr))
    reduced = reduce(gray)  # the reduced page, made again only when a step changed the page
    cleared, writing = _show_through(gray, reduced)
    if cleared is not None:
        gray = cleared
        reduced = reduce(gray)
    rotation = detect_rotation(gray, engine)
    if rotation:
        gray = rotate_right_angle(gray, rotation)
        reduced = reduce(gray)
    warped = correct_perspective(gray, reduced=reduced)
    if warped is not None:
        gray = warped
        reduced = reduce(gray)
    angle = estimate_skew(gray, reduced=reduced)
    if abs(angle) >= 0.05:
        gray = rotate_small(gray, angle)
        reduced = reduce(gray)
    else:
        angle = 0.0  # below the estimate's resolution: not worth a resampling of the page
    flat = uncurl(gray, ink(reduced[0]), reduced[1])
    if flat is not None:
        gray = flat
    return Upright(image=gray, rotation=rotation, skew=angle, perspective=warped is not None,
                   uncurled=flat is not None, show_through=cleared is not None,
                   reverse_writing=writing)  # fmt: skip


# ------------------------------------------------------------------------------------- colour ----
def to_gray(image: np.ndarray) -> np.ndarray:
    """Gray with red ink (stamps, seals) lifted toward white: red is bright in the red channel, black and
    blue ink are not, so where a pixel is clearly red the red channel replaces the luminance."""
    if image.ndim == 2:
        return image
    if image.shape[2] == 4:
        image = cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    if int(_redness(image[::8, ::8]).max()) < 40:  # cheap look first: most pages carry no red at all
        return gray
    r = image[:, :, 2]
    redness = _redness(image)
    # Weight 0 below 25 levels of redness, 1 above 75: anti-aliased stamp edges blend smoothly.
    w = np.clip((redness.astype(np.float32) - 25.0) / 50.0, 0.0, 1.0)
    out = gray.astype(np.float32) * (1.0 - w) + r.astype(np.float32) * w
    return out.astype(np.uint8)


def _redness(bgr: np.ndarray) -> np.ndarray:
    b, g, r = cv2.split(bgr)
    return cv2.subtract(r, cv2.max(g, b))  # saturating: 0 where not red


def flatten(gray: np.ndarray) -> np.ndarray:
    """Divide by the paper's own brightness (a large max-then-blur background) and stretch contrast, so
    uneven light and faded scans give white paper and dark ink."""
    h, w = gray.shape
    f = min(1.0, 500 / max(h, w))
    small = cv2.resize(gray, (max(1, round(w * f)), max(1, round(h * f))), interpolation=cv2.INTER_AREA)
    k = max(3, round(min(small.shape) / 40) | 1)
    # A closing (max filter) erases ink narrower than the kernel; the blur smooths what is left.
    bg = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    bg = cv2.GaussianBlur(bg, (0, 0), k)
    bg = cv2.resize(bg, (w, h), interpolation=cv2.INTER_LINEAR)
    flat = cv2.divide(gray, np.maximum(bg, 1), scale=255)
    lo = float(np.percentile(flat[::7, ::7], 0.5))
    # faded ink: stretch so the darkest ink reaches black again. Not on a page without ink (blank, or all
    # one tone): its darkest level is paper, and at lo = 255 the stretch divided by zero.
    if 20 < lo < 250:
        flat = cv2.convertScaleAbs(flat, alpha=255.0 / (255.0 - lo), beta=-lo * 255.0 / (255.0 - lo))
    return flat


# ---------------------------------------------------------------------------------- show-through ----
SHOW_CORE = 130  # after flattening a page's own ink is darker than this, the reverse page's showing through lighter
# Shares of the page's middle: light rules no dark ink runs beside (a reverse page's table), and light
# letters away from them. Measured on 51 aged pages and 885 others (scanned, photographed, book, clean):
# aged pages have rules >= 0.0013 and letters >= 0.004 (>= 0.02 where rules < 0.003); the others with
# such rules (thin grey rules of their own, a seal's ring) have letters <= 0.0043, and those with more
# light letters (faint print, grain) rules <= 0.0008.
SHOW_RULES = 0.001
SHOW_LETTERS = 0.008
SHOW_RULES_SURE, SHOW_LETTERS_WITH_RULES = 0.003, 0.004
# and the page's own ink dark beside them: its rules (aged pages >= 0.006 but three at 0.0012-0.0017, whose
# short tables leave the middle mostly blank), or else its letters' cores (under ``OWN_CORE``: those three
# 0.028-0.041 of the middle, every aged page >= 0.011). A blurred, low-contrast book photograph whose own
# rules and letters had all turned light (rules 0.0011, cores 0.0047; the one other page of 960 kept pages
# of every other mode with such light ink, 0.0026 and 0.0076) was cleared of its own table.
SHOW_OWN_RULES = 0.003
OWN_CORE, SHOW_OWN_CORES = 95, 0.015
# light letters with this much dark ink of the page's own beside them are a reverse page's writing even
# where too faint to clear (aged pages with thin rules: 0.012 and more; a page all in light ink: none)
WRITING_OWN_CORES = 0.005
SHOW_SKEW = 1.0  # degrees: a page turned less keeps its rules' level runs (measured again only beyond)


def clear_show_through(gray: np.ndarray) -> np.ndarray | None:
    """The flattened page with the reverse page's writing that shows through thin paper made paper again;
    None when none shows. An old register's reverse page shows through mirrored: its rules, a second grid
    beside the page's own, had made the table unreadable (the header matched no template), and its
    letters garbled the cells. Shown through, ink is grey (145-230 measured) and soft; the page's own,
    even faded, is dark after flattening (its cores under 95). What is lighter than ``SHOW_CORE`` and not
    beside a dark stroke (the page's own letters' soft edges are) becomes paper. Only on a page where the
    light ink forms rules and letters of its own: a reverse page always carries its table, and a page
    without one keeps every grey pixel (thin grey rules, strokes at 150 dpi, blurred or faint print)."""
    return _show_through(gray)[0]


def own_ink(gray: np.ndarray) -> np.ndarray:
    """Black where the page's own ink is dark (its letters' cores, under ``OWN_CORE``), white elsewhere. A
    reverse page's titles right under the page's own keep their grey where they touch its letters (cleared
    only away from them): in the page's dark ink alone, aged 1301's garbled header ("Ly Nộ tô rn _ ụ, nã
    _ sinh" for "Ngày, tháng, năm sinh") reads as printed. A whole page's level, fixed by the flattening;
    a margin line is read at its own darkest levels (``layout.reread_dark_lines``)."""
    return np.where(gray < OWN_CORE, 0, 255).astype(np.uint8)


def _show_through(gray: np.ndarray, reduced: tuple[np.ndarray, float] | None = None) -> tuple[np.ndarray | None, bool]:
    """``clear_show_through``'s page, and whether the reverse page's writing shows (cleared or not);
    ``reduced``: ``reduce(gray)`` when the caller has it."""
    small, _ = reduced or reduce(gray)
    shows, own_rules, writing = _reverse_page_shows(small)
    if not shows and own_rules < SHOW_OWN_RULES:
        # Few level runs of its own dark rules: a page turned by a degree or more breaks every rule into
        # short steps, the reverse page's too (seed 1097's page at 2.8 degrees: light rules 0.001 of the
        # middle, 0.008 once level). Measured again on the page made level (the skew estimated only on
        # such pages, and the page turned only from SHOW_SKEW on).
        angle = estimate_skew(small)
        if abs(angle) >= SHOW_SKEW:
            shows, _, writing = _reverse_page_shows(rotate_small(small, angle))
    if not shows:
        return None, writing
    px = max(gray.shape) / 1600  # ~3 on a page at 300 dpi, ~1.5 at 150
    # the soft edge of a letter: ~6 px at 300 dpi. A blurred page's strokes fade out over 4-5 px, and
    # with 3 its thin strokes and slashes were cut ("31/10/2012" read "31'10 2012", "Sa" read "Su")
    near = max(2, round(2 * px))
    # a stroke's dark pixels: at least ~9 together at 300 dpi, 2 at 150 (where a thin italic stroke's
    # dark core breaks into pairs: 4 had erased letters)
    strokes = _dark_groups(gray < SHOW_CORE, max(2, round(px * px)))
    own = cv2.dilate(strokes, np.ones((2 * near + 1, 2 * near + 1), np.uint8)) > 0
    return np.where(own, gray, 255).astype(np.uint8), True


def _reverse_page_shows(small: np.ndarray) -> tuple[bool, float, bool]:
    """Whether a reduced page's middle has a reverse page's rules and letters beside dark ink of its own;
    the share of its own dark rules (level runs: few on a page turned a little); and whether a reverse
    page's writing shows at all: light letters away from the page's ink, beside some dark ink of its own
    (a page all in light ink is its own faded print, not a reverse page)."""
    h, w = small.shape
    middle = small[h // 5 : 4 * h // 5, w // 5 : 4 * w // 5]
    if min(middle.shape) < 8:  # a sliver of a page: nothing to tell
        return False, 1.0, False
    light = _light_alone(middle, 2)
    lines = _long_lines(light)
    rules = float(lines.mean())
    letters = float((light & ~cv2.dilate(lines, np.ones((5, 5), np.uint8))).mean())
    own_rules = float(_long_lines((middle < SHOW_CORE).view(np.uint8)).mean())
    own_cores = float((middle < OWN_CORE).mean())
    writing = letters >= SHOW_LETTERS and own_cores >= WRITING_OWN_CORES
    if rules < SHOW_RULES or not (letters >= SHOW_LETTERS or rules >= SHOW_RULES_SURE and letters >= SHOW_LETTERS_WITH_RULES):
        return False, own_rules, writing
    if own_rules < SHOW_OWN_RULES and own_cores < SHOW_OWN_CORES:
        return False, own_rules, writing  # no dark ink of the page's own: the light ink is the page's own, faded
    return True, own_rules, True


def _dark_groups(dark: np.ndarray, min_area: int) -> np.ndarray:
    """The dark pixels in groups of at least ``min_area`` (1): strokes, not grain (a strong show-through
    under scanner noise leaves lone pixels under ``SHOW_CORE``, which had kept their neighbourhood and
    garbled a page's titles). Weighing each mark by its share of dark pixels instead kept the reverse
    page's grid wherever it crosses the page's own (one mark)."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(dark.view(np.uint8), connectivity=8)
    keep = np.zeros(n, np.uint8)
    keep[1:] = stats[1:, cv2.CC_STAT_AREA] >= min_area
    return keep[labels]


def _light_alone(gray: np.ndarray, near: int) -> np.ndarray:
    """Grey ink (``SHOW_CORE``-235) farther than ``near`` px from dark ink, specks of grain removed (1 = ink)."""
    core = (gray < SHOW_CORE).view(np.uint8)
    beside = cv2.dilate(core, np.ones((2 * near + 1, 2 * near + 1), np.uint8)) > 0
    light = ((gray >= SHOW_CORE) & (gray < 235) & ~beside).view(np.uint8)
    return cv2.morphologyEx(light, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))


def reduce(gray: np.ndarray, side: int = WORK_SIDE) -> tuple[np.ndarray, float]:
    h, w = gray.shape[:2]
    f = min(1.0, side / max(h, w))
    if f >= 1.0:
        return gray, 1.0
    # max(1, ...): a sliver (3508 x 1 px) must not round to an empty image (cv2.resize asserts)
    return cv2.resize(gray, (max(1, round(w * f)), max(1, round(h * f))), interpolation=cv2.INTER_AREA), f


def ink(gray: np.ndarray) -> np.ndarray:
    """Binary ink mask (255) robust to leftover shading."""
    return cv2.adaptiveThreshold(~gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, 15, -10)


# -------------------------------------------------------------------------------- orientation ----
def detect_rotation(gray: np.ndarray, engine: OcrEngine | None = None) -> int:
    """Degrees clockwise (0/90/180/270) that make the page upright: Tesseract OSD when an engine is given
    and confident, else the ink heuristic (text-line direction, then accents above / baseline below).
    A turn OSD proposes below ``OSD_SURE_CONF`` is the heuristic's to confirm: OSD turned an upright page
    of italic entries upside down at 3.2 (an unseen Chromium page, then quarantined as headerless). A turn
    the heuristic is unsure of is checked by reading a band of the text both ways (``_read_both_ways``)."""
    deg, conf = 0, 0.0
    if engine is not None:
        try:
            deg, conf = engine.orientation(gray)
        except Exception:  # OSD must never sink a page: fall back to the heuristic
            deg, conf = 0, 0.0
        if conf >= OSD_SURE_CONF or (conf >= OSD_MIN_CONF and deg % 360 == 0):
            return deg % 360
    rotation, score, text = _ink_rotation(gray)
    read: dict[int, list[float] | None] = {}  # the band's words at each turn read so far (both checks')
    if (engine is not None and conf > 0 and (rotation - deg) % 180
            and _reads_better(gray, text, deg % 360, rotation, engine, read)):  # fmt: skip
        # OSD's guess lies across the ink's: narrow columns of wrapped words stack like lines on their side
        # (an upright book photograph's death register turned a quarter, then quarantined as headerless)
        rotation, score = deg % 360, 0.0
    if engine is not None and abs(score) < INK_SURE_SCORE:
        return _read_both_ways(gray, text, rotation, engine, read)
    return rotation


def heuristic_rotation(gray: np.ndarray) -> int:
    return _ink_rotation(gray)[0]


def _ink_rotation(gray: np.ndarray) -> tuple[int, float, tuple[int, int, int, int]]:
    """The ink heuristic's turn, its up/down score (``_upright_score``; near 0 it is a coin toss) and the
    text's region on ``gray`` (x0, y0, x1, y1: the table with its margin, or the whole page)."""
    small, f = reduce(gray, 1500)
    x0, y0, x1, y1 = _around_table(small)
    mask = _text_mask(small[y0:y1, x0:x1])
    text = (int(x0 / f), int(y0 / f), int(x1 / f), int(y1 / f))
    if _lines_vertical(mask):
        # Turn a quarter and decide up/down on the turned page.
        score = _upright_score(np.ascontiguousarray(np.rot90(mask, -1)))  # clockwise 90
        return (90 if score >= 0 else 270), score, text
    score = _upright_score(mask)
    return (0 if score >= 0 else 180), score, text


def _read_both_ways(gray: np.ndarray, text: tuple[int, int, int, int], rotation: int, engine: OcrEngine,
                    read: dict[int, list[float] | None] | None = None) -> int:  # fmt: skip
    """``rotation`` or the half turn from it, whichever reads the text better: a band across the middle of
    the text region read both ways, the mean confidence of its words of two letters or more compared. The
    ink's up/down score is a sum of small signs; on a small, italic, grainy book photograph it came out
    slightly negative and the page was read upside down (OSD unsure too). Read upside down, Vietnamese
    words score 0.24-0.43 where upright ones score 0.64-0.94 (18 fresh book photographs)."""
    scores = []
    for turn in (rotation, (rotation + 180) % 360):
        confs = _band_words(gray, text, turn, engine, read)
        if confs is None or len(confs) < MIN_CHECK_WORDS:
            return rotation  # too few words either way to weigh (or the engine failed): the ink's turn stands
        scores.append(float(np.mean(confs)))
    return (rotation + 180) % 360 if scores[1] > scores[0] + CHECK_MARGIN else rotation


def _reads_better(gray: np.ndarray, text: tuple[int, int, int, int], turn: int, rotation: int,
                  engine: OcrEngine, read: dict[int, list[float] | None] | None = None) -> bool:  # fmt: skip
    """Whether the text read at ``turn`` gives words clearly surer than at ``rotation`` (or words where
    ``rotation`` gives too few to weigh)."""
    theirs, ours = _band_words(gray, text, turn, engine, read), _band_words(gray, text, rotation, engine, read)
    if theirs is None or ours is None or len(theirs) < MIN_CHECK_WORDS or float(np.mean(theirs)) < UPRIGHT_WORDS:
        return False  # sideways garbage ("Il", "ll") counts as words too: upright text reads surer
    return len(ours) < MIN_CHECK_WORDS or float(np.mean(theirs)) > float(np.mean(ours)) + CHECK_MARGIN


def _band_words(gray: np.ndarray, text: tuple[int, int, int, int], turn: int, engine: OcrEngine,
                read: dict[int, list[float] | None] | None = None) -> list[float] | None:  # fmt: skip
    """The confidences of the words of two letters or more in a band across the middle of the text region
    (``text``, on ``gray`` as it is), read with the page turned by ``turn``; None when the engine failed.
    ``read``: the turns read already (by the other orientation check), taken from and added to."""
    if read is not None and turn in read:
        return read[turn]
    confs = _read_band(gray, text, turn, engine)
    if read is not None:
        read[turn] = confs
    return confs


def _read_band(gray: np.ndarray, text: tuple[int, int, int, int], turn: int, engine: OcrEngine) -> list[float] | None:
    """``_band_words`` read afresh."""
    x0, y0, x1, y1 = text
    if turn in (90, 270):  # text lines run down the page: the band is a middle third of its width
        x0, x1 = x0 + (x1 - x0) // 3, x1 - (x1 - x0) // 3
    else:
        y0, y1 = y0 + (y1 - y0) // 3, y1 - (y1 - y0) // 3
    band = gray[y0:y1, x0:x1]
    if band.size == 0:
        return []
    # at this band's own scale: the engine's page scale is the page read before (it is set after this)
    scale = scale_for(text_height(band))
    img = rotate_right_angle(band, turn)
    try:
        lines = engine.read_alone(img, BBox(0, 0, img.shape[1], img.shape[0]), "block", scale=scale)
    except Exception:  # the check must never sink a page: the ink's answer stands
        return None
    return [c for ln in lines for a, b, c, _ in ln.words if sum(ch.isalpha() for ch in ln.text[a:b]) >= 2]


def _around_table(small: np.ndarray) -> tuple[int, int, int, int]:
    """The region (x0, y0, x1, y1) of the reduced page around its ruled table (the structure where most
    rules cross) with a margin of a tenth, where the text is (the whole page without a table): a
    photographed desk's grain, smeared into blobs, had outvoted the letters (a book page read upside
    down)."""
    found = _ruled_structures(small)
    if found is None:
        return 0, 0, small.shape[1], small.shape[0]
    labels, _, ruled, _ = found
    ys, xs = np.nonzero(labels == ruled)
    my, mx = (ys.max() - ys.min()) // 10, (xs.max() - xs.min()) // 10
    h, w = small.shape[:2]
    return (int(max(0, xs.min() - mx)), int(max(0, ys.min() - my)), int(min(w, xs.max() + mx + 1)),
            int(min(h, ys.max() + my + 1)))  # fmt: skip


def _text_mask(small: np.ndarray) -> np.ndarray:
    """Ink without the long rules (they carry no up/down information)."""
    b = ink(small)
    return cv2.subtract(b, cv2.dilate(_long_lines(b), np.ones((3, 3), np.uint8)))


def _long_lines(mask: np.ndarray) -> np.ndarray:
    """The horizontal and vertical runs of a reduced page's ``mask`` at least a fortieth of its long side
    (30 px at least): rules, not letters."""
    n = max(30, max(mask.shape) // 40)
    rules = cv2.morphologyEx(mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (n, 1)))
    return rules | cv2.morphologyEx(mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, n)))


def _lines_vertical(mask: np.ndarray) -> bool:
    """Smear letters into words both ways: upright text gives long wide blobs, text on its side long tall
    ones. Only blobs far longer than thick count (a letter with its accent is tall but short)."""

    def word_length(kernel: tuple[int, int], horizontal: bool) -> int:
        sm = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, kernel))
        _, _, st, _ = cv2.connectedComponentsWithStats(sm, connectivity=8)
        long, short = (st[1:, 2], st[1:, 3]) if horizontal else (st[1:, 3], st[1:, 2])
        return int(long[(long > 4 * short) & (long >= 30)].sum())

    return word_length((1, 9), horizontal=False) > 1.2 * word_length((9, 1), horizontal=True)


def _upright_score(mask: np.ndarray) -> float:
    """> 0 when text lines look upright. Per word blob, the row profile has a dense core (x-height band);
    Vietnamese puts far more ink above it (ascenders, capitals' accents, stacked diacritics) than below
    (descenders, the dot of nặng), so ink above minus ink below is positive on an upright page."""
    sm = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 1)))
    n, _, st, _ = cv2.connectedComponentsWithStats(sm, connectivity=8)
    score = 0.0
    for x, y, w, h, area in st[1:]:
        if w < 2 * h or h < 6 or area < 40:
            continue
        prof = (mask[y : y + h, x : x + w] > 0).sum(axis=1).astype(float)
        core = np.flatnonzero(prof >= 0.5 * prof.max())
        above, below = prof[: core[0]].sum(), prof[core[-1] + 1 :].sum()
        score += (above - below) / max(1.0, prof.sum())
    return score


def rotate_right_angle(gray: np.ndarray, degrees_cw: int) -> np.ndarray:
    k = (degrees_cw // 90) % 4
    return np.ascontiguousarray(np.rot90(gray, -k)) if k else gray


# -------------------------------------------------------------------------------- perspective ----
def table_quad(gray: np.ndarray, reduced: tuple[np.ndarray, float] | None = None) -> np.ndarray | None:
    """Corners (TL, TR, BR, BL; full-resolution float32) of the largest connected ruled structure, found
    on the reduced image: the table's rules connect into one component, letters do not. When that
    structure's corners make no page (a photographed sheet's edge seen on two sides only, an L), or make one
    that would leave the table askew (``SHEET_TABLE_DISAGREE``: a sheet curled over the pages beneath), the
    structure where most rules cross is taken: the table itself. ``reduced``: ``reduce(gray)`` when the caller
    has it."""
    small, f = reduced or reduce(gray)
    found = _ruled_structures(small)
    if found is None:
        return None
    labels, largest, ruled, crossings = found
    quad = _hull_corners(labels == largest)
    if largest != ruled and crossings[ruled - 1] > crossings[largest - 1]:
        table = _hull_corners(labels == ruled)
        if not _page_like(quad) or _left_askew(table, quad) > SHEET_TABLE_DISAGREE:
            quad = table
    return (quad / f).astype(np.float32)


# degrees the table's corners may stay off square once the sheet's edge is made a rectangle: beyond, the
# sheet's edge is not the table's frame (a book photograph's page curled at one side over the pages
# beneath: seed 1167's page 11, 4.6 degrees off, had its rows slanting and three entries read into the
# next rows). Measured on 38 book pages: from 2.5 degrees the table's corners put right 31 fields and broke
# 2; between 1 and 2.5, where a curl bends the table's own corners too, they broke more than they mended.
SHEET_TABLE_DISAGREE = 2.5


def _left_askew(inner: np.ndarray, frame: np.ndarray) -> float:
    """How far (degrees) the quadrilateral ``inner`` stays from a rectangle once ``frame`` is warped to one."""
    w, h = _rect_size(frame.astype(np.float32))
    m = cv2.getPerspectiveTransform(frame.astype(np.float32), np.float32([[0, 0], [w, 0], [w, h], [0, h]]))
    return _askew(cv2.perspectiveTransform(inner.astype(np.float32)[None], m)[0])


def _rect_size(q: np.ndarray) -> tuple[float, float]:
    """The rectangle a quadrilateral (tl, tr, br, bl) is warped to: its longer top or bottom edge, its
    longer left or right edge."""
    tl, tr, br, bl = q
    return (float(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl))),
            float(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr))))  # fmt: skip


def _askew(q: np.ndarray) -> float:
    """Degrees the four corners are from a rectangle (up to rotation, which deskew handles)."""
    top, bottom, left, right = _edge_angles(q)
    return max(abs(top - bottom), abs(left - right), abs(top - left), abs(bottom - right))


def _ruled_structures(small: np.ndarray) -> tuple[np.ndarray, int, int, np.ndarray] | None:
    """Connected line-like ink of a reduced page: (labels, the largest structure's label, the label of the
    large one where most rules cross, each label's crossings), or None without a large one."""
    b = ink(small)
    # Keep only line-like ink (tilted rules survive a short opening, desk texture and letters do not),
    # then bridge small breaks in photographed rules.
    across = cv2.morphologyEx(b, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (21, 1)))
    down = cv2.morphologyEx(b, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, 21)))
    b = cv2.dilate(across | down, np.ones((5, 5), np.uint8))
    n, labels, st, _ = cv2.connectedComponentsWithStats(b, connectivity=8)
    if n <= 1:
        return None
    areas = st[1:, 2] * st[1:, 3]
    big = areas >= 0.1 * small.shape[0] * small.shape[1]
    if not big.any():
        return None
    joints = cv2.dilate(across, np.ones((3, 3), np.uint8)) & cv2.dilate(down, np.ones((3, 3), np.uint8))
    crossings = np.bincount(labels[joints > 0], minlength=n)[1:]
    return labels, int(np.argmax(areas)) + 1, int(np.argmax(np.where(big, crossings, -1))) + 1, crossings


def _hull_corners(mask: np.ndarray) -> np.ndarray:
    ys, xs = np.nonzero(mask)
    hull = cv2.convexHull(np.stack([xs, ys], axis=1).astype(np.float32)).reshape(-1, 2)
    s, d = hull.sum(axis=1), hull[:, 0] - hull[:, 1]
    return np.array([hull[np.argmin(s)], hull[np.argmax(d)], hull[np.argmax(s)], hull[np.argmin(d)]])


def _page_like(q: np.ndarray, max_angle: float = 20.0) -> bool:
    """Whether four corners can be a photographed rectangle: every edge within ``max_angle`` of level or
    upright, and the corners spread (an L-shaped edge gives two corners at one place)."""
    tl, tr, br, bl = q
    sides = [np.linalg.norm(b - a) for a, b in ((tl, tr), (tr, br), (br, bl), (bl, tl))]
    return max(abs(a) for a in _edge_angles(q)) <= max_angle and min(sides) >= 0.2 * max(sides)


def _edge_angles(q: np.ndarray) -> tuple[float, float, float, float]:
    """Angles (degrees) of the top, bottom edges from horizontal and left, right edges from vertical."""

    def ang(a: np.ndarray, b: np.ndarray, vertical: bool) -> float:
        dx, dy = b - a
        return float(np.degrees(np.arctan2(-dx, dy) if vertical else np.arctan2(dy, dx)))

    tl, tr, br, bl = q
    return ang(tl, tr, False), ang(bl, br, False), ang(tl, bl, True), ang(tr, br, True)


def correct_perspective(gray: np.ndarray, min_distortion: float = 0.4, *,
                        reduced: tuple[np.ndarray, float] | None = None) -> np.ndarray | None:  # fmt: skip
    """Warp a photographed page so its table is a rectangle; None when the table already is one (up to
    rotation, which deskew handles). The whole page is kept: margins carry the title and page number."""
    q = table_quad(gray, reduced)
    if q is None:
        return None
    if _askew(q) < min_distortion:
        return None
    w, h = _rect_size(q)
    x0, y0 = float(q[0][0]), float(q[0][1])
    dst = np.array([[x0, y0], [x0 + w, y0], [x0 + w, y0 + h], [x0, y0 + h]], np.float32)
    m = cv2.getPerspectiveTransform(q, dst)
    H, W = gray.shape
    corners = cv2.perspectiveTransform(np.array([[[0, 0], [W, 0], [W, H], [0, H]]], np.float32), m)[0]
    lo, hi = corners.min(axis=0), corners.max(axis=0)
    # Shift into view; cap the canvas so a wild quadrilateral cannot explode memory.
    out_w, out_h = int(min(hi[0] - lo[0], 1.5 * W)), int(min(hi[1] - lo[1], 1.5 * H))
    shift = np.array([[1, 0, -max(lo[0], x0 - 0.25 * W)], [0, 1, -max(lo[1], y0 - 0.25 * H)], [0, 0, 1]])
    return cv2.warpPerspective(gray, shift @ m, (out_w, out_h), flags=cv2.INTER_LINEAR, borderValue=255)


# ------------------------------------------------------------------------------------- deskew ----
def estimate_skew(gray: np.ndarray, max_angle: float = MAX_SKEW, *, reduced: tuple[np.ndarray, float] | None = None) -> float:
    """Degrees (counter-clockwise positive) to rotate the page so long horizontal rules are level: the
    angle maximising the sharpness of the horizontal projection of rule-like ink, coarse then fine.
    ``reduced``: ``reduce(gray)`` when the caller has it."""
    small, _ = reduced or reduce(gray)
    b = ink(small)
    # Short horizontal opening keeps rules (and text baselines' strokes) even when tilted by 5 degrees.
    rules = cv2.morphologyEx(b, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (15, 1)))
    ys, xs = np.nonzero(rules if np.count_nonzero(rules) > 2000 else b)
    if len(xs) < 200:
        return 0.0
    if len(xs) > 300_000:
        idx = np.random.default_rng(0).choice(len(xs), 300_000, replace=False)
        xs, ys = xs[idx], ys[idx]
    xs = xs.astype(np.float32) - small.shape[1] / 2
    ys = ys.astype(np.float32)

    def sharpness(deg: float) -> float:
        t = np.radians(deg)
        # y after rotating the points by -deg (what deskewing by deg does to the ink)
        yr = ys + xs * np.float32(np.tan(t))
        hist = np.bincount((yr - yr.min()).astype(np.int64))
        return float(np.dot(hist, hist))

    coarse = np.arange(-max_angle, max_angle + 1e-6, 0.25)
    best = max(coarse, key=sharpness)
    fine = np.arange(best - 0.25, best + 0.25 + 1e-6, 0.02)
    tilt = float(max(fine, key=sharpness))  # how far the page is turned counter-clockwise
    return round(-tilt, 2) + 0.0  # the correction turns it back (+0.0: no "-0.0")


def rotate_small(gray: np.ndarray, deg: float) -> np.ndarray:
    """Rotate counter-clockwise by ``deg`` about the centre onto a canvas that keeps the whole page."""
    h, w = gray.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), deg, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(round(h * sin + w * cos)), int(round(h * cos + w * sin))
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    return cv2.warpAffine(gray, m, (nw, nh), flags=cv2.INTER_LINEAR, borderValue=255)
