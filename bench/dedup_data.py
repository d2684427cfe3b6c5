"""Synthetic Vietnamese birth-register records with known duplicates (ground truth: ``entity_id``).

Names follow the surname shares of ``data/lexicons/surnames.csv`` (Nguyễn ≈ 38 %), middle and given
names from the lexicons by sex, the father's surname is the child's. Birth places and registering
offices are real communes of ``data/gazetteer/units_legacy.csv``. A share of the people get a second
(sometimes third) record, corrupted the way registers and OCR corrupt them: the same page scanned
twice (same office, book, số), a re-registration (loaiDangKy 2, "đăng ký lại", later, possibly
with the birth place written as the 2025 ward it became), an entry in an overlapping book; OCR
diacritic errors (NGUYỄN→NGUYÊN, ÁNH→ẢNH), dropped diacritics, old tone placement, NFD text, typos,
a dropped middle name, Hoàng/Huỳnh and Vũ/Võ, i/y spellings, day/month swaps, year-only or
year-month dates, missing parents, parent birth years off by one, lost or mistyped ID numbers.
Hard negatives are planted too: homonyms born the same day, and twins (same parents and day).

Usage: ``python bench/dedup_data.py --records 20000 --out /tmp/vn.csv``
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import unicodedata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LEX = ROOT / "data" / "lexicons"
GAZ = ROOT / "data" / "gazetteer"

COLUMNS = [
    "record_id",
    "entity_id",
    "kind",
    "nksHoTen",
    "nksGioiTinh",
    "nksNgaySinh",
    "nksNoiSinh",
    "nksSoDinhDanh",
    "meHoTen",
    "meNgaySinh",
    "chaHoTen",
    "chaNgaySinh",
    "noiDangKy",
    "quyenSo",
    "so",
    "loaiDangKy",
    "ngayDangKy",
]

_TONES = ["\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]
_MARKS = ["\u0302", "\u0306", "\u031b"]  # circumflex, breve, horn
_OLD_TONE = {"ÒA": "OÀ", "ÓA": "OÁ", "ỎA": "OẢ", "ÕA": "OÃ", "ỌA": "OẠ", "ÒE": "OÈ", "ÓE": "OÉ", "ỎE": "OẺ",
             "ỦY": "UỶ", "ÙY": "UỲ", "ÚY": "UÝ", "ỤY": "UỴ", "ŨY": "UỸ"}
_IY = {"LÝ": "LÍ", "KỲ": "KÌ", "MỸ": "MĨ", "VY": "VI", "HY": "HI", "THY": "THI", "LY": "LI", "MY": "MI", "KÝ": "KÍ"}


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _lower_unit(name: str) -> str:
    for w in ("Thành phố", "Thị xã", "Thị trấn", "Đặc khu", "Phường", "Huyện", "Quận", "Tỉnh", "Xã"):
        if name.startswith(w + " "):
            return w.lower() + name[len(w) :]
    return name


class Lexicon:
    def __init__(self) -> None:
        sur = _read(LEX / "surnames.csv")
        self.surnames = [r["surname"].upper() for r in sur]
        self.sur_w = [float(r["share"]) for r in sur]
        rest = max(0.0, 100 - sum(self.sur_w))
        self.surnames.append("")  # placeholder for "other" surnames: drawn from the tail
        self.sur_w.append(rest)
        mid = _read(LEX / "middle_names.csv")
        giv = _read(LEX / "given_names.csv")
        self.middle = {s: [(r["middle"].upper(), float(r["weight"])) for r in mid if r["sex"] in (s, "")]
                       for s in ("Nam", "Nữ")}
        self.given = {s: [(r["given"].upper(), float(r["weight"])) for r in giv if r["sex"] in (s, "")]
                      for s in ("Nam", "Nữ")}
        legacy = _read(GAZ / "units_legacy.csv")
        mapping = {r["old_ward_code"]: r for r in _read(GAZ / "ward_mapping_2025.csv")}
        self.communes = []
        for r in legacy:
            new = mapping.get(r["ward_code"])
            new_place = (
                f"{_lower_unit(new['new_ward_name'])}, {_lower_unit(new['new_province_name'])}" if new else None
            )
            self.communes.append(
                {
                    "place": f"{_lower_unit(r['ward_name'])}, {_lower_unit(r['district_name'])}, "
                    f"{_lower_unit(r['province_name'])}",
                    "new_place": new_place,
                    "province_code": r["province_code"],
                }
            )


def _pick(rng: random.Random, items: list[tuple[str, float]]) -> str:
    return rng.choices([i for i, _ in items], weights=[w for _, w in items])[0]


def _surname(rng: random.Random, lex: Lexicon) -> str:
    s = rng.choices(lex.surnames, weights=lex.sur_w)[0]
    return s or rng.choice(lex.surnames[12:-1])


def _person_name(rng: random.Random, lex: Lexicon, sex: str, surname: str | None = None) -> str:
    ho = surname or _surname(rng, lex)
    first_mid = ("VĂN" if sex == "Nam" else "THỊ") if rng.random() < 0.55 else _pick(rng, lex.middle[sex])
    mids = [first_mid]
    if rng.random() < 0.3:
        mids.append(_pick(rng, lex.given[sex]))
    given = _pick(rng, lex.given[sex])
    return " ".join([ho, *mids, given])


def _date(rng: random.Random, y0: int, y1: int) -> dt.date:
    start = dt.date(y0, 1, 1).toordinal()
    return dt.date.fromordinal(rng.randint(start, dt.date(y1, 12, 31).toordinal()))


# ---- corruptions -----------------------------------------------------------------------------------


def ocr_diacritic_error(rng: random.Random, name: str) -> str:
    """Change or drop one diacritic of one syllable (NGUYỄN→NGUYÊN, ÁNH→ẢNH, ĐỨC→ĐÚC)."""
    words = name.split()
    cands = [k for k, w in enumerate(words) if any(unicodedata.combining(c) for c in unicodedata.normalize("NFD", w))]
    if not cands:
        return name
    k = rng.choice(cands)
    d = list(unicodedata.normalize("NFD", words[k]))
    marks = [p for p, c in enumerate(d) if unicodedata.combining(c)]
    p = rng.choice(marks)
    if d[p] in _TONES and rng.random() < 0.6:
        d[p] = rng.choice([t for t in _TONES if t != d[p]])
    else:
        del d[p]
    words[k] = unicodedata.normalize("NFC", "".join(d))
    return " ".join(words)


def strip_diacritics(name: str) -> str:
    s = unicodedata.normalize("NFD", name.replace("Đ", "D"))
    return unicodedata.normalize("NFC", "".join(c for c in s if not unicodedata.combining(c)))


def old_tone(name: str) -> str:
    for a, b in _OLD_TONE.items():
        name = name.replace(a, b)
    return name


def typo(rng: random.Random, name: str) -> str:
    words = name.split()
    k = rng.randrange(len(words))
    w = words[k]
    if len(w) < 3:
        return name
    p = rng.randrange(1, len(w))
    op = rng.random()
    if op < 0.4:
        w = w[:p] + rng.choice("ABCDEGHIKLMNOPQRSTUVXY") + w[p + 1 :]
    elif op < 0.7 and p < len(w) - 1:
        w = w[:p] + w[p + 1] + w[p] + w[p + 2 :]
    else:
        w = w[:p] + w[p + 1 :]
    words[k] = w
    return " ".join(words)


def drop_middle(name: str) -> str:
    w = name.split()
    return f"{w[0]} {w[-1]}" if len(w) > 2 else name


def regional_variant(name: str) -> str:
    w = name.split()
    swap = {"HOÀNG": "HUỲNH", "HUỲNH": "HOÀNG", "VŨ": "VÕ", "VÕ": "VŨ"}
    if w and w[0] in swap:
        w[0] = swap[w[0]]
    return " ".join(w)


def iy_variant(name: str) -> str:
    w = name.split()
    return " ".join(_IY.get(x, x) for x in w)


def _fmt_date(d: dt.date, style: str) -> str:
    if style == "year":
        return str(d.year)
    if style == "ym":
        return f"{d.year}-{d.month:02d}"
    return d.isoformat()


def corrupt_name(rng: random.Random, name: str, strength: float = 1.0) -> str:
    if rng.random() < 0.3 * strength:
        name = ocr_diacritic_error(rng, name)
    if rng.random() < 0.08 * strength:
        name = strip_diacritics(name)
    if rng.random() < 0.15 * strength:
        name = old_tone(name)
    if rng.random() < 0.08 * strength:
        name = typo(rng, name)
    if rng.random() < 0.1 * strength:
        name = drop_middle(name)
    if rng.random() < 0.4 * strength:
        name = regional_variant(name)
    if rng.random() < 0.3 * strength:
        name = iy_variant(name)
    if rng.random() < 0.04 * strength:
        name = unicodedata.normalize("NFD", name)
    return name


# ---- generator -------------------------------------------------------------------------------------


def _entity(rng: random.Random, lex: Lexicon, offices: list[dict[str, Any]]) -> dict[str, Any]:
    sex = rng.choice(["Nam", "Nữ"])
    office = rng.choice(offices)
    dob = _date(rng, 1950, 2024)
    ho = _surname(rng, lex)
    place = office["place"] if rng.random() < 0.85 else rng.choice(offices)["place"]
    me_y = dob.year - rng.randint(18, 42)
    cha_y = me_y - rng.randint(-3, 10)
    e = {
        "sex": sex,
        "office": office,
        "dob": dob,
        "name": _person_name(rng, lex, sex, ho),
        "place": place,
        "new_place": office["new_place"] if place == office["place"] else None,
        "me": _person_name(rng, lex, "Nữ") if rng.random() > 0.02 else None,
        "me_dob": _date(rng, me_y, me_y) if rng.random() < 0.3 else dt.date(me_y, 1, 1),
        "me_full": False,
        "cha": _person_name(rng, lex, "Nam", ho) if rng.random() > 0.08 else None,
        "cha_dob": dt.date(cha_y, 1, 1),
        "id": None,
    }
    e["me_full"] = e["me_dob"].month != 1 or e["me_dob"].day != 1
    if dob.year >= 2000 and rng.random() < 0.6:
        g = {"Nam": 0, "Nữ": 1}[sex] + (2 if dob.year >= 2000 else 0)
        e["id"] = f"{int(office['province_code']):03d}{g}{dob.year % 100:02d}{rng.randrange(10**6):06d}"
    return e


class _Books:
    """Entry numbers per (office, year), books of 200 entries."""

    def __init__(self) -> None:
        self.count: dict[tuple[str, int], int] = {}

    def next(self, office: str, year: int) -> tuple[str, str]:
        k = self.count.get((office, year), 0) + 1
        self.count[(office, year)] = k
        return f"{(k - 1) // 200 + 1:02d}/{year}", f"{k:02d}"


def _record(e: dict[str, Any], books: _Books, rng: random.Random, reg_year: int, kind: str) -> dict[str, Any]:
    book, so = books.next(e["office"]["office"], reg_year)
    return {
        "entity_id": e["eid"],
        "kind": kind,
        "nksHoTen": e["name"],
        "nksGioiTinh": e["sex"],
        "nksNgaySinh": e["dob"].isoformat(),
        "nksNoiSinh": e["place"],
        "nksSoDinhDanh": e["id"] or "",
        "meHoTen": e["me"] or "",
        "meNgaySinh": (e["me_dob"].isoformat() if e["me_full"] else str(e["me_dob"].year)) if e["me"] else "",
        "chaHoTen": e["cha"] or "",
        "chaNgaySinh": str(e["cha_dob"].year) if e["cha"] else "",
        "noiDangKy": e["office"]["office"],
        "quyenSo": book,
        "so": so,
        "loaiDangKy": "1",
        "ngayDangKy": _fmt_date(
            min(e["dob"] + dt.timedelta(days=rng.randint(1, 60)), dt.date(reg_year, 12, 31)), "full"
        ),
    }


def _corrupt_copy(rng: random.Random, rec: dict[str, Any], e: dict[str, Any]) -> dict[str, Any]:
    r = dict(rec)
    r["nksHoTen"] = corrupt_name(rng, r["nksHoTen"])
    dob: dt.date = e["dob"]
    x = rng.random()
    if x < 0.05 and dob.day <= 12 and dob.day != dob.month:
        r["nksNgaySinh"] = dt.date(dob.year, dob.day, dob.month).isoformat()
    elif x < 0.10:
        r["nksNgaySinh"] = str(dob.year)
    elif x < 0.13:
        r["nksNgaySinh"] = f"{dob.year}-{dob.month:02d}"
    elif x < 0.16:
        s = list(dob.isoformat())
        p = rng.choice([2, 3, 6, 9])
        s[p] = str(rng.randrange(10))
        r["nksNgaySinh"] = "".join(s)
    if r["meHoTen"]:
        if rng.random() < 0.05:
            r["meHoTen"], r["meNgaySinh"] = "", ""
        else:
            r["meHoTen"] = corrupt_name(rng, r["meHoTen"], 0.5)
            if rng.random() < 0.1 and r["meNgaySinh"]:
                r["meNgaySinh"] = str(int(r["meNgaySinh"][:4]) + rng.choice([-1, 1]))
    if r["chaHoTen"]:
        if rng.random() < 0.06:
            r["chaHoTen"], r["chaNgaySinh"] = "", ""
        else:
            r["chaHoTen"] = corrupt_name(rng, r["chaHoTen"], 0.5)
            if rng.random() < 0.1:
                r["chaNgaySinh"] = str(int(r["chaNgaySinh"]) + rng.choice([-1, 1]))
    if rng.random() < 0.05:
        r["nksNoiSinh"] = ""
    if r["nksSoDinhDanh"]:
        y = rng.random()
        if y < 0.3:
            r["nksSoDinhDanh"] = ""
        elif y < 0.35:
            s = list(r["nksSoDinhDanh"])
            p = rng.randrange(4, 12)
            s[p] = str((int(s[p]) + 1) % 10)
            r["nksSoDinhDanh"] = "".join(s)
    if rng.random() < 0.02:
        r["nksGioiTinh"] = ""
    return r


def generate(n_records: int = 20_000, dup_rate: float = 0.25, seed: int = 1) -> list[dict[str, Any]]:
    """Records (dicts with COLUMNS); ``entity_id`` is the truth. About ``n_records`` in total."""
    rng = random.Random(seed)
    lex = Lexicon()
    n_offices = max(20, n_records // 500)
    offices = []
    for c in rng.sample(lex.communes, min(n_offices, len(lex.communes))):
        offices.append({**c, "office": "UBND " + c["place"]})
    n_entities = int(n_records / (1 + dup_rate * 1.1))
    books = _Books()
    out: list[dict[str, Any]] = []
    entities: list[dict[str, Any]] = []
    for k in range(n_entities):
        e = _entity(rng, lex, offices)
        e["eid"] = f"E{k}"
        z = rng.random()
        if entities and z < 0.01:  # homonym born the same day, different parents and place
            o = rng.choice(entities)
            e.update(name=o["name"], dob=o["dob"], sex=o["sex"])
        elif entities and z < 0.02:  # twin: same parents and day, different given name
            o = rng.choice(entities)
            e.update(dob=o["dob"], me=o["me"], cha=o["cha"], me_dob=o["me_dob"], cha_dob=o["cha_dob"],
                     me_full=o["me_full"], office=o["office"], place=o["place"], new_place=o["new_place"])
            ho = o["name"].split()[0]
            e["name"] = _person_name(rng, lex, e["sex"], ho)
            # parents do not give twins the same given name (a redrawn name could repeat it, which
            # would make two people indistinguishable from one person registered twice)
            while e["name"].split()[-1] == o["name"].split()[-1]:
                e["name"] = _person_name(rng, lex, e["sex"], ho)
        entities.append(e)
        rec = _record(e, books, rng, e["dob"].year, "original")
        out.append(rec)
        if rng.random() < dup_rate:
            n_copies = 2 if rng.random() < 0.1 else 1
            for _ in range(n_copies):
                kind = rng.choices(["scan_twice", "re_registration", "other_book"], weights=[0.1, 0.4, 0.5])[0]
                if kind == "scan_twice":
                    cp = dict(rec, kind=kind)
                    cp["nksHoTen"] = corrupt_name(rng, cp["nksHoTen"], 0.3)
                else:
                    year = min(2025, e["dob"].year + rng.randint(1, 30)) if kind == "re_registration" else e["dob"].year
                    cp = _corrupt_copy(rng, _record(e, books, rng, year, kind), e)
                    if kind == "re_registration":
                        cp["loaiDangKy"] = "2"
                        if e["new_place"] and cp["nksNoiSinh"] and rng.random() < 0.4:
                            cp["nksNoiSinh"] = e["new_place"]
                out.append(cp)
    rng.shuffle(out)
    for k, r in enumerate(out):
        r["record_id"] = f"R{k:07d}"
    return out


def true_pairs(records: list[dict[str, Any]], id_col: str = "record_id") -> set[tuple[str, str]]:
    by: dict[str, list[str]] = {}
    for r in records:
        by.setdefault(r["entity_id"], []).append(r[id_col])
    out = set()
    for ids in by.values():
        ids.sort()
        for a in range(len(ids)):
            for b in range(a + 1, len(ids)):
                out.add((ids[a], ids[b]))
    return out


def write_csv(records: list[dict[str, Any]], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS)
        w.writeheader()
        for r in records:
            w.writerow({c: r.get(c, "") for c in COLUMNS})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=20_000)
    ap.add_argument("--dup-rate", type=float, default=0.25)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    recs = generate(a.records, a.dup_rate, a.seed)
    write_csv(recs, a.out)
    print(f"{len(recs)} records, {len(true_pairs(recs))} true pairs -> {a.out}")


if __name__ == "__main__":
    main()
