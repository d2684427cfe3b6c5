"""The ``hotich`` command line: thin wrappers over flows/ and store/."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

# Prefect's embedded server takes a while to migrate on a fresh machine; never phone home.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

app = typer.Typer(
    help="Digitize Vietnamese civil-status ledgers (sổ hộ tịch) into a database.", no_args_is_help=True
)
from hotich._console import console  # noqa: E402

DbOption = Annotated[
    str | None, typer.Option("--db", help="SQLAlchemy URL (default $HOTICH_DB_URL, else sqlite:///hotich.db)")
]

_SUMMARY_LABELS = {
    "files": "files",
    "pages": "pages (a rejected file counts as one)",
    "processed": "pages processed",
    "quarantined": "pages quarantined",
    "failed": "pages failed",
    "skipped_already_processed": "pages already done (skipped)",
    "entries": "entries found",
    "fields": "fields read",
    "fields_below_threshold": "fields below confidence threshold",
    "fields_invalid": "fields invalid",
}


def _db_url(db: str | None) -> str:
    from hotich.settings import get_settings

    return db or get_settings().db_url


@app.command()
def run(
    paths: Annotated[list[Path] | None, typer.Argument(help="scan files and/or folders", exists=True)] = None,
    register: Annotated[str, typer.Option(help="khai_sinh | ket_hon | khai_tu | auto")] = "auto",
    db: DbOption = None,
    workers: Annotated[
        int | None, typer.Option(min=1, help="page-reading processes (default $HOTICH_WORKERS or 1)")
    ] = None,
    resume: Annotated[
        str | None,
        typer.Option("--resume", metavar="RUN_ID", help="redo what RUN_ID left failed or unfinished"),
    ] = None,
) -> None:
    """Digitize files and folders through the Prefect ``digitize`` flow, with live progress and a summary."""
    if register not in {"auto", "khai_sinh", "ket_hon", "khai_tu"}:
        raise typer.BadParameter(f"unknown register {register!r}", param_hint="--register")
    from flows._server import prefect_api
    from flows.digitize import digitize
    from pipeline.ingest import count_pages, discover
    from store import Store

    url = _db_url(db)
    store = Store(url)
    store.migrate()
    params: dict = {"register": register, "workers": workers}
    if resume:
        # the same inputs again: pages already processed are skipped, failed and unreached ones are redone
        try:
            previous = store.get_run(resume)
        except KeyError:
            raise typer.BadParameter(f"no run {resume}", param_hint="--resume") from None
        str_paths = list(previous["params"].get("paths") or [])
        register = previous["params"].get("register", register)
        params.update(register=register, resumes=resume)
        if previous["status"] == "running":
            store.finish_run(resume, "interrupted", store.run_summary(resume))
    elif paths:
        str_paths = [str(p) for p in paths]
    else:
        raise typer.BadParameter("give scan files or folders, or --resume RUN_ID")
    params["paths"] = str_paths
    expected = sum(max(count_pages(p), 1) for p in discover(str_paths))  # a rejected file is one unit
    run_id = store.start_run(params)
    console.print(f"run [bold]{run_id}[/] on {url} ({expected} pages found)")

    outcome: dict = {}

    def target() -> None:
        try:
            with prefect_api():
                outcome["summary"] = digitize(
                    paths=str_paths, register=register, db_url=url, workers=workers, run_id=run_id
                )
        except BaseException as exc:  # report in the main thread
            outcome["error"] = exc

    started = time.perf_counter()
    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    columns = [
        TextColumn("pages"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TextColumn("quarantined {task.fields[q]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    ]
    with Progress(*columns, console=console, transient=False) as progress:
        bar = progress.add_task("pages", total=expected or None, rate="", q=0)
        while worker.is_alive():
            worker.join(1.0)
            s = store.run_summary(run_id)
            done = s.get("pages", 0)
            elapsed = time.perf_counter() - started
            rate = f"{60 * done / elapsed:.1f} pages/min" if done else ""
            progress.update(bar, completed=done, rate=rate, q=s.get("quarantined", 0))
    if "error" in outcome:
        raise outcome["error"]
    summary = outcome["summary"]
    summary["wall_time_s"] = round(time.perf_counter() - started, 1)
    _print_summary(summary)
    if summary.get("status") == "failed":
        raise typer.Exit(1)


def _print_summary(summary: dict) -> None:
    table = Table(title=f"run {summary.get('run_id')} — {summary.get('status')}", show_header=False)
    for key, label in _SUMMARY_LABELS.items():
        if key in summary:
            table.add_row(label, str(summary[key]))
    table.add_row("wall time", f"{summary.get('wall_time_s')} s")
    console.print(table)
    for p in summary.get("problems", []):
        page = f" page {p['page']}" if p.get("page") else ""
        console.print(f"[yellow]{p['outcome']}[/] {p['file']}{page}: {p['reason']}", soft_wrap=True)
    for u in summary.get("unreadable_files", []):
        console.print(f"[red]unreadable[/] {u['path']}: {u['reason']}", soft_wrap=True)


@app.command()
def dedup(
    register: Annotated[str, typer.Option(help="register whose persons are linked")] = "khai_sinh",
    db: DbOption = None,
    config: Annotated[Path | None, typer.Option(help="comparison configuration (YAML)", exists=True)] = None,
) -> None:
    """Link duplicate entries of a register (the ``dedup`` flow); pairs between thresholds go to review."""
    from flows._server import prefect_api
    from flows.dedup import dedup as dedup_flow

    with prefect_api():
        summary = dedup_flow(register=register, db_url=_db_url(db), config=str(config) if config else None)
    table = Table(title=f"dedup {register}", show_header=False)
    for key, value in summary.items():
        table.add_row(key.replace("_", " "), str(value))
    console.print(table)


@app.command()
def status(
    db: DbOption = None,
    limit: Annotated[int, typer.Option(min=1, help="how many runs")] = 10,
) -> None:
    """Recent runs with their counts; failed pages of each are listed by ``hotich run --resume RUN_ID``."""
    from store import Store

    store = Store(_db_url(db))
    store.migrate()
    table = Table()
    for name in ("run", "started", "status", "pages", "processed", "quarantined", "failed", "entries"):
        table.add_column(name, no_wrap=True)  # run ids are copied into --resume: never wrap them
    for r in store.list_runs(limit):
        c = r["counts"] or store.run_summary(r["run_id"])
        table.add_row(
            r["run_id"],
            f"{r['started_at']:%Y-%m-%d %H:%M}",
            r["status"],
            *(str(c.get(k, "")) for k in ("pages", "processed", "quarantined", "failed", "entries")),
        )
    console.print(table)


@app.command()
def samples(
    out: Annotated[Path, typer.Option("--out", help="output folder")] = Path("data/sample_scans"),
    seed: Annotated[int, typer.Option(help="random seed (same seed, same bytes)")] = 20251128,
    fonts: Annotated[
        str, typer.Option(help="development (the committed set's fonts) or heldout (fonts it never uses)")
    ] = "development",
) -> None:
    """Regenerate the synthetic sample ledgers and their ground truth."""
    from pipeline.samples import generate

    files = generate(out, seed=seed, fonts=fonts)
    console.print(f"wrote {len(files)} files to {out}")


def _register_commands() -> None:
    """Commands whose code lives beside the stage they drive (exports, dedup, review, operations)."""
    from hotich.commands.export import audit_app, export_command, report_command, verify_export_command
    from hotich.commands.match import match_command
    from hotich.commands.ops import serve_command, server_command
    from hotich.commands.review import review_command, users_app

    app.command("export")(export_command)
    app.command("verify-export")(verify_export_command)
    app.command("report")(report_command)
    app.add_typer(audit_app, name="audit", help="Verify the hash-chained audit log; print its head.")
    app.command("match", help="Link records of a CSV into clusters of the same person.")(match_command)
    app.command("review")(review_command)
    app.add_typer(users_app, name="users", help="Reviewer and auditor accounts for the review app.")
    app.command("server")(server_command)
    app.command("serve")(serve_command)


_register_commands()

if __name__ == "__main__":
    app()
