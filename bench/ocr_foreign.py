"""Issue 3 on ledger pages the team did not typeset: Chromium-rendered HTML ledgers, scored like the samples.

    .venv/bin/python bench/ocr_foreign.py [--seeds 101,103] [--pages 12] [--keep /tmp/html_ledgers_keep]
        [--json bench/results/ocr_accuracy_html_layouts.json] [--photo]

Each seed is a fresh ``bench/html_ledgers.py`` set (other fonts, column orders, title wordings and line
breaks, numbering rows, two-level marriage headers, page furniture; about half the pages degraded with
``pipeline.samples.degrade``), read by the real ``digitize`` flow and scored by ``hotich.evaluate``
(``bench/ocr_bench.py::accuracy``). Prints one line per seed and category against the issue 3 bars; the
JSON keeps the per-field accuracy and the wrong fields (file, row, key, expected, got, raw, status).
With ``--keep``, each seed's pages stay in ``KEEP/seed<N>/`` for reproduction. With ``--photo`` the
degraded pages are phone photographs of the sheet on a desk (``pipeline.samples.degrade.photograph``:
perspective, the desk around the paper, uneven light, 72 dpi in the JPEG) instead of scans; the clean
pages are the same as without it. With ``--book`` the photographed page lies in an open bound book and
curls into the binding on one side (``pipeline.samples.degrade.curl``). With ``--aged`` the degraded
pages (scanned, or photographed with ``--photo``) are first an old register's: thin paper showing the
reverse page's writing through, yellowed and foxed, the ink faded (``pipeline.samples.degrade.aged``).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from html_ledgers import chromium_available, generate  # noqa: E402
from ocr_bench import accuracy  # noqa: E402
from ocr_seeds import BARS, bars_met  # noqa: E402


def _row(a: dict, cat: str) -> dict:
    row = {k: a[k] for k in ("accuracy", "fields", "auto_accepted_error", "accepted_wrong", "accepted",
                             "review_load", "flagged", "missing_entries", "spurious_entries", "empty_wrong")}  # fmt: skip
    return row | {"bars_met": bars_met(a, cat)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", default="101,103")
    ap.add_argument("--pages", type=int, default=12)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--keep", type=Path, default=None, help="keep each seed's pages in KEEP/seed<N>/")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--photo", action="store_true",
                    help="the degraded pages are phone photographs of the page on a desk, not scans")  # fmt: skip
    ap.add_argument("--book", action="store_true",
                    help="photographs of the page in an open bound book: curled into the binding")  # fmt: skip
    ap.add_argument("--aged", action="store_true",
                    help="the degraded pages are an old register's: the reverse page shows through, faded ink")  # fmt: skip
    args = ap.parse_args()
    if why := chromium_available():
        sys.exit(f"cannot typeset: {why}")
    out: dict = {}
    for seed in (int(s) for s in args.seeds.split(",")):
        with tempfile.TemporaryDirectory(prefix=f"hotich-html{seed}-") as d:
            generate(Path(d), seed, args.pages, photo=args.photo, book=args.book, aged=args.aged)
            acc = accuracy(Path(d), args.workers)
            if args.keep:
                dest = args.keep / f"seed{seed}"
                shutil.rmtree(dest, ignore_errors=True)
                shutil.copytree(d, dest)
        out[seed] = {"summary": acc["summary"], "flow_wall_s": acc["flow_wall_s"]}
        for cat in BARS:
            a = acc[cat]
            row = _row(a, cat)
            errs = a["errors"]
            row["per_field"] = a["per_field"]
            row["errors_by_key"] = dict(Counter(e["key"] for e in errs).most_common())
            row["errors"] = errs
            row["false_alarms"] = a["false_alarms"]
            row["alarms"] = a["alarms"]
            out[seed][cat] = row
            print(f"seed {seed:3d} html {cat:9s} accuracy {a['accuracy']:.2%} ({a['fields']} fields, missing entries "
                  f"{a['missing_entries']}, spurious {a['spurious_entries']})  auto-accepted error "
                  f"{a['auto_accepted_error']:.2%} ({a['accepted_wrong']} of {a['accepted']})  review load "
                  f"{a['review_load']:.1%}  {'bars met' if row['bars_met'] else 'BAR MISSED'}", flush=True)  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
