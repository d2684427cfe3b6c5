"""Extract: splitting a cell's OCR lines into its fields, with boxes and confidences traced to lines."""

from __future__ import annotations

import pytest

from pipeline.extract import fold, split_cell
from pipeline.model import BBox, OcrLine
from pipeline.templates import ColumnSpec, template_by_id


def _lines(*texts: str, conf: float = 0.9) -> list[OcrLine]:
    return [OcrLine(t, conf, BBox(100, 200 + 50 * i, 400, 40)) for i, t in enumerate(texts)]


def _column(template: str, split: str | None, index: int = 0) -> ColumnSpec:
    cols = [c for c in template_by_id(template).columns if c.split == split]
    return cols[index]


def test_fold_keeps_length_and_strips_marks() -> None:
    s = "Nguyễn Thị Đào, Quốc tịch"
    assert fold(s) == "nguyen thi dao, quoc tich" and len(fold(s)) == len(s)


def test_person_block_splits_on_labels_and_traces_boxes() -> None:
    col = _column("khai_sinh.tt04_2020", "person_block")
    parts = split_cell(col, _lines("TRẦN THỊ LAN, sinh năm 1962", "Dân tộc: Kinh; Quốc tịch: Việt Nam",
                                   "Nơi cư trú: xã Hòa Thịnh, huyện", "Tây Hòa, tỉnh Phú Yên"))
    assert parts["meHoTen"].raw == "TRẦN THỊ LAN"
    assert parts["meNgaySinh"].raw == "1962"
    assert (parts["meDanToc"].raw, parts["meQuocTich"].raw) == ("Kinh", "Việt Nam")
    assert parts["meNoiCuTru"].raw == "xã Hòa Thịnh, huyện\nTây Hòa, tỉnh Phú Yên"
    assert parts["meNoiCuTru"].bbox == BBox(100, 300, 400, 90)  # lines 3 and 4
    assert parts["meHoTen"].bbox == BBox(100, 200, 400, 40)


def test_person_block_labels_with_their_space_read_as_a_dot() -> None:
    col = _column("khai_sinh.tt04_2020", "person_block")
    parts = split_cell(col, _lines("TRẦN THỊ LAN, sinh năm 1962", "Dân.tộc: Kinh; Quốc.tịch: Việt Nam",
                                   "Nơi cư trú: xã Hòa Thịnh, huyện", "Tây Hòa, tỉnh Phú Yên"))
    assert (parts["meDanToc"].raw, parts["meQuocTich"].raw) == ("Kinh", "Việt Nam")


def test_a_field_sharing_a_line_takes_its_own_words_confidence_and_box() -> None:
    from pipeline.ocr.engine import make_line

    col = _column("khai_sinh.tt04_2020", "person_block")
    words = [("Dân", 40.0, BBox(0, 50, 30, 20)), ("tộc:", 50.0, BBox(35, 50, 30, 20)),
             ("Kinh;", 97.0, BBox(70, 50, 40, 20)), ("Quốc", 90.0, BBox(120, 50, 40, 20)),
             ("tịch:", 90.0, BBox(165, 50, 30, 20)), ("Việt", 80.0, BBox(200, 50, 30, 20)),
             ("Nam", 70.0, BBox(235, 50, 30, 20))]  # fmt: skip
    head = make_line([("LÊ", 95.0, BBox(0, 0, 20, 20)), ("AN", 85.0, BBox(25, 0, 20, 20))])
    parts = split_cell(col, [head, make_line(words)])
    assert parts["meDanToc"].raw == "Kinh"
    assert parts["meDanToc"].confidence == pytest.approx(0.97)  # not the faint label's
    assert parts["meDanToc"].bbox == BBox(70, 50, 40, 20)
    assert parts["meQuocTich"].confidence == pytest.approx(0.75)
    assert parts["meQuocTich"].bbox == BBox(200, 50, 65, 20)
    assert parts["meHoTen"].confidence == pytest.approx(0.9)
    # each word the figure is the mean of, for the normalizer to weigh (a surname the lexicon settles)
    assert parts["meHoTen"].words == (("LÊ", pytest.approx(0.95)), ("AN", pytest.approx(0.85)))
    assert parts["meQuocTich"].words == (("Việt", pytest.approx(0.8)), ("Nam", pytest.approx(0.7)))


