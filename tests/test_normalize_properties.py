from __future__ import annotations

import datetime as dt
import os
import unicodedata

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipeline.normalize import FIELD_TYPES, _dispatch, normalize_field
from pipeline.normalize.dates import parse_date_words

words = pytest.importorskip("pipeline.samples.words")

# Vietnamese-heavy text: letters with every diacritic, spacing accents, digits, separators, junk.
VI = "aăâeêioôơuưyđAĂÂEÊIOÔƠUƯYĐ" + "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
ALPHABET = VI + "bcdghklmnpqrstvx" + "0123456789" + " ,.-/:;'`´~^\n|_()" + "\u0300\u0301\u0303\u0309\u0323"
viet_text = st.text(alphabet=ALPHABET, max_size=60)
any_text = st.one_of(viet_text, st.text(max_size=40))
SETTINGS = settings(max_examples=int(os.environ.get("HOTICH_FUZZ_EXAMPLES", "150")), deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(ftype=st.sampled_from(FIELD_TYPES), raw=any_text)
def test_normalizers_never_raise(ftype: str, raw: str) -> None:
    # the inner dispatcher, not normalize_field's safety net, so a crash is a real failure
    n, factor = _dispatch(ftype, raw, None)
    assert n.status in ("ok", "invalid", "empty")
    assert 0 < factor <= 1
    if n.value is not None:
        assert unicodedata.is_normalized("NFC", n.value)


@SETTINGS
@given(
    ftype=st.sampled_from(
        (
            "text",
            "person_name",
            "place",
            "date",
            "date_words",
            "sex",
            "ethnicity",
            "nationality",
            "relation",
            "id_number",
            "entry_no",
            "office",
        )
    ),
    raw=viet_text,
)
@example(ftype="person_name", raw="A0-'A")  # a dropped digit left "-'A": "A 'A", then "A A" (stop 42's make test)
def test_idempotent(ftype: str, raw: str) -> None:
    n = normalize_field(ftype, raw)
    if n.status == "ok" and n.value is not None:
        again = normalize_field(ftype, n.value)
        assert again.value == n.value, (raw, n.value, again.value, again.rules)


dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31))


@settings(max_examples=300, deadline=None)
@given(d=dates, v=st.sampled_from(words.REGIONAL_VARIANTS))
def test_words_round_trip(d: dt.date, v: dict) -> None:
    text = words.date_to_words(d, v)
    r = parse_date_words(text)
    assert r is not None and r.date.iso == d.isoformat()
    assert r.canonical == text  # the writer's variant is kept
    # as printed in the ledger: first letter capitalised, or every word (templates)
    assert parse_date_words(text[0].upper() + text[1:]).date.iso == d.isoformat()
    assert parse_date_words(text.title()).canonical == text


def _strip_marks(s: str) -> str:
    d = unicodedata.normalize("NFD", s)
    return "".join(c for c in d if not unicodedata.combining(c)).replace("đ", "d")


@settings(max_examples=200, deadline=None)
@given(d=dates, v=st.sampled_from(words.REGIONAL_VARIANTS))
def test_words_without_diacritics_still_parse(d: dt.date, v: dict) -> None:
    text = words.date_to_words(d, v)
    r = parse_date_words(_strip_marks(text))
    assert r is not None and r.date.iso == d.isoformat()
