"""Store-level tests of the review tables, on SQLite and PostgreSQL (``db_url``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import inspect, select, update

from review import _queue
from review.demo import load_demo
from store import Store
from store.db import current_revision
from store.review_models import (
    ReviewClaim,
    ReviewUser,
    decide_pair,
    pair_decisions,
    pairs_for_review,
    save_pairs,
)


def test_migration_creates_review_tables(store: Store) -> None:
    from alembic.script import ScriptDirectory

    from store.db import alembic_config, head_revision

    assert current_revision(store.engine) == head_revision()
    assert ScriptDirectory.from_config(alembic_config()).get_revision("0002_review").down_revision == "0001"
    assert {"review_user", "review_session", "review_claim", "review_item", "dup_pair"} <= set(
        inspect(store.engine).get_table_names()
    )


def _engine_row(left: str, right: str, p: float) -> dict:
    # the shape of pipeline.dedup's pair_rows()
    return {
        "record_id_l": left, "record_id_r": right, "match_probability": p, "match_weight": 3.2, "via": "model",
        "decision": "", "status": "review", "prior_weight": -9.1, "name_level": "exact", "mw_name": 6.5,
        "dob_level": "else", "mw_dob": -4.0,
    }  # fmt: skip


def test_pairs_save_decide_and_decisions_win(store: Store) -> None:
    a, b, c = "a" * 16 + "-p0001-r01", "b" * 16 + "-p0001-r01", "c" * 16 + "-p0001-r01"
    assert save_pairs(store, [_engine_row(b, a, 0.7), _engine_row(a, c, 0.9)]) == 2
    todo = pairs_for_review(store)
    assert [(p["record_id_l"], p["record_id_r"]) for p in todo] == [(a, c), (a, b)]  # canonical, best first
    assert todo[1]["weights"]["mw_name"] == 6.5 and "decision" not in todo[1]["weights"]

    h = decide_pair(store, b, a, "same", "rev1", "same parents")
    assert pair_decisions(store) == {(a, b): True}
    ev = store.events(subject=f"pair:{a}|{b}")
    assert ev[-1]["hash"] == h and ev[-1]["payload"]["decision"] == "same" and ev[-1]["actor"] == "rev1"

    # a new model run scores the pair again: the reviewer's decision and its status stay
    save_pairs(store, [{**_engine_row(a, b, 0.2), "status": "no_link"}])
    assert pair_decisions(store) == {(a, b): True}
    assert [(p["record_id_l"], p["record_id_r"]) for p in pairs_for_review(store)] == [(a, c)]

    decide_pair(store, a, c, "unsure", "rev2")
    assert pair_decisions(store) == {(a, b): True}  # unsure is not a verdict
    decide_pair(store, a, c, "different", "rev2")
    assert pair_decisions(store) == {(a, b): True, (a, c): False}
    assert store.verify_chain().ok
    with pytest.raises(ValueError):
        decide_pair(store, a, c, "maybe", "rev2")
    with pytest.raises(KeyError):
        decide_pair(store, a, "d" * 16 + "-p0001-r01", "same", "rev2")


def test_claims_are_exclusive_until_they_expire(store: Store) -> None:
    ok, holder, _ = _queue.claim(store, "record:x", "ann", 10)
    assert ok and holder == "ann"
    ok, holder, until = _queue.claim(store, "record:x", "bob", 10)
    assert not ok and holder == "ann" and until is not None
    assert _queue.claim(store, "record:x", "ann", 10)[0]  # renewing one's own claim
    with store.engine.begin() as conn:
        conn.execute(update(ReviewClaim).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    assert not _queue.holds(store, "record:x", "ann")
    assert _queue.claim(store, "record:x", "bob", 10)[0]
    assert _queue.live_claims(store, "bob") == ["record:x"]
    _queue.release(store, "record:x", "bob")
    assert _queue.live_claims(store, "bob") == []


def test_queue_holds_records_needing_review_plus_a_deterministic_sample(store: Store, tmp_path) -> None:
    truth = load_demo(store, None, pages=6, rows=3, images=False)
    counts = _queue.sync_queue(store, share=0.3)
    expected_sample = sum(
        1
        for rid in truth
        if _queue.in_sample(rid, 0.3) and int(rid[-2:]) % 3 == 2  # rows 2 are all ok
    )
    assert counts == {"added": 12, "reopened": 0, "sampled": expected_sample}
    assert _queue.sync_queue(store, share=0.3) == {"added": 0, "reopened": 0, "sampled": 0}  # idempotent

    first = _queue.next_record(store, "ann", 10)
    second = _queue.next_record(store, "bob", 10)
    assert first and second and first != second  # two reviewers never get the same record
    assert _queue.next_record(store, "ann", 10) == first  # one's own claim comes back first
    _queue.finish_review(store, first, "ann", checked=2, changed=1)
    assert not _queue.is_open(store, first) and not _queue.holds(store, f"record:{first}", "ann")
    assert store.events(subject=f"record:{first}")[-1]["kind"] == "review"
    depth = _queue.queue_depth(store)
    assert sum(d["n"] for d in depth) == 12 + expected_sample - 1
    assert _queue.reviewer_rates(store)[0]["user"] == "ann"


def test_users_hash_with_argon2_and_disable_ends_sessions(store: Store) -> None:
    from review import UserError, add_user, authenticate, disable_user, list_users
    from review._users import create_session, session_user

    uid = add_user(store, "ann", "reviewer", "correct horse battery")
    with store.engine.connect() as c:
        stored = c.execute(select(ReviewUser.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and "correct horse" not in stored
    assert authenticate(store, "ann", "wrong password!") is None
    assert authenticate(store, "nobody", "correct horse battery") is None
    assert authenticate(store, "ann", "correct horse battery")["role"] == "reviewer"
    with pytest.raises(UserError):
        add_user(store, "ann", "reviewer", "another password")
    with pytest.raises(UserError):
        add_user(store, "bob", "superuser", "another password")
    with pytest.raises(UserError):
        add_user(store, "../bob", "reviewer", "another password")
    token, _csrf = create_session(store, uid, "s" * 40, 1.0)
    assert session_user(store, "s" * 40, token)["name"] == "ann"
    assert session_user(store, "t" * 40, token) is None  # keyed by the secret
    assert disable_user(store, "ann")
    assert session_user(store, "s" * 40, token) is None
    assert authenticate(store, "ann", "correct horse battery") is None
    assert [u["disabled"] for u in list_users(store)] == [True]
