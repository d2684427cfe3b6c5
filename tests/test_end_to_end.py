"""End to end: the real ``hotich run`` and ``hotich export`` commands (Prefect flow on the embedded server,
Tesseract, SQLite) over a few sample pages and a corrupt file, checked against ground truth."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from hotich.evaluate import score

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "sample_scans"
HOTICH = Path(sys.executable).parent / "hotich"

pytestmark = pytest.mark.slow


def _one_clean_page_per_register() -> list[dict]:
    chosen: dict[str, dict] = {}
    for p in sorted(SAMPLES.glob("*.truth.json")):
        t = json.loads(p.read_text(encoding="utf-8"))
        if t.get("category") == "clean" and t["file"].endswith(".png") and t["register"] not in chosen:
            chosen[t["register"]] = t
    return list(chosen.values())


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> dict:
    truths = _one_clean_page_per_register()
    if len(truths) < 3:
        pytest.fail("data/sample_scans must hold a clean PNG page of each register (run `hotich samples`)")
    work = tmp_path_factory.mktemp("e2e")
    scans = work / "scans"
    scans.mkdir()
    for t in truths:
        shutil.copy(SAMPLES / t["file"], scans / t["file"])
    (scans / "hỏng ảnh.png").write_text("not an image at all")  # a corrupt file with a Vietnamese name
    env = {**os.environ, "HOTICH_DB_URL": f"sqlite:///{work}/hotich.db", "HOTICH_QUARANTINE_DIR": str(work / "q"),
           "PREFECT_HOME": str(work / "prefect"), "HOTICH_WORKERS": "2"}

    def hotich(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(HOTICH), *args], cwd=work, env=env, capture_output=True, text=True, timeout=900)

    first = hotich("run", str(scans))
    export = hotich("export", "--format", "jsonl", "--include-unreviewed", "--out", str(work / "records.jsonl"))
    records = [json.loads(line) for line in (work / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    second = hotich("run", str(scans))
    return {"work": work, "truths": truths, "first": first, "export": export, "records": records,
            "second": second, "db": work / "hotich.db"}


def test_run_succeeds_and_prints_the_summary(batch: dict) -> None:
    first = batch["first"]
    assert first.returncode == 0, first.stdout + first.stderr
    out = first.stdout
    for label in ("files", "pages", "entries found", "fields read", "fields below confidence threshold",
                  "wall time"):
        assert label in out, out
    assert "quarantined" in out and "hỏng ảnh.png" in out  # the bad file is named with its reason


def test_corrupt_file_is_quarantined_with_its_bytes(batch: dict) -> None:
    kept = list((batch["work"] / "q").iterdir())
    assert len(kept) == 1 and kept[0].read_text() == "not an image at all"


def test_records_match_ground_truth(batch: dict) -> None:
    assert batch["export"].returncode == 0, batch["export"].stderr
    s = score(batch["truths"], batch["records"])
    assert s.missing_entries == 0 and s.spurious_entries == 0
    # the benchmark reports exact figures; here a floor that only a broken reader misses
    assert s.accuracy >= 0.90, s.errors[:20]


def test_export_shape_and_lineage(batch: dict) -> None:
    rec = batch["records"][0]
    assert set(rec) >= {"record_id", "register", "source", "status", "fields"}
    assert set(rec["source"]) == {"file", "sha256", "page", "row"}
    name = next(k for k in rec["fields"] if k.endswith("HoTen"))
    f = rec["fields"][name]
    assert set(f) == {"value", "raw", "confidence", "bbox", "status"}
    assert 0.0 <= f["confidence"] <= 1.0 and len(f["bbox"]) == 4 and f["status"] in {"ok", "low_confidence"}
    assert rec["fields"]["quyenSo"]["value"]  # page-level field carried on every record


def test_rerun_changes_nothing(batch: dict) -> None:
    second = batch["second"]
    assert second.returncode == 0, second.stdout + second.stderr
    with sqlite3.connect(batch["db"]) as con:
        tables = {r[0] for r in con.execute("select name from sqlite_master where type='table'")}
        record_table = "record" if "record" in tables else "records"
        n = con.execute(f"select count(*) from {record_table}").fetchone()[0]
    assert n == len(batch["records"])
