"""The linkage run: exact duplicates first, blocking, comparisons, unsupervised Fellegi–Sunter, clusters.

``link(records, config, decisions)`` takes plain dicts (one per register entry, national column
names) so a flow can feed it from the database; nothing is written or overwritten, the result only
*links* records. Every scored pair keeps its level and weight per comparison (its explanation).
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pipeline.dedup.blocking import (
    block_pairs,
    combine_codes,
    key_codes_column,
    pairs_within,
    random_pairs,
    sample_block_pairs,
    sort_codes,
)
from pipeline.dedup.cluster import choose_representatives, connected_components
from pipeline.dedup.comparisons import Column, Comparison, Prepared, parse_date
from pipeline.dedup.config import DedupConfig
from pipeline.dedup.folding import canon, fold, fold_iy
from pipeline.dedup.model import (
    FSModel,
    em,
    em_family,
    estimate_prior,
    estimate_priors_family,
    estimate_u,
    initial_m,
    level_patterns,
    posterior,
)

__all__ = ["PairTable", "LinkResult", "link", "review_only_mask", "VIA_MODEL", "VIA_EXACT", "VIA_DECISION"]

VIA_MODEL, VIA_EXACT, VIA_DECISION = 0, 1, 2
_VIA_NAMES = {VIA_MODEL: "model", VIA_EXACT: "exact_key", VIA_DECISION: "decision"}


@dataclass
class PairTable:
    """Scored pairs as columns (record indices ``i`` < ``j``)."""

    i: np.ndarray
    j: np.ndarray
    levels: np.ndarray  # (n, C) int8, -1 = missing
    weights: np.ndarray  # (n, C) float32, bits contributed by each comparison
    match_weight: np.ndarray  # total bits incl. prior
    probability: np.ndarray
    via: np.ndarray  # int8: VIA_MODEL / VIA_EXACT / VIA_DECISION
    decision: np.ndarray  # int8: -1 none, 0 different, 1 same
    accepted: np.ndarray  # bool
    family_weight: np.ndarray | None = None  # bits: -log2(1 + odds of "same family, another person")

    def __len__(self) -> int:
        return len(self.i)


@dataclass
class LinkResult:
    ids: list[str]
    comparison_names: list[str]
    level_names: list[list[str]]
    pairs: PairTable
    clusters: dict[str, str]  # record_id -> cluster_id (the representative's record_id)
    representatives: dict[str, str]  # cluster_id -> record_id
    review_pairs: list[tuple[str, str, float]]
    stats: dict[str, Any]
    model: FSModel
    labels: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0, dtype=np.int64))

    def pair_rows(
        self, min_probability: float = 0.0, only_accepted: bool = False
    ) -> Iterator[dict[str, Any]]:
        """One dict per pair: ids, probability, match weight, status, and level + weight per comparison."""
        p = self.pairs
        sel = (p.probability >= min_probability) | (p.decision >= 0) | (p.via != VIA_MODEL)
        if only_accepted:
            sel &= p.accepted
        for k in np.nonzero(sel)[0].tolist():
            yield self.row(k)

    def row(self, k: int) -> dict[str, Any]:
        p = self.pairs
        thr = self.stats["thresholds"]
        review = (
            p.decision[k] < 0
            and p.via[k] == VIA_MODEL
            and thr["review"] <= p.probability[k]
            and not p.accepted[k]
        )
        out: dict[str, Any] = {
            "record_id_l": self.ids[p.i[k]],
            "record_id_r": self.ids[p.j[k]],
            "match_probability": round(float(p.probability[k]), 6),
            "match_weight": round(float(p.match_weight[k]), 4),
            "via": _VIA_NAMES[int(p.via[k])],
            "decision": {-1: "", 0: "different", 1: "same"}[int(p.decision[k])],
            "status": "link" if p.accepted[k] else ("review" if review else "no_link"),
            "prior_weight": round(self.model.log2_prior, 4),
        }
        for c, name in enumerate(self.comparison_names):
            lv = int(p.levels[k, c])
            out[f"{name}_level"] = self.level_names[c][lv] if lv >= 0 else "null"
            out[f"mw_{name}"] = round(float(p.weights[k, c]), 4)
        if p.family_weight is not None:
            out["mw_family_alternative"] = round(float(p.family_weight[k]), 4)
        return out

    def explain(self, id_a: str, id_b: str) -> dict[str, Any] | None:
        """The scored pair's row (waterfall: prior + per-comparison weights), or None if never compared."""
        index = {r: k for k, r in enumerate(self.ids)}
        a, b = sorted((index[id_a], index[id_b]))
        hit = np.nonzero((self.pairs.i == a) & (self.pairs.j == b))[0]
        return self.row(int(hit[0])) if len(hit) else None


