"""Draw one ledger page (A3 landscape) with Pillow: running title, ruled table, entries, page number.

The page is drawn at 300 dpi in 8-bit grayscale; degradations and other resolutions are applied
afterwards (degrade.py). Besides the image, ``render_page`` returns what was printed where (cell text
after wrapping, column and row boundaries) so that the ground truth can name it exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from PIL import Image, ImageDraw, ImageFont

from pipeline.samples.content import EntryContent, PageContext
from pipeline.templates import Template

PAGE_W, PAGE_H = 4961, 3508  # A3 landscape at 300 dpi
MARGIN_X = 170
TABLE_TOP = 470
FOOT_Y = PAGE_H - 190
INK = 22

_DEJAVU = "/usr/share/fonts/truetype/dejavu"
_LIB = "/usr/share/fonts/truetype/liberation2"
_FREE = "/usr/share/fonts/truetype/freefont"
FONTS: dict[str, tuple[str, str]] = {
    "DejaVuSerif": (f"{_DEJAVU}/DejaVuSerif.ttf", f"{_DEJAVU}/DejaVuSerif-Bold.ttf"),
    "DejaVuSans": (f"{_DEJAVU}/DejaVuSans.ttf", f"{_DEJAVU}/DejaVuSans-Bold.ttf"),
    "DejaVuSansCondensed": (f"{_DEJAVU}/DejaVuSansCondensed.ttf", f"{_DEJAVU}/DejaVuSansCondensed-Bold.ttf"),
    "DejaVuSerifCondensed": (
        f"{_DEJAVU}/DejaVuSerifCondensed.ttf",
        f"{_DEJAVU}/DejaVuSerifCondensed-Bold.ttf",
    ),
    "LiberationSerif": (f"{_LIB}/LiberationSerif-Regular.ttf", f"{_LIB}/LiberationSerif-Bold.ttf"),
    "LiberationSans": (f"{_LIB}/LiberationSans-Regular.ttf", f"{_LIB}/LiberationSans-Bold.ttf"),
    "FreeSerif": (f"{_FREE}/FreeSerif.ttf", f"{_FREE}/FreeSerifBold.ttf"),
    "FreeSans": (f"{_FREE}/FreeSans.ttf", f"{_FREE}/FreeSansBold.ttf"),
    "DejaVuSansMono": (f"{_DEJAVU}/DejaVuSansMono.ttf", f"{_DEJAVU}/DejaVuSansMono-Bold.ttf"),
    "LiberationMono": (f"{_LIB}/LiberationMono-Regular.ttf", f"{_LIB}/LiberationMono-Bold.ttf"),
    # held out: never used by the committed sample set (``build.HELDOUT_FONTS``); no bold of its own,
    # titles in the family's regular weight
    "DejaVuSansExtraLight": (f"{_DEJAVU}/DejaVuSans-ExtraLight.ttf", f"{_DEJAVU}/DejaVuSans.ttf"),
    "FreeMono": (f"{_FREE}/FreeMono.ttf", f"{_FREE}/FreeMonoBold.ttf"),
}
MONOSPACE = {"DejaVuSansMono", "LiberationMono", "FreeMono"}

# Relative column widths of the TT 04/2020 books, by template column index.
WIDTHS: dict[str, tuple[float, ...]] = {
    "khai_sinh": (1.2, 3.2, 3.6, 1.6, 4.6, 4.2, 2.2, 2.1, 3.6, 5.6, 5.6, 3.8, 3.1, 3.6),
    "ket_hon": (1.2, 3.0, 3.6, 2.8, 2.6, 4.2, 3.9, 3.6, 2.8, 2.6, 4.2, 3.9, 2.9, 3.0),
    "khai_tu": (1.1, 3.2, 3.3, 1.5, 3.1, 2.5, 3.4, 3.4, 3.3, 3.3, 2.5, 3.9, 3.5, 2.7, 3.0),
}
CENTERED = {"so", "nksGioiTinh", "nktGioiTinh", "nksDanToc", "nksQuocTich"}


@cache
def font(family: str, size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    regular, heavy = FONTS[family]
    return ImageFont.truetype(heavy if bold else regular, size)


@dataclass(slots=True)
class Layout:
    """How an edition prints the table: column order, widths and title line breaks."""

    order: tuple[int, ...]  # template column index at each position, left to right
    widths: tuple[float, ...]  # relative width at each position
    titles: dict[int, str] = field(
        default_factory=dict
    )  # template index -> printed title ("\n" = forced break)
    font_size: int = 44
    header_size: int = 40
    header_bold: bool = True
    empty_row_h: int = 190

    @staticmethod
    def standard(template: Template, font_size: int = 44) -> Layout:
        n = len(template.columns)
        return Layout(order=tuple(range(n)), widths=WIDTHS[template.register][:n], font_size=font_size)


@dataclass(slots=True)
class Rendered:
    image: Image.Image  # mode L, PAGE_W x PAGE_H
    column_x: list[int]  # n+1 boundaries (x of each vertical rule, left to right)
    row_y: list[int]  # boundaries: table top, header bottom, then each row's bottom
    header: list[str]  # printed title at each position (wrapped lines joined with "\n")
    cells: list[dict[str, str]]  # per entry: template column index (str) -> printed text
    entry_rows: int  # how many rows hold entries (the rest are empty)
    page_texts: dict[str, str] = field(default_factory=dict)


def wrap(text: str, f: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Greedy word wrap; a paragraph's forced breaks are separate calls."""
    lines: list[str] = []
    cur = ""
    for word in text.split(" "):
        trial = f"{cur} {word}" if cur else word
        if f.getlength(trial) <= width:
            cur = trial
            continue
        if cur:
            lines.append(cur)
        cur = word
        if f.getlength(cur) > width:
            # a cut word would make the printed text differ from the truth: widen the column instead
            raise ValueError(f"word wider than its cell ({width} px): {cur!r}")
    if cur:
        lines.append(cur)
    return lines


