from __future__ import annotations

import pytest

from pipeline.normalize import normalize_field
from pipeline.normalize.dates import DATE_GUESS_RULES

CASES = [
    ("sex", "Nam", "Nam"), ("sex", "nam", "Nam"), ("sex", "Nữ", "Nữ"), ("sex", "nữ", "Nữ"),
    ("sex", "trai", "Nam"), ("sex", "Gái", "Nữ"), ("sex", "1", "Nam"), ("sex", "2", "Nữ"),
    ("sex", "3", "Không xác định"), ("sex", "Không xác định", "Không xác định"), ("sex", "Nử", "Nữ"),
    ("sex", "NAM", "Nam"), ("sex", "Nam.", "Nam"),
    ("ethnicity", "Kinh", "Kinh"), ("ethnicity", "Mèo", "Mông"), ("ethnicity", "H'Mông", "Mông"),
    ("ethnicity", "Hmông", "Mông"), ("ethnicity", "Khmer", "Khơ-me"), ("ethnicity", "Khơ me", "Khơ-me"),
    ("ethnicity", "Tày", "Tày"), ("ethnicity", "Thổ", "Thổ"), ("ethnicity", "Mán", "Dao"),
    ("ethnicity", "Chàm", "Chăm"), ("ethnicity", "Gia Rai", "Gia-rai"), ("ethnicity", "Ê Đê", "Ê-đê"),
    ("ethnicity", "Ba Na", "Ba-na"), ("ethnicity", "Dân tộc: Kinh", "Kinh"), ("ethnicity", "Kinh (Việt)", "Kinh"),
    ("ethnicity", "Khơ-rne", "Khơ-me"), ("ethnicity", "M'Nông", "Mnông"), ("ethnicity", "Mường", "Mường"),
    ("ethnicity", "KINH", "Kinh"), ("ethnicity", "Kinh,", "Kinh"),
    ("ethnicity", "Kmh", "Kinh"),  # "in" read as "m" on an aged page
    ("nationality", "Việt Nam", "Việt Nam"), ("nationality", "VN", "Việt Nam"), ("nationality", "Nhật", "Nhật Bản"),
    ("nationality", "Mỹ", "Hoa Kỳ"), ("nationality", "Quốc tịch: Việt Nam", "Việt Nam"),
    ("nationality", "Viet Nam", "Việt Nam"), ("nationality", "Vịệt Nam", "Việt Nam"),
    ("nationality", "Hàn Quốc", "Hàn Quốc"), ("nationality", "Trung Quốc", "Trung Quốc"),
    ("id_doc_type", "CMND", "Giấy CMND"), ("id_doc_type", "CCCD", "Thẻ căn cước công dân"),
    ("id_doc_type", "Thẻ CCCD", "Thẻ căn cước công dân"), ("id_doc_type", "Hộ chiếu", "Hộ chiếu"),
    ("id_doc_type", "Giấy CMND", "Giấy CMND"), ("id_doc_type", "Thẻ thường trú", "Thẻ thường trú"),
    ("id_doc_type", "Giấy CM quân đội nhân dân", "Giấy chứng minh quân đội nhân dân"),
    ("id_doc_type", "Giấy CM sĩ quan quân đội", "Giấy chứng minh sĩ quan quân đội"),
    ("id_doc_type", "Giấy CM công an nhân dân", "Giấy chứng minh công an nhân dân"),
    ("id_doc_type", "Giấy tờ khác", "Giấy tờ khác"), ("id_doc_type", "CMNĐ", "Giấy CMND"),
    ("id_doc_type", "Giấy CWND", "Giấy CMND"), ("id_doc_type", "CMIND", "Giấy CMND"),
    ("relation", "Cha", "cha"), ("relation", "mẹ đẻ", "mẹ đẻ"), ("relation", "Ông nội", "ông nội"),
    ("relation", "con", "con"), ("relation", "Mẹ để", "mẹ đẻ"), ("relation", "Quan hệ: cha", "cha"),
    ("entry_no", "125", "125"), ("entry_no", "01", "01"), ("entry_no", "Số 12", "12"), ("entry_no", "O1", "01"),
    ("book_no", "Quyển số: 01/2008", "01/2008"), ("book_no", "Quyển số 01-2008", "01/2008"),
    ("book_no", "01/2008", "01/2008"),
    ("page_no", "Trang 12", "12"), ("page_no", "- 12 -", "12"), ("page_no", "12", "12"),
    ("page_no", "1Š", "15"), ("page_no", "9Ị", "91"),  # a mark OCR put on a look-alike digit
    ("page_no", "8L", "81"), ("page_no", "Trang L5", "15"),  # a serif 1 read as L beside a digit
    ("page_no", "q9", "99"), ("page_no", "- 1q -", "19"),  # an italic 9 read as q
    ("page_no", "091", "91"), ("page_no", "- 07 -", "7"),  # no page is zero-padded (phone photograph 1355)
    ("entry_no", "4II", "411"), ("entry_no", "Số I2", "12"),  # or as I
    ("entry_no", "$4§", "545"), ("entry_no", "$72", "572"),  # an italic 5 read "$" or "§" (a guess: below)
    # a digit read for its look-alike letter inside a relation (unseen Chromium page: "c0n")
    ("relation", "c0n", "con"), ("relation", "ch1", "chị"),
    ("doc_no", "Số 12/GBT", "12/GBT"), ("doc_no", "12/2010", "12/2010"), ("doc_no", "Số: 12 / GBT", "12/GBT"),
    ("doc_no", "267IGBT", "267/GBT"), ("doc_no", "Số 235JGBT", "235/GBT"), ("doc_no", "235ƒGBT", "235/GBT"), ("doc_no", "30IQĐ-UBND", "30/QĐ-UBND"),
    # an italic "/" read as a quote (a fresh aged page in an italic serif)
    ("doc_no", "118'GBT", "118/GBT"), ("doc_no", "Số 13’GBT", "13/GBT"), ("doc_no", "34'2023", "34/2023"),
    # unseen Chromium pages: the "/" before the year read as I, a speck beside it; 8 digits stay as read
    ("doc_no", "185I2007", "185/2007"), ("doc_no", "Số257/?2009", "257/2009"), ("doc_no", "24712005", "24712005"),
    # the "/" read twice or lost before a code; guesses (confidence lowered, below): a leading 1 read as I,
    # a year's leading 2 lost (a year to come is no such year)
    ("doc_no", "46/IGBT", "46/GBT"), ("doc_no", "95GBT", "95/GBT"), ("doc_no", "Số214GBT", "214/GBT"),
    ("doc_no", "I10/GBT", "110/GBT"), ("doc_no", "Số62/001", "62/2001"), ("doc_no", "164/016", "164/2016"),
    ("doc_no", "10/099", "10/099"), ("doc_no", "2867/2018", "2867/2018"),
    # the label "Số" misread as digits (aged seed 1213): dropped, a guess (below)
    ("doc_no", "56 230/GBT", "230/GBT"), ("doc_no", "S6 230/GBT", "230/GBT"), ("doc_no", "12 230/GBT", "12 230/GBT"),
    ("doc_no", "56 230IGBT", "230/GBT"), ("doc_no", "5 1/GBT", "5 1/GBT"),  # one character: maybe a digit
    # the label's colon read as a letter and glued on (aged seed 1259): dropped, a guess (below)
    ("doc_no", "Sốl187/GBT _", "187/GBT"), ("doc_no", "Số187/GBT", "187/GBT"),
    # its ố read as a crossed ð and glued on (aged 1427, accepted as "Sđ241/GBT"): dropped, a guess (below)
    ("doc_no", "Sð241/GBT", "241/GBT"), ("doc_no", "'Sð9/2015", "9/2015"),
    # aged 1431's italic label: an S before a 6 glued on, its S read 3 apart from the number; a number
    # glued to 36 may be the number (3644/GBT)
    ("doc_no", "S682/GBT", "82/GBT"), ("doc_no", "36 39/2012", "39/2012"), ("doc_no", "3644/GBT", "3644/GBT"),
    ("doc_no", "5682/GBT", "5682/GBT"),
    ("id_number", "024187000123", "024187000123"), ("id_number", "024 187 000 123", "024187000123"),
    ("id_number", "B1234567", "B1234567"), ("id_number", "024187000", "024187000"),
    ("id_number", "381234567", "381234567"), ("id_number", "010 234 567", "010234567"),
    ("id_number", "O24187000123", "024187000123"), ("id_number", "024.187.000.123", "024187000123"),
    ("text", "  Đăng ký  quá hạn ", "Đăng ký quá hạn"), ("text", "Bệnh già |", "Bệnh già"),
    ("text", "Đã cấp bản sao ngày 05/03/2010,,", "Đã cấp bản sao ngày 05/03/2010"),
    ("text", "Tai biê\u00b4n mạch máu não", "Tai biến mạch máu não"), ("text", "Bê`nh già", "Bềnh già"),
]  # fmt: skip


