"""Read queries for exports and reconciliation: filtered record iteration, books, corrections, counts.

Read-only and schema-neutral: the existing tables through the Store's engine, nothing written except
by callers through ``Store.append_event``. Records come in the JSONL shape of ``Store.iter_records``
(issue 2), ordered by (file sha256, page, row).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Connection, Table, and_, exists, func, select
from sqlalchemy.engine import make_url

from pipeline.model import PageStatus
from store import audit
from store.db import READONLY
from store.models import FieldValue, Page, PageField, Record, SourceFile
from store.repository import Store, _field_json

_file: Table = SourceFile.__table__  # type: ignore[assignment]
_page: Table = Page.__table__  # type: ignore[assignment]
_record: Table = Record.__table__  # type: ignore[assignment]
_field: Table = FieldValue.__table__  # type: ignore[assignment]
_page_field: Table = PageField.__table__  # type: ignore[assignment]
_event: Table = audit._event  # type: ignore[assignment]

_ISO = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
# A filter value of "" selects pages where that page field was never read (a book with no quyenSo).
MISSING = ""


@dataclass(frozen=True, slots=True)
class RecordFilter:
    register: str | None = None
    office: str | None = None  # noiDangKy, canonical ("UBND xã …"); "" = not recorded
    book: str | None = None  # quyenSo, canonical ("01/2008"); "" = not recorded
    date_from: str | None = None  # registration date (ngayDangKy), ISO, inclusive
    date_to: str | None = None
    status: tuple[str, ...] | None = None  # record statuses (ok, needs_review, invalid)

    def __post_init__(self) -> None:
        for d in (self.date_from, self.date_to):
            if d is not None and not _ISO.match(d):
                raise ValueError("dates are ISO: YYYY-MM-DD (or YYYY-MM, YYYY)")

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["status"] = list(self.status) if self.status is not None else None
        return d


def date_in_range(value: str | None, lo: str | None, hi: str | None) -> bool:
    """Is a (possibly partial) ISO date within [lo, hi]? Compared at the precision of the value, so a
    registration dated only ``2008`` is inside ``2008-03-01..2008-12-31``; no date -> outside any range."""
    if lo is None and hi is None:
        return True
    if not value or not _ISO.match(value):
        return False
    n = len(value)
    return (lo is None or value >= lo[:n]) and (hi is None or value <= hi[:n])


@dataclass(frozen=True, slots=True)
class Book:
    register: str
    office: str | None
    quyen_so: str | None
    records: int


def _read(store: Store) -> Connection:
    return store.engine.connect().execution_options(**{READONLY: True})


def _page_value(key: str, value: str) -> Any:
    pf = _page_field
    if value == MISSING:
        return ~exists().where(pf.c.page_id == _page.c.id, pf.c.key == key, pf.c.value.is_not(None))
    return exists().where(pf.c.page_id == _page.c.id, pf.c.key == key, pf.c.value == value)


def _pages_query(f: RecordFilter) -> Any:
    rec = select(_record.c.record_id).where(_record.c.page_id == _page.c.id)
    if f.register is not None:
        rec = rec.where(_record.c.register == f.register)
    q = (
        select(_page.c.id, _page.c.file_sha256, _page.c.page_no, _file.c.path)
        .join(_file, _file.c.sha256 == _page.c.file_sha256)
        .where(_page.c.status == PageStatus.PROCESSED.value, rec.exists())
        .order_by(_page.c.file_sha256, _page.c.page_no)
    )
    if f.book is not None:
        q = q.where(_page_value("quyenSo", f.book))
    if f.office is not None:
        q = q.where(_page_value("noiDangKy", f.office))
    return q


def iter_export_records(
    store: Store, f: RecordFilter, *, lineage: bool = False, batch_pages: int = 200
) -> Iterator[dict[str, Any]]:
    """Records matching ``f``, in page order; with ``lineage`` each field carries its lineage and its
    corrections from the audit log (a page-level field's corrections are shared by the page's records)."""
    with _read(store) as conn:
        pages = conn.execute(_pages_query(f)).all()
        for i in range(0, len(pages), batch_pages):
            yield from _records_of(conn, pages[i : i + batch_pages], f, lineage)


def _records_of(conn: Connection, pages: Sequence[Any], f: RecordFilter, lineage: bool) -> Iterator[dict]:
    ids = [p.id for p in pages]
    rq = select(_record).where(_record.c.page_id.in_(ids))
    if f.register is not None:
        rq = rq.where(_record.c.register == f.register)
    if f.status is not None:
        rq = rq.where(_record.c.status.in_(list(f.status)))
    records = conn.execute(rq).all()
    if not records:
        return
    rids = [r.record_id for r in records]
    fields: dict[str, dict[str, Any]] = defaultdict(dict)
    for row in conn.execute(select(_field).where(_field.c.record_id.in_(rids))):
        fields[row.record_id][row.key] = _field_json(row, lineage)
    page_fields: dict[int, dict[str, Any]] = defaultdict(dict)
    for row in conn.execute(select(_page_field).where(_page_field.c.page_id.in_(ids))):
        page_fields[row.page_id][row.key] = _field_json(row, lineage)
    corrections = _corrections(conn, records) if lineage else {}
    page_of = {p.id: p for p in pages}
    records.sort(key=lambda r: (page_of[r.page_id].file_sha256, page_of[r.page_id].page_no, r.row))
    for r in records:
        merged = page_fields.get(r.page_id, {}) | fields.get(r.record_id, {})
        date = (merged.get("ngayDangKy") or {}).get("value")
        if not date_in_range(date, f.date_from, f.date_to):
            continue
        p = page_of[r.page_id]
        rec = {
            "record_id": r.record_id,
            "register": r.register,
            "source": {"file": p.path, "sha256": p.file_sha256, "page": p.page_no, "row": r.row},
            "status": r.status,
            "fields": {k: merged[k] for k in sorted(merged)},
        }
        if lineage:
            by_key = corrections.get(r.record_id, {}) | {
                k: v for k, v in corrections.get(("page", r.page_id), {}).items()
            }
            src = rec["source"]
            rec["fields"] = {
                k: {**v, "page_sha256": src["sha256"], "page": src["page"], "corrections": by_key.get(k, [])}
                for k, v in rec["fields"].items()
            }
        yield rec


def _corrections(conn: Connection, records: Sequence[Any]) -> dict[Any, dict[str, list]]:
    """Correction events of these records, by record id (own fields) and by ("page", id) (page fields)."""
    page_of = {r.record_id: r.page_id for r in records}
    subjects = [f"record:{rid}" for rid in page_of]
    out: dict[Any, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    q = (
        select(_event.c.ts, _event.c.actor, _event.c.subject, _event.c.payload, _event.c.hash)
        .where(_event.c.kind == "correction", _event.c.subject.in_(subjects))
        .order_by(_event.c.id)
    )
    from store.repository import PAGE_FIELD_KEYS

    for ev in conn.execute(q):
        rid = ev.subject.split(":", 1)[1]
        p = ev.payload or {}
        key = p.get("key")
        item = {
            "actor": ev.actor, "ts": ev.ts, "before": p.get("before"), "after": p.get("after"),
            "before_source": p.get("before_source"), "reason": p.get("reason"), "event": ev.hash,
        }  # fmt: skip
        owner = ("page", page_of[rid]) if key in PAGE_FIELD_KEYS else rid
        out[owner][key].append(item)
    return out


def list_books(store: Store, f: RecordFilter) -> list[Book]:
    """The books (register, registering office, quyenSo) holding records that match ``f`` (dates aside),
    with their record counts, in a stable order (unknown office/book last)."""
    office = _page_field.alias("office")
    book = _page_field.alias("book")
    q = (
        select(_record.c.register, office.c.value, book.c.value, func.count())
        .join(_page, _page.c.id == _record.c.page_id)
        .outerjoin(office, and_(office.c.page_id == _page.c.id, office.c.key == "noiDangKy"))
        .outerjoin(book, and_(book.c.page_id == _page.c.id, book.c.key == "quyenSo"))
        .where(_page.c.status == PageStatus.PROCESSED.value, _record.c.register.is_not(None))
        .group_by(_record.c.register, office.c.value, book.c.value)
    )
    if f.register is not None:
        q = q.where(_record.c.register == f.register)
    if f.status is not None:
        q = q.where(_record.c.status.in_(list(f.status)))
    if f.book is not None:
        q = q.where(_page_value("quyenSo", f.book))
    if f.office is not None:
        q = q.where(_page_value("noiDangKy", f.office))
    with _read(store) as conn:
        rows = conn.execute(q).all()
    books = [Book(r[0], r[1], r[2], r[3]) for r in rows]
    books.sort(
        key=lambda b: (b.register, b.office is None, b.office or "", b.quyen_so is None, b.quyen_so or "")
    )
    return books


def database_identity(store: Store) -> dict[str, Any]:
    """Which database an export came from: dialect, database (file or host/port/name, never a password)
    and the audit-chain head at that moment."""
    u = make_url(store.url)
    if store.dialect == "sqlite":
        from pathlib import Path

        db = str(Path(u.database).resolve()) if u.database not in (None, "", ":memory:") else ":memory:"
    else:
        host = u.host or u.query.get("host") or ""
        port = u.port or u.query.get("port") or ""
        db = f"{host}:{port}/{u.database}"
    return {"dialect": store.dialect, "database": db, "chain_head": store.head()}


# -- reconciliation ---------------------------------------------------------------------------------

_OPEN = ("low_confidence", "invalid")


def _field_category(source: str, status: str) -> str:
    if source == "human":
        return "fields_reviewed"
    if status == "ok":
        return "fields_auto_accepted"
    if status == "empty":
        return "fields_empty"
    return "fields_open" if status in _OPEN else "fields_unknown"


def _dup_pairs(conn: Connection) -> list[tuple[str, str, bool]]:
    """(record l, record r, linked) of every pair in ``dup_pair`` (the review module's table; none while
    it does not exist). Linked = the matcher's or a reviewer's verdict ``link`` / ``same``."""
    from sqlalchemy import MetaData, inspect

    if not inspect(conn).has_table("dup_pair"):
        return []
    t = Table("dup_pair", MetaData(), autoload_with=conn)
    if not {"record_id_l", "record_id_r"} <= set(t.c.keys()):
        return []
    cols = [t.c.record_id_l, t.c.record_id_r]
    cols += [t.c[k] for k in ("status", "decision") if k in t.c]
    out = []
    for row in conn.execute(select(*cols)):
        verdicts = set(row[2:])
        out.append((row[0], row[1], bool(verdicts & {"link", "same"}) and "different" not in verdicts))
    return out


def _dup_counts(pairs: list[tuple[str, str, bool]], record_ids: set[str]) -> tuple[int, int]:
    """(candidate pairs, duplicate links) touching ``record_ids``."""
    touching = [p for p in pairs if p[0] in record_ids or p[1] in record_ids]
    return len(touching), sum(1 for p in touching if p[2])


def _exported_by_book(conn: Connection) -> dict[tuple, int]:
    """Entries of each book in its latest ``export`` event (later exports of a book supersede earlier)."""
    out: dict[tuple, int] = {}
    for (payload,) in conn.execute(
        select(_event.c.payload).where(_event.c.kind == "export").order_by(_event.c.id)
    ):
        for b in (payload or {}).get("books", []):
            out[(b.get("register"), b.get("office"), b.get("quyenSo"))] = int(b.get("entries", 0))
    return out


def reconcile(store: Store, run_id: str | None = None, book: str | None = None) -> dict[str, Any]:
    """Counts per run and per book, with every tie checked; ``mismatches`` names each one that fails.

    Per run: pages received = processed + quarantined + failed + skipped (already done); the counts
    stored when the run finished equal what the tables say now; fields auto-accepted + reviewed + open
    + empty = fields stored. Per book: entries = ok + needs_review + invalid; a record's status agrees
    with its fields (ok <=> no open field); entries exported (latest export event) <= entries. Across:
    every record sits on a processed page, and the books' entries add up to the records.
    """
    from store.models import Run, RunPage

    run_t: Table = Run.__table__  # type: ignore[assignment]
    rp: Table = RunPage.__table__  # type: ignore[assignment]
    mismatches: list[str] = []
    with _read(store) as conn:
        runs_q = select(run_t).order_by(run_t.c.started_at, run_t.c.id)
        if run_id is not None:
            runs_q = runs_q.where(run_t.c.id == run_id)
        runs = conn.execute(runs_q).all()
        if run_id is not None and not runs:
            mismatches.append(f"run {run_id}: no such run")

        # per page: record status counts, field category counts (record fields and page fields)
        rec_status: dict[int, Counter] = defaultdict(Counter)
        for pid, st, n in conn.execute(
            select(_record.c.page_id, _record.c.status, func.count()).group_by(
                _record.c.page_id, _record.c.status
            )
        ):
            rec_status[pid][st] += n
        fld: dict[int, Counter] = defaultdict(Counter)
        for pid, src, st, n in conn.execute(
            select(_record.c.page_id, _field.c.source, _field.c.status, func.count())
            .join(_record, _record.c.record_id == _field.c.record_id)
            .group_by(_record.c.page_id, _field.c.source, _field.c.status)
        ):
            fld[pid][_field_category(src, st)] += n
            fld[pid]["fields"] += n
        for pid, src, st, n in conn.execute(
            select(_page_field.c.page_id, _page_field.c.source, _page_field.c.status, func.count()).group_by(
                _page_field.c.page_id, _page_field.c.source, _page_field.c.status
            )
        ):
            fld[pid][_field_category(src, st)] += n
            fld[pid]["fields"] += n
        # records whose status disagrees with their own fields
        open_by_rec = dict(
            conn.execute(
                select(_field.c.record_id, func.count())
                .where(_field.c.status.in_(_OPEN), _field.c.source == "ocr")
                .group_by(_field.c.record_id)
            ).all()
        )
        disagree: Counter = Counter()
        rec_rows = conn.execute(select(_record.c.record_id, _record.c.page_id, _record.c.status)).all()
        for r in rec_rows:
            has_open = open_by_rec.get(r.record_id, 0) > 0
            if (r.status == "ok") == has_open:
                disagree[r.page_id] += 1
        pages = {
            p.id: p
            for p in conn.execute(select(_page.c.id, _page.c.status, _page.c.register, _page.c.file_sha256))
        }
        orphans = sum(1 for r in rec_rows if pages[r.page_id].status != PageStatus.PROCESSED.value)
        if orphans:
            mismatches.append(f"{orphans} records sit on pages that are not processed")

        run_out = []
        for run in runs:
            outcomes = conn.execute(
                select(rp.c.page_id, rp.c.outcome, _page.c.file_sha256)
                .join(_page, _page.c.id == rp.c.page_id)
                .where(rp.c.run_id == run.id)
            ).all()
            oc = Counter(o.outcome for o in outcomes)
            counts = run.counts or {}
            skipped = int(counts.get("skipped_already_processed", 0))
            processed_pages = [o.page_id for o in outcomes if o.outcome == PageStatus.PROCESSED.value]
            f = Counter()
            for pid in processed_pages:
                f.update(fld.get(pid, Counter()))
            row = {
                "run_id": run.id, "status": run.status, "files": len({o.file_sha256 for o in outcomes}),
                "pages_received": len(outcomes) + skipped, "processed": oc["processed"],
                "quarantined": oc["quarantined"], "failed": oc["failed"], "skipped": skipped,
                "entries": sum(sum(rec_status.get(pid, Counter()).values()) for pid in processed_pages),
                "fields": f["fields"], "fields_auto_accepted": f["fields_auto_accepted"],
                "fields_reviewed": f["fields_reviewed"], "fields_open": f["fields_open"],
                "fields_empty": f["fields_empty"],
            }  # fmt: skip
            tag = f"run {run.id[:12]}"
            if row["pages_received"] != row["processed"] + row["quarantined"] + row["failed"] + skipped:
                other = sorted(set(oc) - {"processed", "quarantined", "failed"})
                mismatches.append(f"{tag}: pages received {row['pages_received']} != processed + quarantined + "
                                  f"failed + skipped (unknown outcomes {other})")  # fmt: skip
            for key in ("processed", "quarantined", "failed"):
                if key in counts and int(counts[key]) != row[key]:
                    mismatches.append(f"{tag}: {key} {row[key]} now, {counts[key]} when the run finished")
            if "pages" in counts and int(counts["pages"]) != len(outcomes):
                mismatches.append(
                    f"{tag}: pages {len(outcomes)} now, {counts['pages']} when the run finished"
                )
            _tie_fields(tag, row, f, mismatches)
            run_out.append(row)

        # per book
        page_vals: dict[int, dict[str, str | None]] = defaultdict(dict)
        for pid, key, value in conn.execute(
            select(_page_field.c.page_id, _page_field.c.key, _page_field.c.value).where(
                _page_field.c.key.in_(["noiDangKy", "quyenSo"])
            )
        ):
            page_vals[pid][key] = value
        in_run = None
        if run_id is not None:
            in_run = set(
                conn.execute(
                    select(rp.c.page_id).where(
                        rp.c.run_id == run_id, rp.c.outcome == PageStatus.PROCESSED.value
                    )
                ).scalars()
            )
        exported = _exported_by_book(conn)
        pairs = _dup_pairs(conn)
        recs_by_page: dict[int, set[str]] = defaultdict(set)
        for r in rec_rows:
            recs_by_page[r.page_id].add(r.record_id)
        books: dict[tuple, dict[str, Any]] = {}
        for pid, p in pages.items():
            if p.status != PageStatus.PROCESSED.value or (in_run is not None and pid not in in_run):
                continue
            key = (p.register, page_vals[pid].get("noiDangKy"), page_vals[pid].get("quyenSo"))
            if book is not None and key[2] != book:
                continue
            b = books.setdefault(key, {"register": key[0], "office": key[1], "quyenSo": key[2], "pages": 0,
                                       "_st": Counter(), "_f": Counter(), "_disagree": 0, "_recs": set()})  # fmt: skip
            b["pages"] += 1
            b["_st"].update(rec_status.get(pid, Counter()))
            b["_f"].update(fld.get(pid, Counter()))
            b["_disagree"] += disagree.get(pid, 0)
            b["_recs"] |= recs_by_page.get(pid, set())
        book_out = []
        for key in sorted(books, key=lambda k: tuple((v is None, v or "") for v in k)):
            b = books[key]
            st, f = b.pop("_st"), b.pop("_f")
            recs, dis = b.pop("_recs"), b.pop("_disagree")
            b |= {
                "entries": len(recs), "entries_ok": st["ok"], "entries_needs_review": st["needs_review"],
                "entries_invalid": st["invalid"], "fields": f["fields"],
                "fields_auto_accepted": f["fields_auto_accepted"], "fields_reviewed": f["fields_reviewed"],
                "fields_open": f["fields_open"], "fields_empty": f["fields_empty"],
                "duplicate_candidates": _dup_counts(pairs, recs)[0], "duplicate_links": _dup_counts(pairs, recs)[1],
                "entries_exported": exported.get(key, 0),
            }  # fmt: skip
            tag = f"book {key[0]} {key[2] or '?'} ({key[1] or '?'})"
            if b["entries"] != b["entries_ok"] + b["entries_needs_review"] + b["entries_invalid"]:
                mismatches.append(f"{tag}: entries {b['entries']} != ok + needs_review + invalid")
            if dis:
                mismatches.append(f"{tag}: {dis} records whose status disagrees with their fields")
            if b["entries_exported"] > b["entries"]:
                mismatches.append(
                    f"{tag}: {b['entries_exported']} entries exported, only {b['entries']} stored"
                )
            _tie_fields(tag, b, f, mismatches)
            book_out.append(b)
        if run_id is None and book is None:
            total = sum(b["entries"] for b in book_out)
            if total != len(rec_rows) - orphans:
                mismatches.append(f"books hold {total} entries, the store {len(rec_rows) - orphans}")
        all_ids = {r.record_id for r in rec_rows}
        dangling = sum(1 for p in pairs if p[0] not in all_ids or p[1] not in all_ids)
        if dangling:
            mismatches.append(f"{dangling} duplicate pairs name a record the store no longer has")
    return {
        "runs": run_out, "books": book_out, "duplicate_candidates": len(pairs),
        "duplicate_links": sum(1 for p in pairs if p[2]), "mismatches": mismatches,
    }  # fmt: skip


def _tie_fields(tag: str, row: dict[str, Any], f: Counter, mismatches: list[str]) -> None:
    parts = ("fields_auto_accepted", "fields_reviewed", "fields_open", "fields_empty")
    if sum(f[p] for p in parts) != f["fields"]:
        mismatches.append(f"{tag}: fields {f['fields']} != auto-accepted + reviewed + open + empty "
                          f"({f['fields_unknown']} with an unknown status)")  # fmt: skip
