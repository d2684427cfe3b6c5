"""Field accuracy against ground truth: exact match of the canonical ``value`` (issue 2's measure).

Ground truth is one ``{stem}.p{page}.truth.json`` per page (written by ``hotich samples``). Predictions are
records in the JSONL export shape. A truth entry with no predicted record counts every field wrong; a
predicted record with no truth entry is reported as spurious.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Score:
    correct: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    total: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    errors: list[dict] = field(default_factory=list)
    missing_entries: int = 0
    spurious_entries: int = 0
    accepted: int = 0  # fields left ``ok``: they go through without review
    accepted_wrong: int = 0  # ...and are wrong: the errors no reviewer ever sees
    empty_wrong: int = 0  # fields read as ``empty`` where the page has a value (also unseen by reviewers)
    flagged: int = 0  # fields sent to review (low_confidence or invalid)
    # flagged fields whose value was right after all, shaped like ``errors`` (counted in ``false_alarms``)
    alarms: list[dict] = field(default_factory=list)

    def add(self, key: str, ok: bool, error: dict | None = None) -> None:
        self.total[key] += 1
        self.correct[key] += ok
        if not ok and error is not None:
            self.errors.append(error)

    @property
    def false_alarms(self) -> Counter[str]:
        """Flagged fields whose value was right after all, by field: what the review load spends for nothing."""
        return Counter(a["key"] for a in self.alarms)

    @property
    def accuracy(self) -> float:
        n = sum(self.total.values())
        return sum(self.correct.values()) / n if n else 0.0

    @property
    def auto_accepted_error(self) -> float:
        return self.accepted_wrong / self.accepted if self.accepted else 0.0

    @property
    def review_load(self) -> float:
        n = sum(self.total.values())
        return self.flagged / n if n else 0.0

    def per_field(self) -> dict[str, float]:
        return {k: self.correct[k] / self.total[k] for k in sorted(self.total)}


def load_truth(folder: Path) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.truth.json"))]


def score(truths: Iterable[dict], records: Iterable[dict], category: str | None = None) -> Score:
    """Compare every truth field with the predicted value of the same (file name, page, row)."""
    by_place: dict[tuple[str, int, int], dict] = {}
    for rec in records:
        src = rec["source"]
        by_place[(Path(src["file"]).name, int(src["page"]), int(src["row"]))] = rec
    s = Score()
    seen: set[tuple[str, int, int]] = set()
    pages_scored: set[tuple[str, int]] = set()
    for truth in truths:
        if category and truth.get("category") != category:
            continue
        name, page = truth["file"], int(truth["page"])
        pages_scored.add((name, page))
        for entry in truth["entries"]:
            place = (name, page, int(entry["row"]))
            rec = by_place.get(place)
            seen.add(place)
            if rec is None:
                s.missing_entries += 1
            expected = {**truth.get("page_fields", {}), **entry["fields"]}
            for key, want in expected.items():
                f = {} if rec is None else (rec["fields"].get(key) or {})
                got = f.get("value")
                ok = _same(want, got)
                status = f.get("status") or "empty"
                if status == "ok":
                    s.accepted += 1
                    s.accepted_wrong += not ok
                elif status == "empty":
                    s.empty_wrong += not ok
                else:
                    s.flagged += 1
                # what was read, and (from a lineage export) the rules and the reason that decided its status
                item = {"file": name, "page": page, "row": entry["row"], "key": key, "want": want, "got": got,
                        "raw": f.get("raw"), "status": status, "confidence": f.get("confidence"),
                        **{k: f[k] for k in ("rules", "reason") if f.get(k)}}  # fmt: skip
                if ok and status not in ("ok", "empty"):
                    s.alarms.append(item)
                s.add(key, ok, None if ok else item)
    s.spurious_entries = sum(1 for p in by_place if p[:2] in pages_scored and p not in seen)
    return s


def _same(want: str | None, got: str | None) -> bool:
    if want in (None, ""):
        return got in (None, "")
    return want == got
