"""Vietnamese normalization and validation: raw OCR cell text -> canonical field values (field-contract.md).

Public API (called from pipeline/read_page.py):

- ``normalize_field(field_type, raw, confidence=None) -> Normalized``
- ``validate_entry(register, values) -> {field_key: reason}`` (cross-field checks)
- ``validate_entry_numbers(numbers) -> {index: reason}`` (consecutive numbers on a page)
- ``resolve_place(text, on_date=None) -> PlaceResolution``
- ``place_unit_from_page(value, details, named, on_date=None)`` (a bare name's unit word from the page)
- ``place_commune_from_page(value, details, wards, on_date=None)`` (a garbled commune the page names)
- ``names_against_sex(values)``, ``doc_numbers_against_dates(values)`` (an entry's guesses, for review)
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from rapidfuzz.distance import Levenshtein

from . import codes, ids, lexicons
from .dates import (
    DATE_GUESS_RULES,
    DATE_PADDING_MIXED,
    DateError,
    as_digits,
    hour_in_letters,
    minutes_lost,
    parse_date_digits,
    parse_date_words,
    parse_date_words_toward,
    parse_time,
    resolved_date_token,
    whole_date,
)
from .names import given_for_sex, middle_for_sex, normalize_name
from .places import (
    OFFICE_LEAD_DROPPED,
    OFFICE_UBND_MISREAD,
    PlaceResolution,
    after_reform,
    before_reform,
    commune_near,
    commune_suggested,
    garbled_commune,
    named_units,
    normalize_office,
    resolve_place,
    units_of_one_name,
)
from .text import TONE_MARKS, clean_text, fold, has_tone, is_empty, is_syllable, nfc, strip_diacritics

__all__ = [
    "DATE_WORD_VARIANT",
    "DIGIT_ALT_FACTOR",
    "REQUIRED_EMPTY_REASON",
    "REQUIRED_FIELDS",
    "WORDS_FROM_DIGITS",
    "EntryRunNear",
    "Normalized",
    "PlaceResolution",
    "dates_agreeing_with_words",
    "digits_lost",
    "doc_numbers_against_dates",
    "entry_number_run_near",
    "entry_number_sequence",
    "named_units",
    "names_against_sex",
    "normalize_field",
    "place_commune_from_page",
    "place_commune_suggested",
    "place_unit_from_page",
    "resolve_place",
    "run_numbers",
    "validate_entry",
    "validate_entry_numbers",
    "words_toward_digits",
]

FIELD_TYPES = (
    "entry_no", "book_no", "page_no", "office", "date", "date_words", "person_name", "sex", "ethnicity",
    "nationality", "place", "relation", "id_doc_type", "id_number", "doc_no", "time", "text", "cause",
)  # fmt: skip


DATE_ONE_AS_SLASH_FACTOR = 0.85
DATE_WORD_VARIANT = "date_word_variant:bẩy"  # rule: a date in words spelt with the variant "bẩy"
WORDS_FROM_DIGITS = "date_words_from_digits"  # rule: a date in words whose garbled words the digits gave
GUESSED_DIGIT_FACTOR = 0.85  # a digit restored where OCR read none (an ID number's lost leading 0, an entry
# number's 7 read as "/")
# a place only the 2025 units place, its record's era unknown: read as right, for review (a status "ok"
# with a reason is a doubt read_page shows as low confidence, whatever the threshold)
ERA_UNKNOWN_FACTOR = 0.75
PHRASE_FUZZY_FACTOR = 0.75  # a listed cause or note a few letters away: like a fuzzy place, a reviewer confirms


@dataclass(slots=True)
class Normalized:
    value: str | None
    status: str  # "ok" | "invalid" | "empty"
    # why a value is invalid; on an "ok" value, a doubt for review (read as right, but never accepted
    # silently: read_page makes it low confidence)
    reason: str | None = None
    rules: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    # the OCR confidence after normalization: lowered when a lexicon correction was a close call or a
    # valid syllable has a much more frequent look-alike; None when no confidence was given
    confidence: float | None = None


def _ok(value: str | None, rules: list[str], **details: Any) -> Normalized:
    if value is None or value == "":
        return Normalized(None, "invalid", "không đọc được / nothing readable", rules, details)
    return Normalized(value, "ok", None, rules, details)


def _bad(value: str | None, reason: str, rules: list[str], **details: Any) -> Normalized:
    return Normalized(value or None, "invalid", reason, rules, details)


def _date(raw: str) -> Normalized:
    try:
        d = parse_date_digits(raw)
        if d is None:
            w = parse_date_words(raw)
            d = w.date if w else None
    except DateError as e:
        return _bad(clean_text(raw)[0], str(e), [], **({"candidates": list(e.candidates)} if e.candidates else {}))
    if d is None:
        return _bad(clean_text(raw)[0], "không đọc được ngày / not a date", [])
    return _ok(d.iso, d.rules, date=d.as_dict())


def _date_words(raw: str) -> Normalized:
    low = clean_text(raw)[0].lower()
    try:
        w = parse_date_words(raw)
    except DateError as e:
        return _bad(low, str(e), [])
    if w is None:
        return _bad(low, "không đọc được ngày bằng chữ / date in words does not parse", [])
    return _ok(w.canonical, w.date.rules, date=w.date.as_dict(), iso=w.date.iso)


def _code(r: codes.CodeResult) -> Normalized:
    if r.ok:
        return _ok(r.value, r.rules, **r.details)
    return _bad(r.value, r.reason or "invalid", r.rules, **r.details)


def _place(raw: str, office: bool = False, on_date: str | None = None) -> tuple[Normalized, float]:
    if office:
        value, res, rules = normalize_office(raw, on_date=on_date)
    else:
        res = resolve_place(raw, on_date=on_date)
        value, rules = res.text, res.rules
    details = res.as_dict()
    # a unit name repaired by fuzzy matching is a guess: the field keeps less of its OCR confidence
    factor = res.confidence_factor
    if res.unresolved:
        return _bad(value, "không tìm thấy trong danh mục hành chính / not in the gazetteer: "
                    + "; ".join(res.unresolved), rules, **details), factor  # fmt: skip
    if res.accent_rival:
        # two units read the name: one as spelled (the value), another with its marks changed
        rivals = "; ".join(f"'{r['written']}' ~ {r['kind']} {r['name']}" for r in res.accent_rival)
        return _bad(value, f"tên đúng dấu là một đơn vị, đổi dấu là đơn vị khác / spelled as written the name is "
                    f"one unit, with its marks changed another: {rivals}", rules, **details), factor  # fmt: skip
    unsure = [f"{p['written']} ({' / '.join(p['spellings'])})" for p in res.parts if p.get("spellings")]
    if unsure:
        return _bad(value, "tên viết khác mọi đơn vị cùng tên / spelled as none of the units it may be: "
                    + "; ".join(unsure), rules, **details), factor  # fmt: skip
    vague = [p["written"] for p in res.parts if p["role"] == "ambiguous" and p["kind"] is None]
    if vague:
        return _bad(value, "nhiều đơn vị cùng tên, không rõ cấp / several units carry this name: "
                    + "; ".join(vague), rules, **details), factor  # fmt: skip
    if res.district_missing and not after_reform(on_date):  # after the reform commune + province is whole
        # the contract outputs only the units written: the gazetteer's district is shown, not inserted
        named = " / ".join(f"{d['kind']} {d['name']}" for d in res.district_missing)
        why = (f"không ghi quận/huyện giữa xã và tỉnh (danh mục: {named}) / no district written between the "
               f"commune and the province (gazetteer: {named})")  # fmt: skip
        if before_reform(on_date):
            return _bad(value, why, rules, **details), factor
        # the era unknown: whole if written after the reform, a district's line lost if before it
        return Normalized(value, "ok", why + " — không rõ ngày đăng ký / the registration date is unknown", rules,
                          details), factor * ERA_UNKNOWN_FACTOR  # fmt: skip
    if res.after_record:
        return _bad(value, "đơn vị hành chính sau ngày 01/07/2025, hồ sơ đăng ký trước đó / a unit of the "
                    "1 July 2025 reform on a record registered before it", rules, **details), factor  # fmt: skip
    if res.scheme is None and res.facility is None and not res.ambiguous:
        return _bad(value, "không nhận ra địa danh / no administrative unit recognised", rules,
                    **details), factor  # fmt: skip
    if _verified_chain(res):
        details["verified_chain"] = True
    if res.era_unknown:
        # the value stands (the 2025 units are its best reading), for a reviewer to confirm the era
        return Normalized(value, "ok", "chỉ danh mục sau cải cách 01/07/2025 có địa danh này, không rõ ngày "
                          "đăng ký / only the units of the 1 July 2025 reform place this, and the registration "
                          "date is unknown: the register may predate the reform", rules, details), factor * ERA_UNKNOWN_FACTOR  # fmt: skip
    return _ok(value, rules, **details), factor


# A value found as written in a list keeps only a share of its reading's residual error: for it to be
# wrong, OCR must have misread it into another entry of the list.
# - verified_chain: a full ward-district-province chain (no fuzzy repair, nothing left over) in the
#   gazetteer; a misread would have to land on another ward of the same district.
# - listed_name: a name every syllable of which is in its slot's lexicon as read; a misread must land on
#   another listed syllable (a lost or added diacritic: DUNG/DŨNG, whose prior is already in the figure).
#   Measured on sample-generator pages (seeds 0, 7, 11, 23, 31): such names read at 0.7-0.9 were wrong 3
#   times in 287; the share makes 0.7 the acceptance floor at the 0.9 threshold.
# - listed_word: a word of a closed vocabulary (54 ethnic groups, countries, Nam/Nữ, kinship words,
#   CMND/CCCD, causes of death) spelled exactly, diacritics included, or a listed alias so spelled (HMông,
#   Ê Đê, VN: 25 such right fields had gone to review on the 84 kept sets' degraded pages).
#   Tesseract's figure is low on unfamiliar faces (0.8-0.9 on italic serif) and on short capitals (CCCD
#   at 0.4-0.7) where such a read is right: on 19 dumped bench sets of every mode (8 seeds each), such
#   words left at 0.7-0.9 under a share of 1/3 were wrong 0 times in 421 (and 4 in 42,256 accepted, each
#   a lost second line: "con" for "con ruột"); 1/6 makes Tesseract's 0.4 the floor. A word that begins
#   another listed value ("con" / "con ruột", "Ung thư" / "Ung thư phổi") is wrong when a line is lost,
#   which no spelling shows: it keeps a third (listed_word_prefix).
# - marks_restored: a name every syllable of which is listed once the lexicon restored a lost or wrong
#   mark (NGUYÊN -> NGUYỄN), nothing else repaired. On 13 of those sets: at 0.85-0.9 wrong 1 time
#   in 412 (the wrong ones keep another syllable whose mark OCR also lost, valid as read: THANH for THÀNH);
#   at 0.8-0.85, 2 in 279; at 0.7-0.8, 10 in 369. 2/3 makes 0.85 the floor.
LISTED_ERROR_SHARE = {"verified_chain": 0.25, "listed_name": 1 / 3, "listed_word": 1 / 6,
                      "listed_word_prefix": 1 / 3, "marks_restored": 2 / 3}  # fmt: skip
_CLOSED_VOCABULARIES = frozenset({"sex", "ethnicity", "nationality", "relation", "id_doc_type", "cause"})


def _settled_aside(n: Normalized, words: Sequence[tuple[str, float]], confidence: float) -> float:
    """A name whose marks the lexicon restored (``marks_restored``): a surname it settled with no rival
    (NGUYÊN: only NGUYỄN is spelled so) holds no doubt whatever OCR's figure for that word, so the field's
    figure is its other words' mean. On degraded Chromium pages NGUYÊN read at 0.39 beside HOÀNG TUẤN at
    0.91 had sent the name to review (aged 1259; such corrections were 305 of the 78 kept sets' right names
    sent to review); a VĂN read at 0.40 (VÂN is a name too) still does."""
    if not words or not n.details.get("marks_restored"):
        return confidence
    settled = {c["raw"] for c in n.details.get("corrections", ())
               if c["slot"] == "ho" and "margin" in c and c["margin"] is None and c["value"] != c["raw"]}  # fmt: skip
    rest = [c for w, c in words if nfc(w.upper()) not in settled]
    return sum(rest) / len(rest) if settled and rest and len(rest) < len(words) else confidence


def _spelled_as_listed(field_type: str, raw: str, n: Normalized) -> bool:
    """Whether ``raw`` spells its closed-vocabulary value exactly (no repair, no respelling; a trailing period
    aside), a listed abbreviation of it ("CCCD", "Giấy CMND" as "CMND"), or a listed alias with its marks
    ("HMông", "Ê Đê", "VN"; not "Kình", whose mark OCR misread)."""
    if field_type not in _CLOSED_VOCABULARIES or n.status != "ok" or not n.value:
        return False
    read = nfc(" ".join(raw.split())).strip(" .;:,").casefold()
    if field_type in ("ethnicity", "nationality") and n.rules and all(r.startswith("alias:") for r in n.rules):
        return lexicons.spelling_key(read) in lexicons.alias_spellings(field_type).get(n.value, ())
    if n.rules:
        return False
    if field_type == "cause":
        return lexicons.is_listed_phrase(read, _CAUSES)
    return read == n.value.casefold() or read in codes.id_doc_spellings(n.value)


@cache
def _prefix_values(field_type: str) -> frozenset[str]:
    """The values of a closed vocabulary (case-folded) that are the first words of another of its values
    ("con" of "con ruột")."""
    values = _vocabulary(field_type)
    return frozenset(v for v in values if any(o.startswith(v + " ") for o in values))


def _vocabulary(field_type: str) -> frozenset[str]:
    """A closed vocabulary's values, case-folded."""
    match field_type:
        case "sex":
            values: Iterable[str] = codes.SEX_VALUES
        case "ethnicity":
            values = lexicons.ethnic_index().values()
        case "nationality":
            values = lexicons.country_index().values()
        case "relation":
            values = codes.RELATIONS
        case "id_doc_type":
            values = codes.ID_DOC_TYPES
        case _:
            return lexicons.listed_phrases(_CAUSES)
    return frozenset(v.casefold() for v in values)


