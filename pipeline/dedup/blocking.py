"""Blocking: candidate pairs from the union of several equality rules on derived keys (never all pairs).

A key is a named transform of one column (``given`` = folded tên of ``nksHoTen``, ``date`` = the birth
date as ISO …). A rule is a list of keys; two records are candidates if they agree on every key of
some rule and none of those keys is missing. Blocks larger than ``max_block_size`` are skipped and
reported, so one frequent value (NGUYỄN) can never explode the pair count.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from pipeline.dedup.comparisons import normalize_sex, parse_date
from pipeline.dedup.folding import fold_iy, split_name, surname_variant_key
from pipeline.dedup.places import default_gazetteer

__all__ = [
    "KEY_TRANSFORMS",
    "KeySpec",
    "BlockingStats",
    "key_codes",
    "combine_codes",
    "pairs_within",
    "count_pairs_within",
    "block_pairs",
    "sample_block_pairs",
    "random_pairs",
]


def _opt(v: str | None) -> str | None:
    return v if v else None


def _date_key(v: str | None) -> str | None:
    d = parse_date(v)
    return "-".join(x for x in d if x) if d else None


def _date_full(v: str | None) -> str | None:
    d = parse_date(v)
    return "-".join(d) if d and all(d) else None


def _dm_sorted(v: str | None) -> str | None:
    d = parse_date(v)
    if not d or not all(d):
        return None
    return d[0] + "-" + "-".join(sorted(d[1:]))


def _month_day(v: str | None) -> str | None:
    """Day and month in either order, without the year (meets a mistyped year)."""
    d = parse_date(v)
    if not d or not all(d):
        return None
    return "-".join(sorted(d[1:]))


def _year(v: str | None) -> str | None:
    d = parse_date(v)
    return d[0] if d else None


def _province(v: str | None) -> str | None:
    if not v:
        return None
    p = default_gazetteer().resolve(v)
    return p.province or None if p else None


def _surname_given(v: str | None) -> str | None:
    """Folded họ (regional forms merged) + tên, without the middle name (often dropped or changed)."""
    if not v:
        return None
    ho, _, ten = split_name(v)
    return _opt(f"{surname_variant_key(ho)} {fold_iy(ten)}".strip())


def _compact(v: str | None) -> str | None:
    if v is None:
        return None
    s = str(v).strip()
    return s or None


KEY_TRANSFORMS: dict[str, Callable[[str | None], str | None]] = {
    "raw": _compact,
    "fold": lambda v: _opt(fold_iy(v)) if v else None,
    "surname": lambda v: _opt(surname_variant_key(split_name(v)[0])) if v else None,
    "given": lambda v: _opt(fold_iy(split_name(v)[2])) if v else None,
    "middle": lambda v: _opt(fold_iy(split_name(v)[1])) if v else None,
    "surname_given": _surname_given,
    "date": _date_key,
    "date_full": _date_full,
    "date_dm_sorted": _dm_sorted,
    "year": _year,
    "month_day": _month_day,
    "province": _province,
    "sex": lambda v: normalize_sex(v) if v else None,
    "digits": lambda v: _opt("".join(ch for ch in str(v) if ch.isalnum()).upper()) if v else None,
}


@dataclass(frozen=True)
class KeySpec:
    """A named blocking key: ``transform`` applied to ``column``."""

    name: str
    column: str
    transform: str = "raw"


@dataclass
class BlockingStats:
    pairs_per_rule: list[int]
    skipped_blocks: list[int]
    candidate_pairs: int


def key_codes(values: list[str | None], transform: str) -> np.ndarray:
    """Integer code per record for the transformed value (-1 when missing)."""
    fn = KEY_TRANSFORMS[transform]
    index: dict[str, int] = {}
    code_of: dict[str | None, int] = {}
    for v in dict.fromkeys(values):  # the transform once per distinct value, in order of appearance
        key = fn(v)
        code_of[v] = -1 if key is None else index.setdefault(key, len(index))
    return np.fromiter(map(code_of.__getitem__, values), dtype=np.int64, count=len(values))


def combine_codes(parts: list[np.ndarray]) -> np.ndarray:
    """One code per record for a tuple of key codes; -1 if any part is missing."""
    out = parts[0].copy()
    for p in parts[1:]:
        miss = (out < 0) | (p < 0)
        combo = out * (int(p.max(initial=0)) + 1) + p
        combo[miss] = -1
        ok = combo >= 0
        _, inv = np.unique(combo[ok], return_inverse=True)
        out = np.full(len(combo), -1, dtype=np.int64)
        out[ok] = inv
    return out


def _groups(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(record order sorted by code, group starts, group sizes) over non-missing codes."""
    idx = np.nonzero(codes >= 0)[0]
    order = idx[np.argsort(codes[idx], kind="stable")]
    sc = codes[order]
    if len(sc) == 0:
        z = np.zeros(0, dtype=np.int64)
        return order, z, z
    starts = np.concatenate(([0], np.nonzero(sc[1:] != sc[:-1])[0] + 1))
    sizes = np.diff(np.concatenate((starts, [len(sc)])))
    return order, starts, sizes


