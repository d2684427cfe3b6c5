"""Numbers and dates in Vietnamese words, as clerks write them in the "bằng chữ" line of a ledger.

Regional and personal habits differ; a *variant* dict picks them (missing keys take the default):

- ``thousand``: ``"nghìn"`` (North, official) or ``"ngàn"`` (South)
- ``zero``: ``"linh"`` or ``"lẻ"`` for an empty tens place (``105`` = một trăm linh năm / lẻ năm)
- ``five``: ``"lăm"`` or ``"nhăm"`` for a final 5 after ``mươi`` (``25`` = hai mươi lăm / nhăm);
  ``15`` is always ``mười lăm``
- ``one``: ``"mốt"`` or ``"một"`` for a final 1 after ``mươi`` (``21`` = hai mươi mốt)
- ``four``: ``"bốn"`` or ``"tư"`` for a final 4 after ``mươi`` (``24`` = hai mươi bốn / tư)
- ``zero_hundred``: ``True`` writes ``không trăm`` in years like 2005 (hai nghìn không trăm linh năm);
  ``False`` drops it (hai nghìn linh năm, hai nghìn mười)
- ``prefix``: ``True`` starts a date with ``ngày``

Output is lower case NFC, single spaces; callers capitalise the first letter when they print it.
"""

from __future__ import annotations

import datetime
import unicodedata

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
MONTHS = (
    "một", "hai", "ba", "tư", "năm", "sáu", "bảy", "tám", "chín", "mười", "mười một", "mười hai",
)  # fmt: skip

DEFAULT_VARIANT: dict[str, object] = {
    "thousand": "nghìn",
    "zero": "linh",
    "five": "lăm",
    "one": "mốt",
    "four": "bốn",
    "zero_hundred": True,
    "prefix": False,
}

# Combinations met in real books, used by the sample generator in turn.
REGIONAL_VARIANTS: tuple[dict[str, object], ...] = (
    DEFAULT_VARIANT,
    {"thousand": "ngàn", "zero": "lẻ", "five": "lăm", "one": "mốt", "four": "tư", "prefix": False},
    {"thousand": "nghìn", "zero": "linh", "five": "nhăm", "one": "mốt", "four": "tư", "prefix": True},
    {"thousand": "ngàn", "zero": "linh", "five": "lăm", "one": "một", "four": "bốn", "prefix": True},
    {"thousand": "nghìn", "zero": "lẻ", "five": "lăm", "one": "mốt", "four": "bốn", "zero_hundred": False},
)


def _v(variant: dict | None) -> dict[str, object]:
    return {**DEFAULT_VARIANT, **(variant or {})}


def _below_100(n: int, v: dict[str, object]) -> list[str]:
    tens, unit = divmod(n, 10)
    if tens == 0:
        return [DIGITS[unit]]
    if tens == 1:
        head = ["mười"]
        if unit == 0:
            return head
        return head + ["lăm" if unit == 5 else DIGITS[unit]]
    head = [DIGITS[tens], "mươi"]
    if unit == 0:
        return head
    last = {1: str(v["one"]), 4: str(v["four"]), 5: str(v["five"])}.get(unit, DIGITS[unit])
    return head + [last]


def _below_1000(n: int, v: dict[str, object], full: bool) -> list[str]:
    """``full``: the group follows a higher group, so its empty hundreds are spelled (không trăm)."""
    hundreds, rest = divmod(n, 100)
    words: list[str] = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    if rest == 0:
        return words
    if rest < 10 and words:
        return words + [str(v["zero"]), DIGITS[rest]]
    return words + _below_100(rest, v)


def number_to_words(n: int, variant: dict | None = None) -> str:
    """``1987`` -> ``một nghìn chín trăm tám mươi bảy``; handles 0 <= n < 10**9."""
    if not 0 <= n < 10**9:
        raise ValueError(f"out of range: {n}")
    v = _v(variant)
    if n == 0:
        return DIGITS[0]
    millions, rest = divmod(n, 1_000_000)
    thousands, units = divmod(rest, 1000)
    words: list[str] = []
    if millions:
        words += _below_1000(millions, v, full=False) + ["triệu"]
    if thousands:
        words += _below_1000(thousands, v, full=bool(words)) + [str(v["thousand"])]
    elif words and units:
        words += ["không", str(v["thousand"])]  # 1 000 005 -> một triệu không nghìn ...
    if units:
        full = bool(words) and bool(v["zero_hundred"])
        group = _below_1000(units, v, full=full)
        if words and not full and units < 10:
            group = [str(v["zero"]), DIGITS[units]]  # 2005 -> hai nghìn lẻ năm
        words += group
    return unicodedata.normalize("NFC", " ".join(words))


def date_to_words(d: datetime.date, variant: dict | None = None) -> str:
    """``1987-03-15`` -> ``mười lăm tháng ba năm một nghìn chín trăm tám mươi bảy`` (lower case)."""
    v = _v(variant)
    day = number_to_words(d.day, v)
    text = f"{day} tháng {MONTHS[d.month - 1]} năm {number_to_words(d.year, v)}"
    if v["prefix"]:
        text = "ngày " + text
    return unicodedata.normalize("NFC", text)
