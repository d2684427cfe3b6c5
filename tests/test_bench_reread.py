"""bench/reread.py's totals (a seed's clean pages, the same in every mode, count once) and its bar count."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from reread import bars_missed, totals  # noqa: E402


def _cat(fields: int, right: int, accepted: int, wrong: int, flagged: int) -> dict:
    return {"fields": fields, "accuracy": right / fields, "accepted": accepted, "accepted_wrong": wrong,
            "flagged": flagged, "auto_accepted_error": wrong / accepted, "review_load": flagged / fields}  # fmt: skip


def test_a_seeds_clean_pages_count_once_its_degraded_ones_per_mode() -> None:
    results = {
        "aged:1259": {"clean": _cat(100, 99, 90, 1, 10), "degraded": _cat(80, 70, 60, 2, 20)},
        "photo:1259": {"clean": _cat(100, 99, 90, 1, 10), "degraded": _cat(50, 45, 40, 0, 10)},
        "book:1091": {"clean": _cat(200, 200, 190, 0, 10), "degraded": _cat(20, 20, 20, 0, 0)},
    }
    t = totals(results)
    assert t["clean"]["fields"] == 300 and t["clean"]["accepted_wrong"] == 1 and t["clean"]["flagged"] == 20
    assert t["clean"]["accuracy"] == 299 / 300
    assert t["degraded"]["fields"] == 150 and t["degraded"]["accepted_wrong"] == 2 and t["degraded"]["accepted"] == 120


def test_the_bars_each_set_misses_are_named() -> None:
    results = {
        "aged:1301": {"clean": _cat(100, 99, 90, 0, 10), "degraded": _cat(100, 98, 89, 0, 11)},  # load 11 %
        "aged:1337": {"clean": _cat(100, 98, 90, 0, 10), "degraded": _cat(100, 97, 90, 0, 10)},  # clean 98 %
        "book:1091": {"clean": _cat(1000, 990, 990, 4, 10), "degraded": _cat(100, 97, 90, 0, 10)},  # all met
        "book:1093": {"clean": _cat(1000, 995, 990, 6, 10), "degraded": _cat(100, 97, 90, 0, 10)},  # 0.61 % wrong
    }
    assert bars_missed(results) == ["aged:1301 degraded", "aged:1337 clean", "book:1093 clean"]
