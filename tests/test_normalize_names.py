from __future__ import annotations

import pytest

from pipeline.normalize import normalize_field
from pipeline.normalize.names import given_for_sex, normalize_name
from pipeline.normalize.text import is_syllable, repair_accents, tone_key

NAMES = [
    ("NGUYỄN THỊ HỒNG NHUNG", "NGUYỄN THỊ HỒNG NHUNG"),
    ("Nguyễn Thị Hồng Nhung", "NGUYỄN THỊ HỒNG NHUNG"),  # older books: title case
    ("NGUYÊN THỊ HỒNG NHUNG", "NGUYỄN THỊ HỒNG NHUNG"),  # ocr.md: NGUYỄN read as NGUYÊN
    ("NGUYÊÑ VĂN AN", "NGUYỄN VĂN AN"),  # tilde on a consonant
    ("Nguyêñ Văn An", "NGUYỄN VĂN AN"),
    ("Hô` Văn Hùng", "HỒ VĂN HÙNG"),  # typewriter spacing accent
    ("HÔ` VĂN HÙNG", "HỒ VĂN HÙNG"),
    ("TRẦN THI LAN", "TRẦN THỊ LAN"),  # lost dot below in the middle slot
    ("PHAM VAN DUNG", "PHẠM VĂN DUNG"),  # no diacritics at all (Dung is itself a valid given name)
    ("LÊ THỊ HOÀ", "LÊ THỊ HOÀ"),  # old tone placement kept
    ("LÊ THỊ HÒA", "LÊ THỊ HÒA"),  # new tone placement kept
    ("LÊ THỊ THUỶ", "LÊ THỊ THUỶ"),
    ("NGUYỄN  VĂN  AN.", "NGUYỄN VĂN AN"),
    ("| NGUYỄN VĂN AN", "NGUYỄN VĂN AN"),
    ("NGUYỄN\nVĂN AN", "NGUYỄN VĂN AN"),
    ("ĐỖ ĐỨC ĐỊNH", "ĐỖ ĐỨC ĐỊNH"),  # Định is a valid given name: never "corrected" to Đình
    ("ĐỖ ĐỨC ĐÌNH", "ĐỖ ĐỨC ĐÌNH"),
    ("VŨ VĂN CHÍ", "VŨ VĂN CHÍ"),
    ("HOÀNG VĂN NAM", "HOÀNG VĂN NAM"),
    ("HUỲNH THỊ MAI", "HUỲNH THỊ MAI"),
    ("LÒ VĂN PÁNH", "LÒ VĂN PÁNH"),  # minority given name outside the lexicon: kept
    ("KSOR H'BLONG", "KSOR H'BLONG"),
    ("NGUYỄN THỊ ẢNH", "NGUYỄN THỊ ÁNH"),  # Ánh -> Ảnh confusion (hook vs acute)
    ("TRÂN VĂN AN", "TRẦN VĂN AN"),
    ("BUI THI HUONG", "BÙI THỊ HƯƠNG"),
    ("DANG VAN HAI", "ĐẶNG VĂN HẢI"),
    ("nguyễn văn an", "NGUYỄN VĂN AN"),
    ("Nguyễn Thị Hoà", "NGUYỄN THỊ HOÀ"),
    ("NGUYỄN THỊ THU THỦY", "NGUYỄN THỊ THU THỦY"),
]


@pytest.mark.parametrize(("raw", "value"), NAMES)
def test_person_names(raw: str, value: str) -> None:
    n = normalize_field("person_name", raw)
    assert (n.status, n.value) == ("ok", value), n.rules


def test_parts_and_rules() -> None:
    n = normalize_field("person_name", "NGUYÊN THỊ HỒNG NHUNG")
    assert n.details["ho"] == "NGUYỄN" and n.details["dem"] == "THỊ HỒNG" and n.details["ten"] == "NHUNG"
    assert "lexicon:ho:NGUYÊN->NGUYỄN" in n.rules


def test_close_correction_lowers_confidence() -> None:
    n = normalize_field("person_name", "NGUYỄN THỊ ẢNH", confidence=0.9)
    assert n.confidence is not None and n.confidence < 0.9
    clean = normalize_field("person_name", "NGUYỄN THỊ ÁNH", confidence=0.9)
    assert clean.rules == [] and clean.confidence > n.confidence
    # a syllable with no plausible other reading keeps (almost) all of its confidence
    assert normalize_field("person_name", "NGUYỄN VĂN HÙNG", confidence=0.9).confidence > 0.88


def test_valid_surname_is_not_corrected() -> None:
    # Hà is a valid surname: not turned into the more frequent Hà/Hạ look-alikes
    n = normalize_field("person_name", "HÀ VĂN AN")
    assert n.value == "HÀ VĂN AN" and not [r for r in n.rules if r.startswith("lexicon")]


