"""Folding of Vietnamese text for matching: NFC, canonical tone placement, đ→d, accents, i/y, variants.

The ladder a comparison climbs uses these keys in order of strictness:

``canon``   NFC, upper case, single spaces, tone mark on the canonical vowel (``HOÀ`` and ``HÒA`` agree)
``fold``    ``canon`` with every diacritic removed and Đ→D (``NGUYỄN`` and ``NGUYEN`` agree)
``iy``      ``fold`` with a syllable-final Y after a consonant written I (``LÝ``/``LÍ``, ``KỲ``/``KÌ``)
``variant`` ``iy`` with regional surname forms mapped to one (``HUỲNH``→``HOANG``, ``VÕ``→``VU``)

The original text is never changed; these are comparison keys only.
"""

from __future__ import annotations

import csv
import unicodedata
from functools import lru_cache
from pathlib import Path

__all__ = [
    "canon",
    "fold",
    "fold_iy",
    "surname_variant_key",
    "split_name",
    "SURNAME_VARIANTS",
    "load_surname_variants",
]

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền, sắc, ngã, hỏi, nặng
_BASE_VOWELS = set("AĂÂEÊIOÔƠUƯY")
_MODIFIED = set("ĂÂÊÔƠƯ")

_LEXICON = Path(__file__).resolve().parents[2] / "data" / "lexicons" / "surnames.csv"


def _split_tone(syllable: str) -> tuple[str, str]:
    """(syllable without its tone mark, NFC; the tone combining mark or '')."""
    tone = ""
    kept: list[str] = []
    for ch in unicodedata.normalize("NFD", syllable):
        if ch in _TONES:
            tone = ch
        else:
            kept.append(ch)
    return unicodedata.normalize("NFC", "".join(kept)), tone


def _tone_position(base: str) -> int:
    """Index of the vowel that carries the tone, classic placement (``HÒA``, ``THỦY``, ``KHỎE``)."""
    up = base.upper()
    start = 0
    if up.startswith("QU") and len(up) > 2 and up[2] in _BASE_VOWELS or up.startswith("GI") and len(up) > 2 and up[2] in _BASE_VOWELS:
        start = 2
    while start < len(up) and up[start] not in _BASE_VOWELS:
        start += 1
    end = start
    while end < len(up) and up[end] in _BASE_VOWELS:
        end += 1
    if start >= len(up):  # no vowel after the initial (e.g. "GI" alone): use the last vowel
        vowels = [k for k, c in enumerate(up) if c in _BASE_VOWELS]
        return vowels[-1] if vowels else -1
    run = range(start, end)
    modified = [k for k in run if up[k] in _MODIFIED]
    if modified:
        return modified[-1]
    n = end - start
    if n == 1:
        return start
    if n >= 3:
        return start + 1
    return start + 1 if end < len(up) else start  # closed syllable: 2nd vowel; open: 1st


def _place_tone(syllable: str) -> str:
    base, tone = _split_tone(syllable)
    if not tone:
        return base
    pos = _tone_position(base)
    if pos < 0:
        return unicodedata.normalize("NFC", syllable)
    return unicodedata.normalize("NFC", base[: pos + 1] + tone + base[pos + 1 :])


@lru_cache(maxsize=200_000)
def canon(text: str | None) -> str:
    """NFC, upper case, single spaces, tone marks on the canonical vowel."""
    if not text:
        return ""
    s = unicodedata.normalize("NFC", text).upper()
    return " ".join(_place_tone(w) for w in s.split())


@lru_cache(maxsize=200_000)
def fold(text: str | None) -> str:
    """Upper case, no diacritics, Đ→D, single spaces (NFD strip alone keeps Đ: it is no combining mark)."""
    if not text:
        return ""
    s = unicodedata.normalize("NFD", text.upper().replace("Đ", "D").replace("đ", "D"))
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return " ".join(s.replace("Ð", "D").split())


def _iy_syllable(w: str) -> str:
    if len(w) >= 2 and w.endswith("Y"):
        prev = w[-2]
        if prev not in "AEIOUY" or w.startswith("QU") and len(w) == 3:
            return w[:-1] + "I"
    return w


@lru_cache(maxsize=200_000)
def fold_iy(text: str | None) -> str:
    """``fold`` with i/y spellings unified: a syllable-final Y after a consonant (or in QUY) becomes I."""
    return " ".join(_iy_syllable(w) for w in fold(text).split())


def load_surname_variants(path: Path = _LEXICON) -> dict[str, str]:
    """Folded regional surname form -> folded main form, from the lexicon's ``variant_of`` column."""
    out: dict[str, str] = {}
    if not path.exists():
        return {"HUYNH": "HOANG", "VO": "VU"}
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row.get("variant_of"):
                out[fold(row["surname"])] = fold(row["variant_of"])
    return out


SURNAME_VARIANTS: dict[str, str] = load_surname_variants()


def surname_variant_key(text: str | None) -> str:
    """i/y-folded surname with regional forms mapped to their main form (Huỳnh→HOANG, Võ→VU)."""
    k = fold_iy(text)
    return SURNAME_VARIANTS.get(k, k)


def split_name(full: str | None) -> tuple[str, str, str]:
    """(họ, tên đệm, tên) from a full name in họ – tên đệm – tên order; canon form, '' when absent."""
    parts = canon(full).split()
    if not parts:
        return "", "", ""
    if len(parts) == 1:
        return "", "", parts[0]
    return parts[0], " ".join(parts[1:-1]), parts[-1]
