"""Grid detection, rule removal, cells and header matching on rendered ledgers (real Tesseract)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest
from fixtures.tables import KS_ENTRY, KS_TITLES, KS_WIDTHS, font, render_ledger, wrap
from PIL import Image, ImageDraw

from pipeline.layout import (
    SLIVER_COLUMN,
    Table,
    cell_box,
    find_table,
    fold_title,
    foot_ink,
    has_ink,
    ink_extent,
    match_header,
    paper_margin,
    print_runs,
    read_foot,
    read_foot_print,
    read_head,
    read_header,
    read_margins,
    remove_rules,
    title_box,
    without_slivers,
)
from pipeline.model import BBox, OcrLine
from pipeline.ocr import get_engine, text_height
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


@pytest.mark.parametrize("grey", [215, 240])
def test_a_reverse_pages_faint_rules_are_not_the_tables(ledger, grey: int) -> None:
    # an old register whose reverse page shows through too faintly to be cleared: its rules, between the
    # page's own, had split every entry in two bands and added columns (seed 1109: 9 entries read for 4)
    page = ledger.image.copy()
    x0, x1, y0, y1 = ledger.cols[0], ledger.cols[-1], ledger.rows[0], ledger.rows[-1]
    for a, b in zip(ledger.rows[1:], ledger.rows[2:], strict=False):
        cv2.line(page, (x0 - 40, (a + b) // 2), (x1 - 40, (a + b) // 2), grey, 3)
    for a, b in zip(ledger.cols[2::3], ledger.cols[3::3], strict=False):
        cv2.line(page, ((a + b) // 2, y0 + 30), ((a + b) // 2, y1 + 30), grey, 3)
    page = cv2.GaussianBlur(page, (0, 0), 1.2)
    t = find_table(page, reverse_page=True)
    assert t is not None and t.n_cols == 14 and t.n_bands == 6
    assert max(abs(a - b) for a, b in zip(t.rows, ledger.rows, strict=True)) <= 3
    assert find_table(page).n_bands > 6  # taken for the table's, they split its entries
    # the page's own rules printed grey are its rules still
    grey_page = np.where(ledger.image < 128, 150, ledger.image).astype(np.uint8)
    t = find_table(grey_page, reverse_page=True)
    assert t is not None and t.n_cols == 14 and t.n_bands == 6


@pytest.mark.parametrize(("grey", "width"), [(150, 1), (180, 1), (60, 1), (0, 1)])
def test_a_forms_hairlines_inside_a_bold_frame_are_its_rules(grey: int, width: int) -> None:
    # a printed form's thin grey rules inside a thick black frame: measured at the page's full resolution,
    # a 1 px rule keeps its darkness; and only where a reverse page's writing shows are faint rules dropped
    H, W = 3508, 2480
    page = np.full((H, W), 240, np.uint8)
    x0, y0, x1, y1 = 150, 300, W - 150, H - 300
    ys, xs = np.linspace(y0, y1, 15).astype(int), np.linspace(x0, x1, 9).astype(int)
    for y in ys:
        cv2.line(page, (x0, int(y)), (x1, int(y)), grey, width)
    for x in xs:
        cv2.line(page, (int(x), y0), (int(x), y1), grey, width)
    cv2.rectangle(page, (x0, y0), (x1, y1), 0, 8)
    page = cv2.GaussianBlur(page, (0, 0), 0.8)
    t = find_table(page)
    assert t is not None and (len(t.rows), len(t.cols)) == (15, 9)
    # where a reverse page shows: dark enough beside the frame to be kept, or, too faint, the frame alone
    # is no table and the grid is taken as found
    t = find_table(page, reverse_page=True)
    assert t is not None and (len(t.rows), len(t.cols)) == (15, 9)


@pytest.mark.parametrize("mark", ["none", "pen_stroke", "black_edge"])
def test_one_dark_stroke_does_not_make_a_reverse_pages_rules_of_the_grey_ones(mark: str) -> None:
    # a helper's review: against the single darkest segment, one pen stroke across a cancelled entry or a
    # scan's black edge had set the cut, and the page's own grey rules were dropped with the reverse page's
    from pipeline.preprocess import _show_through, flatten
    from pipeline.samples.degrade import aged

    led = render_ledger(KS_TITLES, [KS_ENTRY] * 3, KS_WIDTHS, size=(4961, 3508), font_px=40, header_h=400,
                        row_h=380, n_rows=6, line_w=2)  # fmt: skip
    x0, x1, y0, y1 = led.cols[0], led.cols[-1], led.rows[0], led.rows[-1]
    rules = np.zeros_like(led.image)
    for y in led.rows:
        cv2.line(rules, (x0, y), (x1, y), 255, 2)
    for x in led.cols:
        cv2.line(rules, (x, y0), (x, y1), 255, 2)
    base = cv2.GaussianBlur(np.where((rules > 0) & (led.image < 128), 160, led.image).astype(np.uint8), (0, 0), 0.8)
    gray = flatten(aged(base, np.random.default_rng(0))[0])
    cleared, writing = _show_through(gray)
    assert writing and cleared is None  # shows, too faintly to be cleared
    if mark == "pen_stroke":
        cv2.line(gray, (x0 + 300, 1950), (x0 + 1800, 1965), 0, 5)
    elif mark == "black_edge":
        gray[:, :40] = 0
    t = find_table(gray, reverse_page=True)
    assert t is not None and (len(t.rows), len(t.cols)) == (len(led.rows), len(led.cols))


def test_column_number_row_counts_as_header() -> None:
    led = render_ledger(KS_TITLES, [KS_ENTRY], KS_WIDTHS, header_h=230, row_h=230, number_row=True, n_rows=4)
    t = find_table(led.image)
    assert t is not None and t.n_bands == 6 and t.header_rows == 2


@pytest.mark.parametrize(("rows", "header_rows"), [
    # a fresh scanned page (seed 751): titles 394-728, the number row 728-778, entries of ~200 px, and a
    # seal at the table's foot that widened the grid, closed by a rule 26 px under the last. The sliver is
    # no entry row (the number row had been taken for entry 1, every entry after it shifted and accepted)
    ([394, 728, 778, 978, 1237, 1440, 1697, 1900, 2156, 2359, 2385], 2),
    ([394, 728, 778, 978, 1237, 1440, 1697, 1900, 2156, 2359], 2),  # the same without the sliver
    ([394, 728, 828, 978, 1237, 1440], 1),  # a short first entry (two lines under rows of four) stays one
])  # fmt: skip
def test_the_number_row_is_thinner_than_every_entry_row_slivers_aside(rows: list[int], header_rows: int) -> None:
    from pipeline.layout import Table, _set_header

    t = Table(bbox=BBox(100, rows[0], 4000, rows[-1] - rows[0]), cols=[100, 1000, 2000, 4100], rows=rows, line_w=3)
    _set_header(t, None)
    assert t.header_rows == header_rows


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


def test_a_stem_at_the_strips_edge_is_ink_in_place() -> None:
    # aged 1335: the 1 of "129" beside the box OCR drew round "29", its 3 px stem cut to 2 by the strip's
    # edge; OpenCV's 2x2 opening moved the ink a pixel right, off the strip, and halved it under the count
    strip = np.full((24, 14), 250, np.uint8)
    strip[2:22, 12:14] = 20
    assert has_ink(strip, BBox(0, 0, 14, 24), min_px=24)
    assert not has_ink(strip, BBox(0, 0, 14, 24), min_px=41)  # 40 px of ink: counted, not more


def test_ink_extent_keeps_a_stroke_between_its_samples() -> None:
    # a 300 dpi page is looked at in 4 px blocks: a 1's 3 px stem between two sampled columns was left out
    # of the page number's box, and read alone "129" was "29"
    page = np.full((3300, 2400), 250, np.uint8)
    page[1000:1024, 1199:1202] = 20  # the 1: columns 49-51 of the box, between samples 48 and 52
    page[1000:1024, 1216:1232] = 20  # the 29, as a block
    got = ink_extent(page, BBox(1150, 980, 120, 64), pad=2)
    assert got is not None and got.x <= 1199 and got.x + got.w >= 1232
    page[990, 1160] = 20  # a speck of grain: one block, not ink to reach for
    assert ink_extent(page, BBox(1150, 980, 120, 64), pad=2) == got


@pytest.mark.parametrize("grey", [130, 150, 170])
def test_a_faint_print_is_ink_and_faint_grain_is_not(grey: int) -> None:
    # a book photograph's entry numbers, small grey italics, stayed above 128 (2-15 px under it a cell)
    cell = np.full((200, 60), 250, np.uint8)
    cv2.putText(cell, "307", (4, 60), cv2.FONT_HERSHEY_SIMPLEX, 0.6, grey, 2, cv2.LINE_AA)
    box = BBox(0, 0, 60, 200)
    assert (cell < 128).sum() < 12  # faint: the dark test alone misses it
    assert has_ink(cell, box)
    grain = np.full((200, 60), 250, np.uint8)
    rng = np.random.default_rng(7)
    for y, x in zip(rng.integers(0, 196, 60), rng.integers(0, 56, 60), strict=True):
        grain[y : y + 3, x : x + 3] = grey  # specks of grain, 3 px: many, but none a glyph tall
    assert not has_ink(grain, box)
    shade = np.full((200, 60), 250, np.uint8)
    shade[:, :] = np.linspace(150, 250, 60, dtype=np.uint8)[None, :]  # a shadow from the cell's side
    assert not has_ink(shade, box)
    rule = np.full((200, 60), 250, np.uint8)
    rule[20:180, 30:32] = grey  # a rule's remnant: tall but 2 px wide
    assert not has_ink(rule, box)


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


def test_one_unread_title_is_matched_by_elimination() -> None:
    # a short bold "SỐ" in a narrow column came back empty; every other title matched: it is the "Số"
    tpl = template_by_id("ket_hon.tt04_2020")
    titles = [c.title for c in tpl.columns]
    titles[0], titles[1] = titles[1], ""  # printed after the date, and unread
    m = match_header(titles, all_templates())
    assert m is not None and m.columns[1].fields[0].key == "so" and m.columns[0].fields[0].key == "ngayDangKy"
    # a title read only in part (the rest under a stamp: "Cán bộ tư"), every other one matched
    cut = [c.title for c in tpl.columns]
    cut[12] = "Cán bộ tư"
    m = match_header(cut, all_templates())
    assert m is not None and m.columns[12].fields[0].key == "nguoiThucHien"
    # a title garbled beyond reading (unseen Chromium page 277/06: "Ngày, tháng, năm đăng ký" under a stamp)
    cut[12], cut[1] = tpl.columns[12].title, "TƯ n “im ký"
    m = match_header(cut, all_templates())
    assert m is not None and m.columns[1].fields[0].key == "ngayDangKy"
    # a title that reads as another one (a local form's own column) is not taken for the one left
    cut[1], cut[13] = tpl.columns[1].title, "Số CMND người đi khai"
    m = match_header(cut, all_templates())
    assert m is not None and 13 not in m.columns
    # two titles unread: nothing to eliminate, both stay unmapped
    titles[2] = ""
    m = match_header(titles, all_templates())
    assert m is not None and 1 not in m.columns and 2 not in m.columns


def test_a_titles_scrap_of_two_letters_is_unread() -> None:
    # book photograph 1149, a death page: the officer's title under the stamp read "Xe", a word, and the
    # officer was lost on every row; "Số" is a title of two letters and stays one
    read = ["Số", "Ngày, tháng, năm đăng ký", "Họ, chữ đệm, tên người đã chết", "Giới tính", "Ngày, tháng, năm sinh",
            "Dân tộc, quốc tịch", "Giấy tờ tùy thân (loại, số)", "Nơi cư trú cuối cùng",
            "Giờ, phút, ngày, tháng, năm chết", "Nơi chết", "Nguyên nhân chết", "Giấy báo tử (số, ngày, cơ quan cấp)",
            "Họ, chữ đệm, tên người đi khai tử, quan hệ với nguài chết", "Xe", "Ghi chú"]  # fmt: skip
    m = match_header(read, all_templates())
    assert m is not None and m.template.id == "khai_tu.tt04_2020"
    assert m.columns[13].fields[0].key == "nguoiThucHien" and m.columns[0].fields[0].key == "so"


def test_unread_titles_between_matched_ones_take_the_template_columns_between_theirs() -> None:
    # aged seed 1289, a variant edition of the death register (neighbouring columns swapped): "Số" read
    # "gK" under the reverse page, "Giấy tờ tùy thân" read "Giấy ...": entry numbers and ID documents lost
    tpl = template_by_id("khai_tu.tt04_2020")
    titles = [c.title for c in tpl.columns]
    titles[0], titles[6] = "gK", "Giấy ..."
    m = match_header(titles, all_templates())
    assert m is not None and m.columns[0].fields[0].key == "so"
    assert m.columns[6].fields[0].key == "nktLoaiGiayToTuyThan"
    swapped = [c.title for c in tpl.columns]
    swapped[6], swapped[7] = tpl.columns[7].title, "Giấy ..."  # the variant: "Nơi cư trú" printed first
    swapped[0] = ""
    m = match_header(swapped, all_templates())
    assert m is not None and m.columns[0].fields[0].key == "so"
    assert m.columns[7].fields[0].key == "nktLoaiGiayToTuyThan"  # the one left, wherever it stands
    # read as other words (book photograph 1129, curled: "Ng hán túng", nearer "Nguyên nhân chết" matched
    # elsewhere by 6 points than its own title): the one left between its neighbours
    titles = [c.title for c in tpl.columns]
    titles[1] = "Ng hán túng"
    m = match_header(titles, all_templates())
    assert m is not None and m.columns[1].fields[0].key == "ngayDangKy"
    # its first and last words read, the middle garbled (fresh book photograph 1165: "CÁN ng TỊCH", nearer
    # "Dân tộc, quốc tịch" by its letters): the officer's column between its neighbours
    kh = template_by_id("ket_hon.tt04_2020")
    titles = [c.title for c in kh.columns]
    officer = next(j for j, c in enumerate(kh.columns) if c.fields[0].key == "nguoiThucHien")
    titles[officer] = "CÁN ng TỊCH"
    m = match_header(titles, all_templates())
    assert m is not None and m.columns[officer].fields[0].key == "nguoiThucHien"
    titles[officer] = "TƯ tin TỊCH"  # its first word not the title's: no guess
    m = match_header(titles, all_templates())
    assert m is not None and officer not in m.columns
    # three unread titles where the template has two columns between their matched neighbours (an extra
    # column, the ID documents' printed further on): no guess
    titles = [c.title for c in tpl.columns]
    titles = [*titles[:3], "", "", "", titles[5], *titles[7:]]
    assert len(titles) == len(tpl.columns)
    m = match_header(titles, all_templates())
    assert m is not None and not {3, 4, 5} & set(m.columns)


def test_a_title_read_in_part_does_not_decide_between_husband_and_wife() -> None:
    # seed 1129: the husband's title lost its last words under the reverse page's rule ("Họ, chữ đêm,
    # tên"), the wife's read whole. Scored as read, the piece matched only the shorter title (the wife's)
    # and the two name columns swapped; the wife's own title now decides
    tpl = template_by_id("ket_hon.tt04_2020")
    titles = [c.title for c in tpl.columns]
    husband, wife = titles.index("Họ, chữ đệm, tên người chồng"), titles.index("Họ, chữ đệm, tên người vợ")
    titles[husband], titles[wife] = "Ho, chữ đêm, tên", "Họ, chữ đêm, tên người - — vợ"
    m = match_header(titles, all_templates())
    assert m is not None
    assert m.columns[husband].fields[0].key == "chongHoTen" and m.columns[wife].fields[0].key == "voHoTen"
    # read whole, the husband's title still wins over a piece of the wife's
    titles[husband], titles[wife] = "Họ, chữ đệm, tên người chồng", "Họ, chữ đệm, tên"
    m = match_header(titles, all_templates())
    assert m is not None
    assert m.columns[husband].fields[0].key == "chongHoTen" and m.columns[wife].fields[0].key == "voHoTen"


def test_a_title_read_with_its_last_word_is_that_columns_even_printed_out_of_the_templates_order() -> None:
    # phone photograph 1355: an edition printing the father's column before the mother's; the father's
    # title read with "năm" as "n" (a piece of both parents' titles), the mother's with "cư trú của mẹ"
    # garbled. Credited as a piece of both, the father's title took the mother's column by the template's
    # order: both parents swapped on every row, accepted. "cha" read is the father's alone
    tpl = template_by_id("khai_sinh.tt04_2020")
    titles = [c.title for c in tpl.columns]
    mother, father = titles.index(next(t for t in titles if t.endswith("của mẹ"))), titles.index(
        next(t for t in titles if t.endswith("của cha")))
    titles[mother], titles[father] = titles[father], titles[mother]  # the father's printed first
    titles[mother] = "HỌ, CHỮ ĐỆM, TÊN, N SINH, DÂN TỘC, Quốc: TỊCH, NƠI CƯ TRÚ CỦA CHA"
    titles[father] = "HỌ, CHỮ ĐỆM, TÊN, N SINH, DẪN TỘC, QUỐC TỊCH, NƠI = CỦA"
    m = match_header(titles, all_templates())
    assert m is not None
    assert m.columns[mother].fields[0].key == "chaHoTen" and m.columns[father].fields[0].key == "meHoTen"
    # neither read with its last word: the template's order stands
    titles[mother] = "HỌ, CHỮ ĐỆM, TÊN, N SINH, DÂN TỘC, QUỐC TỊCH, NƠI CƯ"
    m = match_header(titles, all_templates())
    assert m is not None
    assert m.columns[mother].fields[0].key == "meHoTen" and m.columns[father].fields[0].key == "chaHoTen"


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


def test_a_margin_line_the_layout_analysis_drops_is_read_alone() -> None:
    # aged 1303: the office printed alone on its line under the book number came back from no automatic read
    # of the margin, and every row of the page lost its registering office; a band of ink no line read
    # covers is read alone (here the register's title, on its own line, dropped by the faked read)
    led = render_ledger(KS_TITLES, [KS_ENTRY], KS_WIDTHS, header_h=230, row_h=230, n_rows=3)
    t = find_table(led.image)
    clean = remove_rules(led.image, t)
    eng = get_engine()
    eng.set_page(clean)

    class DropsTheTitle:
        name = "drops-the-title"

        def read(self, rect: BBox, mode: str = "block") -> list[OcrLine]:
            lines = eng.read(rect, mode)
            return [ln for ln in lines if "KHAI SINH" not in ln.text] if mode == "auto" else lines

    above, _ = read_margins(clean, t, DropsTheTitle())  # type: ignore[arg-type]
    assert [ln.text for ln in above.lines][:1] == ["SỔ ĐĂNG KÝ KHAI SINH"]  # back, in reading order
    assert any("Quyển số: 01/2008" in ln.text for ln in above.lines)
    assert any(ln.text.startswith("UBND xã Hòa Thịnh") for ln in above.lines)


def test_the_head_over_the_table_read_alone_when_the_whole_margin_garbles() -> None:
    # a fresh book photograph (seed 1167, page 11): layout analysis of the whole margin, desk speckle at
    # its sides, gave the office line only; the paper over the table read alone gives the book number
    led = render_ledger(KS_TITLES, [KS_ENTRY], KS_WIDTHS, header_h=230, row_h=230, n_rows=3)
    t = find_table(led.image)
    clean = remove_rules(led.image, t)
    for x in (10, 20, 2380, 2390):  # specks of the desk at the margin's sides, off the table's
        clean[100:104, x : x + 4] = 0
    eng = get_engine()
    eng.set_page(clean)
    lo, hi = t.bbox.x - 40, t.bbox.x + t.bbox.w + 40

    class GarblesWideMargins:
        name = "garbles-wide-margins"

        def read(self, rect: BBox, mode: str = "block") -> list[OcrLine]:
            lines = eng.read(rect, mode)
            beyond = rect.x < lo or rect.x + rect.w > hi
            return [ln for ln in lines if ln.text.startswith("UBND")] if beyond else lines

    fake = GarblesWideMargins()
    above, _ = read_margins(clean, t, fake)  # type: ignore[arg-type]
    assert not any("Quyển số" in ln.text for ln in above.lines)
    head = read_head(clean, t, fake, 40)  # type: ignore[arg-type]
    assert any("Quyển số: 01/2008" in ln.text for ln in head.lines)
    assert all(lo <= ln.bbox.x and ln.bbox.x + ln.bbox.w <= hi for ln in head.lines)
    # a margin no wider than the table and its pad: nothing new to read
    narrow = np.ascontiguousarray(led.image[:, t.bbox.x - 10 : t.bbox.x + t.bbox.w + 10])
    t2 = find_table(narrow)
    assert t2 is not None
    assert read_head(remove_rules(narrow, t2), t2, fake, 40).lines == []  # type: ignore[arg-type]


KH_TITLES = [
    "Số", "Ngày, tháng, năm đăng ký", "Họ, chữ đệm, tên người chồng", "Ngày, tháng, năm sinh",
    "Dân tộc, quốc tịch", "Nơi cư trú", "Giấy tờ tùy thân (loại, số)", "Họ, chữ đệm, tên người vợ",
    "Ngày, tháng, năm sinh", "Dân tộc, quốc tịch", "Nơi cư trú", "Giấy tờ tùy thân (loại, số)",
    "Cán bộ tư pháp - hộ tịch", "Ghi chú",
]  # fmt: skip
KH_ENTRY = [
    "631", "30.10.2020", "NGUYỄN NGỌC MINH", "24.01.1988", "Kinh, Việt Nam", "X. Đạ Tông", "CCCD: 068088417974",
    "NGUYỄN MINH THƠ", "10.01.1986", "Kinh, Việt Nam", "X. Tân Dân", "CCCD: 033186207118", "HUỲNH THỊ GIANG", "",
]  # fmt: skip


def _two_level_ledger(number_row: bool = False) -> tuple[np.ndarray, list[int], list[int]]:
    """A marriage ledger whose titles sit under a "Bên chồng" / "Bên vợ" group row (columns 2-6 and 7-11):
    the group rule spans those ten columns only, ~75 % of the width; Số, the date and the last two
    columns' titles span both bands, the rules between grouped columns start under the group row."""
    widths = [4, 8, 11, 8, 8, 10, 10, 11, 8, 8, 10, 10, 9, 7]
    W, H = 2600, 1900
    img = Image.new("L", (W, H), 255)
    d = ImageDraw.Draw(img)
    fb, f = font(22, bold=True), font(24)
    cols = [80]
    for w in widths:
        cols.append(cols[-1] + round((W - 160) * w / sum(widths)))
    top, group, head = 230, 300, 500
    rows = [top, group, head] + ([head + 44] if number_row else [])
    rows += [rows[-1] + 200 * (k + 1) for k in range(4)]
    d.text((W // 2, 70), "SỔ ĐĂNG KÝ KẾT HÔN", font=font(36, bold=True), fill=0, anchor="mm")
    d.text((cols[0], 140), "UBND xã Đạ Tông, huyện Đam Rông, tỉnh Lâm Đồng", font=f, fill=0)
    d.text((W - 500, 140), "Quyển số: 01/2020", font=f, fill=0)
    for label, (a, b) in (("Bên chồng", (2, 7)), ("Bên vợ", (7, 12))):
        d.text(((cols[a] + cols[b]) // 2, (top + group) // 2), label, font=fb, fill=0, anchor="mm")
    for c, t in enumerate(KH_TITLES):
        y0 = group if 2 <= c < 12 else top
        lines = wrap(t, fb, cols[c + 1] - cols[c] - 14)
        ty = (y0 + head) // 2 - len(lines) * 14
        for k, ln in enumerate(lines):
            d.text(((cols[c] + cols[c + 1]) // 2, ty + 28 * k), ln, font=fb, fill=0, anchor="ma")
        if number_row:
            d.text(((cols[c] + cols[c + 1]) // 2, head + 10), f"({c + 1})", font=f, fill=0, anchor="ma")
    first = 3 if number_row else 2
    for r in range(first, first + 2):
        for c, t in enumerate(KH_ENTRY):
            for k, ln in enumerate(wrap(t, f, cols[c + 1] - cols[c] - 20)):
                d.text((cols[c] + 10, rows[r] + 12 + 32 * k), ln, font=f, fill=0)
    d.text((W // 2, rows[-1] + 60), "Trang 7", font=f, fill=0, anchor="mm")
    for k, y in enumerate(rows):
        a, b = (cols[2], cols[12]) if k == 1 else (cols[0], cols[-1])  # the group rule is partial
        d.rectangle([a, y - 1, b, y + 1], fill=0)
    for c, x in enumerate(cols):
        y0 = group if c in (3, 4, 5, 6, 8, 9, 10, 11) else top  # no rule inside a group label's cell
        d.rectangle([x - 1, y0, x + 1, rows[-1]], fill=0)
    return np.array(img), cols, rows


@pytest.mark.parametrize("number_row", [False, True], ids=["titles", "titles+numbers"])
def test_two_level_header_spans_group_and_title_bands(number_row: bool) -> None:
    image, cols, rows = _two_level_ledger(number_row)
    t = find_table(image)
    assert t is not None and t.n_cols == 14
    assert max(abs(a - b) for a, b in zip(t.rows, rows, strict=True)) <= 2  # the group rule is a row
    assert t.title_bands == 2 and t.header_rows == (3 if number_row else 2)
    # grouped columns' titles start under the group rule, the others' at the table top
    assert [abs(y - rows[1]) <= 2 for y in t.title_tops] == [2 <= c < 12 for c in range(14)]
    box = title_box(t, 0, 2)
    assert box.y < rows[1] and box.y + box.h < rows[2] and box.h > rows[2] - rows[0] - 20
    clean = remove_rules(image, t)
    eng = get_engine()
    eng.set_page(clean)
    m = match_header(read_header(clean, t, eng), all_templates())
    assert m is not None and m.template.id == "ket_hon.tt04_2020" and m.header_rows == t.header_rows
    keys = {i: c.fields[0].key for i, c in m.columns.items()}
    assert keys[0] == "so" and keys[2] == "chongHoTen" and keys[7] == "voHoTen" and keys[12] == "nguoiThucHien"
    # the first entry row is the first band under the header
    assert has_ink(clean, cell_box(t, m.header_rows, 2)) and not has_ink(clean, cell_box(t, m.header_rows + 2, 2))


def test_a_short_first_entry_row_is_no_column_number_row() -> None:
    """Sample seed 139: a first entry of two lines under entries of three and four is shorter than 0.6 of
    the median entry, but no thinner than the shortest: an entry, not a "(1) (2) ..." row."""
    W, lw = 2000, 4
    ys = [200, 390, 536, 792, 993, 1249, 1505, 1706, 1852, 2107]  # the rows of that page, titles first
    img = np.full((2300, W), 255, np.uint8)
    xs = [100 + 300 * k for k in range(7)]
    for y in ys:
        img[y - lw // 2 : y + lw - lw // 2, xs[0] : xs[-1] + 1] = 0
    for x in xs:
        img[ys[0] : ys[-1] + 1, x - lw // 2 : x + lw - lw // 2] = 0
    t = find_table(img)
    assert t is not None and t.header_rows == 1 and t.n_bands == 9
    thin = ys[:2] + [y + 90 for y in ys[2:]]  # a real number row: 46 px under the titles, rows kept
    thin[2] = ys[1] + 46
    img = np.full((2400, W), 255, np.uint8)
    for y in thin:
        img[y - lw // 2 : y + lw - lw // 2, xs[0] : xs[-1] + 1] = 0
    for x in xs:
        img[thin[0] : thin[-1] + 1, x - lw // 2 : x + lw - lw // 2] = 0
    t = find_table(img)
    assert t is not None and t.header_rows == 2


def test_underline_in_header_is_no_group_rule() -> None:
    """A partial rule in the header band with every column rule crossing it (an underline under a few
    titles, a stamp's edge) splits no band: the header stays one band."""
    led = render_ledger(KS_TITLES, [KS_ENTRY] * 2, KS_WIDTHS, header_h=230, row_h=230, n_rows=3)
    img = led.image.copy()
    y = led.rows[0] + 40
    img[y - 1 : y + 2, led.cols[2] : led.cols[9]] = 0  # ~50 % of the width, across 7 columns
    t = find_table(img)
    assert t is not None and t.n_bands == 4 and t.header_rows == 1 and t.title_bands == 1


STEM_TOP, STEM_H, PITCH = 520, 36, 50  # four lines of 12 pt caps at 300 dpi, line height 1.0 (dense)


def _stroke_page(pad: int) -> tuple[np.ndarray, int, int]:
    """A 6-column grid (titles, a thin number row, 3 entry rows) with, in one cell, stacked upright strokes
    ``pad`` px right of a column rule (the first letters of wrapped lines: D, P, K ... in a cell with small
    padding). The thin row once shrank the rule-removal kernel below a letter's height. Returns image,
    stroke x, rule x."""
    W, H, lw = 2400, 1700, 4
    img = np.full((H, W), 255, np.uint8)
    xs = [100 + 366 * k for k in range(7)]
    ys = [200, 456, 500, 800, 1100, 1400]  # titles, a thin column-number row, 3 entry rows
    for y in ys:
        img[y - lw // 2 : y + lw - lw // 2, xs[0] : xs[-1] + 1] = 0
    for x in xs:
        img[ys[0] : ys[-1] + 1, x - lw // 2 : x + lw - lw // 2] = 0
    rule_x = xs[2]
    sx = rule_x + lw // 2 + pad
    for k in range(4):
        y0 = STEM_TOP + k * PITCH
        img[y0 : y0 + STEM_H, sx : sx + 5] = 0  # a letter's stem, 5 px thick
        img[y0 : y0 + 5, sx : sx + 24] = 0  # its top bar
    return img, sx, rule_x


@pytest.mark.parametrize("pad", [9, 4, 1], ids=["pad9", "pad4", "touching"])
def test_letter_stroke_next_to_rule_survives(pad: int) -> None:
    img, sx, rule_x = _stroke_page(pad)
    t = find_table(img)
    assert t is not None and t.n_cols == 6 and t.n_bands == 5 and t.header_rows == 2
    clean = remove_rules(img, t)
    y0, y1 = STEM_TOP, STEM_TOP + 3 * PITCH + STEM_H
    # the rule is gone along the whole cell, the stems stay (all but a px where one touches the rule)
    assert (clean[t.rows[0] + 8 : t.rows[-1] - 8, rule_x - 2 : rule_x + 3] < 128).mean() < 0.02
    keep = 1 if pad <= 1 else 0
    stems = clean[y0:y1, sx + keep : sx + 5] < 128
    assert stems.sum() >= 0.97 * (img[y0:y1, sx + keep : sx + 5] < 128).sum()
    assert (clean[y0 : y0 + 5, sx + 5 : sx + 24] < 128).all()  # the top bar too


def test_rules_removed_on_skewed_blurred_page() -> None:
    """Rule removal follows a rule the deskew left slightly slanted, and takes its blurred fringe."""
    img, sx, _ = _stroke_page(9)
    h, w = img.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), 0.08, 1.0)
    img = cv2.GaussianBlur(cv2.warpAffine(img, m, (w, h), borderValue=255), (5, 5), 1.2)
    t = find_table(img)
    assert t is not None and t.n_cols == 6
    clean = remove_rules(img, t)
    for x in t.cols[1:-1]:
        assert (clean[t.rows[0] + 10 : t.rows[-1] - 10, x - 6 : x + 7] < 160).mean() < 0.01
    for y in t.rows[1:-1]:
        assert (clean[y - 6 : y + 7, t.cols[0] + 10 : t.cols[-1] - 10] < 160).mean() < 0.01
    box = cell_box(t, 2, 2)
    assert (clean[box.y : box.y + box.h, box.x : box.x + box.w] < 128).sum() > 0.9 * 4 * 36 * 5


def test_page_number_close_under_small_table_found() -> None:
    """A 150 dpi page whose page number sits a few px under the table (A4, small margins): the foot's
    ink is found although it lies at the region's top edge, and is read."""
    led = render_ledger(KS_TITLES, [KS_ENTRY], KS_WIDTHS, size=(2400, 1800), header_h=230, row_h=230,
                        n_rows=2, page_no="")  # fmt: skip
    img = led.image.copy()
    bottom = led.rows[-1]
    d = Image.fromarray(img)
    ImageDraw.Draw(d).text((1200, bottom + 16), "125", font=font(30), fill=0, anchor="ma")
    img = np.array(d)[: bottom + 120]
    small = cv2.resize(img, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    small = (110 + small.astype(np.float32) * (200 - 110) / 255).astype(np.uint8)  # low contrast
    t = find_table(small)
    assert t is not None
    clean = remove_rules(small, t)
    H, W = clean.shape
    y0 = t.bbox.y + t.bbox.h + t.line_w + 6
    assert ink_extent(clean, BBox(0, y0, W, H - y0)) is not None
    eng = get_engine()
    eng.set_page(clean)
    _, below = read_margins(clean, t, eng)
    foot = below.lines or read_foot(clean, t, eng).lines
    assert [ln.text.strip() for ln in foot] == ["125"]


def _sheet_with_a_corner_number(rng: np.random.Generator, edge: int) -> tuple[np.ndarray, Table, BBox]:
    """A two-row ledger on a tall sheet: its page number at the foot's right corner, far under the table,
    beside the sheet's grainy shadowed edge, with a speckled band across the foot (a photograph's grain).
    With the number's box."""
    led = render_ledger(KS_TITLES, [KS_ENTRY], KS_WIDTHS, size=(2400, 2400), n_rows=2, page_no="")
    d = Image.fromarray(led.image.copy())
    ImageDraw.Draw(d).text((2200, 2150), "122", font=font(24), fill=0, anchor="rm")
    img = np.array(d)
    # the edge's shadow, as near the number as a word space; grain as high as a line: single dark pixels
    img[:, edge:] = np.where(rng.random((2400, 2400 - edge)) < 0.6, 60, 200).astype(np.uint8)
    for x in (100, 500, 900):  # patches of grain, each as big as a word
        patch = img[1900:1940, x : x + 200]
        patch[rng.random(patch.shape) < 0.02] = 0
    t = find_table(img)
    assert t is not None
    return remove_rules(img, t), t, BBox(2150, 2135, 60, 30)


def test_the_foots_print_runs_are_the_text_not_the_grain_or_the_edge() -> None:
    gray, t, number = _sheet_with_a_corner_number(np.random.default_rng(7), edge=2225)
    paper = paper_margin(gray, t, above=False)
    assert paper is not None
    runs = print_runs(gray, paper, text_h=24)
    assert len(runs) == 1 and runs[0].overlap(number) > 0.9  # the grain and the tall shadow are no print
    blank = np.full_like(gray, 255)
    assert print_runs(blank, paper, text_h=24) == []


@pytest.mark.slow
def test_a_page_number_at_the_sheets_corner_is_read_run_by_run() -> None:
    gray, t, _ = _sheet_with_a_corner_number(np.random.default_rng(7), edge=2260)
    eng = get_engine()
    eng.set_page(gray)
    assert "122" not in " ".join(ln.text for ln in read_foot(gray, t, eng).lines)  # not in the middle third
    assert [ln.text.strip() for ln in read_foot_print(gray, t, eng, text_h=24).lines] == ["122"]


def test_paper_margins_end_at_the_sheets_dark_edges() -> None:
    t = find_table(render_ledger(KS_TITLES, [KS_ENTRY], KS_WIDTHS, n_rows=2).image)
    assert t is not None
    gray = np.full((1500, 2400), 255, np.uint8)
    top, bottom = t.bbox.y - t.line_w - 6, t.bbox.y + t.bbox.h + t.line_w + 6
    assert paper_margin(gray, t, above=False) == BBox(0, bottom, 2400, 1500 - bottom)  # blank to the page's bounds
    assert paper_margin(gray, t, above=True) == BBox(0, 0, 2400, top)
    gray[bottom + 100 : bottom + 130, t.bbox.x + 900 : t.bbox.x + 1100] = 0  # print: a fraction of the width
    gray[bottom + 200 : bottom + 204, :] = 0  # a printed rule across the page: thin
    assert paper_margin(gray, t, above=False) == BBox(0, bottom, 2400, 1500 - bottom)
    gray[1200:1260, :] = 40  # the sheet's shadowed bottom edge, across the table
    gray[:, 20:40] = 40  # its left edge
    gray[:, 2380:] = 40  # and its right one, past the table's side
    gray[:60, :] = 40  # and the top one
    box = paper_margin(gray, t, above=False)
    assert box is not None and box.y == bottom and 1198 <= box.y + box.h <= 1202  # rows sampled every 2nd px
    assert 38 <= box.x <= 42 and 2376 <= box.x + box.w <= 2380  # to the last clear sample (every 2nd px)
    up = paper_margin(gray, t, above=True)
    assert up is not None and 58 <= up.y <= 62 and up.y + up.h == top and 38 <= up.x <= 42
    assert paper_margin(gray[: bottom + 4], t, above=False) is None  # no room under the table


def test_foot_ink_is_the_print_under_the_table_on_the_paper() -> None:
    t = find_table(render_ledger(KS_TITLES, [KS_ENTRY], KS_WIDTHS, n_rows=2).image)
    assert t is not None
    gray = np.full((1500, 2400), 255, np.uint8)
    bottom = t.bbox.y + t.bbox.h + t.line_w + 6
    assert foot_ink(gray, t) is None  # a blank foot
    gray[bottom + 300 : bottom + 324, 2200:2230] = 0  # a small page number at the outer corner
    gray[1440:, :] = 40  # the sheet's shadowed bottom edge: no print
    box = foot_ink(gray, t)
    assert box is not None and box.x <= 2200 < 2230 <= box.x + box.w and box.y <= bottom + 300
    assert box.y + box.h < 1440


def test_paper_margin_on_a_large_page_with_a_fading_shadow_and_speckle() -> None:
    """Every 4th pixel sampled (a page over 3000 px): the edge's fading shadow is left out, and a margin
    speckled a little (3 %) is still paper: the back-off over the shadow stops within an edge's thickness."""
    led = render_ledger(KS_TITLES, [KS_ENTRY], KS_WIDTHS, size=(4000, 3000), n_rows=2)
    t = find_table(led.image)
    assert t is not None
    rng = np.random.default_rng(3)
    gray = np.where(rng.random((3000, 4000)) < 0.03, 0, 255).astype(np.uint8)  # speckled paper
    bottom = t.bbox.y + t.bbox.h + t.line_w + 6
    for k, y in enumerate(range(2500, 2540, 4)):  # the shadow darkens over 40 px, then the edge
        gray[y : y + 4, :] = np.where(rng.random((4, 4000)) < 0.05 + 0.04 * k, 0, 255)
    gray[2540:2640, :] = 30
    gray[2640:, :] = 200  # the desk beyond: any tone
    box = paper_margin(gray, t, above=False)
    assert box is not None and box.y == bottom and 2460 <= box.y + box.h <= 2540
    assert (box.x, box.x + box.w) == (0, 4000)  # no side edge: the page's width


@pytest.mark.slow
def test_page_number_far_under_a_short_table_of_a_photographed_sheet_read_on_the_paper() -> None:
    """A3 sheet with two entries photographed on a desk: the page number is printed at the sheet's foot,
    far under the table, and the desk's speckle under the sheet garbled the whole foot's reading. The foot
    read on the paper only, down to the sheet's edge, finds it."""
    from pipeline.preprocess import upright
    from pipeline.samples.degrade import photograph

    led = render_ledger(KS_TITLES, [KS_ENTRY, KS_ENTRY], KS_WIDTHS, size=(4200, 2970), font_px=40, header_h=320,
                        row_h=280, n_rows=2, page_no="")  # fmt: skip
    d = Image.fromarray(led.image)
    ImageDraw.Draw(d).text((2100, 2780), "Trang 87", font=font(46), fill=0, anchor="mm")
    photo, _, _ = photograph(np.array(d), np.random.default_rng(5))
    eng = get_engine()
    up = upright(photo, eng)
    assert up.perspective
    t = find_table(up.image)
    assert t is not None
    clean = remove_rules(up.image, t)
    eng.set_page(clean)
    paper = paper_margin(clean, t, above=False)
    assert paper is not None and paper.y + paper.h < clean.shape[0] - 50  # the sheet ends above the photo's
    _, below = read_margins(clean, t, eng)
    assert [ln.text.strip() for ln in below.lines] == ["Trang 87"]


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


def _slanted_book_edge() -> tuple[np.ndarray, list[int], list[int]]:
    """A ledger whose left rules lean as a book photograph's near the binding do once the page is
    straightened (fresh book seed 1069): the frame found twice, 14 px apart, and the third column's rule
    leaning across the header band (20 px over 330, as there)."""
    led = render_ledger(KS_TITLES, [KS_ENTRY] * 2, KS_WIDTHS, size=(2400, 1700), header_h=330, row_h=230, n_rows=3)
    img = led.image.copy()
    x, r0, r1 = led.cols[0], led.rows[0], led.rows[-1]
    img[r0:r1, x + 14 : x + 17] = 0  # the frame's second finding
    x3, h0, h1 = led.cols[3], led.rows[0] + 3, led.rows[1] - 3
    img[h0:h1, x3 - 3 : x3 + 4] = 255  # the third column's rule, leaning over the header band
    for y in range(h0, h1):
        lean = round(20 * (h1 - y) / (h1 - h0))
        img[y, x3 - lean - 1 : x3 - lean + 2] = 0
    return img, led.cols, led.rows


def test_a_rule_leaning_across_the_header_makes_no_group_row() -> None:
    # the leaning rule had left the strip it was looked for in, so the header band read as a group row
    # over the first entry, whose values were read as the titles: the page was quarantined
    img, cols, rows = _slanted_book_edge()
    t = find_table(img)
    assert t is not None and t.header_rows == 1 and t.title_bands == 1


def test_a_sliver_column_joins_its_neighbour_once_the_rules_are_gone() -> None:
    img, cols, _ = _slanted_book_edge()
    t = find_table(img)
    assert t is not None and t.n_cols == len(cols)  # the sliver: one column more than printed
    joined = without_slivers(t)
    assert joined.n_cols == len(cols) - 1 and joined.cols == t.cols[1:]  # at the edge: dropped
    assert len(joined.title_tops) == joined.n_cols
    clean = remove_rules(img, t)
    eng = get_engine()
    eng.set_page(clean)
    m = match_header(read_header(clean, joined, eng), all_templates())
    assert m is not None and m.columns[0].fields[0].key == "so"
    assert without_slivers(joined) is joined  # nothing left to join
    # inside the table, a sliver joins its narrower neighbour
    cols = [*t.cols[1:4], t.cols[4] - 12, *t.cols[4:]]  # a sliver left of the fourth rule
    got = without_slivers(replace(t, cols=cols, title_tops=list(range(len(cols) - 1))))
    narrower_right = cols[5] - cols[4] < cols[3] - cols[2]
    assert got.cols == [c for c in cols if c != (cols[4] if narrower_right else cols[3])]
    assert got.title_tops == [k for k in range(len(cols) - 1) if k != 3]  # the sliver's own goes


def test_a_narrow_column_that_holds_the_entry_numbers_is_no_sliver() -> None:
    # a book photograph's "Số": 40 px beside a median of 208 (fresh book seed 1091), dropped as a sliver
    # with every entry number of the page; its rows hold digits, where one leaning rule found twice holds
    # only the rule's leftover
    led = render_ledger(KS_TITLES, [KS_ENTRY] * 3, [1, *KS_WIDTHS[1:]], size=(5040, 1500))
    t = find_table(led.image)
    assert t is not None and t.cols[1] - t.cols[0] < SLIVER_COLUMN * float(np.median(np.diff(t.cols)))
    clean = remove_rules(led.image, t)
    h = text_height(clean)
    assert without_slivers(t, clean, h) is t
    assert without_slivers(t).cols == t.cols[1:]  # on widths alone, it is one
    # a book's last page: three entries over eight ruled rows; the empty rows do not count against it
    last = render_ledger(KS_TITLES, [KS_ENTRY] * 3, [1, *KS_WIDTHS[1:]], size=(5040, 2000), n_rows=8)
    t = find_table(last.image)
    assert t is not None and t.n_bands - t.header_rows == 8
    clean = remove_rules(last.image, t)
    assert without_slivers(t, clean, text_height(clean)) is t
    edge, _, _ = _slanted_book_edge()
    sliver = find_table(edge)
    assert sliver is not None
    gray = remove_rules(edge, sliver)
    assert without_slivers(sliver, gray, text_height(gray)).cols == sliver.cols[1:]


def test_a_joined_sliver_takes_its_neighbours_title_top() -> None:
    # a two-level header: the sliver (never under the group rule) starts its title at the table top; the
    # joined column keeps its real neighbour's, under the group label
    t = Table(bbox=BBox(0, 0, 900, 400), cols=[0, 120, 320, 330, 520, 720, 900], rows=[0, 60, 200, 400],
              title_tops=[0, 60, 0, 60, 60, 0])  # fmt: skip
    got = without_slivers(t)
    assert got.cols == [0, 120, 320, 520, 720, 900] and got.title_tops == [0, 60, 60, 60, 0]
    edge = without_slivers(replace(t, cols=[0, 200, 400, 600, 890, 900], title_tops=[0, 0, 0, 0, 0]))
    assert edge.cols == [0, 200, 400, 600, 890] and len(edge.title_tops) == 4 and edge.bbox.w == 890


def test_a_reverse_side_rule_under_the_titles_makes_no_group_row() -> None:
    # aged seed 1299: the reverse page's frame showed beside the table's (a sliver no header rule
    # crosses) and one of its rules ran down the last column under the titles only; the titles' band
    # was read as a group row and the first entry as the titles: the page was quarantined
    led = render_ledger(KS_TITLES, [KS_ENTRY] * 2, KS_WIDTHS, size=(2400, 1700), header_h=330, row_h=200, n_rows=3)
    img = led.image.copy()
    top, first, bottom = led.rows[0], led.rows[1], led.rows[-1]
    img[top:bottom, led.cols[0] - 46 : led.cols[0] - 43] = 0  # the reverse page's frame, joined to the
    img[top : top + 3, led.cols[0] - 46 : led.cols[0]] = 0  # table's at its top and foot
    img[bottom - 2 : bottom + 1, led.cols[0] - 46 : led.cols[0]] = 0
    img[first:bottom, led.cols[-1] - 46 : led.cols[-1] - 43] = 0  # its rule, crossing the entries only
    t = find_table(img)
    assert t is not None and t.header_rows == 1 and t.title_bands == 1
    assert abs(t.rows[1] - first) <= 3  # the entries start under the titles' band
    # a real group row is thinner than the titles under it, and still found (test above)


def test_a_box_inside_another_and_their_overlap() -> None:
    small, big = BBox(10, 10, 10, 10), BBox(0, 0, 40, 20)
    assert small.inside(big) == 1.0 and big.inside(small) == 100 / 800  # share of the box itself
    assert small.overlap(big) == big.overlap(small) == 1.0  # share of the smaller box
    assert BBox(0, 0, 10, 10).inside(BBox(20, 20, 5, 5)) == 0.0
    assert BBox(0, 0, 10, 10).inside(BBox(5, 0, 10, 10)) == 0.5
