"""A traceability test (the mock recall an auditor times): which lots its tree holds, how long it
took against the 4-hour target, and how much of the product it located.

- **The tree** of a lot: the lot itself (*Start*), the lots consumed to make it (*Input*, going
  backward through manufacture and repack) and the lots made from it (*Output*, going forward),
  each lot once, the start first, then inputs, then outputs, in the order the trace met them.
- **Elapsed**: minutes from the start of the test to its end; within the target when at most
  `TARGET_MINUTES` (BRCGS Food Safety Issue 9, clause 3.9.3: "achievable within 4 hours").
- **Located**: of what the recall would have to pull back — the stock on hand of the tree's lots
  plus what their customers kept (delivered less returned) — the part the recall blocks at once
  (the stock on hand) and the part recovered (blocked, plus what the customers reached in the
  contact round hold). Quantities are the lots' stock units, summed over the tree.

Frappe-free: dux_trace.stock.traceability_test reads the ledger.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

#: backward: where the lot came from; forward: what was made from it and where it went
BACKWARD, FORWARD, BOTH = "Upstream", "Downstream", "Both Ways"
DIRECTIONS = (BACKWARD, FORWARD, BOTH)
START, INPUT, OUTPUT = "Starting Lot", "Input Lot", "Output Lot"

#: BRCGS's "achievable within 4 hours"
TARGET_MINUTES = 240

#: percentages and quantities are rounded at this many decimals
PRECISION = 2


def tree(
	start: str,
	direction: str,
	upstream: Iterable[tuple[str, str, str]] = (),
	downstream: Iterable[tuple[str, str, str]] = (),
) -> list[tuple[str, str]]:
	"""[(lot, role)]: `start` first, then the input lots of `upstream` ((finished lot, entry, input
	lot) links) when going backward, then the output lots of `downstream` ((input lot, entry,
	output lot) links) when going forward; each lot once (a lot met twice keeps its first role)."""
	roles = {start: START}
	if direction in (BACKWARD, BOTH):
		for _made, _entry, lot in upstream:
			roles.setdefault(lot, INPUT)
	if direction in (FORWARD, BOTH):
		for _used, _entry, lot in downstream:
			roles.setdefault(lot, OUTPUT)
	return list(roles.items())


def elapsed_minutes(started_at: datetime | None, finished_at: datetime | None) -> float | None:
	"""Minutes from start to end (None until both are known; never below zero)."""
	if not started_at or not finished_at:
		return None
	return round(max((finished_at - started_at).total_seconds(), 0) / 60, PRECISION)


def within_target(minutes: float | None, target: float = TARGET_MINUTES) -> bool:
	return minutes is not None and minutes <= target


@dataclass(frozen=True)
class Located:
	in_scope: float
	blocked: float
	recovered: float
	blocked_pct: float
	recovered_pct: float


def located(on_hand: float, at_customers: Iterable[tuple[float, bool]]) -> Located:
	"""`on_hand`: the tree's stock; `at_customers`: (quantity a customer kept, reached in the
	contact round) per customer. 100% blocked and recovered when nothing is out (nothing to
	recall); a customer who returned more than was delivered counts as holding none."""
	customers = [(max(qty, 0.0), reached) for qty, reached in at_customers]
	on_hand = max(on_hand, 0.0)
	in_scope = on_hand + sum(qty for qty, _ in customers)
	recovered = on_hand + sum(qty for qty, reached in customers if reached)

	def pct(part: float) -> float:
		return round(100 * part / in_scope, PRECISION) if in_scope else 100.0

	return Located(
		in_scope=round(in_scope, PRECISION),
		blocked=round(on_hand, PRECISION),
		recovered=round(recovered, PRECISION),
		blocked_pct=pct(on_hand),
		recovered_pct=pct(recovered),
	)
