"""Lexicon loading (once, cached): names with frequencies, ethnic groups, countries."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from .text import fold, fold_chars, nfc, tone_key

DATA = Path(__file__).resolve().parents[2] / "data"


def read_csv(rel: str) -> list[dict[str, str]]:
    with (DATA / rel).open(encoding="utf-8", newline="") as f:
        return [{k: nfc(v or "").strip() for k, v in row.items()} for row in csv.DictReader(f)]


@dataclass(frozen=True, slots=True)
class SlotLexicon:
    """Name syllables of one slot (họ / đệm / tên), keyed two ways.

    ``by_tone``: tone_key -> (most frequent spelling, summed weight) — raw text valid in this slot.
    ``by_fold``: diacritic-free key -> candidate spellings with weights — what OCR could have meant.
    """

    by_tone: dict[str, tuple[str, float]]
    by_fold: dict[str, tuple[tuple[str, float], ...]]
    # tone_key -> each spelling with its own weight, where the lists write the tone in two places
    # (THÙY / THUỲ, HÒA / HOÀ): which one a clerk wrote is a habit, not something OCR can restore
    placements: dict[str, tuple[tuple[str, float], ...]] = field(default_factory=dict)

    def weight(self, word: str) -> float:
        hit = self.by_tone.get(tone_key(word))
        return hit[1] if hit else 0.0


def _slot(entries: list[tuple[str, float]]) -> SlotLexicon:
    spellings: dict[str, dict[str, float]] = {}
    for word, w in entries:
        w0 = word.upper()
        own = spellings.setdefault(tone_key(w0), {})
        own[w0] = own.get(w0, 0.0) + w
    # the display form is the spelling with the larger own weight (the first listed on a tie)
    by_tone = {k: (max(v, key=lambda sp: v[sp]), sum(v.values())) for k, v in spellings.items()}
    by_fold: dict[str, list[tuple[str, float]]] = {}
    for _k, (word, w) in by_tone.items():
        by_fold.setdefault(fold(word), []).append((word, w))
    placements = {k: tuple(v.items()) for k, v in spellings.items() if len(v) > 1}
    return SlotLexicon(by_tone, {k: tuple(v) for k, v in by_fold.items()}, placements)


# Relative weight of a syllable known only from the public given-name list (name_syllables.csv):
# valid, but rarer than anything in the curated weighted lists.
_SYLLABLE_WEIGHT = 0.3


@cache
def name_lexicons() -> dict[str, SlotLexicon]:
    surnames = [(r["surname"], float(r["share"] or 0.05)) for r in read_csv("lexicons/surnames.csv")]
    # shares are % of population; middle/given weights are relative units of a similar scale
    middles = [(r["middle"], float(r["weight"] or 1)) for r in read_csv("lexicons/middle_names.csv")]
    givens = [(r["given"], float(r["weight"] or 1)) for r in read_csv("lexicons/given_names.csv")]
    sylls = [(r["syllable"], _SYLLABLE_WEIGHT) for r in read_csv("lexicons/name_syllables.csv")]
    return {
        "ho": _slot(surnames),
        # middle slot: the curated middle names and given names only — a bare public-list syllable
        # ("Thi") is not taken as a valid middle name, so THI (lost dot) is corrected to THỊ
        "dem": _slot(middles + [(g, w * 0.1) for g, w in givens]),
        "ten": _slot(givens + sylls + [(m, w * 0.05) for m, w in middles]),
    }


@cache
def ethnic_index() -> dict[str, str]:
    """fold(name or alias) -> official name."""
    rows = read_csv("lexicons/ethnic_groups.csv")
    idx: dict[str, str] = {}
    # official names first: "Thổ" is a group of its own and also an old alias of Tày
    for r in rows:
        idx[_eth_key(r["name"])] = r["name"]
    for r in rows:
        for a in _written_names(r)[1:]:
            idx.setdefault(_eth_key(a), r["name"])
    return idx


def _written_names(row: dict[str, str]) -> list[str]:
    """A lexicon row's official name, then its listed aliases (the ``aliases`` column, ";"-separated)."""
    return [row["name"], *(a for a in row["aliases"].split(";") if a.strip())]


def _eth_key(s: str) -> str:
    return fold(s).replace("'", "").replace(" ", "")


@cache
def ethnic_names() -> tuple[str, ...]:
    return tuple(r["name"] for r in read_csv("lexicons/ethnic_groups.csv"))


@cache
def ethnic_codes() -> dict[str, str]:
    return {r["name"]: r["code_2008"] for r in read_csv("lexicons/ethnic_groups.csv")}


