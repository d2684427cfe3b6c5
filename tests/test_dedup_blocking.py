from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

from pipeline.dedup.blocking import block_pairs, combine_codes, key_codes, pairs_within, random_pairs
from pipeline.dedup.config import default_config_path, load_config

_BENCH = Path(__file__).resolve().parents[1] / "bench" / "dedup_data.py"


def _data():
    spec = importlib.util.spec_from_file_location("dedup_data", _BENCH)
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader
    spec.loader.exec_module(mod)
    return mod


def test_pairs_within_blocks_only() -> None:
    i, j, skipped = pairs_within(np.array([0, 1, 0, 2, 0, 1, -1, 3]))
    assert skipped == 0
    assert set(zip(i.tolist(), j.tolist(), strict=True)) == {(0, 2), (0, 4), (2, 4), (1, 5)}


def test_oversized_blocks_are_skipped_and_reported() -> None:
    i, _, skipped = pairs_within(np.zeros(100, dtype=np.int64), max_block_size=50)
    assert len(i) == 0 and skipped == 1


def test_combined_key_missing_if_any_part_missing() -> None:
    a = key_codes(["AN", "AN", None, "BINH"], "raw")
    b = key_codes(["1990", "1990", "1990", None], "raw")
    c = combine_codes([a, b])
    assert c[0] == c[1] and c[2] == -1 and c[3] == -1


def test_union_is_deduplicated_and_link_only_crosses_sources() -> None:
    r1 = np.array([0, 0, 0, 1])
    r2 = np.array([5, 5, -1, 5])
    i, j, st = block_pairs([r1, r2], 4)
    assert st.candidate_pairs == len(set(zip(i.tolist(), j.tolist(), strict=True))) == 6 - 1  # (2,3) absent
    src = np.array([0, 0, 1, 1])
    i, j, _ = block_pairs([r1, r2], 4, source=src)
    assert all(src[a] != src[b] for a, b in zip(i, j, strict=True))


def test_random_pairs_distinct_records() -> None:
    i, j = random_pairs(10, 1000, np.random.default_rng(0))
    assert (i != j).all() and (i < j).all()


def test_vn_blocking_never_all_pairs_and_finds_planted_duplicates() -> None:
    data = _data()
    recs = data.generate(3000, seed=3)
    truth = data.true_pairs(recs)
    cfg = load_config(default_config_path("khai_sinh"))
    kc = {k: key_codes([r.get(s.column) or None for r in recs], s.transform) for k, s in cfg.keys.items()}
    for rule in cfg.blocking:
        assert not (len(rule) == 1 and rule[0] == "ho"), "never block on surname alone"
    i, j, st = block_pairs([combine_codes([kc[k] for k in rule]) for rule in cfg.blocking], len(recs))
    n = len(recs)
    assert st.candidate_pairs < n * (n - 1) // 2 / 100
    ids = [r["record_id"] for r in recs]
    found = {tuple(sorted((ids[a], ids[b]))) for a, b in zip(i.tolist(), j.tolist(), strict=True)}
    recall = len(truth & found) / len(truth)
    assert recall > 0.97


def test_key_codes_in_order_of_appearance_missing_is_minus_one() -> None:
    cases = [
        (["Nguyễn Văn An", None, "NGUYEN VAN AN", "Lê Thị Bình", ""], "given", [0, -1, 0, 1, -1]),
        (["1990-01-02", "02/01/1990", "1990", None], "year", [0, 0, 0, -1]),
        (["Huỳnh Văn A", "Hoàng Thị B", "Võ C"], "surname", [0, 0, 1]),
    ]
    for values, transform, want in cases:
        assert key_codes(values, transform).tolist() == want, (values, transform)


