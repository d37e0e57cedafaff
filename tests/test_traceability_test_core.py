"""The traceability test's rules (dux_trace.core.traceability_test), without Frappe: the tree holds
each lot once, the start first; the elapsed time against the 4-hour target; what is blocked never
exceeds what is recovered, nor 100%."""

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from dux_trace.core import traceability_test as tt

LOTS = st.sampled_from([f"L{n}" for n in range(8)])
LINKS = st.lists(st.tuples(LOTS, st.just("STE"), LOTS), max_size=12)


def test_the_issue_scenario_backward_from_the_repacked_lot():
	upstream = [("R", "STE-1", "L")]
	assert tt.tree("R", tt.BACKWARD, upstream, []) == [("R", tt.START), ("L", tt.INPUT)]
	assert tt.tree("R", tt.FORWARD, upstream, []) == [("R", tt.START)]
	assert tt.tree("L", tt.BOTH, [], [("L", "STE-1", "R")]) == [("L", tt.START), ("R", tt.OUTPUT)]


@given(LOTS, st.sampled_from(tt.DIRECTIONS), LINKS, LINKS)
def test_the_tree_holds_each_lot_once_the_start_first(start, direction, upstream, downstream):
	found = tt.tree(start, direction, upstream, downstream)
	lots = [lot for lot, _ in found]
	assert len(lots) == len(set(lots))
	assert found[0] == (start, tt.START)
	expected = {start}
	if direction != tt.FORWARD:
		expected |= {lot for *_, lot in upstream}
	if direction != tt.BACKWARD:
		expected |= {lot for *_, lot in downstream}
	assert set(lots) == expected
	assert all(role in (tt.INPUT, tt.OUTPUT) for _, role in found[1:])


def test_elapsed_time_against_the_four_hour_target():
	start = datetime(2026, 12, 1, 9, 0)
	assert tt.elapsed_minutes(start, None) is None
	assert tt.elapsed_minutes(start, start + timedelta(minutes=3, seconds=30)) == 3.5
	assert tt.within_target(240) and not tt.within_target(240.01) and not tt.within_target(None)
	assert tt.elapsed_minutes(start, start - timedelta(minutes=5)) == 0


def test_located_on_the_scenario():
	# L: 32 on hand, the shop kept 25 of 30; R: 15 on hand, the café kept 25 (not reached yet)
	found = tt.located(47, [(25, True), (25, False)])
	assert (found.in_scope, found.blocked, found.recovered) == (97, 47, 72)
	assert (found.blocked_pct, found.recovered_pct) == (48.45, 74.23)
	assert tt.located(0, []).recovered_pct == 100.0


@given(
	st.floats(min_value=-10, max_value=1e6, allow_nan=False),
	st.lists(st.tuples(st.floats(min_value=-10, max_value=1e6, allow_nan=False), st.booleans())),
)
def test_blocked_never_exceeds_recovered_nor_one_hundred_percent(on_hand, customers):
	found = tt.located(on_hand, customers)
	assert 0 <= found.blocked_pct <= found.recovered_pct <= 100
	if all(reached for _, reached in customers):
		assert found.recovered_pct == 100
