"""Deduplication of register persons: record linkage that understands Vietnamese names.

Exact duplicates first, blocking by several rules, comparisons as ladders of levels, an unsupervised
Fellegi–Sunter model with term-frequency adjustment, clusters by connected components, reviewer
decisions that always win, and a per-field explanation of every scored pair.

    from pipeline.dedup import link, load_config, default_config_path
    result = link(records, load_config(default_config_path("khai_sinh")), decisions)
"""

from __future__ import annotations

from pipeline.dedup.config import DedupConfig, default_config_path, load_config
from pipeline.dedup.engine import LinkResult, PairTable, link
from pipeline.dedup.folding import canon, fold, fold_iy, split_name, surname_variant_key
from pipeline.dedup.model import FSModel

__all__ = [
    "DedupConfig",
    "FSModel",
    "LinkResult",
    "PairTable",
    "canon",
    "default_config_path",
    "fold",
    "fold_iy",
    "link",
    "load_config",
    "split_name",
    "surname_variant_key",
]
