"""The committed sample set: which files, which pages, which defects; writes images, truth and manifest.

Each file's pages are drawn from a random generator seeded by ``(seed, file stem)`` only, so building a
subset (``only=``) gives byte-identical files to the full build.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import random
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from PIL import Image

from pipeline.samples import degrade as dg
from pipeline.samples.content import PageContext, entries_for, make_context
from pipeline.samples.render import FONTS, MONOSPACE, PAGE_H, PAGE_W, Layout, render_page, rows_that_fit
from pipeline.templates import Template, templates_for

DEFAULT_SEED = 20251128
FIXED_PDF_DATE = time.gmtime(1764288000)  # 2025-11-28T00:00:00Z


@dataclass(frozen=True, slots=True)
class PageSpec:
    font: str
    entries: int = 8  # wanted; fewer when they do not fit (never fewer than 3 unless part-empty)
    empty_rows: int = 0  # part-empty last page: empty ruled rows after the entries
    case: str = "upper"  # names: upper | title ("older book")
    variant: bool = False  # variant edition: other widths, title breaks, two columns swapped
    degradations: tuple[str, ...] = ()  # skew blur noise jpeg lighting contrast stamp
    dpi: int = 300
    rotation: int = 0  # 180 = scanned upside down
    photo: bool = False
    page_label: str = "Trang {n}"
    jpeg_quality: int = 80
    font_size: int = 44  # body text in px at 300 dpi (44 px = 10.5 pt)


@dataclass(frozen=True, slots=True)
class FileSpec:
    stem: str
    register: str
    kind: str  # png | jpg | pdf | tif
    year: int
    first_page: int
    pages: tuple[PageSpec, ...]
    typewriter: bool = False
    note: str = ""
    province: str | None = None  # pin the registering office to a province (code), e.g. for minorities

    @property
    def name(self) -> str:
        return f"{self.stem}.{self.kind}"


def _p(font: str, **kw: object) -> tuple[PageSpec, ...]:
    return (PageSpec(font=font, **kw),)  # type: ignore[arg-type]


SAMPLE_SET: tuple[FileSpec, ...] = (
    # clean 300 dpi pages, two per register, different fonts
    FileSpec("ks_clean_01", "khai_sinh", "png", 2008, 12, _p("DejaVuSerif")),
    FileSpec("kh_clean_01", "ket_hon", "png", 2012, 7, _p("DejaVuSans")),
    FileSpec("kt_clean_01", "khai_tu", "png", 2019, 4, _p("LiberationSerif")),
    FileSpec("ks_clean_02", "khai_sinh", "png", 1996, 31, _p("LiberationSans", case="title"),
             note="older book: names in title case", province="10"),
    FileSpec("kh_clean_02", "ket_hon", "png", 2021, 15, _p("FreeSerif", page_label="- {n} -")),
    FileSpec("kt_clean_02", "khai_tu", "png", 2010, 22, _p("DejaVuSansCondensed", page_label="{n}")),
    # variant edition and a part-empty last page
    FileSpec("ks_variant_01", "khai_sinh", "png", 2016, 9, _p("FreeSans", variant=True),
             note="variant edition: other widths and title breaks, columns 'Giới tính' and 'Ngày, tháng, năm sinh' swapped"),
    FileSpec("kt_last_page_01", "khai_tu", "png", 2014, 48, _p("DejaVuSerif", entries=2, empty_rows=4),
             note="last page of the book: 2 entries, 4 empty rows"),
    # degraded pages
    FileSpec("ks_degraded_01", "khai_sinh", "jpg", 2005, 17,
             _p("DejaVuSerif", degradations=("skew", "blur", "noise"), jpeg_quality=70)),
    FileSpec("kh_degraded_01", "ket_hon", "jpg", 2009, 3,
             _p("LiberationSerif", degradations=("stamp", "lighting", "skew", "jpeg"), jpeg_quality=75)),
    FileSpec("kt_degraded_01", "khai_tu", "jpg", 2017, 11,
             _p("FreeSerif", degradations=("stamp", "contrast", "skew", "noise"), jpeg_quality=70)),
    FileSpec("ks_degraded_02", "khai_sinh", "jpg", 2013, 26,
             _p("DejaVuSans", degradations=("lighting", "skew", "blur", "jpeg"), jpeg_quality=65), province="94"),
    FileSpec("kh_150dpi_01", "ket_hon", "jpg", 2003, 40, _p("DejaVuSerif", dpi=150, jpeg_quality=85),
             note="150 dpi scan"),
    FileSpec("kt_typewriter_01", "khai_tu", "jpg", 1999, 8,
             _p("LiberationMono", degradations=("blur", "noise"), jpeg_quality=75, font_size=40),
             typewriter=True, note="typewriter page: monospace font"),
    FileSpec("ks_photo_01", "khai_sinh", "jpg", 2011, 5, _p("LiberationSerif", photo=True, jpeg_quality=75),
             note="photographed at an angle on a desk"),
    FileSpec("kh_upside_down_01", "ket_hon", "jpg", 2015, 19,
             _p("DejaVuSans", rotation=180, degradations=("noise",), jpeg_quality=75),
             note="scanned upside down"),
    # multi-page files: consecutive pages of one book
    FileSpec("ks_book_2010", "khai_sinh", "pdf", 2010, 21,
             (PageSpec("DejaVuSerif"), PageSpec("DejaVuSerif"), PageSpec("DejaVuSerif")),
             note="3 consecutive pages, black-and-white (1-bit) scan"),
    FileSpec("kh_book_2018", "ket_hon", "tif", 2018, 6, (PageSpec("LiberationSans"), PageSpec("LiberationSans"))),
)  # fmt: skip


def template_for(register: str) -> Template:
    return templates_for(register)[0]


def _seed(seed: int, *parts: object) -> int:
    h = hashlib.sha256(":".join(str(p) for p in (seed, *parts)).encode()).digest()
    return int.from_bytes(h[:8], "big")


def variant_layout(t: Template, font_size: int = 44) -> Layout:
    """Another edition of the birth book: different widths, forced title breaks, two columns swapped."""
    std = Layout.standard(t, font_size)
    order = list(std.order)
    widths = [w * f for w, f in zip(std.widths, (0.9, 0.85, 1.2, 1.3, 0.95, 1.1, 1.0, 1.05, 0.9, 0.95, 0.95, 1.1,
                                                      0.9, 1.2), strict=True)]  # fmt: skip
    a, b = 3, 4  # Giới tính <-> Ngày, tháng, năm sinh
    order[a], order[b] = order[b], order[a]
    widths[a], widths[b] = widths[b], widths[a]
    titles = {
        1: "Ngày, tháng,\nnăm đăng ký",
        2: "Họ, chữ đệm, tên\nngười được\nkhai sinh",
        4: "Ngày, tháng, năm sinh\n(ghi bằng số\nvà bằng chữ)",
        9: "Họ, chữ đệm, tên, năm sinh,\ndân tộc, quốc tịch,\nnơi cư trú của mẹ",
        10: "Họ, chữ đệm, tên, năm sinh,\ndân tộc, quốc tịch,\nnơi cư trú của cha",
        12: "Cán bộ tư pháp -\nhộ tịch\n(ký, ghi rõ họ tên)",
    }
    if t.register != "khai_sinh":
        titles = {}
    return dataclasses.replace(
        std, order=tuple(order), widths=tuple(widths), titles=titles, header_bold=False
    )


@dataclass(slots=True)
class PageOut:
    image: np.ndarray  # final pixels (L or RGB)
    truth: dict
    dpi: int


@dataclass(slots=True)
class BuiltFile:
    spec: FileSpec
    pages: list[PageOut] = field(default_factory=list)


def _page_context(base: PageContext, page_no: int, first_no: int) -> PageContext:
    return dataclasses.replace(base, page_no=page_no, first_no=first_no)


def _stamp_centre(rendered_xs: list[int], rendered_ys: list[int], t: Template, layout: Layout, rows: int,
                  rng: np.random.Generator) -> tuple[int, int]:  # fmt: skip
    """Over the clerk's column (a seal next to the signature), on one of the entry rows."""
    ci = next(i for i, c in enumerate(t.columns) if c.fields[0].key == "nguoiThucHien")
    pos = layout.order.index(ci)
    x = (rendered_xs[pos] + rendered_xs[pos + 1]) // 2 + int(rng.integers(-120, 60))
    r = int(rng.integers(0, max(1, rows)))
    y = (rendered_ys[2 + r - 1] + rendered_ys[2 + r]) // 2 + int(rng.integers(-60, 60))
    return x, y


