"""Reading one cell (``read_cell``): the lines and words Tesseract dropped are found from the ink and read
again on their own; on a page of slanted writing the cell is sheared upright first (``ocr/slant.py``).

On a reduced page, a block read can lose a whole text line without a trace: "TRẦN" above "HỒNG VY"
(a stacked accent on capitals) comes back as nothing, while the line cut out alone reads "TRẦN" at 0.92.
On a photographed or blurred page it also drops a word at a line's end ("Phan Thị / Hoàng [Vy]",
"Nguyễn [Thị] / Huệ"). Either loss is silent: the field keeps the rest, often at a high confidence. So
after a cell is read, its ink is compared with what came back:
- a text-sized band of ink that no returned line covers is a lost line, read alone (psm 7);
- ink beside a returned line, in its rows, that none of its words covers is a lost word, read alone and
  put back into the line in its place.

Line heights are measured on the ink, not on Tesseract's boxes: on a blurred page its boxes take in the
gray halo (47 px boxes around 26 px letters), and a 22 px line under them had passed for a row of accents.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from pipeline.model import BBox, OcrLine

from .engine import OcrEngine, ReadMode, alone_image, moved_lines

INK = 128  # darker than this is ink (the cell image has its rules removed)
MIN_ROW_INK = 2  # a row with fewer dark pixels is blank (specks)
ACCENT_FRACTION = 0.45  # a run shorter than this x line height is a row of accents: it joins the run below
COVERED = 0.3  # a band overlapped this much (of its height) by a returned line was read
MIN_CONFIDENCE = 0.5  # a lost line read back below this is noise (a stamp's arc, a smudge), not text
WORD_PAD = 0.15  # x line height: a word's box widened by this each side (accents and serifs stick out)
WORD_GAP = 0.5  # x line height: uncovered ink runs closer than this are one word
MIN_WORD = 0.8  # x line height: uncovered ink narrower than this is a letter's stroke or a dash, not a word
LOST_SHARE = 0.5  # a word read again that shares this much of its width with a box is in it
ALIGN = 1.5  # x line height: a lost line starts this near the read lines' left edge, or centres this near
BELOW = 0.25  # x box height: a lost line or word is read this much further down (a dot below)

Span = tuple[int, int]  # [start, end) rows or columns
Reader = Callable[[BBox], list[OcrLine]]  # reads a box of the cell's image
Piece = tuple[str, float, BBox, tuple[tuple[int, str], ...]]  # a word: text, confidence, box, alternatives


def _runs(inked: np.ndarray) -> list[Span]:
    """[start, end) of each run of True."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], inked.astype(np.int8), [0]))))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def _within(box: BBox, rect: BBox) -> BBox | None:
    """The part of ``box`` inside ``rect``; None when nothing of it is."""
    x0, y0 = max(box.x, rect.x), max(box.y, rect.y)
    x1, y1 = min(box.x + box.w, rect.x + rect.w), min(box.y + box.h, rect.y + rect.h)
    return BBox(x0, y0, x1 - x0, y1 - y0) if x1 > x0 and y1 > y0 else None


def _on_page(gray: np.ndarray, rect: BBox) -> BBox | None:
    return _within(rect, BBox(0, 0, gray.shape[1], gray.shape[0]))


def _inked_rows(gray: np.ndarray, rect: BBox) -> tuple[int, np.ndarray] | None:
    c = _on_page(gray, rect)
    if c is None:
        return None
    return c.y, (gray[c.y : c.y + c.h, c.x : c.x + c.w] < INK).sum(axis=1) >= MIN_ROW_INK


def ink_bands(gray: np.ndarray, rect: BBox, line_h: float) -> list[Span]:
    """Text lines of ink inside ``rect`` as page rows [y0, y1): runs of inked rows, a short run of accents
    joined to the letters under it."""
    got = _inked_rows(gray, rect)
    if got is None:
        return []
    y0, rows = got
    bands: list[list[int]] = []
    pending: list[int] | None = None  # an accent run waiting for its letters
    for a, b in _runs(rows):
        # a run is letters or accents by its own height: a dot below and the next line's circumflex, joined,
        # are no text line (the model read "xã" into such a band at 0.85)
        accents = b - a < ACCENT_FRACTION * line_h
        if pending is not None and a - pending[1] <= ACCENT_FRACTION * line_h:
            a = pending[0]
        elif pending is not None:
            bands.append(pending)
        pending = None
        if accents:
            pending = [a, b]
        else:
            bands.append([a, b])
    if pending is not None:
        bands.append(pending)
    return [(y0 + a, y0 + b) for a, b in bands]


