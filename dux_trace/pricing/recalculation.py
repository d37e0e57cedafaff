"""Recalculate CMP/CRP and global stock: the background job behind a Dux Recalculation.

*Cost Bases*: for each item (of the filter), the five cost bases are read again from ERPNext's
receipts and ledger (`pricing.costs`) and stored on the item (the *Stored Costs* of the Pricing
tab, which lists and price grids read without recomputing); only what changed is written and
listed, so a second run changes nothing. Where a Bin's stock value disagrees with its stock
ledger, ERPNext's valuation itself is wrong: a Repost Item Valuation is queued (never a ledger row
written by hand).

*Stock Quantities*: `stock.bins` compares each Bin with its ledger and fixes it with ERPNext's
`repost_stock`.
"""

import frappe
from frappe import _
from frappe.utils import flt, now_datetime

from dux_trace.core.pricing import Basis
from dux_trace.pricing.costs import cost_bases

#: stored cost field on Item, per basis
STORED_FIELDS = {
	Basis.LAST_PURCHASE_GROSS: "dux_cost_last_purchase_gross",
	Basis.LAST_PURCHASE_NET: "dux_cost_last_purchase_net",
	Basis.LANDED_COST: "dux_cost_landed",
	Basis.CMP: "dux_cost_cmp",
	Basis.CRP: "dux_cost_crp",
}
UPDATED_FIELD = "dux_costs_updated_on"
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
	for index, item_code in enumerate(items, 1):
		bases, _purchase = cost_bases(item_code, run.company)
		update = {}
		for basis, value in bases.items():
			field = STORED_FIELDS[basis]
			old, new = flt(stored[item_code].get(field)), flt(value) if value is not None else 0.0
			if old != new:
				update[field] = new
				run.append(
					"results",
					{"item_code": item_code, "figure": _(basis.value), "old_value": old, "new_value": new},
				)
		if update:
			changes += len(update)
			update[UPDATED_FIELD] = now_datetime()
			frappe.db.set_value("Item", item_code, update, update_modified=False)
		changes += queue_valuation_repost(run, item_code)
		progress(run, index, len(items))
	run.items_checked, run.changes = len(items), changes


def queue_valuation_repost(run, item_code: str) -> int:
	"""A Repost Item Valuation for each of the item's Bins whose stock value is not its ledger's."""
	from dux_trace.stock.bins import valuation_differences

	queued = 0
	for diff in valuation_differences(run.company, item_code):
		from erpnext.stock.stock_ledger import create_repost_item_valuation_entry

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
	if done == total or done % PROGRESS_EVERY == 0:
		frappe.publish_progress(
			done * 100 / max(total, 1),
			title=_("Recalculating"),
			doctype=run.doctype,
			docname=run.name,
			description=_("{0} of {1}").format(done, total),
		)


def run(name: str):
	"""The job: runs the recalculation and saves its results; Frappe's job runner commits at the
	end (progress reaches the form through realtime meanwhile)."""
	doc = frappe.get_doc("Dux Recalculation", name)
	doc.db_set({"status": "Running", "started_at": now_datetime()})
	try:
		if doc.kind == "Stock Quantities":
			from dux_trace.stock.bins import recalculate_bins

			recalculate_bins(doc, progress)
		else:
			recalculate_costs(doc)
		doc.status, doc.finished_at = "Completed", now_datetime()
		doc.save(ignore_permissions=True)
	except Exception:
		frappe.db.rollback()
		doc = frappe.get_doc("Dux Recalculation", name)
		doc.db_set(
			{"status": "Failed", "finished_at": now_datetime(), "error": frappe.get_traceback()[-2000:]},
			commit=True,
		)
		raise