# An entry number is one Arabic number: a second run of digits in the cell is a misread inside it (an
# italic 7 read as "/" on an unseen Chromium page: "4/1" had been accepted as entry 4), a guess for review
# that the page's run of numbers can confirm. So is a number a symbol touches: "%3" for 363 (a book photograph)
# had been accepted as 3.
@pytest.mark.parametrize(
    ("raw", "value", "rule"),
    [("4/1", "471", "slash_as_7"), ("47 1", "471", "space"), ("12 (13)", "12", "first_number"),
     ("471", "471", None), ("Số 12", "12", None), ("$4§", "545", "five_as_symbol"),
     ("%3", "3", "symbol_in_number"), ("36%", "36", "symbol_in_number"), ("#12", "12", "symbol_in_number"),
     ("12 %", "12", None),
     # an S is a 5 or an italic 8 (aged 1361: "S6", "S7", "S9" for 86, 87, 89): the 5 a guess the second
     # model or the page's run settles; an O or an l is no such choice
     ("S6", "56", "s_as_five"), ("s42", "542", "s_as_five"), ("8O", "80", None), ("l8", "18", None),
     # a letter against the number, dropped: an italic 7 read T (book photograph 1199's "T8" for 78,
     # accepted as 8) or a mark
     ("T8", "8", "letter_beside"), ("T76", "76", "letter_beside"), ("Số 12", "12", None)],
)  # fmt: skip
def test_an_entry_number_with_a_second_run_of_digits_is_a_guess(raw: str, value: str, rule: str | None) -> None:
    n = normalize_field("entry_no", raw, confidence=0.95)
    assert (n.status, n.value) == ("ok", value)
    guessed = [r for r in n.rules if r.startswith("entry_no_guessed")]
    assert guessed == ([f"entry_no_guessed:{rule}"] if rule else [])
    assert (n.confidence is not None and n.confidence < 0.9) is (rule is not None)


@pytest.mark.parametrize(("ftype", "raw", "value"), CASES)
def test_codes(ftype: str, raw: str, value: str) -> None:
    n = normalize_field(ftype, raw)
    assert (n.status, n.value) == ("ok", value), n.reason


@pytest.mark.parametrize(
    ("ftype", "raw"),
    [("sex", "x"), ("ethnicity", "Xyz"), ("nationality", "Atlantis"), ("id_doc_type", "Bằng lái"),
     ("id_number", "999187000123"), ("id_number", "12345"), ("entry_no", "abc"),
     # an italic 7 read T (fresh photo 1315): not dropped into an 11-digit number taken for one lost its 0
     ("id_number", "019 090 957\nT14"), ("id_number", "0241870X0123"),
     # a CMND's first two digits are its issuer's code, 01-38 (generator 431: 067488328 read 967488328)
     ("id_number", "967488328"), ("id_number", "CMND số 391234567"), ("id_number", "001234567")],
)  # fmt: skip
def test_unknown_kept_and_flagged(ftype: str, raw: str) -> None:
    n = normalize_field(ftype, raw)
    assert n.status == "invalid" and n.reason
    assert n.value is not None  # kept for the reviewer, never dropped


