"""Person names: upper case NFC, repaired accents, lexicon correction of OCR diacritic errors per slot.

Slots: họ (first syllable), tên đệm (middle syllables), tên (last syllable). A syllable is corrected only
to a lexicon spelling with the *same letters* (OCR errors here are diacritics, ocr.md §0.5), chosen by
prior weight minus a diacritic-confusion cost; a syllable that is already valid in its slot is never
changed (a rare name is not turned into a common one), though a much more frequent look-alike lowers
the confidence so that a reviewer sees it.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from rapidfuzz.distance import Levenshtein

from .lexicons import SlotLexicon, name_lexicons, read_csv
from .text import (
    TONE_MARKS,
    VOWELS,
    clean_text,
    collapse_ws,
    fold,
    is_syllable,
    italic_hi,
    nfc,
    split_tone,
    strip_diacritics,
    tone_key,
    uses_old_style,
)

# Cost of reading tone `raw` when `true` was printed (Tesseract vie, ocr.md "Known Vietnamese issues").
# 0 ngang, 1 sắc, 2 huyền, 3 hỏi, 4 ngã, 5 nặng.
_TONE_COST = {
    (1, 3): 0.8,
    (3, 1): 0.8,  # acute <-> hook above on stacked diacritics (Ánh -> Ảnh)
    (5, 0): 1.0,  # lost dot below (Thị -> Thi)
    (4, 0): 1.2,
    (1, 0): 1.2,
    (2, 0): 1.2,
    (3, 0): 1.2,  # lost tone mark
    (4, 3): 1.2,
    (3, 4): 1.2,
    (4, 1): 1.2,
    (1, 4): 1.5,
    (2, 4): 1.5,
    (4, 2): 1.5,
    # a grave read as a hook above: THÙY as THỦY, HOÀNG as HOẢNG on Chromium faces (the 78 kept sets of stop
    # 36: THỦY for THÙY 16 times, 3 of them accepted at 0.92-0.93 as a listed middle name)
    (2, 3): 1.5,
}
_TONE_DEFAULT = 2.0  # any other swap, or a tone added from nothing
_MARK_COST = 1.0  # per letter whose quality mark (â ê ô ă ơ ư đ) differs
_COST_SCALE = 1.6  # nats of prior one cost unit is worth


def _letters(word: str) -> str:
    return split_tone(word)[0].upper()


def diacritic_cost(raw: str, cand: str) -> float:
    """Cost of OCR reading ``cand`` as ``raw``; both have the same letters when diacritics are removed."""
    rl, rt = split_tone(raw)
    cl, ct = split_tone(cand)
    cost = _tone_cost(rt, ct)
    rl, cl = rl.upper(), cl.upper()
    if len(rl) != len(cl):
        return cost + _MARK_COST * abs(len(rl) - len(cl)) + _MARK_COST
    cost += _MARK_COST * sum(a != b for a, b in zip(rl, cl, strict=True))
    return cost


def _tone_cost(read: int, printed: int) -> float:
    return 0.0 if read == printed else _TONE_COST.get((printed, read), _TONE_DEFAULT)


# a letter read for another (O for A, U for N) is far rarer than a mark lost or changed: such a reading never
# replaces one with the letters as read, but a far more frequent one takes a share of the choice's posterior
_LETTER_COST = 5.0


def _one_letter_off(raw: str, lex: SlotLexicon) -> list[tuple[str, float]]:
    """Listed syllables whose letters differ from ``raw``'s in exactly one place (HẢI for HỎI)."""
    key = fold(raw)
    return [cw for k, cws in lex.by_fold.items()
            if len(k) == len(key) and sum(a != b for a, b in zip(k, key, strict=True)) == 1 for cw in cws]  # fmt: skip


@dataclass(slots=True)
class Choice:
    value: str
    rule: str | None = None  # "lexicon:ho:NGUYÊN->NGUYỄN"
    margin: float | None = None  # score gap to the runner-up when corrected
    suspect: str | None = None  # the most likely other reading of a valid raw syllable
    known: bool = False
    posterior: float = 1.0  # share of the chosen reading among every reading OCR could have meant
    placement: float = 1.0  # share of the chosen tone placement where the lists write it two ways


SUSPECT_POSTERIOR = 0.9  # a syllable valid as read below this share has a rival a reviewer weighs


