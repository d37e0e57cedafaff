"""Mass balance of lots (the rule in `dux_trace.core.mass_balance`), fed by Lot Trace's reading.

The movements are the lots' Serial and Batch ledger as Lot Trace reads it (`trace.movements`, both
directions, with their parties, in the user's allowed warehouses): one reading of movements, not a
second one. The stock on hand per warehouse is what that ledger leaves (`trace.stock_left`, the
source of ERPNext's `get_batch_qty` and of the app's FEFO), and the lot's stock in total is ERPNext's
own figure on the Batch (`batch_qty`, which ERPNext adds to or takes from at each submit and cancel:
what its *Stock Qty vs Batch Qty* report checks). A movement missing from the ledger (a damaged
book: its Serial and Batch Entry or Stock Ledger Entry rows gone) leaves that figure where it was:
the gap shows as an on-hand line without a warehouse, and as the unexplained difference. For a user
restricted to some warehouses (User Permissions) the balance is that of the warehouses shown, and
Batch.batch_qty, which counts every warehouse, is not used.

Queries, for any number of lots at once (the report passes them by the `CHUNK`): the movements (1),
the purpose of their stock entries (1, when there are any), the lots their productions made (1,
when a lot was consumed), the lots' item and stock (1), and the open recalls holding them (1):
5 statements per call, whatever the number of lots and movements; POS sales consolidated into a
Sales Invoice add up to 2 (`trace.one_row_per_sale`) and their parties up to 3 (`add_parties`).
"""

from collections import defaultdict

import frappe
from frappe import _

from dux_trace.core import mass_balance as mb
from dux_trace.permissions import restrict
from dux_trace.stock import trace
from dux_trace.stock.documents import PURCHASES, SALES
from dux_trace.stock.quarantine import quarantined

#: lots per call from the report
CHUNK = 500

#: party type of the lines of each kind
PARTY_TYPE = {
	mb.RECEIVED: "Supplier",
	mb.SUPPLIER_RETURN: "Supplier",
	mb.DELIVERED: "Customer",
	mb.CUSTOMER_RETURN: "Customer",
}


def balances(
	batch_nos, warehouses: set[str] | None = None, moved: list[dict] | None = None
) -> dict[str, mb.Balance]:
	"""{lot: its mass balance} (`warehouses`: only movements and stock there, as Lot Trace reads
	them; None: every warehouse; `moved`: the lots' movements when the caller already read them,
	`trace.movements(batch_nos, direction=None, parties=True, warehouses=warehouses)`, which
	saves the first statement)."""
	batch_nos = list(dict.fromkeys(b for b in batch_nos if b))
	if not batch_nos:
		return {}
	if moved is None:
		moved = trace.movements(batch_nos, direction=None, parties=True, warehouses=warehouses)
	else:
		moved = [row for row in moved if row.batch_no in batch_nos]
	moved = trace.one_row_per_sale(moved)
	if unknown := [r for r in moved if "party_type" not in r]:
		trace.add_parties(unknown)  # a consolidated POS sale, put back on its POS Invoice
	entries = trace.stock_entries({r.voucher_no for r in moved if r.voucher_type == "Stock Entry"})
	outputs = _production_outputs(
		{
			r.voucher_no
			for r in moved
			if r.voucher_type == "Stock Entry"
			and r.direction == "Outward"
			and entries.get(r.voucher_no, {}).get("purpose") in trace.PRODUCTION_PURPOSES
		},
		warehouses,
	)
	book = {
		b.name: b
		for b in frappe.get_all(
			"Batch", filters={"name": ("in", batch_nos)}, fields=["name", "item", "batch_qty"]
		)
	}
	held = quarantined(batch_nos)

	by_lot = defaultdict(list)
	for row in moved:
		by_lot[row.batch_no].append(row)
	result = {}
	for batch_no in batch_nos:
		rows = by_lot.get(batch_no, [])
		moves = [_movement(row, entries, outputs) for row in rows]
		on_hand = [
			mb.OnHand(r.warehouse, r.qty, batch_no in held) for r in trace.stock_left([batch_no], rows)
		]
		if warehouses is None and batch_no in book:
			gap = mb._round((book[batch_no].batch_qty or 0) - sum(r.qty for r in on_hand))
			if gap:
				on_hand.append(mb.OnHand(None, gap, batch_no in held))
		result[batch_no] = mb.balance(moves, on_hand)
	return result


