"""Places: abbreviation expansion, gazetteer resolution (legacy units and the 2025 units), canonical text.

Records are historical, so a chain is resolved against the pre-reform list first (province -> district
-> ward), then against the 2025 list (province -> ward), unless the record date is on or after
1 July 2025. The other era's list is taken only where it places more of the text than the record's own,
a name the own list holds under several units (huyện and thị xã Kỳ Anh) counting as placed; a place only
the 2025 list places, on a record registered before the reform, is marked (``after_record``) and never
settled; on a record of unknown era (no date, or a bare 2025) it is marked ``era_unknown`` for review.
Names are matched on a key that ignores tone placement and y/i (``tone_key``), then on the
diacritic-free form inside the parent unit (OCR diacritic errors); a unit matched so never outranks one
of the level below spelled as written (``_exact_below``: "Nghĩa Hùng, Nam Định" is xã Nghĩa Hùng, with
huyện Nghĩa Hưng its ``accent_rival``). Output: the unit words as written
(or inferred from the gazetteer when missing) in lower case, the names in the gazetteer's spelling; only
the units written (a legacy commune written straight before its province keeps its district out of the
value, named under ``district_missing`` for review).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

from rapidfuzz.distance import Levenshtein

from .lexicons import read_csv
from .text import (
    TONE_MARKS,
    clean_text,
    collapse_ws,
    fold,
    fold_chars,
    is_syllable,
    italic_hi,
    nfc,
    split_tone,
    strip_diacritics,
    tone_key,
)

REFORM_DATE = "2025-07-01"


# an ISO date or a part of one: "2010-11-20", "2010-11", "2010" (a book's year)
_ISO_PREFIX = re.compile(r"\d{4}(?:-\d{2}){0,2}")


def era_date(on_date: str | None) -> str | None:
    """``on_date`` when it is an ISO date or a part of one; anything else (an unreadable date's text,
    "31/02/2010") is no date: the era is unknown."""
    return on_date if on_date and _ISO_PREFIX.fullmatch(on_date) else None


def after_reform(on_date: str | None) -> bool:
    """A record registered on or after the 2025 reform (the first day a partial date may be: "2025-07",
    "2026"): its places are the 2025 units first."""
    d = era_date(on_date)
    return d is not None and d + "-01-01"[: 10 - len(d)] >= REFORM_DATE


def before_reform(on_date: str | None) -> bool:
    """A record known to be registered before the reform (the last day a partial date may be: "2008",
    "2025-06"; a bare "2025" may be either)."""
    d = era_date(on_date)
    return d is not None and d + ("-12-31", "-31", "")[(len(d) - 4) // 3] < REFORM_DATE


UNIT_WORDS = ("thành phố", "thị trấn", "thị xã", "đặc khu", "phường", "huyện", "quận", "tỉnh", "xã")
_UNIT_BY_FOLD = {fold(u): u for u in UNIT_WORDS}
PROVINCE_KINDS = ("tỉnh", "thành phố")
DISTRICT_KINDS = ("huyện", "quận", "thị xã", "thành phố")
WARD_KINDS = ("xã", "phường", "thị trấn", "đặc khu")
# Below the commune: kept as written, never resolved.
SUBUNIT_WORDS = ("tổ dân phố", "khu phố", "số nhà", "thôn", "ấp", "xóm", "bản", "làng", "tổ", "khu",
                 "đường", "khóm", "buôn", "plei", "khối", "cụm", "số", "hẻm", "ngõ", "ngách", "kiệt")  # fmt: skip
# matched with their diacritics: folded "lang"/"ban" would also catch Lạng Sơn, Bàn Thạch...
_SUBUNIT_EXACT = tuple(sorted(SUBUNIT_WORDS, key=len, reverse=True))
FACILITY_PREFIXES = (
    "Bệnh viện Đa khoa", "Bệnh viện Phụ sản", "Bệnh viện Sản Nhi", "Bệnh viện", "Trung tâm Y tế",
    "Trạm Y tế", "Trạm xá", "Bệnh xá", "Nhà hộ sinh", "Nhà hộ sanh", "Nhà bảo sanh", "Nhà bảo sinh", "Phòng khám Đa khoa",
    "Phòng khám", "Khoa sản",
)  # fmt: skip
_FACILITY_FOLD = tuple((fold(p), p) for p in sorted(FACILITY_PREFIXES, key=len, reverse=True))
_PREFIXES = ("Thành phố", "Thị trấn", "Thị xã", "Đặc khu", "Phường", "Huyện", "Quận", "Tỉnh", "Xã")


def split_prefix(name: str) -> tuple[str, str]:
    """``"Xã Hòa Thịnh"`` -> (``"xã"``, ``"Hòa Thịnh"``)."""
    for p in _PREFIXES:
        if name.startswith(p + " "):
            return p.lower(), name[len(p) + 1 :]
    return "", name


def name_key(name: str) -> str:
    k = tone_key(name)
    # numbered units: "Phường 05" == "Phường 5"
    return k.lstrip("0") if k.isdigit() else k


def loose_key(name: str) -> str:
    k = fold(name).replace("'", "").replace(" ", "")
    return k.lstrip("0") if k.isdigit() else k


# Letters Tesseract confuses in unit names (ocr.md; "la Giai" for "Ia Glai", "la HLốp" for "Ia HLốp"):
# folded to one class so that such a confusion costs nothing in the fuzzy distance.
_OCR_CLASS = str.maketrans({"l": "i", "1": "i", "|": "i", "!": "i", "j": "i", "0": "o", "g": "c"})
# Further glyph pairs that look alike in print, compared with their case ("Ta Giai" for "Ia Glai": a
# capital I read as T; but not L/T, which the l/I class would otherwise chain into Lâm ~ Tâm); a
# substitution between them costs half an edit, any other edit one.
_LOOKALIKE = frozenset(frozenset(p) for p in ("TI", "hb", "ce", "nu", "vy"))
_RN = re.compile("rn", re.I)


# letters no Vietnamese word has that OCR gives for a speckled vowel ("Tøñg An" for Long An): the vowel,
# before folding would drop them
_FOREIGN_VOWELS = str.maketrans("øØ", "oO")


def ocr_key(name: str) -> str:
    """Diacritic-free key with OCR look-alikes merged: ``"Ia Glai"`` and ``"la Giai"`` -> ``"ia ciai"``."""
    return fold(_RN.sub("m", name.translate(_FOREIGN_VOWELS))).replace("'", "").translate(_OCR_CLASS)


def _cased(name: str) -> str:
    """The letters of ``ocr_key`` with their case and before the classes (same length), or ""."""
    s = strip_diacritics(nfc(_RN.sub("m", name))).replace("'", "")
    s = collapse_ws(re.sub(r"[^A-Za-z0-9 ]+", " ", s))
    return s if len(s) == len(ocr_key(name)) else ""


def ocr_distance(a: str, b: str, a_cased: str = "", b_cased: str = "") -> float:
    """Weighted edit distance of two OCR keys: look-alike substitutions 0.5, other edits 1."""
    cased = len(a_cased) == len(a) and len(b_cased) == len(b)
    prev = [float(j) for j in range(len(b) + 1)]
    for i, ca in enumerate(a, 1):
        cur = [float(i)]
        for j, cb in enumerate(b, 1):
            if ca == cb:
                sub = 0.0
            elif cased and frozenset((a_cased[i - 1], b_cased[j - 1])) in _LOOKALIKE:
                sub = 0.5
            else:
                sub = 1.0
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + sub))
        prev = cur
    return prev[-1]


def _fuzzy_budget(key: str) -> float:
    """Weighted distance allowed on the OCR key: look-alike letters only. A real one-letter edit would turn
    a valid commune missing from the snapshot (merged away before 2025) into its neighbour: among the
    legacy wards, Trường Thắng/Trường Thành, Phú A/Phú B, Nghĩa Thương/Nghĩa Phương are one edit apart."""
    n = len(key.replace(" ", ""))
    return -1.0 if n < 3 else 0.0 if n <= 4 else 0.5


def _edit_budget(key: str) -> float:
    """Provinces and the districts of a resolved province: few and long, so one real edit ("Koơn Tum",
    "Kon Tu", "Cẩn Giàng") is taken when no other name is within a further edit (``_Level.fuzzy``): some
    are one edit apart without diacritics (Hà Giang/Hậu Giang, Thanh Hóa/Khánh Hòa, Bảo Lâm/Bảo Lạc).
    Communes keep the look-alike budget."""
    return 1.0 if len(key.replace(" ", "")) >= EDIT_MIN_LETTERS else _fuzzy_budget(key)


# From four letters on ("Nũ Rì" for Na Rì under Bắc Kạn, an aged page): a district is one of a dozen under
# its province, and a fuzzy match costs confidence (review) all the same
EDIT_MIN_LETTERS = 4


def _province_budget(key: str) -> float:
    """Provinces under a written province word: the list is closed and complete, so one real edit is
    taken from four letters on ("Hà Nộ", its last letter lost at the cell's edge; Hà Nam is two away)."""
    return 1.0 if len(key.replace(" ", "")) >= 4 else _fuzzy_budget(key)


def fuzzy_factor(distance: float) -> float:
    """Confidence kept by a fuzzy gazetteer repair: look-alike classes and diacritics only, or one more
    look-alike letter (a reviewer should see those)."""
    return 0.9 if distance == 0 else 0.75


@dataclass(frozen=True, slots=True)
class Unit:
    code: str
    kind: str  # lower-case unit word from the gazetteer prefix
    name: str  # official spelling without the prefix
    parent: str = ""  # parent code (district for a legacy ward, province otherwise)
    province: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "kind": self.kind, "name": self.name}


class _Level:
    """Units of one level indexed by (parent, key) and by key alone, exact and loose."""

    def __init__(self) -> None:
        self.exact: dict[tuple[str, str], list[Unit]] = {}
        self.loose: dict[tuple[str, str], list[Unit]] = {}
        self.by_code: dict[str, Unit] = {}
        self._kids: dict[str, list[tuple[str, str, Unit]]] | None = None

    def add(self, u: Unit, *names: str) -> None:
        if u.code in self.by_code and self.by_code[u.code] == u and not names[1:]:
            return
        self.by_code.setdefault(u.code, u)
        for n in {name_key(x) for x in names if x}:
            for parent in (u.parent, "*"):
                lst = self.exact.setdefault((parent, n), [])
                if u not in lst:
                    lst.append(u)
        for n in {loose_key(x) for x in names if x}:
            for parent in (u.parent, "*"):
                lst = self.loose.setdefault((parent, n), [])
                if u not in lst:
                    lst.append(u)

    def find(self, name: str, parent: str = "*") -> tuple[list[Unit], str]:
        hit = self.exact.get((parent, name_key(name)))
        if hit:
            return hit, "exact"
        hit = self.loose.get((parent, loose_key(name)))
        return (hit or []), "loose"

    def _children(self) -> dict[str, list[tuple[str, str, Unit]]]:
        # (ocr_key, cased key, unit) per parent code and per province code, built on first use
        if self._kids is None:
            kids: dict[str, list[tuple[str, str, Unit]]] = {}
            for u in self.by_code.values():
                for scope in {f"p:{u.parent}", f"v:{u.province}"}:
                    kids.setdefault(scope, []).append((ocr_key(u.name), _cased(u.name), u))
            self._kids = kids
        return self._kids

    def near(
        self, name: str, parent: str = "", province: str = "", budget: Callable[[str], float] = _fuzzy_budget
    ) -> dict[float, list[Unit]]:
        """Units by OCR distance from ``name``, within ``budget`` and, when that allows a real edit, one
        edit further (the margin ``fuzzy`` checks)."""
        key, cased = ocr_key(name), _cased(name)
        allowed = budget(key)
        if allowed < 0:
            return {}
        kids = self._children().get(f"p:{parent}" if parent or not province else f"v:{province}", [])
        best: dict[float, list[Unit]] = {}
        reach = allowed + 1 if allowed >= 1 else allowed
        cutoff = int(2 * reach)  # every edit costs at least 0.5
        for k, kc, u in kids:
            if Levenshtein.distance(key, k, score_cutoff=cutoff) > cutoff:
                continue
            d = ocr_distance(key, k, cased, kc)
            if d <= reach:
                best.setdefault(d, []).append(u)
        return best

    def fuzzy(
        self, name: str, parent: str = "", province: str = "", budget: Callable[[str], float] = _fuzzy_budget
    ) -> tuple[list[Unit], float]:
        """Units under ``parent`` (or anywhere in ``province``; neither: the provinces) within ``budget`` of
        ``name`` by OCR distance.

        Only a unique best name is returned (same-named duplicates inside one parent count as one);
        ([], -1) when nothing is close enough or two names are equally close. Nothing within the budget:
        the one apostrophe name under ``parent`` that reads so (``_apostrophe_named``), at a real edit's
        distance.
        """
        allowed = budget(ocr_key(name))
        best = self.near(name, parent, province, budget)
        if not best or min(best) > allowed:
            named = self._apostrophe_named(name, parent)
            # not where another name of the parent is a real edit away ("Đạ Odi": Đạ Oai, not Đạ M'ri)
            close = self.near(name, parent, province, lambda _: 1.0) if named else {}
            if any(u not in named for d, us in close.items() if d <= 1.0 for u in us):
                return [], -1
            return (named, APOSTROPHE_DISTANCE) if named else ([], -1)
        d = min(best)
        hits = best[d]
        if len({u.name for u in hits}) != 1:  # one name (a xã and a thị trấn of it: the unit word decides)
            return [], -1
        if d >= 1 and any(d < other < d + 1 for other in best):
            return [], -1  # a real edit must leave every other name a further edit away
        return hits, d

    def _apostrophe_named(self, name: str, parent: str) -> list[Unit]:
        """The one unit under ``parent`` whose name has an apostrophe and reads as ``name`` when the
        apostrophe and the letters either side of it are any 0-3 characters. OCR garbles minority names
        there ("Cư M'ta" read "Cư Ma", "Cư M'a", "Cư Mĩa"; "Ea H'MLay" read "Ea NMLay", "Ea NHMLay"),
        too short or too far for the look-alike budget. Only inside a resolved parent (a district, or a
        province of the 2025 list), for review."""
        if not parent:
            return []
        read = fold(name).replace(" ", "")
        hits = [u for k, _, u in self._children().get(f"p:{parent}", [])
                if "'" in u.name and _apostrophe_pattern(u.name).fullmatch(read)]  # fmt: skip
        # one name: a xã and a thị trấn Đạ M'ri are both under huyện Đạ Huoai, the unit word written decides
        return hits if len({u.name for u in hits}) == 1 else []