def correct_syllable(raw: str, lex: SlotLexicon, slot: str, sex: str | None = None) -> Choice:
    """Choose what OCR meant by ``raw`` (upper case NFC) in one slot.

    Score of a reading c = ln(prior weight of c) - scale * cost(OCR printing c as raw); the raw itself,
    when valid in the slot, competes with cost 0 and is never replaced. The posterior of the chosen
    reading scales the field confidence, so close calls (HOA/HÒA, DUNG/DŨNG) go to review. A given name
    of the other ``sex`` only (the middle name's: THỊ, VĂN) is no rival: DŨNG is no doubt on NGUYỄN THỊ DUNG
    (an officer flagged on six rows of a page for it, aged seed 1259).
    """
    hit = lex.by_tone.get(tone_key(raw))
    cands = lex.by_fold.get(fold(raw), ())

    def of_sex(cws: Sequence[tuple[str, float]]) -> Sequence[tuple[str, float]]:
        if not (sex and slot == "ten"):
            return cws
        sexes = given_sexes()
        return [cw for cw in cws if sexes.get(cw[0], sex) == sex] or cws

    cands = of_sex(cands)
    raw_tk = tone_key(raw)
    scored = [
        (math.log(w) - _COST_SCALE * diacritic_cost(raw, c), c) for c, w in cands if tone_key(c) != raw_tk
    ]
    if hit is not None:
        # valid as written (any tone placement): keep the writer's spelling
        own = math.log(hit[1])
        total = math.exp(own) + sum(math.exp(sc) for sc, _ in scored)
        post = math.exp(own) / total
        best_alt = max(scored, default=None)
        suspect = best_alt[1] if best_alt and post < SUSPECT_POSTERIOR else None
        return Choice(raw, suspect=suspect, known=True, posterior=post)
    if not scored:
        return Choice(raw)
    scored.sort(reverse=True)
    best_score, best = scored[0]
    margin = best_score - scored[1][0] if len(scored) > 1 else math.inf
    # a rare listed reading beside a frequent one a letter away is a close call: HỎI is HỘI (listed once
    # in a hundred given names) or HẢI (book photographs 1193's HUỲNH ĐỨC HẢI, accepted as HỘI at 0.90)
    rt = split_tone(raw)[1]
    rivals = [math.log(w) - _COST_SCALE * (_LETTER_COST + _tone_cost(rt, split_tone(c)[1]))
              for c, w in of_sex(_one_letter_off(raw, lex))]  # fmt: skip
    post = math.exp(best_score) / (sum(math.exp(sc) for sc, _ in scored) + sum(math.exp(r) for r in rivals))
    best, share = _placed(best, raw, lex)
    return Choice(best, rule=f"lexicon:{slot}:{raw}->{best}", margin=margin, known=True, posterior=post * share,
                  placement=share)  # fmt: skip


def _placed(cand: str, raw: str, lex: SlotLexicon) -> tuple[str, float]:
    """Where the chosen reading puts its tone when the lists write it in two places (THÙY / THUỲ): as
    the raw placed its own mark, if it had one; else the more frequent spelling, with its share, since
    a mark OCR lost says nothing of where it sat."""
    spellings = lex.placements.get(tone_key(cand))
    if not spellings:
        return cand, 1.0
    if split_tone(raw)[1]:
        # the letter the raw's mark sits on, even where OCR changed the vowels (THƯỲ: THUỲ, not THÙY)
        at = _tone_at(raw)
        for sp, _ in spellings:
            if len(sp) == len(raw) and _tone_at(sp) == at:
                return sp, 1.0
        old = uses_old_style(raw)
        for sp, _ in spellings:
            if uses_old_style(sp) == old:
                return sp, 1.0
    return cand, dict(spellings).get(cand, 0.0) / sum(w for _, w in spellings)


def _tone_at(word: str) -> int | None:
    """The index of the letter that carries the word's tone mark (the last one), None without one."""
    at = None
    for i, ch in enumerate(nfc(word)):
        if any(m in TONE_MARKS for m in unicodedata.normalize("NFD", ch)[1:]):
            at = i
    return at


STACKED_MAX_POSTERIOR = 0.9
# a syllable left with two tone marks (no lexicon spelling fits) is surely misread: send it to review
STACKED_UNRESOLVED_FACTOR = 0.5


def tone_marks(word: str) -> list[int]:
    """Every tone mark on ``word`` in order (a valid syllable has at most one)."""
    return [TONE_MARKS[c] for c in unicodedata.normalize("NFD", word) if c in TONE_MARKS]


