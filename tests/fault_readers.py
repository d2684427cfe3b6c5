"""Hostile inputs and faulty readers, shared by tests/test_bad_inputs.py, tests/test_faults.py and
bench/bad_inputs_bench.py.

Two halves:

* ``build_corpus(folder)`` writes the bad-input corpus of issue 8 (generated, never committed): empty and
  mislabelled files, truncated PNG/JPEG/PDF, encrypted PDFs, a 5,000-page PDF, decompression bombs, a TIFF
  with a broken frame, pages that are not ledgers, and awkward file names. Each ``BadInput`` says what the
  pipeline must make of it (outcome per page and a reason pattern), so the tests and the bench agree.
* Readers for the worker seam of ``flows/_pool.py`` (``module:function`` taking a ``Job``): they crash,
  hang or take the database away on pages whose file name holds a marker, and read every other page
  normally. The spawned worker imports this module as ``fault_readers``: pytest puts ``tests/`` on
  ``sys.path`` (rootdir-relative "prepend" import mode, no ``tests/__init__.py``) and ``spawn`` hands the
  parent's ``sys.path`` to the child; subprocess runs set ``PYTHONPATH`` to this folder (``TESTS_DIR``).

``python tests/fault_readers.py run --db URL [--reader SPEC] [--busy-timeout-ms N] PATH...`` runs the real
``digitize`` flow (on its own local Prefect server) with a chosen reader, which ``hotich run`` cannot do,
and prints the run summary as JSON on the last line of stdout.
"""

from __future__ import annotations

import hashlib
import io
import os
import signal
import struct
import subprocess
import sys
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

TESTS_DIR = Path(__file__).resolve().parent
ROOT = TESTS_DIR.parent
SAMPLES = ROOT / "data" / "sample_scans"

# pages whose file name holds this marker are the ones a faulty reader misbehaves on
MARKER = os.environ.get("HOTICH_FAULT_MARKER", "FAULT")


# ---------------------------------------------------------------------------------------------------
# The corpus


@dataclass(frozen=True)
class BadInput:
    name: str  # short label for tables
    rel: str  # path inside the corpus folder
    what: str  # what the file is
    # expected outcome per page: {page_no (0 = whole file): (outcome, reason regex)}
    expect: dict[int, tuple[str, str]]
    bomb: bool = False  # a decompression bomb / resource exhaustion case (time and memory reported)


def _png(img: Image.Image, **kw: object) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG", **kw)
    return buf.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bomb_header(width: int = 50_000, height: int = 50_000) -> bytes:
    """A PNG that *claims* width x height (a decompression bomb's header) with a tiny IDAT."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grey
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", zlib.compress(b"\0" * 1024)) + _chunk(
        b"IEND", b""
    )


def png_real_bomb(width: int, height: int) -> bytes:
    """A *valid* all-white 1-bit PNG of width x height: a few hundred KB that decode to width*height px."""
    row = b"\0" + b"\xff" * ((width + 7) // 8)
    comp = zlib.compressobj(9)
    body = b"".join(comp.compress(row) for _ in range(height)) + comp.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", body) + _chunk(b"IEND", b"")


def png_text_bomb() -> bytes:
    """A small valid PNG whose zTXt chunk inflates to 64 MB (Pillow caps text chunks)."""
    base = _png(Image.new("L", (64, 64), 255))
    ztxt = b"Comment\0\0" + zlib.compress(b"A" * (64 << 20), 9)
    at = base.index(b"IDAT") - 4
    return base[:at] + _chunk(b"zTXt", ztxt) + base[at:]


def jpeg_bomb_header(width: int = 50_000, height: int = 50_000) -> bytes:
    """A JPEG whose SOF0 claims width x height (then garbage): the header is all a bomb needs."""
    small = io.BytesIO()
    Image.new("L", (16, 16), 255).save(small, "JPEG")
    data = bytearray(small.getvalue())
    i = data.index(b"\xff\xc0")  # SOF0: FF C0 len(2) precision(1) height(2) width(2)
    struct.pack_into(">HH", data, i + 5, height, width)
    return bytes(data)


# --- PDF written by hand (no pypdf / qpdf on the machine) -----------------------------------------


def _pdf(objects: list[bytes], trailer_extra: bytes = b"") -> bytes:
    """objects[i] is the body of object i+1; object 1 is the catalog."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, trailer_extra, xref)  # fmt: skip
    return bytes(out)