@pytest.mark.parametrize(
    ("ftype", "raw", "value"),
    [("ethnicity", "Mòo", "Mông"),  # one mark off Mèo (Chromium aged 1301, fresh photo 1301)
     ("ethnicity", "ITMông", "Mông"),  # letters glued before it (aged 1309)
     ("nationality", "VNÑ", "Việt Nam"),  # a speck after VN (aged 1309, photo 1281)
     ("relation", "chúu nội", "cháu nội"),  # fresh photo 1299
     ("relation", "chd", "chd"),  # cha, chú, chị: as near each
     ("relation", "vợ2", "vợ2"),  # a number is no misread: a second wife
     ("ethnicity", "Hoa Kỳ", "Hoa Kỳ"),  # a word apart is no glued letters
     # within one edit of Tày and of Bố Y ("boy"): nearer Tày with the marks kept (a fresh book page)
     ("ethnicity", "Tòy", "Tày"), ("relation", "coh", "con"),  # con, not chú or cô: a fresh book page
     ("ethnicity", "Xyz", "Xyz"), ("ethnicity", "Thá", "Thá")],  # nothing near, or two as near (Thái, Thổ…)
)  # fmt: skip
def test_an_unlisted_code_is_shown_as_the_one_listed_value_near_it_still_invalid(
    ftype: str, raw: str, value: str
) -> None:
    n = normalize_field(ftype, raw)
    assert (n.value, n.status) == (value, "invalid") and n.reason
    assert (f"có lẽ là '{value}'" in n.reason) is (value != raw)
    assert any(r.endswith("_suggested:" + raw + "->" + value) for r in n.rules) is (value != raw)


def test_personal_id_decoded() -> None:
    n = normalize_field("id_number", "024187000123")
    assert n.details == {"kind": "personal_id", "province_code": "024", "sex": "Nữ", "birth_year": 1987}
    n = normalize_field("id_number", "079200001234")
    assert n.details["sex"] == "Nam" and n.details["birth_year"] == 2000


@pytest.mark.parametrize(
    ("raw", "value", "restored"),
    [("75 092 841 127", "075092841127", True),  # an unseen Chromium page: "075" read as "75"
     ("75302550348", "075302550348", True),
     ("99302550348", "99302550348", False),  # 099 is no province: left as read, flagged for its length
     ("075092841127", "075092841127", False)],
)  # fmt: skip
def test_a_lost_leading_zero_of_a_personal_id_is_restored_as_a_guess(raw: str, value: str, restored: bool) -> None:
    n = normalize_field("id_number", raw, confidence=0.95)
    assert n.value == value
    assert ("id_leading_zero_restored" in n.rules) is restored
    assert (n.status == "ok") is (len(value) == 12)
    assert (n.confidence is not None and n.confidence < 0.9) is restored  # a guess goes to review


def test_ocr_noise_seen_on_degraded_scans() -> None:
    """Cases read by Tesseract from the degraded sample pages."""
    from pipeline.normalize import normalize_field

    assert normalize_field("page_no", "II").value == "11"
    assert normalize_field("page_no", "Trang 12").value == "12"
    # fresh seed 491 scanned: "50" read "0", its 5 outside OCR's box; a page numbered 0 does not exist
    assert [normalize_field("page_no", t).status for t in ("0", "- 00 -", "05")] == ["invalid", "invalid", "ok"]
    assert normalize_field("person_name", "HOÀNG - NHƯ HIỀN").value == "HOÀNG NHƯ HIỀN"
    assert normalize_field("place", "X. Khánh Lợi, H. 'Yên Khánh, T. Ninh Bình").value == (
        "xã Khánh Lợi, huyện Yên Khánh, tỉnh Ninh Bình"
    )
    assert normalize_field("place", "Trạm Y tế X. Ba Động - H. Ba Tơ -T: Quảng Ngãi").value == (
        "Trạm Y tế xã Ba Động, huyện Ba Tơ, tỉnh Quảng Ngãi"
    )


@pytest.mark.parametrize(
    ("ftype", "raw", "value"),
    [
        ("id_doc_type", "cCcCCD", "Thẻ căn cước công dân"),  # bench: stuttering read of CCCD
        ("id_doc_type", "CCCCD", "Thẻ căn cước công dân"),
        ("id_doc_type", "ccccccd", "Thẻ căn cước công dân"),
        ("id_doc_type", "CMMND", "Giấy CMND"),
        ("id_doc_type", "cmnnd", "Giấy CMND"),
        ("id_doc_type", "GiấyCMND <‹ -.", "Giấy CMND"),  # an unseen Chromium page: the space lost
        ("relation", "chồng , ễ Ỹ", "chồng"),  # bench: specks read as lone letters after the relation
        ("relation", "mẹ đẻ ;  ~", "mẹ đẻ"),
        ("relation", "con /z", "con"), ("relation", "mẹ [š %r", "mẹ"),  # aged pages: pairs no syllable spells
    ],
)
def test_ocr_code_repairs(ftype: str, raw: str, value: str) -> None:
    n = normalize_field(ftype, raw)
    assert (n.status, n.value) == ("ok", value), (n.reason, n.rules)


@pytest.mark.parametrize(
    ("ftype", "raw"), [("id_doc_type", "cd"), ("id_doc_type", "CDC"), ("id_doc_type", "DDD")]
)
def test_acronym_letters_alone_are_not_enough(ftype: str, raw: str) -> None:
    assert normalize_field(ftype, raw).status == "invalid"


@pytest.mark.parametrize(
    ("raw", "value"),
    [("con của ông A", "con của ông a"), ("vợ 2", "vợ 2"), ("AN-con", "an-con"), ("co 5", "co 5"),
     ("con ba", "con ba"), ("vợ 12", "vợ 12")],
)
def test_unlisted_relation_kept_and_flagged(raw: str, value: str) -> None:
    # kept as written for the reviewer; most often a misread or the name's last word run into the cell
    n = normalize_field("relation", raw)
    assert n.value == value and n.details.get("unlisted") and n.status == "invalid" and n.reason


# a two-word relation whose second word OCR garbled by two letters at most: the one listed relation with
# that first word so near, as a guess for review; none when two are as near or the word is too short
@pytest.mark.parametrize(
    ("raw", "value"),
    [("bà ngoqt", "bà ngoại"), ("con ruật", "con ruột"), ("em gax", "em gái"),
     ("bà xyz", None), ("con ab", None),
     # real relations outside the list stay as written: a syllable is taken one letter off only
     ("bà con", None), ("con cháu", None), ("anh nuôi", None), ("bạn trai", None), ("ông ngoi", None)],
)  # fmt: skip
def test_a_relation_with_its_second_word_garbled(raw: str, value: str | None) -> None:
    n = normalize_field("relation", raw, confidence=0.95)
    if value is None:
        assert n.status == "invalid"
        return
    assert (n.status, n.value) == ("ok", value) and f"relation_fuzzy:{raw}->{value}" in n.rules
    assert n.confidence is not None and n.confidence < 0.9