def correct_stacked(raw: str, lex: SlotLexicon, slot: str) -> Choice | None:
    """A syllable with two tone marks ("HUYẾỄN": Tesseract emitting both readings of a stacked diacritic,
    often on a doubled vowel) is never valid: choose the lexicon spelling of its letters, each mark
    written counting as one reading OCR could have made of the true tone. None when nothing fits.
    """
    marks = tone_marks(raw)
    if len(marks) < 2:
        return None
    letters = split_tone(raw)[0].upper()
    # the doubled vowel ("ÊÊ" from "ẾỄ"): one letter
    letters = re.sub(r"([AĂÂEÊIOÔƠUƯY])\1", r"\1", letters)
    # ...or echoed without its hat ("HUỆẸ": Ê then E, both with the dot below); not ƯU, which is a vowel pair
    letters = re.sub(r"([ĂÂ]A|ÊE|[ÔƠ]O)", lambda m: m[0][0], letters)
    cands = lex.by_fold.get(fold(letters), ())
    scored = []
    for c, w in cands:
        cl, ct = split_tone(c)
        if cl.upper() != letters:
            continue  # same letters and quality marks only: the tone is what OCR garbled
        cost = min(0.0 if t == ct else _TONE_COST.get((ct, t), _TONE_DEFAULT) for t in marks)
        scored.append((math.log(w) - _COST_SCALE * cost, c))
    if not scored:
        return None
    scored.sort(reverse=True)
    best_score, best = scored[0]
    margin = best_score - scored[1][0] if len(scored) > 1 else math.inf
    post = math.exp(best_score) / sum(math.exp(sc) for sc, _ in scored)
    # the tone chosen was not among those written: never a sure call
    return Choice(best, rule=f"lexicon_two_tones:{slot}:{raw}->{best}", margin=margin, known=True,
                  posterior=min(post, STACKED_MAX_POSTERIOR))  # fmt: skip


_NON_NAME = re.compile(r"[^\w\s'\-]")


@dataclass(slots=True)
class NameResult:
    value: str
    rules: list[str] = field(default_factory=list)
    ho: str = ""
    dem: str = ""
    ten: str = ""
    confidence_factor: float = 1.0
    corrections: list[dict] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    # every syllable (two at least) listed in its slot exactly as read, nothing cleaned, split or corrected
    as_listed: bool = False
    # every syllable listed once its marks are restored by the lexicon (NGUYÊN VĂN BÌNH), nothing else done
    marks_restored: bool = False


@cache
def _given_lists() -> dict[str, set[str]]:
    """Upper-case given-name spelling -> the sexes the public lists give it ("both" for either)."""
    seen: dict[str, set[str]] = {}
    for rel, col in (("lexicons/given_names.csv", "given"), ("lexicons/name_syllables.csv", "syllable")):
        for r in read_csv(rel):
            seen.setdefault(r[col].upper(), set()).add(r["sex"] or "both")
    return seen


@cache
def given_sexes() -> dict[str, str]:
    """Upper-case given-name spelling -> "Nam" or "Nữ", for a name the public lists give to one sex only
    (given_names.csv, and name_syllables.csv: boys' and girls' lists); a name of both is left out."""
    return {k: next(iter(v)) for k, v in _given_lists().items() if len(v) == 1 and "both" not in v}


def given_for_sex(ten: str, sex: str) -> str | None:
    """The given name OCR more likely misread as ``ten`` for a person of ``sex`` ("DŨNG" for a mother:
    DUNG; "CHÍ" after THỊ: CHI): ``ten`` is a name of the other sex only and a listed given name with
    the same letters, marks aside (Đ is a letter), is of ``sex`` or of both; the likeliest by weight and
    mark cost."""
    sexes = given_sexes()
    if sexes.get(ten, sex) == sex:
        return None
    cands = [
        (math.log(w) - _COST_SCALE * diacritic_cost(ten, c), c)
        for c, w in name_lexicons()["ten"].by_fold.get(fold(ten), ())
        if c != ten and c in _given_lists() and sexes.get(c, sex) == sex and ("Đ" in c) == ("Đ" in ten)
    ]  # fmt: skip
    return max(cands)[1] if cands else None


@cache
def _middle_sexes() -> dict[str, tuple[str, float]]:
    """Upper-case listed middle name -> (its sex: "Nam", "Nữ" or "" for both, its weight)."""
    return {r["middle"].upper(): (r["sex"], float(r["weight"] or 1)) for r in read_csv("lexicons/middle_names.csv")}