@cache
def country_index() -> dict[str, str]:
    idx: dict[str, str] = {}
    for r in read_csv("lexicons/countries.csv"):
        for a in _written_names(r):
            idx.setdefault(fold(a).replace(" ", ""), r["name"])
    return idx


@cache
def alias_spellings(kind: str) -> dict[str, frozenset[str]]:
    """Ethnic groups' (``kind`` "ethnicity") or countries' ("nationality") official name -> its name and the
    listed aliases as written, marks kept (``spelling_key``): "HMông" spells Mông's alias Hmông, "Kình" none."""
    rows = read_csv("lexicons/ethnic_groups.csv" if kind == "ethnicity" else "lexicons/countries.csv")
    return {r["name"]: frozenset(map(spelling_key, _written_names(r))) for r in rows}


def spelling_key(text: str) -> str:
    """A spelling compared with its marks: NFC, case-folded, apostrophes, hyphens and spaces dropped."""
    return re.sub(r"[\s'’\-]", "", nfc(text).casefold())


@cache
def _phrases(rel: str) -> list[tuple[str, str]]:
    """(folded, written) phrases of a one-column lexicon, longest first."""
    rows = [r["phrase"] for r in read_csv(f"lexicons/{rel}")]
    return sorted(((fold_chars(p), p) for p in rows), key=lambda fp: -len(fp[0]))


# letters whose capital is the small letter drawn larger: OCR cannot tell them apart by shape
_CASE_LOOKALIKES = frozenset("cosvwxz")


def _respell(span: str, written: str) -> str:
    """The lexicon's letters (diacritics, spaces) in the case ``span`` was written in: an all-capitals or
    every-word-capitalised span stays so; otherwise each letter keeps its case, except a capital OCR may
    have made of a look-alike small letter inside the phrase ("bản Sao" -> "bản sao"), and one opening a
    word after a word in small letters that the lexicon writes small ("trích Lục": no writer capitalises
    a word's second syllable; a typewriter page's, accepted). The latter is a guess (``PHRASE_CASE_GUESS``)."""
    caps = span.isupper()
    # "Nhồi Máu Cơ Tim": every word capitalised is how it was written, not a look-alike
    titled = all(w[0].isupper() for w in span.split())
    out: list[str] = []
    j = 0
    for i, ch in enumerate(written):
        if ch == " ":
            while j < len(span) and span[j] in ".,":
                j += 1  # a speck OCR read between the words
            if j >= len(span) or not span[j].isspace():
                out.append(" ")  # a space OCR lost
                continue
        s = span[j] if j < len(span) else ch
        # a capital after a small letter of the same word ("nƯớc") is OCR's, not the writer's
        inner = 0 < j <= len(span) and span[j - 1].isalpha() and span[j - 1].islower()
        after_small = i > 0 and written[i - 1] == " " and _small_word_before(span, j)
        j += 1
        lookalike = i > 0 and not titled and ch.islower() and (fold_chars(ch) in _CASE_LOOKALIKES or after_small)
        if caps or (s.isupper() and not lookalike and not inner):
            out.append(ch.upper())
        else:
            out.append(ch.lower())
    return "".join(out)


def _small_word_before(span: str, j: int) -> bool:
    """Whether the word before position ``j`` of ``span`` starts with a small letter."""
    words = span[:j].split()
    return bool(words) and words[-1][:1].islower()


PHRASE_CASE_GUESS = "lexicon_case_guess"  # rule: a capital not of a look-alike letter put in small letters


def _case_guessed(span: str, want: str) -> bool:
    """Whether respelling put a word's capital first letter, not a look-alike's, in small letters."""
    read, put = span.split(), want.split()
    return len(read) == len(put) and any(
        a[0].isupper() and b[0].islower() and fold_chars(b[0]) not in _CASE_LOOKALIKES for a, b in zip(read, put, strict=True)
    )


def restore_phrases(text: str, rel: str) -> tuple[str, list[str]]:
    """Known phrases whose letters OCR kept but whose diacritics, spaces or look-alike capitals it changed
    get the lexicon's spelling ("Ủng thư phổi" -> "Ung thư phổi", "cơtim" -> "cơ tim"), in the case they
    were written in (``_respell``)."""
    if not text:
        return text, []
    rules: list[str] = []
    for folded, written in _phrases(rel):
        # OCR may also lose the space between two words ("cơtim") or put a speck there ("bản sao. ngày")
        pattern = r"(?<!\w)" + r"[.,]?\s?".join(re.escape(w) for w in folded.split(" ")) + r"(?!\w)"
        # one character per character of text: spans line up; a 0 against a letter is OCR's o ("Sa0")
        low = re.sub(r"(?<=[a-z])0|0(?=[a-z])", "o", fold_chars(text))
        for m in reversed(list(re.finditer(pattern, low))):
            span = text[m.start() : m.end()]
            want = _respell(span, written)
            if span != want:
                text = text[: m.start()] + want + text[m.end() :]
                rules.append(f"lexicon:{span}->{want}")
                if _case_guessed(span, want):
                    rules.append(PHRASE_CASE_GUESS)
    return text, rules


