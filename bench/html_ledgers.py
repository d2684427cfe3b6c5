"""Ledger pages from an independent typesetter: HTML/CSS tables laid out and rasterised by Chromium.

    .venv/bin/python bench/html_ledgers.py --out /tmp/html_ledgers --seed 101 [--pages 12]

Issue 3 asks that OCR accuracy hold on pages the team did not generate, in other fonts and layouts that
follow docs/register-forms.md. ``pipeline/samples`` draws its pages with Pillow in two layouts; this module
shares only the *content* with it (``pipeline.samples.content``: people, places, dates, and the canonical
values that are the ground truth) and the template column titles (``schemas/*.yaml``). Everything about
the page is chosen here, per page, from a seeded generator:

* column order (permutations a real edition prints: Giới tính / ngày sinh swapped, Dân tộc and Quốc tịch
  moved, father before mother, Ghi chú before the officer's column, ...), widths from Chromium's automatic
  table layout or random CSS percentages;
* the titles' line breaks, ALL CAPS or as printed, bold or normal, parentheticals on their own italic line,
  an optional numbering row "(1) (2) ..." under the titles, a two-level "Bên chồng" / "Bên vợ" header on
  some marriage pages;
* running title centred or left, office line above or below it, the national motto on some pages,
  "Quyển số" under the title or on its line; page number "Trang 12", "12" or "- 12 -", centred or right;
* fonts the Pillow generator never uses: Liberation Sans Narrow, italic faces (Liberation Serif Italic,
  DejaVu Serif Italic, FreeSerif Italic, DejaVu Serif Condensed Italic) for the filled-in values, a
  different family for the printed titles; 9-12 pt; rules 0.5-3 CSS px; cell padding; line height;
* A3 or A4 landscape; rasterised either as a Chromium screenshot at 300 dpi or printed to PDF by
  Chromium and rasterised by poppler's pdftoppm.

About half the pages are then degraded with ``pipeline.samples.degrade`` (1-3 scanner defects, a red
seal over the officer's column, or a 200/150 dpi rescan) and saved as JPEG; clean pages are 300 dpi PNG.
With ``--photo`` the degraded pages are photographed instead of scanned (a 12 Mpx phone shot of the
sheet on a desk at an angle); with ``--book`` the sheet is a page of an open bound book, dipping into the
binding on one side (``pipeline.samples.degrade.curl``).
Next to each image, ``{stem}.p1.truth.json`` in the schema of ``data/sample_scans`` (read by
``hotich.evaluate``), plus ``layout``: what was varied.

Needs ``/usr/bin/chromium`` and the ``playwright`` Python package (no downloaded browser).
"""

from __future__ import annotations

import argparse
import hashlib
import html
import io
import json
import random
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pipeline.samples import degrade as dg  # noqa: E402
from pipeline.samples.content import EntryContent, PageContext, entries_for, make_context  # noqa: E402
from pipeline.templates import Template, templates_for  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CSS_DPI = 96.0
DPI = 300
SCALE = DPI / CSS_DPI  # device pixels per CSS px at 300 dpi
PAPERS_MM = {"A3": (420.0, 297.0), "A4": (297.0, 210.0)}  # landscape
PREFIX = {"khai_sinh": "ks", "ket_hon": "kh", "khai_tu": "kt"}
REGISTERS = ("khai_sinh", "ket_hon", "khai_tu")
STAMP_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")

# Faces the Pillow generator (pipeline/samples/render.py) never uses. Liberation Sans Narrow has no
# Vietnamese letters beyond Latin-1: Chromium takes those glyphs from the next family in the list, as a
# print shop's substituted font would (recorded in the truth's layout).
VALUE_FONTS: tuple[tuple[str, str], ...] = (
    ('"Liberation Serif"', "italic"),
    ('"DejaVu Serif"', "italic"),
    ('"FreeSerif"', "italic"),
    ('"DejaVu Serif Condensed"', "italic"),
    ('"Liberation Sans Narrow", "DejaVu Sans Condensed"', "normal"),
    ('"Liberation Sans Narrow", "DejaVu Sans Condensed"', "italic"),
)
HEADER_FONTS: tuple[str, ...] = (
    '"Liberation Sans Narrow", "DejaVu Sans Condensed"',
    '"Liberation Sans Narrow", "Liberation Sans"',
    '"Liberation Serif"',
    '"DejaVu Serif"',
    '"FreeSerif"',
    '"DejaVu Sans Condensed"',
)
CENTRED_KEYS = {"so", "nksGioiTinh", "nktGioiTinh", "nksDanToc", "nksQuocTich"}
DEGRADE_OPS = ("skew", "blur", "noise", "jpeg", "lighting", "contrast", "stamp", "dpi")
PHOTO_DPI = 72  # what a phone writes in its JPEG: no resolution to trust


