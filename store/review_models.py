"""Tables of the reviewers' workbench, and the duplicate-pair functions the dedup flow calls.

The tables live on the store's metadata (``store.models.Base``) so one Alembic history
(``0002_review``) creates them next to the records. None of them has a foreign key to ``record``:
reprocessing may delete and recreate records, and a reviewer's decision or a review's counts must
survive that (a missing record simply drops out of the queue's join).

- ``review_user``: accounts, role, Argon2 hash (never the password).
- ``review_session``: server-side sessions; the cookie carries a random token, the table only its
  keyed hash, so a copy of the database cannot be used to log in.
- ``review_claim``: who works on what until when (``record:<id>`` or ``pair:<l>|<r>``).
- ``review_item``: the queue: records that need review, and the quality sample of auto-accepted
  records (``kind='sample'``), with what the review found (fields checked / changed).
- ``dup_pair``: scored duplicate candidates with per-field evidence and the reviewer's decision.

Pair functions (``save_pairs``, ``pairs_for_review``, ``decide_pair``, ``pair_decisions``) are here,
not in the web app, so the dedup flow uses them without importing any web code. Pair ids are stored in
canonical order (``record_id_l < record_id_r``); callers may pass either order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
    select,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column

from store import audit
from store.db import READONLY, lock_chain
from store.models import Base

if TYPE_CHECKING:
    from store.repository import Store

__all__ = [
    "DECISIONS",
    "ROLES",
    "DupPair",
    "ReviewClaim",
    "ReviewItem",
    "ReviewSession",
    "ReviewUser",
    "decide_pair",
    "pair_decisions",
    "pairs_for_review",
    "save_pairs",
]

ROLES = ("reviewer", "operator", "auditor", "admin")
DECISIONS = ("same", "different", "unsure")
_STATUS_OF = {"same": "link", "different": "no_link", "unsure": "review"}
TS = DateTime(timezone=True)


class ReviewUser(Base):
    __tablename__ = "review_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))  # reviewer | operator | auditor | admin
    password_hash: Mapped[str] = mapped_column(String(255))  # Argon2id PHC string
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(TS)


class ReviewSession(Base):
    __tablename__ = "review_session"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)  # HMAC(secret, cookie token)
    user_id: Mapped[int] = mapped_column(ForeignKey("review_user.id", ondelete="CASCADE"))
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(TS)
    expires_at: Mapped[datetime] = mapped_column(TS)


class ReviewClaim(Base):
    __tablename__ = "review_claim"

    subject: Mapped[str] = mapped_column(String(100), primary_key=True)  # record:<id> | pair:<l>|<r>
    user_name: Mapped[str] = mapped_column(String(64))
    claimed_at: Mapped[datetime] = mapped_column(TS)
    expires_at: Mapped[datetime] = mapped_column(TS)


class ReviewItem(Base):
    __tablename__ = "review_item"

    record_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    register: Mapped[str | None] = mapped_column(String(16))
    book: Mapped[str | None] = mapped_column(String(64))  # the page's quyenSo (book number) when read
    kind: Mapped[str] = mapped_column(String(8))  # review | sample (quality sample of auto-accepted)
    state: Mapped[str] = mapped_column(String(8))  # open | done
    queued_at: Mapped[datetime] = mapped_column(TS)
    done_at: Mapped[datetime | None] = mapped_column(TS)
    done_by: Mapped[str | None] = mapped_column(String(64))
    fields_checked: Mapped[int] = mapped_column(Integer, default=0)
    fields_changed: Mapped[int] = mapped_column(Integer, default=0)


class DupPair(Base):
    __tablename__ = "dup_pair"
    __table_args__ = (UniqueConstraint("record_id_l", "record_id_r", name="uq_dup_pair_l_r"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_id_l: Mapped[str] = mapped_column(String(40))
    record_id_r: Mapped[str] = mapped_column(String(40))
    probability: Mapped[float] = mapped_column(Float)
    weights: Mapped[dict[str, Any]] = mapped_column(JSON)  # per-comparison level and weight (bits)
    status: Mapped[str] = mapped_column(String(8))  # review | link | no_link
    decision: Mapped[str | None] = mapped_column(String(10))  # same | different | unsure
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None] = mapped_column(TS)
    updated_at: Mapped[datetime] = mapped_column(TS)


# the next-record query walks this index: open items of a book in record order
Index("ix_review_item_queue", ReviewItem.state, ReviewItem.book, ReviewItem.record_id)
Index("ix_review_item_done", ReviewItem.done_by, ReviewItem.done_at)
Index("ix_dup_pair_status", DupPair.status, DupPair.probability)

_pair: Table = DupPair.__table__  # type: ignore[assignment]


def _now() -> datetime:
    return datetime.now(UTC)


def _ordered(a: str, b: str) -> tuple[str, str]:
    if a == b:
        raise ValueError("a pair needs two different records")
    return (a, b) if a < b else (b, a)


def _weights_of(row: Mapping[str, Any]) -> dict[str, Any]:
    """Per-field evidence: an explicit ``weights`` dict, else the dedup engine's ``pair_rows`` columns."""
    if isinstance(row.get("weights"), Mapping):
        return dict(row["weights"])
    keep = ("match_weight", "prior_weight", "via")
    return {k: v for k, v in row.items() if k.startswith("mw_") or k.endswith("_level") or k in keep}


