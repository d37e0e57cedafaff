"""A traceability test (mock recall) filled from the ledger, and turned into a real Product Recall.

`build(doc)` fills the test's tables from Lot Trace's reading (`stock.trace`) and the mass balance
(`stock.mass_balance`): the tree of lots (`core.traceability_test.tree`) one step back and one step
forward through manufacture and repack, followed on (input lots of input lots...), the mass balance
of every lot of the tree, the customers who received any of them with their contacts, and the
documents consulted. The movements of the tree's lots are read once and handed to the balance and
to the customer list: one reading of movements, not a second one. Every customer and lot is named,
in every warehouse, as a Product Recall names them.

Queries per test, whatever the number of deliveries, receipts or customers (Frappe's metadata
cached):

- the start lot's movements with their parties (1);
- the productions of the tree, per direction followed: the purpose of the stock entries the
  start lot moved in that way (1, when there are any), the lots of each production entry (1 per
  entry), and for each lot found, its own movements that way (1) and their entries' purpose (1,
  when there are any), followed on;
- the other lots' movements, with their parties (1, when the tree has other lots);
- the mass balance on those movements (`mass_balance.balances`, handed them): the purpose of their
  stock entries (1), the lots their productions made (1), the lots' item and stock (1), the open
  recalls holding them (1);
- POS sales consolidated into a Sales Invoice: up to 2 for each of the 2 readers
  (`trace.one_row_per_sale`) and 3 for their parties (`trace.add_parties`).

For the issue's scenario (lot R repacked from lot L, both delivered, traced both ways) that is 9
statements: 1 + 3 upstream (the repack's purpose, its input lots, L's inward movements) + 1 + 4;
`test_dux_traceability_test` counts them, and that three more deliveries add none.
"""

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import now_datetime

from dux_trace.core import mass_balance as mb
from dux_trace.core import traceability_test as tt
from dux_trace.stock import mass_balance, trace


def start(doc) -> None:
	"""The test starts now (kept when already started)."""
	if not doc.started_at:
		doc.started_at = now_datetime()


def build(doc) -> None:
	"""Fill the tree's lots, the customers (keeping the contact round already entered), the
	documents consulted and, when empty, the gaps found."""
	moved = trace.movements([doc.batch_no], direction=None, parties=True)
	upstream = downstream = ()
	if doc.direction in (tt.BACKWARD, tt.BOTH):
		upstream = trace.upstream_lots(doc.batch_no, moved=moved)
	if doc.direction in (tt.FORWARD, tt.BOTH):
		downstream = trace.downstream_lots(doc.batch_no, moved=moved)
	tree = tt.tree(doc.batch_no, doc.direction, upstream, downstream)
	others = [lot for lot, _role in tree[1:]]
	if others:
		moved = moved + trace.movements(others, direction=None, parties=True)
	lots = [lot for lot, _role in tree]
	balances = mass_balance.balances(lots, moved=moved)
	customers = trace.customers_of(lots, moved=moved)
	set_lots(doc, tree, balances, moved)
	set_customers(doc, customers, balances)
	set_documents(doc, moved)
	if not doc.gaps:
		doc.gaps = "\n".join(gaps(doc)) or None


def set_lots(doc, tree, balances: dict[str, mb.Balance], moved: list[dict]) -> None:
	items = {row.batch_no: (row.item_code, row.item_name) for row in moved}
	doc.set("lots", [])
	for lot, role in tree:
		balance = balances.get(lot)
		item_code, item_name = items.get(lot) or (None, None)
		suppliers = [] if balance is None else _parties(balance, mb.RECEIVED)
		doc.append(
			"lots",
			{
				"batch_no": lot,
				"item_code": item_code or frappe.db.get_value("Batch", lot, "item"),
				"item_name": item_name,
				"role": role,
				"suppliers": ", ".join(suppliers) or None,
				"received": balance.received if balance else 0,
				"produced": balance.produced if balance else 0,
				"left_qty": balance.left if balance else 0,
				"on_hand": balance.stock if balance else 0,
				"quarantined": balance.quarantined if balance else 0,
				"difference": balance.difference if balance else 0,
				"difference_pct": balance.difference_pct if balance else None,
			},
		)


