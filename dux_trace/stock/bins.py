"""ERPNext's Bins (stock per item and warehouse) against the stock ledger they summarise.

A Bin's `actual_qty` should equal the item's ledger balance in that warehouse (the sum of the
uncancelled Stock Ledger Entries' `actual_qty`) and its `stock_value` the ledger's last
`stock_value`. Differences come from interrupted jobs or hand edits; ERPNext's own
`repost_stock` rebuilds a Bin from the ledger. One grouped query reads every balance (index
item_code, warehouse on the ledger).

A Bin's `stock_value` should be the ledger's last `stock_value` there: `valuation_differences_of`
reads it for a chunk of items of the recalculation, in 2 queries whatever the chunk's size (the company's Bins of the items; the ledger rows of the items at their newest
posting_datetime per warehouse, `MAX(posting_datetime) ... GROUP BY item_code, warehouse` joined
back to the ledger, the last created kept), and a third only when some Bin differs (its first
posting date, `MIN(posting_date) GROUP BY item_code, warehouse`). A window function
(`ROW_NUMBER() OVER (PARTITION BY item_code, warehouse ...)`) over every ledger row of the chunk
was tried: much slower at 1 M rows.
"""

from dataclasses import dataclass

import frappe
from frappe.query_builder import Order, Tuple
from frappe.query_builder.functions import Max, Min, Sum
from frappe.utils import flt

from dux_trace.companies import company_currency, currency_digits
from dux_trace.stock.documents import OUTGOING, moves_stock, outgoing_rows

QTY_TOLERANCE = 1e-6


def lock_for_submit(doc) -> dict[tuple[str, str], object]:
	"""Before an outgoing document posts its stock: lock the Bins of its items and warehouses, in
	one order (by name), until the transaction ends. Returns their versions, {(item, warehouse):
	modified}, the latest committed (a locking read): see `lots.lot_qtys_in_warehouse`.

	Sellers of the same stock then queue here, one after the other, before anything is posted;
	without it, eight deliveries of one lot at the same moment deadlock on the row and gap locks
	that ERPNext's ledger posting takes in varying order (seen: 2 of 8 refused with MariaDB's
	deadlock error and HTTP 500). One statement per submit."""
	if not moves_stock(doc):
		return {}
	field = OUTGOING[doc.doctype].warehouse
	pairs = sorted({(row.item_code, row.get(field)) for row in outgoing_rows(doc)})
	if not pairs:
		return {}
	bin_ = frappe.qb.DocType("Bin")
	rows = (
		frappe.qb.from_(bin_)
		.select(bin_.item_code, bin_.warehouse, bin_.modified)
		.where(Tuple(bin_.item_code, bin_.warehouse).isin([Tuple(*pair) for pair in pairs]))
		.orderby(bin_.name)
		.for_update()
		.run()
	)
	return {(item_code, warehouse): modified for item_code, warehouse, modified in rows}


@dataclass
class BinDifference:
	item_code: str
	warehouse: str
	bin_qty: float
	ledger_qty: float


@dataclass
class ValuationDifference:
	warehouse: str
	bin_value: float
	ledger_value: float
	first_posting_date: object


def bin_differences(company: str, item_code: str | None = None, item_codes=None) -> list[BinDifference]:
	bin_, sle, warehouse = (
		frappe.qb.DocType("Bin"),
		frappe.qb.DocType("Stock Ledger Entry"),
		frappe.qb.DocType("Warehouse"),
	)
	ledger = (
		frappe.qb.from_(sle)
		.select(sle.item_code, sle.warehouse, Sum(sle.actual_qty).as_("qty"))
		.where(sle.is_cancelled == 0)
		.groupby(sle.item_code, sle.warehouse)
	)
	if item_code:
		ledger = ledger.where(sle.item_code == item_code)
	ledger = ledger.as_("ledger")
	query = (
		frappe.qb.from_(bin_)
		.inner_join(warehouse)
		.on(warehouse.name == bin_.warehouse)
		.left_join(ledger)
		.on((ledger.item_code == bin_.item_code) & (ledger.warehouse == bin_.warehouse))
		.select(bin_.item_code, bin_.warehouse, bin_.actual_qty, ledger.qty)
		.where(warehouse.company == company)
	)
	if item_code:
		query = query.where(bin_.item_code == item_code)
	if item_codes is not None:
		if not item_codes:
			return []
		query = query.where(bin_.item_code.isin(list(item_codes)))
	return [
		BinDifference(row.item_code, row.warehouse, flt(row.actual_qty), flt(row.qty))
		for row in query.run(as_dict=True)
		if abs(flt(row.actual_qty) - flt(row.qty)) > QTY_TOLERANCE
	]


def valuation_differences_of(company: str, item_codes: list[str]) -> dict[str, list[ValuationDifference]]:
	"""{item: its Bins whose stock value is not the ledger's last stock value (money compared at the
	currency's precision)}, for the items of the chunk that have some."""
	if not item_codes:
		return {}
	digits = currency_digits(company_currency(company))
	bin_, warehouse, sle = (
		frappe.qb.DocType("Bin"),
		frappe.qb.DocType("Warehouse"),
		frappe.qb.DocType("Stock Ledger Entry"),
	)
	bins = (
		frappe.qb.from_(bin_)
		.inner_join(warehouse)
		.on(warehouse.name == bin_.warehouse)
		.select(bin_.item_code, bin_.warehouse, bin_.stock_value)
		.where(bin_.item_code.isin(item_codes))
		.where(warehouse.company == company)
		.run(as_dict=True)
	)
	newest = (
		frappe.qb.from_(sle)
		.select(sle.item_code, sle.warehouse, Max(sle.posting_datetime).as_("posting_datetime"))
		.where(sle.item_code.isin(item_codes))
		.where(sle.is_cancelled == 0)
		.groupby(sle.item_code, sle.warehouse)
		.as_("newest")
	)
	last = {}
	for row in (
		frappe.qb.from_(sle)
		.inner_join(newest)
		.on(
			(newest.item_code == sle.item_code)
			& (newest.warehouse == sle.warehouse)
			& (newest.posting_datetime == sle.posting_datetime)
		)
		.select(sle.item_code, sle.warehouse, sle.stock_value, sle.creation)
		.where(sle.is_cancelled == 0)
		.orderby(sle.creation, order=Order.desc)
		.run(as_dict=True)
	):
		last.setdefault((row.item_code, row.warehouse), row)  # the last created at that time
	found = {}
	for row in bins:
		ledger = last.get((row.item_code, row.warehouse))
		ledger_value = flt(ledger.stock_value) if ledger else 0.0
		if round(flt(row.stock_value) - ledger_value, digits) != 0:
			found.setdefault(row.item_code, []).append(
				ValuationDifference(row.warehouse, flt(row.stock_value), ledger_value, None)
			)
	if found:  # rare: the first posting date of the Bins that differ, one more query
		first = {
			(row.item_code, row.warehouse): row.first_posting_date
			for row in frappe.qb.from_(sle)
			.select(sle.item_code, sle.warehouse, Min(sle.posting_date).as_("first_posting_date"))
			.where(sle.item_code.isin(list(found)))
			.where(sle.is_cancelled == 0)
			.groupby(sle.item_code, sle.warehouse)
			.run(as_dict=True)
		}
		for item_code, diffs in found.items():
			for diff in diffs:
				diff.first_posting_date = first.get((item_code, diff.warehouse))
	return found