APOSTROPHE_DISTANCE = 1.0  # a repair at a minority name's apostrophe costs what a real edit does: reviewed


@cache
def _apostrophe_pattern(name: str) -> re.Pattern[str]:
    """"Cư M'ta" -> ``cu.{0,3}a``: the folded name, spaces out, each apostrophe and its neighbours any 0-3
    characters; the name must keep at least two letters of its own."""
    parts = fold(name).replace(" ", "").split("'")
    trimmed = [p[:-1] if i < len(parts) - 1 else p for i, p in enumerate(parts)]  # the letter before
    trimmed = [t[1:] if i > 0 else t for i, t in enumerate(trimmed)]  # and the one after
    if sum(len(t) for t in trimmed) < 2:
        return re.compile(r"(?!)")
    return re.compile(".{0,3}".join(re.escape(t) for t in trimmed))


@dataclass(slots=True)
class Gazetteer:
    l_prov: _Level = field(default_factory=_Level)
    l_dist: _Level = field(default_factory=_Level)
    l_ward: _Level = field(default_factory=_Level)
    n_prov: _Level = field(default_factory=_Level)
    n_ward: _Level = field(default_factory=_Level)
    ward_map: dict[str, list[dict[str, str]]] = field(default_factory=dict)  # old ward code -> rows
    dist_map: dict[str, list[dict[str, str]]] = field(default_factory=dict)  # old district (no wards)
    prov_map: dict[str, dict[str, str]] = field(default_factory=dict)
    history: dict[str, list[dict[str, str]]] = field(default_factory=dict)


def district_without_communes(code: str) -> bool:
    """Whether a legacy district has no commune under it (island districts: Côn Đảo, Lý Sơn...)."""
    return code in gazetteer().dist_map


# Names people write for provinces besides the official one.
_PROVINCE_ALIASES = {
    "Hồ Chí Minh": ("HCM", "Sài Gòn", "TPHCM", "Hồ Chí Minh City"),
    "Bà Rịa - Vũng Tàu": ("Bà Rịa Vũng Tàu", "BR-VT", "BRVT", "Bà Rịa-Vũng Tàu"),
    "Đắk Lắk": ("Đăk Lăk", "Đắc Lắc", "Daklak"),
    "Đắk Nông": ("Đăk Nông", "Đắc Nông"),
}


@cache
def gazetteer() -> Gazetteer:
    g = Gazetteer()
    for r in read_csv("gazetteer/units_legacy.csv"):
        pk, pn = split_prefix(r["province_name"])
        prov = Unit(r["province_code"], pk, pn, "", r["province_code"])
        g.l_prov.add(prov, pn, *_PROVINCE_ALIASES.get(pn, ()))
        dk, dn = split_prefix(r["district_name"])
        dist = Unit(r["district_code"], dk, dn, r["province_code"], r["province_code"])
        g.l_dist.add(dist, dn)
        if r["ward_code"]:
            wk, wn = split_prefix(r["ward_name"])
            alt = split_prefix(r["ward_name_alt"])[1] if r["ward_name_alt"] else ""
            g.l_ward.add(Unit(r["ward_code"], wk, wn, r["district_code"], r["province_code"]), wn, alt)
    for r in read_csv("gazetteer/units_2025.csv"):
        pk, pn = split_prefix(r["province_name"])
        g.n_prov.add(Unit(r["province_code"], pk, pn, "", r["province_code"]), pn,
                     *_PROVINCE_ALIASES.get(pn, ()))  # fmt: skip
        wk, wn = split_prefix(r["ward_name"])
        g.n_ward.add(Unit(r["ward_code"], wk, wn, r["province_code"], r["province_code"]), wn)
    for r in read_csv("gazetteer/ward_mapping_2025.csv"):
        if r["old_ward_code"]:
            g.ward_map.setdefault(r["old_ward_code"], []).append(r)
        else:
            g.dist_map.setdefault(r["old_district_code"], []).append(r)
    for r in read_csv("gazetteer/province_mapping_2025.csv"):
        g.prov_map[r["old_province_code"]] = r
    for r in read_csv("gazetteer/provinces_history.csv"):
        g.history.setdefault(loose_key(r["old_name"]), []).append(r)
    return g


# --- parsing the written text --------------------------------------------------------------------

_ABBR_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p, re.I), r)
    for p, r in (
        # "T%. Ninh Hòa", "T%X. Ninh Hòa": the X of TX. read as (or doubled by) a percent sign
        (r"(?<![\w.])T\s?%+\s?X?\.\s*", "thị xã "),
        # its T read as 1, l or I ("1P.HCM", aged seed 1297): no other unit abbreviates so
        (r"(?<![\w.])[T1lI|]\.?\s?P\.?\s*H\.?\s?C\.?\s?M\b\.?", "thành phố Hồ Chí Minh"),
        # written as one word, its P lost or read E or F ("THCM", held-out font 163; "TEHCM")
        (r"(?<![\w.])[T1lI|][EF]?HCM\b\.?", "thành phố Hồ Chí Minh"),
        (r"\bTT\s*[-.]\s*Huế\b", "Thừa Thiên Huế"),
        (r"\bBVĐK\b\.?", "Bệnh viện Đa khoa"),
        (r"\bBV\b\.?", "Bệnh viện"),
        (r"\bTYT\b\.?", "Trạm Y tế"),
        (r"\bTTYT\b\.?", "Trung tâm Y tế"),
        (r"\bUBND\b\.?", "UBND"),
        (r"\bT\.\s?P\b\.?\s*", "thành phố "),
        (r"\bTP\b\.?\s*", "thành phố "),
        (r"\bTX\b\.?\s*", "thị xã "),
        (r"\bTT\b\.\s*", "thị trấn "),
        (r"\bT[Il1]\.\s*", "thị trấn "),  # "TI." / "T1.": TT. with its second T misread
        (r"\bTT\s+(?=[A-ZĐÂĂÊÔƠƯÁÀẢÃẠ])", "thị trấn "),
        # its dot read as a comma ("TT, Trà My - H. Bắc Trà My": "TT" had been kept before the inferred unit)
        (r"\bTT\s*,\s*(?=[A-ZĐÂĂÊÔƠƯÁÀẢÃẠ])", "thị trấn "),
        (r"\bTX\s*,\s*(?=[A-ZĐÂĂÊÔƠƯÁÀẢÃẠ])", "thị xã "),
        (r"\bĐK\b\.\s*", "đặc khu "),
        # numbered wards and districts written without a dot: "P5", "Q1", "P 12"; a 5 read as a letter ("PS"
        # for P5 on a book photograph's office, every row: ``_FIVE_LOOKALIKE`` makes it a guess)
        (r"(?<![\w.])P\s?(?=\d{1,2}\b|\d?[ŠS$§](?![\w.]))", "phường "),
        (r"(?<![\w.])Q\s?(?=\d{1,2}\b|\d?[ŠS$§](?![\w.]))", "quận "),
        # "O6", "O.6", "Ó.6": the Q of a numbered district read as O (only districts are numbered so)
        (r"(?<![\w.])[OÓÒ]\.?\s?(?=\d{1,2}\b)", "quận "),
    )
)
# a numbered ward or district whose 1 OCR read as a look-alike ("Phường ]", "P.l", "phường Ì"); not a
# plain I: Vị Thanh's wards are Phường I, III, IV, V and VII
_NUMBER_LOOKALIKE = re.compile(r"(?<!\w)([Pp]hường|[Qq]uận)\s+(?=[0-9lÌÏ|\]!]?[lÌÏ|\]!])([0-9lÌÏ|\]!]{1,2})(?=$|[\s,;\-–—])")
_ONE_LOOKALIKES = str.maketrans(dict.fromkeys("lÌÏ|]!", "1"))
# a ward's or district's 5 read Š, S, $ or § ("phường Š" for phường 5, a book photograph): a guess, since
# an 8 or a 3 may be so read too (the city has those wards as well)
_FIVE_LOOKALIKE = re.compile(r"(?<!\w)((?:[Pp]hường|[Qq]uận)\s+\d?)[ŠS$§](?=$|[\s,;\-–—])")
# a numbered ward's number in the other numeral system, tried when the one written is not in the district
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
_NUMERAL_TWIN = {**{r: str(k) for k, r in enumerate(_ROMAN, 1)}, **{str(k): r for k, r in enumerate(_ROMAN, 1)}}
_ONE_LETTER = {"x": "xã", "h": "huyện", "t": "tỉnh", "q": "quận", "p": "phường"}
_ONE_LETTER_CAPS = frozenset(k.upper() for k in _ONE_LETTER)
# "T:" is OCR's reading of "T." often enough to accept it
_ONE_LETTER_RE = re.compile(r"(?<![\w.])([XxHhTtQqPp])[.:][.:'’`´]?\s*(?=[\wĐđ])")  # "X:.", "X.:": a speck beside it
# a dash with a space on at least one side separates parts ("Ba Tơ -T. Quảng Ngãi"); "Gia-rai" does not
_SPLIT = re.compile(
    r"\s*[,;]\s*|\s+[-–—]\s*|\s*[-–—]\s+|\s*\n\s*"
    # no space around the dash, but a unit word after it ("phường 7-quận 11", from "P7-Q.11")
    r"|[-–—](?=(?:" + "|".join(UNIT_WORDS) + r")\b)"
)


@cache
def _hyphenated() -> re.Pattern[str]:
    """Unit names that contain " - " (Bà Rịa - Vũng Tàu, Gia Lai – Kon Tum): not a part separator."""
    names: set[str] = set()
    for r in read_csv("gazetteer/units_legacy.csv"):
        for col in ("province_name", "district_name", "ward_name"):
            n = split_prefix(r[col])[1]
            if re.search(r"\s[-–—]\s", n):
                names.add(n)
    for r in read_csv("gazetteer/provinces_history.csv"):
        for n in [r["old_name"], *r["successor_names"].split(";")]:
            if re.search(r"\s[-–—]\s", n.strip()):
                names.add(split_prefix(n.strip())[1])
    alts = []
    for n in sorted(names, key=len, reverse=True):
        a, b = re.split(r"\s[-–—]\s", n, maxsplit=1)
        # matched on folded text: a mark OCR changed ("Vũng Tâu") must not turn the hyphen into a separator
        alts.append(rf"({re.escape(fold_chars(a))})\s*[-–—]\s*({re.escape(fold_chars(b))})")
    return re.compile("|".join(alts))


def _protect_hyphens(s: str) -> str:
    """Close up the " - " inside a unit name so it is not taken for a part separator ("Bà Rịa-Vũng Tàu")."""
    for m in reversed(list(_hyphenated().finditer(fold_chars(s)))):  # fold_chars keeps one char per char
        a, b = [k for k in range(1, (m.re.groups or 0) + 1) if m.group(k) is not None]
        s = s[: m.end(a)] + "-" + s[m.start(b) :]
    return s


# A speck glued before a unit abbreviation on a wrapped line ("Chư Sê ~T. Gia Lai"): a separator; also
# before a capital unit letter whose dot was lost too ("TP. Bến Cát ~T Bình Dương": "- T." on a book's edge),
# or a quote glued to it after the dash ("Hàm Thuận Bắc -'T Bình Thuận", a generated page)
_NOISE_BEFORE_ABBR = re.compile(
    r"(?:(?<=[\s\-–—])|^)[~=*+•·°^`'’‘]+\s*(?=(?:[XxHhTtQqPp]|TP|Tp|TX|Tx|TT)[.:]|(?:[XHTQP]|TP|TX|TT)\s+[^\W\d_])"
)


# An abbreviation run into the word before it when a line wrapped ("Trạm Y tếP. An Hòa"): split them.
_GLUED_ABBR = re.compile(r"(\w)((?:TP|TX|TT|[XHTQP])\.)")


# A one-letter abbreviation whose dot OCR lost (a thin font's period: "X. Tân Lập, H\nHướng Hóa",
# "-T Thái Nguyên"; after a facility or a name, its separator lost too: "Trạm Y tế X Ta Tổng", "Mường Te
# T Lai Châu", fresh aged seed 1311): a lone capital before a capitalised word. No place name has such a
# one-letter word but right after its unit word (xã H Bông, thị trấn P Rao) or an initial's period (thị
# trấn N.T Phong Hải: a period after a word of two letters or more parts, one after an initial does not),
# so elsewhere it is the unit. Its dot read as a 1 likewise ("T1 Bắc Giang", a phone photograph): no commune,
# district or province is numbered (P1 and Q1 are: phường 1, quận 1).
_ONE_LETTER_NO_DOT = re.compile(
    r"(^|[,;\n]|(?<=[^\W\d_]{2})\.|\s[-–—]|[-–—](?=\S)|\s)(\s*)([XHT][1l|]?|[QP])\s+(?=\w)"
)


def _no_dot(m: re.Match[str]) -> str:
    if not m.string[m.end()].isupper():
        return m[0]
    if m[1].isspace() and m.string[: m.start()].rstrip().lower().endswith(UNIT_WORDS):
        return m[0]  # a name of one letter after its unit word ("xã H Bông", "thị trấn P Rao")
    return f"{m[1]}{m[2]}{_ONE_LETTER[m[3][0].lower()]} "


# A one-letter abbreviation with its letter doubled by OCR ("HH. Tủa Chùa", "xX.Mỹ Thành", "Xx. Bản Cầm"):
# one unit word. TT. is thị trấn, so T is not among them.
_DOUBLED_ABBR = re.compile(r"(?<![\w.])([XxHhQqPp])(?=[XHQP]\.)|(?<![\w.])([XHQP])[xhqp](?=\.)", re.UNICODE)


def _undouble(m: re.Match[str]) -> str:
    if m[2]:  # the capital kept, its lower-case double dropped
        return m[2] if m.string[m.end() - 1] == m[2].lower() else m[0]
    return "" if m[1].upper() == m.string[m.end()] else m[0]


def expand_abbreviations(s: str) -> tuple[str, bool]:
    out = _DOUBLED_ABBR.sub(_undouble, s)
    out = _GLUED_ABBR.sub(lambda m: f"{m[1]} {m[2]}" if m[1].islower() else m[0], out)
    out = _NOISE_BEFORE_ABBR.sub(", ", out).strip(" ,")
    for pat, rep in _ABBR_RULES:
        out = pat.sub(rep, out)
    out = _ONE_LETTER_RE.sub(lambda m: _ONE_LETTER[m.group(1).lower()] + " ", out)
    out = _ONE_LETTER_NO_DOT.sub(_no_dot, out)
    out = _NUMBER_LOOKALIKE.sub(lambda m: f"{m[1]} {m[2].translate(_ONE_LOOKALIKES)}", out)
    out = collapse_ws(out)
    return out, out != collapse_ws(s)