def cell_lines(paragraphs: list[str], f: ImageFont.FreeTypeFont, width: int) -> list[str]:
    out: list[str] = []
    for p in paragraphs:
        out += wrap(p, f, width)
    return out


def _hline(d: ImageDraw.ImageDraw, x0: int, x1: int, y: int, w: int) -> None:
    d.rectangle((x0, y - w // 2, x1, y - w // 2 + w - 1), fill=INK)


def _vline(d: ImageDraw.ImageDraw, x: int, y0: int, y1: int, w: int) -> None:
    d.rectangle((x - w // 2, y0, x - w // 2 + w - 1, y1), fill=INK)


def column_bounds(layout: Layout) -> list[int]:
    total = PAGE_W - 2 * MARGIN_X
    s = sum(layout.widths)
    xs = [MARGIN_X]
    acc = 0.0
    for w in layout.widths:
        acc += w
        xs.append(MARGIN_X + round(total * acc / s))
    return xs


PAD_X, PAD_Y = 16, 14


def measure_rows(
    template: Template, layout: Layout, entries: list[EntryContent], family: str
) -> tuple[int, list[int], list[list[list[str]]]]:
    """Header height, each entry row's height, and each entry's wrapped lines per position."""
    xs = column_bounds(layout)
    body = font(family, layout.font_size)
    head = font(family, layout.header_size, layout.header_bold)
    line_h = round(layout.font_size * 1.24)
    head_h = 0
    for pos, ci in enumerate(layout.order):
        title = layout.titles.get(ci, template.columns[ci].title)
        lines = cell_lines(title.split("\n"), head, xs[pos + 1] - xs[pos] - 2 * PAD_X)
        head_h = max(head_h, len(lines) * round(layout.header_size * 1.25) + 2 * PAD_Y + 10)
    heights, wrapped = [], []
    for e in entries:
        per_pos = []
        n_max = 2
        for pos, ci in enumerate(layout.order):
            lines = cell_lines(e.cells[ci], body, xs[pos + 1] - xs[pos] - 2 * PAD_X)
            per_pos.append(lines)
            n_max = max(n_max, len(lines))
        heights.append(n_max * line_h + 2 * PAD_Y + 8)
        wrapped.append(per_pos)
    return head_h, heights, wrapped


def rows_that_fit(template: Template, layout: Layout, entries: list[EntryContent], family: str) -> int:
    head_h, heights, _ = measure_rows(template, layout, entries, family)
    room = FOOT_Y - 80 - TABLE_TOP - head_h
    n, used = 0, 0
    for h in heights:
        if used + h > room:
            break
        used += h
        n += 1
    return n


def render_page(
    template: Template,
    ctx: PageContext,
    entries: list[EntryContent],
    family: str,
    layout: Layout,
    empty_rows: int = 0,
    page_label: str = "Trang {n}",
) -> Rendered:
    img = Image.new("L", (PAGE_W, PAGE_H), 255)
    d = ImageDraw.Draw(img)
    xs = column_bounds(layout)
    head_h, heights, wrapped = measure_rows(template, layout, entries, family)
    texts: dict[str, str] = {}

    # running title, book number, registering office
    title_f = font(family, 68, True)
    title = template.titles[0]
    tw = title_f.getlength(title)
    d.text(((PAGE_W - tw) / 2, 175), title, font=title_f, fill=INK)
    texts["title"] = title
    sub_f = font(family, 50)
    book = f"Quyển số: {ctx.book}"
    d.text(((PAGE_W - sub_f.getlength(book)) / 2, 300), book, font=sub_f, fill=INK)
    texts["book"] = book
    office = ctx.office_written
    d.text((MARGIN_X, 70), office, font=font(family, 46), fill=INK)
    texts["office"] = office

    # header
    y = TABLE_TOP
    row_y = [y, y + head_h]
    head = font(family, layout.header_size, layout.header_bold)
    head_lh = round(layout.header_size * 1.25)
    header_printed = []
    for pos, ci in enumerate(layout.order):
        title_text = layout.titles.get(ci, template.columns[ci].title)
        lines = cell_lines(title_text.split("\n"), head, xs[pos + 1] - xs[pos] - 2 * PAD_X)
        header_printed.append("\n".join(lines))
        top = y + (head_h - len(lines) * head_lh) // 2
        for k, line in enumerate(lines):
            lw = head.getlength(line)
            d.text((xs[pos] + (xs[pos + 1] - xs[pos] - lw) / 2, top + k * head_lh), line, font=head, fill=INK)

    # entries
    body = font(family, layout.font_size)
    line_h = round(layout.font_size * 1.24)
    cells: list[dict[str, str]] = []
    y = row_y[-1]
    for h, per_pos in zip(heights, wrapped, strict=True):
        printed: dict[str, str] = {}
        for pos, ci in enumerate(layout.order):
            lines = per_pos[pos]
            printed[str(ci)] = "\n".join(lines)
            keys = {f.key for f in template.columns[ci].fields}
            for k, line in enumerate(lines):
                x = xs[pos] + PAD_X
                if keys & CENTERED:
                    x = xs[pos] + (xs[pos + 1] - xs[pos] - body.getlength(line)) / 2
                d.text((x, y + PAD_Y + 4 + k * line_h), line, font=body, fill=INK)
        cells.append(printed)
        y += h
        row_y.append(y)
    for _ in range(empty_rows):
        y += layout.empty_row_h
        row_y.append(y)

    # rules: outer border thicker, every row and column line
    for yy in row_y:
        _hline(d, xs[0], xs[-1], yy, 4 if yy in (row_y[0], row_y[-1]) else 3)
    for k, xx in enumerate(xs):
        _vline(d, xx, row_y[0], row_y[-1], 4 if k in (0, len(xs) - 1) else 3)

    # page number at the foot
    label = page_label.format(n=ctx.page_no)
    foot_f = font(family, 46)
    d.text(((PAGE_W - foot_f.getlength(label)) / 2, FOOT_Y), label, font=foot_f, fill=INK)
    texts["page"] = label
    return Rendered(img, xs, row_y, header_printed, cells, len(entries), texts)
