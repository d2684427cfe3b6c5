"""Corrected page images, addressed by source-file hash and page number.

Every bbox in the database is in the pixel frame of the *corrected* page (upright, deskewed, flattened),
so that image is kept here for review crops and export PDFs. Writes are atomic (temp file + rename) and
idempotent; a folder on shared disk is the first scale-out step (object storage next).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import cv2
import numpy as np


def page_image_path(root: Path, sha256: str, page_no: int) -> Path:
    if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
        raise ValueError("not a SHA-256 hex digest")  # nothing from a request may shape a path
    return Path(root) / sha256[:2] / f"{sha256}.p{int(page_no):04d}.png"


def save_page_image(root: Path, sha256: str, page_no: int, gray: np.ndarray) -> Path:
    dest = page_image_path(root, sha256, page_no)
    if dest.exists():
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    ok, buf = cv2.imencode(".png", gray, [cv2.IMWRITE_PNG_COMPRESSION, 3])
    if not ok:
        raise OSError(f"could not encode page image for {sha256} p{page_no}")
    fd, tmp = tempfile.mkstemp(dir=dest.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as fh:
        fh.write(buf.tobytes())
    os.replace(tmp, dest)
    return dest


def load_page_image(root: Path, sha256: str, page_no: int) -> np.ndarray | None:
    path = page_image_path(root, sha256, page_no)
    if not path.exists():
        return None
    return cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
