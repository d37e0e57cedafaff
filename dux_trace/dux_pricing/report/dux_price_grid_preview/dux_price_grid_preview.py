"""What a price grid would write, before it is applied: filter, sort, export from the report."""

import frappe
from frappe import _

from dux_trace.permissions import can_see_costs
from dux_trace.pricing.grids.access import grid_for
from dux_trace.pricing.grids.preview import preview

#: the columns that are costs (dux_trace.permissions): not shown to who may not see costs
COST_COLUMNS = ("base_value", "margin_on_base")


def execute(filters=None):
	filters = frappe._dict(filters or {})
	if not filters.grid:
		return columns(), []
	rows = preview(grid_for(filters.grid))
	if filters.only_flagged:
		rows = [row for row in rows if row["flags"]]
	return columns(), rows


def columns():
	show_costs = can_see_costs()
	return [column for column in all_columns() if show_costs or column["fieldname"] not in COST_COLUMNS]


def all_columns():
	return [
		{"label": _("Item"), "fieldname": "item_code", "fieldtype": "Link", "options": "Item", "width": 160},
		{"label": _("Item Name"), "fieldname": "item_name", "fieldtype": "Data", "width": 180},
		{
			"label": _("Item Group"),
			"fieldname": "item_group",
			"fieldtype": "Link",
			"options": "Item Group",
			"width": 120,
		},
		{"label": _("From Quantity"), "fieldname": "min_qty", "fieldtype": "Float", "width": 90},
		{
			"label": _("Current Price"),
			"fieldname": "current_price",
			"fieldtype": "Currency",
			"options": "currency",
			"width": 110,
		},
		{
			"label": _("New Price excl. VAT"),
			"fieldname": "price_ht",
			"fieldtype": "Currency",
			"options": "currency",
			"width": 120,
		},
		{
			"label": _("New Price incl. VAT"),
			"fieldname": "price_ttc",
			"fieldtype": "Currency",
			"options": "currency",
			"width": 120,
		},
		{"label": _("Change (%)"), "fieldname": "change_percent", "fieldtype": "Percent", "width": 90},
		{
			"label": _("Basis Value"),
			"fieldname": "base_value",
			"fieldtype": "Currency",
			"options": "currency",
			"width": 100,
		},
		{
			"label": _("Markup on Basis (%)"),
			"fieldname": "margin_on_base",
			"fieldtype": "Percent",
			"width": 110,
		},
		{"label": _("Flags"), "fieldname": "flags", "fieldtype": "Data", "width": 160},
		{
			"label": _("Currency"),
			"fieldname": "currency",
			"fieldtype": "Link",
			"options": "Currency",
			"hidden": 1,
		},
	]
