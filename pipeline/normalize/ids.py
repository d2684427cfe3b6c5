"""Numbers written on the page: entry/book/page numbers, document numbers, identity numbers."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache

from .dates import _fix_digits
from .lexicons import read_csv
from .text import clean_text, nfc, strip_diacritics

# Labels written before a number, matched on the diacritic-free lower-case text; a label is a whole word
# (the "SO" of "SOC" is none) but may touch its number ("Số12", "CMND:024187000"). Longest first.
_LABELS = re.compile(
    r"\s*(quyen\s+so|so\s+dinh\s+danh|trang\s+so|trang|so|cccd|cmnd|ho\s+chieu)(?![^\W\d_])\s*[:.\-]?"
)
# what clean_text strips from the start of a text: dropped after a label too, so that the remainder reads
# the same when it is normalized again
_AFTER_LABEL = " \t\n|_~`'\".,;:!*^°¬=+<>\\/-"


def _fold_chars(s: str) -> tuple[str, list[int]]:
    """Diacritic-free lower case text and, for each of its characters, its index in ``s``."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(s):
        for c in strip_diacritics(ch).lower():
            out.append(c)
            where.append(i)
    return "".join(out), where


def _strip_label(s: str) -> str:
    """Drop every label before the number ("CMND số 024187000" -> "024187000", "Số12" -> "12"): what is
    left never starts with a label, so a value read again loses nothing more (once "SO0" gave "SO0" after
    "Số", then "" when read again)."""
    while True:
        f, where = _fold_chars(s)
        m = _LABELS.match(f)
        if not m:
            return s
        s = (s[where[m.end()] :] if m.end() < len(f) else "").lstrip(_AFTER_LABEL)


_ONES = str.maketrans({"I": "1", "l": "1", "|": "1", "O": "0", "o": "0"})


BOOK_NO_SLASH_LOST = "book_no_slash_lost"  # rule: "012019" read as book 01 of 2019, its "/" restored
BOOK_NO_SLASH_AS_ONE = "book_no_slash_as_one"  # and with it: "0212004", the "/" read as the 1 (or 7) dropped
_BOOK_YEAR_SPACED = re.compile(r"(\d+)\s*[/\-.]\s*(\d(?: ?\d){3})(?!\d)")
_BOOK_RUN = re.compile(r"(?<!\d)(\d{1,3}) ?(\d{4})(?!\d)")
_SLASH_AS_STROKE = re.compile(r"(?<!\d)(\d{1,3})[lI|](\d{4})(?!\d)")
MIN_BOOK_YEAR, MAX_BOOK_YEAR = 1900, 2099  # the years a book number may carry
ENTRY_NO_GUESSED = "entry_no_guessed"  # rule prefix: digits beside the number were read into it or left
DOC_NO_GUESSED = "doc_no_guessed"  # rule prefix: a digit of a document number restored by a guess


_FIVE_AS_SYMBOL = re.compile(r"[$§](?=\d)|(?<=\d)[$§]")
# a symbol no number holds, touching its digits: digits read as it ("%3" for 363, "%1" for 361 on a book
# photograph, where "3" had been accepted), so the number is short of them
_SYMBOL_IN_NUMBER = re.compile(r"[%&@#](?=\d)|(?<=\d)[%&@#]")


_LETTER_BESIDE = re.compile(r"[^\W\d_]\d|\d[^\W\d_]")