def _parties(balance: mb.Balance, kind: str) -> list[str]:
	found = []
	for line in balance.lines:
		name = line.party_name or line.party
		if line.kind == kind and name and name not in found:
			found.append(name)
	return found


def set_customers(doc, customers: list[dict], balances: dict[str, mb.Balance]) -> None:
	"""One row per customer with what they received and returned; a customer's contact round
	(reached at, answer) already entered is kept."""
	returned = defaultdict(float)
	for balance in balances.values():
		for line in balance.lines:
			if line.kind == mb.CUSTOMER_RETURN and line.party:
				returned[line.party] += line.qty
	round_ = {row.customer: (row.reached_at, row.answer) for row in doc.get("customers") or ()}
	doc.set("customers", [])
	for customer in customers:
		reached_at, answer = round_.get(customer.customer, (None, None))
		doc.append(
			"customers",
			{
				**{field: customer[field] for field in trace.CUSTOMER_FIELDS},
				"lots": ", ".join(customer.lots),
				"qty": customer.qty,
				"returned_qty": round(returned.get(customer.customer, 0), mb.PRECISION),
				"documents": "\n".join(dict.fromkeys(customer.documents)),
				"reached_at": reached_at,
				"answer": answer,
			},
		)


def set_documents(doc, moved: list[dict]) -> None:
	"""Each document the trace read, once per lot, oldest first, with its party and quantity."""
	rows: dict[tuple, dict] = {}
	for row in moved:
		key = (row.voucher_type, row.voucher_no, row.batch_no)
		found = rows.setdefault(
			key,
			{
				"document_type": row.voucher_type,
				"document_name": row.voucher_no,
				"posting_date": row.posting_date,
				"batch_no": row.batch_no,
				"party_type": row.get("party_type"),
				"party": row.get("party_name") or row.get("party"),
				"qty": 0,
			},
		)
		found["qty"] += row.qty if row.direction == "Inward" else -row.qty
	doc.set("documents", list(rows.values()))


def gaps(doc) -> list[str]:
	"""What the trace found missing: a lot whose books do not balance, a customer without a
	phone or an email, a lot with no origin."""
	found = []
	for row in doc.lots:
		if row.difference:
			found.append(
				_("Lot {0}: {1} units unexplained by the books.").format(row.batch_no, row.difference)
			)
		if not row.received and not row.produced:
			found.append(_("Lot {0}: no receipt or production found.").format(row.batch_no))
	for row in doc.customers:
		if not row.mobile_no and not row.email_id:
			# by its row: the customers' names are for the roles that read them (level 1)
			found.append(
				_("Customers Reached, row {0}: no mobile number nor email to reach them.").format(row.idx)
			)
	return found


def set_results(doc) -> None:
	"""Elapsed time against the target, and what the recall would block and recover."""
	doc.target_minutes = doc.target_minutes or tt.TARGET_MINUTES
	doc.elapsed_minutes = tt.elapsed_minutes(
		frappe.utils.get_datetime(doc.started_at) if doc.started_at else None,
		frappe.utils.get_datetime(doc.finished_at) if doc.finished_at else None,
	)
	doc.within_target = int(tt.within_target(doc.elapsed_minutes, doc.target_minutes))
	found = tt.located(
		sum(row.on_hand or 0 for row in doc.lots),
		[((row.qty or 0) - (row.returned_qty or 0), bool(row.reached_at)) for row in doc.customers],
	)
	doc.qty_in_scope = found.in_scope
	doc.stock_blocked_qty = found.blocked
	doc.stock_blocked_pct = found.blocked_pct
	doc.recovered_qty = found.recovered
	doc.recovered_pct = found.recovered_pct


def make_recall(doc) -> str:
	"""A submitted Product Recall of the test's lots (its lots are then quarantined); the same
	recall when the test was already turned into one."""
	if doc.product_recall:
		return doc.product_recall
	recall = frappe.get_doc(
		{
			"doctype": "Product Recall",
			"severity": "High",
			"reason": _("Recall following traceability test {0} of lot {1}.").format(doc.name, doc.batch_no),
			"items": [{"batch_no": row.batch_no, "item_code": row.item_code} for row in doc.lots],
		}
	)
	recall.insert()
	recall.submit()
	doc.db_set("product_recall", recall.name)
	return recall.name
