"""Register templates: load the YAML editions in ``schemas/`` into typed, immutable objects."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import yaml


@dataclass(frozen=True, slots=True)
class FieldSpec:
    key: str  # national column name
    type: str  # normalizer name (docs/field-contract.md)
    part: str | None = None  # role inside a multi-field cell (person_block)
    label: str | None = None  # printed label for page fields ("Quyển số")
    # usually the same on every row of a page (the officer who signed): rows reading the page's common
    # value agree with each other, which is evidence the single read's confidence does not carry
    page_constant: bool = False


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    title: str  # printed column title
    fields: tuple[FieldSpec, ...]
    split: str | None = None  # splitter name in pipeline/extract.py; None = one field per cell


@dataclass(frozen=True, slots=True)
class Template:
    id: str
    register: str  # khai_sinh | ket_hon | khai_tu
    code: str  # KS | KH | KT (file naming in the national format)
    titles: tuple[str, ...]  # running titles that identify the register
    page_fields: tuple[FieldSpec, ...]
    columns: tuple[ColumnSpec, ...]

    @property
    def field_keys(self) -> list[str]:
        return [f.key for c in self.columns for f in c.fields]

    def field_type(self, key: str) -> str:
        for f in [*self.page_fields, *(f for c in self.columns for f in c.fields)]:
            if f.key == key:
                return f.type
        raise KeyError(key)


def _parse(data: dict) -> Template:
    def spec(d: dict) -> FieldSpec:
        return FieldSpec(key=d["key"], type=d["type"], part=d.get("part"), label=d.get("label"),
                         page_constant=bool(d.get("page_constant", False)))  # fmt: skip

    return Template(
        id=data["id"],
        register=data["register"],
        code=data["code"],
        titles=tuple(data["titles"]),
        page_fields=tuple(spec(d) for d in data.get("page_fields", [])),
        columns=tuple(
            ColumnSpec(title=c["title"], fields=tuple(spec(f) for f in c["fields"]), split=c.get("split"))
            for c in data["columns"]
        ),
    )


def load_template(path: Path) -> Template:
    return _parse(yaml.safe_load(path.read_text(encoding="utf-8")))


@cache
def all_templates() -> tuple[Template, ...]:
    """Every edition shipped in ``schemas/`` (plus ``$HOTICH_TEMPLATES_DIR`` when set)."""
    import os

    dirs = [Path(str(resources.files("schemas")))]
    if extra := os.environ.get("HOTICH_TEMPLATES_DIR"):
        dirs.append(Path(extra))
    found = [load_template(p) for d in dirs for p in sorted(d.glob("*.yaml"))]
    return tuple(found)


def template_by_id(template_id: str) -> Template:
    for t in all_templates():
        if t.id == template_id:
            return t
    raise KeyError(template_id)


def templates_for(register: str | None) -> tuple[Template, ...]:
    """Templates to try for a register; ``None`` or ``"auto"`` means all."""
    if register in (None, "auto"):
        return all_templates()
    return tuple(t for t in all_templates() if t.register == register)