def entry_no(raw: str) -> tuple[str | None, list[str]]:
    """``Số 12`` -> ``12``; leading zeros kept."""
    s, rules = clean_text(raw)
    # a number has no marks: one on a look-alike letter is OCR's ("1Š" is 15, "9Ị" is 91)
    s = strip_diacritics(_strip_label(s))
    # an italic 5 read as "$" or "§" beside a digit ("$4§" for 545 on a book photograph): a guess
    s, fives = _FIVE_AS_SYMBOL.subn("5", s)
    if fives:
        rules.append(ENTRY_NO_GUESSED + ":five_as_symbol")
    if _SYMBOL_IN_NUMBER.search(s):
        rules.append(ENTRY_NO_GUESSED + ":symbol_in_number")
    # a serif 1 read as L, I or | beside a digit ("8L" is 81 at a page's foot, "4II" is 411)
    s, serif = re.subn(r"(?<=\d)[LIl|]+|[LIl|]+(?=\d)", lambda m: "1" * len(m[0]), s)
    before = s
    s, fixed = _fix_digits(s)
    if fixed or serif:
        rules.append("ocr_digits")
    if any(a in "SsŠš" and b == "5" for a, b in zip(before, s, strict=False)):
        # an S read for a digit is a 5 or an italic 8 ("S6", "S7", "S9" down aged 1361's page of 86-89,
        # taken as 56, 57, 59 against the 88 and 90 read between them): a guess
        rules.append(ENTRY_NO_GUESSED + ":s_as_five")
    if not re.search(r"\d", s) and re.fullmatch(r"[\s\-–—.]*[IlO|o]{1,4}[\s\-–—.]*", s):
        # numbers here are Arabic (field contract): "II" is OCR's reading of "11"
        s = s.translate(_ONES)
        rules.append("ocr_digits")
    runs = list(re.finditer(r"\d+", s))
    if len(runs) == 1 and _LETTER_BESIDE.search(s):
        # a letter against the number, dropped: an italic 7 read as T ("T8" for 78 on a book photograph,
        # accepted as 8), or a mark beside it ("T76" for 76): a guess
        rules.append(ENTRY_NO_GUESSED + ":letter_beside")
    if len(runs) < 2:
        return (runs[0].group(0) if runs else None), rules
    # an entry number is one Arabic number: a second run of digits is a misread inside it, a guess
    a, b = runs[0], runs[1]
    between = s[a.end() : b.start()]
    if len(runs) == 2 and between == "/":  # an italic 7 read as "/" ("4/1" for 471)
        rules.append(ENTRY_NO_GUESSED + ":slash_as_7")
        return a.group(0) + "7" + b.group(0), rules
    if len(runs) == 2 and not between.strip():  # a space OCR put inside the number ("47 1")
        rules.append(ENTRY_NO_GUESSED + ":space")
        return a.group(0) + b.group(0), rules
    rules.append(ENTRY_NO_GUESSED + ":first_number")  # "12 (13)": the first, for the reviewer
    return a.group(0), rules


def book_no(raw: str) -> tuple[str | None, list[str]]:
    """``Quyển số: 01/2008``, ``Quyển số 01-2008`` -> ``01/2008``."""
    s, rules = clean_text(raw)
    s = _strip_label(s)
    # an italic "/" read as l, I or | between the book and its year ("01l2019"): the slash, before the
    # look-alike repair would make it a 1 of the book's number
    if (slashed := _SLASH_AS_STROKE.sub(r"\1/\2", s)) != s:
        s = slashed
        rules.append("ocr_slash")
    s, fixed = _fix_digits(s)
    if fixed:
        rules.append("ocr_digits")
    m = re.search(r"(\d+)\s*([/\-.,])\s*(\d{4})", s)
    if m:
        if m[2] == ",":  # "03, 2020": the "/" read as a comma (a book photograph), not book 3 then a year
            rules.append("ocr_slash")
        return f"{m[1]}/{m[3]}", rules
    # "01/201 1": a gap OCR put between the year's digits (a book photograph's letter spacing), not a
    # book 01 followed by stray digits
    m = _BOOK_YEAR_SPACED.search(s)
    if m and MIN_BOOK_YEAR <= int(year := m[2].replace(" ", "")) <= MAX_BOOK_YEAR:
        rules.append("book_no_year_spaced")
        return f"{m[1]}/{year}", rules
    run = _BOOK_RUN.search(s)
    if run and MIN_BOOK_YEAR <= int(run[2]) <= MAX_BOOK_YEAR:
        # "012019", "01 2019": a book and its year run together, the thin "/" lost on a curled page's edge
        # (or dropped as a stray stroke)
        rules.append(BOOK_NO_SLASH_LOST)
        book = run[1]
        if len(book) == 3 and book.endswith(("1", "7")) and " " not in run[0]:
            # "0212004": the "/" read as a 1 (a thin upright stroke), or as a 7 in italic ("0172021": a fresh
            # aged page), not a book numbered 021 or 017; a register's books of one year are counted in ones
            # and tens
            book = book[:2]
            rules.append(BOOK_NO_SLASH_AS_ONE)
        return f"{book}/{run[2]}", rules
    m = re.search(r"\d+", s)
    return (m.group(0) if m else None), rules


def page_no(raw: str) -> tuple[str | None, list[str]]:
    """``Trang 12``, ``- 12 -`` -> ``12``; a page 0 is none (a fresh scanned page's "50" read "0": its 5
    outside the box OCR gave the line); a leading zero is dropped: pages are numbered 1, 2, ... ("- 91 -"
    read "091" on a phone photograph, where another reading's "91" then counted as a digit short of it)."""
    value, rules = entry_no(raw)
    if value is not None and not value.strip("0"):
        return None, rules
    if value is not None and value.startswith("0"):
        rules.append("page_no_leading_zero")
        value = value.lstrip("0")
    return value, rules


_DOC_NO_PASSES = 8


