"""One record as the review screen needs it: fields in template order, which need attention, history."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, select

from pipeline.normalize import normalize_field
from pipeline.templates import template_by_id
from store import FieldValue as FieldRow
from store import Page, PageField, Record, SourceFile
from store.db import READONLY
from store.repository import PAGE_FIELD_KEYS
from store.review_models import ReviewItem

if TYPE_CHECKING:
    from store import Store

_record: Table = Record.__table__  # type: ignore[assignment]
_page: Table = Page.__table__  # type: ignore[assignment]
_file: Table = SourceFile.__table__  # type: ignore[assignment]
_field: Table = FieldRow.__table__  # type: ignore[assignment]
_page_field: Table = PageField.__table__  # type: ignore[assignment]
_item: Table = ReviewItem.__table__  # type: ignore[assignment]

# record ids are f"{sha256[:16]}-p{page:04d}-r{row:02d}"; field keys are national column names
RECORD_ID_RE = re.compile(r"^[0-9a-f]{16}-p\d{4}-r\d{2}$")
FIELD_KEY_RE = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,63}$")
NEEDS = ("low_confidence", "invalid")


@dataclass(slots=True)
class FieldView:
    key: str
    type: str
    value: str | None
    raw: str
    confidence: float
    status: str
    reason: str | None
    bbox: tuple[int, int, int, int] | None
    source: str
    actor: str | None
    updated_at: datetime
    page_level: bool
    attention: bool = False
    confirmed: bool = False  # a human accepted or corrected it in the current review


@dataclass(slots=True)
class RecordView:
    record_id: str
    register: str | None
    template_id: str | None
    status: str
    row: int
    bbox: tuple[int, int, int, int]
    sha256: str
    page_no: int
    width: int
    height: int
    book: str | None
    item: dict[str, Any] | None
    fields: list[FieldView] = field(default_factory=list)

    def field(self, key: str) -> FieldView | None:
        return next((f for f in self.fields if f.key == key), None)

    @property
    def attention(self) -> list[FieldView]:
        return [f for f in self.fields if f.attention]

    @property
    def others(self) -> list[FieldView]:
        return [f for f in self.fields if not f.attention]


def _aware(ts: datetime) -> datetime:
    return ts if ts.tzinfo else ts.replace(tzinfo=UTC)


def _bbox(r: Any) -> tuple[int, int, int, int] | None:
    return None if r.bbox_x is None else (r.bbox_x, r.bbox_y, r.bbox_w, r.bbox_h)


def _type_of(template_id: str | None, key: str) -> str:
    try:
        return template_by_id(template_id or "").field_type(key)
    except KeyError:
        return "text"


def _order(template_id: str | None) -> dict[str, int]:
    try:
        t = template_by_id(template_id or "")
    except KeyError:
        return {}
    keys = [f.key for f in t.page_fields] + t.field_keys
    return {k: i for i, k in enumerate(keys)}


def load_record(store: Store, record_id: str) -> RecordView | None:
    if not RECORD_ID_RE.match(record_id):
        return None
    with store.engine.connect().execution_options(**{READONLY: True}) as conn:
        r = conn.execute(
            select(_record, _page.c.file_sha256, _page.c.page_no, _page.c.width, _page.c.height)
            .join(_page, _page.c.id == _record.c.page_id)
            .where(_record.c.record_id == record_id)
        ).first()
        if r is None:
            return None
        rows = conn.execute(select(_field).where(_field.c.record_id == record_id)).all()
        prow = conn.execute(select(_page_field).where(_page_field.c.page_id == r.page_id)).all()
        item = conn.execute(select(_item).where(_item.c.record_id == record_id)).first()
    item_d = None if item is None else dict(item._mapping)
    book = next((p.value for p in prow if p.key == "quyenSo"), None)
    view = RecordView(
        record_id=record_id, register=r.register, template_id=r.template_id, status=r.status, row=r.row,
        bbox=(r.bbox_x, r.bbox_y, r.bbox_w, r.bbox_h), sha256=r.file_sha256, page_no=r.page_no,
        width=r.width, height=r.height, book=book, item=item_d,
    )  # fmt: skip
    own = {f.key for f in rows}
    for f, page_level in [*((f, False) for f in rows), *((p, True) for p in prow if p.key not in own)]:
        view.fields.append(
            FieldView(
                key=f.key, type=_type_of(r.template_id, f.key), value=f.value, raw=f.raw,
                confidence=f.confidence, status=f.status, reason=f.reason, bbox=_bbox(f), source=f.source,
                actor=f.actor, updated_at=_aware(f.updated_at), page_level=page_level,
            )
        )  # fmt: skip
    order = _order(r.template_id)
    view.fields.sort(key=lambda f: (order.get(f.key, 999), f.key))
    _mark_attention(view)
    return view


def _mark_attention(view: RecordView) -> None:
    """Which fields the reviewer must look at; stable while a review is open (accepted ones stay, ticked)."""
    item = view.item
    open_since = _aware(item["queued_at"]) if item and item["state"] == "open" else None
    sample = bool(item and item["kind"] == "sample")
    for f in view.fields:
        touched = open_since is not None and f.source == "human" and f.updated_at >= open_since
        if sample:
            needs = not f.page_level and (f.status != "empty" or touched)
        else:
            needs = f.status in NEEDS or touched
        f.attention = needs
        f.confirmed = touched


def clean_typed(text: str) -> str | None:
    """What a reviewer typed, as stored text: NFC (IMEs may send decomposed marks), single spaces."""
    t = " ".join(unicodedata.normalize("NFC", text).split())
    return t or None


def canonical(field_type: str, typed: str | None) -> tuple[str | None, str, str | None]:
    """(value to store, normalizer status, reason): the canonical form when the normalizer accepts it."""
    if typed is None:
        return None, "empty", None
    n = normalize_field(field_type, typed)
    if n.status == "ok" and n.value:
        return n.value, "ok", None
    return typed, n.status, n.reason


def original_values(events: list[dict[str, Any]], since: datetime | None) -> dict[str, str | None]:
    """Per key, the OCR value a review started from (the 'before' of the first correction of OCR text)."""
    out: dict[str, str | None] = {}
    for e in events:
        if e["kind"] != "correction":
            continue
        p = e["payload"] or {}
        if since is not None and datetime.fromisoformat(e["ts"]) < since:
            continue
        if p.get("before_source") == "ocr" and p.get("key") not in out:
            out[p["key"]] = p.get("before")
    return out


def history(store: Store, record_id: str) -> list[dict[str, Any]]:
    """The record's events, newest first, for display (corrections with before/after, reviews, loads)."""
    evs = store.events(subject=f"record:{record_id}")
    return list(reversed(evs))


__all__ = [
    "FIELD_KEY_RE",
    "PAGE_FIELD_KEYS",
    "RECORD_ID_RE",
    "FieldView",
    "RecordView",
    "canonical",
    "clean_typed",
    "history",
    "load_record",
    "original_values",
]