@pytest.mark.parametrize("raw", ["anh họ", "con ruột", "con nuôi", "cháu ruột", "mẹ ghẻ", "cha dượng", "chị dâu"])
def test_listed_relations(raw: str) -> None:
    n = normalize_field("relation", raw)
    assert (n.value, n.status) == (raw, "ok")


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("Ủng thư phổi", "Ung thư phổi"),  # diacritics OCR changed inside a known phrase
        ("Tai biến mạch máu nao", "Tai biến mạch máu não"),
        ("Đuổi nước", "Đuối nước"),
        ("Mang ủng đi làm", "Mang ủng đi làm"),  # not a listed phrase: kept as read
        ("Ung thư phổi giai đoạn cuối", "Ung thư phổi giai đoạn cuối"),
        ("Nhồi máu cơtim", "Nhồi máu cơ tim"),  # a space OCR lost inside a known phrase
        ("Ungthư gan, Nhồimáu cơ tim", "Ung thư gan, Nhồi máu cơ tim"),
        ("Ungthưaz", "Ungthưaz"),  # no phrase ends there
        # a word no syllable spells, one edit from a phrase: surely misread, respelled for review
        ("Ungthưa", "Ung thư"),
        ("Đuối nƯớc", "Đuối nước"),  # a capital after a small letter of the word is OCR's
        ("Suy tim d0 tuổi già", "Suy tim d0 tuổi già"),  # "do" is no listed phrase: kept
        ("ĐUỐI NƯỚC", "ĐUỐI NƯỚC"),  # written in capitals: kept so
    ],
)
def test_cause_of_death_phrases_restored(raw: str, value: str) -> None:
    assert normalize_field("cause", raw).value == value