def letter_rows(gray: np.ndarray, rect: BBox, box: BBox) -> Span | None:
    """The rows of a returned line's letters: the longest run of inked rows inside its box (and ``rect``).
    Tesseract's box can take in a neighbour line's descenders or, on a blurred page, the gray halo."""
    inner = _within(box, rect)
    got = _inked_rows(gray, inner) if inner else None
    if got is None:
        return None
    y0, rows = got
    runs = _runs(rows)
    if not runs:
        return None
    a, b = max(runs, key=lambda r: r[1] - r[0])
    return y0 + a, y0 + b


def _line_height(gray: np.ndarray, rect: BBox, lines: list[OcrLine]) -> tuple[float, list[Span | None]]:
    """The median letter height of the lines read as text (a stamp's specks read as 3 px "lines" at 0.0
    had made it 7 px, and every speck a text line), and each line's letter rows."""
    rows = [letter_rows(gray, rect, ln.bbox) for ln in lines]
    text = [r for r, ln in zip(rows, lines, strict=True) if r is not None and _text_like(line_words(ln))]
    heights = [b - a for a, b in text or [r for r in rows if r is not None]]
    return (float(np.median(heights)) if heights else 0.0), rows


def lost_bands(gray: np.ndarray, rect: BBox, lines: list[OcrLine], line_h: float | None = None) -> list[BBox]:
    """Text-sized bands of ink in ``rect`` that none of ``lines`` covers, padded for a line read; text-sized
    by the lines' letters, or by ``line_h`` (the page's) when given."""
    if line_h is None:
        if not lines:
            return []  # nothing read at all: no line height to judge by
        line_h, _ = _line_height(gray, rect, lines)
    if line_h < 4:
        return []
    text = [ln.bbox for ln in lines if _text_like(line_words(ln))]
    left = min((b.x for b in text), default=None)
    middle = float(np.median([b.x + b.w / 2 for b in text])) if text else None
    out: list[BBox] = []
    for a, b in ink_bands(gray, rect, line_h):
        h = b - a
        if not 0.6 * line_h <= h <= 1.8 * line_h:
            continue  # an accent row alone, a speck, or a stamp's block: not one text line
        # read if a returned line's box covers it (one line's box may span two bands it read as one)
        overlap = max((min(b, ln.bbox.y + ln.bbox.h) - max(a, ln.bbox.y) for ln in lines), default=0)
        if overlap > COVERED * h:
            continue
        cols = np.flatnonzero((gray[a:b, rect.x : rect.x + rect.w] < INK).any(axis=0))
        if cols.size == 0 or cols[-1] - cols[0] < 0.6 * line_h:
            continue  # narrower than a letter
        x0, x1 = rect.x + int(cols[0]), rect.x + int(cols[-1])
        if left is not None and middle is not None and abs(x0 - left) > ALIGN * line_h and (
                abs((x0 + x1) / 2 - middle) > ALIGN * line_h):  # fmt: skip
            continue  # a cell's lines start at its text's left edge (or centre): a seal's letters float
        pad = max(2, round(0.1 * h))
        out.append(BBox(rect.x + int(cols[0]) - pad, a - pad, int(cols[-1] - cols[0]) + 2 * pad, h + 2 * pad))
    return out