def test_person_block_labels_survive_ocr_diacritic_errors() -> None:
    col = _column("khai_sinh.tt04_2020", "person_block", 1)
    parts = split_cell(col, _lines("LÊ VĂN HÙNG, sinh ngày 05/04/1960", "Dân tôc: Tày; Quôc tịch: Việt Nam",
                                   "Trú tại: Phường 4, Quận 5, TP.HCM"))
    assert parts["chaNgaySinh"].raw == "05/04/1960"
    assert parts["chaDanToc"].raw == "Tày" and parts["chaQuocTich"].raw == "Việt Nam"
    assert parts["chaNoiCuTru"].raw == "Phường 4, Quận 5, TP.HCM"
    # an unseen Chromium page: "Trú" read "Trí", the colon kept
    parts = split_cell(col, _lines("LÊ THỊ AN", "Quốc tịch: Việt", "Nam", "Trí tại: Phường Hội Thương,", "thành phố Pleiku"))
    assert parts["chaQuocTich"].raw == "Việt\nNam"
    assert parts["chaNoiCuTru"].raw == "Phường Hội Thương,\nthành phố Pleiku"


def test_unknown_parent_gives_empty_fields() -> None:
    col = _column("khai_sinh.tt04_2020", "person_block", 1)
    assert all(p.raw == "" for p in split_cell(col, []).values())


def test_confidence_is_weighted_by_characters_of_each_line() -> None:
    col = _column("khai_sinh.tt04_2020", "date_digits_then_words")
    lines = [OcrLine("15/03/1987", 0.5, BBox(0, 0, 10, 10)), OcrLine("mười lăm tháng ba", 1.0, BBox(0, 20, 10, 10))]
    parts = split_cell(col, lines)
    assert parts["nksNgaySinh"].confidence == pytest.approx(0.5)
    assert parts["nksNgaySinhBangChu"].confidence == pytest.approx(1.0)
    assert parts["nksNgaySinhBangChu"].raw == "mười lăm tháng ba"


@pytest.mark.parametrize(
    ("split", "lines", "expected"),
    [
        ("name_then_relation", ["NGUYỄN VĂN AN", "Quan hệ: cha"], ["NGUYỄN VĂN AN", "cha"]),
        # the label's space read as a dot (aged seed 1277): the name's third line had gone to the relation
        ("name_then_relation", ["TRẦN THỊ", "PHƯƠNG", "GIANG", "Quan.hệ:", "con „"], ["TRẦN THỊ\nPHƯƠNG\nGIANG", "con „"]),
        ("name_then_relation", ["NGUYỄN VĂN AN - ông nội"], ["NGUYỄN VĂN AN", "ông nội"]),
        ("name_then_relation", ["PHẠM KIM", "KHÁNH - mẹ"], ["PHẠM KIM\nKHÁNH", "mẹ"]),
        ("name_then_relation", ["LÊ VĂN", "AN", "Mẹ đẻ"], ["LÊ VĂN\nAN", "Mẹ đẻ"]),
        ("ethnicity_nationality", ["Kinh, Việt", "Nam"], ["Kinh", "Việt\nNam"]),
        ("ethnicity_nationality", ["Kinh, Việt Nam"], ["Kinh", "Việt Nam"]),
        ("ethnicity_nationality", ["Mường", "Việt Nam"], ["Mường", "Việt Nam"]),
        ("ethnicity_nationality", ["Dân.tộc: Kinh", "Quốc.tịch: Việt Nam"], ["Kinh", "Việt Nam"]),  # spaces read as dots
        ("id_document", ["CMND số 024187000"], ["CMND", "024187000"]),
        ("id_document", ["CCCD: 079 187 000 123"], ["CCCD", "079 187 000 123"]),
        ("time_then_date", ["10 giờ 30 phút", "ngày 05/03/2010"], ["10 giờ 30 phút", "ngày 05/03/2010"]),
        ("time_then_date", ["10 giờ 30 phút, 05/03/2010"], ["10 giờ 30 phút", "05/03/2010"]),
        ("death_notice", ["Số 12/GBT", "ngày 05/03/2010", "Bệnh viện Đa khoa tỉnh Phú Yên"],
         ["12/GBT", "ngày 05/03/2010", "Bệnh viện Đa khoa tỉnh Phú Yên"]),
    ],
)
def test_splitters(split: str, lines: list[str], expected: list[str]) -> None:
    template = "khai_sinh.tt04_2020" if split == "name_then_relation" else "khai_tu.tt04_2020"
    col = _column(template, split)
    parts = split_cell(col, _lines(*lines))
    assert [parts[f.key].raw for f in col.fields] == expected


