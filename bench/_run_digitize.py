"""Child process of ``ops_bench``: run the digitize flow once and print one JSON line of measurements.

    python bench/_run_digitize.py DB_URL WORKERS PATH...

Runs against the Prefect server in ``PREFECT_API_URL`` (a persistent one: its start-up is not ours).
A child process of its own so the parent can sample the RSS of exactly this process tree.
Start-up excluded: ``span_s`` runs from the start of the first page's reading (its load time minus its
stage timings) to the load of the last page, from the store's run_page rows.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    db_url, workers, paths = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    t_import = time.perf_counter()
    from sqlalchemy import select

    from flows.digitize import digitize
    from store import RunPage, Store

    t0 = time.perf_counter()
    summary = digitize(paths=paths, db_url=db_url, workers=workers)
    flow_s = time.perf_counter() - t0
    with Store(db_url) as s, s.engine.connect() as conn:
        rows = conn.execute(
            select(RunPage.loaded_at, RunPage.timings).where(RunPage.run_id == summary["run_id"])
        ).all()
    stages = [sum((r.timings or {}).values()) for r in rows]
    starts = [r.loaded_at.timestamp() - st for r, st in zip(rows, stages, strict=True)]
    ends = [r.loaded_at.timestamp() for r in rows]
    out = {
        "workers": workers,
        "pages": len(rows),
        "processed": summary.get("processed"),
        "failed": summary.get("failed"),
        "entries": summary.get("entries"),
        "import_s": t0 - t_import,
        "flow_s": flow_s,
        "span_s": (max(ends) - min(starts)) if rows else 0.0,
        "stage_sum_s": sum(stages),
    }
    print("RESULT " + json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