@dataclass(slots=True)
class Part:
    written: str  # the part's text after abbreviation expansion
    kind: str | None  # unit word as written (lower case), None when missing
    name: str  # the name after the unit word
    role: str = "unknown"  # province | district | ward | subunit | facility | unknown
    unit: Unit | None = None
    inferred_kind: bool = False
    historical: dict[str, str] | None = None
    alt: str | None = None  # the whole text as a bare name, when the unit word was not written exactly
    fuzzy: float | None = None  # OCR edit distance when the unit was found by fuzzy matching
    garbled: str | None = None  # a misread unit abbreviation before the name ("1." for "T."), dropped
    spellings: list[str] | None = None  # an ambiguous name's official spellings, when it matches none
    respelled: str | None = None  # the name as written, when an ambiguous one took its only official spelling

    def use_alt(self) -> None:
        if self.alt is not None:
            self.kind, self.name, self.alt = None, self.alt, None

    def canonical(self) -> str:
        if self.role in ("subunit", "facility", "ambiguous") or (
            self.unit is None and self.historical is None
        ):
            return self.written if self.kind is None else f"{self.kind} {self.name}"
        name = self.unit.name if self.unit else self.name
        kind = self.kind or (self.unit.kind if self.unit else "tỉnh")
        return f"{kind} {name}"


# One glyph and a dot (or colon, apostrophe) before a capitalised name, left over after the abbreviation
# rules: a unit letter OCR misread ("1. Yên Bái", "7. Ninh Bình", "Ó. Đống Đa", "T' Long An"). No unit name
# starts with a one-glyph word, so the name after it is looked up with its unit word inferred.
# Two glyphs, none lower case, no digit, likewise: "TÃ." for "TX.". "Đ." is no unit: it abbreviates đường
# (a street, which may share its name with a ward: "Đ. Lê Lợi").
# Two or three glyphs holding a unit letter and a stray digit or letter: "1H." for "H.", "T1:" for "T.".
# A small letter read for a unit letter ("b." / "p." for "P.", "x." for "X."), the one small letter taken.
_GARBLED_UNIT = re.compile(r"[^\s.,;:'Đ][.:']|[^\s.,;:'\d]{2}[.:']|(?=\S*[XHTQP])[^\s.,;:']{2,3}[.:']")
_SMALL_UNIT_LETTER = re.compile(r"[bphxtq][.:]")


def split_part(text: str) -> Part:
    words = text.split()
    fw = [fold(w) for w in words]
    if (
        len(words) > 1
        and _GARBLED_UNIT.fullmatch(words[0])
        and (not any(c.islower() for c in words[0]) or _SMALL_UNIT_LETTER.fullmatch(words[0]))
        and words[1][:1].isupper()
    ):
        return Part(text, None, " ".join(words[1:]), garbled=words[0])
    for n in (2, 1):
        if len(words) > n and " ".join(fw[:n]) in _UNIT_BY_FOLD:
            kind = _UNIT_BY_FOLD[" ".join(fw[:n])]
            exact = " ".join(words[:n]).lower() == kind
            # "Quan Hóa", "Xa Lộc": a bare name whose first syllable folds like a unit word
            return Part(text, kind, " ".join(words[n:]), alt=None if exact else text)
    return Part(text, None, text)


def _subunit(text: str) -> bool:
    low = text.lower()
    return any(low == w or low.startswith(w + " ") for w in _SUBUNIT_EXACT)


@dataclass(slots=True)
class PlaceResolution:
    text: str  # canonical place text (the field value)
    parts: list[dict[str, Any]] = field(default_factory=list)
    scheme: str | None = None  # "legacy" | "2025" | None
    legacy: dict[str, Any] | None = None  # province/district/ward code+name of the pre-2025 list
    current: dict[str, Any] | None = None  # 2025 province (+ ward when decided)
    current_candidates: list[dict[str, str]] = field(default_factory=list)
    ambiguous: bool = False  # the old commune was split among several new ones, or names collide
    historical_province: dict[str, str] | None = None  # a province that ceased before 2025
    facility: str | None = None
    resolved: bool = False  # every administrative part was found in the gazetteer
    unresolved: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    fuzzy: list[dict[str, Any]] = field(default_factory=list)  # OCR repairs of unit names (lower confidence)
    depth: int = 3  # level of the lowest resolved unit: 0 ward, 1 district, 2 province, 3 none
    leftover: str | None = None  # unplaced text next to a chain that stops above the commune
    after_record: bool = False  # placed in the 2025 list only, on a record registered before the reform
    # placed in the 2025 list only, the record's date unknown (nor its book's year): it may predate the reform
    era_unknown: bool = False
    # a part placed as spelled at one level that another unit matches without its marks, at the level
    # above, in the same place of the chain (both readings place the text as well): that unit, for review
    accent_rival: list[dict[str, str]] = field(default_factory=list)
    # a legacy commune written straight before its province: the districts the gazetteer gives it (one
    # when the name is unique in the province), none of them written
    district_missing: list[dict[str, str]] = field(default_factory=list)

    @property
    def confidence_factor(self) -> float:
        f = 1.0
        for x in self.fuzzy:
            f *= fuzzy_factor(x["distance"])
        return f

    def as_dict(self) -> dict[str, Any]:
        return {
            "scheme": self.scheme,
            "legacy": self.legacy,
            "current": self.current,
            "current_candidates": self.current_candidates,
            "ambiguous": self.ambiguous,
            "historical_province": self.historical_province,
            "facility": self.facility,
            "resolved": self.resolved,
            "unresolved": self.unresolved,
            "parts": self.parts,
            **({"fuzzy": self.fuzzy} if self.fuzzy else {}),
            **({"after_record": True} if self.after_record else {}),
            **({"era_unknown": True} if self.era_unknown else {}),
            **({"accent_rival": self.accent_rival} if self.accent_rival else {}),
            **({"district_missing": self.district_missing} if self.district_missing else {}),
        }


def _pick(units: list[Unit], kind: str | None, kinds: tuple[str, ...]) -> list[Unit]:
    """Keep units whose gazetteer kind agrees with the written one (when one is written)."""
    if kind is None:
        return [u for u in units if u.kind in kinds] or units
    same = [u for u in units if u.kind == kind]
    return same or ([u for u in units if kind in kinds] if kind in kinds else [])


def _may_be(part: Part, kinds: tuple[str, ...]) -> bool:
    """The part may name a unit of these kinds: its unit word fits, or it has none (or only a look-alike
    of one: "Tịnh Biên" folds like "tỉnh Biên")."""
    return part.kind is None or part.kind in kinds or part.alt is not None


def _fuzzy(
    part: Part, level: _Level, kinds: tuple[str, ...], *, parent: str = "", province: str = "",
    budget: Callable[[str], float] = _fuzzy_budget,
) -> list[Unit]:
    """Bounded OCR-aware match of the part's name among the children of an already resolved unit (or
    among the provinces).

    Tried last, after the exact and diacritic-free lookups; the unit word written (if any) must agree.
    """
    if part.kind is not None and part.kind not in kinds:
        return []
    hits, d = level.fuzzy(part.name, parent, province, budget)
    hits = _pick(hits, part.kind, kinds)
    if len({(u.kind, u.name) for u in hits}) != 1:
        return []
    part.fuzzy = d
    return hits


def _last_letter_lost(part: Part, level: _Level, parent: str) -> list[Unit]:
    """The one commune under ``parent`` whose name is the part's and one letter more ("Ea Pi" for Ea Pil,
    twice on a book photograph: the letter lost at the cell's edge), or one thin i/l more anywhere ("Km
    Lư" for Kim Lư, faded on an aged page), at a real edit's distance (for review). Tried after the
    look-alike match found nothing."""
    key = ocr_key(part.name)
    if (part.kind is not None and part.kind not in WARD_KINDS) or len(key.replace(" ", "")) < 3:
        return []
    hits = _pick([u for k, _, u in level._children().get(f"p:{parent}", [])
                  if len(k) == len(key) + 1 and (k.startswith(key) and k[-1].isalpha() or _thin_letter_more(k, key))],
                 part.kind, WARD_KINDS)  # fmt: skip
    if len({(u.kind, u.name) for u in hits}) != 1:
        return []
    part.fuzzy = 1.0
    return hits


# a numbered ward's digits with a letter I or l among them ("phường 1I4", a fresh aged page's serif 14)
_DIGITS_WITH_ONE = re.compile(r"\d*[Il|]\d*")


def _number_with_a_letter(part: Part, level: _Level, parent: str) -> list[Unit]:
    """The one numbered ward under ``parent`` the part's number is, its letter I or l read as a 1 or as a
    speck ("1I4": 114 or 14), at a real edit's distance (for review). Tried after the look-alike match
    found nothing."""
    name = part.name
    if (part.kind is not None and part.kind not in WARD_KINDS) or not any(ch.isdigit() for ch in name) \
            or not _DIGITS_WITH_ONE.fullmatch(name):  # fmt: skip
        return []
    readings = {ocr_key(re.sub("[Il|]", "1", name)), ocr_key(re.sub("[Il|]", "", name))}
    hits = _pick([u for k, _, u in level._children().get(f"p:{parent}", []) if k in readings], part.kind, WARD_KINDS)
    if len({(u.kind, u.name) for u in hits}) != 1:
        return []
    part.fuzzy = 1.0
    return hits


# Two letters Tesseract reads as one glyph in a serif italic, and the reverse (besides rn for m, folded in
# ``ocr_key``): an i followed by the shoulder of an r looks like the horn of ư ("Ea Từ" for Ea Tir, a fresh
# aged page), and ư's horn like an r after an i ("Kiên Lirơng" for Kiên Lương, a fresh photograph).
_TWO_AS_ONE = re.compile("[\u01b0\u01af]")
_ONE_AS_TWO = re.compile("ir|IR")


def _two_letters_as_one(part: Part, level: _Level, scope: str, kinds: tuple[str, ...] = WARD_KINDS) -> list[Unit]:
    """The one unit of ``scope`` (``p:`` a parent's code, ``v:`` a province's) whose name is the part's
    with its ư read as "ir" or its "ir" read as ư, at a real edit's distance (for review). Tried after the
    look-alike and the lost-letter matches found nothing."""
    toneless = split_tone(part.name)[0]
    if (part.kind is not None and part.kind not in kinds) or not (
            _TWO_AS_ONE.search(toneless) or _ONE_AS_TWO.search(toneless)):  # fmt: skip
        return []
    keys = {ocr_key(_TWO_AS_ONE.sub(lambda m: "ir" if m[0].islower() else "IR", toneless)),
            ocr_key(_ONE_AS_TWO.sub(lambda m: "\u01b0" if m[0].islower() else "\u01af", toneless))} - {ocr_key(toneless)}
    hits = _pick([u for k, _, u in level._children().get(scope, []) if k in keys], part.kind, kinds)
    if len({(u.kind, u.name) for u in hits}) != 1:
        return []
    part.fuzzy = 1.0
    return hits


def _thin_letter_more(longer: str, key: str) -> bool:
    """Whether ``longer`` is ``key`` with one i (the class of i, l, 1) put back inside a word."""
    return any(c == "i" and longer[:x] + longer[x + 1 :] == key for x, c in enumerate(longer) if x)


def _province_vouched(part: Part, before: list[Part], g: Gazetteer) -> list[Unit]:
    """A bare last part one edit from a province, right after one of that province's districts written
    exactly ("Văn Yên, Yên Bói" on a clean page: every residence of its office had stayed unresolved), or
    broken at a line's end ("Văn\nYên": joined again later, ``_repair_run``). Alone, a bare last part one
    edit from a province may be a district or town; the district before it vouches for the province."""
    hits = _fuzzy(part, g.l_prov, PROVINCE_KINDS, budget=_province_budget)
    last = before[-1]
    names = [last.name] + ([f"{before[0].written} {last.written}"] if len(before) == 2 and before[0].kind is None else [])
    if len(hits) == 1 and _may_be(last, DISTRICT_KINDS) and any(
            g.l_dist.find(n, hits[0].code)[1] == "exact" for n in names):  # fmt: skip
        return hits
    part.fuzzy = None
    return []


WARD_VOUCHED_MIN_LETTERS = 6  # a district name this long takes a second edit where its commune vouches


def _district_of_ward(part: Part, ward_part: Part, g: Gazetteer, prov: Unit) -> list[Unit]:
    """A district word one edit from two districts of the province ("Mường Chè": Mường Chà, Mường Nhé),
    or a bare part one edit from one ("Hòa Thành, Cà Mqu, Cà Mau": a bare part may be a commune, so a
    real edit needs more than the province), settled by the commune written before it, found exactly in
    one of them only."""
    if part.kind is None and any(u.province == prov.code for u in g.l_ward.find(part.name)[0]):
        return []  # a bare name some commune of the province carries is that commune as well ("Phú Đình")
    key = ocr_key(part.name)
    allowed = _edit_budget(key)
    if (part.kind is not None and len(key.replace(" ", "")) >= WARD_VOUCHED_MIN_LETTERS
            and all(is_syllable(w) for w in part.name.split())):  # fmt: skip
        # under its district word, a long name of whole syllables two edits off ("huyện Mòo Vọc" for Mèo
        # Vạc, a book photograph): the commune written before it, found as spelled in that one district only,
        # vouches (specks and garbled letters are left to their own repairs: "z Hương ` ‹ Khê", "Nglũa Đàn")
        allowed += 1.0
    ward = split_part(ward_part.written)
    fits = [(d, u) for d, us in g.l_dist.near(part.name, province=prov.code, budget=lambda _: allowed).items()
            if d <= allowed for u in us
            if part.kind in (None, u.kind) and g.l_ward.find(ward.name, u.code)[1] == "exact"]  # fmt: skip
    if len(fits) != 1:
        return []
    part.fuzzy, unit = fits[0]
    return [unit]


def _named_like_a_village(part: Part, level: _Level, parent: str) -> bool:
    """A bare part taken for a sub-unit because it starts with a village word ("Buôn", "Bản", "Làng"),
    or left unknown by an earlier pass, that is, spelled exactly, a unit of the resolved parent: the unit
    ("Buôn Choah" under Krông Nô is a commune, not a hamlet)."""
    if part.role not in ("subunit", "unknown") or part.kind is not None:  # "unknown": taken on a past pass
        return False
    return level.find(part.name, parent)[1] == "exact"


