"""FEFO (First Expired, First Out): which lots leave, and what to say about a user's own choice.

Plain values in, plain values out: the glue (`dux_trace.overrides.outgoing_stock`) reads lot
balances from ERPNext and turns the results into translated messages.

Rules, following ERPNext where it has one:
- a lot is expired when its expiry date is *before* the posting date (it may still leave on its
  last day), lots without an expiry date never expire and go last;
- a blocked lot (recalled, quarantined) never leaves, whatever else is true;
- a customer's minimum remaining shelf life is in days and/or in percent of the lot's total
  shelf life (manufacturing to expiry); the percent rule is applied only when both dates are
  known, the days rule always.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import Enum

EPSILON = 1e-9


class LotState(str, Enum):
	USABLE = "Usable"
	EXPIRED = "Expired"
	BLOCKED = "Blocked"
	BELOW_MIN_SHELF_LIFE = "Below Min Shelf Life"


@dataclass(frozen=True)
class Lot:
	batch_no: str
	qty: float
	expiry_date: date | None
	manufacturing_date: date | None = None
	blocked_reason: str | None = None


@dataclass(frozen=True)
class ShelfLifeRule:
	min_days: int | None = None
	min_percent: float | None = None


def days_left(expiry_date: date | None, on_date: date) -> int | None:
	return None if expiry_date is None else (expiry_date - on_date).days


def lot_state(lot: Lot, on_date: date, rule: ShelfLifeRule | None = None) -> LotState:
	if lot.blocked_reason:
		return LotState.BLOCKED
	if lot.expiry_date is None:
		return LotState.USABLE
	if lot.expiry_date < on_date:
		return LotState.EXPIRED
	if rule and not meets_rule(lot, on_date, rule):
		return LotState.BELOW_MIN_SHELF_LIFE
	return LotState.USABLE


def meets_rule(lot: Lot, on_date: date, rule: ShelfLifeRule) -> bool:
	if lot.expiry_date is None:
		return True
	left = (lot.expiry_date - on_date).days
	if rule.min_days is not None and left < rule.min_days:
		return False
	if rule.min_percent is not None and lot.manufacturing_date is not None:
		total = (lot.expiry_date - lot.manufacturing_date).days
		if total > 0 and left * 100 < rule.min_percent * total - EPSILON:
			return False
	return True


def fefo_key(lot: Lot) -> tuple:
	return (
		lot.expiry_date is None,
		lot.expiry_date or date.max,
		lot.manufacturing_date is None,
		lot.manufacturing_date or date.max,
		lot.batch_no,
	)


def sort_fefo(lots: Iterable[Lot]) -> list[Lot]:
	"""Earliest expiry first, lots without expiry last; ties by manufacturing date then lot."""
	return sorted(lots, key=fefo_key)


@dataclass(frozen=True)
class Allocation:
	batch_no: str
	qty: float
	expiry_date: date | None


@dataclass(frozen=True)
class SkippedLot:
	batch_no: str
	state: LotState
	qty: float
	expiry_date: date | None
	blocked_reason: str | None


@dataclass(frozen=True)
class AllocationResult:
	allocations: tuple[Allocation, ...]
	requested: float
	shortfall: float
	skipped: tuple[SkippedLot, ...] = field(default_factory=tuple)

	@property
	def allocated(self) -> float:
		return sum(a.qty for a in self.allocations)


def allocate(
	lots: Iterable[Lot],
	qty: float,
	on_date: date,
	rule: ShelfLifeRule | None = None,
	whole_units: bool = False,
) -> AllocationResult:
	"""Take `qty` from usable lots, earliest expiry first, splitting over lots as needed."""
	if qty <= 0:
		raise ValueError("quantity to allocate must be positive")
	remaining = float(qty)
	allocations: list[Allocation] = []
	skipped: list[SkippedLot] = []
	for lot in sort_fefo(lot for lot in lots if lot.qty > EPSILON):
		state = lot_state(lot, on_date, rule)
		if state != LotState.USABLE:
			skipped.append(SkippedLot(lot.batch_no, state, lot.qty, lot.expiry_date, lot.blocked_reason))
			continue
		if remaining <= EPSILON:
			continue
		available = math.floor(lot.qty + EPSILON) if whole_units else lot.qty
		take = min(available, remaining)
		if take <= EPSILON:
			continue
		allocations.append(Allocation(lot.batch_no, take, lot.expiry_date))
		remaining -= take
	shortfall = 0.0 if remaining <= EPSILON else remaining
	return AllocationResult(tuple(allocations), float(qty), shortfall, tuple(skipped))


class LotVerdict(str, Enum):
	OK = "OK"
	EXPIRED = "Expired"
	BLOCKED = "Blocked"
	BELOW_MIN_SHELF_LIFE = "Below Min Shelf Life"
	EARLIER_LOT_AVAILABLE = "Earlier Lot Available"
	UNKNOWN_LOT = "Unknown Lot"
	INSUFFICIENT_QTY = "Insufficient Quantity"

	@property
	def is_hard(self) -> bool:
		"""Hard verdicts block whatever the policy or the user's role."""
		return self in (LotVerdict.EXPIRED, LotVerdict.BLOCKED, LotVerdict.BELOW_MIN_SHELF_LIFE)


