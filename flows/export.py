"""The ``export`` flow: records out of the store into an audited export package. Glue only.

query (``store.export_queries``) -> writers (``pipeline.export``) -> manifest -> ``export`` event on the
audit chain. ``run_export`` is the same work without a Prefect server (what ``hotich export`` calls);
the ``export`` flow wraps it for scheduled / deployed exports.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prefect import flow

import hotich
from pipeline import PIPELINE_VERSION
from pipeline.export import (
    EXTENSIONS,
    FORMATS,
    MANIFEST_NAME,
    MANIFEST_VERSION,
    PackageResult,
    write_manifest,
    write_moj_book,
    write_tabular,
)
from store import Store
from store.export_queries import MISSING, RecordFilter, database_identity, iter_export_records, list_books
from store.page_images import load_page_image

REVIEWED = "ok"  # the one record status that needs no review


class ExportError(ValueError):
    """A request that cannot produce a sound package (bad format, non-empty target, ...)."""


@dataclass(frozen=True)
class ExportOutcome:
    manifest_path: Path
    manifest_sha256: str
    manifest: dict[str, Any]
    event_hash: str


def package_paths(fmt: str, out: Path) -> tuple[Path, Path | None, Path]:
    """(package root, data file or None for moj-xlsx, manifest path) for ``--out DIR_OR_FILE``.

    ``--out records.jsonl`` (the format's extension): that file, manifest ``records.manifest.json``
    beside it. Otherwise ``--out DIR``: ``DIR/records.<ext>`` (moj-xlsx: the book folders) and
    ``DIR/manifest.json``.
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    if fmt != "moj-xlsx" and out.suffix.lower() == EXTENSIONS[fmt]:
        return out.parent, out, out.with_name(f"{out.stem}.manifest.json")
    if out.exists() and not out.is_dir():
        raise ExportError(f"--out {out} is a file; give a directory (or a *{EXTENSIONS.get(fmt, '')} file)")
    if fmt == "moj-xlsx":
        if out.exists() and any(out.iterdir()):
            # stale PDFs of an earlier export would sit beside the new ones unlisted
            raise ExportError(f"--out {out} is not empty: a national export goes into a new directory")
        return out, None, out / MANIFEST_NAME
    return out, out / f"records{EXTENSIONS[fmt]}", out / MANIFEST_NAME


def _gate(records: Iterable[dict], include_unreviewed: bool, excluded: Counter) -> Iterator[dict]:
    for r in records:
        if include_unreviewed or r["status"] == REVIEWED:
            yield r
        else:
            excluded[r["status"]] += 1


def run_export(
    db_url: str,
    fmt: str,
    out: Path,
    filters: RecordFilter | None = None,
    *,
    lineage: bool = False,
    include_unreviewed: bool = False,
    actor: str = "system",
    page_store: Path | None = None,
) -> ExportOutcome:
    """Write one export package, its manifest, and append the ``export`` event; returns the outcome."""
    filters = filters or RecordFilter()
    if not include_unreviewed and filters.status and set(filters.status) - {REVIEWED}:
        raise ExportError("records needing review are exported only with --include-unreviewed")
    root, data_file, manifest_path = package_paths(fmt, out)
    if page_store is None:
        from hotich.settings import get_settings

        page_store = get_settings().page_store
    store = Store(db_url)
    try:
        store.migrate()
        identity = database_identity(store)  # the chain head *before* this export's event
        excluded: Counter = Counter()
        if fmt == "moj-xlsx":
            result = _moj(store, root, filters, include_unreviewed, excluded, Path(page_store))
        else:
            assert data_file is not None
            records = _gate(
                iter_export_records(store, filters, lineage=lineage), include_unreviewed, excluded
            )
            registers = [filters.register] if filters.register else ["khai_sinh", "ket_hon", "khai_tu"]
            result = write_tabular(root, data_file, fmt, records, registers, lineage)
        manifest = {
            "manifest_version": MANIFEST_VERSION,
            "format": fmt,
            "lineage": lineage,
            "include_unreviewed": include_unreviewed,
            "filters": filters.to_json(),
            "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "actor": actor,
            "software": {"hotich": hotich.__version__, "pipeline": PIPELINE_VERSION},
            "database": identity,
            "counts": {
                "selected": result.exported + sum(excluded.values()),
                "exported": result.exported,
                "excluded_unreviewed": dict(sorted(excluded.items())),
                "files": len(result.files),
                "problems": len(result.problems),
            },
            "books": result.books,
            "files": result.files,
            "problems": [p.to_json() for p in result.problems],
        }
        digest = write_manifest(manifest_path, manifest)
        event = store.append_event(
            "export",
            f"export:{digest}",
            {
                "format": fmt, "filters": filters.to_json(), "lineage": lineage,
                "include_unreviewed": include_unreviewed, "manifest_sha256": digest,
                "manifest": str(manifest_path), "exported": result.exported,
                "excluded_unreviewed": dict(sorted(excluded.items())), "books": result.books,
            },
            actor,
        )  # fmt: skip
        return ExportOutcome(manifest_path, digest, manifest, event)
    finally:
        store.dispose()


def _moj(
    store: Store,
    root: Path,
    filters: RecordFilter,
    include_unreviewed: bool,
    excluded: Counter,
    page_store: Path,
) -> PackageResult:
    total = PackageResult()
    root.mkdir(parents=True, exist_ok=True)

    def page_image(sha256: str, page_no: int) -> Any:
        return load_page_image(page_store, sha256, page_no)

    for book in list_books(store, filters):
        narrowed = replace(
            filters,
            register=book.register,
            office=MISSING if book.office is None else book.office,
            book=MISSING if book.quyen_so is None else book.quyen_so,
        )
        records = _gate(iter_export_records(store, narrowed), include_unreviewed, excluded)
        res = write_moj_book(root, book.register, book.office, book.quyen_so, records, page_image)
        total.files += res.files
        total.problems += res.problems
        total.exported += res.exported
        total.books += res.books
    return total


@flow(name="export", log_prints=False, validate_parameters=False, retries=1, retry_delay_seconds=30)
def export(
    fmt: str,
    out: str,
    db_url: str | None = None,
    register: str | None = None,
    office: str | None = None,
    book: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    status: list[str] | None = None,
    lineage: bool = False,
    include_unreviewed: bool = False,
    actor: str = "system",
) -> dict:
    """Export records as a package with a manifest and an audit event; returns the manifest summary."""
    from hotich.settings import get_settings

    f = RecordFilter(register, office, book, date_from, date_to, tuple(status) if status else None)
    outcome = run_export(
        db_url or get_settings().db_url, fmt, Path(out), f,
        lineage=lineage, include_unreviewed=include_unreviewed, actor=actor,
    )  # fmt: skip
    return {"manifest": str(outcome.manifest_path), "manifest_sha256": outcome.manifest_sha256,
            "event": outcome.event_hash, "counts": outcome.manifest["counts"]}  # fmt: skip
