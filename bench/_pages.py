"""Many small, distinct ledger pages for scale benchmarks, made from the committed sample scans.

Each copy is a downscaled sample page with its copy number written into a few pixels of the top-left
margin (lossless PNG), so every file has distinct bytes, hence a distinct SHA-256 and distinct record
ids, while reading exactly like its source page. Downscaling keeps a 1,000-page batch affordable on
two cores (a 150 dpi A3 page reads in ~0.5 s, a 300 dpi one in 2-4 s).
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "sample_scans"
# single-page clean sources, one per register and font family, that still read well at half size
DEFAULT_SOURCES = ("kh_150dpi_01.jpg", "ks_clean_01.png", "kt_clean_01.png", "kh_clean_01.png")
SOURCE_SCALE = {"kh_150dpi_01.jpg": 1.0}  # already 150 dpi; the 300 dpi pages are halved

__all__ = ["DEFAULT_SOURCES", "make_pages", "sample_refs"]


def _base(name: str, scale: float) -> np.ndarray:
    img = cv2.imread(str(SAMPLES / name), cv2.IMREAD_COLOR)
    if img is None:
        raise FileNotFoundError(SAMPLES / name)
    s = SOURCE_SCALE.get(name, 0.5) * scale
    return img if s == 1.0 else cv2.resize(img, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)


def make_pages(
    out_dir: Path, n: int, sources: tuple[str, ...] = DEFAULT_SOURCES, scale: float = 1.0
) -> list[Path]:
    """Write ``n`` distinct page files ``page_00000.png``... to ``out_dir`` (reused when already there)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    bases = [_base(s, scale) for s in sources]
    paths = []
    for i in range(n):
        p = out_dir / f"page_{i:05d}.png"
        paths.append(p)
        if p.exists():
            continue
        img = bases[i % len(bases)].copy()
        # the copy number as 3 near-white pixels in the margin: invisible to layout and OCR
        for k, byte in enumerate(i.to_bytes(3, "big")):
            img[2, 2 + k] = (255 - (byte & 0x0F), 255 - (byte >> 4), 250)
        cv2.imwrite(str(p), img, [cv2.IMWRITE_PNG_COMPRESSION, 1])
    return paths


def sample_refs(scans: Path) -> list:
    """Every page of the scans under ``scans``, as ``PageRef``s; a file the ingest rejects (the corrupt sample,
    on purpose) is no page. ``pipeline`` is imported here, from whatever tree the caller's process imports."""
    from pipeline.ingest import discover, identify, page_refs

    refs = []
    for f in discover([scans]):
        try:
            refs.extend(page_refs(identify(f)))
        except Exception:
            continue
    return refs
