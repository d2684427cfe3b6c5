"""Fellegi–Sunter without labels: u from random pairs, m by EM over blocked pairs, λ by fixed point.

Levels are an ``(n_pairs, n_comparisons)`` int8 matrix (-1 = missing → no evidence). EM runs over
the distinct level patterns with their counts, so its cost does not grow with the number of pairs.
Training follows Splink: one EM session per training blocking rule, in which the comparisons that
read the rule's columns are left out (their agreement is forced by the blocking), and m of each
comparison is the mean over the sessions that estimated it. The prior λ (probability that two
random records match) is then the fixed point of λ = Σ P(match | pair) / total pairs over the
candidate pairs, with m and u held.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "FSModel",
    "estimate_u",
    "em",
    "em_family",
    "level_patterns",
    "estimate_prior",
    "estimate_priors_family",
    "initial_m",
    "posterior",
]

M_FLOOR = 1e-5


@dataclass
class FSModel:
    """Per comparison: m and u per level; ``log2_prior`` = log2(λ / (1-λ))."""

    names: list[str]
    level_names: list[list[str]]
    m: list[np.ndarray]
    u: list[np.ndarray]
    log2_prior: float = -20.0
    sessions: list[dict] = field(default_factory=list)
    s: list[np.ndarray] | None = None  # family class (same parents, another person), if modelled
    log2_prior_family: float = -60.0

    def family_factors(self) -> list[np.ndarray] | None:
        """log2(s/u) per comparison and level, or None without a family class."""
        if self.s is None:
            return None
        return [np.log2(np.maximum(s, M_FLOOR) / u) for s, u in zip(self.s, self.u, strict=True)]

    def bayes_factors(self) -> list[np.ndarray]:
        """log2(m/u) per comparison and level."""
        return [np.log2(np.maximum(m, M_FLOOR) / u) for m, u in zip(self.m, self.u, strict=True)]

    def as_dict(self) -> dict:
        return {
            "log2_prior": self.log2_prior,
            "prior": 2**self.log2_prior / (1 + 2**self.log2_prior),
            "comparisons": {
                n: {
                    lv: {"m": float(m[k]), "u": float(u[k]), "weight": float(np.log2(max(m[k], M_FLOOR) / u[k]))}
                    for k, lv in enumerate(names)
                }
                for n, names, m, u in zip(self.names, self.level_names, self.m, self.u, strict=True)
            },
            "sessions": self.sessions,
            "family": None
            if self.s is None
            else {
                "log2_prior": self.log2_prior_family,
                "s": {n: [round(float(x), 5) for x in s] for n, s in zip(self.names, self.s, strict=True)},
            },
        }


def estimate_u(levels: np.ndarray, n_levels: list[int]) -> list[np.ndarray]:
    """u per level from the levels of random record pairs (almost all non-matches); half-count smoothing."""
    out = []
    for c, k in enumerate(n_levels):
        col = levels[:, c]
        col = col[col >= 0]
        cnt = np.bincount(col, minlength=k)[:k].astype(np.float64) + 0.5
        out.append(cnt / cnt.sum())
    return out


def initial_m(n_levels: int) -> np.ndarray:
    """A starting m: most mass on the strongest level, decreasing down the ladder."""
    m = 0.5 ** np.arange(n_levels, dtype=np.float64) * 2
    m[0] = 8.0
    m[-1] = 0.3
    return m / m.sum()


def level_patterns(levels: np.ndarray, n_levels: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of ``levels`` and their counts."""
    if len(levels) == 0:
        return levels, np.zeros(0, dtype=np.int64)
    radix = np.array([k + 1 for k in n_levels], dtype=np.int64)
    if np.prod(radix.astype(np.float64)) < 2**62:
        mult = np.cumprod(np.concatenate(([1], radix[:-1])))
        key = (levels.astype(np.int64) + 1) @ mult
        _, first, cnt = np.unique(key, return_index=True, return_counts=True)
        return levels[first], cnt
    pats, cnt = np.unique(levels, axis=0, return_counts=True)
    return pats, cnt


def _loglr(pats: np.ndarray, m: list[np.ndarray], u: list[np.ndarray], use: list[int]) -> np.ndarray:
    s = np.zeros(len(pats))
    for c in use:
        lv = pats[:, c]
        ok = lv >= 0
        bf = np.log(np.maximum(m[c], M_FLOOR) / u[c])
        s[ok] += bf[lv[ok]]
    return s


def em(
    pats: np.ndarray,
    counts: np.ndarray,
    n_levels: list[int],
    u: list[np.ndarray],
    m_init: list[np.ndarray],
    free: list[int],
    prop_init: float = 0.01,
    max_iter: int = 50,
    tol: float = 1e-5,
) -> tuple[list[np.ndarray], float, int]:
    """EM for m of the ``free`` comparisons and the match proportion, u held fixed.

    Returns (m for every comparison — unchanged where not free —, match proportion, iterations).
    """
    m = [x.copy() for x in m_init]
    prop = prop_init
    w = counts.astype(np.float64)
    it = 0
    while it < max_iter:
        it += 1
        logit = np.log(prop / (1 - prop)) + _loglr(pats, m, u, free)
        post = 1.0 / (1.0 + np.exp(-np.clip(logit, -700, 700)))
        pw = post * w
        new_prop = float(np.clip(pw.sum() / w.sum(), 1e-9, 1 - 1e-9))
        delta = abs(new_prop - prop)
        for c in free:
            lv = pats[:, c]
            ok = lv >= 0
            num = np.bincount(lv[ok], weights=pw[ok], minlength=n_levels[c])[: n_levels[c]]
            tot = num.sum()
            if tot > 0:
                new = num / tot
                delta = max(delta, float(np.abs(new - m[c]).max()))
                m[c] = new
        prop = new_prop
        if delta < tol:
            break
    return m, prop, it