def _seed(*parts: object) -> int:
    h = hashlib.sha256(":".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(h[:8], "big")


def template_for(register: str) -> Template:
    return templates_for(register)[0]


# ------------------------------------------------------------------------------------------ layout ----
@dataclass(slots=True)
class PageStyle:
    """Everything this typesetter varies on one page (serialised into the truth's ``layout``)."""

    paper: str
    raster: str  # screenshot | pdf
    order: list[int]  # template column index at each printed position
    width_mode: str  # auto | css
    widths_pct: list[float] | None  # per position when width_mode == css
    titles: dict[int, str]  # template column -> printed title, "\n" = forced break
    header_case: str  # as_printed | upper
    header_bold: bool
    header_font: str
    header_pt: float
    paren_own_line: bool  # "(ghi bằng số và bằng chữ)" etc. on its own smaller italic line
    value_font: str
    value_style: str
    value_pt: float
    line_height: float
    numbering_row: bool
    two_level: bool
    title_align: str  # center | left
    office_pos: str  # above | below (the running title)
    book_pos: str  # below | inline (on the title's line, at the right)
    motto: bool
    page_label: str
    label_align: str  # center | right
    border_px: float  # CSS px
    outer_border_px: float
    pad_px: float  # CSS px, cell padding
    valign: str  # top | middle
    centre_short: bool  # Số / Giới tính / Dân tộc / Quốc tịch centred
    entries_wanted: int
    margins_mm: tuple[float, float] = (12.0, 14.0)
    notes: list[str] = field(default_factory=list)


def _permute(register: str, rng: random.Random, two_level: bool) -> tuple[list[int], list[str]]:
    """A column order some edition might print; only moves that keep every column of the register."""
    n = len(template_for(register).columns)
    order = list(range(n))
    done: list[str] = []

    def swap(a: int, b: int, label: str) -> None:
        i, j = order.index(a), order.index(b)
        order[i], order[j] = order[j], order[i]
        done.append(label)

    def move_before(a: int, b: int, label: str) -> None:
        order.remove(a)
        order.insert(order.index(b), a)
        done.append(label)

    p = 0.4
    if register == "khai_sinh":
        if rng.random() < p:
            swap(3, 4, "Giới tính <-> Ngày sinh")
        r = rng.random()
        if r < 0.25:
            swap(6, 7, "Quốc tịch before Dân tộc")
        elif r < 0.5:
            move_before(6, 4, "Dân tộc before Ngày sinh")
            move_before(7, 4, "Quốc tịch before Ngày sinh")
        if rng.random() < 0.25:
            move_before(8, 6, "Quê quán before Dân tộc")
        if rng.random() < p:
            swap(9, 10, "cha before mẹ")
    elif register == "ket_hon":
        if rng.random() < p:
            swap(5, 6, "chồng: Giấy tờ before Nơi cư trú")
            swap(10, 11, "vợ: Giấy tờ before Nơi cư trú")
        if rng.random() < 0.3:
            swap(3, 4, "chồng: Dân tộc before Ngày sinh")
            swap(8, 9, "vợ: Dân tộc before Ngày sinh")
        if not two_level and rng.random() < 0.2:
            move_before(1, 0, "Ngày đăng ký before Số")
    elif register == "khai_tu":
        if rng.random() < p:
            swap(3, 4, "Giới tính <-> Ngày sinh")
        if rng.random() < p:
            swap(6, 7, "Nơi cư trú before Giấy tờ")
        if rng.random() < 0.3:
            swap(9, 10, "Nguyên nhân before Nơi chết")
        if rng.random() < 0.25:
            move_before(12, 11, "người đi khai tử before Giấy báo tử")
    last = n - 1  # Ghi chú; the officer's column is n - 2 in every template
    if rng.random() < 0.3:
        move_before(last, n - 2, "Ghi chú before the officer")
    return order, done


_PAREN = ("(ghi bằng số và bằng chữ)", "(ký, ghi rõ họ tên)", "(loại, số)", "(số, ngày, cơ quan cấp)")


def _title_variant(title: str, rng: random.Random, paren_own_line: bool) -> str:
    """The template's title words with line breaks an edition might print (the words themselves kept)."""
    head, paren = title, ""
    for p in _PAREN:
        if title.endswith(p):
            head, paren = title[: -len(p)].rstrip(), p
    words = head.split(" ")
    if len(words) > 2 and rng.random() < 0.6:
        k = rng.choice((1, 1, 2, 2, 3))
        cuts = sorted(rng.sample(range(1, len(words)), min(k, len(words) - 1)))
        lines, prev = [], 0
        for c in [*cuts, len(words)]:
            lines.append(" ".join(words[prev:c]))
            prev = c
        head = "\n".join(lines)
    if not paren:
        return head
    return f"{head}\n{paren}" if paren_own_line or rng.random() < 0.5 else f"{head} {paren}"


def choose_style(register: str, rng: random.Random) -> PageStyle:
    t = template_for(register)
    two_level = register == "ket_hon" and rng.random() < 0.5
    order, moves = _permute(register, rng, two_level)
    paper = "A3" if rng.random() < 0.75 else "A4"
    n = len(order)
    width_mode = rng.choice(("auto", "css"))
    widths = None
    if width_mode == "css":
        widths = [_base_weight(t, ci) * rng.uniform(0.75, 1.3) for ci in order]
        s = sum(widths)
        widths = [round(100 * w / s, 2) for w in widths]
    paren_own_line = rng.random() < 0.5
    titles = {ci: _title_variant(t.columns[ci].title, rng, paren_own_line) for ci in range(n)}
    value_font, value_style = rng.choice(VALUE_FONTS)
    header_font = rng.choice([f for f in HEADER_FONTS if f != value_font] or list(HEADER_FONTS))
    small = paper == "A4"
    value_pt = rng.choice((9.0, 9.5, 10.0)) if small else rng.choice((10.0, 10.5, 11.0, 11.5, 12.0))
    header_pt = value_pt + rng.choice((-1.0, -0.5, 0.0, 0.5))
    title_align = rng.choice(("center", "center", "left"))
    return PageStyle(
        paper=paper,
        raster=rng.choice(("screenshot", "pdf")),
        order=order,
        width_mode=width_mode,
        widths_pct=widths,
        titles=titles,
        header_case=rng.choice(("as_printed", "as_printed", "upper")),
        header_bold=rng.random() < 0.6,
        header_font=header_font,
        header_pt=header_pt,
        paren_own_line=paren_own_line,
        value_font=value_font,
        value_style=value_style,
        value_pt=value_pt,
        line_height=rng.choice((1.12, 1.2, 1.25, 1.3, 1.35)),
        numbering_row=rng.random() < 0.4,
        two_level=two_level,
        title_align=title_align,
        office_pos=rng.choice(("above", "below")),
        book_pos=rng.choice(("below", "below", "inline")) if title_align == "center" else "inline",
        motto=rng.random() < 0.4,
        page_label=rng.choice(("Trang {n}", "Trang {n}", "{n}", "- {n} -")),
        label_align=rng.choice(("center", "center", "right")),
        border_px=rng.choice((0.5, 0.75, 1.0, 1.0, 1.5, 2.0)),
        outer_border_px=rng.choice((1.0, 1.5, 2.0, 3.0)),
        pad_px=rng.choice((2.0, 3.0, 4.0, 6.0, 8.0)),
        valign=rng.choice(("top", "top", "middle")),
        centre_short=rng.random() < 0.6,
        entries_wanted=rng.randint(3, 8),
        margins_mm=(rng.uniform(8, 16), rng.uniform(10, 18)),
        notes=moves,
    )


def _base_weight(t: Template, ci: int) -> float:
    keys = {f.key for f in t.columns[ci].fields}
    if keys & {"so"}:
        return 1.2
    if keys & {"nksGioiTinh", "nktGioiTinh", "nksDanToc", "nksQuocTich"}:
        return 1.8
    return 2.2 + 0.9 * len(t.columns[ci].fields)


# -------------------------------------------------------------------------------------------- html ----
def _esc(s: str) -> str:
    return html.escape(s, quote=False)


def _para(text: str) -> str:
    """A paragraph whose words never break inside (Chromium would break after '-' or '/' in a date)."""
    return " ".join(f'<span class="w">{_esc(w)}</span>' for w in text.split(" ") if w)


def _title_html(text: str, st: PageStyle) -> str:
    lines = text.split("\n")
    out = []
    for ln in lines:
        shown = ln.upper() if st.header_case == "upper" else ln
        if st.paren_own_line and ln.startswith("(") and ln.endswith(")"):
            out.append(f'<span class="paren">{_esc(shown)}</span>')
        else:
            out.append(_esc(shown))
    return "<br>".join(out)


def page_html(t: Template, ctx: PageContext, entries: list[EntryContent], st: PageStyle) -> str:
    pw, ph = PAPERS_MM[st.paper]
    my, mx = st.margins_mm
    office = f'<div class="office">{_esc(ctx.office_written)}</div>'
    motto = f'<div class="motto"><b>{_esc(MOTTO[0])}</b><br><u>{_esc(MOTTO[1])}</u></div>' if st.motto else ""
    title = f'<div class="title">{_esc(t.titles[0])}</div>'
    book = f'<div class="book">Quyển số: {_esc(ctx.book)}</div>'
    if st.book_pos == "inline":
        title = f'<div class="titleline">{title}{book}</div>'
        book = ""
    if st.office_pos == "above":
        top = f'<div class="topline">{office}{motto}</div>{title}{book}'
    else:
        top = f"{motto}{title}{book}{office}" if st.motto else f"{title}{book}{office}"
    head = _thead(t, st)
    body = []
    for e in entries:
        tds = []
        for ci in st.order:
            keys = {f.key for f in t.columns[ci].fields}
            cls = ' class="c"' if st.centre_short and keys & CENTRED_KEYS else ""
            inner = "".join(f"<div>{_para(p)}</div>" for p in e.cells[ci])
            tds.append(f"<td{cls}>{inner}</td>")
        body.append(f'<tr class="e">{"".join(tds)}</tr>')
    cols = ""
    if st.widths_pct:
        cols = "<colgroup>" + "".join(f'<col style="width:{w}%">' for w in st.widths_pct) + "</colgroup>"
    label = st.page_label.format(n=ctx.page_no)
    css = f"""
@page {{ size: {pw}mm {ph}mm; margin: 0; }}
html, body {{ margin: 0; padding: 0; background: #fff; }}
.page {{ width: {pw}mm; height: {ph}mm; box-sizing: border-box; padding: {my:.1f}mm {mx:.1f}mm;
  display: flex; flex-direction: column; color: #111; overflow: hidden; }}
.topline {{ display: flex; justify-content: space-between; align-items: flex-start; }}
.office {{ font-family: {st.header_font}; font-size: {st.header_pt + 1:.1f}pt; }}
.topline .office {{ text-align: left; }}
.motto {{ font-family: {st.header_font}; font-size: {st.header_pt:.1f}pt; text-align: center; }}
.title {{ font-family: {st.header_font}; font-weight: bold; font-size: {st.header_pt + 7:.1f}pt;
  text-align: {st.title_align}; margin-top: 2mm; }}
.titleline {{ display: flex; justify-content: space-between; align-items: baseline; }}
.book {{ font-family: {st.header_font}; font-size: {st.header_pt + 2:.1f}pt; text-align: {st.title_align};
  margin: 1mm 0 0 0; }}
body > .page > .office {{ text-align: {st.title_align}; margin-top: 1mm; }}
table {{ border-collapse: collapse; width: 100%; margin-top: 4mm; table-layout: auto;
  border: {st.outer_border_px}px solid #111; }}
th, td {{ border: {st.border_px}px solid #111; padding: {st.pad_px}px {st.pad_px + 1:.0f}px; }}
th {{ font-family: {st.header_font}; font-size: {st.header_pt:.1f}pt; font-weight: {"bold" if st.header_bold else "normal"};
  text-align: center; vertical-align: middle; line-height: 1.15; }}
th .paren {{ font-weight: normal; font-style: italic; font-size: 0.9em; }}
tr.num th {{ font-weight: normal; font-size: {max(8.0, st.header_pt - 2):.1f}pt; padding: 1px; }}
td {{ font-family: {st.value_font}; font-style: {st.value_style}; font-size: {st.value_pt:.1f}pt;
  line-height: {st.line_height}; vertical-align: {st.valign}; text-align: left; }}
td.c {{ text-align: center; }}
.w {{ white-space: nowrap; }}
.spacer {{ flex: 1; }}
.foot {{ font-family: {st.header_font}; font-size: {st.header_pt + 1:.1f}pt; text-align: {st.label_align}; }}
"""
    return (
        f'<!doctype html><html lang="vi"><head><meta charset="utf-8"><style>{css}</style></head><body>'
        f'<div class="page">{top}<table>{cols}<thead>{head}</thead><tbody>{"".join(body)}</tbody></table>'
        f'<div class="spacer"></div><div class="foot">{_esc(label)}</div></div></body></html>'
    )


def _thead(t: Template, st: PageStyle) -> str:
    def th(ci: int, extra: str = "") -> str:
        return f'<th data-ci="{ci}"{extra}>{_title_html(st.titles[ci], st)}</th>'

    rows = []
    if st.two_level:
        groups = {2: "Bên chồng", 7: "Bên vợ"}  # the first column of each 5-column group (ket_hon)
        members = {2, 3, 4, 5, 6, 7, 8, 9, 10, 11}
        first, second = [], []
        k = 0
        while k < len(st.order):
            ci = st.order[k]
            if ci in members:
                g = 2 if ci < 7 else 7
                label = groups[g].upper() if st.header_case == "upper" else groups[g]
                first.append(f'<th colspan="5" class="group">{_esc(label)}</th>')
                second.extend(th(c) for c in st.order[k : k + 5])
                k += 5
            else:
                first.append(th(ci, ' rowspan="2"'))
                k += 1
        rows = [f"<tr>{''.join(first)}</tr>", f"<tr>{''.join(second)}</tr>"]
    else:
        rows = [f"<tr>{''.join(th(ci) for ci in st.order)}</tr>"]
    if st.numbering_row:
        rows.append(
            '<tr class="num">' + "".join(f"<th>({i + 1})</th>" for i in range(len(st.order))) + "</tr>"
        )
    return "".join(rows)


# ---------------------------------------------------------------------------------------- render ----
_MEASURE_JS = """() => {
  const page = document.querySelector('.page');
  const table = document.querySelector('table');
  const pr = page.getBoundingClientRect(), tr = table.getBoundingClientRect();
  const foot = document.querySelector('.foot').getBoundingClientRect();
  const cs = getComputedStyle(page);
  const padR = parseFloat(cs.paddingRight);
  const first = table.querySelector('tr.e');
  const xs = first ? Array.from(first.children).map(c => c.getBoundingClientRect().left) : [];
  if (first) xs.push(first.lastElementChild.getBoundingClientRect().right);
  const ys = [tr.top, ...Array.from(table.querySelectorAll('tr.e')).map(r => r.getBoundingClientRect().bottom)];
  const head = table.querySelector('thead').getBoundingClientRect();
  return {fits: page.scrollHeight <= page.clientHeight + 1 && foot.bottom <= pr.bottom + 0.5
                && tr.right <= pr.right - padR + 1,
          column_x: xs, row_y: ys, header_bottom: head.bottom};
}"""


@dataclass(slots=True)
class RenderedPage:
    image: np.ndarray  # grayscale, 300 dpi
    geometry: dict  # CSS px geometry from the browser
    entries: list[EntryContent]
    style: PageStyle


def _rasterise(page, st: PageStyle, tmp: Path) -> np.ndarray:
    pw, ph = PAPERS_MM[st.paper]
    w_px, h_px = round(pw / 25.4 * DPI), round(ph / 25.4 * DPI)
    if st.raster == "pdf":
        pdf = tmp / "page.pdf"
        page.pdf(path=str(pdf), width=f"{pw}mm", height=f"{ph}mm", print_background=True,
                 margin={"top": "0", "bottom": "0", "left": "0", "right": "0"}, prefer_css_page_size=True)  # fmt: skip
        subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", "-png", "-singlefile", "-f", "1", "-l", "1",
                        str(pdf), str(tmp / "page")], check=True, capture_output=True)  # fmt: skip
        im = Image.open(tmp / "page.png").convert("L")
    else:
        png = page.screenshot(
            clip={"x": 0, "y": 0, "width": pw / 25.4 * CSS_DPI, "height": ph / 25.4 * CSS_DPI}
        )
        im = Image.open(io.BytesIO(png)).convert("L")
    canvas = Image.new("L", (w_px, h_px), 255)
    canvas.paste(im.crop((0, 0, min(w_px, im.width), min(h_px, im.height))), (0, 0))
    return np.asarray(canvas).copy()