def _chain_legacy(
    parts: list[Part], g: Gazetteer, hist_successors: list[str], bar: Mapping[int, str] | None = None
) -> tuple[int, bool, int]:
    """Resolve right to left against the legacy list; returns (parts resolved, ambiguous, parts undecided).

    Undecided parts are names the legacy list holds at that place, carried by several units nothing
    written tells apart (huyện and thị xã Kỳ Anh under Hà Tĩnh; xã and thị trấn Mỹ Thọ): they fit the
    legacy era as much as a resolved part does, and ``_resolve`` weighs them so when it chooses the era
    (a 2025 xã Kỳ Anh must not win over them on a record of 2010).

    ``bar``: part index -> the level ("province" or "district") that part is not looked up at, so that it
    falls to the level below (``_exact_below``: a name found there as spelled, where the level above has
    it only without its marks)."""
    bar = bar or {}
    i = len(parts) - 1
    prov: Unit | None = None
    dist: Unit | None = None
    ambiguous = False
    solved = 0
    undecided_district: int | None = None
    undecided = 0
    # province
    if i >= 0 and _may_be(parts[i], PROVINCE_KINDS) and parts[i].role == "unknown" and bar.get(i) != "province":
        hits, _ = g.l_prov.find(parts[i].name)
        hits = _pick(hits, parts[i].kind, PROVINCE_KINDS) if parts[i].kind != "thành phố" else hits
        if not hits and parts[i].alt is not None:
            hits = _pick(g.l_prov.find(parts[i].alt)[0], None, PROVINCE_KINDS)
            if len(hits) == 1:
                parts[i].use_alt()
        # only under a written province word: a bare last part may be a district or town one edit away
        if not hits and parts[i].historical is None and parts[i].kind is not None:
            hits = _fuzzy(parts[i], g.l_prov, PROVINCE_KINDS, budget=_province_budget)
        elif not hits and parts[i].historical is None and i >= 1:
            hits = _province_vouched(parts[i], parts[max(0, i - 2) : i], g)
        if len(hits) == 1:
            prov = hits[0]
            parts[i].role, parts[i].unit = "province", prov
            solved += 1
            i -= 1
        elif parts[i].historical is not None:
            parts[i].role = "province"
            solved += 1
            i -= 1
    provs = [prov.code] if prov else hist_successors
    # district
    if i >= 0 and prov is not None and _named_like_a_village(parts[i], g.l_dist, prov.code):
        parts[i].role = "unknown"  # "Buôn Ma Thuột, Đắk Lắk": a city named like a village
    if i >= 0 and _may_be(parts[i], DISTRICT_KINDS) and parts[i].role == "unknown" and bar.get(i) != "district":
        cands: list[Unit] = []
        spelled: list[Unit] = []
        for pc in provs or ["*"]:
            hits, how = g.l_dist.find(parts[i].name, pc)
            cands += hits
            spelled += hits if how == "exact" else []
        # a province's successors: a district spelled as written in one outranks one read without its
        # marks in another
        cands = _pick(spelled, parts[i].kind, DISTRICT_KINDS) or _pick(cands, parts[i].kind, DISTRICT_KINDS)
        if not cands and parts[i].alt is not None:
            for pc in provs or ["*"]:
                cands += g.l_dist.find(parts[i].alt, pc)[0]
            if cands:
                parts[i].use_alt()
        if not cands and prov is not None:
            # a real edit only under a written district word: a bare part here may be a commune whose
            # district was not written, one edit from a district's name
            budget = _edit_budget if parts[i].kind is not None else _fuzzy_budget
            cands = _fuzzy(parts[i], g.l_dist, DISTRICT_KINDS, province=prov.code, budget=budget)
        if not cands and prov is not None:
            cands = _two_letters_as_one(parts[i], g.l_dist, f"v:{prov.code}", DISTRICT_KINDS)
        if not cands and prov is not None and i > 0:
            cands = _district_of_ward(parts[i], parts[i - 1], g, prov)
        if len(cands) == 1 or (
            cands and parts[i].kind is None and provs and len({c.code for c in cands}) == 1
        ):
            dist = cands[0]
        elif len(cands) > 1 and i > 0:
            # the ward written before it may decide ("Hòa Thịnh, Tây Hòa" without a province)
            wk = split_part(parts[i - 1].written)
            fits = [c for c in cands if g.l_ward.find(wk.name, c.code)[0]]
            if len(fits) == 1:
                dist = fits[0]
        if dist is None and provs and len({c.code for c in cands}) > 1:
            undecided_district = i  # several districts of the province carry the name
        if dist is not None:
            parts[i].role, parts[i].unit = "district", dist
            solved += 1
            i -= 1
            if prov is None and not hist_successors:
                prov = g.l_prov.by_code.get(dist.province)
        elif parts[i].kind in DISTRICT_KINDS and i > 0:
            # a district unknown to the snapshot (renamed or split before 2025, e.g. thành phố Huế in
            # 2025): leave it unresolved and still look for the ward inside the province
            i -= 1
    # ward
    village = i >= 0 and dist is not None and _named_like_a_village(parts[i], g.l_ward, dist.code)
    if village:
        parts[i].role = "unknown"  # "Buôn Choah, Krông Nô": a commune named like a village
    if (
        i >= 0
        and _may_be(parts[i], WARD_KINDS)
        and parts[i].role == "unknown"
        and (village or not _subunit(parts[i].written))
    ):
        if dist is not None:
            scopes = [("dist", dist.code)]
        elif prov is not None:
            scopes = [("prov", prov.code)]
        elif hist_successors:
            scopes = [("prov", c) for c in hist_successors]
        else:
            scopes = [("any", "*")]

        def look(name: str) -> list[Unit]:
            out: list[Unit] = []
            for kind, code in scopes:
                hits, _ = g.l_ward.find(name, code if kind == "dist" else "*")
                if kind == "prov":
                    hits = [h for h in hits if h.province == code]
                out += hits
            return out

        cands = _pick(look(parts[i].name), parts[i].kind, WARD_KINDS)
        if not cands and parts[i].alt is not None:
            cands = look(parts[i].alt)
            if cands:
                parts[i].use_alt()
        twin = _NUMERAL_TWIN.get(parts[i].name)
        if not cands and twin is not None and (parts[i].kind is not None or dist is not None):
            # "phường I" where the district numbers its wards 1, 2, 3 (Đà Lạt), or the reverse (Vị Thanh); a
            # bare number too inside a district written ("1, Vị Thanh" for phường I, a book photograph)
            cands = _pick(look(twin), parts[i].kind, WARD_KINDS)
            ones = parts[i].name.replace("I", "1")
            if cands and set(parts[i].name) == {"I"} and ones != twin:
                # "II" may be Roman 2 or a serif 11 OCR read as I's (a fresh clean page's "Phường II, quận
                # 5" for phường 11 had been accepted as phường 2): both wards there, nothing decides
                cands = cands + _pick(look(ones), parts[i].kind, WARD_KINDS)
        if not cands and dist is not None:
            cands = (_fuzzy(parts[i], g.l_ward, WARD_KINDS, parent=dist.code)
                     or _last_letter_lost(parts[i], g.l_ward, dist.code)
                     or _number_with_a_letter(parts[i], g.l_ward, dist.code)
                     or _two_letters_as_one(parts[i], g.l_ward, f"p:{dist.code}"))  # fmt: skip
        elif not cands and prov is not None:
            cands = _fuzzy(parts[i], g.l_ward, WARD_KINDS, province=prov.code)
        if len({(c.kind, c.name) for c in cands}) == 1 and (len(cands) == 1 or dist is not None):
            # one unit, or same-named duplicates inside one district (README §3.6: Xã Đông Khê)
            parts[i].role, parts[i].unit = "ward", cands[0]
            ambiguous = ambiguous or len(cands) > 1
            solved += 1
        elif len(cands) > 1:
            # a real name, but several units carry it and nothing written decides
            parts[i].role = "ambiguous"
            ambiguous = True
            undecided += 1
            spellings = sorted({c.name for c in cands})
            if name_key(parts[i].name) not in {name_key(n) for n in spellings}:
                # found without its marks: one spelling is the official one; several ("An Lình": An Linh or
                # An Lĩnh) leave the marks to the reviewer
                if len(spellings) == 1:
                    parts[i].respelled, parts[i].name = parts[i].name, spellings[0]
                else:
                    parts[i].spellings = spellings
            elif len(cased := [n for n in spellings if n.lower() == parts[i].name.lower()]) == 1 and cased[0] != parts[i].name:
                # written as an official spelling in other case ("xã Long ĐứC": OCR's C for c; "XÃ LONG ĐỨC"):
                # that spelling, its marks as written
                parts[i].respelled, parts[i].name = parts[i].name, cased[0]
    if undecided_district is not None and parts[undecided_district].role == "unknown":
        undecided += 1  # not taken as a commune either
    return solved, ambiguous, undecided


def _chain_2025(parts: list[Part], g: Gazetteer) -> int:
    i = len(parts) - 1
    if i < 0 or parts[i].kind not in (None, *PROVINCE_KINDS):
        return 0
    hits, _ = g.n_prov.find(parts[i].name)
    if len(hits) != 1:
        return 0
    prov = hits[0]
    parts[i].role, parts[i].unit = "province", prov
    solved = 1
    i -= 1
    if i >= 0 and _may_be(parts[i], WARD_KINDS) and not _subunit(parts[i].written):
        cands = _pick(g.n_ward.find(parts[i].name, prov.code)[0], parts[i].kind, WARD_KINDS)
        if not cands and parts[i].alt is not None:
            # a bare name whose first syllable folds like a unit word ("Phương Liệt", "Xa Dung")
            cands = _pick(g.n_ward.find(parts[i].alt, prov.code)[0], None, WARD_KINDS)
            if len(cands) == 1:
                parts[i].use_alt()
        if not cands:
            cands = _fuzzy(parts[i], g.n_ward, WARD_KINDS, parent=prov.code)
        if len(cands) == 1:
            parts[i].role, parts[i].unit = "ward", cands[0]
            solved += 1
    return solved


def _historical(part: Part, g: Gazetteer) -> tuple[dict[str, str] | None, list[str]]:
    rows = g.history.get(loose_key(part.name))
    if not rows or part.kind not in (None, *PROVINCE_KINDS):
        return None, []
    row = rows[0]
    succ_codes: list[str] = []
    for rr in rows:
        for s in rr["successor_names"].split(";"):
            hits, _ = g.l_prov.find(split_prefix(s.strip())[1])
            succ_codes += [h.code for h in hits]
    info = {"name": row["old_name"], "year_of_change": row["year_of_change"],
            "successors": row["successor_names"], "kind": row["kind"]}  # fmt: skip
    return info, sorted(set(succ_codes))


# a facility name's last word run into the unit word after it ("Trung tâm Y tếhuyện Cư Kuin")
_GLUED_UNIT_WORD = re.compile(r"(?i)\b(tế|khoa|sinh)(xã|phường|huyện|quận|thị\s|thành\s|tỉnh)")


def _facility(text: str) -> tuple[str | None, str]:
    """Split a leading health-facility name: ("Trạm Y tế", "xã Hòa Thịnh")."""
    text = _GLUED_UNIT_WORD.sub(r"\1 \2", text)
    f = fold(text)
    words = text.split()
    for pf, p in _FACILITY_FOLD:  # longest first
        if f == pf or f.startswith(pf + " "):
            n = len(pf.split())
            written = " ".join(words[:n])
            # the list's spelling where OCR changed a mark ("Trạm Ÿ tế"); the writer's case otherwise
            return (written if written.lower() == p.lower() else p), " ".join(words[n:])
        # the words of the name run together or split by OCR ("Trung tâm Ytế"): the canonical spelling;
        # before a shorter name it starts with ("Bệnh viện Đakhoa tỉnh Thanh Hóa" is no "Bệnh viện")
        glued = pf.replace(" ", "")
        for n in range(1, min(len(words), len(pf.split()) + 1) + 1):
            if fold("".join(words[:n])).replace(" ", "") == glued:
                return p, " ".join(words[n:])
    return None, text


# the first word(s) of every facility name, folded: a place starting so names a facility
_FACILITY_HEADS = frozenset(" ".join(f.split()[: 1 if f.split()[0] in ("tram", "benh") else 2]) for f, _ in _FACILITY_FOLD)


def _facility_head(text: str) -> bool:
    """Whether ``text`` starts as a health facility's name does ("Trạm Ytiế": Trạm; "Nhà hộ sanh")."""
    words = fold(text).split()
    return " ".join(words[:1]) in _FACILITY_HEADS or " ".join(words[:2]) in _FACILITY_HEADS


def _reset(parts: list[Part]) -> None:
    for p in parts:
        if p.role in ("province", "district", "ward"):
            p.role, p.unit = "unknown", None
        p.fuzzy = None  # an "ambiguous" part keeps its role (and spellings) from the pass that found it


# a speck then a capital that is no Roman numeral (phường V of Vị Thanh is written "V, Vị Thanh")
_LONE_CAPITAL = re.compile(r"[^\w\s]+[A-HJ-UWYZ]")


def _merge_lone_letters(parts: list[str]) -> list[str]:
    """A part that is only a unit letter ("- T, Bắc Ninh", "T., Bắc Ninh": the dot read as a comma)
    is the unit word of the next part; a lone letter is never a place name."""
    out: list[str] = []
    parts = list(parts)
    for k in range(len(parts) - 1):
        # a unit letter or word ending a facility's name is the next part's ("Trạm Y tế X, Châu Bình": the
        # dot read as a comma; "Trạm Y tế Phường, Trường An": a wrap's speck. The facility had taken it for
        # its name, accepted). Not after any words: a hamlet may be named with a letter ("Khu phố X")
        words = parts[k].split()
        for n in (1, 2):  # "X", "Phường"; "Thị trấn"
            head, tail = " ".join(words[:-n]), " ".join(words[-n:])
            unit = _ONE_LETTER[tail.lower()] if tail in _ONE_LETTER_CAPS else _UNIT_BY_FOLD.get(fold(tail))
            if (len(words) > n and unit and _facility(head) == (head, "")
                    and split_part(parts[k + 1]).kind is None):  # fmt: skip
                parts[k], parts[k + 1] = head, f"{unit} {parts[k + 1]}"
                break
    for k, p in enumerate(parts):
        prev = parts[k - 1] if k else ""
        if len(prev) == 1 and prev.lower() in _ONE_LETTER and split_part(p).kind is None:
            out[-1] = f"{_ONE_LETTER[prev.lower()]} {p}"
        elif fold(prev) in _UNIT_BY_FOLD and split_part(p).kind is None:
            out[-1] = f"{prev} {p}"  # a unit word alone ("TP, Hà Nội": the dot read as a comma)
        elif _LONE_CAPITAL.fullmatch(prev) and p[:1].isupper() and split_part(p).kind is None:
            # another capital alone, specks beside it (":B., Tân Phước": H. on a typewriter page): a unit
            # letter misread, the next part's (``split_part`` drops it, the gazetteer infers the unit)
            out[-1] = f"{prev[-1]}. {p}"
        else:
            out.append(p)
    return out


