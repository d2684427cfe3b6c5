"""Bad-input benchmark (issue 8): every hostile input, what the pipeline made of it, time and peak memory.

    .venv/bin/python bench/bad_inputs_bench.py [--out DIR] [--timeout S] [--only NAME ...]

Builds the corpus of ``tests/fault_readers.py`` in a temp folder, then handles each file in a fresh
process exactly as the flow's stages do (``identify`` -> ``page_refs`` -> ``read_ref`` per page, the real
Tesseract engine), so the peak RSS of that process (and of its children: pdfinfo, pdftoppm) is the cost
of that one input. Prints a Markdown table for BENCHMARKS.md. A child that exceeds ``--timeout`` is
killed and reported as such (it would be a failed page under the flow's per-page deadline).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))


def handle_one(path: Path) -> dict:
    """What the flow does with one file, stage by stage; never raises (like the flow)."""
    import pipeline.ocr  # noqa: F401  (the engine's libraries count in the baseline, as in a worker)
    from pipeline.ingest import InputRejected, identify, page_refs
    from pipeline.read_page import ReadOptions, read_ref

    base_kb = _vm("VmRSS")
    t0 = time.perf_counter()
    src = identify(path)
    pages: list[dict] = []
    try:
        refs = page_refs(src)
    except InputRejected as exc:
        pages.append({"page": 0, "outcome": "quarantined", "reason": exc.reason})
    except Exception as exc:  # a crash here would take the whole flow down: report it loudly
        pages.append({"page": 0, "outcome": "CRASH", "reason": f"{type(exc).__name__}: {exc}"[:200]})
    else:
        for ref in refs:
            r = read_ref(ref, ReadOptions())
            pages.append({"page": ref.page_no, "outcome": str(r.status), "reason": r.reason or "",
                          "entries": len(r.entries)})
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss across execve, so a child would report its parent's size.
    # Helpers (pdfinfo, pdftoppm) count through RUSAGE_CHILDREN, which is at least their true peak.
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"pages": pages, "seconds": time.perf_counter() - t0, "rss_mb": max(_vm("VmHWM"), kids) / 1024,
            "base_mb": base_kb / 1024, "kind": src.kind, "size": src.size}


def _vm(key: str) -> int:
    """A /proc/self/status figure in kB (VmHWM: peak resident set of this process image)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def _child(path: str) -> None:
    print(json.dumps(handle_one(Path(path)), ensure_ascii=False))


def measure(path: Path, timeout: float) -> dict:
    t0 = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, __file__, "--child", str(path)], capture_output=True, text=True,
                              timeout=timeout, cwd=ROOT)  # fmt: skip
    except subprocess.TimeoutExpired:
        return {"pages": [{"page": 0, "outcome": "TIMEOUT", "reason": f"killed after {timeout:.0f} s"}],
                "seconds": time.perf_counter() - t0, "rss_mb": float("nan"), "kind": "?", "size": path.stat().st_size}
    if done.returncode != 0 or not done.stdout.strip():
        tail = (done.stderr.strip().splitlines() or ["?"])[-1]
        return {"pages": [{"page": 0, "outcome": f"DIED ({done.returncode})", "reason": tail[:200]}],
                "seconds": time.perf_counter() - t0, "rss_mb": float("nan"), "kind": "?", "size": path.stat().st_size}
    return json.loads(done.stdout.strip().splitlines()[-1])


def _fmt_size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1 << 20 else f"{n / 1024:.0f} KB" if n >= 1024 else f"{n} B"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=None, help="keep the corpus here (default: a temp folder)")
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--only", nargs="*", default=None)
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        _child(args.child)
        return

    import re

    from fault_readers import build_corpus

    with tempfile.TemporaryDirectory(prefix="hotich-bad-") as tmp:
        folder = args.out or Path(tmp)
        items = build_corpus(folder, set(args.only) if args.only else None)
        print("| input | file | outcome per page (reason) | expected | time | peak RSS |")
        print("|---|---|---|---|---:|---:|")
        mismatches = 0
        bases: list[float] = []
        for item in items:
            m = measure(folder / item.rel, args.timeout)
            got = {p["page"]: p for p in m["pages"]}
            ok = set(got) == set(item.expect) and all(
                got[k]["outcome"] == out and re.search(rx, got[k]["reason"] or "") for k, (out, rx) in item.expect.items()
            )
            mismatches += not ok
            bases += [m["base_mb"]] if "base_mb" in m else []
            shown = "<br>".join(
                f"{'file' if p['page'] == 0 else 'p' + str(p['page'])}: **{p['outcome']}**"
                + (f" ({p['entries']} entries)" if p.get("entries") is not None and p["outcome"] == "processed" else "")
                + (f" — {p['reason']}" if p["reason"] else "")
                for p in m["pages"]
            )
            name = item.name + (" 💣" if item.bomb else "")
            print(f"| {name} | `{item.rel}` ({_fmt_size(m['size'])}) | {shown} | {'yes' if ok else 'NO'} "
                  f"| {m['seconds']:.2f} s | {m['rss_mb']:.0f} MB |", flush=True)
        base = f"; peak RSS includes ~{min(bases):.0f} MB of interpreter and libraries (numpy, OpenCV, Tesseract)" if bases else ""
        print(f"\n{len(items)} inputs, {mismatches} not as expected{base}")


if __name__ == "__main__":
    main()
