"""Tone and vowel marks OCR did not read: ink above a word of capitals that was read with no mark above.

Vietnamese OCR fails mostly on diacritics (reference ocr.md); a mark read is kept by the normalizer, but a
mark lost where both spellings are names (ÁNH/ANH, THÀNH/THANH, HÒA/HOA) leaves a value no lexicon can doubt.
On capitals nothing but a mark stands above the letters' tops, so ink there is a mark the read lost.
"""

from __future__ import annotations

import unicodedata

import cv2
import numpy as np

from pipeline.model import BBox
from pipeline.normalize.text import QUALITY_MARKS, TONE_MARKS
from pipeline.ocr.engine import alone_image

# the tone and vowel-quality marks drawn above a capital (grave, acute, tilde, hook above; circumflex, breve):
# not the dot below, nor the horn (beside the letter's top, no higher)
_HORN = "\u031b"
_ABOVE = frozenset(TONE_MARKS.keys() | QUALITY_MARKS) - {"\u0323", _HORN}
_VOWELS = frozenset("AEIOUY")

LETTER_TALL = 0.6  # a component this share of the word's box high at least is a letter
MARK_MIN = 0.12  # a mark's height or width, of the letters' height, at least (a speck is smaller)
MARK_FOOT = 0.3  # a mark's foot stands at most this far above the letters' tops (a line above's dot
# below, at half a letter's height and more, is further)
MARK_REACH = 0.75  # and its top no higher than this
MERGED = 0.15  # a letter whose top stands this far above the others' carries a mark joined to it
MERGED_WIDE = 1.5  # if it is no wider than this many times the letters' median width (aged 1301: N and G
# joined by a scratch rising above them had sent BÙI QUANG GIANG to review)
LOOK_UP = 1.6  # the word's box heights looked at above it: a line above this near may drop ink into reach
HORN_SIDE = 0.6  # of its letter's width: a horn's ink stands right of this; a mark's reaches left of it
LINE_GAP = 0.5  # under a line above, the gap between its foot and the letters' tops, of their height, at
# least: closer, its dots below and the word's marks cannot be told apart


def has_mark_above(word: str) -> bool:
    """Whether ``word`` carries a mark drawn above a letter."""
    return any(c in _ABOVE for c in unicodedata.normalize("NFD", word))


def has_horn(word: str) -> bool:
    """Whether ``word`` has a letter with a horn (Ư, Ơ)."""
    return _HORN in unicodedata.normalize("NFD", word)


def bare_capitals(word: str) -> bool:
    """A word of capitals with a vowel and no mark above any letter: one whose image may hide a lost mark."""
    letters = [c for c in unicodedata.normalize("NFD", word) if c.isalpha()]
    return (bool(letters) and all(c.isupper() for c in letters) and any(c in _VOWELS for c in letters)
            and not has_mark_above(word))  # fmt: skip


