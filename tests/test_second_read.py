"""A faint or unreadable digit field read again alone (pipeline/second_read.py, read_page._read_again):
real Tesseract on a rendered cell."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.model import BBox, FieldStatus, FieldValue, OcrLine
from pipeline.normalize import normalize_field
from pipeline.ocr import get_engine, second_engine
from pipeline.read_page import _Alone, _ambiguous_digit, _normalize_row, _parts, _read_again, _read_cells_dark
from pipeline.second_read import Reading, field_crop
from pipeline.templates import FieldSpec, templates_for

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
# the Makefile installs tesseract-ocr-eng; a machine without it reads with vie alone
needs_eng = pytest.mark.skipif(second_engine() is None, reason="Tesseract's eng traineddata is not installed")
CELL = BBox(0, 0, 700, 120)


def _cell(text: str) -> tuple[np.ndarray, BBox]:
    """A white cell with ``text`` on one line, and the text's ink box."""
    im = Image.new("L", (CELL.w, CELL.h), 255)
    ImageDraw.Draw(im).text((40, 35), text, font=ImageFont.truetype(FONT, 40), fill=0)
    gray = np.asarray(im).copy()
    ys, xs = np.nonzero(gray < 128)
    return gray, BBox(int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1))


def _read(gray: np.ndarray, spec: FieldSpec, f: FieldValue, *, second: bool = False) -> FieldValue:
    """``f`` read again alone by the real engine; by the second model too when asked (else vie only)."""
    engine = get_engine()
    engine.set_page(gray)
    normalized = {spec.key: normalize_field(spec.type, f.raw, confidence=f.confidence)}
    alone = _Alone(engine, second_engine() if second else None, gray, 0.0, 1.0)
    _read_again(alone, {spec.key: CELL}, [spec], {spec.key: f}, normalized, 0.9)
    return f


def _faint(key: str, raw: str, value: str | None, box: BBox, status: FieldStatus, ftype: str = "date") -> FieldValue:
    details = dict(normalize_field(ftype, raw, confidence=0.6).details)  # as the page reader keeps them
    return FieldValue(key=key, raw=raw, value=value, confidence=0.6, bbox=box, status=status, details=details)


DATE = FieldSpec("nktNgaySinh", "date")


def test_crop_has_room_on_the_right_and_stays_in_its_cell() -> None:
    box = BBox(100, 40, 200, 40)
    crop = field_crop(box, CELL, 1)
    assert crop.x == 92 and crop.x + crop.w == 340  # 8 px on the left, a line's height on the right
    assert crop.y == 27 and crop.y + crop.h == 93  # a third of a line above and below
    wide = field_crop(BBox(600, 40, 90, 40), CELL, 1)
    assert wide.x + wide.w == CELL.w  # never past the cell
    two = field_crop(BBox(100, 20, 200, 80), CELL, 2)
    assert two.x + two.w == 340  # a wrapped field: the line's height, not the box's


def test_a_faint_date_that_the_reading_alone_gives_again_is_accepted() -> None:
    gray, box = _cell("12/04/1953")
    # the box OCR gave lost the last digit: the crop's room on the right reads it
    short = BBox(box.x, box.y, box.w - 20, box.h)
    f = _read(gray, DATE, _faint(DATE.key, "12/04/1953", "1953-04-12", short, FieldStatus.LOW_CONFIDENCE))
    assert f.status == FieldStatus.OK and f.confidence >= 0.9
    assert any(r.startswith("read_alone_agrees") for r in f.rules)


def test_a_faint_date_read_alone_otherwise_stays_for_review_with_the_other_reading() -> None:
    gray, box = _cell("12/04/1953")
    f = _read(gray, DATE, _faint(DATE.key, "12/04/1958", "1958-04-12", box, FieldStatus.LOW_CONFIDENCE))
    assert f.status == FieldStatus.LOW_CONFIDENCE and f.value == "1958-04-12"
    assert f.details["read_alone"] == ["1953-04-12"]


def test_an_unreadable_date_takes_what_both_readings_alone_give_still_for_review() -> None:
    gray, box = _cell("12/04/1953")
    f = _read(gray, DATE, _faint(DATE.key, "12/04/195:", "12/04/195:", box, FieldStatus.INVALID))
    assert f.value == "1953-04-12" and f.status == FieldStatus.LOW_CONFIDENCE
    assert "read_alone_value" in f.rules and f.details["read_as"] == "12/04/195:" and "195:" in (f.reason or "")


