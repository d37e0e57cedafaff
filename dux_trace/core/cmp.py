"""CMP, the *coût moyen pondéré* of an item in a company, "recalculé à chaque nouvel achat".

Whatever ERPNext's valuation method (FIFO, Moving Average, per lot), the CMP is the weighted average
of what came in from outside the company, folded movement by movement in posting order over all the
company's warehouses:

- a **receipt** (purchase, material receipt, finished goods of a manufacture or repack, a stock
  reconciliation's surplus) of q units at its landed unit cost r, onto Q units on hand at CMP c:
  c' = (Q x c + q x r) / (Q + q); with nothing on hand (Q <= 0) the CMP is r;
- an **issue** (sale, delivery, material issue, consumption, a reconciliation's shortfall) leaves
  the CMP unchanged; so does a **transfer** between the company's warehouses (both legs);
- a **customer return** comes back at the CMP (unchanged); with nothing known yet, at its rate;
- a **return to the supplier** leaves at its purchase rate r: c' = (Q x c - q x r) / (Q - q) while
  stock remains; at exactly zero the CMP is r; below zero, unchanged.

This is ERPNext's own *Moving Average* rule (stock_ledger.update_entries_after.
get_moving_average_values) applied to the company instead of a warehouse, with transfers left out
and customer returns at the CMP: for the same movements in one warehouse, the CMP equals the
valuation rate ERPNext gives an item valued at Moving Average (the oracle of the integration test).
No rounding here: the caller rounds to the currency's smallest fraction when it shows or compares.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum


class Move(Enum):
	RECEIPT = "receipt"
	ISSUE = "issue"
	TRANSFER = "transfer"
	CUSTOMER_RETURN = "customer return"
	SUPPLIER_RETURN = "supplier return"


@dataclass(frozen=True)
class Movement:
	"""One ledger movement: signed quantity in the stock unit, unit rate in company currency (the
	incoming rate of a receipt or customer return, the outgoing rate of a supplier return)."""

	move: Move
	qty: Decimal
	rate: Decimal = Decimal(0)


@dataclass(frozen=True)
class Average:
	"""Quantity on hand in the company and its CMP."""

	qty: Decimal = Decimal(0)
	cmp: Decimal = Decimal(0)


def fold(average: Average, movement: Movement) -> Average:
	"""The average after one movement (see the module docstring)."""
	qty, cmp, q, rate = average.qty, average.cmp, movement.qty, movement.rate
	if movement.move is Move.TRANSFER or not q:
		return average
	if movement.move is Move.RECEIPT:
		if qty <= 0:
			return Average(qty + q, rate)
		return Average(qty + q, (qty * cmp + q * rate) / (qty + q))
	if movement.move is Move.CUSTOMER_RETURN:
		return Average(qty + q, cmp if cmp or qty > 0 else rate)
	if movement.move is Move.SUPPLIER_RETURN:
		left = qty + q
		if left > 0 and qty > 0:
			return Average(left, (qty * cmp + q * rate) / left)
		if left == 0:
			return Average(left, rate)
		return Average(left, cmp)
	return Average(qty + q, cmp)  # an issue


def average(movements: Iterable[Movement], start: Average = Average()) -> Average:
	"""The average after every movement, in order."""
	for movement in movements:
		start = fold(start, movement)
	return start
