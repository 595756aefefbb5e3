"""The text gate and its parsers, on examples and on anything hypothesis can think of."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from directory import gate

TODAY = date(2026, 6, 15)
ALLOWED_FORMAT = {gate.ZWJ, gate.ZWNJ, *map(chr, range(0xE0020, 0xE0080))}

# text with plenty of what the gate is for: controls, invisibles, joiners, emoji, RTL, accents
_nasty = st.text(
    st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(
            ["\x00", "\x07", "\x1b", "\t", "\r", "\n", "\u2028", "\u200b", gate.ZWJ, gate.ZWNJ, "\u200e",
             "\u202e", "\u2066", "\ufeff", "\u00ad", "\u0301", "e", "ی", "क", "्", "👩", "💻", "🏴",
             "\U000e0067", "\U000e007f", "\u00a0", "\u202f", " "]
        ),
    ),
    max_size=60,
)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Na\x00me\x07", "Name"),
        ("  a \t b\r\nc  ", "a b c"),
        ("\u202eevil\u202c", "evil"),
        ("\ufeffBOM", "BOM"),
        ("\u200b\u200c\u2060", ""),
        ("👩\u200d💻 coders", "👩\u200d💻 coders"),  # ZWJ inside an emoji sequence: kept
        ("a\u200db", "ab"),  # between ASCII letters: nothing to join
        ("می\u200cخواهم", "می\u200cخواهم"),  # Persian non-joiner: kept
        ("क्\u200dष", "क्\u200dष"),  # Devanagari joiner: kept
        ("🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f", "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"),
        ("x\U000e0067", "x"),  # a tag character outside a flag: removed
        ("Cafe\u0301", "Café"),  # NFC
        ("e\u200b\u0301", "é"),  # the accent meets its letter once the invisible is gone
        ("vendeurs\u202f:", "vendeurs\u202f:"),  # French narrow no-break space: kept
    ],
)
def test_clean_examples(raw: str, clean: str) -> None:
    assert gate.clean(raw) == clean


def test_multiline_keeps_paragraphs() -> None:
    assert gate.clean("one\r\n\r\n\r\n\r\ntwo  \nthree\u2028four", multiline=True) == "one\n\ntwo\nthree\nfour"
    assert gate.clean("a\x00\n  indented  ", multiline=True, tidy=False) == "a\n  indented  "


@settings(max_examples=400)
@given(_nasty, st.booleans())
def test_clean_leaves_nothing_that_must_not_be_stored(raw: str, multiline: bool) -> None:
    out = gate.clean(raw, multiline=multiline)
    assert gate.clean(out, multiline=multiline) == out  # idempotent: cleaning twice changes nothing
    assert unicodedata.is_normalized("NFC", out)
    assert out == out.strip()
    for ch in out:
        category = unicodedata.category(ch)
        assert category != "Cc" or (multiline and ch == "\n"), repr(ch)
        assert category != "Cf" or ch in ALLOWED_FORMAT, repr(ch)
        assert category != "Cs"
    if not multiline:
        assert "\n" not in out
    out.encode("utf-8")  # storable


@given(_nasty, st.integers(0, 40), st.booleans())
def test_field_is_within_its_limit_or_one_clear_error(raw: str, limit: int, required: bool) -> None:
    try:
        value = gate.field(raw, limit, required=required)
    except gate.InputError as exc:
        assert exc.code in ("empty", "too_long")
    else:
        assert len(value) <= limit and (value or not required)


PARSERS: dict[str, Callable[[str], object]] = {
    "digits": gate.digits,
    "id": gate.parse_id,
    "year": lambda raw: gate.parse_year(raw, TODAY),
    "date": lambda raw: gate.parse_date(raw, TODAY),
    "url": gate.parse_url,
    "json": gate.load_json,
}


@settings(max_examples=300)
@given(st.sampled_from(sorted(PARSERS)), st.one_of(_nasty, st.text(alphabet="0123456789-#:/.[]{}\"¹²³١٢٣", max_size=30)))
def test_parsers_return_a_value_or_a_clear_error_never_anything_else(name: str, raw: str) -> None:
    try:
        PARSERS[name](raw)
    except gate.InputError as exc:
        assert exc.code and "\n" not in str(exc)


@pytest.mark.parametrize(
    ("name", "raw", "result"),
    [
        ("digits", "1990", 1990),
        ("digits", "١٩٩٠", 1990),  # Arabic-Indic digits are digits
        ("digits", "१९९०", 1990),  # so are Devanagari ones
        ("id", "#12", 12),
        ("year", "1990", 1990),
        ("date", "2024-03", "2024-03"),
        ("url", "example.org/path", "https://example.org/path"),
        ("json", '[{"a": ["b"]}]', [{"a": ["b"]}]),
    ],
)
def test_parsers_read_what_people_write(name: str, raw: str, result: object) -> None:
    assert PARSERS[name](raw) == result


@pytest.mark.parametrize(
    ("name", "raw", "code"),
    [
        ("digits", "¹⁹⁹⁰", "not_a_number"),  # superscripts are not read as digits
        ("id", "²", "not_a_number"),
        ("id", "0", "out_of_range"),
        ("id", "9" * 30, "not_a_number"),
        ("year", "¹⁹⁹⁰", "bad_year"),
        ("year", "2027", "future_year"),
        ("date", "9999-99-99", "bad_date"),
        ("date", "2024-02-30", "bad_date"),
        ("date", "2027-01", "future_date"),
        ("url", "http://[::1", "bad_url"),
        ("url", "https://[zz]/", "bad_url"),
        ("url", "https://example.org:99999", "bad_url"),
        ("url", "javascript:alert(1)", "bad_url"),
        ("json", "[" * 100_000, "bad_json"),
        ("json", "[NaN]", "bad_json"),
        ("json", "[1e999999]", "bad_json"),
        ("json", '{"a": 1} trailing', "bad_json"),
    ],
)
def test_parsers_refuse_with_a_code(name: str, raw: str, code: str) -> None:
    with pytest.raises(gate.InputError) as caught:
        PARSERS[name](raw)
    assert caught.value.code == code


@given(st.one_of(_nasty, st.text(max_size=200)))
@settings(max_examples=400)
def test_the_fast_path_for_plain_text_cleans_as_the_full_loop_does(raw: str) -> None:
    if gate._plain(raw):
        assert gate._remove_invisible(raw, True) == unicodedata.normalize("NFC", raw)
