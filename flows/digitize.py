"""The ``digitize`` flow: files and folders in, records in the database out. Prefect glue only.

inventory (hash files, count pages, quarantine unreadable files) -> skip pages already processed by
this pipeline version (resume, idempotency) -> one Prefect task per page on a bounded thread pool, each
thread driving its own supervised worker process (one Tesseract engine per process, a per-page deadline,
a hung or crashed worker fails that page only) -> load each page's result in one transaction as it
completes (retried while the database is briefly away) -> run summary.
"""

from __future__ import annotations

import logging
import queue
import shutil
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.exceptions import MissingContextError
from prefect.task_runners import ThreadPoolTaskRunner
from sqlalchemy.exc import DataError, IntegrityError, OperationalError

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
    unreadable: list[dict[str, str]] = field(default_factory=list)  # files that could not even be hashed


# Pools live in the flow's process; tasks find theirs by id (a pool is not a task parameter).
_POOLS: dict[str, WorkerPool] = {}


@task(name="read-page", persist_result=False, cache_policy=NO_CACHE)
def read_page_task(ref: PageRef, register: str | None, threshold: float, page_store: str, pool_id: str,
                   timeout: float) -> PageResult:
    """Read one page in this thread's supervised worker process (never raises: failures are results)."""
    options = ReadOptions(register=register, confidence_threshold=threshold, keep_image=True)
    return _POOLS[pool_id].worker().read(Job(ref, options, page_store), timeout)


def _logger() -> logging.Logger | logging.LoggerAdapter:
    """The run logger inside a flow; the module logger when called outside one (tools, tests)."""
    try:
        return get_run_logger()
    except MissingContextError:
        return logging.getLogger(__name__)


def _bounded(runner: ThreadPoolTaskRunner, refs: list[PageRef], args: dict, window: int) -> Iterator[PageResult]:
    """Page results in completion order, with at most ``window`` pages submitted and not yet consumed.

    Submitting every page up front kept every future (and its result) alive until the end: memory
    grew with the batch. Here a result is dropped as soon as it is loaded.
    """
    finished: queue.SimpleQueue = queue.SimpleQueue()
    pending = iter(refs)
    inflight = 0

    def submit_next() -> bool:
        ref = next(pending, None)
        if ref is None:
            return False
        runner.submit(read_page_task, {"ref": ref, **args}).add_done_callback(finished.put)
        return True

    while inflight < window and submit_next():
        inflight += 1
    while inflight:
        fut = finished.get()
        inflight -= 1
        result = fut.result()
        del fut
        if submit_next():
            inflight += 1
        yield result


def load_with_retry(store: Store, run_id: str, result: PageResult, attempts: int = 6) -> float:
    """The database may be away for a few seconds (restart, failover): back off and retry the page's load.

    Returns the seconds the successful load took."""
    delay = 0.5
    for attempt in range(1, attempts + 1):
        try:
            t = time.perf_counter()
            store.load_page(run_id, result)
            return time.perf_counter() - t
        except OperationalError:
            if attempt == attempts:
                raise
            _logger().warning("database unavailable, retrying load of %s p%d in %.1f s",
                                     result.ref.sha256[:12], result.ref.page_no, delay)
            time.sleep(delay)
            delay = min(delay * 2, 8)
        except (DataError, IntegrityError) as exc:
            # this page's data cannot be stored (the backend refuses a value): fail the page, keep the run
            reason = f"could not store the page's result: {type(exc.orig).__name__}: {exc.orig}"[:500]
            _logger().error("%s p%d: %s", result.ref.path, result.ref.page_no, reason)
            t = time.perf_counter()
            store.load_page(run_id, PageResult(ref=result.ref, status=PageStatus.FAILED, reason=reason,
                                               pipeline_version=PIPELINE_VERSION, timings=result.timings))
            return time.perf_counter() - t
    raise AssertionError("unreachable")


def quarantine_copy(src: Path, sha256: str, quarantine_dir: Path) -> str:
    """Keep the original bytes of a rejected file, addressed by hash (never moved or deleted)."""
    quarantine_dir.mkdir(parents=True, exist_ok=True)
    dest = quarantine_dir / f"{sha256}{src.suffix.lower()[:10]}"
    if not dest.exists():
        shutil.copyfile(src, dest)
    return str(dest)


def take_inventory(paths: list[str], store: Store, run_id: str, quarantine_dir: Path) -> Inventory:
    inv = Inventory()
    seen: set[tuple[str, int]] = set()
    for path in discover(paths):
        inv.files += 1
        try:
            src = identify(path)
        except OSError as exc:
            # vanished or unreadable (permissions): no bytes, no hash to file it under; the run says so
            inv.unreadable.append({"path": str(path), "reason": f"{type(exc).__name__}: {exc.strerror or exc}"})
            continue
        try:
            refs = page_refs(src)
        except InputRejected as exc:
            stored = quarantine_copy(path, src.sha256, quarantine_dir)
            store.register_file(src.sha256, src.path, src.size, src.kind, None)
            store.record_quarantine(run_id, src.sha256, src.path, None, exc.reason, stored)
            inv.quarantined_files += 1
            continue
        store.register_file(src.sha256, src.path, src.size, src.kind, len(refs))
        # the same bytes under two names are one document: read its pages once
        new = [r for r in refs if (r.sha256, r.page_no) not in seen]
        seen.update((r.sha256, r.page_no) for r in new)
        inv.pages.extend(new)
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
    store_s = 0.0  # time spent loading results into the database (a stage, not orchestration)
    if todo:
        pool_id = uuid.uuid4().hex
        _POOLS[pool_id] = WorkerPool(reader or DEFAULT_READER)
        try:
            with ThreadPoolTaskRunner(max_workers=workers) as runner:
                args = {"register": reg, "threshold": threshold, "page_store": str(settings.page_store),
                        "pool_id": pool_id, "timeout": settings.page_timeout_seconds}
                for result in _bounded(runner, todo, args, window=2 * workers):
                    if result.status == PageStatus.QUARANTINED:
                        quarantine_copy(Path(result.ref.path), result.ref.sha256, settings.quarantine_dir)
                    store_s += load_with_retry(store, run_id, result)
        finally:
            _POOLS.pop(pool_id).close()

    summary = store.run_summary(run_id)
    summary["skipped_already_processed"] = len(inv.pages) - len(todo)
    summary["store_seconds"] = round(store_s, 3)
    summary["unreadable_files"] = inv.unreadable
    for u in inv.unreadable:
        logger.error("could not read %s: %s", u["path"], u["reason"])
    if summary["processed"] == 0 and summary["pages"] > 0 and not done:
        status = "failed"  # nothing could be read at all
    store.finish_run(run_id, status, summary)
    summary["run_id"], summary["status"] = run_id, status
    return summary

