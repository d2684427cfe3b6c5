"""The data that flows between stages: plain, picklable dataclasses (no I/O, no Prefect).

A page's way: ``PageRef`` (which file, which page) -> ``PageImage`` (pixels) -> ``Grid`` (table
structure) -> ``OcrLine`` per cell line -> ``FieldValue`` per national column -> ``Entry`` per
table row -> ``PageResult``, which the store loads as rows.

Coordinates are page pixels of the *corrected* page image (after orientation, deskew and perspective
correction), top-left origin, ``[x, y, w, h]``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np


class FieldStatus(StrEnum):
    OK = "ok"
    LOW_CONFIDENCE = "low_confidence"
    INVALID = "invalid"
    EMPTY = "empty"


class PageStatus(StrEnum):
    PROCESSED = "processed"
    QUARANTINED = "quarantined"  # the input itself is unusable (corrupt, not a ledger, no table)
    FAILED = "failed"  # our code or a tool failed on a usable input; retryable


class Register(StrEnum):
    KHAI_SINH = "khai_sinh"
    KET_HON = "ket_hon"
    KHAI_TU = "khai_tu"


@dataclass(frozen=True, slots=True)
class BBox:
    x: int
    y: int
    w: int
    h: int

    def as_list(self) -> list[int]:
        return [self.x, self.y, self.w, self.h]

    def overlap(self, other: BBox) -> float:
        """Share of the smaller box that the two boxes have in common (0 when apart)."""
        return self._common(other) / max(1, min(self.w * self.h, other.w * other.h))

    def inside(self, other: BBox) -> float:
        """Share of this box that lies inside ``other`` (0 when apart)."""
        return self._common(other) / max(1, self.w * self.h)

    def _common(self, other: BBox) -> int:
        w = min(self.x + self.w, other.x + other.w) - max(self.x, other.x)
        h = min(self.y + self.h, other.y + other.h) - max(self.y, other.y)
        return max(0, w) * max(0, h)

    @staticmethod
    def union(boxes: list[BBox]) -> BBox | None:
        boxes = [b for b in boxes if b is not None]
        if not boxes:
            return None
        x0 = min(b.x for b in boxes)
        y0 = min(b.y for b in boxes)
        x1 = max(b.x + b.w for b in boxes)
        y1 = max(b.y + b.h for b in boxes)
        return BBox(x0, y0, x1 - x0, y1 - y0)


@dataclass(frozen=True, slots=True)
class PageRef:
    """One page of one source file: what a worker needs to load the pixels itself."""

    path: str
    sha256: str
    page_no: int  # 1-based
    kind: str  # "image", "pdf", "tiff"


@dataclass(slots=True)
class PageImage:
    ref: PageRef
    image: np.ndarray  # BGR uint8 as decoded
    dpi: int | None = None


@dataclass(frozen=True, slots=True)
class OcrLine:
    """One text line that OCR read inside a cell; confidence in [0, 1]."""

    text: str
    confidence: float
    bbox: BBox
    # (index into ``text``, other digits OCR found nearly as likely there): a dotted or slashed zero
    # reads as 9 at high confidence, but the runner-up keeps the truth; validation picks among them
    alternatives: tuple[tuple[int, str], ...] = ()
    # each word: (start, end) in ``text``, its confidence in [0, 1], its box. A field that is part of a
    # line ("Trang 63", "Dân tộc: Kinh") takes its own words' figure and box, not the label's
    words: tuple[tuple[int, int, float, BBox], ...] = ()


@dataclass(slots=True)
class FieldValue:
    key: str  # national column name, e.g. "nksHoTen"
    raw: str  # what OCR read (lines joined with "\n")
    value: str | None  # canonical form, None when empty or unparseable
    confidence: float  # [0, 1]
    bbox: BBox | None
    status: FieldStatus
    reason: str | None = None  # why invalid / low confidence
    rules: list[str] = field(default_factory=list)  # normalization rules applied, in order
    # structured extras from normalization: name parts, parsed date, resolved admin units, ...
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "raw": self.raw,
            "confidence": round(self.confidence, 4),
            "bbox": self.bbox.as_list() if self.bbox else None,
            "status": str(self.status),
        }


@dataclass(slots=True)
class Entry:
    row: int  # 1-based index among the page's entry rows (empty rows keep their index)
    bbox: BBox
    fields: dict[str, FieldValue]


@dataclass(slots=True)
class PageResult:
    ref: PageRef
    status: PageStatus
    reason: str | None = None
    register: str | None = None
    template_id: str | None = None
    rotation: int = 0  # degrees applied to make the page upright (0/90/180/270)
    skew: float = 0.0  # degrees of deskew applied
    width: int = 0
    height: int = 0
    page_fields: dict[str, FieldValue] = field(default_factory=dict)  # quyenSo, noiDangKy, trangSo
    entries: list[Entry] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage
    pipeline_version: str = ""
    # the corrected page (the frame of every bbox), only when asked for; the flow stores it and drops it
    image: np.ndarray | None = field(default=None, repr=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("image", None)
        d["status"] = str(self.status)
        return d