def ink_above_capitals(gray: np.ndarray, box: BBox, *, horned: bool = False, read: int = 0) -> BBox | None:
    """The box of a mark's ink above the capitals of the word at ``box`` on ``gray`` (dark ink on light
    paper), or None. The letters' tops are their components' median top; a mark is a component apart just
    above them, or a letter's top standing above the others' (a mark joined to it by blur). Under a line above
    (a wrapped name's second line), whose dots below stand where marks would, only ink nearer the word than
    that line counts, and none where the lines stand closer than LINE_GAP. In a word with a horn
    (``horned``: Ư, Ơ), a letter raised by ink at its right edge only is the horn (FreeSerif's rises above
    the capitals), no mark. A box holding one letter more than the word's ``read`` letters (when known)
    reaches into the word beside it: the letter at its edge with the wider gap is that word's, and ink over
    it is not looked at."""
    H, W = gray.shape[:2]
    x0, x1 = max(0, box.x), min(W, box.x + box.w)
    y0, y1 = max(0, box.y - int(box.h * LOOK_UP)), min(H, box.y + box.h)
    if x1 - x0 < 4 or y1 - y0 < 8:
        return None
    cut = gray[y0:y1, x0:x1]
    ink = cv2.threshold(cut, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)[1]
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    comps = [tuple(int(v) for v in stats[i][:4]) for i in range(1, n)]
    middle = box.y - y0 + box.h / 2  # the word's letters reach below its middle
    letters = sorted((c for c in comps if c[3] >= LETTER_TALL * box.h and c[1] + c[3] > middle), key=lambda c: c[0])
    if len(letters) < 2:
        return None  # no letters' line to stand above (a blot, or one letter)
    top = float(np.median([c[1] for c in letters]))
    bottom = float(np.median([c[1] + c[3] for c in letters]))
    cap = bottom - top
    if cap < 6:
        return None
    # a line above (a wrapped name's first line): a letter of it, or its ink cut by the look's edge
    above = [c for c in comps if c not in letters and (c[3] >= LETTER_TALL * cap or (c[1] == 0 and y0 > 0))]
    floor = -1.0  # ink must stand below this to be the word's
    if above:
        base = max(c[1] + c[3] for c in above)
        if top - base < LINE_GAP * cap:
            return None  # lines this close: a dot below of the line above may stand where a mark would
        # between the lines, ink nearer the line above is its own (a dot below: photo 1389's PHẠM over
        # THÀNH, the grave nearer THANH, the dot nearer PHAM)
        floor = (base + top) / 2
    own = _own_letters(letters, read)
    lo, hi = own[0][0], own[-1][0] + own[-1][2]  # the columns over the word's own letters
    wide = MERGED_WIDE * float(np.median([c[2] for c in letters]))
    for i, (x, y, w, h) in enumerate(comps, start=1):
        if (x, y, w, h) in above:
            continue
        if (x, y, w, h) in letters:
            # one letter wide: two letters joined by a streak standing above them are an aged page's scratch
            if (top - y >= MERGED * cap and w <= wide and y > floor and (x, y, w, h) in own
                    and not (horned and _raised_at_right(labels[y : int(top) - 1, x : x + w] == i))):  # fmt: skip
                return BBox(x0 + x, y0 + y, w, int(top - y))
            continue
        if (top - MARK_FOOT * cap <= y + h <= top + 1 and y >= top - MARK_REACH * cap and y + h / 2 > floor
                and max(w, h) >= MARK_MIN * cap and min(w, h) >= 2 and lo <= x + w / 2 <= hi
                and not (horned and _at_right_of_letter(x, w, letters))):  # fmt: skip
            return BBox(x0 + x, y0 + y, w, h)
    return None


def _own_letters(letters: list[tuple[int, ...]], read: int) -> list[tuple[int, ...]]:
    """The word's letters (components, left to right): all, or, when there is one more than the ``read``
    letters, all but the one at the edge with the wider gap (OCR's box took in a neighbour's last or first
    letter: fresh book 1185's ANH boxed with the Ỹ of MỸ before it, whose tilde was taken for ANH's mark)."""
    if read < 2 or len(letters) != read + 1:
        return letters
    first = letters[1][0] - (letters[0][0] + letters[0][2])
    last = letters[-1][0] - (letters[-2][0] + letters[-2][2])
    return letters[1:] if first > last else letters[:-1]


def _raised_at_right(raised: np.ndarray) -> bool:
    """Whether a letter's ink above the others' tops (``raised``: its mask there) stands at its right side
    only, as a horn does."""
    cols = np.flatnonzero(raised.any(axis=0))
    return cols.size == 0 or cols[0] >= HORN_SIDE * raised.shape[1]


def _at_right_of_letter(x: int, w: int, letters: list[tuple[int, ...]]) -> bool:
    """Whether ink at columns ``x``..``x+w`` starts right of HORN_SIDE of the letter under it: a horn's tip
    cut off from its letter (FreeSerif at 16 px capitals)."""
    under = [c for c in letters if c[0] <= x + w and x <= c[0] + c[2]]
    return any(x >= c[0] + HORN_SIDE * c[2] for c in under)


def marks_lost(gray: np.ndarray, cell: BBox, slope: float, words: list[tuple[str, str, BBox]]) -> list[str]:
    """Of a field's words (each: its value word, the word OCR read, the box it read it in), those read as
    bare capitals (``bare_capitals``: not a word read in small letters, then made capitals) and left with no
    mark above whose image has one (``ink_above_capitals``). The cell is cut and sheared upright as it was
    read (``alone_image``), so a slanted word's box lies on its own letters."""
    bare = [(v, t, b) for v, t, b in words if bare_capitals(t) and not has_mark_above(v)]
    if not bare or (cut := alone_image(gray, cell, slope)) is None:
        return []
    img, dx, dy = cut
    return [v for v, t, b in bare if ink_above_capitals(img, BBox(b.x - dx, b.y - dy, b.w, b.h), horned=has_horn(t),
                                                        read=sum(c.isalpha() for c in t)) is not None]  # fmt: skip
