from __future__ import annotations

import numpy as np

from pipeline.dedup.model import em, estimate_prior, estimate_u, initial_m, level_patterns, posterior


def _simulate(rng, n, m_true, u_true, prop):
    is_match = rng.random(n) < prop
    cols = []
    for m, u in zip(m_true, u_true, strict=True):
        lm = rng.choice(len(m), size=n, p=m)
        lu = rng.choice(len(u), size=n, p=u)
        cols.append(np.where(is_match, lm, lu))
    return np.stack(cols, axis=1).astype(np.int8), is_match


def test_em_recovers_m_with_u_from_random_pairs() -> None:
    rng = np.random.default_rng(0)
    m_true = [np.array([0.85, 0.1, 0.05]), np.array([0.9, 0.1]), np.array([0.7, 0.2, 0.1]), np.array([0.95, 0.05])]
    u_true = [np.array([0.01, 0.04, 0.95]), np.array([0.05, 0.95]), np.array([0.02, 0.08, 0.9]), np.array([0.5, 0.5])]
    n_levels = [3, 2, 3, 2]
    rand, _ = _simulate(rng, 200_000, m_true, u_true, 0.0)
    u = estimate_u(rand, n_levels)
    for est, true in zip(u, u_true, strict=True):
        assert np.allclose(est, true, atol=0.01)
    blocked, _ = _simulate(rng, 50_000, m_true, u_true, 0.2)
    pats, cnt = level_patterns(blocked, n_levels)
    assert cnt.sum() == 50_000 and len(pats) <= 3 * 2 * 3 * 2
    m, prop, _ = em(pats, cnt, n_levels, u, [initial_m(k) for k in n_levels], free=[0, 1, 2, 3])
    assert abs(prop - 0.2) < 0.02
    for est, true in zip(m, m_true, strict=True):
        assert np.allclose(est, true, atol=0.03)


def test_em_leaves_comparisons_outside_the_session_alone() -> None:
    rng = np.random.default_rng(1)
    m_true = [np.array([0.9, 0.1]), np.array([0.8, 0.2])]
    u_true = [np.array([0.05, 0.95]), np.array([0.1, 0.9])]
    lv, _ = _simulate(rng, 10_000, m_true, u_true, 0.3)
    pats, cnt = level_patterns(lv, [2, 2])
    m0 = [initial_m(2), initial_m(2)]
    m, _, _ = em(pats, cnt, [2, 2], u_true, m0, free=[0])
    assert np.array_equal(m[1], m0[1])


def test_missing_levels_give_no_evidence() -> None:
    lv = np.array([[-1, -1], [0, -1]], dtype=np.int8)
    pats, cnt = level_patterns(lv, [2, 2])
    assert len(pats) == 2


def test_prior_fixed_point_counts_expected_matches() -> None:
    bits = np.array([30.0] * 100 + [-30.0] * 10_000)  # 100 sure matches among 1e6 possible pairs
    lp = estimate_prior(bits, 1e6)
    lam = 2**lp / (1 + 2**lp)
    assert abs(lam * 1e6 - 100) < 1
    assert posterior(np.array([30.0]), lp)[0] > 0.99
