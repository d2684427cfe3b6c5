"""The store's one public object: ``Store`` loads page results with their lineage and reads them back.

Writes are idempotent by construction: deterministic keys (file hash, page number, record id,
field key), unique constraints, and ``INSERT ... ON CONFLICT`` for every row, so a rerun, a resumed
run or two runs at once on the same folder load each entry once. A page whose stored result has the
same content hash is not written again at all (and appends no event).
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import json
import uuid
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import Connection, Table, and_, delete, func, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite

from pipeline.model import BBox, Entry, FieldStatus, PageResult, PageStatus
from pipeline.model import FieldValue as ModelField
from store import _bulk, audit
from store.db import READONLY, lock_chain, make_engine, migrate
from store.models import WHOLE_FILE, FieldValue, Page, PageField, Record, Run, RunPage, SourceFile

_file: Table = SourceFile.__table__  # type: ignore[assignment]
_page: Table = Page.__table__  # type: ignore[assignment]
_run: Table = Run.__table__  # type: ignore[assignment]
_run_page: Table = RunPage.__table__  # type: ignore[assignment]
_record: Table = Record.__table__  # type: ignore[assignment]
_field: Table = FieldValue.__table__  # type: ignore[assignment]
_page_field: Table = PageField.__table__  # type: ignore[assignment]

PAGE_FIELD_KEYS = ("quyenSo", "noiDangKy", "trangSo")
OCR, HUMAN = "ocr", "human"
_PAGE_COLS = (
    "file_sha256", "page_no", "status", "reason", "register", "template_id", "rotation", "skew", "width",
    "height", "pipeline_version", "content_hash", "stored_at", "updated_at",
)  # fmt: skip
_RECORD_UPDATE = ("register", "template_id", "bbox_x", "bbox_y", "bbox_w", "bbox_h", "status", "updated_at")
# columns a reprocessed page rewrites in an OCR-sourced value
_FIELD_UPDATE = (
    "raw", "value", "confidence", "bbox_x", "bbox_y", "bbox_w", "bbox_h", "status", "reason",
    "rules", "details", "pipeline_version", "updated_at",
)  # fmt: skip


def record_id(sha256: str, page_no: int, row: int) -> str:
    """The deterministic id of one register entry: the same scan gives the same id on every run."""
    return f"{sha256[:16]}-p{page_no:04d}-r{row:02d}"


def record_status(field_statuses: Sequence[str]) -> str:
    """ok / needs_review / invalid from the statuses of a record's fields."""
    if FieldStatus.INVALID in field_statuses:
        return "invalid"
    if FieldStatus.LOW_CONFIDENCE in field_statuses:
        return "needs_review"
    return "ok"


# one value with its lineage: the content columns (what OCR produced), then who/what/when
_VALUE_COLS = ("raw", "value", "confidence", "bbox_x", "bbox_y", "bbox_w", "bbox_h", "status", "reason", "rules",
               "details")  # fmt: skip
_LINEAGE_COLS = ("source", "pipeline_version", "actor", "updated_at")
_FIELD_COLS = ("record_id", "key", *_VALUE_COLS, *_LINEAGE_COLS)
_PAGE_FIELD_COLS = ("page_id", "key", *_VALUE_COLS, *_LINEAGE_COLS)
_RECORD_COLS = ("record_id", "page_id", "register", "template_id", "row", "bbox_x", "bbox_y", "bbox_w", "bbox_h",
                "status", "updated_at")  # fmt: skip
_STATUS = _VALUE_COLS.index("status")

Values = list[tuple[str, tuple]]  # (field key, value tuple in _VALUE_COLS order)


@dataclass(frozen=True, slots=True)
class _Content:
    """A page result as the rows it becomes, and their hash: built once, hashed and written from the same tuples."""

    page_fields: Values
    entries: list[tuple[str, Entry, Values]]  # (record id, entry, its values)
    hash: str


def _content(result: PageResult) -> _Content:
    ref = result.ref
    pf = [(k, _value(v)) for k, v in sorted(result.page_fields.items())]
    entries = [
        (record_id(ref.sha256, ref.page_no, e.row), e, [(k, _value(v)) for k, v in sorted(e.fields.items())])
        for e in result.entries
    ]
    doc = [
        ref.sha256, ref.page_no, ref.kind, str(result.status), result.reason, result.register,
        result.template_id, result.rotation, result.skew, result.width, result.height, result.pipeline_version,
        pf, [[e.row, e.bbox.as_list(), values] for _, e, values in entries],
    ]  # fmt: skip
    return _Content(pf, entries, hashlib.sha256(_hash_json(doc)).hexdigest())