# A unit word written in lower case inside a part ("xã Lâm Thủy huyện Lệ Thủy", "Cai Lậy tỉnh Tiền Giang"):
# OCR lost the comma before it. Names in the gazetteer capitalise every word ("Phước Tỉnh", "Tân Xã"), so
# a lower-case unit word between a capitalised word (or a number) and a capitalised name starts a part.
# A period left after the word is that comma misread ("xã Thạnh Phú Đông. huyện Giồng Trôm"): the
# abbreviations are expanded by then.
# A unit word's tone misread is still one ("Yên Thế tính Bắc Giang": tỉnh, a phone photograph).
_INNER_UNIT = re.compile(r"(?<=[^\s,;.\-–—])\.? (?=(?:thành phố|thị trấn|thị xã|đặc khu|ph[uư][oơóòỏõọớờởỡợ]ng|"
                         r"huy[eêéèẻẽẹếềểễệ]n|qu[aâáàảãạấầẩẫậ]n|t[iíìỉĩị]nh|xã) (?:\d|[^\W\d_]))")


def _split_inner_units(s: str) -> str:
    def sub(m: re.Match[str]) -> str:
        before = s[: m.start()].split()
        prev = before[-1] if before else ""
        after = s[m.end() :].split(maxsplit=2)
        name = after[2] if after[0] in ("thành", "thị", "đặc") else after[1]
        if not (prev[:1].isupper() or prev.isdigit()) or not (name[:1].isupper() or name[:1].isdigit()):
            return m[0]
        if after[0] == "xã" and fold(prev) == "thi":
            return m[0]  # "thị xã"
        return ", "

    return _INNER_UNIT_AFTER_NUMBER.sub(", ", _INNER_UNIT.sub(sub, s))


# ...and one capitalised after a numbered unit ("Phường 5 Quận 11"): no name follows a unit's number
_INNER_UNIT_AFTER_NUMBER = re.compile(r"(?<=\d) (?=(?:Thành phố|Thị trấn|Thị xã|Phường|Huyện|Quận|Tỉnh|Xã) (?:\d|[^\W\d_]))")


def resolve_place(text: str, *, on_date: str | None = None) -> PlaceResolution:
    """Canonical place text plus its legacy and 2025 administrative units (see module doc)."""
    res = _resolve_text(text, on_date)
    if _settled(res) and (res.scheme is not None or res.facility is not None):
        return _street_letter_read_for_unit(res, text, on_date) or res
    quiet, dropped, unglued = drop_specks(text)
    if quiet != text and _placed(retry := _resolve_text(quiet, on_date)):
        return _repaired(retry, text, dropped, unglued, False)
    # a vowel read twice: taken when exactly one reading of it places the whole text (the one that needs
    # the fewest further repairs shown)
    found: dict[str, PlaceResolution] = {}
    for variant in undoubled_vowels(quiet):
        retry = _resolve_text(variant, on_date)
        if _placed(retry) and (retry.text not in found or len(retry.rules) < len(found[retry.text].rules)):
            found[retry.text] = retry
    if len(found) == 1:
        return _repaired(next(iter(found.values())), text, dropped, unglued, True)
    # an italic "hĩ" read as "lữ" ("Nglữa Đàn", "Xã Nglũa Long" for Nghĩa on a fresh Chromium page)
    variant = italic_hi(nfc(quiet))
    if variant != nfc(quiet) and _placed(retry := _resolve_text(variant, on_date)):
        retry = _repaired(retry, text, dropped, unglued, False)
        retry.rules.append("ocr_italic_hi")
        return retry
    # a unit letter misread, its dot lost, the name after it unplaced with it ("D Nam Sơn, TP. Bắc Ninh")
    return (_street_letter_read_for_unit(res, text, on_date) or _district_garbled(res, text, on_date)
            or _name_rejoined(quiet, text, on_date) or res)  # fmt: skip


_SEPARATOR = re.compile(r"\s*[-–—,;]+[\s_]*")
# a place has a few parts: more separators than this is no place a cut name spoilt but OCR's junk, where
# each reading tried would cost a whole resolution for nothing
_REJOIN_MAX_SEPARATORS = 5


def _name_rejoined(quiet: str, text: str, on_date: str | None) -> PlaceResolution | None:
    """A place a speck or a dash cut inside a name ("huyện Tây —_ Hoà", "huyện Tây - Hoà": a separator
    before a name's last word on a book photograph): the one reading with a single separator taken for a
    space that places every part as a unit, at a repair's cost (for review)."""
    found: dict[str, PlaceResolution] = {}
    cuts = list(_SEPARATOR.finditer(quiet))
    if len(cuts) > _REJOIN_MAX_SEPARATORS:
        return None
    for m in cuts:
        after = quiet[m.end() :]
        if not after or _UNIT_BY_FOLD.get(fold(after.split()[0])) or _ONE_LETTER_RE.match(after):
            continue  # a unit word after it: a separator between units
        retry = _resolve_text(f"{quiet[: m.start()]} {after}", on_date)
        # units alone, each placed: a hamlet's or a facility's free text would take in any name
        if _placed(retry) and not retry.facility and retry.parts and all(p["code"] for p in retry.parts):
            found.setdefault(retry.text, retry)
    if len(found) != 1:
        return None
    retry = _repaired(next(iter(found.values())), text, [], False, False)
    retry.rules.append("place_name_rejoined")
    return retry


_DISTRICT_INITIAL = {"quận": "Q", "huyện": "H", "thị xã": "T", "thành phố": "T"}
_GARBLED_DISTRICT_LETTERS = 3  # "Q¿", "Qử", "Q./7": the unit letter and a speck or two, no name


def _district_garbled(res: PlaceResolution, text: str, on_date: str | None) -> PlaceResolution | None:
    """A commune, a district read as its unit letter and specks ("P. Bình Thuận, Q¿, TP.HCM": the 7 of
    Q.7 garbled), and the province: the district the commune's name has in that province, when it is one,
    of the letter's kind and of any number read, at a real edit's cost (for review; aged seed 1187: four
    places of a page). Never a district whose name was read in letters, nor a word ("Hà"): those are the
    gazetteer's to match."""
    if len(res.parts) != 3:
        return None
    ward, mid, prov = res.parts
    if (prov["role"] != "province" or prov["code"] is None or ward["code"] or ward["kind"] not in WARD_KINDS
            or mid["code"] or mid["role"] not in ("unknown", "subunit")):  # fmt: skip
        return None
    g = gazetteer()
    units = [u for u in g.l_ward.find(ward["name"])[0] if u.province == prov["code"] and u.kind == ward["kind"]]
    dist = g.l_dist.by_code.get(units[0].parent) if len({u.parent for u in units}) == 1 else None
    word = "".join(c for c in mid["written"] if c.isalpha())
    letters = re.sub(r"[^A-Za-z]", "", strip_diacritics(word))
    digits = re.sub(r"\D", "", mid["written"])
    if (dist is None or not letters or len(letters) > _GARBLED_DISTRICT_LETTERS or is_syllable(word)
            or letters[0].upper() != _DISTRICT_INITIAL.get(dist.kind) or (digits and digits != dist.name)):  # fmt: skip
        return None
    retry = _resolve_text(f"{ward['written']}, {dist.kind} {dist.name}, {prov['written']}", on_date)
    if not _placed(retry) or (retry.legacy or {}).get("district", {}).get("code") != dist.code:
        return None
    retry = _repaired(retry, text, [], False, False)
    retry.rules.append(f"district_garbled:{mid['written']}->{dist.kind} {dist.name}")
    return retry


# "Ð." heading a place, the eth OCR gives for a letter it cannot place (clean_text reads it as Đ, đường):
# where a P. or X. was so read ("Ð. Châu Khê, TP. Từ Sơn" for the ward). A plain "Đ." is left a street,
# for review where its district has a commune of its name ("Đ. Lê Lợi, TP. Vinh": Vinh has both).
# Also a "B." or "R." heading a place: a P. an italic or faded face turned ("B.Nội Hoàng, TP. Bắc Giang"
# for phường Nội Hoàng, accepted as a village on a fresh aged page); no address abbreviates so. Or such a
# letter alone, its dot lost, before the name ("D Nam Sơn, TP. Bắc Ninh", an aged page's clean copy): a
# lone letter that is a name ("Ấp B") follows its unit word, it never heads the place.
_LEAD_UNIT_LOOKALIKE = re.compile(r"[\u00d0BR]\.\s*|[BDR]\s+(?=\w)|[BR](?=\d{1,2}\b)")  # "B15": a ward number
_COMMUNE_LETTERS = ("P.", "X.", "TT.")
_STREET_LEAD = re.compile(r"[ĐD]\.\s*")  # a glued "D." too: the street's Đ with its bar lost


def _street_letter_read_for_unit(res: PlaceResolution, text: str, on_date: str | None) -> PlaceResolution | None:
    """A place that starts with a unit letter's look-alike (``_LEAD_UNIT_LOOKALIKE``: "Ð.", "B.", a lone
    "D") and names no commune, where a commune of its district carries the name after it: OCR read the
    unit's P. or X. so (a fresh Chromium page's "Ð. Châu Khê, TP. Từ Sơn" for phường Châu Khê, accepted as
    a street). The commune reading is shown, at a look-alike repair's cost (for review), when exactly one
    unit letter of the commune's own kind places it. A street written "Đ." (or "D.") whose name is such a
    commune's stays the street, with the same cost (``street_or_commune``)."""
    first = res.parts[0] if res.parts else None
    lead = nfc(text).lstrip()
    street = _STREET_LEAD.match(lead) is not None
    if (first is None or first["kind"] is not None or first["code"] is not None
            or any(p["role"] == "ward" for p in res.parts) or not (street or _LEAD_UNIT_LOOKALIKE.match(lead))):  # fmt: skip
        return None
    found: dict[str, PlaceResolution] = {}
    # a letter alone is a P. that lost its loop's dot, never an X. or TT.
    dotless = lead[:1] in "BDR" and lead[1:2] != "."
    lead_letter = _STREET_LEAD if street else _LEAD_UNIT_LOOKALIKE
    for letter in ("P.",) if dotless else _COMMUNE_LETTERS:
        retry = _resolve_text(lead_letter.sub(letter + " ", lead, count=1), on_date)
        ward = retry.legacy.get("ward") if _placed(retry) and retry.legacy else None
        # the letter of the commune's own kind (the gazetteer takes a xã for a ward of the same name)
        if ward and any(p["role"] == "ward" and p["kind"] == ward["kind"] for p in retry.parts):
            found.setdefault(retry.text, retry)
    if len(found) != 1:
        return None
    if street:
        # a street written "Đ." whose district has a commune of its name ("Đ.Nội Hoàng, TP. Bắc Giang", a P.
        # so read on a bench page): which one the writer meant no spelling tells. The street, for review
        commune = next(iter(found))
        res.rules.append(f"street_or_commune:{commune}")
        res.fuzzy.append({"written": lead.split(",")[0], "canonical": commune, "distance": 1.0})
        return res
    retry = _repaired(next(iter(found.values())), text, [], False, False)
    retry.rules.append("ocr_unit_letter_as_d" if lead.startswith("\u00d0") else f"ocr_unit_letter_misread:{lead[0]}")
    return retry


def _placed(r: PlaceResolution) -> bool:
    """Every part of a repaired reading placed in the gazetteer (a facility's name alone does not do)."""
    return _settled(r) and r.scheme is not None


def _repaired(r: PlaceResolution, text: str, dropped: list[str], unglued: bool, undoubled: bool) -> PlaceResolution:
    """A place read whole once OCR's specks or doubled vowels are left out: taken at a look-alike repair's
    cost (a reviewer sees it)."""
    if dropped:
        r.rules.append("ocr_specks_dropped:" + " ".join(dropped))
    if unglued:
        r.rules.append("place_unit_unglued")
    if undoubled:
        r.rules.append("ocr_vowel_doubled")
    r.fuzzy.append({"written": text, "canonical": r.text, "distance": 1.0})
    return r


# Marks a Vietnamese letter may carry: the five tones, circumflex, breve, horn.
_VIET_MARKS = frozenset({*TONE_MARKS, "\u0302", "\u0306", "\u031b"})


def undoubled_vowels(text: str, most: int = 2) -> list[str]:
    """``text`` with one of two same vowels side by side left out, where the pair is no Kinh spelling:
    Kinh syllables write "oo" (xoong) and "ưu" (Hữu) only, and OCR reads one vowel twice with other marks
    ("Lữũng", "Viêệt", "Zuôïich"). Minority names double vowels ("Tà Pơơ", "Ia Boòng"): the caller
    tries the text as read first and takes a variant only when exactly one places it. Either copy may be
    the print's ("Lũng", "Lững"); a letter with a mark the alphabet lacks goes first. A plain letter
    doubled ("Thủyy") is left alone: it may as well be a real edit. At most ``most`` pairs, the first."""
    text = nfc(text)
    out: list[str] = []
    pairs = 0
    for i in range(len(text) - 1):
        a, b = text[i], text[i + 1]
        base = strip_diacritics(a).lower()
        if len(base) != 1 or base not in "aeiouy" or strip_diacritics(b).lower() != base:
            continue
        marks_a, marks_b = (set(unicodedata.normalize("NFD", c)[1:]) for c in (a, b))
        if (a == b and not marks_a) or (marks_a - TONE_MARKS.keys() == {"\u031b"} and not marks_b):
            continue  # "oo", "ii"; "ưu"
        foreign_a, foreign_b = bool(marks_a - _VIET_MARKS), bool(marks_b - _VIET_MARKS)
        for keep_a, variant in ((True, text[: i + 1] + text[i + 2 :]), (False, text[:i] + text[i + 1 :])):
            if not (foreign_a if keep_a else foreign_b) and variant not in out:
                out.append(variant)
        pairs += 1
        if pairs == most:
            break
    return out