@pytest.mark.parametrize(
    ("raw", "fixed"),
    [("Hô`", "Hồ"), ("Nguyêñ", "Nguyễn"), ("Ho^`", "Hồ"), ("Ngươ`i", "Người"), ("Hô `", "Hồ"),
     ("H'Mông", "H'Mông"), ("Tha\u0300nh", "Thành"), ("hoà", "hoà")],
)  # fmt: skip
def test_repair_accents(raw: str, fixed: str) -> None:
    assert repair_accents(raw)[0] == fixed


def test_tone_key_ignores_placement() -> None:
    assert tone_key("Hoà") == tone_key("Hòa") == tone_key("HÒA")
    assert tone_key("Thuỷ") == tone_key("Thủy")
    assert tone_key("Quí") == tone_key("Quý")
    assert tone_key("Hòa") != tone_key("Hóa")


@pytest.mark.parametrize(
    ("raw", "value", "rule"),
    [
        # two tone marks on one syllable never spell anything: the lexicon spelling of its letters
        ("HOÀNG MINH HUYẾỄN", "HOÀNG MINH HUYỀN", "lexicon_two_tones:ten:HUYẾỄN->HUYỀN"),  # bench
        ("NGUYỄN THỊ HÓÀ", "NGUYỄN THỊ HÒA", "lexicon_two_tones:ten:HÓÀ->HÒA"),
        # the vowel echoed without its hat (book photographs 1103 and 1115: "HUỆẸ"); ƯU stays a vowel pair
        ("BÙI THỊ HUỆẸ", "BÙI THỊ HUỆ", "lexicon_two_tones:ten:HUỆẸ->HUỆ"),
        ("LÊ VĂN HỮỤ", "LÊ VĂN HỮU", "lexicon_two_tones:ten:HỮỤ->HỮU"),
    ],
)
def test_stacked_diacritics(raw: str, value: str, rule: str) -> None:
    n = normalize_field("person_name", raw, confidence=1.0)
    assert (n.status, n.value) == ("ok", value) and rule in n.rules
    assert n.confidence is not None and n.confidence < 1.0


@pytest.mark.parametrize(
    "raw",
    # valid syllables are never changed, even when a look-alike is more frequent
    [
        "PHẠM KIM KHANH",
        "NGUYỄN XUÂN KHAI",
        "HOÀNG MINH HUYỀN",
        "NGUYỄN VĂN HUY",
        "PHẠM THANH DŨNG",
        "LÊ THỊ HOÀ",
    ],
)
def test_valid_names_unchanged(raw: str) -> None:
    n = normalize_field("person_name", raw)
    assert n.value == raw and not [r for r in n.rules if r.startswith("lexicon")]


@pytest.mark.parametrize(("raw", "one_word"), [("Huỳnh", True), ("AN", True), ("NGUYỄN AN", False),
                                              ("H'BLONG", False), ("KSOR-H'BLONG", False)])  # fmt: skip
def test_a_name_of_one_word_goes_to_review(raw: str, one_word: bool) -> None:
    # the rest of the name went to the next cell or line; a minority name written as one word stays
    n = normalize_field("person_name", raw, confidence=0.95)
    assert ("name_one_word" in n.rules) is one_word
    assert (n.confidence < 0.9) is one_word


@pytest.mark.parametrize(("raw", "missing"), [("Nguyễn Thị", True), ("NGUYỄN VĂN", True), ("NGUYỄN THỊ HOA", False),
                                             ("LÊ VĂN THỊNH", False)])  # fmt: skip
def test_a_name_ending_in_a_middle_name_lost_its_given_name(raw: str, missing: bool) -> None:
    # a photographed page: "Nguyễn Thị" (HỒNG lost to the next line) had been accepted
    n = normalize_field("person_name", raw, confidence=0.95)
    assert ("name_given_missing" in n.rules) is missing
    assert (n.confidence < 0.9) is missing


@pytest.mark.parametrize(("raw", "repeated", "rival"), [
    ("LÊ ANH ANH", True, "ÁNH"),  # aged seed 1259: LÊ ANH ÁNH's mark lost, accepted on three rows
    ("Nguyễn Thị Thị", True, None),
    ("LÊ ANH ÁNH", False, None), ("ANH ANH", False, None),  # two words: a surname and a name
    ("TRẦN ANH MINH ANH", False, None),  # not side by side
])  # fmt: skip
def test_a_given_name_spelled_as_its_middle_name_goes_to_review(raw: str, repeated: bool, rival: str | None) -> None:
    n = normalize_field("person_name", raw, confidence=0.97)
    assert ("name_repeated_syllable" in n.rules) is repeated
    if repeated:
        assert n.confidence is not None and n.confidence < 0.9
    if rival:
        assert {"slot": "ten", "raw": "ANH", "value": "ANH", "suspect": rival} in n.details["corrections"]


