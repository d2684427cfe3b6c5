"""The linkage declared in a YAML file: keys, blocking rules, comparisons, thresholds.

See ``schemas/dedup/khai_sinh.yaml`` (civil-status persons, national column names) and
``schemas/dedup/febrl3.yaml`` / ``febrl4.yaml`` (FEBRL fields). The thresholds are fixed here, in
advance; nothing in the engine tunes them on the data being scored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pipeline.dedup.blocking import KEY_TRANSFORMS, KeySpec
from pipeline.dedup.comparisons import COMPARISON_KINDS, Comparison

__all__ = ["ComparisonSpec", "DedupConfig", "load_config", "default_config_path", "SCHEMA_DIR"]

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schemas" / "dedup"


@dataclass
class ComparisonSpec:
    name: str
    kind: str
    column: str
    params: dict[str, Any] = field(default_factory=dict)

    def build(self) -> Comparison:
        cls = COMPARISON_KINDS[self.kind]
        return cls(self.name, self.column, **self.params)  # type: ignore[arg-type]


@dataclass
class DedupConfig:
    name: str
    comparisons: list[ComparisonSpec]
    keys: dict[str, KeySpec]
    blocking: list[list[str]]
    training_blocking: list[list[str]]
    id_column: str = "record_id"
    link_type: str = "dedupe"  # or "link_only": pairs only across values of source_column
    source_column: str | None = None
    exact_key: list[str] = field(default_factory=list)
    completeness_columns: list[str] = field(default_factory=list)
    match_threshold: float = 0.5
    review_threshold: float = 0.05
    u_max_pairs: int = 1_000_000
    em_max_pairs: int = 1_000_000
    em_max_iterations: int = 50
    max_block_size: int = 5000
    tf_min: float = 1e-6
    seed: int = 1
    family_comparisons: list[str] = field(default_factory=list)  # agree within a family: enables 3-class EM
    # "learned": the family class's agreement vector s comes out of the 3-class EM; "fixed": s = m on the
    # family comparisons and the date (twins), s = u on the person's own fields; only its prior is fitted
    family_agreement: str = "learned"
    # comparison -> levels at which the model alone never links: such pairs go to review instead
    review_only: dict[str, list[str]] = field(default_factory=dict)
    # per prediction rule: its own block-size cap (None: max_block_size); a rule without a date on
    # common values (mother's full name + surname + year) has blocks that grow with N
    rule_max_block: list[int | None] = field(default_factory=list)
    # per prediction rule: a sorted-neighbourhood window inside its blocks (None: all pairs of a block)
    # and the keys its records are sorted by; a rule joining a date or year with a given name meets
    # more same-day namesakes as the register grows, the window keeps its pairs linear in N
    rule_window: list[int | None] = field(default_factory=list)
    rule_sort: list[list[str]] = field(default_factory=list)

    def build_comparisons(self) -> list[Comparison]:
        return [c.build() for c in self.comparisons]

    def columns_of_rule(self, rule: list[str]) -> set[str]:
        return {self.keys[k].column for k in rule}

    def validate(self) -> None:
        if not 0 < self.review_threshold <= self.match_threshold < 1:
            raise ValueError("need 0 < review_threshold <= match_threshold < 1")
        for rule in [*self.blocking, *self.training_blocking, *self.rule_sort]:
            for k in rule:
                if k not in self.keys:
                    raise ValueError(f"blocking rule uses unknown key {k!r}")
        for k in self.keys.values():
            if k.transform not in KEY_TRANSFORMS:
                raise ValueError(f"unknown key transform {k.transform!r}")
        for c in self.comparisons:
            if c.kind not in COMPARISON_KINDS:
                raise ValueError(f"unknown comparison kind {c.kind!r}")
        if not self.blocking:
            raise ValueError("at least one blocking rule is required (all pairs is never an option)")
        names = {c.name for c in self.comparisons}
        for f in self.family_comparisons:
            if f not in names:
                raise ValueError(f"family_class names unknown comparison {f!r}")
        built = {c.name: c for c in self.build_comparisons()}
        for name, levels in self.review_only.items():
            if name not in built:
                raise ValueError(f"review_only names unknown comparison {name!r}")
            for lv in levels:
                if lv not in built[name].level_names:
                    raise ValueError(f"review_only: {name!r} has no level {lv!r}")
        for w in self.rule_window:
            if w is not None and w < 2:
                raise ValueError("a blocking rule's window must be at least 2")
        if self.family_agreement not in ("learned", "fixed"):
            raise ValueError("family_agreement must be learned or fixed")
        if self.link_type not in ("dedupe", "link_only"):
            raise ValueError("link_type must be dedupe or link_only")


def load_config(path: Path | str) -> DedupConfig:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return config_from_dict(data)


def config_from_dict(data: dict[str, Any]) -> DedupConfig:
    keys = {
        name: KeySpec(name, spec["column"], spec.get("transform", "raw"))
        for name, spec in data.get("keys", {}).items()
    }
    comps = [
        ComparisonSpec(
            c["name"],
            c["kind"],
            c["column"],
            {k: v for k, v in c.items() if k not in ("name", "kind", "column")},
        )
        for c in data["comparisons"]
    ]
    model = data.get("model", {})
    thr = data.get("thresholds", {})
    cfg = DedupConfig(
        name=data.get("name", "dedup"),
        comparisons=comps,
        keys=keys,
        blocking=[_rule_keys(r) for r in data["blocking"]],
        rule_max_block=[_rule_cap(r) for r in data["blocking"]],
        rule_window=[_rule_window(r) for r in data["blocking"]],
        rule_sort=[list(r.get("sort", [])) if isinstance(r, dict) else [] for r in data["blocking"]],
        training_blocking=[_rule_keys(r) for r in data.get("training_blocking", data["blocking"][:2])],
        id_column=data.get("id_column", "record_id"),
        link_type=data.get("link_type", "dedupe"),
        source_column=data.get("source_column"),
        exact_key=list(data.get("exact_key", [])),
        completeness_columns=list(data.get("completeness_columns", [c.column for c in comps])),
        match_threshold=float(thr.get("match", 0.5)),
        review_threshold=float(thr.get("review", 0.05)),
        u_max_pairs=int(model.get("u_max_pairs", 1_000_000)),
        em_max_pairs=int(model.get("em_max_pairs", 1_000_000)),
        em_max_iterations=int(model.get("em_max_iterations", 50)),
        max_block_size=int(model.get("max_block_size", 5000)),
        tf_min=float(model.get("tf_min", 1e-6)),
        seed=int(model.get("seed", 1)),
        family_comparisons=list(model.get("family_class", [])),
        family_agreement=str(model.get("family_agreement", "learned")),
        review_only={k: list(v) for k, v in (data.get("review_only") or {}).items()},
    )
    cfg.validate()
    return cfg


def _rule_keys(rule: list[str] | dict[str, Any]) -> list[str]:
    """A rule is a list of keys, or ``{keys: [...], max_block_size: N, window: W, sort: [...]}``."""
    return list(rule["keys"] if isinstance(rule, dict) else rule)


def _rule_cap(rule: list[str] | dict[str, Any]) -> int | None:
    cap = rule.get("max_block_size") if isinstance(rule, dict) else None
    return None if cap is None else int(cap)


def _rule_window(rule: list[str] | dict[str, Any]) -> int | None:
    w = rule.get("window") if isinstance(rule, dict) else None
    return None if w is None else int(w)


def default_config_path(name: str = "khai_sinh") -> Path:
    return SCHEMA_DIR / f"{name}.yaml"
