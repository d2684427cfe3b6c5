"""Prefect API for a run: the operator's server when ``PREFECT_API_URL`` is set, else a local one.

Prefect's "ephemeral" mode starts a server per *process*; with a process pool every worker would start
its own. Starting one local server here and exporting its URL makes the flow and all its workers share it.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def prefect_api(startup_timeout: int = 180) -> Iterator[str]:
    if url := os.environ.get("PREFECT_API_URL"):
        yield url
        return
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import PREFECT_API_URL, temporary_settings

    server = SubprocessASGIServer()
    server.start(timeout=startup_timeout)
    os.environ["PREFECT_API_URL"] = server.api_url  # inherited by worker processes
    try:
        with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
            yield server.api_url
    finally:
        _drain_to_api()
        os.environ.pop("PREFECT_API_URL", None)
        server.stop()


def _drain_to_api(timeout: float = 10) -> None:
    """Ship queued logs and events while the server still listens (else exit retries for a minute)."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for worker in (APILogWorker, EventsWorker):
        # best effort: the run's data is in our store already
        with contextlib.suppress(Exception):
            worker.drain_all(timeout=timeout)
