"""Several machines shown on one: Prefect on PostgreSQL, a process pool, two workers, one split batch.

Every page is loaded exactly once, both workers run batches, and the records equal a single-worker
run's. About a minute on two cores (server start, two workers, 6 small pages read twice).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


def test_two_workers_split_batch_equals_single_worker(tmp_path: Path) -> None:
    from bench._pg import pg_available

    if not pg_available():
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) not installed")
    from bench.two_workers_demo import run_demo

    # the demo points this process at its own Prefect server: put the environment back afterwards
    saved = dict(os.environ)
    try:
        out = run_demo(pages=6, batch_pages=2, workdir=tmp_path)
    finally:
        os.environ.clear()
        os.environ.update(saved)
        from hotich.settings import get_settings

        get_settings.cache_clear()
    assert out["checks"] == {
        "all batches completed": True,
        "every page loaded exactly once": True,
        "both workers ran batches": True,
        "records identical to the single-worker run": True,
    }, out
    assert out["split"]["batches"] == 3
    assert out["records_single"] > 0