# letters OCR changed in a whole listed cause: its spelling, for the reviewer (confidence lowered)
@pytest.mark.parametrize(
    ("raw", "value"),
    [("Nhồi máu cơ từn", "Nhồi máu cơ tim"), ("Tui biến mạch máu não", "Tai biến mạch máu não"),
     ("Ung thư san", "Ung thư gan"), ("NHỒI MÁU CƠ TỪN", "NHỒI MÁU CƠ TIM"),
     ("Nhồi máu cơ\n1ìn", "Nhồi máu cơ tim"),  # a digit inside a word is OCR's, not a number
     # one word garbled past the letter budget, the others a listed cause's (aged 1353)
     ("Nhồi máu cơ\n1ừn", "Nhồi máu cơ tim"), ("NHỒI MÁU CƠ 1ỪN", "NHỒI MÁU CƠ TIM"),
     ("Ung thư 1ừn", None),  # the words left fit several causes
     ("Ung thư da", None),  # two edits from every listed cause: an unlisted one, kept
     ("Nhồi máu cơ tim và suy thận", None)],  # a phrase inside a longer text is not the whole cell
)  # fmt: skip
def test_cause_a_few_letters_from_a_listed_one(raw: str, value: str | None) -> None:
    n = normalize_field("cause", raw, confidence=1.0)
    assert n.value == (value or raw)
    assert (n.confidence < 1.0) == (value is not None) and any(r.startswith("lexicon_fuzzy") for r in n.rules) == (
        value is not None)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("Đã cấp bản Sao ngày 25I9/2000", "Đã cấp bản sao ngày 25/9/2000"),  # a capital S read for s; I for /
        ("Đã cấp trích lục\nngày 7!3/2019", "Đã cấp trích lục ngày 7/3/2019"),
        ("ĐĂNG KÝ QUÁ HAN", "ĐĂNG KÝ QUÁ HẠN"),  # capitals stay capitals
        ("Đã ly hôn theo Bản án số 65/HNGĐ ngày 17/7/2006", "Đã ly hôn theo Bản án số 65/HNGĐ ngày 17/7/2006"),
        ("Đã cấp bản sao ngày 13I13/2000", "Đã cấp bản sao ngày 13I13/2000"),  # no month 13: kept as read
        ("Đã cấp bản Saö ñgày\n11/5)2020", "Đã cấp bản sao ngày 11/5/2020"),  # an italic "/" read ")" (aged seed 1259)
        ("Cải chính (ngày 11/5)2020", "Cải chính (ngày 11/5)2020"),  # a ")" closing a "(" is one
        ("Cải chính (lần 2)10/2019", "Cải chính (lần 2)10/2019"),  # nor one between day and month
        ("Đã cấp bản sao\nngày 25)2!2015", "Đã cấp bản sao ngày 25/2/2015"),  # an italic "/" read ")" (aged 1289)
        ("Cải chính (ngày 25)2/2015", "Cải chính (ngày 25)2/2015"),
        ("Số hiệu 1I2I3", "Số hiệu 1I2I3"),  # no year: not a date
        ("Ông Sao ghi", "Ông Sao ghi"),  # not a listed phrase: a name keeps its capital
        # "ngày" a letter off before its date, spelled as no syllable is (aged seed 1289): the label
        ("Đã ly hôn\ntheo Bản\nán số\n36/HNGĐ\nnsày\n19/6/2010", "Đã ly hôn theo Bản án số 36/HNGĐ ngày 19/6/2010"),
        ("Ghi chú: nhà 4/5/2003", "Ghi chú: nhà 4/5/2003"),  # a syllable: left as written
        # "ngày" with its mark lost or misread before its date (aged 1315, accepted): the label
        ("Đã cải chính họ tên theo QĐ số 33/QĐ-UBND ngay 11/6/2005",
         "Đã cải chính họ tên theo QĐ số 33/QĐ-UBND ngày 11/6/2005"),
        ("Đã cấp bản sao ngáy 3/5/2015", "Đã cấp bản sao ngày 3/5/2015"),
        # a capital opening a word after a small word, in a listed phrase that writes it small (a
        # typewriter page of generator seed 399, accepted): put small, a guess (confidence, below)
        ("Đã cấp\ntrích Lục\nngày\n4/12/2003", "Đã cấp trích lục ngày 4/12/2003"),
        ("Đăng k$ quá\nhạn", "Đăng ký quá hạn"),  # a whole note a letter away (confidence lowered, below)
        ("Đăng kệ quá hạn", "Đăng ký quá hạn"),
        ("Đã cấp bản sao.\nngày\n10/12/2013", "Đã cấp bản sao ngày 10/12/2013"),  # a speck between the words
        # a document number's slash read as a letter (unseen Chromium pages)
        ("Đã ly hôn\ntheo Bản án\nsố 24JHNGĐ\nngày 19/1/2007", "Đã ly hôn theo Bản án số 24/HNGĐ ngày 19/1/2007"),
        # an italic "/" read as "ƒ" (fresh aged 1383)
        ("Đã cải chính\nhọ tên theo\nQĐ số\n55ƒQĐ-UBND\nngày\n28/2/2020",
         "Đã cải chính họ tên theo QĐ số 55/QĐ-UBND ngày 28/2/2020"),
        ("Đã cải chính họ tên theo QĐ số 74IQĐ-UBND ngày 17/4/2000",
         "Đã cải chính họ tên theo QĐ số 74/QĐ-UBND ngày 17/4/2000"),
        ("Số 2Ia", "Số 2Ia"),  # no acronym after it
        ("Đã cấp trích\nlục ngày\n11/122026", "Đã cấp trích lục ngày 11/12/2026"),  # a "/" lost
        # one "/" lost, the other read with the year's first digit (a guess: confidence lowered, below)
        ("Đã cấp bản sao ngày\n126/025", "Đã cấp bản sao ngày 12/6/2025"),
        ("Đã ly hôn theo Bản án\nsố 25/HNGĐ ngày\n152/017", "Đã ly hôn theo Bản án số 25/HNGĐ ngày 15/2/2017"),
        ("Đã cấp bản sao ngày 112/015", "Đã cấp bản sao ngày 112/015"),  # 11/2 or 1/12: kept as read
        ("Đã ly hôn theo Bản án số 34/HNGĐ ngày 11/012", "Đã ly hôn theo Bản án số 34/HNGĐ ngày 11/012"),  # "9/" lost
        ("Đã cấp bản\nSa0 ngày\n6/4/2003", "Đã cấp bản sao ngày 6/4/2003"),  # a 0 for an o
        ("Đã cấp bản sao ngày 1/112014", "Đã cấp bản sao ngày 1/112014"),  # 1/11/2014 or 1/1/2014: kept
        ("Đã cải chính họ tên theo QĐÐ số 9/QĐ-UBND", "Đã cải chính họ tên theo QĐ số 9/QĐ-UBND"),  # Đ read twice
        # a note opening with a phrase a letter off, then its date (unseen Chromium pages: "sao" as "Sdo")
        ("Đã cấp bản\nSdo ngày\n13/1/2005", "Đã cấp bản sao ngày 13/1/2005"),
        ("Đã cấp bản\n§do ngày\n18/5/2015", "Đã cấp bản sao ngày 18/5/2015"),
        ("Đã cấp bản sao ngày 1/1/2005 rồi", "Đã cấp bản sao ngày 1/1/2005 rồi"),  # the phrase as written: kept
        # remarks of their own a word short of a phrase, every word a syllable: kept, number included
        ("Đã cải chính tên theo QĐ số 12/QĐ-UBND", "Đã cải chính tên theo QĐ số 12/QĐ-UBND"),
        ("Đã thay đổi tên theo QĐ số 3", "Đã thay đổi tên theo QĐ số 3"),
        ("Đã ghi chú ly hôn số 12/2019", "Đã ghi chú ly hôn số 12/2019"),
        ("Bản án số 127/2005", "Bản án số 127/2005"),  # a number of a year, not 12/7/2005
        ("Đã cấp\ntrích tục\nngày\n15/4/2003", "Đã cấp trích lục ngày 15/4/2003"),  # one letter of a word
        ("Đã ly hôn theo Bản án số\n5 1/HNGĐ ngày 30/3/2009", "Đã ly hôn theo Bản án số 51/HNGĐ ngày 30/3/2009"),
        # each line's first letter lost (aged 1301, accepted as written): two edits from the phrase, counted
        # against the phrase's length, not the shortened cell's
        ("ăng ký quá\nạn", "Đăng ký quá hạn"), ("ăng ký lại", "Đăng ký lại"),
        ("Đăng ký khai sinh", "Đăng ký khai sinh"),  # three letters short of "… lại": a remark of its own
        # letters lost from a phrase's words, every word still there (generator 407, accepted as written):
        # three letters of "Đã cấp trích lục ngày", more than its length allows an edit, but lost, not changed
        ("ã cấp trích lục\này 21/2/2021", "Đã cấp trích lục ngày 21/2/2021"),
        ("Đã cấp bản sao ày 3/5/2015", "Đã cấp bản sao ngày 3/5/2015"),
        ("ng ký quá hạn", "Đăng ký quá hạn"),
        ("Đã cấp sao ngày 3/5/2015", "Đã cấp sao ngày 3/5/2015"),  # a word missing: no phrase fits word for word
        ("Số 12CM ngày 1/1/2005", "Số 12CM ngày 1/1/2005"),  # no slash put before a code a court or decree lacks
        # the space lost after "số" (unseen Chromium page: accepted so)
        ("Đã ly hôn\ntheo Bản án\nsố20/HNGĐ\nngày\n28/6/2020", "Đã ly hôn theo Bản án số 20/HNGĐ ngày 28/6/2020"),
        ("Đã cải chính họ tên theo QĐ Số51IQĐ-UBND ngày 2/10/2002",
         "Đã cải chính họ tên theo QĐ số 51/QĐ-UBND ngày 2/10/2002"),
        # the document number's "/" lost; a speck after its code (1-bit book scans)
        ("Đã ly hôn\ntheo Bản án\nsố 76HNGĐ\nngày\n23/12/2021", "Đã ly hôn theo Bản án số 76/HNGĐ ngày 23/12/2021"),
        ("Đã ly hôn\ntheo Bản án\nsố 59/HNGĐ.\nngày\n31/3/2025", "Đã ly hôn theo Bản án số 59/HNGĐ ngày 31/3/2025"),
        ("Đã ly hôn\ntheo Bản\nán số\n71/HNGĐ:\nngày\n4/11/2000", "Đã ly hôn theo Bản án số 71/HNGĐ ngày 4/11/2000"),
        # the date after "ngày" with an italic 4 read as A and its slashes as I or l (clean Chromium pages):
        # a guess, doubted; slashes alone are read as slashes
        ("Đã ly hôn theo\nBản án số\n6/HNGĐ ngày\nAI8I2014", "Đã ly hôn theo Bản án số 6/HNGĐ ngày 4/8/2014"),
        ("Đã cấp bản sao ngày Al8I2022.", "Đã cấp bản sao ngày 4/8/2022."),
        ("Đã cấp bản sao ngày 4I8l2014", "Đã cấp bản sao ngày 4/8/2014"),
        # a repair that chose among readings is a guess as in a date field ("7/1172003": a 7 read for "/");
        # a partial date or letters it cannot read are kept as read
        ("Đã cấp bản sao ngày 7/1172003", "Đã cấp bản sao ngày 7/11/2003"),
        ("Đã cấp bản sao ngày 205I", "Đã cấp bản sao ngày 205I"), ("Đã cấp bản sao ngày 19A1", "Đã cấp bản sao ngày 19A1"),
        # the document number's last digit read as a letter as well as its "/" (aged 1343, accepted): a
        # guess, doubted ("12B" may be a number)
        ("Đã ly hôn theo Bản án số\n7BIHNGĐ ngày 11/5/2016", "Đã ly hôn theo Bản án số 78/HNGĐ ngày 11/5/2016"),
        ("Đã cải chính họ tên theo QĐ số 1S/QĐ-UBND ngày 2/3/2010",
         "Đã cải chính họ tên theo QĐ số 15/QĐ-UBND ngày 2/3/2010"),
        ("Đã ly hôn theo Bản án số 2OlHNGĐ ngày 1/5/2016", "Đã ly hôn theo Bản án số 20/HNGĐ ngày 1/5/2016"),
        ("Đã ly hôn theo Bản án số 7BHNGĐ ngày 11/5/2016", "Đã ly hôn theo Bản án số 7BHNGĐ ngày 11/5/2016"),
    ],
)
def test_remarks_respelled_and_their_dates_repaired(raw: str, value: str) -> None:
    n = normalize_field("text", raw, confidence=1.0)
    assert n.value == value
    doubts = ("lexicon_fuzzy", "lexicon_case_guess", "remark_date_unreadable", "ocr_doc_no_digit", *DATE_GUESS_RULES)
    assert (n.confidence < 1.0) == any(r.startswith(doubts) for r in n.rules)


