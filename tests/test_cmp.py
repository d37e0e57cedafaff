"""CMP (dux_trace.core.cmp), without Frappe: the weighted average of receipts, which issues and
transfers never move."""

from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from dux_trace.core.cmp import Average, Move, Movement, average, fold

qty = st.integers(min_value=1, max_value=10_000).map(D)
rate = st.integers(min_value=1, max_value=100_000).map(lambda cents: D(cents) / 100)


def test_the_issue_of_the_card():
	"""100 at 10.00, 200 at 12.00 with 100.00 of landed cost on them (12.50), 50 issued: 11.67
	(ERPNext's FIFO valuation of what is left reads 12.50: the card showed CMP = CRP)."""
	result = average(
		[
			Movement(Move.RECEIPT, D(100), D("10.00")),
			Movement(Move.RECEIPT, D(200), D("12.50")),
			Movement(Move.ISSUE, D(-50)),
		]
	)
	assert result.qty == 250
	assert round(result.cmp, 2) == D("11.67")


def test_a_receipt_onto_nothing_starts_over():
	result = average([Movement(Move.RECEIPT, D(10), D(5)), Movement(Move.ISSUE, D(-10))])
	assert fold(result, Movement(Move.RECEIPT, D(4), D(9))) == Average(D(4), D(9))


def test_a_supplier_return_leaves_at_its_purchase_rate():
	start = average([Movement(Move.RECEIPT, D(10), D(10)), Movement(Move.RECEIPT, D(10), D(20))])
	assert start.cmp == 15
	after = fold(start, Movement(Move.SUPPLIER_RETURN, D(-10), D(20)))
	assert after == Average(D(10), D(10))


def test_a_customer_return_comes_back_at_the_cmp():
	start = average([Movement(Move.RECEIPT, D(10), D(10)), Movement(Move.ISSUE, D(-5))])
	assert fold(start, Movement(Move.CUSTOMER_RETURN, D(2), D(99))) == Average(D(7), D(10))


@settings(deadline=None)
@given(st.lists(st.tuples(qty, rate), min_size=1, max_size=30))
def test_receipts_alone_give_value_over_quantity(receipts):
	result = average(Movement(Move.RECEIPT, q, r) for q, r in receipts)
	total = sum(q for q, _ in receipts)
	assert result.qty == total
	assert abs(result.cmp - sum(q * r for q, r in receipts) / total) < D("1e-20")


@settings(deadline=None)
@given(
	st.lists(
		st.tuples(st.sampled_from([Move.RECEIPT, Move.ISSUE, Move.TRANSFER]), qty, rate),
		min_size=1,
		max_size=40,
	)
)
def test_issues_and_transfers_never_move_it_and_it_stays_between_the_receipt_rates(moves):
	state, rates = Average(), []
	for move, q, r in moves:
		if move is Move.ISSUE:
			q = -min(q, max(state.qty, D(0)))  # no negative stock here
		after = fold(state, Movement(move, q, r))
		if move is not Move.RECEIPT:
			assert after.cmp == state.cmp
		else:
			rates.append(r)
		if move is Move.TRANSFER:
			assert after == state
		state = after
	if rates and state.qty > 0:
		assert min(rates) - D("1e-20") <= state.cmp <= max(rates) + D("1e-20")