@pytest.mark.parametrize(
    ("spec", "raw", "value"),
    [(FieldSpec("nktHoTen", "person_name"), "12/04/1953", "12/04/1953"),  # names are never read again
     (DATE, "12/04/1953", "1953-04-12")],  # a field invalid for another row's reason is not either
)  # fmt: skip
def test_only_faint_or_unreadable_digit_fields_are_read_again(spec: FieldSpec, raw: str, value: str) -> None:
    gray, box = _cell("12/04/1953")
    status = FieldStatus.LOW_CONFIDENCE if spec.type == "person_name" else FieldStatus.INVALID
    f = _read(gray, spec, _faint(spec.key, raw, value, box, status))
    assert f.status == status and f.rules == [] and "read_alone" not in f.details


def test_a_read_the_normalizer_guessed_is_not_vouched_for_by_the_same_guess() -> None:
    # "7/1172003": the "/" read as 7 is the normalizer's guess; read alone, the same glyphs give the same
    # guess (a dotted 0 read as 9 on a typewriter face is read as 9 alone too): nothing is settled
    gray, box = _cell("7/1172003")
    f = _faint(DATE.key, "7/1172003", "2003-11-07", box, FieldStatus.LOW_CONFIDENCE)
    assert "confidence_factor" in f.details
    assert _read(gray, DATE, f).status == FieldStatus.LOW_CONFIDENCE and f.rules == []


class _TwoReadings:
    """An engine whose grey and binarized readings alone are given: the weighing, isolated from OCR."""

    def __init__(self, grey: str, binarized: str) -> None:
        self.texts = {False: grey, True: binarized}

    def read_alone(self, gray: np.ndarray, rect: BBox, mode: str = "block", *, slope: float = 0.0,
                   binarize: bool = False, scale: float | None = None) -> list[OcrLine]:  # fmt: skip
        return [OcrLine(self.texts[binarize], 0.9, rect)]


@pytest.mark.parametrize(
    ("grey", "binarized", "vouched"),
    [("12/04/1958", "12/04/1958", True), ("12/04/1953", "12/04/1958", False),  # one reading says otherwise
     ("12/04/1958", "", True), ("12/04/195", "12/04/1958", True)],  # a reading with no valid date: no vote
)  # fmt: skip
def test_a_faint_read_is_vouched_for_only_when_no_reading_alone_gives_another_value(
    grey: str, binarized: str, vouched: bool
) -> None:
    gray, box = _cell("12/04/1958")
    f = _faint(DATE.key, "12/04/1958", "1958-04-12", box, FieldStatus.LOW_CONFIDENCE)
    normalized = {DATE.key: normalize_field("date", f.raw, confidence=0.6)}
    alone = _Alone(_TwoReadings(grey, binarized), None, gray, 0.0, 1.0)  # type: ignore[arg-type]
    _read_again(alone, {DATE.key: CELL}, [DATE], {DATE.key: f}, normalized, 0.9)
    assert (f.status == FieldStatus.OK) is vouched
    assert ("read_alone" in f.details) is (not vouched)


# A reading alone that is itself a guess (the hour read as letters: "Sh50") agrees with the faint read
# but settles nothing; one plain reading beside it does
@pytest.mark.parametrize(("grey", "binarized", "vouched"), [("Sh50", "Sh50", False), ("Sh50", "5h50", True)])
def test_a_reading_alone_that_is_a_guess_vouches_for_nothing(grey: str, binarized: str, vouched: bool) -> None:
    spec = FieldSpec("nktGioPhutChet", "time")
    gray, box = _cell("5h50")
    f = _faint(spec.key, "5h50", "05:50", box, FieldStatus.LOW_CONFIDENCE, "time")
    normalized = {spec.key: normalize_field("time", f.raw, confidence=0.6)}
    alone = _Alone(_TwoReadings(grey, binarized), None, gray, 0.0, 1.0)  # type: ignore[arg-type]
    _read_again(alone, {spec.key: CELL}, [spec], {spec.key: f}, normalized, 0.9)
    assert (f.status == FieldStatus.OK) is vouched


# --- the second model (ocr.engine.SECOND_MODEL) ------------------------------------------------------