def count_pairs_within(codes: np.ndarray, max_block_size: int | None = None) -> int:
    _, _, sizes = _groups(codes)
    if max_block_size:
        sizes = sizes[sizes <= max_block_size]
    return int((sizes * (sizes - 1) // 2).sum())


def _expand(order: np.ndarray, starts: np.ndarray, sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All pairs inside the given groups (positions in ``order``), vectorised."""
    keep = sizes >= 2
    starts, sizes = starts[keep], sizes[keep]
    if len(starts) == 0:
        z = np.zeros(0, dtype=np.int64)
        return z, z
    # position p in a group [s, s+n) pairs with p+1 .. s+n-1
    offs = np.cumsum(sizes) - sizes
    pos = np.repeat(starts, sizes) + (np.arange(int(sizes.sum())) - np.repeat(offs, sizes))
    ends = np.repeat(starts + sizes, sizes)
    cnt = ends - pos - 1
    total = int(cnt.sum())
    left = np.repeat(pos, cnt)
    first = np.cumsum(cnt) - cnt
    right = left + 1 + (np.arange(total) - np.repeat(first, cnt))
    a, b = order[left], order[right]
    return np.minimum(a, b), np.maximum(a, b)


def pairs_within(codes: np.ndarray, max_block_size: int | None = None) -> tuple[np.ndarray, np.ndarray, int]:
    """Pairs (i<j) of records sharing a code; blocks over ``max_block_size`` skipped (count returned)."""
    order, starts, sizes = _groups(codes)
    skipped = 0
    if max_block_size:
        big = sizes > max_block_size
        skipped = int(big.sum())
        starts, sizes = starts[~big], sizes[~big]
    i, j = _expand(order, starts, sizes)
    return i, j, skipped


def _cross_source(i: np.ndarray, j: np.ndarray, source: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    if source is None:
        return i, j
    keep = source[i] != source[j]
    return i[keep], j[keep]


def block_pairs(
    rule_codes: list[np.ndarray],
    n: int,
    source: np.ndarray | None = None,
    max_block_size: int | None | list[int | None] = 5000,
) -> tuple[np.ndarray, np.ndarray, BlockingStats]:
    """Union of the rules' pairs, deduplicated, sorted; with ``source`` only pairs across sources.
    ``max_block_size``: one cap for all rules, or one per rule."""
    keys: list[np.ndarray] = []
    per_rule: list[int] = []
    skipped: list[int] = []
    caps = max_block_size if isinstance(max_block_size, list) else [max_block_size] * len(rule_codes)
    for codes, cap in zip(rule_codes, caps, strict=True):
        i, j, sk = pairs_within(codes, cap)
        i, j = _cross_source(i, j, source)
        per_rule.append(len(i))
        skipped.append(sk)
        keys.append(i * n + j)
    allk = np.unique(np.concatenate(keys)) if keys else np.zeros(0, dtype=np.int64)
    return allk // n, allk % n, BlockingStats(per_rule, skipped, len(allk))


def sample_block_pairs(
    codes: np.ndarray,
    max_pairs: int,
    rng: np.random.Generator,
    source: np.ndarray | None = None,
    max_block_size: int | None = 5000,
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of one rule, from a random subset of its blocks when it has more than ``max_pairs``."""
    order, starts, sizes = _groups(codes)
    ok = (sizes >= 2) & ((sizes <= max_block_size) if max_block_size else True)
    starts, sizes = starts[ok], sizes[ok]
    npairs = sizes * (sizes - 1) // 2
    if npairs.sum() > max_pairs:
        perm = rng.permutation(len(starts))
        take = perm[np.cumsum(npairs[perm]) <= max_pairs]
        take.sort()
        starts, sizes = starts[take], sizes[take]
    i, j = _expand(order, starts, sizes)
    return _cross_source(i, j, source)


def random_pairs(
    n: int, k: int, rng: np.random.Generator, source: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """``k`` random distinct-record pairs (across sources when ``source`` is given)."""
    if source is not None:
        ids_a = np.nonzero(source == source[0])[0]
        ids_b = np.nonzero(source != source[0])[0]
        if len(ids_b) == 0:
            source = None
        else:
            a = ids_a[rng.integers(0, len(ids_a), k)]
            b = ids_b[rng.integers(0, len(ids_b), k)]
            return np.minimum(a, b), np.maximum(a, b)
    a = rng.integers(0, n, k)
    b = rng.integers(0, n - 1, k)
    b = b + (b >= a)
    return np.minimum(a, b), np.maximum(a, b)