def test_unknown_splitter_is_a_clear_error() -> None:
    col = ColumnSpec(title="X", fields=template_by_id("khai_tu.tt04_2020").columns[0].fields, split="nope")
    with pytest.raises(ValueError, match="unknown splitter"):
        split_cell(col, _lines("1"))


# Cells as Tesseract read them on Chromium-typeset ledgers (bench/ocr_foreign.py): italic slashes, a dash
# read as "~", a grouped ID number wrapped, the first letter of a label lost at the cell's edge.
OCR_CELLS = [
    ("date_digits_then_words", ["8/4I2024", "Ngày tám tháng tư"], ["8/4I2024", "Ngày tám tháng tư"]),
    ("date_digits_then_words", ["7⁄11/1998", "ngày bảy tháng mười một"], ["7⁄11/1998", "ngày bảy tháng mười một"]),
    ("date_digits_then_words", ["20/4l2024", "hai mươi"], ["20/4l2024", "hai mươi"]),
    # every "/" read as 1: still the digit date (the normalizer decides), not words
    ("date_digits_then_words", ["271112008", "hai mươi bảy tháng một"], ["271112008", "hai mươi bảy tháng một"]),
    ("date_digits_then_words", ["mười lăm tháng ba năm", "một nghìn"], ["", "mười lăm tháng ba năm\nmột nghìn"]),
    ("name_then_relation", ["NGUYÊN MINH ĐẠT", "~ CON"], ["NGUYÊN MINH ĐẠT", "CON"]),
    ("name_then_relation", ["NGUYỄN GIA HẰNG ~ con"], ["NGUYỄN GIA HẰNG", "con"]),
    ("name_then_relation", ["NGUYỄN VĂN AN —cha"], ["NGUYỄN VĂN AN", "cha"]),
    ("name_then_relation", ["NGUYỄN VĂN AN-con"], ["NGUYỄN VĂN AN", "con"]),
    ("name_then_relation", ["NGUYỄN THỊ MAI-ANH"], ["NGUYỄN THỊ MAI-ANH", ""]),  # a hyphenated name
    ("name_then_relation", ["NGUYỄN THỊ", "ANH"], ["NGUYỄN THỊ\nANH", ""]),  # a given name, not "anh"
    # aged pages: the dash read "=", a speck after the relation; the given name stays with the name
    ("name_then_relation", ["TRẤN NGỌC", "NAM =con"], ["TRẤN NGỌC\nNAM", "con"]),
    ("name_then_relation", ["NGUYÊN VĂN.", "TÂM-con `"], ["NGUYÊN VĂN.\nTÂM", "con"]),
    ("name_then_relation", ["QUÁCH THỊ KIM", "MỸY-¬ con"], ["QUÁCH THỊ KIM\nMỸY", "con"]),  # a speck on the dash
    # a line opening with a relation in lower case before lines of noise (an aged page): the relation
    ("name_then_relation", ["TRẦN ĐỨC KHẢI-. ›", "cha .ướờ", "l~r", "ỸX"], ["TRẦN ĐỨC KHẢI-. ›", "cha"]),
    ("name_then_relation", ["HƯƠNG-_", "cháu nội Z2.", "ve"], ["HƯƠNG-_", "cháu nội"]),
    ("name_then_relation", ["Nguyễn Văn", "Anh", "cha"], ["Nguyễn Văn\nAnh", "cha"]),  # a name's "Anh" is no relation
    # ...but a stray "=" (a stamp's, a ditto's) parts nothing
    ("name_then_relation", ["NGUYỄN VĂN AN", "con ="], ["NGUYỄN VĂN AN", "con ="]),
    ("name_then_relation", ["= NGUYỄN VĂN AN", "cha"], ["= NGUYỄN VĂN AN", "cha"]),
    ("id_document", ["Thẻ CCCD 034 053 202", "475"], ["Thẻ CCCD", "034 053 202\n475"]),
    ("id_document", ["CCCD 034053202475", "12/05/2015"], ["CCCD", "034053202475"]),  # a date follows
    # the wrapped digits' 5 read as S (aged seed 1341): still the number's; a word is not
    ("id_document", ["Thẻ CCCD", "051 049 228", "S17"], ["Thẻ CCCD", "051 049 228\nS17"]),
    ("id_document", ["Thẻ CCCD", "019 090 957", "T14"], ["Thẻ CCCD", "019 090 957\nT14"]),  # 7 read T
    ("id_document", ["Thẻ CCCD", "051 049 228", "Số"], ["Thẻ CCCD", "051 049 228"]),
    ("id_document", ["Thẻ CCCD", "051 049 228", "Sl7"], ["Thẻ CCCD", "051 049 228"]),
    ("id_document", ["CMND 024187000", "123 456"], ["CMND", "024187000"]),  # too long to be one number
    # a misread date ("2I" for 21) is still the date: the issuer is not read into the number
    ("death_notice", ["Số211/GBT", "ngày 2I.10.2003", "UBND An Lạc, Sơn", "Động, Bắc Giang"],
     ["Số211/GBT", "ngày 2I.10.2003", "UBND An Lạc, Sơn\nĐộng, Bắc Giang"]),
    # a date read as no digit at all ("Ø"): still cut off the number (it had been accepted as "286/GBT ngày Ø")
    ("death_notice", ["Số286/GBT", "ngày Ø", "UBND xã Ia Sao"], ["Số286/GBT", "ngày Ø", "UBND xã Ia Sao"]),
    # a speck after "ngày", the date on the next line: the number ends before "ngày" (unseen page 211/06)
    ("death_notice", ["Số286/GBT", "ngày Ø", "7/11/2023", "UBND phường 7"], ["Số286/GBT", "7/11/2023", "UBND phường 7"]),
    # the date wrapped, its month's 1 read as I (fresh aged seed 1117): the month and year are the date's,
    # not the start of the issuer ("I0-2007 Trung tâm Y tế ...")
    ("death_notice", ["Số 131/GBT", "ngày 29-", "I0-2007 Trung tâm Y tế", "huyện Thới Bình"],
     ["131/GBT", "ngày 29-\nI0-2007", "Trung tâm Y tế\nhuyện Thới Bình"]),
    ("death_notice", ["Số 12/GBT", "ngày 3/1l/2010", "UBND xã An Lạc"], ["12/GBT", "ngày 3/1l/2010", "UBND xã An Lạc"]),
    # ...not the day's: a speck before it would join it
    ("date_digits_then_words", ["l2/3/1987 Ngày hai"], ["2/3/1987", "Ngày hai"]),
    # "ngày" garbled and its date lost (fresh aged seed 1123): not read into the number
    ("death_notice", ["lI/GBT", "neày"], ["lI/GBT", "neày", ""]),
    ("death_notice", ["Số 12/GBT", "neày 3/4/2005", "UBND xã An Lạc"], ["12/GBT", "neày 3/4/2005", "UBND xã An Lạc"]),
    # a separator read as a space (aged seed 1299): the month and year are the date's, not the issuer's
    ("death_notice", ["Số201/2023", "ngày 05 11.2023", "Bệnh viện Đa khoa tỉnh", "Lâm Đồng"],
     ["Số201/2023", "ngày 05 11.2023", "Bệnh viện Đa khoa tỉnh\nLâm Đồng"]),
    ("death_notice", ["Số 09/GBT", "ngày 06 I1.2023 Trung tâm Y tế"], ["09/GBT", "ngày 06 I1.2023", "Trung tâm Y tế"]),
    ("death_notice", ["Số 09/GBT", "ngày 06. I 1.2023", "Trung tâm Y tế"], ["09/GBT", "ngày 06. I 1.2023", "Trung tâm Y tế"]),
    ("death_notice", ["Số 09/GBT", "ngày 06 I Trung tâm Y tế"], ["09/GBT", "ngày 06", "I Trung tâm Y tế"]),
    # its date on the next line with its "/" lost (a book page): the date's, not the issuer's first line
    ("death_notice", ["Số 129/GBT", "ngày", "2210/2007", "UBND phường", "Tân Kiểng"],
     ["129/GBT", "ngày\n2210/2007", "UBND phường\nTân Kiểng"]),
    # "ngày" misread ("hgày", "nieày" on aged pages) with its date on the next line: no part of the number
    ("death_notice", ["Số 191/GBT", "hgày", "27/10/2007", "UBND xã An Lạc"], ["191/GBT", "hgày\n27/10/2007", "UBND xã An Lạc"]),
    ("death_notice", ["Số09/GBT", "nieày 3/4/2005"], ["Số09/GBT", "nieày 3/4/2005", ""]),
    ("death_notice", ["Số 66/GBT", "igầy", "UBND xã An Lạc"], ["66/GBT", "igầy", "UBND xã An Lạc"]),
    # "ngày" read "này" before its date, one "/" lost (aged 1345): the date's, not the number's
    ("death_notice", ["Số209/GBT", "này 2110-2017", "UBND xã Quang", "Sơn"],
     ["Số209/GBT", "này 2110-2017", "UBND xã Quang\nSơn"]),
    # the word alone on its line: the issuer's first word is not taken for its date
    ("death_notice", ["Số 12/GBT ngày", "UBND xã An Lạc"], ["12/GBT", "ngày", "UBND xã An Lạc"]),
]


