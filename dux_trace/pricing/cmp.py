"""The CMP of an item in a company (`core.cmp`), kept in *Dux Item Cost* as stock moves.

- **When stock moves** (`on_stock_ledger_entry`, each Stock Ledger Entry ERPNext submits): the item's
  stored CMP is read with its lock and the movement folded in — 1 statement when the item has no
  stored CMP yet, 2 otherwise (3 for a Stock Entry, whose purpose says whether it is a transfer).
  A movement posted before the last one folded in (back-dated), a cancellation and a stock
  reconciliation mark the stored CMP *to rebuild* instead (1 more statement).
- **When the ledger is revalued** (a Repost Item Valuation: a Landed Cost Voucher, a back-dated
  entry), the items it touches are marked to rebuild.
- **When the CMP is read** (`cmp_of`, `cmps_of`: the article card, price grids, the recalculation):
  the stored CMP (1 statement), or, when there is none or it is to rebuild, the item's ledger folded
  from the start (`rebuild`: 3 statements — the ledger, the company's pending reposts, the write).
  While a repost of the company is pending, the rebuilt CMP stays marked to rebuild.
- *Recalculate CMP/CRP* rebuilds every item of its filter from the ledger (idempotent).

The ledger read is ERPNext's: submitted, non-cancelled entries of the item in the company's
warehouses, in posting order (posting_datetime, creation), quantities in the stock unit, rates in
company currency (the incoming rate ERPNext keeps up to date with Landed Cost Vouchers).
"""

from hashlib import sha1

import frappe
from frappe.query_builder import Order
from frappe.utils import get_datetime, now_datetime

from dux_trace.core.cmp import Average, Move, Movement, fold
from dux_trace.core.pricing import dec
from dux_trace.stock.documents import PURCHASES, SALES

DOCTYPE = "Dux Item Cost"
#: Stock Entry purposes that move stock between the company's warehouses
TRANSFERS = ("Material Transfer", "Material Transfer for Manufacture", "Send to Subcontractor")


def cost_name(item_code: str, company: str) -> str:
	"""The record of an item in a company (a fixed name: one record, found by primary key)."""
	return sha1(f"{company}\x1f{item_code}".encode()).hexdigest()[:20]


def movement_of(entry, purpose: str | None, warehouse_qty: dict | None = None) -> Movement:
	"""What a Stock Ledger Entry is to the CMP. A stock reconciliation's difference is read from
	the warehouse's running quantity (`warehouse_qty`, kept by the caller) when given."""
	qty = dec(entry.actual_qty)
	if entry.voucher_type == "Stock Reconciliation" and warehouse_qty is not None:
		qty = dec(entry.qty_after_transaction) - warehouse_qty.get(entry.warehouse, dec(0))
		if qty > 0:
			return Movement(Move.RECEIPT, qty, dec(entry.valuation_rate))
		return Movement(Move.ISSUE, qty)
	if entry.voucher_type == "Stock Entry" and purpose in TRANSFERS:
		return Movement(Move.TRANSFER, qty)
	if entry.voucher_type in PURCHASES and qty < 0:
		return Movement(Move.SUPPLIER_RETURN, qty, dec(entry.outgoing_rate) or dec(entry.valuation_rate))
	if entry.voucher_type in SALES and qty > 0:
		return Movement(Move.CUSTOMER_RETURN, qty, dec(entry.incoming_rate))
	if qty > 0:
		return Movement(Move.RECEIPT, qty, dec(entry.incoming_rate))
	return Movement(Move.ISSUE, qty)


def posted_at(entry):
	return get_datetime(entry.get("posting_datetime") or f"{entry.posting_date} {entry.posting_time}")


# reading ------------------------------------------------------------------------------------------


def cmp_of(item_code: str, company: str) -> Average:
	"""The item's quantity in the company and its CMP (CMP 0: nothing ever received)."""
	return cmps_of([item_code], company)[item_code]


def cmps_of(item_codes: list[str], company: str) -> dict[str, Average]:
	"""`cmp_of` of each item: the stored ones in one statement, the others rebuilt."""
	names = {cost_name(item_code, company): item_code for item_code in item_codes}
	table = frappe.qb.DocType(DOCTYPE)
	stored = {
		names[row.name]: Average(dec(row.qty), dec(row.cmp))
		for row in frappe.qb.from_(table)
		.select(table.name, table.qty, table.cmp)
		.where(table.name.isin(list(names) or [""]))
		.where(table.stale == 0)
		.run(as_dict=True)
	}
	return {item_code: stored.get(item_code) or rebuild(item_code, company) for item_code in item_codes}