def _movement(row, entries: dict, outputs: dict) -> mb.Movement:
	inward = row.direction == "Inward"
	qty = row.qty if inward else -row.qty
	detail = None
	if row.voucher_type in PURCHASES:
		kind = mb.RECEIVED if inward else mb.SUPPLIER_RETURN
	elif row.voucher_type in SALES:
		kind = mb.CUSTOMER_RETURN if inward else mb.DELIVERED
	elif row.voucher_type == "Stock Reconciliation":
		kind = mb.ADJUSTED
	elif row.voucher_type == "Stock Entry":
		entry = entries.get(row.voucher_no) or {}
		purpose = entry.get("purpose")
		if purpose in trace.PRODUCTION_PURPOSES:
			kind = mb.PRODUCED if inward else mb.CONSUMED
			if not inward:
				detail = ", ".join(outputs.get(row.voucher_no, ())) or None
		elif purpose == "Material Receipt" and inward:
			kind = mb.RECEIVED
		elif purpose == "Material Issue" and not inward:
			kind, detail = mb.ISSUED, entry.get("stock_entry_type") or purpose
		elif purpose in ("Material Transfer", "Material Transfer for Manufacture", "Send to Subcontractor"):
			kind = mb.TRANSFER
		else:
			kind, detail = mb.OTHER, entry.get("stock_entry_type") or purpose
	else:
		kind = mb.OTHER
	party = row.get("party") if row.get("party_type") in ("Customer", "Supplier") else None
	return mb.Movement(
		kind=kind,
		qty=qty,
		warehouse=row.warehouse,
		party=party,
		party_name=row.get("party_name") if party else None,
		voucher_type=row.voucher_type,
		voucher_no=row.voucher_no,
		detail=detail,
	)


def _production_outputs(entry_names: set[str], warehouses: set[str] | None) -> dict[str, list[str]]:
	"""{production entry: the lots it made}, in one statement."""
	if not entry_names:
		return {}
	query, entry, bundle = trace.bundle_entries()
	query = (
		query.select(bundle.voucher_no, entry.batch_no)
		.distinct()
		.where(bundle.voucher_type == "Stock Entry")
		.where(bundle.voucher_no.isin(list(entry_names)))
		.where(bundle.type_of_transaction == "Inward")
		.where(entry.batch_no.isnotnull())
	)
	query = restrict(query, entry.warehouse, warehouses)
	made = defaultdict(list)
	for voucher_no, batch_no in query.run():
		if batch_no not in made[voucher_no]:
			made[voucher_no].append(batch_no)
	return {name: sorted(lots) for name, lots in made.items()}


def as_rows(balance: mb.Balance, visible=None) -> list[dict]:
	"""The balance's lines as dicts, each with its `party_type`, what `visible` (Lot Trace's
	`Visible`) lets the user see: the supplier blanked for who may not read suppliers, the customer
	for who may not read customers, the document number for who may not read its doctype."""
	rows = []
	for line in balance.lines:
		row = {
			"kind": line.kind,
			"qty": line.qty,
			"party_type": PARTY_TYPE.get(line.kind) if line.party else None,
			"party": line.party,
			"party_name": line.party_name,
			"voucher_type": line.voucher_type,
			"voucher_no": line.voucher_no,
			"detail": line.detail,
			"warehouse": line.warehouse,
		}
		rows.append(visible.row(row) if visible else row)
	for stock in balance.on_hand:
		rows.append(
			{
				"kind": "quarantine" if stock.quarantined else "on_hand",
				"qty": stock.qty,
				"warehouse": stock.warehouse,
			}
		)
	return rows


def summary(balance: mb.Balance) -> str:
	"""The balance in one line, as the Batch form, Lot Trace and the dossier say it."""
	return _(
		"Received {0} + produced {1} - left {2} - on hand {3} = unexplained difference {4} ({5} %)"
	).format(
		frappe.format(balance.received, "Float"),
		frappe.format(balance.produced, "Float"),
		frappe.format(balance.left, "Float"),
		frappe.format(balance.stock, "Float"),
		frappe.format(balance.difference, "Float"),
		"-" if balance.difference_pct is None else frappe.format(balance.difference_pct, "Float"),
	)
