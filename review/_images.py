"""Crops of the corrected page image, as PNG bytes. Paths come from the database, never the request.

Decoded pages are kept in a small LRU: consecutive records of the queue sit on the same page, so a
reviewer's next record usually costs a crop, not a decode.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path

import cv2
import numpy as np

from store.page_images import load_page_image

_CACHE_PAGES = 8
_PAGE_MAX_W = 1600  # the full page is sent downscaled: enough to see the context of a row


class PageCache:
    def __init__(self, root: Path, size: int = _CACHE_PAGES) -> None:
        self.root = Path(root)
        self.size = size
        self._pages: OrderedDict[tuple[str, int], np.ndarray | None] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, sha256: str, page_no: int) -> np.ndarray | None:
        key = (sha256, page_no)
        with self._lock:
            if key in self._pages:
                self._pages.move_to_end(key)
                return self._pages[key]
        img = load_page_image(self.root, sha256, page_no)
        with self._lock:
            self._pages[key] = img
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)
        return img


def _png(img: np.ndarray) -> bytes:
    ok, buf = cv2.imencode(".png", img, [cv2.IMWRITE_PNG_COMPRESSION, 1])
    if not ok:
        raise OSError("PNG encoding failed")
    return buf.tobytes()


def crop_png(
    page: np.ndarray, bbox: tuple[int, int, int, int], margin: float = 0.35, min_px: int = 10
) -> bytes:
    """The bbox with a margin (a share of its height, at least ``min_px``), clipped to the page."""
    x, y, w, h = bbox
    m = max(min_px, int(h * margin))
    ph, pw = page.shape[:2]
    x0, y0 = max(0, x - m), max(0, y - m)
    x1, y1 = min(pw, x + w + m), min(ph, y + h + m)
    if x1 <= x0 or y1 <= y0:
        return _png(np.full((h or 1, w or 1), 255, np.uint8))
    return _png(page[y0:y1, x0:x1])


def page_png(page: np.ndarray, highlight: tuple[int, int, int, int] | None) -> bytes:
    """The whole page, downscaled, with the record's row framed."""
    img = page if page.ndim == 2 else cv2.cvtColor(page, cv2.COLOR_BGR2GRAY)
    img = cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
    if highlight is not None:
        x, y, w, h = highlight
        cv2.rectangle(img, (x - 4, y - 4), (x + w + 4, y + h + 4), (0, 0, 220), 4)
    ph, pw = img.shape[:2]
    if pw > _PAGE_MAX_W:
        img = cv2.resize(img, (_PAGE_MAX_W, int(ph * _PAGE_MAX_W / pw)), interpolation=cv2.INTER_AREA)
    return _png(img)


def blank_png(w: int = 240, h: int = 40) -> bytes:
    """Shown when the page image is not in the page store (e.g. loaded before images were kept)."""
    img = np.full((h, w), 235, np.uint8)
    cv2.putText(img, "no image", (8, h - 12), cv2.FONT_HERSHEY_SIMPLEX, 0.6, 90, 1, cv2.LINE_AA)
    return _png(img)
