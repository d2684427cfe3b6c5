"""The ``dedup`` flow: link the persons of one register into clusters. Prefect glue only.

records from the store -> reviewer decisions (always win) -> pipeline.dedup.link -> scored pairs at or
above the review threshold saved with their per-field weights (pairs between the thresholds wait in
the review queue) -> clusters with their representative -> one 'dedup' event. Records are linked, never
merged, overwritten or deleted.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from sqlalchemy import delete, insert

from hotich.settings import get_settings
from pipeline.dedup import default_config_path, link, load_config
from store import Store
from store.models import RecordCluster
from store.review_models import pair_decisions, save_pairs

_cluster = RecordCluster.__table__


def flat_record(rec: dict) -> dict[str, Any]:
    """An exported record as the linker's input: ``record_id`` plus each field's canonical value."""
    out: dict[str, Any] = {"record_id": rec["record_id"]}
    out.update({key: f.get("value") for key, f in rec["fields"].items()})
    return out


@task(name="save-clusters", persist_result=False)
def save_clusters(store: Store, register: str, clusters: dict[str, str]) -> int:
    """Replace the register's cluster membership with this run's (one transaction)."""
    now = datetime.now(UTC)
    rows = [{"record_id": rid, "cluster_id": cid, "is_representative": rid == cid, "updated_at": now}
            for rid, cid in clusters.items()]
    with store.engine.begin() as conn:
        ids = list(clusters)
        for chunk in _chunks(ids, 500):
            conn.execute(delete(_cluster).where(_cluster.c.record_id.in_(chunk)))
        if rows:
            conn.execute(insert(_cluster), rows)
    return len(rows)


def _chunks(items: list[str], n: int) -> Iterable[list[str]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


@flow(name="dedup", log_prints=False, validate_parameters=False, retries=1, retry_delay_seconds=30)
def dedup(register: str = "khai_sinh", db_url: str | None = None, config: str | None = None) -> dict:
    """Link the records of ``register``; returns counts (records, pairs saved, links, review pairs, clusters)."""
    logger = get_run_logger()
    store = Store(db_url or get_settings().db_url)
    store.migrate()
    cfg_path = Path(config) if config else default_config_path(register)
    if not cfg_path.exists():
        raise ValueError(f"no dedup configuration for register {register!r} ({cfg_path})")
    cfg = load_config(cfg_path)
    records = [flat_record(r) for r in store.iter_records(register=register)]
    decisions = pair_decisions(store)
    if len(records) < 2:
        summary = {"register": register, "records": len(records), "pairs_saved": 0, "links": 0,
                   "review_pairs": 0, "clusters": len(records)}
    else:
        result = link(records, cfg, decisions)
        saved = save_pairs(store, result.pair_rows(min_probability=cfg.review_threshold))
        save_clusters(store, register, result.clusters)
        summary = {"register": register, "records": len(records), "pairs_saved": saved,
                   "links": int(result.pairs.accepted.sum()), "review_pairs": len(result.review_pairs),
                   "clusters": len(set(result.clusters.values())), "decisions_applied": len(decisions)}
    store.append_event("dedup", f"register:{register}", {**summary, "config": cfg.name})
    logger.info("dedup %s: %s", register, summary)
    return summary
