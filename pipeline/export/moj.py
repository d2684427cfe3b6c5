"""Mapping canonical records onto the national import format (pure: no I/O).

Decisions (documented in ``pipeline/export/__init__.py``):
- ``quyenSo`` is canonical ``NN/YYYY`` (docs/field-contract.md ``book_no``): the part before ``/`` is the
  book number as written (leading zeros kept), the 4-digit part after it the year of the book. A
  ``quyenSo`` without a year takes the year of the entry's registration date and is flagged; one with no
  usable number becomes book ``00`` and is flagged. Nothing is silently invented.
- Coded columns take the code of the canonical label; a value already written as a valid code is kept;
  anything else leaves the cell empty and is reported as a problem (the import would reject it).
- Unknown values are never filled in: no placeholder dates, no default ``loaiDangKy``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pipeline.export.columns import CODE_LISTS, DATE_COLUMNS, MOJ_COLUMNS, REGISTER_CODES, code_list_of

_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_BOOK = re.compile(r"^\s*(?:quyển\s*số\s*:?\s*)?([0-9A-Za-z]+)\s*[/\-.]\s*(\d{4})\s*$", re.I)
_BOOK_NO_ONLY = re.compile(r"^\s*(?:quyển\s*số\s*:?\s*)?([0-9A-Za-z]+)\s*$", re.I)
_UNSAFE = re.compile(r"[^0-9A-Za-z_-]+")


@dataclass(frozen=True, slots=True)
class Problem:
    """Something the national format cannot carry as stored. Never holds a personal value."""

    record_id: str | None
    column: str | None
    problem: str

    def to_json(self) -> dict[str, Any]:
        return {"record_id": self.record_id, "column": self.column, "problem": self.problem}


@dataclass(frozen=True, slots=True)
class BookNo:
    number: str  # "01" (as written, leading zeros kept)
    year: str  # "2008"
    parsed: bool  # False: a fallback was used (see the module doc)


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def value_of(record: Mapping[str, Any], key: str) -> str | None:
    f = record.get("fields", {}).get(key)
    if not f:
        return None
    v = f.get("value")
    return None if v is None else str(v)


def format_date(iso: str) -> str | None:
    """``1987-03-15`` -> ``15.03.1987``; ``1987-03`` -> ``03.1987``; ``1987`` -> ``1987``; else None."""
    m = _ISO.match(iso.strip())
    if not m:
        return None
    y, mo, d = m.groups()
    return ".".join(p for p in (d, mo, y) if p)


def to_code(column: str, value: str) -> str | None:
    """The national code of a canonical label (or of a value that already is a valid code)."""
    name = code_list_of(column)
    if name is None:
        return value
    codes = CODE_LISTS[name]
    v = nfc(value.strip())
    if v in codes:
        return codes[v]
    if v in codes.values():
        return v
    lowered = {k.casefold(): c for k, c in codes.items()}
    return lowered.get(v.casefold())


def parse_quyen_so(quyen_so: str | None, registration_date: str | None = None) -> BookNo:
    """Book number and year from ``quyenSo`` (``01/2008``), see the module doc for the fallbacks."""
    fallback_year = (registration_date or "")[:4]
    fallback_year = fallback_year if re.fullmatch(r"\d{4}", fallback_year) else "0000"
    if quyen_so:
        if m := _BOOK.match(quyen_so):
            return BookNo(m.group(1), m.group(2), True)
        if m := _BOOK_NO_ONLY.match(quyen_so):
            return BookNo(m.group(1), fallback_year, False)
    return BookNo("00", fallback_year, False)


def entry_number(so: str | None) -> str:
    """``so`` as the 3-digit entry number of a file name (``1`` -> ``001``; longer numbers kept whole)."""
    if not so:
        return "000"
    s = so.strip()
    if s.isdigit():
        return s.zfill(3)
    return _UNSAFE.sub("_", s) or "000"


def register_code(register: str) -> str:
    return REGISTER_CODES[register]


def book_stem(register: str, book: BookNo) -> str:
    """``KS.2008.01``: the workbook's name and the prefix of its entries' PDFs."""
    return f"{register_code(register)}.{book.year}.{_UNSAFE.sub('_', book.number)}"


def entry_pdf_name(register: str, book: BookNo, registration_date: str | None, so: str | None) -> str:
    """``{KS|KH|KT}.{year of book}.{book no}.{registration date yyyy-mm-dd}.{entry no, 3 digits}.pdf``.

    A registration date that is unknown or partial is written as far as it is known
    (``2008-03``, ``undated``): the file name never carries an invented day.
    """
    date = registration_date if registration_date and _ISO.match(registration_date) else "undated"
    return f"{book_stem(register, book)}.{date}.{entry_number(so)}.pdf"


def office_slug(office: str | None) -> str:
    """An ASCII folder name for a registering office (``ubnd-xa-hoa-thinh-huyen-tay-hoa-tinh-phu-yen``)."""
    if not office:
        return "unknown-office"
    s = unicodedata.normalize("NFD", office.replace("đ", "d").replace("Đ", "D"))
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    return s[:120] or "unknown-office"


def moj_row(record: Mapping[str, Any], register: str, stt: int) -> tuple[list[str], list[Problem]]:
    """One record as the national row of its register: every cell a string ('' when unknown)."""
    rid = record.get("record_id")
    dates = DATE_COLUMNS[register]
    row: list[str] = []
    problems: list[Problem] = []
    for col in MOJ_COLUMNS[register]:
        if col == "STT":
            row.append(str(stt))
            continue
        v = value_of(record, col)
        if v is None or v == "":
            row.append("")
            continue
        v = nfc(v)
        if col in dates:
            d = format_date(v)
            if d is None:
                problems.append(Problem(rid, col, "not an ISO date: cell left empty"))
                d = ""
            row.append(d)
        elif code_list_of(col) is not None:
            c = to_code(col, v)
            if c is None:
                problems.append(
                    Problem(rid, col, f"value not in code list {code_list_of(col)}: cell left empty")
                )
                c = ""
            row.append(c)
        else:
            row.append(v)
    return row, problems
