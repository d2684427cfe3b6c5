"""The ``digitize`` flow: files and folders in, records in the database out. Prefect glue only.

inventory (hash files, count pages, quarantine unreadable files) -> skip pages already processed by
this pipeline version (resume, idempotency) -> read pages in a bounded process pool (one Tesseract
engine per process) -> load each page's result in one transaction as it completes -> run summary.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.futures import as_completed
from prefect.task_runners import ProcessPoolTaskRunner

from hotich.settings import get_settings
from pipeline import PIPELINE_VERSION
from pipeline.ingest import InputRejected, discover, identify, page_refs
from pipeline.model import PageRef, PageResult
from pipeline.read_page import ReadOptions, read_ref
from store import Store
from store.page_images import save_page_image


@dataclass
class Inventory:
    pages: list[PageRef] = field(default_factory=list)
    files: int = 0
    quarantined_files: int = 0


def _worker_init() -> None:
    # Tesseract's OpenMP threads fight each other when pages run in parallel (ocr.md A1).
    os.environ["OMP_THREAD_LIMIT"] = "1"


@task(name="read-page", retries=1, retry_delay_seconds=2, persist_result=False)
def read_page_task(ref: PageRef, register: str | None, threshold: float, page_store: str) -> PageResult:
    _worker_init()
    result = read_ref(ref, ReadOptions(register=register, confidence_threshold=threshold, keep_image=True))
    if result.image is not None:
        save_page_image(Path(page_store), ref.sha256, ref.page_no, result.image)
        result.image = None  # pixels stay in the worker; only the record data goes back
    return result


def quarantine_copy(src: Path, sha256: str, quarantine_dir: Path) -> str:
    """Keep the original bytes of a rejected file, addressed by hash (never moved or deleted)."""
    quarantine_dir.mkdir(parents=True, exist_ok=True)
    dest = quarantine_dir / f"{sha256}{src.suffix.lower()[:10]}"
    if not dest.exists():
        shutil.copyfile(src, dest)
    return str(dest)


def take_inventory(paths: list[str], store: Store, run_id: str, quarantine_dir: Path) -> Inventory:
    inv = Inventory()
    for path in discover(paths):
        inv.files += 1
        src = identify(path)
        try:
            refs = page_refs(src)
        except InputRejected as exc:
            stored = quarantine_copy(path, src.sha256, quarantine_dir)
            store.register_file(src.sha256, src.path, src.size, src.kind, None)
            store.record_quarantine(run_id, src.sha256, src.path, None, exc.reason, stored)
            inv.quarantined_files += 1
            continue
        store.register_file(src.sha256, src.path, src.size, src.kind, len(refs))
        inv.pages.extend(refs)
    return inv


@flow(name="digitize", log_prints=False, validate_parameters=False)
def digitize(
    paths: list[str],
    register: str = "auto",
    db_url: str | None = None,
    workers: int | None = None,
    run_id: str | None = None,
    confidence_threshold: float | None = None,
) -> dict:
    """Digitize every page under ``paths``; returns the run summary (also stored with the run)."""
    settings = get_settings()
    logger = get_run_logger()
    store = Store(db_url or settings.db_url)
    store.migrate()
    workers = workers or settings.workers
    threshold = settings.confidence_threshold if confidence_threshold is None else confidence_threshold
    params = {"paths": paths, "register": register, "workers": workers, "threshold": threshold,
              "pipeline_version": PIPELINE_VERSION}
    run_id = run_id or store.start_run(params)

    inv = take_inventory(paths, store, run_id, settings.quarantine_dir)
    done = store.done_pages(PIPELINE_VERSION)
    todo = [r for r in inv.pages if (r.sha256, r.page_no) not in done]
    logger.info("run %s: %d files, %d pages, %d already processed, %d to read with %d worker(s)",
                run_id, inv.files, len(inv.pages), len(inv.pages) - len(todo), len(todo), workers)

    reg = None if register == "auto" else register
    status = "completed"
    if todo:
        with ProcessPoolTaskRunner(max_workers=workers, initializer=_worker_init) as runner:
            ref_of = {}
            for r in todo:
                fut = runner.submit(read_page_task, {"ref": r, "register": reg, "threshold": threshold,
                                                        "page_store": str(settings.page_store)})
                ref_of[id(fut)] = (fut, r)
            for fut in as_completed([f for f, _ in ref_of.values()]):
                try:
                    result = fut.result()
                except Exception as exc:  # the task itself died (worker crash): account for the page
                    result = PageResult(ref=ref_of[id(fut)][1], status="failed", reason=f"worker error: {exc}"[:500],
                                        pipeline_version=PIPELINE_VERSION)
                if result.status == "quarantined":
                    quarantine_copy(Path(result.ref.path), result.ref.sha256, settings.quarantine_dir)
                store.load_page(run_id, result)

    summary = store.run_summary(run_id)
    summary["skipped_already_processed"] = len(inv.pages) - len(todo)
    if summary["processed"] == 0 and summary["pages"] > 0 and not done:
        status = "failed"  # nothing could be read at all
    store.finish_run(run_id, status, summary)
    summary["run_id"], summary["status"] = run_id, status
    return summary