def lost_words(gray: np.ndarray, rect: BBox, lines: list[OcrLine]) -> list[tuple[int, BBox]]:
    """Ink in a returned line's rows that no returned word covers and wide enough to be a word:
    (index of the line, box to read) for each, padded for a line read."""
    line_h, rows = _line_height(gray, rect, lines)
    if line_h < 4:
        return []
    c = _on_page(gray, rect)
    if c is None:
        return []
    x0, x1 = c.x, c.x + c.w
    bands = ink_bands(gray, rect, line_h)
    found: list[tuple[int, BBox]] = []
    for i, r in enumerate(rows):
        if r is None or not _text_like(line_words(lines[i])):
            continue  # beside a stamp's specks read as a line, nothing is a lost word
        a, b = r
        q = (b - a) // 4  # the letters' middle rows: a neighbour's descender or an accent is no word
        free = (gray[a + q : b - q, x0:x1] < INK).any(axis=0)
        ink = (gray[a:b, x0:x1] < INK).any(axis=0)
        pad = round(WORD_PAD * line_h)
        for j, s in enumerate(rows):  # every line sharing these rows (two fields on one baseline) covers
            if s is None or min(b, s[1]) - max(a, s[0]) <= 0.5 * min(b - a, s[1] - s[0]):
                continue
            for box in _word_boxes(lines[j]):
                free[max(0, box.x - pad - x0) : max(0, box.x + box.w + pad - x0)] = False
        runs = [_grown(ink, r, pad) for r in _joined(_runs(free), WORD_GAP * line_h)]
        # the word's box takes in its accents (their band); a dot below ("ị") is a short run of its own
        top = max(next((p for p, z in bands if p <= a and b <= z), a), a - round(0.6 * (b - a)))
        bottom = b
        margin = max(2, round(0.1 * line_h))
        for p, z in runs:
            if z - p >= MIN_WORD * line_h:
                box = BBox(x0 + p - margin, top - margin, z - p + 2 * margin, bottom - top + 2 * margin)
                # ink on the rows of two lines (two fields on one baseline) is one lost word, the nearer's
                same = next((k for k, (_, b) in enumerate(found) if _overlap(b, box) > LOST_SHARE * min(b.w, box.w)
                             and min(b.y + b.h, box.y + box.h) - max(b.y, box.y) > LOST_SHARE * min(b.h, box.h)), None)  # fmt: skip
                if same is None:
                    found.append((i, box))
                elif _gap(box, lines[i].bbox) < _gap(found[same][1], lines[found[same][0]].bbox):
                    found[same] = (i, box)
    return found


def _gap(box: BBox, span: BBox) -> int:
    """Columns between two boxes (0 when they overlap)."""
    return max(0, box.x - (span.x + span.w), span.x - (box.x + box.w))


def _grown(ink: np.ndarray, run: Span, most: int) -> Span:
    """``run`` widened over the ink it touches, by at most ``most`` columns each side: the padding around
    a read word must not cut the first stroke of the next."""
    a, b = run
    for _ in range(most):
        if a > 0 and ink[a - 1]:
            a -= 1
        if b < ink.size and ink[b]:
            b += 1
    return a, b


def _joined(runs: list[Span], gap: float) -> list[Span]:
    out: list[list[int]] = []
    for a, b in runs:
        if out and a - out[-1][1] < gap:
            out[-1][1] = b
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def _word_boxes(line: OcrLine) -> list[BBox]:
    return [w[3] for w in line.words] or [line.bbox]


def line_words(line: OcrLine) -> list[Piece]:
    """A line as its words, each with its own alternatives (offsets within the word)."""
    if not line.words:
        return [(line.text, line.confidence, line.bbox, line.alternatives)]
    return [
        (line.text[s:e], conf, box, tuple((i - s, ch) for i, ch in line.alternatives if s <= i < e))
        for s, e, conf, box in line.words
    ]  # fmt: skip


def with_words(line: OcrLine, found: list[Piece]) -> OcrLine:
    """``line`` with the ``found`` words put in their place by position; confidence the words' mean."""
    words = sorted([*line_words(line), *found], key=lambda p: p[2].x)
    text, spans, alts, start = [], [], [], 0
    for t, conf, box, alt in words:
        text.append(t)
        spans.append((start, start + len(t), conf, box))
        alts.extend((start + i, ch) for i, ch in alt)
        start += len(t) + 1
    return OcrLine(
        text=" ".join(text), confidence=float(np.mean([w[1] for w in words])),
        bbox=BBox.union([w[2] for w in words]) or line.bbox, alternatives=tuple(alts), words=tuple(spans),
    )  # fmt: skip


def _text_like(words: list[Piece]) -> bool:
    """Words read back from lost ink that look like text, not a stamp's arc or a smudge."""
    return bool(words) and float(np.mean([w[1] for w in words])) >= MIN_CONFIDENCE and (
        sum(ch.isalnum() for w in words for ch in w[0]) >= 2)  # fmt: skip


def _read_either(read: Reader, box: BBox, apart: Reader | None = None) -> list[OcrLine]:
    """``read`` of ``box`` taken further down, to hold a dot below ("Thị", "Nội": a short run of ink
    under the band), or, if nothing like text came back, of ``box`` itself: a taller box can come back
    empty where the tight one reads ("Quan hệ: chồng" at 0.86 in a 37 px box, nothing in a 43 px one);
    when both come back empty, ``apart`` (``on_white``), if given, is the last try."""
    lines = read(BBox(box.x, box.y, box.w, box.h + round(BELOW * box.h)))
    if any(_text_like(line_words(ln)) for ln in lines):
        return lines
    return read(box) or (apart(box) if apart is not None else []) or lines


