"""Engines and migrations: one place that knows SQLite from PostgreSQL.

SQLite runs in WAL mode with a busy timeout and foreign keys on, and every write transaction starts
with ``BEGIN IMMEDIATE`` so concurrent writers queue instead of failing halfway (and so the event
chain cannot fork). PostgreSQL serializes chain appends with a transaction-scoped advisory lock.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 60_000
# pg_advisory_xact_lock keys ("hoti" / "migr" in ASCII): one for the event chain, one for migrations
CHAIN_LOCK = 0x686F7469
MIGRATE_LOCK = 0x6D696772
# execution option: a read-only SQLite transaction may start DEFERRED (does not block writers)
READONLY = "hotich_readonly"


def normalize_url(url: str) -> str:
    """``postgresql://`` means psycopg 3 here (psycopg2 is not a dependency)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str) -> Engine:
    url = normalize_url(url)
    u = make_url(url)
    if u.get_backend_name() != "sqlite":
        # bulk rows go through store._bulk (COPY into session temp tables), not executemany
        engine = create_engine(url, pool_pre_ping=True)
        from store import _bulk

        # a rolled-back transaction takes the temp tables it created with it
        event.listen(
            engine, "rollback", lambda conn: _bulk.forget_temp_tables(conn.connection.driver_connection)
        )
        return engine
    memory = u.database in (None, "", ":memory:")
    engine = create_engine(
        url,
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        # an in-memory database lives in its one connection
        poolclass=StaticPool if memory else None,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:
        # let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's implicit BEGIN is DEFERRED)
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        if not memory:
            _enable_wal(cur)
            # WAL + NORMAL: a killed process loses no committed transaction; fsync at checkpoints
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        readonly = conn.get_execution_options().get(READONLY, False)
        conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")

    return engine


def _enable_wal(cur) -> None:
    """Switch a file database to WAL, waiting out other connections doing the same.

    Changing the journal mode takes an exclusive lock without consulting the busy handler, so
    processes opening a fresh database together get "database is locked" at once; WAL persists in
    the file, so whoever loses the race finds it already set on the next try.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    delay = 0.005
    while True:
        try:
            if cur.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.25)


def lock_chain(conn: Connection) -> None:
    """Serialize event appends until the end of the transaction (SQLite: BEGIN IMMEDIATE did it)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": CHAIN_LOCK})


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def migrate(engine: Engine) -> None:
    """``alembic upgrade head`` on ``engine``; a no-op when already at head; safe to race."""
    cfg = alembic_config()
    with engine.begin() as conn:
        # two processes starting at once: the second waits here, then finds the schema at head
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATE_LOCK})
        if MigrationContext.configure(conn).get_current_revision() == head_revision():
            return
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