def build_file(spec: FileSpec, seed: int) -> BuiltFile:
    t = template_for(spec.register)
    rng = random.Random(_seed(seed, spec.stem))
    nrng = np.random.default_rng(_seed(seed, spec.stem, "pixels"))
    base = make_context(rng, spec.register, spec.year, spec.first_page,
                        case=spec.pages[0].case, province=spec.province)  # fmt: skip
    out = BuiltFile(spec)
    first_no = base.first_no
    for k, ps in enumerate(spec.pages):
        page_no = spec.first_page + k
        ctx = _page_context(base, page_no, first_no)
        layout = variant_layout(t, ps.font_size) if ps.variant else Layout.standard(t, ps.font_size)
        candidates = entries_for(rng, ctx, max(ps.entries, 3))
        fit = rows_that_fit(t, layout, candidates, ps.font)
        n = min(ps.entries, fit) if ps.empty_rows else max(3, fit)
        entries = candidates[:n]
        r = render_page(t, ctx, entries, ps.font, layout, empty_rows=ps.empty_rows, page_label=ps.page_label)
        first_no += n
        img = np.asarray(r.image).copy()
        labels: list[str] = []
        frame = "image"
        corners = None
        for op in ps.degradations:
            if op == "stamp":
                centre = _stamp_centre(r.column_x, r.row_y, t, layout, n, nrng)
                text = f"ỦY BAN NHÂN DÂN {ctx.office.ward.canonical.upper()} * "
                img, lab = dg.stamp(img, nrng, centre, text, FONTS["DejaVuSans"][1])
            elif op == "skew":
                img, lab = dg.skew(img, nrng)
                frame = "upright"
            else:
                fn = {"blur": dg.blur, "noise": dg.noise, "jpeg": dg.jpeg_artefacts,
                      "lighting": dg.uneven_lighting, "contrast": dg.low_contrast}[op]  # fmt: skip
                img, lab = fn(img, nrng)
            labels.append(lab)
        scale = ps.dpi / 300
        if ps.dpi != 300:
            img = dg.downscale(img, scale)
            labels.append(f"dpi:{ps.dpi}")
        if ps.photo:
            img, corners, lab = dg.photograph(img, nrng)
            labels.append(lab)
            frame = "upright"
        if ps.rotation == 180:
            img, lab = dg.rotate180(img)
            labels.append(lab)
            frame = "upright"
        degraded = bool(labels) or spec.typewriter
        truth = {
            "file": spec.name,
            "page": k + 1,
            "register": spec.register,
            "template": t.id,
            "dpi": ps.dpi,
            "category": "degraded" if degraded else "clean",
            "degradations": labels,
            "rotation": ps.rotation,
            "font": ps.font,
            "typewriter": spec.typewriter,
            "variant": ps.variant,
            "name_case": ps.case,
            "page_fields": {"quyenSo": ctx.book, "noiDangKy": ctx.office_canonical, "trangSo": str(page_no)},
            "page_rendered": r.page_texts,
            "table": {
                # pixel geometry of the upright, unskewed page at this dpi; "image" = same as the file's pixels
                "frame": frame,
                "column_x": [round(x * scale) for x in r.column_x],
                "row_y": [round(y * scale) for y in r.row_y],
                "column_order": list(layout.order),
                "header": r.header,
                "entry_rows": n,
                "empty_rows": ps.empty_rows,
            },
            "entries": [],
        }
        if corners is not None:
            truth["paper_corners"] = corners  # tl, tr, br, bl of the paper in the photo
        for i, (e, cells) in enumerate(zip(entries, r.cells, strict=True)):
            y0, y1 = r.row_y[i + 1], r.row_y[i + 2]
            bbox = [r.column_x[0], y0, r.column_x[-1] - r.column_x[0], y1 - y0]
            truth["entries"].append(
                {
                    "row": i + 1,
                    "bbox": [round(v * scale) for v in bbox],
                    "fields": {key: e.fields[key] for key in t.field_keys},
                    "rendered": cells,
                }
            )
        out.pages.append(PageOut(img, truth, ps.dpi))
    return out