def test_unresolved_stacked_syllable_goes_to_review() -> None:
    n = normalize_field("person_name", "LÊ THỊ XYẾỄZ", confidence=0.9)
    assert n.value == "LÊ THỊ XYẾỄZ" and n.confidence is not None and n.confidence < 0.8


@pytest.mark.parametrize(
    ("field_type", "raw", "value"),
    [
        ("person_name", "ÐINH VĂN NAM", "ĐINH VĂN NAM"),  # Icelandic eth (U+00D0) for Đ
        ("doc_no", "34/QÐ-UBND", "34/QĐ-UBND"),
        ("person_name", "\u0189Ỗ THỊ LAN", "ĐỖ THỊ LAN"),  # African D (U+0189)
    ],
)
def test_letters_vietnamese_never_uses_become_d(field_type: str, raw: str, value: str) -> None:
    n = normalize_field(field_type, raw)
    assert n.value == value and "eth_as_d" in n.rules


# A hyphen between two Kinh syllables is OCR's reading of the space; minority names keep theirs.
HYPHENS = [
    ("Trần-Ngọc Khánh", "TRẦN NGỌC KHÁNH", True),
    ("TRẦN-NGỌC KHÁNH", "TRẦN NGỌC KHÁNH", True),
    ("NGUYỄN-VĂN-AN", "NGUYỄN VĂN AN", True),
    ("LÊ THỊ MAI–ANH", "LÊ THỊ MAI ANH", False),  # an en dash is no name character: dropped earlier
    ("Y-Moan Ênuôl", "Y-MOAN ÊNUÔL", False),  # Ê Đê: a piece outside the Kinh lexicons
    ("KSOR-H'BLONG", "KSOR-H'BLONG", False),
]


@pytest.mark.parametrize(("raw", "value", "split"), HYPHENS)
def test_hyphen_between_kinh_syllables(raw: str, value: str, split: bool) -> None:
    n = normalize_field("person_name", raw)
    assert (n.status, n.value) == ("ok", value)
    assert any(r.startswith("name_hyphen_as_space:") for r in n.rules) == split


# Two syllables OCR read without their space: split where exactly one cut gives two name syllables.
GLUED = [
    ("PHẠM THỊAN", "PHẠM THỊ AN"),
    ("TRẦNANH HẠNH", "TRẦN ANH HẠNH"),
    ("TRÂNANH HẠNH", "TRẦN ANH HẠNH"),  # and the lexicon repairs the marks
    ("NGUYỄNTHỊ NGỌC KHÁNH", "NGUYỄN THỊ NGỌC KHÁNH"),
    # several cuts give folded syllables (HOÀ|NGAN, ĐỨ|CANH, BẢ|OANH): the one spelled as known, marks and all
    ("NGUYỄN HOÀNGAN", "NGUYỄN HOÀNG AN"),
    ("TRẦN ĐỨCANH", "TRẦN ĐỨC ANH"),
    ("NGUYỄN BẢOANH", "NGUYỄN BẢO ANH"),
]


@pytest.mark.parametrize(("raw", "value"), GLUED)
def test_glued_syllables_split_and_sent_to_review(raw: str, value: str) -> None:
    n = normalize_field("person_name", raw, confidence=1.0)
    assert (n.status, n.value) == ("ok", value)
    assert any(r.startswith("name_glued:") for r in n.rules) and n.confidence is not None and n.confidence < 0.9


# A syllable cut at a wide letter space ("SƠ N"): a lone letter that is no syllable joins an unknown one
# before it when together they are listed; after a listed one it is noise, dropped for review.
@pytest.mark.parametrize(
    ("raw", "value"),
    [("HỒ THANH SƠ N", "HỒ THANH SƠN"), ("NGUYỄN VĂN AN H", "NGUYỄN VĂN AN")],
)
def test_a_syllable_cut_in_two_is_joined(raw: str, value: str) -> None:
    n = normalize_field("person_name", raw, confidence=1.0)
    assert n.value == value, n.rules
    assert any(r.startswith("name_split:") for r in n.rules) is (value == "HỒ THANH SƠN")
    if raw != value:
        assert n.confidence is not None and n.confidence < 0.9


@pytest.mark.parametrize("raw", ["LÒ VĂN PÁNH", "KSOR H'BLONG", "NGUYỄN THỊ HỒNG NHUNG", "Y-MOAN ÊNUÔL"])
def test_glued_split_leaves_real_names(raw: str) -> None:
    assert not [r for r in normalize_field("person_name", raw).rules if r.startswith("name_glued")]