def render(browser_page, t: Template, ctx: PageContext, candidates: list[EntryContent], st: PageStyle,
           tmp: Path) -> RenderedPage:  # fmt: skip
    """Lay the page out with as many of the wanted entries as fit (at least 3: the type shrinks first)."""
    pw, ph = PAPERS_MM[st.paper]
    browser_page.set_viewport_size(
        {"width": int(pw / 25.4 * CSS_DPI) + 1, "height": int(ph / 25.4 * CSS_DPI) + 1}
    )
    n = len(candidates)
    geo: dict = {}
    while True:
        browser_page.set_content(page_html(t, ctx, candidates[:n], st), wait_until="load")
        browser_page.evaluate("document.fonts.ready.then(() => true)")
        geo = browser_page.evaluate(_MEASURE_JS)
        if geo["fits"]:
            break
        if n > 3:
            n -= 1
        elif st.value_pt > 8.0:
            st.value_pt -= 0.5
            st.header_pt = max(8.0, st.header_pt - 0.5)
            st.notes.append(f"shrunk type to {st.value_pt} pt to fit 3 entries")
        else:
            break
    return RenderedPage(_rasterise(browser_page, st, tmp), geo, candidates[:n], st)


# ----------------------------------------------------------------------------------------- pages ----
@dataclass(slots=True)
class PageSpec:
    stem: str
    register: str
    year: int
    page_no: int
    case: str
    degraded: bool


