"""Store tests, each run on SQLite and on a throwaway PostgreSQL cluster (``db_url`` in conftest)."""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, func, inspect, select, text

from pipeline.model import BBox, Entry, FieldStatus, FieldValue, PageRef, PageResult, PageStatus
from store import Event, Page, Record, Store, record_id
from store import FieldValue as FieldRow
from store.db import current_revision, head_revision

V1, V2 = "1.0.0", "1.1.0"


def sha(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


def fv(
    key: str, value: str | None, conf: float = 0.95, status: FieldStatus = FieldStatus.OK, x: int = 10
) -> FieldValue:
    return FieldValue(
        key=key,
        raw=value or "",
        value=value,
        confidence=conf,
        bbox=BBox(x, 20, 100, 30) if value else None,
        status=status if value else FieldStatus.EMPTY,
        rules=["nfc"] if value else [],
        details={"parts": value.split()} if value else {},
    )


def page_result(
    file: str = "book1.pdf",
    page_no: int = 1,
    rows: int = 3,
    version: str = V1,
    name_prefix: str = "NGUYỄN VĂN",
) -> PageResult:
    ref = PageRef(path=f"/scans/{file}", sha256=sha(file), page_no=page_no, kind="pdf")
    entries = []
    for row in range(1, rows + 1):
        fields = {
            "so": fv("so", f"{row:02d}"),
            "nksHoTen": fv("nksHoTen", f"{name_prefix} {chr(64 + row)}"),
            "nksNgaySinh": fv("nksNgaySinh", "1987-03-15", conf=0.6 if row == 2 else 0.97,
                              status=FieldStatus.LOW_CONFIDENCE if row == 2 else FieldStatus.OK),
            "meHoTen": fv("meHoTen", None),
        }  # fmt: skip
        entries.append(Entry(row=row, bbox=BBox(0, 100 * row, 2000, 90), fields=fields))
    return PageResult(
        ref=ref,
        status=PageStatus.PROCESSED,
        register="khai_sinh",
        template_id="khai_sinh.tt04_2020",
        rotation=0,
        skew=0.4,
        width=2480,
        height=3508,
        page_fields={
            "quyenSo": fv("quyenSo", "01/2008"),
            "noiDangKy": fv("noiDangKy", "UBND xã Hòa Thịnh, huyện Tây Hòa, tỉnh Phú Yên"),
            "trangSo": fv("trangSo", str(page_no)),
        },
        entries=entries,
        timings={"ocr": 1.25},
        pipeline_version=version,
    )


def counts(store: Store) -> dict[str, int]:
    with store.engine.connect() as c:
        return {
            t: c.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
            for t in ("source_file", "page", "record", "field_value", "page_field", "event")
        }


# -- migrations --------------------------------------------------------------------------------------


def test_migrate_creates_every_table_and_is_idempotent(db_url: str) -> None:
    s = Store(db_url)
    s.migrate()
    s.migrate()  # safe on every start: a no-op at head
    assert current_revision(s.engine) == head_revision()
    tables = set(inspect(s.engine).get_table_names())
    assert {
        "source_file",
        "page",
        "run",
        "run_page",
        "record",
        "field_value",
        "page_field",
        "event",
    } <= tables
    s.dispose()


def test_migrations_match_the_models(store: Store) -> None:
    # the hand-written first migration and models.py describe the same schema
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from store.models import Base

    with store.engine.connect() as c:
        diff = compare_metadata(MigrationContext.configure(c, opts={"compare_type": True}), Base.metadata)
    if store.engine.dialect.name == "postgresql":
        # 0004: on PostgreSQL that one key is enforced by statement triggers instead (tests below)
        assert [(d[0], d[1].name) for d in diff] == [("add_fk", "fk_field_value_record_id_record")]
    else:
        assert diff == []


# -- field_value -> record: the same rule on both backends (PostgreSQL: set-based triggers, 0004) ------


def _value_row(rid: str, key: str = "extra") -> dict:
    return {"record_id": rid, "key": key, "raw": "x", "value": "x", "confidence": 1.0, "status": "ok",
            "rules": [], "details": {}, "source": "ocr", "updated_at": datetime.now(UTC)}  # fmt: skip


def _loaded(store: Store) -> str:
    res = page_result()
    store.load_page(store.start_run({}), res)
    return record_id(res.ref.sha256, res.ref.page_no, 1)


def test_a_value_needs_its_record(store: Store) -> None:
    from sqlalchemy.exc import IntegrityError

    from store.models import FieldValue as FV

    rid = _loaded(store)
    with store.engine.begin() as c:
        c.execute(FV.__table__.insert(), [_value_row(rid)])  # an existing record: accepted
    for rows in ([_value_row("no-such-record")], [_value_row(rid, "more"), _value_row("no-such-record")]):
        with (
            pytest.raises(IntegrityError, match="(?i)foreign key|record that does not exist"),
            store.engine.begin() as c,
        ):
            c.execute(FV.__table__.insert(), rows)
    with store.engine.connect() as c:  # the refused statements left nothing behind
        keys = set(c.execute(select(FieldRow.key).where(FieldRow.record_id == rid)).scalars())
        assert "extra" in keys and "more" not in keys


def test_a_bulk_load_of_orphan_values_is_refused(store: Store) -> None:
    # the COPY path of the loader (many rows) is checked too
    from sqlalchemy.exc import IntegrityError

    from store import _bulk
    from store.models import FieldValue as FV
    from store.repository import _FIELD_COLS

    rid = _loaded(store)
    rows = [(rid if i % 2 else "orphan", f"k{i}", "x", "x", 1.0, None, None, None, None, "ok", None, "[]", "{}",
             "ocr", None, None, datetime.now(UTC)) for i in range(_bulk.COPY_MIN_ROWS + 10)]  # fmt: skip
    with pytest.raises(IntegrityError), store.engine.begin() as c:
        _bulk.insert_new(c, FV.__table__, _FIELD_COLS, rows)


def test_deleting_a_record_deletes_its_values_and_its_id_is_kept(store: Store) -> None:
    from sqlalchemy import delete, update
    from sqlalchemy.exc import IntegrityError

    rid = _loaded(store)
    with pytest.raises(IntegrityError), store.engine.begin() as c:
        c.execute(update(Record).where(Record.record_id == rid).values(record_id="renamed"))
    with store.engine.begin() as c:
        c.execute(delete(Record).where(Record.record_id == rid))
    with store.engine.connect() as c:
        assert c.execute(select(func.count()).where(FieldRow.record_id == rid)).scalar() == 0
        assert (
            c.execute(select(func.count()).select_from(FieldRow)).scalar() > 0
        )  # other records' values stay


@pytest.mark.postgres
def test_values_being_written_lock_their_record_against_delete(pg_url: str) -> None:
    # as the foreign key does: a record cannot be deleted under values an open transaction adds to it
    from sqlalchemy import delete
    from sqlalchemy.exc import OperationalError

    from store.models import FieldValue as FV

    s = Store(pg_url)
    s.migrate()
    rid = _loaded(s)
    with s.engine.connect() as writer, s.engine.connect() as deleter:
        writer.execute(FV.__table__.insert(), [_value_row(rid)])  # not committed
        deleter.execute(text("SET lock_timeout = '300ms'"))
        with pytest.raises(OperationalError, match="lock timeout"):
            deleter.execute(delete(Record).where(Record.record_id == rid))
        deleter.rollback()
        writer.commit()
    with s.engine.connect() as c:
        assert (
            c.execute(select(func.count()).where(FieldRow.record_id == rid, FieldRow.key == "extra")).scalar()
            == 1
        )
    s.dispose()


# -- loading -----------------------------------------------------------------------------------------


def test_load_writes_records_with_lineage(store: Store) -> None:
    run = store.start_run({"paths": ["/scans"]})
    res = page_result()
    stats = store.load_page(run, res)
    assert stats.changed and stats.records == 3 and stats.event_hash
    assert stats.fields == 3 * 4 + 3
    with store.engine.connect() as c:
        rec = c.execute(select(Record).where(Record.record_id == record_id(res.ref.sha256, 1, 2))).one()
        assert rec.record_id == f"{res.ref.sha256[:16]}-p0001-r02"
        assert (rec.bbox_x, rec.bbox_y, rec.bbox_w, rec.bbox_h) == (0, 200, 2000, 90)
        assert rec.status == "needs_review"  # one low-confidence field
        f = c.execute(
            select(FieldRow).where(FieldRow.record_id == rec.record_id, FieldRow.key == "nksHoTen")
        ).one()
        assert (f.raw, f.value, f.status, f.source) == ("NGUYỄN VĂN B", "NGUYỄN VĂN B", "ok", "ocr")
        assert f.rules == ["nfc"] and f.details == {"parts": ["NGUYỄN", "VĂN", "B"]}
        assert (f.bbox_x, f.bbox_y, f.bbox_w, f.bbox_h) == (10, 20, 100, 30)
        page = c.execute(select(Page)).one()
        assert (page.status, page.pipeline_version, page.width, page.skew) == ("processed", V1, 2480, 0.4)


def test_boxes_measured_with_numpy_load_as_integers(store: Store) -> None:
    # a page number's box came from numpy image measurements (np.int64); SQLite's driver binds such a
    # value as an 8-byte blob, which the JSON export then could not write
    import numpy as np

    res = page_result(rows=1)
    res.page_fields["trangSo"] = replace(res.page_fields["trangSo"], bbox=BBox(*map(np.int64, (5, 3200, 40, 20))))
    res.entries[0] = replace(res.entries[0], bbox=BBox(*map(np.int64, (0, 100, 2000, 90))))
    store.load_page(store.start_run({}), res)
    with store.engine.connect() as c:
        rows = c.execute(text("select bbox_x, bbox_y, bbox_w, bbox_h from field_value where key = 'trangSo' "
                              "union all select bbox_x, bbox_y, bbox_w, bbox_h from record")).all()  # fmt: skip
    assert rows and all(type(v) is int for r in rows for v in r), rows


def test_reload_same_result_changes_nothing(store: Store) -> None:
    run = store.start_run({})
    res = page_result()
    store.load_page(run, res)
    before = counts(store)
    ids_before = [r["record_id"] for r in store.iter_records()]
    # again in the same run, in a new run, and with other timings: nothing is written
    again = store.load_page(run, res)
    run2 = store.start_run({})
    store.load_page(run2, replace(res, timings={"ocr": 9.0}))
    after = counts(store)
    assert not again.changed and again.event_hash is None
    assert after == {**before, "event": before["event"] + 1}  # only run2's run_start event
    assert [r["record_id"] for r in store.iter_records()] == ids_before
    assert store.verify_chain().ok


def test_new_file_adds_only_its_records(store: Store) -> None:
    run = store.start_run({})
    store.load_page(run, page_result("a.pdf"))
    before = counts(store)
    store.load_page(run, page_result("a.pdf"))
    store.load_page(run, page_result("b.pdf", rows=2))
    after = counts(store)
    assert after["record"] == before["record"] + 2
    assert after["source_file"] == before["source_file"] + 1


def test_register_file_is_idempotent_and_keeps_first_path(store: Store) -> None:
    store.register_file(sha("x"), "/in/x.pdf", 1234, "pdf", None)
    store.register_file(sha("x"), "/elsewhere/copy-of-x.pdf", 1234, "pdf", 7)
    with store.engine.connect() as c:
        rows = c.execute(text("SELECT path, size, kind, n_pages FROM source_file")).all()
    assert [tuple(r) for r in rows] == [("/in/x.pdf", 1234, "pdf", 7)]


def test_done_pages_resume_set(store: Store) -> None:
    run = store.start_run({})
    store.load_page(run, page_result("a.pdf", 1))
    store.load_page(run, page_result("a.pdf", 2))
    failed = PageResult(ref=page_result("a.pdf", 3).ref, status=PageStatus.FAILED, reason="tesseract crashed",
                        pipeline_version=V1)  # fmt: skip
    store.load_page(run, failed)
    store.record_quarantine(run, sha("bad.png"), "/scans/bad.png", None, "not an image", "/q/bad.png")
    assert store.done_pages(V1) == {(sha("a.pdf"), 1), (sha("a.pdf"), 2)}  # failed pages are retried
    assert store.done_pages(V2) == set()  # a new version redoes everything
    store.load_page(run, page_result("a.pdf", 1, version=V2))
    assert store.done_pages(V2) == {(sha("a.pdf"), 1)}
    assert store.done_pages(V1) == {(sha("a.pdf"), 2)}


def test_failed_retry_never_erases_a_processed_page(store: Store) -> None:
    run = store.start_run({})
    res = page_result()
    store.load_page(run, res)
    store.load_page(
        run, PageResult(ref=res.ref, status=PageStatus.FAILED, reason="timeout", pipeline_version=V2)
    )
    assert counts(store)["record"] == 3
    assert store.done_pages(V1) == {(res.ref.sha256, 1)}


def test_human_correction_survives_reprocessing(store: Store) -> None:
    run = store.start_run({})
    store.load_page(run, page_result())
    rid = record_id(sha("book1.pdf"), 1, 2)
    store.correct_field(rid, "nksNgaySinh", "1987-03-16", actor="reviewer1", reason="checked the scan")
    store.correct_field(rid, "quyenSo", "02/2008", actor="reviewer1")
    # a newer pipeline reads everything differently
    stats = store.load_page(run, page_result(version=V2, name_prefix="NGUYỄN VĂN MỚI"))
    assert stats.changed and stats.human_kept == 2
    rec = {r["record_id"]: r for r in store.iter_records(lineage=True)}[rid]
    assert rec["fields"]["nksNgaySinh"]["value"] == "1987-03-16"
    assert rec["fields"]["nksNgaySinh"]["source"] == "human"
    assert rec["fields"]["nksNgaySinh"]["actor"] == "reviewer1"
    assert rec["fields"]["quyenSo"]["value"] == "02/2008"
    assert rec["fields"]["nksHoTen"]["value"] == "NGUYỄN VĂN MỚI B"  # OCR values were replaced
    assert rec["fields"]["nksHoTen"]["pipeline_version"] == V2
    assert rec["status"] == "ok"  # the low-confidence field was corrected
    kinds = [e["kind"] for e in store.events()]
    assert kinds.count("correction") == 2 and kinds.count("load") == 2
    corr = [e for e in store.events() if e["kind"] == "correction"][0]
    assert corr["payload"]["before"] == "1987-03-15" and corr["payload"]["after"] == "1987-03-16"
    assert corr["actor"] == "reviewer1"


def test_reprocessed_page_with_fewer_rows_drops_stale_ocr_rows(store: Store) -> None:
    run = store.start_run({})
    store.load_page(run, page_result(rows=3))
    store.correct_field(record_id(sha("book1.pdf"), 1, 3), "nksHoTen", "LÊ VĂN C", actor="r")
    stats = store.load_page(run, page_result(rows=1, version=V2))
    # row 2 is gone entirely; row 3 keeps only its human value
    ids = [r["record_id"] for r in store.iter_records()]
    assert ids == [record_id(sha("book1.pdf"), 1, 1), record_id(sha("book1.pdf"), 1, 3)]
    assert stats.removed > 0
    assert set(next(r for r in store.iter_records() if r["source"]["row"] == 3)["fields"]) == {
        "nksHoTen", "quyenSo", "noiDangKy", "trangSo"
    }  # fmt: skip


# -- export shape and summary ------------------------------------------------------------------------


def test_iter_records_jsonl_shape_and_order(store: Store) -> None:
    run = store.start_run({})
    # loaded out of order on purpose
    store.load_page(run, page_result("b.pdf", 2, rows=1))
    store.load_page(run, page_result("b.pdf", 1, rows=2))
    store.load_page(run, page_result("a.pdf", 1, rows=1))
    recs = list(store.iter_records())
    order = [(r["source"]["sha256"], r["source"]["page"], r["source"]["row"]) for r in recs]
    assert order == sorted(order) and len(recs) == 4
    r = next(
        r
        for r in recs
        if r["source"] == {"file": "/scans/b.pdf", "sha256": sha("b.pdf"), "page": 1, "row": 2}
    )
    assert set(r) == {"record_id", "register", "source", "status", "fields"}
    assert r["register"] == "khai_sinh" and r["status"] == "needs_review"
    assert r["fields"]["nksHoTen"] == {
        "value": "NGUYỄN VĂN B", "raw": "NGUYỄN VĂN B", "confidence": 0.95, "bbox": [10, 20, 100, 30], "status": "ok"
    }  # fmt: skip
    assert r["fields"]["meHoTen"] == {
        "value": None,
        "raw": "",
        "confidence": 0.95,
        "bbox": None,
        "status": "empty",
    }
    # page-level fields in every record
    assert all({"quyenSo", "noiDangKy", "trangSo"} <= set(x["fields"]) for x in recs)
    assert r["fields"]["noiDangKy"]["value"] == "UBND xã Hòa Thịnh, huyện Tây Hòa, tỉnh Phú Yên"
    line = json.dumps(r, ensure_ascii=False)
    assert json.loads(line) == r
    assert list(store.iter_records(register="ket_hon")) == []
    assert len(list(store.iter_records(register="khai_sinh", batch_pages=1))) == 4


def test_run_summary_counts(store: Store) -> None:
    run = store.start_run({"paths": ["/scans"]}, actor="operator")
    store.register_file(sha("book1.pdf"), "/scans/book1.pdf", 1000, "pdf", 3)
    store.load_page(run, page_result("book1.pdf", 1, rows=3))
    store.load_page(run, page_result("book1.pdf", 2, rows=2))
    store.load_page(run, PageResult(ref=page_result("book1.pdf", 3).ref, status=PageStatus.QUARANTINED,
                                    reason="no table found", pipeline_version=V1))  # fmt: skip
    store.record_quarantine(run, sha("empty.png"), "/scans/empty.png", None, "zero-byte file", "/q/empty.png")
    store.record_quarantine(run, sha("empty.png"), "/scans/empty.png", None, "zero-byte file", "/q/empty.png")
    store.load_page(run, PageResult(ref=page_result("c.tif").ref, status=PageStatus.FAILED, reason="timeout"))
    store.finish_run(run, "completed", {"pages": 5})
    s = store.run_summary(run)
    assert (s["files"], s["pages"], s["processed"], s["quarantined"], s["failed"]) == (3, 5, 2, 2, 1)
    assert s["entries"] == 5
    # per entry: so, name, birth date (meHoTen empty); plus 3 page fields per processed page
    assert s["fields"] == 5 * 3 + 2 * 3
    assert s["fields_below_threshold"] == 2  # row 2 of each processed page
    assert s["status"] == "completed" and s["finished_at"]
    assert {p["reason"] for p in s["problems"]} == {"no table found", "zero-byte file", "timeout"}
    # a second run over the same files: the same pages, all unchanged
    run2 = store.start_run({})
    store.load_page(run2, page_result("book1.pdf", 1, rows=3))
    s2 = store.run_summary(run2)
    assert (s2["pages"], s2["processed"], s2["unchanged"], s2["entries"]) == (1, 1, 1, 3)


def test_quarantine_is_idempotent_and_audited(store: Store) -> None:
    run = store.start_run({})
    for _ in range(2):
        store.record_quarantine(run, sha("x.png"), "/s/x.png", None, "not an image", "/q/x.png")
    store.record_quarantine(run, sha("x.png"), "/s/x.png", None, "not an image", "/q/x.png")
    assert [e["kind"] for e in store.events()].count("quarantine") == 1
    with store.engine.connect() as c:
        row = c.execute(select(Page.page_no, Page.status, Page.reason, Page.stored_at)).one()
    assert tuple(row) == (0, "quarantined", "not an image", "/q/x.png")


# -- concurrency ---------------------------------------------------------------------------------------


def _race(n: int, target) -> list[BaseException]:
    barrier = threading.Barrier(n)
    errors: list[BaseException] = []

    def go(i: int) -> None:
        try:
            barrier.wait()
            target(i)
        except BaseException as e:  # reported by the test
            errors.append(e)

    threads = [threading.Thread(target=go, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_concurrent_loads_of_the_same_page_store_one_copy(db_url: str) -> None:
    # two "hotich run" on the same folder: separate engines (connections), same pages at once
    Store(db_url).migrate()
    stores = [Store(db_url) for _ in range(2)]
    runs = [s.start_run({"worker": i}) for i, s in enumerate(stores)]
    pages = [page_result("same.pdf", p, rows=4) for p in (1, 2, 3)]

    def work(i: int) -> None:
        for res in pages if i == 0 else reversed(pages):
            stores[i].load_page(runs[i], res)

    assert _race(2, work) == []
    s = stores[0]
    c = counts(s)
    assert (c["page"], c["record"], c["field_value"], c["page_field"]) == (3, 12, 48, 9)
    assert [e["kind"] for e in s.events()].count("load") == 3  # each page loaded by exactly one of them
    assert s.verify_chain().ok
    for st in stores:
        st.dispose()


def test_concurrent_event_appends_do_not_fork_the_chain(db_url: str) -> None:
    Store(db_url).migrate()
    stores = [Store(db_url) for _ in range(3)]

    def work(i: int) -> None:
        for k in range(15):
            stores[i].append_event("test", f"w{i}", {"k": k})

    assert _race(3, work) == []
    rep = stores[0].verify_chain()
    assert rep.ok and rep.events == 45
    with stores[0].engine.connect() as c:
        assert c.execute(select(func.count(func.distinct(Event.prev_hash)))).scalar_one() == 45
    for st in stores:
        st.dispose()


def test_concurrent_loads_from_two_processes(db_url: str, tmp_path) -> None:
    # real processes, as two `hotich run` would be: each loads every page of the same book
    import subprocess
    import sys

    Store(db_url).migrate()
    script = tmp_path / "load.py"
    script.write_text(
        "import sys\n"
        "from tests.test_store import page_result\n"
        "from store import Store\n"
        "s = Store(sys.argv[1]); run = s.start_run({})\n"
        "for p in range(1, 9):\n"
        "    s.load_page(run, page_result('proc.pdf', p, rows=5))\n"
    )
    root = str(__import__("pathlib").Path(__file__).resolve().parents[1])
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), db_url],
            cwd=root,
            env={**__import__("os").environ, "PYTHONPATH": root},
        )
        for _ in range(2)
    ]
    assert [p.wait(timeout=300) for p in procs] == [0, 0]
    s = Store(db_url)
    c = counts(s)
    assert (c["page"], c["record"], c["field_value"]) == (8, 40, 160)
    assert [e["kind"] for e in s.events()].count("load") == 8
    assert s.verify_chain().ok
    s.dispose()


