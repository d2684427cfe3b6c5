"""The relational store: source files, pages, runs, records, field values and the audit chain.

``Store(url)`` is the whole public surface for the pipeline, flows, CLI and review app; the table
classes are exported for read-only queries and for tests.
"""

from __future__ import annotations

from store.audit import GENESIS, ChainReport, canonical_json, event_hash
from store.db import make_engine, normalize_url
from store.models import (
    WHOLE_FILE,
    Base,
    Event,
    FieldValue,
    Page,
    PageField,
    Record,
    Run,
    RunPage,
    SourceFile,
)
from store.repository import LoadStats, Store, content_hash, record_id, record_status
from store.review_models import DupPair  # noqa: F401  (review tables join the same metadata: one migration history)

__all__ = [
    "GENESIS",
    "WHOLE_FILE",
    "Base",
    "ChainReport",
    "Event",
    "FieldValue",
    "LoadStats",
    "Page",
    "PageField",
    "Record",
    "Run",
    "RunPage",
    "SourceFile",
    "Store",
    "canonical_json",
    "content_hash",
    "event_hash",
    "make_engine",
    "normalize_url",
    "record_id",
    "record_status",
]