@dataclass(frozen=True)
class ChoiceIssue:
	verdict: LotVerdict
	batch_no: str
	earlier_batch_no: str | None = None
	earlier_expiry: date | None = None
	earlier_qty: float | None = None
	expiry_date: date | None = None
	blocked_reason: str | None = None


_STATE_VERDICT = {
	LotState.EXPIRED: LotVerdict.EXPIRED,
	LotState.BLOCKED: LotVerdict.BLOCKED,
	LotState.BELOW_MIN_SHELF_LIFE: LotVerdict.BELOW_MIN_SHELF_LIFE,
}


def check_choice(
	chosen: Sequence[tuple[str, float]],
	lots: Iterable[Lot],
	on_date: date,
	rule: ShelfLifeRule | None = None,
) -> list[ChoiceIssue]:
	"""Issues with the lots a document takes (`chosen`: (lot, qty) pairs) out of one warehouse.

	A later lot is fine once every usable earlier-expiring lot is fully taken by the same
	document; otherwise EARLIER_LOT_AVAILABLE names the earliest such lot and what it has left.
	"""
	by_batch = {lot.batch_no: lot for lot in lots}
	taken: dict[str, float] = {}
	for batch_no, qty in chosen:
		taken[batch_no] = taken.get(batch_no, 0.0) + qty

	issues: list[ChoiceIssue] = []
	for batch_no, qty in taken.items():
		lot = by_batch.get(batch_no)
		if lot is None:
			issues.append(ChoiceIssue(LotVerdict.UNKNOWN_LOT, batch_no))
			continue
		state = lot_state(lot, on_date, rule)
		if state != LotState.USABLE:
			issues.append(
				ChoiceIssue(
					_STATE_VERDICT[state],
					batch_no,
					expiry_date=lot.expiry_date,
					blocked_reason=lot.blocked_reason,
				)
			)
			continue
		if qty > lot.qty + EPSILON:
			issues.append(ChoiceIssue(LotVerdict.INSUFFICIENT_QTY, batch_no, expiry_date=lot.expiry_date))
		for earlier in sort_fefo(by_batch.values()):
			if fefo_key(earlier) >= fefo_key(lot) or earlier.expiry_date == lot.expiry_date:
				break
			if lot_state(earlier, on_date, rule) != LotState.USABLE:
				continue
			free = earlier.qty - taken.get(earlier.batch_no, 0.0)
			if free > EPSILON:
				issues.append(
					ChoiceIssue(
						LotVerdict.EARLIER_LOT_AVAILABLE,
						batch_no,
						earlier_batch_no=earlier.batch_no,
						earlier_expiry=earlier.expiry_date,
						earlier_qty=free,
						expiry_date=lot.expiry_date,
					)
				)
				break
	return issues


class Policy(str, Enum):
	OFF = "Off"
	WARN = "Warn"
	BLOCK = "Block"


@dataclass(frozen=True)
class Decision:
	block: bool
	warn: tuple[ChoiceIssue, ...]
	needs_reason: bool


def decide(issues: Sequence[ChoiceIssue], policy: Policy | str, has_override: bool) -> Decision:
	"""Hard issues always block; a later lot is let through (OFF), warned (WARN) or blocked
	(BLOCK) — a user with the override role passes a block by giving a reason."""
	policy = Policy(policy)
	hard = [i for i in issues if i.verdict.is_hard]
	soft = tuple(i for i in issues if i.verdict == LotVerdict.EARLIER_LOT_AVAILABLE)
	if hard:
		return Decision(block=True, warn=(), needs_reason=False)
	if not soft or policy == Policy.OFF:
		return Decision(block=False, warn=(), needs_reason=False)
	if policy == Policy.WARN:
		return Decision(block=False, warn=soft, needs_reason=False)
	if has_override:
		return Decision(block=False, warn=soft, needs_reason=True)
	return Decision(block=True, warn=soft, needs_reason=False)


@dataclass(frozen=True)
class NearExpiry:
	batch_no: str
	expiry_date: date
	days_left: int
	qty: float


def near_expiry(lots: Iterable[Lot], on_date: date, horizon_days: int) -> list[NearExpiry]:
	"""Usable lots with stock whose expiry falls within `horizon_days` of `on_date`."""
	found = [
		NearExpiry(lot.batch_no, lot.expiry_date, (lot.expiry_date - on_date).days, lot.qty)
		for lot in lots
		if lot.qty > EPSILON
		and lot.expiry_date is not None
		and lot_state(lot, on_date) == LotState.USABLE
		and (lot.expiry_date - on_date).days <= horizon_days
	]
	return sorted(found, key=lambda n: (n.days_left, n.batch_no))
