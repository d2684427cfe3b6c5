"""Batch loads take the bulk path (COPY on PostgreSQL) and read back exactly what a page-by-page load stores."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from sqlalchemy.exc import DBAPIError

from bench.ops_bench import synthetic_results
from store import Store, _bulk


def _dump(store: Store) -> list[dict]:
    return sorted(store.iter_records(), key=lambda r: r["record_id"])


def test_batch_load_equals_page_by_page(db_url: str, tmp_path: Path) -> None:
    pages = synthetic_results(12, seed=5)  # 12 x 8 entries x 25 fields: above COPY_MIN_ROWS in one batch
    assert sum(len(e.fields) for p in pages for e in p.entries) >= _bulk.COPY_MIN_ROWS
    with Store(db_url) as batch:
        batch.migrate()
        stats = batch.load_pages(batch.start_run({}), pages)
        assert [s.changed for s in stats] == [True] * 12
        got = _dump(batch)
        again = batch.load_pages(batch.start_run({}), pages)  # unchanged: nothing written
        assert [s.changed for s in again] == [False] * 12 and _dump(batch) == got
    # the reference: the same pages loaded one by one, one transaction each, into a fresh SQLite file
    with Store(f"sqlite:///{tmp_path / 'one_by_one.db'}") as single:
        single.migrate()
        run = single.start_run({})
        for p in pages:
            single.load_page(run, p)
        assert _dump(single) == got
    assert len(got) == 96 and all(len(r["fields"]) == 25 + 3 for r in got)


def _reread(page, version: str):
    """The same page read again by a new pipeline version: every value changed, one entry fewer."""
    entries = [
        dataclasses.replace(e, fields={k: dataclasses.replace(f, value=f"{f.value} {version}", confidence=0.5)
                                       for k, f in e.fields.items()})
        for e in page.entries[:-1]
    ]  # fmt: skip
    return dataclasses.replace(page, entries=entries, pipeline_version=version)


def test_batch_reload_of_changed_pages_equals_page_by_page(db_url: str, tmp_path: Path) -> None:
    # pages stored before take the upsert path (PostgreSQL: COPY into a temp table, INSERT ... ON CONFLICT)
    pages = synthetic_results(12, seed=8)
    changed = [_reread(p, "v2") for p in pages]
    dumps = []
    for url, batch in ((db_url, True), (f"sqlite:///{tmp_path / 'one_by_one.db'}", False)):
        with Store(url) as store:
            store.migrate()
            for load in (pages, changed):
                run = store.start_run({})
                stats = store.load_pages(run, load) if batch else [store.load_page(run, p) for p in load]
                assert all(s.changed for s in stats)
            dumps.append(_dump(store))
    assert dumps[0] == dumps[1]
    assert len(dumps[0]) == 12 * 7 and all(f["value"].endswith(" v2") for r in dumps[0]
                                           for k, f in r["fields"].items() if k not in ("quyenSo", "noiDangKy", "trangSo"))  # fmt: skip


@pytest.mark.postgres
def test_postgres_bulk_path_survives_a_rolled_back_batch(pg_url: str) -> None:
    pages = synthetic_results(12, seed=6)
    bad = pages[5]
    bad_entry = dataclasses.replace(bad.entries[0], fields={**bad.entries[0].fields})
    key = "k" * 100  # longer than the key column: the whole batch is refused and rolled back
    bad_entry.fields[key] = dataclasses.replace(next(iter(bad_entry.fields.values())), key=key)
    broken = dataclasses.replace(bad, entries=[bad_entry, *bad.entries[1:]])
    with Store(pg_url) as store:
        store.migrate()
        run = store.start_run({})
        with pytest.raises(DBAPIError):
            store.load_pages(run, [*pages[:5], broken, *pages[6:]])
        assert _dump(store) == []  # all or nothing
        # the same pooled connection again: the temp tables died with the rollback and are made anew
        store.load_pages(run, pages)
        assert len(_dump(store)) == 96
