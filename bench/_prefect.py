"""A persistent Prefect server and process workers as child processes, for benchmarks, demos and tests.

This is the several-machines topology squeezed onto one: ``prefect server start`` (on PostgreSQL when
given a URL), a ``process`` work pool, and ``prefect worker start --pool`` processes that each behave
like one OCR machine. Everything is torn down by pid when the context exits.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from hotich.commands.ops import prefect_db_url, server_env

BIN = Path(sys.executable).parent

__all__ = ["PrefectStack", "drain_client", "prefect_stack"]


def drain_client(timeout: float = 10) -> None:
    """Ship this process's queued Prefect logs and events while the server still listens.

    Otherwise they are flushed at interpreter exit, when the server is gone (and PREFECT_API_URL maybe
    unset, which makes Prefect start a temporary server just to receive them).
    """
    import contextlib

    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for worker in (APILogWorker, EventsWorker):
        with contextlib.suppress(Exception):  # best effort: nothing of the records depends on it
            worker.drain_all(timeout=timeout)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_health(url: str, timeout: float, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"prefect server exited ({proc.returncode}):\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"prefect server not healthy after {timeout:.0f} s:\n{log.read_text()[-3000:]}")


def _stop(proc: subprocess.Popen, grace: float = 15) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGINT)  # workers and the server shut down cleanly on SIGINT
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


@dataclass
class PrefectStack:
    api_url: str
    env: dict[str, str]  # what every process of the stack (and a client) runs with
    workdir: Path
    server: subprocess.Popen
    workers: list[subprocess.Popen] = field(default_factory=list)
    server_started_s: float = 0.0

    def prefect(self, *args: str, timeout: float = 120) -> str:
        done = subprocess.run([str(BIN / "prefect"), *args], env=self.env, capture_output=True, text=True,
                              timeout=timeout, check=False)  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"prefect {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def start_worker(self, pool: str, name: str, limit: int = 1) -> subprocess.Popen:
        log = (self.workdir / f"worker-{name}.log").open("w")
        proc = subprocess.Popen(
            [str(BIN / "prefect"), "worker", "start", "--pool", pool, "--name", name, "--limit", str(limit),
             "--type", "process"],
            env=self.env, stdout=log, stderr=subprocess.STDOUT, cwd=self.workdir, start_new_session=True,
        )  # fmt: skip
        self.workers.append(proc)
        return proc


@contextmanager
def prefect_stack(
    workdir: Path, db_url: str | None = None, startup_timeout: float = 240
) -> Iterator[PrefectStack]:
    """A Prefect server on ``db_url`` (PostgreSQL or SQLite URL; None = SQLite in PREFECT_HOME)."""
    port = _free_port()
    workdir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        **server_env(home=workdir / "prefect-home", db_url=prefect_db_url(db_url) if db_url else None),
        "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
        # workers poll every second (default 10 s): short batches would otherwise wait on the poll
        "PREFECT_WORKER_QUERY_SECONDS": "1",
        "PREFECT_WORKER_PREFETCH_SECONDS": "0",
        "PREFECT_LOGGING_LEVEL": os.environ.get("PREFECT_LOGGING_LEVEL", "WARNING"),
        "OMP_THREAD_LIMIT": "1",
        "PYTHONUNBUFFERED": "1",
    }
    log_path = workdir / "server.log"
    log = log_path.open("w")
    t0 = time.perf_counter()
    server = subprocess.Popen(
        [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port), "--analytics-off",
         "--no-ui"],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=workdir, start_new_session=True,
    )  # fmt: skip
    stack = PrefectStack(env["PREFECT_API_URL"], env, workdir, server)
    try:
        _wait_health(stack.api_url, startup_timeout, server, log_path)
        stack.server_started_s = time.perf_counter() - t0
        yield stack
    finally:
        for w in stack.workers:
            _stop(w)
        _stop(server)
