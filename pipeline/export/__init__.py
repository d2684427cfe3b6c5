"""Export writers and mappings: the national import format (MoJ "DL Import"), CSV / XLSX / JSONL with
lineage, per-entry PDFs, manifests and their verification. Pure apart from writing files; the
database side is ``store.export_queries``, the glue ``flows/export.py``, the CLI ``hotich/commands/export.py``.

Decisions:
- National workbook: one per book = (register, registering office ``noiDangKy``, ``quyenSo``), at
  ``{office slug}/{KS.2008.01}/KS.2008.01.xlsx``, sheet ``DL Import``, columns exactly ``columns.MOJ_COLUMNS``,
  every cell a text cell; dates ``dd.mm.yyyy`` / ``mm.yyyy`` / ``yyyy``; coded columns as codes.
- ``quyenSo`` ``01/2008`` -> book ``01`` (as written, zeros kept), year ``2008``; see ``moj.parse_quyen_so``
  for what happens when it is unreadable (flagged in the manifest, never guessed silently).
- Entry PDF ``{KS|KH|KT}.{year}.{book}.{yyyy-mm-dd}.{001}.pdf`` holds the corrected page image of the
  entry's page (the frame of every bbox); an unknown registration date is written ``undated``.
- Generic ``csv`` / ``xlsx``: one row per record with canonical values (docs/field-contract.md), or with
  lineage one row per field; ``jsonl``: the issue-2 shape, lineage inside each field.
- Determinism: fixed document dates, sorted JSON keys, NFC; the manifest (which holds the real time)
  is the only file that differs between two runs of the same query on the same data.
"""

from __future__ import annotations

from pipeline.export.columns import CODE_LISTS, DATE_COLUMNS, MOJ_COLUMNS, SHEET_NAME, code_list_of
from pipeline.export.manifest import (
    MANIFEST_NAME,
    MANIFEST_VERSION,
    VerifyReport,
    count_rows,
    find_manifest,
    verify_package,
    write_manifest,
)
from pipeline.export.moj import (
    BookNo,
    Problem,
    entry_pdf_name,
    format_date,
    moj_row,
    office_slug,
    parse_quyen_so,
    to_code,
)
from pipeline.export.package import EXTENSIONS, FORMATS, PackageResult, write_moj_book, write_tabular
from pipeline.export.records import LINEAGE_COLUMNS, META_COLUMNS, lineage_rows, national_keys, wide_row
from pipeline.export.writers import (
    FIXED_DATE,
    guard_cell,
    page_pdf,
    sha256_file,
    write_csv,
    write_jsonl,
    write_xlsx,
)

__all__ = [
    "CODE_LISTS",
    "DATE_COLUMNS",
    "EXTENSIONS",
    "FIXED_DATE",
    "FORMATS",
    "LINEAGE_COLUMNS",
    "MANIFEST_NAME",
    "MANIFEST_VERSION",
    "META_COLUMNS",
    "MOJ_COLUMNS",
    "SHEET_NAME",
    "BookNo",
    "PackageResult",
    "Problem",
    "VerifyReport",
    "code_list_of",
    "count_rows",
    "entry_pdf_name",
    "find_manifest",
    "format_date",
    "guard_cell",
    "lineage_rows",
    "moj_row",
    "national_keys",
    "office_slug",
    "page_pdf",
    "parse_quyen_so",
    "sha256_file",
    "to_code",
    "verify_package",
    "wide_row",
    "write_csv",
    "write_jsonl",
    "write_manifest",
    "write_moj_book",
    "write_tabular",
    "write_xlsx",
]