ENTRY = FieldSpec("so", "entry_no")


def _doubted(spec: FieldSpec, raw: str, box: BBox, alternatives: list | None = None) -> tuple[FieldValue, dict]:
    """A field as the page reader leaves it: normalized with OCR's runner-up digits, if any."""
    n = normalize_field(spec.type, raw, confidence=0.95, alternatives=alternatives)
    status = FieldStatus.INVALID if n.status == "invalid" else FieldStatus.LOW_CONFIDENCE
    conf = 0.95 * n.details.get("confidence_factor", 1.0)
    f = FieldValue(key=spec.key, raw=raw, value=n.value, confidence=conf, bbox=box, status=status,
                   rules=list(n.rules), details=dict(n.details))  # fmt: skip
    return f, {spec.key: n}


def _ask(engine: object, gray: np.ndarray, spec: FieldSpec, f: FieldValue, normalized: dict) -> FieldValue:
    alone = _Alone(get_engine(), engine, gray, 0.0, 1.0)  # type: ignore[arg-type]
    get_engine().set_page(gray)
    _read_again(alone, {spec.key: CELL}, [spec], {spec.key: f}, normalized, 0.9)
    return f


@needs_eng
def test_a_guess_the_second_model_reads_plainly_is_accepted() -> None:
    # "7/1172003": vie's "/" read as 7 is the normalizer's guess, which vie alone repeats; eng, a model
    # trained apart, reads the date plainly: two models agree
    gray, box = _cell("7/11/2003")
    f = _faint(DATE.key, "7/1172003", "2003-11-07", box, FieldStatus.LOW_CONFIDENCE)
    f = _read(gray, DATE, f, second=True)
    assert f.status == FieldStatus.OK and f.value == "2003-11-07" and "second_model_agrees" in f.rules


@needs_eng
@pytest.mark.parametrize("text", ["52/GBT", "209/2005"])
def test_a_faint_death_notice_number_the_second_model_reads_alike_is_accepted(text: str) -> None:
    # clean Chromium pages: vie reads such numbers right at 0.82-0.89, below the threshold
    spec = FieldSpec("gbtSo", "doc_no")
    gray, box = _cell(text)
    f = _faint(spec.key, text, text, box, FieldStatus.LOW_CONFIDENCE, "doc_no")
    f = _read(gray, spec, f, second=True)
    assert (f.status, f.value) == (FieldStatus.OK, text) and "second_model_agrees" in f.rules


@needs_eng
def test_an_entry_number_with_a_runner_up_digit_that_the_second_model_reads_is_no_longer_ambiguous() -> None:
    gray, box = _cell("557")
    # vie read 557 with 3 nearly as likely as the 5 (an italic 5): as read, yet ambiguous
    f, normalized = _doubted(ENTRY, "557", box, alternatives=[(0, ["3"])])
    assert "ocr_digit_ambiguous" in f.rules and _ambiguous_digit(f, 0.9)
    f = _ask(second_engine(), gray, ENTRY, f, normalized)
    assert f.value == "557" and "second_model_agrees" in f.rules and not _ambiguous_digit(f, 0.9)


@needs_eng
def test_the_second_models_plain_reading_of_the_runner_up_replaces_vies_still_for_review() -> None:
    gray, box = _cell("557")
    f, normalized = _doubted(ENTRY, "357", box, alternatives=[(0, ["5"])])  # vie: 3, runner-up 5
    f = _ask(second_engine(), gray, ENTRY, f, normalized)
    assert (f.value, f.status) == ("557", FieldStatus.LOW_CONFIDENCE)
    assert "second_model_value" in f.rules and f.details["read_as"] == "357" and "557" in (f.reason or "")
    assert normalized[ENTRY.key].value == "557"


