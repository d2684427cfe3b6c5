"""The review queue: which records need a human, who holds which one, and what reviews found.

Queue = records whose status is not ``ok`` (a field low_confidence or invalid) plus a deterministic
quality sample of auto-accepted records (``kind='sample'``): sha256(record id) below the configured
share. Claims make sure two reviewers never work the same record (or pair) at once; a claim expires
so an abandoned record returns to the queue.
"""

from __future__ import annotations

import hashlib
import math
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, and_, delete, exists, func, literal, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from store import Page, PageField, Record, audit
from store.db import READONLY, lock_chain
from store.review_models import ReviewClaim, ReviewItem

if TYPE_CHECKING:
    from store import Store

_item: Table = ReviewItem.__table__  # type: ignore[assignment]
_claim: Table = ReviewClaim.__table__  # type: ignore[assignment]
_record: Table = Record.__table__  # type: ignore[assignment]
_page: Table = Page.__table__  # type: ignore[assignment]
_page_field: Table = PageField.__table__  # type: ignore[assignment]
_CHUNK = 500


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(ts: datetime | None) -> datetime | None:
    return None if ts is None else (ts if ts.tzinfo else ts.replace(tzinfo=UTC))


def _ro(store: Store) -> Any:
    return store.engine.connect().execution_options(**{READONLY: True})


def in_sample(record_id: str, share: float) -> bool:
    """Deterministic: the same record is in (or out of) the sample on every run and every machine."""
    if share <= 0:
        return False
    h = int.from_bytes(hashlib.sha256(record_id.encode()).digest()[:8], "big")
    return h / 2**64 < share


def _book_col() -> Any:
    # the book number printed on the page (quyenSo), the unit reviewers split work by
    return (
        select(_page_field.c.value)
        .where(_page_field.c.page_id == _record.c.page_id, _page_field.c.key == "quyenSo")
        .scalar_subquery()
    )


def sync_queue(store: Store, share: float) -> dict[str, int]:
    """Add new records needing review and the quality sample; reopen reviewed records that changed."""
    now = _now()
    not_queued = ~exists().where(_item.c.record_id == _record.c.record_id)
    cols = ["record_id", "register", "book", "kind", "state", "queued_at", "fields_checked", "fields_changed"]

    def source(kind: str, where: Any) -> Any:
        return select(
            _record.c.record_id, _record.c.register, func.substr(_book_col(), 1, 64), literal(kind),
            literal("open"), literal(now, _item.c.queued_at.type), literal(0), literal(0),
        ).where(where)  # fmt: skip

    with store.engine.begin() as conn:
        added = len(
            conn.execute(
                _item.insert()
                .from_select(cols, source("review", and_(_record.c.status != "ok", not_queued)))
                .returning(_item.c.record_id)
            ).all()
        )
        changed = (
            select(_record.c.record_id)
            .where(_record.c.status != "ok", _record.c.updated_at > _item.c.done_at)
            .where(_record.c.record_id == _item.c.record_id)
        )
        reopened = len(
            conn.execute(
                update(_item)
                .where(_item.c.state == "done", exists(changed))
                .values(state="open", kind="review", queued_at=now)
                .returning(_item.c.record_id)
            ).all()
        )
    sampled = 0
    if share > 0:
        with _ro(store) as conn:
            ids = conn.execute(
                select(_record.c.record_id).where(_record.c.status == "ok", not_queued)
            ).scalars()
            pick = [rid for rid in ids if in_sample(rid, share)]
        for i in range(0, len(pick), _CHUNK):
            chunk = pick[i : i + _CHUNK]
            with store.engine.begin() as conn:
                sampled += len(
                    conn.execute(
                        _item.insert()
                        .from_select(cols, source("sample", and_(_record.c.record_id.in_(chunk), not_queued)))
                        .returning(_item.c.record_id)
                    ).all()
                )
    return {"added": added, "reopened": reopened, "sampled": sampled}


# -- claims -------------------------------------------------------------------------------------------


