"""Operator commands: a run whose pages fail says which and why, ``status`` lists it, ``--resume`` redoes them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from store import Store

ROOT = Path(__file__).resolve().parents[1]
HOTICH = Path(sys.executable).parent / "hotich"
pytestmark = pytest.mark.slow


def test_failed_pages_are_reported_listed_and_resumed(tmp_path: Path) -> None:
    scans = tmp_path / "scans"
    scans.mkdir()
    shutil.copy(ROOT / "data/sample_scans/kt_last_page_01.png", scans / "kt_last_page_01.png")
    env = {**os.environ, "HOTICH_DB_URL": f"sqlite:///{tmp_path}/h.db", "PREFECT_HOME": str(tmp_path / "prefect"),
           "HOTICH_QUARANTINE_DIR": str(tmp_path / "q"), "HOTICH_PAGE_STORE": str(tmp_path / "pages")}

    def hotich(*args: str, **extra: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(HOTICH), *args], cwd=tmp_path, env={**env, **extra}, capture_output=True,
                              text=True, timeout=600)

    # a deadline no page can meet: the worker is killed, the page fails with the reason, the run fails
    first = hotich("run", str(scans), HOTICH_PAGE_TIMEOUT_SECONDS="0.05")
    assert first.returncode == 1, first.stdout + first.stderr
    assert "timed out" in first.stdout and "kt_last_page_01.png" in first.stdout
    store = Store(env["HOTICH_DB_URL"])
    failed_run = store.list_runs(1)[0]
    assert failed_run["status"] == "failed" and failed_run["counts"]["failed"] == 1

    status = hotich("status")
    assert status.returncode == 0 and failed_run["run_id"] in status.stdout and "failed" in status.stdout

    resumed = hotich("run", "--resume", failed_run["run_id"])
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    latest = store.list_runs(1)[0]
    assert latest["params"]["resumes"] == failed_run["run_id"]
    assert latest["counts"]["processed"] == 1 and latest["counts"]["entries"] == 2
    assert (tmp_path / "pages").exists()  # the corrected page image was kept for review
