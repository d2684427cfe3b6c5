"""Review app benchmark: next-record and save latency over real HTTP with 100,000 records in SQLite.

Bulk-loads synthetic khai sinh pages (``review.demo``: 10 rows a page, about 2 in 3 records need
review) with ``Store.load_pages``, starts ``uvicorn`` in a separate process on a loopback port, logs
in as a reviewer and runs a bounded loop: *next* = POST /next + GET of the record page it redirects
to (what a reviewer waits for); *save* = POST /records/{id}/save with the attention fields (writes
the corrections and events, marks the record reviewed, claims the next one). Prints p50/p95 against
the target (p95 <= 150 ms). Keystrokes per field are measured by tests/test_review_browser.py.

Usage: ``python bench/review_bench.py [--records 100000] [--requests 300] [--db PATH] [--keep]``
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from review import add_user  # noqa: E402
from review.demo import load_demo  # noqa: E402
from store import Store  # noqa: E402

TARGET_P95_MS = 150.0
ROWS = 10
PASSWORD = "bench-password-1"
_SERVER = """
import uvicorn
from review import ReviewConfig, create_app
uvicorn.run(create_app(ReviewConfig.from_env()), host="127.0.0.1", port={port}, log_level="warning",
            access_log=False)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pct(xs: list[float], q: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def _load(db: Path, pages_dir: Path, records: int) -> float:
    store = Store(f"sqlite:///{db}")
    store.migrate()
    t = time.perf_counter()
    # images only for the first pages: the loop reviews a few hundred records from the head of the queue
    load_demo(store, pages_dir, pages=60, rows=ROWS, images=True)
    rest = records // ROWS - 60
    if rest > 0:
        load_demo(store, None, pages=rest, rows=ROWS, salt="bulk", images=False, batch=500)
    add_user(store, "bench", "reviewer", PASSWORD)
    store.dispose()
    return time.perf_counter() - t


def _login(c: httpx.Client) -> str:
    r = c.get("/login")
    tok = re.search(r'name="csrf" value="([^"]+)"', r.text).group(1)
    r = c.post("/login", data={"csrf": tok, "name": "bench", "password": PASSWORD})
    assert r.status_code == 303, r.text
    r = c.get("/queue")
    return re.search(r'name="csrf-token" content="([^"]*)"', r.text).group(1)


def _fields(html: str) -> dict[str, str]:
    return {
        m.group(1): m.group(2)
        for m in re.finditer(r'class="fv attn"[^>]*name="(v\.\w+)" value="([^"]*)"', html)
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--db", type=Path, default=None, help="reuse/keep this SQLite file")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="hotich-review-bench-"))
    db = args.db or work / "review.db"
    pages_dir = (db.parent if args.db else work) / "pages"
    load_s = None
    if not db.exists():
        load_s = _load(db, pages_dir, args.records)
    port = _free_port()
    env = {**os.environ, "HOTICH_DB_URL": f"sqlite:///{db}", "HOTICH_PAGE_STORE": str(pages_dir),
           "HOTICH_SECRET_KEY": "bench-" + "k" * 40, "HOTICH_QUALITY_SAMPLE": "0.02",
           # plain http on loopback with httpx: its cookie jar keeps Secure cookies for https only
           "HOTICH_INSECURE_COOKIES": "1"}  # fmt: skip
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", _SERVER.format(port=port)], env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                httpx.get(f"{base}/login", timeout=1)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.perf_counter() - t > 300:
                    raise SystemExit("server did not start") from None
                time.sleep(0.2)
        start_s = time.perf_counter() - t
        nxt, page, save = [], [], []
        with httpx.Client(base_url=base, follow_redirects=False, timeout=30) as c:
            csrf = _login(c)
            for _ in range(args.requests):
                t0 = time.perf_counter()
                r = c.post("/next", data={"csrf": csrf})
                loc = r.headers["location"]
                if not loc.startswith("/records/"):
                    break
                t1 = time.perf_counter()
                html = c.get(loc).text
                t2 = time.perf_counter()
                nxt.append((t2 - t0) * 1000)
                page.append((t2 - t1) * 1000)
                rid = loc.split("/")[2].split("?")[0]
                form = {"csrf": csrf, **_fields(html)}
                t0 = time.perf_counter()
                r = c.post(f"/records/{rid}/save", data=form)
                save.append((time.perf_counter() - t0) * 1000)
                assert r.status_code == 303, r.text
    finally:
        proc.terminate()
        proc.wait(30)
    out = {
        "records": args.records, "requests": len(save), "load_s": None if load_s is None else round(load_s, 1),
        "server_start_s": round(start_s, 1),
        "next_ms": {"p50": round(_pct(nxt, 0.5), 1), "p95": round(_pct(nxt, 0.95), 1)},
        "record_page_ms": {"p50": round(_pct(page, 0.5), 1), "p95": round(_pct(page, 0.95), 1)},
        "save_ms": {"p50": round(_pct(save, 0.5), 1), "p95": round(_pct(save, 0.95), 1)},
        "target_p95_ms": TARGET_P95_MS,
    }  # fmt: skip
    print(f"records {args.records:,} in SQLite; {len(save)} next + {len(save)} save requests over loopback HTTP")
    for name, key in (("next record (POST /next + GET page)", "next_ms"), ("  of which the record page", "record_page_ms"),
                      ("save (corrections + review + claim next)", "save_ms")):  # fmt: skip
        v = out[key]
        ok = "" if key == "record_page_ms" else ("  OK" if v["p95"] <= TARGET_P95_MS else "  OVER TARGET")
        print(f"{name:44s} p50 {v['p50']:7.1f} ms   p95 {v['p95']:7.1f} ms   (target p95 <= {TARGET_P95_MS:.0f}){ok}")
    print(json.dumps(out))
    if not args.keep and args.db is None:
        import shutil

        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
