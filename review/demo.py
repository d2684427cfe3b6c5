"""Synthetic review data: khai sinh pages with known truth, their page images, loaded into a Store.

Used by the tests, the bench and screenshots. Names, dates and places are invented; every page
carries a few fields the reviewer must look at: a correct value read with low confidence (accept
it), a misread date (fix it) and a place OCR could not read at all (key it from the image).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import numpy as np

from pipeline.model import BBox, Entry, FieldStatus, FieldValue, PageRef, PageResult, PageStatus
from store import Store, record_id
from store.page_images import save_page_image

__all__ = ["COLUMNS", "demo_page", "load_demo", "render_page", "synthetic_pages"]

# (key, x, width) of the columns drawn; the values of row r come from _truth(page, r)
COLUMNS = (
    ("so", 20, 70), ("ngayDangKy", 100, 170), ("nksHoTen", 280, 330), ("nksGioiTinh", 620, 80),
    ("nksNgaySinh", 710, 160), ("nksNoiSinh", 880, 520), ("meHoTen", 1410, 330),
)  # fmt: skip
PAGE_W, HEADER_H, ROW_H = 1760, 110, 80
_SURNAMES = ("NGUYỄN", "TRẦN", "LÊ", "PHẠM", "HOÀNG", "HUỲNH", "VÕ", "ĐẶNG")
_MIDDLE = ("VĂN", "THỊ", "HỮU", "NGỌC", "MINH", "THANH")
_GIVEN = ("AN", "BÌNH", "CƯỜNG", "DUNG", "HÀ", "HẢI", "KHOA", "LAN", "MAI", "NAM", "PHƯƠNG", "TÚ")
_PLACES = (
    "xã Hòa Thịnh, huyện Tây Hoà, tỉnh Phú Yên",
    "xã Hòa Đồng, huyện Tây Hoà, tỉnh Phú Yên",
    "phường 1, thành phố Tuy Hoà, tỉnh Phú Yên",
)


def _sha(page: int, salt: str) -> str:
    return hashlib.sha256(f"{salt}:{page}".encode()).hexdigest()


def _truth(page: int, row: int) -> dict[str, str]:
    k = page * 31 + row * 7
    return {
        "so": f"{(page - 1) * 20 + row:02d}",
        "ngayDangKy": f"2010-{1 + k % 12:02d}-{1 + k % 27:02d}",
        "nksHoTen": f"{_SURNAMES[k % 8]} {_MIDDLE[k % 6]} {_GIVEN[k % 12]}",
        "nksGioiTinh": "Nam" if k % 2 else "Nữ",
        "nksNgaySinh": f"2010-{1 + (k + 3) % 12:02d}-{1 + (k + 5) % 27:02d}",
        "nksNoiSinh": _PLACES[k % 3],
        "meHoTen": f"{_SURNAMES[(k + 3) % 8]} THỊ {_GIVEN[(k + 5) % 12]}",
    }


def _fv(key: str, value: str | None, raw: str, conf: float, status: FieldStatus, box: BBox | None,
        reason: str | None = None) -> FieldValue:  # fmt: skip
    return FieldValue(key=key, raw=raw, value=value, confidence=conf, bbox=box, status=status, reason=reason)


def demo_page(
    page: int, rows: int = 3, *, salt: str = "demo", problems: bool = True
) -> tuple[PageResult, dict]:
    """One processed page and the truth of each of its records ({record_id: {key: value}})."""
    sha = _sha(page, salt)
    ref = PageRef(path=f"/scans/demo_{salt}_{page:05d}.png", sha256=sha, page_no=1, kind="image")
    entries, truth = [], {}
    for r in range(1, rows + 1):
        t = _truth(page, r)
        y = HEADER_H + (r - 1) * ROW_H
        fields = {}
        for key, x, w in COLUMNS:
            box = BBox(x + 4, y + 22, w - 8, 36)
            fields[key] = _fv(key, t[key], t[key], 0.97, FieldStatus.OK, box)
        if problems and r % 3 == 1:
            # a correct name read with low confidence, and a misread birth date
            f = fields["nksHoTen"]
            fields["nksHoTen"] = _fv(f.key, f.value, f.raw, 0.61, FieldStatus.LOW_CONFIDENCE, f.bbox,
                                     "confidence below threshold")  # fmt: skip
            wrong = t["nksNgaySinh"][:-2] + (
                "3" + t["nksNgaySinh"][-1] if t["nksNgaySinh"][-2] != "3" else "1" + t["nksNgaySinh"][-1]
            )
            fields["nksNgaySinh"] = _fv("nksNgaySinh", wrong, wrong.replace("-", "/"), 0.58,
                                        FieldStatus.LOW_CONFIDENCE, fields["nksNgaySinh"].bbox,
                                        "confidence below threshold")  # fmt: skip
        if problems and r % 3 == 0:
            f = fields["nksNoiSinh"]
            fields["nksNoiSinh"] = _fv(f.key, None, "", 0.0, FieldStatus.INVALID, f.bbox,
                                       "không đọc được / nothing readable")  # fmt: skip
        entries.append(Entry(row=r, bbox=BBox(10, y + 10, PAGE_W - 20, ROW_H - 20), fields=fields))
        truth[record_id(sha, 1, r)] = t
    result = PageResult(
        ref=ref, status=PageStatus.PROCESSED, register="khai_sinh", template_id="khai_sinh.tt04_2020",
        width=PAGE_W, height=HEADER_H + rows * ROW_H + 40,
        page_fields={
            "quyenSo": _fv("quyenSo", f"{1 + (page - 1) // 50:02d}/2010", "01/2010", 0.95, FieldStatus.OK,
                           BBox(20, 20, 200, 40)),
            "noiDangKy": _fv("noiDangKy", "UBND xã Hòa Thịnh, huyện Tây Hoà, tỉnh Phú Yên", "", 0.95,
                             FieldStatus.OK, BBox(300, 20, 700, 40)),
        },
        entries=entries, pipeline_version="demo",
    )  # fmt: skip
    return result, truth


@cache
def _font(size: int):  # type: ignore[no-untyped-def]
    from PIL import ImageFont

    for path in (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/freefont/FreeSans.ttf",
    ):
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default()


def render_page(result: PageResult, truth: dict[str, dict[str, str]]) -> np.ndarray:
    """The 'scan': a ruled table with the true values written in the cells (gray, page pixel frame)."""
    from PIL import Image, ImageDraw

    img = Image.new("L", (result.width, result.height), 250)
    d = ImageDraw.Draw(img)
    d.text(
        (24, 28),
        f"SỔ ĐĂNG KÝ KHAI SINH   Quyển số: {result.page_fields['quyenSo'].value}",
        fill=20,
        font=_font(24),
    )
    for e in result.entries:
        t = truth[record_id(result.ref.sha256, result.ref.page_no, e.row)]
        y0 = e.bbox.y - 10
        d.line([(10, y0), (PAGE_W - 10, y0)], fill=60, width=2)
        for key, x, w in COLUMNS:
            d.line([(x - 4, y0), (x - 4, y0 + ROW_H)], fill=120, width=1)
            text = (
                t[key] if key not in ("ngayDangKy", "nksNgaySinh") else "/".join(reversed(t[key].split("-")))
            )
            size = 22
            while size > 11 and d.textlength(text, font=_font(size)) > w - 10:
                size -= 1
            d.text((x + 4, y0 + 30), text, fill=15, font=_font(size))
    return np.asarray(img)


def synthetic_pages(pages: int, rows: int, salt: str = "demo") -> Iterator[tuple[PageResult, dict]]:
    for p in range(1, pages + 1):
        yield demo_page(p, rows, salt=salt)


def load_demo(store: Store, page_store: Path | None, pages: int = 2, rows: int = 3, *, salt: str = "demo",
              images: bool = True, batch: int = 200) -> dict[str, dict[str, str]]:  # fmt: skip
    """Load ``pages`` synthetic pages (and their images) into ``store``; returns the truth per record."""
    run = store.start_run({"demo": True, "pages": pages, "rows": rows}, actor="demo")
    truth: dict[str, dict[str, str]] = {}
    chunk: list[PageResult] = []
    for result, t in synthetic_pages(pages, rows, salt):
        truth |= t
        if images and page_store is not None:
            save_page_image(Path(page_store), result.ref.sha256, result.ref.page_no, render_page(result, t))
        chunk.append(result)
        if len(chunk) >= batch:
            store.load_pages(run, chunk)
            chunk = []
    if chunk:
        store.load_pages(run, chunk)
    store.finish_run(run, "completed", {"pages": pages})
    return truth
