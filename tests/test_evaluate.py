"""The accuracy scorer: exact match, and the two review figures (what slips through, what is flagged)."""

from __future__ import annotations

from hotich.evaluate import score

TRUTH = [{"file": "a.png", "page": 1, "category": "clean", "page_fields": {"quyenSo": "01"},
          "entries": [{"row": 1, "fields": {"nksHoTen": "Lê Văn A", "nksNgaySinh": "01/02/2003", "ghiChu": ""}}]}]  # fmt: skip


def _record(fields: dict) -> dict:
    return {"source": {"file": "/x/a.png", "page": 1, "row": 1}, "fields": fields}


def test_accuracy_auto_accepted_error_and_review_load() -> None:
    rec = _record({
        "quyenSo": {"value": "01", "status": "ok"},
        "nksHoTen": {"value": "Lê Văn À", "status": "ok"},  # wrong and accepted: nobody will see it
        "nksNgaySinh": {"value": "01/02/2003", "status": "low_confidence", "rules": ["x"]},  # right, but flagged
    })  # fmt: skip
    s = score(TRUTH, [rec])
    assert (sum(s.total.values()), sum(s.correct.values())) == (4, 3)  # the absent ghiChu matches its empty truth
    assert (s.accepted, s.accepted_wrong, s.flagged, s.empty_wrong) == (2, 1, 1, 0)
    assert dict(s.false_alarms) == {"nksNgaySinh": 1}  # flagged, yet right
    assert [(a["key"], a["got"], a["rules"]) for a in s.alarms] == [("nksNgaySinh", "01/02/2003", ["x"])]
    assert s.auto_accepted_error == 1 / 2 and s.review_load == 1 / 4
    assert s.errors == [{"file": "a.png", "page": 1, "row": 1, "key": "nksHoTen", "want": "Lê Văn A",
                         "got": "Lê Văn À", "raw": None, "status": "ok", "confidence": None}]  # fmt: skip


def test_a_missing_entry_counts_every_field_wrong() -> None:
    s = score(TRUTH, [])
    assert s.missing_entries == 1 and s.accuracy == 1 / 4  # only the empty ghiChu "matches"
    assert (s.accepted, s.empty_wrong) == (0, 3)