def _clean(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    s = str(v).strip()
    if not s or s in ("-", "—", "…") or s.lower() == "nan":
        return None
    return s


Records = list[Mapping[str, Any]] | Mapping[str, Sequence[Any]]


def _raw(records: Records, name: str) -> Sequence[Any]:
    if isinstance(records, Mapping):  # column-wise input: no per-record dicts held (memory at 1M+)
        col = records.get(name)
        n = len(next(iter(records.values()))) if records else 0
        return [None] * n if col is None else col
    return [r.get(name) for r in records]


def _column(records: Records, name: str) -> Column:
    """The column encoded once (codes + distinct cleaned values): no per-record list of strings."""
    return Column.encode(_raw(records, name), _clean)


def _clear_text_caches() -> None:
    """Drop the module-level memo caches of the text helpers once the columns are prepared: inside
    ``link`` each distinct value is transformed once anyway, and at 1M records these caches hold
    ~1M small strings (~100 MB of peak memory) that no later stage reads."""
    for fn in (canon, fold, fold_iy, parse_date):
        fn.cache_clear()


def compute_levels(
    comps: list[Comparison], preps: list[Prepared], i: np.ndarray, j: np.ndarray
) -> np.ndarray:
    out = np.empty((len(i), len(comps)), dtype=np.int8)
    for c, (comp, prep) in enumerate(zip(comps, preps, strict=True)):
        out[:, c] = comp.levels(prep, i, j)
    return out


def estimate_u_by_sampling(
    comps: list[Comparison],
    preps: list[Prepared],
    n: int,
    max_pairs: int,
    rng: np.random.Generator,
    source: np.ndarray | None,
    min_count: int = 100,
    chunks: int = 10,
) -> list[np.ndarray]:
    """u per comparison from random pairs, in chunks, stopping early once every level seen has
    ``min_count`` observations (levels still unseen after 30 % of ``max_pairs`` are left to smoothing)."""
    step = max(1, max_pairs // chunks)
    out = []
    for comp, prep in zip(comps, preps, strict=True):
        counts = np.zeros(comp.n_levels)
        drawn = 0
        while drawn < max_pairs:
            ri, rj = random_pairs(n, step, rng, source)
            lv = comp.levels(prep, ri, rj)
            counts += np.bincount(lv[lv >= 0], minlength=comp.n_levels)[: comp.n_levels]
            drawn += step
            seen = counts[counts > 0] if drawn >= 0.3 * max_pairs else counts
            if len(seen) and seen.min() >= min_count:
                break
        out.append(
            estimate_u(
                np.repeat(np.arange(comp.n_levels), counts.astype(np.int64))[:, None], [comp.n_levels]
            )[0]
        )
    return out


def compute_weights(
    comps: list[Comparison],
    preps: list[Prepared],
    model: FSModel,
    levels: np.ndarray,
    i: np.ndarray,
    tf_min: float,
    family: bool = False,
    sum_only: bool = False,
) -> np.ndarray:
    """Bits per pair and comparison: log2(m/u), or log2(m/tf(value)) on TF-adjusted exact levels.

    ``family``: the same for the family class (s instead of m). A rare parent's name is as strong
    evidence for "same family" as for "same person"; adjusting only the match side would let twins
    with rare parents' names outweigh the family alternative.
    ``sum_only``: only the total per pair (float64), without the (pairs × comparisons) matrix.
    """
    bfs = model.family_factors() if family else model.bayes_factors()
    mvec = model.s if family else model.m
    assert bfs is not None and mvec is not None
    w = np.zeros(len(levels) if sum_only else levels.shape, dtype=np.float64 if sum_only else np.float32)
    for c, (comp, prep) in enumerate(zip(comps, preps, strict=True)):
        lv = levels[:, c]
        col = np.where(lv >= 0, bfs[c][np.maximum(lv, 0)], 0.0).astype(np.float32)
        if comp.tf:
            m = np.maximum(mvec[c], 1e-5)
            for level, freq in prep.tf.items():
                sel = lv == level
                if sel.any():
                    tf = np.maximum(freq[prep.codes[i[sel]]], tf_min)
                    col[sel] = np.log2(m[level] / tf)
        if sum_only:
            w += col
        else:
            w[:, c] = col
    return w


def review_only_mask(
    comps: list[Comparison], review_only: Mapping[str, list[str]], levels: np.ndarray
) -> np.ndarray:
    """Pairs at a level the configuration keeps from automatic links (e.g. given names that differ
    entirely: with the same parents and birth day that is a twin far more often than one child)."""
    held = np.zeros(len(levels), dtype=bool)
    for c, comp in enumerate(comps):
        for name in review_only.get(comp.name, []):
            held |= levels[:, c] == comp.level_names.index(name)
    return held


def link(
    records: Records,
    config: DedupConfig,
    decisions: Mapping[tuple[str, str], bool] | None = None,
) -> LinkResult:
    """Link ``records`` (dicts with ``config.id_column`` and the compared columns, or one list per
    column name: the same data without a dict per record).

    ``decisions`` maps a pair of record ids to a reviewer's verdict (True = same person); it always
    wins over the model, including transitively (a "different" pair never ends in one cluster).
    """
    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    rng = np.random.default_rng(config.seed)
    ids = [str(v) for v in map(_clean, _raw(records, config.id_column))]
    n = len(ids)
    if len(set(ids)) != n:
        raise ValueError(f"{config.id_column} values must be unique")
    comps = config.build_comparisons()
    names = [c.name for c in comps]
    level_names = [c.level_names for c in comps]
    source = None
    if config.link_type == "link_only":
        if not config.source_column:
            raise ValueError("link_only needs source_column")
        source = _column(records, config.source_column).codes.astype(np.int64)

    # Each column is encoded once and dropped after this stage; what later stages need is kept as
    # int32 codes only (comparisons' Prepared, key codes, completeness, the exact key).
    col_cache: dict[str, Column] = {}

    def column(name: str) -> Column:
        if name not in col_cache:
            col_cache[name] = _column(records, name)
        return col_cache[name]

    preps = [c.prepare_column(column(c.column)) for c in comps]
    kc = {k: key_codes_column(column(spec.column), spec.transform) for k, spec in config.keys.items()}
    sort_keys = {k for keys in config.rule_sort for k in keys}
    kc_sorted = {
        k: key_codes_column(column(config.keys[k].column), config.keys[k].transform, ordered=True)
        for k in sort_keys
    }
    completeness = np.zeros(n, dtype=np.int8)
    for col in config.completeness_columns:
        completeness += column(col).codes >= 0
    exact_parts = [key_codes_column(column(col), "fold") for col in config.exact_key]
    col_cache.clear()
    _clear_text_caches()
    timings["prepare"] = time.perf_counter() - t0

    # 1. exact duplicates (same office, book, so): cheap, first
    t = time.perf_counter()
    ex_i = ex_j = np.zeros(0, dtype=np.int64)
    if exact_parts and all((p >= 0).any() for p in exact_parts):
        ex_i, ex_j, _ = pairs_within(combine_codes(exact_parts), max_block_size=50)
        if source is not None:
            keep = source[ex_i] != source[ex_j]
            ex_i, ex_j = ex_i[keep], ex_j[keep]
    del exact_parts
    exact_keys = set((ex_i * n + ex_j).tolist())

    # 2. blocking
    rule_codes = [combine_codes([kc[k] for k in rule]).astype(np.int32) for rule in config.blocking]
    windows = [config.rule_window[k] if k < len(config.rule_window) else None for k in range(len(rule_codes))]
    own_caps = [
        config.rule_max_block[k] if k < len(config.rule_max_block) else None for k in range(len(rule_codes))
    ]
    # a windowed rule needs no block cap (its pairs are bounded per record); only its own, if set
    caps = [own if own or windows[k] else config.max_block_size for k, own in enumerate(own_caps)]
    sorts = [
        sort_codes([kc_sorted[x] for x in config.rule_sort[k]])
        if k < len(config.rule_sort) and config.rule_sort[k]
        else None
        for k in range(len(rule_codes))
    ]
    bi, bj, bstats = block_pairs(rule_codes, n, source, caps, windows, sorts)
    del rule_codes, sorts, kc_sorted
    if exact_keys:
        keep = ~np.isin(bi * n + bj, ex_i * n + ex_j)
        bi, bj = bi[keep], bj[keep]
    index = {r: k for k, r in enumerate(ids)} if decisions else {}  # a 1M-entry dict only when needed
    dec: dict[int, bool] = {}
    for (a, b), same in (decisions or {}).items():
        if a in index and b in index and a != b:
            x, y = sorted((index[a], index[b]))
            dec[x * n + y] = bool(same)
    cand = set((bi * n + bj).tolist()) if dec else set()
    extra = [k for k in dec if k not in cand and k not in exact_keys]
    dec_i = np.array([k // n for k in extra], dtype=np.int64)
    dec_j = np.array([k % n for k in extra], dtype=np.int64)
    timings["blocking"] = time.perf_counter() - t

    # 3. comparison levels for every pair to score
    t = time.perf_counter()
    all_i = np.concatenate([bi, ex_i, dec_i])
    all_j = np.concatenate([bj, ex_j, dec_j])
    via = np.concatenate(
        [np.full(len(bi), VIA_MODEL), np.full(len(ex_i), VIA_EXACT), np.full(len(dec_i), VIA_DECISION)]
    ).astype(np.int8)
    levels = compute_levels(comps, preps, all_i, all_j)
    timings["compare"] = time.perf_counter() - t

    # 4. training: u by random sampling, m by EM sessions, prior by fixed point
    t = time.perf_counter()
    n_levels = [c.n_levels for c in comps]
    u = estimate_u_by_sampling(comps, preps, n, config.u_max_pairs, rng, source)
    m_sum = [np.zeros(k) for k in n_levels]
    s_sum = [np.zeros(k) for k in n_levels]
    m_mass = np.zeros(len(comps))
    s_mass = np.zeros(len(comps))
    sessions = []
    m0 = [initial_m(k) for k in n_levels]
    family = [c for c, comp in enumerate(comps) if comp.name in set(config.family_comparisons)]
    s0 = [m0[c].copy() if c in family else u[c].copy() for c in range(len(comps))]
    for rule in config.training_blocking:
        cols = config.columns_of_rule(rule)
        free = [c for c, comp in enumerate(comps) if comp.column not in cols]
        codes = combine_codes([kc[k] for k in rule])
        si, sj = sample_block_pairs(codes, config.em_max_pairs, rng, source, config.max_block_size)
        if len(si) == 0 or not free:
            continue
        pats, cnt = level_patterns(compute_levels(comps, preps, si, sj), n_levels)
        if family and all(c in free for c in family):
            m, s_, mm, ms, iters = em_family(
                pats,
                cnt,
                n_levels,
                u,
                m0,
                s0,
                free,
                (0.05, 0.01),
                config.em_max_iterations,
                s_free=[c for c in free if c in family],
            )
            prop = mm / cnt.sum()
        else:
            m, prop, iters = em(pats, cnt, n_levels, u, m0, free, 0.05, config.em_max_iterations)
            s_, mm, ms = s0, prop * cnt.sum(), 0.0
        sessions.append(
            {
                "rule": rule,
                "pairs": int(len(si)),
                "proportion": prop,
                "iterations": iters,
                "family_pairs": round(ms, 1),
            }
        )
        for c in free:
            m_sum[c] += mm * m[c]
            m_mass[c] += mm
            s_sum[c] += ms * s_[c]
            s_mass[c] += ms
    m_final = [m_sum[c] / m_mass[c] if m_mass[c] > 0 else m0[c] for c in range(len(comps))]
    model = FSModel(names, level_names, m_final, u, sessions=sessions)
    if family:
        # the family class is learnt where all family fields are free (e.g. pairs born the same day:
        # twins); on the fields that session was blocked on, it agrees as matches do
        model.s = [s_sum[c] / s_mass[c] if s_mass[c] > 0 else m_final[c].copy() for c in range(len(comps))]
        if config.family_agreement == "fixed":
            # At scale the [dob] session holds mostly non-matches, and a free s drifts to whatever
            # structure they share (1M records: 12 % "family" pairs, s no longer the twins' pattern).
            # Fixed: another child of the same parents, born the same day — agrees as a match on the
            # household fields and the date, like any other person on the rest.
            dob_like = {c for c, comp in enumerate(comps) if comp.kind == "date"}
            model.s = [
                m_final[c].copy() if (c in family or c in dob_like) else u[c].copy()
                for c in range(len(comps))
            ]
    weights = compute_weights(comps, preps, model, levels, all_i, config.tf_min)
    bits = weights.sum(axis=1, dtype=np.float64)
    total_pairs = (
        float(n * (n - 1) // 2) if source is None else float((source == 0).sum() * (source != 0).sum())
    )
    is_model = via == VIA_MODEL
    family_weight = None
    if family:
        fbits = compute_weights(comps, preps, model, levels, all_i, config.tf_min, family=True, sum_only=True)
        model.log2_prior, model.log2_prior_family = estimate_priors_family(
            bits[is_model], fbits[is_model], max(total_pairs, 1.0), extra_matches=len(ex_i)
        )
        family_weight = -np.logaddexp2(0.0, fbits + model.log2_prior_family)
        bits = bits + family_weight
    else:
        model.log2_prior = estimate_prior(bits[is_model], max(total_pairs, 1.0), extra_matches=len(ex_i))
    timings["train"] = time.perf_counter() - t

    # 5. decide
    t = time.perf_counter()
    prob = posterior(bits, model.log2_prior)
    prob[via == VIA_EXACT] = 1.0
    decision = np.full(len(all_i), -1, dtype=np.int8)
    if dec:
        keys = all_i * n + all_j
        for k, pos in zip(keys.tolist(), range(len(keys)), strict=True):
            if k in dec:
                decision[pos] = 1 if dec[k] else 0
    held = review_only_mask(comps, config.review_only, levels)
    accepted = ((prob >= config.match_threshold) & ~held) | (via == VIA_EXACT)
    accepted[decision == 1] = True
    accepted[decision == 0] = False
    review = (decision < 0) & (via == VIA_MODEL) & (prob >= config.review_threshold) & ~accepted

    # 6. clusters: decisions first, exact duplicates, then model links strongest first
    acc = np.nonzero(accepted)[0]
    rank = np.lexsort((-prob[acc], via[acc] != VIA_EXACT, decision[acc] != 1))
    acc = acc[rank]
    cannot = [(int(all_i[k]), int(all_j[k])) for k in np.nonzero(decision == 0)[0]]
    labels, refused = connected_components(n, all_i[acc], all_j[acc], cannot)
    reviewed = np.zeros(n, dtype=bool)
    has_dec = decision >= 0
    reviewed[all_i[has_dec]] = True
    reviewed[all_j[has_dec]] = True
    conf = np.zeros(n)
    np.maximum.at(conf, all_i[accepted], prob[accepted])
    np.maximum.at(conf, all_j[accepted], prob[accepted])
    reps = choose_representatives(labels, reviewed, conf, completeness.astype(np.int64))
    cluster_ids = [ids[r] for r in reps.tolist()]
    clusters = {ids[k]: cluster_ids[labels[k]] for k in range(n)}
    representatives = {cid: cid for cid in cluster_ids}
    rv = np.nonzero(review)[0]
    review_pairs = [(ids[all_i[k]], ids[all_j[k]], float(prob[k])) for k in rv.tolist()]
    timings["cluster"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - t0

    pairs = PairTable(
        all_i, all_j, levels, weights, bits + model.log2_prior, prob, via, decision, accepted, family_weight
    )
    sizes = np.bincount(labels)
    stats = {
        "records": n,
        "candidate_pairs": int(len(bi)),
        "pairs_per_rule": dict(
            zip([" & ".join(r) for r in config.blocking], bstats.pairs_per_rule, strict=True)
        ),
        "skipped_blocks": int(sum(bstats.skipped_blocks)),
        "skipped_blocks_per_rule": dict(
            zip([" & ".join(r) for r in config.blocking], bstats.skipped_blocks, strict=True)
        ),
        "exact_duplicate_pairs": int(len(ex_i)),
        "decision_pairs": int(has_dec.sum()),
        "accepted_pairs": int(accepted.sum()),
        "review_pairs": int(len(review_pairs)),
        "refused_merges": int(refused),
        "clusters": int(len(sizes)),
        "clusters_with_duplicates": int((sizes > 1).sum()),
        "thresholds": {"match": config.match_threshold, "review": config.review_threshold},
        "prior": float(2**model.log2_prior / (1 + 2**model.log2_prior)),
        "timings": {k: round(v, 3) for k, v in timings.items()},
    }
    return LinkResult(
        ids, names, level_names, pairs, clusters, representatives, review_pairs, stats, model, labels
    )