def _stream(data: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def pdf_many_pages(n: int, media: tuple[int, int] = (200, 200)) -> bytes:
    """n pages sharing one content stream: ~80 bytes a page, so 5,000 pages cost ~400 KB."""
    content = b"0 0 m 100 100 l S"
    first_page = 4
    kids = b" ".join(b"%d 0 R" % (first_page + i) for i in range(n))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Count %d /Kids [%s] >>" % (n, kids),
        _stream(content),
    ]
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents 3 0 R >>" % media
    objects += [page] * n
    return _pdf(objects)


_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def _rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) & 0xFF
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for b in data:
        i = (i + 1) & 0xFF
        j = (j + s[i]) & 0xFF
        s[i], s[j] = s[j], s[i]
        out.append(b ^ s[(s[i] + s[j]) & 0xFF])
    return bytes(out)


def pdf_encrypted(user_password: bytes = b"", owner_password: bytes = b"owner") -> bytes:
    """A one-page PDF under the Standard security handler, RC4 40-bit (V1 R2), PDF 1.7 algorithms 2-4.

    With an empty user password any reader opens it (and reports it encrypted); with one, nothing opens it.
    """
    pad = lambda pw: (pw + _PAD)[:32]  # noqa: E731
    o = _rc4(hashlib.md5(pad(owner_password)).digest()[:5], pad(user_password))
    p = -44  # print and copy allowed, nothing else (a value with the reserved high bits set)
    file_id = hashlib.md5(b"hotich-encrypted").digest()
    key = hashlib.md5(pad(user_password) + o + struct.pack("<i", p) + file_id).digest()[:5]
    u = _rc4(key, _PAD)

    def obj_key(num: int) -> bytes:
        return hashlib.md5(key + struct.pack("<I", num)[:3] + b"\0\0").digest()[:10]

    content = _rc4(obj_key(3), b"BT /F1 24 Tf 20 100 Td (secret) Tj ET")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Count 1 /Kids [4 0 R] >>",
        _stream(content),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] /Contents 3 0 R >>",
        b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>" % (o.hex().encode(), u.hex().encode(), p),
    ]
    return _pdf(objects, b"/Encrypt 5 0 R /ID [<%s> <%s>] " % (file_id.hex().encode(), file_id.hex().encode()))


# --- images -----------------------------------------------------------------------------------------


def tiff_broken_frame(pages: list[Path]) -> bytes:
    """A multi-page TIFF (deflate) of ``pages`` plus, in the middle, a frame whose compressed strip is garbage."""
    frames = [Image.open(p).convert("L") for p in pages]
    broken = Image.new("L", (1200, 1600), 255)
    buf = io.BytesIO()
    frames[0].save(buf, "TIFF", save_all=True, append_images=[broken, *frames[1:]], compression="tiff_adobe_deflate")
    data = bytearray(buf.getvalue())
    # find the 2nd frame's strip through its IFD and overwrite its deflate data with noise
    with Image.open(io.BytesIO(bytes(data))) as im:
        im.seek(1)
        offsets = im.tag_v2[273]
        counts = im.tag_v2[279]
    rng = np.random.default_rng(8)
    for off, n in zip(offsets, counts, strict=True):
        data[off : off + n] = rng.integers(0, 256, n, dtype=np.uint8).tobytes()
    return bytes(data)


def blank_page() -> bytes:
    return _png(Image.new("L", (2480, 3508), 255), dpi=(300, 300))


