"""Comparisons named in the domain's terms, each a ladder of levels (Splink style, pure Python/numpy).

A comparison reads one column. ``prepare`` turns the column into integer codes (one per distinct
value, -1 when missing) plus per-value keys (canonical, folded, variant …). ``levels`` gives, for
arrays of record indices ``i`` and ``j``, the level of each pair: 0 is the strongest agreement, the
last level is "everything else", -1 means "a value is missing" (no evidence, weight 0). Levels are
computed once per distinct *value pair*, which makes names and dates cheap at scale.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import repeat
from typing import Any

import numpy as np
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler
from rapidfuzz.process import cpdist

from pipeline.dedup.folding import canon, fold, fold_iy, split_name, surname_variant_key
from pipeline.dedup.places import default_gazetteer

__all__ = [
    "Prepared",
    "Column",
    "Comparison",
    "NameComparison",
    "DateComparison",
    "YearComparison",
    "ExactComparison",
    "PlaceComparison",
    "EditDistanceComparison",
    "JaroWinklerComparison",
    "parse_date",
    "normalize_sex",
    "COMPARISON_KINDS",
]


@dataclass
class Prepared:
    """One column made comparable: ``codes[record]`` indexes the per-value arrays in ``attrs``."""

    codes: np.ndarray
    attrs: dict[str, Any] = field(default_factory=dict)
    tf: dict[int, np.ndarray] = field(default_factory=dict)  # level -> frequency of each value


def _factorize(values: list[Any]) -> tuple[np.ndarray, list[Any]]:
    """Codes (-1 for None/'') and the distinct values in order of appearance."""
    index: dict[Any, int] = {}
    for v in dict.fromkeys(values):  # distinct values first: the per-record pass stays in C
        if v is not None and v != "":
            index[v] = len(index)
    codes = np.fromiter(map(index.get, values, repeat(-1)), dtype=np.int32, count=len(values))
    return codes, list(index)


def map_distinct(fn: Callable[[Any], Any], values: list[Any]) -> list[Any]:
    """``[fn(v) for v in values]`` with ``fn`` run once per distinct value (names and dates repeat:
    at 1M records a column has a few hundred thousand distinct values at most)."""
    memo = {v: fn(v) for v in dict.fromkeys(values)}
    return list(map(memo.__getitem__, values))


class Column:
    """A column encoded once: ``codes[record]`` indexes ``values`` (its distinct values), -1 = missing.

    Every transform then runs once per distinct value and its result is spread to the records with
    one numpy gather: no per-record Python list or object beyond the input itself (memory at 1M+).
    ``map`` memoises per function, so the comparisons and keys reading one column share e.g. the
    name split; the memo lives as long as the column (the preparation stage only).
    """

    __slots__ = ("codes", "values", "_memo")

    def __init__(self, codes: np.ndarray, values: list[Any]) -> None:
        self.codes = codes
        self.values = values
        self._memo: dict[Callable[[Any], Any], list[Any]] = {}

    def __len__(self) -> int:
        return len(self.codes)

    @classmethod
    def encode(cls, values: Sequence[Any], clean: Callable[[Any], Any] | None = None) -> Column:
        """Codes per record; ``clean`` (run once per distinct raw value) returns None for a missing value."""
        index: dict[Any, int] = {}
        code_of: dict[Any, int] = {}
        for v in dict.fromkeys(values):
            c = clean(v) if clean is not None else v
            code_of[v] = -1 if c is None else index.setdefault(c, len(index))
        codes = np.fromiter(map(code_of.__getitem__, values), dtype=np.int32, count=len(values))
        return cls(codes, list(index))

    def map(self, fn: Callable[[Any], Any]) -> list[Any]:
        """``fn`` of each distinct value (memoised per ``fn``)."""
        if fn not in self._memo:
            self._memo[fn] = [fn(v) for v in self.values]
        return self._memo[fn]

    def recode(self, per_value: list[Any]) -> tuple[np.ndarray, list[Any]]:
        """Record codes into the distinct items of ``per_value`` (one item per distinct value of this
        column; None and '' missing), and those items in order of appearance."""
        sub, uniq = _factorize(per_value)
        return np.append(sub, np.int32(-1))[self.codes], uniq  # code -1 picks the appended -1

    def normalize(self, fn: Callable[[Any], Any]) -> tuple[np.ndarray, list[Any]]:
        """``recode`` of ``fn`` applied to each distinct value."""
        return self.recode(self.map(fn))


def _subcodes(keys: list[str]) -> np.ndarray:
    """Integer code per distinct key ('' gets its own code)."""
    index: dict[str, int] = {}
    return np.fromiter((index.setdefault(k, len(index)) for k in keys), dtype=np.int64, count=len(keys))


def _freq(codes: np.ndarray, sub: np.ndarray) -> np.ndarray:
    """Relative frequency among non-missing records of each value's ``sub`` key, per value code."""
    ok = codes >= 0
    per_value = np.bincount(codes[ok], minlength=len(sub)).astype(np.float64)
    per_key = np.bincount(sub, weights=per_value, minlength=int(sub.max(initial=0)) + 1)
    total = max(per_value.sum(), 1.0)
    return per_key[sub] / total


