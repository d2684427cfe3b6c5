"""The hash-chained event log: tamper detection and the append-only guard, on SQLite and PostgreSQL.

Tampering is done the way an insider with database access would: plain SQL on the ``event`` table,
after switching the append-only triggers off (SQLite: drop them; PostgreSQL: a superuser session in
``session_replication_role = replica``).
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from contextlib import contextmanager

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from store import GENESIS, Store, canonical_json, event_hash


@contextmanager
def tampering(store: Store):
    with store.engine.begin() as c:
        if store.dialect == "postgresql":
            c.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            c.execute(text("DROP TRIGGER IF EXISTS event_no_update"))
            c.execute(text("DROP TRIGGER IF EXISTS event_no_delete"))
        yield c


def rows(store: Store) -> list:
    with store.engine.connect() as c:
        return c.execute(
            text("SELECT id, ts, actor, kind, subject, prev_hash, hash FROM event ORDER BY id")
        ).all()


@pytest.fixture
def chained(store: Store) -> Store:
    for i in range(1, 7):
        store.append_event("test", f"subject-{i}", {"i": i, "name": "Nguyễn Thị Hồng"}, actor=f"user{i % 2}")
    assert store.verify_chain().ok
    return store


def test_hash_formula_and_links(chained: Store) -> None:
    ev = chained.events()
    assert ev[0]["prev_hash"] == GENESIS
    for a, b in zip(ev, ev[1:], strict=False):
        assert b["prev_hash"] == a["hash"]
    e = ev[2]
    body = json.dumps(
        {
            "actor": e["actor"],
            "kind": e["kind"],
            "payload": e["payload"],
            "subject": e["subject"],
            "ts": e["ts"],
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    assert e["hash"] == hashlib.sha256((e["prev_hash"] + body).encode()).hexdigest()
    assert chained.head() == ev[-1]["hash"]
    rep = chained.verify_chain()
    assert (rep.ok, rep.events, rep.head) == (True, 6, ev[-1]["hash"])


def test_canonical_json_is_nfc_sorted_compact() -> None:
    nfd = unicodedata.normalize("NFD", "Nguyễn")
    assert canonical_json({"b": 1, "a": [nfd, 2.5]}) == '{"a":["Nguyễn",2.5],"b":1}'
    h1 = event_hash(GENESIS, "2025-01-01T00:00:00+00:00", "u", "k", "s", {"n": nfd})
    h2 = event_hash(GENESIS, "2025-01-01T00:00:00+00:00", "u", "k", "s", {"n": "Nguyễn"})
    assert h1 == h2


def test_empty_log_verifies(store: Store) -> None:
    rep = store.verify_chain()
    assert rep.ok and rep.events == 0 and store.head() is None


def test_detects_changed_payload(chained: Store) -> None:
    with tampering(chained) as c:
        c.execute(
            text(f"UPDATE event SET payload = {_json(chained, 'p')} WHERE id = 3"),
            {"p": '{"i": 99, "name": "X"}'},
        )
    rep = chained.verify_chain()
    assert (rep.ok, rep.reason, rep.broken_at) == (False, "changed", 3)


@pytest.mark.parametrize("column,value", [("actor", "mallory"), ("ts", "2001-01-01T00:00:00.000000+00:00")])
def test_detects_changed_columns(chained: Store, column: str, value: str) -> None:
    with tampering(chained) as c:
        c.execute(text(f"UPDATE event SET {column} = :v WHERE id = 5"), {"v": value})
    rep = chained.verify_chain()
    assert (rep.reason, rep.broken_at) == ("changed", 5)


def test_detects_deleted(chained: Store) -> None:
    with tampering(chained) as c:
        c.execute(text("DELETE FROM event WHERE id = 3"))
    rep = chained.verify_chain()
    assert (rep.ok, rep.reason, rep.broken_at) == (False, "deleted", 4)


def test_detects_deleted_first(chained: Store) -> None:
    with tampering(chained) as c:
        c.execute(text("DELETE FROM event WHERE id = 1"))
    rep = chained.verify_chain()
    assert (rep.reason, rep.broken_at) == ("deleted", 2)


def test_detects_truncated_end_with_anchor(chained: Store) -> None:
    anchor = chained.head()
    with tampering(chained) as c:
        c.execute(text("DELETE FROM event WHERE id = 6"))
    assert chained.verify_chain().ok  # a cut end is invisible to the chain alone...
    rep = chained.verify_chain(anchor=anchor)  # ...but not to a head recorded outside
    assert (rep.ok, rep.reason) == (False, "deleted")


def _forge(prev_hash: str, payload: dict) -> dict:
    ts, actor, kind, subject = "2025-06-01T00:00:00.000000+00:00", "mallory", "load", "page:forged"
    h = event_hash(prev_hash, ts, actor, kind, subject, payload)
    return {"ts": ts, "actor": actor, "kind": kind, "subject": subject, "payload": json.dumps(payload),
            "prev_hash": prev_hash, "hash": h}  # fmt: skip


def _json(store: Store, param: str) -> str:
    return f"CAST(:{param} AS json)" if store.dialect == "postgresql" else f":{param}"


def _insert(store: Store) -> str:
    return (
        "INSERT INTO event (id, ts, actor, kind, subject, payload, prev_hash, hash) "
        f"VALUES (:id, :ts, :actor, :kind, :subject, {_json(store, 'payload')}, :prev_hash, :hash)"
    )


def test_detects_inserted_in_the_middle(chained: Store) -> None:
    # a well-formed forged event slipped in after event 3, linked to it, the later ids shifted
    h3 = rows(chained)[2].hash
    with tampering(chained) as c:
        c.execute(text("UPDATE event SET id = id + 100 WHERE id > 3"))
        c.execute(text(_insert(chained)), {"id": 4, **_forge(h3, {"fake": True})})
    rep = chained.verify_chain()
    assert (rep.ok, rep.reason, rep.broken_at) == (False, "inserted", 4)


def test_detects_inserted_at_the_end_forking(chained: Store) -> None:
    # appended after the head, but linked to an older event (written by someone without the head)
    h2 = rows(chained)[1].hash
    with tampering(chained) as c:
        c.execute(text(_insert(chained)), {"id": 50, **_forge(h2, {"fake": True})})
    rep = chained.verify_chain()
    assert (rep.ok, rep.reason, rep.broken_at) == (False, "inserted", 50)


def test_detects_inserted_junk_row(chained: Store) -> None:
    with tampering(chained) as c:
        c.execute(text("UPDATE event SET id = id + 100 WHERE id > 3"))
        c.execute(text(_insert(chained)), {"id": 4, **_forge("f" * 64, {"fake": True})})
    rep = chained.verify_chain()
    assert (rep.reason, rep.broken_at) == ("inserted", 4)


@pytest.mark.parametrize("a,b", [(2, 3), (2, 5), (5, 6)])
def test_detects_reordered(chained: Store, a: int, b: int) -> None:
    with tampering(chained) as c:
        c.execute(text("UPDATE event SET id = -1 WHERE id = :a"), {"a": a})
        c.execute(text("UPDATE event SET id = :a WHERE id = :b"), {"a": a, "b": b})
        c.execute(text("UPDATE event SET id = :b WHERE id = -1"), {"b": b})
    rep = chained.verify_chain()
    assert (rep.ok, rep.reason, rep.broken_at) == (False, "reordered", a)


def test_appends_after_tampering_do_not_hide_it(chained: Store) -> None:
    with tampering(chained) as c:
        c.execute(text("UPDATE event SET subject = 'x' WHERE id = 2"))
    chained.append_event("test", "later", {})
    rep = chained.verify_chain()
    assert (rep.reason, rep.broken_at) == ("changed", 2)


def test_append_only_guard_refuses_update_and_delete(chained: Store) -> None:
    for sql in ("UPDATE event SET actor = 'mallory' WHERE id = 1", "DELETE FROM event WHERE id = 1"):
        with pytest.raises(DBAPIError, match="append-only"), chained.engine.begin() as c:
            c.execute(text(sql))
    if chained.dialect == "postgresql":
        with pytest.raises(DBAPIError, match="append-only"), chained.engine.begin() as c:
            c.execute(text("TRUNCATE event"))
    assert len(rows(chained)) == 6
    assert chained.verify_chain().ok


def test_load_events_chain_with_the_rest(store: Store) -> None:
    from test_store import page_result  # pytest puts tests/ on sys.path (rootdir-less "prepend" import mode)

    run = store.start_run({"paths": ["/scans"]}, actor="operator")
    stats = store.load_page(run, page_result())
    store.finish_run(run, "completed", {"pages": 1})
    ev = store.events()
    assert [e["kind"] for e in ev] == ["run_start", "load", "run_finish"]
    assert ev[0]["actor"] == "operator"
    assert ev[1]["hash"] == stats.event_hash
    assert ev[1]["payload"]["run_id"] == run and ev[1]["payload"]["records"] == 3
    assert ev[1]["subject"] == f"page:{page_result().ref.sha256}:1"
    assert store.verify_chain().ok