_GENERIC_FACILITIES = frozenset({"Trạm Y tế", "Trung tâm Y tế", "Bệnh viện Đa khoa", "Nhà hộ sinh"})


def _verified_chain(res: Any) -> bool:
    roles = [p["role"] for p in res.parts]
    return (
        res.resolved and not res.ambiguous and not res.unresolved
        # look-alike letters only ("la Nan" for Ia Nan): no sibling differs from another so (a test checks)
        and all(f["distance"] == 0 for f in res.fuzzy)
        and (res.facility is None or res.facility in _GENERIC_FACILITIES)
        and roles == ["ward", "district", "province"]
    )  # fmt: skip


def _name(raw: str) -> tuple[Normalized, float]:
    r = normalize_name(raw)
    details = {"ho": r.ho, "dem": r.dem, "ten": r.ten}
    if r.corrections:
        details["corrections"] = r.corrections
    if r.unknown:
        details["unknown_syllables"] = r.unknown
    if r.as_listed:
        details["listed_name"] = True
    elif r.marks_restored:
        details["marks_restored"] = True
    if not re.search(r"\w", r.value):
        return _bad(r.value, "không có tên / no name", r.rules, **details), 1.0
    return _ok(r.value, r.rules, **details), r.confidence_factor


def _simple(fn: Any, raw: str, what: str) -> Normalized:
    value, rules = fn(raw)
    if value is None:
        return _bad(clean_text(raw)[0], f"không đọc được {what} / no {what} number", rules)
    return _ok(value, rules)


def _id_number(raw: str) -> Normalized:
    value, reason, rules, details = ids.id_number(raw)
    if reason:
        # no number read (no digits): the cell text is kept for the reviewer, as for the other numbers
        return _bad(value if value is not None else clean_text(raw)[0], reason, rules, **details)
    return _ok(value, rules, **details)


# an hour of 90 to 99: a typewriter's dotted 0 read as 9 ("94 giờ 45 phút" for 04:45, generator 407)
_HOUR_NINE = re.compile(r"(?<!\d)9(\d)(?=\s*(?:giờ|gio|[hg:]))", re.IGNORECASE)
HOUR_NINE_AS_ZERO = "ocr_hour_nine_as_zero"


def _time(raw: str) -> Normalized:
    try:
        t = parse_time(raw)
    except DateError as e:
        if (zeroed := _HOUR_NINE.sub(r"0\1", raw, count=1)) != raw:
            try:
                t = parse_time(zeroed)
            except DateError:
                t = None
            if t is not None:
                return _ok(t, [HOUR_NINE_AS_ZERO])
        return _bad(clean_text(raw)[0], str(e), [])
    if t is None:
        return _bad(clean_text(raw)[0], "không đọc được giờ / not a time", [])
    return _ok(t, ["ocr_letters_in_time"] if hour_in_letters(raw) or minutes_lost(raw) else [])


# a date inside a remark whose thin slash OCR read as a letter or "!" ("25I9/2000", "7!3/2019")
_SLASH = ids.SLASH_AS_LETTER[:-1] + "/]"  # a "/" or a letter read for it
_SLASH_OR_PAREN = _SLASH[:-1] + ")]"  # or an italic ")" ("11/5)2020" aged seed 1259, "25)2!2015" seed 1289)
_REMARK_DATE = re.compile(rf"(?<![\w/])(\d{{1,2}})({_SLASH_OR_PAREN})(\d{{1,2}})({_SLASH_OR_PAREN})((?:1[89]|20)\d\d)(?![\w/])")


