"""``hotich match INPUT.csv --out CLUSTERS.csv [--pairs PAIRS.csv] [--config FILE] [--decisions FILE]``.

Reads a CSV with ``record_id`` and national column names (nksHoTen, nksNgaySinh, nksGioiTinh,
meHoTen, chaHoTen, nksNoiSinh, …), links the records and writes ``record_id,cluster_id`` and,
optionally, the scored pairs with the level and weight (bits) of every comparison.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Annotated

import typer

from pipeline.dedup import default_config_path, link, load_config

__all__ = ["match_command", "read_decisions"]


def read_decisions(path: Path) -> dict[tuple[str, str], bool]:
    """CSV ``record_id_l,record_id_r,decision`` with decision ``same``/``different`` (or 1/0, true/false)."""
    out: dict[tuple[str, str], bool] = {}
    with path.open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            v = (row.get("decision") or "").strip().lower()
            if v in ("same", "1", "true", "yes", "match"):
                out[(row["record_id_l"], row["record_id_r"])] = True
            elif v in ("different", "0", "false", "no", "non_match"):
                out[(row["record_id_l"], row["record_id_r"])] = False
    return out


def match_command(
    input: Annotated[Path, typer.Argument(help="CSV with record_id and national column names")],
    out: Annotated[Path, typer.Option("--out", help="output CSV record_id,cluster_id")],
    pairs: Annotated[Path | None, typer.Option("--pairs", help="also write scored pairs with per-field weights")] = None,
    config: Annotated[Path | None, typer.Option("--config", help="YAML linkage config (default: khai_sinh)")] = None,
    decisions: Annotated[
        Path | None, typer.Option("--decisions", help="reviewer decisions CSV: record_id_l,record_id_r,decision")
    ] = None,
) -> None:
    """Find records of the same person and cluster them (records are linked, never changed)."""
    cfg = load_config(config or default_config_path("khai_sinh"))
    with input.open(encoding="utf-8-sig", newline="") as f:
        records = list(csv.DictReader(f))
    if records and cfg.id_column not in records[0]:
        raise typer.BadParameter(f"input has no {cfg.id_column!r} column", param_hint="INPUT")
    res = link(records, cfg, read_decisions(decisions) if decisions else None)
    with out.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow([cfg.id_column, "cluster_id", "is_representative"])
        for rid in res.ids:
            cid = res.clusters[rid]
            w.writerow([rid, cid, int(rid == cid)])
    if pairs is not None:
        with pairs.open("w", encoding="utf-8", newline="") as f:
            rows = res.pair_rows(min_probability=cfg.review_threshold)
            first = next(rows, None)
            if first is None:
                f.write("record_id_l,record_id_r,match_probability,match_weight,via,decision,status\n")
            else:
                w2 = csv.DictWriter(f, fieldnames=list(first))
                w2.writeheader()
                w2.writerow(first)
                w2.writerows(rows)
    s = res.stats
    typer.echo(
        f"{s['records']} records, {s['candidate_pairs']} candidate pairs, {s['accepted_pairs']} links, "
        f"{s['review_pairs']} to review, {s['clusters']} clusters ({s['clusters_with_duplicates']} with duplicates)"
    )
    typer.echo(json.dumps(s["timings"]))