def plan(seed: int, pages: int = 12) -> list[PageSpec]:
    """``pages`` pages cycling through the three registers; every other page of each register degraded."""
    rng = random.Random(_seed("plan", seed))
    out = []
    for k in range(pages):
        register = REGISTERS[k % 3]
        degraded = (k // 3) % 2 == 1
        year = rng.randint(1995, 2024)
        out.append(PageSpec(stem=f"{PREFIX[register]}_html_s{seed}_{k + 1:02d}", register=register, year=year,
                            page_no=rng.randint(1, 140), case="title" if rng.random() < 0.25 else "upper",
                            degraded=degraded))  # fmt: skip
    return out


def _degrade(img: np.ndarray, rp: RenderedPage, t: Template, ctx: PageContext, nrng: np.random.Generator,
             rng: random.Random, photo: bool = False, book: bool = False,
             aged: np.random.Generator | None = None) -> tuple[np.ndarray, list[str], int, str]:  # fmt: skip
    """Scanner defects drawn for the page; with ``photo`` the page is then photographed instead of scanned:
    the same defects are drawn (the other pages stay as they are), a camera's tilt and resolution replace
    the scanner's skew and rescan, and the rest (seal, light, blur, noise, JPEG) lie under the photograph
    (their pixel noise differs from the scanned page's where a skew was left out). With ``book`` the
    photographed page lies in an open bound book: it dips into the binding on one side. With ``aged`` (the
    page's own generator: the other defects drawn stay those of the plain run) the paper is an old
    register's first: the reverse page shows through, yellowed, foxed, the ink faded."""
    if aged is not None:
        img, lab = dg.aged(img, aged)
    ops = rng.sample(DEGRADE_OPS, rng.choice((1, 2, 2, 3)))
    if photo:
        ops = [o for o in ops if o not in ("skew", "dpi")]
    ops.sort(key=lambda o: ("stamp", "lighting", "contrast", "skew", "blur", "noise", "jpeg", "dpi").index(o))
    labels: list[str] = [lab] if aged is not None else []
    frame = "image"
    dpi = DPI
    for op in ops:
        if op == "stamp":
            centre = _stamp_centre(rp, t, nrng)
            text = f"ỦY BAN NHÂN DÂN {ctx.office.ward.canonical.upper()} * "
            img, lab = dg.stamp(img, nrng, centre, text, STAMP_FONT)
        elif op == "skew":
            img, lab = dg.skew(img, nrng)
            frame = "upright"
        elif op == "dpi":
            dpi = rng.choice((200, 150))
            img, lab = dg.downscale(img, dpi / DPI), f"dpi:{dpi}"
        else:
            fn = {"blur": dg.blur, "noise": dg.noise, "jpeg": dg.jpeg_artefacts, "lighting": dg.uneven_lighting,
                  "contrast": dg.low_contrast}[op]  # fmt: skip
            img, lab = fn(img, nrng)
        labels.append(lab)
    if photo:
        prng = np.random.default_rng(_seed(rng.random(), "photo"))  # the page's own shot, seed by seed
        if book:
            img, lab = dg.curl(img, np.random.default_rng(_seed(rng.random(), "book")))
            labels.append(lab)
        img, _corners, lab = dg.photograph(img, prng)
        labels.append(lab)
        dpi, frame = PHOTO_DPI, "photo"  # the truth's geometry stays the upright page's at 300 dpi
    return img, labels, dpi, frame


def _stamp_centre(rp: RenderedPage, t: Template, nrng: np.random.Generator) -> tuple[int, int]:
    ci = next(i for i, c in enumerate(t.columns) if c.fields[0].key == "nguoiThucHien")
    pos = rp.style.order.index(ci)
    xs, ys = rp.geometry["column_x"], rp.geometry["row_y"]
    x = (xs[pos] + xs[pos + 1]) / 2 * SCALE + float(nrng.integers(-120, 60))
    r = int(nrng.integers(0, max(1, len(rp.entries))))
    top = rp.geometry["header_bottom"] if r == 0 else ys[r]
    y = (top + ys[r + 1]) / 2 * SCALE + float(nrng.integers(-60, 60))
    return round(x), round(y)


def build_page(browser_page, spec: PageSpec, seed: int, tmp: Path, photo: bool = False,
               book: bool = False, aged: bool = False) -> tuple[np.ndarray, dict, int]:  # fmt: skip
    t = template_for(spec.register)
    rng = random.Random(_seed(seed, spec.stem))
    srng = random.Random(_seed(seed, spec.stem, "style"))
    nrng = np.random.default_rng(_seed(seed, spec.stem, "pixels"))
    ctx = make_context(rng, spec.register, spec.year, spec.page_no, case=spec.case)
    st = choose_style(spec.register, srng)
    candidates = entries_for(rng, ctx, st.entries_wanted)
    rp = render(browser_page, t, ctx, candidates, st, tmp)
    img = rp.image
    labels: list[str] = []
    dpi, frame = DPI, "image"
    if spec.degraded:
        arng = np.random.default_rng(_seed(seed, spec.stem, "aged")) if aged else None
        img, labels, dpi, frame = _degrade(img, rp, t, ctx, nrng, srng, photo or book, book, arng)
    kind = "jpg" if spec.degraded else "png"
    scale = SCALE * (DPI if frame == "photo" else dpi) / DPI
    layout = {k: v for k, v in asdict(st).items() if k not in ("titles",)}
    layout["titles_printed"] = [st.titles[ci] for ci in st.order]
    layout["typesetter"] = f"chromium ({'print to PDF + pdftoppm' if st.raster == 'pdf' else 'screenshot'})"
    truth = {
        "file": f"{spec.stem}.{kind}",
        "page": 1,
        "register": spec.register,
        "template": t.id,
        "dpi": dpi,
        "category": "degraded" if labels else "clean",
        "degradations": labels,
        "rotation": 0,
        "font": f"values {st.value_font} {st.value_style}; titles {st.header_font}",
        "typewriter": False,
        "variant": True,
        "name_case": spec.case,
        "generator": "bench/html_ledgers.py",
        "layout": layout,
        "page_fields": {"quyenSo": ctx.book, "noiDangKy": ctx.office_canonical, "trangSo": str(ctx.page_no)},
        "page_rendered": {
            "title": t.titles[0],
            "book": f"Quyển số: {ctx.book}",
            "office": ctx.office_written,
            "page": st.page_label.format(n=ctx.page_no),
        },  # fmt: skip
        "table": {
            "frame": "upright" if frame == "photo" else frame,
            "column_x": [round(x * scale) for x in rp.geometry["column_x"]],
            "row_y": [round(y * scale) for y in rp.geometry["row_y"]],
            "column_order": list(st.order),
            "header": [st.titles[ci] for ci in st.order],
            "entry_rows": len(rp.entries),
            "empty_rows": 0,
        },
        "entries": [
            {
                "row": i + 1,
                "fields": {key: e.fields[key] for key in t.field_keys},
                "rendered": {str(ci): "\n".join(e.cells[ci]) for ci in range(len(t.columns))},
            }
            for i, e in enumerate(rp.entries)
        ],  # fmt: skip
    }
    return img, truth, dpi


def _save(img: np.ndarray, path: Path, dpi: int, quality: int) -> None:
    im = Image.fromarray(img, "RGB" if img.ndim == 3 else "L")
    if path.suffix == ".png":
        im.save(path, "PNG", dpi=(dpi, dpi), compress_level=6)
    else:
        im.save(path, "JPEG", quality=quality, dpi=(dpi, dpi))


def chromium_available() -> str | None:
    """None when pages can be made here, else why not."""
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} not installed"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright (Python) not installed"
    if shutil.which("pdftoppm") is None:
        return "pdftoppm (poppler-utils) not installed"
    return None