@pytest.mark.parametrize(("split", "lines", "expected"), OCR_CELLS)
def test_splitters_on_ocr_output(split: str, lines: list[str], expected: list[str]) -> None:
    template = "khai_sinh.tt04_2020" if split in ("name_then_relation", "date_digits_then_words") else "khai_tu.tt04_2020"
    col = _column(template, split)
    parts = split_cell(col, _lines(*lines))
    assert [parts[f.key].raw for f in col.fields] == expected


# misread labels seen on Chromium-typeset italic pages: "Cte trú:", "Nới ct£ trú:", "Mới cư trú:"
# and on a fresh aged page (show-through, 150 dpi): "Trú tạt", "Cưtru"
@pytest.mark.parametrize("label", ["€ư trú:", "2ư trú:", "Cư trú:", "Cte trú:", "Nới ct£ trú:", "Mới cư trú:", "Nơi cư trú",
                                   "Trú tạt", "Trú tạt:", "Cưtru", "Nơt cư trú:", "Nơt cư trú", "Trú tạ:",
                                   "Cư tú:",  # fresh aged 1351: its r lost
                                   "TTrú tại:",  # held-out font 159: its T doubled
                                   "Trú kề", "Trú tai",  # fresh aged 1369: "tại" garbled, at a line's start
                                   "Lrú tại:"])  # fresh book 1175: its T read L