def doc_no(raw: str) -> tuple[str | None, list[str]]:
    """``Số 12/GBT`` -> ``12/GBT`` (as written without the label, no spaces around ``/``)."""
    s, rules = clean_text(raw)
    # the label's colon read as a letter and glued on ("Sốl187/GBT", aged seed 1259): no label alone
    if m := _DOC_LABEL_GLUED.match(s):
        s = s[m.end() :]
        rules.append(DOC_NO_GUESSED + ":label_glued")
    for _ in range(_DOC_NO_PASSES):
        s2 = _strip_label(s)
        s2 = re.sub(r"\s*([/\-])\s*", r"\1", s2).strip(_AFTER_LABEL)
        # cleaned again: closing up around "/" or "-" can put a spacing accent against a letter ("a - ` b"
        # -> "a-` b"), which clean_text then repairs; repeated until the value reads back as itself
        s2, more = clean_text(s2)
        rules.extend(r for r in more if r not in rules)
        if s2 == s:
            break
        s = s2
    # the label "Số" misread as two characters before the number ("56 230/GBT", accepted on aged seed
    # 1213): the label's look-alike dropped, a guess for review
    if m := _DOC_LABEL_MISREAD.fullmatch(s):
        s = m[1]
        rules.append(DOC_NO_GUESSED + ":label_misread")
    # the thin "/" before the document code read as a letter ("267IGBT", "235JGBT"): a number and an
    # upper-case code are never written run together
    # or before the year ("185I2007"); a speck beside it ("257/?2009")
    # (until the value reads back as itself: "12IIGBT" -> "12/IGBT" -> "12/GBT")
    while m := _DOC_SLASH_AS_LETTER.fullmatch(s) or _DOC_SLASH_BEFORE_YEAR.fullmatch(s):
        s = f"{m[1]}/{m[2]}"
        if "ocr_slash" not in rules:
            rules.append("ocr_slash")
    # a leading 1 read as I ("I10/GBT"), or a year's leading 2 lost ("164/016"): guesses, for review
    if m := _DOC_ONE_AS_LETTER.fullmatch(s):
        s = f"1{m[1]}"
        rules.append(DOC_NO_GUESSED + ":one_as_letter")
    if (m := _DOC_YEAR_TWO_LOST.fullmatch(s)) and int(f"20{m[2]}") <= dt.date.today().year:
        s = f"{m[1]}/20{m[2]}"
        rules.append(DOC_NO_GUESSED + ":year_digit_lost")
    # a whole number and a short token with no digit after it: a speck or a garbled word beside it ("243/GBT
    # t¿", "115/GBT ƒ"), dropped, a guess for review
    if m := _DOC_TRAILING_NOISE.fullmatch(s):
        s = m[1]
        rules.append(DOC_NO_GUESSED + ":trailing_noise")
    if " " in s:  # no document number is written with a space in it: two reads run together, for review
        rules.append(DOC_NO_GUESSED + ":spaced")
    return (s or None), rules


def slash_before_year(number: str, year: int) -> str | None:
    """A document number read as digits alone that ends in the year it was issued: the thin "/" before
    the year lost ("1372024" for a notice of 2024: 137/2024), or read as a 1 where the number before the
    year would otherwise have four digits or more ("11212017": 112/2017). None when it does not end so."""
    m = re.fullmatch(rf"(\d{{1,5}}){year}", number)
    if m is None:
        return None
    head = m[1][:-1] if len(m[1]) >= 4 and m[1].endswith("1") else m[1]
    return f"{head}/{year}"


SLASH_AS_LETTER = "[IlJ|!ƒ]"  # the thin "/" of a number as OCR reads it (remarks use it too; "55ƒQĐ": an italic one)
# the "/" read as a letter, read twice ("46/IGBT") or lost ("95GBT")
# (or an italic "/" read as a quote: "118'GBT", a fresh aged page in an italic serif)
_SLASH_AS_QUOTE = "['\"]"  # (clean_text has made every curly quote straight)
_DOC_SLASH_AS_LETTER = re.compile(
    rf"(\d{{1,6}})(?:{SLASH_AS_LETTER}|/{SLASH_AS_LETTER}|{_SLASH_AS_QUOTE}|)([A-ZĐ]{{2,}}(?:-[A-ZĐ]+)*)")
_DOC_SLASH_BEFORE_YEAR = re.compile(
    rf"(\d{{1,5}})(?:{SLASH_AS_LETTER}|{_SLASH_AS_QUOTE}|/[?!:.,]|[?!:.,]/)((?:19|20)\d\d)")