# middle names that all but fix the sex; the lists' other sexed middles (KIM, THU, THÀNH…) also name the
# other sex now and then (NGUYỄN KIM DŨNG), too often to rule a rival out by
_SEX_MARKERS = {"THỊ": "Nữ", "VĂN": "Nam"}


def _middle_sex(middle: list[str]) -> str | None:
    """The sex the middle names give (THỊ: Nữ, VĂN: Nam), when they give one."""
    sexes = {_SEX_MARKERS[m] for m in middle if m in _SEX_MARKERS}
    return next(iter(sexes)) if len(sexes) == 1 else None


def middle_for_sex(dem: str, sex: str) -> str | None:
    """The middle name OCR more likely misread as ``dem`` for a person of ``sex`` ("TRÍ" for a wife:
    THỊ, its H read R and its dot an acute): ``dem`` is a name of the other sex only (as a listed middle
    name, or else as a given name) and a listed middle name of ``sex`` or of both is one letter edit
    away, marks aside (Đ is a letter); the most frequent of them."""
    middles = _middle_sexes()
    own = middles[dem][0] if dem in middles else given_sexes().get(dem, "")
    if own in ("", sex):
        return None
    key = fold(dem)
    cands = [
        (w, m) for m, (s, w) in middles.items()
        if m != dem and s in ("", sex) and ("Đ" in m) == ("Đ" in dem) and Levenshtein.distance(fold(m), key) <= 1
    ]  # fmt: skip
    return max(cands)[1] if cands else None


def _name_chars(s: str) -> str:
    s = _NON_NAME.sub(" ", s)
    s = re.sub(r"\d+", " ", s)
    # each word's start, not only the name's: a digit dropped can leave "-'A" ("A0-'A"), whose "-" a later
    # step drops, then the "'" on a second normalization (found by hypothesis: not idempotent). A word's
    # trailing apostrophe stays: clean_text reads it as an acute ("A'0 B" -> "Á B"). A lone dash between
    # words stays for normalize_name, which drops it as the wrap's noise, unflagged ("TÔ -\nQUỐC ANH")
    return collapse_ws(" ".join(w.lstrip("-'").rstrip("-") if w.strip("-'") else w
                                for w in s.replace("_", " ").split()).strip("-' "))  # fmt: skip


_NAME_PASSES = 8


def _clean_name(raw: str) -> tuple[str, list[str]]:
    """clean_text, then only name characters; repeated until neither changes anything.

    Dropping a digit or a symbol can leave what clean_text treats as noise or as an accent ("A0'A" ->
    "A 'A": an apostrophe at a word's start, dropped by clean_text; "A'0 B" -> "A' B": a trailing
    apostrophe read as an acute), so one pass of each is no fixed point.
    """
    s, rules = clean_text(raw)
    for _ in range(_NAME_PASSES):
        s2 = _name_chars(s)
        if s2 == s:
            break
        if "name_chars" not in rules:
            rules.append("name_chars")
        s3, more = clean_text(s2)
        rules.extend(r for r in more if r not in rules)
        if s3 == s2:
            s = s2
            break
        s = s3
    return s, rules


def _known_syllable(syl: str, lex: dict[str, SlotLexicon]) -> bool:
    key = tone_key(syl)
    return any(key in sl.by_tone for sl in lex.values())


def _split_kinh_hyphens(toks: list[str], lex: dict[str, SlotLexicon], rules: list[str]) -> list[str]:
    """Kinh names never join syllables with a hyphen: "TRẦN-NGỌC" is OCR's reading of the space (or of
    a speck in it). Split when every piece is a known name syllable; minority names ("Y-MOAN",
    "KSOR-H'...") have a piece the lexicons do not know, and keep their hyphen."""
    out: list[str] = []
    for tok in toks:
        pieces = [x for x in re.split(r"[-–—]", tok)]
        if len(pieces) > 1 and "'" not in tok and all(x and _known_syllable(x, lex) for x in pieces):
            rules.append(f"name_hyphen_as_space:{tok}")
            out.extend(pieces)
        else:
            out.append(tok)
    return out