def _inside(box: BBox, span: BBox) -> bool:
    """Whether ``box``'s middle column lies within ``span``'s columns."""
    return span.x <= box.x + box.w / 2 <= span.x + span.w


def _overlap(a: BBox, b: BBox) -> int:
    """Columns two boxes share."""
    return max(0, min(a.x + a.w, b.x + b.w) - max(a.x, b.x))


def _found_words(read: Reader, line: OcrLine, row: BBox, boxes: list[BBox]) -> list[Piece]:
    """The words read in the lost ``boxes`` of ``line``. The line's whole row is read first: a short
    word alone lacks the context the model reads by ("Vy" alone comes back "Vụ"). A box between the
    line's words when the row reads as the line did, or a box the row covers only with a word the line
    already has, lost nothing (the model's box for "Nam" had left out its N: read alone, the N came back
    "NÑ" at 0.85); any other box the row read leaves empty is read alone."""
    mine = line_words(line)
    in_row = [p for ln in _read_either(read, row) for p in line_words(ln)]
    if [p[0] for p in in_row] == [p[0] for p in mine]:
        # the row reads as the line did: ink between its words is theirs (a box short of its "N"); ink
        # past its ends may still be a word the model drops in context too ("Hoàng [Vy]")
        boxes = [b for b in boxes if not _inside(b, line.bbox)]
    known = [p[2] for p in mine]
    out: list[Piece] = []
    for box in boxes:
        hits = [p for p in in_row if _overlap(p[2], box) > LOST_SHARE * min(p[2].w, box.w)]
        new = [p for p in hits if not any(_overlap(p[2], k) > LOST_SHARE * min(p[2].w, k.w) for k in known)]
        if hits and not new:
            continue
        words = new or [p for ln in _read_either(read, box) for p in line_words(ln)]
        if _text_like(words):
            out.extend(words)
            known.extend(p[2] for p in words)  # a word of the row read over two boxes is taken once
    return out


