"""This checkout's page read against another commit's, timed in the same run, with its results compared.

    .venv/bin/python bench/speed_compare.py --base REF [--rounds 4] [--scans data/sample_scans] [--json F]

``ocr_bench.py``'s ratio to plain Tesseract moves by ±0.06 between runs of the same code (the machine's
speed drifts over minutes), more than most changes to the code. This benchmark measures a change directly:
each round reads every sample page once with each version, one child process per version, in the order
A B then B A, so a drift weighs on both alike. The baseline is ``REF`` checked out in a temporary git
worktree, measured in the same run. Each child reports:

- ``read_s``: the whole read (``read_ref``: load, upright, table, cells, fields), one page after the other;
- ``upright_s``: load and make upright alone, no engine (the image work before OCR);
- ``tesseract_s``: the engine's own time inside the read (its calls timed), so Python's share shows;
- ``digest``: a hash of every page's result without its timings, so a speed change that changes a result
  is seen (``same results: no``).

Run it alone: another heavy process on the 2 cores is a drift of its own. Even alone, the machine's speed
moved by 15 % between two rounds of the same code (stop 36: 2 rounds gave 1.13x where both versions made the
same Tesseract calls), hence 4 rounds by default and the median.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENGINE_CALLS = ("set_page", "_read", "orientation", "read_alone")  # whichever the version has


def _timed_engine(total: list[float]) -> None:
    """Wrap the engine's calls so their time adds up in ``total[0]``."""
    from pipeline.ocr import _tesserocr

    cls = _tesserocr.TesserocrEngine
    for name in ENGINE_CALLS:
        f = getattr(cls, name, None)
        if f is None:
            continue

        def timed(self, *a, _f=f, **k):
            t = time.perf_counter()
            try:
                return _f(self, *a, **k)
            finally:
                total[0] += time.perf_counter() - t

        setattr(cls, name, timed)


def child(scans: Path) -> dict:
    """Read every page of ``scans`` with the code this process imports (the tree it runs in)."""
    os.environ["OMP_THREAD_LIMIT"] = "1"
    from _pages import sample_refs  # this script's folder (bench/): it adds no tree to sys.path

    import pipeline
    from pipeline.ingest import load_page
    from pipeline.preprocess import upright
    from pipeline.read_page import ReadOptions, read_ref

    refs = sample_refs(scans)
    engine_s = [0.0]
    _timed_engine(engine_s)
    read_ref(refs[0], ReadOptions())  # warm: the engine's models, imports
    engine_s[0] = 0.0
    digest = hashlib.sha256()
    t = time.perf_counter()
    for ref in refs:
        d = read_ref(ref, ReadOptions()).to_json()
        for k in ("timings", "pipeline_version"):
            d.pop(k, None)
        digest.update(json.dumps(d, sort_keys=True, ensure_ascii=False, default=str).encode())
    read_s = time.perf_counter() - t
    t = time.perf_counter()
    for ref in refs:
        with contextlib.suppress(Exception):  # a page the read quarantined: alike in both versions
            upright(load_page(ref).image)
    upright_s = time.perf_counter() - t
    return {"code": str(Path(pipeline.__file__).resolve().parent.parent), "pages": len(refs),
            "read_s": round(read_s, 2), "upright_s": round(upright_s, 2), "tesseract_s": round(engine_s[0], 2),
            "digest": digest.hexdigest()[:16]}


def _run_child(tree: Path, scans: Path) -> dict:
    # the child runs in ``tree`` with it first on sys.path, so it imports that tree's pipeline
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "speed_compare.py"), "--child", str(scans)],
                         cwd=tree, env={**os.environ, "PYTHONPATH": str(tree)}, check=True,
                         capture_output=True, text=True)
    got = json.loads(out.stdout.strip().splitlines()[-1])
    if Path(got["code"]) != tree.resolve():
        raise SystemExit(f"the child imported {got['code']}, not {tree}")
    return got


def _summary(runs: list[dict]) -> dict:
    return {k: round(statistics.median(r[k] for r in runs), 2) for k in ("read_s", "upright_s", "tesseract_s")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", help="the commit to compare against (a git ref)")
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--scans", type=Path, default=ROOT / "data" / "sample_scans")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child)))
        return
    if not args.base:
        ap.error("--base REF is required")
    base_sha = subprocess.run(["git", "rev-parse", args.base], cwd=ROOT, check=True, capture_output=True,
                              text=True).stdout.strip()
    scans = args.scans.resolve()
    with tempfile.TemporaryDirectory(prefix="hotich-speed-") as tmp:
        base = Path(tmp) / "base"
        subprocess.run(["git", "worktree", "add", "-q", "--detach", str(base), base_sha], cwd=ROOT, check=True)
        try:
            runs: dict[str, list[dict]] = {"base": [], "this": []}
            for i in range(args.rounds):
                order = [("base", base), ("this", ROOT)] if i % 2 == 0 else [("this", ROOT), ("base", base)]
                for name, tree in order:
                    r = _run_child(tree, scans)
                    runs[name].append(r)
                    print(f"round {i + 1} {name:4}: read {r['read_s']:6.1f} s  upright {r['upright_s']:5.1f} s  "
                          f"tesseract {r['tesseract_s']:5.1f} s  ({r['pages']} pages)", flush=True)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, check=False)
    b, t = _summary(runs["base"]), _summary(runs["this"])
    same = {r["digest"] for r in runs["base"]} == {r["digest"] for r in runs["this"]}
    result = {"base": base_sha, "rounds": args.rounds, "pages": runs["this"][0]["pages"],
              "base_s": b, "this_s": t, "ratio": {k: round(t[k] / b[k], 3) for k in b if b[k]},
              "same_results": same, "runs": runs}
    print(f"median of {args.rounds} rounds, base {base_sha[:8]} -> this checkout:")
    for k in b:
        print(f"  {k:12} {b[k]:7.1f} s -> {t[k]:7.1f} s  ({t[k] / b[k]:.3f}x)" if b[k] else f"  {k:12} -")
    print(f"  same results: {'yes' if same else 'NO: the two versions read the pages differently'}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
