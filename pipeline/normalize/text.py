"""Vietnamese text primitives: NFC, spacing/misplaced accent repair, tone folding, matching keys.

OCR of Vietnamese fails mostly on diacritics (ocr.md §0.5): typewriter glyphs come out as spacing
accents (``Hô` `` for ``Hồ``, ``Nguyêñ`` for ``Nguyễn``) and tone marks land on the wrong letter.
Everything here is pure and works on NFC strings.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Combining tone marks (dấu thanh) and their tone numbers; 0 = ngang (no mark).
TONE_MARKS = {"\u0300": 2, "\u0301": 1, "\u0303": 4, "\u0309": 3, "\u0323": 5}  # huyền sắc ngã hỏi nặng
TONE_CHAR = {v: k for k, v in TONE_MARKS.items()}
# Quality marks that belong to the letter itself (â ê ô, ă, ơ ư).
QUALITY_MARKS = {"\u0302", "\u0306", "\u031b"}

# Spacing look-alikes OCR emits instead of a combining tone mark.
SPACING_TONES = {
    "`": 2,
    "\u02cb": 2,
    "\u1fef": 2,  # grave
    "\u00b4": 1,
    "\u02ca": 1,
    "\u2032": 1,  # acute (the ASCII apostrophe is handled separately)
    "~": 4,
    "\u02dc": 4,  # tilde
    "\u02c0": 3,  # hook-like glottal stop letter
}
_SPACING_QUALITY = {"^": "\u0302", "\u02c6": "\u0302"}

VOWELS = set("aăâeêioôơuưy")
_BASE_VOWELS = set("aeiouy")

_WS = re.compile(r"\s+")
_DASHES = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2010": "-", "\u2011": "-"})
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
# Slash look-alikes: Tesseract reads an italic "/" as the fraction slash; the division slash and the
# fullwidth solidus come from other engines and from pasted text.
SLASHES = str.maketrans({"\u2044": "/", "\u2215": "/", "\uff0f": "/"})
# a slash read twice ("31/⁄2001": the italic glyph as both) between digits is one slash
_DOUBLE_SLASH = re.compile(r"(?<=\d)/{2,}(?=\d)")


def fold_slashes(s: str) -> str:
    """``"7⁄11//1998"`` -> ``"7/11/1998"``."""
    return _DOUBLE_SLASH.sub("/", s.translate(SLASHES))


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


_ITALIC_HI = re.compile(r"(?<=[gG])l[ữũĩ]")
_ITALIC_HI_UPPER = re.compile(r"(?<=G)L[ỮŨĨ]")


def italic_hi(s: str) -> str:
    """An italic "hĩ" as OCR reads it after a g, "lữ" ("Nglữa" for Nghĩa, Chromium pages): put back. ``s`` NFC."""
    return _ITALIC_HI_UPPER.sub("HĨ", _ITALIC_HI.sub("hĩ", s))


def collapse_ws(s: str) -> str:
    return _WS.sub(" ", s).strip()


def is_empty(raw: str | None) -> bool:
    """Empty cells and cells holding only dashes/dots/ellipses are 'empty' (field contract)."""
    if raw is None:
        return True
    return not re.sub(r"[\s\-\u2013\u2014\u2212._…·,;:]+", "", raw)


# --- syllable decomposition -------------------------------------------------------------------


def split_tone(word: str) -> tuple[str, int]:
    """``"Nguyễn"`` -> ``("Nguyên", 4)``: the word without its tone mark(s), and the tone (last wins)."""
    d = unicodedata.normalize("NFD", word)
    tone = 0
    out = []
    for ch in d:
        t = TONE_MARKS.get(ch)
        if t is not None:
            tone = t
        else:
            out.append(ch)
    return nfc("".join(out)), tone


def _base(ch: str) -> str:
    return unicodedata.normalize("NFD", ch)[0].lower()


def tone_position(toneless: str, *, old_style: bool = False) -> int | None:
    """Index of the letter that carries the tone in a toneless syllable (None if no vowel).

    Rules: a vowel with a quality mark (ê ơ â ă ô ư; ơ in ươ) wins; otherwise a closed syllable
    takes it on the last vowel; an open one on the middle of three / first of two vowels (new
    style ``hòa, thủy``; ``old_style`` gives ``hoà, thuỷ`` for oa/oe/uy).
    """
    low = toneless.lower()
    idx = [i for i, c in enumerate(low) if c in VOWELS]
    if not idx:
        return None
    # "qu" and "gi" initials: their u / i are consonantal when another vowel follows.
    if (
        len(idx) > 1
        and low.startswith("qu")
        and idx[0] == 1
        or len(idx) > 1
        and low.startswith("gi")
        and idx[0] == 1
    ):
        idx = idx[1:]
    # only the first contiguous vowel run is the nucleus
    run = [idx[0]]
    for i in idx[1:]:
        if i == run[-1] + 1:
            run.append(i)
        else:
            break
    marked = [i for i in run if low[i] in "ăâêôơư"]
    if marked:
        return marked[-1]  # ươ -> ơ, ưu -> ư, uô -> ô
    if len(run) == 1:
        return run[0]
    closed = run[-1] + 1 < len(low)
    if closed:
        return run[-1]
    if len(run) == 3:
        return run[1]
    pair = low[run[0]] + low[run[1]]
    if old_style and pair in ("oa", "oe", "uy"):
        return run[1]
    return run[0]


def apply_tone(toneless: str, tone: int, *, old_style: bool = False) -> str:
    if tone == 0:
        return toneless
    pos = tone_position(toneless, old_style=old_style)
    if pos is None:
        return toneless
    ch = unicodedata.normalize("NFD", toneless[pos]) + TONE_CHAR[tone]
    return nfc(toneless[:pos] + nfc(ch) + toneless[pos + 1 :])


# Vietnamese orthography: initial consonant, vowel nucleus, final; a stop final (c ch p t) takes only the
# sắc or nặng tone. Read against this, "TTRI", "PHAẠM", "ĐÚCC", "KHẢT" cannot be words of the language.
_SYLLABLE = re.compile(
    r"(ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdđghklmnprstvx])?"
    r"(uyê|uya|uyu|ươi|ươu|yêu|iêu|oai|oay|oao|oeo|uây|uôi"
    r"|ai|ao|au|ay|âu|ây|eo|êu|ia|iê|iu|oa|oă|oe|oi|oo|ôi|ơi|ua|uâ|uê|ui|uô|uơ|uy|ưa|ưi|ươ|ưu|yê"
    r"|[aăâeêioôơuưy])?"
    r"(ng|nh|ch|[cmnpt])?"
)
_STOP_FINAL = re.compile(r"(c|ch|p|t)$")


def is_syllable(word: str, *, tone: bool = True) -> bool:
    """Whether ``word`` is spelled as a Vietnamese syllable can be (not whether it is a known one); with
    ``tone=False`` its letters only, whatever its tone mark."""
    toneless, mark = split_tone(word)
    w = toneless.lower()
    m = _SYLLABLE.fullmatch(w)
    if m is None or not (m.group(2) or m.group(1) == "gi"):  # "gì": the i belongs to the initial
        return False
    return not (tone and _STOP_FINAL.search(w) and mark not in (1, 5))


def uses_old_style(word: str) -> bool:
    """True when the tone sits on the second vowel of an open oa/oe/uy (``hoà``, ``thuỷ``)."""
    toneless, tone = split_tone(word)
    if tone == 0:
        return False
    new = apply_tone(toneless, tone)
    return new != nfc(word) and apply_tone(toneless, tone, old_style=True) == nfc(word)


# --- repair -----------------------------------------------------------------------------------

_TOKEN = re.compile(r"[^\s,;/()\[\]\"]+")


def _repair_token(tok: str) -> tuple[str, bool]:
    """Move stray and spacing tone marks onto the right vowel of one whitespace-free token."""
    d = unicodedata.normalize("NFD", tok)
    letters: list[str] = []  # NFD pieces without tone marks
    tones: list[int] = []
    misplaced = False
    spacing = False
    prev_base = ""
    for i, ch in enumerate(d):
        if ch in TONE_MARKS:
            tones.append(TONE_MARKS[ch])
            if prev_base.lower() not in _BASE_VOWELS:
                misplaced = True  # e.g. ñ: tilde on a consonant
            continue
        if ch in SPACING_TONES:
            tones.append(SPACING_TONES[ch])
            spacing = True
            continue
        if ch in _SPACING_QUALITY and letters:
            # "Ho^" -> "Hô": put the circumflex on the preceding vowel
            for j in range(len(letters) - 1, -1, -1):
                if letters[j].lower() in "aeo":
                    letters[j] = letters[j] + _SPACING_QUALITY[ch]
                    spacing = True
                    break
            continue
        if ch == "'" and 0 < i == len(d) - 1 and prev_base.lower() in VOWELS | set("cnmtpgh"):
            # a trailing apostrophe read for an acute ("Lê'"), never inside (H'Mông, M'Nông)
            tones.append(1)
            spacing = True
            continue
        if unicodedata.combining(ch) and ch not in QUALITY_MARKS and ch not in TONE_MARKS:
            letters.append(ch)
            continue
        if not unicodedata.combining(ch):
            prev_base = ch
        letters.append(ch)
    if not (spacing or misplaced) or not tones:
        return tok, False
    toneless = nfc("".join(letters))
    if not any(_base(c) in _BASE_VOWELS for c in toneless):
        return tok, False
    tone = tones[-1]
    # keep the writer's placement style when the other syllables show it; default new style
    return apply_tone(toneless, tone), True


_LONE_ACCENT = re.compile(r"(\S*\w) ([`\u00b4\u02cb\u02ca~\u02dc])(?=\s|$)")


def has_tone(word: str) -> bool:
    """Whether the word carries a tone mark (huyền, sắc, ngã, hỏi or nặng)."""
    return any(c in TONE_MARKS for c in unicodedata.normalize("NFD", word))


def repair_accents(s: str) -> tuple[str, bool]:
    """Repair spacing accents (``Hô` `` -> ``Hồ``) and tone marks on consonants (``Nguyêñ``).

    Also joins a spacing accent separated from its word by one space (``Hô `` `) when it stands alone.
    Returns (text, changed).
    """
    s = nfc(s)
    # a lone spacing accent after a word: glue it back, unless the word already carries a tone (then the
    # glyph is a speck or a separator: "Phong Thạnh ~ TX. Phong Điền")
    s2 = _LONE_ACCENT.sub(lambda m: m[0] if has_tone(m[1]) else m[1] + m[2], s)
    changed = s2 != s
    out = []
    pos = 0
    for m in _TOKEN.finditer(s2):
        tok = m.group(0)
        fixed, ch = _repair_token(tok)
        if ch:
            changed = True
        out.append(s2[pos : m.start()])
        out.append(fixed)
        pos = m.end()
    out.append(s2[pos:])
    return nfc("".join(out)), changed


# --- keys for matching --------------------------------------------------------------------------


def strip_diacritics(s: str) -> str:
    d = unicodedata.normalize("NFD", s)
    d = "".join(c for c in d if not unicodedata.combining(c))
    return d.replace("đ", "d").replace("Đ", "D")


@lru_cache(maxsize=65536)
def fold_chars(text: str) -> str:
    """Lower-case, accent-free copy of ``text`` with exactly one output char per input char (spans of
    a match in the result are spans of ``text``)."""
    out = []
    for ch in text:
        base = unicodedata.normalize("NFD", ch)[0]
        out.append("d" if base in "đĐ" else base.lower() if len(base.lower()) == 1 else base)
    return "".join(out)


def fold(s: str) -> str:
    """Diacritic-free, lower-case, single-spaced key: ``"Hòa Thịnh"`` -> ``"hoa thinh"``."""
    s = strip_diacritics(nfc(s)).lower()
    s = s.translate(_QUOTES).translate(_DASHES)
    s = re.sub(r"[^a-z0-9' -]+", " ", s)
    s = s.replace("-", " ")
    return collapse_ws(s)


@lru_cache(maxsize=65536)
def tone_key(s: str) -> str:
    """Key that ignores tone *placement*, y/i spelling and case but keeps every mark.

    ``"Hoà"``/``"Hòa"`` -> ``"hoa2"``; ``"Quí"``/``"Quý"`` -> ``"qui1"``.
    """
    s = nfc(s).lower().translate(_QUOTES).translate(_DASHES).replace("-", " ")
    words = []
    for w in s.split():
        toneless, tone = split_tone(w)
        toneless = re.sub(r"[^\w']", "", toneless)
        # y/i after a consonant other than the glide (Quý/Quí, Sỹ/Sĩ, Lý/Lí, Mỹ/Mĩ)
        if (
            len(toneless) >= 2
            and toneless.endswith("y")
            and (toneless[-2] not in VOWELS or toneless.endswith("quy"))
        ):
            toneless = toneless[:-1] + "i"
        words.append(f"{toneless}{tone}" if tone else toneless)
    return " ".join(words)


def letter_key(s: str) -> str:
    """Quality marks kept, tone dropped: ``"Nguyễn"`` -> ``"nguyên"``."""
    return " ".join(split_tone(w)[0].lower() for w in nfc(s).split())


# --- text cleaning ------------------------------------------------------------------------------

# OCR noise: ruled-line fragments and specks read as punctuation at the ends or as runs.
# (a lone "ˆ": the modifier circumflex OCR gives for a speck, "PHAN ANH KHANG ˆ" accepted as a name)
_EDGE_JUNK = re.compile(r"^[\s|_~`'\".,;:!*^ˆ°¬=+<>\\/\-]+|[\s|_~`'\",;:!*^ˆ°¬=+<>\\/\-]+$")
# Vietnamese words never start with an apostrophe ("'Yên" is OCR noise; "M'gar" keeps its inner one)
_WORD_START_QUOTE = re.compile(r"(?:(?<=\s)|^)'(?=\w)")
# an apostrophe after a syllable (letters with a vowel) is a speck between two words ("tỉnh'Nghệ An"); a
# minority name's own follows consonants only (H'Leo, M'Nông, Tr'Hy), and "Ea'H'Leo" is "Ea H'Leo"
_SYLLABLE_QUOTE = re.compile(r"(?<![^\W\d_])([^\W\d_]+)'(?=[^\W\d_])")
_INNER_JUNK = re.compile(r"\s[|_~*^ˆ°¬=<>\\]+(?=\s)|[|_¬]+")
_RUN_PUNCT = re.compile(r"([.,;:!?])\1+")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,;:!?.)])")
_SPACE_AFTER_OPEN = re.compile(r"([(])\s+")


def _syllable_quote(m: re.Match[str]) -> str:
    word = m[1]
    return f"{word} " if len(word) > 1 and any(c in "aeiouy" for c in strip_diacritics(word).lower()) else m[0]


_CLEAN_PASSES = 8  # a pass rarely exposes more than one new piece of junk; bound the loop all the same


def _clean_pass(s: str) -> tuple[str, bool, bool]:
    """One pass of :func:`clean_text` -> (text, accents repaired, stray punctuation removed)."""
    # single spaces *before* the accent repair: it glues a lone spacing accent to the word one space
    # before it ("Hô `"), so a line break or a double space left there would only be glued on a second
    # pass ("0\n` 0" -> "0 ` 0" -> "0` 0")
    s = collapse_ws(fold_slashes(s.translate(_QUOTES)))
    s, accents = repair_accents(s)
    s2 = _INNER_JUNK.sub(" ", s)
    s2 = _RUN_PUNCT.sub(r"\1", s2)
    s2 = s2.replace("...", "…")
    s2 = _WORD_START_QUOTE.sub("", s2)
    s2 = _SYLLABLE_QUOTE.sub(_syllable_quote, s2)
    s2 = _EDGE_JUNK.sub("", s2)
    s2 = _SPACE_BEFORE_PUNCT.sub(r"\1", s2)
    s2 = _SPACE_AFTER_OPEN.sub(r"\1", s2)
    # NFC again: dropping junk can bring a letter and a stray combining mark together ("A|\u0300")
    s2 = nfc(collapse_ws(s2))
    return s2, accents, s2 != s


# Letters Tesseract emits for Đ/đ that Vietnamese never uses (Icelandic eth, African D): "QÐ" is "QĐ"
# and "¡" for i ("Tà S¡ Láng", "<¡nh"): an inverted mark never written in Vietnamese
_NOT_VIETNAMESE = str.maketrans({"\u00d0": "\u0110", "\u0189": "\u0110", "\u00f0": "\u0111", "\u00a1": "i"})


# a non-ASCII letter (a marked vowel, Đ) followed by itself in the other case, any number of times
_CASE_STUTTER = re.compile(r"([^\x00-\x7f])(?:(?i:\1)(?<!\1))+")


def clean_text(raw: str) -> tuple[str, list[str]]:
    """NFC, repaired accents, single spaces, stray OCR punctuation removed; otherwise verbatim.

    The result is a fixed point (``clean_text(clean_text(x)[0])[0] == clean_text(x)[0]``): removing one
    piece of junk can expose another (``"0_\\ 0"`` -> ``"0 \\ 0"``) or put a spacing accent next to its
    word, so passes are repeated until nothing changes.
    """
    rules: list[str] = []
    s = nfc(raw)
    if s != raw:
        rules.append("nfc")
    # "QĐÐ": one Đ read twice, as Đ and as the look-alike eth; no Vietnamese word doubles it
    d = re.sub("Đ\u00d0|\u00d0Đ", "Đ", s).translate(_NOT_VIETNAMESE)
    if d != s:
        rules.append("eth_as_d" if "\u00a1" not in s else "not_vietnamese_glyph")
        s = d
    if fold_slashes(s) != s:
        rules.append("slash_lookalike")  # folded in each pass: dropping junk can bring two slashes together
    for _ in range(_CLEAN_PASSES):
        # "XƠơ gan": a marked vowel read twice, in both cases; no word so doubles a letter (10 causes of death
        # on one fresh aged page went to review as a fuzzy phrase). In each pass: junk dropped may join two
        if (once := _CASE_STUTTER.sub(lambda m: m[1], s)) != s:
            if "case_stutter" not in rules:
                rules.append("case_stutter")
            s = once
        s2, accents, punct = _clean_pass(s)
        if accents and "spacing_accent" not in rules:
            rules.append("spacing_accent")
        if punct and "stray_punct" not in rules:
            rules.append("stray_punct")
        if s2 == s:
            break
        s = s2
    return s, rules


def title_word(w: str) -> str:
    """``"hÒA"`` -> ``"Hòa"`` (Vietnamese capitalisation of one word, keeping inner apostrophes)."""
    return w[:1].upper() + w[1:].lower() if w else w