# An unknown syllable one letter from a listed one of its slot: a misread (first letter lost at a column
# rule, a speck before it) far more often than a rare name, so it goes to review however sure OCR was.
# Spelled as a Vietnamese syllable can be ("HẠM", "SIANG"), it may still be a rare name and is kept.
NEAR_MISSES = [
    ("HẠM THỊ GIANG", "ho", "PHẠM"),
    ("PHẠM THỊ SIANG", "ten", "GIANG"),
    ("ƯƠNG QUỐC ĐẠT", "ho", "DƯƠNG"),
    # ill-formed, but as minority names are too (clusters): suggested, not taken
    ("ĐHẠM ANH CHI", "ho", "PHẠM"),
    ("ILÊ MINH THƠ", "ho", "LÊ"),
    ("VÕ NHƯ TRTINH", "ten", "TRINH"),
]


@pytest.mark.parametrize(("raw", "slot", "near"), NEAR_MISSES)
def test_near_miss_syllables_go_to_review(raw: str, slot: str, near: str) -> None:
    n = normalize_field("person_name", raw, confidence=1.0)
    assert n.value == raw  # a possible word: never rewritten, the reviewer decides
    assert any(r.startswith(f"name_near_miss:{slot}:") and r.endswith("~" + near) for r in n.rules), n.rules
    assert n.confidence is not None and n.confidence < 0.7


# Spelled as no Vietnamese syllable can be (a doubled letter, an impossible cluster, a stop final with
# the wrong tone, no vowel), the listed syllable one letter away is taken; the field still goes to review.
@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("HOÀNG MỸ DŨUNG", "HOÀNG MỸ DŨNG"),
        ("NGUYỄN QUANG TTRI", "NGUYỄN QUANG TRÍ"),
        ("PHẠAM THỊ HỒNG MINH", "PHẠM THỊ HỒNG MINH"),
        ("BÙI TH KHÁNH NGÂN", "BÙI THỊ KHÁNH NGÂN"),
        ("NGUYỄN ĐÚCC CƯỜNG", "NGUYỄN ĐỨC CƯỜNG"),
        ("ĐẶNG QUỐC KHẢT", "ĐẶNG QUỐC KHẢI"),  # a stop final takes only sắc or nặng
        ("LÊ WĨNH", "LÊ VĨNH"),  # the V's marks as read
        ("NGUYỄN FHỊ THƯ", "NGUYỄN THỊ THƯ"),
        ("PHAN THỊ WY", "PHAN THỊ VY"),  # W is no letter of the language: a V, not the more frequent MY
        ("NGUYỄN THỊ WW", "NGUYỄN THỊ VY"),  # an italic "Vy" run together (Chromium pages 1287, 1305)
        ("TRẦN THANH W", "TRẦN THANH VY"),
        ("PHẠM PHƯƠNG NGÂẦN", "PHẠM PHƯƠNG NGÂN"),  # a stuttered vowel, not two glued syllables (NGÂ|ẦN)
        ("NGUYEN XUAÂN\nPHƯƠNG", "NGUYỄN XUÂN PHƯƠNG"),  # a vowel read twice, once bare (fresh photograph 1303)
    ],
)
def test_a_syllable_no_word_is_spelled_like_takes_the_near_listed_one(raw: str, value: str) -> None:
    n = normalize_field("person_name", raw, confidence=1.0)
    assert n.value == value, n.rules
    assert any(r.startswith("name_misread:") for r in n.rules), n.rules
    assert n.confidence is not None and n.confidence < 0.7
    assert normalize_field("person_name", n.value, confidence=1.0).value == n.value


# An italic "hĩ" read "lữ" (Chromium aged 1313, 1319): two letters off, so no near miss; put back, for review.
@pytest.mark.parametrize(
    ("raw", "value"),
    [("Lê Văn\nNglữa", "LÊ VĂN NGHĨA"), ("Nguyễn\nCông\nNglữa", "NGUYỄN CÔNG NGHĨA"),
     ("TRẦN NGLĨA HÙNG", "TRẦN NGHĨA HÙNG")],
)  # fmt: skip
def test_an_italic_hi_read_as_lu_is_put_back_as_a_guess(raw: str, value: str) -> None:
    n = normalize_field("person_name", raw, confidence=1.0)
    assert n.value == value and any(r.startswith("name_italic_hi:") for r in n.rules), n.rules
    assert n.confidence is not None and n.confidence < 0.9
    assert normalize_field("person_name", value, confidence=1.0).rules == []


