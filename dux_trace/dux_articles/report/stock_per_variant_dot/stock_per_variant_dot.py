"""*Stock Par Variant DOT*: tyres in stock per variant and DOT date code, with their age."""

import frappe
from frappe import _
from frappe.utils import cint

from dux_trace import settings
from dux_trace.articles.variants import dot_stock
from dux_trace.permissions import allowed_warehouses


def execute(filters=None):
	filters = frappe._dict(filters or {})
	max_age = cint(filters.max_age_years) or settings.dot_max_age_years() or 5
	rows = dot_stock(filters.item, filters.warehouse, max_age)
	# one row per variant, DOT and warehouse: those of the warehouses the user's User Permissions
	# allow, as ERPNext's Stock Balance shows them
	if (warehouses := allowed_warehouses()) is not None:
		rows = [row for row in rows if row["warehouse"] in warehouses]
	for row in rows:
		row["flag"] = _("Older than {0} years").format(max_age) if row.pop("too_old") else ""
	columns = [
		{"label": _("Item"), "fieldname": "item_code", "fieldtype": "Link", "options": "Item", "width": 180},
		{
			"label": _("Template Item"),
			"fieldname": "variant_of",
			"fieldtype": "Link",
			"options": "Item",
			"width": 150,
		},
		{"label": _("DOT Code"), "fieldname": "dot_code", "fieldtype": "Data", "width": 90},
		{"label": _("Week"), "fieldname": "week", "fieldtype": "Int", "width": 70},
		{"label": _("Year"), "fieldname": "year", "fieldtype": "Int", "width": 70},
		{
			"label": _("Warehouse"),
			"fieldname": "warehouse",
			"fieldtype": "Link",
			"options": "Warehouse",
			"width": 140,
		},
		{"label": _("Quantity"), "fieldname": "qty", "fieldtype": "Float", "width": 90},
		{"label": _("Age (Months)"), "fieldname": "age_months", "fieldtype": "Int", "width": 100},
		{"label": _("Flag"), "fieldname": "flag", "fieldtype": "Data", "width": 160},
	]
	return columns, rows
