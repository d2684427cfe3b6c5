"""Compose the writers into export packages (pure apart from writing files under the package root).

Inputs are plain records (``store.export_queries``) and a ``page_image(sha256, page) -> array | None``
callable, so nothing here knows about the database or the page store.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.export import moj
from pipeline.export.columns import MOJ_COLUMNS, SHEET_NAME
from pipeline.export.manifest import file_entry
from pipeline.export.records import LINEAGE_COLUMNS, lineage_rows, national_keys, wide_header, wide_row
from pipeline.export.writers import page_pdf, write_bytes, write_csv, write_jsonl, write_xlsx

FORMATS = ("moj-xlsx", "csv", "xlsx", "jsonl")
EXTENSIONS = {"csv": ".csv", "xlsx": ".xlsx", "jsonl": ".jsonl"}
PageImage = Callable[[str, int], np.ndarray | None]


@dataclass
class PackageResult:
    files: list[dict[str, Any]] = field(default_factory=list)  # manifest file entries
    problems: list[moj.Problem] = field(default_factory=list)
    exported: int = 0
    books: list[dict[str, Any]] = field(default_factory=list)  # per book: register, office, quyenSo, entries


def write_tabular(
    root: Path,
    path: Path,
    fmt: str,
    records: Iterable[dict[str, Any]],
    registers: Iterable[str],
    lineage: bool,
) -> PackageResult:
    """``csv`` / ``xlsx``: one row per record (canonical values; national keys of ``registers`` as
    columns) or, with ``lineage``, one row per field with its whole lineage. ``jsonl``: one object per
    record, lineage inside each field when the records carry it."""
    res = PackageResult()
    books: dict[tuple, int] = {}

    def counted(it: Iterable[dict[str, Any]]) -> Iterable[dict[str, Any]]:
        for r in it:
            res.exported += 1
            f = r.get("fields", {})
            key = (
                r.get("register"),
                (f.get("noiDangKy") or {}).get("value"),
                (f.get("quyenSo") or {}).get("value"),
            )
            books[key] = books.get(key, 0) + 1
            yield r

    if fmt == "jsonl":
        rows = write_jsonl(path, counted(records))
    elif lineage:
        body = (row for r in counted(records) for row in lineage_rows(r))
        rows = _write_table(path, fmt, list(LINEAGE_COLUMNS), body)
    else:
        keys = national_keys(registers)
        rows = _write_table(path, fmt, wide_header(keys), (wide_row(r, keys) for r in counted(records)))
    res.files.append(file_entry(root, path, fmt, rows))
    res.books = [
        _book_json(k, n) for k, n in sorted(books.items(), key=lambda kv: tuple(map(_nulls_last, kv[0])))
    ]
    return res


def _nulls_last(v: Any) -> tuple[bool, str]:
    return (v is None, "" if v is None else str(v))


def _book_json(key: tuple, n: int) -> dict[str, Any]:
    return {"register": key[0], "office": key[1], "quyenSo": key[2], "entries": n}


def _write_table(path: Path, fmt: str, header: list[str], rows: Iterable[list[str]]) -> int:
    if fmt == "csv":
        return write_csv(path, header, rows)
    if fmt == "xlsx":
        return write_xlsx(path, "records", header, rows)
    raise ValueError(f"unknown tabular format {fmt!r}")


def _so_key(record: dict[str, Any]) -> tuple:
    so = moj.value_of(record, "so") or ""
    return (0, int(so), so, record["record_id"]) if so.isdigit() else (1, 0, so, record["record_id"])


def write_moj_book(
    root: Path,
    register: str,
    office: str | None,
    quyen_so: str | None,
    records: Iterable[dict[str, Any]],
    page_image: PageImage,
    pdf_cache: int = 8,
) -> PackageResult:
    """One book in the national format: ``{office}/{KS.2008.01}/KS.2008.01.xlsx`` (sheet ``DL Import``,
    the register's national columns in order, rows in entry-number order) and beside it one PDF per
    entry holding its page image, named ``KS.2008.01.{yyyy-mm-dd}.{001}.pdf``."""
    res = PackageResult()
    recs = sorted(records, key=_so_key)
    if not recs:
        return res
    first_date = next((d for r in recs if (d := moj.value_of(r, "ngayDangKy"))), None)
    book = moj.parse_quyen_so(quyen_so, first_date)
    if not book.parsed:
        res.problems.append(
            moj.Problem(
                None,
                "quyenSo",
                f"book number/year not readable from quyenSo; file names use {book.number}/{book.year}",
            )
        )
    stem = moj.book_stem(register, book)
    folder = root / moj.office_slug(office) / stem
    rows = []
    for i, r in enumerate(recs, start=1):
        row, problems = moj.moj_row(r, register, i)
        rows.append(row)
        res.problems.extend(problems)
    xlsx = folder / f"{stem}.xlsx"
    n = write_xlsx(xlsx, SHEET_NAME, list(MOJ_COLUMNS[register]), rows)
    res.files.append(file_entry(root, xlsx, "xlsx", n) | {"register": register, "office": office,
                                                          "quyenSo": quyen_so})  # fmt: skip
    res.exported = n
    res.books.append({"register": register, "office": office, "quyenSo": quyen_so, "entries": n})

    cache: OrderedDict[tuple[str, int], bytes | None] = OrderedDict()
    used: set[str] = set()
    for r in recs:
        src = r["source"]
        page = (src["sha256"], int(src["page"]))
        if page not in cache:
            img = page_image(*page)
            cache[page] = None if img is None else page_pdf(img)
            if len(cache) > pdf_cache:  # entries of a page are mostly adjacent: a small cache suffices
                cache.popitem(last=False)
        pdf = cache[page]
        if pdf is None:
            res.problems.append(moj.Problem(r["record_id"], None, "corrected page image missing: no PDF"))
            continue
        date = moj.value_of(r, "ngayDangKy")
        name = moj.entry_pdf_name(register, book, date, moj.value_of(r, "so"))
        if date is None or date[:10].count("-") != 2:
            res.problems.append(
                moj.Problem(
                    r["record_id"],
                    "ngayDangKy",
                    "registration date unknown or partial (file name says so; nothing invented)",
                )
            )
        if name in used:
            k = 2
            while (alt := name[:-4] + f"-{k}.pdf") in used:
                k += 1
            res.problems.append(
                moj.Problem(r["record_id"], "so", f"file name {name} already used: saved as {alt}")
            )
            name = alt
        used.add(name)
        path = folder / name
        write_bytes(path, pdf)
        res.files.append(file_entry(root, path, "pdf", 1) | {"record_id": r["record_id"]})
    return res