@pytest.mark.parametrize(
    ("raw", "doubted"),
    [("Đã cấp bản sao ngày 22/2022", True),  # the month lost
     ("Đã cấp trích lục ngày 15/4/2093", True),  # a 0 read as 9: a day to come
     ("Đã cấp bản sao ngày 31/2/2010", True),  # no such day
     ("Đã cấp bản sao ngày 12/1/2011", False),
     ("Đã ly hôn theo Bản án số 42/HNGĐ ngày 4/3/2008", False),
     ("Đăng ký quá hạn", False)],  # no date: nothing to doubt
)  # fmt: skip
def test_a_remark_whose_date_is_no_past_day_is_doubted(raw: str, doubted: bool) -> None:
    n = normalize_field("text", raw, confidence=1.0)
    assert n.value == raw
    assert any(r.startswith("remark_date_unreadable") for r in n.rules) == doubted and (n.confidence < 1.0) == doubted


@pytest.mark.parametrize(
    ("raw", "value"),
    [("Đã ly hôn theo Bản án số 6/HNGPĐ ngày 16/11/2003", "Đã ly hôn theo Bản án số 6/HNGĐ ngày 16/11/2003"),
     ("Đã ly hôn theo Bản án số 6/HGĐ ngày 16/11/2003", "Đã ly hôn theo Bản án số 6/HNGĐ ngày 16/11/2003"),
     ("Cải chính theo QĐ số 12/QĐ-UBNĐ", "Cải chính theo QĐ số 12/QĐ-UBND"),
     ("Đã ly hôn theo Bản án số 6/QĐST-HNGD ngày 16/11/2003", "Đã ly hôn theo Bản án số 6/QĐST-HNGĐ ngày 16/11/2003")],
)  # fmt: skip
def test_a_document_code_one_letter_from_a_listed_one_is_it_misread_for_review(raw: str, value: str) -> None:
    n = normalize_field("text", raw, confidence=0.97)
    assert n.value == value and any(r.startswith("remark_code:") for r in n.rules) and n.confidence < 0.9


@pytest.mark.parametrize("raw", ["Đã ly hôn theo Bản án số 6/HNGĐ ngày 16/11/2003", "Theo QĐ số 12/QĐ-UBND",
                                 "Bản án số 3/DS-ST", "Theo QĐ số 7/QĐ-TAND", "số 5/HĐND",
                                 "Giấy báo tử số 12/GBT", "Công văn số 8/BTP-HTQTCT"])  # fmt: skip
def test_a_listed_or_short_document_code_is_kept(raw: str) -> None:
    n = normalize_field("text", raw, confidence=0.97)
    assert n.value == raw and not any(r.startswith("remark_code:") for r in n.rules)


