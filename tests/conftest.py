"""Shared fixtures: a throwaway PostgreSQL cluster, and ``db_url`` over SQLite and PostgreSQL.

A test that takes ``db_url`` (or ``store``) runs once per backend, with a fresh empty database
each time. The cluster is started once per session from the installed binaries (initdb, pg_ctl) in
a temp dir, listens only on a unix socket in that dir, and is stopped at the end. PostgreSQL
refuses to run as root: as root (CI) the cluster runs as the ``postgres`` user if it exists,
else ``nobody``. Without the binaries the postgresql cases are skipped, saying why.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass(frozen=True)
class PgCluster:
    host: str  # unix socket directory
    port: int
    user: str  # superuser role inside the cluster

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@/{dbname}?host={self.host}&port={self.port}"

    def admin(self, sql: str) -> None:
        """Run one statement as the superuser on the maintenance database (autocommit)."""
        import psycopg

        with psycopg.connect(
            host=self.host, port=self.port, user=self.user, dbname="postgres", autocommit=True
        ) as c:
            c.execute(sql)


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return candidates[0] if candidates else None


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
    pytest.skip("running as root and no unprivileged user (postgres, nobody) to run PostgreSQL as")


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not (initdb and pg_ctl):
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) not installed: apt-get install postgresql")
    uid, gid = _run_as()
    # directly under /tmp (not pytest's 0700 tmp tree) so an unprivileged server can reach it
    base = Path(tempfile.mkdtemp(prefix="hotich-pg-"))
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    if uid is not None:
        for p in (base, sock):
            os.chown(p, uid, gid)
    user, port = "hotich", _free_port()
    env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
    kw = {"user": uid, "group": gid, "env": env, "cwd": base, "capture_output": True, "text": True}
    if uid is None:
        kw.pop("user"), kw.pop("group")

    def run(*args: str) -> None:
        done = subprocess.run(list(args), **kw, check=False, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{args[0]} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")

    try:
        run(initdb, "-D", str(data), "-U", user, "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync")
        opts = (
            f"-p {port} -k {sock} -c listen_addresses='' "
            # a throwaway cluster: durability off, small footprint
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=50 "
            "-c shared_buffers=32MB"
        )
        run(pg_ctl, "-D", str(data), "-o", opts, "-l", str(base / "server.log"), "-w", "-t", "60", "start")
    except Exception:
        shutil.rmtree(base, ignore_errors=True)
        raise
    try:
        yield PgCluster(str(sock), port, user)
    finally:
        subprocess.run(
            [pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"], **kw, check=False, timeout=60
        )
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def pg_url(pg_cluster: PgCluster) -> Iterator[str]:
    """A fresh, empty PostgreSQL database in the session cluster, dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    pg_cluster.admin(f'CREATE DATABASE "{name}"')
    yield pg_cluster.url(name)
    pg_cluster.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database URL, once on SQLite (a file, WAL) and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'hotich.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def store(db_url: str):
    """A migrated ``store.Store`` on each backend."""
    from store import Store

    s = Store(db_url)
    s.migrate()
    yield s
    s.dispose()
