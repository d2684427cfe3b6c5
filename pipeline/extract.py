"""Extract: cut the OCR lines of one cell into the fields that cell holds.

A template column names a splitter (``split:`` in schemas/*.yaml); the splitters are the small fixed
set below, so a new ledger edition is a data file as long as its cells are written one of these ways
(docs/field-contract.md). Labels are found on *folded* text (accents stripped, lower case, one
character per character), so OCR diacritic errors in a label ("Dân tôc", "Quôc tịch") do not break
the split, and offsets map straight back to the original text and to each line's box.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from pipeline.model import BBox, OcrLine
from pipeline.normalize.codes import RELATIONS
from pipeline.normalize.text import fold_chars as fold
from pipeline.templates import ColumnSpec, FieldSpec


@dataclass(frozen=True, slots=True)
class CellPart:
    """The raw text of one field inside a cell, with where it came from."""

    raw: str
    confidence: float
    bbox: BBox | None
    # (index into ``raw``, other digits OCR found nearly as likely there), from OcrLine.alternatives
    alternatives: tuple[tuple[int, str], ...] = ()
    # each word the confidence is the mean of: (its text, its confidence); unread ink beside has text ""
    words: tuple[tuple[str, float], ...] = ()
    word_boxes: tuple[BBox, ...] = ()  # each word's box on the page, in the order of ``words``


# a trimmed separator's box this many times the kept words' letter height, tall or wide, is unread ink
BLOB_TALL, BLOB_WIDE = 1.6, 2.5


class _Cell:
    """The cell's lines joined by newlines, with each character's line index for boxes and confidence."""

    def __init__(self, lines: list[OcrLine]) -> None:
        self.lines = lines
        self.text = "\n".join(unicodedata.normalize("NFC", ln.text) for ln in lines)
        self.folded = fold(self.text)
        self.line_of: list[int] = []
        self.alternatives: dict[int, str] = {}
        for i, ln in enumerate(lines):
            start = len(self.line_of)
            n = len(unicodedata.normalize("NFC", ln.text))
            self.alternatives.update((start + k, chars) for k, chars in ln.alternatives if k < n)
            self.line_of.extend([i] * n)
            if i < len(lines) - 1:
                self.line_of.append(i)  # the joining newline

    def part(self, start: int, end: int) -> CellPart:
        raw = self.text[start:end]
        # trim separators but keep the offsets honest for the line mapping
        lead = len(raw) - len(raw.lstrip(" ,;:-\n"))
        trail = len(raw) - len(raw.rstrip(" ,;:-\n"))
        start, end = start + lead, end - trail
        raw = self.text[start:end] if end > start else ""
        if not raw:
            return CellPart("", 0.0, None)
        used = sorted({self.line_of[i] for i in range(start, end) if self.text[i] != "\n"})
        own = [(self.lines[li].text[w[0] : w[1]], w) for li in used for w in self._words_in(li, start, end)]
        words = [w for _, w in own]
        alts = tuple((i - start, c) for i, c in sorted(self.alternatives.items()) if start <= i < end)
        if words:  # the part's own words: a label's or a neighbour field's figure is not this field's
            blobs = self._blobs_trimmed(start - lead, start, words) + self._blobs_trimmed(end, end + trail, words)
            words += blobs
            texts = (*((t, w[2]) for t, w in own), *(("", w[2]) for w in blobs))
            return CellPart(raw, sum(w[2] for w in words) / len(words), BBox.union([w[3] for w in words]), alts,
                            texts, tuple(w[3] for w in words))  # fmt: skip
        weights = [sum(1 for i in range(start, end) if self.line_of[i] == li) for li in used]
        conf = sum(self.lines[li].confidence * w for li, w in zip(used, weights, strict=True)) / max(sum(weights), 1)
        return CellPart(raw, conf, BBox.union([self.lines[li].bbox for li in used]), alts)

    def _blobs_trimmed(self, start: int, end: int, kept: list[tuple[int, int, float, BBox]]) -> list[tuple[int, int, float, BBox]]:
        """Words of the trimmed text[start:end] that are ink OCR could not read, not a separator: a box
        taller or far wider than the kept words' letters. A stamp over "Đăng ký" read as one ":" (a box of
        four letters) had left "quá hạn" at 0.97, accepted; the blob's confidence now counts."""
        if end <= start:
            return []
        h = sorted(w[3].h for w in kept)[len(kept) // 2]
        lines = sorted({self.line_of[i] for i in range(start, end) if self.text[i] != "\n"})
        return [w for li in lines for w in self._words_in(li, start, end)
                if w not in kept and (w[3].h > BLOB_TALL * h or w[3].w > BLOB_WIDE * h)]  # fmt: skip

    def _words_in(self, li: int, start: int, end: int) -> list[tuple[int, int, float, BBox]]:
        """The words of line ``li`` that share a character with text[start:end] (cell offsets)."""
        base = self.line_start(li)
        return [w for w in self.lines[li].words if base + w[0] < end and base + w[1] > start]

    def line_start(self, index: int) -> int:
        return sum(len(unicodedata.normalize("NFC", ln.text)) + 1 for ln in self.lines[:index])


def line_part(line: OcrLine, start: int, end: int) -> CellPart:
    """``line.text[start:end]`` as a field's raw text, with its own words' confidence and box."""
    return _Cell([line]).part(start, end)


# Each label is a regex over folded text; a field's text runs from the end of its label to the
# start of the next label found. Order in the list = expected order in the cell.
_PERSON_LABELS: list[tuple[str, str]] = [
    # "xinh năm 1979": the s of "sinh" read x on a fresh photographed page, after the name's comma or at a
    # line's start only (Xinh is a given name: "Trần Thị Xinh năm sinh: 1980")
    # (or as a symbol: "HƯNG, §inh năm 1992", a fresh aged page; after the name's comma only)
    ("birth", r"(?:,\s*)?(?:\bsinh\s+(?:nam|ngay)\b|(?:(?<=,)|(?<=,\s)|(?<=\n)|^)xinh[ \t]+(?:nam|ngay)\b"
              r"|(?:(?<=,)|(?<=,\s))[^\w\s,]inh[ \t]+(?:nam|ngay)\b"
              r"|\bnam\s+sinh\b|\bsinh\b)\s*:?"),
    # "€ư trú:", "2ư trú:", "¡ân tộc:": a label's first letter lost at the cell's edge; the colon then
    # keeps it a label
    # "Dân tộe:", its c read e (fresh aged 1337): with its colon
    ("ethnicity", r"\bdan[\s.]*toc\s*:?|\bdan[\s.]*toe\s*:|(?<!\w)\S?an\s*toc\s*:"),
    # "Quốc lÍch", "Quốt tịch": the t of "tịch" read l, the c of "Quốc" t on aged pages
    ("nationality", r"\bquo[ct][\s.]*[tl]ich\s*:?|(?<!\w)\S?uoc\s*tich\s*:"),
    # "Mới cư trú:", "Cte trú:", "Nới ct£ trú:": a misread "Nơi" or "cư"; the misread word stays with the label
    # "Trí tại:" for "Trú tại:", with its colon; "Trú tạt", "Cưtru" (an aged page: i read t, a space lost);
    # "Trú tạ:", its i lost before the colon (fresh aged 1337: a mother's residence lost, left empty)
    # "Cư tú:", its r lost (with its colon: a fresh aged page's father's residence read into his nationality)
    # "TTrú tại:", its T doubled (held-out font 159: a parent's residence read into the nationality)
    ("residence", r"\b(?:noi\s+cu\s+tru|t?tru\s+ta(?:[it]|(?=\s*:))|thuong\s+tru|noi\s+o)\s*:?|\btr\S\s+tai\s*:|(?:\b[mh][o0]i\s+)?\bcu\s*tru\s*:?"
                  r"|(?:\b[nmh][o0]i\s+)?\bc\S{1,2}\s+tru\s*:|(?<!\w)\S?u\s+tru\s*:|\bcu\s+tu\s*:"
                  # "Nơt cư trú": "Nơi" garbled at a line's start (not "Nam" of a wrapped nationality, nor a
                  # name or country such as "Nga")
                  r"|(?:^|(?<=\n))n[o0]\S?\s+cu\s*tru\s*:?"
                  # "Trú kề Phú Thủy": "tại" garbled, at a line's start after the first (fresh aged 1369:
                  # a mother's residence read into her nationality, the residence left empty)
                  r"|(?<=\n)tru\s+\S{2,3}(?=\s)\s*:?"
                  # "Lrú tại:", its T read L (fresh book 1175: a father's residence read into his nationality)
                  r"|(?<!\w)\S?ru\s+tai\s*:"),
]
# A date's separator: "/", "." or "-", the fraction slash Tesseract reads for an italic "/" (and other
# slash look-alikes), or, with no space around it, a letter read for a thin "/" ("8/4I2024", folded to i).
_DATE_SEP = r"(?:\s*[/.\-\u2044\u2215\uff0f]\s*|[il|!j\]])"
# A month of one or two characters, one of them perhaps a 1 read as I or l ("ngày 29-" above "I0-2007": the
# month's line had gone to the issuer after the date). Not the day: a speck before it would join it.
_MONTH_SLOT = r"(?:\d[\dil|]?|[il|]\d?)"
_DATE_RE = re.compile(rf"\d{{1,2}}{_DATE_SEP}{_MONTH_SLOT}{_DATE_SEP}\d{{2,4}}|\bngay\s+\d{{1,2}}\s+thang\s+\d{{1,2}}\s+nam\s+\d{{4}}")
# a first line of digits and separators only ("271112008": every "/" read as 1) is the digit date
_DIGIT_LINE_RE = re.compile(r"\s*\d[\d\s/.\-\u2044\u2215\uff0fil|!j\]]{4,}\s*")
_ID_NUMBER_RE = re.compile(r"[a-z]?\d[\d .]{5,}\d")
_ID_DIGITS = 12  # the longest number on an identity document (CCCD)
_DIGIT_LIKE = "[0-9oqilsbzt|]"  # a digit, or a letter OCR reads for one (folded: lower case; t for 7 or 1)


def _labelled(cell: _Cell, labels: list[tuple[str, str]], head: str | None) -> dict[str, CellPart]:
    """Split on labels; text before the first label belongs to ``head`` (e.g. the person's name)."""
    hits: list[tuple[int, int, str]] = []
    pos = 0
    for name, pattern in labels:
        m = re.compile(pattern).search(cell.folded, pos)
        if m:
            hits.append((m.start(), m.end(), name))
            pos = m.end()
    out: dict[str, CellPart] = {}
    if head is not None:
        out[head] = cell.part(0, hits[0][0] if hits else len(cell.text))
    for i, (_, end, name) in enumerate(hits):
        nxt = hits[i + 1][0] if i + 1 < len(hits) else len(cell.text)
        out[name] = cell.part(end, nxt)
    return out


def split_single(cell: _Cell, specs: tuple[FieldSpec, ...]) -> dict[str, CellPart]:
    return {specs[0].key: cell.part(0, len(cell.text))}


def split_person_block(cell: _Cell, specs: tuple[FieldSpec, ...]) -> dict[str, CellPart]:
    parts = _labelled(cell, _PERSON_LABELS, head="name")
    return {f.key: parts.get(f.part or "", CellPart("", 0.0, None)) for f in specs}


def split_date_digits_then_words(cell: _Cell, specs: tuple[FieldSpec, ...]) -> dict[str, CellPart]:
    digits_key, words_key = specs[0].key, specs[1].key
    m = _DATE_RE.search(cell.folded)
    if not m:
        first = cell.line_start(1) - 1 if len(cell.lines) > 1 else len(cell.text)
        if _DIGIT_LINE_RE.fullmatch(cell.folded[:first]) and sum(c.isdigit() for c in cell.folded[:first]) >= 5:
            # digits the patterns do not read (separators lost): still the digit date, for the normalizer
            return {digits_key: cell.part(0, first), words_key: cell.part(first, len(cell.text))}
        # no digit date: everything is words (the digit field stays empty)
        return {digits_key: CellPart("", 0.0, None), words_key: cell.part(0, len(cell.text))}
    return {digits_key: cell.part(m.start(), m.end()), words_key: cell.part(m.end(), len(cell.text))}


def split_lines_or_separator(cell: _Cell, specs: tuple[FieldSpec, ...], separators: str) -> dict[str, CellPart]:
    """Two fields: split at the *last* separator when there is one (line breaks are mostly wraps),
    else at the first line break; one line and no separator = all first field."""
    first, second = specs[0].key, specs[1].key
    hits = list(re.finditer(separators, cell.folded))
    if hits:
        m = hits[-1]
        return {first: cell.part(0, m.start()), second: cell.part(m.end(), len(cell.text))}
    if len(cell.lines) >= 2:
        cut = cell.line_start(1) - 1
        return {first: cell.part(0, cut), second: cell.part(cut, len(cell.text))}
    return {first: cell.part(0, len(cell.text)), second: CellPart("", 0.0, None)}


# The dash between a name and the relation, as OCR reads it: "-", "–", "—" or "~", with a space on at
# least one side ("AN - cha", "AN -cha", "AN\n~ CON"); a name never holds a spaced dash.
_NAME_REL_SEP = r"\s[-–—~]+\s*|\s*[-–—~]+\s|\("
_RELATION_FOLDS = {fold(r) for r in RELATIONS}
_RELATION_AT = re.compile("(?:" + "|".join(map(re.escape, sorted(_RELATION_FOLDS, key=len, reverse=True))) + r")\b")


def split_name_then_relation(cell: _Cell, specs: tuple[FieldSpec, ...]) -> dict[str, CellPart]:
    m = re.search(r"\bquan[\s.,]*he\b(?:\s+voi[^:]*)?\s*:?", cell.folded)
    if m:
        return {specs[0].key: cell.part(0, m.start()), specs[1].key: cell.part(m.end(), len(cell.text))}
    if re.search(_NAME_REL_SEP, cell.folded):
        return split_lines_or_separator(cell, specs, _NAME_REL_SEP)
    # a dash glued to both words before a listed relation at the end, not in capitals ("NGUYỄN VĂN AN-con";
    # "MAI-ANH" is a hyphenated name); a speck after it aside ("TÂM-con `"), the dash read "=" ("NAM =con":
    # only here, before a listed relation, since a stamp's or a ditto's "=" is no separator); a speck glued to
    # the dash ("MỸY-¬ con", a typewriter page: the name's last line had gone to the relation, the name
    # accepted without it)
    m = re.search(r"[-–—~=]+[^\w\s]?\s*([a-z ]+?)\s*[^\w\s]?\s*$", cell.folded)
    if m and m[1] in _RELATION_FOLDS and m.start() > 0 and not cell.text[m.start(1) : m.end(1)].isupper():
        return {specs[0].key: cell.part(0, m.start()), specs[1].key: cell.part(m.start(1), m.end(1))}
    # no label, no separator: a line before the last opening with a listed relation in lower case (as no name
    # is written: "Anh" may be a given name) is the relation, and the lines after it noise (the reverse page's
    # letters under "cha" on an aged page: "cha .ướờ" / "l~r" / "ỸX", the relation had been the last speck)
    for i in range(1, len(cell.lines) - 1):
        start = cell.line_start(i)
        if (m := _RELATION_AT.match(cell.folded, start)) and cell.text[start].islower():
            return {specs[0].key: cell.part(0, start - 1), specs[1].key: cell.part(start, m.end())}
    # a last line not in capitals is the relation ("cha", "Mẹ đẻ"); names are capitals (a last line "ANH"
    # or "CON" in capitals may be the given name: left to the name)
    last = cell.lines[-1].text.strip()
    if len(cell.lines) >= 2 and not last.isupper():
        cut = cell.line_start(len(cell.lines) - 1) - 1
        return {specs[0].key: cell.part(0, cut), specs[1].key: cell.part(cut, len(cell.text))}
    return {specs[0].key: cell.part(0, len(cell.text)), specs[1].key: CellPart("", 0.0, None)}


def split_ethnicity_nationality(cell: _Cell, specs: tuple[FieldSpec, ...]) -> dict[str, CellPart]:
    if re.search(r"\bdan[\s.]*toc\b|\bquoc[\s.]*tich\b", cell.folded):
        labels = [("ethnicity", r"\bdan[\s.]*toc\s*:?"), ("nationality", r"\bquoc[\s.]*tich\s*:?")]
        parts = _labelled(cell, labels, head=None)
        return {specs[0].key: parts.get("ethnicity", CellPart("", 0.0, None)),
                specs[1].key: parts.get("nationality", CellPart("", 0.0, None))}
    return split_lines_or_separator(cell, specs, r"[,;]")


def split_id_document(cell: _Cell, specs: tuple[FieldSpec, ...]) -> dict[str, CellPart]:
    m = _ID_NUMBER_RE.search(cell.folded)
    if not m:
        return {specs[0].key: cell.part(0, len(cell.text)), specs[1].key: CellPart("", 0.0, None)}
    head_end = m.start()
    label = re.search(r"\s*(?:so)?\s*:?\s*$", cell.folded[:head_end])
    if label:
        head_end = label.start()
    return {specs[0].key: cell.part(0, head_end), specs[1].key: cell.part(m.start(), _id_number_end(cell, m))}


def _id_number_end(cell: _Cell, m: re.Match[str]) -> int:
    """End of the ID number: a grouped number may wrap ("034 053 202" / "475"); the next line continues it
    when it holds nothing but digits, most of them read as digits (an italic 5 read "S": "S17", aged seed
    1341, the number's last three digits lost), and the whole stays within a CCCD's length."""
    end = m.end()
    nxt = re.match(rf"[ .]*\n\s*({_DIGIT_LIKE}(?:[{_DIGIT_LIKE[1:-1]} .]*{_DIGIT_LIKE})?)\s*(?=\n|$)",
                   cell.folded[end:])  # fmt: skip
    if nxt is None:
        return end
    tail = nxt[1].replace(" ", "").replace(".", "")
    count = sum(c.isdigit() for c in m[0]) + len(tail)
    return end + nxt.end(1) if count <= _ID_DIGITS and sum(c.isdigit() for c in tail) * 2 > len(tail) else end


def split_time_then_date(cell: _Cell, specs: tuple[FieldSpec, ...]) -> dict[str, CellPart]:
    m = re.search(r"\bngay\b", cell.folded) or _DATE_RE.search(cell.folded)
    if not m:
        return {specs[0].key: cell.part(0, len(cell.text)), specs[1].key: CellPart("", 0.0, None)}
    return {specs[0].key: cell.part(0, m.start()), specs[1].key: cell.part(m.start(), len(cell.text))}


# folded "ngày", or garbled at its second letter or first ("neày", "rgày"), or misread to a letter or two
# before its "gày" or after its n ("hgày", "igầy", "rigày", "nieày": aged pages, each kept in the number)
# "ngày" as OCR garbles it; "này" (its g lost: aged 1345) only before digits, the word "nay" otherwise
_NGAY = r"(?:ngay|[nr][a-z]{1,2}ay|[a-z]{1,2}gay|nay(?=[ \t]*\d))"


# more date tokens on the line: digits and separators, or a 1 read as I before a digit's token ("06. I 1.2023")
_DATE_REST = r"(?:[ \t]+(?:[\d./\-il|o]*\d[\d./\-il|o]*|[il|]{1,2}(?=[ \t]+\S*\d)))*"


def split_death_notice(cell: _Cell, specs: tuple[FieldSpec, ...]) -> dict[str, CellPart]:
    number, date, issuer = (f.key for f in specs)
    so = re.search(r"^\s*so\b\s*:?", cell.folded)
    # no date of digits found: "ngày" and the token after it, however misread ("ngày 2I.10.2003", "ngày Ø"),
    # are the date, so that neither it nor the issuer is read as part of the number
    # "neày": the word garbled (fresh aged page), still no part of the number; its token on its own line
    # A separator read as a space ("ngày 05 11.2023", an aged page's faded dot): the digits after the day
    # on its line are the date's too, not the issuer's first word
    # Its token may start the next line, when that starts with a digit ("ngày" above "2210/2007", its "/" lost:
    # no date the pattern knows; a book page's two dates of death had gone to the issuer as its first line)
    d = _DATE_RE.search(cell.folded) or re.search(rf"\b{_NGAY}\b[ \t]*:?(?:\s*(?=\d))?[ \t]*\S*{_DATE_REST}",
                                                  cell.folded)  # fmt: skip
    num_start = so.end() if so else 0
    if not d:
        return {number: cell.part(num_start, len(cell.text)), date: CellPart("", 0.0, None),
                issuer: CellPart("", 0.0, None)}
    ngay = re.search(rf"\b{_NGAY}\s*:?\s*$", cell.folded[: d.start()])
    date_start = ngay.start() if ngay and not re.match(_NGAY, cell.folded[d.start():d.end()]) else d.start()
    # "ngày" and a speck before the date ("ngày Ø" above "7/11/2023"): neither is part of the number
    speck = None if ngay else re.search(rf"\b{_NGAY}\b\s*\S{{1,2}}\s*$", cell.folded[: d.start()])
    num_end = speck.start() if speck else date_start
    return {number: cell.part(num_start, num_end), date: cell.part(date_start, d.end()),
            issuer: cell.part(d.end(), len(cell.text))}


SPLITTERS: dict[str, Callable[[_Cell, tuple[FieldSpec, ...]], dict[str, CellPart]]] = {
    "person_block": split_person_block,
    "date_digits_then_words": split_date_digits_then_words,
    "name_then_relation": split_name_then_relation,
    "ethnicity_nationality": split_ethnicity_nationality,
    "id_document": split_id_document,
    "time_then_date": split_time_then_date,
    "death_notice": split_death_notice,
}


def split_cell(column: ColumnSpec, lines: list[OcrLine]) -> dict[str, CellPart]:
    """The raw text of every field of ``column`` read from the cell's OCR ``lines`` (top to bottom)."""
    lines = [ln for ln in lines if ln.text.strip()]
    if not lines:
        return {f.key: CellPart("", 0.0, None) for f in column.fields}
    cell = _Cell(lines)
    if column.split is None:
        return split_single(cell, column.fields)
    try:
        splitter = SPLITTERS[column.split]
    except KeyError:
        raise ValueError(f"template names unknown splitter {column.split!r}; known: {sorted(SPLITTERS)}") from None
    parts = splitter(cell, column.fields)
    return {f.key: parts.get(f.key, CellPart("", 0.0, None)) for f in column.fields}
