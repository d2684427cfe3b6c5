"""Supervised page workers: each reads pages in its own long-lived process, under a deadline.

Tesseract runs in-process (tesserocr) for speed, so a hang or a crash inside it cannot be interrupted
from Python. The parent therefore owns the deadline: a worker that does not answer in time is killed
and replaced, a worker that dies is replaced, and in both cases only that page fails, with a reason.
One worker per Prefect task-runner thread keeps one Tesseract engine per process, loaded once.

The reader is named by ``module:function`` (default ``flows._pool:read_and_keep``), a seam through which
tests inject faults (a reader that crashes or hangs on chosen pages), as OCRmyPDF's test plugins do.
"""

from __future__ import annotations

import importlib
import multiprocessing as mp
import os
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline import PIPELINE_VERSION
from pipeline.model import PageRef, PageResult, PageStatus
from pipeline.read_page import ReadOptions, read_ref
from store.page_images import save_page_image

DEFAULT_READER = "flows._pool:read_and_keep"
_CTX = mp.get_context("spawn")  # never fork a process that runs Prefect's threads


@dataclass(frozen=True, slots=True)
class Job:
    ref: PageRef
    options: ReadOptions
    page_store: str


def read_and_keep(job: Job) -> PageResult:
    """Read a page and keep its corrected image in the page store; only record data goes back."""
    result = read_ref(job.ref, job.options)
    if result.image is not None:
        t = time.perf_counter()
        save_page_image(Path(job.page_store), job.ref.sha256, job.ref.page_no, result.image)
        result.image = None
        result.timings["keep_image"] = round(time.perf_counter() - t, 4)
    return result


def _load_reader(spec: str) -> Any:
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)


def _serve(conn: Any, reader_spec: str) -> None:
    os.environ["OMP_THREAD_LIMIT"] = "1"  # parallel pages, single-threaded Tesseract (ocr.md A1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when workers stop
    reader = _load_reader(reader_spec)
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        try:
            conn.send(reader(job))
        except Exception as exc:  # the reader promises not to raise; if it does, report, keep serving
            conn.send(PageResult(ref=job.ref, status=PageStatus.FAILED, reason=f"reader error: {exc!r}"[:500],
                                 pipeline_version=PIPELINE_VERSION))


class PageWorker:
    def __init__(self, reader: str = DEFAULT_READER) -> None:
        self.reader = reader
        self._proc: Any = None
        self._conn: Any = None

    def _start(self) -> None:
        parent, child = _CTX.Pipe()
        self._proc = _CTX.Process(target=_serve, args=(child, self.reader), daemon=True, name="hotich-page-worker")
        self._proc.start()
        child.close()
        self._conn = parent

    def read(self, job: Job, timeout: float) -> PageResult:
        if self._proc is None or not self._proc.is_alive():
            self._start()
        started = time.monotonic()
        try:
            self._conn.send(job)
            if self._conn.poll(timeout):
                return self._conn.recv()
            reason = f"timed out after {timeout:g} s (worker killed and replaced)"
        except (EOFError, BrokenPipeError, ConnectionResetError):
            reason = None
        # the worker hung or died: replace it, and fail this page only
        self._proc.join(0.5) if reason is None else None
        exit_code = self._proc.exitcode
        self.kill()
        if reason is None:
            sig = f"signal {signal.Signals(-exit_code).name}" if exit_code and exit_code < 0 else f"exit code {exit_code}"
            reason = f"worker process died ({sig}) after {time.monotonic() - started:.1f} s"
        return PageResult(ref=job.ref, status=PageStatus.FAILED, reason=reason, pipeline_version=PIPELINE_VERSION)

    def kill(self) -> None:
        if self._proc is not None and self._proc.is_alive():
            self._proc.kill()
            self._proc.join(5)
        if self._conn is not None:
            self._conn.close()
        self._proc = self._conn = None

    def close(self) -> None:
        if self._proc is not None and self._proc.is_alive():
            try:
                self._conn.send(None)
                self._proc.join(5)
            except (BrokenPipeError, OSError):
                pass
        self.kill()


class WorkerPool:
    """One PageWorker per calling thread (Prefect's thread-pool task runner gives N threads for N workers)."""

    def __init__(self, reader: str = DEFAULT_READER) -> None:
        self.reader = reader
        self._local = threading.local()
        self._all: list[PageWorker] = []
        self._lock = threading.Lock()

    def worker(self) -> PageWorker:
        w = getattr(self._local, "worker", None)
        if w is None:
            w = self._local.worker = PageWorker(self.reader)
            with self._lock:
                self._all.append(w)
        return w

    def close(self) -> None:
        with self._lock:
            workers, self._all = self._all, []
        for w in workers:
            w.close()
