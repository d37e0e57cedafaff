"""DOT codes and the variant matrix (dux_trace.core.dot, dux_trace.core.variants), without Frappe."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dux_trace.core.dot import Dot, DotError, from_date, parse_dot, weeks_in
from dux_trace.core.variants import Variant, matrix

TODAY = date(2026, 12, 1)


def test_week_24_of_2023():
	dot = parse_dot("2423", TODAY)
	assert (dot.week, dot.year, dot.manufacturing_date) == (24, 2023, date(2023, 6, 12))
	assert parse_dot("DOT 4B9X 7TR 2423", TODAY) == dot
	assert dot.age_months(TODAY) == 41


@pytest.mark.parametrize("code", ["0023", "5423", "5322", "4927", "12", "", "ABCD"])
def test_impossible_codes_are_refused(code):
	# week 00, week 54, 2022 has 52 ISO weeks, week 49 of 2027 is in the future, too short, not digits
	with pytest.raises(DotError):
		parse_dot(code, TODAY)


def test_week_53_exists_only_in_long_years():
	assert weeks_in(2020) == 53 and parse_dot("5320", TODAY).manufacturing_date == date(2020, 12, 28)
	assert weeks_in(2021) == 52


@given(day=st.dates(min_value=date(2000, 1, 3), max_value=TODAY))
def test_every_valid_code_round_trips(day):
	dot = from_date(day)
	assert parse_dot(dot.code, TODAY) == dot
	assert dot.manufacturing_date <= day


@given(week=st.integers(min_value=0, max_value=99), year=st.integers(min_value=0, max_value=99))
def test_any_four_digits_parse_or_raise_clearly(week, year):
	code = f"{week:02d}{year:02d}"
	try:
		dot = parse_dot(code, TODAY)
	except DotError as error:
		assert error.reason
	else:
		assert isinstance(dot, Dot) and dot.manufacturing_date <= TODAY


def test_the_variant_matrix_three_sizes_two_colours():
	variants = [
		Variant("TS-S-RED", {"Taille": "S", "Couleur": "Rouge"}, 4),
		Variant("TS-S-BLU", {"Taille": "S", "Couleur": "Bleu"}, 1),
		Variant("TS-M-RED", {"Taille": "M", "Couleur": "Rouge"}, 0),
		Variant("TS-M-BLU", {"Taille": "M", "Couleur": "Bleu"}, 7),
		Variant("TS-L-RED", {"Taille": "L", "Couleur": "Rouge"}, 2),
		Variant("TS-L-BLU", {"Taille": "L", "Couleur": "Bleu"}, 3),
	]
	result = matrix(variants, "Taille", "Couleur", row_order=["S", "M", "L"], column_order=["Rouge", "Bleu"])
	assert result.rows == ["S", "M", "L"] and result.columns == ["Rouge", "Bleu"]
	assert result.cells[("M", "Bleu")] == 7
	assert result.row_totals == {"S": 5, "M": 7, "L": 5}
	assert result.column_totals == {"Rouge": 6, "Bleu": 11}
	assert result.total == 17
	assert result.items[("L", "Rouge")] == ["TS-L-RED"]