# A syllable no name list knows is a misread ("ĐHẠM", "SIANG") or a rare minority name: a reviewer should
# see it either way, however confidently OCR read it.
UNKNOWN_SYLLABLE_FACTOR = 0.9
# An unknown syllable one letter from a listed one of its slot ("ĐHẠM"/"HẠM" for PHẠM, "SIANG" for GIANG,
# "ƯƠNG" for DƯƠNG: a first letter lost at a column rule): far more often a misread than a rare name.
NEAR_MISS_FACTOR = 0.7


def _near_miss(tok: str, lex: SlotLexicon) -> str | None:
    """The most frequent slot syllable one edit (on the diacritic-free letters) from ``tok``, or None."""
    key = fold(tok)
    # W is no letter of Vietnamese names: a V misread ("WY" for VY, "WĨNH" for VĨNH), before any other
    # one-letter neighbour; the marks read are kept when that spelling is listed. An italic "Vy" runs
    # together into "Ww" or one "W" (Chromium pages 1287 and 1305: NGUYỄN THỊ WW on five rows)
    if "w" in key:
        up = tok.upper()
        for as_v in (up.replace("W", "V"), up.replace("WW", "VY"), up.replace("W", "VY")):
            if (hit := lex.by_tone.get(tone_key(as_v))) is not None:
                return hit[0]
            if spellings := lex.by_fold.get(fold(as_v)):
                return max(spellings, key=lambda cw: cw[1])[0]
    if len(key) < 2:
        return None
    best: tuple[float, str] | None = None
    for k, cands in lex.by_fold.items():
        if abs(len(k) - len(key)) <= 1 and Levenshtein.distance(k, key, score_cutoff=1) <= 1:
            for c, w in cands:
                if best is None or w > best[0]:
                    best = (w, c)
    return best[1] if best else None


@cache
def _known_folds() -> frozenset[str]:
    """Every name syllable of every slot without its diacritics."""
    return frozenset(k for sl in name_lexicons().values() for k in sl.by_fold)


_FOREIGN_LETTER = re.compile(r"[FJWZ]")
_DOUBLED = re.compile(r"(.)\1")


def _misread_shape(tok: str) -> bool:
    """Spelled as no Vietnamese syllable can be, in a way OCR produces: a doubled letter ("TTRI", "PHẠAM",
    "ĐÚCC"; "XUAÂN", a vowel read twice, once without its mark), no vowel ("TH"), a letter outside the
    alphabet ("FHỊ"), or the wrong tone on a stop final ("KHẢT"). Minority names are ill-formed as Kinh
    syllables in other ways (clusters and finals such as "MLÔ", "KPĂ", "SƠR") and are left as read."""
    if is_syllable(tok):
        return False
    letters = _letters(tok)
    return bool(
        _DOUBLED.search(strip_diacritics(letters)) or not any(c in VOWELS for c in letters.lower())
        or _FOREIGN_LETTER.search(letters) or is_syllable(tok, tone=False)
    )  # fmt: skip


# A full name is a family name and a given name at least: one word alone is the rest of the name lost to
# the next cell or line ("Huỳnh" with "Thị Hằng" read in the relation's cell had been accepted)
ONE_WORD_FACTOR = 0.7
GLUED_SPLIT_FACTOR = 0.85  # two syllables OCR read without their space ("THỊAN"): a guess a reviewer sees


_MARKED_VOWELS = frozenset("ÂÊÔĂƠƯ")


def _stutter(a: str, b: str) -> bool:
    return _letters(a) == _letters(b) and _letters(a) in _MARKED_VOWELS


def _split_glued(toks: list[str], lex: dict[str, SlotLexicon], rules: list[str]) -> tuple[list[str], int]:
    """A token no lexicon knows that is two name syllables run together ("PHẠM THỊAN", "TRẦNANH HẠNH"):
    split where exactly one cut leaves two syllables known up to diacritics (the lexicon correction then
    fixes their marks), or, among several such cuts, exactly one leaves both spelled as known with their
    marks ("HOÀNGAN": not HOÀ|NGAN). Minority names (an apostrophe or a hyphen) are left alone."""
    known = _known_folds()
    out: list[str] = []
    n = 0
    for tok in toks:
        if len(tok) < 4 or _minority_form(tok) or _known_syllable(tok, lex) or fold(tok) in known:
            out.append(tok)
            continue
        # never between two of the same marked vowel ("NGÂẦN"): OCR stuttering on a stacked diacritic, not
        # two syllables (a plain or a consonant pair is: "GIAAN", "THANHHẢI")
        cuts = [i for i in range(2, len(tok) - 1) if fold(tok[:i]) in known and fold(tok[i:]) in known
                and not _stutter(tok[i - 1], tok[i])]  # fmt: skip
        if len(cuts) > 1:
            # "HOÀNGAN": HOÀNG|AN has both syllables spelled as known, marks included; HOÀ|NGAN only one
            exact = [sum(_known_syllable(p, lex) for p in (tok[:i], tok[i:])) for i in cuts]
            cuts = [i for i, e in zip(cuts, exact, strict=True) if e == 2] if exact.count(2) == 1 else cuts
        if len(cuts) == 1:
            i = cuts[0]
            rules.append(f"name_glued:{tok}->{tok[:i]} {tok[i:]}")
            out += [tok[:i], tok[i:]]
            n += 1
        else:
            out.append(tok)
    return out, n


