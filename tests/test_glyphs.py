"""A page's digit glyphs paired with the text read and held against each other (pipeline.glyphs), on
digits drawn by OpenCV's stroke font: each character its own mark, as typed text is."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from pipeline.glyphs import MIN_SAMPLES, Glyph, cut_glyphs, likeliest, settled_as_read, unlike_glyphs

FONT = cv2.FONT_HERSHEY_SIMPLEX


def draw(text: str, scale: float = 1.2, thick: int = 2, advance: dict[int, int] | None = None) -> np.ndarray:
    """``text`` drawn a character at a time; ``advance`` moves the character at an index by that many
    pixels (negative: onto the one before it, touching)."""
    height = cv2.getTextSize("0", FONT, scale, thick)[0][1]
    img = np.full((height + 30, 40 * len(text) + 40), 255, np.uint8)
    x = 12
    for i, ch in enumerate(text):
        x += (advance or {}).get(i, 0)
        cv2.putText(img, ch, (x, height + 12), FONT, scale, 0, thick, cv2.LINE_AA)
        x += cv2.getTextSize(ch, FONT, scale, thick)[0][0] + (6 if ch != " " else 0)
    return img


def read(glyphs: list[Glyph]) -> list[tuple[str, int]]:
    return [(g.char, g.at) for g in glyphs]


def test_each_digit_pairs_with_its_own_mark() -> None:
    assert read(cut_glyphs(draw("15/03/1987"), "15/03/1987")) == [
        ("1", 0), ("5", 1), ("0", 3), ("3", 4), ("1", 6), ("9", 7), ("8", 8), ("7", 9)]  # fmt: skip


def test_a_word_with_letters_gives_no_glyphs_and_the_date_after_it_does() -> None:
    # the label's letters touch and stand apart unpredictably: only the word of digits is paired
    assert read(cut_glyphs(draw("ngay 5.3.1987"), "ngay 5.3.1987")) == [
        ("5", 5), ("3", 7), ("1", 9), ("9", 10), ("8", 11), ("7", 12)]  # fmt: skip


def test_text_that_is_not_the_inks_pairs_nothing() -> None:
    # 02/06/2023 read "02/6/2023": one mark more than characters, no pairing to trust
    assert cut_glyphs(draw("02/06/2023"), "02/6/2023") == []
    # two words read where the ink has one: the spaces read are not the ink's
    assert cut_glyphs(draw("15/03/1987"), "15/03 1987") == []


def test_touching_marks_pair_from_each_end_as_far_as_the_wide_one() -> None:
    """Book 1195: "5/11/2013", the slash touching the 2; the 2 is in no pair, the rest are."""
    touching = draw("5/11/2013", advance={5: -14})
    assert read(cut_glyphs(touching, "5/11/2013")) == [("5", 0), ("1", 2), ("1", 3), ("0", 6), ("1", 7), ("3", 8)]
    # the same ink with a character fewer read: the wide mark no longer accounts for it
    assert cut_glyphs(touching, "5/11/013") == []


def test_three_digits_touching_are_one_mark_three_wide() -> None:
    """Book 1093: "12/11/1998" faded, its 998 run together; the marks before it pair."""
    touching = draw("12/11/1998", advance={8: -12, 9: -12})
    assert read(cut_glyphs(touching, "12/11/1998")) == [("1", 0), ("2", 1), ("1", 3), ("1", 4), ("1", 6)]


def test_a_mark_without_its_characters_build_pairs_nothing() -> None:
    # 1/1/2000 read "11/12000": as many marks as characters, but a slash stands where a 1 is read
    assert cut_glyphs(draw("1/1/2000"), "11/12000") == []


def test_a_stain_over_the_digits_is_left_out_by_the_inks_dark_core() -> None:
    """Aged 1321: a grey stain over "03/0" joins those glyphs at Otsu's threshold; the dark ink alone
    pairs them."""
    img = draw("03/01/1999")
    stained = np.where(img > 200, 150, img).astype(np.uint8)
    stained[:, 100:] = img[:, 100:]  # the stain over the first characters only
    assert read(cut_glyphs(stained, "03/01/1999")) == read(cut_glyphs(img, "03/01/1999"))
    assert len(cut_glyphs(stained, "03/01/1999")) == 8


def _page(misread: bool) -> list[Glyph]:
    """A page's dates: 3s and 5s in three sizes; with ``misread``, one 5 read as 3."""
    glyphs: list[Glyph] = []
    for scale, thick in ((1.1, 2), (1.2, 2), (1.3, 3)):
        for text in ("13/05/1953", "23/03/1935"):
            glyphs += cut_glyphs(draw(text, scale, thick), text)
    glyphs += cut_glyphs(draw("5/11/2015"), "3/11/2015" if misread else "5/11/2015")
    return glyphs


