"""Price grid maths (dux_trace.core.grids), without Frappe."""

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dux_trace.core.grids import (
	ENDINGS,
	GridError,
	Line,
	adjust,
	apply_rounding,
	change_percent,
	lines_for,
	periods_overlap,
	price_line,
	round_price,
)
from dux_trace.core.pricing import with_vat

prices = st.decimals(min_value=0, max_value=100_000, places=3, allow_nan=False, allow_infinity=False)
rules = st.sampled_from(["fraction", "0.05", "0.10", "1", ".99", ".90", ".50"])


def test_rounding_rules():
	assert round_price(D("12.344"), "fraction", 2) == D("12.34")
	assert round_price(D("12.344"), "fraction", 3) == D("12.344")
	assert round_price(D("12.37"), "0.05", 2) == D("12.35")
	assert round_price(D("12.38"), "0.05", 2) == D("12.40")
	assert round_price(D("12.35"), "0.10", 2) == D("12.40")
	assert round_price(D("12.49"), "1", 2) == D("12.00")
	assert round_price(D("12.34"), ".90", 2) == D("12.90")
	assert round_price(D("12.95"), ".90", 2) == D("13.90")
	assert round_price(D("12.90"), ".90", 2) == D("12.90")
	assert round_price(D("0.20"), ".50", 2) == D("0.50")
	with pytest.raises(GridError):
		round_price(1, "0.07", 2)


@given(price=prices, rule=rules)
def test_rounding_is_idempotent(price, rule):
	once = round_price(price, rule, 2)
	assert round_price(once, rule, 2) == once


@given(price=prices, ending=st.sampled_from(list(ENDINGS)))
def test_an_ending_is_at_or_above_the_price_by_less_than_one_unit(price, ending):
	rounded = round_price(price, ending, 2)
	assert rounded >= price.quantize(D("0.01")) or rounded >= price
	assert rounded - price < 1
	assert str(rounded).endswith(ending[1:])


def test_rounding_on_the_ttc():
	# 10.00 HT at 20 % = 12.00 TTC -> .90 -> 12.90 TTC -> 10.75 HT (10.75 x 1.2 = 12.90)
	assert apply_rounding(D("10.00"), ".90", 2, vat_percent=20, on_ttc=True) == D("10.75")
	assert with_vat(D("10.75"), 20, 2) == D("12.90")


def test_the_most_specific_lines_price_an_item():
	lines = [
		Line(item_group="Yaourts", min_qty=D(1), markup=D(30)),
		Line(item_group="Yaourts", min_qty=D(10), markup=D(25)),
		Line(item_group="Produits laitiers", min_qty=D(1), markup=D(40)),
		Line(item_code="YAOURT-FRAISE", min_qty=D(1), markup=D(35)),
	]
	assert [l.markup for l in lines_for("YAOURT-NATURE", ["Yaourts", "Produits laitiers"], lines)] == [
		D(30),
		D(25),
	]
	assert [l.markup for l in lines_for("YAOURT-FRAISE", ["Yaourts"], lines)] == [D(35)]
	assert lines_for("LAIT", ["Lait", "Produits laitiers"], lines)[0].markup == D(40)
	assert lines_for("PNEU", ["Pneus"], lines) == []


def test_a_price_by_margin_on_cmp_rounded_to_90():
	price = price_line(
		Line(markup=D(30)), method="margin", base=D("8.40"), reference_price=None, rule=".90", digits=2
	)
	# 8.40 x 1.30 = 10.92 -> 11.90
	assert (price.price_ht, price.margin_on_base, price.below_floor) == (D("11.90"), D("41.67"), False)


def test_a_price_by_discount_and_its_floor():
	line = Line(min_qty=D(10), discount=D(20))
	price = price_line(
		line, method="discount", base=D(9), reference_price=D(12), rule="fraction", digits=2, min_margin=10
	)
	# 12 - 20 % = 9.60, floor 9 x 1.10 = 9.90: flagged
	assert (price.price_ht, price.below_floor) == (D("9.60"), True)
	no_cost = price_line(
		Line(markup=D(30)), method="margin", base=None, reference_price=None, rule="fraction", digits=2
	)
	assert no_cost.no_cost and no_cost.price_ht is None


@given(
	base=st.decimals(min_value=1, max_value=10_000, places=2),
	markup=st.decimals(min_value=0, max_value=200, places=1),
	min_margin=st.decimals(min_value=0, max_value=100, places=1),
	rule=rules,
)
def test_a_price_not_flagged_holds_its_floor(base, markup, min_margin, rule):
	price = price_line(
		Line(markup=markup),
		method="margin",
		base=base,
		reference_price=None,
		rule=rule,
		digits=2,
		min_margin=min_margin,
	)
	if not price.below_floor:
		assert price.price_ht >= (base * (1 + min_margin / 100)).quantize(D("0.01"))


def test_periods_and_bulk_edits():
	assert periods_overlap(date(2026, 1, 1), date(2026, 6, 30), date(2026, 6, 1), None)
	assert not periods_overlap(date(2026, 1, 1), date(2026, 5, 31), date(2026, 6, 1), None)
	assert periods_overlap(None, None, date(2030, 1, 1), date(2030, 1, 2))
	assert adjust(D(30), by_percent=10) == D("33.00")
	assert adjust(D(30), to_value=25) == D(25)
	assert change_percent(10, D(11)) == D("10.00")
	assert change_percent(0, D(11)) is None