def test_residence_label_with_its_first_letter_lost(label: str) -> None:
    col = _column("khai_sinh.tt04_2020", "person_block")
    parts = split_cell(col, _lines("LÊ THỊ HOA, sinh năm 1970", "Dân tộc: Kinh; Quốc tịch: Việt", "Nam",
                                   f"{label} P.7, Q. Bình Thạnh,", "TP.HCM"))
    assert parts["meQuocTich"].raw == "Việt\nNam"
    assert parts["meNoiCuTru"].raw == "P.7, Q. Bình Thạnh,\nTP.HCM"


def test_a_nationality_label_whose_t_was_read_l_is_a_label() -> None:
    col = _column("khai_sinh.tt04_2020", "person_block")
    parts = split_cell(col, _lines("LÊ THỊ HOA, sinh năm 1970", "Dân tộc: Kinh: Quốc", "lÍch Việt Nam.",
                                   "Trú tại: xã Hòa Thịnh"))
    assert [parts[k].raw for k in ("meDanToc", "meQuocTich", "meNoiCuTru")] == ["Kinh", "Việt Nam.", "xã Hòa Thịnh"]


def test_an_ethnicity_label_whose_c_was_read_e_is_a_label() -> None:
    # fresh aged 1337: "Dân tộe: Kinh" (an italic c): the mother's ethnicity had been left empty
    col = _column("khai_sinh.tt04_2020", "person_block")
    parts = split_cell(col, _lines("HOÀNG ANH YẾN, sinh năm 1981", "Dân tộe: Kinh; Quốc tịch: Việt", "Nam"))
    assert [parts[k].raw for k in ("meHoTen", "meDanToc", "meQuocTich")] == ["HOÀNG ANH YẾN", "Kinh", "Việt\nNam"]
    # a name with no colon after it is no label ("Trú ta" is not one either, without its colon, inside a line)
    parts = split_cell(col, _lines("LÊ THỊ TOE, sinh năm 1981 Trú ta xã Hòa Thịnh"))
    assert parts["meHoTen"].raw == "LÊ THỊ TOE" and parts["meNoiCuTru"].raw == ""
    parts = split_cell(col, _lines("LÊ CƯ TÚ, sinh năm 1981"))  # a name: "Cư tú" with no colon
    assert parts["meHoTen"].raw == "LÊ CƯ TÚ" and parts["meNoiCuTru"].raw == ""


