"""``hotich report``: per-run and per-book counts that tie, and a mismatch that is named (non-zero exit)."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import text
from test_export_cli_support import invoke, page_store  # noqa: F401  (fixture)
from test_export_support import load_samples

from pipeline.model import PageRef, PageResult, PageStatus
from store import Store
from store.export_queries import reconcile

FILES = ("ks_clean_01.png", "kh_clean_01.png", "ks_book_2010.pdf")


def _report(url: str, *extra: str) -> tuple[int, dict, str]:
    r = invoke("report", "--db", url, "--json", *extra)
    body = r.output[: r.output.rindex("}") + 1]
    return r.exit_code, json.loads(body), r.output


def test_counts_tie(db_url: str, tmp_path: Path, page_store: Path) -> None:  # noqa: F811
    store = Store(db_url)
    store.migrate()
    results = load_samples(store, page_store, FILES)
    run = store.start_run({"paths": ["bad"]})
    ref = PageRef("/scans/bad.png", "f" * 64, 1, "image")
    store.load_page(run, PageResult(ref=ref, status=PageStatus.FAILED, reason="tool crashed"))
    store.record_quarantine(run, "e" * 64, "/scans/junk.bin", None, "not an image", None)
    store.finish_run(run, "completed", store.run_summary(run))
    rec = next(iter(store.iter_records(status="needs_review")))
    low = next(k for k, f in rec["fields"].items() if f["status"] == "low_confidence")
    store.correct_field(rec["record_id"], low, "NGUYỄN VĂN A", actor="reviewer")  # the review closes it
    assert (
        invoke("export", "--format", "moj-xlsx", "--out", str(tmp_path / "o"), "--db", db_url).exit_code == 0
    )

    code, rep, out = _report(db_url)
    assert code == 0, out
    assert rep["mismatches"] == []
    first, second = rep["runs"]
    n_entries = sum(len(p.entries) for p in results)
    assert (first["pages_received"], first["processed"], first["entries"]) == (
        len(results),
        len(results),
        n_entries,
    )
    assert (second["pages_received"], second["failed"], second["quarantined"], second["processed"]) == (
        2,
        1,
        1,
        0,
    )
    assert first["fields"] == (first["fields_auto_accepted"] + first["fields_reviewed"] + first["fields_open"]
                               + first["fields_empty"])  # fmt: skip
    assert first["fields_reviewed"] == 1 and first["fields_open"] == len(results) - 1
    books = {b["quyenSo"]: b for b in rep["books"]}
    assert set(books) == {"01/2008", "03/2012", "01/2010"}
    b = books["01/2010"]
    assert (
        b["pages"] == 3 and b["entries"] == b["entries_ok"] + b["entries_needs_review"] + b["entries_invalid"]
    )
    assert b["entries_exported"] == b["entries_ok"] and b["duplicate_links"] == 0
    assert sum(x["entries_ok"] for x in rep["books"]) == n_entries - len(results) + 1  # one reviewed
    assert sum(x["entries"] for x in rep["books"]) == n_entries
    # --book and --run narrow the report
    code, one, _ = _report(db_url, "--book", "01/2010")
    assert code == 0 and [x["quyenSo"] for x in one["books"]] == ["01/2010"]
    code, r2, _ = _report(db_url, "--run", second["run_id"])
    assert code == 0 and len(r2["runs"]) == 1 and r2["books"] == []
    # human-readable form too
    plain = invoke("report", "--db", db_url)
    assert plain.exit_code == 0 and "all counts tie" in plain.output
    store.dispose()


def test_mismatches_are_named(db_url: str, page_store: Path) -> None:  # noqa: F811
    store = Store(db_url)
    store.migrate()
    load_samples(store, page_store, FILES[:1])
    assert reconcile(store)["mismatches"] == []
    with store.engine.begin() as c:
        # a record marked ok behind the pipeline's back while a field is still open
        c.execute(text("UPDATE record SET status = 'ok' WHERE status = 'needs_review'"))
        # and a run whose stored counts no longer match its pages
        c.execute(text("DELETE FROM run_page WHERE page_id = (SELECT min(page_id) FROM run_page)"))
    code, rep, out = _report(store.url)
    assert code == 1
    text_ = " ".join(rep["mismatches"])
    assert "status disagrees with their fields" in text_
    assert "when the run finished" in text_
    assert "MISMATCH" in out
    store.dispose()


def test_duplicate_links_counted(db_url: str, page_store: Path) -> None:  # noqa: F811
    store = Store(db_url)
    store.migrate()
    load_samples(store, page_store, FILES[:1])
    assert reconcile(store)["duplicate_links"] == 0
    ids = [r["record_id"] for r in store.iter_records()]
    js = "CAST(:w AS json)" if store.dialect == "postgresql" else ":w"
    has_table = _has_dup(store)
    with store.engine.begin() as c:
        if not has_table:  # the review module's table (migration 0002) is not in this tree: make its shape
            c.execute(text("CREATE TABLE dup_pair (id INTEGER PRIMARY KEY, record_id_l VARCHAR(40), "
                           "record_id_r VARCHAR(40), probability FLOAT, weights JSON, status VARCHAR(8), "
                           "decision VARCHAR(10), updated_at TIMESTAMP)"))  # fmt: skip
        for i, (left, right, st) in enumerate(
            [(ids[0], ids[1], "link"), (ids[2], ids[3], "review")], start=1
        ):
            c.execute(text(f"INSERT INTO dup_pair (id, record_id_l, record_id_r, probability, weights, status, "
                           f"updated_at) VALUES (:i, :l, :r, 0.9, {js}, :s, CURRENT_TIMESTAMP)"),
                      {"i": i, "l": left, "r": right, "w": "{}", "s": st})  # fmt: skip
    rep = reconcile(store)
    assert (rep["duplicate_candidates"], rep["duplicate_links"]) == (2, 1)
    assert (rep["books"][0]["duplicate_candidates"], rep["books"][0]["duplicate_links"]) == (2, 1)
    assert rep["mismatches"] == []
    store.dispose()


def _has_dup(store: Store) -> bool:
    from sqlalchemy import inspect

    return inspect(store.engine).has_table("dup_pair")


def test_unknown_run_is_a_mismatch(db_url: str) -> None:
    store = Store(db_url)
    store.migrate()
    assert reconcile(store, run_id="nope")["mismatches"] == ["run nope: no such run"]
    store.dispose()