@pytest.mark.parametrize(
    ("raw", "doubted"),
    [("Đã cấp bản sao ngày 1/1/2005 Q à", True),  # "Q": no Vietnamese syllable is spelled so
     ("Đã ly hôn theo Bản án số Š6/HNGĐ ngày 8/8/2010", True),  # a 5 read as Š: no Vietnamese letter
     ("Đã ly hôn theo Bản án số 56/HNGĐ ngày 8/8/2010", False),
     ("Đã cấp bản sao số ŭ6 ngày 8/8/2010", True),  # a breve only goes on an a
     ("Đã cấp Đ E Ì", True),
     ("Sốt xuất huyết Dengue", False),  # a cause of death may name a disease
     ("Lao fổi", True),  # but not with a Vietnamese mark on a word no syllable spells
     ("Ngã fo", True),  # nor with a short one
     ("Covid", False),
     ("Đuối TIƯỚC", True),  # capitals with a tone mark: no acronym (aged seed 1171, accepted before)
     ("ĐUỐI NƯỚC", False),
     ("Ung thư gan/phổi", False),  # words joined by a slash or a period are words
     ("Đã ký KT.CHỦ TỊCH", False),
     ("Đã ly hôn theo Bản án số 65/HNGĐ ngày 17/7/2006", False),  # acronyms and numbers are words here
     ("Đã cải chính họ tên theo QĐ số T2IQĐ-UBND", False),
     ("Ghi chú: con nuôi", False)],
)  # fmt: skip
def test_a_remark_holding_a_word_no_syllable_spells_is_doubted(raw: str, doubted: bool) -> None:
    cause = any(w in raw for w in ("Dengue", "fổi", " fo", "Covid", "Đuối", "ĐUỐI", "Ung thư"))
    n = normalize_field("cause" if cause else "text", raw, confidence=1.0)
    assert ("unknown_word" in n.rules) == doubted and (n.confidence < 1.0) == doubted


@pytest.mark.parametrize(
    ("raw", "noise"),
    [  # specks and the reverse page's letters in empty remark cells of kept Chromium sets
     ("ta we` `\n›wtðy", True), ("à\nbì", True), ("_ v>ư\n_#l\n*.4\nsự", True), ("ìt 1Ñ -\nMìị*\n\\ ...", True),
     ("ẤT VÔ CỤ CC TM NG", True), ("Z", True), ("Đ E Ì", True), ("2N\n/@ ».", True),
     # a word of three letters a syllable spells, a number, or a number after "Số": a remark, however short
     ("_\nhạn", False), ("quá hạn", False), ("P 5 vo TU NON", False), ("Số 2Ia", False), ("ngày 22/2022", False),
     ("Mất", False)],
)  # fmt: skip
def test_a_remark_cell_holding_only_specks_has_no_remark_and_goes_to_review(raw: str, noise: bool) -> None:
    n = normalize_field("text", raw, confidence=0.95)
    assert ("remark_noise" in n.rules) is noise
    if noise:
        assert (n.value, n.status) == (None, "invalid") and "no words" in (n.reason or "")
    else:
        assert n.value and n.status == "ok"
    # a cause of death is no remark: its short words are kept for review, not dropped as specks
    assert "remark_noise" not in normalize_field("cause", raw, confidence=0.95).rules


@pytest.mark.parametrize(
    ("raw", "value"),
    [("Suy fim", "Suy tim"),  # a word no syllable spells: surely misread, so one edit from a phrase is taken
     ("Suy fhận", "Suy thận"),
     ("Bệnh fim", "Bệnh tim"),
     # every word a syllable: a cause is still a phrase of a short list, one edit from exactly one of them
     # (an aged page's "Suy từm" had been accepted as written)
     ("Suy tin", "Suy tim"),
     ("Suy từm", "Suy tim"),
     ("Xơ gam", "Xơ gan"),
     ("Ung thư da", "Ung thư da"),  # two edits from "Ung thư vú": a cause of its own
     ("Sốt rét", "Sốt rét"),  # near no listed cause
     ("Lao fổi", "Lao fổi"),  # two edits (ph read f): too far for a short cell
     ("Sốt xuất huyết Dengue", "Sốt xuất huyết Dengue")],
)  # fmt: skip
def test_a_short_garbled_cause_takes_its_one_edit_phrase_for_review(raw: str, value: str) -> None:
    n = normalize_field("cause", raw, confidence=1.0)
    assert n.value == value
    assert any(r.startswith("lexicon_fuzzy:") for r in n.rules) == (value != raw)
    if value != raw:
        assert n.confidence is not None and n.confidence < 0.9


@pytest.mark.parametrize(("raw", "value"), [("243/GBT t¿", "243/GBT"), ("115/GBT ƒ", "115/GBT"),
                                            ("52/2010 rigày", "52/2010"), ("12/GBT 2", "12/GBT 2")])  # fmt: skip
def test_a_speck_or_garbled_word_after_a_certificate_number_is_dropped_for_review(raw: str, value: str) -> None:
    # aged pages: "ngày" garbled, or a speck, left after the number ("243/GBT t¿")
    n = normalize_field("doc_no", raw, confidence=1.0)
    assert n.value == value and n.confidence is not None and n.confidence < 1.0
    assert any(r.endswith(":trailing_noise") for r in n.rules) is (value != raw)


@pytest.mark.parametrize(("raw", "guessed"), [("I10/GBT", True), ("164/016", True), ("95GBT", False), ("12/GBT", False),
                                              ("56 230/GBT", True), ("12 230/GBT", True), ("Số 230/GBT", False),
                                              ("Sốl187/GBT", True), ("Số187/GBT", False), ("Sð241/GBT", True),
                                              ("243/GBT t¿", True), ("S682/GBT", True), ("36 39/2012", True),
                                              ("3644/GBT", False)])  # fmt: skip
def test_a_guessed_certificate_number_goes_to_review(raw: str, guessed: bool) -> None:
    n = normalize_field("doc_no", raw, confidence=1.0)
    assert (n.confidence is not None and n.confidence < 1.0) == guessed
    assert any(r.startswith("doc_no_guessed") for r in n.rules) == guessed


@pytest.mark.parametrize(("raw", "value", "dropped"), [
    ("I0.2005\nUBND Vĩnh Bình, Vĩnh\nHưng, Long An", "UBND xã Vĩnh Bình, huyện Vĩnh Hưng, tỉnh Long An", True),
    ("UBND xã Vĩnh Bình, huyện Vĩnh Hưng, tỉnh Long An", "UBND xã Vĩnh Bình, huyện Vĩnh Hưng, tỉnh Long An", False),
    ("Bệnh viện Đa khoa tỉnh Long An", "Bệnh viện Đa khoa tỉnh Long An", False),
    ("10.2005 UBND-xã Vĩnh Bình, huyện Vĩnh Hưng, tỉnh Long An", "UBND xã Vĩnh Bình, huyện Vĩnh Hưng, tỉnh Long An",
     True),  # "UBND" glued to the next word: dropped on the first pass, as on the second (review)
])  # fmt: skip
def test_an_issuing_office_read_after_another_fields_digits(raw: str, value: str, dropped: bool) -> None:
    # a photographed page: the end of the issue date ("I0.2005") read into the office's cell, accepted
    n = normalize_field("office", raw, confidence=0.95)
    assert n.value == value
    assert any(r.startswith("office_lead_dropped") for r in n.rules) is dropped
    assert (n.confidence is not None and n.confidence < 0.9) is dropped


