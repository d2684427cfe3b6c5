"""Records (the JSONL shape of issue 2) as export rows: lineage, wide tables, per-field lineage tables.

Pure functions over plain dicts. A record is what ``store.export_queries.iter_export_records`` yields:
``{"record_id", "register", "source": {"file", "sha256", "page", "row"}, "status", "fields": {KEY: {...}}}``;
with lineage each field also has ``reason, rules, details, source, actor, pipeline_version`` and
``corrections`` (``[{"actor", "ts", "before", "after", "reason", "event"}]`` from the audit log).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from pipeline.export.columns import MOJ_COLUMNS

META_COLUMNS = (
    "record_id",
    "register",
    "status",
    "source_file",
    "source_sha256",
    "source_page",
    "source_row",
)
LINEAGE_COLUMNS = (
    "record_id", "register", "record_status", "field", "value", "raw", "confidence", "status", "reason",
    "rules", "source", "actor", "pipeline_version", "page_sha256", "page", "bbox", "corrections",
)  # fmt: skip


def national_keys(registers: Iterable[str]) -> list[str]:
    """Field keys of the national columns of ``registers`` (their order, first seen kept), without STT."""
    seen: dict[str, None] = {}
    for reg in registers:
        for col in MOJ_COLUMNS[reg]:
            if col != "STT":
                seen.setdefault(col, None)
    return list(seen)


def wide_header(keys: Iterable[str]) -> list[str]:
    return [*META_COLUMNS, *keys]


def wide_row(record: Mapping[str, Any], keys: Iterable[str]) -> list[str]:
    """One record as one row: meta then the canonical value of each key ('' when absent)."""
    src = record["source"]
    fields = record.get("fields", {})
    meta = [record["record_id"], record.get("register") or "", record.get("status") or "", src["file"],
            src["sha256"], str(src["page"]), str(src["row"])]  # fmt: skip
    vals = []
    for k in keys:
        v = (fields.get(k) or {}).get("value")
        vals.append("" if v is None else str(v))
    return [*meta, *vals]


def _json(v: Any) -> str:
    return (
        ""
        if v in (None, [], {})
        else json.dumps(v, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    )


def lineage_rows(record: Mapping[str, Any]) -> list[list[str]]:
    """One row per stored field of the record (sorted by key), every lineage column as text."""
    out = []
    for key in sorted(record["fields"]):
        f = record["fields"][key]
        conf = f.get("confidence")
        out.append([
            record["record_id"], record.get("register") or "", record.get("status") or "", key,
            "" if f.get("value") is None else str(f["value"]), f.get("raw") or "",
            "" if conf is None else f"{conf:.4f}", f.get("status") or "", f.get("reason") or "",
            _json(f.get("rules")), f.get("source") or "", f.get("actor") or "", f.get("pipeline_version") or "",
            f.get("page_sha256") or record["source"]["sha256"], str(f.get("page") or record["source"]["page"]),
            _json(f.get("bbox")), _json(f.get("corrections")),
        ])  # fmt: skip
    return out
