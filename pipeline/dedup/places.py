"""Resolve a written place to administrative units, so an old commune equals the new ward it became.

A place is written ``xã Hòa Thịnh, huyện Tây Hòa, tỉnh Phú Yên`` (before the 2025 reform) or
``xã Hòa Thịnh, tỉnh Đắk Lắk`` (after it; no districts). ``resolve`` maps either to the set of
2025 ward codes it lies in (an old ward split between new wards maps to all of them) and the 2025
province code, using ``data/gazetteer/units_legacy.csv``, ``units_2025.csv``, ``ward_mapping_2025.csv``
and ``province_mapping_2025.csv``. Names are compared folded (no diacritics, tone placement free).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.dedup.folding import fold

__all__ = ["Place", "Gazetteer", "default_gazetteer"]

_GAZ = Path(__file__).resolve().parents[2] / "data" / "gazetteer"

_WARD_WORDS = ("xa", "phuong", "thi tran", "dac khu")
_DISTRICT_WORDS = ("huyen", "quan", "thi xa", "thanh pho", "tp")
_PROVINCE_WORDS = ("tinh", "thanh pho", "tp")
_ABBR = [
    (r"\btp\.?\s*hcm\b", "thanh pho ho chi minh"),
    (r"\btt\.\s*", "thi tran "),
    (r"\btx\.\s*", "thi xa "),
    (r"\btp\.\s*", "thanh pho "),
    (r"\bx\.\s*", "xa "),
    (r"\bp\.\s*", "phuong "),
    (r"\bh\.\s*", "huyen "),
    (r"\bq\.\s*", "quan "),
    (r"\bt\.\s*", "tinh "),
]
_ALL_WORDS = sorted({*_WARD_WORDS, *_DISTRICT_WORDS, *_PROVINCE_WORDS}, key=len, reverse=True)


@dataclass(frozen=True, slots=True)
class Place:
    """A resolved place: 2025 ward codes (empty if unresolved) and 2025 province code ('' if unknown)."""

    wards: frozenset[str]
    province: str


def _strip_unit(name: str) -> tuple[str, str]:
    """('xa', 'HOA THINH') from a folded lower-case part 'xa hoa thinh'."""
    s = name.strip().lower().replace(".", ". ").replace("  ", " ").strip()
    for w in _ALL_WORDS:
        if s.startswith((w + " ", w + ". ")):
            return w, s[len(w) :].lstrip(". ").strip().upper()
    return "", s.upper()


def _key(name: str) -> str:
    return _strip_unit(fold(name).lower())[1]


class Gazetteer:
    """Lookup tables built once from the gazetteer CSVs."""

    def __init__(self, root: Path = _GAZ) -> None:
        self.legacy3: dict[tuple[str, str, str], str] = {}
        self.legacy2: dict[tuple[str, str], list[str]] = {}
        self.new2: dict[tuple[str, str], str] = {}
        self.old_to_new: dict[str, set[str]] = {}
        self.old_prov_to_new: dict[str, str] = {}
        self.prov_code: dict[str, str] = {}  # folded province name (old or new) -> 2025 code
        self.legacy_prov: dict[str, str] = {}  # legacy ward code -> 2025 province code
        if not root.exists():
            return
        with (root / "province_mapping_2025.csv").open(encoding="utf-8") as f:
            for r in csv.DictReader(f):
                self.old_prov_to_new[r["old_province_code"]] = r["new_province_code"]
                self.prov_code.setdefault(_key(r["old_province_name"]), r["new_province_code"])
                self.prov_code[_key(r["new_province_name"])] = r["new_province_code"]
        with (root / "units_legacy.csv").open(encoding="utf-8") as f:
            for r in csv.DictReader(f):
                p, d = _key(r["province_name"]), _key(r["district_name"])
                self.legacy_prov[r["ward_code"]] = self.old_prov_to_new.get(r["province_code"], "")
                for wname in (r["ward_name"], r.get("ward_name_alt") or ""):
                    if wname:
                        w = _key(wname)
                        self.legacy3.setdefault((w, d, p), r["ward_code"])
                        self.legacy2.setdefault((w, p), []).append(r["ward_code"])
        with (root / "units_2025.csv").open(encoding="utf-8") as f:
            for r in csv.DictReader(f):
                self.new2.setdefault((_key(r["ward_name"]), _key(r["province_name"])), r["ward_code"])
        with (root / "ward_mapping_2025.csv").open(encoding="utf-8") as f:
            for r in csv.DictReader(f):
                self.old_to_new.setdefault(r["old_ward_code"], set()).add(r["new_ward_code"])

    def resolve(self, text: str | None) -> Place | None:
        """The place's 2025 wards and province; None for an empty text."""
        if not text or not text.strip():
            return None
        low = fold(text).lower()
        for abbr, full in _ABBR:
            low = re.sub(abbr, full, low)
        parts = [p for p in re.split(r"\s*[,;]\s*|\s+-\s+", low) if p]
        if not parts:
            return None
        ward = district = province = ""
        p_unit, p_name = _strip_unit(parts[-1])
        province = p_name
        rest = parts[:-1]
        if not rest:  # one part: maybe a facility "benh vien ... tinh phu yen"
            m = re.search(r"\b(tinh|thanh pho)\s+(.+)$", parts[-1])
            province = m.group(2).upper() if m else p_name
        for part in rest:
            m = re.search(r"\b(xa|phuong|thi tran|dac khu)\s+(.+)$", part)
            unit, name = _strip_unit(part)
            if m and not ward and unit not in ("thi xa",):
                ward = m.group(2).upper()
            elif unit in _DISTRICT_WORDS or (ward and not district):
                district = name
        pcode = self.prov_code.get(province, "")
        wards: set[str] = set()
        if ward:
            old = self.legacy3.get((ward, district, province)) if district else None
            if old is None and not district:
                new = self.new2.get((ward, province))
                if new:
                    wards = {new}
                else:
                    cands = self.legacy2.get((ward, province), [])
                    old = cands[0] if len(cands) == 1 else None
            if old is not None:
                wards = self.old_to_new.get(old, set())
                pcode = pcode or self.legacy_prov.get(old, "")
            elif district and not wards:
                new = self.new2.get((ward, province))
                wards = {new} if new else set()
        if wards and pcode and pcode not in self.old_prov_to_new.values():
            pcode = self.old_prov_to_new.get(pcode, pcode)
        return Place(frozenset(wards), pcode)


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    return Gazetteer()
