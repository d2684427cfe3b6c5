"""The local Prefect server that ``hotich run`` starts does not outlive a killed run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import os, sys, time
sys.path.insert(0, sys.argv[1])
from flows._server import prefect_api
with prefect_api() as url:
    from prefect.server.api.server import SubprocessASGIServer
    (server,) = [s for s in SubprocessASGIServer._instances.values() if s.server_process]
    print(server.server_process.pid, url, flush=True)
    time.sleep(600)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is dead for our purpose
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split(") ")[1][0] != "Z"


@pytest.mark.slow
def test_server_stops_when_the_run_is_killed(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["PREFECT_HOME"] = str(tmp_path / "prefect")
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(ROOT)], env=env, stdout=subprocess.PIPE, text=True)
    try:
        line = child.stdout.readline()  # type: ignore[union-attr]
        server_pid = int(line.split()[0])
        assert _alive(server_pid)
        child.send_signal(signal.SIGKILL)  # no finally blocks run
        child.wait(10)
        deadline = time.monotonic() + 20
        while _alive(server_pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _alive(server_pid), "the Prefect server outlived the killed run"
    finally:
        child.kill()
        if "server_pid" in locals() and _alive(server_pid):
            os.kill(server_pid, signal.SIGKILL)
