"""The manifest of an export package, and its verification (``hotich verify-export``).

``manifest.json`` sits at the root of the package and lists every data file by path relative to that
root, with its SHA-256, size and row count, plus the query (filters), software versions, database
identity (dialect, database, audit-chain head), who exported and when. Verification re-hashes and
re-counts every listed file and reports each mismatch by file name. Row counts are recounted from the
file itself (not trusted from the manifest): CSV records after the header, JSONL lines, XLSX
``<row>`` elements after the header in the first sheet, PDF pages.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.export.writers import sha256_file

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 1
_PDF_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
_XLSX_ROW = re.compile(rb"<row[\s>]")


def count_rows(path: Path, kind: str) -> int:
    """Data rows of an exported file, counted from its bytes."""
    if kind == "csv":
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return max(sum(1 for _ in csv.reader(fh)) - 1, 0)
    if kind == "jsonl":
        with path.open("rb") as fh:
            return sum(1 for line in fh if line.strip())
    if kind == "xlsx":
        with zipfile.ZipFile(path) as z:
            data = z.read("xl/worksheets/sheet1.xml")
        return max(len(_XLSX_ROW.findall(data)) - 1, 0)
    if kind == "pdf":
        return len(_PDF_PAGE.findall(path.read_bytes()))
    raise ValueError(f"unknown file kind {kind!r}")


def file_entry(root: Path, path: Path, kind: str, rows: int) -> dict[str, Any]:
    return {
        "path": path.relative_to(root).as_posix(),
        "kind": kind,
        "rows": rows,
        "bytes": path.stat().st_size,
        "sha256": sha256_file(path),
    }


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    return (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def write_manifest(path: Path, manifest: dict[str, Any]) -> str:
    """Write the manifest; returns its SHA-256 (what the ``export`` audit event records)."""
    data = manifest_bytes(manifest)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return hashlib.sha256(data).hexdigest()


@dataclass
class VerifyReport:
    manifest: str
    manifest_sha256: str
    files: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_json(self) -> dict[str, Any]:
        return {
            "manifest": self.manifest, "manifest_sha256": self.manifest_sha256, "files": self.files,
            "ok": self.ok, "errors": self.errors,
        }  # fmt: skip


def find_manifest(target: Path) -> Path:
    """``DIR`` -> ``DIR/manifest.json``; a manifest file itself is taken as is."""
    return target / MANIFEST_NAME if target.is_dir() else target


def verify_package(target: Path) -> VerifyReport:
    """Re-check every file the manifest lists: present, same SHA-256, same size, same row count."""
    mpath = find_manifest(target)
    raw = mpath.read_bytes()
    report = VerifyReport(str(mpath), hashlib.sha256(raw).hexdigest())
    try:
        manifest = json.loads(raw)
        files = manifest["files"]
    except (ValueError, KeyError, TypeError) as exc:
        report.errors.append(f"{mpath.name}: not a valid manifest ({exc.__class__.__name__})")
        return report
    root = mpath.parent.resolve()
    for entry in files:
        report.files += 1
        rel = str(entry.get("path", ""))
        path = (root / rel).resolve()
        if root not in path.parents:  # a manifest may not point outside its package
            report.errors.append(f"{rel}: path outside the package")
            continue
        if not path.is_file():
            report.errors.append(f"{rel}: missing")
            continue
        digest = sha256_file(path)
        if digest != entry.get("sha256"):
            report.errors.append(f"{rel}: SHA-256 {digest[:12]}… differs from the manifest's")
            continue
        if path.stat().st_size != entry.get("bytes"):
            report.errors.append(f"{rel}: size differs from the manifest's")
        try:
            rows = count_rows(path, str(entry.get("kind")))
        except (ValueError, KeyError, OSError, zipfile.BadZipFile, UnicodeDecodeError, csv.Error) as exc:
            report.errors.append(f"{rel}: cannot count rows ({exc.__class__.__name__})")
            continue
        if rows != entry.get("rows"):
            report.errors.append(f"{rel}: {rows} rows, the manifest says {entry.get('rows')}")
    return report