def claim(store: Store, subject: str, user: str, minutes: float) -> tuple[bool, str | None, datetime | None]:
    """(True, user, expiry) when ``user`` holds ``subject`` now; (False, holder, expiry) otherwise."""
    now = _now()
    exp = now + timedelta(minutes=minutes)
    with store.engine.begin() as conn:
        # conditional update first: renews our claim or takes over an expired one, atomically.
        # RETURNING rather than rowcount: psycopg reports -1 for some statements (ON CONFLICT)
        got = conn.execute(
            update(_claim)
            .where(_claim.c.subject == subject, or_(_claim.c.user_name == user, _claim.c.expires_at <= now))
            .values(user_name=user, claimed_at=now, expires_at=exp)
            .returning(_claim.c.subject)
        ).first()
        if got is None:
            ins = (postgresql.insert if store.dialect == "postgresql" else sqlite.insert)(_claim)
            got = conn.execute(
                ins.on_conflict_do_nothing(index_elements=[_claim.c.subject]).returning(_claim.c.subject),
                {"subject": subject, "user_name": user, "claimed_at": now, "expires_at": exp},
            ).first()
        if got is not None:
            return True, user, exp
        row = conn.execute(
            select(_claim.c.user_name, _claim.c.expires_at).where(_claim.c.subject == subject)
        ).first()
    return False, row.user_name if row else None, _aware(row.expires_at) if row else None


def holds(store: Store, subject: str, user: str) -> bool:
    with _ro(store) as conn:
        row = conn.execute(
            select(_claim.c.expires_at).where(_claim.c.subject == subject, _claim.c.user_name == user)
        ).first()
    return row is not None and _aware(row.expires_at) > _now()


def live_claims(store: Store, user: str) -> list[str]:
    with _ro(store) as conn:
        return list(
            conn.execute(
                select(_claim.c.subject)
                .where(_claim.c.user_name == user, _claim.c.expires_at > _now())
                .order_by(_claim.c.subject)
            ).scalars()
        )


def release(store: Store, subject: str, user: str) -> None:
    with store.engine.begin() as conn:
        conn.execute(delete(_claim).where(_claim.c.subject == subject, _claim.c.user_name == user))


# -- the queue ----------------------------------------------------------------------------------------


def next_record(
    store: Store, user: str, minutes: float, register: str | None = None, book: str | None = None
) -> str | None:
    """Claim and return the next open record for ``user`` (their own live claim first), else None."""
    mine = [s.removeprefix("record:") for s in live_claims(store, user) if s.startswith("record:")]
    for rid in mine:
        if is_open(store, rid, register, book):
            return rid
    now = _now()
    c = _claim.alias("c")
    q = (
        select(_item.c.record_id)
        .join(_record, _record.c.record_id == _item.c.record_id)
        .outerjoin(c, c.c.subject == literal("record:") + _item.c.record_id)
        .where(_item.c.state == "open")
        .where(or_(c.c.subject.is_(None), c.c.user_name == user, c.c.expires_at <= now))
        .order_by(_item.c.book, _item.c.record_id)
        .limit(8)
    )
    if register:
        q = q.where(_item.c.register == register)
    if book:
        q = q.where(_item.c.book == book)
    with _ro(store) as conn:
        candidates = list(conn.execute(q).scalars())
    for rid in candidates:  # another reviewer may take one between our read and our claim
        if claim(store, f"record:{rid}", user, minutes)[0]:
            return rid
    return None


def is_open(store: Store, record_id: str, register: str | None = None, book: str | None = None) -> bool:
    q = select(_item.c.record_id).where(_item.c.record_id == record_id, _item.c.state == "open")
    if register:
        q = q.where(_item.c.register == register)
    if book:
        q = q.where(_item.c.book == book)
    with _ro(store) as conn:
        return conn.execute(q).first() is not None


def item_of(store: Store, record_id: str) -> dict[str, Any] | None:
    with _ro(store) as conn:
        row = conn.execute(select(_item).where(_item.c.record_id == record_id)).first()
    return None if row is None else dict(row._mapping)