def _remark_dates(text: str) -> tuple[str, list[str]]:
    """Dates and document numbers inside a remark whose "/" OCR read as a letter or lost."""
    rules: list[str] = []

    def fix(m: re.Match[str]) -> str:
        day, month = int(m[1]), int(m[3])
        before = m.string[: m.start()]
        if (m[2] == m[4] == "/" or not (1 <= day <= 31 and 1 <= month <= 12)
                or (")" in (m[2], m[4]) and before.count("(") > before.count(")"))):  # fmt: skip
            return m[0]  # a ")" that closes a "(" is one
        new = f"{m[1]}/{m[3]}/{m[5]}"
        rules.append(f"ocr_date_separator:{m[0]}->{new}")
        return new

    def lost(m: re.Match[str]) -> str:
        got = resolved_date_token(m[0])
        # "Bản án số 127/2005": a number of a year, not 12/7/2005
        if got is None or re.search(r"\bs[oố]\s*$", m.string[: m.start()], re.I):
            return m[0]
        rules.append(f"{got[1]}:{m[0]}->{got[0]}")
        return got[0]

    def doc_no(m: re.Match[str]) -> str:
        new = f"{m[1]}/{m[3] or m[5]}"
        rules.append(f"ocr_doc_no_separator:{m[0]}->{new}")
        return new

    def label(m: re.Match[str]) -> str:
        # "nsày 19/6/2010": a word one letter from "ngày" before a date, spelled as no syllable is; or
        # "ngày" itself with its mark lost or misread ("ngay 11/6/2005", aged 1315, accepted as written)
        word = m[1]
        bare = strip_diacritics(word).lower()
        if word == "ngày" or (bare != "ngay" and (is_syllable(word) or Levenshtein.distance(bare, "ngay") != 1)):
            return m[0]
        rules.append(f"ocr_date_label:{word}->ngày")
        return "ngày"

    text = _REMARK_NGAY_MISREAD.sub(label, text)
    spaced = _REMARK_NUMBER_GLUED.sub(" ", text)
    if spaced != text:
        rules.append("ocr_space_lost")
        text = spaced
    text = _REMARK_DATE.sub(fix, text)
    text = _REMARK_LOST_SLASH.sub(lost, text)
    text = _REMARK_DOC_NO.sub(doc_no, text)

    def doc_no_letters(m: re.Match[str]) -> str:
        new = f"{as_digits(m[1])}/{m[3]}"
        rules.append(f"{REMARK_DOC_NO_DIGIT}:{m[0]}->{new}")
        return new

    text = _REMARK_DOC_NO_LETTERS.sub(doc_no_letters, text)
    joined = _REMARK_DOC_NO_SPACE.sub(r"\1\2", text)
    if joined != text:
        rules.append(f"ocr_space_in_number:{text}->{joined}")
        text = joined
    unspecked = _REMARK_DOC_NO_SPECK.sub(r"\1", text)
    if unspecked != text:
        rules.append("stray_punct")

    def after_ngay(m: re.Match[str]) -> str:
        # the date after "ngày" read as the one whole date it can be ("AI8I2014": an italic 4 read as A,
        # its slashes as I); a repair that chose among readings is a guess (DATE_GUESS_RULES), doubted
        token = m[1].rstrip(".,;")
        got = resolved_date_token(token) if whole_date(token) is None else None
        if got is None or whole_date(got[0]) is None:
            return m[0]
        rules.append(f"{got[1]}:{token}->{got[0]}")
        return m[0].replace(token, got[0], 1)

    return _REMARK_DATE_AFTER_NGAY.sub(after_ngay, unspecked), rules


# the word before a date in digits: "ngày", perhaps misread ("nsày")
_REMARK_NGAY_MISREAD = re.compile(r"(?<!\w)(\w{3,5})(?= \d{1,2}[/.\-]\d{1,2}[/.\-]\d{4}(?!\d))")
# a date in a remark with one "/" lost ("ngày 11/122026", "2610/2004")
_REMARK_LOST_SLASH = re.compile(r"(?<![\w/])(?:\d{1,2}/\d{5,6}|\d{3,4}/(?:1[89]|20)\d\d)(?![\w/])")
# a document number in a remark whose slash OCR read as a letter ("24JHNGĐ", "74IQĐ-UBND"): digits, the
# look-alike, then the issuing body's acronym (two capitals at least); or lost before the codes of a
# court's judgment or a decision ("76HNGĐ", "12QĐ-UBND": "12CM" may be written so); and a speck read as a
# period or colon after it ("59/HNGĐ. ngày"; "71/HNGĐ: ngày" had been accepted, fresh book photograph 1139)
_REMARK_DOC_NO = re.compile(
    rf"(?<![\w/])(\d{{1,4}})(?:({ids.SLASH_AS_LETTER})([A-ZĐ]{{2,}}(?:-[A-ZĐ]+)*)|()((?:HNGĐ|QĐ)(?:-[A-ZĐ]+)*))(?![\w/])"
)
# ...whose number's last digit OCR read as a letter too ("7BIHNGĐ" for 78/HNGĐ had been accepted, aged 1343):
# a guess (a number may be "12B"), doubted
_REMARK_DOC_NO_LETTERS = re.compile(
    rf"(?<![\w/])(\d{{1,3}}[BOSZG])({ids.SLASH_AS_LETTER}|/)([A-ZĐ]{{2,}}(?:-[A-ZĐ]+)*)(?![\w/])"
)
REMARK_DOC_NO_DIGIT = "ocr_doc_no_digit"
# the space OCR lost between "số" and its number ("Bản án số20/HNGĐ" had been accepted)
_REMARK_NUMBER_GLUED = re.compile(r"(?<=\b[sS]ố)(?=\d)")
# a space OCR put inside a document number ("số 5 1/HNGĐ")
_REMARK_DOC_NO_SPACE = re.compile(r"(?<=\bsố )(\d) (\d{1,3}/[A-ZĐ])")
_REMARK_DOC_NO_SPECK = re.compile(r"(?<=\d/[A-ZĐ]{2})([A-ZĐ\-]*)[.:](?= ngày)")


# the long codes of a document number in a remark (a court's family judgment, a people's committee's
# decision, a court, a council; "QĐST-HNGĐ"): a part one letter from exactly one of them is it misread
# ("6/HNGPĐ" had been accepted, book photograph 1123); two-letter codes (QĐ, DS) are too short to tell
_REMARK_CODES = frozenset({"HNGĐ", "UBND", "TAND", "HĐND", "QĐST", "TLST"})
_REMARK_CODE = re.compile(r"(?<=\d/)[A-ZĐ]{2,}(?:-[A-ZĐ]+)*")


def _remark_codes(text: str) -> tuple[str, list[str]]:
    rules: list[str] = []

    def fix(m: re.Match[str]) -> str:
        parts = m[0].split("-")
        for i, part in enumerate(parts):
            near = [c for c in _REMARK_CODES if Levenshtein.distance(part, c) == 1]
            if len(part) >= 3 and part not in _REMARK_CODES and len(near) == 1:
                rules.append(f"remark_code:{part}->{near[0]}")
                parts[i] = near[0]
        return "-".join(parts)

    return _REMARK_CODE.sub(fix, text), rules


def _phrase_text(raw: str, lexicon: str, *, dates: bool = False) -> tuple[Normalized, float]:
    """Free text over a lexicon of standard phrases: known phrases respelled; a whole cell a few letters
    from exactly one of them takes its spelling, at lowered confidence (``PHRASE_FUZZY_FACTOR``)."""
    factor = 1.0
    value, rules = clean_text(raw)
    if dates and value and _ink_only(value):
        # specks and the reverse page's letters in an empty remark cell: no remark, for a reviewer to confirm
        return _bad(None, "chỉ có vết mực, không thành chữ / ink that reads as no words", [*rules, REMARK_NOISE]), 1.0
    if dates:
        value, fixed = _remark_dates(value)
        rules += fixed
        value, fixed = _remark_codes(value)
        if fixed:
            rules += fixed
            factor *= PHRASE_FUZZY_FACTOR
    value, fixed = lexicons.restore_phrases(value, lexicon)
    rules += fixed
    # a whole cell a few letters from a phrase; never one holding a number, which the phrase would drop
    # (a digit inside a word is OCR's: "Nhồi máu cơ 1ìn")
    implausible = _implausible_words(value)
    # a cause is a phrase of a short closed list: a short cell one letter from one of them is misread too,
    # though its words are syllables ("Suy từm" for Suy tim, accepted as written before)
    garbled = bool(implausible) or lexicon == _CAUSES
    near = _near_phrase(value, lexicon, garbled) if value and not _NUMBER_TOKEN.search(value) else None
    lead = _leading_phrase(value, lexicon) if value and near is None else None
    if value and near is None and lead is None and lexicon == _CAUSES:
        near = _cause_but_one_garbled(value)
    if near:
        spelled = near.upper() if value.isupper() else near
        rules.append(f"lexicon_fuzzy:{value}->{spelled}")
        value, factor = spelled, PHRASE_FUZZY_FACTOR
        implausible = _implausible_words(value)
    elif lead:
        rules.append(f"lexicon_fuzzy:{value[: len(lead[0])]}->{lead[1]}")
        value, factor = lead[1] + value[len(lead[0]) :], PHRASE_FUZZY_FACTOR
        implausible = _implausible_words(value)
    # a remark's word no syllable spells is OCR's; a cause of death may name a disease ("Dengue"), so
    # there only a short word or one with a Vietnamese mark ("Suy fim", "Lao fổi")
    if value and any(dates or _garbled_in_cause(w) for w in implausible):
        factor *= REMARK_DOUBT_FACTOR
        rules.append("unknown_word")
    if lexicons.PHRASE_CASE_GUESS in rules:
        factor *= REMARK_DOUBT_FACTOR  # "trích Lục" respelled "trích lục": or a writer's capital
    if dates and any(r.startswith((*DATE_GUESS_RULES, REMARK_DOC_NO_DIGIT)) for r in rules):
        factor *= REMARK_DOUBT_FACTOR
    if dates and value and (bad := _unreadable_remark_date(value)):
        factor *= REMARK_DOUBT_FACTOR
        rules.append(f"remark_date_unreadable:{bad}")
    return (_ok(value, rules) if value else Normalized(None, "empty", None, rules)), factor


_CAUSES = "causes_of_death.csv"
# a remark holding a word no Vietnamese syllable spells ("bản Sdo ngày") or a date no day can be: a look
REMARK_DOUBT_FACTOR = 0.85
_REMARK_DATE_AFTER_NGAY = re.compile(r"\bngày\s+(\S+)")


def _unreadable_remark_date(value: str) -> str | None:
    """The date after a remark's "ngày" when it is no whole day of the past ("22/2022": its month lost;
    "15/4/2093": a 0 read as 9), else None."""
    for m in _REMARK_DATE_AFTER_NGAY.finditer(value):
        token = m[1].rstrip(".,;")
        when = whole_date(token)
        if when is None or when > dt.date.today():
            return token
    return None