def recover(
    gray: np.ndarray, rect: BBox, lines: list[OcrLine], read: Reader, apart: Reader | None = None, *,
    words: bool = True, text_h: float | None = None,
) -> list[OcrLine]:  # fmt: skip
    """``lines`` read from ``rect`` of ``gray``, with the words (unless not ``words``) and lines they dropped
    read by ``read(box)`` and put back, in reading order; a dropped line both reads of ``read`` leave empty
    is read by ``apart``. When nothing like text came back and the page's letter height ``text_h`` is
    given, the ink's bands of text height are read so, one by one (nothing: not a letter or digit; a faint
    read of text is no such case, its lost words and lines are found as usual)."""

    def in_cell(f: Reader) -> Reader:  # a box padded past the cell reads the next entry
        def read_inside(box: BBox) -> list[OcrLine]:
            inner = _within(box, rect)
            return f(inner) if inner and inner.w > 1 and inner.h > 1 else []

        return read_inside

    read_in_cell = in_cell(read)
    apart_in_cell = in_cell(apart) if apart is not None else None
    if text_h and not any(ch.isalnum() for ln in lines for ch in ln.text):
        # the whole cell read as nothing though its three lines read at 0.91-0.97 each (a blurred book
        # photograph's "TRẦN / HỒNG / KHANG": the officer lost on five rows)
        found = [ln for band in lost_bands(gray, rect, [], text_h)
                 for ln in _read_either(read_in_cell, band, apart_in_cell) if _text_like(line_words(ln))]  # fmt: skip
        if found:
            return sorted(found, key=lambda ln: (ln.bbox.y, ln.bbox.x))
    if not lines:
        return lines
    lines = list(lines)

    lost: dict[int, list[BBox]] = {}
    for i, box in lost_words(gray, rect, lines) if words else []:
        lost.setdefault(i, []).append(box)
    for i, boxes in lost.items():
        # the row: the line and its lost words, not the cell's width (a psm-7 read of a row that is
        # mostly blank came back "SỐ" for "Phan Thị")
        span = BBox.union([lines[i].bbox, *boxes]) or lines[i].bbox
        top, bottom = min(b.y for b in boxes), max(b.y + b.h for b in boxes)
        x0, x1 = max(rect.x, span.x - (bottom - top) // 2), min(rect.x + rect.w, span.x + span.w + (bottom - top) // 2)
        if found := _found_words(read_in_cell, lines[i], BBox(x0, top, x1 - x0, bottom - top), boxes):
            lines[i] = with_words(lines[i], found)
    extra = [ln for band in lost_bands(gray, rect, lines) for ln in _read_either(read_in_cell, band, apart_in_cell)
             if _text_like(line_words(ln))]
    return sorted([*lines, *extra], key=lambda ln: (ln.bbox.y, ln.bbox.x)) if extra else lines


def read_cell(
    engine: OcrEngine, gray: np.ndarray, rect: BBox, mode: ReadMode, slope: float = 0.0, text_h: float | None = None
) -> list[OcrLine]:
    """``engine.read`` of a cell, plus the lines and words it dropped read alone, in reading order, a last
    line's echo dropped (``without_echoes``); a cell that read as nothing, its ink line by line at the page's
    letter height ``text_h``. On a page of slanted writing (``slope``, ``ocr/slant.py``) the cell is sheared
    upright and read whole; the dropped ink is then looked for on the sheared cell."""
    return rows_joined(without_echoes(_cell_lines(engine, gray, rect, mode, slope, text_h)))


def _cell_lines(
    engine: OcrEngine, gray: np.ndarray, rect: BBox, mode: ReadMode, slope: float, text_h: float | None
) -> list[OcrLine]:
    alone: ReadMode = "digits" if mode == "digits" else "line"
    if not slope:
        return recover(gray, rect, engine.read(rect, mode), lambda box: engine.read(box, alone),
                       lambda box: on_white(engine, gray, box, alone), text_h=text_h)  # fmt: skip
    lines = engine.read_alone(gray, rect, mode, slope=slope)
    cut = alone_image(gray, rect, slope)
    if cut is None:
        return lines
    img, dx, dy = cut
    h, w = img.shape[:2]
    local = recover(img, BBox(0, 0, w, h), moved_lines(lines, -dx, -dy), lambda box: engine.read_alone(img, box, alone),
                    lambda box: on_white(engine, img, box, alone), text_h=text_h)  # fmt: skip
    return moved_lines(local, dx, dy)


ECHO_CONFIDENCE = 0.15  # a last line read below this that straddles the line above it is no text of its own
ECHO_OVERLAP = 0.2  # of its height inside the line above (0.26-0.42 seen): its feet and the rule under it read as letters
ECHO_BELOW = 0.4  # x the line above's height: the echo starts this far down it at least (under it, not beside)


def without_echoes(lines: list[OcrLine]) -> list[OcrLine]:
    """``lines`` without the last one when it is an echo of the line above it: read at almost no
    confidence, under that line (starting at least ``ECHO_BELOW`` down it, ending below it, across the
    same columns) and rising into it by more than ``ECHO_OVERLAP`` of its own height. A curled book
    photograph's italic cells read their last line twice, the second time from its descenders and the rule
    under them ("Trà My, Quảng Nam" then "GÌ N v32 Su ben G TH NG" at 0.05): the garbage ended three places
    and a name, all invalid. A faint line of its own sits lower, and a fragment on the row beside."""
    if len(lines) < 2:
        return lines
    above, ln = lines[-2].bbox, lines[-1]
    b = ln.bbox
    across = min(above.x + above.w, b.x + b.w) - max(above.x, b.x) > 0.5 * min(above.w, b.w)
    if (ln.confidence < ECHO_CONFIDENCE and across and b.y >= above.y + ECHO_BELOW * above.h
            and b.y + b.h > above.y + above.h and above.y + above.h - b.y > ECHO_OVERLAP * b.h):  # fmt: skip
        return lines[:-1]
    return lines


SAME_ROW = 0.5  # two lines whose boxes share this much of the taller one's height are on one row
MIN_SHARED = 3  # characters: the left line's last ones read again at the start of the right one, to join them
SHARED_END = 2  # characters the left line may run on past them (its last word misread: "Qui" for "Qu[ảng]")


def rows_joined(lines: list[OcrLine]) -> list[OcrLine]:
    """Two lines of one row whose boxes overlap, the right one starting with the left one's last characters,
    made one: Tesseract can read one printed line as two blocks, each holding part of the other's words, and
    list the right one first ("ức, Quảng" before "Đức Hòa, Mộ Đức, Qu" for "Đức Hòa, Mộ Đức, Quảng" on a
    book photograph: five places of one page left unresolved). The left one's text up to those characters,
    then the right one's. Lines that share no characters keep Tesseract's order: a box taller than its line
    ("Cẩm" taking in the "huyện" above it) overlaps its neighbours without being on their row."""
    out = list(lines)
    i = 0
    while i < len(out):
        join = next(((j, pair) for j in range(i + 1, len(out)) if (pair := _joinable(out[i], out[j]))), None)
        if join is None:
            i += 1
            continue
        j, (left, right, at) = join
        out[i] = _joined_at(left, right, at)
        del out[j]
    return out


def _joinable(a: OcrLine, b: OcrLine) -> tuple[OcrLine, OcrLine, int] | None:
    """(left, right, where in left the right one starts) for two lines of one row that share characters."""
    if not _one_row(a.bbox, b.bbox):
        return None
    left, right = (a, b) if a.bbox.x <= b.bbox.x else (b, a)
    at = _shared_start(left.text, right.text)
    return None if at is None else (left, right, at)


def _shared_start(left: str, right: str) -> int | None:
    """Where in ``left`` the start of ``right`` (its longest, at least ``MIN_SHARED`` characters) begins,
    ending at most ``SHARED_END`` characters before ``left``'s end; None when it does nowhere."""
    for k in range(min(len(left), len(right)), MIN_SHARED - 1, -1):
        at = left.rfind(right[:k])
        if at >= 0 and at + k >= len(left) - SHARED_END:
            return at
    return None


def _joined_at(left: OcrLine, right: OcrLine, at: int) -> OcrLine:
    """``left``'s text up to ``at``, then ``right``'s; a word of ``left`` cut at ``at`` is one word with
    ``right``'s first ("Đ" + "ức,")."""
    words: list[tuple[int, int, float, BBox]] = []
    cut: tuple[int, float, BBox] | None = None
    for s, e, conf, box in _words_of(left):
        if e <= at:
            words.append((s, e, conf, box))
        elif s < at:
            cut = (s, conf, box)
    for n, (s, e, conf, box) in enumerate(_words_of(right)):
        if n == 0 and cut is not None:
            words.append((cut[0], e + at, min(cut[1], conf), BBox.union([cut[2], box]) or box))
        else:
            words.append((s + at, e + at, conf, box))
    return OcrLine(
        text=left.text[:at] + right.text, confidence=min(left.confidence, right.confidence),
        bbox=BBox.union([left.bbox, right.bbox]) or left.bbox,
        alternatives=(*((i, c) for i, c in left.alternatives if i < at), *((i + at, c) for i, c in right.alternatives)),
        words=tuple(words),
    )  # fmt: skip


def _words_of(line: OcrLine) -> tuple[tuple[int, int, float, BBox], ...]:
    """``line``'s words, or the line as one word when it has none."""
    return line.words or ((0, len(line.text), line.confidence, line.bbox),)


def _one_row(a: BBox, b: BBox) -> bool:
    """Boxes on one row (sharing most of the taller one's height) that overlap side to side."""
    rows = min(a.y + a.h, b.y + b.h) - max(a.y, b.y)
    return rows >= SAME_ROW * max(a.h, b.h) and _overlap(a, b) > 0


WHITE_MARGIN = 0.25  # x the box's height: the paper put around ink read on its own


def on_white(engine: OcrEngine, gray: np.ndarray, box: BBox, mode: ReadMode) -> list[OcrLine]:
    """``box``'s pixels alone on white paper, read at full size: a last try for ink a read left empty.
    A clear line at a cell's top ("TT. Sóc Sơn, H.", aged 1303) came back as nothing from the page, its
    cut-out and a taller box (a rule's remains beside it), so the hometown was accepted without its
    commune; on white margins it reads at 0.95."""
    import cv2

    c = _on_page(gray, box)
    if c is None or c.w < 2 or c.h < 2:
        return []
    pad = max(4, round(WHITE_MARGIN * c.h))
    paper = cv2.copyMakeBorder(gray[c.y : c.y + c.h, c.x : c.x + c.w], pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)
    return moved_lines(engine.read_alone(paper, BBox(0, 0, paper.shape[1], paper.shape[0]), mode, scale=1.0),
                       c.x - pad, c.y - pad)  # fmt: skip
