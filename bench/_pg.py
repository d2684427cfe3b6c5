"""A throwaway PostgreSQL cluster from the installed binaries: for tests, benchmarks and demos.

The one recipe (``tests/conftest.py`` uses it too): ``initdb`` into a temp dir directly under /tmp,
trust auth, durability off, listening on a unix socket in that dir and on 127.0.0.1 (Prefect's server
connects through asyncpg over TCP, as an operator's would). PostgreSQL refuses to run as root, so as
root the cluster runs as ``postgres`` (else ``nobody``). Stopped and removed on exit.
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

__all__ = ["NoPostgres", "PgCluster", "pg_available", "throwaway_cluster"]


class NoPostgres(RuntimeError):
    """PostgreSQL cannot be started here (binaries missing, or no unprivileged user to run it as)."""


@dataclass(frozen=True)
class PgCluster:
    port: int
    user: str  # superuser role inside the cluster
    sock: str  # unix socket directory
    log: Path

    def url(self, dbname: str = "postgres", driver: str = "psycopg", tcp: bool = True) -> str:
        """SQLAlchemy URL: ``psycopg`` for the records store, ``asyncpg`` for Prefect's own database."""
        if tcp:
            return f"postgresql+{driver}://{self.user}@127.0.0.1:{self.port}/{dbname}"
        return f"postgresql+{driver}://{self.user}@/{dbname}?host={self.sock}&port={self.port}"

    def admin(self, sql: str) -> None:
        """Run one statement as the superuser on the maintenance database (autocommit)."""
        import psycopg

        with psycopg.connect(host=self.sock, port=self.port, user=self.user, dbname="postgres", autocommit=True) as c:
            c.execute(sql)

    def create_db(self, name: str) -> str:
        self.admin(f'CREATE DATABASE "{name}"')
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
    """(uid, gid) to run the server as: ourselves unless we are root."""
    if os.geteuid() != 0:
        return None, None
    for name in ("postgres", "nobody"):
        try:
            pw = pwd.getpwnam(name)
        except KeyError:
            continue
        return pw.pw_uid, pw.pw_gid
    raise NoPostgres("running as root and no unprivileged user (postgres, nobody) to run PostgreSQL as")


@contextmanager
def throwaway_cluster(max_connections: int = 100, shared_buffers: str = "64MB") -> Iterator[PgCluster]:
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not (initdb and pg_ctl):
        raise NoPostgres("PostgreSQL server binaries (initdb, pg_ctl) not installed: apt-get install postgresql")
    uid, gid = _run_as()
    # directly under /tmp (not a 0700 tmp tree) so an unprivileged server can reach it
    base = Path(tempfile.mkdtemp(prefix="hotich-pg-"))
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
            # a throwaway cluster: durability off (load numbers are therefore an upper bound for a real server)
            f"-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections={max_connections} "
            f"-c shared_buffers={shared_buffers}"
        )
        run(pg_ctl, "-D", str(data), "-o", opts, "-l", str(log), "-w", "-t", "60", "start")
    except Exception:
        shutil.rmtree(base, ignore_errors=True)
        raise
    try:
        yield PgCluster(port, user, str(sock), log)
    finally:
        subprocess.run([pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"], **kw, check=False, timeout=60)
        shutil.rmtree(base, ignore_errors=True)
