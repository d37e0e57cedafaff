"""Recalculate CMP/CRP and global stock: the background job behind a Dux Recalculation.

*Cost Bases*: for each item (of the filter), the five cost bases are read again from ERPNext's
receipts and ledger (`pricing.costs`) and stored on the item (the *Stored Costs* of the Pricing
tab, which lists and price grids read without recomputing); only what changed is written and
listed, so a second run changes nothing. Where a Bin's stock value disagrees with its stock
ledger, ERPNext's valuation itself is wrong: a Repost Item Valuation is queued (never a ledger row
written by hand).

The items are read by chunks of CHUNK_SIZE, in 6 queries per chunk whatever its size, 7 when a
Bin disagrees with its ledger (`costs.cost_bases_of`: the last received purchase per item from
Purchase Receipts and from Purchase Invoices, the company's stock per item from the Bins, the
recent receipts per item and warehouse from the ledger; `stock.bins.valuation_differences_of`: the
Bins and the ledger's last stock value per item and warehouse, and the first posting date of
those that differ), then one UPDATE per item whose stored costs changed and a
Repost Item Valuation per Bin that disagrees; the progress is published once per chunk, and the
result rows are inserted together at the end (`save_results`). The figures are those of
`costs.cost_bases`, the article card's.

*Stock Quantities*: `recalculate_bins` compares each Bin with its ledger (`stock.bins`) and fixes it
with ERPNext's `repost_stock`. The job lives here, with the run that starts it, so that pricing
imports stock and never the other way.
"""

import frappe
from frappe import _
from frappe.utils import flt, now_datetime

from dux_trace.core.pricing import Basis
from dux_trace.pricing.cmp import to_rebuild
from dux_trace.pricing.costs import cost_bases_of
from dux_trace.stock.bins import QTY_TOLERANCE, bin_differences, valuation_differences_of

#: stored cost field on Item, per basis
STORED_FIELDS = {
	Basis.LAST_PURCHASE_GROSS: "dux_cost_last_purchase_gross",
	Basis.LAST_PURCHASE_NET: "dux_cost_last_purchase_net",
	Basis.LANDED_COST: "dux_cost_landed",
	Basis.CMP: "dux_cost_cmp",
	Basis.CRP: "dux_cost_crp",
}
UPDATED_FIELD = "dux_costs_updated_on"
#: items read together (each query of a chunk lists them in an IN)
CHUNK_SIZE = 500
#: Bins rebuilt between two progress messages (Stock Quantities)
PROGRESS_EVERY = 50


def items_to_check(run) -> list[str]:
	filters = {"is_stock_item": 1}
	if run.item_code:
		filters["name"] = run.item_code
	if run.item_group:
		from frappe.utils.nestedset import get_descendants_of

		filters["item_group"] = ("in", [run.item_group, *get_descendants_of("Item Group", run.item_group)])
	return frappe.get_all("Item", filters=filters, pluck="name", order_by="name")


def recalculate_costs(run) -> None:
	"""Fill the run's results: (item, basis, old, new) for each stored cost that changed."""
	items = items_to_check(run)
	stored_fields = list(STORED_FIELDS.values())
	stored = (
		{
			row.name: row
			for row in frappe.get_all(
				"Item", filters={"name": ("in", items)}, fields=["name", *stored_fields]
			)
		}
		if items
		else {}
	)
	changes = 0
	for start in range(0, len(items), CHUNK_SIZE):
		chunk = items[start : start + CHUNK_SIZE]
		to_rebuild(chunk, run.company)  # the CMPs folded again from the ledger (back-dated entries)
		bases_of = cost_bases_of(chunk, run.company)
		differences_of = valuation_differences_of(run.company, chunk)
		for item_code in chunk:
			bases, _purchase = bases_of[item_code]
			update = {}
			for basis, value in bases.items():
				field = STORED_FIELDS[basis]
				old, new = flt(stored[item_code].get(field)), flt(value) if value is not None else 0.0
				if old != new:
					update[field] = new
					run.append(
						"results",
						{
							"item_code": item_code,
							"figure": _(basis.value),
							"old_value": old,
							"new_value": new,
						},
					)
			if update:
				changes += len(update)
				update[UPDATED_FIELD] = now_datetime()
				frappe.db.set_value("Item", item_code, update, update_modified=False)
			changes += queue_valuation_repost(run, item_code, differences_of.get(item_code, []))
		publish_progress(run, start + len(chunk), len(items))
	run.items_checked, run.changes = len(items), changes


def queue_valuation_repost(run, item_code: str, differences) -> int:
	"""A Repost Item Valuation for each of the item's Bins whose stock value is not its ledger's
	(`differences`, from `stock.bins.valuation_differences_of`)."""
	queued = 0
	for diff in differences:
		from erpnext.controllers.stock_controller import create_repost_item_valuation_entry

		create_repost_item_valuation_entry(
			{
				"item_code": item_code,
				"warehouse": diff.warehouse,
				"posting_date": diff.first_posting_date,
				"posting_time": "00:00:00",
				"company": run.company,
			}
		)
		run.append(
			"results",
			{
				"item_code": item_code,
				"warehouse": diff.warehouse,
				"figure": _("Stock Value"),
				"old_value": diff.bin_value,
				"new_value": diff.ledger_value,
				"action": _("Repost Item Valuation queued"),
			},
		)
		queued += 1
	return queued


