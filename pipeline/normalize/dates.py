"""Dates in digits (``15/3/1987``, ``ngày 15 tháng 3 năm 1987``, ``sinh năm 1962``) and in words.

Words are matched on their diacritic-free form against a closed vocabulary, so OCR diacritic errors
(``mưới lãm``) still parse; the canonical ``date_words`` value rewrites each token as the valid number
word it stands for, keeping the regional variant the writer used (nghìn/ngàn, linh/lẻ, lăm/nhăm, mốt, tư).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz.distance import Levenshtein

from .text import collapse_ws, fold_slashes, nfc, split_tone, strip_diacritics

MIN_YEAR = 1850  # civil-status books digitized here start in the colonial era
MAX_YEAR = 2100
# The canonical date_words keeps "ngày" only when written (pipeline/samples/words.py ground truth).
ALWAYS_NGAY = False


@dataclass(slots=True)
class ParsedDate:
    year: int
    month: int | None = None
    day: int | None = None
    rules: list[str] = field(default_factory=list)

    @property
    def iso(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    @property
    def precision(self) -> str:
        return "year" if self.month is None else "month" if self.day is None else "day"

    def as_dict(self) -> dict:
        return {"year": self.year, "month": self.month, "day": self.day, "precision": self.precision}


class DateError(ValueError):
    """A date-looking text that is not a valid date; the message is the reason (Vietnamese / English).
    ``candidates``: the ISO dates it could be when the text allows several (evidence elsewhere may
    choose: a register page's date order)."""

    def __init__(self, message: str, candidates: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.candidates = candidates


def check_date(year: int, month: int | None, day: int | None) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DateError(f"năm {year} ngoài khoảng hợp lệ / year {year} out of range")
    if month is not None and not 1 <= month <= 12:
        raise DateError(f"tháng {month} không hợp lệ / month {month} does not exist")
    if day is not None:
        try:
            dt.date(year, month or 1, day)
        except ValueError:
            raise DateError(
                f"ngày {day}/{month}/{year} không tồn tại / date {year}-{month:02d}-{day:02d} does not exist"
            ) from None


def _exists(year: int, month: int, day: int) -> bool:
    try:
        check_date(year, month, day)
    except DateError:
        return False
    return True


# --- digits ---------------------------------------------------------------------------------------

# OCR look-alikes inside a number (only applied to tokens that already hold a digit).
_DIGIT_FIX = str.maketrans(
    {
        "O": "0",
        "o": "0",
        "D": "0",
        "Q": "0",
        "l": "1",
        "I": "1",
        "|": "1",
        "i": "1",
        "!": "1",
        "]": "1",  # "197]", "ngày 3]": a serif 1
        "S": "5",
        "s": "5",
        "Š": "5",  # "1Š": a mark OCR put on a look-alike (no Vietnamese letter carries it)
        "š": "5",
        "B": "8",
        "Z": "2",
        "z": "2",
        "g": "9",
        "q": "9",  # "q9" for a page's 99 (a book photograph's italic 9)
        "G": "6",
        "Ø": "0",  # a slashed zero ("Ø1/2000": a book number, the 0 lost had it been dropped as a letter)
        "ø": "0",
    }
)
_DIGITISH = re.compile(r"[0-9OoDQlIi|!\]SsŠšBZzgqGØø]+")


# An italic serif 1 read as T at the head of a year ("T955"); never before one or two digits ("T3/1987"
# may be tháng 3).
_T_AS_ONE = re.compile(r"(?<!\w)T(?=\d{3}(?!\d))")
# ...or at the head of a month between the separators ("06/T1/2019", a book photograph: month 11). "T1" also
# writes tháng 1, so it is a guess, for review
_MONTH_T = re.compile(r"(?<=\d[/.\-])T(?=\d[/.\-]\d)")


# A month in Roman numerals between the separators of a digit date ("2-IX-1945"), as older hands write it.
# "II" is also what OCR makes of "11": February or November is left to the reviewer.
_ROMAN_MONTH = re.compile(r"(?<![\w/.\-])(\d{1,2})([\-/.])(XII|XI|IX|X|VIII|VII|VI|IV|V|III|II|I)\2(\d{4})(?!\d)")
_ROMAN = {r: i for i, r in enumerate(["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"], start=1)}


def _roman_month(m: re.Match[str]) -> str:
    month = _month_ii(m[0], int(m[1]), int(m[4])) if m[3] == "II" else _ROMAN[m[3]]
    return f"{m[1]}{m[2]}{month}{m[2]}{m[4]}"


def _month_ii(text: str, day: int, year: int) -> int:
    """"II" in a month slot: February in Roman numerals, or 11 with both ones read as I. The one that
    exists ("30-II"); DateError listing both when both do."""
    months = []
    for month in (2, 11):
        try:
            check_date(year, month, day)
            months.append(month)
        except DateError:
            pass
    if len(months) == 1:
        return months[0]
    raise DateError(f"'{text}': tháng 2 (số La Mã) hay tháng 11? / month II (February) or 11 misread?",
                    tuple(f"{year:04d}-{mo:02d}-{day:02d}" for mo in months))  # fmt: skip


# "06. I 1.2023": the month's 1 read I, a space beside it; "22/05/1 974": a space inside the year
_MONTH_LOOKALIKE_SPLIT = re.compile(r"(?<=\d[/.\-])\s?[Il|]\s(\d)(?=[/.\-]\d{4}(?!\d))")
# an italic "/" read as a quote between a date's numbers ("17”10'1938", a fresh aged page in an italic serif):
# d/m/yyyy with a quote for one separator or both
_QUOTE_SEP = re.compile(r"(?<![\d'\"’”‘“])(\d{1,2})(['\"’”‘“]|[/.\-])(\d{1,2})(['\"’”‘“]|[/.\-])(\d{4})(?!\d)")


def _quote_sep(m: re.Match[str]) -> str:
    return m[0] if m[2] in "/.-" and m[4] in "/.-" else f"{m[1]}/{m[3]}/{m[5]}"


_DMY_YEAR_SPLIT = re.compile(r"(?<![\d/.\-])(\d{1,2}[/.\-]\d{1,2}[/.\-])(\d{1,3}) (\d{1,3})(?![\d/.\-])")
# "năm 201 1": two digits then two, or three then one, after "năm"
_YEAR_SPLIT = re.compile(r"(?i)(\bn[aă]m\s+)(\d{2,3}) (\d{1,2})\b(?<=\b\d{2} \d{2}|\b\d{3} \d)")
# "rgày 4 tháng": the day's label with its n read r or m (a plain "ngay", without marks, is no misread)
_NGAY_MISREAD = re.compile(r"(?i)(?<!\w)[rm]g[aàảãáạ]y(?=\s+\S{1,2}\s+th[aá]ng\b)")
_NGAY_LABEL = "ocr_date_label"  # rule: a misread label put right (no digit changed: not a guess)
# "ngày 7 tháng TT năm 2007", "ngày 6 tháng I] năm 2024": a day or month slot of the words form read as
# look-alike letters only (an italic 1 as T, I or "]"). The slot can only hold a number: a guess all the same
_WORDS_FORM_SLOTS = re.compile(
    r"(?i)\b(ng[aà]y\s+)([0-9TIl|!\]OoDQSsBZzgGÌÍÏŠš]{1,2})(\s+th[aá]ng\s+)([0-9TIl|!\]OoDQSsBZzgGÌÍÏŠš]{1,2})(\s+n[aă]m\s+)(\d{4})\b"
)


def _words_form_slots(m: re.Match[str]) -> str:
    day, month = (strip_diacritics(x) for x in (m[2], m[4]))  # "lÌ": a mark OCR put on a look-alike
    if day.isdigit() and month.isdigit():
        return m[0]
    day = day if day.isdigit() else _slot_digits(day)
    if month == "II":
        month = str(_month_ii(m[0], int(day), int(m[6]))) if day.isdigit() else month
    elif not month.isdigit():
        month = _slot_digits(month)
    return f"{m[1]}{day}{m[3]}{month}{m[5]}{m[6]}"


# A day or month whose digits OCR read as letters only ("1-TI-1995": an italic serif 1 read as T or I;
# "S-3-2010": a 5 read as S), between the separators of a whole digit date. A guess: "TI" may be 17.
_LETTER_DIGITS = "TIl|!OoDQSsŠšBZzgG"
_LETTERS_IN_DATE = re.compile(
    rf"(?<![\w/.\-])([0-9{re.escape(_LETTER_DIGITS)}]{{1,2}})([\-/.])([0-9{re.escape(_LETTER_DIGITS)}]{{1,2}})\2(\d{{4}})(?!\d)"
)


_T_FIX = str.maketrans({"T": "1"})  # only inside a date's day or month slot (elsewhere "T" may be tháng)
_TL_FIX = str.maketrans({"T": "1", "L": "1"})  # an hour or minute of two characters, one a digit

# A day of look-alike letters only and its separator read as a space ("II 11.1953" for 11.11.1953, an aged
# page's faded dot): before a month and a year so written it can only be the day. A guess: "TI" may be 17.
_LETTER_DAY_SPACED = re.compile(rf"(?<![\w/.\-])([{re.escape(_LETTER_DIGITS)}]{{1,2}}) (\d{{1,2}})([\-/.])(\d{{4}})(?!\d)")


def _letter_day_spaced(m: re.Match[str]) -> str:
    return f"{_slot_digits(m[1])}{m[3]}{m[2]}{m[3]}{m[4]}"


def _slot_digits(slot: str) -> str:
    """A day or month slot read as look-alike letters, as the digits they stand for ("TI" -> "11")."""
    return slot.translate(_T_FIX).translate(_DIGIT_FIX)


def _letters_in_date(m: re.Match[str]) -> str:
    slots = m[1] + m[3]
    # a slot with a digit is _fix_digits' ("O5"); only with a letter Roman numerals do not use: "1-II-1995"
    # may be February written in Roman
    if all(any(c.isdigit() for c in x) for x in (m[1], m[3])) or re.fullmatch(r"[\dI]*", slots):
        return m[0]
    day, month = (_slot_digits(x) for x in (m[1], m[3]))
    return f"{day}{m[2]}{month}{m[2]}{m[4]}"


def _fix_digits(s: str) -> tuple[str, bool]:
    def sub(m: re.Match) -> str:
        tok = m.group(0)
        if not any(c.isdigit() for c in tok) or tok.isdigit():
            return tok
        # only when most of the token is digits: "2O08", "l5" but not words like "Sinh"
        if sum(c.isdigit() for c in tok) * 2 < len(tok):
            return tok
        if tok.endswith("]") and ("[" in m.string[: m.start()] or re.search(r"\d{4}\]$", tok)):
            tok, close = tok[:-1], "]"  # a real bracket: "[1971]", or a speck after a whole year "1991]"
            return tok.translate(_DIGIT_FIX) + close
        return tok.translate(_DIGIT_FIX)

    out = _DIGITISH.sub(sub, _T_AS_ONE.sub("1", s))
    return out, out != s


_SEP = r"\s*[/.\-]\s*|\s+"
_DMY = re.compile(rf"(?<!\d)(\d{{1,2}})(?:{_SEP})(\d{{1,2}})(?:{_SEP})(\d{{4}}|\d{{2}})(?!\d)")
_YMD = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
# a comma right after a label is a wrap's speck ("ngày 27 tháng, / 2 năm 2016": a fresh aged page, invalid);
# not one before the number ("tháng ,2": perhaps the 1 of 12 misread)
_NGAY_THANG_NAM = re.compile(
    r"ngay\s*(?:mong|mung)?\s*(\d{1,2})\s*,?\s*thang,?\s*(\d{1,2})\s*,?\s*nam[a-z]?,?\s*(\d{4})"
)
# "năm" with a speck read as a letter after it ("nămt 2016", an aged page) is still the year's label
_THANG_NAM = re.compile(r"thang,?\s*(\d{1,2})\s*,?\s*nam[a-z]?,?\s*(\d{4})")
_MY = re.compile(r"(?<!\d)(\d{1,2})\s*[/.\-]\s*(\d{4})(?!\d)")
_YM = re.compile(r"(?<![\d\-])(\d{4})-(\d{2})(?![\d\-])")  # the canonical partial value itself: idempotent
_Y = re.compile(r"(?<!\d)(\d{4})(?!\d)")


# A thin "/" in a 1-bit scan comes out as one of these glyphs ("4I2I1986", "5J10/1987", "4l3/2018"); all
# but J are also read for the digit 1, so both readings are tried.
_SLASH_LOOKS = "IlJ|!i"
_SLASH_ONLY = "J"
# digits OCR read as capitals inside a date token ("SJ12I1972": 5/12/1972)
_DIGIT_LOOKS = {"S": "5", "O": "0", "B": "8", "A": "4"}  # an italic open 4 reads as A ("A/11/2002")
# an italic "/" and the 1 after it read as one H ("12/4H930"), or the "/" alone ("25/4H1972"; aged 1315)
_SLASH_ONE = "H"
_DATE_TOKEN = re.compile(rf"(?<![\w/.\-])[0-9/.\-{re.escape(_SLASH_LOOKS)}SOBAH]{{5,14}}(?![\w/.\-])")
_STRICT_DMY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_STRICT_MY = re.compile(r"(\d{1,2})[/.\-](\d{4})")
_STRICT_Y = re.compile(r"\d{4}")
# day and month run together, then a "/" and a year without its first digit ("152/017")
# (three digits at least: "11/012" was 11/9/2012 with "9/" lost, not 1/1/2012)
_YEAR_SLASH_MERGED = re.compile(r"(\d{3,4})/([09]\d\d)")
_MAX_READINGS = 256  # a token with more look-alikes than this is not a date worth guessing


def _strict(tok: str) -> str | None:
    """ISO of a token that is exactly one valid date (d/m/yyyy, m/yyyy or yyyy), else None."""
    try:
        if m := _STRICT_DMY.fullmatch(tok):
            check_date(int(m[3]), int(m[2]), int(m[1]))
            return f"{int(m[3]):04d}-{int(m[2]):02d}-{int(m[1]):02d}"
        if m := _STRICT_MY.fullmatch(tok):
            check_date(int(m[2]), int(m[1]), None)
            return f"{int(m[2]):04d}-{int(m[1]):02d}"
        if m := _YM.fullmatch(tok):
            check_date(int(m[1]), int(m[2]), None)
            return tok
        if _STRICT_Y.fullmatch(tok):
            check_date(int(tok), None, None)
            return tok
    except DateError:
        return None
    return None


def _readings(tok: str) -> set[str]:
    """Every way of reading the slash look-alikes of ``tok`` as "/" or "1" (its S, O and B as digits)."""
    opts = [("/",) if c in _SLASH_ONLY else ("/", "1") if c in _SLASH_LOOKS else ("/", "/1") if c in _SLASH_ONE
            else (_DIGIT_LOOKS.get(c, c),) for c in tok]  # fmt: skip
    out = [""]
    for o in opts:
        out = [a + b for a in out for b in o]
        if len(out) > _MAX_READINGS:
            return set()
    return set(out)


def _seps(tok: str) -> int:
    return sum(c in "/.-" for c in tok)


def _long_run(r: str) -> bool:
    """One separator visible and a digit run too long for a day, month or year: a "/" is missing."""
    return _seps(r) == 1 and re.fullmatch(r"[0-9/.\-]+", r) is not None and sum(c.isdigit() for c in r) >= 6


def _valid_dmy(readings: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for r in readings:
        if _STRICT_DMY.fullmatch(r) and (iso := _strict(r)) is not None:
            out.setdefault(iso, r)
    return out


def _resolve_token(tok: str) -> tuple[str | None, str | None]:
    """(date text to parse, rule) for a token whose slashes OCR may have read as letters or as "1".

    Accepted only when exactly one date is valid among all readings; several valid dates raise
    DateError (a reviewer decides), none leaves the token to the ordinary parser.
    """
    if _strict(tok) is not None:
        return None, None  # valid as written: never reinterpreted
    direct: dict[str, str] = {}
    for r in _readings(tok):
        if (iso := _strict(r)) is not None:
            direct.setdefault(iso, r)
    if direct:
        if len(direct) > 1:
            raise DateError(f"'{tok}' đọc được thành nhiều ngày ({', '.join(sorted(direct))}) / "
                            "ambiguous: several valid dates")  # fmt: skip
        text = next(iter(direct.values()))
        if re.search(r"(?<!\d)[SOB](?!\d)", tok) or "A" in tok or _SLASH_ONE in tok:
            # a slot that is a letter alone ("SJ12"), an A for 4, an H for "/" or "/1": a guess
            return text, "ocr_letters_in_date"
        return text, "ocr_date_separator" if _seps(text) > _seps(tok) else "ocr_digits"
    # a "/" read as the digit 1 ("3/211994" for 3/2/1994), or as a 7 in italic ("7/1172003" for 7/11/2003).
    # A "/" lost altogether is as likely, so those readings compete: "1211/1990" may be 12/1/1990 or
    # 12/11/1990 and is flagged, not guessed.
    base = tok.translate(str.maketrans({c: "/" for c in _SLASH_LOOKS}))
    if m := _YEAR_SLASH_MERGED.fullmatch(base):
        # "152/017" for 15/2/2017: the first "/" lost and the second read with the year's first digit as one
        # slash (an italic "/2"; 4 remarks of 35 Chromium sets, "126/025", "222/016", "172/010")
        year = ("2" if m[2][0] == "0" else "1") + m[2]
        if int(year) > dt.date.today().year:
            return None, None  # "34/059" is no 3/4/2059 (a garbled birth date read again in the dark ink)
        merged = _valid_dmy([f"{m[1][:i]}/{m[1][i:]}/{year}" for i in (1, 2) if i < len(m[1])])
        if len(merged) > 1:
            raise DateError(f"'{tok}' đọc được thành nhiều ngày ({', '.join(sorted(merged))}) / ambiguous: several "
                            "valid dates", tuple(sorted(merged)))  # fmt: skip
        return (next(iter(merged.values())), "ocr_date_year_slash") if merged else (None, None)
    # both separators gone ("2711211985": 27/12/1985). Not seven digits: "1762006" was 17/6/2006 but
    # "3102012" 30/10/2012 with a 0 lost as well (kept book sets), and the page's date order would vouch either
    if re.fullmatch(r"\d{8,10}", base):
        as_one, lost = _unseparated(base)
    elif _long_run(base):
        as_one = _valid_dmy([base[:i] + "/" + base[i + 1 :] for i, c in enumerate(base) if c in "17"])
        lost = _valid_dmy([base[:i] + "/" + base[i:] for i in range(1, len(base))])
    else:
        return None, None
    found = {**lost, **as_one}
    # an italic "/0" run into one glyph read as a digit ("2146/2015", "1986/2015" for 21/06, 19/06: book
    # photograph 1199, nine dates of one page in FreeSerif italic): the one reading left, a guess
    if not found and re.fullmatch(r"\d{4}/\d{4}", base) and (zero := _valid_dmy([f"{base[:2]}/0{base[3:]}"])):
        return next(iter(zero.values())), "ocr_date_slash_zero_merged"
    if len(found) > 1:
        raise DateError(f"'{tok}' thiếu dấu '/', đọc được thành nhiều ngày ({', '.join(sorted(found))}) / "
                        "a separator is missing and several dates are valid", tuple(sorted(found)))  # fmt: skip
    if not found or (not as_one and sum(c.isdigit() for c in base) < 7):
        # "23/2023": a lost "/" would make single-digit day and month; a whole slot lost is as likely
        return None, None
    return next(iter(found.values())), "ocr_date_one_as_slash" if as_one else "ocr_date_slash_lost"


def whole_date(tok: str) -> dt.date | None:
    """The day a token writes as d/m/yyyy ("/", "." or "-"), None when it is no valid whole date."""
    m = _STRICT_DMY.fullmatch(tok)
    if m is None:
        return None
    try:
        check_date(int(m[3]), int(m[2]), int(m[1]))
    except DateError:
        return None
    return dt.date(int(m[3]), int(m[2]), int(m[1]))


# repairs that choose among readings rather than restore a look-alike "/": guesses, for review
DATE_GUESS_RULES = ("ocr_date_one_as_slash", "ocr_date_slash_lost", "ocr_letters_in_date", "ocr_date_year_slash",
                    "ocr_date_slash_zero_merged")
# rule: a day and a month written with a zero before one and not the other ("3/07/1962"): a hand writes both
# alike, so the single digit may be what OCR kept of two (a photographed "30/07/1962", accepted as the 3rd)
DATE_PADDING_MIXED = "date_padding_mixed"


def _padding_mixed(day: str, month: str) -> bool:
    """One of the day and the month is a single digit, the other two digits led by a zero ("3/07", "03/7")."""
    return sorted((len(day), len(month))) == [1, 2] and (day if len(day) == 2 else month)[0] == "0"


def resolved_date_token(tok: str) -> tuple[str, str] | None:
    """(d/m/yyyy text, rule) for a token whose "/" OCR lost or read as a letter or a 1, or whose digit it
    read as a letter, when exactly one date fits ("11/122026" -> "11/12/2026"); None otherwise (valid as
    written, ambiguous, no date)."""
    try:
        text, rule = _resolve_token(tok)
    except DateError:
        return None
    return (text, rule) if text is not None and rule is not None else None


def _unseparated(digits: str) -> tuple[dict[str, str], dict[str, str]]:
    """The d/m/yyyy readings of a digit run whose two "/" were each read as "1" or lost: (readings that
    took a 1 for a "/", readings that only restored lost ones)."""
    as_one: dict[str, str] = {}
    lost: dict[str, str] = {}
    n = len(digits)
    for sep2 in ("", "1"):
        head = digits[: n - 4 - len(sep2)]
        if sep2 and digits[n - 5] != "1":
            continue
        for i in (1, 2):
            for sep1 in ("", "1"):
                if sep1 and head[i : i + 1] != "1":
                    continue
                day, month = head[:i], head[i + len(sep1) :]
                text = f"{day}/{month}/{digits[-4:]}"
                if 1 <= len(month) <= 2 and (iso := _strict(text)) is not None:
                    (as_one if sep1 or sep2 else lost).setdefault(iso, text)
    return as_one, lost


def _whole_partial(key: str, m: re.Match[str]) -> None:
    """A month-year or a year is the whole date only when no other digit was written: "7⁄11/1998" or
    "ngày 3] tháng 10 năm 1997" lost its day to a separator or a glyph the patterns did not take, and must
    not pass as the partial date "1998-11"."""
    rest = (key[: m.start()] + " " + key[m.end() :]).strip()
    # "/11/2002", "3)/11/2002": a separator glued to the month, after no letter ("T.11/2002" is tháng):
    # the day was written and not read
    if m.re is not _Y and re.search(r"(?<![^\W\d_])[/.\-]$", key[: m.start()]):
        raise DateError("số ngày trước tháng không đọc được / the day before the month could not be read")
    if re.search(r"\d", rest):
        raise DateError(f"'{collapse_ws(rest)}' không đọc được cùng ngày tháng / digits beside "
                        f"the {'year' if m.re is _Y else 'month and year'} that do not read as a date")  # fmt: skip
    # "ngày / tháng 11 năm 2007": the word "ngày" was written, so was a day, which OCR did not read
    if re.search(r"\bngay\b(?!\s*sinh)\D{0,6}\bthang\b", key):
        raise DateError("'ngày' không đọc được số ngày / the day after 'ngày' could not be read")


_SLASHED_ZERO = str.maketrans("Øø", "00")


def _year_joined(m: re.Match[str]) -> str:
    return m[0] if len(m[2] + m[3]) != 4 else m[1] + m[2] + m[3]


# OCR's misreadings a digit date is put right of before it is parsed, in this order: (pattern, replacement,
# rule). "06/1 1/2007": a space inside the month (read across it, "1 1/2007" would be 1 January);
# "17”10'1938": an italic "/" read as a quote; "06. I 1.2023": the month's 1 read I beside such a space (an
# aged page's faded 11), a guess; "22/05/1 974": a space inside the year after the day and month; "năm 201
# 1": one inside the year of the words form;
# "rgày 4 tháng 11": the day's label with its n read r (or its mark another); a Roman month; the words
# form's slots read as look-alike letters, a guess.
_READING_REPAIRS: tuple[tuple[re.Pattern[str], Any, str], ...] = (
    (re.compile(r"(?<=[/.\-])(\d) (\d)(?=[/.\-])"), r"\1\2", "ocr_space_in_number"),
    (_QUOTE_SEP, _quote_sep, "ocr_quote_as_slash"),
    (_MONTH_LOOKALIKE_SPLIT, r"1\1", "ocr_letters_in_date"),
    (_DMY_YEAR_SPLIT, _year_joined, "ocr_space_in_number"),
    (_YEAR_SPLIT, r"\1\2\3", "ocr_space_in_number"),
    (_NGAY_MISREAD, "ngày", _NGAY_LABEL),
    (_ROMAN_MONTH, _roman_month, "roman_month"),
    (_WORDS_FORM_SLOTS, _words_form_slots, "ocr_letters_in_date"),
)


# ...and, once the separators are read, days and months of look-alike letters ("II 11.1953", "1-TI-1995")
_LETTER_REPAIRS: tuple[tuple[re.Pattern[str], Any, str], ...] = (
    (_LETTER_DAY_SPACED, _letter_day_spaced, "ocr_letters_in_date"),
    (_LETTERS_IN_DATE, _letters_in_date, "ocr_letters_in_date"),
    (_MONTH_T, "1", "ocr_letters_in_date"),
)


def _repaired(s: str, steps: tuple[tuple[re.Pattern[str], Any, str], ...], rules: list[str]) -> str:
    """Each step in turn, on what the one before left; a step that changes the text names its rule."""
    for pattern, repl, rule in steps:
        fixed = pattern.sub(repl, s)
        if fixed != s:
            rules.append(f"{rule}:{s}->{fixed}")
            s = fixed
    return s


def parse_date_digits(raw: str) -> ParsedDate | None:
    """Parse a digit date; None when no date-like text is present. Raises DateError when invalid."""
    rules: list[str] = []
    s = collapse_ws(nfc(raw).replace("\n", " "))
    folded = fold_slashes(s)  # "7⁄11/1998": Tesseract's fraction slash for an italic "/"
    if folded != s:
        rules.append("slash_lookalike")
        s = folded
    if (zeros := s.translate(_SLASHED_ZERO)) != s:  # "Ø7/11/2016": a slashed zero is a zero
        rules.append("ocr_digits")
        s = zeros

    def sep_sub(m: re.Match[str]) -> str:
        fixed, rule = _resolve_token(m.group(0))
        if fixed is None:
            return m.group(0)
        assert rule is not None
        rules.append(f"{rule}:{m.group(0)}->{fixed}")
        return fixed

    s = _repaired(s, _READING_REPAIRS, rules)
    s = _DATE_TOKEN.sub(sep_sub, s)
    s = _repaired(s, _LETTER_REPAIRS, rules)
    s, fixed = _fix_digits(s)
    if fixed:
        rules.append("ocr_digits")
    key = strip_diacritics(s).lower()
    if m := _NGAY_THANG_NAM.search(key):
        d, mo, y = int(m[1]), int(m[2]), int(m[3])
    elif m := _YMD.search(key):
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    elif m := _DMY.search(key):
        d, mo = int(m[1]), int(m[2])
        if len(m[3]) == 2:
            raise DateError(f"năm hai chữ số '{m[3]}' / two-digit year '{m[3]}' is ambiguous")
        y = int(m[3])
    elif m := _YM.search(key):
        _whole_partial(key, m)
        check_date(int(m[1]), int(m[2]), None)
        return ParsedDate(int(m[1]), int(m[2]), None, rules)
    elif m := _THANG_NAM.search(key) or _MY.search(key):
        _whole_partial(key, m)
        if m.re is _MY and 12 < int(m[1]) <= 31 and MIN_YEAR <= int(m[2]) <= MAX_YEAR:
            # "13/2008": no month 13, so a day whose month OCR lost ("13/9/2008", an italic "/9/" read as
            # nothing); the dates it may be, for evidence elsewhere to choose (a register page's date order)
            # ("23/2023" may as well be 2/3/2023 with a "/" lost)
            day, year = int(m[1]), int(m[2])
            options = {f"{year}-{mo:02d}-{day:02d}" for mo in range(1, 13) if _exists(year, mo, day)}
            if _exists(year, int(m[1][1]), int(m[1][0])):
                options.add(f"{year}-{int(m[1][1]):02d}-{int(m[1][0]):02d}")
            raise DateError(f"'{m[0]}': ngày {day} mất tháng? / day {day} with its month lost?", tuple(sorted(options)))
        if m.re is _MY and int(m[1]) > 31 and m[1][1] != "0" and _exists(int(m[2]), int(m[1][1]), int(m[1][0])):
            # "75/2004": no day nor month 75, so a day and a month whose "/" OCR lost (7/5/2004, a book
            # photograph): the one reading, a guess
            rules.append(f"ocr_date_slash_lost:{m[0]}->{m[1][0]}/{m[1][1]}/{m[2]}")
            return ParsedDate(int(m[2]), int(m[1][1]), int(m[1][0]), rules)
        check_date(int(m[2]), int(m[1]), None)
        return ParsedDate(int(m[2]), int(m[1]), None, rules)
    elif m := _Y.search(key):
        _whole_partial(key, m)
        check_date(int(m[1]), None, None)
        return ParsedDate(int(m[1]), None, None, rules)
    else:
        return None
    if m.re is not _YMD and _padding_mixed(m[1], m[2]):  # day, month in groups 1, 2 of both other forms
        rules.append(f"{DATE_PADDING_MIXED}:{m[1]}/{m[2]}")
    check_date(y, mo, d)
    return ParsedDate(y, mo, d, rules)


# --- words ----------------------------------------------------------------------------------------

# folded form -> (canonical word, kind, value). kind: d = digit, ten, hundred, thousand, linh,
# lbl_d / lbl_m (ngày / tháng), nam (năm: label or 5), mong (mồng), mname (tháng giêng/chạp).
_VOCAB: dict[str, tuple[str, str, int]] = {
    "ngay": ("ngày", "lbl_d", 0),
    "thang": ("tháng", "lbl_m", 0),
    "nam": ("năm", "nam", 5),
    "mong": ("mồng", "mong", 0),
    "mung": ("mùng", "mong", 0),
    "khong": ("không", "d", 0),
    "mot": ("một", "d", 1),
    "hai": ("hai", "d", 2),
    "ba": ("ba", "d", 3),
    "bon": ("bốn", "d", 4),
    "tu": ("tư", "d", 4),
    "lam": ("lăm", "d", 5),
    "nham": ("nhăm", "d", 5),
    "sau": ("sáu", "d", 6),
    "bay": ("bảy", "d", 7),
    "tam": ("tám", "d", 8),
    "chin": ("chín", "d", 9),
    "muoi": ("mười", "ten", 10),
    "tram": ("trăm", "hundred", 100),
    "nghin": ("nghìn", "thousand", 1000),
    "ngan": ("ngàn", "thousand", 1000),
    "linh": ("linh", "linh", 0),
    "le": ("lẻ", "linh", 0),
    "gieng": ("giêng", "mname", 1),
    "chap": ("chạp", "mname", 12),
}
VALID_WORDS = frozenset({v[0] for v in _VOCAB.values()} | {"mốt", "mươi", "bẩy", "năm"})


@dataclass(slots=True)
class _Tok:
    raw: str
    canon: str
    kind: str
    val: int


def _lookup(word: str, rules: list[str]) -> _Tok | None:
    low = nfc(word).lower()
    if low.isdecimal():  # not isdigit(): "¹" is a digit that int() refuses
        return _Tok(low, low, "num", int(low))
    key = strip_diacritics(low)
    hit = _VOCAB.get(key)
    if hit is None and len(key) >= 3:
        # a letter error as well (OCR "thảng", "nghin" -> "nghìn" are fine; "tbáng" needs this)
        best = [k for k in _VOCAB if len(k) >= 3 and Levenshtein.distance(k, key, score_cutoff=1) <= 1]
        far = not best and len(key) >= 5
        if far:
            # two letter errors in a longer word, its first letter kept and at most one letter more ("mucơt"
            # for "mươi" on an aged page: ư read "uc"); not two words run together ("tưtháng", "trămba": the
            # first word and letters to spare), a guess for review
            best = [k for k in _VOCAB if len(k) >= 4 and k[0] == key[0] and len(key) <= len(k) + 1
                    and Levenshtein.distance(k, key, score_cutoff=2) <= 2]  # fmt: skip
        if len(best) == 1:
            hit = _VOCAB[best[0]]
            rules.append(f"date_word_{'far' if far else 'fuzzy'}:{low}->{hit[0]}")
    if hit is None:
        return None
    canon, kind, val = hit
    if key == "bay" and "â" in split_tone(low)[0]:
        canon = "bẩy"  # northern variant spelling
    return _Tok(low, canon, kind, val)


def _label_day(word: str, rules: list[str]) -> _Tok | None:
    """A first word a letter from "ngày" is its label ("gay", its n lost, on aged 1415), which the vocabulary
    alone leaves between ngày and bảy."""
    low = nfc(word).lower()
    if Levenshtein.distance(strip_diacritics(low), "ngay", score_cutoff=1) > 1:
        return None
    canon, kind, val = _VOCAB["ngay"]
    rules.append(f"date_word_fuzzy:{low}->{canon}")
    return _Tok(low, canon, kind, val)


def _below100(t: list[_Tok], allow_linh: bool) -> int | None:
    if not t:
        return 0
    if len(t) == 1 and t[0].kind == "num":
        return t[0].val if t[0].val < 100 else None
    if t[0].kind == "linh":
        if not allow_linh or len(t) != 2 or t[1].kind not in ("d", "nam") or t[1].val == 0:
            return None
        return t[1].val
    if len(t) >= 2 and t[0].kind in ("d", "nam") and t[1].kind == "ten" and t[0].val >= 2:
        tens, rest = t[0].val * 10, t[2:]
        t[1].canon = "mươi"
        if rest and rest[0].kind in ("d",) and rest[0].val == 1 and strip_diacritics(rest[0].raw) == "mot":
            tone = split_tone(rest[0].raw)[1]
            rest[0].canon = "mốt" if (rest[0].raw == "mốt" or tone in (1, 3)) else "một"
    elif t[0].kind == "ten":
        tens, rest = 10, t[1:]
        t[0].canon = "mười"
    elif len(t) == 1 and t[0].kind in ("d", "nam"):
        return t[0].val
    else:
        return None
    if not rest:
        return tens
    if len(rest) == 1 and rest[0].kind in ("d", "nam") and rest[0].val != 0:
        return tens + rest[0].val
    return None


def _below1000(t: list[_Tok], after_big: bool) -> int | None:
    ks = [i for i, x in enumerate(t) if x.kind == "hundred"]
    if not ks:
        return _below100(t, allow_linh=after_big)
    k = ks[0]
    left = t[:k]
    if len(left) != 1 or left[0].kind not in ("d", "nam", "num") or left[0].val > 9:
        return None
    r = _below100(t[k + 1 :], allow_linh=True)
    return None if r is None else left[0].val * 100 + r


def _number(t: list[_Tok]) -> int | None:
    if not t:
        return None
    if len(t) == 1 and t[0].kind == "num":
        return t[0].val
    # digit-by-digit reading of a year: "một chín tám bảy"
    if len(t) == 4 and all(x.kind in ("d", "nam") for x in t) and t[0].val > 0:
        return int("".join(str(x.val) for x in t))
    ks = [i for i, x in enumerate(t) if x.kind == "thousand"]
    if not ks:
        return _below1000(t, after_big=False)
    k = ks[0]
    left = _below1000(t[:k], after_big=False) if k else None
    right = _below1000(t[k + 1 :], after_big=True)
    if left is None or right is None or left == 0:
        return None
    return left * 1000 + right


def _month(t: list[_Tok]) -> int | None:
    if len(t) == 1 and t[0].kind == "mname":
        return t[0].val
    v = _number(t)
    return v if v is not None and 1 <= v <= 12 else None


@dataclass(slots=True)
class WordsResult:
    date: ParsedDate
    canonical: str


def _date_words_split(raw: str) -> list[str]:
    return [w for w in re.split(r"[\s,;:.\-–—/()]+", collapse_ws(nfc(raw).replace("\n", " "))) if w]


def parse_date_words(raw: str) -> WordsResult | None:
    """Parse a date written in words; None if it does not read as one. Raises DateError if invalid."""
    rules: list[str] = []
    words = _date_words_split(raw)
    toks: list[_Tok] = []
    unknown: list[str] = []
    for i, w in enumerate(words):
        tok = _lookup(w, rules) or (_label_day(w, rules) if i == 0 else None)
        if tok is None:
            unknown.append(w)
            continue
        toks.append(tok)
    if not toks:
        return None
    if unknown:
        rules.append("date_word_dropped:" + " ".join(unknown))
    had_ngay = bool(toks) and toks[0].kind == "lbl_d"
    body = toks[1:] if had_ngay else toks
    mong = body[:1] if body and body[0].kind == "mong" else []
    body = body[len(mong) :]
    i_m = next((i for i, x in enumerate(body) if x.kind == "lbl_m"), None)
    day = month = year = None
    if i_m is None:
        # "năm một nghìn chín trăm sáu mươi hai" (year only)
        if body and body[0].kind == "nam" and not mong:
            year = _number(body[1:])
            if year is None:
                return None
            day_t: list[_Tok] = []
            month_t: list[_Tok] = []
            year_t = body[1:]
        else:
            return None
    else:
        day_t = body[:i_m]
        rest = body[i_m + 1 :]
        month_t = year_t = []
        for j, x in enumerate(rest):
            if x.kind != "nam" or j == 0:
                continue
            mo = _month(rest[:j])
            yr = _number(rest[j + 1 :])
            if mo is not None and yr is not None:
                month, year, month_t, year_t = mo, yr, rest[:j], rest[j + 1 :]
                break
        if year is None:
            return None
        if day_t:
            day = _number(day_t)
            if day is None or not 1 <= day <= 31:
                raise DateError("không đọc được ngày bằng chữ / day in words does not parse")
        elif mong:
            return None
    assert year is not None
    check_date(year, month, day)
    parts: list[str] = []
    if day is not None:
        if had_ngay or ALWAYS_NGAY:
            parts.append("ngày")
        parts += [m.canon for m in mong] + [x.canon for x in day_t]
    if month is not None:
        parts += ["tháng"] + [x.canon for x in month_t]
    parts += ["năm"] + [x.canon for x in year_t]
    canonical = " ".join(parts)
    repaired = [x.raw for x in toks if x.raw != x.canon]
    if repaired:
        rules.append("date_word_repair")
    return WordsResult(ParsedDate(year, month, day, rules), canonical)


# Garbled words a date in words may have replaced when its entry's digits give the date: at most this many,
# and at least this many words read as written for each
TOWARD_MAX_GARBLED = 2
TOWARD_WORDS_PER_GARBLED = 4


def parse_date_words_toward(raw: str, year: int, month: int, day: int) -> WordsResult | None:
    """A date in words that fails to parse, or parses to another date, only through words OCR garbled
    beyond the vocabulary ("Trườt" for mười, "nucơi" for mươi, "†w" for tư, "ch" for chín on aged pages),
    read as the given date (the entry's digits) with each garbled word replaced by the nearest number word
    that makes it so. Words read as written stay as read, so they must agree with the date; digits and
    symbols in the cell (a digit date run into it) are dropped. None when no replacement of at most
    ``TOWARD_MAX_GARBLED`` words gives the date, or too few words were read as written to trust the
    rest. The result's rules name each replacement (``date_word_from_digits:<read>-><word>``)."""
    words = _date_words_split(raw)
    kept: list[str | None] = []
    garbled: list[int] = []
    for w in words:
        if not any(c.isalpha() for c in w):
            kept.append(None)  # digits or symbols: no word of a date in words
        elif _lookup(w, []) is not None:
            kept.append(w)
        else:
            garbled.append(len(kept))
            kept.append(w)
    known = sum(1 for i, w in enumerate(kept) if w is not None and i not in garbled)
    if not garbled or len(garbled) > TOWARD_MAX_GARBLED or known < TOWARD_WORDS_PER_GARBLED * len(garbled):
        return None
    options = [[None, *dict.fromkeys(v[0] for v in _VOCAB.values())] for _ in garbled]
    best: tuple[int, WordsResult] | None = None
    for choice in itertools.product(*options):
        trial = list(kept)
        cost = 0
        for i, word in zip(garbled, choice, strict=True):
            trial[i] = word
            read = strip_diacritics(kept[i] or "").lower()
            cost += len(read) if word is None else Levenshtein.distance(read, strip_diacritics(word))
        if best is not None and cost >= best[0]:
            continue
        try:
            r = parse_date_words(" ".join(w for w in trial if w))
        except DateError:
            continue
        if r is None or (r.date.year, r.date.month, r.date.day) != (year, month, day):
            continue
        r.date.rules = [rule for rule in r.date.rules if not rule.startswith("date_word_dropped")]
        r.date.rules += [f"date_word_from_digits:{kept[i]}->{word or ''}" for i, word in zip(garbled, choice, strict=True)]
        best = (cost, r)
    return best[1] if best else None


# --- time -----------------------------------------------------------------------------------------

# "siờ": the g of giờ misread
# the hour word as OCR leaves it, marks stripped: "gio", "sio", "giu" (giữ), "gið", "gi0" ("sinh" is not)
# the hour word as OCR garbles it ("giờ", "gờ", "qờ"); a g or h alone only where no letter follows: in
# "15 gờ 50 phút" the g had been taken for the word and the minutes dropped (15:00, accepted)
_TIME = re.compile(r"(?<!\d)(\d{1,2})\s*(?:[gsq][il1]?[o0uðd](?![a-z])|[gh](?![a-z])|:|\.)\s*(?:(\d{1,2})\s*(?:phut|p|')?)?", re.I)


# The hour itself all look-alike letters, right before the hour word ("Š giờ 00 phút", "ISh20"): in that
# place no word is written, so the letters are its digits
_HOUR_LOOKALIKE = re.compile(r"(?<!\w)[OoDQlIi|!\]SsŠšBZz]{1,2}(?=\s*(?:giờ|gio)\b|\s*[hH]\s*\d)")
# and the minutes so, right before "phút" ("07 giờ lŠ phút", a phone photograph: read 07:00, the minutes lost)
_MINUTE_LOOKALIKE = re.compile(r"(?<!\w)[OoDQlIi|!\]SsŠšBZz]{1,2}(?=\s*(?:phút|phut)\b)")


def _lookalike_digits(m: re.Match[str]) -> str:
    return as_digits(m[0])


def as_digits(text: str) -> str:
    """Letters OCR reads for digits ("7B" for 78) put back as those digits."""
    return text.translate(_DIGIT_FIX)


def hour_in_letters(raw: str) -> bool:
    """Whether the hour or the minutes are read from look-alike letters alone (a guess, for review)."""
    s = collapse_ws(nfc(raw))
    return _HOUR_LOOKALIKE.search(s) is not None or _MINUTE_LOOKALIKE.search(s) is not None


# "07 giờ phút": the minutes' word read, their number not (a speck, a faded digit): the hour alone is no
# time of "00 phút"
_MINUTES_LOST = re.compile(r"(?:\bgio|\d\s*[gh])[^\w\d]*phut\b")


def minutes_lost(raw: str) -> bool:
    """Whether the minutes' word is read with no number before it (the time's minutes a guess of 00)."""
    return _MINUTES_LOST.search(strip_diacritics(collapse_ws(nfc(raw))).lower()) is not None


def parse_time(raw: str) -> str | None:
    """``10 giờ 30 phút``, ``10h30``, ``10:30`` -> ``10:30``; raises DateError when out of range."""
    s = collapse_ws(nfc(raw)).translate(_SLASHED_ZERO)
    s = _MINUTE_LOOKALIKE.sub(_lookalike_digits, _HOUR_LOOKALIKE.sub(_lookalike_digits, s))
    # "23g05" / "10h30": read the separator before fixing look-alike digits (g would become 9)
    s = re.sub(r"(\d)\s*(?:[gG][iI]?[ờoOỜ]|[gGhH])\s*(?=\d)", r"\1:", s)  # "15giờ30" too, before its letters pass for digits
    # "1Š phút": a mark OCR put on a look-alike letter is no part of it; "2T giờ", "L7 giờ": an italic or
    # serif 1 read as T or L
    s = re.sub(r"(?<!\w)(?:\d[TL]|[TL]\d)(?!\w)", lambda m: m[0].translate(_TL_FIX), strip_diacritics(s))
    s, _ = _fix_digits(s)
    key = s.lower()
    m = _TIME.search(key)
    if not m:
        return None
    h, mi = int(m[1]), int(m[2] or 0)
    if h > 24 or mi > 59 or (h == 24 and mi):
        raise DateError(f"giờ {h}:{mi:02d} không hợp lệ / time {h}:{mi:02d} is invalid")
    return f"{h % 24:02d}:{mi:02d}"