# Minority names (Ê Đê, Jrai, Ba Na) are no Kinh syllables either, but by clusters and finals OCR does not
# produce: they stay as read, with a suggestion for the reviewer.
@pytest.mark.parametrize("raw", ["MLÔ Y DUÔN", "H MLĂN BYĂ", "KƠ SƠR", "RƠ CHĂM KPĂ"])
def test_minority_names_are_not_taken_for_misreads(raw: str) -> None:
    n = normalize_field("person_name", raw, confidence=1.0)
    assert n.value == raw and not [r for r in n.rules if r.startswith("name_misread")], n.rules


# Two syllables glued over a doubled consonant or plain vowel are split; only a doubled marked vowel is a stutter.
@pytest.mark.parametrize(
    ("raw", "value"),
    [("LÊ THANHHẢI", "LÊ THANH HẢI"), ("LÊ MINHHOÀNG", "LÊ MINH HOÀNG"), ("TRẦN GIAAN", "TRẦN GIA AN"),
     ("LÊ HÒAAN", "LÊ HÒA AN")],
)  # fmt: skip
def test_glued_syllables_split_over_a_doubled_letter(raw: str, value: str) -> None:
    assert normalize_field("person_name", raw).value == value


@pytest.mark.parametrize("word", ["NGUYỄN", "THỊ", "GÌ", "QUỲNH", "KHUYẾN", "XOONG", "NGOẶT", "Y", "THUỶ", "PÁNH"])
def test_words_of_the_language_are_syllables(word: str) -> None:
    assert is_syllable(word)


@pytest.mark.parametrize("word", ["TTRI", "PHAẠM", "ĐÚCC", "TH", "KHẢT", "MAT", "FHỊ", "XUAÂN", "WY", "DŨUNG"])
def test_misreads_are_not_syllables(word: str) -> None:
    assert not is_syllable(word)


# A name every syllable of which is listed in its slot as read keeps a third of its residual error: a
# faint read at 0.75 passes the 0.9 threshold. Anything cleaned, split, corrected or unknown does not.
@pytest.mark.parametrize(
    ("raw", "listed"),
    [
        ("PHẠM THỊ GIANG", True),
        ("Nguyễn Văn An", True),  # only the case restored
        ("HẠM THỊ GIANG", False),  # a syllable no list knows
        ("NGUYÊN VĂN AN", False),  # corrected to NGUYỄN: a lexicon guess
        ("GIANG", False),  # one syllable: a lost surname cannot be told
        ("KSOR H'BLONG", False),  # minority names are outside the lists
        ("PHẠM THỊ GIANG 1", False),  # a digit dropped: the read was noisy
        ("PHẠM THỊGIANG", False),  # glued syllables split: a guess
    ],
)
def test_a_name_listed_as_read_keeps_less_residual_error(raw: str, listed: bool) -> None:
    n = normalize_field("person_name", raw, confidence=0.75)
    assert bool(n.details.get("listed_name")) is listed, (n.value, n.rules)
    assert (n.confidence is not None and n.confidence >= 0.9) is listed, n.confidence
    assert normalize_field("person_name", raw, confidence=0.6).confidence < 0.9  # below the floor


# A name every syllable of which is listed once the lexicon restored a mark OCR lost or misread keeps two
# thirds of its residual error: 0.85 passes the 0.9 threshold, 0.8 does not. A placement the lists split,
# a listed rival, anything else repaired, or a given name missing leaves the full doubt.
@pytest.mark.parametrize(
    ("raw", "value", "restored"),
    [
        ("NGUYÊN VĂN BÌNH", "NGUYỄN VĂN BÌNH", True),
        ("ĐĂNG VĂN TRÍ", "ĐẶNG VĂN TRÍ", True),
        ("Pham Văn Nam", "PHẠM VĂN NAM", True),  # the case too
        ("LE THUY CHI", "LÊ THÙY CHI", False),  # THÙY or THUỲ: the lists split the mark's place
        ("NGUYÊN THỊ", "NGUYỄN THỊ", False),  # the given name lost
        ("NGUYÊỄN BÁ TIẾN", "NGUYỄN BÁ TIẾN", False),  # two marks on one vowel: a misread, not a lost mark
        ("NGUYÊN VĂN BÌNH -", "NGUYỄN VĂN BÌNH", False),  # a stray dash cleaned: a noisy read
        ("NGUYÊN VĂN BÌNH 1", "NGUYỄN VĂN BÌNH", False),  # a digit dropped: the read was noisy
        ("NGUYÊN", "NGUYÊN", False),  # one word
    ],
)
def test_a_name_whose_marks_the_lexicon_restored_keeps_part_of_its_error(raw: str, value: str, restored: bool) -> None:
    n = normalize_field("person_name", raw, confidence=0.87)
    assert n.value == value
    assert bool(n.details.get("marks_restored")) is restored, (n.value, n.rules)
    assert (n.confidence is not None and n.confidence >= 0.9) is restored, n.confidence
    assert normalize_field("person_name", raw, confidence=0.8).confidence < 0.9  # below the floor