def _near_phrase(value: str, lexicon: str, garbled: bool) -> str | None:
    """The phrase a whole cell is a few letter edits from, or the one it is with letters lost."""
    near = lexicons.closest_phrase(value, lexicon, garbled=garbled)
    return near[0] if near else lexicons.phrase_letters_lost(value, lexicon)


def _leading_phrase(value: str, lexicon: str) -> tuple[str, str] | None:
    """A remark that opens with a standard phrase a few letters off, then its date or number ("Đã cấp
    bản Sdo ngày 13/1/2005"): (the words as read, the phrase's spelling), or None. Only a word OCR
    garbled (no syllable is spelled so) is respelled: "Đã cải chính tên theo QĐ số" is a remark of its
    own, not "… họ tên …" short of a word."""
    words = value.split(" ")
    cut = next((i for i, w in enumerate(words) if any(c.isdigit() for c in w)), 0)
    lead = " ".join(words[:cut])
    if not lead or lexicons.is_listed_phrase(lead, lexicon):
        return None
    if lost := lexicons.phrase_letters_lost(lead, lexicon):
        return lead, lost.upper() if lead.isupper() else lost
    near = lexicons.closest_phrase(lead, lexicon)
    if near is None or len(near[0].split()) != cut:
        return None
    # a word OCR garbled, or one letter of a word ("trích tục" for trích lục)
    garbled = any(not _plausible_word(w) or _SPECK_IN_WORD.search(w) for w in words[:cut])
    if not garbled and near[1] > 1:
        return None
    return lead, near[0].upper() if lead.isupper() else near[0]


_NUMBER_TOKEN = re.compile(r"(?<!\S)[^\s\w]*\d[\d/.\-]*[^\s\w]*(?!\S)")
_WORD_EDGE = re.compile(r"^[^\w]+|[^\w]+$")
_SPECK_IN_WORD = re.compile(r"[^\w.,:;()/\-]")  # "§do": a mark no word of a remark holds


# the letter marks and the vowels that take them: circumflex (â ê ô), breve (ă), horn (ơ ư)
_LETTER_MARKS = {"\u0302": "aeo", "\u0306": "a", "\u031b": "ou"}


def _vietnamese_letter(c: str) -> bool:
    """A Latin letter as Vietnamese writes it: plain, đ, or a vowel with its tone and its own letter mark
    (not Š, Ñ, Ø, nor ŭ or î)."""
    if c in "đĐ":
        return True
    base, *marks = unicodedata.normalize("NFD", c)
    low = base.lower()
    if not (base.isascii() and base.isalpha()) or (marks and low not in "aeiouy"):
        return False
    shape = [m for m in marks if m not in TONE_MARKS]
    return len(marks) - len(shape) <= 1 and len(shape) <= 1 and all(low in _LETTER_MARKS.get(m, "") for m in shape)


def _cause_but_one_garbled(value: str) -> str | None:
    """The one listed cause of three words or more that ``value`` is but for one word OCR garbled past the
    letter budget (a digit in it, or no syllable nor a foreign name: "Nhồi máu cơ 1ừn", aged 1353, had
    been shown as read): that cause, else None. Two words are too little to name it ("Lao fổi")."""
    words = value.split()
    if len(words) < 3 or (found := lexicons.phrase_but_one_word(value, _CAUSES)) is None:
        return None
    word = words[found[1]]
    garbled = any(c.isdigit() for c in word) or (not _plausible_word(word) and _garbled_in_cause(word))
    return found[0] if garbled else None


def _garbled_in_cause(word: str) -> bool:
    """A word no syllable spells that no disease's foreign name would be either: a short one ("fim") or
    one carrying a Vietnamese mark ("fổi")."""
    core = _WORD_EDGE.sub("", word)
    return len(core) < 4 or strip_diacritics(core) != core


REMARK_NOISE = "remark_noise"  # rule: a remark cell's text holds no word and no number, only specks


def _ink_only(value: str) -> bool:
    """No word of three letters or more that a syllable spells, and no number of two digits: what OCR made
    of specks or of the reverse page's letters in an empty cell ("ta wè ` ›wtđy", "à bì", "v>ư #l *.4 sự";
    30 remark cells of 48 kept Chromium sets, every one empty on the page). A remark left so short ("hạn",
    the rest lost) keeps its word, and a number after "Số" its number."""
    words = [_WORD_EDGE.sub("", w) for w in value.split()]
    for before, core in itertools.pairwise(["", *words]):
        if (sum(c.isdigit() for c in core) >= 2 or (sum(c.isalpha() for c in core) >= 3 and is_syllable(core, tone=False))
                or (fold(before) == "so" and any(c.isdigit() for c in core))):  # fmt: skip
            return False
    return True


def _implausible_words(value: str) -> list[str]:
    return [w for w in value.split() if not _plausible_word(w)]


def _plausible_word(word: str) -> bool:
    """A word a remark may hold: a syllable, a number or code (digits in it), an acronym (QĐ-UBND)."""
    core = _WORD_EDGE.sub("", word)
    if not core or any(c.isdigit() for c in core):
        # a number or code, though not with a letter no Vietnamese text writes ("Š6/HNGĐ": 5 read as Š)
        return all(_vietnamese_letter(c) for c in core if c.isalpha())
    parts = re.split(r"[-./,]", core)  # "QĐ-UBND", "KT.CHỦ TỊCH", "gan/phổi"
    # an acronym's letters carry no tone ("TIƯỚC" is a word OCR garbled, not one)
    return all(p.isupper() and len(p) >= 2 and not has_tone(p) or is_syllable(p, tone=False) for p in parts if p)


def _ruled(n: Normalized, prefix: str | tuple[str, ...]) -> bool:
    """Whether a rule starting with ``prefix`` was applied."""
    return any(r.startswith(prefix) for r in n.rules)


def _dispatch(field_type: str, raw: str, on_date: str | None) -> tuple[Normalized, float]:
    factor = 1.0
    match field_type:
        case "date":
            n = _date(raw)
            if _ruled(n, DATE_GUESS_RULES):
                # a digit 1 taken for a "/", or letters taken for digits ("TI" may be 17): a guess
                factor = DATE_ONE_AS_SLASH_FACTOR
            if n.status == "ok" and n.value and len(n.value) == len("1991-09"):
                # a ledger dates to the day or gives the year alone ("sinh năm 1985"): a month and year is
                # a date whose day OCR lost ("12/9/1991" read "12/1991", accepted as December 1991)
                n.rules.append("date_day_missing")
                factor *= DATE_ONE_AS_SLASH_FACTOR
            if n.status == "ok" and (mixed := next((r for r in n.rules if r.startswith(DATE_PADDING_MIXED)), None)):
                written = mixed.split(":", 1)[1]
                n.reason = n.reason or (f"ngày và tháng viết '{written}', một có số 0 đứng trước, một không: có thể "
                                        f"mất một chữ số / day and month written '{written}', one with a leading "
                                        f"zero and one without: a digit may be lost")  # fmt: skip
        case "date_words":
            n = _date_words(raw)
            if any(r.startswith("date_word_far:") for r in n.rules):
                factor = GUESSED_DIGIT_FACTOR
            if n.status == "ok" and "bẩy" in (n.value or "").split():
                # the northern spelling official ledgers do not use, and OCR's reading of "bảy" with a
                # circumflex added (an aged page's "Bảy tháng mười", accepted): the text is doubted,
                # which no agreeing date in digits confirms (the spelling is the value here)
                n.rules.append(DATE_WORD_VARIANT)
                n.reason = n.reason or ("viết 'bẩy' (cách viết miền Bắc), hay 'bảy' đọc thêm dấu mũ? / written 'bẩy' "
                                        "(the northern spelling), or 'bảy' read with a circumflex added?")  # fmt: skip
                factor *= GUESSED_DIGIT_FACTOR
        case "person_name":
            n, factor = _name(raw)
        case "sex":
            n = _code(codes.normalize_sex(raw))
        case "ethnicity":
            n = _code(codes.normalize_ethnicity(raw))
        case "nationality":
            n = _code(codes.normalize_nationality(raw))
        case "relation":
            n = _code(codes.normalize_relation(raw))
            if any(r.startswith("relation_fuzzy:") for r in n.rules):
                factor = GUESSED_DIGIT_FACTOR  # two letters off: a guess, for review
        case "id_doc_type":
            n = _code(codes.normalize_id_doc_type(raw))
        case "place":
            n, factor = _place(raw, on_date=on_date)
        case "office":
            n, factor = _place(raw, office=True, on_date=on_date)
            if _ruled(n, (OFFICE_LEAD_DROPPED, OFFICE_UBND_MISREAD)):
                factor *= GUESSED_DIGIT_FACTOR
        case "entry_no":
            n = _simple(ids.entry_no, raw, "số")
            if _ruled(n, ids.ENTRY_NO_GUESSED):
                factor = GUESSED_DIGIT_FACTOR
        case "page_no":
            n = _simple(ids.page_no, raw, "trang")
        case "book_no":
            n = _simple(ids.book_no, raw, "quyển")
            if ids.BOOK_NO_SLASH_LOST in n.rules:
                read = " ".join(raw.split())
                n.reason = (f"đọc '{read}', hiểu là quyển {n.value} (mất dấu '/') / read '{read}', taken as book "
                            f"{n.value} (its '/' lost)")  # fmt: skip
            if n.value and not n.value.split("/")[0].strip("0"):
                # books are counted from 1: "00" is a misread ("01/2008" read "00W" on a book photograph)
                n = _bad(n.value, "không có quyển số 0 / no book is numbered 0", n.rules)
        case "doc_no":
            n = _simple(ids.doc_no, raw, "số")
            if _ruled(n, ids.DOC_NO_GUESSED):
                factor = GUESSED_DIGIT_FACTOR
        case "id_number":
            n = _id_number(raw)
            if "id_leading_zero_restored" in n.rules:
                factor = GUESSED_DIGIT_FACTOR
        case "time":
            n = _time(raw)
            if {"ocr_letters_in_time", HOUR_NINE_AS_ZERO} & set(n.rules):
                factor = GUESSED_DIGIT_FACTOR
        case "cause":
            n, factor = _phrase_text(raw, _CAUSES)
        case "text":  # remarks: standard notes respelled, dates inside them given their slashes back
            n, factor = _phrase_text(raw, "remarks.csv", dates=True)
        case _:  # any type this module does not know: clean text
            value, rules = clean_text(raw)
            n = _ok(value, rules) if value else Normalized(None, "empty", None, rules)
    return n, factor


