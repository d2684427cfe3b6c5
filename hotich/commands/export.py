"""``hotich export``, ``hotich verify-export``, ``hotich audit verify|head`` and ``hotich report``.

Typer functions the CLI registers (hotich/cli.py): thin wrappers over flows/export.py,
pipeline/export (manifest verification), store (audit chain) and store/export_queries.py (reconciliation).
Nothing here prints names, dates of birth or identity numbers: only counts, hashes, paths and record ids.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

__all__ = ["audit_app", "export_command", "report_command", "verify_export_command"]

from hotich._console import console, err  # noqa: E402

DbOption = Annotated[
    str | None, typer.Option("--db", help="SQLAlchemy URL (default $HOTICH_DB_URL, else sqlite:///hotich.db)")
]
REGISTERS = ("khai_sinh", "ket_hon", "khai_tu")
STATUSES = ("ok", "needs_review", "invalid")


def _db_url(db: str | None) -> str:
    from hotich.settings import get_settings

    return db or get_settings().db_url


def _iso(value: str | None, name: str) -> str | None:
    """``--from/--to`` accept ISO (2008-03-15, 2008-03, 2008) or dd.mm.yyyy / dd/mm/yyyy."""
    if value is None:
        return None
    v = value.strip()
    for sep in (".", "/"):
        parts = v.split(sep)
        if len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[2]) == 4:
            v = f"{parts[2]}-{int(parts[1]):02d}-{int(parts[0]):02d}"
    try:
        if len(v) == 10:
            date.fromisoformat(v)
        elif not (len(v) in (4, 7) and v[:4].isdigit()):
            raise ValueError(v)
    except ValueError:
        raise typer.BadParameter(f"not a date: {value!r} (use YYYY-MM-DD)", param_hint=name) from None
    return v


def export_command(
    out: Annotated[Path, typer.Option("--out", help="package directory (or a .jsonl/.csv/.xlsx file)")],
    format: Annotated[str, typer.Option("--format", help="moj-xlsx | csv | xlsx | jsonl")] = "jsonl",
    db: DbOption = None,
    lineage: Annotated[
        bool,
        typer.Option("--lineage", help="per field: raw text, confidence, page, bbox, rules, corrections"),
    ] = False,  # fmt: skip
    register: Annotated[str | None, typer.Option(help="khai_sinh | ket_hon | khai_tu")] = None,
    office: Annotated[str | None, typer.Option(help="registering office (noiDangKy) as stored")] = None,
    book: Annotated[str | None, typer.Option(help="book (quyenSo) as stored, e.g. 01/2008")] = None,
    date_from: Annotated[
        str | None, typer.Option("--from", help="registration date from (inclusive)")
    ] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="registration date to (inclusive)")] = None,
    status: Annotated[
        list[str] | None, typer.Option(help="record status: ok | needs_review | invalid")
    ] = None,
    include_unreviewed: Annotated[
        bool, typer.Option("--include-unreviewed", help="also export records still needing review")
    ] = False,  # fmt: skip
    actor: Annotated[
        str, typer.Option(help="who exports (recorded in the manifest and the audit log)")
    ] = "system",
) -> None:
    """Export records with a manifest (SHA-256 and row count per file) and an ``export`` audit event."""
    from flows.export import ExportError, run_export
    from store.export_queries import RecordFilter

    if register is not None and register not in REGISTERS:
        raise typer.BadParameter(f"unknown register {register!r}", param_hint="--register")
    for s in status or []:
        if s not in STATUSES:
            raise typer.BadParameter(f"unknown status {s!r}", param_hint="--status")
    f = RecordFilter(register, office, book, _iso(date_from, "--from"), _iso(date_to, "--to"),
                     tuple(status) if status else None)  # fmt: skip
    try:
        outcome = run_export(_db_url(db), format, out, f, lineage=lineage,
                             include_unreviewed=include_unreviewed, actor=actor)  # fmt: skip
    except ExportError as exc:
        err.print(f"[red]export refused:[/] {exc}")
        raise typer.Exit(2) from None
    c = outcome.manifest["counts"]
    excluded = sum(c["excluded_unreviewed"].values())
    console.print(f"exported {c['exported']} records in {c['files']} files; manifest {outcome.manifest_path} "
                  f"(sha256 {outcome.manifest_sha256[:16]}…)")  # fmt: skip
    if excluded:
        console.print(f"[yellow]{excluded} records needing review left out[/] ({c['excluded_unreviewed']}); "
                      "--include-unreviewed exports them")  # fmt: skip
    if c["problems"]:
        err.print(f"[yellow]{c['problems']} problems listed in the manifest[/] (cells the national format "
                  "cannot carry, missing page images, unreadable book numbers)")  # fmt: skip


def verify_export_command(
    target: Annotated[Path, typer.Argument(help="export directory (or its manifest file)", exists=True)],
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable report")] = False,
) -> None:
    """Re-check every file of an export against its manifest: SHA-256, size and row count."""
    from pipeline.export import find_manifest, verify_package

    mpath = find_manifest(target)
    if not mpath.exists() and target.is_dir():
        found = sorted(target.glob("*.manifest.json"))
        if len(found) == 1:
            mpath = found[0]
    if not mpath.exists():
        err.print(f"[red]no manifest[/] at {mpath}")
        raise typer.Exit(2)
    rep = verify_package(mpath)
    if as_json:
        console.print_json(json.dumps(rep.to_json(), ensure_ascii=False))
    elif rep.ok:
        console.print(
            f"[green]OK[/] {rep.files} files match {rep.manifest} (sha256 {rep.manifest_sha256[:16]}…)"
        )
    else:
        for e in rep.errors:
            err.print(f"[red]FAIL[/] {e}")
    if not rep.ok:
        raise typer.Exit(1)


audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)


@audit_app.command("verify")
def audit_verify(
    db: DbOption = None,
    anchor: Annotated[
        str | None, typer.Option(help="a head hash recorded earlier outside the system")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable report")] = False,
) -> None:
    """Walk the chain; report the first broken link (changed, deleted, inserted, reordered); non-zero if broken."""
    from store import Store

    store = Store(_db_url(db))
    try:
        rep = store.verify_chain(anchor=anchor)
    finally:
        store.dispose()
    if as_json:
        console.print_json(json.dumps(rep.to_json()))
    elif rep.ok:
        console.print(f"[green]OK[/] {rep.events} events, head {rep.head}")
    else:
        where = f"event {rep.broken_at}" if rep.broken_at is not None else "end of log"
        err.print(f"[red]BROKEN[/] at {where}: {rep.reason} ({rep.detail}); {rep.events} events checked")
    if not rep.ok:
        raise typer.Exit(1)


@audit_app.command("head")
def audit_head(db: DbOption = None) -> None:
    """Print the current head hash (record it outside the system: it anchors the whole log)."""
    from store import Store

    store = Store(_db_url(db))
    try:
        h = store.head()
    finally:
        store.dispose()
    if h is None:
        err.print("the audit log is empty")
        raise typer.Exit(1)
    typer.echo(h)


def report_command(
    db: DbOption = None,
    run: Annotated[str | None, typer.Option("--run", help="only this run id")] = None,
    book: Annotated[str | None, typer.Option("--book", help="only this book (quyenSo), e.g. 01/2008")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable report")] = False,
) -> None:
    """Reconciliation per run and per book; every number must tie to the others (non-zero exit if not)."""
    from store.export_queries import reconcile

    url = _db_url(db)
    from store import Store

    store = Store(url)
    try:
        rep = reconcile(store, run_id=run, book=book)
    finally:
        store.dispose()
    if as_json:
        console.print_json(json.dumps(rep, ensure_ascii=False))
    else:
        _print_report(rep)
    if rep["mismatches"]:
        for m in rep["mismatches"]:
            err.print(f"[red]MISMATCH[/] {m}")
        raise typer.Exit(1)


_RUN_COLS = ("files", "pages_received", "processed", "quarantined", "failed", "skipped", "entries",
             "fields_auto_accepted", "fields_reviewed", "fields_open", "fields_empty")  # fmt: skip
_BOOK_COLS = ("pages", "entries", "entries_ok", "entries_needs_review", "entries_invalid", "fields_auto_accepted",
              "fields_reviewed", "fields_open", "fields_empty", "duplicate_candidates", "duplicate_links", "entries_exported")  # fmt: skip


def _print_report(rep: dict) -> None:
    if rep["runs"]:
        t = Table(title="per run")
        t.add_column("run")
        for c in _RUN_COLS:
            t.add_column(c.replace("_", " "), justify="right")
        for r in rep["runs"]:
            t.add_row(r["run_id"][:12], *(str(r[c]) for c in _RUN_COLS))
        console.print(t)
    if rep["books"]:
        t = Table(title="per book")
        t.add_column("register")
        t.add_column("office")
        t.add_column("book")
        for c in _BOOK_COLS:
            t.add_column(c.replace("_", " "), justify="right")
        for b in rep["books"]:
            t.add_row(
                b["register"] or "?",
                b["office"] or "?",
                b["quyenSo"] or "?",
                *(str(b[c]) for c in _BOOK_COLS),
            )
        console.print(t)
    if not rep["mismatches"]:
        console.print("[green]all counts tie[/]")