def is_listed_phrase(text: str, rel: str) -> bool:
    """Whether ``text`` (any case) is one of the lexicon's phrases, diacritics included."""
    return text.casefold() in _casefolded(rel)


def listed_phrases(rel: str) -> frozenset[str]:
    """The lexicon's phrases, case-folded."""
    return _casefolded(rel)


@cache
def _casefolded(rel: str) -> frozenset[str]:
    return frozenset(w.casefold() for _, w in _phrases(rel))


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


LOST_LETTERS_SHARE = 4  # a phrase read with letters lost: at most one letter in this many gone


def phrase_letters_lost(text: str, rel: str) -> str | None:
    """The one lexicon phrase ``text`` is, word for word, with letters lost from its words ("ã cấp trích lục
    ày" for Đã cấp trích lục ngày: the first letters of a remark's lines lost at a faded edge, accepted as
    written): each word read is what is left of the phrase's word, at most one letter in
    ``LOST_LETTERS_SHARE`` of the phrase gone. No word may be missing: "Đã cải chính tên theo QĐ số" is a
    remark of its own, not "… họ tên …" short of a word. None when no phrase, or more than one, fits."""
    words = fold_chars(text).split()
    fits: list[str] = []
    for folded, written in _phrases(rel):
        parts = folded.split(" ")
        lost = sum(map(len, parts)) - sum(map(len, words))
        if (len(parts) == len(words) and 0 < lost <= sum(map(len, parts)) // LOST_LETTERS_SHARE
                and all(w and _subsequence(w, p) for w, p in zip(words, parts, strict=True))):  # fmt: skip
            fits.append(written)
    return fits[0] if len(fits) == 1 else None


def phrase_but_one_word(text: str, rel: str) -> tuple[str, int] | None:
    """The one lexicon phrase ``text`` is word for word but for one word (folded), and that word's index:
    ("Nhồi máu cơ tim", 3) for "Nhồi máu cơ 1ừn". None when no phrase, or more than one, fits."""
    words = fold_chars(text).split()
    fits = []
    for folded, written in _phrases(rel):
        parts = folded.split(" ")
        if len(parts) != len(words):
            continue
        off = [i for i, (w, p) in enumerate(zip(words, parts, strict=True)) if w != p]
        if len(off) == 1:
            fits.append((written, off[0]))
    return fits[0] if len(fits) == 1 else None


PHRASE_LETTERS_PER_EDIT = 6  # a whole-cell phrase may differ by one letter per this many
GARBLED_MIN_LETTERS = 5  # a garbled cell shorter than this is too little to name a phrase


def closest_phrase(text: str, rel: str, *, garbled: bool = False) -> tuple[str, int] | None:
    """The lexicon phrase a whole cell is a few letter edits from ("Nhồi máu cơ từn", "Tui biến mạch máu
    não"): (phrase, edits) when exactly one phrase is nearest and within one edit per
    ``PHRASE_LETTERS_PER_EDIT`` letters; None otherwise, or when the text is a phrase already.

    A short cell is one edit from too many words to be respelled, unless it is ``garbled`` (it holds a
    word no Vietnamese syllable spells, so it was surely misread: "Suy fim"): then one edit is allowed
    from a few letters up."""
    key = fold_chars(text).replace(" ", "")
    if len(key) < (GARBLED_MIN_LETTERS if garbled else 8):
        return None
    scored = sorted((Levenshtein.distance(key, k), written, len(k))
                    for k, written in ((folded.replace(" ", ""), written) for folded, written in _phrases(rel)))  # fmt: skip
    if scored[0][0] == 0:
        return None
    # the budget counts the longer of the two: letters OCR lost shorten the cell, not the phrase it read
    # ("ăng ký quá ạn", each line's first letter lost, is Đăng ký quá hạn: accepted as written before)
    near = [(d, w) for d, w, n in scored if d <= max(max(len(key), n) // PHRASE_LETTERS_PER_EDIT, 1 if garbled else 0)]
    if not near or len(near) > 1 and near[1][0] == near[0][0]:
        return None
    best, written = near[0]
    return written, best
