"""Ingest: expand paths into source files, hash them, split them into pages, load one page's pixels.

Every failure here is about the *input* (corrupt, empty, not an image, too large): it raises
``InputRejected`` with a human reason, and the caller quarantines the file and goes on.
"""

from __future__ import annotations

import hashlib
import re
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageSequence, UnidentifiedImageError

from pipeline.model import PageImage, PageRef

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp"}
PDF_SUFFIXES = {".pdf"}
SUPPORTED_SUFFIXES = IMAGE_SUFFIXES | PDF_SUFFIXES

# A3 at 600 dpi is ~70 Mpx; anything far beyond is a decompression bomb, not a ledger page.
MAX_PIXELS = 120_000_000
MAX_PAGES = 2_000  # a bound book has a few hundred pages; more means a broken or hostile file
PDF_DPI = 300
SKIP_NAMES = {".DS_Store", "Thumbs.db"}


class InputRejected(Exception):
    """The input cannot be read as ledger pages; ``reason`` says why (stored with the quarantine)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: str
    sha256: str
    size: int
    kind: str  # image | tiff | pdf | unknown


def discover(paths: Iterable[str | Path]) -> list[Path]:
    """Expand files and folders (recursively) into a sorted, de-duplicated list of candidate files.

    Unsupported suffixes are kept: they are quarantined with a reason rather than silently ignored,
    so that every file an operator handed in is accounted for. Hidden files and sidecars are skipped.
    """
    # One file reached under two spellings ("scans" and "scans/sub/..", or a symlink) is one file: the
    # spelling of the first argument that reaches it is kept, or its pages would be read twice in one run.
    found: dict[Path, Path] = {}
    for p in map(Path, paths):
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and not _is_sidecar(f):
                    found.setdefault(f.resolve(), f)
        elif p.is_file():
            found.setdefault(p.resolve(), p)
        else:
            raise FileNotFoundError(f"no such file or folder: {p}")
    return sorted(found.values())


def _is_sidecar(f: Path) -> bool:
    # ground truth, manifests and dotfiles live beside scans but are not scans
    return f.name.startswith(".") or f.name in SKIP_NAMES or f.suffix.lower() in {".json", ".md", ".txt"}


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def kind_of(path: Path) -> str:
    """Decide the kind from the file's magic bytes, not its name (a text file named .png is not an image)."""
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"%PDF"):
        return "pdf"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head.startswith(b"\x89PNG") or head[:3] == b"\xff\xd8\xff" or head[:2] == b"BM" or head[:4] == b"RIFF":
        return "image"
    return "unknown"


def identify(path: Path) -> SourceFile:
    size = path.stat().st_size
    kind = kind_of(path) if size else "unknown"
    return SourceFile(path=str(path), sha256=sha256_file(path), size=size, kind=kind)


def page_refs(src: SourceFile) -> list[PageRef]:
    """The pages of a source file. Raises ``InputRejected`` when the file cannot be opened as pages."""
    path = Path(src.path)
    if src.size == 0:
        raise InputRejected("empty file (0 bytes)")
    if src.kind == "unknown":
        raise InputRejected(f"not an image or PDF (unrecognised content, suffix {path.suffix or 'none'})")
    n = _count_pages(path, src.kind)
    if n == 0:
        raise InputRejected("file holds no pages")
    if n > MAX_PAGES:
        raise InputRejected(f"{n} pages exceeds the limit of {MAX_PAGES} per file")
    return [PageRef(path=src.path, sha256=src.sha256, page_no=i + 1, kind=src.kind) for i in range(n)]


def _count_pages(path: Path, kind: str) -> int:
    if kind == "pdf":
        from pdf2image.exceptions import (
            PDFInfoNotInstalledError,
            PDFPageCountError,
            PDFPopplerTimeoutError,
            PDFSyntaxError,
        )
        from pdf2image.pdf2image import pdfinfo_from_path

        try:
            info = pdfinfo_from_path(str(path), timeout=60)
        except PDFInfoNotInstalledError:
            raise
        except (PDFPageCountError, PDFSyntaxError, ValueError) as exc:
            raise InputRejected(f"unreadable PDF: {_first_line(exc)}") from exc
        except PDFPopplerTimeoutError as exc:  # a PDF built to keep pdfinfo busy: hostile, not a tool fault
            raise InputRejected("PDF inspection timed out after 60 s") from exc
        if info.get("Encrypted", "no").startswith("yes"):
            raise InputRejected("encrypted PDF")
        return int(info.get("Pages", 0))
    with _open_image(path) as im:
        try:
            return getattr(im, "n_frames", 1)
        except Exception as exc:  # n_frames walks every frame header of a TIFF: a broken chain is the input's
            raise InputRejected(f"unreadable image frames: {_first_line(exc)}") from exc


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]