def posterior(weight_bits: np.ndarray, log2_prior: float) -> np.ndarray:
    """P(match) from the summed Bayes factors (bits) and the prior log-odds (bits)."""
    return 1.0 / (1.0 + np.exp2(-np.clip(weight_bits + log2_prior, -1000, 1000)))


def estimate_prior(weight_bits: np.ndarray, total_pairs: float, extra_matches: int = 0, iters: int = 100) -> float:
    """log2 prior odds λ/(1-λ) at the fixed point λ = (Σ P(match) + extra) / total pairs."""
    lam = max((float((weight_bits > 0).sum()) + extra_matches) / total_pairs, 1e-12)
    for _ in range(iters):
        lp = np.log2(lam / (1 - lam))
        new = (float(posterior(weight_bits, lp).sum()) + extra_matches) / total_pairs
        new = min(max(new, 1e-15), 0.5)
        if abs(new - lam) <= 1e-6 * lam:
            lam = new
            break
        lam = new
    return float(np.log2(lam / (1 - lam)))


def em_family(
    pats: np.ndarray,
    counts: np.ndarray,
    n_levels: list[int],
    u: list[np.ndarray],
    m_init: list[np.ndarray],
    s_init: list[np.ndarray],
    free: list[int],
    prop_init: tuple[float, float] = (0.05, 0.01),
    max_iter: int = 50,
    tol: float = 1e-5,
    s_free: list[int] | None = None,
) -> tuple[list[np.ndarray], list[np.ndarray], float, float, int]:
    """Three-class EM (Winkler's household model): match, same family but another person, non-match.

    Siblings, twins above all, agree on parents, place, surname and often the birth date; in a
    two-class model they pull m of the child's own fields (given name, sex) towards disagreement.
    A third latent class with its own agreement vector ``s`` absorbs them. u stays fixed.
    ``s_free`` (default: all of ``free``) are the comparisons whose ``s`` is estimated; the others
    keep ``s_init`` — for the person's own fields (given name, sex) that is u: another child of the
    same family is, on those, any other person (Winkler's constraint; left free, EM is not
    identifiable and lets twins with different given names into the match class).
    Returns (m, s, match mass, family mass, iterations); masses are expected pair counts.
    """
    m = [x.copy() for x in m_init]
    s = [x.copy() for x in s_init]
    pm, ps = prop_init
    w = counts.astype(np.float64)
    it = 0
    mass_m = mass_s = 0.0
    s_est = set(free if s_free is None else s_free)
    while it < max_iter:
        it += 1
        lm = np.log(pm) + _loglr(pats, m, u, free)
        ls = np.log(ps) + _loglr(pats, s, u, free)
        lu = np.full(len(pats), np.log(max(1 - pm - ps, 1e-12)))
        top = np.maximum(np.maximum(lm, ls), lu)
        em_, es, eu = np.exp(lm - top), np.exp(ls - top), np.exp(lu - top)
        tot = em_ + es + eu
        wm, ws = w * em_ / tot, w * es / tot
        mass_m, mass_s = float(wm.sum()), float(ws.sum())
        new_pm = float(np.clip(mass_m / w.sum(), 1e-9, 0.98))
        new_ps = float(np.clip(mass_s / w.sum(), 1e-9, 0.98))
        delta = max(abs(new_pm - pm), abs(new_ps - ps))
        for c in free:
            lv = pats[:, c]
            ok = lv >= 0
            for vec, pw in ((m, wm), (s, ws)):
                if vec is s and c not in s_est:
                    continue
                num = np.bincount(lv[ok], weights=pw[ok], minlength=n_levels[c])[: n_levels[c]]
                if num.sum() > 0:
                    new = num / num.sum()
                    delta = max(delta, float(np.abs(new - vec[c]).max()))
                    vec[c] = new
        pm, ps = new_pm, new_ps
        if delta < tol:
            break
    return m, s, mass_m, mass_s, it


def estimate_priors_family(
    match_bits: np.ndarray, family_bits: np.ndarray, total_pairs: float, extra_matches: int = 0, iters: int = 100
) -> tuple[float, float]:
    """log2 prior odds of the match and family classes at their joint fixed point over the candidate pairs."""
    lam_m = max((float((match_bits > 0).sum()) + extra_matches) / total_pairs, 1e-12)
    lam_s = max(float((family_bits > 0).sum()) / total_pairs, 1e-12)
    for _ in range(iters):
        lu = np.log2(max(1 - lam_m - lam_s, 1e-12))
        a = np.clip(match_bits + np.log2(lam_m) - lu, -1000, 1000)
        b = np.clip(family_bits + np.log2(lam_s) - lu, -1000, 1000)
        top = np.maximum(np.maximum(a, b), 0)
        ea, eb, e0 = np.exp2(a - top), np.exp2(b - top), np.exp2(-top)
        new_m = min(max((float((ea / (ea + eb + e0)).sum()) + extra_matches) / total_pairs, 1e-15), 0.5)
        new_s = min(max(float((eb / (ea + eb + e0)).sum()) / total_pairs, 1e-15), 0.5)
        done = abs(new_m - lam_m) <= 1e-6 * lam_m and abs(new_s - lam_s) <= 1e-6 * lam_s
        lam_m, lam_s = new_m, new_s
        if done:
            break
    lu = np.log2(max(1 - lam_m - lam_s, 1e-12))
    return float(np.log2(lam_m) - lu), float(np.log2(lam_s) - lu)