@pytest.mark.parametrize(("raw", "misread"), [("JBND, xã Kim Lư", True), ("VBND xã Kim Lư", True),
                                              # fresh aged pages: its B or N misread, its U read "L "
                                              ("UBXD xã Kim Lư", True), ("UBWD xã Kim Lư", True),
                                              ("U8ND xã Kim Lư", True), ("L BND xã Kim Lư", True),
                                              ("UBND xã Kim Lư", False), ("Ubnd xã Kim Lư", False)])  # fmt: skip
def test_an_office_whose_ubnd_lost_its_u_is_read_as_ubnd_for_review(raw: str, misread: bool) -> None:
    # aged 1259: an office read again in the page's dark ink came back "JBND, xã Kim Lư", kept as written
    n = normalize_field("office", raw, confidence=0.95)
    assert (n.value, n.status) == ("UBND xã Kim Lư", "ok")
    assert any(r.startswith("office_ubnd_misread") for r in n.rules) is misread
    assert (n.confidence is not None and n.confidence < 0.9) is misread


@pytest.mark.parametrize("raw", ["UXTD xã Kim Lư", "Ủy ban", "UND xã Kim Lư", "BND xã Kim Lư"])
def test_words_that_are_no_misread_ubnd_are_not_taken_for_it(raw: str) -> None:
    # two letters off UBND, or a letter lost from it: not the office's label read with one letter wrong
    assert not any(r.startswith("office_ubnd_misread") for r in normalize_field("office", raw).rules)


@pytest.mark.parametrize(
    ("raw", "value", "doubted"),
    [("012019", "01/2019", True),  # the thin "/" lost on a curled page's edge: restored, for review
     ("Quyển số: 032013", "03/2013", True),
     ("1232008", "123/2008", True),
     # the "/" read as a 1 (fresh clean page, seed 1153): book 02, not 021
     ("0212004", "02/2004", True), ("1212004", "12/2004", True),
     ("0172021", "01/2021", True),  # an italic "/" read as a 7 (fresh aged seed 1327: book 017 on six rows)
     ("021 2004", "021/2004", True),  # a space where the "/" was: the 1 is the book's
     ("01|2019", "01/2019", True),  # the slash dropped as a stray stroke
     ("01l2019", "01/2019", False), ("01I2019", "01/2019", False),  # an italic slash read l or I: the slash
     ("01/2019", "01/2019", False), ("12", "12", False),  # written so: as written
     ("2019", "2019", False),  # a year alone is no book run together with its year
     ("0118995", "0118995", False),  # "8995" is no year: kept as read
     # a gap OCR put inside the year (book photograph 1123): the year, not book 01 and stray digits
     ("01/201 1", "01/2011", False), ("Quyển số: 02/20 08", "02/2008", False), ("01/2 0 1 9", "01/2019", False),
     # a slashed zero (aged 1317, accepted as book 1 on a page's eight rows): a zero
     ("Ø1/2000", "01/2000", False), ("Quyển số: Ø3/2024", "03/2024", False), ("1Ø/2015", "10/2015", False),
     ("03, 2020", "03/2020", False), ("Quyển số: 12,2008", "12/2008", False)],  # the "/" read as a comma
)  # fmt: skip
def test_a_book_number_run_into_its_year_gets_its_slash_back_and_goes_to_review(
    raw: str, value: str, doubted: bool
) -> None:
    n = normalize_field("book_no", raw, confidence=0.97)
    assert (n.status, n.value) == ("ok", value)
    assert ("book_no_slash_lost" in n.rules) == doubted == (n.reason is not None)
    if doubted:
        assert raw.split()[-1] in (n.reason or "") and "'/' lost" in (n.reason or "")


@pytest.mark.parametrize(("raw", "invalid"), [("Quyển số: 00W", True), ("0", True), ("00/2008", True),
                                              ("01", False), ("10/2008", False), ("Quyển số: 01/2008", False)])  # fmt: skip
def test_no_book_is_numbered_zero(raw: str, invalid: bool) -> None:
    # a book photograph: "Quyển số: 01/2008" read "00W" at 0.61, shown as book 00 on every row
    n = normalize_field("book_no", raw, confidence=0.97)
    assert (n.status == "invalid") is invalid
    if invalid:
        assert "quyển số 0" in (n.reason or "")


@pytest.mark.parametrize(
    ("raw", "guessed"),
    [("Đã cấp trích Lục ngày 4/12/2003", True), ("Đã cấp Trích lục ngày 4/12/2003", True),
     ("Đã cấp bản Sao ngày 4/12/2003", False),  # S and s are drawn alike: OCR's, no guess
     ("Đã Cấp Trích Lục Ngày 4/12/2003", False),  # every word capitalised: as written
     ("Đã ly hôn theo Bản án số 3/HNGĐ ngày 4/12/2003", False)],  # the list's own capital
)  # fmt: skip
def test_a_capital_put_small_in_a_listed_phrase_is_doubted(raw: str, guessed: bool) -> None:
    n = normalize_field("text", raw, confidence=1.0)
    assert ("lexicon_case_guess" in n.rules) == guessed
    assert (n.confidence is not None and n.confidence < 1.0) == guessed


@pytest.mark.parametrize(("field", "raw", "value"), [("ethnicity", "Høã", "Hoa"), ("ethnicity", "Høa", "Hoa"),
                                                     ("relation", "cøn", "con"), ("sex", "Nøm", "Nam")])
def test_a_speckled_o_in_a_closed_vocabulary_is_an_o(field: str, raw: str, value: str) -> None:
    # aged seed 1259: "Høã" had been an unknown ethnic group
    n = normalize_field(field, raw)
    assert (n.status, n.value) == ("ok", value) and "ocr_speckled_o" in n.rules