def _open_image(path: Path) -> Image.Image:
    # our own limit, checked from the header; Pillow's process-wide guard is left as it is
    try:
        im = Image.open(path)
        if im.width * im.height > MAX_PIXELS:
            raise InputRejected(f"image of {im.width}x{im.height} px exceeds the {MAX_PIXELS:,} pixel limit")
        return im
    except Image.DecompressionBombError as exc:
        raise InputRejected(f"image exceeds the {MAX_PIXELS:,} pixel limit (decompression bomb)") from exc
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise InputRejected(f"unreadable image: {_first_line(exc)}") from exc
    except (ValueError, EOFError, struct.error) as exc:
        # Pillow's own guards on hostile chunks (a zTXt inflating past MAX_TEXT_CHUNK raises ValueError)
        # and its parsers' slips on malformed headers: the input's fault, and it must not escape page_refs,
        # where it would stop the whole batch's inventory
        raise InputRejected(f"unreadable image: {_first_line(exc)}") from exc


def load_page(ref: PageRef) -> PageImage:
    """Decode one page into a BGR uint8 array. Raises ``InputRejected`` for corrupt pixels."""
    path = Path(ref.path)
    if ref.kind == "pdf":
        return _load_pdf_page(path, ref)
    with _open_image(path) as im:
        try:
            frames = ImageSequence.Iterator(im)
            frame = frames[ref.page_no - 1]
            dpi = _dpi(frame)
            rgb = frame.convert("RGB")
            rgb.load()
        except (OSError, SyntaxError, IndexError, ValueError, EOFError, struct.error) as exc:
            raise InputRejected(f"page {ref.page_no}: corrupt image data: {_first_line(exc)}") from exc
    return PageImage(ref=ref, image=_bgr(np.asarray(rgb)), dpi=dpi)


def _bgr(rgb: np.ndarray) -> np.ndarray:
    """RGB to OpenCV's BGR order in one pass (copying numpy's reversed view took 0.15 s an A4 page)."""
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)


def _dpi(im: Image.Image) -> int | None:
    dpi = im.info.get("dpi")
    if not dpi:
        return None
    try:
        value = round(float(dpi[0]))
    except (TypeError, ValueError):
        return None
    return value if 50 <= value <= 1200 else None


_PAGE_SIZE = re.compile(r"^Page\s+\d+\s+size:\s*([\d.]+)\s*x\s*([\d.]+)\s*pts", re.MULTILINE)


def _pdf_page_points(path: Path, page_no: int) -> tuple[float, float] | None:
    """The page's size in points, from ``pdfinfo -f N -l N`` (cheap: nothing is rendered); None if unknown."""
    from pdf2image.exceptions import PDFPageCountError, PDFPopplerTimeoutError, PDFSyntaxError
    from pdf2image.pdf2image import pdfinfo_from_path

    try:
        info = pdfinfo_from_path(str(path), timeout=60, first_page=page_no, last_page=page_no)
    except (PDFPageCountError, PDFSyntaxError, PDFPopplerTimeoutError, ValueError):
        return None  # the render below reports what is wrong with the page
    text = "\n".join(f"{k}: {v}" for k, v in info.items())
    m = _PAGE_SIZE.search(text) or re.search(r"^Page size:\s*([\d.]+)\s*x\s*([\d.]+)\s*pts", text, re.M)
    return (float(m.group(1)), float(m.group(2))) if m else None


def _load_pdf_page(path: Path, ref: PageRef) -> PageImage:
    from pdf2image import convert_from_path
    from pdf2image.exceptions import PDFPageCountError, PDFSyntaxError

    # Check the size *before* rendering: pdftoppm renders a 70-inch page at 300 dpi to 434 Mpx (2.5 GB
    # peak, then Pillow's bomb guard raised and the page "failed", to be retried by every run).
    size = _pdf_page_points(path, ref.page_no)
    if size is not None:
        px = size[0] * size[1] * (PDF_DPI / 72) ** 2
        if px > MAX_PIXELS:
            raise InputRejected(
                f"page {ref.page_no}: {size[0]:.0f} x {size[1]:.0f} pt page renders to {px / 1e6:,.0f} Mpx at "
                f"{PDF_DPI} dpi, over the {MAX_PIXELS:,} pixel limit"
            )
    try:
        images = convert_from_path(
            str(path), dpi=PDF_DPI, first_page=ref.page_no, last_page=ref.page_no, timeout=120, grayscale=False
        )
    except (PDFPageCountError, PDFSyntaxError, ValueError) as exc:
        raise InputRejected(f"page {ref.page_no}: unreadable PDF page: {_first_line(exc)}") from exc
    except Image.DecompressionBombError as exc:  # the size check above could not read the page size
        raise InputRejected(f"page {ref.page_no}: rendered page exceeds the pixel limit") from exc
    if not images:
        raise InputRejected(f"page {ref.page_no}: PDF page rendered to nothing")
    im = images[0]
    if im.width * im.height > MAX_PIXELS:
        raise InputRejected(f"page {ref.page_no}: rendered page exceeds the pixel limit")
    rgb = np.asarray(im.convert("RGB"))
    return PageImage(ref=ref, image=_bgr(rgb), dpi=PDF_DPI)


def iter_pages(src: SourceFile) -> Iterator[PageImage]:
    for ref in page_refs(src):
        yield load_page(ref)



def count_pages(path: Path) -> int:
    """Cheap page count for progress display (no hashing); 0 when the file is not readable as pages."""
    try:
        kind = kind_of(path) if path.stat().st_size else "unknown"
        return 0 if kind == "unknown" else min(_count_pages(path, kind), MAX_PAGES)
    except (InputRejected, OSError):
        return 0