def generate(out_dir: Path, seed: int, pages: int = 12, only: list[int] | None = None,
             photo: bool = False, book: bool = False, aged: bool = False) -> list[Path]:  # fmt: skip
    """Write ``pages`` ledger pages (images + truth) for ``seed`` into ``out_dir``; return the paths.
    ``only``: 0-based page indexes of the plan to make (the others are skipped, the rest unchanged).
    ``photo``: the degraded pages are phone photographs of the page on a desk (clean pages unchanged);
    ``book``: photographs of the page in an open bound book, curling into the binding; ``aged``: the
    degraded pages are an old register's (the reverse page showing through, yellowed, faded ink)."""
    from playwright.sync_api import sync_playwright

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    specs = plan(seed, pages)
    written: list[Path] = []
    with sync_playwright() as pw, tempfile.TemporaryDirectory(prefix="html-ledgers-") as tmpd:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--font-render-hinting=none"]
        )
        try:
            ctx = browser.new_context(device_scale_factor=SCALE)
            bpage = ctx.new_page()
            for k, spec in enumerate(specs):
                if only is not None and k not in only:
                    continue
                img, truth, dpi = build_page(bpage, spec, seed, Path(tmpd), photo, book, aged)
                path = out_dir / truth["file"]
                q = random.Random(_seed(seed, spec.stem, "q")).randint(65, 85)
                _save(img, path, dpi, q)
                tpath = out_dir / f"{spec.stem}.p1.truth.json"
                tpath.write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
                written += [path, tpath]
        finally:
            browser.close()
    return written


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=101)
    ap.add_argument("--pages", type=int, default=12)
    ap.add_argument("--photo", action="store_true", help="photograph the degraded pages instead of scanning")
    ap.add_argument("--book", action="store_true", help="photograph them in an open bound book (curled page)")
    ap.add_argument("--aged", action="store_true", help="an old register's paper: show-through, yellowed, faded")
    args = ap.parse_args()
    if why := chromium_available():
        sys.exit(f"cannot typeset: {why}")
    for p in generate(args.out, args.seed, args.pages, photo=args.photo, book=args.book, aged=args.aged):
        if p.suffix != ".json":
            t = json.loads(p.with_name(p.stem.split(".")[0] + ".p1.truth.json").read_text(encoding="utf-8"))
            print(f"{p}  {t['category']:8s} {len(t['entries'])} entries  {t['layout']['paper']} "
                  f"{t['layout']['raster']}  {', '.join(t['degradations'])}")  # fmt: skip


if __name__ == "__main__":
    main()