@pytest.mark.parametrize(
    ("grey", "binarized", "value", "rule"),
    [("557", "557", "557", "second_model_value"),
     ("55€", "55€", "357", None),  # eng's italic 6 or 7: "€" is no digit, and the normalizer would drop it
     ("557", "558", "357", None),  # the two readings disagree
     ("55", "55", "357", None),  # a digit short: eng drops what it cannot read
     ("$57", "557", "557", "second_model_value"),  # eng's italic 5 read "$": the same number
     ("$57", "558", "357", None)],
)  # fmt: skip
def test_the_second_model_counts_only_when_both_its_readings_are_plain_and_agree(
    grey: str, binarized: str, value: str, rule: str | None
) -> None:
    gray, box = _cell("557")
    f, normalized = _doubted(ENTRY, "357", box, alternatives=[(0, ["5"])])
    f = _ask(_TwoReadings(grey, binarized), gray, ENTRY, f, normalized)
    assert f.value == value and f.status == FieldStatus.LOW_CONFIDENCE
    assert (rule in f.rules) if rule else not any(r.startswith("second_model") for r in f.rules)
    assert ("second_model" in f.details) is (grey == binarized == "55")  # a shorter reading is shown, not taken


@pytest.mark.parametrize(
    ("raw", "value", "status", "vie_alone", "eng", "want"),
    [
        # an unreadable date both vie readings alone give as one value takes it; eng's other value is shown
        ("12/04/195:", "12/04/195:", FieldStatus.INVALID, "12/04/1953", "12/04/1958", "1953-04-12"),
        # kept pages: where vie's read was only faint, eng's other value was wrong as often as right (2025
        # for 2023): shown, not taken
        ("02/11/2023", "2023-11-02", FieldStatus.LOW_CONFIDENCE, "", "02/11/2025", "2023-11-02"),
    ],
)  # fmt: skip
def test_the_second_models_other_value_is_shown_beside_what_vie_read(
    raw: str, value: str, status: FieldStatus, vie_alone: str, eng: str, want: str
) -> None:
    gray, box = _cell(raw)
    f = _faint(DATE.key, raw, value, box, status)
    normalized = {DATE.key: normalize_field("date", f.raw, confidence=0.6)}
    alone = _Alone(_TwoReadings(vie_alone, vie_alone), _TwoReadings(eng, eng), gray, 0.0, 1.0)  # type: ignore[arg-type]
    _read_again(alone, {DATE.key: CELL}, [DATE], {DATE.key: f}, normalized, 0.9)
    other = normalize_field("date", eng).value
    assert (f.value, f.status, f.details["second_model"]) == (want, FieldStatus.LOW_CONFIDENCE, other)


def test_a_faint_read_takes_the_value_vie_alone_and_the_second_model_both_give() -> None:
    # seed 467: "ngày lI-II-1998" read 1998-11-11 by the page, 1998-11-01 by vie alone and by eng
    gray, box = _cell("1-11-1998")
    f = _faint(DATE.key, "lI-II-1998", "1998-11-11", box, FieldStatus.LOW_CONFIDENCE)
    f.details.pop("confidence_factor", None)  # faint, not a guess
    normalized = {DATE.key: normalize_field("date", f.raw, confidence=0.6)}
    alone = _Alone(_TwoReadings("1-11-1998", "1-11-1998"), _TwoReadings("1-11-1998", "1-11-1998"), gray, 0.0, 1.0)  # type: ignore[arg-type]
    _read_again(alone, {DATE.key: CELL}, [DATE], {DATE.key: f}, normalized, 0.9)
    assert (f.value, f.status, f.details["read_as"]) == ("1998-11-01", FieldStatus.LOW_CONFIDENCE, "1998-11-11")
    assert "second_model_value" in f.rules


def test_a_faint_number_a_digit_short_of_the_second_models_takes_its() -> None:
    # seed 191: a CMND read "34514646" (8 digits) faintly; eng read 345146461: eng drops digits, never adds
    spec = FieldSpec("chongSoGiayToTuyThan", "id_number")
    gray, box = _cell("345146461")
    n = normalize_field("id_number", "34514646", confidence=0.77)
    f = FieldValue(key=spec.key, raw="34514646", value=n.value, confidence=0.77, bbox=box,
                   status=FieldStatus.LOW_CONFIDENCE, details=dict(n.details))  # fmt: skip
    alone = _Alone(_TwoReadings("", ""), _TwoReadings("345146461", "345146461"), gray, 0.0, 1.0)  # type: ignore[arg-type]
    _read_again(alone, {spec.key: CELL}, [spec], {spec.key: f}, {spec.key: n}, 0.9)
    assert (f.value, f.status, f.details["read_as"]) == ("345146461", FieldStatus.LOW_CONFIDENCE, "34514646")