def _pil(img: np.ndarray) -> Image.Image:
    return Image.fromarray(img, "RGB" if img.ndim == 3 else "L")


def encode(built: BuiltFile) -> bytes:
    spec = built.spec
    ims = [_pil(p.image) for p in built.pages]
    dpi = built.pages[0].dpi
    buf = io.BytesIO()
    if spec.kind == "png":
        ims[0].save(buf, "PNG", optimize=True, dpi=(dpi, dpi))
    elif spec.kind == "jpg":
        q = spec.pages[0].jpeg_quality
        ims[0].save(buf, "JPEG", quality=q, optimize=True, dpi=(dpi, dpi))
    elif spec.kind == "tif":
        ims[0].save(
            buf, "TIFF", save_all=True, append_images=ims[1:], compression="tiff_deflate", dpi=(dpi, dpi)
        )
    elif spec.kind == "pdf":
        # a black-and-white archive scan: 1-bit pages, CCITT G4 inside the PDF
        ims = [im.point(lambda v: 255 if v > 150 else 0).convert("1", dither=Image.Dither.NONE) for im in ims]
        ims[0].save(buf, "PDF", save_all=True, append_images=ims[1:], resolution=float(dpi),
                    title=spec.stem, creator="hotich samples", producer="hotich samples",
                    creationDate=FIXED_PDF_DATE, modDate=FIXED_PDF_DATE)  # fmt: skip  # Pillow stamps "now"
    else:
        raise ValueError(spec.kind)
    return buf.getvalue()


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def truth_json(truth: dict) -> bytes:
    return (json.dumps(truth, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


# Fonts the committed sample set never uses, to measure reading on type we did not develop against
# (issue 3): proportional pages cycle through the first list, the typewriter page takes the second.
HELDOUT_FONTS = ("DejaVuSerifCondensed", "DejaVuSansExtraLight")
HELDOUT_MONOSPACE = "FreeMono"
# 40 px at 300 dpi (9.5 pt), a size the committed set uses only on its typewriter page: DejaVu Sans
# ExtraLight is as wide as DejaVu Sans, whose dates overflow the narrowest columns at 44 px
HELDOUT_SIZE = 40
FONT_SETS = ("development", "heldout")


def with_heldout_fonts(specs: Iterable[FileSpec]) -> list[FileSpec]:
    """The same files with every page set in a held-out font (monospace stays monospace)."""
    out = []
    for i, spec in enumerate(specs):
        pages = tuple(
            replace(
                ps,
                font=HELDOUT_MONOSPACE if ps.font in MONOSPACE else HELDOUT_FONTS[i % len(HELDOUT_FONTS)],
                font_size=min(ps.font_size, HELDOUT_SIZE),
            )
            for ps in spec.pages
        )
        out.append(replace(spec, pages=pages))
    return out


def generate(
    out_dir: Path, seed: int = DEFAULT_SEED, only: Iterable[str] | None = None, fonts: str = "development"
) -> list[Path]:
    """Write the sample set (or the files whose stems are in ``only``) to ``out_dir``; return the paths.

    ``fonts="heldout"`` sets every page in a font the committed set never uses (``HELDOUT_FONTS``).
    """
    if fonts not in FONT_SETS:
        raise ValueError(f"fonts must be one of {FONT_SETS}, not {fonts!r}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    wanted = set(only) if only is not None else None
    specs = [s for s in SAMPLE_SET if wanted is None or s.stem in wanted]
    if fonts == "heldout":
        specs = with_heldout_fonts(specs)
    if wanted is not None and (missing := wanted - {s.stem for s in specs}):
        raise KeyError(f"unknown sample stems: {sorted(missing)}")
    written: list[Path] = []
    manifest_files = []
    for spec in specs:
        built = build_file(spec, seed)
        data = encode(built)
        written.append(_write(out_dir / spec.name, data))
        pages = []
        for p in built.pages:
            tname = f"{spec.stem}.p{p.truth['page']}.truth.json"
            written.append(_write(out_dir / tname, truth_json(p.truth)))
            pages.append({"page": p.truth["page"], "truth": tname, "category": p.truth["category"],
                          "degradations": p.truth["degradations"], "dpi": p.dpi, "font": p.truth["font"],
                          "entries": len(p.truth["entries"])})  # fmt: skip
        cats = {p["category"] for p in pages}
        manifest_files.append(
            {
                "file": spec.name,
                "kind": {"png": "image", "jpg": "image", "pdf": "pdf", "tif": "tiff"}[spec.kind],
                "register": spec.register,
                "template": template_for(spec.register).id,
                "category": "degraded" if "degraded" in cats else "clean",
                "degradations": sorted({d for p in pages for d in p["degradations"]}),
                "variant": any(ps.variant for ps in spec.pages),
                "typewriter": spec.typewriter,
                "note": spec.note,
                "bytes": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
                "pages": pages,
            }
        )
    if wanted is None:
        _remove_stale(out_dir, {p.name for p in written})
        manifest = {"generator": "pipeline.samples", "seed": seed, "page_size_px_300dpi": [PAGE_W, PAGE_H],
                    "truth_format": TRUTH_FORMAT, "files": manifest_files}  # fmt: skip
        if fonts != "development":  # the committed set's manifest stays byte for byte as it was
            manifest["fonts"] = fonts
        written.append(_write(out_dir / "manifest.json", truth_json(manifest)))
    return written


def _remove_stale(out_dir: Path, keep: set[str]) -> None:
    """Delete files an earlier run listed in its manifest that this run no longer makes (nothing else)."""
    old = out_dir / "manifest.json"
    if not old.exists():
        return
    for f in json.loads(old.read_text(encoding="utf-8")).get("files", []):
        for name in [f["file"], *(p["truth"] for p in f.get("pages", []))]:
            if name not in keep and "/" not in name:
                (out_dir / name).unlink(missing_ok=True)


TRUTH_FORMAT = {
    "file": "{stem}.p{page}.truth.json next to each image/PDF/TIFF, one per page (page 1 for single images)",
    "fields": "canonical values of docs/field-contract.md; every key of the template's columns, null = empty cell",
    "rendered": "per entry: template column index (0-based, as in schemas/*.yaml, not the printed position) -> "
    "text exactly as printed in that cell, wrapped lines joined with \\n",
    "table": "column_x / row_y: rule positions in pixels at the file's dpi; frame 'image' = the file's own pixels, "
    "'upright' = the page before skew/rotation/perspective; column_order = template column index at each "
    "printed position; header = printed titles by position; row_y = [table top, header bottom, row bottoms...]",
    "page_rendered": "running title, book line, office line and page label as printed",
    "paper_corners": "photographed page only: paper corners tl, tr, br, bl in the photo's pixels",
}


__all__ = [
    "HELDOUT_FONTS",
    "SAMPLE_SET",
    "FileSpec",
    "PageSpec",
    "generate",
    "MONOSPACE",
    "with_heldout_fonts",
]
