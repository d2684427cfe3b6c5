"""File writers for exports: CSV, XLSX, JSONL and the per-entry PDF. Pure apart from writing the file.

Every writer is deterministic: the same rows give the same bytes (fixed workbook and PDF dates,
fixed ZIP timestamps, sorted JSON keys, NFC text), so an export can be re-run and compared by hash.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import tempfile
import time
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

# Fixed document date of every workbook and PDF: a creation time in the file would make two exports
# of the same data differ. The export's real time is in its manifest and its audit event.
FIXED_DATE = datetime(2000, 1, 1, 0, 0, 0)
_FIXED_GMTIME = time.gmtime(946684800)  # the same instant, as Pillow's PDF writer wants it

# Cells a spreadsheet would run as a formula (OWASP CSV injection): prefixed with a quote.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _nfc(v: Any) -> str:
    return "" if v is None else unicodedata.normalize("NFC", str(v))


def guard_cell(value: str) -> str:
    """Neutralize a cell a spreadsheet would interpret (``=``, ``+``, ``-``, ``@``, tab, CR first)."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _atomic(path: Path) -> tuple[int, str]:
    path.parent.mkdir(parents=True, exist_ok=True)
    return tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")


def _commit(tmp: str, path: Path) -> None:
    os.replace(tmp, path)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """RFC 4180 CSV: UTF-8 with BOM (Excel needs it for Vietnamese), CRLF, minimal quoting, injection
    guard on every cell. Returns the number of data rows."""
    fd, tmp = _atomic(path)
    n = 0
    try:
        with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh, dialect="excel", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
            w.writerow([guard_cell(_nfc(h)) for h in header])
            for row in rows:
                w.writerow([guard_cell(_nfc(c)) for c in row])
                n += 1
        _commit(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return n


def write_xlsx(path: Path, sheet: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """One-sheet workbook, every cell a text cell (IDs and numbers keep their leading zeros; nothing is
    parsed as a formula, number or URL), fixed properties. Returns the number of data rows."""
    import xlsxwriter

    fd, tmp = _atomic(path)
    os.close(fd)
    n = 0
    try:
        wb = xlsxwriter.Workbook(
            tmp,
            {
                "constant_memory": True,  # rows are flushed as written: a large book stays small in memory
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
            },
        )
        wb.set_properties({"created": FIXED_DATE, "author": "hotich", "comments": ""})
        ws = wb.add_worksheet(sheet)
        text = wb.add_format({"num_format": "@"})  # the cells say "text" to Excel too
        bold = wb.add_format({"num_format": "@", "bold": True})
        for c, h in enumerate(header):
            ws.write_string(0, c, _nfc(h), bold)
        ws.freeze_panes(1, 0)
        for r, row in enumerate(rows, start=1):
            for c, v in enumerate(row):
                s = _nfc(v)
                if s:
                    ws.write_string(r, c, s, text)
            n += 1
        wb.close()
        _commit(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return n


def dumps_line(obj: Any) -> str:
    """One JSONL line: UTF-8 text, sorted keys, compact, NFC (what the hash of the file depends on)."""
    return json.dumps(_nfc_obj(obj), ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def _nfc_obj(obj: Any) -> Any:
    if isinstance(obj, str):
        return unicodedata.normalize("NFC", obj)
    if isinstance(obj, dict):
        return {_nfc_obj(str(k)): _nfc_obj(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_nfc_obj(v) for v in obj]
    return obj


def write_jsonl(path: Path, objects: Iterable[Any]) -> int:
    fd, tmp = _atomic(path)
    n = 0
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            for obj in objects:
                fh.write(dumps_line(obj))
                n += 1
        _commit(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return n


def page_pdf(image: np.ndarray, dpi: int = 300) -> bytes:
    """A one-page PDF of a corrected page image (grayscale), with fixed metadata: same pixels, same bytes.

    ``dpi`` only sets the printed size; the pixels are kept (JPEG at quality 90 inside the PDF).
    """
    from PIL import Image

    im = Image.fromarray(image if image.ndim == 2 else image[..., ::-1])  # BGR (OpenCV) -> RGB
    buf = io.BytesIO()
    im.save(
        buf, "PDF", resolution=float(dpi), quality=90, creationDate=_FIXED_GMTIME, modDate=_FIXED_GMTIME,
        producer="hotich", creator="hotich", title="",
    )  # fmt: skip
    return buf.getvalue()


def write_bytes(path: Path, data: bytes) -> None:
    fd, tmp = _atomic(path)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        _commit(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
