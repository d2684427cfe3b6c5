"""Shared fixtures: a throwaway PostgreSQL cluster, and ``db_url`` over SQLite and PostgreSQL.

A test that takes ``db_url`` (or ``store``) runs once per backend, with a fresh empty database
each time. The cluster is started once per session by ``bench/_pg.py`` (the one recipe, shared with
the benchmarks) and stopped at the end; tests reach it over its unix socket. Without the binaries
(or, as root, without an unprivileged user to run it as) the postgresql cases are skipped, saying why.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repo root: bench/ helpers

from bench._pg import NoPostgres, PgCluster, throwaway_cluster  # noqa: E402


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    try:
        with throwaway_cluster(max_connections=50, shared_buffers="32MB") as cluster:
            yield cluster
    except NoPostgres as exc:
        pytest.skip(str(exc))


@pytest.fixture
def pg_url(pg_cluster: PgCluster) -> Iterator[str]:
    """A fresh, empty PostgreSQL database in the session cluster, dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    pg_cluster.admin(f'CREATE DATABASE "{name}"')
    yield pg_cluster.url(name, tcp=False)
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


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Stop Prefect's per-process temporary server (tests that run a flow in-process start one) while
    output is still open: left to interpreter exit, its goodbye log line hits a closed stream."""
    server_mod = sys.modules.get("prefect.server.api.server")
    if server_mod is None:
        return
    for server in list(server_mod.SubprocessASGIServer._instances.values()):
        server.stop()
