"""FEFO lot choice (pure, no frappe): the milk example of the seed and hypothesis properties."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dux_trace.core.fefo import (
	Lot,
	LotState,
	LotVerdict,
	Policy,
	ShelfLifeRule,
	allocate,
	check_choice,
	decide,
	lot_state,
	near_expiry,
	sort_fefo,
)

TODAY = date(2026, 1, 1)
LOT_A = Lot("A", 500, TODAY + timedelta(days=15), TODAY - timedelta(days=75))
LOT_B = Lot("B", 500, TODAY + timedelta(days=150), TODAY - timedelta(days=30))
EXPIRED = Lot("OLD", 200, TODAY - timedelta(days=1))
RECALLED = Lot("R452", 100, TODAY + timedelta(days=5), blocked_reason="PR-0001")
NO_EXPIRY = Lot("NX", 50, None)


def test_the_milk_of_the_seed_leaves_lot_a_first_and_splits_over_b():
	result = allocate([LOT_B, LOT_A], 600, TODAY)
	assert [(a.batch_no, a.qty) for a in result.allocations] == [("A", 500), ("B", 100)]
	assert result.shortfall == 0


def test_expired_and_recalled_lots_never_leave_and_are_reported():
	result = allocate([EXPIRED, RECALLED, LOT_A], 100, TODAY)
	assert [a.batch_no for a in result.allocations] == ["A"]
	assert {(s.batch_no, s.state) for s in result.skipped} == {
		("OLD", LotState.EXPIRED),
		("R452", LotState.BLOCKED),
	}


def test_a_lot_may_leave_on_its_last_day_like_erpnext():
	assert lot_state(Lot("D", 1, TODAY), TODAY) == LotState.USABLE
	assert lot_state(Lot("D", 1, TODAY), TODAY + timedelta(days=1)) == LotState.EXPIRED


def test_lots_without_expiry_go_last_and_a_shortfall_is_reported():
	result = allocate([NO_EXPIRY, LOT_A], 600, TODAY)
	assert [a.batch_no for a in result.allocations] == ["A", "NX"]
	assert result.shortfall == pytest.approx(50)


def test_customer_minimum_shelf_life_in_days_and_percent():
	assert [
		a.batch_no for a in allocate([LOT_A, LOT_B], 10, TODAY, ShelfLifeRule(min_days=30)).allocations
	] == ["B"]
	# lot A: 15 days left of 90 = 16.7 %; lot B: 150 of 180 = 83 %
	assert lot_state(LOT_A, TODAY, ShelfLifeRule(min_percent=20)) == LotState.BELOW_MIN_SHELF_LIFE
	assert lot_state(LOT_B, TODAY, ShelfLifeRule(min_percent=80)) == LotState.USABLE


def test_whole_units_only():
	result = allocate([Lot("A", 2.5, TODAY + timedelta(days=3)), LOT_B], 4, TODAY, whole_units=True)
	assert [(a.batch_no, a.qty) for a in result.allocations] == [("A", 2), ("B", 2)]


def test_choosing_b_while_a_has_stock_is_flagged_with_what_a_has():
	issues = check_choice([("B", 100)], [LOT_A, LOT_B], TODAY)
	assert [(i.verdict, i.earlier_batch_no, i.earlier_qty) for i in issues] == [
		(LotVerdict.EARLIER_LOT_AVAILABLE, "A", 500)
	]


def test_taking_all_of_a_then_some_of_b_is_fefo():
	assert check_choice([("A", 500), ("B", 100)], [LOT_A, LOT_B], TODAY) == []


def test_an_expired_choice_is_a_hard_verdict():
	(issue,) = check_choice([("OLD", 1)], [EXPIRED, LOT_A], TODAY)
	assert issue.verdict == LotVerdict.EXPIRED and issue.verdict.is_hard


@pytest.mark.parametrize(
	"policy, override, block, needs_reason",
	[
		("Off", False, False, False),
		("Warn", False, False, False),
		("Block", False, True, False),
		("Block", True, False, True),
	],
)
def test_policy_decides_for_a_later_lot(policy, override, block, needs_reason):
	decision = decide(check_choice([("B", 1)], [LOT_A, LOT_B], TODAY), policy, override)
	assert (decision.block, decision.needs_reason) == (block, needs_reason)


def test_override_role_cannot_ship_an_expired_lot():
	assert decide(check_choice([("OLD", 1)], [EXPIRED], TODAY), Policy.BLOCK, True).block


def test_near_expiry_flags_lots_within_the_horizon():
	flagged = near_expiry([LOT_A, LOT_B, EXPIRED, RECALLED], TODAY, 30)
	assert [(n.batch_no, n.days_left) for n in flagged] == [("A", 15)]


lots_strategy = st.lists(
	st.builds(
		Lot,
		batch_no=st.text(alphabet="ABCDEFGH0123456789", min_size=1, max_size=6),
		qty=st.floats(min_value=0, max_value=1000, allow_nan=False),
		expiry_date=st.one_of(
			st.none(), st.dates(min_value=TODAY - timedelta(days=60), max_value=TODAY + timedelta(days=400))
		),
		blocked_reason=st.one_of(st.none(), st.just("recall")),
	),
	max_size=8,
	unique_by=lambda lot: lot.batch_no,
)


@settings(max_examples=200, deadline=None)
@given(lots=lots_strategy, qty=st.floats(min_value=0.001, max_value=3000, allow_nan=False))
def test_allocation_properties(lots, qty):
	result = allocate(lots, qty, TODAY)
	by_batch = {lot.batch_no: lot for lot in lots}
	picked = [by_batch[a.batch_no] for a in result.allocations]
	# never an expired or blocked lot
	assert all(lot_state(lot, TODAY) == LotState.USABLE for lot in picked)
	# in FEFO order
	assert picked == sort_fefo(picked)
	# never more than a lot has; everything asked is served or reported short
	assert all(a.qty <= by_batch[a.batch_no].qty + 1e-9 for a in result.allocations)
	assert result.allocated + result.shortfall == pytest.approx(qty)
	usable = sum(lot.qty for lot in lots if lot_state(lot, TODAY) == LotState.USABLE)
	if result.shortfall > 0:
		assert result.allocated == pytest.approx(usable, abs=1e-6)
