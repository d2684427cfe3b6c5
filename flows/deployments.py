"""Prefect deployments: what an operator starts from the Prefect UI (or ``prefect deployment run``).

Flows defined here (glue only; the work is ``flows.digitize.digitize``):

- ``digitize-batch``: one share of a split batch (a list of files), run by whichever worker pulls it;
  records which host/worker ran it in the store's run parameters.
- ``digitize-split``: the parent: splits files into batches of about ``batch_pages`` pages and submits one
  ``digitize-batch`` flow run per batch (``run_deployment(..., timeout=0, idempotency_key=...)``), so the
  batches spread over every worker polling the pool; waits for them and sums up.
- ``inbox-watch``: digitizes whatever is in a folder, on an interval schedule; files already processed
  are skipped by the store (their pages are in ``done_pages``), so re-scanning the folder is cheap.

Deployments (:func:`deployment_specs`): ``digitize``, ``digitize-split``, ``digitize-batch``,
``inbox-watch``, and ``dedup`` / ``export`` when ``flows/dedup.py`` / ``flows/export.py`` exist.
Two ways to run them (``hotich serve``): in this process (:func:`serve_all`, no work pool), or
registered to a work pool (:func:`deploy_all`) that ``prefect worker start --pool`` processes on any
number of machines pull from.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger
from prefect.runtime import flow_run as current_flow_run

from flows.digitize import digitize
from hotich.settings import get_settings
from pipeline import PIPELINE_VERSION
from pipeline.ingest import count_pages, discover
from store import Store

ROOT = Path(__file__).resolve().parent.parent  # the project checkout: code source for process workers
BATCH_DEPLOYMENT = "digitize-batch/digitize-batch"
DEFAULT_POOL = "hotich-cpu"
DEFAULT_INBOX_INTERVAL = 300  # seconds; a scan room fills a folder in hours, not seconds

__all__ = [
    "BATCH_DEPLOYMENT",
    "DEFAULT_POOL",
    "DeploymentSpec",
    "deploy_all",
    "deployment_specs",
    "digitize_batch",
    "digitize_split",
    "inbox_watch",
    "ready_files",
    "serve_all",
    "split_batches",
]


# -- pure helpers ---------------------------------------------------------------------------------


def split_batches(files: Sequence[tuple[str, int]], batch_pages: int) -> list[list[str]]:
    """Cut ``(path, pages)`` into consecutive batches of about ``batch_pages`` pages (a file never splits).

    Consecutive, in the sorted order of ``discover``: a book's files stay together, and the same input
    always gives the same batches (the idempotency keys depend on it).
    """
    if batch_pages < 1:
        raise ValueError("batch_pages must be >= 1")
    batches: list[list[str]] = []
    current: list[str] = []
    n = 0
    for path, pages in files:
        pages = max(pages, 1)  # an unreadable file still costs a quarantine: one unit
        if current and n + pages > batch_pages:
            batches.append(current)
            current, n = [], 0
        current.append(path)
        n += pages
    if current:
        batches.append(current)
    return batches


def batch_key(parent: str, paths: Sequence[str]) -> str:
    """Idempotency key of one batch: a retried parent (same flow run id) never launches a batch twice."""
    h = hashlib.sha256("\n".join([parent, PIPELINE_VERSION, *paths]).encode()).hexdigest()
    return f"hotich-batch-{h[:32]}"


def ready_files(paths: Sequence[str], min_age_seconds: float, now: float | None = None) -> list[str]:
    """Files under ``paths`` not modified for ``min_age_seconds``: a scan still being copied waits a turn."""
    now = time.time() if now is None else now
    out = []
    for p in discover(paths):
        try:
            if now - p.stat().st_mtime >= min_age_seconds:
                out.append(str(p))
        except OSError:  # vanished between listing and stat: next turn
            continue
    return out


# -- flows ----------------------------------------------------------------------------------------


# a batch that dies of an infrastructure fault (database away longer than the load retries, worker
# machine lost) is retried: loads are idempotent and finished pages are skipped, so a retry redoes the rest
@flow(name="digitize-batch", log_prints=False, validate_parameters=False, retries=2, retry_delay_seconds=60)
def digitize_batch(
    paths: list[str],
    batch_id: str = "",
    db_url: str | None = None,
    register: str = "auto",
    workers: int | None = None,
    confidence_threshold: float | None = None,
) -> dict:
    """One batch of files on whichever worker picked it up (the store run says which one)."""
    store = Store(db_url or get_settings().db_url)
    store.migrate()
    # the flow-run process is a child of the Prefect worker: its parent pid names the worker on this host
    run_id = store.start_run(
        {"paths": paths, "register": register, "workers": workers, "batch_id": batch_id,
         "host": socket.gethostname(), "worker_pid": os.getppid(), "flow": "digitize-batch"}
    )  # fmt: skip
    store.dispose()
    return digitize(
        paths=paths,
        register=register,
        db_url=db_url,
        workers=workers,
        run_id=run_id,
        confidence_threshold=confidence_threshold,
    )


@flow(name="digitize-split", log_prints=False, validate_parameters=False)
def digitize_split(
    paths: list[str],
    batch_pages: int = 100,
    db_url: str | None = None,
    register: str = "auto",
    workers_per_batch: int = 1,
    deployment: str = BATCH_DEPLOYMENT,
    wait: bool = True,
    poll_seconds: float = 2.0,
) -> dict:
    """Split files into batches and run each as a ``digitize-batch`` flow run on the work pool."""
    from prefect.deployments import run_deployment

    logger = get_run_logger()
    files = [(str(p), count_pages(p)) for p in discover(paths)]
    batches = split_batches(files, batch_pages)
    parent = current_flow_run.id or "local"
    runs = []
    for i, share in enumerate(batches):
        key = batch_key(parent, share)
        fr = run_deployment(
            deployment,
            parameters={"paths": share, "batch_id": key, "db_url": db_url, "register": register,
                        "workers": workers_per_batch},
            timeout=0,  # submit only: the workers run it
            idempotency_key=key,
            flow_run_name=f"batch-{i + 1:04d}-of-{len(batches):04d}",
        )  # fmt: skip
        runs.append(fr.id)
    logger.info("%d files in %d batches submitted to %s", len(files), len(batches), deployment)
    states = _wait(runs, poll_seconds) if wait else {}
    return {"files": len(files), "pages": sum(max(n, 1) for _, n in files), "batches": len(batches),
            "flow_runs": [str(r) for r in runs], "states": states}  # fmt: skip


def _wait(run_ids: Sequence[Any], poll_seconds: float) -> dict[str, int]:
    """Poll until every batch run is final; a count of final state names (COMPLETED, FAILED, ...)."""
    from prefect import get_client

    pending = set(run_ids)
    final: dict[str, int] = {}
    with get_client(sync_client=True) as client:
        while pending:
            for rid in list(pending):
                state = client.read_flow_run(rid).state
                if state is not None and state.is_final():
                    pending.discard(rid)
                    final[state.type.value] = final.get(state.type.value, 0) + 1
            if pending:
                time.sleep(poll_seconds)
    return final


@flow(name="inbox-watch", log_prints=False, validate_parameters=False)
def inbox_watch(
    inbox: str = "inbox",
    db_url: str | None = None,
    register: str = "auto",
    workers: int | None = None,
    min_age_seconds: float = 60.0,
) -> dict:
    """Digitize the files of ``inbox``; pages already processed by this pipeline version are skipped."""
    files = ready_files([inbox], min_age_seconds) if Path(inbox).exists() else []
    if not files:
        get_run_logger().info("inbox %s: nothing ready", inbox)
        return {"files": 0}
    return digitize(paths=files, register=register, db_url=db_url, workers=workers)


# -- deployments ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeploymentSpec:
    """A deployment, independent of where it runs (this process, or a work pool)."""

    name: str
    entrypoint: str  # "file.py:function", relative to ROOT
    parameters: dict[str, Any] = field(default_factory=dict)
    description: str = ""
    interval: float | None = None  # seconds; None = run on demand
    tags: tuple[str, ...] = ("hotich",)

    def flow(self) -> Any:
        module, _, name = self.entrypoint.partition(":")
        return getattr(importlib.import_module(module.removesuffix(".py").replace("/", ".")), name)


def _optional(module: str, attr: str) -> bool:
    """A flow another part of the project provides later: deploy it once it exists, never fail without it."""
    try:
        mod = importlib.import_module(module)
    except ImportError:
        return False
    return hasattr(mod, attr)


def deployment_specs(
    inbox: str | None = None, inbox_interval: float | None = DEFAULT_INBOX_INTERVAL
) -> list[DeploymentSpec]:
    """Every deployment with the parameters an operator sees (and edits) in the Prefect UI."""
    s = get_settings()
    inbox = inbox or os.environ.get("HOTICH_INBOX", "inbox")
    specs = [
        DeploymentSpec(
            "digitize", "flows/digitize.py:digitize",
            {"paths": [inbox], "register": s.default_register, "workers": s.workers},
            "Digitize files and folders (paths on the scan store) in one flow run on one machine.",
        ),
        DeploymentSpec(
            "digitize-split", "flows/deployments.py:digitize_split",
            {"paths": [inbox], "batch_pages": 100, "register": s.default_register, "workers_per_batch": 1},
            "Split a large folder into batches and spread them over every worker of the pool.",
        ),
        DeploymentSpec(
            "digitize-batch", "flows/deployments.py:digitize_batch",
            {"paths": [], "register": s.default_register},
            "One batch of a split run (started by digitize-split; rarely by hand).",
        ),
        DeploymentSpec(
            "inbox-watch", "flows/deployments.py:inbox_watch",
            {"inbox": inbox, "register": s.default_register, "workers": s.workers, "min_age_seconds": 60.0},
            "Every few minutes: digitize new files dropped in the inbox folder (done pages are skipped).",
            interval=inbox_interval,
        ),
    ]  # fmt: skip
    # flows owned elsewhere: their own defaults are the UI's defaults (Prefect shows the signature)
    if _optional("flows.dedup", "dedup"):
        specs.append(DeploymentSpec("dedup", "flows/dedup.py:dedup", {}, "Link records of the same person."))
    if _optional("flows.export", "export"):
        specs.append(
            DeploymentSpec("export", "flows/export.py:export", {}, "Export records with a manifest.")
        )
    return specs


def serve_all(specs: Sequence[DeploymentSpec] | None = None, limit: int | None = None) -> None:
    """Serve the deployments from this process (no work pool): the one-machine setup. Blocks."""
    from prefect import serve

    specs = list(specs or deployment_specs())
    deployments = [
        sp.flow().to_deployment(name=sp.name, parameters=sp.parameters, description=sp.description,
                                interval=sp.interval, tags=list(sp.tags), version=PIPELINE_VERSION)
        for sp in specs
    ]  # fmt: skip
    serve(*deployments, limit=limit)


def deploy_all(
    work_pool: str = DEFAULT_POOL, specs: Sequence[DeploymentSpec] | None = None, source: Path | str = ROOT
) -> list[str]:
    """Register the deployments to ``work_pool``; returns their ids. Needs a reachable Prefect API.

    ``source`` is the project checkout the workers run the code from: the same path on every machine
    (shared disk or the same install path), or a git URL (``flow.from_source`` accepts both).
    """
    from prefect import Flow

    ids = []
    for sp in specs or deployment_specs():
        f = Flow.from_source(source=str(source), entrypoint=sp.entrypoint)
        ids.append(
            str(
                f.deploy(
                    name=sp.name, work_pool_name=work_pool, parameters=sp.parameters, description=sp.description,
                    interval=sp.interval, tags=list(sp.tags), version=PIPELINE_VERSION, build=False, push=False,
                    print_next_steps=False, ignore_warnings=True,
                )
            )
        )  # fmt: skip
    return ids