# OCR's specks in a place: a token with no letter or digit (quotes, "‹", "„", "/"; not the separators
# "-", ",", "."), quotes stuck to a word ("Tiến“"), a lone letter no place name ends with ("z", "Ỉ",
# "S"; the suffix letters of "Châu Thành A" and Roman numerals of "Tam Xuân I", "Phường V" stay); and
# a unit word glued to its name ("xãAn Phước")
_SPECK_TOKEN = re.compile(r"[^\w\s,.\-]+")
_STUCK_QUOTES = re.compile(r"(?<=\w)[“”„‹›«»`´ˆ]+|[“”„‹›«»`´ˆ]+(?=\w)")
_GLUED_UNIT = re.compile(r"\b(xã|huyện|phường|tỉnh|quận|thị trấn|thị xã|thành phố)(?=[A-ZĐÂĂÊÔƠƯ])", re.I)
_NAME_LETTERS = "ABCDIVX"


def _facility_words(tokens: list[str]) -> set[int]:
    """Indices of the tokens that spell a health facility's name ("Trạm Y tế", "Trung tâm Y tế"; specks
    between its words aside), or its "Y tế" alone (the word before it lost): its one-letter word is no
    speck. The last word may have the next run into it ("Trạm Y tếxã")."""
    idx = [k for k, w in enumerate(tokens) if w and not _SPECK_TOKEN.fullmatch(w)]
    folded = [fold(tokens[k]) for k in idx]
    out: set[int] = set()
    for pf in (*(f for f, _ in _FACILITY_FOLD), "y te"):
        want = pf.split()
        n = len(want)
        for a in range(len(folded) - n + 1):
            got = folded[a : a + n]
            if got[:-1] == want[:-1] and got[-1].startswith(want[-1]):
                out.update(idx[a : a + n])
    return out


@cache
def _letter_neighbours() -> frozenset[tuple[str, str]]:
    """Word pairs of unit names that hold a one-letter word ("U Minh", "Ô Môn", "Y Tý", "Ia O", "Cư K
    Róa"): the letter (lower case, its marks kept) with the folded word before it, and after it."""
    pairs: set[tuple[str, str]] = set()
    for f, cols in (("units_legacy.csv", ("province_name", "district_name", "ward_name")),
                    ("units_2025.csv", ("province_name", "ward_name"))):  # fmt: skip
        for r in read_csv(f"gazetteer/{f}"):
            for col in cols:
                # the letter with its marks (a lone "Ẫ" is no "A"), the words beside it folded
                words = [nfc(w).lower() if len(w) == 1 else fold(w) for w in split_prefix(r[col])[1].split()]
                for j, w in enumerate(words):
                    if len(w) == 1 and w.isalpha():
                        pairs.update(p for p in ((words[j - 1], w) if j else None,
                                                 (w, words[j + 1]) if j + 1 < len(words) else None) if p)  # fmt: skip
    return frozenset(pairs)


def _name_letters(tokens: list[str]) -> set[int]:
    """Indices of one-letter tokens that spell a unit name with the word beside them ("huyện U Minh"):
    a letter of a name, no speck."""
    idx = [k for k, w in enumerate(tokens) if w and not _SPECK_TOKEN.fullmatch(w)]
    folded = [nfc(tokens[k]).lower() if len(tokens[k]) == 1 else fold(tokens[k]).strip(",.;:") for k in idx]
    pairs = _letter_neighbours()
    return {idx[j] for j, w in enumerate(folded) if len(w) == 1
            and ((j and (folded[j - 1], w) in pairs) or (j + 1 < len(folded) and (w, folded[j + 1]) in pairs))}  # fmt: skip


def drop_specks(text: str) -> tuple[str, list[str], bool]:
    """``text`` without OCR's specks, what was dropped, and whether a glued unit word was split."""
    dropped: list[str] = []
    s = _GLUED_UNIT.sub(lambda m: m[1] + " ", text)
    unglued = s != text
    s = _STUCK_QUOTES.sub(lambda m: dropped.append(m[0]) or "", s)
    kept: list[str] = []
    for line in s.split("\n"):
        words = []
        tokens = line.split(" ")
        named = _facility_words(tokens) | _name_letters(tokens)
        for k, w in enumerate(tokens):
            lone = len(w) == 1 and w.isalpha() and w not in _NAME_LETTERS and k not in named
            if w and (_SPECK_TOKEN.fullmatch(w) or lone or _case_garbled(w)):
                dropped.append(w)
            else:
                words.append(w)
        kept.append(" ".join(words))
    return "\n".join(kept), dropped, unglued


def _case_garbled(word: str) -> bool:
    """Letters cased as no word or abbreviation is written, a small letter before a capital ("vYp" after
    "Nghệ An" on a phone photograph): OCR's reading of a speck or a stroke."""
    return word.isalpha() and word[0].islower() and any(c.isupper() for c in word[1:])


def _spelled(text: str) -> bool:
    """Whether a sub-unit's text holds a number or a word a syllable spells ("Xóm 3", "Plei Ốp", "KP 2")."""
    return any(ch.isdigit() for ch in text) or any(is_syllable(w) for w in re.findall(r"\w+", text))


# a unit word with a dash for the space after it ("Trung tâm Y tế huyện-Yên Định", a book photograph): no
# separator follows a unit word, which names what comes after it
_UNIT_HYPHEN = re.compile(r"(?i)\b(xã|phường|huyện|quận|tỉnh|thị trấn|thị xã|thành phố)\s?[-–—]\s?(?=[A-ZĐÂĂÊÔƠƯ])")


def _resolve_text(text: str, on_date: str | None) -> PlaceResolution:
    # a speck before an abbreviation is a separator: remove it before the accent repair can take a
    # "~" for a tilde of the word before it ("Phong Thạnh ~ TX. Phong Điền")
    s = _NOISE_BEFORE_ABBR.sub(", ", text)
    s, rules = clean_text(s.replace("\n", ", ") if "\n" in s else s)
    s = s.strip(" ,.;-")
    s, expanded = expand_abbreviations(s)
    if expanded:
        rules.append("place_abbr")
    s, fives = _FIVE_LOOKALIKE.subn(r"\g<1>5", s)
    if fives:
        rules.append("ocr_number_five")
    s, hyphens = _UNIT_HYPHEN.subn(r"\1 ", s)
    if hyphens:
        rules.append("place_unit_hyphen")
    split = _split_inner_units(s)
    if split != s:
        rules.append("place_comma_before_unit")
        s = split
    # a part with no letter or digit is a speck between separators ("Bệnh viện , - , Hà Nội")
    raw_parts = _merge_lone_letters(
        [p.strip(" .") for p in _SPLIT.split(_protect_hyphens(s)) if any(c.isalnum() for c in p)]
    )
    res = _resolve(raw_parts, list(rules), on_date)
    # a garbled unit word leaves its part over as free text ("xú Thanh Thủy" read like a hamlet's name)
    if res.unresolved or res.leftover is not None and any(map(_after_garbled_word, raw_parts)):
        res, raw_parts = _repair_unit_words(raw_parts, res, rules, on_date)
    if res.leftover is not None:
        res = _repair_run(raw_parts, res, rules, on_date)
    if fives:
        res.fuzzy.append({"written": text, "canonical": res.text, "distance": 1.0})
    return res


def _settled(r: PlaceResolution) -> bool:
    """Every part placed: nothing unresolved, left over, or of a unit kind the name leaves open; in the
    record's era, no district skipped, and no unit read without its marks against one spelled as written."""
    vague = any(p["role"] == "ambiguous" and p["kind"] is None for p in r.parts)
    return (not r.unresolved and not vague and r.leftover is None
            and not r.after_record and not r.district_missing and not r.accent_rival)  # fmt: skip


# A first word in lower case that no unit, subunit or facility word is, before a capitalised name: a unit
# word OCR garbled past recognition ("tht Bắc Giang", "xú Thanh Thủy", "huyệt Yên Thế" on aged pages);
# or an abbreviation so garbled ("TE Đak Pơ" for TT, held-out 179's typewriter page).
# Names are capitalised, so the word is no part of the name; dropped only when the gazetteer then places
# the whole text one way (``_repair_unit_words``).
_GARBLED_WORD_MAX = 6


_TWO_WORD_UNITS = tuple(fold(u) for u in UNIT_WORDS if " " in u)


def _after_garbled_word(text: str) -> str | None:
    """``text`` without such a word (after a facility's name, when it starts with one), or None. Also two
    words a letter from a two-word unit word ("thành phế Hà Nội", "thàn phố": a typewriter's faint marks)."""
    facility, rest = _facility(text)
    words = rest.split()
    if (len(words) >= 3 and words[2][:1].isupper() and all(w[:1].islower() and w.isalpha() for w in words[:2])
            and any(Levenshtein.distance(fold(" ".join(words[:2])), u) == 1 for u in _TWO_WORD_UNITS)):  # fmt: skip
        return " ".join([facility or "", *words[2:]]).strip()
    if len(words) < 2 or not words[1][:1].isupper():
        return None
    w = words[0]
    # or two or three capitals no abbreviation is, before a name not in capitals ("TE Đak Pơ": TT)
    capitals = 2 <= len(w) <= 3 and w.isalpha() and w.isupper() and not words[1].isupper()
    if not (capitals or w[:1].islower() and w.isalpha() and len(w) <= _GARBLED_WORD_MAX):
        return None
    if fold(w) in _UNIT_BY_FOLD or _subunit(rest) or _facility(rest)[0] is not None:
        return None
    return " ".join([facility or "", *words[1:]]).strip()


# A unit word the gazetteer contradicts, replaced by the gazetteer's: costs as much confidence as a
# look-alike letter repair (and, like one, the chain is no longer "as written").
UNIT_WORD_REPAIR_DISTANCE = 0.5


def _repair_unit_words(
    raw_parts: list[str], res: PlaceResolution, rules: list[str], on_date: str | None
) -> tuple[PlaceResolution, list[str]]:
    """Parts whose unit word is wrong for their name ("T. Kiến Tường": TX. with its X lost,
    read as tỉnh; "T1. Thanh Hóa" read as thị trấn): dropped one part at a time, then all together, so the
    gazetteer infers the unit. Taken when exactly one choice resolves the whole text."""
    # the wrong unit word may sit on a part that did resolve, as another unit ("T1. Thanh Hóa": a thị
    # trấn Thanh Hóa exists elsewhere) and left the parts before it stuck
    bare = {k: part.name for k, t in enumerate(raw_parts)
            if (part := split_part(t)).kind is not None and _facility(t)[0] is None}  # fmt: skip
    bare |= {k: name for k, t in enumerate(raw_parts) if k not in bare and (name := _after_garbled_word(t))}
    idx = sorted(bare)
    choices = [[k] for k in idx] + ([idx] if len(idx) > 1 else [])
    found: dict[str, tuple[PlaceResolution, list[str], list[int]]] = {}
    for ks in choices:
        cand = [bare[k] if k in ks else t for k, t in enumerate(raw_parts)]
        r = _resolve(cand, list(rules), on_date)
        if _settled(r) and r.scheme is not None:
            found.setdefault(r.text, (r, cand, ks))
    if len(found) != 1:
        return res, raw_parts
    r, cand, ks = next(iter(found.values()))
    for k in ks:
        # the same name may be written twice ("xã Nam Định, …, Nam Định"): match this occurrence, not the first
        written = _facility(cand[k])[1] if k == 0 else cand[k]  # a facility's unit follows its name
        same = [p for p in r.parts if p["written"] == written]
        nth = cand[:k].count(cand[k])
        unit = same[nth] if nth < len(same) and same[nth]["role"] in _DEPTH else None
        if unit is None:
            return res, raw_parts
        r.rules.append(f"unit_word_contradicted:{raw_parts[k]}->{unit['kind']}")
        r.fuzzy.append({"written": raw_parts[k], "name": f"{unit['kind']} {unit['name']}",
                        "distance": UNIT_WORD_REPAIR_DISTANCE})  # fmt: skip
    return r, cand


# Facilities whose name is followed by the unit they serve: what follows must be a place.
_UNIT_FACILITIES = frozenset({"Trạm Y tế", "Trạm xá", "Trung tâm Y tế"})
_HOSPITALS = frozenset(p for p in FACILITY_PREFIXES if p.startswith("Bệnh viện"))
_DEPTH = {"ward": 0, "district": 1, "province": 2}
_MAX_RUN_WORDS = 10  # a longer run is not a few unit names that lost their commas


def _bare(text: str) -> bool:
    """A part that could be unit names without their unit words: no unit word, number, sub-unit word or
    other abbreviation ("Đ. Lê Lợi": a street). A digit inside a word ("Phú 3ình") is a misread letter,
    not a house number."""
    part = split_part(text)
    return (part.kind is None and part.garbled is None and not _subunit(text)
            and not re.search(r"(?<!\w)\d+(?!\w)", text) and not re.match(r"\w{1,3}\.", text))  # fmt: skip


def _leftover(parts: list[Part], absorbed: str | None) -> str | None:
    """The text next to the lowest resolved unit that the gazetteer could not place, when that unit is
    above a commune: "Tân Thuận Tây Cao Lãnh, Đồng Tháp" (a commune and a district whose comma OCR lost)
    must not pass as a village before a province. None when there is none."""
    levels = [(_DEPTH[p.role], k) for k, p in enumerate(parts) if p.role in _DEPTH]
    if not levels:
        last = parts[-1] if parts else None
        # nothing resolved: the whole text may be units run together ("Lâm Thủy Lệ Thủy Quảng Bình")
        if last is not None and last.role == "unknown" and len(last.written.split()) >= 2 and _bare(last.written):
            return last.written
        return None
    depth, first = min(levels)[0], min(k for _, k in levels)
    if depth == 0:
        return None
    if first > 0:
        left = parts[first - 1]
        if left.role in ("unknown", "subunit") and _bare(left.written):
            return left.written
        return None
    return absorbed


def _splits(words: list[str], most: int = 3) -> list[list[str]]:
    """Every way of cutting ``words`` into 2 to ``most`` non-empty runs."""
    out: list[list[str]] = []
    n = len(words)
    for a in range(1, n):
        out.append([" ".join(words[:a]), " ".join(words[a:])])
        if most >= 3:
            for b in range(a + 1, n):
                out.append([" ".join(words[:a]), " ".join(words[a:b]), " ".join(words[b:])])
    return out