# Where the lists write a tone in two places (THÙY 1 : THUỲ 1, HÒA 3 : HOÀ 1), a mark OCR lost says nothing
# of where it sat: the restored spelling keeps only its share. A mark read keeps its own placement.
@pytest.mark.parametrize(
    ("raw", "value", "placement"),
    [
        ("LE THUY CHI", "LÊ THÙY CHI", 0.5),
        ("TRAN THI HOA", "TRẦN THỊ HOA", None),  # HOA is itself a name: not restored
        ("NGUYỄN THỊ HOÁ", "NGUYỄN THỊ HOÀ", None),  # the tone misread, its place (old style) kept
        ("NGUYỄN THỊ HÓA", "NGUYỄN THỊ HÒA", None),
        # the vowel misread too (a horn added, a fresh book photograph): the mark stays on its letter
        ("NGUYÊN THƯỲ VY", "NGUYỄN THUỲ VY", None),
        ("NGUYÊN THỪY VY", "NGUYỄN THÙY VY", None),
    ],
)
def test_a_restored_tone_keeps_the_share_of_its_placement(raw: str, value: str, placement: float | None) -> None:
    n = normalize_field("person_name", raw, confidence=1.0)
    assert n.value == value
    got = [c["placement"] for c in n.details.get("corrections", ()) if "placement" in c]
    assert got == ([placement] if placement else [])
    if placement:
        assert n.confidence is not None and n.confidence <= placement


@pytest.mark.parametrize(
    ("ten", "sex", "fit"),
    [
        ("DŨNG", "Nữ", "DUNG"),  # a man's name for a woman: the woman's name with the same letters
        ("CHÍ", "Nữ", "CHI"),
        ("TRÌNH", "Nữ", "TRINH"),
        ("HIỂN", "Nữ", "HIỀN"),
        ("TIÊN", "Nam", "TIẾN"),  # a woman's name for a man: the likeliest man's spelling of three
        ("LỤC", "Nam", "LỰC"),
        ("DUNG", "Nam", "DŨNG"),
        ("DUNG", "Nữ", None),  # the name fits
        ("ANH", "Nữ", None),  # a name of both sexes
        ("HÙNG", "Nữ", None),  # a man's name with no woman's spelling of its letters: left as read
        ("XYZ", "Nữ", None),  # not a listed name
    ],
)
def test_a_given_name_of_the_other_sex_has_a_sibling_that_fits(ten: str, sex: str, fit: str | None) -> None:
    assert given_for_sex(ten, sex) == fit


@pytest.mark.parametrize("raw", ["PHAN ANH KHANG ˆ", "PHAN ANH ˆ KHANG", "ˆ PHAN ANH KHANG"])
def test_a_lone_modifier_circumflex_is_a_speck(raw: str) -> None:
    # fresh book seed 1115: "PHAN ANH KHANG ˆ" had been a name of four words (accepted at Tesseract's 0.9)
    n = normalize_field("person_name", raw, confidence=1.0)
    assert n.value == "PHAN ANH KHANG" and "stray_punct" in n.rules


# A name read with one syllable's marks lost (restored by the lists) may have lost another's: a syllable
# read bare that the lists also give marked is weighed by the lists alone (fresh aged seed 1311: "TRAN THANH
# HAI" for TRẦN THÀNH HẢI, accepted as TRẦN THANH HẢI in the father's and the declarant's cells).
@pytest.mark.parametrize(
    ("raw", "suspect"),
    [
        ("TRAN THANH HAI", "THÀNH"),  # THANH 5.4 : THÀNH 2.0 as a middle name
        ("TRẤN THANH HAI", "THÀNH"),  # HAI's hook lost: the line drops marks
        ("NGUYEN MINH ANH", "ÁNH"),
        ("TRẦN THANH HẢI", None),  # every mark read: THANH as read
        ("NGUYỄN VĂN ANH", None),
        ("NGUYEN THI LAN", None),  # LAN 4.3 : LÂN 0.3, beyond doubt
        ("NGUYEN VAN NAM", None),  # no marked NAM in the lists
    ],
)
def test_a_bare_syllable_beside_marks_lost_is_weighed_by_the_lists_alone(raw: str, suspect: str | None) -> None:
    n = normalize_field("person_name", raw, confidence=0.97)
    doubts = [c for c in n.details.get("corrections", ()) if c.get("marks_lost_beside")]
    assert [c["suspect"] for c in doubts] == ([suspect] if suspect else [])
    assert (n.confidence is not None and n.confidence < 0.9) is (suspect is not None), n.confidence
    assert not (suspect and n.details.get("marks_restored"))