def _join_split(toks: list[str], lex: dict[str, SlotLexicon], rules: list[str]) -> tuple[list[str], int]:
    """A lone letter that is no syllable after a syllable no list knows ("SƠ N"): one syllable OCR cut at
    a wide letter space, joined when the two make a listed syllable."""
    out: list[str] = []
    n = 0
    for tok in toks:
        if (out and len(tok) == 1 and not is_syllable(tok) and not _known_syllable(out[-1], lex)
                and _known_syllable(out[-1] + tok, lex)):  # fmt: skip
            rules.append(f"name_split:{out[-1]} {tok}->{out[-1] + tok}")
            out[-1] += tok
            n += 1
        else:
            out.append(tok)
    return out, n


BROKEN_SURNAME_MIN = 5  # letters a surname must have for a broken one to be told from two words


def _join_broken_surname(toks: list[str], lex: dict[str, SlotLexicon], rules: list[str]) -> tuple[list[str], int]:
    """A long surname OCR broke in two with a letter misread ("NGL YỄN" for NGUYỄN on a phone photograph,
    six rows read NGÔ YẾN): a first word no list knows whose join with the next is one letter from exactly
    one listed surname of ``BROKEN_SURNAME_MIN`` letters or more, the name going on after it."""
    if len(toks) < 3 or _minority_form(toks[0]) or _known_syllable(toks[0], lex):
        return toks, 0
    joined = fold(toks[0] + toks[1])

    def broken(key: str) -> bool:
        d = Levenshtein.distance(key, joined, score_cutoff=1)
        # the two words spell it ("N GUYỄN"); or with a letter misread, but not a surname whole in the second
        # word after a stray letter ("L$ HOÀNG THỦY": LÝ, its Ý lost)
        return d == 0 or (d == 1 and len(toks[0]) >= 2 and Levenshtein.distance(key, fold(toks[1]), score_cutoff=2) > 1)

    near = [max(cands, key=lambda c: c[1])[0] for key, cands in lex["ho"].by_fold.items()
            if len(key) >= BROKEN_SURNAME_MIN and broken(key)]  # fmt: skip
    if len(near) != 1:
        return toks, 0
    rules.append(f"name_broken:{toks[0]} {toks[1]}->{near[0]}")
    return [near[0], *toks[2:]], 1


def _minority_form(tok: str) -> bool:
    """A hyphen or apostrophe: a minority name's word (H'BLONG, KSOR-H'...), outside the Kinh lexicons."""
    return "-" in tok or "'" in tok


# a given name spelled as the middle name before it ("LÊ ANH ANH"): a Vietnamese name does not repeat a
# syllable, and OCR dropping a mark makes one (LÊ ANH ÁNH accepted on three rows of aged seed 1259)
REPEATED_SYLLABLE_FACTOR = 0.7
_MIDDLE_ONLY = frozenset({"THỊ", "VĂN"})  # middle names no one is given as a name: a full name never ends so


def _slot(i: int, n: int) -> str:
    return "ho" if i == 0 and n > 1 else "ten" if i == n - 1 else "dem"


def _bare(word: str) -> bool:
    return strip_diacritics(word) == word


