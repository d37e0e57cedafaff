import re

from hypothesis import given
from hypothesis import strategies as st

from dux_trace.core.like import escape_like


def like_matches(pattern: str, value: str) -> bool:
	"""MariaDB's LIKE with its default backslash escape, for the test."""
	regex, chars = "", iter(pattern)
	for char in chars:
		if char == "\\":
			regex += re.escape(next(chars, "\\"))
		elif char == "%":
			regex += ".*"
		elif char == "_":
			regex += "."
		else:
			regex += re.escape(char)
	return re.fullmatch(regex, value, re.DOTALL) is not None


def test_wildcards_in_a_serial_match_only_themselves():
	assert like_matches(f"%{escape_like('A_1')}%", "xA_1y")
	assert not like_matches(f"%{escape_like('A_1')}%", "AB1")
	assert not like_matches(f"%{escape_like('100%')}%", "1000")
	assert like_matches(escape_like("C:\\lot"), "C:\\lot")


@given(st.text(max_size=30), st.text(max_size=30))
def test_an_escaped_pattern_matches_exactly_its_text(text, other):
	assert like_matches(escape_like(text), text)
	assert like_matches(escape_like(text), other) == (text == other)
