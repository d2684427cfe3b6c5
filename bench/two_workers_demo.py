"""Several machines, shown on one: a Prefect server on PostgreSQL, a process work pool, two workers.

    .venv/bin/python bench/two_workers_demo.py [--pages 12] [--batch-pages 2] [--json out.json]

1. a throwaway PostgreSQL cluster: one database for Prefect's state, two for records;
2. ``prefect server start`` on it; a ``process`` work pool; the deployments registered to it
   (``flows.deployments.deploy_all``, code source = this checkout); two ``prefect worker start``
   processes (each stands for one OCR machine, ``--limit 1``);
3. the reference: the ``digitize`` flow, one process, ``workers=1``, into records database A;
4. the split run: ``digitize-split`` submits one ``digitize-batch`` flow run per batch
   (``run_deployment(timeout=0, idempotency_key=...)``); the workers pull them; records database B;
5. checks: every page loaded exactly once in B (one run_page row per page across all batch runs), both
   workers ran batches, and the exported records of A and B are identical.

Prints what it measured and exits non-zero when a check fails.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._pages import make_pages  # noqa: E402
from bench._pg import throwaway_cluster  # noqa: E402
from bench._prefect import drain_client, prefect_stack  # noqa: E402

POOL = "demo-pool"


def _records(db_url: str) -> list[dict]:
    from store import Store

    with Store(db_url) as s:
        return list(s.iter_records())


def _page_loads(db_url: str) -> tuple[Counter, dict[str, list[str]]]:
    """How many times each page was loaded (across all runs), and the pages of each worker."""
    from sqlalchemy import select

    from store import Page, Run, RunPage, Store

    with Store(db_url) as s, s.engine.connect() as conn:
        rows = conn.execute(
            select(Page.file_sha256, Page.page_no, RunPage.outcome, Run.params)
            .join(RunPage, RunPage.page_id == Page.id)
            .join(Run, Run.id == RunPage.run_id)
        ).all()
    loads: Counter = Counter()
    by_worker: dict[str, list[str]] = {}
    for r in rows:
        loads[(r.file_sha256, r.page_no, r.outcome)] += 1
        w = f"{r.params.get('host')}:{r.params.get('worker_pid')}"
        by_worker.setdefault(w, []).append(f"{r.file_sha256[:8]}:{r.page_no}")
    return loads, by_worker


def run_demo(pages: int = 12, batch_pages: int = 2, workdir: Path | None = None) -> dict:
    workdir = Path(workdir or tempfile.mkdtemp(prefix="hotich-2w-"))
    files = make_pages(workdir / "scans", pages)
    paths = [str(p) for p in files]
    out: dict = {"pages": pages, "batch_pages": batch_pages, "load_avg_start": os.getloadavg()}
    with throwaway_cluster() as pg:
        prefect_db = pg.create_db("prefect")
        rec_a, rec_b = pg.create_db("records_single"), pg.create_db("records_split")
        with prefect_stack(workdir / "prefect", prefect_db) as stack:
            out["server_start_s"] = round(stack.server_started_s, 1)
            os.environ.update(stack.env)  # this process is a client of the same server
            os.environ["HOTICH_PAGE_STORE"] = str(workdir / "page_store")
            os.environ["HOTICH_QUARANTINE_DIR"] = str(workdir / "quarantine")
            stack.env.update({k: os.environ[k] for k in ("HOTICH_PAGE_STORE", "HOTICH_QUARANTINE_DIR")})
            from hotich.settings import get_settings

            get_settings.cache_clear()
            stack.prefect("work-pool", "create", POOL, "--type", "process")
            from flows.deployments import deploy_all, deployment_specs

            specs = [s for s in deployment_specs() if s.name == "digitize-batch"]
            deploy_all(POOL, specs)
            for name in ("a", "b"):
                stack.start_worker(POOL, f"worker-{name}", limit=1)

            from flows.deployments import digitize_split
            from flows.digitize import digitize

            t = time.perf_counter()
            single = digitize(paths=paths, db_url=rec_a, workers=1)
            out["single_s"] = round(time.perf_counter() - t, 1)
            t = time.perf_counter()
            split = digitize_split(paths=paths, batch_pages=batch_pages, db_url=rec_b, poll_seconds=1.0)
            out["split_s"] = round(time.perf_counter() - t, 1)
            out["single_summary"] = {
                k: single.get(k) for k in ("pages", "processed", "quarantined", "failed", "entries")
            }
            out["split"] = {k: split[k] for k in ("files", "pages", "batches", "states")}

            loads, by_worker = _page_loads(rec_b)
            worker_pids = {str(w.pid) for w in stack.workers}
            recs_a, recs_b = _records(rec_a), _records(rec_b)
            drain_client()
    out["load_avg_end"] = os.getloadavg()
    out["pages_loaded"] = len(loads)
    out["max_loads_per_page"] = max(loads.values(), default=0)
    out["pages_by_worker"] = {w: len(v) for w, v in by_worker.items()}
    out["records_single"], out["records_split"] = len(recs_a), len(recs_b)
    out["records_identical"] = recs_a == recs_b
    checks = {
        "all batches completed": split["states"] == {"COMPLETED": split["batches"]},
        "every page loaded exactly once": len(loads) == pages and out["max_loads_per_page"] == 1,
        # a batch's flow-run process is a child of the worker that pulled it: its parent pid names the worker
        "both workers ran batches": {w.rsplit(":", 1)[1] for w in by_worker} == worker_pids,
        "records identical to the single-worker run": out["records_identical"] and len(recs_a) > 0,
    }
    out["checks"] = checks
    out["ok"] = all(checks.values())
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", type=int, default=12)
    ap.add_argument("--batch-pages", type=int, default=2)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    t = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="hotich-2w-") as work:
        out = run_demo(args.pages, args.batch_pages, Path(work))
    out["total_s"] = round(time.perf_counter() - t, 1)
    for k, v in out.items():
        print(f"{k:28} {v}")
    if args.json:
        args.json.write_text(json.dumps(out, indent=2, default=str))
    return 0 if out["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