def test_per_rule_block_cap_skips_only_that_rules_big_blocks() -> None:
    from pipeline.dedup.config import config_from_dict

    a = np.array([0, 0, 0, 1, 1, 2, 2, 2, 2])  # blocks of 3, 2 and 4 records
    b = np.array([5, 5, 6, 6, 7, 7, 8, 8, -1])
    cases = [  # caps per rule -> pairs per rule, skipped blocks per rule
        ([None, None], [3 + 1 + 6, 4], [0, 0]),
        ([3, None], [3 + 1, 4], [1, 0]),
        ([2, 1], [1, 0], [2, 4]),
    ]
    for caps, per_rule, skipped in cases:
        _, _, st = block_pairs([a, b], len(a), None, caps)
        assert st.pairs_per_rule == per_rule and st.skipped_blocks == skipped, caps
    cfg = config_from_dict(
        {
            "comparisons": [{"name": "ten", "kind": "name", "column": "nksHoTen", "part": "given"}],
            "keys": {
                "t": {"column": "nksHoTen", "transform": "given"},
                "y": {"column": "nksNgaySinh", "transform": "year"},
            },
            "blocking": [["t", "y"], {"keys": ["t"], "max_block_size": 20}],
        }
    )
    assert cfg.blocking == [["t", "y"], ["t"]] and cfg.rule_max_block == [None, 20]


def test_window_pairs_only_sorted_neighbours_inside_a_block() -> None:
    # one block of 5 records (0..4), one of 2 (5, 6), record 7 alone, 8 missing
    codes = np.array([0, 0, 0, 0, 0, 1, 1, 2, -1])
    sort = np.array([4, 0, 3, 1, 2, 0, 0, 0, 0])  # block 0 in sorted order: 1, 3, 4, 2, 0
    cases = [  # window -> pairs
        (2, {(1, 3), (3, 4), (2, 4), (0, 2), (5, 6)}),
        (3, {(1, 3), (3, 4), (2, 4), (0, 2), (1, 4), (2, 3), (0, 4), (5, 6)}),
        (5, {(a, b) for a in range(5) for b in range(a + 1, 5)} | {(5, 6)}),  # block ≤ window: all pairs
    ]
    for window, want in cases:
        i, j, skipped = pairs_within(codes, window=window, sort=sort)
        got = list(zip(i.tolist(), j.tolist(), strict=True))
        assert set(got) == want and len(got) == len(want) and skipped == 0, window
    # with a cap, a too-large block is still skipped and counted
    i, _, skipped = pairs_within(codes, max_block_size=4, window=3, sort=sort)
    assert i.tolist() == [5] and skipped == 1


def test_window_bounds_pairs_per_record_as_blocks_grow() -> None:
    """All records in one block: a window keeps the pairs linear in the block size, not quadratic."""
    for size in (10, 100, 1000):
        i, j, _ = pairs_within(np.zeros(size, dtype=np.int64), window=3)
        assert len(i) == 2 * size - 3 and (i < j).all()


def test_sort_codes_keep_missing_and_order_by_text() -> None:
    from pipeline.dedup.blocking import key_codes_column, sort_codes
    from pipeline.dedup.comparisons import Column

    col = Column.encode(["Trần Văn Bình", None, "Lê Thị An", "Trần Bình", "Nguyễn An"])
    ordered = key_codes_column(col, "surname", ordered=True)
    assert ordered.tolist() == [2, -1, 0, 2, 1]  # LE < NGUYEN < TRAN; missing stays -1
    assert key_codes_column(col, "surname").tolist() == [0, -1, 1, 0, 2]  # order of appearance
    given = key_codes_column(col, "given", ordered=True)  # AN < BINH
    s = sort_codes([ordered, given])
    assert s.tolist() == [3, 0, 1, 3, 2] and (s >= 0).all()  # the missing surname sorts first


def test_window_and_sort_read_from_config() -> None:
    import pytest

    from pipeline.dedup.config import config_from_dict

    data = {
        "comparisons": [{"name": "ten", "kind": "name", "column": "nksHoTen", "part": "given"}],
        "keys": {
            "t": {"column": "nksHoTen", "transform": "given"},
            "h": {"column": "nksHoTen", "transform": "surname"},
        },
        "blocking": [{"keys": ["t"], "window": 3, "sort": ["h"]}, ["h"]],
    }
    cfg = config_from_dict(data)
    assert cfg.rule_window == [3, None] and cfg.rule_sort == [["h"], []]
    with pytest.raises(ValueError, match="unknown key"):
        config_from_dict({**data, "blocking": [{"keys": ["t"], "window": 3, "sort": ["nope"]}]})
    with pytest.raises(ValueError, match="window"):
        config_from_dict({**data, "blocking": [{"keys": ["t"], "window": 1}]})