def _jw(a: np.ndarray, b: np.ndarray, cutoff: float = 0.0) -> np.ndarray:
    """Jaro-Winkler similarity; values below ``cutoff`` come back as 0 (faster)."""
    if len(a) == 0:
        return np.zeros(0)
    return cpdist(list(a), list(b), scorer=JaroWinkler.similarity, score_cutoff=cutoff, workers=1)


def _dl(a: np.ndarray, b: np.ndarray, cutoff: int | None = None) -> np.ndarray:
    """Damerau-Levenshtein distance; above ``cutoff`` it comes back as cutoff + 1 (faster)."""
    if len(a) == 0:
        return np.zeros(0, dtype=np.int64)
    return cpdist(list(a), list(b), scorer=DamerauLevenshtein.distance, score_cutoff=cutoff, workers=1)


class Comparison:
    """Base class: subclasses set ``level_names`` and implement ``prepare`` and ``_compare``."""

    kind = "comparison"

    def __init__(self, name: str, column: str, tf: bool = False) -> None:
        self.name = name
        self.column = column
        self.tf = tf
        self.level_names: list[str] = []

    @property
    def n_levels(self) -> int:
        return len(self.level_names)

    def prepare(self, values: list[str | None]) -> Prepared:
        return self.prepare_column(Column.encode(values))

    def prepare_column(self, col: Column) -> Prepared:  # pragma: no cover - abstract
        raise NotImplementedError

    def _compare(self, p: Prepared, a: np.ndarray, b: np.ndarray) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def levels(self, p: Prepared, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Level per pair (int8; -1 = missing value)."""
        ca, cb = p.codes[i], p.codes[j]
        out = np.full(len(i), -1, dtype=np.int8)
        ok = (ca >= 0) & (cb >= 0)
        if not ok.any():
            return out
        ca, cb = ca[ok].astype(np.int64), cb[ok].astype(np.int64)
        lo, hi = np.minimum(ca, cb), np.maximum(ca, cb)
        n = int(p.codes.max()) + 1
        key, inv = np.unique(lo * n + hi, return_inverse=True)
        lv = self._compare(p, key // n, key % n).astype(np.int8)
        out[ok] = lv[inv]
        return out

    def level_of(self, a: str | None, b: str | None) -> int:
        """Level of one pair of raw values (for tests and explanations)."""
        p = self.prepare([a, b])
        return int(self.levels(p, np.array([0]), np.array([1]))[0])

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "column": self.column, "levels": self.level_names}


class NameComparison(Comparison):
    """A name or name part: exact > exact folded > variant (regional surname, i/y) > Jaro-Winkler > else.

    ``part`` picks ``surname`` (họ), ``middle`` (tên đệm), ``given`` (tên) out of a full name, or
    ``full`` for a whole name (parents): then a level "same họ and tên" tolerates a dropped or
    changed middle name. For ``middle`` a name present on one side only is its own level, and two
    names both without a middle name give no evidence. ``folding: false`` drops the folded levels
    (plain ASCII data such as FEBRL).
    """

    kind = "name"

    def __init__(
        self,
        name: str,
        column: str,
        part: str = "full",
        thresholds: list[float] | None = None,
        tf: bool = True,
        folding: bool = True,
    ) -> None:
        super().__init__(name, column, tf)
        self.part = part
        self.folding = folding
        self.thresholds = list(thresholds or ([0.92, 0.8] if part in ("full", "middle") else [0.92, 0.88]))
        names = ["exact"]
        if folding:
            names += ["exact_folded"]
            if part == "surname":
                names += ["regional_variant"]
            elif part == "middle":
                names += ["one_missing"]
            elif part == "full":
                names += ["ho_ten_folded_middle_differs"]
            else:
                names += ["i_y_variant", "one_edit"]
        names += [f"jw>={t:g}" for t in self.thresholds] + ["else"]
        self.level_names = names

    def _value(self, raw: str | None) -> str | None:
        if raw is None or not str(raw).strip():
            return None
        if self.part == "full":
            return canon(raw) if self.folding else str(raw).strip().upper()
        if not self.folding:
            return str(raw).strip().upper()
        return self._pick(raw, split_name(raw))

    def _pick(self, raw: str | None, parts: tuple[str, str, str]) -> str | None:
        if raw is None or not str(raw).strip():
            return None
        v = {"surname": parts[0], "middle": parts[1], "given": parts[2]}[self.part]
        if self.part == "middle":
            return v if v else "\x00"  # a name without middle name: a value, distinct from missing
        return v or None

    def prepare_column(self, col: Column) -> Prepared:
        if self.folding and self.part != "full":  # one split per distinct name, shared with the keys
            codes, uniq = col.recode(list(map(self._pick, col.values, col.map(split_name))))
        else:
            codes, uniq = col.normalize(self._value)
        strs = np.array(uniq, dtype=object)
        folded = [fold(s) if s != "\x00" else "" for s in uniq]
        attrs: dict[str, Any] = {"canon": strs, "fold": np.array(folded, dtype=object)}
        attrs["fold_code"] = _subcodes(folded)
        if self.part == "surname":
            attrs["var_code"] = _subcodes([surname_variant_key(s) for s in folded])
        elif self.part == "full":
            ht = []
            for s in folded:
                w = fold_iy(s).split()
                ht.append(f"{surname_variant_key(w[0])} {w[-1]}" if len(w) >= 2 else " ".join(w))
            attrs["var_code"] = _subcodes(ht)
        else:
            attrs["var_code"] = _subcodes([fold_iy(s) for s in folded])
        attrs["empty"] = np.array([s == "\x00" for s in uniq], dtype=bool)
        p = Prepared(codes, attrs)
        if self.tf and len(uniq):
            canon_code = np.arange(len(uniq), dtype=np.int64)
            p.tf[0] = _freq(codes, canon_code)
            if self.folding:
                p.tf[1] = _freq(codes, attrs["fold_code"])
        return p

    def levels(self, p: Prepared, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        out = super().levels(p, i, j)
        if self.part == "middle" and len(out):
            e = p.attrs["empty"]
            ci, cj = p.codes[i], p.codes[j]
            ok = (ci >= 0) & (cj >= 0)
            both = np.zeros(len(out), dtype=bool)
            both[ok] = e[ci[ok]] & e[cj[ok]]
            out[both] = -1
        return out

    def _compare(self, p: Prepared, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        at = p.attrs
        lv = np.full(len(a), self.n_levels - 1, dtype=np.int8)
        todo = np.ones(len(a), dtype=bool)

        def put(mask: np.ndarray, level: int) -> None:
            m = mask & todo
            lv[m] = level
            todo[m] = False

        put(a == b, 0)
        k = 1
        if self.folding:
            put(at["fold_code"][a] == at["fold_code"][b], 1)
            if self.part == "middle":
                put(at["empty"][a] ^ at["empty"][b], 2)
            else:
                put(at["var_code"][a] == at["var_code"][b], 2)
            k = 3
            if self.part == "given":
                # one typo (LAN/LN, HƯƠNG/HƠNG): JW punishes short names hard, a sibling's name rarely
                # is one edit away
                idx = np.nonzero(todo)[0]
                if len(idx):
                    near = np.zeros(len(a), dtype=bool)
                    near[idx[_dl(at["fold"][a[idx]], at["fold"][b[idx]], 1) <= 1]] = True
                    put(near, 3)
                k = 4
        idx = np.nonzero(todo)[0]
        if len(idx):
            src = at["fold"] if self.folding else at["canon"]
            sim = _jw(src[a[idx]], src[b[idx]], min(self.thresholds))
            rest = np.full(len(idx), self.n_levels - 1, dtype=np.int8)
            for t_i, t in enumerate(reversed(self.thresholds)):
                rest[sim >= t] = k + len(self.thresholds) - 1 - t_i
            lv[idx] = rest
        return lv


_DATE_RES = [
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), ("y", "m", "d")),
    (re.compile(r"^(\d{4})-(\d{1,2})$"), ("y", "m")),
    (re.compile(r"^(\d{4})$"), ("y",)),
    (re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$"), ("d", "m", "y")),
    (re.compile(r"^(\d{1,2})[/.\-](\d{4})$"), ("m", "y")),
]


@lru_cache(maxsize=500_000)
def parse_date(text: str | None, fmt: str = "auto") -> tuple[str, str, str] | None:
    """(yyyy, mm, dd) strings, '' for the parts not written; None when empty or unreadable.

    ``fmt='%Y%m%d'`` reads compact dates (FEBRL); otherwise ISO (incl. partial) and ``dd/mm/yyyy``.
    """
    if text is None:
        return None
    s = str(text).strip()
    if not s or s.lower() == "nan":
        return None
    if fmt == "%Y%m%d":
        s = s.split(".")[0]
        if len(s) == 8 and s.isdigit():
            return s[:4], s[4:6], s[6:]
        return None
    for rx, order in _DATE_RES:
        m = rx.match(s)
        if m:
            parts = dict(zip(order, m.groups(), strict=True))
            return (
                parts["y"],
                parts.get("m", "").zfill(2) if "m" in parts else "",
                (parts.get("d", "").zfill(2) if "d" in parts else ""),
            )
    if len(s) == 8 and s.isdigit():
        return s[:4], s[4:6], s[6:]
    return None


class DateComparison(Comparison):
    """A date (of birth): exact > day/month swapped > partial date that agrees > one typo > same year > ±1 year."""

    kind = "date"

    def __init__(self, name: str, column: str, date_format: str = "auto") -> None:
        super().__init__(name, column, False)
        self.date_format = date_format
        self.level_names = [
            "exact",
            "day_month_swapped",
            "partial_agrees",
            "one_edit",
            "same_year",
            "year_within_1",
            "else",
        ]

    def prepare_column(self, col: Column) -> Prepared:
        codes, uniq = col.normalize(lambda v: parse_date(v, self.date_format))
        y = np.array([int(u[0]) if u[0].isdigit() else -9999 for u in uniq], dtype=np.int64)
        mo = np.array([u[1] for u in uniq], dtype=object)
        d = np.array([u[2] for u in uniq], dtype=object)
        full = np.array([bool(u[1]) and bool(u[2]) for u in uniq], dtype=bool)
        digits = np.array(["".join(u) for u in uniq], dtype=object)
        return Prepared(codes, {"y": y, "m": mo, "d": d, "full": full, "digits": digits})

    def _compare(self, p: Prepared, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        at = p.attrs
        y, mo, d, full, dig = at["y"], at["m"], at["d"], at["full"], at["digits"]
        lv = np.full(len(a), 6, dtype=np.int8)
        both_full = full[a] & full[b]
        same_y = y[a] == y[b]
        exact = both_full & (dig[a] == dig[b])
        swap = both_full & same_y & (d[a] == mo[b]) & (mo[a] == d[b]) & (d[a] != mo[a])
        # partial: the less specific date is a prefix of the other (year, or year-month)
        ma, mb = mo[a], mo[b]
        partial = ~both_full & same_y & ((ma == "") | (mb == "") | (ma == mb))
        lv[np.abs(y[a] - y[b]) <= 1] = 5
        lv[same_y] = 4
        idx = np.nonzero(both_full & ~exact & ~swap)[0]
        if len(idx):
            near = _dl(dig[a[idx]], dig[b[idx]], 1) <= 1
            lv[idx[near]] = 3
        lv[partial] = 2
        lv[swap] = 1
        lv[exact] = 0
        return lv


class YearComparison(Comparison):
    """A birth year (e.g. of a parent; full or partial dates accepted): exact > ±1 > ±3 > else."""

    kind = "year"

    def __init__(self, name: str, column: str) -> None:
        super().__init__(name, column, False)
        self.level_names = ["exact", "within_1", "within_3", "else"]

    def prepare_column(self, col: Column) -> Prepared:
        def year(v: str | None) -> int | None:
            pd = parse_date(v)
            return int(pd[0]) if pd else None

        codes, uniq = col.normalize(year)
        return Prepared(codes, {"y": np.array(uniq, dtype=np.int64)})

    def _compare(self, p: Prepared, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        diff = np.abs(p.attrs["y"][a] - p.attrs["y"][b])
        lv = np.full(len(a), 3, dtype=np.int8)
        lv[diff <= 3] = 2
        lv[diff <= 1] = 1
        lv[diff == 0] = 0
        return lv


_SEX = {"nam": "1", "1": "1", "trai": "1", "m": "1", "nu": "2", "2": "2", "gai": "2", "f": "2", "3": "3"}


def normalize_sex(v: str | None) -> str | None:
    if v is None:
        return None
    s = fold(str(v)).lower()
    if s in ("khong xac dinh",):
        return "3"
    return _SEX.get(s, s or None)


class ExactComparison(Comparison):
    """Exact agreement on a value (sex, postcode …), optionally folded; TF-adjusted if asked."""

    kind = "exact"

    def __init__(self, name: str, column: str, tf: bool = False, normalize: str = "fold") -> None:
        super().__init__(name, column, tf)
        self.normalize = normalize
        self.level_names = ["exact", "else"]

    def _norm(self, v: str | None) -> str | None:
        if v is None or not str(v).strip():
            return None
        if self.normalize == "sex":
            return normalize_sex(v)
        if self.normalize == "fold":
            return fold(str(v))
        return str(v).strip()

    def prepare_column(self, col: Column) -> Prepared:
        codes, uniq = col.normalize(self._norm)
        p = Prepared(codes, {})
        if self.tf and uniq:
            p.tf[0] = _freq(codes, np.arange(len(uniq), dtype=np.int64))
        return p

    def _compare(self, p: Prepared, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.where(a == b, 0, 1).astype(np.int8)


def _fold_place(v: str | None) -> str | None:
    return fold(v) if v else None


class PlaceComparison(Comparison):
    """A place by resolved administrative unit: same text > same 2025 ward > same province > else.

    An old commune and the 2025 ward it became resolve to the same unit; an old ward split between
    several new wards agrees with each of them.
    """

    kind = "place"

    def __init__(self, name: str, column: str) -> None:
        super().__init__(name, column, False)
        self.level_names = ["exact_folded", "same_unit", "same_province", "else"]

    def prepare_column(self, col: Column) -> Prepared:
        folded = col.map(_fold_place)
        codes, uniq = col.recode(folded)
        index = {v: k for k, v in enumerate(uniq)}
        raw_of: dict[int, str] = {}
        for raw, f in zip(col.values, folded, strict=True):  # distinct values in order of appearance
            if f:
                raw_of.setdefault(index[f], raw)
        g = default_gazetteer()
        places = [g.resolve(raw_of[c]) for c in range(len(uniq))]
        wards = [pl.wards if pl else frozenset() for pl in places]
        prov = _subcodes([(pl.province if pl and pl.province else f"?{k}") for k, pl in enumerate(places)])
        return Prepared(codes, {"wards": wards, "prov": prov})

    def _compare(self, p: Prepared, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        w = p.attrs["wards"]
        prov = p.attrs["prov"]
        lv = np.full(len(a), 3, dtype=np.int8)
        lv[prov[a] == prov[b]] = 2
        same = np.fromiter(
            (bool(w[x] & w[y]) for x, y in zip(a.tolist(), b.tolist(), strict=True)), dtype=bool, count=len(a)
        )
        lv[same] = 1
        lv[a == b] = 0
        return lv


class EditDistanceComparison(Comparison):
    """Identity numbers, postcodes: exact > Damerau-Levenshtein ≤ t for each threshold > else."""

    kind = "edit_distance"

    def __init__(
        self,
        name: str,
        column: str,
        thresholds: list[int] | None = None,
        tf: bool = False,
        digits_only: bool = False,
    ) -> None:
        super().__init__(name, column, tf)
        self.thresholds = list(thresholds or [1])
        self.digits_only = digits_only
        self.level_names = ["exact"] + [f"dl<={t}" for t in self.thresholds] + ["else"]

    def _norm(self, v: str | None) -> str | None:
        if v is None:
            return None
        s = str(v).strip()
        if s.endswith(".0") and s[:-2].isdigit():
            s = s[:-2]
        if self.digits_only:
            s = re.sub(r"[^0-9A-Za-z]", "", s).upper()
        return s or None

    def prepare_column(self, col: Column) -> Prepared:
        codes, uniq = col.normalize(self._norm)
        p = Prepared(codes, {"s": np.array(uniq, dtype=object)})
        if self.tf and uniq:
            p.tf[0] = _freq(codes, np.arange(len(uniq), dtype=np.int64))
        return p

    def _compare(self, p: Prepared, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        lv = np.full(len(a), self.n_levels - 1, dtype=np.int8)
        idx = np.nonzero(a != b)[0]
        if len(idx):
            dist = _dl(p.attrs["s"][a[idx]], p.attrs["s"][b[idx]], max(self.thresholds))
            rest = np.full(len(idx), self.n_levels - 1, dtype=np.int8)
            for k, t in reversed(list(enumerate(self.thresholds, start=1))):
                rest[dist <= t] = k
            lv[idx] = rest
        lv[a == b] = 0
        return lv


class JaroWinklerComparison(Comparison):
    """Free text (street, suburb): exact > Jaro-Winkler ≥ thresholds > else."""

    kind = "jaro_winkler"

    def __init__(
        self, name: str, column: str, thresholds: list[float] | None = None, tf: bool = False
    ) -> None:
        super().__init__(name, column, tf)
        self.thresholds = list(thresholds or [0.9, 0.7])
        self.level_names = ["exact"] + [f"jw>={t:g}" for t in self.thresholds] + ["else"]

    def prepare_column(self, col: Column) -> Prepared:
        codes, uniq = col.normalize(lambda v: fold(v) if v and str(v).strip() else None)
        p = Prepared(codes, {"s": np.array(uniq, dtype=object)})
        if self.tf and uniq:
            p.tf[0] = _freq(codes, np.arange(len(uniq), dtype=np.int64))
        return p

    def _compare(self, p: Prepared, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        lv = np.full(len(a), self.n_levels - 1, dtype=np.int8)
        idx = np.nonzero(a != b)[0]
        if len(idx):
            sim = _jw(p.attrs["s"][a[idx]], p.attrs["s"][b[idx]], min(self.thresholds))
            rest = np.full(len(idx), self.n_levels - 1, dtype=np.int8)
            for k, t in reversed(list(enumerate(self.thresholds, start=1))):
                rest[sim >= t] = k
            lv[idx] = rest
        lv[a == b] = 0
        return lv


COMPARISON_KINDS: dict[str, type[Comparison]] = {
    "name": NameComparison,
    "date": DateComparison,
    "year": YearComparison,
    "exact": ExactComparison,
    "place": PlaceComparison,
    "edit_distance": EditDistanceComparison,
    "jaro_winkler": JaroWinklerComparison,
}