def _repair_run(raw_parts: list[str], res: PlaceResolution, rules: list[str], on_date: str | None) -> PlaceResolution:
    """Re-cut the leftover text into units of the resolved chain (OCR dropped the commas, or broke one
    name in two at a line end: "Krông —_ Bông"). Taken only when exactly one cutting resolves every part
    down to a lower level; otherwise the leftover is flagged for review."""
    left = res.leftover
    assert left is not None
    j = next((k for k, t in enumerate(raw_parts) if t == left or t.endswith(" " + left)), None)
    cands: list[tuple[list[str], str]] = []
    if j is not None and len(left.split()) <= _MAX_RUN_WORDS:
        prefix = raw_parts[j][: len(raw_parts[j]) - len(left)]
        for pieces in _splits(left.split()):
            cands.append((raw_parts[:j] + [prefix + pieces[0], *pieces[1:]] + raw_parts[j + 1 :], " | ".join(pieces)))
        prev = raw_parts[j - 1] if j > 0 else ""
        if prev and not prefix and _bare(prev) and _facility(prev)[0] is None:
            joined = f"{prev} {left}"
            if len(joined.split()) <= _MAX_RUN_WORDS:
                for pieces in [[joined], *_splits(joined.split())]:
                    cands.append((raw_parts[: j - 1] + pieces + raw_parts[j + 1 :], " | ".join(pieces)))
    found: dict[str, tuple[PlaceResolution, str]] = {}
    for cand, how in cands:
        r = _resolve(cand, list(rules), on_date)
        # every piece must be a unit of the chain: a piece left over as a "village" proves nothing
        units = {p["written"] for p in r.parts if p["role"] in _DEPTH}
        solved = all(piece in units for piece in how.split(" | "))
        if solved and _settled(r) and r.depth < res.depth:
            found.setdefault(r.text, (r, how))
    if len(found) == 1:
        r, how = next(iter(found.values()))
        r.rules.append(f"place_split:{left}->{how}")
        return r
    # flagged: a name the province knows at several places, or nothing the gazetteer knows
    g = gazetteer()
    prov = (res.legacy or {}).get("province") or {}
    name = split_part(left).name
    known = [u for lv in (g.l_dist, g.l_ward) for u in lv.find(name)[0] if u.province == prov.get("code")]
    for p in res.parts:
        if p["written"] == left and p["role"] in ("unknown", "subunit"):
            p["role"] = "ambiguous" if known else "unknown"
    if known:
        res.ambiguous = True
    elif left not in res.unresolved:
        res.unresolved.append(left)
    res.resolved = False
    if len(found) > 1:
        res.rules.append("place_split_ambiguous:" + " / ".join(sorted(found)))
    return res


def _resolve(raw_parts: list[str], rules: list[str], on_date: str | None) -> PlaceResolution:
    """Resolve the parts of one place text (abbreviations expanded, split at separators)."""
    g = gazetteer()
    res = PlaceResolution(text="", rules=rules)
    if not raw_parts:
        return res
    facility, rest = _facility(raw_parts[0])
    facility_words = facility
    absorbed = False  # the facility's name took a non-place remainder ("Bệnh viện Từ Dũ")
    if facility is not None:
        raw_parts = ([rest] if rest else []) + raw_parts[1:]
    parts = [split_part(p) for p in raw_parts]
    for p in parts:
        if _subunit(p.written) and p.kind is None:
            p.role = "subunit"
    hist, succ = (None, [])
    if parts:
        hist, succ = _historical(parts[-1], g)
        if hist is not None and g.l_prov.find(parts[-1].name)[0]:
            hist, succ = None, []  # a name that still existed (Lai Châu, Đắk Lắk...): the legacy unit
        if hist is not None:
            parts[-1].historical = hist
            parts[-1].name = hist["name"]
    named = [p for p in parts if p.role == "unknown"]
    # the record's era first; the other list only where it places more of the text. A part the era's list
    # holds but cannot decide (two units of the name) counts as placed: a unique name of the other era
    # must not win over it ("Kỳ Anh, Hà Tĩnh" in 2010: huyện or thị xã Kỳ Anh, never the 2025 xã Kỳ Anh)
    order = ("2025", "legacy") if after_reform(on_date) else ("legacy", "2025")
    best: tuple[int, int, str, bool] = (-1, 0, "", False)
    # the legacy pass's start, and the level a part is not looked up at when a name spelled as written
    # at the level below outranks the accent-free match above (``_exact_below``)
    start: list[Part] = []
    bar: dict[int, str] = {}
    rivals: list[dict[str, str]] = []
    passes: dict[str, tuple[int, list[Part]]] = {}
    for scheme in order:
        _reset(parts)
        if scheme == "legacy":
            start = [replace(p) for p in parts]
            solved, amb, undecided = _chain_legacy(parts, g, succ)
            if (below := _exact_below(start, parts, g, succ, solved + undecided)) is not None:
                bar, rivals, (solved, amb, undecided) = below
        else:
            solved, amb, undecided = (_chain_2025(parts, g), False, 0) if hist is None else (0, False, 0)
        passes[scheme] = (solved + undecided, [replace(p) for p in parts])
        if solved + undecided > best[0]:
            best = (solved + undecided, solved, scheme, amb)
    _, solved, scheme, amb = best
    if scheme == "legacy" and not bar and not before_reform(on_date) and not after_reform(on_date):
        rivals = _spelled_in_2025(passes, g)  # (with a bar the legacy pass's parts are not those kept)
    _reset(parts)
    if scheme == "legacy" and bar:
        parts[:] = [replace(p) for p in start]
        _chain_legacy(parts, g, succ, bar)
    elif scheme == "legacy":
        _chain_legacy(parts, g, succ)
        rivals = rivals or _ward_spelled_elsewhere(parts, g)
    if scheme == "legacy" and rivals:
        res.accent_rival = rivals
        rules.extend(f"accent_rival:{r['written']}->{r['kind']} {r['name']}" for r in rivals)
    elif scheme == "2025":
        _chain_2025(parts, g)
    res.scheme = scheme if solved > 0 else None
    res.ambiguous = amb
    if res.scheme == "2025" and before_reform(on_date):
        # nothing of the record's era places the text as well: a 2025 unit on an older record is a
        # misread landing on a new name, or the writer's slip; never accepted silently
        res.after_record = True
        rules.append("unit_2025_before_reform")
    elif res.scheme == "2025" and not after_reform(on_date):
        # the date unknown (or a bare 2025): the register may predate the reform, so a place only the
        # 2025 list places is a guess for review, never accepted silently
        res.era_unknown = True
        rules.append("unit_2025_era_unknown")
    # a facility written without a unit word whose first part is not a place (nor, after a hospital, a
    # commune: a hospital serves a district or more, "Bệnh viện Bạch Mai" is none of phường Bạch Mai): part
    # of its name, unless it starts with a garbled unit word ("Bệnh viện Đa khoa khyện Thanh Ba": no name
    # starts in lower case)
    own_name = bool(parts) and parts[0].kind is None
    own_name = own_name and (parts[0].role == "unknown" or (parts[0].role == "ward" and facility in _HOSPITALS))
    own_name = own_name and _after_garbled_word(parts[0].written) is None
    if facility is not None and own_name and len(parts) > 1:
        facility_words = f"{facility} {parts[0].written}"
        parts = parts[1:]
        absorbed = True
    elif facility is not None and own_name and len(parts) == 1:
        facility_words = f"{facility} {parts[0].written}"
        parts = []
        absorbed = True
    if absorbed and facility_words and _facility(facility_words) == (facility_words, ""):
        # the name it took makes a facility name of its own ("Bệnh viện" + "Phụ sản" written apart): the
        # place follows it as after any facility name, so that "Bệnh viện Phụ sản, …" reads back the same
        facility, absorbed = facility_words, False
    # parts left of the lowest resolved unit are sub-units (thôn, ấp, số nhà): kept as written
    lowest = max((k for k, p in enumerate(parts) if p.role in ("province", "district", "ward")), default=None)
    if lowest is not None:
        first_resolved = min(k for k, p in enumerate(parts) if p.role in ("province", "district", "ward"))
        for k in range(first_resolved):
            # a misread unit word ("1. Foo") announces a unit, not a village: it stays unresolved; so does
            # a health facility's name OCR garbled ("Trạm Ytiế"), and letters no word spells and no number
            # ("QQ", "TT" before a commune on a fresh aged page, accepted): no village either
            if (parts[k].role == "unknown" and parts[k].kind is None and parts[k].garbled is None
                    and not (k == 0 and facility is None and _facility_head(parts[k].written))
                    and _spelled(parts[k].written)):  # fmt: skip
                parts[k].role = "subunit"
    for p in parts:
        if p.role == "unknown":
            res.unresolved.append(p.written)
        if p.unit is not None and p.garbled is not None:
            rules.append(f"unit_word_misread:{p.garbled}->{p.unit.kind}")
            if fold(p.garbled).strip(". ") == "d" and p.role == "ward":
                # "D. Lê Lợi, TP. Vinh": a P. misread, or a street's Đ. with its bar lost (Vinh has both a
                # phường and a đường Lê Lợi): the unit is a look-alike's guess, for review
                res.fuzzy.append({"written": p.garbled, "canonical": p.unit.kind, "distance": 1.0})
        if p.unit is not None and p.kind is None:
            p.inferred_kind = True
            rules.append(f"unit_inferred:{p.unit.kind} {p.unit.name}")
        if p.unit is not None and p.fuzzy is not None:
            rules.append(f"gazetteer_fuzzy:{p.name}->{p.unit.name}")
            res.fuzzy.append({"written": p.name, "name": p.unit.name, "distance": p.fuzzy})
        elif p.unit is not None and p.name != p.unit.name and name_key(p.name) != name_key(p.unit.name):
            rules.append(f"gazetteer:{p.name}->{p.unit.name}")
            if p.role == "ward" and p.inferred_kind and sum(q.unit is not None for q in parts) == 1:
                # a bare name respelled as a commune, with no unit word and no district or province written
                # to vouch for it: one of thousands nationwide ("Trạm Y tế Từ Dũ" taken for xã Tử Du), a
                # guess for review ("UBND xã Canh Vĩnh" is an office's own commune, its unit word written)
                res.fuzzy.append({"written": p.name, "name": p.unit.name, "distance": 1.0})
        elif p.role == "ambiguous" and p.respelled is not None:
            rules.append(f"gazetteer:{p.respelled}->{p.name}")
    for p in parts:
        if (p.role == "province" and p.unit is not None and p.kind is not None and p.kind != p.unit.kind
                and not (p.kind == "tỉnh" and g.history.get(loose_key(p.unit.name)))):  # fmt: skip
            # a province's unit word no list gives it ("T.HCM": TP. with its P lost, expanded as tỉnh and
            # accepted; "tỉnh Hà Nội"): the list's is taken, for review. A province of the name once
            # (tỉnh Cần Thơ until 2004) is as written.
            rules.append(f"unit_word_contradicted:{p.kind} {p.name}->{p.unit.kind}")
            res.fuzzy.append({"written": f"{p.kind} {p.name}", "name": f"{p.unit.kind} {p.unit.name}",
                              "distance": UNIT_WORD_REPAIR_DISTANCE})  # fmt: skip
            p.kind = p.unit.kind
    res.resolved = not res.unresolved and any(p.unit for p in parts) if named else False
    levels = [_DEPTH[p.role] for p in parts if p.role in _DEPTH]
    res.depth = min(levels, default=3)
    absorbed_text = facility_words[len(facility) + 1 :] if absorbed and facility in _UNIT_FACILITIES else None
    res.leftover = _leftover(parts, absorbed_text)
    res.facility = facility_words
    texts = [p.canonical() for p in parts]
    res.text = ", ".join(texts)
    if facility_words:
        sep = ", " if absorbed and res.text else " "
        res.text = f"{facility_words}{sep}{res.text}".strip()
    res.parts = [
        {"written": p.written, "role": p.role, "kind": p.kind or (p.unit.kind if p.unit else None),
         "name": p.unit.name if p.unit else p.name, "code": p.unit.code if p.unit else None,
         "inferred_kind": p.inferred_kind, **({"spellings": p.spellings} if p.spellings else {})}
        for p in parts
    ]  # fmt: skip
    _fill_units(res, parts, scheme, g, hist)
    if res.scheme == "legacy":
        res.district_missing = _districts_skipped(parts, g, succ)
        if res.district_missing:
            rules.append("district_missing:" + " / ".join(f"{d['kind']} {d['name']}" for d in res.district_missing))
    return res


_LEVELS = {"province": "l_prov", "district": "l_dist", "ward": "l_ward"}
_LEVELS_2025 = {"province": "n_prov", "ward": "n_ward"}


def _as_spelled(part: Part, g: Gazetteer, levels: Mapping[str, str] = _LEVELS) -> bool:
    """The part was found as written (tone placement and y/i aside), not only without its marks nor by
    an OCR repair: its unit, or, for a name several units carry, every spelling nothing tells apart."""
    if part.role == "ambiguous":
        return part.spellings is None and part.respelled is None
    if part.unit is None or part.role not in levels or part.fuzzy is not None:
        return False
    level: _Level = getattr(g, levels[part.role])
    return part.unit in level.exact.get(("*", name_key(part.name)), [])


def _rival(part: Part, unit: Unit) -> dict[str, str]:
    return {"written": part.written, "level": part.role, "code": unit.code, "kind": unit.kind, "name": unit.name}


def _ward_spelled_elsewhere(parts: list[Part], g: Gazetteer) -> list[dict[str, str]]:
    """A commune the legacy pass found only with its marks changed (or by an OCR repair) under the
    district written, while the same province has a commune spelled exactly as written ("Thạch Hạ,
    Thạch Hà, Hà Tĩnh": thị trấn Thạch Hà under the district, xã Thạch Hạ in thành phố Hà Tĩnh). Either
    the OCR changed a mark or the writer named the commune under another district (an older boundary):
    nothing on the page tells which, so the commune spelled as written is a rival and the field is not
    accepted."""
    for p in parts:
        if p.role != "ward" or p.unit is None or _as_spelled(p, g):
            continue
        elsewhere = [u for u in g.l_ward.exact.get(("*", name_key(p.name)), [])
                     if u.province == p.unit.province and u != p.unit]  # fmt: skip
        if elsewhere:
            return [_rival(p, elsewhere[0])]
    return []


def _spelled_in_2025(passes: Mapping[str, tuple[int, list[Part]]], g: Gazetteer) -> list[dict[str, str]]:
    """The record's era unknown, the legacy list placing the text only with a name's marks changed while
    the 2025 list places as much of it spelled as written ("Nà Hang, Tuyên Quang": huyện Na Hang without
    the mark, the 2025 xã Nà Hang as written). Either reading may be the register's: the 2025 unit is a
    rival and the field is not accepted."""
    (old, legacy), (new, current) = passes.get("legacy", (0, [])), passes.get("2025", (0, []))
    if new < old or new == 0 or not all(_as_spelled(p, g, _LEVELS_2025) for p in current if p.unit is not None):
        return []
    for p in legacy:
        if p.unit is not None and not _as_spelled(p, g):
            match = next((q for q in current if q.written == p.written and q.unit is not None), None)
            if match is not None and match.unit is not None:
                return [_rival(p, match.unit)]
    return []