def test_a_syllable_already_in_doubt_is_not_doubted_twice() -> None:
    n = normalize_field("person_name", "TRAN THI HOA", confidence=0.97)
    assert [c["raw"] for c in n.details["corrections"] if "suspect" in c] == ["HOA"]


@pytest.mark.parametrize(
    ("raw", "value", "broken"),
    [
        ("NGL YÊN VĂN THỊNH", "NGUYỄN VĂN THỊNH", True),  # a phone photograph: six rows read NGÔ YẾN
        ("NGL YỄN THỊ VÂN", "NGUYỄN THỊ VÂN", True),
        ("NG UYỄN VĂN AN", "NGUYỄN VĂN AN", True),
        ("N GUYỄN HỒNG VY", "NGUYỄN HỒNG VY", True),  # its first letter apart (book 1091)
        ("HU YNH VĂN AN", "HUỲNH VĂN AN", True),
        ("LÊ YÊN VĂN AN", "LÊ YẾN VĂN AN", False),  # a listed first word: a name of four words
        ("NGL YỄN", "NGÔ YẾN", False),  # nothing after it: no room for a broken surname
        ("QX YZ VĂN AN", "QX YZ VĂN AN", False),  # far from any surname
        ("HOANH HOÀNG", "HỒ ANH HOÀNG", False),  # two names run together, cut: not joined again (aged 1307)
        ("LX HOÀNG THỦY", "LÊ HOÀNG THỦY", False),  # the surname whole in the second word: no join
    ],
)
def test_a_long_surname_broken_in_two_is_joined_for_review(raw: str, value: str, broken: bool) -> None:
    n = normalize_field("person_name", raw, confidence=0.97)
    assert n.value == value
    assert any(r.startswith("name_broken:") for r in n.rules) is broken
    assert not broken or (n.confidence is not None and n.confidence < 0.9)


@pytest.mark.parametrize(
    ("raw", "value", "dropped"),
    [
        # aged pages, the reverse page's letters showing through: a short first line with no surname before
        # a line that opens with one
        ("Ki\nLÊ XUÂN\nTHẢO", "LÊ XUÂN THẢO", "KI"),
        ("`~“e“xs\nHỒ BẢO MÃI", "HỒ BẢO MAI", "Ẽ XS"),
        ("xu»\nNGUYÊN\nTHU THANH", "NGUYỄN THU THANH", "XU"),
        # a last word of one letter no list knows, after a name of three words
        ("LẺ VĂN MINH ì", "LÊ VĂN MINH", "Ì"),
        ("Trần Thị\nNgọc Thơ\n=. —=O", "TRẦN THỊ NGỌC THƠ", "O"),
        # left as read: a first line with a surname, a long first line, a listed one-letter name, a short name
        ("NGUYỄN\nVĂN AN", "NGUYỄN VĂN AN", None),
        ("Hoàng Anh\nLÊ XUÂN THẢO", "HOÀNG ANH LÊ XUÂN THẢO", None),
        ("NGUYỄN VĂN Ý", "NGUYỄN VĂN Ý", None),
        ("LÊ VĂN A", "LÊ VĂN A", None),
    ],
)  # fmt: skip
def test_noise_before_or_after_a_name_is_dropped_for_review(raw: str, value: str, dropped: str | None) -> None:
    n = normalize_field("person_name", raw, confidence=0.97)
    assert n.value == value
    assert [r for r in n.rules if r.startswith("name_noise_dropped")] == ([f"name_noise_dropped:{dropped}"] if dropped else [])
    if dropped:
        assert n.confidence is not None and n.confidence < 0.9


@pytest.mark.parametrize(("raw", "value"), [("NGUYỄN VĂN- AN", "NGUYỄN VĂN AN"), ("NGUYỄN -HOÀNG LIÊN", "NGUYỄN HOÀNG LIÊN"),
                                            ("LÊ ĐÌNH-\nHÙNG", "LÊ ĐÌNH HÙNG"), ("KSOR H'BLONG", "KSOR H'BLONG")])  # fmt: skip
def test_a_dash_at_a_words_edge_is_no_part_of_the_name(raw: str, value: str) -> None:
    # the wrap's dash or a speck beside a syllable had been kept in the value ("NGUYỄN VĂN- AN", accepted)
    n = normalize_field("person_name", raw, confidence=0.97)
    assert n.value == value and ("name_chars" in n.rules) is ("-" in raw)


@pytest.mark.parametrize("raw", ["TÔ -\nQUỐC\nANH", "PHẠM -\nVĂN TIẾN", "TÔ - ' QUỐC ANH"])
def test_a_lone_dash_between_words_is_the_wraps_noise_unflagged(raw: str) -> None:
    # dropped with no rule, as before stop 42's word-by-word strip made it "name_chars" (4 right names of
    # the kept sets then went to review)
    n = normalize_field("person_name", raw, confidence=0.97)
    assert n.value == " ".join(w for w in raw.split() if w.strip("-'")) and "name_chars" not in n.rules
    assert n.confidence is not None and n.confidence >= 0.9


