"""Grid detection, rule removal, cells and header matching on rendered ledgers (real Tesseract)."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from fixtures.tables import KS_ENTRY, KS_TITLES, KS_WIDTHS, font, render_ledger
from PIL import Image, ImageDraw

from pipeline.layout import (
    cell_box,
    find_table,
    fold_title,
    has_ink,
    match_header,
    read_header,
    read_margins,
    remove_rules,
)
from pipeline.ocr import get_engine
from pipeline.templates import all_templates, template_by_id

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "sample_scans"


@pytest.fixture(scope="module")
def ledger():
    return render_ledger(
        KS_TITLES, [KS_ENTRY] * 3, KS_WIDTHS, size=(2400, 1800), header_h=230, row_h=230, n_rows=5
    )


def test_grid_rows_and_cols_counted(ledger) -> None:
    t = find_table(ledger.image)
    assert t is not None
    assert t.n_cols == 14 and t.n_bands == 6
    assert max(abs(a - b) for a, b in zip(t.cols, ledger.cols, strict=True)) <= 2
    assert max(abs(a - b) for a, b in zip(t.rows, ledger.rows, strict=True)) <= 2
    assert t.header_rows == 1


def test_column_number_row_counts_as_header() -> None:
    led = render_ledger(KS_TITLES, [KS_ENTRY], KS_WIDTHS, header_h=230, row_h=230, number_row=True, n_rows=4)
    t = find_table(led.image)
    assert t is not None and t.n_bands == 6 and t.header_rows == 2


def test_page_without_table_is_none() -> None:
    img = Image.new("L", (2000, 1400), 255)
    d = ImageDraw.Draw(img)
    for i in range(20):
        d.text(
            (100, 80 + 60 * i),
            "Nguyễn Thị Hồng Nhung, xã Hòa Thịnh, huyện Tây Hòa ____",
            font=font(30),
            fill=0,
        )
    assert find_table(np.array(img)) is None
    assert find_table(np.full((800, 600), 255, np.uint8)) is None


def test_rules_removed_text_kept(ledger) -> None:
    t = find_table(ledger.image)
    clean = remove_rules(ledger.image, t)
    # every rule is gone...
    for y in t.rows:
        assert (clean[y - 2 : y + 3, t.cols[0] : t.cols[-1]] < 128).mean() < 0.02
    for x in t.cols:
        assert (clean[t.rows[0] : t.rows[-1], x - 2 : x + 3] < 128).mean() < 0.02
    # ...and the letters are not
    box = cell_box(t, 1, 2)
    before = (ledger.image[box.y : box.y + box.h, box.x : box.x + box.w] < 128).sum()
    after = (clean[box.y : box.y + box.h, box.x : box.x + box.w] < 128).sum()
    assert after >= 0.97 * before > 0


def test_cell_box_and_ink(ledger) -> None:
    t = find_table(ledger.image)
    clean = remove_rules(ledger.image, t)
    b = cell_box(t, 1, 0)
    assert t.cols[0] < b.x < b.x + b.w < t.cols[1] and t.rows[1] < b.y < b.y + b.h < t.rows[2]
    assert has_ink(clean, cell_box(t, 1, 2))
    assert not has_ink(clean, cell_box(t, 1, 13))  # Ghi chú left empty
    assert not has_ink(clean, cell_box(t, 5, 3))  # an empty row
    noisy = clean.copy()
    rng = np.random.default_rng(1)
    b = cell_box(t, 5, 5)
    ys, xs = rng.integers(b.y, b.y + b.h, 15), rng.integers(b.x, b.x + b.w, 15)
    noisy[ys, xs] = 0  # isolated specks are not ink
    assert not has_ink(noisy, b)


def test_fold_title() -> None:
    assert fold_title("Họ, chữ đệm,\ntên người ĐƯỢC khai sinh (3)") == "ho chu dem ten nguoi duoc khai sinh"


def test_match_exact_titles_each_register() -> None:
    for tpl in all_templates():
        m = match_header([c.title for c in tpl.columns], all_templates())
        assert m is not None and m.template.id == tpl.id and m.score > 0.99
        assert [c.title for _, c in sorted(m.columns.items())] == [c.title for c in tpl.columns]


def test_match_swapped_columns_wrapped_titles_and_ocr_slips() -> None:
    tpl = template_by_id("khai_sinh.tt04_2020")
    titles = [c.title for c in tpl.columns]
    titles[6], titles[7] = titles[7], titles[6]  # Quốc tịch before Dân tộc
    titles[9], titles[10] = titles[10], titles[9]  # father before mother
    titles[2] = "Họ, chữ đệm,\ntên người\nđược khai\nsinh"  # printed line breaks
    titles[4] = "Ngay, thang, nãm sinh (ghi bằng sô và bằng chữ)"  # OCR diacritic slips
    titles[0] = "S6"
    m = match_header(titles, all_templates())
    assert m is not None and m.template.id == tpl.id
    keys = {i: c.fields[0].key for i, c in m.columns.items()}
    assert keys[6] == "nksQuocTich" and keys[7] == "nksDanToc"
    assert keys[9] == "chaHoTen" and keys[10] == "meHoTen"
    assert keys[2] == "nksHoTen" and keys[4] == "nksNgaySinh"


def test_duplicate_titles_resolved_by_order() -> None:
    tpl = template_by_id("ket_hon.tt04_2020")
    m = match_header([c.title for c in tpl.columns], [tpl])
    keys = [m.columns[i].fields[0].key for i in sorted(m.columns)]
    assert keys.index("chongNgaySinh") == 3 and keys.index("voNgaySinh") == 8
    assert keys.index("chongNoiCuTru") == 5 and keys.index("voNoiCuTru") == 10


def test_weak_header_is_none() -> None:
    assert match_header(["", "abc", "Tổng cộng", "Thu", "Chi"], all_templates()) is None
    assert match_header([], all_templates()) is None


def test_header_read_and_matched_on_rendered_page() -> None:
    order = [0, 1, 2, 3, 4, 5, 7, 6, 8, 10, 9, 11, 12, 13]  # a "variant" edition with swapped columns
    led = render_ledger([KS_TITLES[i] for i in order], [[KS_ENTRY[i] for i in order]],
                        [KS_WIDTHS[i] for i in order], header_h=230, row_h=230, n_rows=3)  # fmt: skip
    t = find_table(led.image)
    clean = remove_rules(led.image, t)
    eng = get_engine()
    eng.set_page(clean)
    m = match_header(read_header(clean, t, eng), all_templates())
    assert m is not None and m.template.id == "khai_sinh.tt04_2020" and m.header_rows == 1
    assert m.columns[6].fields[0].key == "nksQuocTich" and m.columns[9].fields[0].key == "chaHoTen"
    above, below = read_margins(clean, t, eng)
    assert any("Quyển số: 01/2008" in ln.text for ln in above.lines)
    assert any(ln.text.startswith("UBND xã Hòa Thịnh") for ln in above.lines)
    assert [ln.text for ln in below.lines] == ["Trang 12"]


def _sample_pages() -> list[Path]:
    return sorted(p for p in SAMPLES.glob("*") if p.suffix in (".png", ".jpg", ".jpeg"))


@pytest.mark.slow
@pytest.mark.skipif(not _sample_pages(), reason="no sample scans yet")
@pytest.mark.parametrize("path", _sample_pages(), ids=lambda p: p.name)
def test_sample_pages_table_and_template(path: Path) -> None:
    from pipeline.preprocess import upright

    truth = json.loads(path.with_name(path.stem + ".p1.truth.json").read_text(encoding="utf-8"))
    eng = get_engine()
    up = upright(cv2.imread(str(path), cv2.IMREAD_COLOR), eng)
    t = find_table(up.image)
    assert t is not None and t.n_cols == len(truth["table"]["column_x"]) - 1
    clean = remove_rules(up.image, t)
    eng.set_page(clean)
    m = match_header(read_header(clean, t, eng), all_templates())
    assert m is not None and m.template.id == truth["template"]