def normalize_field(
    field_type: str,
    raw: str | None,
    *,
    confidence: float | None = None,
    on_date: str | None = None,
    alternatives: Sequence[tuple[int, str]] = (),
    words: Sequence[tuple[str, float]] = (),
) -> Normalized:
    """Raw cell text (lines joined by ``\\n``) -> canonical value (docs/field-contract.md).

    ``on_date`` (ISO, or a part of one: "2008", a book's year) is the record's registration date when
    known: places written on or after the 1 July 2025 reform resolve against the 2025 units first; before
    it, a place only the 2025 units place is invalid (``unit_2025_before_reform``); with no date (or a bare
    "2025", or text that is no ISO date) such a place keeps its value, "ok" with a reason and lowered
    confidence (``unit_2025_era_unknown``): a doubt for review. ``alternatives`` are OCR's runner-up digits
    (index into ``raw``, digits): an impossible date or time is repaired from them when exactly one
    reading is valid, and a valid one that another reading also makes valid is marked ambiguous.
    ``words`` are the words ``confidence`` is the mean of, each with its own figure (``_settled_aside``).
    """
    if raw is None or is_empty(raw):
        return Normalized(None, "empty", None, [], {}, confidence)
    try:
        n, factor = _dispatch(field_type, raw, on_date)
        if alternatives and field_type in DIGIT_CHECKED_TYPES:
            n, factor = _reconcile_digits(field_type, raw, on_date, n, factor, alternatives)
    except Exception as e:  # a normalizer bug must not lose the page: keep the text for review
        value = clean_text(raw)[0] if isinstance(raw, str) else None
        n, factor = _bad(value, f"lỗi chuẩn hóa / normalizer error: {type(e).__name__}: {e}", []), 1.0
    if _spelled_as_listed(field_type, raw, n):
        prefix = (n.value or "").casefold() in _prefix_values(field_type)
        n.details["listed_word_prefix" if prefix else "listed_word"] = True
    if confidence is not None:
        n.confidence = _settled_aside(n, words, confidence) * factor
        for flag, share in LISTED_ERROR_SHARE.items():
            if n.details.get(flag):
                n.confidence = 1 - (1 - n.confidence) * share
    if factor < 1.0:
        n.details["confidence_factor"] = round(factor, 3)
    return n


# Types whose digits a validator can check (a date must exist, a time must be on the clock, an ID has
# its length and province code, an entry number the page's run): OCR's runner-up digits are weighed only
# for them. Every entry number is valid alone, so one with a runner-up digit is ambiguous until the page's
# run of confident numbers vouches for it (an italic page's 556 read 356, the 5 kept as runner-up, on
# every row: accepted before)
DIGIT_CHECKED_TYPES = frozenset({"date", "time", "id_number", "entry_no"})
DIGIT_ALT_FACTOR = 0.85  # a value taken from a runner-up digit, or one a runner-up also makes valid
_MAX_ALT_POSITIONS = 8
_MAX_SUBSTITUTIONS = 3


def _substitutions(
    raw: str, alternatives: Sequence[tuple[int, str]], k: int
) -> Iterator[tuple[str, list[str]]]:
    """Every text with exactly ``k`` digits replaced by one of their alternatives, and what changed."""
    alts = [(i, c) for i, c in alternatives if 0 <= i < len(raw) and raw[i].isdigit()][:_MAX_ALT_POSITIONS]
    for chosen in itertools.combinations(alts, k):
        for digits in itertools.product(*(c for _, c in chosen)):
            chars = list(raw)
            for (i, _), d in zip(chosen, digits, strict=True):
                chars[i] = d
            yield "".join(chars), [f"{raw[i]}>{d}@{i}" for (i, _), d in zip(chosen, digits, strict=True)]


def _reconcile_digits(
    field_type: str, raw: str, on_date: str | None, n: Normalized, factor: float,
    alternatives: Sequence[tuple[int, str]],
) -> tuple[Normalized, float]:  # fmt: skip
    """Weigh OCR's runner-up digits against the validator (a dotted zero read as 9: "04.93.1999").

    Valid as read: if one changed digit gives another valid value, the read is a coin toss the
    validator cannot settle, so its confidence drops (a reviewer sees it). Invalid as read: the fewest
    changes that make it valid win when they agree on one value (rule ``ocr_digit_alternative``, lowered
    confidence); several values stay invalid, listed for the reviewer."""
    if n.status == "ok":
        for text, _ in _substitutions(raw, alternatives, 1):
            other, _ = _dispatch(field_type, text, on_date)
            if other.status == "ok" and other.value != n.value:
                n.rules.append("ocr_digit_ambiguous")
                n.details["digit_alternative"] = other.value
                n.details["digit_alternative_read"] = text  # the raw so read: its ink weighed on the page
                return n, factor * DIGIT_ALT_FACTOR
        return n, factor
    for k in range(1, _MAX_SUBSTITUTIONS + 1):
        found: dict[str, tuple[Normalized, float, list[str]]] = {}
        for text, changed in _substitutions(raw, alternatives, k):
            cand, f = _dispatch(field_type, text, on_date)
            # OCR's runner-up digits are evidence; an hour's 9 taken for 0 with no runner-up is a blind guess
            if cand.status == "ok" and cand.value is not None and HOUR_NINE_AS_ZERO not in cand.rules:
                found.setdefault(cand.value, (cand, f, changed))
        if len(found) == 1:
            cand, f, changed = next(iter(found.values()))
            cand.rules.append("ocr_digit_alternative:" + ",".join(changed))
            cand.details["read_as"] = n.value
            return cand, f * DIGIT_ALT_FACTOR
        if found:
            n.details["digit_alternatives"] = sorted(found)
            return n, factor
    return n, factor


# --- cross-field validation ----------------------------------------------------------------------

# (digits field, words field)
_WORD_PAIRS = (("nksNgaySinh", "nksNgaySinhBangChu"), ("nktNgayChet", "nktNgayChetGhiBangChu"))
REQUIRED_FIELDS = {
    "khai_sinh": ("so", "ngayDangKy", "nksHoTen", "nksGioiTinh", "nksNgaySinh"),
    "khai_tu": ("so", "ngayDangKy", "nktHoTen", "nktNgayChet"),
    "ket_hon": ("so", "ngayDangKy", "chongHoTen", "voHoTen"),
}
REQUIRED_EMPTY_REASON = "thiếu thông tin bắt buộc / required field is empty"
# (ID field, sex field or fixed sex, birth-date field)
# identity documents whose number length is fixed (domain.md): CMND 9 digits (12 on the 2012-2016 cards),
# CCCD 12; a number of another length is a partial read
_DOC_LENGTHS = {"Giấy CMND": (9, 12), "Thẻ căn cước công dân": (12,)}
_DOC_PREFIXES = ("nkt", "chong", "vo", "me", "cha", "nyc")
_PERSON_PREFIXES = ("nks", "cha", "me", "nkt", "chong", "vo")  # the people whose ethnicity a register writes

_ID_CHECKS = (
    ("nksSoDinhDanh", "nksGioiTinh", "nksNgaySinh"),
    ("nktSoGiayToTuyThan", "nktGioiTinh", "nktNgaySinh"),
    ("nktSoDinhDanh", "nktGioiTinh", "nktNgaySinh"),
    ("chongSoGiayToTuyThan", "=Nam", "chongNgaySinh"),
    ("voSoGiayToTuyThan", "=Nữ", "voNgaySinh"),
    ("meSoDinhDanhCaNhan", "=Nữ", "meNgaySinh"),
    ("chaSoDinhDanhCaNhan", "=Nam", "chaNgaySinh"),
    ("meSoGiayToTuyThan", "=Nữ", "meNgaySinh"),
    ("chaSoGiayToTuyThan", "=Nam", "chaNgaySinh"),
)
MIN_PARENT_AGE = 12


def _iso(values: dict[str, Normalized], key: str) -> str | None:
    n = values.get(key)
    if n is None or n.status != "ok" or not n.value:
        return None
    if key.endswith(("BangChu", "GhiBangChu")):
        return n.details.get("iso")
    return n.value if re.fullmatch(r"\d{4}(-\d{2}){0,2}", n.value) else None


def _before(a: str, b: str) -> bool:
    """``a <= b`` compared at their common precision (``1987`` vs ``1987-03-15`` is not a conflict)."""
    k = min(len(a), len(b))
    return a[:k] <= b[:k]


