"""*Catalogue des Produits Inactifs*: disabled items, their last movement and the stock they still
hold (stock that cannot be sold)."""

import frappe
from frappe import _

from dux_trace.articles.catalogue import inactive_items


def execute(filters=None):
	filters = frappe._dict(filters or {})
	show_value = bool(frappe.has_permission("Stock Ledger Entry", "read"))
	rows = inactive_items(item_group=filters.item_group, with_stock_only=bool(filters.with_stock_only))
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
