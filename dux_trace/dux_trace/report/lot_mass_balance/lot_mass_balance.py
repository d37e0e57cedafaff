# Copyright (c) 2026, dux_trace developers
# For license information, please see license.txt
"""Lot Mass Balance: for the lots of an item, an item group or a period, received + produced -
left - on hand = unexplained difference (`dux_trace.core.mass_balance`), lots with a difference
first. Read in chunks of `stock.mass_balance.CHUNK` lots, a bounded number of statements each."""

import frappe
from frappe import _
from frappe.utils.nestedset import get_descendants_of

from dux_trace.core import mass_balance as mb
from dux_trace.stock.mass_balance import CHUNK, balances
from dux_trace.stock.trace import Visible


def execute(filters=None):
	filters = frappe._dict(filters or {})
	if not (filters.get("item_code") or filters.get("item_group") or filters.get("batch_no")):
		return get_columns(), [], _("Choose an item, an item group or a lot.")
	return get_columns(), get_data(filters)


def get_columns():
	def qty(label, fieldname, width=100):
		return {"label": label, "fieldname": fieldname, "fieldtype": "Float", "width": width}

	return [
		{"label": _("Lot"), "fieldname": "batch_no", "fieldtype": "Data", "width": 140},
		{"label": _("Item"), "fieldname": "item_code", "fieldtype": "Data", "width": 160},
		qty(_("Received"), "received"),
		qty(_("Produced"), "produced"),
		qty(_("Delivered"), "delivered"),
		qty(_("Consumed in Production"), "consumed", 120),
		qty(_("Returned by Customers"), "customer_return", 120),
		qty(_("Returned to Suppliers"), "supplier_return", 120),
		qty(_("Scrapped / Issued"), "issued", 110),
		qty(_("Adjusted"), "adjusted"),
		qty(_("Other Movements"), "other"),
		qty(_("Left (net)"), "left"),
		qty(_("On Hand"), "stock"),
		qty(_("In Quarantine"), "quarantined"),
		qty(_("Unexplained Difference"), "difference", 130),
		{"label": _("Difference %"), "fieldname": "difference_pct", "fieldtype": "Percent", "width": 100},
	]


def lots(filters) -> list[tuple[str, str]]:
	"""(lot, item) of the filters: an item, an item group (and its descendants), lots created
	in the period."""
	batch = frappe.qb.DocType("Batch")
	item = frappe.qb.DocType("Item")
	query = (
		frappe.qb.from_(batch)
		.inner_join(item)
		.on(item.name == batch.item)
		.select(batch.name, batch.item)
		.orderby(batch.name)
	)
	if filters.get("batch_no"):
		query = query.where(batch.name == filters.batch_no)
	if filters.get("item_code"):
		query = query.where(batch.item == filters.item_code)
	if filters.get("item_group"):
		groups = [filters.item_group, *get_descendants_of("Item Group", filters.item_group)]
		query = query.where(item.item_group.isin(groups))
	if filters.get("from_date"):
		query = query.where(batch.creation >= filters.from_date)
	if filters.get("to_date"):
		query = query.where(batch.creation < frappe.utils.add_days(filters.to_date, 1))
	return query.run()


def get_data(filters) -> list[dict]:
	visible = Visible()
	found = lots(filters)
	rows = []
	for start in range(0, len(found), CHUNK):
		chunk = found[start : start + CHUNK]
		result = balances([lot for lot, _item in chunk], visible.warehouses)
		for lot, item_code in chunk:
			balance = result[lot]
			if not balance.lines and not balance.on_hand:
				continue  # nothing the user may see
			rows.append(
				{
					"batch_no": lot,
					"item_code": item_code,
					**shown_totals(balance.totals),
					"left": balance.left,
					"stock": balance.stock,
					"quarantined": balance.quarantined,
					"difference": balance.difference,
					"difference_pct": balance.difference_pct,
				}
			)
	rows.sort(key=lambda row: (row["difference"] == 0, -abs(row["difference"]), row["batch_no"]))
	return rows


def shown_totals(totals: dict[str, float]) -> dict[str, float]:
	"""What went out as a positive quantity (delivered 30), what came in or was adjusted signed."""
	return {kind: -qty if kind in OUT else qty for kind, qty in totals.items() if kind != mb.TRANSFER}


OUT = (mb.DELIVERED, mb.CONSUMED, mb.SUPPLIER_RETURN, mb.ISSUED)
