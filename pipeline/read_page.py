"""Read one page: the composition of the pure stages, from pixels to entries.

    load_page (ingest) -> upright (preprocess) -> find_table / remove_rules (layout)
    -> read_header + match_header (layout, templates) -> read_margins (running title, page number)
    -> per entry row and column: engine.read (ocr) -> split_cell (extract) -> normalize_field (normalize)
    -> validate_entry (normalize) -> PageResult

An unusable input (no table, unknown header) becomes a *quarantined* PageResult with the reason; an
exception from our own code or a tool becomes a *failed* one. Nothing here touches the database.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import time
import traceback
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import cv2
import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from pipeline import PIPELINE_VERSION
from pipeline.extract import CellPart, fold, line_part, split_cell
from pipeline.glyphs import Glyph, cut_glyphs, likeliest, settled_as_read, unlike_glyphs
from pipeline.ingest import InputRejected, load_page
from pipeline.layout import (
    FAINT_INK,
    HeaderMatch,
    PageText,
    cell_box,
    find_table,
    foot_ink,
    has_ink,
    match_header,
    read_foot,
    read_foot_print,
    read_head,
    read_header,
    read_margins,
    remove_rules,
    reread_dark_lines,
    reread_short_lines,
    reread_titles,
    without_slivers,
)
from pipeline.marks import marks_lost
from pipeline.model import (
    BBox,
    Entry,
    FieldStatus,
    FieldValue,
    OcrLine,
    PageImage,
    PageRef,
    PageResult,
    PageStatus,
)
from pipeline.normalize import (
    DATE_WORD_VARIANT,
    DIGIT_ALT_FACTOR,
    REQUIRED_EMPTY_REASON,
    REQUIRED_FIELDS,
    WORDS_FROM_DIGITS,
    EntryRunNear,
    Normalized,
    dates_agreeing_with_words,
    digits_lost,
    doc_numbers_against_dates,
    entry_number_run_near,
    entry_number_sequence,
    named_units,
    names_against_sex,
    normalize_field,
    place_commune_from_page,
    place_commune_suggested,
    place_unit_from_page,
    resolve_place,
    run_numbers,
    validate_entry,
    validate_entry_numbers,
    words_toward_digits,
)
from pipeline.normalize.ids import BOOK_NO_SLASH_LOST, MIN_BOOK_YEAR
from pipeline.normalize.places import (
    REFORM_DATE,
    commune_near,
    commune_suggested,
    district_without_communes,
    era_date,
    garbled_commune,
)
from pipeline.ocr import OcrEngine, get_engine, page_slant, read_cell, scale_for, second_engine, text_height
from pipeline.ocr.engine import alone_image
from pipeline.preprocess import OWN_CORE, own_ink, upright
from pipeline.second_read import (
    REREAD_TYPES,
    SECOND_MODEL_TYPES,
    Reading,
    field_crop,
    read_field_alone,
    read_grey_and_binarized,
)
from pipeline.templates import ColumnSpec, FieldSpec, Template, templates_for

# Field types read with the digits-only OCR mode: whitelisting stops letters creeping into numbers.
_DIGIT_TYPES = {"entry_no"}


@dataclass(frozen=True, slots=True)
class ReadOptions:
    register: str | None = None  # None/"auto": every template competes on the header
    confidence_threshold: float = 0.90  # see hotich/settings.py
    keep_image: bool = False  # return the corrected page image with the result (for review crops)


def read_ref(ref: PageRef, options: ReadOptions, engine: OcrEngine | None = None) -> PageResult:
    """Load and read one page; never raises (the result's status says what happened)."""
    t0 = time.perf_counter()
    try:
        page = load_page(ref)
    except InputRejected as exc:
        return PageResult(ref=ref, status=PageStatus.QUARANTINED, reason=exc.reason, pipeline_version=PIPELINE_VERSION)
    except Exception as exc:  # a tool failed (pdftoppm missing, out of memory): retryable, not the input's fault
        return _failed(ref, exc)
    load_s = time.perf_counter() - t0
    result = read_page(page, options, engine)
    result.timings["load"] = load_s
    return result


def read_page(page: PageImage, options: ReadOptions, engine: OcrEngine | None = None) -> PageResult:
    try:
        return _read(page, options, engine or get_engine())
    except InputRejected as exc:
        return PageResult(ref=page.ref, status=PageStatus.QUARANTINED, reason=exc.reason,
                          pipeline_version=PIPELINE_VERSION)
    except Exception as exc:
        return _failed(page.ref, exc)


def _failed(ref: PageRef, exc: BaseException) -> PageResult:
    where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    at = f" at {where.filename.rsplit('/', 1)[-1]}:{where.lineno}" if where else ""
    return PageResult(ref=ref, status=PageStatus.FAILED, reason=f"{type(exc).__name__}: {exc}{at}"[:500],
                      pipeline_version=PIPELINE_VERSION)


def _read(page: PageImage, options: ReadOptions, engine: OcrEngine) -> PageResult:
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = timings.get(name, 0.0) + now - clock
        clock = now

    up = upright(page.image, engine)
    lap("preprocess")
    table = find_table(up.image, reverse_page=up.reverse_writing)
    if table is None or len(table.rows) < 3 or len(table.cols) < 3:
        raise InputRejected("no ledger table found on the page")
    gray = remove_rules(up.image, table)
    text_h = text_height(gray)  # measured once: the OCR reduction, the slant and the slivers use it
    table = without_slivers(table, gray, text_h)  # after: both rules of a slanted rule found twice are removed
    scale = scale_for(text_h)
    engine.set_page(gray, scale=scale)
    lap("layout")
    titles = read_header(gray, table, engine)
    templates = templates_for(options.register)
    match = match_header(titles, templates)
    # a title matched by elimination (similarity 0) is read again too: its reading is the only evidence
    if unmatched := [c for c in range(len(titles)) if match is None or not match.similarity.get(c)]:
        again = match_header(reread_titles(gray, table, engine, titles, unmatched), templates)
        if again is not None and (match is None or (_titled(again) > _titled(match) and (
                again.template.id == match.template.id or again.score > match.score))):  # fmt: skip
            match = again
    # where a reverse page shows, the page's dark ink alone: its titles and unreadable fields read again in it
    dark = own_ink(gray) if up.reverse_writing else None
    if match is None and dark is not None:
        # a reverse page's header right under the page's own garbles its titles
        match = match_header(reread_titles(dark, table, engine, titles, range(len(titles))), templates)
    if match is None:
        shown = " | ".join(t for t in titles if t)[:200]
        raise InputRejected(f"header row matches no register template (read: {shown or 'nothing'})")
    above, below = read_margins(gray, table, engine)
    lap("header")

    tpl = match.template
    page_fields = _page_fields(tpl, above.lines, below.lines, options.confidence_threshold)
    head_specs = [s for s in tpl.page_fields if s.type in ("book_no", "office")]
    if any(page_fields[s.key].status == FieldStatus.EMPTY for s in head_specs):
        # no book number or office in the whole margin's reading: the paper over the table read alone
        head = read_head(gray, table, engine, int(2 * (text_h or 20)))
        above = PageText([*above.lines, *(ln for ln in head.lines
                                          if not any(ln.bbox.overlap(a.bbox) > 0.5 for a in above.lines))])  # fmt: skip
        retry = _page_fields(tpl, above.lines, below.lines, options.confidence_threshold)
        page_fields |= {s.key: retry[s.key] for s in head_specs if page_fields[s.key].status == FieldStatus.EMPTY}
    _read_title_dark(gray, tpl, page_fields, above.lines, below.lines, engine, options.confidence_threshold)
    second = second_engine()
    for s in tpl.page_fields:
        if s.type == "book_no":
            _doubt_ink_beside_book(gray, page_fields[s.key], [*above.lines, *below.lines])
            page_fields[s.key] = _confirm_book_no(s, page_fields[s.key], _book_readings(
                gray, page_fields[s.key], [*above.lines, *below.lines], engine, second, scale, up.reverse_writing),
                options.confidence_threshold)  # fmt: skip
            page_fields[s.key] = _settle_book_no(s, page_fields[s.key], *_book_line_readings(
                gray, page_fields[s.key], [*above.lines, *below.lines], engine, second, scale),
                options.confidence_threshold)  # fmt: skip
    book_year = _book_year(page_fields)
    page_no_specs = [s for s in tpl.page_fields if s.type == "page_no"]
    foot: list[OcrLine] = []
    # no page number in the whole foot's reading: its middle under the table read alone, then its print run
    # by run (a corner, the sheet's foot far under a short table)
    for more in (lambda: read_foot(gray, table, engine), lambda: read_foot_print(gray, table, engine, text_h)):
        if not any(page_fields[s.key].status == FieldStatus.EMPTY for s in page_no_specs):
            break
        foot += [ln for ln in more().lines if not any(ln.bbox.overlap(f.bbox) > 0.5 for f in foot)]
        retry = _page_fields(tpl, above.lines, foot, options.confidence_threshold)
        page_fields |= {s.key: retry[s.key] for s in page_no_specs}
    foot_lines = [*below.lines, *foot]
    for s in page_no_specs:
        _note_fragment_beside(page_fields[s.key], foot_lines)
        _note_ink_beside(gray, page_fields[s.key], foot_lines)
    unsure, sure = _page_nos_to_check(page_no_specs, page_fields)
    # every page number is settled or confirmed, so the foot is read alone whenever the template has one
    reads = reread_short_lines(gray, foot_lines, engine, text_h=text_h) if page_no_specs else []
    seconds = (reread_short_lines(gray, foot_lines, second, [("line", False)], scale, text_h)
               if page_no_specs and second else [])  # fmt: skip
    for s in unsure:
        first = page_fields[s.key]
        page_fields[s.key] = _settle_page_no(s, first, reads, options.confidence_threshold, seconds)
        _doubt_narrow_page_no(first, page_fields[s.key])
    for s in sure:
        page_fields[s.key] = _confirm_page_no(s, page_fields[s.key], [*reads, *seconds], options.confidence_threshold)
    for s in page_no_specs:
        _doubt_foot_unread(page_fields[s.key], lambda: foot_ink(gray, table))
    for s in tpl.page_fields:
        if s.type == "office":
            _doubt_office_unread(tpl, page_fields[s.key], above.lines)
    entries: list[Entry] = []
    unread: dict[int, dict[str, BBox]] = {}  # per row: the fields of cells that hold ink but read nothing
    n_bands = len(table.rows) - 1
    # italic or slanted entries are sheared upright cell by cell (Tesseract misreads italic digits)
    body_top = table.rows[min(match.header_rows, n_bands)]
    body = BBox(table.cols[0], body_top, table.cols[-1] - table.cols[0], table.rows[-1] - body_top)
    slope = page_slant(gray, body, text_h)
    alone = _Alone(engine, second, gray, slope, scale, dark)
    glyphs: list[tuple[FieldValue, Glyph]] = []  # the rows' accepted digits, held against each other at the end
    ambiguous: list[tuple[FieldValue, list[Glyph], list[Glyph]]] = []  # values a runner-up digit left in doubt
    for row_index, band in enumerate(range(match.header_rows, n_bands), start=1):
        boxes = {c: cell_box(table, band, c) for c in match.columns}
        inked = {c: has_ink(gray, b) for c, b in boxes.items()}
        if not any(inked.values()):
            continue  # an empty row is not a record (part-empty last page)
        parts: list[tuple[FieldSpec, CellPart]] = []
        cell_of: dict[str, BBox] = {}
        lines_of: dict[str, list[OcrLine]] = {}  # per field: its cell's lines
        for c, column in sorted(match.columns.items()):
            lines = read_cell(engine, gray, boxes[c], _mode(column), slope, text_h) if inked[c] else []
            parts.extend(_parts(column, lines))
            cell_of |= {f.key: boxes[c] for f in column.fields}
            lines_of |= {f.key: lines for f in column.fields}
            if inked[c] and not any(ln.text.strip() for ln in lines):
                unread.setdefault(row_index, {}).update({f.key: boxes[c] for f in column.fields})
        if _speck_only(match.columns, inked, lines_of):
            continue  # a blank row of a part-empty page with a speck in one cell
        fields, normalized = _normalize_row(parts, options.confidence_threshold, book_year)
        _read_again(alone, cell_of, [s for s, _ in parts], fields, normalized, options.confidence_threshold)
        _doubt_marks_lost(alone, cell_of, parts, fields)
        _doubt_ink_after_name(alone, cell_of, lines_of, parts, fields)
        _read_cells_dark(alone, match.columns, boxes, fields, normalized, options.confidence_threshold, book_year)
        _cross_check(tpl, fields, normalized, options.confidence_threshold)
        glyphs += _row_glyphs(alone, cell_of, lines_of, fields)
        ambiguous += _ambiguous_glyphs(alone, cell_of, lines_of, fields)
        row_box = BBox.union(list(boxes.values())) or BBox(0, 0, 0, 0)
        entries.append(Entry(row=row_index, bbox=row_box, fields=fields))
    _check_entry_numbers(tpl, entries, options.confidence_threshold)
    _doubt_nines_where_zeros_read_nine(entries)
    _doubt_digits_unlike_page(glyphs)
    _settle_ambiguous_by_glyphs(ambiguous, glyphs, entries, options.confidence_threshold)
    _page_no_by_glyphs(gray, [page_fields[s.key] for s in page_no_specs], glyphs)
    _page_consensus(tpl, entries, options.confidence_threshold, unread)
    _book_year_restores_first_read(entries, book_year)
    _confirm_registration_dates(entries, options.confidence_threshold)
    _confirm_book_year(page_fields, entries, options.confidence_threshold)
    _registration_year_from_rows(entries)
    _confirm_office(tpl, page_fields, entries, options.confidence_threshold)
    _places_in_office_district(tpl, page_fields, entries, book_year)
    _places_in_office_ward(tpl, page_fields, entries, book_year)
    _communes_of_office_marks(tpl, page_fields, entries, book_year)
    # last: a place it settles took its unit word or commune from the page, no separate read to confirm with
    _places_from_page(tpl, page_fields, entries, book_year)
    _office_from_rows(tpl, page_fields, entries, book_year)  # the rows' evidence first, for the office
    _communes_suggested(tpl, page_fields, entries, book_year)
    _doubt_still_empty(tpl, entries, unread)
    lap("cells")

    h, w = gray.shape[:2]
    return PageResult(
        ref=page.ref, status=PageStatus.PROCESSED, register=tpl.register, template_id=tpl.id,
        rotation=up.rotation, skew=up.skew, width=w, height=h, page_fields=page_fields, entries=entries,
        timings=timings, pipeline_version=PIPELINE_VERSION, image=up.image if options.keep_image else None,
    )


def _titled(match: HeaderMatch) -> int:
    """How many of the match's columns a title read matched (not taken by elimination)."""
    return sum(1 for c in match.columns if match.similarity.get(c))


SPECK_CHARS = 2  # letters or digits: a speck or a stroke read, never a record's lone written cell


def _speck_only(columns: dict[int, ColumnSpec], inked: dict[int, bool], lines_of: dict[str, list[OcrLine]]) -> bool:
    """Whether a row's only ink is one cell (``inked``), not its entry number's, whose lines (``lines_of``
    its fields) read at most SPECK_CHARS letters or digits. An entry holds ink in several cells (its number,
    a name, a date), so such a row is a blank row with a speck: photo 1405's empty fourth row read "5¬" in
    the officer's column and became an entry."""
    [*cells] = (c for c, ink in inked.items() if ink)
    if len(cells) != 1 or any(f.type in _DIGIT_TYPES for f in columns[cells[0]].fields):
        return False
    lines = lines_of[columns[cells[0]].fields[0].key]
    return sum(ch.isalnum() for ln in lines for ch in ln.text) <= SPECK_CHARS


def _doubt_still_empty(tpl: Template, entries: list[Entry], unread: dict[int, dict[str, BBox]]) -> None:
    """What no step filled stays empty only where nothing is missing: a required field is invalid (the
    validation's reason; one whose column matched no title is added so), and a field whose cell holds ink
    that read as nothing goes to review, its cell as the crop. Both had been left empty, unseen: on 24
    degraded aged and book pages 5 names read empty in inked cells (1 such cell held a stamp only)."""
    required = REQUIRED_FIELDS.get(tpl.register, ())
    for e in entries:
        for key in required:  # its column matched no title: the row is the reviewer's crop
            e.fields.setdefault(key, FieldValue(key=key, raw="", value=None, confidence=0.0, bbox=e.bbox,
                                                status=FieldStatus.EMPTY, rules=["column_not_found"]))  # fmt: skip
        cells = unread.get(e.row, {})
        for key, f in e.fields.items():
            if f.status != FieldStatus.EMPTY:
                continue
            if key in cells:
                f.bbox = f.bbox or cells[key]
                f.rules = [*f.rules, "ink_unread"]
            if key in required:
                f.status, f.reason = FieldStatus.INVALID, REQUIRED_EMPTY_REASON
            elif key in cells:
                f.status = FieldStatus.LOW_CONFIDENCE
                f.reason = "ô có mực nhưng không đọc được chữ / the cell holds ink but no text was read"


def _mode(column: ColumnSpec) -> str:
    return "digits" if all(f.type in _DIGIT_TYPES for f in column.fields) else "block"


def _parts(column: ColumnSpec, lines: list[OcrLine]) -> list[tuple[FieldSpec, CellPart]]:
    parts = split_cell(column, lines)
    return [(spec, parts[spec.key]) for spec in column.fields]


def _normalize_row(
    parts: list[tuple[FieldSpec, CellPart]], threshold: float, book_year: str | None = None
) -> tuple[dict[str, FieldValue], dict[str, Normalized]]:
    """Normalize a row's fields; the registration date goes first so places resolve in their era (the
    book's year when the date is unreadable: ``_record_era``)."""
    fields: dict[str, FieldValue] = {}
    normalized: dict[str, Normalized] = {}
    on_date = book_year
    for spec, part in sorted(parts, key=lambda sp: sp[0].key != "ngayDangKy"):
        fields[spec.key], normalized[spec.key] = _field(spec, part, threshold, on_date)
        if spec.key == "ngayDangKy":
            n = normalized[spec.key]
            on_date = _record_era(n.value if n.status == "ok" else None, book_year)
    return fields, normalized


def _record_era(registered: str | None, book_year: str | None) -> str | None:
    """The date a row's places are read in (``normalize_field``'s ``on_date``): its registration date when
    read (an ISO date, or part of one), else the year of the book it is in ("01/2008": 2008; a record is
    registered in its book's year), else None: the normalizer then takes no place only the 2025 units
    place without doubt, since the register may predate the reform. Never an unreadable date's text."""
    if era_date(registered):
        return registered
    return book_year


def _book_year(page_fields: dict[str, FieldValue]) -> str | None:
    """The year of the page's book number ("01/2008" -> "2008") when read, as the era of rows whose
    registration date is not (``_record_era``). A year after the reform's is taken only when read
    confidently: a misread one would read an older book's places as 2025 units and accept them; an
    older year read faintly reads them in the legacy era first, which fails to review."""
    book = page_fields.get("quyenSo")
    if book is None or book.status not in _READ or not book.value:
        return None
    m = _BOOK_NO.fullmatch(book.value)
    if m is None or not _register_year(m[2]):
        return None
    if m[2] > REFORM_DATE[:4] and book.status != FieldStatus.OK:
        return None
    return m[2]


def _register_year(year: str) -> bool:
    """A year a register's book may carry: from ``MIN_BOOK_YEAR`` to this year."""
    return MIN_BOOK_YEAR <= int(year) <= dt.date.today().year


def _field(
    spec: FieldSpec, part: CellPart, threshold: float, on_date: str | None = None
) -> tuple[FieldValue, Normalized]:
    # inside one field a line break is a wrap of the same text, never a separator; a name keeps its lines
    # (same length: the alternatives' offsets hold) so that a first line of noise can be told apart
    text = part.raw if spec.type == "person_name" else " ".join(part.raw.split("\n"))
    norm = normalize_field(spec.type, text, confidence=part.confidence if part.raw else None, on_date=on_date,
                           alternatives=part.alternatives, words=part.words)  # fmt: skip
    # the normalizer lowers confidence when it had to guess (a close lexicon call), so use its figure
    confidence = norm.confidence if norm.confidence is not None else part.confidence
    if norm.status == "empty" or norm.value is None and not part.raw.strip():
        status = FieldStatus.EMPTY
    elif norm.status == "invalid":
        status = FieldStatus.INVALID
    elif confidence < threshold or norm.reason is not None:
        # a value the normalizer reads as right but doubts says why (a 2025 unit, the era unknown)
        status = FieldStatus.LOW_CONFIDENCE
    else:
        status = FieldStatus.OK
    fv = FieldValue(key=spec.key, raw=part.raw, value=norm.value, confidence=confidence, bbox=part.bbox,
                    status=status, reason=norm.reason, rules=list(norm.rules), details=dict(norm.details))
    return fv, norm


MARK_INK_UNREAD = "mark_ink_unread"  # rule: a mark's ink above a word of capitals read bare


def _doubt_marks_lost(
    alone: _Alone, cell_of: dict[str, BBox], parts: list[tuple[FieldSpec, CellPart]], fields: dict[str, FieldValue]
) -> None:
    """An accepted name with a word of capitals read bare whose image has a mark above (``marks.marks_lost``)
    goes to review: ANH for ÁNH, THANH for THÀNH, HOA for HÒA are all names, so no lexicon doubts them; on
    the 108 kept sets 4 of the 11 values accepted wrong were such names. Words paired with the value's in
    order, only where OCR read as many."""
    for spec, part in parts:
        f = fields[spec.key]
        if spec.type != "person_name" or f.status != FieldStatus.OK or not f.value:
            continue
        read = [(t, b) for (t, _), b in zip(part.words, part.word_boxes, strict=False) if any(c.isalpha() for c in t)]
        words = f.value.split()
        if len(read) != len(words) or not (lost := marks_lost(alone.gray, cell_of[spec.key], alone.slope,
                                                               [(v, t, b) for v, (t, b) in zip(words, read, strict=True)])):  # fmt: skip
            continue
        shown = ", ".join(lost)
        f.status = FieldStatus.LOW_CONFIDENCE
        f.reason = (f"có nét dấu phía trên chữ '{shown}' mà không đọc được dấu / ink of a mark stands above "
                    f"'{shown}', read with no mark")  # fmt: skip
        f.rules = [*f.rules, f"{MARK_INK_UNREAD}:{shown}"]


NAME_INK_AFTER = "ink_after_name"  # rule: unread ink after a name's word on its line, or between its lines
NAME_SPACE = 0.25  # of a word's box height: the space between two words of a name, at least
LINE_SPACE = 0.15  # of a word's box height: the lines of a wrapped name stand at least this far apart
CUT_SHORT = 0.75  # of the name's median width a letter: a word's box narrower a letter was cut short
# of a letter's height (the name's shortest word box): a word's box this tall may hold two lines, one of
# them unread (or its stacked marks: a line's letters are at least LINE_BODY of a letter's height tall)
TWO_LINES_TALL = 1.7
LINE_BODY = 0.6


def _doubt_ink_after_name(
    alone: _Alone, cell_of: dict[str, BBox], lines_of: dict[str, list[OcrLine]],
    parts: list[tuple[FieldSpec, CellPart]], fields: dict[str, FieldValue],
) -> None:  # fmt: skip
    """An accepted name with unread dark ink, a letter tall, where a word of it would stand (after a word on
    its line, between its lines) goes to review: a word OCR left out of every box. Held-out 169's ĐỖ DIỆU
    MY, its MY under a stamp, was accepted as ĐỖ DIỆU; a two-word name is as valid. The cell is cut and
    sheared upright as it was read (``alone_image``), so an italic word's box lies on its own letters."""
    for spec, part in parts:
        f = fields[spec.key]
        # the officer's name may have a signature beside it, and the page's other rows check it
        if spec.type != "person_name" or spec.page_constant or f.status != FieldStatus.OK:
            continue
        named = [(sum(c.isalpha() for c in t), b) for (t, _), b in zip(part.words, part.word_boxes, strict=False)
                 if any(c.isalpha() for c in t)]  # fmt: skip
        if not named or (cut := alone_image(alone.gray, cell_of[spec.key], alone.slope)) is None:
            continue
        img, dx, dy = cut
        read = [BBox(b.x - dx, b.y - dy, b.w, b.h) for ln in lines_of[spec.key] for *_, b in ln.words]
        words = [BBox(b.x - dx, b.y - dy, b.w, b.h) for _, b in named]
        # a box far narrower a letter than the name's others' was cut short: the ink after it is its own
        pitch = float(np.median([b.w / n for n, b in named]))
        whole = [w for (n, _), w in zip(named, words, strict=True) if w.w / n >= CUT_SHORT * pitch]
        # a word's box stretched over a line OCR did not read (book 1167's PHAN / NGỌC / XUÂN read PHAN XUÂN,
        # XUÂN's box over NGỌC's line too); a letter's height is the shortest box of a word of two letters
        # or more (a speck read as a letter is no measure)
        letter = min((w.h for (n, _), w in zip(named, words, strict=True) if n >= 2), default=0)
        stretched = letter > 0 and any(
            w.h >= TWO_LINES_TALL * letter and _lone_line_bodies(img, w, [v for v in words if v != w], letter) >= 2
            for w in words
        )
        if stretched or any(_ink_after(img, w, read) for w in whole) or any(
            _ink_between(img, a, b, read) for a, b in itertools.pairwise(words) if b.y >= a.y + a.h
        ):
            f.status = FieldStatus.LOW_CONFIDENCE
            f.reason = ("có nét chữ chưa đọc cạnh tên / unread ink where a word of the name would stand: a word "
                        "may be lost")  # fmt: skip
            f.rules = [*f.rules, NAME_INK_AFTER]


def _lone_line_bodies(cell: np.ndarray, box: BBox, others: Sequence[BBox], letter: int) -> int:
    """How many runs of rows of ``box`` on a ``cell``'s image hold dark ink, each at least ``LINE_BODY`` of
    a ``letter``'s height tall (a line's letters, not the marks stacked above them: TRẦN's box, twice the
    height of MINH's, holds one), beside no ``others`` word's box (a line whose words were read)."""
    rows = (cell[max(0, box.y) : box.y + box.h, max(0, box.x) : box.x + box.w] < OWN_CORE).any(axis=1)
    edges = np.flatnonzero(np.diff(np.concatenate(([0], rows.view(np.int8), [0]))))
    top = max(0, box.y)
    bodies = [(top + a, top + b) for a, b in zip(edges[::2], edges[1::2], strict=True) if b - a >= LINE_BODY * letter]
    return sum(not any(o.y < b and a < o.y + o.h for o in others) for a, b in bodies)


def _ink_after(cell: np.ndarray, word: BBox, read: Sequence[BBox]) -> bool:
    """Whether a dark mark at least half a letter tall stands on the image of a ``cell`` right after the
    ``word`` on its line, past a space's width and within a letter's (its box's height), with no word
    ``read`` starting there: a word read after it (the name's next, ", sinh…", a dash) is the line's next
    word, so none is lost before it. The space keeps the word's own last letter's edge out."""
    end = word.x + word.w
    x0, x1 = end + round(NAME_SPACE * word.h), min(end + round((NAME_SPACE + 1) * word.h), cell.shape[1])
    if any(b.y < word.y + word.h and word.y < b.y + b.h and end <= b.x < x1 for b in read):
        return False
    return x1 - x0 >= 3 and _glyph_tall(cell, BBox(x0, word.y, x1 - x0, word.h), OWN_CORE)


def _ink_between(cell: np.ndarray, upper: BBox, lower: BBox, read: Sequence[BBox]) -> bool:
    """Whether a dark mark at least half a letter tall stands between a name's word ``upper`` and its next
    word ``lower`` on a line below, over their columns, where no word ``read`` lies: a line of the name lost."""
    pad = round(LINE_SPACE * upper.h)
    y0, y1 = upper.y + upper.h + pad, lower.y - pad
    x0, x1 = min(upper.x, lower.x), max(upper.x + upper.w, lower.x + lower.w)
    band = BBox(x0, y0, x1 - x0, y1 - y0)
    if y1 - y0 < upper.h // 2 or any(band.overlap(b) > 0 for b in read):
        return False
    return _glyph_tall(cell, band, OWN_CORE, upper.h // 2)


@dataclass(frozen=True, slots=True)
class _Alone:
    """What reads a field again as an image of its own: the page's engine, the second model's (None when
    not installed), the page (rules removed), its slant and its OCR reduction; on a page whose reverse page
    shows, the page's dark ink alone (``own_ink``)."""

    engine: OcrEngine
    second: OcrEngine | None
    gray: np.ndarray
    slope: float
    scale: float
    dark: np.ndarray | None = None


def _read_again(
    alone: _Alone, cell_of: dict[str, BBox], specs: list[FieldSpec], fields: dict[str, FieldValue],
    normalized: dict[str, Normalized], threshold: float,
) -> None:  # fmt: skip
    """A faint or unreadable digit field read again alone (pipeline/second_read.py), as the page's grey
    and binarized. A faint read is accepted when a reading alone gives it again and none gives another
    valid value; not when the doubt was the normalizer's own guess (a runner-up digit that also makes a
    valid value, a "/" taken for a 1, a leading 0 restored): the same glyphs read alone lead to the same
    guess (a dotted 0 read as 9 on a typewriter face: on the sample-generator pages 19 of 138 such reads
    agreed wrongly, against 2 of 284 others). An unreadable one that both readings alone give as one
    valid value takes it, still for review (raw kept, the value read under read_as); separate evidence
    (the date in words, the page's date order) may accept it later. Then the second model reads what is
    still in doubt (``_ask_second_model``). On a page whose reverse page shows (``alone.dark``), a field
    still unreadable, or faint, is read once more in the page's dark ink alone."""
    reg = normalized.get("ngayDangKy")
    on_date = reg.value if reg is not None else None
    for spec in specs:
        f, n = fields[spec.key], normalized[spec.key]
        faint = f.status == FieldStatus.LOW_CONFIDENCE and "confidence_factor" not in f.details
        unread = f.status == FieldStatus.INVALID and n.status == "invalid"
        if f.bbox is None:
            continue
        n_lines = f.raw.count("\n") + 1
        crop = field_crop(f.bbox, cell_of[spec.key], n_lines)  # cheap: a box; read only as asked below
        if spec.type in REREAD_TYPES and (faint or unread):
            readings = read_grey_and_binarized(alone.engine, alone.gray, crop, spec.type, n_lines,
                                               slope=alone.slope, on_date=on_date)  # fmt: skip
            values = {r.normalized.value for r in readings if r.normalized.status == "ok"}
            # a reading alone that is itself a guess ("Sh50": an hour read as letters) vouches for nothing
            sure = {r.normalized.value for r in readings if r.normalized.status == "ok"
                    and "confidence_factor" not in r.normalized.details}  # fmt: skip
            if faint and values == {f.value} and sure:
                _vouch(f, threshold, "read_alone_agrees")
            elif unread and len(values) == 1 and all(r.normalized.status == "ok" for r in readings):
                _take_reading(f, readings[0], "read_alone_value", "đọc lại riêng ô", "read again alone")
                normalized[spec.key] = readings[0].normalized
            elif values - {f.value}:
                f.details = {**f.details, "read_alone": sorted(str(v) for v in values)}
        lone_one = _lone_one(spec.type, f)
        if spec.type in SECOND_MODEL_TYPES and alone.second is not None and (
                f.status in (FieldStatus.LOW_CONFIDENCE, FieldStatus.INVALID) or _ambiguous_digit(f, threshold)
                or lone_one):  # fmt: skip
            readings = read_grey_and_binarized(alone.second, alone.gray, crop, spec.type, n_lines,
                                               slope=alone.slope, on_date=on_date, scale=alone.scale)  # fmt: skip
            still_unread = f.status == FieldStatus.INVALID and normalized[spec.key].status == "invalid"
            if (taken := _ask_second_model(f, still_unread, readings, spec.type, threshold)) is not None:
                normalized[spec.key] = taken
            elif lone_one and (other := f.details.get("second_model")):
                f.status = FieldStatus.LOW_CONFIDENCE
                f.reason = (f"mô hình thứ hai đọc {other} (số 1 đứng một mình có thể là 11) / a second model reads "
                            f"{other} (a lone 1 may be an 11 read as one)")  # fmt: skip
                f.rules = [*f.rules, LONE_ONE_DOUBTED]
        # on a page whose reverse page shows: a field still unreadable, or a faint read of words, read again
        # in the page's dark ink alone (one reading for either)
        unreadable = f.status == FieldStatus.INVALID and normalized[spec.key].status == "invalid"
        faint_words = (f.status == FieldStatus.LOW_CONFIDENCE and bool(f.value)
                       and not any(ch.isdigit() for ch in f.value or ""))  # fmt: skip
        if alone.dark is None or not (unreadable or faint_words):
            continue
        dark = read_field_alone(alone.engine, alone.dark, crop, spec.type, n_lines, slope=alone.slope,
                                on_date=on_date)  # fmt: skip
        dn = dark.normalized
        if unreadable and dn.status == "ok":
            # the reverse page's letters kept beside the page's own garble a cell ("d **` v* 31/i0/20ồ4");
            # in the dark ink alone it reads (aged 1301: 6 of a page's 14 unreadable fields, none wrongly)
            _take_reading(f, dark, "read_dark_ink", "đọc lại trên mực đậm", "read again in the page's dark ink")
            normalized[spec.key] = dn
            _accept_sure_dark_words(f, dn.confidence, threshold)
        elif faint_words and dn.status == "ok" and dn.value == f.value and (dn.confidence or 0.0) >= threshold:
            # the reverse page's grey beside the letters lowered the figure. In the dark ink alone, the same
            # value read as surely as an accepted field settles that doubt; a doubt the print itself gives (a
            # mark, a guess) keeps its lower figure there too. On 14 aged kept sets (degraded, the reverse
            # page showing: 622 fields flagged), 94 right faint reads were so accepted and no wrong one (read
            # alike at any figure: 203 right, 6 wrong). Not a value holding digits (a date, a number, a
            # remark's date, "phường 11"): a digit's shape is read alike in the dark ink (a 13 read 15 both
            # ways, at 0.88); digit fields have their readings above
            _vouch(f, threshold, "dark_ink_agrees")


def _read_cells_dark(
    alone: _Alone, columns: dict[int, ColumnSpec], boxes: dict[int, BBox], fields: dict[str, FieldValue],
    normalized: dict[str, Normalized], threshold: float, book_year: str | None,
) -> None:  # fmt: skip
    """A cell a field of which is still unreadable, on a page whose reverse page shows: the whole cell read
    again in the page's dark ink alone, split and normalized as the first read was. A field the first read
    left invalid that this read makes valid takes its value, for review (raw kept, the first value under
    ``read_as``; rule ``read_dark_ink_cell``): a field's own box, cut from garbled words, can miss its
    print, where the cell's does not."""
    if alone.dark is None:
        return
    for c, column in columns.items():
        bad = [s.key for s in column.fields if s.key in fields and fields[s.key].status == FieldStatus.INVALID
               and normalized[s.key].status == "invalid"]  # fmt: skip
        if not bad:
            continue
        lines = alone.engine.read_alone(alone.dark, boxes[c], "block", slope=alone.slope)
        if not any(ln.text.strip() for ln in lines):
            continue
        again, norm = _normalize_row(_parts(column, lines), threshold, book_year)
        for key in bad:
            g, n = again.get(key), norm.get(key)
            if g is None or n is None or n.status != "ok" or not g.value:
                continue
            f = fields[key]
            f.details = {**g.details, "read_as": f.value}
            f.value, f.status, f.bbox = g.value, FieldStatus.LOW_CONFIDENCE, g.bbox or f.bbox
            f.confidence = min(f.confidence, g.confidence)
            f.rules = [*f.rules, "read_dark_ink_cell"]
            f.reason = (f"đọc được '{f.raw}', đọc lại cả ô trên mực đậm: {g.value} / read '{f.raw}', the cell read "
                        f"again in the page's dark ink: {g.value}")  # fmt: skip
            normalized[key] = n
            _accept_sure_dark_words(f, g.confidence, threshold)


def _accept_sure_dark_words(f: FieldValue, confidence: float | None, threshold: float) -> None:
    """An unreadable field that the page's dark ink alone reads as words (no digit) as surely as an accepted
    field is accepted: the reverse page's grey garbled the first read, not the print. Read so, 43 fields of
    the 40 kept Chromium sets were right and none wrong (2 of digits were wrong: a digit's shape is read alike
    in the dark ink, so digits stay for review)."""
    if (confidence or 0.0) >= threshold and f.value and not any(ch.isdigit() for ch in f.value):
        _vouch(f, threshold, "dark_ink_sure")
        f.confidence = confidence or threshold


def _ask_second_model(
    f: FieldValue, unread: bool, readings: list[Reading], field_type: str, threshold: float
) -> Normalized | None:
    """What the second model's two readings alone (grey, binarized) say of a field left in doubt, when
    both are plain (``Reading.plain``) and agree. The same value: a faint read is accepted, and an entry
    number's runner-up digit no longer makes it ambiguous (the page's run still judges it). Another value
    with no fewer digits (eng drops a last digit it cannot read, it does not add one) replaces an
    unreadable read or the normalizer's guess (a runner-up digit, a repaired separator), still for review;
    on the kept pages of 49 Chromium seeds 72 such values were right where vie's had been wrong, 1 wrong
    where vie's had been right. Not a merely faint read (there eng was wrong as often as right: 2000 for
    2006 in a year) unless vie read eng's value alone too or eng's has more digits (eng drops digits, it
    does not add them), nor a value vie's readings alone gave: the other value is shown. Returns the
    normalization taken, if any."""
    values = {r.normalized.value for r in readings}
    if len(values) != 1 or not all(r.plain(field_type) for r in readings):
        return None
    value = values.pop()
    if value == f.value:
        if f.details.get("read_alone"):
            return None  # vie read it otherwise alone: the readings disagree, the reviewer sees both
        if any(r.normalized.rules for r in readings):
            return None  # eng's 5 read S or $ (Reading.plain): a guess like vie's, no second reading of it
        if f.status == FieldStatus.LOW_CONFIDENCE:
            _vouch(f, threshold, "second_model_agrees")
        else:
            f.rules = [*f.rules, "second_model_agrees"]
        return None
    guessed = "confidence_factor" in f.details or "ocr_digit_ambiguous" in f.rules
    # vie read it so alone too (two readings against one), with no fewer digits
    seconded = value in (f.details.get("read_alone") or ()) and _digits(value) >= _digits(f.value)
    # a faint read shorter than eng's lost a digit (eng drops digits, it does not add them: an 8-digit
    # CMND read 9 by eng was right 3 times of 3 on kept pages)
    longer = _digits(value) > _digits(f.value)
    no_shorter = _digits(value) >= _digits(f.value) and "read_alone_value" not in f.rules
    # a document number's label ("Số") may come back from eng as a digit before it: a longer reading is no
    # evidence there, so eng's other value replaces only an unreadable one
    if not (unread or seconded or ((guessed or longer) and no_shorter and field_type != "doc_no")):
        f.details = {**f.details, "second_model": value}
        return None
    _take_reading(f, readings[0], "second_model_value", "mô hình thứ hai đọc", "a second model reads")
    return readings[0].normalized


def _take_reading(f: FieldValue, reading: Reading, rule: str, how_vi: str, how_en: str) -> None:
    """Give ``f`` the value of a reading alone, for review: its raw kept, its earlier value under read_as
    (which the page's date order weighs as another reading: _confirm_registration_dates)."""
    value = reading.normalized.value
    f.details = {**reading.normalized.details, "read_as": f.value}
    f.value, f.status = value, FieldStatus.LOW_CONFIDENCE
    f.rules = [*f.rules, rule]
    f.reason = f"đọc được '{f.raw}', {how_vi}: {value} / read '{f.raw}', {how_en}: {value}"


def _digits(value: str | None) -> int:
    return sum(ch.isdigit() for ch in value or "")


def _cross_check(
    tpl: Template, fields: dict[str, FieldValue], normalized: dict[str, Normalized], threshold: float
) -> None:
    _words_toward_digits(fields, normalized)
    bad = validate_entry(tpl.register, normalized)
    for key, reason in bad.items():
        if key in fields and fields[key].status != FieldStatus.EMPTY:
            fields[key].status = FieldStatus.INVALID
            fields[key].reason = reason
    # a sex the entry contradicts (the ID's sex digit) says nothing of a name, nor a bad date of a number
    fine = {k: v for k, v in normalized.items() if k not in bad}
    for key, n in {**names_against_sex(fine), **doc_numbers_against_dates(fine)}.items():
        f = fields[key]
        if f.status in _READ:  # the fitting value is a guess: shown, for the reviewer to decide
            f.value, f.rules, f.details = n.value, n.rules, n.details
            f.status, f.reason = FieldStatus.LOW_CONFIDENCE, n.reason
            normalized[key] = n
    _rule_out_alternatives(tpl, fields, normalized, bad, threshold)
    _doubt_place_without_commune(fields)
    _confirm_declarant(fields, threshold)
    for pair in dates_agreeing_with_words(normalized):
        if any(WORDS_FROM_DIGITS in fields[key].rules for key in pair):
            continue  # the words were made to agree
        for key in pair:
            if fields[key].status == FieldStatus.LOW_CONFIDENCE and DATE_WORD_VARIANT not in fields[key].rules:
                _vouch(fields[key], threshold, "date_digits_words_agree")


def _rule_out_alternatives(
    tpl: Template, fields: dict[str, FieldValue], normalized: dict[str, Normalized], bad: dict[str, str],
    threshold: float,
) -> None:  # fmt: skip
    """A value OCR's runner-up digit makes into another valid one (``ocr_digit_ambiguous``) is no coin toss
    where that other value breaks the entry's cross-field checks and the value does not (a death in 1998 on
    a row registered in 1996, a death notice dated 1986 for it, an ID's birth-year digits against the birth
    date): the value loses no confidence for the runner-up, and goes to review only if its read was faint.
    On aged 1321 eight dates of one death page were so flagged, each runner-up a year off."""
    types = {f.key: f.type for c in tpl.columns for f in c.fields}
    for key, n in normalized.items():
        f, alt = fields.get(key), n.details.get("digit_alternative")
        if (f is None or alt is None or key in bad or f.status != FieldStatus.LOW_CONFIDENCE
                or "ocr_digit_ambiguous" not in f.rules or f.value != n.value or types.get(key) == "entry_no"):  # fmt: skip
            continue
        other = normalize_field(types[key], alt)
        if other.status != "ok" or not set(validate_entry(tpl.register, {**normalized, key: other})) - set(bad):
            continue
        f.confidence = min(1.0, f.confidence / DIGIT_ALT_FACTOR)
        f.rules = [*f.rules, f"digit_alternative_ruled_out:{alt}"]
        if f.confidence >= threshold and f.reason is None:
            f.status = FieldStatus.OK


def _words_toward_digits(fields: dict[str, FieldValue], normalized: dict[str, Normalized]) -> None:
    """A date in words garbled past reading, given its words by the entry's digit date, for review; where
    the words had read as another date the digits are doubted as well (the two cells disagreed)."""
    raws = {k: f.raw for k, f in fields.items() if f.status != FieldStatus.EMPTY}
    for key, n in words_toward_digits(normalized, raws).items():
        f = fields[key]
        f.value, f.rules, f.status, f.reason = n.value, [*f.rules, *n.rules], FieldStatus.LOW_CONFIDENCE, n.reason
        f.details = {**n.details}
        normalized[key] = n
        digits = fields.get(n.details["digits_field"])
        if n.details["disagreed"] and digits is not None and digits.status == FieldStatus.OK:
            digits.status = FieldStatus.LOW_CONFIDENCE
            digits.reason = (f"ngày bằng chữ đọc được '{n.details['read_as']}' / the date in words reads "
                             f"'{n.details['read_as']}'")  # fmt: skip


# a value was read, however faint: the statuses that evidence across cells weighs
_READ = (FieldStatus.OK, FieldStatus.LOW_CONFIDENCE)

# A residence, or the place of a death, names its commune (or a facility). One that stops at the district
# or the province has lost its first line to the cell above or to the page's edge: on bench pages of
# every mode, 3 such fields accepted, all wrong (a birth's home town, which often names only its district,
# 168 right). Shown for review; not where the district has no commune (an island: huyện Côn Đảo).
_NAMES_ITS_COMMUNE = frozenset({"nktNoiCuTru", "meNoiCuTru", "chaNoiCuTru", "chongNoiCuTru", "voNoiCuTru",
                                "nktNoiChet"})  # fmt: skip


def _doubt_place_without_commune(fields: dict[str, FieldValue]) -> None:
    for key in _NAMES_ITS_COMMUNE & fields.keys():
        f = fields[key]
        roles = [p.get("role") for p in f.details.get("parts") or ()]
        district = ((f.details.get("legacy") or {}).get("district") or {}).get("code")
        if (f.status == FieldStatus.OK and roles and "ward" not in roles and not f.details.get("facility")
                and not (district and district_without_communes(district))):  # fmt: skip
            f.status = FieldStatus.LOW_CONFIDENCE
            f.reason = ("nơi cư trú / nơi chết không có xã, phường: mất dòng đầu? / the place names no commune: "
                        "its first line lost?")  # fmt: skip
            f.rules = [*f.rules, "place_without_commune"]


def _vouch(f: FieldValue, threshold: float, rule: str) -> None:
    """Accept a faint read that another, separate read confirms: status ok at least at the threshold,
    with the rule that vouched for it."""
    f.status, f.reason = FieldStatus.OK, None
    f.confidence = max(f.confidence, threshold)
    f.rules = [*f.rules, rule]


# the declarant's relation that makes him or her the parent named in the other column
_PARENT_BY_RELATION = {"cha": "chaHoTen", "cha đẻ": "chaHoTen", "bố": "chaHoTen", "bố đẻ": "chaHoTen",
                       "mẹ": "meHoTen", "mẹ đẻ": "meHoTen"}  # fmt: skip


def _confirm_declarant(fields: dict[str, FieldValue], threshold: float) -> None:
    """A birth declared by a parent names that parent twice, in separate cells (the parent's column and
    the declarant's): two reads agreeing on the name vouch for each other when each is merely faint. A
    declarant named as a parent whose relation reads otherwise ("chú" for "cha") is flagged."""
    _check_declarant_relation(fields)
    rel = fields.get("nycQuanHe")
    parent_key = _PARENT_BY_RELATION.get(rel.value or "") if rel and rel.status in _READ else None
    declarant = fields.get("nycHoTen")
    parent = fields.get(parent_key) if parent_key else None
    if declarant is None or parent is None or not declarant.value or not parent.value:
        return
    if declarant.value != parent.value:
        _doubt_marks_apart(declarant, parent, parent_key or "")
        return
    if rel is None or rel.status != FieldStatus.OK:
        return
    pair = (declarant, parent)
    # a name taken for the person's sex is a guess: a separate read agreeing confirms it, another guess not
    if any(f.status not in _READ or _shared_doubt(f) for f in pair) or all(_sex_guess(f) for f in pair):
        return
    for f in pair:
        if f.status == FieldStatus.LOW_CONFIDENCE:
            _vouch(f, threshold, f"same_person:{parent_key}")


def _doubt_marks_apart(declarant: FieldValue, parent: FieldValue, parent_key: str) -> None:
    """The parent who declared the birth, named in two cells with the same letters under other marks
    ("TRẦN HỒNG HÒA" as the father, "TRẦN HỒNG HOA" as the declarant: a lost grave, accepted at 0.93 on a
    fresh book seed): one of the reads lost or gained a mark, and either is a listed name, so both go to
    review, each saying what the other reads."""
    if (fold(declarant.value or "") != fold(parent.value or "") or declarant.status not in _READ
            or parent.status not in _READ):  # fmt: skip
        return
    for f, other, vi, en in ((declarant, parent, "cha/mẹ", "the parent"),
                             (parent, declarant, "người đi khai", "the declarant")):  # fmt: skip
        f.status = FieldStatus.LOW_CONFIDENCE
        f.rules = [*f.rules, f"marks_differ:{parent_key}"]
        f.reason = (f"cùng người, {vi} đọc được '{other.value}': khác dấu / the same person, {en} reads "
                    f"'{other.value}': the marks differ")  # fmt: skip


def _check_declarant_relation(fields: dict[str, FieldValue]) -> None:
    rel, declarant = fields.get("nycQuanHe"), fields.get("nycHoTen")
    if rel is None or declarant is None or not rel.value or not declarant.value or rel.status not in _READ:
        return
    for key, vi, en in (("chaHoTen", "cha", "the father"), ("meHoTen", "mẹ", "the mother")):
        parent = fields.get(key)
        if parent is None or parent.status not in _READ or parent.value != declarant.value:
            continue
        if _PARENT_BY_RELATION.get(rel.value) == key:
            continue
        if Levenshtein.distance(fold(rel.value), fold(vi)) <= 1:
            # a letter misread ("chú" for "cha" on italic pages: 4 rows of 2 fresh seeds): shown as the parent
            rel.details = {**rel.details, "read_as": rel.value}
            rel.value, rel.status = vi, FieldStatus.LOW_CONFIDENCE
            rel.rules = [*rel.rules, f"relation_of_parent_named:{key}"]
            rel.reason = (f"người đi khai trùng tên {vi}, quan hệ đọc được là '{rel.details['read_as']}' / the "
                          f"declarant has the name of {en}, the relation reads '{rel.details['read_as']}'")  # fmt: skip
            continue
        rel.status = FieldStatus.INVALID
        rel.reason = (f"người đi khai trùng tên {vi} nhưng quan hệ đọc được là '{rel.value}' / the declarant "
                      f"has the name of {en} but the relation reads '{rel.value}'")  # fmt: skip


CONSENSUS_MIN_ROWS = 3


def _page_consensus(tpl: Template, entries: list[Entry], threshold: float,
                    unread: dict[int, dict[str, BBox]] | None = None) -> None:  # fmt: skip
    """Page-constant fields: when at least 3 rows and most of the page read the same value, a row whose
    low-confidence read is that value is accepted (independent reads of separate cells agreeing); a
    confident read of another value goes to review. Agreement settles OCR noise, not a doubt every row shares:
    the same print misread the same way ("ĐHẠM" for PHẠM) or a diacritic the lexicon finds ambiguous
    (VĨNH / VINH) is no more certain for being read eight times, so such values are left to review.
    A faint read that is no whole name (garbled, a word, or nothing where the cell holds ink: ``unread``, per
    row) or that is the page's name with words lost or added is shown as the page's name, still for review
    (``_suggest_page_name``). A faint clean name that differs otherwise keeps its value."""
    for key in (f.key for c in tpl.columns for f in c.fields if f.page_constant):
        cells = [e.fields[key] for e in entries if key in e.fields]
        read = [f for f in cells if f.value]
        faint = [f for f in read if f.status == FieldStatus.LOW_CONFIDENCE]  # before the demotions below
        # a name taken for the officer's sex is a guess, no vote; the rows that read it so can confirm it
        counts = Counter(f.value for f in read if f.status in _READ and not _sex_guess(f))
        value, n = counts.most_common(1)[0] if counts else (None, 0)
        agreed = n >= CONSENSUS_MIN_ROWS and n * 2 > len(read)
        if agreed:
            for f in read:
                # a confident read of another value: another officer that day, or the same name misread
                # ("DŨNG" for DUNG on one row of five); either way a reviewer looks
                if f.value != value and f.status == FieldStatus.OK:
                    f.status = FieldStatus.LOW_CONFIDENCE
                    f.reason = (f"khác với {n} dòng khác của trang ({value}) / differs from {n} other rows of "
                                f"the page ({value})")  # fmt: skip
        inked = {id(e.fields[key]): (unread or {}).get(e.row, {}).get(key) for e in entries if key in e.fields}
        unsure = [f for f in cells if f.status == FieldStatus.INVALID
                  or f.status == FieldStatus.EMPTY and inked.get(id(f)) is not None]  # fmt: skip
        _suggest_page_name(read if agreed else [f for f in read if _whole_name(f)], [*faint, *unsure], inked)
        if not agreed or any(_shared_doubt(f) for f in read if f.value == value):
            continue
        for f in read:
            if f.value == value and f.status == FieldStatus.LOW_CONFIDENCE and not _suggested(f):
                _vouch(f, threshold, f"page_consensus:{n}")


def _whole_name(f: FieldValue) -> bool:
    """A read that is a name as a reader would write it: two words or more, every syllable listed."""
    return len((f.value or "").split()) >= 2 and not f.details.get("unknown_syllables")


def _suggest_page_name(voters: list[FieldValue], doubtful: list[FieldValue], inked: dict[int, BBox | None]) -> None:
    """Show a doubtful read (faint, invalid, or nothing read in an inked cell: its box in ``inked``) as the
    name most ``voters`` read, for review: where the page agrees (``_page_consensus``), or where its whole
    names do, two rows or one confident one, and more than half of them. Only a read that is no whole name
    ("CẨN", "XS", "NGUYỄN CÔNG ÀTỆ ĐA", nothing) or the page's name with words lost ("HỒNG VY" for TRẦN
    HỒNG VY) or added (a stamp's word after it) is shown so: the reviewer confirms rather than retypes. Read
    again, the 66 Chromium sets of stop 34 showed 73 officer names right that had been wrong (of 98 wrong in
    the 60 kept ones), and none wrong that had been right. A clean name a mark away (ĐINH VÂN KIÊN) may be
    another officer: as read;
    so are a minority name (no list holds it), the words of another whole name the page reads ("MAI" beside
    LÊ THỊ MAI), and anything where the page's name is itself no whole name ("TÂM" read on three rows)."""
    counts = Counter(f.value for f in voters if f.status in _READ and not _sex_guess(f))
    ranked = counts.most_common(2)
    if not ranked or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return
    value, n = ranked[0]
    confident = any(f.value == value and f.status == FieldStatus.OK for f in voters)
    model = next(f for f in voters if f.value == value)
    # the page's name must be whole as shown (its reads' raw syllables aside: "WW" read for VY on every row)
    if n * 2 <= sum(counts.values()) or (n < 2 and not confident) or len((value or "").split()) < 2:
        return
    others = {f.value for f in voters if f.value != value and _whole_name(f)}
    for f in doubtful:
        if f.value == value or not (f.value is None or not _whole_name(f) or _words_lost_or_added(f.value, value)):
            continue
        if f.value and ("'" in f.value or any(_words_lost(f.value, o) for o in others)):
            continue  # a minority name no list holds (H'BLƠNG); the words of another name the page reads ("MAI")
        f.rules = [*f.rules, f"page_consensus_suggested:{n}"]
        if shown := f.value or " ".join(f.raw.split()):
            f.reason = (f"đọc được '{shown}', gần với {n} dòng khác của trang / read '{shown}', close "
                        f"to {n} other rows of the page")  # fmt: skip
        else:
            f.bbox = f.bbox or inked.get(id(f))
            f.rules.append("ink_unread")
            f.reason = (f"ô có mực nhưng không đọc được chữ; {n} dòng khác của trang ghi {value} / the cell holds "
                        f"ink but no text was read; {n} other rows of the page read {value}")  # fmt: skip
        # the value's parts are the page's; what was read (and its doubts) is kept under read_as
        read_as = f.details.get("read_as") or {
            "value": f.value, **{k: f.details[k] for k in _READ_DOUBTS if k in f.details}}  # fmt: skip
        f.details = {**{k: v for k, v in f.details.items() if k not in _READ_DOUBTS},
                     **{k: model.details[k] for k in _NAME_PARTS if k in model.details}, "read_as": read_as}
        f.value, f.status = value, FieldStatus.LOW_CONFIDENCE


def _words_lost(read: str, value: str) -> bool:
    """A read that is ``value`` with words lost, marks aside."""
    a, b = set(fold(read).split()), set(fold(value).split())
    return bool(a) and a < b


def _words_lost_or_added(read: str, value: str) -> bool:
    """A read that is the page's value with words lost ("HỒNG VY" for TRẦN HỒNG VY: a stacked accent
    dropped the line) or with words added (a stamp's letters read after the name), marks aside."""
    return _words_lost(read, value) or _words_lost(value, read)


_NAME_PARTS = ("ho", "dem", "ten")
_READ_DOUBTS = ("unknown_syllables", "corrections")


def _suggested(f: FieldValue) -> bool:
    return any(r.startswith("page_consensus_suggested") for r in f.rules)


# a lexicon correction whose runner-up scored within this (log weight) of the choice was a close call
CLOSE_CALL_MARGIN = 1.0


def _shared_doubt(f: FieldValue) -> bool:
    """A doubt in the value itself, which every read of the same print shares: an unknown syllable, a
    look-alike the lists prefer, a tone restored where the lists write it in two places (two reads that
    both lost the mark of THUỲ agree on THÙY by the same guess, not by evidence), or a correction that was a
    close call (an officer's "Chỉ" on three rows taken for CHÍ each time, where CHI was nearly as likely:
    on 41 + 16 kept Chromium sets 6 such consensus reads were wrong, 10 right, all by the same guess), or a
    mark's ink above a word read bare (``_doubt_marks_lost``: aged 1351's father and declarant both read
    THANH for THÀNH, and had vouched for each other)."""
    return any(r.startswith(MARK_INK_UNREAD) for r in f.rules) or bool(f.details.get("unknown_syllables")) or any(
        "suspect" in c or "placement" in c or (c.get("margin") is not None and c["margin"] < CLOSE_CALL_MARGIN)
        for c in f.details.get("corrections", ())
    )


def _sex_guess(f: FieldValue) -> bool:
    """A name shown as the listed name of the person's sex, not as read (``names_against_sex``)."""
    return any(r.startswith("name_sex_sibling") for r in f.rules)


def _check_entry_numbers(tpl: Template, entries: list[Entry], threshold: float) -> None:
    """A page's entry numbers run on: a gap or a repeat is flagged; where the page's run is clear, a
    misread or unread number gets the run's value (raw kept, flagged for the reviewer), and a
    low-confidence read that the run predicts is accepted (the confident rows vouch for it)."""
    keys = [f.key for c in tpl.columns for f in c.fields if f.type == "entry_no"]
    if not keys:
        return
    numbered = [e.fields.get(keys[0]) for e in entries]
    short = _a_digit_short(numbered, threshold)  # on the numbers as read, before the run repairs any

    def taken(keep: Callable[[FieldValue], bool]) -> list[str | None]:  # each row's number, if ``keep``
        return [f.value if f is not None and keep(f) else None for f in numbered]

    def ok(f: FieldValue) -> bool:
        return f.status == FieldStatus.OK

    def ambiguous(f: FieldValue) -> bool:
        return _ambiguous_digit(f, threshold)

    # a number read surely but for a runner-up digit counts for the page's run (which repairs a misread
    # row), yet is never vouched for by it: on an italic page every row keeps its 5/3 runner-up, and the run
    # of 356, 357, 358 is as consistent as the true 556, 557, 558
    values = taken(lambda f: ok(f) or ambiguous(f))
    bad = validate_entry_numbers(values)
    run = entry_number_sequence(values)
    # a run that numbers read surely but for a runner-up make repairs faint rows, not a sure one off it
    # (but for a sure one that only lost digits: "1" on 561's row of a run of 556-562; below)
    run_sure = entry_number_sequence(taken(lambda f: ok(f) and not ambiguous(f)))
    read = taken(lambda f: f.status in _READ)
    if run is None and (faint := entry_number_sequence(read, min_votes=2)) is not None:
        # too few confident numbers for a run, but the faint ones make one: a confident number off it is
        # doubted ("21" above "212", "213"), though not replaced (faint reads may share a misread digit),
        # unless the run's number is its own runner-up reading (an italic 356 whose 3 may be a 5, over 557
        # and 558 that the second model read): still for review
        off_run: dict[int, str] = {}
        for i, v in enumerate(values):
            if v is None or v == faint[i]:
                continue
            f = numbered[i]
            if f is not None and f.details.get("digit_alternative") == faint[i] and "second_model_agrees" not in f.rules:
                f.value, f.rules = faint[i], [*f.rules, "entry_no_from_sequence"]
                f.details = {**f.details, "read_as": v}
                values[i] = faint[i]  # its neighbours no longer break the numbering
                off_run[i] = (f"đọc được '{f.raw}', chữ số đọc thay cho {faint[i]}, theo thứ tự các số khác của "
                              f"trang / read '{f.raw}', its runner-up digit gives {faint[i]}, the run of the "
                              f"page's other numbers")  # fmt: skip
            else:
                off_run[i] = (f"số {v} không theo thứ tự các số khác của trang ({faint[i]}) / entry number {v} is "
                              f"off the run the page's other numbers make ({faint[i]})")  # fmt: skip
        bad = {**off_run, **validate_entry_numbers(values)}
    # the run most reads agree on, faint ones included, vouches for a faint read when at least two
    # confident reads lie on it too (a digit misread the same way on every row stays unconfirmed)
    vouched = entry_number_sequence(read)
    sure = taken(ok)
    if vouched is not None and sum(v == vouched[i] for i, v in enumerate(sure) if v is not None) < 2:
        vouched = None
    split = _runs_a_digit_apart(read)
    if split:
        vouched = None
    # the run the ambiguous rows' runner-up digits make, when it is another (an italic page's 551-553 read
    # 351, 352, 353 with a 5 nearly as likely on the first and last: the middle one, read surely, is as
    # doubtful, since the same 5 is printed there)
    alt_run = entry_number_sequence([f.details.get("digit_alternative") if f is not None and f.status in _READ
                                     and "second_model_agrees" not in f.rules else None for f in numbered], 2)
    if alt_run is not None and alt_run == run:
        alt_run = None
    # no run read whole, as on a page the reverse side's ink strikes: the run that reads with digits lost
    # make ("36", "3" above "338", "339") repairs the rows it can tell
    near = entry_number_run_near(read) if run is None else None
    sure_run = entry_number_sequence(sure, min_votes=2)
    if near is not None and sure_run is not None and sure_run != near.numbers:
        near = None  # the sure reads make a run of their own: faint reads do not overrule them
    if near is not None and (longer := _longer_run(short, len(numbered))) is not None and longer != near.numbers:
        # the short reads' run is the longer number's with digits lost (fresh book 1171: "71" read by both
        # models above "T4", "T5", "T6", whose 7 went as a letter; run 1-7 had made "Tï" 7, not 77)
        near = EntryRunNear(longer, sum(v == longer[i] for i, v in enumerate(read) if v is not None))
    # how many sure reads lie on it: a sure read is repaired only where two do
    on_near = sum(v == near.numbers[i] for i, v in enumerate(sure) if v is not None) if near else 0
    for i, f in enumerate(numbered):
        if f is None:
            continue
        if (alt_run is not None and f.status == FieldStatus.OK and not ambiguous(f) and i not in bad
                and f.value and len(f.value) == len(alt_run[i]) and Levenshtein.distance(f.value, alt_run[i]) == 1):  # fmt: skip
            f.status = FieldStatus.LOW_CONFIDENCE
            f.reason = (f"chữ số đọc thay của các số khác trong trang cho dãy khác: dòng này là {alt_run[i]}? / the "
                        f"runner-up digits of the page's other numbers make another run: this row would be "
                        f"{alt_run[i]}")  # fmt: skip
            continue
        if vouched is not None and f.status == FieldStatus.LOW_CONFIDENCE and f.value == vouched[i] and not ambiguous(f):
            _vouch(f, threshold, "entry_no_in_sequence")
            continue
        if split and f.status == FieldStatus.OK and i not in bad and f.value and f.value.isdecimal() and (
                int(f.value) - i in split):  # fmt: skip
            f.status = FieldStatus.LOW_CONFIDENCE
            here = " / ".join(str(o + i) for o in split)  # what this row is on either run
            f.reason = (f"số của trang đọc thành hai dãy, dòng này là {here} / the page's entry numbers read as "
                        f"two runs: this row is {here}")  # fmt: skip
            continue
        reason = bad.get(i)
        mine = i in short and short[i].confirmed  # ``_doubt_digit_short``'s to show (below)
        given = None  # the number a run gives this row, and how the reviewer is told
        if run is not None and f.value != run[i] and (run_sure is not None or f.status != FieldStatus.OK or (
                digits_lost(f.value or "", run[i]) and not mine and not _second_models(f))):  # fmt: skip
            given = run[i], ("thứ tự số của trang", "the page's run of entry numbers")
        elif (near is not None and f.value != near.numbers[i] and not mine
              # a row a longer number's confirmed run explains is ``_doubt_digit_short``'s (below); an
              # unconfirmed one is repaired where that run and this one agree
              and (i not in short or short[i].number == near.numbers[i])
              and _near_run_repairs(f, near, i, on_near, i in short)):  # fmt: skip
            given = near.numbers[i], ("các số khác của trang (có số mất chữ số)",
                                      "the run the page's other numbers make (some with digits lost)")
        if given is not None:
            number, (vi, en) = given
            reason = f"đọc được '{f.raw}', {vi} cho {number} / read '{f.raw}', {en} gives {number}"
            f.value = number
            f.rules = [*f.rules, "entry_no_from_sequence"]
        if reason:
            f.status = FieldStatus.INVALID
            f.reason = reason
    _doubt_digit_short(numbered, short)


def _near_run_repairs(f: FieldValue, near: EntryRunNear, i: int, sure_on_it: int, short_agrees: bool) -> bool:
    """Whether the run ``entry_number_run_near`` found gives row ``i`` its number: a row unread, or read
    with digits lost (a sure read so only where two sure reads lie on the run, ``sure_on_it``, or a longer
    number's run gives it the same number, ``short_agrees``: "4" under 41 and a second model's 42), or read
    unsurely otherwise (a digit off, a digit more) where three rows read the run whole or its runner-up
    digit gives the number. A sure read off the run stays as read: only its own digits tell it ("522"
    between "321" and "323" is 522 misread as the 3/5 of an italic, or the 321 and 323 are), and so does a
    read of the second model's."""
    number = near.numbers[i]
    if not f.value or not f.value.isdecimal():
        return True
    if _second_models(f):
        return False  # the second model's reading is no misread the first's runs can overrule
    if digits_lost(f.value, number):
        return f.status != FieldStatus.OK or sure_on_it >= 2 or short_agrees
    return f.status != FieldStatus.OK and (near.exact >= 3 or f.details.get("digit_alternative") == number)


def _second_models(f: FieldValue) -> bool:
    """Read the same by the second model, or given its value."""
    return bool({"second_model_agrees", "second_model_value"} & set(f.rules))


@dataclass(slots=True)
class _DigitOff:
    """A row whose entry number is one digit off the run a longer (or second-model) number anchors."""

    number: str  # the run's number on this row
    read: str  # the row's number as read
    anchor: int  # the anchoring number's row
    confirmed: bool  # the run is shown: the anchor was read by both models, or two anchors agree
    on_run: dict[int, str]  # the anchoring rows of a confirmed run and their numbers as read


def _a_digit_short(numbered: Sequence[FieldValue | None], threshold: float) -> dict[int, _DigitOff]:
    """Rows whose number reads one digit short of the run a longer number on the page gives ("41", "42",
    "43" above a "424": the squeezed 2 of a page curled into the binding lost on three rows, their run as
    consistent as the true one). The longer number is one read surely or one the second model read or
    gave; the run is confirmed when the second model read it too or another longer number gives the same
    run, and a confirmed run also takes in a faint read one digit long of it ("4235" for 425). A number the
    second model gave also doubts a sure number one digit off its run (not confirmed). Numbers below 1 are
    no run's."""
    vals = [f.value if f is not None and f.value and f.value.isdecimal() else None for f in numbered]
    anchors = [(j, int(v) - j, "second_model_agrees" in f.rules) for j, (v, f) in enumerate(zip(vals, numbered, strict=True))
               if v is not None and f is not None and (f.status == FieldStatus.OK or (
                   _second_models(f) and f.status in _READ))]  # fmt: skip
    runs = Counter(offset for _, offset, _ in anchors)
    out: dict[int, _DigitOff] = {}
    for j, offset, agreed in anchors:
        longer = vals[j] or ""
        # two more reads as long on its run, faint ones too, confirm it ("141" and "145" read faintly around
        # a sure "146", over "12", "14", "14" on a book photograph's squeezed rows)
        along = sum(1 for k, v in enumerate(vals) if k != j and v is not None and len(v) == len(longer)
                    and int(v) - k == offset and (g := numbered[k]) is not None and g.status in _READ)  # fmt: skip
        confirmed = agreed or runs[offset] >= 2 or along >= 2
        width = len(longer) if longer.startswith("0") else 0  # "01", "02": zeros printed
        on_run = {k: v for k, o, _ in anchors if o == offset and (v := vals[k]) is not None and len(v) == len(longer)}

        def number(i: int, offset: int = offset, width: int = width) -> str | None:
            return str(offset + i).zfill(width) if offset + i >= 1 else None

        def note(i: int, c: str, w: str, sure: bool, j: int = j, on_run: dict[int, str] = on_run) -> None:
            if i not in out or (sure and not out[i].confirmed):
                out[i] = _DigitOff(c, w, j, sure, on_run if sure else {})

        for i, w in enumerate(vals):
            c = number(i)
            if w is not None and c is not None and i != j and len(w) + 1 == len(longer) and _one_dropped(w, c):
                note(i, c, w, confirmed)
        if (anchor := numbered[j]) is not None and "second_model_value" in anchor.rules:
            # the second model's own reading gives a run a sure number is one digit off, not in its last
            # place (303 among 301, 302 and the second model's 504: the italic 5 read 3): doubted only
            for i, w in enumerate(vals):
                f, c = numbered[i], number(i)
                if (w is not None and c is not None and f is not None and f.status == FieldStatus.OK
                        and len(w) == len(c) and w[-1] == c[-1] and Levenshtein.distance(w, c) == 1):  # fmt: skip
                    note(i, c, w, False)
        if not confirmed:
            continue
        for i, w in enumerate(vals):  # a faint read a digit long of the confirmed run ("4235" for 425)
            f, c = numbered[i], number(i)
            if w is not None and c is not None and f is not None and f.confidence < threshold and _one_dropped(c, w):
                note(i, c, w, True)
    # a run whose anchor is itself a digit short of a confirmed longer run anchors nothing (fresh book 1171:
    # "4", "5", "6" short of 71's run had made a faint "12" the run 1-7's 2, one digit long)
    return {i: d for i, d in out.items() if not (d.anchor in out and out[d.anchor].confirmed)}


def _longer_run(short: dict[int, _DigitOff], rows: int) -> list[str] | None:
    """Each row's number on the one run the confirmed short rows (``_a_digit_short``) are short of; None
    when none is confirmed, or two are."""
    offsets = {int(d.number) - i for i, d in short.items() if d.confirmed}
    if len(offsets) != 1:
        return None
    return run_numbers(offsets.pop(), [(i, d.number) for i, d in short.items() if d.confirmed], rows)


def _doubt_digit_short(numbered: Sequence[FieldValue | None], short: dict[int, _DigitOff]) -> None:
    """A number a digit off a longer number's run (``_a_digit_short``) goes to review, shown as the run's
    number when the run is confirmed; the run's own numbers, which the short rows' run had rewritten or
    flagged, are then shown as read again, in the page's run (still for review)."""
    for i, d in short.items():
        f = numbered[i]
        if f is None or f.value == d.number:
            continue
        longer = numbered[d.anchor]
        reason = (f"đọc được '{f.raw}', lệch một chữ số với dãy số {longer.value if longer else ''} ở dòng "
                  f"{d.anchor + 1} cho: {d.number} / read '{f.raw}', one digit off the run of the number on row "
                  f"{d.anchor + 1}, which gives {d.number}")  # fmt: skip
        if d.confirmed:  # shown as the longer number's run, not as the short rows' run may have rewritten it
            f.value, f.details = d.number, {**f.details, "read_as": d.read}
            f.rules = [*(r for r in f.rules if r != "entry_no_from_sequence"), "entry_no_digit_lost"]
            f.status, f.reason = FieldStatus.LOW_CONFIDENCE, reason
        elif f.status == FieldStatus.OK:
            f.status, f.reason = FieldStatus.LOW_CONFIDENCE, reason
        for k, v in d.on_run.items():
            g = numbered[k]
            if g is not None and g.status == FieldStatus.INVALID:
                g.value, g.status = v, FieldStatus.LOW_CONFIDENCE
                g.rules = [r for r in g.rules if r != "entry_no_from_sequence"]
                g.reason = (f"các dòng khác đọc lệch một chữ số ('{f.raw}' cho {d.number}) / other rows read a digit "
                            f"off ('{f.raw}' for {d.number})")  # fmt: skip


def _ambiguous_digit(f: FieldValue, threshold: float) -> bool:
    """Read surely but for a runner-up digit that also makes a number (normalize.DIGIT_ALT_FACTOR), and
    neither read the same by the second model nor replaced by its value."""
    return ("ocr_digit_ambiguous" in f.rules and not _second_models(f)
            and f.confidence >= threshold * DIGIT_ALT_FACTOR)  # fmt: skip


LONE_ONE_DOUBTED = "lone_one_second_model"  # rule: a date's lone 1 read otherwise by the second model
_LONE_ONE = re.compile(r"(?<![\d])1(?=\s*[-/.]\s*\d)")  # a day or month written as one 1


def _lone_one(field_type: str, f: FieldValue) -> bool:
    """An accepted date whose day or month reads as one 1: an italic 11 read as one 1 (aged 1383's
    20-11-1970 was accepted as 20-1-1970 at 0.96). The second model, reading it alone, gives the 11 it
    sees: its plain readings alike of another date send the field to review (LONE_ONE_DOUBTED)."""
    return field_type == "date" and f.status == FieldStatus.OK and bool(_LONE_ONE.search(f.raw))


def _runs_a_digit_apart(read: list[str | None]) -> tuple[int, ...]:
    """The offsets (number - row index) of two runs the page's reads make, each on two rows at least, one
    digit apart and not in the last place ("516", "518" against "317", "319", "320": an italic 5 read as 3 on
    most rows); () when there are none. Two runs apart in the last digit are a gap in the numbering; a jump
    of a hundred between two blocks of rows also matches, which costs a review, never a wrong value."""
    offsets = Counter(int(v) - i for i, v in enumerate(read) if v and v.isdecimal())
    runs = sorted(o for o, n in offsets.items() if n >= 2 and o > 0)
    for a, b in itertools.combinations(runs, 2):
        x, y = str(a), str(b)
        diff = [k for k in range(len(x)) if len(x) == len(y) and x[k] != y[k]]
        if len(x) == len(y) >= 2 and len(diff) == 1 and diff[0] < len(x) - 1:
            return a, b
    return ()


REGISTRATION_WINDOW_DAYS = 31  # a register page fills in days or weeks, not months


def _confirm_registration_dates(entries: list[Entry], threshold: float) -> None:
    """A register is written in date order: a faint registration date that lies on or after the
    confident one of the row above and on or before that of the row below (the nearest ones, at least one
    of them), within a month of each, is accepted, unless OCR's runner-up digit or the field read again
    alone gives another date that fits too (the order then cannot tell the readings apart: an italic 5
    read as 3 had been accepted so, the reading alone giving 5), or an A stood for the digit. An
    unreadable one whose text allows several dates takes the only one that fits, flagged."""
    dates = [e.fields.get("ngayDangKy") for e in entries]
    _doubt_date_digit_lost(dates)
    _doubt_out_of_order(dates)
    sure = [_full_date(f.value) if f is not None and f.status == FieldStatus.OK else None for f in dates]
    read = [_full_date(f.value) if f is not None and f.status in _READ else None for f in dates]

    for i, f in enumerate(dates):
        if f is None:
            continue
        if f.status == FieldStatus.INVALID and f.details.get("candidates"):
            # a text that reads as several dates ("tháng II": February or 11): the one the order allows
            # becomes the value, still for the reviewer (the order narrows, it does not read); the rows
            # around may be faint themselves, as the choice is not accepted
            before, after = _around(i, read)
            fit = [c for c in f.details["candidates"] if (d := _full_date(c)) and _fits(d, before, after)]
            if (before or after) and len(fit) == 1:
                f.value, f.status = fit[0], FieldStatus.LOW_CONFIDENCE
                f.rules = [*f.rules, "registration_order_chose"]
            continue
        if _order_restores_first_read(f, *_around(i, read)):
            read[i] = _full_date(f.value)  # the rows below are weighed against the first read
            continue
        before, after = _around(i, sure)
        if before is None and after is None:
            continue
        if f.status != FieldStatus.LOW_CONFIDENCE or (d := _full_date(f.value)) is None:
            continue
        if "registration_digit_lost" in f.rules:
            continue  # out of order among the dates read: the accepted ones alone must not vouch for it
        if any(r.startswith("ocr_letters_in_date") and "A" in r.split("->")[0] for r in f.rules):
            # an A taken for an open 4 ("A/11/2002"): a look-alike met on few pages so far, and any day that
            # fits would fit as well ("]" or "l" for 1 and "S" for 5 are common and stay confirmable)
            continue
        # every other reading: the runner-up digit, vie read alone, the second model's, and what a value
        # taken from a reading alone replaced (read_as)
        others = [_full_date(v) for v in [f.details.get("digit_alternative"), *f.details.get("read_alone", []),
                                          f.details.get("second_model"), f.details.get("read_as")]]
        if (first := _full_date(f.details.get("read_as"))) is not None and not _fits(first, before, after):
            # the first read out of order with a digit lost fits too: "11/1/2014" between 8 and 15 November
            # is 11/11 as well as the second model's 14/11 (accepted on aged 1303)
            others += [_full_date(v) for v in _one_digit_more(f.raw)]
        if _fits(d, before, after) and not any(o and o != d and _fits(o, before, after) for o in others):
            _vouch(f, threshold, "registration_order")


# rules of a value another reading gave in place of the first read's (which ``read_as`` keeps)
_READ_AGAIN_VALUES = ("second_model_value", "read_dark_ink", "read_dark_ink_cell", "read_alone_value")


def _order_restores_first_read(f: FieldValue, before: dt.date | None, after: dt.date | None) -> bool:
    """A registration date another reading replaced (the second model's, the page's dark ink, the cell
    read alone), out of the page's order where the first read fits it, gets the first read back, still for
    review: "06/11/1999" read whole by vie between dates of November 1999, eng's "1996" had been taken (a
    fresh clean page, seed 1117). A first read that allows several dates ("tháng II": February or 11) gives
    back the one that fits: the dark ink's "tháng I" had been taken between 31 October and 6 November
    (aged 1337). The order narrows, it does not read."""
    if f.status != FieldStatus.LOW_CONFIDENCE or not (before or after) or not set(_READ_AGAIN_VALUES) & set(f.rules):
        return False
    d = _full_date(f.value)
    if d is None or _fits(d, before, after):
        return False
    fit = [c for c in _first_read_dates(f.details.get("read_as")) if _fits(c, before, after)]
    if len(fit) != 1:
        return False
    _first_read_back(f, fit[0], "ngoài thứ tự ngày của trang", "out of the page's date order")
    f.rules = [*f.rules, "registration_order_chose"]
    return True


def _first_read_dates(read_as: str | None) -> list[dt.date]:
    """The dates a first read gives: its value, or the text's candidates where it read as several."""
    if not read_as:
        return []
    if (d := _full_date(read_as)) is not None:
        return [d]
    n = normalize_field("date", " ".join(read_as.split()))
    return [d for c in n.details.get("candidates", ()) if (d := _full_date(c)) is not None]


def _first_read_back(f: FieldValue, first: dt.date, why_vi: str, why_en: str) -> None:
    """The first read's date replaces another reading's value, which is kept under ``second_model`` (the
    second model's) or ``read_again``."""
    date = {"year": first.year, "month": first.month, "day": first.day, "precision": "day"}
    if "second_model_value" in f.rules:
        f.details = {"date": date, "second_model": f.value}  # the second model's reading's details are its own
        f.reason = (f"đọc được '{f.raw}'; mô hình thứ hai đọc {f.value}, {why_vi} / read '{f.raw}'; a second "
                    f"model reads {f.value}, {why_en}")  # fmt: skip
    else:
        f.details = {"date": date, "read_again": f.value}
        f.reason = (f"đọc được '{f.raw}'; đọc lại cho {f.value}, {why_vi} / read '{f.raw}'; read again as "
                    f"{f.value}, {why_en}")  # fmt: skip
    f.value = first.isoformat()


def _book_year_restores_first_read(entries: list[Entry], book_year: str | None) -> None:
    """A registration date the second model's reading replaced with one of another year than the book's,
    where the first read is in the book's year, gets the first read back, still for review: "5-11-2000"
    in book 01/2000, where eng's "2006" had been taken on two rows of a clean page (seed 1307), which the
    page's order could then not undo. A record is registered in its book's year."""
    if book_year is None:
        return
    for e in entries:
        f = e.fields.get("ngayDangKy")
        if f is None or "second_model_value" not in f.rules or f.status != FieldStatus.LOW_CONFIDENCE:
            continue
        d, first = _full_date(f.value), _full_date(f.details.get("read_as"))
        if d is not None and first is not None and str(d.year) != book_year == str(first.year):
            _first_read_back(f, first, f"khác năm của quyển {book_year}", f"not the book's year {book_year}")
            f.rules = [*f.rules, "registration_year_of_book"]


_WINDOW = dt.timedelta(days=REGISTRATION_WINDOW_DAYS)


def _fits(d: dt.date, before: dt.date | None, after: dt.date | None) -> bool:
    """A registration date in the page's order: on or after the date above and within the window of it,
    on or before the date below and within the window of it (a missing neighbour does not bound)."""
    return (before is None or before <= d <= before + _WINDOW) and (after is None or after - _WINDOW <= d <= after)


def _around(i: int, anchors: Sequence[dt.date | None]) -> tuple[dt.date | None, dt.date | None]:
    """The nearest anchor dates above and below row ``i``."""
    before = next((x for x in reversed(anchors[:i]) if x is not None), None)
    return before, next((x for x in anchors[i + 1 :] if x is not None), None)


def _doubt_out_of_order(dates: Sequence[FieldValue | None]) -> None:
    """An accepted registration date that no longest run of the page's dates in order holds goes to review
    (rule ``registration_out_of_order``): "12/11/1998" above 05, 07, 07 and 08/11/1998 (a fresh book
    photograph's 02/11 read 12 at 0.93, accepted). A register is written in date order, so a date off
    every such run is misread, or written out of turn; one on some run is left alone, as when a neighbour's
    misread makes two runs as long (which of them is right the order cannot tell)."""
    read = [(i, d) for i, f in enumerate(dates) if f is not None and f.status in _READ
            and (d := _full_date(f.value)) is not None]  # fmt: skip
    if len(read) < 3:
        return  # two dates out of order: either may be the misread one
    # the longest run in order ending at each date, and starting at it
    ending: dict[int, int] = {}
    for i, d in read:
        ending[i] = 1 + max((ending[j] for j, e in read if j < i and e <= d), default=0)
    starting: dict[int, int] = {}
    for i, d in reversed(read):
        starting[i] = 1 + max((starting[j] for j, e in read if j > i and d <= e), default=0)
    longest = max(ending.values())
    for i, _ in read:
        f = dates[i]
        if f is None or f.status != FieldStatus.OK or ending[i] + starting[i] - 1 == longest:
            continue
        f.status = FieldStatus.LOW_CONFIDENCE
        f.reason = ("ngày đăng ký ngoài thứ tự ngày của trang / the registration date is out of the page's "
                    "date order")  # fmt: skip
        f.rules = [*f.rules, "registration_out_of_order"]


def _doubt_date_digit_lost(dates: Sequence[FieldValue | None]) -> None:
    """An accepted registration date out of the page's order that a digit lost would put in it goes to
    review: "01/1/2022" above "4/11/2022" and "07/11/2022" (a fresh book photograph's month 11 at the page's
    edge, where the curl narrows the letters, read "1"; two such dates were accepted, one of them vouching
    for a third by the order). The neighbours are the dates read (accepted or faint) around it; a date that
    only the lost digit's reading fits is doubted, never changed: which digit was lost is a guess."""
    read = [_full_date(f.value) if f is not None and f.status in _READ else None for f in dates]
    for i, f in enumerate(dates):
        d = read[i]
        if f is None or d is None or f.status != FieldStatus.OK:
            continue
        before, after = _around(i, read)
        if (before is None and after is None) or _fits(d, before, after):
            continue
        fitting = sorted({c for c in _one_digit_more(f.raw) if (x := _full_date(c)) and _fits(x, before, after)})
        if fitting:
            f.status = FieldStatus.LOW_CONFIDENCE
            f.reason = (f"ngày đăng ký ngoài thứ tự của trang; thiếu một chữ số thì là {' / '.join(fitting)} / the "
                        f"registration date is out of the page's order; with a digit lost it may be {' / '.join(fitting)}")  # fmt: skip
            f.rules = [*f.rules, "registration_digit_lost"]
            f.details = {**f.details, "digit_lost": fitting}


NINE_ZERO_ROWS = 2  # rows of a column read 9 with 0 as runner-up (or the reverse) that cast doubt on its 9s


def _nine_or_zero(value: str | None, alt: object) -> bool:
    """Whether ``alt`` is ``value`` with one 9 read for 0 or the reverse."""
    if not value or not isinstance(alt, str) or len(alt) != len(value):
        return False
    diff = [(a, b) for a, b in zip(value, alt, strict=True) if a != b]
    return len(diff) == 1 and set(diff[0]) == {"0", "9"}


def _doubt_nines_where_zeros_read_nine(entries: Sequence[Entry]) -> None:
    """A font whose zero OCR reads as 9 (a typewriter's dotted zero): where at least ``NINE_ZERO_ROWS`` rows
    of a column hold a digit OCR read 9 or 0 with the other as runner-up (``ocr_digit_ambiguous``), a value
    of that column accepted with a 9 and no runner-up goes to review too, unchanged: its 9 may be a zero
    read surely (generator seed 425's typewritten death page: "0 giờ 50 phút" read 09:59 at 0.97 under
    four rows flagged 9 / 0)."""
    columns: dict[str, list[FieldValue]] = {}
    for e in entries:
        for key, f in e.fields.items():
            columns.setdefault(key, []).append(f)
    for fs in columns.values():
        if sum(_nine_or_zero(f.value, f.details.get("digit_alternative")) for f in fs) < NINE_ZERO_ROWS:
            continue
        for f in fs:
            if f.status == FieldStatus.OK and f.value and "9" in f.value and "ocr_digit_ambiguous" not in f.rules:
                f.status = FieldStatus.LOW_CONFIDENCE
                f.reason = ("trang này đọc lẫn chữ số 0 và 9 ở cột này; giá trị có chữ số 9 / this page's 0 and 9 "
                            "are read for each other in this column, and the value holds a 9")  # fmt: skip
                f.rules = [*f.rules, "page_nine_zero_confused"]


DIGIT_UNLIKE_PAGE = "digit_unlike_page"  # rule: a digit whose ink sits among the page's glyphs of another
GLYPH_LINE_PAD = 0.3  # of a line's height, above and below: its box from a sheared read is rough
# a value another read gave: its raw is the first read's, so its characters no longer pair with the value
_VALUE_NOT_AS_READ = ("ocr_digit_alternative", "ocr_digits", *_READ_AGAIN_VALUES)


def _as_read(f: FieldValue) -> bool:
    """Whether ``f`` is accepted with digits and a value made of its raw as read."""
    return (f.status == FieldStatus.OK and _digits(f.value) > 0
            and not any(r.startswith(_VALUE_NOT_AS_READ) for r in f.rules))  # fmt: skip


def _row_glyphs(
    alone: _Alone, cell_of: dict[str, BBox], lines_of: dict[str, list[OcrLine]], fields: dict[str, FieldValue]
) -> list[tuple[FieldValue, Glyph]]:
    """The digit glyphs of a row's accepted values, for ``_doubt_digits_unlike_page``: the line that holds a
    value cut across its whole cell (a word's box on a sheared cell is only roughly on its letters) and
    sheared upright as it was read, its marks paired with the line's characters (``glyphs.cut_glyphs``)."""
    out: list[tuple[FieldValue, Glyph]] = []
    cut: dict[tuple[BBox, BBox], list[Glyph]] = {}
    for key, f in fields.items():
        if not _as_read(f) or (line := _value_line(f, lines_of[key])) is None:
            continue
        cell = cell_of[key]
        if (cell, line.bbox) not in cut:
            image, band = _line_cut(alone, cell, line.bbox)
            cut[cell, line.bbox] = cut_glyphs(image, line.text, band) if image is not None else []
        at = line.text.find(f.raw)
        out.extend((f, g) for g in cut[cell, line.bbox] if at <= g.at < at + len(f.raw))
    return out


def _ambiguous_glyphs(
    alone: _Alone, cell_of: dict[str, BBox], lines_of: dict[str, list[OcrLine]], fields: dict[str, FieldValue]
) -> list[tuple[FieldValue, list[Glyph], list[Glyph]]]:
    """For ``_settle_ambiguous_by_glyphs``: each value of a row in review only for OCR's runner-up digit, with
    the glyphs of its ink paired with its raw as read and with the raw the runner-up makes."""
    out: list[tuple[FieldValue, list[Glyph], list[Glyph]]] = []
    for key, f in fields.items():
        other = f.details.get("digit_alternative_read")
        if not _ambiguous_alone(f) or not other or (line := _value_line(f, lines_of[key])) is None:
            continue
        image, band = _line_cut(alone, cell_of[key], line.bbox)
        if image is None:
            continue
        at = line.text.find(f.raw)
        texts = (line.text, line.text[:at] + other + line.text[at + len(f.raw) :])
        read, alt = ([g for g in cut_glyphs(image, t, band) if at <= g.at < at + len(f.raw)] for t in texts)
        out.append((f, read, alt))
    return out


def _ambiguous_alone(f: FieldValue) -> bool:
    """Whether ``f`` is in review only because OCR's runner-up digit makes another valid value of its raw."""
    return (f.status == FieldStatus.LOW_CONFIDENCE and f.reason is None and "ocr_digit_ambiguous" in f.rules
            and not any(r.startswith((*_VALUE_NOT_AS_READ, "digit_alternative_ruled_out")) for r in f.rules))  # fmt: skip


DIGIT_SETTLED_BY_GLYPHS = "digit_settled_by_glyphs"  # rule: the page's glyphs rule the runner-up digit out


def _settle_ambiguous_by_glyphs(
    ambiguous: Sequence[tuple[FieldValue, list[Glyph], list[Glyph]]], glyphs: Sequence[tuple[FieldValue, Glyph]],
    entries: Sequence[Entry], threshold: float,
) -> None:  # fmt: skip
    """A value in review only for OCR's runner-up digit loses no confidence for it where its ink sits among
    the page's glyphs of the digits read, far from the runner-up's (``glyphs.settled_as_read``), and is
    accepted if its read was sure. Aged 1289's CMND 088352195 (runner-up 098352195): its second 8 at 0.007 of
    the page's 8s, at 0.19 of its nearest other digit's. Only values still accepted as read speak for the
    page's digits. On a page reading 0 and 9 for each other (``_doubt_nines_where_zeros_read_nine``) its
    9s' glyphs may be zeros: a 9 / 0 doubt is left to review there (generator 443's typewriter page)."""
    page = [g for f, g in glyphs if _as_read(f)]
    nine_zero = sum(_nine_or_zero(f.value, f.details.get("digit_alternative")) for e in entries for f in e.fields.values())
    for f, read, other in ambiguous:
        if not _ambiguous_alone(f) or not settled_as_read(read, other, page):
            continue
        if nine_zero >= NINE_ZERO_ROWS and _nine_or_zero(f.value, f.details.get("digit_alternative")):
            continue
        f.confidence = min(1.0, f.confidence / DIGIT_ALT_FACTOR)
        f.rules = [*f.rules, DIGIT_SETTLED_BY_GLYPHS]
        if f.confidence >= threshold:
            f.status = FieldStatus.OK


def _value_line(f: FieldValue, lines: Sequence[OcrLine]) -> OcrLine | None:
    """The one line of a cell's ``lines`` that holds ``f``'s raw, unless another line's box overlaps it (a
    band would cut that line's ink with this line's text)."""
    holding = [ln for ln in lines if f.raw and f.raw in ln.text]
    if len(holding) != 1:
        return None
    line = holding[0].bbox
    if any(ln.bbox != line and ln.bbox.y < line.y + line.h and line.y < ln.bbox.y + ln.bbox.h for ln in lines):
        return None
    return holding[0]


def _line_cut(alone: _Alone, cell: BBox, line: BBox) -> tuple[np.ndarray | None, tuple[int, int]]:
    """A line cut across its whole cell (a word's box on a sheared cell is only roughly on its letters),
    padded by GLYPH_LINE_PAD and sheared upright as it was read; and the rows the line stands in."""
    pad = round(GLYPH_LINE_PAD * line.h)
    top, bottom = max(cell.y, line.y - pad), min(cell.y + cell.h, line.y + line.h + pad)
    image = alone_image(alone.gray, BBox(cell.x, top, cell.w, bottom - top), alone.slope)
    return (image[0] if image is not None else None), (line.y - top, line.y + line.h - top)


def _doubt_digits_unlike_page(glyphs: Sequence[tuple[FieldValue, Glyph]]) -> None:
    """An accepted value with a digit whose ink sits among the page's glyphs of another digit goes to review
    (``pipeline.glyphs.unlike_glyphs``): a faded 5 read surely as 3 is still a valid date (book 1195's
    5/11/2013 read 3/11/2013 at 0.92). Only values still accepted as read speak for their digits."""
    kept = [(f, g) for f, g in glyphs if _as_read(f)]
    for u in unlike_glyphs([g for _, g in kept]):
        f, char = kept[u.index][0], kept[u.index][1].char
        if f.status != FieldStatus.OK:
            continue  # one doubt a field
        f.status = FieldStatus.LOW_CONFIDENCE
        f.reason = (f"chữ số {char} ở đây giống các chữ số {u.looks} của trang hơn / the {char} here looks like "
                    f"this page's {u.looks}s")  # fmt: skip
        f.rules = [*f.rules, DIGIT_UNLIKE_PAGE]
        f.details = {**f.details, "digit_looks": {"read": char, "looks": u.looks}}


PAGE_NO_GLYPHS = "page_no_glyphs"  # rule: the number shown is the reading whose glyphs look like the page's


def _page_no_by_glyphs(gray: np.ndarray, page_nos: Sequence[FieldValue], glyphs: Sequence[tuple[FieldValue, Glyph]]) -> None:
    """A page number read differently (to review, each reading in its details) is shown as the reading
    whose digits' ink looks likeliest the page's own glyphs of those digits (``glyphs.likeliest``): vie
    read aged 1337's "103" as 105 three times at 0.95-0.97, eng 103 once, and the 3's ink sits among the
    page's 3s. It stays for review: the page number may be in another type than the entries'."""
    page = [g for f, g in glyphs if _as_read(f)]
    for f in page_nos:
        readings = f.details.get(READINGS)
        if f.status == FieldStatus.OK or not readings or f.bbox is None or not page:
            continue
        b, pad = f.bbox, round(GLYPH_LINE_PAD * f.bbox.h)
        top, left = max(0, b.y - pad), max(0, b.x - b.h)  # a digit's width aside: OCR's box may lose one's edge
        cut = gray[top : b.y + b.h + pad, left : b.x + b.w + b.h]
        band = (b.y - top, b.y + b.h - top)
        pick = likeliest({r: cut_glyphs(cut, r, band, number_alone=True) for r in readings}, page)
        if pick is None or pick == f.value:
            continue
        f.rules = [*f.rules, f"{PAGE_NO_GLYPHS}:{f.value}"]
        f.value = pick
        f.reason = (f"{f.reason}; chữ số của {pick} giống chữ số của trang nhất / the digits of {pick} look "
                    f"most like the page's")  # fmt: skip


def _one_digit_more(raw: str) -> set[str]:
    """The dates ``raw`` reads as with one digit put back beside one of its digits ("01/1/2022" ->
    "2022-11-01", "2022-01-11"...)."""
    out: set[str] = set()
    for k, ch in enumerate(raw):
        if not ch.isdigit():
            continue
        for digit in "0123456789":
            for at in (k, k + 1):
                n = normalize_field("date", raw[:at] + digit + raw[at:])
                if n.status == "ok" and n.value:
                    out.add(n.value)
    return out


def _full_date(value: object) -> dt.date | None:
    """The day of a full ISO date (None for a partial date or anything else)."""
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


_BOOK_NO = re.compile(r"(\d{1,3})/(\d{4})")
MAX_BOOK_IN_YEAR = 30  # an office opens a handful of books of one register a year


def _confirm_book_year(page_fields: dict[str, FieldValue], entries: list[Entry], threshold: float) -> None:
    """The book number's year against the page's registration dates (at least 3 rows, and most rows
    with a date): a low-confidence book number ("01/1999") they confirm is accepted (separate reads; the
    number before the slash is not confirmed, so only a plausible small one qualifies); one whose year
    most rows contradict is invalid."""
    book = page_fields.get("quyenSo")
    if book is None or book.status not in _READ or not book.value:
        return
    # separate cells agreeing, however faint each
    years = _registration_years(entries)
    m = _BOOK_NO.fullmatch(book.value)
    if m is None:
        _book_year_cut(book, years)
        return
    agree = years[m[2]]
    if agree >= CONSENSUS_MIN_ROWS and agree * 2 > sum(years.values()):
        # not a book number whose "/" was restored: where the year starts is the guess the rows do not check
        if book.status == FieldStatus.LOW_CONFIDENCE and _plain_book_no(book, m[1]):
            _vouch(book, threshold, f"book_year_confirmed:{agree}")
        return
    # most rows registered in another year: the book's year was misread ("03/1908" for 03/1998), or the
    # page is in the wrong book; either way a reviewer looks (the registration year must match the book's)
    if (page := _page_year(years)) is not None:
        year, n = page
        book.status = FieldStatus.INVALID
        book.reason = (f"năm của quyển {m[2]} khác năm đăng ký {year} của {n} dòng / the book's year {m[2]} "
                       f"differs from the registration year {year} of {n} rows")  # fmt: skip
        misread = sum(a != b for a, b in zip(m[2], year, strict=True)) == 1
        if misread or not _register_year(m[2]):
            # one digit apart ("1908" for 1998): a misread digit; or a year no register has ("1698" for 1996 on
            # an aged page's five rows): the rows' year is the reviewer's first guess
            book.details = {**book.details, "read_as": book.value}
            book.value = f"{m[1]}/{year}"
            book.rules = [*book.rules, "book_year_from_rows"]
            if not _register_year(m[2]) and _plain_book_no(book, m[1]):
                # no book carries that year, so the page is in no other book: the year is misread, and the
                # rows' separate reads give it (a book holds one year's registrations)
                _vouch(book, threshold, f"book_year_unregistered:{m[2]}")


def _plain_book_no(book: FieldValue, number: str) -> bool:
    """A book number (before its slash) plausible as read: small, its "/" read as such, nothing beside it,
    not one reading alone gave; the rows confirm only its year."""
    return (1 <= int(number) <= MAX_BOOK_IN_YEAR and BOOK_NO_SLASH_LOST not in book.rules
            and BOOK_NO_INK_BESIDE not in book.rules and BOOK_NO_READ_ALONE not in book.rules)  # fmt: skip


_YEAR_READ = re.compile(r"(?<!\d)\d{4}(?!\d)")


def _registration_years(entries: list[Entry]) -> Counter[str]:
    """How many rows read a registration date (however faintly) in each year."""
    return Counter(y for e in entries if (f := e.fields.get("ngayDangKy")) is not None and f.status in _READ
                   and f.value and (y := f.value[:4]).isdecimal() and len(y) == 4)  # fmt: skip


def _page_year(years: Counter[str]) -> tuple[str, int] | None:
    """The year most dated rows are registered in, and how many, when at least ``CONSENSUS_MIN_ROWS``."""
    year, n = years.most_common(1)[0] if years else ("", 0)
    return (year, n) if n >= CONSENSUS_MIN_ROWS and n * 2 > sum(years.values()) else None


def _registration_year_from_rows(entries: list[Entry]) -> None:
    """A registration date no date for its year ("ngày 6 tháng 11 năm 3002" on an aged page) whose year is
    one digit off the year the page's other rows are registered in (at least ``CONSENSUS_MIN_ROWS``, most
    rows dated): read in that year, for review (rule ``registration_year_from_rows``)."""
    if (page := _page_year(_registration_years(entries))) is None:
        return
    year, n = page
    for f in (f for e in entries if (f := e.fields.get("ngayDangKy")) is not None):
        if f.status != FieldStatus.INVALID or not f.raw:
            continue
        read = {m[0] for m in _YEAR_READ.finditer(f.raw) if sum(a != b for a, b in zip(m[0], year, strict=True)) == 1}
        if len(read) != 1:
            continue
        bad = read.pop()
        n_date = normalize_field("date", f.raw.replace(bad, year))
        if n_date.status != "ok" or not n_date.value or not n_date.value.startswith(year):
            continue
        f.details = {**f.details, "read_as": f.value}
        f.value, f.status = n_date.value, FieldStatus.LOW_CONFIDENCE
        f.rules = [*f.rules, "registration_year_from_rows"]
        f.reason = (f"đọc được năm {bad}, {n} dòng khác đăng ký năm {year} / read the year {bad}; {n} other rows "
                    f"are registered in {year}")  # fmt: skip


# a book number whose year OCR cut short or garbled after its slash ("01/200", "01/1ọg" on book photographs:
# the year's end at the paper's edge; "03/it", a book page's year read as letters), normalized to the book
# alone ("01")
_BOOK_YEAR_CUT = re.compile(r"(\d{1,3})\s*[/\-.]\s*(\d{0,3})\D{0,3}\s*$")


def _book_year_cut(book: FieldValue, years: Counter[str]) -> None:
    """A book number whose year was cut short: the year most rows (at least ``CONSENSUS_MIN_ROWS``, and
    most rows dated) are registered in, when the digits read begin it; for review (rule
    ``book_year_from_rows``)."""
    cut = _BOOK_YEAR_CUT.search(book.raw or "")
    year, n = _page_year(years) or ("", 0)
    if cut is None or cut[1] != book.value or not n or not year.startswith(cut[2]):
        return
    book.value, book.status = f"{cut[1]}/{year}", FieldStatus.LOW_CONFIDENCE
    book.rules = [*book.rules, "book_year_from_rows"]
    book.reason = (f"đọc được '{book.raw}', năm cắt mất; {n} dòng đăng ký năm {year} / read '{book.raw}', its year "
                   f"cut short; {n} rows are registered in {year}")  # fmt: skip


OFFICE_MIN_ROWS = 2  # rows whose own place names the office's unit: separate reads of a specific commune


def _confirm_office(
    tpl: Template, page_fields: dict[str, FieldValue], entries: list[Entry], threshold: float
) -> None:
    """A faint office line ("UBND xã la Khai, …", repaired by the gazetteer) is accepted when the places
    of at least two rows resolve to the same unit: a commune registers its own residents, and two separate
    reads landing on the same gazetteer code are not one misread."""
    office = _office(tpl, page_fields)
    if office is None or office.status != FieldStatus.LOW_CONFIDENCE:
        return
    # a commune office only: an office line read without its commune ("UBND thị xã Vĩnh Châu, …" for
    # "UBND phường Khánh Hòa, thị xã …") looks like a district office its district's rows would confirm
    code = _ward_code(office)
    if code is None:
        return
    keys = _place_keys(tpl)
    rows = sum(
        any((f := e.fields.get(k)) is not None and f.status in _READ and _ward_code(f) == code for k in keys)
        for e in entries
    )
    if rows >= OFFICE_MIN_ROWS:
        _vouch(office, threshold, f"office_confirmed_by_places:{rows}")


# rows whose places name one commune for an office read without its own: at least this many, and this
# many times as many as name any other commune within the office's unit
OFFICE_FROM_ROWS_MIN = 3
OFFICE_FROM_ROWS_LEAD = 2


def _office_from_rows(
    tpl: Template, page_fields: dict[str, FieldValue], entries: list[Entry], book_year: str | None
) -> None:
    """An office read faintly without its commune (garbled: "— ~~~ ơn ~ r1 ĐO Lương - T. Nghệ An"; lost:
    "UBND huyện Ninh Sơn, …" for UBND thị trấn Tân Sơn, …; or not read at all) is shown as the commune the
    rows' places name most, inside what the office line placed (its district or province): a commune
    registers its own residents. At least ``OFFICE_FROM_ROWS_MIN`` rows, and ``OFFICE_FROM_ROWS_LEAD``
    times any other commune there; still for review, what was read kept under read_as (a district's own
    office registers too, and a commune's rows may live elsewhere). An office no line was found for
    (empty) is shown so too: the register's office is required, and the reviewer confirms a name rather
    than types it. Not where the office's garbled commune is itself near another commune of its
    district (``commune_suggested``): its own letters outrank its rows."""
    office = _office(tpl, page_fields)
    if office is None or office.status == FieldStatus.OK or _ward_code(office):
        return
    home = office.details.get("legacy") or {}
    if not home and office.raw.strip():
        home = resolve_place(office.raw, on_date=_record_era(None, book_year)).legacy or {}
    scope = next(((level, unit["code"]) for level in ("district", "province") if (unit := home.get(level))), None)
    named: Counter[str] = Counter()
    units: dict[str, dict[str, Any]] = {}
    for e in entries:
        row: set[str] = set()
        for f in (e.fields.get(k) for k in _place_keys(tpl)):
            if f is None or f.status not in _READ or (code := _ward_code(f)) is None:
                continue
            legacy = f.details["legacy"]
            if legacy.get("district") and (scope is None or (legacy.get(scope[0]) or {}).get("code") == scope[1]):
                row.add(code)
                units[code] = legacy
        named.update(row)
    ranked = named.most_common(2)
    if not ranked or ranked[0][1] < OFFICE_FROM_ROWS_MIN or (
            len(ranked) > 1 and ranked[0][1] < OFFICE_FROM_ROWS_LEAD * ranked[1][1]):  # fmt: skip
        return
    code, rows = ranked[0]
    part = garbled_commune(office.details)
    near = commune_suggested(part["name"], home["district"]["code"], part.get("kind")) if part else None
    if near is not None and near[0].code != code:
        return  # the office's own letters name another commune: shown so (``_communes_suggested``)
    u = units[code]
    text = ", ".join(f"{u[k]['kind']} {u[k]['name']}" for k in ("ward", "district", "province") if u.get(k))
    n = normalize_field("office", f"UBND {text}", on_date=_record_era(None, book_year))
    if n.status != "ok" or _legacy_ward(n.details) != code:
        return
    office.details = {**n.details, "read_as": office.value, "office_from_rows": {"code": code, "rows": rows}}
    office.value, office.status = n.value, FieldStatus.LOW_CONFIDENCE
    office.rules = [*office.rules, f"office_from_rows:{rows}"]
    office.reason = (f"đọc được '{office.raw}', thiếu xã/phường; {rows} dòng ghi nơi cư trú ở {u['ward']['kind']} "
                     f"{u['ward']['name']} / read '{office.raw}', no commune; {rows} rows place their people in "
                     f"{u['ward']['kind']} {u['ward']['name']}")  # fmt: skip


def _places_in_office_district(
    tpl: Template, page_fields: dict[str, FieldValue], entries: list[Entry], book_year: str | None = None
) -> None:
    """A commune registers its own residents: a place whose district has no such commune ("phường 1,
    quận 1"), written with the office's district short of one character ("Q.11" read as "Q.1" on eight
    rows of an unseen page), is shown in the office's district when the commune is there; still for
    review, the value as read kept under read_as. A character changed ("Q.10") is not taken: a misread
    commune is as likely."""
    office = _office(tpl, page_fields)
    home = (office.details.get("legacy") or {}) if office is not None and office.status in _READ else {}
    district, province = home.get("district"), home.get("province")
    if not district or not province:
        return
    for reg, f in _row_places(entries, _place_keys(tpl)):
        if f.status != FieldStatus.INVALID or f.value is None:
            continue
        written = f.details.get("legacy") or {}
        d = written.get("district")
        if (not d or written.get("ward") or (written.get("province") or {}).get("code") != province["code"]
                or not _one_dropped(d["name"], district["name"]) or not _commune_written(f)):  # fmt: skip
            continue
        _show_as_office_unit(
            f, f"{d['kind']} {d['name']}", district, "district", _row_era(reg, book_year), f"office_district:{d['name']}->{district['name']}",
            f"{d['kind']} {d['name']} không có đơn vị này; {district['kind']} {district['name']} của nơi đăng ký "
            f"có / {d['kind']} {d['name']} has no such unit; the office's {district['kind']} {district['name']} "
            "has",
        )  # fmt: skip


def _communes_of_office_marks(
    tpl: Template, page_fields: dict[str, FieldValue], entries: list[Entry], book_year: str | None = None
) -> None:
    """A commune named alone (no district or province written) where the office's commune is meant: one
    the gazetteer places in another province than the office's, with the office's commune's letters under
    other marks ("UBND xã Sơn Đồng" on a page of UBND xã Sơn Đông, Bến Tre: a unique Sơn Đồng of Hà Nội,
    accepted on a book photograph's clean copy), or one it cannot place that is the office's commune
    garbled within ``commune_near``'s reach ("UBND xã Kim Li" on a page of UBND xã Kim Lư, three rows of
    aged seed 1259): shown as the office's commune, for review, the value as read kept under read_as. A
    commune named alone is the writer's own district's."""
    office = _office(tpl, page_fields)
    home = (office.details.get("legacy") or {}) if office is not None and office.status == FieldStatus.OK else {}
    ward, district, province = home.get("ward"), home.get("district"), home.get("province")
    if not ward or not district or not province:
        return
    types = {f.key: f.type for c in tpl.columns for f in c.fields if f.type in ("place", "office")}
    for reg, f in _row_places(entries, list(types)):
        if f.value is None or f.status == FieldStatus.EMPTY:
            continue
        parts = f.details.get("parts") or []
        if len(parts) != 1:
            continue
        written = f.details.get("legacy") or {}
        w, p = written.get("ward"), written.get("province") or {}
        if w and f.status in _READ:  # placed elsewhere: the office's only with its letters
            if (p.get("code") == province["code"] or w["kind"] != ward["kind"] or w["name"] == ward["name"]
                    or fold(w["name"]) != fold(ward["name"])):  # fmt: skip
                continue
            read, where = f"{w['kind']} {w['name']}", p.get("name", "")
        elif not w and f.status == FieldStatus.INVALID and parts[0].get("role") == "unknown":
            near = commune_near(parts[0]["name"], district["code"], parts[0].get("kind"), {ward["code"]})
            if near is None:
                continue
            read, where = parts[0]["written"], ""
        else:
            continue
        shown, at = f"{ward['kind']} {ward['name']}", f" ({where})" if where else ""
        # a commune named alone is resolved nationwide or not at all: no level to check the result against
        _show_as_office_unit(
            f, read, ward, None, _row_era(reg, book_year), f"office_commune:{read}->{shown}",
            f"đọc được {read}{at}; nơi đăng ký là {shown} / read {read}{at}; the office is {shown}", types[f.key],
        )  # fmt: skip


def _show_as_office_unit(
    f: FieldValue, read: str, office: dict[str, str], level: str | None, on_date: str | None, rule: str,
    reason: str, field_type: str = "place",
) -> None:  # fmt: skip
    """``f`` with its unit ``read`` (written once) rewritten as the office's unit, when the rewritten value
    resolves (and, given a ``level``, is placed in the office's unit of that level): shown so for review,
    the value as read kept under read_as."""
    unit = re.compile(rf"(?<!\w){re.escape(read)}(?!\w)")
    if f.value is None or len(unit.findall(f.value)) != 1:
        return
    n = normalize_field(field_type, unit.sub(f"{office['kind']} {office['name']}", f.value), on_date=on_date)
    if n.status != "ok" or (level and ((n.details.get("legacy") or {}).get(level) or {}).get("code") != office["code"]):
        return
    f.details = {**n.details, "read_as": f.details.get("read_as", f.value)}
    f.value, f.status = n.value, FieldStatus.LOW_CONFIDENCE
    f.rules = [*f.rules, rule]
    f.reason = reason


def _places_in_office_ward(
    tpl: Template, page_fields: dict[str, FieldValue], entries: list[Entry], book_year: str | None = None
) -> None:
    """A residence or place of death in the office's district whose commune is the office's with one of a
    doubled character lost ("phường 1, quận 3" where the office is UBND phường 11, quận 3: two italic 1s
    read as one, on three rows of a fresh aged page, accepted) is shown as the office's commune; still for
    review, the value as read kept under read_as. Both communes exist, but a commune registers its own
    residents and deaths: on 15 dumped bench sets every such place (6) was the office's. Not from an office
    read faintly, nor for a birthplace or a spouse's residence, where the next ward is as likely; not for a
    letter lost between two others ("Phú La" for Phúc La)."""
    office = _office(tpl, page_fields)
    home = (office.details.get("legacy") or {}) if office is not None and office.status == FieldStatus.OK else {}
    ward, district = home.get("ward"), home.get("district")
    if not ward or not district:
        return
    for reg, f in _row_places(entries, [k for k in _place_keys(tpl) if k in _NAMES_ITS_COMMUNE]):
        if f.status not in _READ or f.value is None:
            continue
        written = f.details.get("legacy") or {}
        w, d = written.get("ward"), written.get("district")
        if not w or not d or d.get("code") != district["code"] or not _double_lost(w["name"], ward["name"]):
            continue
        _show_as_office_unit(
            f, f"{w['kind']} {w['name']}", ward, "ward", _row_era(reg, book_year), f"office_ward:{w['name']}->{ward['name']}",
            f"đọc được {w['kind']} {w['name']}; nơi đăng ký là {ward['kind']} {ward['name']} / read "
            f"{w['kind']} {w['name']}; the office is {ward['kind']} {ward['name']}",
        )  # fmt: skip


def _places_from_page(
    tpl: Template, page_fields: dict[str, FieldValue], entries: list[Entry], book_year: str | None = None
) -> None:
    """An invalid place the page's other places settle; still for review:

    - written without the unit word its name needs ("Mỹ Thọ, Cao Lãnh, Đồng Tháp", where the district has
      a xã and a thị trấn Mỹ Thọ), it takes the unit word the page writes for that name under the same
      parents, in another place of any row or in an office ("xã Mỹ Thọ, huyện Cao Lãnh, …", "UBND xã Mỹ
      Thọ, …"), when the page writes only one (``place_unit_from_page``; found on a death register page
      whose rows wrote the commune of the office bare on six places);
    - its commune garbled past the gazetteer's look-alike budget under a district it resolved ("xã Kim
      lrt, huyện Na Rì, …"), it takes the commune of that district the page names a few letters from it
      (``place_commune_from_page``; aged seed 1259: Kim Lư read five ways on one page, Hương An three)."""
    named = _units_on_page(tpl, page_fields, entries, named_units)
    wards = _units_on_page(tpl, page_fields, entries, lambda d: [c] if (c := _legacy_ward(d)) else [])
    if not named and not wards:
        return
    for reg, f in _row_places(entries, _place_keys(tpl)):
        if f.status != FieldStatus.INVALID:
            continue
        era = _row_era(reg, book_year)
        n = (place_unit_from_page(f.value, f.details, named, on_date=era)
             or place_commune_from_page(f.value, f.details, wards, on_date=era))  # fmt: skip
        if n is None:
            continue
        f.value, f.details, f.status, f.reason = n.value, n.details, FieldStatus.LOW_CONFIDENCE, n.reason
        f.rules = [*f.rules, *n.rules]


def _communes_suggested(
    tpl: Template, page_fields: dict[str, FieldValue], entries: list[Entry], book_year: str | None
) -> None:
    """A place (settled by no list nor, for a row's place, by the page's other places) or an office (by
    neither the list nor its rows), still invalid for its commune under the district it resolved, is
    shown with that district's nearest commune (``place_commune_suggested``): still invalid,
    what was read kept, so the reviewer confirms a name rather than types it."""
    types = {f.key: f.type for c in tpl.columns for f in c.fields if f.type in ("place", "office")}
    office = _office(tpl, page_fields)
    fields = [(None, office)] if office is not None else []
    fields += list(_row_places(entries, list(types)))
    for reg, f in fields:
        if f is None or f.status != FieldStatus.INVALID:
            continue
        n = place_commune_suggested(f.value, f.details, types.get(f.key, "office"), _row_era(reg, book_year))
        if n is not None:
            f.value, f.details, f.reason = n.value, n.details, n.reason
            f.rules = [*f.rules, *n.rules]


K = TypeVar("K", bound=Hashable)  # a unit's key: (level, code) or a code


def _units_on_page(
    tpl: Template, page_fields: dict[str, FieldValue], entries: list[Entry],
    units_of: Callable[[dict[str, Any]], Iterable[K]],
) -> dict[K, list[tuple[str, str]]]:  # fmt: skip
    """The units ``units_of`` finds in the details of the page's offices and of its rows' places and offices
    read, each with where the page names it, as (Vietnamese, English) labels."""
    found: dict[K, list[tuple[str, str]]] = {}

    def note(f: FieldValue | None, vi: str, en: str) -> None:
        if f is not None and f.status in _READ:
            for unit in units_of(f.details):
                found.setdefault(unit, []).append((vi, en))

    for s in tpl.page_fields:
        if s.type == "office":
            note(page_fields.get(s.key), "nơi đăng ký", "the registering office")
    named_keys = [f.key for c in tpl.columns for f in c.fields if f.type in ("place", "office")]
    for e in entries:
        for k in named_keys:
            note(e.fields.get(k), f"dòng {e.row} ({k})", f"row {e.row} ({k})")
    return found


def _row_places(entries: list[Entry], keys: Sequence[str]) -> Iterator[tuple[FieldValue | None, FieldValue]]:
    """(the row's registration date field, one of its fields under ``keys``) for every row and key read."""
    for e in entries:
        reg = e.fields.get("ngayDangKy")
        for f in (e.fields.get(k) for k in keys):
            if f is not None:
                yield reg, f


def _row_era(reg: FieldValue | None, book_year: str | None) -> str | None:
    """``_record_era`` of a row from its registration date field."""
    return _record_era(reg.value if reg is not None and reg.status in _READ else None, book_year)


def _office(tpl: Template, page_fields: dict[str, FieldValue]) -> FieldValue | None:
    return next((page_fields[s.key] for s in tpl.page_fields if s.type == "office"), None)


def _place_keys(tpl: Template) -> list[str]:
    return [f.key for c in tpl.columns for f in c.fields if f.type == "place"]


def _one_dropped(short: str, full: str) -> bool:
    """``short`` is ``full`` with one character left out ("1" of "11")."""
    return len(short) + 1 == len(full) and Levenshtein.distance(short, full) == 1


def _double_lost(short: str, full: str) -> bool:
    """``short`` is ``full`` with one of two like characters side by side lost ("1" of "11", "I" of "II")."""
    return any(full[i] == full[i + 1] and full[:i] + full[i + 1 :] == short for i in range(len(full) - 1))


def _commune_written(f: FieldValue) -> bool:
    """A commune-level unit was written (and not found): "P.1" in "P.1, Q.1", not a bare "Q.1"."""
    return any(p.get("kind") in _COMMUNE_KINDS and not p.get("code") for p in f.details.get("parts") or ())


_COMMUNE_KINDS = ("xã", "phường", "thị trấn")


def _ward_code(f: FieldValue) -> str | None:
    """The legacy commune a place or office value resolved to (None when its commune is unresolved)."""
    return _legacy_ward(f.details)


def _legacy_ward(details: dict[str, Any]) -> str | None:
    return ((details.get("legacy") or {}).get("ward") or {}).get("code")


# Page-level fields come from the margins: the running title block above the table and the foot.
_PAGE_LABELS = {
    # the label a letter or two garbled ("©uyẩn sổi 01/2012", "Ouyển số") where a book number follows
    # (or its "s" lost where OCR's layout cut the line: "Quyển" | "ố: 02/1997")
    "book_no": re.compile(r"\bquyen\s*so\b\s*:?|(?<![a-z])(?:[qo]|[^\sa-z])?uy[ae]n\s*s?\w{0,2}\s*[:.]{0,2}(?=\s*\d{1,3}\s*/\s*\d{4}\b)"),
    # a number-like token must follow: "Sóc Trăng" folds to "soc trang" too ("II" is OCR's "11")
    "page_no": re.compile(r"\btrang\s*(?:so)?\b\s*:?(?=\s*[-–—.]?\s*[0-9ilo|\]]{0,3}[0-9ilo|\]s]\b)"),
}
# "UBND" glued to the unit word after it ("UBNDxã Lộc Thịnh", "UBNDP Hồng Thái") still heads the office
_OFFICE = re.compile(r"\b(?:ubnd(?=\b|xa|phuong|thi|huyen|quan|(?:p|x|tt|tx|tp|h|q)(?:\.|\s))|uy\s*ban\s*nhan\s*dan\b)")
OFFICE_LEAD_LOST_FACTOR = 0.5
_COMMUNE_UNIT = re.compile(r"xa|phuong|thi\s*tran|x\.|p\.|tt\.")
# The office line when its "UBND" / "Ủy ban nhân dân" is unreadable (a stamp, noise): the commune- or
# district-level unit it names, followed by a higher unit ("xã …, huyện …", "P. 5 - Q. 3 …").
_OFFICE_UNIT = re.compile(
    r"\b(?:xa|phuong|thi\s*tran|huyen|quan|thi\s*xa|x\.|p\.|tt\.)\s*\S.*?(?:\bhuyen\b|\bquan\b|\btinh\b"
    r"|\bthanh\s*pho\b|\bh\.|\bq\.|\bt\.|\btp\b)"
)
# a bare number, OCR's look-alikes of 1 and 0 included ("- l5 -" is page 15; the normalizer maps them)
# ("- 92 -" at 150 dpi comes back as "92:": the dashes may read as colons or commas; "-9]-": a serif 1)
# "III": page 111 with every 1 read as I (Arabic numbers in a register; a lone I may be a speck)
# (matched on folded text: "9Ị" is 91, a mark on a look-alike is OCR's)
# (the dashes of "- 8 -" read alone come back as "_8-" or "-8~-")
_BARE_PAGE_NO = re.compile(r"^[\s\-–—.:,_~]*((?=[ilo|\]q]*\d)[\dilo|\]q]{1,4}|[il|]{2,4})[\s\-–—.:,_~]*$")
# "rang 40", "Tr. 40": a short word and a number alone on a line at the foot (the label misread)
_FOOT_PAGE_NO = re.compile(r"^[\s\-–—.]*[a-z]{2,6}\.?\s*(\d{1,4})[\s\-–—.]*$")


def _page_fields(
    tpl: Template, above: list[OcrLine], below: list[OcrLine], threshold: float
) -> dict[str, FieldValue]:
    out: dict[str, FieldValue] = {}
    # the book number first: the office line is read in its book's era (``_book_year``)
    for spec in sorted(tpl.page_fields, key=lambda f: f.type != "book_no"):
        part = _find_page_field(spec.type, above, below)
        out[spec.key], _ = _field(spec, part, threshold, _book_year(out) if spec.type == "office" else None)
    return {spec.key: out[spec.key] for spec in tpl.page_fields}


def _read_title_dark(
    gray: np.ndarray, tpl: Template, page_fields: dict[str, FieldValue], above: list[OcrLine],
    below: list[OcrLine], engine: OcrEngine, threshold: float,
) -> None:  # fmt: skip
    """The book number or office not found above the table, or invalid: its garbled lines read again on
    their darkest ink (``reread_dark_lines``: the reverse page's title showing through under them), and
    what they give taken where it is found, or valid where the first was invalid (rule
    ``margin_read_dark``)."""
    missing = [s for s in tpl.page_fields if s.type in ("book_no", "office")
               and page_fields[s.key].status in (FieldStatus.EMPTY, FieldStatus.INVALID)]  # fmt: skip
    if not missing:
        return
    dark = reread_dark_lines(gray, above, engine)
    if all(a is b for a, b in zip(dark, above, strict=True)):
        return
    retry = _page_fields(tpl, dark, below, threshold)
    book_found = False
    for s in missing:
        got = retry[s.key]
        if got.status != FieldStatus.EMPTY and (page_fields[s.key].status == FieldStatus.EMPTY or got.status != FieldStatus.INVALID):
            page_fields[s.key] = got
            book_found |= s.type == "book_no" and got.status in _READ
            got.rules.append("margin_read_dark")
            if got.status == FieldStatus.OK:  # a reading the page's own did not give: the rows may vouch
                got.status = FieldStatus.LOW_CONFIDENCE
                got.reason = ("đọc lại trên nét mực đậm nhất của dòng / read again on the line's darkest ink "
                              "(the reverse page showing through under it)")  # fmt: skip
    # an office read in no book's year is read again in the year of the book number found so
    if book_found:
        for s in tpl.page_fields:
            if s.type == "office" and s not in missing:
                page_fields[s.key], _ = _field(s, _find_page_field("office", above, below), threshold, _book_year(page_fields))


DIGIT_WIDTH = 0.6  # x its height: a printed digit is narrower than this (with its share of spacing)


def _page_nos_to_check(specs: Sequence[FieldSpec], fields: dict[str, FieldValue]) -> tuple[list[FieldSpec], list[FieldSpec]]:
    """The page numbers to settle from their foot lines read alone (not accepted, or a digit lost inside the
    box) and those to confirm so: every other, however sure. A page number heads every row, so one misread
    digit is wrong on all of them (fresh book photograph 1179: a clean "47" read 41 at 0.951, accepted on
    four rows); the foot's short lines read again cost little."""
    unsure = [s for s in specs if fields[s.key].status != FieldStatus.OK or _glyph_lost(fields[s.key])]
    return unsure, [s for s in specs if s not in unsure]


def _glyph_lost(f: FieldValue) -> bool:
    """A number whose box is wider than its digits: the read dropped one inside it ("44" read "4" in a
    24 px box 19 px high, at 0.91: accepted on every row of a scanned page); or one with a fragment of
    another line right beside it (``_note_fragment_beside``) or ink OCR left out of its box
    (``_note_ink_beside``)."""
    digits = _digits(f.raw)
    return bool(digits and f.bbox and f.bbox.w > (digits + 0.8) * DIGIT_WIDTH * f.bbox.h) or bool(
        f.details.get("fragment_beside"))


def _note_fragment_beside(f: FieldValue, lines: Sequence[OcrLine]) -> None:
    """Notes a line OCR cut off beside a number, on its baseline within a letter's height of it: "123"
    under a table read as "a" and "3", the 3 taken at 0.96 for the page number on every row."""
    b = f.bbox
    if b is None or f.status != FieldStatus.OK:
        return
    for ln in lines:
        o = ln.bbox
        if o.overlap(b) > 0:
            continue  # the number's own line
        level = min(o.y + o.h, b.y + b.h) - max(o.y, b.y) >= 0.5 * min(o.h, b.h)
        gap = max(o.x - (b.x + b.w), b.x - (o.x + o.w))
        if level and gap <= b.h and ln.text.strip():
            f.details = {**f.details, "fragment_beside": ln.text.strip()}
            return


def _note_ink_beside(gray: np.ndarray, f: FieldValue, lines: Sequence[OcrLine]) -> None:
    """Notes ink right beside an accepted number's box that no word OCR read covers (``_ink_beside``)."""
    if (f.bbox is not None and f.status == FieldStatus.OK and "fragment_beside" not in f.details
            and _ink_beside(gray, f.bbox, lines)):  # fmt: skip
        f.details = {**f.details, "fragment_beside": "ink"}


def _ink_beside(gray: np.ndarray, b: BBox, lines: Sequence[OcrLine]) -> bool:
    """Whether ink lies right beside a number's box ``b``, within a digit's width on its line, where no word
    OCR read covers: the box OCR drew left a glyph out ("120" under a book photograph's table read "20" at
    0.97, the 1 outside every box; "Quyển số: 03/2002" read "3/2002" at 0.90 on an aged page, the 0 in the
    space after "số:"). The label of "Trang 57" is a word read, so it is no such ink."""
    width = max(4, round(DIGIT_WIDTH * b.h))
    read = [w[3] for ln in lines for w in ln.words] + [ln.bbox for ln in lines if not ln.words]
    for left in (True, False):
        x0, x1 = (b.x - width - 1, b.x - 1) if left else (b.x + b.w + 1, b.x + b.w + 1 + width)
        for box in read:  # the part of the strip no word covers
            if box.y < b.y + b.h and b.y < box.y + box.h and box.x < x1 and x0 < box.x + box.w:
                x0, x1 = (max(x0, box.x + box.w), x1) if left else (x0, min(x1, box.x))
        gap = BBox(x0, b.y, x1 - x0, b.h)
        if x1 - x0 >= 3 and has_ink(gray, gap, min_px=max(12, b.h)) and _glyph_tall(gray, gap):
            return True
    return False


def _glyph_tall(gray: np.ndarray, box: BBox, level: int = FAINT_INK, tall: float | None = None) -> bool:
    """Whether ``box`` holds a mark at least ``tall`` pixels (by default half its height) tall, darker than
    ``level`` (by default faint print included): a digit, not a colon OCR left out of its word or a dot
    leader's dots."""
    sub = gray[max(0, box.y) : box.y + box.h, max(0, box.x) : box.x + box.w] < level
    if sub.size == 0:
        return False
    _, _, st, _ = cv2.connectedComponentsWithStats(sub.view(np.uint8))
    return bool((st[1:, 3] >= (0.5 * box.h if tall is None else tall)).any())


BOOK_NO_INK_BESIDE = "ink_beside"  # rule: unread ink beside the book number, a digit perhaps lost
BOOK_NO_READ_ALONE = "book_no_read_alone"  # rule: the book number's line read alone gave another number


def _doubt_ink_beside_book(gray: np.ndarray, book: FieldValue, lines: Sequence[OcrLine]) -> None:
    """A book number with unread ink right beside it goes to review: a digit OCR left out of its box
    changes the number on every entry of the page (rule ``ink_beside``, never vouched for by the rows'
    year: they confirm the year, not the number before it)."""
    # a book number read again on the darkest ink (margin_read_dark) has its box from that reading, not
    # from ``lines``: its label would count as unread ink
    if (book.bbox is None or book.status not in _READ or "margin_read_dark" in book.rules
            or not _ink_beside(gray, book.bbox, lines)):  # fmt: skip
        return
    book.status = FieldStatus.LOW_CONFIDENCE
    book.rules = [*book.rules, BOOK_NO_INK_BESIDE]
    book.reason = (f"đọc được '{book.raw}', có nét mực ngay bên cạnh chưa đọc: có thể thiếu một chữ số / read "
                   f"'{book.raw}', with unread ink right beside it: a digit may be lost")  # fmt: skip


# an accepted book number read at least this surely is not read again alone (a read costs time on every page;
# the misreads that headed every row of a fresh aged page were read at 0.91 and 0.93); a page number read so
# surely is, and stands where more readings alone give it than any other (_confirm_page_no)
PAGE_FIELD_SURE = 0.95


def _book_readings(
    gray: np.ndarray, book: FieldValue, lines: Sequence[OcrLine], engine: OcrEngine, second: OcrEngine | None,
    scale: float, reverse_page: bool,
) -> list[list[OcrLine]]:  # fmt: skip
    """An accepted book number's line read again alone: by vie and by eng, and, where the reverse page
    shows, on the line's darkest ink (``reread_dark_lines``: the reverse page's letters under the digits)."""
    if book.status != FieldStatus.OK or book.bbox is None or book.confidence >= PAGE_FIELD_SURE:
        return []
    if (line := _book_line(book.bbox, lines)) is None:
        return []
    out = [engine.read_alone(gray, line.bbox, "line")]
    if second is not None:
        out.append(second.read_alone(gray, line.bbox, "line", scale=scale))
    if reverse_page and (dark := reread_dark_lines(gray, [line], engine, below=1.0))[0] is not line:
        out.append(dark)  # (the page's own line back when no darkest-ink reading was surer: no reading)
    return out


def _book_line(box: BBox, lines: Sequence[OcrLine]) -> OcrLine | None:
    """The line the book number was read in: the smallest holding its box (a title line OCR boxed tall
    holds it too: aged 1351's "SỔ ĐĂNG KÝ KHAI SINH" over "Quyển số")."""
    return min((ln for ln in lines if box.inside(ln.bbox) > 0.5), key=lambda ln: ln.bbox.w * ln.bbox.h, default=None)


# x the line's height: room to the right of a book number's line read alone, for digits OCR left out of
# the line's box (aged 1351: "Quyển số: 0;", the "2/2020" after it under the reverse page's title)
BOOK_LINE_WIDEN = 3
BOOK_NO_LINE_READ = "book_no_line_read"  # rule: the book number from its line read alone, by both models


def _book_line_readings(
    gray: np.ndarray, book: FieldValue, lines: Sequence[OcrLine], engine: OcrEngine, second: OcrEngine | None,
    scale: float,
) -> tuple[list[list[OcrLine]], list[list[OcrLine]]]:  # fmt: skip
    """A book number not accepted (invalid, or for review: a digit perhaps lost beside it), and not yet
    read alone: its line read alone as boxed and widened to the right, by vie and by eng (vie's readings,
    eng's readings)."""
    if (book.status not in (FieldStatus.INVALID, FieldStatus.LOW_CONFIDENCE) or book.bbox is None
            or second is None or BOOK_NO_READ_ALONE in book.rules):  # fmt: skip
        return [], []
    if (line := _book_line(book.bbox, lines)) is None:
        return [], []
    b = line.bbox
    boxes = [b, BBox(b.x, b.y, min(b.w + BOOK_LINE_WIDEN * b.h, gray.shape[1] - b.x), b.h)]
    return ([engine.read_alone(gray, x, "line") for x in boxes],
            [second.read_alone(gray, x, "line", scale=scale) for x in boxes])  # fmt: skip


def _book_no_read(spec: FieldSpec, lines: list[OcrLine], threshold: float, floor: float) -> FieldValue | None:
    """The book number a line read alone gives (``number/year``, read at ``floor`` or surer), else None."""
    f = _field(spec, _find_page_field("book_no", lines, []), threshold)[0]
    return f if f.status in _READ and f.confidence >= floor and _BOOK_NO.fullmatch(f.value or "") else None


def _settle_book_no(
    spec: FieldSpec, first: FieldValue, vie: Sequence[list[OcrLine]], eng: Sequence[list[OcrLine]], threshold: float
) -> FieldValue:
    """A book number not accepted, against its line read alone (``_book_line_readings``): a book number both
    models read (each at least once, above ``READ_ALONE_FLOOR``), or both of vie's readings where it is the
    page's reading with digits put back before it, in a year a register carries, no reading giving another,
    replaces it, for review (rule ``book_no_line_read``, the first value under read_as; the
    rows' year may vouch for it). Aged 1289: "3/2002", the 0 beside it unread, read 03/2002 alone; book
    photograph 1093: "0120" for 01/2008."""
    def valid(lines: list[OcrLine]) -> str | None:
        f = _book_no_read(spec, lines, threshold, READ_ALONE_FLOOR)
        return f.value if f is not None and _register_year((f.value or "")[-4:]) else None

    # (a reading of the page's own value is no dissent: that value is the one in doubt)
    vie_read = [v for r in vie if (v := valid(r)) and v != first.value]
    eng_read = [v for r in eng if (v := valid(r)) and v != first.value]
    values = set(vie_read) | set(eng_read)
    if len(values) != 1:
        return first
    value = values.pop()
    # eng reading none: vie's readings both give it, and it is the page's reading with the digits before
    # it that were lost ("3/2002")
    lost = (not eng_read and len(vie_read) >= 2 and _BOOK_NO.fullmatch(first.value or "") is not None
            and value.endswith(first.value or ""))  # fmt: skip
    if not (vie_read and eng_read) and not lost:
        return first
    first.details = {**first.details, "read_as": first.value}
    first.value, first.status, first.rules = value, FieldStatus.LOW_CONFIDENCE, [*first.rules, BOOK_NO_LINE_READ]
    first.reason = (f"số quyển đọc được '{first.raw}'; đọc lại cả dòng: {value} / the book number read "
                    f"'{first.raw}'; its line read alone: {value}")  # fmt: skip
    return first


def _confirm_book_no(spec: FieldSpec, first: FieldValue, reads: Sequence[list[OcrLine]], threshold: float) -> FieldValue:
    """A book number the page's reading accepted, against its line read alone (``_book_readings``): it heads
    every row of the page (aged 1317: "03/2024" read "08/2024" at 0.91, the reverse page's "Ă" behind the 3,
    on five rows; alone, vie read 03/2024, and on its darkest ink too). A sure reading alone of another
    book number sends it to review (rule ``book_no_read_alone``, never vouched for by the rows' year, which
    does not check the number before it); another number two readings alone give, and none gives the page's,
    replaces it there (the first value under read_as)."""
    found = [f for r in reads if (f := _book_no_read(spec, r, threshold, PAGE_NO_AGREE_FLOOR)) is not None]
    others = [f for f in found if f.value != first.value]
    return _weigh_readings_alone(first, found, others, ("số quyển", "book number"), BOOK_NO_READ_ALONE, BOOK_NO_READ_ALONE)


READINGS = "readings"  # details: the numbers a book or page number sent to review was read as


def _weigh_readings_alone(
    first: FieldValue, found: list[FieldValue], others: list[FieldValue], what: tuple[str, str],
    taken_rule: str, doubt_rule: str | None,
) -> FieldValue:  # fmt: skip
    """A book or page number the page's reading accepted, against sure readings alone (``found``) and those of
    them that give another number (``others``): any such sends it to review (``doubt_rule``); a number two of
    them give, none of ``found`` giving the page's, replaces it there (``taken_rule``, the first value under
    read_as). ``what``: the number's name, Vietnamese and English, for the reason."""
    if not others:
        return first
    readings = sorted({f.value or "" for f in [first, *others]})
    values = ", ".join(readings)
    twice = [v for v, n in Counter(f.value for f in others).items() if n >= 2]
    best = first
    if twice and not any(f.value == first.value for f in found):
        best = max((f for f in others if f.value == twice[0]), key=lambda f: f.confidence)
        best.details = {**best.details, "read_as": first.value}
        best.rules = [*best.rules, taken_rule]
    elif doubt_rule is not None:
        best.rules = [*best.rules, doubt_rule]
    best.status = FieldStatus.LOW_CONFIDENCE
    best.reason = f"{what[0]} đọc được khác nhau: {values} / the {what[1]} read differently: {values}"
    best.details = {**best.details, READINGS: readings}
    return best


# the page's reading and a read alone that agree accept the page number from this figure on
PAGE_NO_AGREE_FLOOR = 0.75
# a page number read alone below this is no reading ("ấT7" at 0.17 for "57", binarized as one word)
READ_ALONE_FLOOR = 0.3


def _settle_page_no(
    spec: FieldSpec, first: FieldValue, reads: list[list[OcrLine]], threshold: float,
    seconds: Sequence[list[OcrLine]] = (),
) -> FieldValue:  # fmt: skip
    """The page number from the page's reading (``first``: not ok, or a digit lost inside its box) and the
    foot lines read alone: the most confident reading. When they disagree it goes to review, its reason
    listing every reading, the number shown the one read all in digits, then the one more readings give,
    unless both models read it surely (``_models_agree``) or the only dissent is the page's reading below
    READ_ALONE_FLOOR, every reading alone giving it surely; when the page's reading and a read alone agree (two segmentations and
    thresholds of the print) it is accepted from PAGE_NO_AGREE_FLOOR on; reads alone that agree stand on
    their confidence, a single reading goes to review. A read that gives no number is no reading. The
    second model's readings (``seconds``) count too, but not one that is the digits vie read short of
    one, unless another of vie's readings gives it: eng drops a digit it cannot read ("- 25 -" as "-5-";
    yet "-18-" against vie's "-l18-", whose l is no digit read, is another reading)."""
    def reading(lines: list[OcrLine]) -> FieldValue:
        return _field(spec, _find_page_field("page_no", [], lines), threshold)[0]

    by_vie, by_eng = [reading(r) for r in reads], [reading(r) for r in seconds]
    found = [f for f in by_vie if f.status in _READ and f.confidence >= READ_ALONE_FLOOR]
    vie = {_raw_digits(f) for f in [*found, first] if f.status in _READ}
    for f in by_eng:
        # nor, for a number narrower than its box (a digit lost), the same number: eng drops digits too, so
        # its agreeing proves nothing of the digit vie may have lost
        short = _glyph_lost(first) and f.value == first.value
        if (f.status in _READ and f.confidence >= READ_ALONE_FLOOR and not short
                and (f.value in vie or not any(_digit_short(f.value or "", v) for v in vie))):  # fmt: skip
            found.append(f)
    if not found:
        return first
    page_read = first.status in _READ
    every = [*found, first] if page_read else found
    # a reading whose digits are those two readings give short of one lost a digit (OCR's box of "- 53 -"
    # held the 3 alone): it is not the best, however sure (digits as read: "l18" read no 1 before 18); but
    # not short of a longer number fewer readings give (aged 1325: "131" read three times at 0.95-0.97,
    # "1531" twice at 0.66-0.75, a 5 inserted)
    seen = Counter(map(_raw_digits, every))
    twice = {v for v, n in seen.items() if v and n >= 2}
    values = sorted({f.value or "" for f in every})
    disagree = len(values) > 1
    whole = [f for f in every if not any(_digit_short(d := _raw_digits(f), v) and (not disagree or seen[v] >= seen[d])
                                         for v in twice)] or every  # fmt: skip
    # (every reading that gave a number counts here, a faint one and eng's too: the number is shown for review)
    given = Counter(f.value for f in [*by_vie, *by_eng, first] if f.status in _READ)
    # readings that disagree: one whose digits were all read as digits before one that took a letter for a
    # digit (book photograph 1151: "Trang 9ĩ" as 91 by vie, "Trang 97" by eng), then the number more
    # readings give (aged 1289: "74" by the page, two faint reads alone and eng; "174" once), then the surer
    best = max(whole, key=lambda f: (disagree and len(_raw_digits(f)) == len(f.value or ""),
                                     given[f.value] if disagree else 0, f.confidence))  # fmt: skip
    if best is not first:
        best.rules = [*best.rules, "page_no_read_alone"]
    others = ",".join(v for v in values if v != best.value)
    if disagree and _models_agree(best.value or "", first, by_vie, by_eng):
        _vouch(best, threshold, f"page_no_models_agree:{others}")
    elif (disagree and first.confidence < READ_ALONE_FLOOR and len(found) >= 2 and best.confidence >= threshold
          and all(f.value == best.value for f in found)):  # fmt: skip
        # the only dissent the page's reading, below the floor a read alone must reach to count (aged 1301:
        # "37" at 0.08; alone 47 at 0.92 and 0.55): no reading
        best.status, best.reason = FieldStatus.OK, None
        best.rules = [*best.rules, f"page_no_faint_dissent:{others}"]
    elif len(values) > 1:
        best.status = FieldStatus.LOW_CONFIDENCE
        best.reason = (f"số trang đọc được khác nhau: {', '.join(values)} / the page number read differently: "
                       f"{', '.join(values)}")  # fmt: skip
        best.details = {**best.details, READINGS: values}  # for _page_no_by_glyphs
    elif page_read and best.confidence >= PAGE_NO_AGREE_FLOOR:
        if best.status != FieldStatus.OK:
            _vouch(best, threshold, f"page_no_reads_agree:{len(every)}")
        elif any(f.confidence >= PAGE_NO_AGREE_FLOOR for f in found):
            # recorded: a number narrower than its box is confirmed so (_doubt_narrow_page_no)
            best.rules = [*best.rules, f"page_no_reads_agree:{len(every)}"]
    elif len(every) == 1 and best.status == FieldStatus.OK:
        # one reading only (of vie's on the page and alone, twice, and eng's): the number heads every row of
        # the page, so a second reading must confirm it
        best.status = FieldStatus.LOW_CONFIDENCE
        best.reason = (f"số trang chỉ đọc được một lần: {best.value} / the page number was read once only: "
                       f"{best.value}")  # fmt: skip
    return best


# both models' surest readings of a page number at least this sure (Tesseract gives a clear print 0.95-0.97)
MODELS_AGREE_FLOOR = 0.9


def _models_agree(value: str, first: FieldValue, by_vie: list[FieldValue], by_eng: list[FieldValue]) -> bool:
    """Readings of a page number that disagree, yet settle it: eng read alone gives ``value`` and no other
    number (from PAGE_NO_AGREE_FLOOR), both models give it at MODELS_AGREE_FLOOR or surer, and no reading
    gives another so surely, save the page's reading of its digits short of one (its box held "6" of "26").
    A sure reading of another number alone keeps it for review: book photograph 1153's "46" read "4" alone
    by both models; aged 1337's "103" read 105 three times by vie at 0.95-0.97, by eng 103."""
    read = [f for f in [*by_vie, *by_eng, first] if f.status in _READ]
    eng = [f for f in by_eng if f.status in _READ and f.confidence >= PAGE_NO_AGREE_FLOOR]
    vie = [f for f in [*by_vie, first] if f.status in _READ and f.value == value]
    if not eng or any(f.value != value for f in eng) or max(f.confidence for f in eng) < MODELS_AGREE_FLOOR:
        return False
    if max((f.confidence for f in vie), default=0.0) < MODELS_AGREE_FLOOR:
        return False
    return all(f.confidence < MODELS_AGREE_FLOOR or (f is first and _digit_short(_raw_digits(f), value))
               for f in read if f.value != value)  # fmt: skip


def _confirm_page_no(spec: FieldSpec, first: FieldValue, reads: Sequence[list[OcrLine]], threshold: float) -> FieldValue:
    """A page number the page's reading accepted, against its foot lines read alone (vie's, eng's): it heads
    every row of the page, so a misread digit is wrong on all of them (aged 1317: "74" read "14" at 0.93 on
    five rows; alone, vie and eng both read 74). A sure reading alone of another number sends it to review;
    another number two readings alone give, and none gives the page's, replaces it there (raw kept, the
    first value under read_as). Not the page's digits short of one (eng drops a digit it cannot read), nor
    with one more: the read alone's crop has room round the number, and ink there read as a digit (aged
    1321's sure 61 read "61L" alone, 611, sent to review on every row); a digit the page's read left
    beside its box is ``_note_ink_beside``'s, which has the number settled, not confirmed. A page's read
    from PAGE_FIELD_SURE on (once not read again at all) stands where more readings alone give it than give
    others (aged 1309's 73, read 73 three times alone and 78 once)."""
    def reading(lines: list[OcrLine]) -> FieldValue:
        return _field(spec, _find_page_field("page_no", [], lines), threshold)[0]

    found = [f for f in map(reading, reads) if f.status in _READ and f.confidence >= PAGE_NO_AGREE_FLOOR]
    mine = _raw_digits(first)
    others = [f for f in found if f.value != first.value and not _digit_short(_raw_digits(f), mine)
              and not _digit_short(mine, f.value or "")]  # fmt: skip
    if first.confidence >= PAGE_FIELD_SURE and sum(f.value == first.value for f in found) > len(others):
        return first  # a sure read the readings alone give more often than any other number
    return _weigh_readings_alone(first, found, others, ("số trang", "page number"), "page_no_read_alone", None)


def _doubt_office_unread(tpl: Template, f: FieldValue, above: Sequence[OcrLine]) -> None:
    """An office no read found, where a line above the table is neither the register's title nor its book
    number, goes to review with that line (the longest such) as what was read: a scan whose top edge cut
    through "UBND P. Tứ Hạ - TX. Hương Trà - TP. Huế" (read "~-+u xi = LA. Hương Trà - TP. Huế") had left the
    office empty on all eight rows, unseen."""
    if f.status != FieldStatus.EMPTY:
        return
    titles = [fold(t) for t in tpl.titles]
    rest = [ln for ln in above if sum(c.isalpha() for c in ln.text) >= 3
            and not _PAGE_LABELS["book_no"].search(folded := fold(ln.text))
            and not any(fuzz.partial_ratio(t, folded) >= TITLE_LINE_RATIO for t in titles)]  # fmt: skip
    if not rest:
        return
    line = max(rest, key=lambda ln: len(ln.text))
    f.raw, f.bbox, f.confidence, f.status = line.text, line.bbox, 0.0, FieldStatus.LOW_CONFIDENCE
    f.rules = [*f.rules, "office_unread"]
    f.reason = ("một dòng trên bảng không đọc được thành cơ quan đăng ký / a line above the table read as no "
                "registering office")  # fmt: skip


TITLE_LINE_RATIO = 80  # a margin line this close (partial ratio, folded) to the register's title is the title


def _doubt_foot_unread(f: FieldValue, ink: Callable[[], BBox | None]) -> None:
    """A page number no read found, where the paper under the table holds ink (``ink``: its box), goes to
    review with that ink as its crop: a book photograph's "122" at the page's outer corner, 24 px high, read
    as nothing by every try, had been left empty on all eight rows, unseen."""
    if f.status != FieldStatus.EMPTY or (box := ink()) is None:
        return
    f.bbox, f.status = box, FieldStatus.LOW_CONFIDENCE
    f.rules = [*f.rules, "ink_unread"]
    f.reason = ("dưới bảng có mực nhưng không đọc được số trang / the paper under the table holds ink, but no "
                "page number was read")  # fmt: skip


def _raw_digits(f: FieldValue) -> str:
    """The digits a reading saw, before look-alikes were taken for digits ("l18" saw 18)."""
    return "".join(ch for ch in f.raw if ch.isdigit())


def _digit_short(short: str, full: str) -> bool:
    """``short`` is ``full`` with digits left out ("5" of "25")."""
    it = iter(full)
    return len(short) < len(full) and all(ch in it for ch in short)


def _doubt_narrow_page_no(first: FieldValue, settled: FieldValue) -> None:
    """The page's reading of a number narrower than its box (a digit lost inside it), kept as the page
    number with no reading alone agreeing, goes to review."""
    confirmed = any(r.startswith(("page_no_read_alone", "page_no_reads_agree")) for r in first.rules)
    if settled is first and first.status == FieldStatus.OK and _glyph_lost(first) and not confirmed:
        first.status = FieldStatus.LOW_CONFIDENCE
        first.reason = ("số trang hẹp hơn chỗ mực của nó, hoặc có mảnh chữ bên cạnh / the page number is narrower "
                        "than its ink, or a fragment lies beside it: a digit may be lost")  # fmt: skip


ROW_JOIN_GAP = 1.5  # line heights: words further apart on a margin's row are separate blocks


def _row_joined(lines: Sequence[OcrLine]) -> list[OcrLine]:
    """Margin lines that OCR's layout cut apart on one row ("Quyển" | "ố: 02/1997", a fresh clean page
    whose book number was lost on its seven rows) joined back, a space between: each line to the right of
    another, its middle within the other's height and no wider a gap than ``ROW_JOIN_GAP`` of it."""
    out: list[OcrLine] = []
    for ln in sorted(lines, key=lambda ln: ln.bbox.x):
        mid = ln.bbox.y + ln.bbox.h / 2
        prev = next((i for i in range(len(out) - 1, -1, -1) if out[i].bbox.y <= mid <= out[i].bbox.y + out[i].bbox.h
                     and 0 <= ln.bbox.x - (out[i].bbox.x + out[i].bbox.w) <= ROW_JOIN_GAP * out[i].bbox.h), None)  # fmt: skip
        if prev is None:
            out.append(ln)
            continue
        a = out[prev]
        shift = len(a.text) + 1
        out[prev] = OcrLine(
            text=f"{a.text} {ln.text}",
            confidence=(a.confidence * len(a.text) + ln.confidence * len(ln.text)) / max(1, len(a.text) + len(ln.text)),
            bbox=BBox.union([a.bbox, ln.bbox]) or a.bbox,
            alternatives=(*a.alternatives, *((i + shift, c) for i, c in ln.alternatives)),
            words=(*a.words, *((s + shift, e + shift, c, b) for s, e, c, b in ln.words)),
        )  # fmt: skip
    return out


def _find_page_field(field_type: str, above: list[OcrLine], below: list[OcrLine]) -> CellPart:
    part = _find_page_field_in(field_type, above, below)
    if part.bbox is None and field_type == "book_no":
        part = _find_page_field_in(field_type, _row_joined(above), _row_joined(below))
    return part


def _find_page_field_in(field_type: str, above: list[OcrLine], below: list[OcrLine]) -> CellPart:
    lines = [*above, *below]
    for ln in lines:
        folded = fold(ln.text)
        if field_type in _PAGE_LABELS and (m := _PAGE_LABELS[field_type].search(folded)):
            end = len(ln.text)
            # "Quyển số: 01/2008   Trang 12" on one line: stop at the next label
            for other in _PAGE_LABELS.values():
                if n := other.search(folded, m.end()):
                    end = min(end, n.start())
            return line_part(ln, m.end(), end)
        if field_type == "office" and (m := _OFFICE.search(folded)):
            return line_part(ln, m.start(), len(ln.text))
    if field_type == "office":
        for ln in above:  # the office heads the page
            if m := _OFFICE_UNIT.search(fold(ln.text)):
                # a unit above the commune found, more than one word before it (an unreadable "UBND" is
                # one): the commune's name may be among them, so the office is a guess for review
                lead = len(ln.text[: m.start()].split())
                commune = _COMMUNE_UNIT.match(fold(ln.text), m.start())
                sure = ln.confidence if lead <= 1 or commune else ln.confidence * OFFICE_LEAD_LOST_FACTOR
                return CellPart("UBND " + ln.text[m.start():].strip(), sure, ln.bbox)
    if field_type == "page_no":  # a bare number at the foot ("- 12 -"; register-forms.md): never above the
        # table, where a speck of the motto's rule reads "2" (a fresh Chromium page's "- 52 -" taken for it)
        for ln in reversed(below):
            if m := _BARE_PAGE_NO.match(fold(ln.text)):
                return line_part(ln, m.start(1), m.end(1))
        for ln in reversed(below):
            if m := _FOOT_PAGE_NO.match(fold(ln.text)):
                return line_part(ln, m.start(1), m.end(1))
    return CellPart("", 0.0, None)