# whose sex a person's role in the entry fixes (the mother, the wife...) or the declarant's relation says
_SEX_BY_ROLE = {"me": "Nữ", "vo": "Nữ", "cha": "Nam", "chong": "Nam"}
_SEX_FIELD = {"nks": "nksGioiTinh", "nkt": "nktGioiTinh"}
_SEX_BY_RELATION = {
    # not "bà": a southern "Ba" (father) is read so
    **dict.fromkeys(("mẹ", "mẹ đẻ", "mẹ nuôi", "bà nội", "bà ngoại", "chị", "chị ruột", "chị gái",
                     "em gái", "cô", "dì", "mợ", "thím", "con gái", "con dâu", "chị họ", "vợ"), "Nữ"),
    **dict.fromkeys(("cha", "cha đẻ", "cha nuôi", "bố", "bố đẻ", "ông", "ông nội", "ông ngoại", "anh",
                     "anh ruột", "anh trai", "em trai", "chú", "cậu", "dượng", "con trai", "con rể", "anh họ",
                     "chồng"), "Nam"),
}  # fmt: skip


def _person_sex(role: str, name: Normalized, values: dict[str, Normalized]) -> str | None:
    if role in _SEX_BY_ROLE:
        return _SEX_BY_ROLE[role]
    told = values.get(_SEX_FIELD.get(role, "") or (role + "QuanHe"))
    if told is not None and told.status == "ok" and told.value:
        sex = told.value if role in _SEX_FIELD else _SEX_BY_RELATION.get(told.value)
        if sex in ("Nam", "Nữ"):
            return sex
    return "Nữ" if "THỊ" in str(name.details.get("dem", "")).split() else None


_READ_DETAILS = ("corrections", "unknown_syllables", "listed_name", "marks_restored", "confidence_factor")


def names_against_sex(values: dict[str, Normalized]) -> dict[str, Normalized]:
    """Names of an entry whose given name belongs to the other sex than the person's, each as the spelling
    with the same letters that fits ("PHAN MINH DŨNG" for a mother: PHAN MINH DUNG), to show for review;
    a middle name of the other sex only, as the listed middle name of the person's sex one letter from it
    ("NGUYỄN TRÍ PHƯƠNG" for a wife: NGUYỄN THỊ PHƯƠNG).

    The person's sex comes from their role (mother, wife, father, husband), the entry's sex field, the
    declarant's relation, or THỊ among the middle names. On the bench pages every such name was a misread
    mark (36 of 36: HIỀN read HIỂN, CHI read CHÍ, TRINH read TRÌNH, TIẾN read TIÊN); a real woman named
    Dũng is possible, so the read is kept under ``read_as`` and the reviewer decides."""
    out: dict[str, Normalized] = {}
    for key, n in values.items():
        ten = n.details.get("ten")
        if n.status != "ok" or not n.value or not ten or not (key.endswith("HoTen") or key == "nguoiThucHien"):
            continue
        sex = _person_sex(key.removesuffix("HoTen"), n, values)
        dem = str(n.details.get("dem", "")).split()
        if sex is None or ("VĂN" in dem and sex == "Nữ") or ("THỊ" in dem and sex == "Nam"):
            continue  # the middle name says otherwise: which one OCR got wrong is not known
        # each middle syllable and the given name, as the listed one of the person's sex, where one fits
        dem_fits = {w: f for w in dem if (f := middle_for_sex(w, sex)) and f not in dem}  # never THỊ THỊ
        fit = given_for_sex(ten, sex)
        if not dem_fits and fit is None:
            continue
        words = n.value.split()
        shown_dem = [dem_fits.get(w, w) for w in dem]
        shown = [*words[: len(words) - len(dem) - 1], *shown_dem, fit or ten]
        fits = [*dem_fits.items(), *([(ten, fit)] if fit else [])]
        other, other_en = ("nam", "man") if sex == "Nữ" else ("nữ", "woman")
        what = "; ".join(f"'{a}' là tên {other}: có lẽ là '{b}'" for a, b in fits)
        what_en = "; ".join(f"'{a}' is a {other_en}'s name: perhaps '{b}'" for a, b in fits)
        out[key] = Normalized(
            " ".join(shown), "ok",
            f"{what} (người này là {sex.lower()}) / {what_en} (for a {'woman' if sex == 'Nữ' else 'man'})",
            [*n.rules, *(f"name_sex_sibling:{a}->{b}" for a, b in fits)],
            # what was read, and its doubts, kept under read_as: they are the read's, not the shown name's
            {**{k: v for k, v in n.details.items() if k not in _READ_DETAILS}, "ten": fit or ten,
             "dem": " ".join(shown_dem),
             "read_as": {"value": n.value, **{k: n.details[k] for k in _READ_DETAILS if k in n.details}}},
            n.confidence,
        )  # fmt: skip
    return out


# a document number and the date it was issued, in one entry
_DOC_DATES = (("gbtSo", "gbtNgay"),)
_DOC_NO_YEAR = re.compile(r"\d{1,6}/((?:19|20)\d\d)")


def doc_numbers_against_dates(values: dict[str, Normalized]) -> dict[str, Normalized]:
    """Document numbers of an entry read as digits alone that end in their issue date's year, as
    ``N/YYYY`` (``ids.slash_before_year``: "1372024" beside 24/10/2024 is 137/2024, its "/" lost), to
    show for review: the read is kept under ``read_as``. A number ``N/YYYY`` whose year is not its issue
    date's ("113/2033" dated 2023: a notice is numbered in the year it is issued) goes to review as read."""
    out: dict[str, Normalized] = {}
    for key, date_key in _DOC_DATES:
        n, when = values.get(key), values.get(date_key)
        if not (n and when and n.status == "ok" and n.value and when.status == "ok" and when.value):
            continue
        year = when.value[:4]
        if (m := _DOC_NO_YEAR.fullmatch(n.value)) and m[1] != year:
            out[key] = Normalized(
                n.value, "ok",
                f"số '{n.value}' mang năm {m[1]}, ngày cấp năm {year} / number '{n.value}' carries the year "
                f"{m[1]}, its issue date {year}",
                [*n.rules, f"doc_no_year_differs:{year}"], n.details, n.confidence,
            )  # fmt: skip
            continue
        if (fixed := ids.slash_before_year(n.value, int(year))) is None:
            continue
        out[key] = Normalized(
            fixed, "ok",
            f"số '{n.value}' kết thúc bằng năm cấp: có lẽ là '{fixed}' (mất dấu '/') / number '{n.value}' ends "
            f"in the year it was issued: perhaps '{fixed}' (its '/' lost)",
            [*n.rules, f"{ids.DOC_NO_GUESSED}:slash_before_year"], {**n.details, "read_as": n.value},
            n.confidence,
        )  # fmt: skip
    return out


def words_toward_digits(values: dict[str, Normalized], raws: Mapping[str, str]) -> dict[str, Normalized]:
    """Dates in words garbled past the vocabulary (an aged page's "Trườt" for mười, "nucơi" for mươi) in an
    entry whose digits give a whole date: the words read as that date, the garbled words replaced
    (``parse_date_words_toward``), as an "ok" value with a reason, for review. Only a guess: the digits
    may be the misread cell, so the pair vouches for neither (``dates_agreeing_with_words`` callers skip
    the rule). What was read is kept under ``read_as``; ``disagreed`` says the words had read as another
    date, a doubt on the digits as well."""
    out: dict[str, Normalized] = {}
    for dkey, wkey in _WORD_PAIRS:
        d, w = _iso(values, dkey), values.get(wkey)
        if not d or len(d) != 10 or w is None or not raws.get(wkey) or _iso(values, wkey) == d:
            continue
        r = parse_date_words_toward(raws[wkey], int(d[:4]), int(d[5:7]), int(d[8:]))
        if r is None:
            continue
        taken = ", ".join(rule.split(":", 1)[1] for rule in r.date.rules if rule.startswith("date_word_from_digits:"))
        out[wkey] = Normalized(
            r.canonical, "ok",
            f"chữ không đọc được, ngày bằng số cho {d}: {taken} / words unreadable, the date in digits gives "
            f"{d}: {taken}", [*r.date.rules, WORDS_FROM_DIGITS],
            {"date": r.date.as_dict(), "iso": d, "read_as": w.value, "digits_field": dkey,
             "disagreed": w.status == "ok"}, w.confidence,
        )  # fmt: skip
    return out


def dates_agreeing_with_words(values: dict[str, Normalized]) -> list[tuple[str, str]]:
    """The (digits, words) field pairs of an entry that give the same full date: two cells written in
    different forms, so a misread would have to land on the same day twice."""
    return [
        (dkey, wkey) for dkey, wkey in _WORD_PAIRS
        if (d := _iso(values, dkey)) and len(d) == 10 and d == _iso(values, wkey)
    ]  # fmt: skip


# where the page names a unit, as (Vietnamese, English) labels: "dòng 7 (nktNoiChet)", "row 7 (nktNoiChet)"
PageLabels = Sequence[tuple[str, str]]
UNIT_SOURCES_SHOWN = 3  # sources a reason lists; the rest are counted