def not_a_ledger_photo() -> bytes:
    """A photo-like picture (gradient sky, noisy texture, blobs): no table anywhere."""
    rng = np.random.default_rng(20251128)
    h, w = 2000, 2600
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    base = np.stack([120 + 80 * y / h, 140 + 60 * x / w, 200 - 90 * y / h], axis=-1)
    texture = rng.normal(0, 25, (h // 8, w // 8, 3)).repeat(8, 0).repeat(8, 1)
    img = np.clip(base + texture + rng.normal(0, 8, (h, w, 3)), 0, 255).astype(np.uint8)
    for _ in range(12):  # a few dark blobs (a "subject")
        cy, cx, r = rng.integers(0, h), rng.integers(0, w), rng.integers(60, 300)
        img[(y - cy) ** 2 + (x - cx) ** 2 < r * r] //= 3
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, "JPEG", quality=85)
    return buf.getvalue()


def empty_table_page(register: str = "khai_tu") -> bytes:
    """A ledger page with its printed header and ruled rows, and no entry written yet."""
    import random

    from pipeline.samples.build import template_for
    from pipeline.samples.content import make_context
    from pipeline.samples.render import Layout, render_page

    t = template_for(register)
    ctx = make_context(random.Random(8), register, 2020, 7)
    r = render_page(t, ctx, [], "DejaVuSerif", Layout.standard(t), empty_rows=8)
    return _png(r.image, dpi=(300, 300))


def unreadable_header_page(sample: Path) -> bytes:
    """A good sample page with the insides of its header cells painted white (rules kept)."""
    from pipeline.layout import find_table
    from pipeline.preprocess import to_gray

    rgb = np.asarray(Image.open(sample).convert("RGB")).copy()
    gray = to_gray(rgb[:, :, ::-1].copy())
    table = find_table(gray)
    assert table is not None, f"no table on {sample}"
    top, bottom = table.rows[0], table.rows[table.header_rows]
    for x0, x1 in zip(table.cols[:-1], table.cols[1:], strict=True):
        rgb[top + 8 : bottom - 8, x0 + 8 : x1 - 8] = 255
    return _png(Image.fromarray(rgb), dpi=(300, 300))


def _truncated(path: Path, keep: float = 0.4) -> bytes:
    data = path.read_bytes()
    return data[: int(len(data) * keep)]


GOOD_PAGES = ("ks_clean_01.png", "kt_clean_01.png")
WHOLE = 0  # page number of a whole-file quarantine

# what each good page yields
_OK = {1: ("processed", "")}


def corpus() -> list[BadInput]:
    rejected_file = "quarantined"
    return [
        BadInput("zero-byte file", "empty.png", "0 bytes named .png", {WHOLE: (rejected_file, r"empty file")}),
        BadInput("text named .png", "notes.png", "a text file with an image suffix",
                 {WHOLE: (rejected_file, r"not an image or PDF")}),
        BadInput("truncated PNG", "truncated.png", "first 40% of a sample PNG",
                 {1: ("quarantined", r"corrupt image data|truncated")}),
        BadInput("truncated JPEG", "truncated.jpg", "first 40% of a sample JPEG",
                 {1: ("quarantined", r"corrupt image data|truncated")}),
        BadInput("truncated PDF", "truncated.pdf", "first 40% of the sample 3-page PDF",
                 {WHOLE: (rejected_file, r"unreadable PDF")}),
        BadInput("encrypted PDF (empty user password)", "encrypted.pdf", "RC4 40-bit, opens without a password",
                 {WHOLE: (rejected_file, r"encrypted PDF")}),
        BadInput("encrypted PDF (user password)", "encrypted_pw.pdf", "RC4 40-bit, needs a password",
                 {WHOLE: (rejected_file, r"unreadable PDF|encrypted")}),
        BadInput("PDF of 5,000 pages", "pages_5000.pdf", "one tiny page repeated 5,000 times (~400 KB)",
                 {WHOLE: (rejected_file, r"5000 pages exceeds the limit")}, bomb=True),
        BadInput("PDF page of 200 x 200 in", "huge_page.pdf", "MediaBox 14400 pt square: 3.6 Gpx at 300 dpi",
                 {1: ("quarantined", r"pixel limit")}, bomb=True),
        BadInput("PDF page of 69 x 69 in", "big_page.pdf", "MediaBox 5000 pt square: 434 Mpx at 300 dpi",
                 {1: ("quarantined", r"pixel limit")}, bomb=True),
        BadInput("PNG claiming 50,000 x 50,000", "bomb_50000.png", "IHDR of 2.5 Gpx, tiny IDAT",
                 {WHOLE: (rejected_file, r"pixel limit")}, bomb=True),
        BadInput("JPEG claiming 50,000 x 50,000", "bomb_50000.jpg", "SOF0 of 2.5 Gpx",
                 {WHOLE: (rejected_file, r"pixel limit")}, bomb=True),
        BadInput("PNG just under the pixel limit", "white_10000x11000.png", "valid 110 Mpx white 1-bit PNG (~200 KB)",
                 {1: ("quarantined", r"no ledger table")}, bomb=True),
        BadInput("PNG with a 64 MB zTXt chunk", "text_bomb.png", "64x64 px, zTXt inflating to 64 MB",
                 {WHOLE: (rejected_file, r"unreadable image|too large")}, bomb=True),
        BadInput("multi-page TIFF, broken frame 2", "broken_frame.tif", "3 deflate frames, the 2nd is noise",
                 {1: ("processed", ""), 2: ("quarantined", r"corrupt image data"), 3: ("processed", "")}),
        BadInput("blank page", "blank.png", "white A4 at 300 dpi", {1: ("quarantined", r"no ledger table")}),
        BadInput("photo, not a ledger", "photo.jpg", "gradient + texture + blobs",
                 {1: ("quarantined", r"no ledger table")}),
        BadInput("ledger page, empty table", "empty_table.png", "printed header, 8 ruled rows, no entries",
                 {1: ("processed", "")}),
        BadInput("unreadable header row", "no_header.png", "sample page, header cells painted white",
                 {1: ("quarantined", r"header row matches no register template")}),
        BadInput("name: spaces + Vietnamese", "sổ khai tử trang 1 (bản sao).png", "good page, NFC name",
                 dict(_OK)),
        BadInput("name: Vietnamese NFD", "s\u1ed5 khai sinh nfd".replace("\u1ed5", "o\u0302\u0309") + ".png",
                 "good page, decomposed (NFD) name", dict(_OK)),
        BadInput("name: '..' segments", "sub/scan..\\..\\..\\etc\\passwd.png", "text file, backslash '..' name",
                 {WHOLE: (rejected_file, r"not an image or PDF")}),
        BadInput("name: '..' in name", "sub/trang .. 2...png", "PNG signature then garbage, name 'trang .. 2...png'",
                 {WHOLE: (rejected_file, r"unreadable image")}),
    ]


def build_corpus(folder: Path, only: set[str] | None = None) -> list[BadInput]:
    """Write the corpus (and nothing else) into ``folder``; returns the inputs written."""
    def sample(name: str) -> Path:
        return SAMPLES / name

    makers = {
        "empty.png": lambda: b"",
        "notes.png": lambda: "Sổ này chưa được quét.\nJust a note, not a scan.\n".encode(),
        "truncated.png": lambda: _truncated(sample("ks_clean_02.png")),
        "truncated.jpg": lambda: _truncated(sample("ks_degraded_01.jpg")),
        "truncated.pdf": lambda: _truncated(sample("ks_book_2010.pdf")),
        "encrypted.pdf": lambda: pdf_encrypted(b""),
        "encrypted_pw.pdf": lambda: pdf_encrypted(b"mat-khau"),
        "pages_5000.pdf": lambda: pdf_many_pages(5000),
        "huge_page.pdf": lambda: pdf_many_pages(1, (14400, 14400)),
        "big_page.pdf": lambda: pdf_many_pages(1, (5000, 5000)),
        "bomb_50000.png": png_bomb_header,
        "bomb_50000.jpg": jpeg_bomb_header,
        "white_10000x11000.png": lambda: png_real_bomb(10_000, 11_000),
        "text_bomb.png": png_text_bomb,
        "broken_frame.tif": lambda: tiff_broken_frame([sample("kh_clean_01.png"), sample("kt_clean_02.png")]),
        "blank.png": blank_page,
        "photo.jpg": not_a_ledger_photo,
        "empty_table.png": empty_table_page,
        "no_header.png": lambda: unreadable_header_page(sample("ks_clean_02.png")),
        "sub/scan..\\..\\..\\etc\\passwd.png": lambda: b"root:x:0:0:root:/root:/bin/bash\n",
        "sub/trang .. 2...png": lambda: b"\x89PNG\r\n\x1a\n" + b"\0garbage, no IHDR" * 4,
    }
    out = []
    for item in corpus():
        if only is not None and item.rel not in only and item.name not in only:
            continue
        key = item.rel
        if item.rel.startswith("sổ khai tử"):
            data = sample("kt_clean_02.png").read_bytes() + b"copy"  # distinct bytes: its own file hash
        elif item.name == "name: Vietnamese NFD":
            data = sample("ks_clean_01.png").read_bytes() + b"copy"
        else:
            data = makers[key]()
        dest = folder / item.rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
        out.append(item)
    return out


# ---------------------------------------------------------------------------------------------------
# Readers for the worker seam


def _marked(job: object) -> bool:
    return MARKER in Path(job.ref.path).name  # type: ignore[attr-defined]


def _real(job: object) -> object:
    from flows._pool import read_and_keep

    return read_and_keep(job)  # type: ignore[arg-type]


def crash_reader(job: object) -> object:
    """Dies of SIGSEGV on a marked page, as a crashing Tesseract would; reads the others normally."""
    if _marked(job):
        os.kill(os.getpid(), signal.SIGSEGV)
    return _real(job)


def hang_reader(job: object) -> object:
    """Never answers on a marked page (sleeps an hour, far beyond the page deadline)."""
    if _marked(job):
        time.sleep(3600)
    return _real(job)


def outage_reader(job: object) -> object:
    """Reads the page, then takes the database away for HOTICH_FAULT_OUTAGE_SECONDS before returning.

    The outage is held by a separate process (``python fault_readers.py outage``) that says ``down`` once the
    database is unavailable; only then does this reader hand the result back, so the flow's load of this very
    page meets the outage. The holder writes the time it restored the database to HOTICH_FAULT_OUTAGE_LOG.
    """
    result = _real(job)
    if _marked(job):
        holder = subprocess.Popen(
            [sys.executable, __file__, "outage", os.environ["HOTICH_FAULT_OUTAGE_DB"],
             os.environ.get("HOTICH_FAULT_OUTAGE_SECONDS", "3"), os.environ["HOTICH_FAULT_OUTAGE_LOG"]],
            stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        line = holder.stdout.readline() if holder.stdout else ""
        if line.strip() != "down":
            raise RuntimeError(f"outage holder did not take the database down: {line!r}")
    return result


def _outage(db: str, seconds: float, log: str) -> None:
    """Hold the database unavailable for ``seconds``: SQLite an exclusive lock, PostgreSQL no connections."""
    if db.startswith("sqlite"):
        import sqlite3

        con = sqlite3.connect(db.split("///", 1)[1], isolation_level=None, timeout=30)
        con.execute("BEGIN EXCLUSIVE")
        print("down", flush=True)
        time.sleep(seconds)
        con.execute("ROLLBACK")
        con.close()
    else:
        import psycopg
        from sqlalchemy.engine import make_url

        u = make_url(db)
        name = u.database
        kw = {"host": u.query["host"], "port": int(u.query["port"]), "user": u.username, "dbname": "postgres",
              "autocommit": True}  # fmt: skip
        with psycopg.connect(**kw) as admin:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
            print("down", flush=True)
            time.sleep(seconds)
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
    Path(log).write_text(f"{time.time():.3f}\n")


# ---------------------------------------------------------------------------------------------------
# Driver: the digitize flow with a chosen reader, in its own process


def _run(argv: list[str]) -> int:
    import argparse
    import json

    ap = argparse.ArgumentParser(prog="fault_readers.py run")
    ap.add_argument("--db", required=True)
    ap.add_argument("--reader", default=None)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--busy-timeout-ms", type=int, default=None)
    ap.add_argument("paths", nargs="+")
    args = ap.parse_args(argv)
    if args.busy_timeout_ms is not None:
        # SQLite waits up to 60 s for a lock: shorten it so an outage surfaces as OperationalError
        import store.db

        store.db.BUSY_TIMEOUT_MS = args.busy_timeout_ms
    from flows._server import prefect_api
    from flows.digitize import digitize

    with prefect_api():
        summary = digitize(paths=args.paths, db_url=args.db, workers=args.workers, reader=args.reader)
    print(json.dumps(summary, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["outage"]:
        _outage(sys.argv[2], float(sys.argv[3]), sys.argv[4])
    elif sys.argv[1:2] == ["run"]:
        sys.exit(_run(sys.argv[2:]))
    else:
        sys.exit(f"usage: {sys.argv[0]} run|outage ...")