def finish_review(store: Store, record_id: str, user: str, checked: int, changed: int) -> str:
    """Mark the record reviewed, release the claim, append a 'review' event; returns its hash."""
    now = _now()
    with store.engine.begin() as conn:
        lock_chain(conn)
        kind = conn.execute(select(_item.c.kind).where(_item.c.record_id == record_id)).scalar()
        conn.execute(
            update(_item)
            .where(_item.c.record_id == record_id)
            .values(state="done", done_at=now, done_by=user, fields_checked=checked, fields_changed=changed)
        )
        conn.execute(
            delete(_claim).where(_claim.c.subject == f"record:{record_id}", _claim.c.user_name == user)
        )
        return audit.append(
            conn, "review", f"record:{record_id}",
            {"kind": kind, "fields_checked": checked, "fields_changed": changed}, user,
        )  # fmt: skip


# -- dashboard numbers --------------------------------------------------------------------------------


def queue_depth(store: Store) -> list[dict[str, Any]]:
    q = (
        select(_item.c.register, _item.c.book, _item.c.kind, func.count().label("n"))
        .join(_record, _record.c.record_id == _item.c.record_id)
        .where(_item.c.state == "open")
        .group_by(_item.c.register, _item.c.book, _item.c.kind)
        .order_by(_item.c.register, _item.c.book, _item.c.kind)
    )
    with _ro(store) as conn:
        return [dict(r._mapping) for r in conn.execute(q)]


def records_by_status(store: Store) -> dict[str, int]:
    with _ro(store) as conn:
        return {
            s: n for s, n in conn.execute(select(_record.c.status, func.count()).group_by(_record.c.status))
        }


def reviewer_rates(store: Store, hours: float = 24.0) -> list[dict[str, Any]]:
    """Per reviewer: fields checked in the last hour, and fields per hour over their active span."""
    now = _now()
    since = now - timedelta(hours=hours)
    q = (
        select(
            _item.c.done_by, func.count().label("records"), func.sum(_item.c.fields_checked).label("fields"),
            func.min(_item.c.done_at).label("first"), func.max(_item.c.done_at).label("last"),
        )
        .where(_item.c.state == "done", _item.c.done_at >= since)
        .group_by(_item.c.done_by)
        .order_by(_item.c.done_by)
    )  # fmt: skip
    last_hour = (
        select(_item.c.done_by, func.sum(_item.c.fields_checked))
        .where(_item.c.state == "done", _item.c.done_at >= now - timedelta(hours=1))
        .group_by(_item.c.done_by)
    )
    with _ro(store) as conn:
        rows = conn.execute(q).all()
        hour = dict(conn.execute(last_hour).all())
    out = []
    for r in rows:
        span_h = max((_aware(r.last) - _aware(r.first)).total_seconds() / 3600, 0.25)  # type: ignore[operator]
        fields = int(r.fields or 0)
        out.append({
            "user": r.done_by, "records": r.records, "fields": fields,
            "fields_last_hour": int(hour.get(r.done_by) or 0), "fields_per_hour": round(fields / span_h, 1),
        })  # fmt: skip
    return out


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson score interval of a proportion k/n (sensible for small samples and k=0)."""
    if n == 0:
        return 0.0, 1.0
    p = k / n
    d = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / d
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return max(0.0, centre - half), min(1.0, centre + half)


def sample_error_rate(store: Store) -> dict[str, Any]:
    """Error rate of auto-accepted fields, measured on the reviewed quality sample."""
    q = select(
        func.count(), func.coalesce(func.sum(_item.c.fields_checked), 0),
        func.coalesce(func.sum(_item.c.fields_changed), 0),
    ).where(_item.c.kind == "sample", _item.c.state == "done")  # fmt: skip
    pending = select(func.count()).where(_item.c.kind == "sample", _item.c.state == "open")
    with _ro(store) as conn:
        records, checked, changed = conn.execute(q).one()
        open_n = conn.execute(pending).scalar_one()
    lo, hi = wilson(int(changed), int(checked))
    return {
        "records": int(records), "open": int(open_n), "fields": int(checked), "errors": int(changed),
        "rate": (changed / checked) if checked else None, "low": lo, "high": hi,
    }  # fmt: skip
