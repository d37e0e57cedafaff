"""*Catalogue des Produits Inactifs*: disabled items, their last movement and the stock they still
hold (stock that cannot be sold)."""

import frappe
from frappe import _
from frappe.query_builder.functions import Max, Sum
from frappe.utils import flt

from dux_trace.articles.catalogue import inactive_items
from dux_trace.permissions import allowed_warehouses, restrict


def execute(filters=None):
	filters = frappe._dict(filters or {})
	show_value = bool(frappe.has_permission("Stock Ledger Entry", "read"))
	rows = permitted_items(filters)
	for row in rows:
		row["flag"] = _("Stock left that cannot be sold") if row["qty"] > 0 else ""
		if not show_value:
			row.pop("stock_value", None)
	columns = [
		{"label": _("Item"), "fieldname": "item_code", "fieldtype": "Link", "options": "Item", "width": 170},
		{"label": _("Item Name"), "fieldname": "item_name", "fieldtype": "Data", "width": 200},
		{
			"label": _("Item Group"),
			"fieldname": "item_group",
			"fieldtype": "Link",
			"options": "Item Group",
			"width": 130,
		},
		{"label": _("Last Movement"), "fieldname": "last_movement", "fieldtype": "Date", "width": 110},
		{"label": _("Quantity in Stock"), "fieldname": "qty", "fieldtype": "Float", "width": 110},
	]
	if show_value:
		columns.append(
			{"label": _("Stock Value"), "fieldname": "stock_value", "fieldtype": "Currency", "width": 120}
		)
	columns.append({"label": _("Flag"), "fieldname": "flag", "fieldtype": "Data", "width": 220})
	return columns, rows


def permitted_items(filters) -> list[dict]:
	"""The disabled items with their stock and last movement in the warehouses the user's User
	Permissions allow (ERPNext's Stock Balance shows a restricted clerk only those): for a
	restricted user, read again from the Bins and the ledger of those warehouses, two statements."""
	warehouses = allowed_warehouses()
	if warehouses is None:
		return inactive_items(item_group=filters.item_group, with_stock_only=bool(filters.with_stock_only))
	rows = inactive_items(item_group=filters.item_group)
	item, bin_, sle = (
		frappe.qb.DocType("Item"),
		frappe.qb.DocType("Bin"),
		frappe.qb.DocType("Stock Ledger Entry"),
	)
	stock = {
		row.item_code: row
		for row in restrict(
			frappe.qb.from_(bin_)
			.inner_join(item)
			.on(item.name == bin_.item_code)
			.select(bin_.item_code, Sum(bin_.actual_qty).as_("qty"), Sum(bin_.stock_value).as_("stock_value"))
			.where(item.disabled == 1)
			.groupby(bin_.item_code),
			bin_.warehouse,
			warehouses,
		).run(as_dict=True)
	}
	moves = dict(
		restrict(
			frappe.qb.from_(sle)
			.inner_join(item)
			.on(item.name == sle.item_code)
			.select(sle.item_code, Max(sle.posting_date))
			.where(item.disabled == 1)
			.where(sle.is_cancelled == 0)
			.groupby(sle.item_code),
			sle.warehouse,
			warehouses,
		).run()
	)
	kept = []
	for row in rows:
		held = stock.get(row.item_code)
		row.qty = flt(held.qty) if held else 0.0
		row.stock_value = flt(held.stock_value) if held else 0.0
		row.last_movement = moves.get(row.item_code)
		if not filters.with_stock_only or row.qty > 0:
			kept.append(row)
	return kept
