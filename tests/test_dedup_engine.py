from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import pytest

from pipeline.dedup import default_config_path, link, load_config
from pipeline.dedup.cluster import choose_representatives, connected_components

_BENCH = Path(__file__).resolve().parents[1] / "bench" / "dedup_data.py"


def _data():
    spec = importlib.util.spec_from_file_location("dedup_data", _BENCH)
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def synthetic():
    data = _data()
    recs = data.generate(4000, seed=7)
    cfg = load_config(default_config_path("khai_sinh"))
    cfg.u_max_pairs = 200_000
    return recs, data.true_pairs(recs), cfg, link(recs, cfg)


def test_links_planted_duplicates(synthetic) -> None:
    recs, truth, _, res = synthetic
    ids = res.ids
    p = res.pairs
    links = {tuple(sorted((ids[a], ids[b]))) for a, b in zip(p.i[p.accepted], p.j[p.accepted], strict=True)}
    tp = len(links & truth)
    precision, recall = tp / len(links), tp / len(truth)
    assert precision > 0.9 and recall > 0.95


def test_exact_duplicates_recognised_first(synthetic) -> None:
    recs, _, _, res = synthetic
    scans = [r for r in recs if r["kind"] == "scan_twice"]
    assert scans and res.stats["exact_duplicate_pairs"] >= len(scans)
    by_key = {(r["noiDangKy"], r["quyenSo"], r["so"]): r["record_id"] for r in recs if r["kind"] == "original"}
    for s in scans[:20]:
        orig = by_key[(s["noiDangKy"], s["quyenSo"], s["so"])]
        assert res.clusters[orig] == res.clusters[s["record_id"]]
        assert res.explain(orig, s["record_id"])["via"] == "exact_key"


def test_every_scored_pair_is_explained(synthetic) -> None:
    _, _, _, res = synthetic
    row = next(res.pair_rows(min_probability=0.9))
    total = row["prior_weight"] + sum(row[f"mw_{c}"] for c in res.comparison_names)
    total += row.get("mw_family_alternative", 0.0)  # odds of "same parents, another person" (twins)
    assert abs(total - row["match_weight"]) < 0.05
    assert all(f"{c}_level" in row for c in res.comparison_names)


def test_decisions_override_the_model(synthetic) -> None:
    recs, _, cfg, res = synthetic
    p = res.pairs
    k = int(p.probability.argmax())
    a, b = res.ids[p.i[k]], res.ids[p.j[k]]
    far = next(r["record_id"] for r in recs if res.clusters[r["record_id"]] != res.clusters[a])
    res2 = link(recs, cfg, {(a, b): False, (a, far): True})
    assert res2.clusters[a] != res2.clusters[b]  # "different" wins over a sure model link, also transitively
    assert res2.clusters[a] == res2.clusters[far]  # "same" wins over blocking and model
    assert res2.explain(a, far)["decision"] == "same"
    assert res2.clusters[a] == a or res2.clusters[a] in (a, far)  # reviewed records represent the cluster


def test_connected_components_and_cannot_link() -> None:
    import numpy as np

    labels, refused = connected_components(5, np.array([0, 1, 3]), np.array([1, 2, 4]), cannot=[(0, 2)])
    assert labels[0] == labels[1] != labels[2] and labels[3] == labels[4] and refused == 1


def test_representative_rules() -> None:
    import numpy as np

    labels = np.array([0, 0, 0, 1, 1])
    reviewed = np.array([False, True, False, False, False])
    confidence = np.array([0.99, 0.6, 0.99, 0.7, 0.9])
    completeness = np.array([5, 3, 9, 9, 4])
    reps = choose_representatives(labels, reviewed, confidence, completeness)
    assert reps[0] == 1  # reviewed first
    assert reps[1] == 4  # then higher confidence, before completeness
    reps = choose_representatives(labels, np.zeros(5, bool), np.array([0.9, 0.9, 0.9, 0.5, 0.5]), completeness)
    assert reps[0] == 2 and reps[1] == 3  # then more complete