def save_pairs(store: Store, rows: Iterable[Mapping[str, Any]]) -> int:
    """Upsert scored pairs (dicts with ``record_id_l``, ``record_id_r``, ``probability`` or
    ``match_probability``, ``weights`` or the engine's ``mw_*``/``*_level`` columns, optional ``status``).

    A pair a reviewer already decided keeps its decision and the status that follows from it: a
    reviewer's decision always wins over a later model score. Returns the number of rows written.
    """
    now = _now()
    n = 0
    with store.engine.begin() as conn:
        for row in rows:
            left, right = _ordered(str(row["record_id_l"]), str(row["record_id_r"]))
            prob = float(row.get("probability", row.get("match_probability", 0.0)))
            values = {"probability": prob, "weights": _weights_of(row), "updated_at": now}
            old = conn.execute(
                select(_pair.c.id, _pair.c.decision).where(
                    _pair.c.record_id_l == left, _pair.c.record_id_r == right
                )
            ).first()
            status = str(row.get("status") or "review")
            if old is None:
                conn.execute(
                    _pair.insert(),
                    {"record_id_l": left, "record_id_r": right, "status": status, **values},
                )
            else:
                if old.decision in (None, "unsure"):
                    values["status"] = status
                conn.execute(update(_pair).where(_pair.c.id == old.id).values(**values))
            n += 1
    return n


def pairs_for_review(store: Store, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    """Undecided pairs between the thresholds (status 'review'), most probable first."""
    q = (
        select(_pair)
        .where(_pair.c.status == "review")
        .order_by(_pair.c.probability.desc(), _pair.c.id)
        .limit(limit)
        .offset(offset)
    )
    with store.engine.connect().execution_options(**{READONLY: True}) as conn:
        return [dict(r._mapping) for r in conn.execute(q)]


def get_pair(store: Store, a: str, b: str) -> dict[str, Any] | None:
    left, right = _ordered(a, b)
    with store.engine.connect().execution_options(**{READONLY: True}) as conn:
        row = conn.execute(
            select(_pair).where(_pair.c.record_id_l == left, _pair.c.record_id_r == right)
        ).first()
    return None if row is None else dict(row._mapping)


def decide_pair(store: Store, a: str, b: str, decision: str, user: str, reason: str | None = None) -> str:
    """Store a reviewer's verdict on a pair (and append a 'pair_decision' event); returns the event hash."""
    if decision not in DECISIONS:
        raise ValueError(f"decision must be one of {DECISIONS}")
    left, right = _ordered(a, b)
    now = _now()
    with store.engine.begin() as conn:
        lock_chain(conn)
        old = conn.execute(
            select(_pair.c.id, _pair.c.decision, _pair.c.probability).where(
                _pair.c.record_id_l == left, _pair.c.record_id_r == right
            )
        ).first()
        if old is None:
            raise KeyError(f"no pair {left} {right}")
        conn.execute(
            update(_pair)
            .where(_pair.c.id == old.id)
            .values(
                decision=decision, status=_STATUS_OF[decision], decided_by=user, decided_at=now,
                updated_at=now,
            )
        )  # fmt: skip
        return audit.append(
            conn,
            "pair_decision",
            f"pair:{left}|{right}",
            {"decision": decision, "before": old.decision, "probability": old.probability, "reason": reason},
            user,
        )


def pair_decisions(store: Store) -> dict[tuple[str, str], bool]:
    """Reviewer verdicts for the linkage model: ``(l, r) -> True`` (same) / ``False`` (different).

    'unsure' is not a verdict and is left out; keys are in canonical order (l < r).
    """
    q = select(_pair.c.record_id_l, _pair.c.record_id_r, _pair.c.decision).where(
        _pair.c.decision.in_(("same", "different"))
    )
    with store.engine.connect().execution_options(**{READONLY: True}) as conn:
        return {(r.record_id_l, r.record_id_r): r.decision == "same" for r in conn.execute(q)}
