"""A throwaway PostgreSQL cluster for benchmarks and demos (same recipe as ``tests/conftest.py``).

Unlike the test fixture this one also listens on 127.0.0.1 (trust auth, a free port): Prefect's
server connects through asyncpg, and a TCP URL is what an operator would write in production too.
PostgreSQL refuses to run as root, so as root the cluster runs as ``postgres`` (else ``nobody``).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

__all__ = ["PgCluster", "pg_available", "throwaway_cluster"]


@dataclass(frozen=True)
class PgCluster:
    port: int
    user: str
    log: Path

    def url(self, dbname: str = "postgres", driver: str = "psycopg") -> str:
        """SQLAlchemy URL: ``psycopg`` for the records store, ``asyncpg`` for Prefect's own database."""
        return f"postgresql+{driver}://{self.user}@127.0.0.1:{self.port}/{dbname}"

    def create_db(self, name: str) -> str:
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user=self.user, dbname="postgres", autocommit=True
        ) as c:
            c.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return candidates[0] if candidates else None


def pg_available() -> bool:
    return bool(_pg_bin("initdb") and _pg_bin("pg_ctl"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run_as() -> tuple[int | None, int | None]:
    if os.geteuid() != 0:
        return None, None
    for name in ("postgres", "nobody"):
        try:
            pw = pwd.getpwnam(name)
        except KeyError:
            continue
        return pw.pw_uid, pw.pw_gid
    raise RuntimeError("running as root and no unprivileged user (postgres, nobody) to run PostgreSQL as")


@contextmanager
def throwaway_cluster(max_connections: int = 100) -> Iterator[PgCluster]:
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not (initdb and pg_ctl):
        raise RuntimeError("PostgreSQL server binaries (initdb, pg_ctl) not installed")
    uid, gid = _run_as()
    base = Path(tempfile.mkdtemp(prefix="hotich-pgb-"))  # directly under /tmp: reachable when we drop root
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    if uid is not None:
        for p in (base, sock):
            os.chown(p, uid, gid)  # type: ignore[arg-type]
    user, port = "hotich", _free_port()
    env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
    kw: dict = {"env": env, "cwd": base, "capture_output": True, "text": True}
    if uid is not None:
        kw |= {"user": uid, "group": gid}

    def run(*args: str) -> None:
        done = subprocess.run(list(args), **kw, check=False, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{args[0]} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")

    log = base / "server.log"
    try:
        run(initdb, "-D", str(data), "-U", user, "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync")
        opts = (
            f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 "
            # a throwaway cluster: durability off (numbers are therefore an upper bound for a real server)
            f"-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections={max_connections} "
            "-c shared_buffers=64MB"
        )
        run(pg_ctl, "-D", str(data), "-o", opts, "-l", str(log), "-w", "-t", "60", "start")
    except Exception:
        shutil.rmtree(base, ignore_errors=True)
        raise
    try:
        yield PgCluster(port, user, log)
    finally:
        subprocess.run(
            [pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"], **kw, check=False, timeout=60
        )
        shutil.rmtree(base, ignore_errors=True)