def test_cli_round_trip(tmp_path: Path) -> None:
    import typer
    from typer.testing import CliRunner

    from hotich.commands.match import match_command

    data = _data()
    recs = data.generate(600, seed=11)
    src = tmp_path / "in.csv"
    data.write_csv(recs, src)
    dec = tmp_path / "decisions.csv"
    a, b = recs[0]["record_id"], recs[1]["record_id"]
    dec.write_text(f"record_id_l,record_id_r,decision\n{a},{b},same\n", encoding="utf-8")
    app = typer.Typer()
    app.command()(match_command)
    out, pairs = tmp_path / "clusters.csv", tmp_path / "pairs.csv"
    r = CliRunner().invoke(app, [str(src), "--out", str(out), "--pairs", str(pairs), "--decisions", str(dec)])
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [x["record_id"] for x in rows] == [x["record_id"] for x in recs]
    cl = {x["record_id"]: x["cluster_id"] for x in rows}
    assert cl[a] == cl[b]
    truth = data.true_pairs(recs)
    assert sum(cl[x] == cl[y] for x, y in truth) / len(truth) > 0.9
    prow = next(csv.DictReader(pairs.open(encoding="utf-8")))
    assert {"record_id_l", "record_id_r", "match_probability", "mw_ten", "ten_level"} <= set(prow)


def test_twins_are_not_linked(synthetic) -> None:
    """Same parents, same birth day, another given name: the family class keeps them apart."""
    recs, _, _, res = synthetic
    by: dict[tuple[str, str, str], list[dict]] = {}
    for r in recs:
        if r["kind"] == "original" and r["meHoTen"] and r["chaHoTen"]:
            by.setdefault((r["meHoTen"], r["chaHoTen"], r["nksNgaySinh"]), []).append(r)
    twins = [(g[0], g[1]) for g in by.values() if len(g) == 2 and g[0]["entity_id"] != g[1]["entity_id"]]
    assert len(twins) >= 10
    linked = sum(res.clusters[a["record_id"]] == res.clusters[b["record_id"]] for a, b in twins)
    assert linked / len(twins) < 0.2


def _twin_pair(given_b: str) -> list[dict[str, str]]:
    base = {"nksHoTen": "Trần Thị Phương", "nksNgaySinh": "1993-07-04", "nksGioiTinh": "Nữ",
            "nksNoiSinh": "xã Nghĩa Lợi, huyện Nghĩa Hưng, tỉnh Nam Định", "meHoTen": "Nguyễn Thị Minh",
            "meNgaySinh": "1958", "chaHoTen": "Trần Văn Trí Anh", "chaNgaySinh": "1951"}
    return [{"record_id": "a", **base}, {"record_id": "b", **base, "nksHoTen": f"Trần Thị {given_b}"}]


@pytest.mark.parametrize(
    ("given_b", "ten_level", "held"),
    [
        ("Thảo", "else", True),  # twins: given names entirely different -> review, never an automatic link
        ("Phương", "exact", False),
        ("Phuong", "exact_folded", False),  # diacritics lost: the same name
        ("Phưong", "exact_folded", False),
    ],
)
def test_review_only_levels_hold_pairs_back(synthetic, given_b: str, ten_level: str, held: bool) -> None:
    """``review_only`` in the YAML: a pair at such a level is never linked by the model alone."""
    recs, _, cfg, _ = synthetic
    assert cfg.review_only == {"ten": ["else"]}
    res = link(recs[:300] + _twin_pair(given_b), cfg)
    row = res.explain("a", "b")
    assert row is not None and row["ten_level"] == ten_level
    if held:
        assert row["status"] == "review" and res.clusters["a"] != res.clusters["b"]
        assert ("a", "b") in {(x, y) for x, y, _ in res.review_pairs}
    else:
        assert row["status"] == "link" and res.clusters["a"] == res.clusters["b"]


def test_review_only_unknown_level_is_rejected() -> None:
    from pipeline.dedup.config import config_from_dict

    data = {"comparisons": [{"name": "ten", "kind": "name", "column": "nksHoTen", "part": "given"}],
            "keys": {"t": {"column": "nksHoTen", "transform": "given"}}, "blocking": [["t"]]}
    with pytest.raises(ValueError, match="no level"):
        config_from_dict({**data, "review_only": {"ten": ["nope"]}})
    with pytest.raises(ValueError, match="unknown comparison"):
        config_from_dict({**data, "review_only": {"ho": ["else"]}})


def test_column_lists_link_as_records_do(synthetic) -> None:
    """The column-wise input (one list per column, no dict per record) gives the same links."""
    recs, _, cfg, _ = synthetic
    part = recs[:1500]
    columns = {c: [r.get(c) for r in part] for c in part[0]}
    a, b = link(part, cfg), link(columns, cfg)
    assert a.ids == b.ids and a.clusters == b.clusters
    assert (a.pairs.i == b.pairs.i).all() and (a.pairs.probability == b.pairs.probability).all()
