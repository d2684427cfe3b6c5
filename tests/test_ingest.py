"""Ingest: discovery, hashing, kind by content, page splitting and rejection reasons."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pipeline.ingest import (
    InputRejected,
    count_pages,
    discover,
    identify,
    kind_of,
    load_page,
    page_refs,
)


def _png(path: Path, size=(120, 80), color=255) -> Path:
    Image.fromarray(np.full((size[1], size[0]), color, np.uint8)).save(path)
    return path


def test_discover_expands_folders_skips_sidecars_keeps_unknown(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    a = _png(tmp_path / "a.png")
    b = _png(tmp_path / "sub" / "b page.png")
    (tmp_path / "a.p1.truth.json").write_text("{}")
    (tmp_path / ".hidden.png").write_bytes(b"x")
    odd = tmp_path / "notes.docx"
    odd.write_bytes(b"PK\x03\x04")
    assert discover([tmp_path]) == sorted([a, b, odd])


def test_discover_missing_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        discover([tmp_path / "nope"])


def test_identify_hashes_content(tmp_path: Path) -> None:
    p = _png(tmp_path / "x.png")
    src = identify(p)
    assert src.sha256 == hashlib.sha256(p.read_bytes()).hexdigest()
    assert src.kind == "image" and src.size == p.stat().st_size


def test_kind_is_decided_by_content_not_name(tmp_path: Path) -> None:
    fake = tmp_path / "fake.png"
    fake.write_text("just some text, not a PNG")
    assert kind_of(fake) == "unknown"
    with pytest.raises(InputRejected, match="not an image or PDF"):
        page_refs(identify(fake))


def test_zero_byte_file_is_rejected(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    with pytest.raises(InputRejected, match="0 bytes"):
        page_refs(identify(empty))
    assert count_pages(empty) == 0


def test_truncated_png_is_rejected_on_load(tmp_path: Path) -> None:
    good = _png(tmp_path / "good.png", size=(400, 300), color=128)
    data = good.read_bytes()
    cut = tmp_path / "cut.png"
    cut.write_bytes(data[: len(data) // 2])
    refs = page_refs(identify(cut))  # the header still parses
    with pytest.raises(InputRejected, match="corrupt image data"):
        load_page(refs[0])


def test_multipage_tiff_splits_into_pages(tmp_path: Path) -> None:
    frames = [Image.fromarray(np.full((50, 60), v, np.uint8)) for v in (10, 200)]
    tif = tmp_path / "book.tif"
    frames[0].save(tif, save_all=True, append_images=frames[1:])
    refs = page_refs(identify(tif))
    assert [r.page_no for r in refs] == [1, 2] and refs[0].kind == "tiff"
    second = load_page(refs[1])
    assert second.image.shape == (50, 60, 3) and int(second.image.mean()) == 200


def test_multipage_pdf_renders_each_page(tmp_path: Path) -> None:
    pages = [Image.fromarray(np.full((200, 300), v, np.uint8)).convert("RGB") for v in (0, 255)]
    pdf = tmp_path / "book.pdf"
    pages[0].save(pdf, save_all=True, append_images=pages[1:], resolution=100)
    refs = page_refs(identify(pdf))
    assert len(refs) == 2 and refs[0].kind == "pdf"
    first, second = load_page(refs[0]), load_page(refs[1])
    assert first.image.mean() < 30 and second.image.mean() > 225
    assert first.dpi == 300  # rendered at the pipeline's PDF resolution


def test_truncated_pdf_is_rejected(tmp_path: Path) -> None:
    pdf = tmp_path / "t.pdf"
    Image.new("RGB", (100, 100), "white").save(pdf)
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(pdf.read_bytes()[:60])
    with pytest.raises(InputRejected, match="PDF"):
        page_refs(identify(bad))


def test_pixel_bomb_is_rejected_without_decoding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pipeline.ingest as ingest

    monkeypatch.setattr(ingest, "MAX_PIXELS", 10_000)
    big = _png(tmp_path / "big.png", size=(200, 200))
    with pytest.raises(InputRejected, match="pixel limit"):
        page_refs(identify(big))