def test_a_digit_read_surely_that_looks_like_the_pages_other_digit_is_unlike_its_own() -> None:
    glyphs = _page(misread=True)
    found = unlike_glyphs(glyphs)
    assert [(glyphs[u.index].char, glyphs[u.index].at, u.looks) for u in found] == [("3", 0, "5")]
    assert found[0].other < found[0].own


def test_digits_read_right_are_like_their_own() -> None:
    assert unlike_glyphs(_page(misread=False)) == []


def test_a_digit_with_too_few_glyphs_on_the_page_is_not_judged() -> None:
    # a 5 read 3 on a page with no other 3: nothing to hold it against
    fives = [g for text in ("15/05/1955", "25/05/1955") for g in cut_glyphs(draw(text), text)]
    lone = cut_glyphs(draw("5"), "3")
    assert len(lone) == 1 and sum(g.char == "3" for g in fives) < MIN_SAMPLES
    assert unlike_glyphs([*fives, *lone]) == []


def test_a_number_alone_leaves_out_the_dashes_its_box_took_in() -> None:
    """A page number printed "- 109 -", its box holding a dash: as a number alone its digits pair."""
    ink = draw("- 109 -")
    assert cut_glyphs(ink, "109") == []
    assert read(cut_glyphs(ink, "109", number_alone=True)) == [("1", 0), ("0", 1), ("9", 2)]


def _readings(ink: str, *texts: str) -> dict[str, list[Glyph]]:
    return {t: cut_glyphs(draw(ink), t, number_alone=True) for t in texts}


def test_of_a_numbers_readings_the_one_like_the_pages_digits_is_likeliest() -> None:
    """Aged 1337: the page number 103 read "105" surely by one model, 103 by another; its 3 sits among
    the page's 3s."""
    page = _page(misread=False)
    assert likeliest(_readings("103", "105", "103"), page) == "103"
    assert likeliest(_readings("105", "103", "105"), page) == "105"
    # a reading that does not pair with the ink is no candidate: one reading left chooses nothing
    assert likeliest(_readings("103", "103", "1035"), page) is None


def test_no_reading_is_likeliest_where_the_page_cannot_tell() -> None:
    page = _page(misread=False)
    # the page holds no 4 or 7: nothing to hold those glyphs against
    assert likeliest(_readings("74", "74", "14"), page) is None
    assert likeliest(_readings("103", "103", "105"), []) is None


@pytest.mark.parametrize("text", ["", "   ", "a\nb"])
def test_nothing_to_pair_gives_nothing(text: str) -> None:
    assert cut_glyphs(draw("12"), text) == []


def _settled(ink: str, text: str, other: str, page: list[Glyph]) -> bool:
    return settled_as_read(cut_glyphs(draw(ink), text), cut_glyphs(draw(ink), other), page)


def test_a_value_whose_ink_is_its_digits_rules_the_runner_up_out() -> None:
    """A CMND read 088352195 with a runner-up 9 for its second 8 (aged 1289): the 8's ink is the page's
    8s'. Here: 1935 read surely, the runner-up 1955."""
    page = _page(misread=False)
    assert _settled("1935", "1935", "1955", page)
    # the ink a 5 read 3: the runner-up is not ruled out
    assert not _settled("1955", "1935", "1955", page)


def test_a_digit_both_readings_share_must_be_like_its_own_too() -> None:
    """Aged 1333: 26/08/1976 in review for the 6's runner-up 0; the 6 was its own, but its 08 was 06 (the
    8 among the page's 6s), so the value read was wrong either way."""
    page = _page(misread=False)
    assert _settled("5313", "5313", "5315", page)
    assert not _settled("3313", "5313", "5315", page)  # its first 3 read 5: shared, and unlike the 5s


def test_nothing_is_settled_where_the_page_cannot_tell() -> None:
    page = _page(misread=False)
    assert not _settled("1947", "1947", "1941", page)  # the page holds no 4 or 7 to compare with
    assert not _settled("1935", "1935", "1935", page)  # no digit read otherwise
    assert not _settled("1935", "1935", "1955", [])
    assert not settled_as_read([], cut_glyphs(draw("1955"), "1955"), page)