_DOC_ONE_AS_LETTER = re.compile(r"[Il](\d{1,5}/(?:[A-ZĐ]{2,}.*|(?:19|20)\d\d))")
_DOC_YEAR_TWO_LOST = re.compile(r"(\d{1,5})/0(\d\d)")
_DOC_TRAILING_NOISE = re.compile(r"(\d{1,6}/(?:[A-ZĐ]{2,}(?:-[A-ZĐ]+)*|(?:19|20)\d\d))\s+[^\d\s]{1,6}")
_DOC_LABEL_GLUED = re.compile(r"S[ốỐ][lI|!](?=\d)")
# (its ố read as a crossed ð, đ once cleaned, is no letter a number starts with: glued on, "Sð241/GBT";
# nor is an S before a 6: "S682/GBT"; its S read 3 apart from the number, "36 39/2012", aged 1431's italic)
_DOC_LABEL_MISREAD = re.compile(r"(?:[S5$3][O0Ô6Ốoôố][:.]?\s+|[S5$][đĐð][:.]?\s*|[S$]6)(\d{1,6}\S*)")


_LETTER_AMONG_DIGITS = re.compile(r"(?<=\d)[^\W\d_]+(?=\d)")

# a 9-digit CMND's first two digits: its issuing province's police (01 Hà Nội, 02 TP. Hồ Chí Minh ... 38 Bạc
# Liêu; a later split province kept its parent's or took a 3-digit block inside the range: Bình Dương 280).
# A number outside them is a misread digit (generator 431: 067488328 read 967488328 at 0.96, accepted)
CMND_ISSUERS = (1, 38)


@cache
def province_codes() -> frozenset[str]:
    """Pre-2025 province codes, zero-padded to 3 digits (the PPP of a 12-digit personal number)."""
    return frozenset(
        f"{int(r['old_province_code']):03d}" for r in read_csv("gazetteer/province_mapping_2025.csv")
    )


def decode_personal_id(number: str) -> dict:
    """``PPP G YY RRRRRR``: province code, century/sex digit, birth year (domain.md §7)."""
    g = int(number[3])
    century = 1900 + (g // 2) * 100
    return {
        "province_code": number[:3],
        "sex": "Nam" if g % 2 == 0 else "Nữ",
        "birth_year": century + int(number[4:6]),
    }


def id_number(raw: str) -> tuple[str | None, str | None, list[str], dict]:
    """-> (value, reason if invalid, rules, details). Digits only; a passport keeps its letter."""
    s, rules = clean_text(raw)
    s = _strip_label(s)
    # NFC again: dropping a space can join a letter to a stray combining mark ("A \u0300" -> "À")
    compact = nfc(re.sub(r"[\s.\-]", "", s))
    m = re.fullmatch(r"([A-Za-z]{1,2})(\d{7,8})", compact)
    if m:
        return m[1].upper() + m[2], None, rules, {"kind": "passport"}
    fixed, changed = _fix_digits(compact)
    if changed:
        rules.append("ocr_digits")
    digits = re.sub(r"\D", "", fixed)
    if not digits:
        # an identity number has digits: letters alone are no number (the cell text stays for review)
        return None, "không có chữ số / no digits", rules, {}
    if inside := _LETTER_AMONG_DIGITS.search(fixed):
        # a letter no digit is read for, between digits ("019090957T14": an italic 7 read T, or a 1): a digit
        # misread, not a separator; dropping it would leave a shorter number that may pass for a whole one
        return fixed, f"chữ '{inside[0]}' giữa các chữ số / the letter '{inside[0]}' among the digits", rules, {}
    if digits != fixed:
        rules.append("digits_only")
    if len(digits) == 11 and "0" + digits[:2] in province_codes():
        # a 12-digit number's leading 0 lost at the cell's edge ("75 092 841 127"): every province code
        # starts with 0. A guess (another digit may be the one lost): the caller lowers the confidence
        digits = "0" + digits
        rules.append("id_leading_zero_restored")
    details: dict = {"kind": {9: "cmnd", 12: "personal_id"}.get(len(digits), "other")}
    if len(digits) == 12:
        details.update(decode_personal_id(digits))
        if digits[:3] not in province_codes():
            return digits, (f"mã tỉnh {digits[:3]} không hợp lệ / province code {digits[:3]} "
                            "of the 12-digit number is not a province"), rules, details  # fmt: skip
    elif len(digits) not in (8, 9):
        return digits, f"số giấy tờ có {len(digits)} chữ số / unexpected length {len(digits)}", rules, details
    elif len(digits) == 9 and not CMND_ISSUERS[0] <= int(digits[:2]) <= CMND_ISSUERS[1]:
        return digits, (f"hai chữ số đầu {digits[:2]} không phải mã nơi cấp CMND (01-38) / the first two digits "
                        f"{digits[:2]} are no CMND issuer's code (01-38)"), rules, details  # fmt: skip
    return digits, None, rules, details