def _doubt_bare_beside_lost_marks(toks: list[str], out: list[str], lex: dict[str, SlotLexicon],
                                  res: NameResult) -> None:  # fmt: skip
    """A name read with a syllable's marks lost (TRAN, restored TRẦN) may have lost them on another syllable
    that is a name bare too: in "TRAN THANH HAI" THANH is THÀNH as often as the lists say (5.4 to 2.0), not
    the near-certainty a read that kept its marks gives (accepted wrong on a fresh aged page, father and
    declarant alike). Such a syllable is weighed by the lists alone: below ``SUSPECT_POSTERIOR`` it is a
    suspect, its share lowering the field's confidence."""
    restored = [c for c in res.corrections if _bare(c["raw"]) and not _bare(c["value"])
                and "suspect" not in c and "near" not in c]  # fmt: skip
    if not restored:
        return
    doubted = {c["raw"] for c in res.corrections if "suspect" in c}
    for i, (tok, got) in enumerate(zip(toks, out, strict=True)):
        if tok != got or not _bare(tok) or _minority_form(tok) or tok in doubted:
            continue
        slot = _slot(i, len(toks))
        cands = lex[slot].by_fold.get(fold(tok), ())
        total, own = sum(w for _, w in cands), dict(cands).get(tok, 0.0)
        if not total or own / total >= SUSPECT_POSTERIOR:
            continue
        rival = max((c for c in cands if c[0] != tok), key=lambda c: c[1])[0]
        res.corrections.append({"slot": slot, "raw": tok, "value": tok, "suspect": rival,
                                "posterior": round(own / total, 3), "marks_lost_beside": True})  # fmt: skip
        res.confidence_factor *= own / total


NOISE_LINE_LETTERS = 4  # a first line this short, with no surname, before a line opening with one: noise


def _noise_trimmed(raw: str, lex: dict[str, SlotLexicon]) -> tuple[str, list[str]]:
    """``raw`` without a first line of noise: a line of at most ``NOISE_LINE_LETTERS`` letters holding no
    listed surname, before a line that opens with one, marks aside (the reverse page's letters showing
    through above a name on an aged page: "Ki" / "LÊ XUÂN" / "THẢO"). With what was dropped."""
    lines = raw.split("\n")
    if len(lines) < 2:
        return raw, []
    first = _clean_name(lines[0])[0].upper().split()
    rest = _clean_name("\n".join(lines[1:]))[0].upper().split()
    if (sum(len(t) for t in first) > NOISE_LINE_LETTERS or len(rest) < 2
            or any(fold(t) in lex["ho"].by_fold for t in first) or fold(rest[0]) not in lex["ho"].by_fold):  # fmt: skip
        return raw, []
    return "\n".join(lines[1:]), first


