"""Read kept page sets again and compare, field by field, with an earlier reading of the same pages.

    .venv/bin/python bench/reread.py --keep /tmp/kept aged:1259 book:1093 photo:1283 [DIR ...] \
        [--json bench/results/kept_sets_reread.json] [--base bench/results/kept_sets_reread_stop28.json]

A set is ``MODE:SEED`` (a ``bench/html_ledgers.py`` set, MODE one of aged, book, photo, layouts: the
pages ``bench/ocr_foreign.py --MODE --seeds SEED`` reads) or a directory of pages with truth. A missing
``KEEP/MODE/seedSEED`` is generated first (the generator is deterministic, so the pages are the ones read
before). Each set is read by the real ``digitize`` flow and scored by ``bench/ocr_bench.py``'s
``accuracy``. With ``--new`` nothing is read: the two JSON files are compared. With ``--base`` (a JSON written by this script, or by an older run keyed by the kept
directory's path) every field is compared: a field right before and wrong now is a regression, and a
wrong field now accepted (left ``ok``) is named, so a change is judged on what it breaks, not on totals.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from ocr_bench import accuracy  # noqa: E402
from ocr_seeds import BARS, bars_met  # noqa: E402

MODES = {"aged": {"aged": True}, "book": {"book": True}, "photo": {"photo": True}, "layouts": {}}
_KEY = re.compile(r"(aged|book|photo|layouts)[/:](?:seed)?(\d+)/?$")


def set_name(spec: str) -> str:
    """``aged:1259`` for the spec ``aged:1259`` and for a kept directory ``…/aged/seed1259``."""
    m = _KEY.search(spec)
    return f"{m[1]}:{m[2]}" if m else spec


def pages_for(spec: str, keep: Path) -> Path:
    if Path(spec).is_dir():
        return Path(spec)
    mode, seed = spec.split(":")
    out = keep / mode / f"seed{seed}"
    if not out.is_dir():
        from html_ledgers import generate

        # written aside and moved in whole: a run stopped mid-set leaves no partial set to be read later
        part = out.with_name(out.name + ".partial")
        shutil.rmtree(part, ignore_errors=True)
        generate(part, int(seed), 12, **MODES[mode])
        part.rename(out)
    return out


def _fields(errors: list[dict]) -> dict[tuple, dict]:
    return {(e["file"], e["page"], e["row"], e["key"]): e for e in errors}


def compare(base: dict, new: dict) -> list[str]:
    """Lines naming each field that changed between two readings of the same sets."""
    base = {set_name(k): v for k, v in base.items()}
    lines: list[str] = []
    for name, cats in new.items():
        if name not in base:
            continue
        for cat in ("clean", "degraded"):
            if cat not in cats or cat not in base[name]:
                continue
            was, now = _fields(base[name][cat]["errors"]), _fields(cats[cat]["errors"])
            for k in sorted(now.keys() - was.keys()):
                e = now[k]
                lines.append(f"REGRESSED {name} {cat} {k}: want {e['want']!r} got {e['got']!r} ({e['status']})")
            for k in sorted(now.keys() & was.keys()):
                if now[k]["got"] != was[k]["got"] or now[k]["status"] != was[k]["status"]:
                    e, b = now[k], was[k]
                    lines.append(f"changed   {name} {cat} {k}: {b['got']!r} ({b['status']}) -> {e['got']!r} ({e['status']})")
            for k in sorted(was.keys() - now.keys()):
                lines.append(f"fixed     {name} {cat} {k}: now {was[k]['want']!r}")
            for k, e in now.items():
                if e["status"] == "ok":
                    lines.append(f"ACCEPTED  {name} {cat} {k}: want {e['want']!r} got {e['got']!r}")
    return lines


def totals(results: dict) -> dict[str, dict[str, float]]:
    """Fields, accuracy, accepted wrong and flagged over the sets; the clean pages of one seed once. A seed's
    clean pages are the same in every mode (``html_ledgers.build_page`` degrades only the degraded ones), so
    aged 1259 and photo 1259 share theirs: counted twice they had weighed 17 of 78 sets' clean pages double."""
    out = {}
    seeds = {name: m[2] if (m := _KEY.search(name)) else name for name in results}
    first = {seed: name for name, seed in reversed(list(seeds.items()))}
    for cat in ("clean", "degraded"):
        rows = [r[cat] for name, r in results.items() if cat in r and (cat != "clean" or first[seeds[name]] == name)]
        fields = sum(r["fields"] for r in rows)
        right = sum(round(r["accuracy"] * r["fields"]) for r in rows)
        accepted = sum(r["accepted"] for r in rows)
        out[cat] = {"fields": fields, "accuracy": right / fields if fields else 0.0,
                    "accepted_wrong": sum(r["accepted_wrong"] for r in rows), "accepted": accepted,
                    "flagged": sum(r["flagged"] for r in rows)}  # fmt: skip
    return out


def bars_missed(results: dict) -> list[str]:
    """``SET CAT`` for each set and kind of page that misses one of issue 3's bars."""
    return [f"{name} {cat}" for name, r in results.items() for cat in BARS if cat in r and not bars_met(r[cat], cat)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("sets", nargs="*", help="MODE:SEED or a directory of pages with truth")
    ap.add_argument("--keep", type=Path, default=Path("/tmp/hotich-kept"))
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--base", type=Path, default=None, help="an earlier reading of the same sets")
    ap.add_argument("--new", type=Path, default=None, help="compare this reading with --base; read nothing")
    args = ap.parse_args()
    results: dict = json.loads(args.new.read_text(encoding="utf-8")) if args.new else {}
    for spec in [] if args.new else args.sets:
        acc = accuracy(pages_for(spec, args.keep), args.workers)
        results[set_name(spec)] = {cat: acc[cat] for cat in ("clean", "degraded")}
        row = "  ".join(f"{cat} {acc[cat]['accuracy']:.2%} / {acc[cat]['accepted_wrong']} of {acc[cat]['accepted']}"
                        f" / {acc[cat]['review_load']:.1%}" for cat in ("clean", "degraded"))  # fmt: skip
        print(f"{set_name(spec):12s} {row}", flush=True)
        if args.json:
            args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    for cat, t in totals(results).items():
        print(f"all {cat:9s} {t['accuracy']:.2%} of {t['fields']} fields, accepted wrong {t['accepted_wrong']} of "
              f"{t['accepted']}, flagged {t['flagged']}")  # fmt: skip
    missed = bars_missed(results)
    print(f"{len(results) - len({m.split()[0] for m in missed})} of {len(results)} sets meet every bar; missed: "
          f"{', '.join(missed) or 'none'}")  # fmt: skip
    if args.base:
        base = json.loads(args.base.read_text(encoding="utf-8"))
        for line in compare(base, {set_name(k): v for k, v in results.items()}):
            print(line)


if __name__ == "__main__":
    main()
