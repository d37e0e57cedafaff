"""Mass balance of a lot (dux_trace.core.mass_balance), without Frappe: received + produced - left -
on hand is zero when the books are right, and a movement missing from the ledger shows."""

from collections import defaultdict

from hypothesis import given
from hypothesis import strategies as st

from dux_trace.core import mass_balance as mb
from dux_trace.core.mass_balance import Movement, OnHand, balance

WAREHOUSES = ("Magasin", "Dépôt", "Quai")
IN_KINDS = (mb.RECEIVED, mb.PRODUCED, mb.CUSTOMER_RETURN, mb.ADJUSTED, mb.OTHER)
OUT_KINDS = (mb.DELIVERED, mb.CONSUMED, mb.SUPPLIER_RETURN, mb.ISSUED, mb.ADJUSTED, mb.OTHER)


def on_hand_of(movements, quarantined=False) -> list[OnHand]:
	"""The stock the movements leave, per warehouse (what a right book shows)."""
	left = defaultdict(float)
	for m in movements:
		left[m.warehouse] += m.qty
	return [OnHand(w, q, quarantined) for w, q in left.items()]


@st.composite
def ledgers(draw) -> list[Movement]:
	"""A consistent sequence of movements: nothing leaves a warehouse that does not hold it;
	transfers leave one warehouse and enter another."""
	stock = dict.fromkeys(WAREHOUSES, 0)
	moves = []
	for n in range(draw(st.integers(min_value=1, max_value=25))):
		warehouse = draw(st.sampled_from(WAREHOUSES))
		step = draw(st.sampled_from(("in", "out", "transfer")))
		if step == "in" or stock[warehouse] == 0:
			qty = draw(st.integers(min_value=1, max_value=1000))
			kind = draw(st.sampled_from(IN_KINDS))
			stock[warehouse] += qty
			moves.append(Movement(kind, qty, warehouse, f"P{n % 3}", "Doc", f"D{n}", "x"))
			continue
		qty = draw(st.integers(min_value=1, max_value=stock[warehouse]))
		stock[warehouse] -= qty
		if step == "out":
			kind = draw(st.sampled_from(OUT_KINDS))
			moves.append(Movement(kind, -qty, warehouse, f"P{n % 3}", "Doc", f"D{n}", "x"))
		else:
			to = draw(st.sampled_from([w for w in WAREHOUSES if w != warehouse]))
			stock[to] += qty
			moves.append(Movement(mb.TRANSFER, -qty, warehouse, None, "Stock Entry", f"T{n}"))
			moves.append(Movement(mb.TRANSFER, qty, to, None, "Stock Entry", f"T{n}"))
	return moves


@given(ledgers(), st.booleans())
def test_the_balance_of_any_consistent_sequence_is_zero(moves, quarantined):
	result = balance(moves, on_hand_of(moves, quarantined))
	assert result.difference == 0
	assert result.difference_pct == 0
	assert result.received + result.produced - result.left - result.stock == 0
	assert result.quarantined == (result.stock if quarantined else 0)
	assert sum(line.qty for line in result.lines) == result.stock
	assert result.totals[mb.TRANSFER] == 0


@given(ledgers(), st.data())
def test_a_movement_missing_from_the_ledger_shows_as_a_difference_of_its_quantity(moves, data):
	missing = data.draw(st.integers(min_value=0, max_value=len(moves) - 1))
	stock = on_hand_of(moves)
	result = balance(moves[:missing] + moves[missing + 1 :], stock)
	assert result.difference == -moves[missing].qty
	assert abs(result.difference) == abs(moves[missing].qty)


def test_the_issue_scenario_lot_l():
	"""Lot L: 100 received, 40 repacked into R, 30 delivered, 5 returned, 2 scrapped, -1 counted."""
	moves = [
		Movement(mb.RECEIVED, 100, "Magasin", "Centrale", "Purchase Receipt", "PR-1"),
		Movement(mb.CONSUMED, -40, "Magasin", None, "Stock Entry", "SE-1", "R"),
		Movement(mb.DELIVERED, -30, "Magasin", "Atlas", "Delivery Note", "DN-1"),
		Movement(mb.CUSTOMER_RETURN, 5, "Magasin", "Atlas", "Delivery Note", "DN-2"),
		Movement(mb.ISSUED, -2, "Magasin", None, "Stock Entry", "SE-2", "Material Issue"),
		Movement(mb.ADJUSTED, -1, "Magasin", None, "Stock Reconciliation", "SR-1"),
	]
	result = balance(moves, [OnHand("Magasin", 32)])
	assert (result.received, result.produced, result.left, result.stock) == (100, 0, 68, 32)
	assert result.difference == 0
	assert [(line.kind, line.qty) for line in result.lines] == [
		(mb.RECEIVED, 100),
		(mb.DELIVERED, -30),
		(mb.CONSUMED, -40),
		(mb.CUSTOMER_RETURN, 5),
		(mb.ISSUED, -2),
		(mb.ADJUSTED, -1),
	]
	damaged = balance(moves[:2] + moves[3:], [OnHand("Magasin", 32)])
	assert (damaged.difference, damaged.difference_pct) == (30, 30)


def test_deliveries_are_one_line_per_customer_and_issues_one_per_purpose():
	moves = [
		Movement(mb.RECEIVED, 10, "Magasin", "S", "Purchase Receipt", "PR-1"),
		Movement(mb.DELIVERED, -2, "Magasin", "A", "Delivery Note", "DN-1"),
		Movement(mb.DELIVERED, -3, "Dépôt", "A", "Sales Invoice", "SI-1"),
		Movement(mb.ISSUED, -1, "Magasin", None, "Stock Entry", "SE-1", "Sample"),
		Movement(mb.ISSUED, -1, "Magasin", None, "Stock Entry", "SE-2", "Sample"),
		Movement(mb.ISSUED, -1, "Magasin", None, "Stock Entry", "SE-3", "Scrap"),
	]
	result = balance(moves, [OnHand("Magasin", 2)])
	delivered = [line for line in result.lines if line.kind == mb.DELIVERED]
	assert [(line.party, line.qty, line.warehouse, len(line.vouchers)) for line in delivered] == [
		("A", -5, None, 2)
	]
	issued = [(line.detail, line.qty) for line in result.lines if line.kind == mb.ISSUED]
	assert issued == [("Sample", -2), ("Scrap", -1)]
	assert result.difference == 0


def test_nothing_entered_and_a_difference_has_no_percentage():
	result = balance([], [OnHand("Magasin", 3)])
	assert (result.difference, result.difference_pct) == (-3, None)
	assert balance([], []).difference_pct == 0