# A given name of the other sex only than the middle name's is no rival (aged seed 1259: an officer NGUYỄN THỊ
# DUNG flagged on six rows for DŨNG); a rival of the same sex still is, and marks lost are restored by sex.
@pytest.mark.parametrize(
    ("raw", "value", "suspect"),
    [("NGUYỄN THỊ DUNG", "NGUYỄN THỊ DUNG", None), ("NGUYỄN VĂN DUNG", "NGUYỄN VĂN DUNG", "DŨNG"),
     ("NGUYỄN DUNG", "NGUYỄN DUNG", "DŨNG"),  # no middle name: no sex to go by
     ("LÊ THỊ TIEN", "LÊ THỊ TIÊN", None), ("LÊ VĂN TIEN", "LÊ VĂN TIẾN", None)],
)  # fmt: skip
def test_the_middle_names_sex_rules_out_rivals_of_the_other(raw: str, value: str, suspect: str | None) -> None:
    res = normalize_name(raw)
    assert res.value == value
    assert next((c["suspect"] for c in res.corrections if "suspect" in c), None) == suspect


# A surname the lexicon settled with no rival (NGUYÊN: only NGUYỄN) holds no doubt: a name whose marks were
# restored takes its other words' figure (aged 1259: NGUYÊN at 0.39 beside HOÀNG TUẤN at 0.91-0.93 went to
# review). A faint word valid as read (VĂN: VÂN is a name too), a given name with rivals, or unread ink
# beside the name still weighs.
@pytest.mark.parametrize(
    ("words", "accepted"),
    [([("NGUYÊN", 0.39), ("HOÀNG", 0.91), ("TUẤN", 0.93)], True),
     ([("NGUYÊN", 0.94), ("VĂN", 0.40), ("MINH", 0.93)], False),
     ([("NGUYÊN", 0.39), ("HOÀNG", 0.91), ("TUẤN", 0.93), ("", 0.2)], False),
     ([("Nguyên", 0.39), ("Hoàng", 0.91), ("Tuấn", 0.93)], True),
     ([("PHẠM", 0.2), ("HOÀNG", 0.91), ("TUẤN", 0.93)], False),  # as read: nothing settled
     ([("NGUYÊN", 0.39), ("THỊ", 0.91), ("THUY", 0.93)], False)],  # THÙY / THUỲ / THỦY: no marks_restored
)  # fmt: skip
def test_a_surname_settled_with_no_rival_does_not_hold_the_name_back(words: list, accepted: bool) -> None:
    mean = sum(c for _, c in words) / len(words)
    raw = "\n".join(w for w, _ in words if w)
    n = normalize_field("person_name", raw, confidence=mean, words=words)
    assert (n.confidence is not None and n.confidence >= 0.9) is accepted, (n.value, n.confidence, n.details)
    assert normalize_field("person_name", raw, confidence=mean).confidence < 0.9  # the mean alone: review


def test_a_middle_name_that_names_either_sex_now_and_then_rules_no_rival_out() -> None:
    # KIM is listed as a girls' middle name, but NGUYỄN KIM DŨNG is a man's: DUNG keeps DŨNG as its rival
    res = normalize_name("NGUYỄN KIM DUNG")
    assert any(c.get("suspect") == "DŨNG" for c in res.corrections)


@pytest.mark.parametrize(
    ("raw", "value", "rival"),
    # a rare given name chosen for the marks where a frequent one is a letter away (book photographs 1193:
    # HẢI read "Hỏi" was accepted as HỘI at 0.90)
    [("HUỲNH ĐỨC HỎI", "HUỲNH ĐỨC HỘI", "HẢI")],
)
def test_a_correction_with_a_frequent_rival_a_letter_away_is_a_close_call(raw: str, value: str, rival: str) -> None:
    n = normalize_field("person_name", raw, confidence=0.95)
    assert n.value == value and n.confidence is not None and n.confidence < 0.85, (n.confidence, rival)  # review


@pytest.mark.parametrize(
    "raw",
    # the mark repaired with no listed rival a letter away, or only rare ones: as sure as before
    ["NGUYÊN VĂN AN", "TRÂN THỊ LAN", "NGUYỄN VĂN HÔNG", "LÊ VĂN TUÂN"],
)
def test_a_correction_without_a_close_rival_stays_sure(raw: str) -> None:
    n = normalize_field("person_name", raw, confidence=0.95)
    assert n.rules and n.confidence is not None and n.confidence > 0.9, (n.value, n.confidence)