def test_sqlite_pragmas(tmp_path) -> None:
    s = Store(f"sqlite:///{tmp_path / 'p.db'}")
    with s.engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert c.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
    s.dispose()


def test_postgres_url_without_driver_uses_psycopg(pg_url: str) -> None:
    s = Store(pg_url.replace("postgresql+psycopg://", "postgresql://"))
    assert s.engine.dialect.driver == "psycopg"
    s.migrate()
    s.dispose()
    create_engine(pg_url).dispose()


@pytest.mark.parametrize("rows", [0])
def test_processed_page_without_entries(store: Store, rows: int) -> None:
    run = store.start_run({})
    store.load_page(run, page_result(rows=rows))
    assert list(store.iter_records()) == []
    assert store.run_summary(run)["processed"] == 1


def test_concurrent_migrate_on_a_fresh_database(db_url: str) -> None:
    # every worker calls migrate() on start: racing on an empty database must not fail
    stores = [Store(db_url) for _ in range(3)]
    assert _race(3, lambda i: stores[i].migrate()) == []
    assert current_revision(stores[0].engine) == head_revision()
    for st in stores:
        st.dispose()


def test_load_pages_batch_is_idempotent_too(store: Store) -> None:
    run = store.start_run({})
    batch = [page_result("batch.pdf", p, rows=2) for p in (1, 2, 3)]
    stats = store.load_pages(run, batch)
    assert [s.changed for s in stats] == [True, True, True]
    before = counts(store)
    assert [s.changed for s in store.load_pages(run, batch)] == [False, False, False]
    assert counts(store) == before
    assert store.verify_chain().ok