def place_unit_from_page(
    value: str | None, details: Mapping[str, Any], named: Mapping[tuple[str, str], PageLabels],
    on_date: str | None = None,
) -> Normalized | None:  # fmt: skip
    """A place with a bare name that several units of one parent carry, differing in their unit word only
    ("Mỹ Thọ, Cao Lãnh, Đồng Tháp": xã and thị trấn Mỹ Thọ; ``units_of_one_name``), where the page names
    exactly one of those units with its unit word (another field's "xã Mỹ Thọ, huyện Cao Lãnh, …", the
    office's "UBND xã Mỹ Thọ, …"): the place with that unit word, resolved like any place, for review (the
    other unit of the name still exists, and a row may live in it).

    ``named``: (level, legacy code) -> where the page names that unit with its unit word (``named_units``
    of the page's other places). None when the place is not so ambiguous, when the page names none of the
    units, or more than one (the page writes "xã Mỹ Thọ" and "thị trấn Mỹ Thọ": the field stays invalid).
    The result's rules are the one rule this adds (``unit_from_page:<unit word>``); what was read is kept
    under ``read_as``."""
    found = units_of_one_name(details)
    if found is None or not value:
        return None
    part, level, units = found
    hits = [u for u in units if (level, u.code) in named]
    if len({u.kind for u in hits}) != 1:
        return None
    unit, written = hits[0], part["written"]
    n = _with_part(value, details, written, f"{unit.kind} {unit.name}", on_date)
    if n is None or ((n.details.get("legacy") or {}).get(level) or {}).get("code") not in {u.code for u in hits}:
        return None
    sources = list(dict.fromkeys(s for u in hits for s in named[(level, u.code)]))
    where_vi, where_en = _where(sources)
    others = ", ".join(sorted({f"{u.kind} {u.name}" for u in units if u.kind != unit.kind}))
    taken = f"{unit.kind} {unit.name}"
    reason = (f"'{written}' không ghi cấp, trang ghi '{taken}' ở {where_vi} (còn có {others} cùng tên) / "
              f"'{written}' has no unit word; the page writes '{taken}' in {where_en} ({others} carries the "
              f"name too)")  # fmt: skip
    return _from_page(n, value, reason, f"unit_from_page:{unit.kind}", "unit_from_page", {
        "level": level, "code": unit.code, "kind": unit.kind, "name": unit.name, "from": [en for _, en in sources]})


def place_commune_from_page(
    value: str | None, details: Mapping[str, Any], wards: Mapping[str, PageLabels], on_date: str | None = None
) -> Normalized | None:
    """A place whose commune OCR garbled past the gazetteer's look-alike budget under a district it
    resolved ("xã Kim lrt, huyện Na Rì, tỉnh Bắc Kạn"; ``garbled_commune``), where the page names a
    commune of that district a few letters from it (the office "UBND xã Kim Lư", another row's "xã Kim
    Lư, …"; ``commune_near``): the place with that commune, for review. A commune registers its own
    residents and deaths, so its name fills the page; a name the gazetteer lacks stays as read.

    ``wards``: legacy ward code -> where the page names it (resolved places and offices read). None when
    the place is not so garbled or no commune the page names is near enough. The rule added is
    ``commune_from_page:<read>-><commune>``; what was read is kept under ``read_as``."""
    taken_at = _commune_rewritten(value, details, "place", on_date,
                                  lambda name, district, kind: commune_near(name, district, kind, wards))
    if taken_at is None:
        return None
    part, district, unit, distance, n = taken_at
    where_vi, where_en = _where(list(wards[unit.code]))
    taken = f"{unit.kind} {unit.name}"
    reason = (f"đọc được '{part['written']}', không có trong {district['kind']} {district['name']}; trang ghi "
              f"'{taken}' ở {where_vi} / read '{part['written']}', not in {district['kind']} {district['name']}; "
              f"the page writes '{taken}' in {where_en}")  # fmt: skip
    return _from_page(n, value, reason, f"commune_from_page:{part['name']}->{unit.name}", "commune_from_page",
                      {"code": unit.code, "read": part["written"], "distance": distance})


def place_commune_suggested(
    value: str | None, details: Mapping[str, Any], field_type: str = "place", on_date: str | None = None
) -> Normalized | None:
    """A place (or an office) whose commune the gazetteer could not place under the district it resolved
    (``garbled_commune``), nor the page's other places settle: shown with the district's one nearest
    commune (``commune_suggested``: "xã Noong Ho, huyện Sìn Hồ, …" as xã Noong Hẻo), still invalid, the
    reason naming what was read. None when no commune is near enough alone. The rule added is
    ``commune_suggested:<read>-><commune>``; what was read is kept under ``read_as``."""
    taken_at = _commune_rewritten(value, details, field_type, on_date, commune_suggested)
    if taken_at is None:
        return None
    part, district, unit, distance, n = taken_at
    taken = f"{unit.kind} {unit.name}"
    reason = (f"đọc được '{part['written']}', không có trong {district['kind']} {district['name']}; gần nhất là "
              f"'{taken}' / read '{part['written']}', not in {district['kind']} {district['name']}; the nearest "
              f"commune there is '{taken}'")  # fmt: skip
    kept = {k: v for k, v in n.details.items() if k != "verified_chain"}
    return Normalized(n.value, "invalid", reason, [f"commune_suggested:{part['name']}->{unit.name}"],
                      {**kept, "read_as": value, "commune_suggested": {"code": unit.code, "read": part["written"],
                                                                        "distance": distance}})  # fmt: skip


def _commune_rewritten(
    value: str | None, details: Mapping[str, Any], field_type: str, on_date: str | None,
    find: Callable[[str, str, str | None], tuple[Any, float] | None],
) -> tuple[dict[str, Any], dict[str, Any], Any, float, Normalized] | None:
    """A place whose commune the gazetteer could not place under the district it resolved
    (``garbled_commune``), rewritten with the commune ``find`` (name, district code, unit word) gives:
    (the part read, the district, the unit, its distance, the place normalized again), or None."""
    part = garbled_commune(details) if value else None
    if part is None or value is None:
        return None
    district = details["legacy"]["district"]
    near = find(part["name"], district["code"], part.get("kind"))
    if near is None:
        return None
    unit, distance = near
    n = _with_part(value, details, part["written"], f"{unit.kind} {unit.name}", on_date, field_type)
    if n is None or ((n.details.get("legacy") or {}).get("ward") or {}).get("code") != unit.code:
        return None
    return part, district, unit, distance, n


def _from_page(n: Normalized, read: str, reason: str, rule: str, key: str, taken: dict[str, Any]) -> Normalized:
    """``n``, a place rewritten with a unit the page gives, as the field's value for review: not "as
    written" (the unit is the page's, not this cell's), what was read under ``read_as``, what the page gave
    under ``key``."""
    kept = {k: v for k, v in n.details.items() if k != "verified_chain"}
    return Normalized(n.value, "ok", reason, [rule], {**kept, "read_as": read, key: taken})


def _with_part(
    value: str, details: Mapping[str, Any], written: str, unit: str, on_date: str | None, field_type: str = "place"
) -> Normalized | None:
    """The place (or office) ``value`` with its part ``written`` (an item of its own, or after the
    facility's name or an office's "UBND" when it comes first) rewritten as ``unit``, normalized again: None
    when the part is not found once or the place does not resolve."""
    items = value.split(", ")
    lead = [f"{details['facility']} "] if details.get("facility") else []
    lead += ["UBND "] if field_type == "office" else []
    # the unit word as the value spells it ("xã" for a written "Xã")
    at = [k for k, t in enumerate(items)
          if t.lower() == written.lower() or (k == 0 and any(t.lower() == f"{h}{written}".lower() for h in lead))]  # fmt: skip
    if len(at) != 1:
        return None
    items[at[0]] = items[at[0]][: len(items[at[0]]) - len(written)] + unit
    n = normalize_field(field_type, ", ".join(items), on_date=on_date)
    return n if n.status == "ok" else None


def _where(sources: Sequence[tuple[str, str]]) -> tuple[str, str]:
    """Where the page names a unit, in Vietnamese and English: the first few, the rest counted."""
    shown, more = sources[:UNIT_SOURCES_SHOWN], len(sources) - UNIT_SOURCES_SHOWN
    return (", ".join(vi for vi, _ in shown) + (f" và {more} chỗ khác" if more > 0 else ""),
            ", ".join(en for _, en in shown) + (f" and {more} more" if more > 0 else ""))  # fmt: skip


