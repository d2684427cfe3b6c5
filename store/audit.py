"""The append-only, hash-chained event log.

``hash_i = SHA-256(prev_hash_i || canonical_json(event_i))`` where the canonical JSON of an event is
its ``ts`` (ISO 8601 text), ``actor``, ``kind``, ``subject`` and ``payload``: keys sorted, no
whitespace, UTF-8, every string NFC. The row id is *not* hashed: the order of the log is the chain of
``prev_hash`` links, which is what lets ``verify`` tell a reordered log from a changed one.
The first event links to ``GENESIS``.

A chain only detects edits; anchor ``head()`` outside the system (orchestration.md §4) to also detect
a log rewritten whole or cut at its end (``verify(..., anchor=...)``).
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select

from store.db import lock_chain
from store.models import Event

GENESIS = "0" * 64
_event = Event.__table__


def nfc(obj: Any) -> Any:
    """NFC every string (keys too) so that visually equal text hashes equally."""
    if isinstance(obj, str):
        return unicodedata.normalize("NFC", obj)
    if isinstance(obj, dict):
        return {nfc(str(k)): nfc(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [nfc(v) for v in obj]
    return obj


def canonical_json(obj: Any) -> str:
    # default=str: paths, dates and the like hash (and are stored) as their text
    return json.dumps(
        nfc(obj), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False, default=str
    )


def event_hash(prev_hash: str, ts: str, actor: str, kind: str, subject: str, payload: dict[str, Any]) -> str:
    body = canonical_json({"ts": ts, "actor": actor, "kind": kind, "subject": subject, "payload": payload})
    return hashlib.sha256(prev_hash.encode("ascii") + body.encode("utf-8")).hexdigest()


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def head(conn: Connection) -> str | None:
    return conn.execute(select(_event.c.hash).order_by(_event.c.id.desc()).limit(1)).scalar()


def append(conn: Connection, kind: str, subject: str, payload: dict[str, Any], actor: str = "system") -> str:
    """Append one event inside the caller's transaction; returns its hash."""
    return append_many(conn, [(kind, subject, payload)], actor)[0]


def append_many(
    conn: Connection, events: Sequence[tuple[str, str, dict[str, Any]]], actor: str = "system"
) -> list[str]:
    """Append events (kind, subject, payload) in order inside the caller's transaction; returns their hashes.

    The chain lock is held until that transaction ends, so two writers cannot both link to the same
    head (no fork) and ids follow chain order.
    """
    if not events:
        return []
    lock_chain(conn)
    prev = head(conn) or GENESIS
    actor = nfc(actor)
    rows, hashes = [], []
    for kind, subject, payload in events:
        ts = now_iso()
        kind, subject = nfc(kind), nfc(subject)
        # store exactly what was hashed: a JSON round trip of the NFC payload
        payload = json.loads(canonical_json(payload))
        h = event_hash(prev, ts, actor, kind, subject, payload)
        rows.append({"ts": ts, "actor": actor, "kind": kind, "subject": subject, "payload": payload,
                     "prev_hash": prev, "hash": h})  # fmt: skip
        hashes.append(h)
        prev = h
    conn.execute(_event.insert(), rows)
    return hashes


@dataclass(frozen=True, slots=True)
class ChainReport:
    ok: bool
    events: int  # rows checked
    head: str | None  # hash of the last row
    broken_at: int | None = None  # event id of the first broken link
    reason: str | None = None  # changed | deleted | inserted | reordered
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "events": self.events,
            "head": self.head,
            "broken_at": self.broken_at,
            "reason": self.reason,
            "detail": self.detail,
        }


def _rows(conn: Connection, batch: int = 2000) -> Iterator[Any]:
    """Events in id order, keyset-paginated so a long log never sits in memory whole."""
    last = 0
    while True:
        rows = conn.execute(select(_event).where(_event.c.id > last).order_by(_event.c.id).limit(batch)).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].id


def _recompute(row: Any) -> str:
    return event_hash(row.prev_hash, row.ts, row.actor, row.kind, row.subject, row.payload)


def _id_of(conn: Connection, h: str) -> int | None:
    return conn.execute(select(_event.c.id).where(_event.c.hash == h).limit(1)).scalar()


def _is_linked_from(conn: Connection, h: str) -> bool:
    return conn.execute(select(_event.c.id).where(_event.c.prev_hash == h).limit(1)).first() is not None


def verify(conn: Connection, anchor: str | None = None) -> ChainReport:
    """Walk the log in id order; report the first broken link and what broke it.

    A row is checked for its link (``prev_hash`` = hash of the row before it, ``GENESIS`` for the
    first) and its content (stored hash = recomputed hash). At the first bad row:
    - inserted: skipping the row before it restores the chain (that row was slipped in), or the row
      links to nothing that exists / to an earlier row while nothing links to it (a forged row);
    - changed: the link is right (or unexplainable) but the content no longer matches the hash;
    - deleted: the row links to a hash no row has any more;
    - reordered: the row links to a row that exists but sits elsewhere in the order.
    ``anchor``: a head hash recorded earlier outside the system; if it is gone, the log was cut.
    """
    count = 0
    expected, prev_prev, prev_id, last = GENESIS, None, None, None
    it = _rows(conn)
    cur = next(it, None)
    while cur is not None:
        nxt = next(it, None)
        count += 1
        consistent = _recompute(cur) == cur.hash
        if cur.prev_hash != expected:
            if prev_prev is not None and cur.prev_hash == prev_prev:
                return _broken(count, prev_id, "inserted", f"event {prev_id} was slipped into the chain")
            if not consistent:
                return _broken(count, cur.id, "changed", f"event {cur.id}: content does not match its hash")
            if cur.prev_hash == GENESIS:
                return _broken(count, cur.id, "reordered", f"event {cur.id} is the first event, out of order")
            linked_id = _id_of(conn, cur.prev_hash)
            if linked_id is None:
                if nxt is not None and nxt.prev_hash == expected:
                    return _broken(count, cur.id, "inserted", f"event {cur.id} links to no event")
                return _broken(count, cur.id, "deleted", f"the event before {cur.id} is missing")
            if linked_id > cur.id or _is_linked_from(conn, cur.hash):
                return _broken(count, cur.id, "reordered", f"event {cur.id} links to event {linked_id}")
            return _broken(count, cur.id, "inserted", f"event {cur.id} forks from event {linked_id}")
        if not consistent:
            return _broken(count, cur.id, "changed", f"event {cur.id}: content does not match its hash")
        prev_prev, expected, prev_id, last = expected, cur.hash, cur.id, cur.hash
        cur = nxt
    if anchor is not None and anchor != last and _id_of(conn, anchor) is None:
        return ChainReport(False, count, last, None, "deleted", f"anchored head {anchor[:12]}... is gone")
    return ChainReport(True, count, last)


def _broken(count: int, event_id: int | None, reason: str, detail: str) -> ChainReport:
    return ChainReport(False, count, None, event_id, reason, detail)
