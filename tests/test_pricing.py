"""The article card's maths (dux_trace.core.pricing), without Frappe."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dux_trace.core.cmp import Move, Movement, average
from dux_trace.core.pricing import (
	Basis,
	CostBases,
	PricingError,
	Receipt,
	after_discount,
	break_even_discount,
	card,
	discount_steps,
	effective_discount,
	exceeds_max_discount,
	from_ttc,
	margin_on_price,
	markup_on,
	price_from_markup,
	replacement_cost,
	round_money,
	simulate,
	with_vat,
)

money = st.decimals(min_value=0, max_value=1_000_000, places=3, allow_nan=False, allow_infinity=False)
vat_rates = st.sampled_from([D(0), D(7), D(10), D(13), D(14), D(19), D(20)])  # MA and TN rates
digits = st.sampled_from([2, 3])  # MAD, TND


def test_the_seed_examples():
	# "Un article acheté à 100 avec une marge de 30 % sera vendu à 130"
	assert price_from_markup(100, 30, 2) == D("130.00")
	# brut 100, remise fournisseur 10 % -> net 90, marge 30 % -> 117
	assert price_from_markup(after_discount(100, 10, 3), 30, 3) == D("117.000")
	# CMP 95, marge 20 % -> 114
	assert price_from_markup(95, 20, 3) == D("114.000")
	# 200 HT, remise 5 % -> 190
	assert after_discount(200, 5, 3) == D("190.000")
	# 100 HT, TVA 20 % -> 120 TTC
	assert with_vat(100, 20, 2) == D("120.00")
	# CMP: (100 x 10 + 200 x 12) / 300 = 11.33 (the seed prints 11; the arithmetic says 11.33)
	assert round_money(
		average([Movement(Move.RECEIPT, 100, 10), Movement(Move.RECEIPT, 200, 12)]).cmp, 2
	) == D("11.33")


def test_markup_and_margin_are_not_the_same_thing():
	assert markup_on(130, 100) == D("30.00")
	assert margin_on_price(130, 100) == D("23.08")
	assert markup_on(130, 0) is None


def test_tnd_rounds_to_the_millime():
	assert round_money(D("1.2345"), 3) == D("1.235")
	assert with_vat(D("8.333"), 19, 3) == D("9.916")


def test_a_typed_ttc_gives_the_ht_that_rebuilds_it():
	found = from_ttc(D("10.01"), 20, 2)
	assert (found.price_ht, found.price_ttc, found.difference) == (D("8.34"), D("10.01"), D("0.00"))
	assert from_ttc(D("120"), 20, 2).price_ht == D("100.00")


def test_a_ttc_no_ht_can_reach_is_reported_with_its_difference():
	# at 20 % VAT in 0.01 steps of HT, TTC moves in 0.012 steps: some TTC are unreachable
	unreachable = [
		from_ttc(ttc, 20, 2)
		for ttc in (D(n) / 100 for n in range(1000, 1100))
		if from_ttc(ttc, 20, 2).difference
	]
	assert unreachable, "expected some TTC values that no rounded HT gives"
	assert all(abs(found.difference) == D("0.01") for found in unreachable)


@given(ht=money, vat=vat_rates, places=digits)
def test_ttc_to_ht_to_ttc_stays_within_one_fraction(ht, vat, places):
	ht = round_money(ht, places)  # a price in the currency
	ttc = with_vat(ht, vat, places)
	found = from_ttc(ttc, vat, places)
	assert abs(found.price_ttc - ttc) <= D(1).scaleb(-places)
	assert found.difference == D(0)  # a TTC that came from an HT is always reachable


@given(base=money.filter(lambda v: v > 0), price=money)
def test_markup_on_base_is_non_negative_iff_the_price_covers_the_base(base, price):
	assert (markup_on(price, base) >= 0) == (price >= base) or round_money(price - base, 2) == 0


@given(
	list_rate=money.filter(lambda v: v > 0),
	row_discount=st.decimals(min_value=0, max_value=100, places=2),
	header_discount=st.decimals(min_value=0, max_value=100, places=2),
)
def test_the_effective_discount_is_never_below_the_rows_own(list_rate, row_discount, header_discount):
	row_rate = list_rate * (1 - row_discount / 100)
	net_rate = row_rate * (1 - header_discount / 100)
	assert effective_discount(list_rate, net_rate) >= row_discount - D("1e-20")


def test_a_header_discount_over_the_maximum_is_caught():
	# row at 100 with 5 % off, then 10 % off the whole document: 14.5 % in all, max 10 %
	assert exceeds_max_discount(100, D("85.5"), 10, 2)
	assert not exceeds_max_discount(100, D("90"), 10, 2)
	assert not exceeds_max_discount(D("9.99"), D("8.99"), 10, 2)  # 8.991 rounds to 8.99
	assert not exceeds_max_discount(0, 50, 10, 2)  # no list price: nothing to compare with
	assert not exceeds_max_discount(100, 50, 0, 2)  # no maximum set


def test_replacement_cost_values_the_stock_at_its_latest_receipts():
	receipts = [Receipt(D(200), D(12)), Receipt(D(100), D(10))]  # newest first
	assert replacement_cost(250, receipts, fallback_rate=D("11.33"), digits=2) == D("11.60")
	assert replacement_cost(150, receipts, fallback_rate=None, digits=2) == D("12.00")
	# 400 on hand, receipts cover 300: the rest at the CMP
	assert replacement_cost(400, receipts, fallback_rate=D(9), digits=2) == D(
		"10.75"
	)  # (2,400 + 1,000 + 900) / 400
	assert replacement_cost(0, receipts, fallback_rate=D(9), digits=2) is None


@given(
	rates=st.lists(st.decimals(min_value=1, max_value=1000, places=2), min_size=1, max_size=6),
	qtys=st.lists(st.integers(min_value=1, max_value=500), min_size=6, max_size=6),
	on_hand=st.integers(min_value=1, max_value=3000),
)
def test_replacement_cost_lies_between_the_rates_it_uses(rates, qtys, on_hand):
	receipts = [Receipt(D(q), r) for q, r in zip(qtys, rates, strict=False)]
	crp = replacement_cost(on_hand, receipts, fallback_rate=min(rates), digits=2)
	assert min(rates) - D("0.01") <= crp <= max(rates) + D("0.01")


def test_the_card_from_a_markup_a_price_or_a_ttc():
	bases = CostBases(
		last_purchase_gross=D(120), last_purchase_net=D(108), landed_cost=D(113), cmp=D(95), crp=D(110)
	)
	by_markup = card(bases, Basis.CMP, 20, 10, 3, markup_percent=20)
	assert (by_markup.base_value, by_markup.price_ht, by_markup.price_ttc) == (
		D(95),
		D("114.000"),
		D("136.800"),
	)
	assert by_markup.net_ht_after_max_discount == D("102.600")
	assert by_markup.real_markup == D("8.00")  # 102.6 over 95
	assert by_markup.markup_on_gross == D("-5.00")
	assert by_markup.markup_on_net == D("5.56")
	by_ttc = card(bases, Basis.CMP, 20, 10, 3, price_ttc=D("136.8"))
	assert by_ttc.price_ht == D("114.000") and by_ttc.markup_on_base == D("20.00")
	assert card(bases, Basis.CMP, 20, 10, 3, price_ht=114) == by_markup
	with pytest.raises(PricingError):
		card(CostBases(), Basis.CRP, 20, 0, 2, markup_percent=30)  # no CRP known
	with pytest.raises(PricingError):
		card(bases, Basis.CMP, 120, 0, 2, price_ht=10)  # VAT over 100 %


def test_the_simulation_table_and_break_even():
	bases = CostBases(last_purchase_net=D(90), cmp=D(95))
	rows = simulate(D(120), bases, 20, discount_steps(10, 5), digits=2, qty=2)
	assert [row.discount for row in rows] == [D(0), D(5), D(10)]
	assert [row.net_ht for row in rows] == [D("120.00"), D("114.00"), D("108.00")]
	assert rows[2].margins[Basis.CMP] == (D("26.00"), D("13.68"))  # (108 - 95) x 2
	assert Basis.CRP not in rows[0].margins  # unknown bases are left out
	assert break_even_discount(120, D(95)) == D("20.83")
	shifted = simulate(D(120), bases, 20, [D(0)], digits=2, cost_shift_percent=10)
	assert shifted[0].margins[Basis.CMP] == (D("15.50"), D("14.83"))  # cost 104.50


@given(
	maximum=st.decimals(min_value=0, max_value=100, places=1), step=st.sampled_from([D(1), D("2.5"), D(5)])
)
def test_discount_steps_run_from_zero_to_the_maximum(maximum, step):
	steps = discount_steps(maximum, step)
	assert steps[0] == 0 and steps[-1] == maximum
	assert steps == sorted(steps)