def progress(run, done: int, total: int):
	"""The progress of the Bins rebuilt, published every PROGRESS_EVERY."""
	if done == total or done % PROGRESS_EVERY == 0:
		publish_progress(run, done, total)


def publish_progress(run, done: int, total: int):
	frappe.publish_progress(
		done * 100 / max(total, 1),
		title=_("Recalculating"),
		doctype=run.doctype,
		docname=run.name,
		description=_("{0} of {1}").format(done, total),
	)


RESULT_FIELDS = ("item_code", "warehouse", "figure", "old_value", "new_value", "action")


def save_results(doc, results) -> None:
	"""The run's result rows, inserted together (`frappe.db.bulk_insert`): a first run over 10,000
	items lists 50,000 of them, and saving them one by one with the run (a link check and an INSERT
	each) took 9 of its 47 s in benchmarks/card_benchmark.py. Their values come from the Item, Bin
	and ledger tables just read: nothing to check."""
	now, user = now_datetime(), frappe.session.user
	frappe.db.bulk_insert(
		"Dux Recalculation Result",
		fields=[
			"name",
			"parent",
			"parenttype",
			"parentfield",
			"idx",
			"docstatus",
			"owner",
			"modified_by",
			"creation",
			"modified",
			*RESULT_FIELDS,
		],
		values=[
			(
				frappe.generate_hash(length=10),
				doc.name,
				doc.doctype,
				"results",
				idx,
				0,
				user,
				user,
				now,
				now,
				*(row.get(field) for field in RESULT_FIELDS),
			)
			for idx, row in enumerate(results, 1)
		],
	)


def recalculate_bins(run, progress) -> None:
	"""*Stock Quantities*: fix each Bin that disagrees with its ledger (`stock.bins.bin_differences`)
	through ERPNext's `repost_stock`, and list it."""
	from erpnext.stock.stock_balance import repost_stock

	items = items_to_check(run) if (run.item_code or run.item_group) else None
	differences = bin_differences(run.company, item_codes=items)
	for index, diff in enumerate(differences, 1):
		repost_stock(diff.item_code, diff.warehouse, only_bin=True)
		now = flt(
			frappe.db.get_value(
				"Bin", {"item_code": diff.item_code, "warehouse": diff.warehouse}, "actual_qty"
			)
		)
		run.append(
			"results",
			{
				"item_code": diff.item_code,
				"warehouse": diff.warehouse,
				"figure": _("Actual Quantity"),
				"old_value": diff.bin_qty,
				"new_value": now,
				"action": _("Bin rebuilt from the stock ledger")
				if abs(now - diff.ledger_qty) <= QTY_TOLERANCE
				else _("Still differs from the ledger: repost the item's valuation"),
			},
		)
		progress(run, index, len(differences))
	run.items_checked = len(items) if items is not None else frappe.db.count("Bin")
	run.changes = len(differences)


def run_refusal(kind: str) -> str | None:
	"""Why the session user may not run a recalculation of this kind, in words (None: they may).
	Both kinds may queue ERPNext's Repost Item Valuation; the costs write the stored costs on Item."""
	if not frappe.has_permission("Repost Item Valuation", "create"):
		return _("A recalculation may queue a Repost Item Valuation, which your roles may not create.")
	if kind != "Stock Quantities" and not frappe.has_permission("Item", "write"):
		return _("Recalculating costs writes the stored costs of items, which your roles may not change.")
	return None


def run(name: str):
	"""The job: runs the recalculation and saves its results; Frappe's job runner commits at the
	end (progress reaches the form through realtime meanwhile). It runs as the user who saved the
	recalculation (frappe.enqueue), whose rights are read again now."""
	doc = frappe.get_doc("Dux Recalculation", name)
	if refusal := run_refusal(doc.kind):
		doc.db_set({"status": "Failed", "finished_at": now_datetime(), "error": refusal})
		return
	doc.db_set({"status": "Running", "started_at": now_datetime()})
	try:
		if doc.kind == "Stock Quantities":
			recalculate_bins(doc, progress)
		else:
			recalculate_costs(doc)
		results = doc.get("results")
		doc.set("results", [])
		doc.status, doc.finished_at = "Completed", now_datetime()
		doc.save(ignore_permissions=True)
		save_results(doc, results)
	except Exception:
		frappe.db.rollback()
		doc = frappe.get_doc("Dux Recalculation", name)
		# the traceback goes to the Error Log (System Manager), not into a record Item Managers read
		frappe.log_error(title=f"Dux Recalculation {name} failed")
		doc.db_set(
			{
				"status": "Failed",
				"finished_at": now_datetime(),
				"error": _("The recalculation stopped on an error: see the Error Log."),
			},
			commit=True,
		)
		raise