def test_a_nationality_label_whose_c_was_read_t_is_a_label() -> None:
    col = _column("khai_sinh.tt04_2020", "person_block")
    parts = split_cell(col, _lines("NGUYỄN THỊ THANH, sinh năm 1965", "Dân tộc: Kinh; Quốt tịch: Việt", "Nam",
                                   "Nơi cư trú: Yên Thương, Chợ Đồn"))
    assert [parts[k].raw for k in ("meDanToc", "meQuocTich")] == ["Kinh", "Việt\nNam"]


# "Nơi" garbled at a line's start goes with the label, but a wrapped nationality's "Nam", a country or a
# name's last line never does
@pytest.mark.parametrize(
    ("lines", "key", "kept"),
    [(("LÊ THỊ HOA, sinh năm 1970", "Dân tộc: Kinh; Quốc tịch: Việt", "Nam cư trú: P.7"), "meQuocTich", "Việt\nNam"),
     (("LÊ THỊ HOA, sinh năm 1970", "Dân tộc: Kinh; Quốc tịch:", "Nga", "Cư trú: P.7"), "meQuocTich", "Nga"),
     (("TRẦN THỊ THANH", "NGA", "Cư trú: P.7"), "meHoTen", "TRẦN THỊ THANH\nNGA")],
)  # fmt: skip
def test_a_word_before_a_lost_noi_stays_with_its_field(lines: tuple[str, ...], key: str, kept: str) -> None:
    col = _column("khai_sinh.tt04_2020", "person_block")
    parts = split_cell(col, _lines(*lines))
    assert parts[key].raw == kept and parts["meNoiCuTru"].raw == "P.7"


