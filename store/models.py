"""Relational schema of the store (SQLAlchemy 2 declarative).

The Alembic migrations in ``store/migrations/versions`` create exactly these tables; a test compares
the two so they cannot drift (one declared difference: on PostgreSQL ``field_value -> record`` is
checked by statement triggers, migration 0004). Names are plain and identical on SQLite and PostgreSQL.

Lineage: source_file (hash) -> page -> record -> field_value; page_field holds the page-level
fields (quyenSo, noiDangKy, trangSo) once per page; run/run_page say which run saw which page;
event is the append-only hash chain.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# page_no used for a whole-file quarantine (a zero-byte or non-image file has no pages)
WHOLE_FILE = 0


# named constraints: later migrations can drop/alter them by name, also in SQLite batch mode
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class SourceFile(Base):
    __tablename__ = "source_file"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    path: Mapped[str] = mapped_column(Text)  # first path seen; the hash is the identity
    size: Mapped[int | None] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16))  # image | pdf | tiff | unknown
    n_pages: Mapped[int | None] = mapped_column(Integer)
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Page(Base):
    __tablename__ = "page"
    __table_args__ = (UniqueConstraint("file_sha256", "page_no", name="uq_page_file_page"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    file_sha256: Mapped[str] = mapped_column(ForeignKey("source_file.sha256"))
    page_no: Mapped[int] = mapped_column(Integer)  # 1-based; WHOLE_FILE (0) for a file-level quarantine
    status: Mapped[str] = mapped_column(String(16))  # processed | quarantined | failed
    reason: Mapped[str | None] = mapped_column(Text)
    register: Mapped[str | None] = mapped_column(String(16))
    template_id: Mapped[str | None] = mapped_column(String(64))
    rotation: Mapped[int] = mapped_column(Integer, default=0)
    skew: Mapped[float] = mapped_column(Float, default=0.0)
    width: Mapped[int] = mapped_column(Integer, default=0)
    height: Mapped[int] = mapped_column(Integer, default=0)
    pipeline_version: Mapped[str | None] = mapped_column(String(64))
    # SHA-256 of the loaded PageResult (timings excluded): equal hash = nothing to write
    content_hash: Mapped[str | None] = mapped_column(String(64))
    stored_at: Mapped[str | None] = mapped_column(Text)  # where a quarantined original is kept
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Run(Base):
    __tablename__ = "run"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(128))
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))  # running | completed | failed | ...
    counts: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class RunPage(Base):
    __tablename__ = "run_page"

    run_id: Mapped[str] = mapped_column(ForeignKey("run.id"), primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("page.id"), primary_key=True)
    outcome: Mapped[str] = mapped_column(String(16))  # the page status this run produced
    reason: Mapped[str | None] = mapped_column(Text)
    changed: Mapped[bool] = mapped_column(Boolean)  # False: identical result was already stored
    timings: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Record(Base):
    __tablename__ = "record"
    __table_args__ = (UniqueConstraint("page_id", "row", name="uq_record_page_row"),)

    # f"{file_sha256[:16]}-p{page_no:04d}-r{row:02d}": the same scan always gives the same id
    record_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("page.id"))
    register: Mapped[str | None] = mapped_column(String(16))
    template_id: Mapped[str | None] = mapped_column(String(64))
    row: Mapped[int] = mapped_column(Integer)
    bbox_x: Mapped[int] = mapped_column(Integer)
    bbox_y: Mapped[int] = mapped_column(Integer)
    bbox_w: Mapped[int] = mapped_column(Integer)
    bbox_h: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))  # ok | needs_review | invalid
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class _FieldColumns:
    """Columns shared by field_value and page_field: one value with its lineage."""

    raw: Mapped[str] = mapped_column(Text)  # what OCR read (or the raw a human saw)
    value: Mapped[str | None] = mapped_column(Text)
    confidence: Mapped[float] = mapped_column(Float)
    bbox_x: Mapped[int | None] = mapped_column(Integer)
    bbox_y: Mapped[int | None] = mapped_column(Integer)
    bbox_w: Mapped[int | None] = mapped_column(Integer)
    bbox_h: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))  # ok | low_confidence | invalid | empty
    reason: Mapped[str | None] = mapped_column(Text)
    rules: Mapped[list[str]] = mapped_column(JSON)
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(8))  # ocr | human: reprocessing never overwrites human
    pipeline_version: Mapped[str | None] = mapped_column(String(64))
    actor: Mapped[str | None] = mapped_column(String(128))  # who corrected (source='human')
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class FieldValue(_FieldColumns, Base):
    __tablename__ = "field_value"

    # (record, key) is the identity: no surrogate id, one index less to maintain on bulk loads.
    # On PostgreSQL this key is enforced once per statement by triggers (migration 0004): the same rule,
    # without one lookup per value
    record_id: Mapped[str] = mapped_column(
        ForeignKey("record.record_id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(64), primary_key=True)


class PageField(_FieldColumns, Base):
    __tablename__ = "page_field"

    page_id: Mapped[int] = mapped_column(ForeignKey("page.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)


class Event(Base):
    """Append-only, hash-chained audit event (triggers refuse UPDATE/DELETE)."""

    __tablename__ = "event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ts: Mapped[str] = mapped_column(String(40))  # ISO 8601 UTC text: hashed exactly as stored
    actor: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


Index("ix_event_prev_hash", Event.prev_hash)
Index("ix_event_subject", Event.subject)


class RecordCluster(Base):
    """Duplicate clusters from the dedup flow: records are linked, never merged or deleted."""

    __tablename__ = "record_cluster"

    record_id: Mapped[str] = mapped_column(ForeignKey("record.record_id"), primary_key=True)
    cluster_id: Mapped[str] = mapped_column(String(40), index=True)  # the representative's record id
    is_representative: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
