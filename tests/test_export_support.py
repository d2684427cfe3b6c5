"""Test data for the export tests (no tests here): the sample scans' ground truth loaded as PageResults.

The records are the sample ledgers' entries with their true canonical values (what a perfect read
gives), so the exports are checked against known values without running OCR. Each page gets a small
page image in the page store (the real scan, shrunk, for image files; a drawn page for PDF/TIFF books).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import cv2
import numpy as np

from pipeline.model import BBox, Entry, FieldStatus, FieldValue, PageRef, PageResult, PageStatus
from store import Store
from store.page_images import save_page_image

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "sample_scans"
DEFAULT_FILES = ("ks_clean_01.png", "kh_clean_01.png", "kt_clean_01.png")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _fv(key: str, value: str | None, bbox: list[int] | None, low: bool = False) -> FieldValue:
    if value is None:
        return FieldValue(key, "", None, 0.0, None, FieldStatus.EMPTY)
    return FieldValue(
        key=key, raw=value, value=value, confidence=0.55 if low else 0.97,
        bbox=BBox(*bbox) if bbox else None,
        status=FieldStatus.LOW_CONFIDENCE if low else FieldStatus.OK, rules=["nfc"],
    )  # fmt: skip


def page_image(path: Path, page: int) -> np.ndarray:
    """A small grayscale page: the scan itself shrunk (images), or a drawn one (PDF/TIFF books)."""
    img = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE) if path.suffix in (".png", ".jpg") else None
    if img is None:
        img = np.full((300, 420), 255, np.uint8)
        cv2.putText(img, f"{path.stem} p{page}", (10, 150), cv2.FONT_HERSHEY_SIMPLEX, 0.8, 0, 2)
        return img
    return cv2.resize(img, (img.shape[1] // 8, img.shape[0] // 8), interpolation=cv2.INTER_AREA)


def truth_results(
    files: tuple[str, ...] = DEFAULT_FILES, low_rows: tuple[int, ...] = (2,)
) -> list[PageResult]:
    """PageResults of the sample truths for ``files``; rows in ``low_rows`` get one low-confidence field."""
    out = []
    for name in files:
        src = SAMPLES / name
        sha = _sha(src)
        for truth_path in sorted(SAMPLES.glob(f"{src.stem}.p*.truth.json")):
            t = json.loads(truth_path.read_text(encoding="utf-8"))
            entries = []
            for e in t["entries"]:
                keys = list(e["fields"])
                low_key = keys[2] if e["row"] in low_rows else None
                fields = {k: _fv(k, v, e["bbox"], k == low_key) for k, v in e["fields"].items()}
                entries.append(Entry(row=e["row"], bbox=BBox(*e["bbox"]), fields=fields))
            out.append(
                PageResult(
                    ref=PageRef(path=str(src), sha256=sha, page_no=t["page"], kind=src.suffix[1:]),
                    status=PageStatus.PROCESSED, register=t["register"], template_id=t["template"],
                    width=4961, height=3508,
                    page_fields={k: _fv(k, v, [0, 0, 100, 40]) for k, v in t["page_fields"].items()},
                    entries=entries, pipeline_version="test",
                )
            )  # fmt: skip
    return out


def load_samples(
    store: Store, page_store: Path, files: tuple[str, ...] = DEFAULT_FILES, **kw
) -> list[PageResult]:
    """Load the truths of ``files`` into ``store`` in one finished run, and their page images."""
    results = truth_results(files, **kw)
    run = store.start_run({"paths": list(files)})
    for r in results:
        store.register_file(r.ref.sha256, r.ref.path, 1, r.ref.kind, None)
        store.load_page(run, r)
        save_page_image(page_store, r.ref.sha256, r.ref.page_no, page_image(Path(r.ref.path), r.ref.page_no))
    store.finish_run(run, "completed", store.run_summary(run))
    return results
