"""A page's digits held against each other: a digit OCR read surely that looks like another digit of
the same page.

Tesseract reads a faded or italic 5 as 3, or 6 as 8, at a confidence no threshold tells from a right
read, and a date or number with the wrong digit is still valid. But one hand or one typewriter wrote
the whole page, and the page holds dozens of each digit: a glyph read 3 whose shape sits among the
page's 5s and far from its 3s was misread. The comparison is the ink's own, independent of OCR: each
field's marks are cut out of the cell image, matched to the characters read in order, scaled to one
size, and compared by correlation (1 - cosine of the centred pixels).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

GLYPH_SIZE = 18  # px, a square: a digit's shape at this height still tells 3 from 5 and 6 from 8
SPECK = 0.12  # of the text height, both sides: a speck of noise, not a dot or a dash
WORD_GAP_LEAD = 1.3  # a space between words is this many times wider than any gap inside a word
_NUMBER = re.compile(r"[0-9/.,:\-]+")  # a word of digits and their separators: the words compared
FULL_HEIGHT = 0.6  # of the word's tallest mark: a digit or a slash; a dot, a comma or a dash is shorter
SLASH_LEAN = 0.08  # of the word's height: a slash's top third stands this far right of its foot, at least
NARROW = 0.4  # of the word's height: a mark narrower is a 1 or a slash, not a digit's usual width
DIGIT = 0.55  # of the word's height: a digit's usual width, when no mark of the word shows it
TOUCHING = 0.85  # of the text height: a mark this wide may hold two characters touching
NEAREST = 2  # a glyph's distance to a digit: the mean of its nearest this many glyphs of that digit
MIN_SAMPLES = 2  # glyphs of a digit on the page, besides the one compared, for the comparison to count
UNLIKE_RATIO = 0.45  # nearer another digit's glyphs than this share of its own digit's: unlike its digit
UNLIKE_CLOSE = 0.25  # and that near the other digit's in absolute terms (1 - cosine): a shape alike
# a reading of an ink is likelier than another whose glyphs where they differ are this much further from
# the page's glyphs of the digits they read (aged 1337's "103" read 105: its 3 at 0.16 of the page's 3s,
# at 0.25 of its 5s)
LIKELIER_RATIO = 0.75
# A value read surely but for a runner-up digit (``settled_as_read``): each digit it reads otherwise sits
# within SURE_OWN of the page's glyphs of its digit and nearer than SURE_RATIO of any other digit's, its
# other digits nearer their own than SURE_SHARED of any other's. Measured on 90 kept sets' 373 such values
# in review: 96 of 320 right let through, none of 53 wrong (each wrong one had a digit far from its own).
SURE_OWN = 0.1
SURE_RATIO = 0.35
SURE_SHARED = 0.5


@dataclass(frozen=True, slots=True)
class Glyph:
    char: str  # the digit OCR read
    at: int  # its index in the text read
    shape: np.ndarray  # the mark scaled to GLYPH_SIZE, centred and of unit length


@dataclass(frozen=True, slots=True)
class Unlike:
    index: int  # into the glyphs compared
    looks: str  # the digit whose glyphs it sits among
    own: float  # its distance to its own digit's glyphs
    other: float  # and to the other digit's


def cut_glyphs(
    cut: np.ndarray, text: str, band: tuple[int, int] | None = None, *, number_alone: bool = False
) -> list[Glyph]:
    """The digits of ``text`` (one line, as read) with their marks in ``cut`` (a gray image of the line,
    upright; with ``band``, the rows the line's letters stand in: marks centred outside are the next
    line's). The marks are the ink's connected components, an accent or a dot joined to the mark it
    stands over, in left-to-right order. They group into words at wide gaps, and a word of digits pairs
    its marks with its characters (``_pair``). Nothing when the words do not match the text's. With
    ``number_alone`` the text is one number of digits alone on the cut, and marks shorter than a digit are
    none of it (the dashes of "- 109 -" that a page number's box takes in)."""
    if not text.strip() or "\n" in text or cut.size == 0 or min(cut.shape[:2]) < 4:
        return []
    words = [(m.start(), m.group()) for m in re.finditer(r"\S+", text)]
    best: list[Glyph] = []
    for ink in _inks(cut):  # the one that pairs the most digits: each pairing is checked (_pair)
        found = _glyphs_in(ink, words, band, number_alone)
        best = found if len(found) > len(best) else best
    return best


def _inks(cut: np.ndarray) -> Iterator[np.ndarray]:
    """The cut's ink, as Otsu's threshold gives it, then its dark core alone (Otsu's threshold again
    within the ink: a stain or a shadow over the text joins its glyphs at the first)."""
    level, ink = cv2.threshold(cut, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    yield ink
    inked = cut[cut < level]
    if inked.size >= 2 * GLYPH_SIZE and int(inked.min()) < int(inked.max()):
        core, _ = cv2.threshold(np.ascontiguousarray(inked.reshape(1, -1)), 0, 255,
                                cv2.THRESH_BINARY + cv2.THRESH_OTSU)  # fmt: skip
        yield np.where(cut < core, 255, 0).astype(np.uint8)


def _glyphs_in(
    ink: np.ndarray, words: list[tuple[int, str]], band: tuple[int, int] | None, number_alone: bool = False
) -> list[Glyph]:
    n, labels, stats, centres = cv2.connectedComponentsWithStats(ink, connectivity=8)
    top, bottom = band if band is not None else (0, ink.shape[0])
    inside = [i for i in range(1, n) if top <= centres[i][1] <= bottom]
    if not inside:
        return []
    height = float(stats[inside, cv2.CC_STAT_HEIGHT].max())
    comps = [i for i in inside
             if stats[i, cv2.CC_STAT_HEIGHT] > SPECK * height or stats[i, cv2.CC_STAT_WIDTH] > SPECK * height]  # fmt: skip
    marks = _join_over(comps, stats, height)
    if number_alone:  # a digit stands full height: a shorter mark is a dash or a dot beside the number
        boxes = [_box(stats, m) for m in marks]
        marks = [m for m, (_, y0, _, y1) in zip(marks, boxes, strict=True) if y1 - y0 >= FULL_HEIGHT * height]
    groups = _words(marks, stats, len(words))
    if groups is None:
        return []  # the spaces read are not the ink's: no word of it pairs surely
    out = []
    for (start, word), group in zip(words, groups, strict=True):
        if not _NUMBER.fullmatch(word) or (paired := _pair(group, word, labels, stats)) is None:
            continue  # a word with letters pairs badly (letters touch, accents stand apart), and is no digit
        for k, members in zip(paired, group, strict=True):
            if k >= 0 and word[k].isdigit() and (shape := _shape(labels, stats, members)) is not None:
                out.append(Glyph(word[k], start + k, shape))
    return out


def _words(marks: list[list[int]], stats: np.ndarray, n_words: int) -> list[list[list[int]]] | None:
    """The marks (left to right) grouped into ``n_words`` words at their widest gaps, if those stand out
    (``WORD_GAP_LEAD`` times the widest gap left inside a word: an italic 1's side bearings are nearly a
    space); else None."""
    if n_words == 1:
        return [marks]
    if len(marks) < n_words:
        return None
    spans = [(x0, x1) for x0, _, x1, _ in (_box(stats, m) for m in marks)]
    ends = itertools.accumulate((x1 for _, x1 in spans[:-1]), max)  # an italic mark may lean past the next
    gaps = [x0 - end for (x0, _), end in zip(spans[1:], ends, strict=True)]
    order = sorted(range(len(gaps)), key=lambda k: -gaps[k])
    breaks, inside = sorted(order[: n_words - 1]), [gaps[k] for k in order[n_words - 1 :]]
    if gaps[order[n_words - 2]] < WORD_GAP_LEAD * max([1, *inside]):
        return None
    bounds = [0, *(k + 1 for k in breaks), len(marks)]
    return [marks[a:b] for a, b in itertools.pairwise(bounds)]


def _pair(marks: list[list[int]], word: str, labels: np.ndarray, stats: np.ndarray) -> list[int] | None:
    """Per mark, the character of ``word`` it holds (its index), or -1 when it is not known. The marks wide
    enough to hold two characters or more (``TOUCHING``: a slash on a 2; as many as it is digits wide) must
    account for the characters more than marks, and every mark paired must have its character's build
    (``_fits``: a digit full height, a slash leaning, a dot or dash short), else the text is not this
    ink's (02/06/2023 read "02/6/2023" has as many marks as characters, one of them two touching): None. Where some touch, the marks pair from each
    end as far as the first wide one; more marks than characters (a broken glyph) pair nothing."""
    n_chars = len(word)
    if not marks or len(marks) > n_chars:
        return None
    boxes = [_box(stats, m) for m in marks]
    height = max(y1 - y0 for _, y0, _, y1 in boxes)
    widths = [x1 - x0 for x0, _, x1, _ in boxes]
    wide = [w >= TOUCHING * height for w in widths]
    # a digit's width: the marks neither wide nor narrow (a 1, a slash), else a usual digit's build
    digit = float(np.median([w for w in widths if NARROW * height <= w < TOUCHING * height] or [DIGIT * height]))
    if sum(max(2, round(w / digit)) - 1 for w, is_wide in zip(widths, wide, strict=True) if is_wide) != (
            n_chars - len(marks)):  # fmt: skip
        return None  # the wide marks do not account for the characters missing: the text is not this ink's
    left = next((k for k, w in enumerate(wide) if w), len(marks))
    right = next((k for k, w in enumerate(reversed(wide)) if w), len(marks))
    out = [-1] * len(marks)
    for k in range(left):
        out[k] = k
    for k in range(right):
        out[len(marks) - 1 - k] = n_chars - 1 - k
    if not all(_fits(word[k], labels, boxes[m], marks[m], height) for m, k in enumerate(out) if k >= 0):
        return None
    return out


def _box(stats: np.ndarray, members: list[int]) -> tuple[int, int, int, int]:
    x0 = min(int(stats[i, cv2.CC_STAT_LEFT]) for i in members)
    y0 = min(int(stats[i, cv2.CC_STAT_TOP]) for i in members)
    x1 = max(int(stats[i, cv2.CC_STAT_LEFT] + stats[i, cv2.CC_STAT_WIDTH]) for i in members)
    y1 = max(int(stats[i, cv2.CC_STAT_TOP] + stats[i, cv2.CC_STAT_HEIGHT]) for i in members)
    return x0, y0, x1, y1


def _fits(char: str, labels: np.ndarray, box: tuple[int, int, int, int], members: list[int], height: int) -> bool:
    """Whether a mark has the build of ``char``: a digit or a slash stands the word's full height (a
    slash's top further right than its foot), a dot, comma or dash is short. Other characters pass."""
    x0, y0, x1, y1 = box
    tall = y1 - y0 >= FULL_HEIGHT * height
    if char.isdigit():
        return tall
    if char in ".,-":
        return not tall
    if char != "/":
        return True
    mask = np.isin(labels[y0:y1, x0:x1], members)
    third = max(1, (y1 - y0) // 3)
    top, foot = np.nonzero(mask[:third])[1], np.nonzero(mask[-third:])[1]
    return tall and top.size > 0 and foot.size > 0 and top.mean() - foot.mean() >= SLASH_LEAN * height


def _join_over(comps: list[int], stats: np.ndarray, height: float) -> list[list[int]]:
    """Components grouped into marks, left to right: a short one (an accent, the dot of a colon) joins the
    mark whose columns it shares; two tall ones never join (italic digits lean over each other)."""
    tall = 0.5 * height
    marks: list[list[int]] = []
    spans: list[tuple[int, int, bool]] = []  # per mark: its columns, whether it holds a tall component
    for i in sorted(comps, key=lambda i: (stats[i, cv2.CC_STAT_LEFT] + stats[i, cv2.CC_STAT_WIDTH] / 2)):
        x0, x1 = int(stats[i, cv2.CC_STAT_LEFT]), int(stats[i, cv2.CC_STAT_LEFT] + stats[i, cv2.CC_STAT_WIDTH])
        is_tall = stats[i, cv2.CC_STAT_HEIGHT] >= tall
        for m, (a, b, t) in enumerate(spans):
            shared = min(b, x1) - max(a, x0)
            if shared > 0.5 * min(b - a, x1 - x0) and not (t and is_tall):
                marks[m].append(i)
                spans[m] = (min(a, x0), max(b, x1), t or is_tall)
                break
        else:
            marks.append([i])
            spans.append((x0, x1, bool(is_tall)))
    order = sorted(range(len(marks)), key=lambda m: spans[m][0] + spans[m][1])
    return [marks[m] for m in order]


def _shape(labels: np.ndarray, stats: np.ndarray, members: list[int]) -> np.ndarray | None:
    x0, y0, x1, y1 = _box(stats, members)
    mask = np.isin(labels[y0:y1, x0:x1], members).astype(np.float32)
    # scaled to the size's height, its width in proportion and centred: a 1 stays a narrow stroke
    w = max(1, min(GLYPH_SIZE, round((x1 - x0) * GLYPH_SIZE / (y1 - y0))))
    square = np.zeros((GLYPH_SIZE, GLYPH_SIZE), np.float32)
    left = (GLYPH_SIZE - w) // 2
    square[:, left : left + w] = cv2.resize(mask, (w, GLYPH_SIZE), interpolation=cv2.INTER_AREA)
    v = square.ravel()
    v -= v.mean()
    norm = float(np.linalg.norm(v))
    return v / norm if norm > 0 else None


def _nearest(distances: np.ndarray) -> float:
    """A glyph's distance to a digit: the mean of its ``NEAREST`` smallest distances to that digit's glyphs."""
    return float(np.sort(distances)[:NEAREST].mean())


def unlike_glyphs(glyphs: Sequence[Glyph]) -> list[Unlike]:
    """The glyphs that sit among another digit's glyphs of the page and far from their own digit's:
    nearer the other's (mean of the ``NEAREST`` nearest) than ``UNLIKE_RATIO`` of the distance to their
    own, and within ``UNLIKE_CLOSE`` of them. A digit with fewer than ``MIN_SAMPLES`` other glyphs on the
    page is not judged, nor judged by."""
    if len(glyphs) < 2 * MIN_SAMPLES + 1:
        return []
    shapes = np.stack([g.shape for g in glyphs])
    dist = 1.0 - shapes @ shapes.T
    np.fill_diagonal(dist, np.inf)
    chars = np.array([g.char for g in glyphs])
    digits = [c for c in sorted(set(chars)) if (chars == c).sum() > MIN_SAMPLES]
    out = []
    for i, g in enumerate(glyphs):
        if g.char not in digits:
            continue
        own = _nearest(dist[i, chars == g.char])
        near = {c: _nearest(dist[i, chars == c]) for c in digits if c != g.char}
        if not near:
            continue
        looks = min(near, key=near.__getitem__)
        if near[looks] < UNLIKE_RATIO * own and near[looks] < UNLIKE_CLOSE:
            out.append(Unlike(i, looks, own, near[looks]))
    return out


def likeliest(readings: dict[str, list[Glyph]], page: Sequence[Glyph]) -> str | None:
    """Of two or more readings of one ink (each with its glyphs as ``cut_glyphs`` paired them), the one
    whose glyphs sit nearest the page's glyphs (``page``) of the digits they read: against every other
    reading, its glyphs that the other's lack are nearer their digits, the furthest of them, than
    ``LIKELIER_RATIO`` of the other's furthest. None when fewer than two readings paired, or a digit read
    has fewer than ``MIN_SAMPLES`` glyphs on the page."""
    paired = {text: glyphs for text, glyphs in readings.items() if glyphs}
    if len(paired) < 2 or not page:
        return None
    shapes = np.stack([g.shape for g in page])
    chars = np.array([g.char for g in page])

    def own(g: Glyph) -> float | None:
        near = 1.0 - shapes[chars == g.char] @ g.shape
        return _nearest(near) if near.size >= MIN_SAMPLES else None

    dist = {text: [own(g) for g in glyphs] for text, glyphs in paired.items()}

    def furthest(text: str, other: str) -> float | None:
        """The furthest of ``text``'s glyphs from their digits, of those ``other`` does not read alike (the
        same mark read as the same digit)."""
        theirs = paired[other]
        apart = [d for g, d in zip(paired[text], dist[text], strict=True)
                 if not any(o.char == g.char and np.array_equal(o.shape, g.shape) for o in theirs)]  # fmt: skip
        if not apart or any(d is None for d in apart):
            return None
        return max(d for d in apart if d is not None)

    for text in paired:
        against = [(furthest(text, o), furthest(o, text)) for o in paired if o != text]
        if all(mine is not None and theirs is not None and mine < LIKELIER_RATIO * theirs
               for mine, theirs in against):  # fmt: skip
            return text
    return None


def settled_as_read(read: Sequence[Glyph], other: Sequence[Glyph], page: Sequence[Glyph]) -> bool:
    """Whether the glyphs of a value as ``read`` sit so near the page's glyphs (``page``) of the digits read
    that the ``other`` reading (the same ink with OCR's runner-up digit) is ruled out: the digits ``other``
    reads otherwise within ``SURE_OWN`` of their own digit's glyphs and under ``SURE_RATIO`` of any other
    digit's, every other digit under ``SURE_SHARED``. False when a digit has fewer than ``MIN_SAMPLES``
    glyphs on the page to be compared with, or no digit was read otherwise."""
    if not read or not other or not page:
        return False
    shapes = np.stack([g.shape for g in page])
    chars = np.array([g.char for g in page])
    digits = [c for c in sorted(set(chars)) if (chars == c).sum() >= MIN_SAMPLES]
    changed = False
    for g in read:
        near = {c: _nearest(1.0 - shapes[chars == c] @ g.shape) for c in digits}
        own = near.pop(g.char, None)
        if own is None or not near:
            return False
        rival = min(near.values())
        if any(o.at == g.at and o.char == g.char for o in other):  # the same ink read the same
            if not own < SURE_SHARED * rival:
                return False
        elif own <= SURE_OWN and own < SURE_RATIO * rival:
            changed = True
        else:
            return False
    return changed