def test_run_params_may_hold_paths(store: Store, tmp_path) -> None:
    run = store.start_run({"paths": [tmp_path], "workers": 2})
    store.finish_run(run, "completed", {"pages": 0})
    with store.engine.connect() as c:
        params = c.execute(text("SELECT params FROM run")).scalar_one()
    params = json.loads(params) if isinstance(params, str) else params
    assert params == {"paths": [str(tmp_path)], "workers": 2}
    assert store.verify_chain().ok


@pytest.mark.postgres
def test_value_check_migration_round_trips(pg_url: str) -> None:
    # 0004 down gives the declarative key back (with its cascade), up replaces it again
    from alembic import command

    from store.db import alembic_config

    s = Store(pg_url)
    s.migrate()
    rid = _loaded(s)

    def fks() -> list[str]:
        with s.engine.connect() as c:
            return [fk["name"] for fk in inspect(c).get_foreign_keys("field_value")]

    def migrate_to(rev: str, up: bool) -> None:
        cfg = alembic_config()
        with s.engine.begin() as c:
            cfg.attributes["connection"] = c
            (command.upgrade if up else command.downgrade)(cfg, rev)

    assert fks() == []
    migrate_to("0003_clusters", up=False)
    assert fks() == ["fk_field_value_record_id_record"]
    migrate_to("head", up=True)
    assert fks() == [] and current_revision(s.engine) == head_revision()
    with s.engine.begin() as c:  # the triggers are back: the cascade still deletes the values
        c.execute(text("DELETE FROM record WHERE record_id = :r"), {"r": rid})
    with s.engine.connect() as c:
        assert c.execute(select(func.count()).where(FieldRow.record_id == rid)).scalar() == 0
    s.dispose()