def validate_entry(register: str, values: dict[str, Normalized]) -> dict[str, str]:
    """Cross-field checks of one entry -> {field_key: reason (Vietnamese / English)}."""
    bad: dict[str, str] = {}

    def flag(key: str, reason: str) -> None:
        bad.setdefault(key, reason)

    for dkey, wkey in _WORD_PAIRS:
        d, w = _iso(values, dkey), _iso(values, wkey)
        if d and w and d != w:
            flag(wkey, f"ngày bằng chữ ({w}) khác ngày bằng số ({d}) / date in words differs from digits")
            flag(dkey, f"ngày bằng số ({d}) khác ngày bằng chữ ({w}) / date in digits differs from words")
    reg = _iso(values, "ngayDangKy")
    if reg and len(reg) < 10:  # a registration is dated to the day: "11/2008" lost "9/" before it
        flag("ngayDangKy", f"ngày đăng ký {reg} thiếu ngày / the registration date {reg} lacks its day")
    if reg:
        for key in ("nksNgaySinh", "nktNgayChet"):
            ev = _iso(values, key)
            if ev and not _before(ev, reg):
                flag(key, f"ngày {ev} sau ngày đăng ký {reg} / event after the registration date")
        book = values.get("quyenSo")
        m = re.search(r"/(\d{4})$", book.value) if book and book.status == "ok" and book.value else None
        if m and reg[:4] != m[1]:
            flag("ngayDangKy", f"năm đăng ký {reg[:4]} khác năm của sổ {m[1]} / "
                 "registration year differs from the book's year")  # fmt: skip
    birth, death = _iso(values, "nktNgaySinh"), _iso(values, "nktNgayChet")
    if birth and death and not _before(birth, death):
        flag("nktNgayChet", f"ngày chết {death} trước ngày sinh {birth} / death before birth")
    # the death notice is issued after the death and before the registration it is presented at
    notice = _iso(values, "gbtNgay")
    if notice and death and not _before(death, notice):
        flag("gbtNgay", f"giấy báo tử ngày {notice} trước ngày chết {death} / death notice dated before the death")
    if notice and reg and not _before(notice, reg):
        flag("gbtNgay", f"giấy báo tử ngày {notice} sau ngày đăng ký {reg} / death notice dated after the "
             "registration")  # fmt: skip
    child = _iso(values, "nksNgaySinh")
    if child:
        for pkey in ("meNgaySinh", "chaNgaySinh"):
            p = _iso(values, pkey)
            if p and int(child[:4]) - int(p[:4]) < MIN_PARENT_AGE:
                flag(pkey, f"cha/mẹ sinh năm {p[:4]}, con sinh năm {child[:4]}: chênh dưới {MIN_PARENT_AGE} "
                     f"năm / parent less than {MIN_PARENT_AGE} years older than the child")  # fmt: skip
    for idk, sexk, bk in _ID_CHECKS:
        n = values.get(idk)
        if n is None or n.status != "ok" or n.details.get("kind") != "personal_id":
            continue
        sex = sexk[1:] if sexk.startswith("=") else (values[sexk].value if sexk in values and
                                                       values[sexk].status == "ok" else None)  # fmt: skip
        if sex in ("Nam", "Nữ") and n.details.get("sex") != sex:
            flag(idk, f"chữ số giới tính của số định danh ({n.details.get('sex')}) khác giới tính ({sex}) / "
                 "the ID's sex digit contradicts the sex")  # fmt: skip
        b = _iso(values, bk)
        if b and int(b[:4]) != n.details.get("birth_year"):
            flag(idk, f"năm sinh trong số định danh ({n.details.get('birth_year')}) khác năm sinh ({b[:4]}) / "
                 "the ID's century/year digits contradict the birth year")  # fmt: skip
    for prefix in _DOC_PREFIXES:
        kind, number = values.get(prefix + "LoaiGiayToTuyThan"), values.get(prefix + "SoGiayToTuyThan")
        if not (kind and number and kind.status == "ok" and number.status == "ok" and number.value):
            continue
        lengths = _DOC_LENGTHS.get(kind.value or "")
        if lengths and len(number.value) not in lengths:
            want = " hoặc ".join(map(str, lengths))
            flag(prefix + "SoGiayToTuyThan", f"{kind.value} có {want} chữ số, đọc được {len(number.value)} / "
                 f"a {kind.value} number has {want.replace(' hoặc ', ' or ')} digits, read {len(number.value)}")  # fmt: skip
    for prefix in _PERSON_PREFIXES:
        # "Việt Nam" alone split into an ethnicity "Việt" (an alias of Kinh) and a nationality "Nam": the
        # ethnicity written before it went unread (book photograph 1199: "Tày, Việt Nam" accepted as Kinh)
        eth, nat = values.get(prefix + "DanToc"), values.get(prefix + "QuocTich")
        if (eth and nat and eth.status == "ok" and nat.status == "invalid" and fold(nat.value or "") == "nam"
                and any(fold(r).startswith("alias viet ") for r in eth.rules)):  # fmt: skip
            flag(prefix + "DanToc", "đọc được 'Việt' rồi 'Nam': là quốc tịch Việt Nam, dân tộc không đọc được / "
                 "read 'Việt' then 'Nam': the nationality Việt Nam, the ethnicity unread")  # fmt: skip
    for key in REQUIRED_FIELDS.get(register, ()):
        n = values.get(key)
        if n is not None and n.status == "empty":
            flag(key, REQUIRED_EMPTY_REASON)
    return bad


def entry_number_sequence(numbers: list[str | None], min_votes: int = 3) -> list[str] | None:
    """The number each row should carry when most rows (at least ``min_votes``, more than half of those
    read) agree on one run (number = first + index); None without such a majority, or when the run would
    number the first row below 1. Leading zeros as the page writes them ("07")."""
    read = [(i, int(s), s) for i, s in enumerate(numbers) if s and s.isdecimal()]
    offsets = Counter(n - i for i, n, _ in read)
    if not offsets:
        return None
    offset, votes = offsets.most_common(1)[0]
    if votes < min_votes or votes * 2 <= len(read) or offset < 1:
        return None  # (a run that would number the first row 0 or below is no page's: rows left unnumbered)
    return run_numbers(offset, [(i, s) for i, _, s in read], len(numbers))


def run_numbers(offset: int, read: Iterable[tuple[int, str]], rows: int) -> list[str]:
    """Each row's number on the run number = ``offset`` + row, with leading zeros as the reads on the run
    write them ("07")."""
    width = max((len(s) for i, s in read if int(s) == offset + i and s.startswith("0")), default=0)
    return [str(offset + i).zfill(width) for i in range(rows)]


@dataclass(frozen=True, slots=True)
class EntryRunNear:
    """A page's run of entry numbers found with the reads that lost digits counted for it
    (``entry_number_run_near``): each row's number, and how many reads were it exactly."""

    numbers: list[str]
    exact: int


def digits_lost(read: str, number: str) -> bool:
    """``read`` is ``number`` with a digit or more lost: its digits in order, fewer ("36" of "336")."""
    rest = iter(number)
    return 0 < len(read) < len(number) and read.isdecimal() and all(d in rest for d in read)


def entry_number_run_near(numbers: list[str | None]) -> EntryRunNear | None:
    """The run of a page whose numbers mostly read short, misread or not at all: a run some read exactly
    on (one at least) that reads with digits lost ("36", "3" above "338", "339") make three rows long or
    more, and that more reads fit (exactly or short) than fit it otherwise (a digit off, or not at all); or
    one two reads give that no read contradicts (103, 104 between four rows unread).
    ``entry_number_sequence`` wants a majority read exactly; on a page struck by show-through or printed
    faint the numbers lose their first digits row after row, and only one or two read whole. None when no
    such run exists or two fit as well."""
    read = [(i, s) for i, s in enumerate(numbers) if s and s.isdecimal()]
    on_offset = Counter(int(s) - i for i, s in read)  # how many reads lie on each run
    fits: list[tuple[int, int, bool, EntryRunNear]] = []  # (whole reads, fit less misfit, a speck set aside, the run)
    for offset in {int(s) - i for i, s in read if int(s) - i >= 1}:
        run = run_numbers(offset, read, len(numbers))
        exact = sum(s == run[i] for i, s in read)
        lost = sum(digits_lost(s, run[i]) for i, s in read)
        # a lone read with a digit more (a speck before "565" read as 9, no other read on the run it makes)
        # neither fits nor contradicts. Counted against its run, the whole reads' run had been lost to the
        # one its extra digit makes, which took them for short reads (fresh book 1143: "563", "564", "566"
        # made 9563, 9564, 9566 beside one "9565"). A speck is one misread, the other run's as many lost
        # digits as the whole reads: the whole reads' run stands on three of them; on fewer, either may be so
        added = sum(digits_lost(run[i], s) and on_offset[int(s) - i] == 1 for i, s in read)
        off = len(read) - exact - lost - added
        if (exact + lost >= 3 and exact + lost > off) or (exact >= 2 and not off):
            fits.append((exact, exact + lost - off, bool(added), EntryRunNear(run, exact)))
    fits.sort(key=lambda t: t[:2], reverse=True)
    if not fits or (len(fits) > 1 and (fits[0][0] == fits[1][0] or (fits[0][2] and fits[0][0] < 3))):
        # none; two runs read whole as often, the short reads fitting either ("11": 117 or 121); or one that
        # stands with a speck's digit set aside on two whole reads, beside the run that digit makes
        return None
    return fits[0][3]


def validate_entry_numbers(numbers: list[str | None]) -> dict[int, str]:
    """Entry numbers (``so``) of a page in row order -> {row index: reason} for gaps and repeats.

    When most rows agree on one sequence (number = first + index), the rows off it are flagged, so one
    misread number ("2" for "22") flags that row alone, not its successor too. Without such a majority
    each break in the sequence is flagged once: on the number before it when that one stands alone and the
    numbers run on without it, else on the number after it. A number runs on from the one read before it
    when it is the next, or as far on as the unread rows between them.
    """
    read = [(i, int(s)) for i, s in enumerate(numbers) if s and s.isdecimal()]
    run = entry_number_sequence(numbers, min_votes=2)
    if run is not None:
        return {
            i: f"số {numbers[i]} không theo thứ tự của trang (cần {int(run[i])}) / entry number "
            f"{numbers[i]} is out of the page's sequence (expected {int(run[i])})"
            for i, n in read
            if n != int(run[i])
        }
    def runs_on(a: int, b: int) -> bool:  # the b-th number read runs on from the a-th
        (i, n), (j, m) = read[a], read[b]
        return m - n in (1, j - i)  # the next number, or as far on as the rows between left unread

    def follows(k: int) -> bool:
        return runs_on(k - 1, k)

    bad: dict[int, str] = {}
    seen: set[int] = set()
    for k, (i, n) in enumerate(read):
        s = numbers[i]
        if n in seen:
            bad[i] = f"số {s} bị lặp / entry number {s} repeated"
        elif k and not follows(k):
            p, prev = read[k - 1]
            alone = not (k >= 2 and follows(k - 1))
            if alone and k + 1 < len(read) and follows(k + 1) and (k < 2 or runs_on(k - 2, k)):
                # the number before the break stands alone, and without it the numbers run on: that one
                # is off ("41" above "412", "413": the 1 of 411 lost)
                bad.setdefault(p, f"số {prev} không liên tiếp với số sau ({s}) / entry number {prev} does not "
                                  f"run on to the next ({s})")  # fmt: skip
            else:
                bad[i] = f"số {s} không liên tiếp sau {prev} / entry number {s} does not follow {prev}"
        seen.add(n)
    return bad
