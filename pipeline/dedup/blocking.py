"""Blocking: candidate pairs from the union of several equality rules on derived keys (never all pairs).

A key is a named transform of one column (``given`` = folded tên of ``nksHoTen``, ``date`` = the birth
date as ISO …). A rule is a list of keys; two records are candidates if they agree on every key of
some rule and none of those keys is missing. Blocks larger than ``max_block_size`` are skipped and
reported, so one frequent value (NGUYỄN) can never explode the pair count. A rule with a ``window``
instead pairs each record only with its next ``window - 1`` neighbours inside the block, in the
order of the rule's ``sort`` keys (sorted neighbourhood within blocks): at most ``window - 1``
pairs per record, however large the register and its blocks grow.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from pipeline.dedup.comparisons import Column, normalize_sex, parse_date
from pipeline.dedup.folding import fold_iy, split_name, surname_variant_key
from pipeline.dedup.places import default_gazetteer

__all__ = [
    "KEY_TRANSFORMS",
    "KeySpec",
    "BlockingStats",
    "key_codes",
    "key_codes_column",
    "combine_codes",
    "sort_codes",
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


# the name-part transforms as functions of split_name's (họ, tên đệm, tên): on a Column the split is
# computed once per distinct name and shared with the name comparisons
_SPLIT_TRANSFORMS: dict[str, Callable[[tuple[str, str, str]], str | None]] = {
    "surname": lambda p: _opt(surname_variant_key(p[0])),
    "given": lambda p: _opt(fold_iy(p[2])),
    "middle": lambda p: _opt(fold_iy(p[1])),
    "surname_given": lambda p: _opt(f"{surname_variant_key(p[0])} {fold_iy(p[2])}".strip()),
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
    """Integer code per record for the transformed value (-1 when missing), in order of appearance."""
    return key_codes_column(Column.encode(values), transform).astype(np.int64)


def key_codes_column(col: Column, transform: str, ordered: bool = False) -> np.ndarray:
    """``key_codes`` of an encoded column (int32), the transform once per distinct value.

    ``ordered``: codes are the keys' ranks in sorted order, so sorting records by code sorts them
    by key text (near-equal keys such as a name and its typo at the end become neighbours)."""
    if transform in _SPLIT_TRANSFORMS:
        f = _SPLIT_TRANSFORMS[transform]
        keys = [f(p) if v else None for v, p in zip(col.values, col.map(split_name), strict=True)]
    else:
        keys = col.map(KEY_TRANSFORMS[transform])
    codes, uniq = col.recode(keys)
    if ordered and uniq:
        rank = np.empty(len(uniq), dtype=np.int32)
        rank[np.argsort(np.array(uniq, dtype=object), kind="stable")] = np.arange(len(uniq), dtype=np.int32)
        codes = np.where(codes >= 0, rank[codes], -1).astype(np.int32)
    return codes


def combine_codes(parts: list[np.ndarray]) -> np.ndarray:
    """One code per record for a tuple of key codes; -1 if any part is missing. Codes are ranks of
    the tuples, so ordered parts give an ordered combination."""
    out = parts[0].astype(np.int64)
    for p in parts[1:]:
        p = p.astype(np.int64, copy=False)
        miss = (out < 0) | (p < 0)
        combo = out * (int(p.max(initial=0)) + 1) + p
        combo[miss] = -1
        ok = combo >= 0
        _, inv = np.unique(combo[ok], return_inverse=True)
        out = np.full(len(combo), -1, dtype=np.int64)
        out[ok] = inv
    return out


def sort_codes(parts: list[np.ndarray]) -> np.ndarray:
    """A sort key per record from (ordered) key codes, lexicographic over ``parts``; a missing
    part sorts first instead of dropping the record (unlike ``combine_codes``)."""
    return combine_codes([p.astype(np.int64) + 1 for p in parts])


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


def pairs_within(
    codes: np.ndarray,
    max_block_size: int | None = None,
    window: int | None = None,
    sort: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, int]:
    """Pairs (i<j) of records sharing a code; blocks over ``max_block_size`` skipped (count returned).

    ``window``: inside a block the records are ordered by ``sort`` (then record index) and each is
    paired with the next ``window - 1`` only (sorted neighbourhood): a block of up to ``window``
    records gives all its pairs, a larger one ~``window - 1`` per record, so the rule's pairs grow
    linearly with the number of records instead of with the square of its block sizes."""
    if window is None:
        order, starts, sizes = _groups(codes)
        skipped = 0
        if max_block_size:
            big = sizes > max_block_size
            skipped = int(big.sum())
            starts, sizes = starts[~big], sizes[~big]
        i, j = _expand(order, starts, sizes)
        return i, j, skipped
    idx = np.nonzero(codes >= 0)[0]
    keys = (idx, codes[idx]) if sort is None else (idx, sort[idx], codes[idx])
    order = idx[np.lexsort(keys)]
    sc = codes[order]
    skipped = 0
    if max_block_size and len(sc):
        _, start, size = np.unique(sc, return_index=True, return_counts=True)
        big = size > max_block_size
        skipped = int(big.sum())
        if skipped:
            drop = np.zeros(len(sc) + 1, dtype=np.int64)
            np.add.at(drop, start[big], 1)
            np.add.at(drop, start[big] + size[big], -1)
            keep = np.cumsum(drop[:-1]) == 0
            order, sc = order[keep], sc[keep]
    out_i, out_j = [], []
    for k in range(1, max(window, 2)):
        same = sc[k:] == sc[:-k]
        if not same.any():
            break  # no block has more than k records left
        a, b = order[:-k][same], order[k:][same]
        out_i.append(np.minimum(a, b))
        out_j.append(np.maximum(a, b))
    if not out_i:
        z = np.zeros(0, dtype=np.int64)
        return z, z, skipped
    return np.concatenate(out_i), np.concatenate(out_j), skipped


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
    windows: list[int | None] | None = None,
    sorts: list[np.ndarray | None] | None = None,
) -> tuple[np.ndarray, np.ndarray, BlockingStats]:
    """Union of the rules' pairs, deduplicated, sorted; with ``source`` only pairs across sources.
    ``max_block_size``: one cap for all rules, or one per rule; ``windows`` / ``sorts``: per rule,
    a sorted-neighbourhood window inside its blocks and the order it runs in (see ``pairs_within``)."""
    keys: list[np.ndarray] = []
    per_rule: list[int] = []
    skipped: list[int] = []
    caps = max_block_size if isinstance(max_block_size, list) else [max_block_size] * len(rule_codes)
    wins = windows or [None] * len(rule_codes)
    srts = sorts or [None] * len(rule_codes)
    for codes, cap, win, srt in zip(rule_codes, caps, wins, srts, strict=True):
        i, j, sk = pairs_within(codes, cap, win, srt)
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