@dataclass(frozen=True, slots=True)
class _Prepared:
    """A page result made ready to write, before any database access: its content (hash, value tuples)
    and its field_value rows, built once whether the page turns out new or seen before."""

    result: PageResult
    content: _Content
    field_rows: list[tuple]  # _FIELD_COLS order, every entry's values
    statuses: list[str]  # each entry's record status when none of its values is human


@dataclass(frozen=True, slots=True)
class _Batch:
    now: datetime  # the load's timestamp, in every row it writes
    pages: list[_Prepared]


def _prepare(results: Sequence[PageResult], now: datetime) -> _Batch:
    out = []
    for r in results:
        content = _content(r)
        tail = (OCR, r.pipeline_version or None, None, now)  # _LINEAGE_COLS
        rows: list[tuple] = []
        statuses = []
        for rid, _, values in content.entries:
            rows += [(rid, key, *v, *tail) for key, v in values]
            statuses.append(record_status([v[_STATUS] for _, v in values]))
        out.append(_Prepared(r, content, rows, statuses))
    return _Batch(now, out)


def content_hash(result: PageResult) -> str:
    """SHA-256 of what ``load_page`` writes for a result: equal hash = nothing to write.

    Timings (differ every run) and the path (the same bytes under another name are the same page)
    are left out.
    """
    return _content(result).hash


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Building a batch's rows allocates hundreds of thousands of acyclic tuples; each allocation burst
    set off collections that walked every live object (the caller's results too): half the load time."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class LoadStats:
    page_id: int
    changed: bool  # False: the identical result was already stored, nothing was written
    records: int  # entries in the result
    fields: int  # field values written (page-level included)
    human_kept: int  # human corrections left as they were
    removed: int  # OCR values / records of an earlier version that the new result no longer has
    event_hash: str | None  # the 'load' event appended, None when unchanged


class Store:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.dialect = self.engine.dialect.name
        self._sql = self._statements()

    # -- lifecycle -------------------------------------------------------------------------------

    def migrate(self) -> None:
        """Alembic ``upgrade head``; a no-op on a database already at head; safe on every start."""
        migrate(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.dispose()

    def _insert(self, table: Table) -> Any:
        return (postgresql.insert if self.dialect == "postgresql" else sqlite.insert)(table)

    def _statements(self) -> dict[str, Any]:
        """The upserts, built once: rebuilding them per page cost more than running them."""
        sql: dict[str, Any] = {}
        ins = self._insert(_file)
        sql["file"] = ins.on_conflict_do_update(
            index_elements=[_file.c.sha256],
            set_={
                "size": func.coalesce(_file.c.size, ins.excluded.size),
                "n_pages": func.coalesce(_file.c.n_pages, ins.excluded.n_pages),
                "kind": func.coalesce(func.nullif(_file.c.kind, "unknown"), ins.excluded.kind),
            },
        )
        ins = self._insert(_run_page)
        # the same run seeing a page again (a retried task): the latest outcome counts, a change sticks
        sql["run_page"] = ins.on_conflict_do_update(
            index_elements=[_run_page.c.run_id, _run_page.c.page_id],
            set_={
                "outcome": ins.excluded.outcome,
                "reason": ins.excluded.reason,
                "changed": _run_page.c.changed | ins.excluded.changed,
                "timings": ins.excluded.timings,
                "loaded_at": ins.excluded.loaded_at,
            },
        )
        ins = self._insert(_page)
        sql["page"] = ins.on_conflict_do_update(
            index_elements=[_page.c.file_sha256, _page.c.page_no],
            set_={k: ins.excluded[k] for k in _PAGE_COLS if k not in ("file_sha256", "page_no")},
        ).returning(_page.c.id)
        sql["page_many"] = ins.on_conflict_do_update(
            index_elements=[_page.c.file_sha256, _page.c.page_no],
            set_={k: ins.excluded[k] for k in _PAGE_COLS if k not in ("file_sha256", "page_no")},
        )
        return sql

    def _read(self) -> Any:
        """A read-only connection (SQLite: deferred BEGIN, so readers never queue behind writers)."""
        return self.engine.connect().execution_options(**{READONLY: True})

    # -- runs and files ----------------------------------------------------------------------------

    def start_run(self, params: dict, actor: str = "system") -> str:
        run_id = uuid.uuid4().hex
        params = _plain(params)
        with self.engine.begin() as conn:
            conn.execute(
                _run.insert(),
                {"id": run_id, "started_at": _now(), "actor": actor, "params": params, "status": "running"},
            )
            audit.append(conn, "run_start", f"run:{run_id}", {"params": params}, actor)
        return run_id

    def finish_run(self, run_id: str, status: str, counts: dict) -> None:
        counts = _plain(counts)
        with self.engine.begin() as conn:
            n = conn.execute(
                update(_run)
                .where(_run.c.id == run_id)
                .values(finished_at=_now(), status=status, counts=counts)
            ).rowcount
            if n != 1:
                raise KeyError(f"no run {run_id}")
            audit.append(conn, "run_finish", f"run:{run_id}", {"status": status, "counts": counts})

    def list_runs(self, limit: int = 20) -> list[dict]:
        """Most recent runs first, with the counts each run finished with (None while running)."""
        with self._read() as conn:
            rows = conn.execute(select(_run).order_by(_run.c.started_at.desc()).limit(limit)).all()
        return [self._run_dict(r) for r in rows]

    def get_run(self, run_id: str) -> dict:
        with self._read() as conn:
            row = conn.execute(select(_run).where(_run.c.id == run_id)).first()
        if row is None:
            raise KeyError(f"no run {run_id}")
        return self._run_dict(row)

    @staticmethod
    def _run_dict(r: Any) -> dict:
        return {
            "run_id": r.id,
            "started_at": r.started_at,
            "finished_at": r.finished_at,
            "actor": r.actor,
            "status": r.status,
            "params": r.params or {},
            "counts": r.counts,
        }

    def register_file(self, sha256: str, path: str, size: int, kind: str, n_pages: int | None) -> None:
        """Idempotent: the first path seen stays; a page count learned later fills the gap."""
        with self.engine.begin() as conn:
            self._upsert_file(conn, sha256, path, size, kind, n_pages)

    def _upsert_file(
        self, conn: Connection, sha256: str, path: str, size: int | None, kind: str, n_pages: int | None
    ) -> None:
        conn.execute(
            self._sql["file"],
            {
                "sha256": sha256,
                "path": path,
                "size": size,
                "kind": kind,
                "n_pages": n_pages,
                "first_seen": _now(),
            },
        )

    def _run_page(
        self, conn: Connection, run_id: str, page_id: int, outcome: str, reason: str | None, changed: bool,
        timings: dict | None,
    ) -> None:  # fmt: skip
        conn.execute(
            self._sql["run_page"],
            {
                "run_id": run_id, "page_id": page_id, "outcome": outcome, "reason": reason, "changed": changed,
                "timings": timings or None, "loaded_at": _now(),
            },
        )  # fmt: skip

    def _upsert_page(self, conn: Connection, values: dict[str, Any]) -> int:
        return conn.execute(self._sql["page"], {k: values.get(k) for k in _PAGE_COLS}).scalar_one()

    def record_quarantine(
        self, run_id: str, sha256: str, path: str, page_no: int | None, reason: str, stored_at: str | None
    ) -> None:
        """A file (``page_no=None``) or one page that cannot be used: kept with its reason, never dropped."""
        page_no = WHOLE_FILE if page_no is None else page_no
        with self.engine.begin() as conn:
            lock_chain(conn)
            self._upsert_file(conn, sha256, path, None, "unknown", None)
            old = conn.execute(
                select(_page.c.id, _page.c.status, _page.c.reason, _page.c.stored_at).where(
                    _page.c.file_sha256 == sha256, _page.c.page_no == page_no
                )
            ).first()
            if old is not None and (
                old.status == PageStatus.PROCESSED
                or (
                    old.status == PageStatus.QUARANTINED
                    and (old.reason, old.stored_at) == (reason, stored_at)
                )
            ):
                # already known, or a good page we do not degrade: only the run learns about it
                self._run_page(conn, run_id, old.id, "quarantined", reason, False, None)
                return
            page_id = self._upsert_page(
                conn,
                {
                    "file_sha256": sha256, "page_no": page_no, "status": "quarantined", "reason": reason,
                    "rotation": 0, "skew": 0.0, "width": 0, "height": 0, "stored_at": stored_at,
                    "content_hash": None, "updated_at": _now(),
                },
            )  # fmt: skip
            self._run_page(conn, run_id, page_id, "quarantined", reason, True, None)
            audit.append(
                conn, "quarantine", f"page:{sha256}:{page_no}",
                {"run_id": run_id, "path": path, "reason": reason, "stored_at": stored_at},
            )  # fmt: skip

    def done_pages(self, pipeline_version: str) -> set[tuple[str, int]]:
        """Pages finished by this pipeline version (processed, or quarantined by it): resume skips them.

        Failed pages are retryable and never listed; a newer version lists nothing until it redoes them.
        """
        q = select(_page.c.file_sha256, _page.c.page_no).where(
            _page.c.pipeline_version == pipeline_version,
            _page.c.status.in_([PageStatus.PROCESSED.value, PageStatus.QUARANTINED.value]),
        )
        with self._read() as conn:
            return {(r.file_sha256, r.page_no) for r in conn.execute(q)}

    # -- loading -----------------------------------------------------------------------------------

    def load_page(self, run_id: str, result: PageResult) -> LoadStats:
        """Load one page result in ONE transaction (see the module doc for idempotency)."""
        return self.load_pages(run_id, [result])[0]

    def load_pages(self, run_id: str, results: Sequence[PageResult]) -> list[LoadStats]:
        """Load a batch of page results in one transaction (all or nothing), one statement per table.

        A page given twice in one batch is loaded twice in order, as two ``load_page`` calls would.
        """
        with _gc_paused():
            return self._load_prepared(run_id, _prepare(results, _now()))

    def _load_prepared(self, run_id: str, batch: _Batch) -> list[LoadStats]:
        out: list[LoadStats] = []
        with self.engine.begin() as conn:
            # whole load under the chain lock: concurrent loaders of one page see each other's commit
            lock_chain(conn)
            chunk: list[_Prepared] = []
            keys: set[tuple[str, int]] = set()
            for p in batch.pages:
                key = (p.result.ref.sha256, p.result.ref.page_no)
                if key in keys:
                    out += self._load_batch(conn, run_id, chunk, batch.now)
                    chunk, keys = [], set()
                keys.add(key)
                chunk.append(p)
            out += self._load_batch(conn, run_id, chunk, batch.now)
        return out

    def _load_batch(
        self, conn: Connection, run_id: str, prepared: list[_Prepared], now: datetime
    ) -> list[LoadStats]:
        """Pages with distinct (file, page) keys: every table written once for the whole batch."""
        if not prepared:
            return []
        results = [p.result for p in prepared]
        keys = [(r.ref.sha256, r.ref.page_no) for r in results]
        conn.execute(
            self._sql["file"],
            [{"sha256": sha, "path": r.ref.path, "size": None, "kind": r.ref.kind, "n_pages": None, "first_seen": now}
             for sha, r in {r.ref.sha256: r for r in reversed(results)}.items()],
        )  # fmt: skip
        old = {
            (row.file_sha256, row.page_no): row
            for row in conn.execute(
                select(_page.c.id, _page.c.file_sha256, _page.c.page_no, _page.c.status, _page.c.content_hash)
                .where(tuple_(_page.c.file_sha256, _page.c.page_no).in_(keys))
            )
        }  # fmt: skip

        stats: dict[tuple[str, int], LoadStats] = {}
        changed: list[_Prepared] = []
        run_pages: list[dict[str, Any]] = []
        for p, key in zip(prepared, keys, strict=True):
            r, content = p.result, p.content
            prev = old.get(key)
            if prev is not None and (
                prev.content_hash == content.hash
                or (r.status != PageStatus.PROCESSED and prev.status == PageStatus.PROCESSED)
            ):
                # identical result, or a failed/quarantined retry of a page already processed: keep what is stored
                stats[key] = LoadStats(prev.id, False, len(r.entries), 0, 0, 0, None)
                run_pages.append(_run_page_row(run_id, prev.id, r, False, now))
            else:
                changed.append(p)

        if changed:
            conn.execute(self._sql["page_many"], [
                {"file_sha256": r.ref.sha256, "page_no": r.ref.page_no, "status": str(r.status), "reason": r.reason,
                 "register": r.register, "template_id": r.template_id, "rotation": r.rotation, "skew": r.skew,
                 "width": r.width, "height": r.height, "pipeline_version": r.pipeline_version or None,
                 "content_hash": p.content.hash, "stored_at": None, "updated_at": now}
                for p in changed for r in (p.result,)
            ])  # fmt: skip
            ids = {
                (row.file_sha256, row.page_no): row.id
                for row in conn.execute(
                    select(_page.c.id, _page.c.file_sha256, _page.c.page_no).where(
                        tuple_(_page.c.file_sha256, _page.c.page_no).in_([(p.result.ref.sha256, p.result.ref.page_no) for p in changed])
                    )
                )
            }  # fmt: skip
            pages = [
                (p, ids[(p.result.ref.sha256, p.result.ref.page_no)], (p.result.ref.sha256, p.result.ref.page_no) not in old)
                for p in changed
            ]  # fmt: skip
            counts = self._write_values(
                conn, [p for p in pages if p[0].result.status == PageStatus.PROCESSED], now
            )
            hashes = audit.append_many(conn, [
                ("load", f"page:{r.ref.sha256}:{r.ref.page_no}",
                 {"run_id": run_id, "status": str(r.status), "reason": r.reason,
                  "pipeline_version": r.pipeline_version, "content_hash": p.content.hash, "records": len(r.entries),
                  **dict(zip(("fields", "human_kept", "removed"), counts.get(page_id, (0, 0, 0)), strict=True))})
                for p, page_id, _ in pages for r in (p.result,)
            ])  # fmt: skip
            for (p, page_id, _), h in zip(pages, hashes, strict=True):
                r = p.result
                written, kept, removed = counts.get(page_id, (0, 0, 0))
                stats[(r.ref.sha256, r.ref.page_no)] = LoadStats(
                    page_id, True, len(r.entries), written, kept, removed, h
                )
                run_pages.append(_run_page_row(run_id, page_id, r, True, now))
        conn.execute(self._sql["run_page"], run_pages)
        return [stats[k] for k in keys]

    def _write_values(
        self, conn: Connection, pages: list[tuple[_Prepared, int, bool]], now: datetime
    ) -> dict[int, tuple[int, int, int]]:
        """Records, field values and page fields of processed pages; returns {page_id: (written, kept, removed)}.

        Human values stay (the upsert skips rows whose source is not OCR); OCR values and records an
        earlier version had and the new result no longer has are removed.
        """
        if not pages:
            return {}
        # what is stored for pages seen before: which values are human, which OCR ones may go stale
        seen_ids = [page_id for _, page_id, fresh in pages if not fresh]
        existing: dict[int, list[Any]] = defaultdict(list)
        old_records: dict[int, set[str]] = defaultdict(set)
        existing_pf: dict[int, list[Any]] = defaultdict(list)
        if seen_ids:
            for row in conn.execute(
                select(_record.c.page_id, _field.c.record_id, _field.c.key, _field.c.source, _field.c.status)
                .join(_record, _record.c.record_id == _field.c.record_id)
                .where(_record.c.page_id.in_(seen_ids))
            ):
                existing[row.page_id].append(row)
            for row in conn.execute(
                select(_record.c.page_id, _record.c.record_id).where(_record.c.page_id.in_(seen_ids))
            ):
                old_records[row.page_id].add(row.record_id)
            for row in conn.execute(
                select(_page_field.c.page_id, _page_field.c.key, _page_field.c.source).where(
                    _page_field.c.page_id.in_(seen_ids)
                )
            ):
                existing_pf[row.page_id].append(row)  # fmt: skip

        # rows of pages never stored before go in with plain inserts (no conflict to look for; on
        # PostgreSQL a COPY straight into the table); pages seen before are upserted
        record_rows: tuple[list[tuple], list[tuple]] = ([], [])  # [seen, fresh]
        field_rows: tuple[list[tuple], list[tuple]] = ([], [])
        pf_rows: tuple[list[tuple], list[tuple]] = ([], [])
        stale_fields: list[tuple[str, str]] = []
        stale_pf: list[tuple[int, str]] = []
        gone_records: list[str] = []
        counts: dict[int, tuple[int, int, int]] = {}
        for prep, page_id, fresh in pages:
            result, content = prep.result, prep.content
            tail = (OCR, result.pipeline_version or None, None, now)  # _LINEAGE_COLS
            field_rows[fresh].extend(prep.field_rows)
            records_out = record_rows[fresh]
            human: dict[str, dict[str, str]] = defaultdict(dict)  # record id -> {key: status} of human values
            for row in existing[page_id]:
                if row.source == HUMAN:
                    human[row.record_id][row.key] = row.status
            new_keys: set[tuple[str, str]] = set()
            kept = n_fields = 0
            for (rid, entry, values), status in zip(content.entries, prep.statuses, strict=True):
                if not fresh:
                    new_keys.update((rid, key) for key, _ in values)
                mine = human.get(rid)
                if mine:
                    # the reviewer's statuses count in the record's status, as do values only a human gave
                    kept += sum(1 for key, _ in values if key in mine)
                    statuses = [mine.get(key, v[_STATUS]) for key, v in values]
                    status = record_status(statuses + [s for k, s in mine.items() if k not in entry.fields])
                n_fields += len(values)
                b = entry.bbox
                records_out.append((rid, page_id, result.register, result.template_id, entry.row, *_ints(b),
                                    status, now))  # fmt: skip
            stale = [
                (r.record_id, r.key)
                for r in existing[page_id]
                if r.source == OCR and (r.record_id, r.key) not in new_keys
            ]
            stale_fields += stale
            gone = old_records[page_id] - {rid for rid, _, _ in content.entries} - set(human)
            gone_records += sorted(gone)

            pf_human = {r.key for r in existing_pf[page_id] if r.source == HUMAN}
            pf_rows[fresh].extend((page_id, key, *v, *tail) for key, v in content.page_fields)
            pf_stale = [
                (page_id, r.key)
                for r in existing_pf[page_id]
                if r.source == OCR and r.key not in result.page_fields
            ]
            stale_pf += pf_stale
            pf_kept = len(pf_human & set(result.page_fields))
            counts[page_id] = (
                n_fields - kept + len(result.page_fields) - pf_kept,
                kept + pf_kept,
                len(stale) + len(gone) + len(pf_stale),
            )

        _bulk.upsert(conn, _record, _RECORD_COLS, record_rows[0], ["record_id"], _RECORD_UPDATE)
        _bulk.upsert(
            conn, _field, _FIELD_COLS, field_rows[0], ["record_id", "key"], _FIELD_UPDATE, only_ocr=True
        )
        _bulk.upsert(
            conn, _page_field, _PAGE_FIELD_COLS, pf_rows[0], ["page_id", "key"], _FIELD_UPDATE, only_ocr=True
        )
        _bulk.insert_new(conn, _record, _RECORD_COLS, record_rows[1])
        _bulk.insert_new(conn, _field, _FIELD_COLS, field_rows[1])
        _bulk.insert_new(conn, _page_field, _PAGE_FIELD_COLS, pf_rows[1])
        if stale_fields:
            conn.execute(delete(_field).where(tuple_(_field.c.record_id, _field.c.key).in_(stale_fields)))
        if gone_records:
            conn.execute(delete(_record).where(_record.c.record_id.in_(gone_records)))
        if stale_pf:
            conn.execute(
                delete(_page_field).where(tuple_(_page_field.c.page_id, _page_field.c.key).in_(stale_pf))
            )
        return counts

    # -- corrections -------------------------------------------------------------------------------

    def correct_field(
        self, record_id: str, key: str, value: str | None, actor: str, reason: str | None = None
    ) -> str:
        """A reviewer's correction: the value becomes source='human' (reprocessing keeps it); returns the event hash.

        Page-level keys (quyenSo, noiDangKy, trangSo) are corrected once for the record's page.
        """
        now = _now()
        with self.engine.begin() as conn:
            lock_chain(conn)
            rec = conn.execute(select(_record.c.page_id).where(_record.c.record_id == record_id)).first()
            if rec is None:
                raise KeyError(f"no record {record_id}")
            table, where = (
                (_page_field, and_(_page_field.c.page_id == rec.page_id, _page_field.c.key == key))
                if key in PAGE_FIELD_KEYS
                else (_field, and_(_field.c.record_id == record_id, _field.c.key == key))
            )
            old = conn.execute(select(table).where(where)).first()
            values = {
                "value": value, "status": FieldStatus.OK.value if value is not None else FieldStatus.EMPTY.value,
                "source": HUMAN, "actor": actor, "reason": reason, "updated_at": now,
            }  # fmt: skip
            if old is None:
                owner = {"page_id": rec.page_id} if table is _page_field else {"record_id": record_id}
                conn.execute(
                    table.insert(),
                    {**owner, "key": key, "raw": "", "confidence": 1.0, "rules": [], "details": {}, **values},
                )
            else:
                conn.execute(update(table).where(where).values(**values))
            if table is _field:
                statuses = conn.execute(
                    select(_field.c.status).where(_field.c.record_id == record_id)
                ).scalars()
                conn.execute(
                    update(_record)
                    .where(_record.c.record_id == record_id)
                    .values(status=record_status(list(statuses)), updated_at=now)
                )
            return audit.append(
                conn, "correction", f"record:{record_id}",
                {
                    "key": key, "before": None if old is None else old.value, "after": value,
                    "before_source": None if old is None else old.source, "reason": reason,
                },
                actor,
            )  # fmt: skip

    # -- reading -----------------------------------------------------------------------------------

    def run_summary(self, run_id: str) -> dict:
        """Counts for one run; every page the run saw counts once, under the outcome it produced."""
        with self._read() as conn:
            run = conn.execute(select(_run).where(_run.c.id == run_id)).first()
            if run is None:
                raise KeyError(f"no run {run_id}")
            pages = conn.execute(
                select(_run_page.c.outcome, _run_page.c.reason, _run_page.c.changed, _page.c.file_sha256,
                       _page.c.page_no, _file.c.path)
                .join(_page, _page.c.id == _run_page.c.page_id)
                .join(_file, _file.c.sha256 == _page.c.file_sha256)
                .where(_run_page.c.run_id == run_id)
                .order_by(_page.c.file_sha256, _page.c.page_no)
            ).all()  # fmt: skip
            processed = select(_run_page.c.page_id).where(
                _run_page.c.run_id == run_id, _run_page.c.outcome == PageStatus.PROCESSED.value
            )
            entries = conn.execute(
                select(func.count()).select_from(_record).where(_record.c.page_id.in_(processed))
            ).scalar_one()
            by_status = dict(
                conn.execute(
                    select(_field.c.status, func.count())
                    .join(_record, _record.c.record_id == _field.c.record_id)
                    .where(_record.c.page_id.in_(processed))
                    .group_by(_field.c.status)
                ).all()
            )
            page_by_status = dict(
                conn.execute(
                    select(_page_field.c.status, func.count())
                    .where(_page_field.c.page_id.in_(processed))
                    .group_by(_page_field.c.status)
                ).all()
            )
        outcomes: dict[str, int] = defaultdict(int)
        for p in pages:
            outcomes[p.outcome] += 1
        fields = {s: by_status.get(s, 0) + page_by_status.get(s, 0) for s in map(str, FieldStatus)}
        return {
            "run_id": run_id,
            "status": run.status,
            "started_at": run.started_at.isoformat() if run.started_at else None,
            "finished_at": run.finished_at.isoformat() if run.finished_at else None,
            "files": len({p.file_sha256 for p in pages}),
            "pages": len(pages),
            "processed": outcomes[PageStatus.PROCESSED],
            "quarantined": outcomes[PageStatus.QUARANTINED],
            "failed": outcomes[PageStatus.FAILED],
            "unchanged": sum(1 for p in pages if not p.changed),
            "entries": entries,
            # fields read: every value with content (page-level fields included)
            "fields": sum(n for s, n in fields.items() if s != FieldStatus.EMPTY),
            "fields_below_threshold": fields[FieldStatus.LOW_CONFIDENCE],
            "fields_invalid": fields[FieldStatus.INVALID],
            "fields_by_status": fields,
            "problems": [
                {
                    "file": p.path,
                    "sha256": p.file_sha256,
                    "page": p.page_no or None,
                    "outcome": p.outcome,
                    "reason": p.reason,
                }
                for p in pages
                if p.outcome != PageStatus.PROCESSED
            ],  # fmt: skip
        }

    def iter_records(
        self,
        register: str | None = None,
        *,
        status: str | None = None,
        lineage: bool = False,
        batch_pages: int = 200,
    ) -> Iterator[dict]:
        """Records in the JSONL export shape of issue 2, ordered by (file sha256, page, row).

        Page-level fields (quyenSo, noiDangKy, trangSo) are in every record's ``fields``; a record's
        own value of the same key wins. ``lineage`` adds per field its reason, rules, details, source
        and who corrected it. Reads page batches so memory stays bounded on a large store.
        """
        page_q = (
            select(_page.c.id, _page.c.file_sha256, _page.c.page_no, _file.c.path)
            .join(_file, _file.c.sha256 == _page.c.file_sha256)
            .where(_page.c.status == PageStatus.PROCESSED.value)
            .where(select(_record.c.record_id).where(_record.c.page_id == _page.c.id).exists())
            .order_by(_page.c.file_sha256, _page.c.page_no)
        )
        with self._read() as conn:
            pages = conn.execute(page_q).all()  # ids only: small even for a province
            for i in range(0, len(pages), batch_pages):
                chunk = pages[i : i + batch_pages]
                yield from self._records_of(conn, chunk, register, status, lineage)

    def _records_of(
        self, conn: Connection, pages: Sequence[Any], register: str | None, status: str | None, lineage: bool
    ) -> Iterator[dict]:
        ids = [p.id for p in pages]
        rq = select(_record).where(_record.c.page_id.in_(ids))
        if register is not None:
            rq = rq.where(_record.c.register == register)
        if status is not None:
            rq = rq.where(_record.c.status == status)
        records = conn.execute(rq).all()
        if not records:
            return
        rids = [r.record_id for r in records]
        fields: dict[str, dict[str, Any]] = defaultdict(dict)
        for f in conn.execute(select(_field).where(_field.c.record_id.in_(rids))):
            fields[f.record_id][f.key] = _field_json(f, lineage)
        page_fields: dict[int, dict[str, Any]] = defaultdict(dict)
        for f in conn.execute(select(_page_field).where(_page_field.c.page_id.in_(ids))):
            page_fields[f.page_id][f.key] = _field_json(f, lineage)
        page_of = {p.id: p for p in pages}
        records.sort(key=lambda r: (page_of[r.page_id].file_sha256, page_of[r.page_id].page_no, r.row))
        for r in records:
            p = page_of[r.page_id]
            merged = page_fields.get(r.page_id, {}) | fields.get(r.record_id, {})
            yield {
                "record_id": r.record_id,
                "register": r.register,
                "source": {"file": p.path, "sha256": p.file_sha256, "page": p.page_no, "row": r.row},
                "status": r.status,
                "fields": {k: merged[k] for k in sorted(merged)},
            }

    # -- audit -------------------------------------------------------------------------------------

    def append_event(self, kind: str, subject: str, payload: dict, actor: str = "system") -> str:
        with self.engine.begin() as conn:
            return audit.append(conn, kind, subject, payload, actor)

    def verify_chain(self, anchor: str | None = None) -> audit.ChainReport:
        with self._read() as conn:
            return audit.verify(conn, anchor)

    def head(self) -> str | None:
        with self._read() as conn:
            return audit.head(conn)

    def events(self, subject: str | None = None) -> list[dict]:
        """Events in chain order (optionally of one subject), as plain dicts."""
        q = select(audit._event).order_by(audit._event.c.id)
        if subject is not None:
            q = q.where(audit._event.c.subject == subject)
        with self._read() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]


def _plain(d: dict) -> dict:
    """JSON-safe copy (paths, dates as text), NFC: what is stored is what the event hashes."""
    return json.loads(audit.canonical_json(d))


@functools.lru_cache(maxsize=4096)
def _rules_json(rules: tuple[str, ...]) -> str:
    # a handful of distinct rule lists across millions of values: encode each once
    return json.dumps(list(rules), ensure_ascii=False)


_NO_DETAILS = "{}"


def _run_page_row(run_id: str, page_id: int, r: PageResult, changed: bool, now: datetime) -> dict[str, Any]:
    return {"run_id": run_id, "page_id": page_id, "outcome": str(r.status), "reason": r.reason, "changed": changed,
            "timings": r.timings or None, "loaded_at": now}  # fmt: skip


def _text(s: str | None) -> str | None:
    """NUL cannot be stored in PostgreSQL text: every backend keeps U+FFFD in its place, so both agree."""
    return s.replace("\x00", "\ufffd") if s and "\x00" in s else s


# orjson on the hot path: the stdlib encoder's per-call set-up was a quarter of the load's Python time.
# Details may hold dates, tuples, non-text keys.
_ORJSON_OPTS = orjson.OPT_NON_STR_KEYS


def _details_json(details: dict[str, Any]) -> str:
    return orjson.dumps(details, default=str, option=_ORJSON_OPTS).decode()


def _hash_json(doc: Any) -> bytes:
    return orjson.dumps(doc, default=str, option=_ORJSON_OPTS)


_STATUS_TEXT = {s: s.value for s in FieldStatus}
_NO_BBOX = (None, None, None, None)


def _ints(b: BBox) -> tuple[int, int, int, int]:
    # a numpy integer from an image measurement would be bound as a blob by SQLite's driver
    return int(b.x), int(b.y), int(b.w), int(b.h)


def _value(fv: ModelField) -> tuple:
    """A field value as its _VALUE_COLS tuple, JSON columns already encoded (the load's hot loop)."""
    b = fv.bbox
    raw, value = fv.raw, fv.value
    if "\x00" in raw or (value and "\x00" in value):
        raw, value = _text(raw), _text(value)
    return (
        raw, value, float(fv.confidence), *(_ints(b) if b else _NO_BBOX),
        _STATUS_TEXT.get(fv.status) or str(fv.status), fv.reason, _rules_json(tuple(fv.rules)),
        _details_json(fv.details) if fv.details else _NO_DETAILS,
    )  # fmt: skip


def _field_json(f: Any, lineage: bool) -> dict[str, Any]:
    bbox = None if f.bbox_x is None else [f.bbox_x, f.bbox_y, f.bbox_w, f.bbox_h]
    out = {
        "value": f.value,
        "raw": f.raw,
        "confidence": round(f.confidence, 4),
        "bbox": bbox,
        "status": f.status,
    }
    if lineage:
        out |= {
            "reason": f.reason, "rules": f.rules, "details": f.details, "source": f.source,
            "actor": f.actor, "pipeline_version": f.pipeline_version,
        }  # fmt: skip
    return out