def ledger(item_code: str, company: str) -> list:
	"""The item's submitted, non-cancelled ledger in the company, in posting order, with the
	purpose of Stock Entries."""
	sle, entry = frappe.qb.DocType("Stock Ledger Entry"), frappe.qb.DocType("Stock Entry")
	return (
		frappe.qb.from_(sle)
		.left_join(entry)
		.on((sle.voucher_type == "Stock Entry") & (entry.name == sle.voucher_no))
		.select(
			sle.name,
			sle.warehouse,
			sle.voucher_type,
			sle.actual_qty,
			sle.qty_after_transaction,
			sle.incoming_rate,
			sle.outgoing_rate,
			sle.valuation_rate,
			sle.posting_datetime,
			entry.purpose,
		)
		.where(sle.item_code == item_code)
		.where(sle.company == company)
		.where(sle.is_cancelled == 0)
		.where(sle.docstatus == 1)
		.orderby(sle.posting_datetime, order=Order.asc)
		.orderby(sle.creation, order=Order.asc)
		.run(as_dict=True)
	)


def reposts_pending(company: str) -> bool:
	return bool(
		frappe.db.exists(
			"Repost Item Valuation",
			{"company": company, "docstatus": 1, "status": ("in", ("Queued", "In Progress"))},
		)
	)


def rebuild(item_code: str, company: str) -> Average:
	"""The CMP folded from the item's whole ledger in the company, stored (idempotent)."""
	state, warehouse_qty, last = Average(), {}, None
	for entry in ledger(item_code, company):
		state = fold(state, movement_of(entry, entry.purpose, warehouse_qty))
		warehouse_qty[entry.warehouse] = dec(entry.qty_after_transaction)
		last = entry
	store(
		item_code,
		company,
		state,
		last_posting=last.posting_datetime if last else None,
		last_entry=last.name if last else None,
		stale=reposts_pending(company),
		rebuilt_on=now_datetime(),
	)
	return state


def store(item_code: str, company: str, state: Average, **fields):
	name = cost_name(item_code, company)
	values = {"qty": float(state.qty), "cmp": float(state.cmp), **fields}
	if frappe.db.exists(DOCTYPE, name):
		frappe.db.set_value(DOCTYPE, name, values, update_modified=True)
		return
	doc = frappe.get_doc({"doctype": DOCTYPE, "item_code": item_code, "company": company, **values})
	doc.name = name
	try:
		frappe.db.savepoint("dux_item_cost")
		doc.db_insert()
	except frappe.DuplicateEntryError:  # another request stored it meanwhile
		frappe.db.rollback(save_point="dux_item_cost")
		frappe.db.set_value(DOCTYPE, name, values, update_modified=True)


def to_rebuild(item_codes, company: str):
	"""Mark the stored CMPs of these items to rebuild (their ledger changed behind them)."""
	names = [cost_name(item_code, company) for item_code in set(item_codes)]
	if names:
		table = frappe.qb.DocType(DOCTYPE)
		frappe.qb.update(table).set(table.stale, 1).where(table.name.isin(names)).run()


# keeping it up to date --------------------------------------------------------------------------


def on_stock_ledger_entry(entry):
	"""Fold one submitted Stock Ledger Entry into the item's stored CMP (module docstring)."""
	table = frappe.qb.DocType(DOCTYPE)
	name = cost_name(entry.item_code, entry.company)
	found = (
		frappe.qb.from_(table)
		.select(table.qty, table.cmp, table.last_posting, table.stale)
		.where(table.name == name)
		.for_update()
		.run(as_dict=True)
	)
	if not found or found[0].stale:
		return  # rebuilt from the ledger when next read
	row, posted = found[0], posted_at(entry)
	if (
		entry.is_cancelled
		or entry.voucher_type == "Stock Reconciliation"
		or (row.last_posting and posted < get_datetime(row.last_posting))
	):
		to_rebuild([entry.item_code], entry.company)
		return
	purpose = (
		frappe.db.get_value("Stock Entry", entry.voucher_no, "purpose")
		if entry.voucher_type == "Stock Entry"
		else None
	)
	state = fold(Average(dec(row.qty), dec(row.cmp)), movement_of(entry, purpose))
	frappe.qb.update(table).set(table.qty, float(state.qty)).set(table.cmp, float(state.cmp)).set(
		table.last_posting, posted
	).set(table.last_entry, entry.name).where(table.name == name).run()


def on_repost(repost):
	"""A Repost Item Valuation revalues the ledger of its item, or of its voucher's items."""
	if repost.get("item_code"):
		items = [repost.item_code]
	else:
		items = frappe.get_all(
			"Stock Ledger Entry",
			filters={"voucher_type": repost.voucher_type, "voucher_no": repost.voucher_no},
			pluck="item_code",
			distinct=True,
		)
	to_rebuild(items, repost.company)
