"""Deterministic, realistic content for synthetic ledger pages.

Every entry carries two views of the same facts: ``fields`` (canonical values of docs/field-contract.md,
the ground truth) and ``cells`` (per template column, the paragraphs a clerk wrote; the renderer wraps
each paragraph inside its cell). Everything is drawn from one ``random.Random`` so a seed fixes a page.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from pipeline.samples.words import REGIONAL_VARIANTS, date_to_words

DATA = Path(__file__).resolve().parents[2] / "data"

UNIT_PREFIXES = ("Thành phố", "Thị trấn", "Thị xã", "Phường", "Huyện", "Quận", "Tỉnh", "Xã")
ABBR = {"Thành phố": "TP.", "Thị trấn": "TT.", "Thị xã": "TX.", "Phường": "P.", "Huyện": "H.", "Quận": "Q.",
        "Tỉnh": "T.", "Xã": "X."}  # fmt: skip

CAUSES = ("Bệnh già", "Tai nạn giao thông", "Ung thư phổi", "Ung thư gan", "Tai biến mạch máu não",
          "Nhồi máu cơ tim", "Suy tim", "Viêm phổi", "Suy thận mạn", "Đuối nước", "Xơ gan")  # fmt: skip
NOTES_KS = ("Đăng ký quá hạn", "Đã cải chính họ tên theo QĐ số {n}/QĐ-UBND ngày {d}", "Đăng ký lại",
            "Đã cấp bản sao ngày {d}")  # fmt: skip
NOTES_KH = ("Đã cấp bản sao ngày {d}", "Đã ly hôn theo Bản án số {n}/HNGĐ ngày {d}")
NOTES_KT = ("Đăng ký quá hạn", "Đã cấp trích lục ngày {d}")
ALIASES_PRINTED = {"Mông": ("Mèo", "H'Mông"), "Khơ-me": ("Khmer",), "Ê-đê": ("Ê Đê",), "Gia-rai": ("Gia Rai",),
                   "Ba-na": ("Ba Na",)}  # fmt: skip
MINORITIES_BY_REGION = {
    "north": ("Tày", "Nùng", "Mông", "Dao", "Thái", "Mường"),
    "highlands": ("Gia-rai", "Ê-đê", "Ba-na", "Cơ-ho", "Mnông"),
    "mekong": ("Khơ-me", "Hoa"),
    "other": ("Hoa", "Mường", "Tày", "Chăm"),
}


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", " ".join(s.split()))


def split_unit(name: str) -> tuple[str, str]:
    """``Xã Hòa Thịnh`` -> (``Xã``, ``Hòa Thịnh``)."""
    for p in UNIT_PREFIXES:
        if name.startswith(p + " "):
            return p, name[len(p) + 1 :]
    raise ValueError(name)


@dataclass(frozen=True, slots=True)
class Unit:
    kind: str  # Xã, Phường, Huyện, Tỉnh, ...
    name: str  # without the prefix

    @property
    def canonical(self) -> str:
        return f"{self.kind.lower()} {self.name}"

    def abbr(self) -> str:
        if self.kind == "Thành phố" and self.name == "Hồ Chí Minh":
            return "TP.HCM"
        if self.name.isdigit():
            return f"{ABBR[self.kind]}{self.name}"
        return f"{ABBR[self.kind]} {self.name}"

    def bare(self) -> str:
        # numbered wards/districts and HCMC need their unit word to mean anything
        if self.name.isdigit() or self.name == "Hồ Chí Minh":
            return self.abbr()
        return self.name


@dataclass(frozen=True, slots=True)
class Place:
    ward: Unit
    district: Unit
    province: Unit
    province_code: str

    def parts(self, levels: int) -> tuple[Unit, ...]:
        return (self.ward, self.district, self.province)[3 - levels :]

    def canonical(self, levels: int = 3) -> str:
        return ", ".join(u.canonical for u in self.parts(levels))

    def written(self, style: str, levels: int = 3) -> str:
        parts = self.parts(levels)
        if style == "full":
            return ", ".join(u.canonical for u in parts)
        if style == "full_cap":
            text = ", ".join(u.canonical for u in parts)
            return text[0].upper() + text[1:]
        if style == "abbr_dash":
            return " - ".join(u.abbr() for u in parts)
        if style == "abbr_comma":
            return ", ".join(u.abbr() for u in parts)
        if style == "bare":
            return ", ".join(u.bare() for u in parts)
        raise ValueError(style)

    @property
    def region(self) -> str:
        code = int(self.province_code)
        if 2 <= code <= 20:
            return "north"
        if 62 <= code <= 68:
            return "highlands"
        if code in (84, 91, 93, 94, 95):
            return "mekong"
        return "other"


@cache
def legacy_places() -> tuple[Place, ...]:
    out = []
    with (DATA / "gazetteer" / "units_legacy.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if not r["ward_name"]:
                continue
            out.append(
                Place(
                    Unit(*split_unit(r["ward_name"])),
                    Unit(*split_unit(r["district_name"])),
                    Unit(*split_unit(r["province_name"])),
                    r["province_code"],
                )
            )
    return tuple(out)


@cache
def _places_by_district() -> dict[tuple[str, str], tuple[Place, ...]]:
    out: dict[tuple[str, str], list[Place]] = {}
    for p in legacy_places():
        out.setdefault((p.province_code, p.district.name), []).append(p)
    return {k: tuple(v) for k, v in out.items()}


@cache
def _places_by_province() -> dict[str, tuple[Place, ...]]:
    out: dict[str, list[Place]] = {}
    for p in legacy_places():
        out.setdefault(p.province_code, []).append(p)
    return {k: tuple(v) for k, v in out.items()}


def _read_csv(name: str) -> list[dict[str, str]]:
    with (DATA / "lexicons" / name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


@cache
def lexicons() -> dict[str, list[dict[str, str]]]:
    return {n: _read_csv(f"{n}.csv") for n in ("surnames", "middle_names", "given_names")}


def _pick(rng: random.Random, rows: list[dict[str, str]], col: str, wcol: str) -> str:
    return rng.choices([r[col] for r in rows], weights=[float(r[wcol]) for r in rows])[0]


# --------------------------------------------------------------------------------------------- people


def surname(rng: random.Random) -> str:
    return _pick(rng, lexicons()["surnames"], "surname", "share")


def person_name(rng: random.Random, sex: str, born: int, family: str | None = None) -> str:
    """Canonical upper-case full name; Văn/Thị more common for older generations."""
    lex = lexicons()
    fam = family or surname(rng)
    mids = [r for r in lex["middle_names"] if r["sex"] in ("", sex)]
    weights = []
    for r in mids:
        w = float(r["weight"])
        if r["middle"] in ("Văn", "Thị"):
            w *= 1.6 if born < 1980 else 0.5
        weights.append(w)
    middle = [rng.choices([r["middle"] for r in mids], weights=weights)[0]]
    if sex == "Nữ" and middle == ["Thị"] and rng.random() < 0.25:
        second = [r for r in mids if r["middle"] not in ("Thị", "Thu") and r["sex"] in ("", "Nữ")]
        middle.append(_pick(rng, second, "middle", "weight"))
    givens = [r for r in lex["given_names"] if r["sex"] in ("", sex) and r["given"] not in middle]
    given = _pick(rng, givens, "given", "weight")
    return nfc(" ".join([fam, *middle, given])).upper()


def written_name(name: str, case: str) -> str:
    return name if case == "upper" else name.title()


def ethnicity(rng: random.Random, region: str) -> str:
    share = 0.35 if region in ("north", "highlands", "mekong") else 0.05
    if rng.random() >= share:
        return "Kinh"
    return rng.choice(MINORITIES_BY_REGION[region])


def written_ethnicity(rng: random.Random, name: str) -> str:
    if name in ALIASES_PRINTED and rng.random() < 0.6:
        return rng.choice(ALIASES_PRINTED[name])
    return name


# --------------------------------------------------------------------------------------------- dates

DATE_STYLES = ("slash", "slash_short", "dash", "dot", "words")


def written_date(d: dt.date, style: str) -> str:
    if style == "slash":
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    if style == "slash_short":
        return f"{d.day}/{d.month}/{d.year}"
    if style == "dash":
        return f"{d.day}-{d.month}-{d.year}"
    if style == "dot":
        return f"{d.day:02d}.{d.month:02d}.{d.year}"
    if style == "words":
        return f"ngày {d.day} tháng {d.month} năm {d.year}"
    raise ValueError(style)


def shift(d: dt.date, days: int) -> dt.date:
    return d + dt.timedelta(days=days)


def random_date(rng: random.Random, year: int) -> dt.date:
    return dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))


# --------------------------------------------------------------------------------------------- pages


@dataclass(slots=True)
class PageContext:
    register: str  # khai_sinh | ket_hon | khai_tu
    year: int  # year of the book
    book: str  # "01/2008"
    page_no: int
    first_no: int  # number of the first entry on the page
    office: Place
    officer: str  # canonical name of the clerk
    case: str = "upper"  # how names are written: upper | title
    office_style: str = "UBND"  # UBND | full_words | abbr
    date_style: str = "slash"  # the clerk's habit for registration dates
    place_styles: tuple[str, ...] = ("full", "abbr_dash", "bare")
    word_variant: dict = field(default_factory=dict)

    @property
    def office_canonical(self) -> str:
        return "UBND " + self.office.canonical()

    @property
    def office_written(self) -> str:
        if self.office_style == "full_words":
            return "Ủy ban nhân dân " + self.office.canonical()
        if self.office_style == "abbr":
            return "UBND " + self.office.written("abbr_dash")
        return self.office_canonical


@dataclass(slots=True)
class EntryContent:
    fields: dict[str, str | None]
    cells: list[list[str]]  # per template column: paragraphs as written ([] = empty cell)


def make_context(
    rng: random.Random,
    register: str,
    year: int,
    page_no: int,
    case: str = "upper",
    province: str | None = None,
) -> PageContext:
    """A book page's setting; ``province`` (a code such as ``"94"``) pins the registering office's province."""
    places = _places_by_province()[province] if province else legacy_places()
    office = rng.choice(places)
    per_page = 5
    return PageContext(
        register=register,
        year=year,
        book=f"{rng.choice((1, 1, 1, 2, 3)):02d}/{year}",
        page_no=page_no,
        first_no=(page_no - 1) * per_page + 1,
        office=office,
        officer=person_name(rng, rng.choice(("Nam", "Nữ")), 1970),
        case=case,
        office_style=rng.choice(("UBND", "UBND", "full_words", "abbr")),
        date_style=rng.choice(("slash", "slash", "slash_short", "dash", "dot", "words")),
        place_styles=tuple(rng.sample(("full", "full_cap", "abbr_dash", "abbr_comma", "bare"), 3)),
        word_variant=dict(rng.choice(REGIONAL_VARIANTS)),
    )


def nearby(rng: random.Random, home: Place) -> Place:
    r = rng.random()
    if r < 0.55:
        return home
    if r < 0.85:
        return rng.choice(_places_by_district()[(home.province_code, home.district.name)])
    if r < 0.95:
        return rng.choice(_places_by_province()[home.province_code])
    return rng.choice(legacy_places())


class Writer:
    """Writes the facts of one page in the clerk's (slightly varying) hand."""

    def __init__(self, rng: random.Random, ctx: PageContext) -> None:
        self.rng = rng
        self.ctx = ctx

    def place(self, p: Place, levels: int = 3) -> tuple[str, str]:
        style = self.rng.choice(self.ctx.place_styles)
        return p.written(style, levels), p.canonical(levels)

    def reg_date(self, d: dt.date) -> str:
        style = self.ctx.date_style if self.rng.random() < 0.75 else self.rng.choice(DATE_STYLES)
        return written_date(d, style)

    def digits_date(self, d: dt.date) -> str:
        style = self.ctx.date_style if self.ctx.date_style != "words" else "slash"
        if self.rng.random() < 0.2:
            style = self.rng.choice(("slash", "slash_short", "dash", "dot"))
        return written_date(d, style)

    def name(self, n: str) -> str:
        return written_name(n, self.ctx.case)

    def entry_no(self, i: int) -> str:
        n = self.ctx.first_no + i
        return f"{n:02d}"

    def facility(self, p: Place) -> tuple[str, str]:
        """A health facility and its canonical form (name then canonical place)."""
        r = self.rng.random()
        if r < 0.5 or p.province.kind != "Tỉnh":
            w, c = self.place(p)
            kind = "Trạm Y tế" if p.ward.kind == "Xã" or p.ward.kind == "Thị trấn" else "Trạm Y tế"
            return f"{kind} {w}", f"{kind} {c}"
        if r < 0.8:
            return f"Bệnh viện Đa khoa {p.province.canonical}", f"Bệnh viện Đa khoa {p.province.canonical}"
        if p.district.kind == "Huyện":
            return (f"Trung tâm Y tế {p.district.canonical}, {p.province.canonical}",) * 2
        return f"Bệnh viện Đa khoa {p.province.canonical}", f"Bệnh viện Đa khoa {p.province.canonical}"

    def id_document(self, reg: dt.date, born: dt.date, sex: str, home: Place) -> tuple[list[str], str, str]:
        rng = self.rng
        if reg.year < 2016 or rng.random() < 0.25:
            number = f"{rng.randrange(1, 39):02d}{rng.randrange(10**7):07d}"
            kind = "Giấy CMND"
            written = rng.choice(([f"CMND số {number}"], [f"CMND: {number}"], ["Giấy CMND", f"số {number}"]))
        else:
            century = (born.year // 100) - 19
            g = century * 2 + (1 if sex == "Nữ" else 0)
            number = f"{int(home.province_code):03d}{g}{born.year % 100:02d}{rng.randrange(10**6):06d}"
            kind = "Thẻ căn cước công dân"
            grouped = " ".join(number[i : i + 3] for i in range(0, 12, 3))
            written = rng.choice(([f"CCCD số {number}"], [f"CCCD: {number}"], ["Thẻ CCCD", grouped]))
        return written, kind, number

    def note(self, templates: tuple[str, ...], reg: dt.date) -> str | None:
        if self.rng.random() > 0.15:
            return None
        later = shift(reg, self.rng.randrange(200, 3000))
        text = self.rng.choice(templates).format(
            n=self.rng.randrange(3, 99), d=f"{later.day}/{later.month}/{later.year}", y=later.year
        )
        return nfc(text)

    def person_block(
        self, name: str, born: dt.date, eth: str, home: Place, by_year: bool
    ) -> tuple[list[str], dict]:
        rng = self.rng
        birth_w, birth_c = (f"sinh năm {born.year}", str(born.year))
        if not by_year:
            birth_w = f"sinh ngày {born.day:02d}/{born.month:02d}/{born.year}"
            birth_c = born.isoformat()
        res_w, res_c = self.place(home)
        label = rng.choice(("Nơi cư trú:", "Nơi cư trú:", "Cư trú:", "Trú tại:"))
        paras = [
            f"{self.name(name)}, {birth_w}",
            f"Dân tộc: {written_ethnicity(rng, eth)}; Quốc tịch: Việt Nam",
            f"{label} {res_w}",
        ]
        return paras, {"name": name, "birth": birth_c, "eth": eth, "nat": "Việt Nam", "res": res_c}

    def name_relation(self, name: str, rel: str) -> list[str]:
        if self.rng.random() < 0.6:
            return [self.name(name), f"Quan hệ: {rel}"]
        return [f"{self.name(name)} - {rel}"]

    def eth_nat(self, eth: str) -> list[str]:
        w = written_ethnicity(self.rng, eth)
        nat = "VN" if self.rng.random() < 0.1 else "Việt Nam"
        return [f"{w}, {nat}"] if self.rng.random() < 0.6 else [w, nat]


def _reg_dates(rng: random.Random, ctx: PageContext, n: int) -> list[dt.date]:
    start = dt.date(ctx.year, 1, 2) + dt.timedelta(days=min(300, (ctx.page_no - 1) * 9))
    out, d = [], start
    for _ in range(n):
        d = shift(d, rng.randrange(0, 5))
        if d.year != ctx.year:
            d = dt.date(ctx.year, 12, 30)
        out.append(d)
    return out


def birth_entries(rng: random.Random, ctx: PageContext, n: int) -> list[EntryContent]:
    w = Writer(rng, ctx)
    out = []
    for i, reg in enumerate(_reg_dates(rng, ctx, n)):
        late = rng.random() < 0.08
        born = shift(reg, -rng.randrange(365 * 2, 365 * 12) if late else -rng.randrange(1, 61))
        sex = rng.choice(("Nam", "Nữ"))
        region = ctx.office.region
        eth = ethnicity(rng, region)
        home = nearby(rng, ctx.office)
        father_known = rng.random() > 0.1
        fam = surname(rng)
        child = person_name(rng, sex, born.year, fam if father_known else None)
        mother_born = shift(born, -rng.randrange(365 * 19, 365 * 44))
        mother_fam = surname(rng)
        mother = person_name(rng, "Nữ", mother_born.year, mother_fam)
        if not father_known:
            child = person_name(rng, sex, born.year, mother_fam)
        by_year = rng.random() < 0.7
        m_cell, m = w.person_block(mother, mother_born, eth, home, by_year)
        fields: dict[str, str | None] = {
            "so": w.entry_no(i),
            "ngayDangKy": reg.isoformat(),
            "nksHoTen": child,
            "nksGioiTinh": sex,
            "nksNgaySinh": born.isoformat(),
        }
        words = date_to_words(born, ctx.word_variant if rng.random() < 0.7 else rng.choice(REGIONAL_VARIANTS))
        digits = w.digits_date(born)
        if rng.random() < 0.3:
            birth_place_w, birth_place_c = w.place(home)
        else:
            birth_place_w, birth_place_c = w.facility(nearby(rng, ctx.office))
        qq_levels = rng.choice((2, 3, 3))
        qq = home if rng.random() < 0.6 else rng.choice(legacy_places())
        qq_w, qq_c = w.place(qq, qq_levels)
        fields |= {
            "nksNgaySinhBangChu": words,
            "nksNoiSinh": birth_place_c,
            "nksDanToc": eth,
            "nksQuocTich": "Việt Nam",
            "nksQueQuan": qq_c,
            "meHoTen": m["name"],
            "meNgaySinh": m["birth"],
            "meDanToc": m["eth"],
            "meQuocTich": m["nat"],
            "meNoiCuTru": m["res"],
        }
        if father_known:
            father_born = shift(born, -rng.randrange(365 * 20, 365 * 45))
            father_born = min(father_born, shift(mother_born, rng.randrange(-3000, 900)))
            father_born = max(father_born, shift(born, -365 * 45))
            father = person_name(rng, "Nam", father_born.year, fam)
            f_cell, f = w.person_block(father, father_born, eth, home, by_year)
            fields |= {"chaHoTen": f["name"], "chaNgaySinh": f["birth"], "chaDanToc": f["eth"],
                       "chaQuocTich": f["nat"], "chaNoiCuTru": f["res"]}  # fmt: skip
        else:
            f_cell = ["-"] if rng.random() < 0.7 else []
            fields |= dict.fromkeys(("chaHoTen", "chaNgaySinh", "chaDanToc", "chaQuocTich", "chaNoiCuTru"))
        r = rng.random()
        if father_known and r < 0.65:
            nyc, rel = fields["chaHoTen"], "cha"
        elif r < 0.85 or not father_known and r < 0.9:
            nyc, rel = mother, "mẹ"
        else:
            rel = rng.choice(("ông nội", "bà nội", "ông ngoại", "bà ngoại"))
            g_sex = "Nam" if rel.startswith("ông") else "Nữ"
            g_fam = fam if "nội" in rel and g_sex == "Nam" else None
            nyc = person_name(rng, g_sex, mother_born.year - 25, g_fam)
        note = w.note(NOTES_KS, reg) if not late else "Đăng ký quá hạn"
        fields |= {"nycHoTen": nyc, "nycQuanHe": rel, "nguoiThucHien": ctx.officer, "ghiChu": note}
        cells = [
            [fields["so"]],
            [w.reg_date(reg)],
            [w.name(child)],
            [sex],
            [digits, words[0].upper() + words[1:]],
            [birth_place_w],
            [written_ethnicity(rng, eth)],
            ["Việt Nam"],
            [qq_w],
            m_cell,
            f_cell,
            w.name_relation(str(nyc), rel),
            [w.name(ctx.officer)],
            [note] if note else [],
        ]
        out.append(EntryContent(fields, cells))
    return out


def marriage_entries(rng: random.Random, ctx: PageContext, n: int) -> list[EntryContent]:
    w = Writer(rng, ctx)
    out = []
    for i, reg in enumerate(_reg_dates(rng, ctx, n)):
        region = ctx.office.region
        h_born = shift(reg, -rng.randrange(365 * 20 + 5, 365 * 40))
        wf_born = shift(reg, -rng.randrange(365 * 18 + 5, 365 * 36))
        husband = person_name(rng, "Nam", h_born.year)
        wife = person_name(rng, "Nữ", wf_born.year)
        h_eth, wf_eth = ethnicity(rng, region), ethnicity(rng, region)
        h_home, wf_home = nearby(rng, ctx.office), nearby(rng, ctx.office)
        if rng.random() < 0.5:
            h_home = ctx.office  # registered where one of them lives
        h_res_w, h_res_c = w.place(h_home)
        wf_res_w, wf_res_c = w.place(wf_home)
        h_id_w, h_id_kind, h_id = w.id_document(reg, h_born, "Nam", h_home)
        wf_id_w, wf_id_kind, wf_id = w.id_document(reg, wf_born, "Nữ", wf_home)
        note = w.note(NOTES_KH, reg)
        fields: dict[str, str | None] = {
            "so": w.entry_no(i),
            "ngayDangKy": reg.isoformat(),
            "chongHoTen": husband,
            "chongNgaySinh": h_born.isoformat(),
            "chongDanToc": h_eth,
            "chongQuocTich": "Việt Nam",
            "chongNoiCuTru": h_res_c,
            "chongLoaiGiayToTuyThan": h_id_kind,
            "chongSoGiayToTuyThan": h_id,
            "voHoTen": wife,
            "voNgaySinh": wf_born.isoformat(),
            "voDanToc": wf_eth,
            "voQuocTich": "Việt Nam",
            "voNoiCuTru": wf_res_c,
            "voLoaiGiayToTuyThan": wf_id_kind,
            "voSoGiayToTuyThan": wf_id,
            "nguoiThucHien": ctx.officer,
            "ghiChu": note,
        }
        cells = [
            [fields["so"]],
            [w.reg_date(reg)],
            [w.name(husband)],
            [w.digits_date(h_born)],
            w.eth_nat(h_eth),
            [h_res_w],
            h_id_w,
            [w.name(wife)],
            [w.digits_date(wf_born)],
            w.eth_nat(wf_eth),
            [wf_res_w],
            wf_id_w,
            [w.name(ctx.officer)],
            [note] if note else [],
        ]
        out.append(EntryContent(fields, cells))
    return out


def death_entries(rng: random.Random, ctx: PageContext, n: int) -> list[EntryContent]:
    w = Writer(rng, ctx)
    out = []
    for i, reg in enumerate(_reg_dates(rng, ctx, n)):
        region = ctx.office.region
        died = shift(reg, -rng.randrange(0, 15))
        age_days = (
            rng.randrange(365 * 40, 365 * 96) if rng.random() < 0.85 else rng.randrange(365 * 1, 365 * 40)
        )
        born = shift(died, -age_days)
        sex = rng.choice(("Nam", "Nữ"))
        name = person_name(rng, sex, born.year)
        eth = ethnicity(rng, region)
        home = ctx.office if rng.random() < 0.8 else nearby(rng, ctx.office)
        res_w, res_c = w.place(home)
        by_year = born.year < 1950 and rng.random() < 0.6
        born_w = str(born.year) if by_year else w.digits_date(born)
        born_c = str(born.year) if by_year else born.isoformat()
        if rng.random() < 0.25 and born.year < 1960:
            id_w, id_kind, id_no = [], None, None  # no document on file
        else:
            id_w, id_kind, id_no = w.id_document(reg, born, sex, home)
        hh, mm = rng.randrange(24), rng.choice((0, 5, 10, 15, 20, 30, 40, 45, 50))
        time_w = rng.choice((f"{hh} giờ {mm:02d} phút", f"{hh:02d} giờ {mm:02d} phút", f"{hh}h{mm:02d}"))
        died_w = f"ngày {w.digits_date(died)}"
        at_hospital = rng.random() < 0.3
        if at_hospital:
            place_w, place_c = w.facility(nearby(rng, ctx.office))
        else:
            place_w, place_c = w.place(home)
        gbt_no = (
            f"{rng.randrange(1, 300):02d}/GBT"
            if rng.random() < 0.7
            else f"{rng.randrange(1, 300)}/{died.year}"
        )
        gbt_day = min(shift(died, rng.randrange(0, 3)), reg)
        if at_hospital:
            issuer_w, issuer_c = place_w, place_c
        elif rng.random() < 0.7:
            issuer_w, issuer_c = "UBND " + home.ward.canonical, "UBND " + home.ward.canonical
        else:
            iw, ic = w.place(home)
            issuer_w, issuer_c = "UBND " + iw, "UBND " + ic
        rel = rng.choice(("con", "con", "con", "vợ", "chồng", "cháu nội", "con ruột"))
        if rel == "vợ":
            req = person_name(rng, "Nữ", born.year + 3)
        elif rel == "chồng":
            req = person_name(rng, "Nam", born.year - 3)
        else:
            req_sex = rng.choice(("Nam", "Nữ"))
            req = person_name(rng, req_sex, born.year + 28, name.split()[0] if sex == "Nam" else None)
        note = w.note(NOTES_KT, reg) if (reg - died).days < 15 else "Đăng ký quá hạn"
        fields: dict[str, str | None] = {
            "so": w.entry_no(i),
            "ngayDangKy": reg.isoformat(),
            "nktHoTen": name,
            "nktGioiTinh": sex,
            "nktNgaySinh": born_c,
            "nktDanToc": eth,
            "nktQuocTich": "Việt Nam",
            "nktLoaiGiayToTuyThan": id_kind,
            "nktSoGiayToTuyThan": id_no,
            "nktNoiCuTru": res_c,
            "nktGioPhutChet": f"{hh:02d}:{mm:02d}",
            "nktNgayChet": died.isoformat(),
            "nktNoiChet": place_c,
            "nktNguyenNhanChet": (cause := rng.choice(CAUSES)),
            "gbtSo": gbt_no,
            "gbtNgay": gbt_day.isoformat(),
            "gbtCoQuanCap": issuer_c,
            "nycHoTen": req,
            "nycQuanHe": rel,
            "nguoiThucHien": ctx.officer,
            "ghiChu": note,
        }
        cells = [
            [fields["so"]],
            [w.reg_date(reg)],
            [w.name(name)],
            [sex],
            [born_w],
            w.eth_nat(eth),
            id_w,
            [res_w],
            [time_w, died_w] if rng.random() < 0.7 else [f"{time_w}, {died_w}"],
            [place_w],
            [cause],
            [f"Số {gbt_no}", f"ngày {w.digits_date(gbt_day)}", issuer_w],
            w.name_relation(req, rel),
            [w.name(ctx.officer)],
            [note] if note else [],
        ]
        out.append(EntryContent(fields, cells))
    return out


ENTRY_MAKERS = {"khai_sinh": birth_entries, "ket_hon": marriage_entries, "khai_tu": death_entries}


def entries_for(rng: random.Random, ctx: PageContext, n: int) -> list[EntryContent]:
    return ENTRY_MAKERS[ctx.register](rng, ctx, n)
