"""The ``digitize`` flow: files and folders in, records in the database out. Prefect glue only.

inventory (hash files, count pages, quarantine unreadable files) -> skip pages already processed by
this pipeline version (resume, idempotency) -> one Prefect task per page on a bounded thread pool, each
thread driving its own supervised worker process (one Tesseract engine per process, a per-page deadline,
a hung or crashed worker fails that page only) -> load each page's result in one transaction as it
completes (retried while the database is briefly away) -> run summary.
"""

from __future__ import annotations

import shutil
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.task_runners import ThreadPoolTaskRunner
from sqlalchemy.exc import OperationalError

from flows._pool import DEFAULT_READER, Job, WorkerPool
from hotich.settings import get_settings
from pipeline import PIPELINE_VERSION
from pipeline.ingest import InputRejected, discover, identify, page_refs
from pipeline.model import PageRef, PageResult, PageStatus
from pipeline.read_page import ReadOptions
from store import Store


@dataclass
class Inventory:
    pages: list[PageRef] = field(default_factory=list)
    files: int = 0
    quarantined_files: int = 0


# Pools live in the flow's process; tasks find theirs by id (a pool is not a task parameter).
_POOLS: dict[str, WorkerPool] = {}


@task(name="read-page", persist_result=False, cache_policy=NO_CACHE)
def read_page_task(ref: PageRef, register: str | None, threshold: float, page_store: str, pool_id: str,
                   timeout: float) -> PageResult:
    """Read one page in this thread's supervised worker process (never raises: failures are results)."""
    options = ReadOptions(register=register, confidence_threshold=threshold, keep_image=True)
    return _POOLS[pool_id].worker().read(Job(ref, options, page_store), timeout)


def load_with_retry(store: Store, run_id: str, result: PageResult, attempts: int = 6) -> None:
    """The database may be away for a few seconds (restart, failover): back off and retry the page's load."""
    delay = 0.5
    for attempt in range(1, attempts + 1):
        try:
            store.load_page(run_id, result)
            return
        except OperationalError:
            if attempt == attempts:
                raise
            get_run_logger().warning("database unavailable, retrying load of %s p%d in %.1f s",
                                     result.ref.sha256[:12], result.ref.page_no, delay)
            time.sleep(delay)
            delay = min(delay * 2, 8)


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
    reader: str | None = None,
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
        pool_id = uuid.uuid4().hex
        _POOLS[pool_id] = WorkerPool(reader or DEFAULT_READER)
        try:
            with ThreadPoolTaskRunner(max_workers=workers) as runner:
                futures = [
                    runner.submit(read_page_task, {"ref": r, "register": reg, "threshold": threshold,
                                                   "page_store": str(settings.page_store), "pool_id": pool_id,
                                                   "timeout": settings.page_timeout_seconds})
                    for r in todo
                ]
                for fut in as_completed(futures):
                    result = fut.result()
                    if result.status == PageStatus.QUARANTINED:
                        quarantine_copy(Path(result.ref.path), result.ref.sha256, settings.quarantine_dir)
                    load_with_retry(store, run_id, result)
        finally:
            _POOLS.pop(pool_id).close()

    summary = store.run_summary(run_id)
    summary["skipped_already_processed"] = len(inv.pages) - len(todo)
    if summary["processed"] == 0 and summary["pages"] > 0 and not done:
        status = "failed"  # nothing could be read at all
    store.finish_run(run_id, status, summary)
    summary["run_id"], summary["status"] = run_id, status
    return summary

