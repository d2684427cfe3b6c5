"""Prefect API for a run: the operator's server when ``PREFECT_API_URL`` is set, else a local one.

Prefect's "ephemeral" mode starts a server per *process*; with a process pool every worker would start
its own. Starting one local server here and exporting its URL makes the flow and all its workers share it.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
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
    watchdog = _watch(server.server_process.pid) if server.server_process else None
    os.environ["PREFECT_API_URL"] = server.api_url  # inherited by worker processes
    try:
        with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
            yield server.api_url
    finally:
        _drain_to_api()
        os.environ.pop("PREFECT_API_URL", None)
        server.stop()
        if watchdog is not None:
            watchdog.kill()
            watchdog.wait()


# Runs beside the server: if this process dies without cleaning up (SIGKILL, OOM killer), the
# watchdog is re-parented, notices, and stops the server instead of leaving it listening forever.
_WATCHDOG = """
import os, signal, sys, time
parent, server = int(sys.argv[1]), int(sys.argv[2])
def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
while alive(server):
    if os.getppid() != parent:
        os.kill(server, signal.SIGTERM)
        for _ in range(50):
            if not alive(server):
                break
            time.sleep(0.1)
        else:
            os.kill(server, signal.SIGKILL)
        break
    time.sleep(0.5)
"""


def _watch(server_pid: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", _WATCHDOG, str(os.getpid()), str(server_pid)],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip


def _drain_to_api(timeout: float = 10) -> None:
    """Ship queued logs and events while the server still listens (else exit retries for a minute)."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for worker in (APILogWorker, EventsWorker):
        # best effort: the run's data is in our store already
        with contextlib.suppress(Exception):
            worker.drain_all(timeout=timeout)