class _Counted(_TwoReadings):
    calls = 0

    def read_alone(self, *args: object, **kw: object) -> list[OcrLine]:
        type(self).calls += 1
        return super().read_alone(*args, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("status", [FieldStatus.OK, FieldStatus.EMPTY])
def test_a_sure_or_empty_field_is_not_read_by_the_second_model(status: FieldStatus) -> None:
    gray, box = _cell("557")
    raw = "557" if status == FieldStatus.OK else "—"
    n = normalize_field("entry_no", raw, confidence=0.97)
    f = FieldValue(key="so", raw=raw, value=n.value, confidence=0.97, bbox=box, status=status)
    _Counted.calls = 0
    _ask(_Counted("558", "558"), gray, ENTRY, f, {"so": n})
    assert (f.value, f.status, f.rules, _Counted.calls) == (n.value, status, [], 0)
    assert "second_model" not in f.details


def test_the_second_model_does_not_vouch_against_vies_own_reading_alone() -> None:
    # vie's page read 15/03/2008 faintly, vie alone 16/03/2008 twice, eng 15/03/2008: readings disagree
    gray, box = _cell("15/03/2008")
    f = _faint(DATE.key, "15/03/2008", "2008-03-15", box, FieldStatus.LOW_CONFIDENCE)
    normalized = {DATE.key: normalize_field("date", f.raw, confidence=0.6)}
    alone = _Alone(_TwoReadings("16/03/2008", "16/03/2008"), _TwoReadings("15/03/2008", "15/03/2008"), gray, 0.0,
                   1.0)  # type: ignore[arg-type]
    _read_again(alone, {DATE.key: CELL}, [DATE], {DATE.key: f}, normalized, 0.9)
    assert f.status == FieldStatus.LOW_CONFIDENCE and f.details["read_alone"] == ["2008-03-16"]
    assert "second_model_agrees" not in f.rules


def test_the_second_models_repaired_reading_of_the_same_guess_vouches_nothing() -> None:
    # vie's "$41" is 541 by a guess (an italic 5 read "$"); eng's "S41" twice is the same guess of the same
    # glyph: it replaces a doubtful read, but never accepts one (found by a review of the change)
    gray, box = _cell("541")
    f, normalized = _doubted(ENTRY, "$41", box)
    assert (f.value, f.status) == ("541", FieldStatus.LOW_CONFIDENCE)
    f = _ask(_TwoReadings("S41", "S41"), gray, ENTRY, f, normalized)
    assert (f.value, f.status) == ("541", FieldStatus.LOW_CONFIDENCE) and "second_model_agrees" not in f.rules


@pytest.mark.parametrize(
    ("field_type", "text", "plain"),
    [("entry_no", "557", True), ("entry_no", "55€", False), ("entry_no", "56\"", False),
     # an italic leading 5 read S or $ (a book photograph: "S41", "S43" down a page vie read "MI", "54")
     ("entry_no", "$72", True), ("entry_no", "S41", True), ("entry_no", "4S1", False), ("entry_no", "SS1", False),
     ("id_number", "082 197 570 538", True), ("id_number", ": 170246371", False),
     ("date", "9/11/2002", True), ("date", "ngay 09.11.2005", True), ("date", "ngay 31 thang 10 nam 2006", True),
     ("date", "ngtty 09.11.2005", False), ("date", "ngay | thang 11 nam 2006", False),  # a repaired "|"
     ("time", "09 gid 15 phut", False),  # eng has no Vietnamese letters: times are vie's
     # a death notice's number, after its label at most; not a label eng garbled ("S6", a 6 or a label?)
     ("doc_no", "52/GBT", True), ("doc_no", "So236/2006", True), ("doc_no", "209 / 2005", True),
     ("doc_no", "S6236/2006", False), ("doc_no", "52/G8T", False), ("doc_no", "52IGBT", False)],
)  # fmt: skip
def test_a_plain_reading_is_nothing_but_the_fields_print(field_type: str, text: str, plain: bool) -> None:
    assert Reading("grey", text, normalize_field(field_type, text, confidence=0.9)).plain(field_type) is plain


class _DarkReads:
    """An engine that reads ``clean`` in the page's dark ink alone and ``garbled`` in its grey (the reverse
    page's letters kept beside the page's own): the weighing, isolated from OCR."""

    def __init__(self, dark: np.ndarray, clean: str, garbled: str, dark_confidence: float = 0.9) -> None:
        self.dark, self.clean, self.garbled, self.dark_confidence = dark, clean, garbled, dark_confidence

    def read_alone(self, gray: np.ndarray, rect: BBox, mode: str = "block", **kw: object) -> list[OcrLine]:
        if gray is self.dark:
            return [OcrLine(self.clean, self.dark_confidence, rect)]
        return [OcrLine(self.garbled, 0.9, rect)]


PLACE = FieldSpec("chongNoiCuTru", "place")


@pytest.mark.parametrize(
    ("clean", "reverse_shows", "dark_confidence", "taken"),
    # (the normalized confidence decides: a place whose units chain in the lists keeps more of OCR's, 0.5 -> 0.875)
    [("X. Hưng Thịnh, H. Trấn Yên, T. Yên Bái", True, 0.5, "xã Hưng Thịnh, huyện Trấn Yên, tỉnh Yên Bái"),
     # read as surely as an accepted field, words only: accepted (dark_ink_sure)
     ("X. Hưng Thịnh, H. Trấn Yên, T. Yên Bái", True, 0.95, "xã Hưng Thịnh, huyện Trấn Yên, tỉnh Yên Bái"),
     ("X. Hưng Thịnh, H. Trấn Yên, T. Yên Bái", False, 0.95, None),  # no reverse page: nothing to read past
     ("X. HùNŸ#Ÿ†fiinh", True, 0.95, None)],  # the dark ink reads nothing valid either: left as read
)  # fmt: skip
def test_an_unreadable_field_under_the_reverse_pages_writing_is_read_in_the_dark_ink(
    clean: str, reverse_shows: bool, dark_confidence: float, taken: str | None
) -> None:
    # aged 1301: the reverse page's letters kept beside the page's own garbled a residence; read again in
    # the page's dark ink alone it reads, and is taken (raw kept, the first value under read_as): for review,
    # or accepted when read as surely as an accepted field
    gray, box = _cell("X. Hưng Thịnh")
    raw = "X. HùNŸ#Ÿ†fiinh) f. Trấn Yên, T. Yên - Bái"
    n = normalize_field("place", raw, confidence=0.7)
    assert n.status == "invalid"
    f = FieldValue(key=PLACE.key, raw=raw, value=n.value, confidence=0.7, bbox=box, status=FieldStatus.INVALID)
    dark = np.where(gray < 95, 0, 255).astype(np.uint8)
    engine = _DarkReads(dark, clean, raw, dark_confidence)
    alone = _Alone(engine, None, gray, 0.0, 1.0, dark if reverse_shows else None)  # type: ignore[arg-type]
    _read_again(alone, {PLACE.key: CELL}, [PLACE], {PLACE.key: f}, {PLACE.key: n}, 0.9)
    if taken is None:
        assert (f.value, f.status) == (n.value, FieldStatus.INVALID) and "read_dark_ink" not in f.rules
    else:
        sure = dark_confidence > 0.5
        assert (f.value, f.raw) == (taken, raw)
        assert f.status == (FieldStatus.OK if sure else FieldStatus.LOW_CONFIDENCE)
        assert ("dark_ink_sure" in f.rules) is sure
        assert "read_dark_ink" in f.rules and f.details["read_as"] == n.value


NAME = FieldSpec("chongHoTen", "person_name")


@pytest.mark.parametrize(
    ("dark_read", "dark_confidence", "reverse_shows", "accepted"),
    [("TRẦN HỮU AN", 0.96, True, True),  # aged 1301: the same name read surely in the dark ink alone
     ("TRẦN HỮU AN", 0.60, True, False),  # read alike, but faintly there too (a listed name: 0.87)
     ("TRẦN HỮU ÂN", 0.96, True, False),  # another value: the reviewer's
     ("TRẦN HỮU AN", 0.96, False, False)],  # no reverse page: nothing to read past
)  # fmt: skip
def test_a_faint_read_under_the_reverse_pages_writing_is_accepted_when_the_dark_ink_reads_it_surely(
    dark_read: str, dark_confidence: float, reverse_shows: bool, accepted: bool
) -> None:
    gray, box = _cell("TRẦN HỮU AN")
    raw = "TRẦN HỮU AN ,"
    n = normalize_field("person_name", raw, confidence=0.74)
    assert (n.status, n.value) == ("ok", "TRẦN HỮU AN")
    f = FieldValue(key=NAME.key, raw=raw, value=n.value, confidence=0.74, bbox=box, status=FieldStatus.LOW_CONFIDENCE)
    dark = np.where(gray < 95, 0, 255).astype(np.uint8)
    engine = _DarkReads(dark, dark_read, raw, dark_confidence)
    alone = _Alone(engine, None, gray, 0.0, 1.0, dark if reverse_shows else None)  # type: ignore[arg-type]
    _read_again(alone, {NAME.key: CELL}, [NAME], {NAME.key: f}, {NAME.key: n}, 0.9)
    assert f.value == "TRẦN HỮU AN"  # never replaced: the dark ink only vouches
    assert (f.status == FieldStatus.OK) is accepted and ("dark_ink_agrees" in f.rules) is accepted
    assert f.confidence >= 0.9 if accepted else f.confidence == 0.74


class _CellDarkReads:
    """An engine that reads the whole cell ``clean`` in the page's dark ink alone (nothing else is asked)."""

    def __init__(self, dark: np.ndarray, clean: list[str], confidence: float = 0.9) -> None:
        self.dark, self.clean, self.asked, self.confidence = dark, clean, 0, confidence

    def read_alone(self, gray: np.ndarray, rect: BBox, mode: str = "block", **kw: object) -> list[OcrLine]:
        self.asked += 1
        if gray is not self.dark:
            return []
        return [OcrLine(t, self.confidence, BBox(rect.x, rect.y + 40 * i, rect.w, 36)) for i, t in enumerate(self.clean)]


@pytest.mark.parametrize(
    ("dark_read", "reverse_shows", "confidence", "taken"),
    # (a listed word keeps more of OCR's confidence: 0.3 -> 0.88, for review)
    [(["Kinh", "Việt Nam"], True, 0.3, ("Kinh", "Việt Nam")),  # aged 1301: both fields of the cell read
     (["Kinh", "Việt Nam"], True, 0.95, ("Kinh", "Việt Nam")),  # read surely: accepted (dark_ink_sure)
     (["Kinh", "Việt Nam"], False, 0.95, None),  # no reverse page: nothing to read past
     (["vc ©š #"], True, 0.95, None)],  # the dark ink reads nothing valid either: left as read
)  # fmt: skip
def test_a_cell_whose_field_stays_unreadable_under_the_reverse_pages_writing_is_read_whole_in_the_dark_ink(
    dark_read: list[str], reverse_shows: bool, confidence: float, taken: tuple[str, str] | None
) -> None:
    # aged 1301 page 11: "Kinh, Việt Nam" under the reverse page's writing read "vc" and "‹Kidk ©š # + Wiệt
    # Nam +", both invalid; the fields' own boxes, cut from the garbled words, missed the print
    tpl = templates_for("ket_hon")[0]
    column = next(c for c in tpl.columns if any(f.key == "chongDanToc" for f in c.fields))
    first = [OcrLine("vc", 0.17, BBox(10, 10, 80, 36)), OcrLine("‹Kidk ©š # + Wiệt Nam +", 0.58, BBox(10, 50, 300, 36))]
    fields, normalized = _normalize_row(_parts(column, first), 0.9, "2004")
    assert all(fields[k].status == FieldStatus.INVALID for k in ("chongDanToc", "chongQuocTich"))
    gray = np.full((CELL.h, CELL.w), 255, np.uint8)
    dark = np.where(gray < 95, 0, 255).astype(np.uint8)
    engine = _CellDarkReads(dark, dark_read, confidence)
    alone = _Alone(engine, None, gray, 0.0, 1.0, dark if reverse_shows else None)  # type: ignore[arg-type]
    _read_cells_dark(alone, {0: column}, {0: CELL}, fields, normalized, 0.9, "2004")
    got = (fields["chongDanToc"].value, fields["chongQuocTich"].value)
    assert engine.asked == int(reverse_shows)  # read again only where the reverse page shows
    if taken is None:
        assert all(fields[k].status == FieldStatus.INVALID for k in ("chongDanToc", "chongQuocTich"))
        assert not any("read_dark_ink_cell" in fields[k].rules for k in ("chongDanToc", "chongQuocTich"))
    else:
        assert got == taken and engine.asked == 1  # one read for the cell
        for k in ("chongDanToc", "chongQuocTich"):
            f = fields[k]
            sure = confidence > 0.3  # accepted read so surely, else for review
            assert f.status == (FieldStatus.OK if sure else FieldStatus.LOW_CONFIDENCE) and "read_dark_ink_cell" in f.rules
            assert ("dark_ink_sure" in f.rules) is sure
            assert f.raw != f.value and "read_as" in f.details and normalized[k].status == "ok"


@pytest.mark.parametrize(
    ("eng", "value", "taken"),
    [("5236/2006", "236/2006", False),  # the label "Số" read as a 5: longer, yet no evidence; shown
     ("236/2006", "236/2006", None),  # the same value: vouched
     # the label's last letters in the crop's margin, read apart (a clean aged page's "Số 246/GBT", eng:
     # "5 246/GBT", "53 246/GBT"): the same number, vouched
     ("5 236/2006", "236/2006", None), ("53 236/2006", "236/2006", None)],
)  # fmt: skip
def test_a_longer_death_notice_number_from_the_second_model_is_shown_not_taken(
    eng: str, value: str, taken: bool | None
) -> None:
    spec = FieldSpec("gbtSo", "doc_no")
    gray, box = _cell("Số236/2006")
    f = _faint(spec.key, "Số236/2006", "236/2006", box, FieldStatus.LOW_CONFIDENCE, "doc_no")
    normalized = {spec.key: normalize_field("doc_no", f.raw, confidence=0.6)}
    _ask(_TwoReadings(eng, eng), gray, spec, f, normalized)
    assert f.value == value
    if taken is None:
        assert f.status == FieldStatus.OK and "second_model_agrees" in f.rules
    else:
        assert f.status == FieldStatus.LOW_CONFIDENCE and f.details.get("second_model") == "5236/2006"


def test_an_entry_number_whose_s_was_taken_for_a_5_takes_the_second_models_plain_digits() -> None:
    # aged 1361: an italic 8 read "S" down a page of 86-89 ("S6", "S7", "S9"): the 5 is the normalizer's
    # guess, so eng's plain 86 replaces it, still for review (the page's run may then vouch for it)
    gray, box = _cell("86")
    f, normalized = _doubted(ENTRY, "S6", box)
    assert f.value == "56" and f.status == FieldStatus.LOW_CONFIDENCE
    f = _ask(_TwoReadings("86", "86"), gray, ENTRY, f, normalized)
    assert f.value == "86" and "second_model_value" in f.rules and f.status != FieldStatus.OK


@needs_eng
@pytest.mark.parametrize(("printed", "raw", "doubted"), [
    ("20-11-1970", "20-1-1970", True),  # aged 1383: the italic 11 read as one 1, accepted at 0.96
    ("20-1-1970", "20-1-1970", False),  # a lone 1 as printed: the second model reads it alike
    ("5/11/1970", "5/1/1970", True),  # the month
])  # fmt: skip
def test_an_accepted_date_with_a_lone_one_the_second_model_reads_otherwise_goes_to_review(
    printed: str, raw: str, doubted: bool
) -> None:
    from pipeline.read_page import LONE_ONE_DOUBTED

    gray, box = _cell(printed)
    n = normalize_field("date", raw, confidence=0.96)
    f = FieldValue(key=DATE.key, raw=raw, value=n.value, confidence=0.96, bbox=box, status=FieldStatus.OK)
    f = _read(gray, DATE, f, second=True)
    assert f.value == n.value  # vie's reading stays, beside the other
    assert (f.status == FieldStatus.LOW_CONFIDENCE) is doubted and (LONE_ONE_DOUBTED in f.rules) is doubted


@pytest.mark.parametrize(("raw", "lone"), [
    ("20-1-1970", True), ("1/12/1970", True), ("21-1-1970", True), ("20-11-1970", False),
    ("21/12/1970", False), ("1970", False), ("ngày 1 tháng 12 năm 1970", False),
])  # fmt: skip
def test_a_lone_one_is_a_day_or_month_written_as_one_1(raw: str, lone: bool) -> None:
    from pipeline.read_page import _lone_one

    f = FieldValue(key=DATE.key, raw=raw, value="x", confidence=0.96, bbox=None, status=FieldStatus.OK)
    assert _lone_one("date", f) is lone
    assert not _lone_one("id_number", f)