def test_person_block_labels_with_their_first_letter_lost() -> None:
    col = _column("khai_sinh.tt04_2020", "person_block")
    parts = split_cell(col, _lines("LÊ THỊ HOA, sinh năm 1970", "2ân tộc: Kinh; ?uốc tịch: Việt Nam",
                                   "€ư trú: xã Hòa Thịnh"))
    assert [parts[k].raw for k in ("meHoTen", "meNgaySinh", "meDanToc", "meQuocTich", "meNoiCuTru")] == [
        "LÊ THỊ HOA", "1970", "Kinh", "Việt Nam", "xã Hòa Thịnh"]


@pytest.mark.parametrize(
    ("first_line", "name", "birth"),
    [("NGUYÊN VĂN QUÂN,\nxinh năm 1979", "NGUYÊN VĂN QUÂN", "1979"),  # fresh seed 521: the s of sinh read x
     ("LÊ THỊ XINH, sinh năm 1970", "LÊ THỊ XINH", "1970"),  # Xinh the given name stays the name's
     ("LÊ THỊ XINH", "LÊ THỊ XINH", ""),
     ("Trần Thị Xinh\nnăm sinh: 1980", "Trần Thị Xinh", "1980"),  # the helper's review: a given name
     ("Nguyễn Thị Xinh năm sinh 1979", "Nguyễn Thị Xinh", "1979"),
     # or as a symbol after the name's comma (fresh aged 1351: the year had gone into the name)
     ("NGUYÊN NGỌC HƯNG, §inh năm 1992", "NGUYÊN NGỌC HƯNG", "1992"),
     ("NGUYÊN NGỌC HƯNG,\n$inh ngày 3/4/1992", "NGUYÊN NGỌC HƯNG", "3/4/1992")],
)  # fmt: skip
def test_the_birth_label_read_with_an_x(first_line: str, name: str, birth: str) -> None:
    col = _column("khai_sinh.tt04_2020", "person_block")
    parts = split_cell(col, _lines(*first_line.split("\n"), "Dân tộc: Kinh; Quốc tịch: Việt Nam"))
    assert (parts["meHoTen"].raw.rstrip(","), parts["meNgaySinh"].raw) == (name, birth)


@pytest.mark.parametrize(
    ("lead", "confidence"),
    [((":", 0.0, BBox(0, 0, 137, 88)), 0.64),  # a stamp over "Đăng ký" read as one ":" (book 1119): unread ink
     ((":", 0.0, BBox(0, 5, 8, 25)), 0.965),  # a separator's own small box: trimmed, not counted
     (("-", 30.0, BBox(0, 15, 40, 6)), 0.965)],  # a dash as wide as a letter or so
)  # fmt: skip
def test_ink_read_as_a_separator_and_trimmed_still_counts_against_the_field(lead: tuple, confidence: float) -> None:
    from pipeline.ocr.engine import make_line

    col = _column("khai_sinh.tt04_2020", None, -1)  # the remark
    text, conf, box = lead
    line = make_line([(text, conf, box), ("quá", 96.0, BBox(150, 15, 50, 33)), ("hạn", 97.0, BBox(210, 16, 51, 30))])
    part = next(iter(split_cell(col, [line]).values()))
    assert part.raw == "quá hạn"
    assert part.confidence == pytest.approx(confidence, abs=0.01)


def test_a_residence_label_whose_t_was_read_l_ends_the_nationality_inside_a_line() -> None:
    # fresh book 1175: "Việt Nam Lrú tại: P. Hùn Lam": a father's residence had gone into his nationality
    col = _column("khai_sinh.tt04_2020", "person_block")
    parts = split_cell(col, _lines("LÊ THỊ AN, sinh năm 1970", "Dân tộc: Kinh; Quốc tịch:",
                                   "Việt Nam Lrú tại: P. Him Lam"))
    assert [parts[k].raw for k in ("meQuocTich", "meNoiCuTru")] == ["Việt Nam", "P. Him Lam"]
    parts = split_cell(col, _lines("LÊ THỊ AN, sinh năm 1970", "Dân tộc: Kinh; Quốc tịch: Việt Nam"))
    assert parts["meNoiCuTru"].raw == ""  # no "ru tại:" in it: nothing taken for the label