def _exact_below(
    start: list[Part], done: list[Part], g: Gazetteer, succ: list[str], score: int
) -> tuple[dict[int, str], list[dict[str, str]], tuple[int, bool, int]] | None:
    """A name the legacy pass (``done``, from ``start``) took as a province or district only without its
    marks, that the level below holds spelled as written ("Nghĩa Hùng, Nam Định": huyện Nghĩa Hưng
    without the marks, xã Nghĩa Hùng as written; "Phù Yên": tỉnh Phú Yên without the marks, huyện Phù Yên
    as written, under Sơn La). A unit spelled as written outranks another read without its marks: the pass
    again with the part kept from that level is taken when it places more of the text (the accent-free
    reading left some unplaced: "Mường Cơi, Phù Yên"), or as much, the accent-free unit then returned as
    a rival (both plausible: the field is not accepted). Not a commune with no unit written above it: a
    hometown may be written as its province or district alone, never as a commune alone ("Hải Phong"
    stays thành phố Hải Phòng, "Nghĩa Hùng" huyện Nghĩa Hưng). Returns (the level kept from, per part;
    the rivals; the pass's (solved, ambiguous, undecided)), or None when the accent-free reading stands."""
    for k, p in enumerate(done):
        if p.role not in ("province", "district") or p.unit is None or _as_spelled(p, g):
            continue
        trial = [replace(q) for q in start]
        solved, amb, undecided = _chain_legacy(trial, g, succ, {k: p.role})
        if solved + undecided < score or not _as_spelled(trial[k], g):
            continue
        if solved + undecided > score:
            return {k: p.role}, [], (solved, amb, undecided)
        if trial[k].role == "district" or any(q.role in ("province", "district") for q in trial[k + 1 :]):
            return {k: p.role}, [_rival(p, p.unit)], (solved, amb, undecided)
    return None


def _districts_skipped(parts: list[Part], g: Gazetteer, hist_successors: list[str]) -> list[dict[str, str]]:
    """A legacy commune written straight before its province, no district between them ("Xã Mường Luân,
    Điện Biên"): the districts the commune may be in (one when its name is unique in the province). Every
    legacy commune is in a district, and the writer names the units from the commune up (the sample
    generator never skips one): a district missing there is most often a line OCR lost ("Xã Mường Luân,
    / huyện Điện Biên Đông, tỉnh / Điện Biên"). The contract outputs only the units written, so the
    place is kept as read and goes to review with the gazetteer's district(s) to show."""
    for k in range(len(parts) - 1):
        ward, prov = parts[k], parts[k + 1]
        if prov.role != "province" or ward.role not in ("ward", "ambiguous") or ward.kind not in (None, *WARD_KINDS):
            continue
        if ward.role == "ward" and ward.unit is not None:
            units = [ward.unit]
        elif ward.role == "ambiguous":
            provs = {prov.unit.code} if prov.unit is not None else set(hist_successors)
            units = _pick([u for u in g.l_ward.find(ward.name)[0] if u.province in provs], ward.kind, WARD_KINDS)
        else:
            continue
        dists = {u.parent: g.l_dist.by_code.get(u.parent) for u in units}
        return [d.as_dict() for _, d in sorted(dists.items()) if d is not None]
    return []


def _fill_units(
    res: PlaceResolution, parts: list[Part], scheme: str, g: Gazetteer, hist: dict | None
) -> None:
    by_role = {p.role: p.unit for p in parts if p.unit is not None}
    if hist is not None:
        res.historical_province = hist
    if scheme == "legacy" and by_role:
        ward, dist, prov = by_role.get("ward"), by_role.get("district"), by_role.get("province")
        if dist is None and ward is not None:
            dist = g.l_dist.by_code.get(ward.parent)
        if prov is None and (dist or ward) is not None:
            prov = g.l_prov.by_code.get((dist or ward).province)
        res.legacy = {
            "province": prov.as_dict() if prov else None,
            "district": dist.as_dict() if dist else None,
            "ward": ward.as_dict() if ward else None,
        }
        if prov is not None and (pm := g.prov_map.get(prov.code)):
            res.current = {"province": {"code": pm["new_province_code"], "name": pm["new_province_name"]},
                           "ward": None}  # fmt: skip
        rows = g.ward_map.get(ward.code, []) if ward else []
        if ward is None and dist is not None and dist.code in g.dist_map:
            rows = g.dist_map[dist.code]
        if rows:
            cands = [{"code": r["new_ward_code"], "name": r["new_ward_name"],
                      "province": r["new_province_name"], "partial": r["partial"]} for r in rows]  # fmt: skip
            res.current_candidates = cands
            if len(cands) == 1:
                assert res.current is not None
                res.current["ward"] = {"code": cands[0]["code"], "name": cands[0]["name"]}
            else:
                res.ambiguous = True
    elif scheme == "2025" and by_role:
        prov, ward = by_role.get("province"), by_role.get("ward")
        res.current = {
            "province": {"code": prov.code, "name": f"{prov.kind.capitalize()} {prov.name}"}
            if prov
            else None,
            "ward": {"code": ward.code, "name": f"{ward.kind.capitalize()} {ward.name}"} if ward else None,
        }


# --- a unit word the page supplies ------------------------------------------------------------------


def named_units(details: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(level, legacy code) of the commune and district a resolved place (``PlaceResolution.as_dict``)
    names with its own unit word ("xã Mỹ Thọ", "X. Mỹ Thọ"); a unit word the gazetteer inferred, repaired
    or read garbled does not count: it is what a bare name would need, not evidence of it."""
    legacy = details.get("legacy") or {}
    out: list[tuple[str, str]] = []
    for level in ("ward", "district"):
        unit = legacy.get(level)
        if unit and any(p.get("role") == level and p.get("code") == unit["code"] and p.get("kind") == unit["kind"]
                        and not p.get("inferred_kind") for p in details.get("parts") or ()):  # fmt: skip
            out.append((level, unit["code"]))
    return out


def units_of_one_name(details: Mapping[str, Any]) -> tuple[dict[str, Any], str, list[Unit]] | None:
    """The one part of a place written without a unit word whose name several units under one parent
    carry, differing in their unit word only (xã and thị trấn Mỹ Thọ in huyện Cao Lãnh; huyện and thị xã
    Cai Lậy in tỉnh Tiền Giang): (the part, its level "ward" or "district", those units). None for any
    other place, and for one in doubt otherwise (text the gazetteer cannot place, a spelling none of the
    units has, units under different parents: then more than the unit word is open)."""
    parts = details.get("parts") or []
    vague = [p for p in parts if p.get("role") == "ambiguous" and p.get("kind") is None]
    legacy = details.get("legacy") or {}
    if (len(vague) != 1 or vague[0].get("spellings") or details.get("unresolved")
            or details.get("scheme") != "legacy" or legacy.get("ward")):  # fmt: skip
        return None
    part, g = vague[0], gazetteer()
    dist, prov = legacy.get("district"), legacy.get("province")
    # the units the chain found the name among (_chain_legacy's commune slot, _repair_run's province)
    if dist:
        found = [("ward", u) for u in g.l_ward.find(part["name"], dist["code"])[0]]
    elif prov:
        found = [(level, u) for level, lv in (("district", g.l_dist), ("ward", g.l_ward))
                 for u in lv.find(part["name"])[0] if u.province == prov["code"]]  # fmt: skip
    else:
        return None
    units = [u for _, u in found]
    if (len({level for level, _ in found}) != 1 or len({u.parent for u in units}) != 1
            or len({name_key(u.name) for u in units}) != 1 or len({u.kind for u in units}) < 2):  # fmt: skip
        return None
    return part, found[0][0], units


# A commune OCR garbled past the look-alike budget ("Kim lrt" for Kim Lư, "Hương Ari" for Hương An) is
# taken from the page's own places within this many real edits, the district's every other commune a
# further edit away; shorter names than COMMUNE_FROM_PAGE_LETTERS are too easily near anything.
COMMUNE_FROM_PAGE_EDITS = 2.0
COMMUNE_FROM_PAGE_LETTERS = 4


def garbled_commune(details: Mapping[str, Any]) -> dict[str, Any] | None:
    """The part of a place the gazetteer could not place where its commune is written, before the district
    it resolved ("xã Kim lrt, huyện Na Rì, …"): the commune the place lacks. None for any other place."""
    legacy = details.get("legacy") or {}
    parts = details.get("parts") or []
    if details.get("scheme") != "legacy" or not legacy.get("district") or legacy.get("ward") or not parts:
        return None
    first = parts[0]
    if (len(details.get("unresolved") or ()) != 1 or first.get("role") != "unknown" or first.get("code")
            or first.get("kind") not in (None, *WARD_KINDS) or first.get("written") not in details["unresolved"]
            or not any(p.get("role") == "district" for p in parts[1:2])):  # fmt: skip
        return None
    return first


def commune_near(name: str, district: str, kind: str | None, page: Collection[str]) -> tuple[Unit, float] | None:
    """The commune of ``district`` (legacy code) nearest ``name`` by OCR distance when it is one the page
    names (``page``: legacy ward codes), within ``COMMUNE_FROM_PAGE_EDITS``, of the unit word written
    (``kind``, when one was), and every other commune of the district at least one edit further: (the
    unit, its distance), else None."""
    if len(ocr_key(name).replace(" ", "")) < COMMUNE_FROM_PAGE_LETTERS:
        return None
    near = _nearest_commune(name, district, kind, COMMUNE_FROM_PAGE_EDITS)
    return near if near is not None and near[0].code in page else None


# An unplaced commune under the district it resolved, which the page does not name either, is shown as the
# district's nearest commune for the reviewer to confirm (never accepted: a commune the snapshot lacks,
# merged away or renamed, would be shown as its neighbour). The edits allowed grow with the name: on 54
# Chromium sets, names of 6 to 10 letters were found 1 to 3 edits off ("Noong Ho" for Noong Hẻo, "Liên
# Nelữa" for Liên Nghĩa), a 3-letter one ("A Là", A Lù) 1 edit off.
def commune_suggest_edits(key: str) -> float:
    n = len(key.replace(" ", ""))
    return 1.0 if n <= 5 else 2.0 if n <= 8 else 3.0


def commune_suggested(name: str, district: str, kind: str | None) -> tuple[Unit, float] | None:
    """The commune of ``district`` (legacy code) nearest ``name`` within ``commune_suggest_edits``, of the
    unit word written, every other commune a further edit away; none for a numbered ward (a number misread
    is any number: "BÍ" is as near phường 1 as it is 15)."""
    if len(ocr_key(name).replace(" ", "")) < 3:
        return None
    near = _nearest_commune(name, district, kind, commune_suggest_edits(ocr_key(name)))
    return near if near is not None and not any(ch.isdigit() for ch in near[0].name) else None


def _nearest_commune(name: str, district: str, kind: str | None, edits: float) -> tuple[Unit, float] | None:
    """The one commune of ``district`` nearest ``name`` within ``edits``, of the unit word written, with
    every other commune at least one edit further: (the unit, its distance), else None."""
    best = gazetteer().l_ward.near(name, parent=district, budget=lambda _: edits)
    if not best or (d := min(best)) > edits:
        return None
    hits = [u for u in best[d] if kind is None or u.kind == kind]
    if len(hits) != 1 or any(d < other < d + 1 for other in best):
        return None
    return hits[0], d


OFFICE_LEAD_DROPPED = "office_lead_dropped"
# on folded text; a speck OCR glued to the word read as a letter ("'ƯUBND", an aged page) is no part of it
# and UBND's U misread ("JBND, xã Kim Lư": an aged page's office read in its dark ink; "L BND" in an italic
# serif), or its B or N ("UBXD", "UBWD", "U8ND": fresh aged pages), a guess for review
_UBND = re.compile(r"([a-z]?ubnd|[a-tv-z] ?bnd|ub[a-mo-z]d|u[0-9a-ac-z]nd|uy ban nhan dan|u ban nhan dan)\b[\s.:]*")
OFFICE_UBND_MISREAD = "office_ubnd_misread"
# on fold_chars: one char per char; an abbreviated unit too ("UBNDP Hồng Thái - TX. Việt Yên", seed 1307)
_UBND_GLUED = re.compile(r"\bubnd(?=(?:xa|phuong|thi|huyen|quan)\b|(?:p|x|tt|tx|tp|h|q)(?:\.|\s))")


def normalize_office(raw: str, *, on_date: str | None = None) -> tuple[str, PlaceResolution, list[str]]:
    """``UBND`` + canonical place; other issuers (hospitals) as written with their place canonical."""
    s, rules = clean_text(raw)
    # "UBNDxã Lộc Thịnh": the space after UBND lost
    if glued := _UBND_GLUED.search(fold_chars(s)):
        s = f"{s[: glued.end()]} {s[glued.end() :]}"
        rules.append("office_ubnd_glued")
    words = s.split()
    lead = next((i for i, w in enumerate(words) if fold(w)), len(words))
    if lead:  # a stray bracket before the issuer (") UBND X. ..."): no word of it
        words = words[lead:]
        s = " ".join(words)
    folded = [fold(w) for w in words]
    # text before "UBND" holding a digit is another field's read into the cell ("I0.2005 UBND Vĩnh Bình":
    # the end of the issue date): dropped, for review (OFFICE_LEAD_DROPPED)
    k = next((i for i in range(len(folded)) if _UBND.match(" ".join(folded[i:]))), 0)
    if k and any(ch.isdigit() for w in words[:k] for ch in w):
        rules.append(f"{OFFICE_LEAD_DROPPED}:{' '.join(words[:k])}")
        s = " ".join(words[k:])
    f = fold(s)
    m = _UBND.match(f)
    if m:
        n = len(m.group(0).split())
        place = " ".join(s.split()[n:])
        res = resolve_place(place, on_date=on_date)
        if f.startswith(("uy ban", "u ban")):
            rules.append("office:ubnd")
        elif "ubnd" not in m[1]:  # its U misread
            rules.append(f"{OFFICE_UBND_MISREAD}:{s.split()[0]}")
        elif not f.startswith("ubnd"):
            rules.append(f"office_speck_dropped:{s.split()[0]}")
        return f"UBND {res.text}".strip(), res, rules + res.rules
    res = resolve_place(s, on_date=on_date)
    return res.text, res, rules + res.rules