def normalize_name(raw: str) -> NameResult:
    lex = name_lexicons()
    raw, noise = _noise_trimmed(raw, lex)
    s2, rules = _clean_name(raw)
    up = unicodedata.normalize("NFC", s2.upper())
    if up != s2:
        rules.append("upper")
    # a lone dash or dot between name parts is OCR noise from the wrap, not part of the name; so is a dash at
    # a word's edge ("LÊ ĐÌNH- HÙNG", "NGUYỄN -HOÀNG": it had been kept, "NGUYỄN VĂN- AN" accepted at 0.95)
    words = [t for t in up.split() if not re.fullmatch(r"[-–—.']+", t)]
    toks = [t.strip("-–—") for t in words]
    if toks != words and "name_chars" not in rules:
        rules.append("name_chars")
    toks = _split_kinh_hyphens(toks, lex, rules)
    toks, glued = _split_glued(toks, lex, rules)
    toks, split = _join_split(toks, lex, rules)
    # not where a token was just cut in two ("HOANH" -> HO ANH, aged seed 1307): joining would undo the cut
    toks, broken = _join_broken_surname(toks, lex, rules) if not (glued or split) else (toks, 0)
    # a last word of one letter no list knows after a name of three words, once a syllable cut at a letter
    # space is joined ("SƠ N"): a speck or a stamp's letter ("LÊ VĂN MINH Ì", aged pages)
    while len(toks) > 3 and len(toks[-1]) == 1 and not _known_syllable(toks[-1], lex):
        noise.append(toks.pop())
    if noise:
        rules.append(f"name_noise_dropped:{' '.join(noise)}")
    out: list[str] = []
    res = NameResult(value="", rules=rules)
    res.confidence_factor *= GLUED_SPLIT_FACTOR ** (glued + split + broken) * NEAR_MISS_FACTOR ** bool(noise)
    for i, tok in enumerate(toks):
        slot = _slot(i, len(toks))
        if _minority_form(tok):
            out.append(tok)  # minority names (H'BLONG, KSOR-H'...) are outside the lexicons
            continue
        if not _known_syllable(tok, lex) and _known_syllable(hi := italic_hi(tok), lex):
            # an italic "hĩ" read "lữ" ("NGLỮA" for NGHĨA: two letters off, no near miss): a guess for review
            rules.append(f"name_italic_hi:{tok}->{hi}")
            res.confidence_factor *= NEAR_MISS_FACTOR
            tok = hi
        sex = _middle_sex(out[1:]) if slot == "ten" else None
        ch = correct_stacked(tok, lex[slot], slot) or correct_syllable(tok, lex[slot], slot, sex)
        if ch.rule is None and len(tone_marks(ch.value)) > 1:
            res.confidence_factor *= STACKED_UNRESOLVED_FACTOR
        if ch.rule:
            rules.append(ch.rule)
            res.corrections.append(
                {
                    "slot": slot,
                    "raw": tok,
                    "value": ch.value,
                    "margin": None if math.isinf(ch.margin or 0) else round(ch.margin or 0, 3),
                    **({"placement": round(ch.placement, 3)} if ch.placement < 1 else {}),
                }
            )
        if ch.suspect:
            res.corrections.append({"slot": slot, "raw": tok, "value": tok, "suspect": ch.suspect,
                                    "posterior": round(ch.posterior, 3)})  # fmt: skip
        res.confidence_factor *= ch.posterior
        if not ch.known:
            res.unknown.append(tok)
            res.confidence_factor *= UNKNOWN_SYLLABLE_FACTOR
            near = _near_miss(tok, lex[slot])
            if near is not None and _misread_shape(tok):
                # no Vietnamese word is spelled so ("TTRI", "PHẠAM", "TH"): the listed syllable one letter
                # away is the better guess (on 30 bench page sets: right 15 times in 18, the read never)
                rules.append(f"name_misread:{slot}:{tok}->{near}")
                res.corrections.append({"slot": slot, "raw": tok, "value": near, "near": near})
                res.confidence_factor *= NEAR_MISS_FACTOR
                out.append(near)
                continue
            if near is not None:
                rules.append(f"name_near_miss:{slot}:{tok}~{near}")
                res.corrections.append({"slot": slot, "raw": tok, "value": tok, "near": near})
                res.confidence_factor *= NEAR_MISS_FACTOR
        out.append(ch.value)
    _doubt_bare_beside_lost_marks(toks, out, lex, res)
    res.value = " ".join(out)
    # "upper" only restores the case: the letters and marks are as OCR read them
    res.as_listed = (
        len(out) >= 2 and not res.unknown and set(rules) <= {"upper"}
        and not any(_minority_form(t) for t in out)
        and not any("suspect" not in c for c in res.corrections)
    )  # fmt: skip
    res.marks_restored = (
        len(out) >= 2 and not res.unknown and not res.as_listed
        and not any(_minority_form(t) for t in out)
        and all(r == "upper" or r.startswith("lexicon:") for r in rules)
        and any(r.startswith("lexicon:") for r in rules)
        # a tone whose place the lists split (THÙY / THUỲ), or a listed rival, is a doubt no OCR read settles
        and not any("placement" in c or "suspect" in c for c in res.corrections)
    )  # fmt: skip
    if len(out) == 1 and not _minority_form(out[0]):
        rules.append("name_one_word")
        res.confidence_factor *= ONE_WORD_FACTOR
    elif len(out) > 1 and out[-1] in _MIDDLE_ONLY:
        # "NGUYỄN THỊ": the given name lost to the next line or cell (accepted on a photographed page)
        rules.append("name_given_missing")
        res.confidence_factor *= ONE_WORD_FACTOR
        res.as_listed = res.marks_restored = False  # listed syllables, but no whole name
    if len(out) > 2 and out[-1] == out[-2] and not _minority_form(out[-1]):
        rules.append("name_repeated_syllable")
        res.confidence_factor *= REPEATED_SYLLABLE_FACTOR
        # the given name's likeliest other spelling, as a suspect: the page's rows then vouch nothing
        rival = max(((w, c) for c, w in lex["ten"].by_fold.get(fold(out[-1]), ()) if c != out[-1]), default=None)
        res.corrections.append({"slot": "ten", "raw": out[-1], "value": out[-1], "suspect": rival[1] if rival else None})
        res.as_listed = res.marks_restored = False
    if out:
        if len(out) == 1:
            res.ten = out[0]
        else:
            res.ho, res.dem, res.ten = out[0], " ".join(out[1:-1]), out[-1]
    return res
