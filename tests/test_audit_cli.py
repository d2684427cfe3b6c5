"""``hotich audit verify|head`` over the hash chain, and the PostgreSQL role that cannot rewrite it."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from test_export_cli_support import invoke

from store import Store
from store.roles import harden_audit


@pytest.fixture
def chained(store: Store) -> Store:
    for i in range(1, 6):
        store.append_event("test", f"subject-{i}", {"i": i}, actor="tester")
    return store


def _tamper(store: Store, sql: str) -> None:
    with store.engine.begin() as c:
        if store.dialect == "postgresql":
            c.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            c.execute(text("DROP TRIGGER IF EXISTS event_no_update"))
            c.execute(text("DROP TRIGGER IF EXISTS event_no_delete"))
        c.execute(text(sql))


def test_head_prints_the_head_hash(chained: Store) -> None:
    r = invoke("audit", "head", "--db", chained.url)
    assert r.exit_code == 0 and r.output.strip() == chained.head()


def test_head_of_an_empty_log_fails(store: Store) -> None:
    assert invoke("audit", "head", "--db", store.url).exit_code == 1


def test_verify_ok(chained: Store) -> None:
    r = invoke("audit", "verify", "--db", chained.url, "--json")
    assert r.exit_code == 0
    rep = json.loads(r.output)
    assert rep["ok"] and rep["events"] == 5 and rep["head"] == chained.head()


@pytest.mark.parametrize(
    "sql,reason,at",
    [
        ("UPDATE event SET actor = 'mallory' WHERE id = 3", "changed", 3),
        ("DELETE FROM event WHERE id = 2", "deleted", 3),
    ],
)
def test_verify_reports_the_first_broken_link(chained: Store, sql: str, reason: str, at: int) -> None:
    _tamper(chained, sql)
    r = invoke("audit", "verify", "--db", chained.url)
    assert r.exit_code == 1
    assert f"event {at}" in r.output and reason in r.output
    rep = json.loads(invoke("audit", "verify", "--db", chained.url, "--json").output)
    assert (rep["ok"], rep["reason"], rep["broken_at"]) == (False, reason, at)


def test_verify_with_an_anchor_sees_a_cut_end(chained: Store) -> None:
    anchor = chained.head()
    _tamper(chained, "DELETE FROM event WHERE id = 5")
    assert invoke("audit", "verify", "--db", chained.url).exit_code == 0
    r = invoke("audit", "verify", "--db", chained.url, "--anchor", anchor)
    assert r.exit_code == 1 and "deleted" in r.output


def test_export_events_keep_the_chain_valid(chained: Store, tmp_path) -> None:
    r = invoke("export", "--format", "jsonl", "--out", str(tmp_path / "r.jsonl"), "--db", chained.url)
    assert r.exit_code == 0, r.output
    assert chained.events()[-1]["kind"] == "export"
    assert invoke("audit", "verify", "--db", chained.url).exit_code == 0


@pytest.mark.postgres
def test_app_role_cannot_update_or_delete_audit_rows(pg_url: str) -> None:
    owner = Store(pg_url)
    owner.migrate()
    owner.append_event("test", "s", {"i": 1})
    harden_audit(owner.engine, "hotich_app")
    harden_audit(pg_url, "hotich_app")  # idempotent
    app_url = make_url(owner.engine.url).set(username="hotich_app").render_as_string(hide_password=False)
    app = Store(app_url)
    try:
        # the application's work still goes through: load events, reads, verification
        h = app.append_event("test", "s2", {"i": 2}, actor="app")
        assert app.head() == h and app.verify_chain().ok
        for sql in ("UPDATE event SET actor = 'mallory'", "DELETE FROM event", "TRUNCATE event"):
            with pytest.raises(DBAPIError, match="permission denied"), app.engine.begin() as c:
                c.execute(text(sql))
        # nor can it switch the triggers off (superuser only) or drop them (owner only)
        with pytest.raises(DBAPIError), app.engine.begin() as c:
            c.execute(text("SET session_replication_role = replica"))
        with pytest.raises(DBAPIError), app.engine.begin() as c:
            c.execute(text("DROP TRIGGER event_no_update_delete ON event"))
        assert len(owner.events()) == 2 and owner.verify_chain().ok
    finally:
        app.dispose()
        owner.dispose()


@pytest.mark.postgres
def test_harden_refuses_a_superuser(pg_url: str) -> None:
    owner = Store(pg_url)
    owner.migrate()
    try:
        with pytest.raises(ValueError, match="superuser"):
            harden_audit(owner.engine, make_url(owner.engine.url).username)
    finally:
        owner.dispose()


def test_harden_is_postgres_only(tmp_path) -> None:
    with pytest.raises(NotImplementedError):
        harden_audit(f"sqlite:///{tmp_path / 'h.db'}", "app")
