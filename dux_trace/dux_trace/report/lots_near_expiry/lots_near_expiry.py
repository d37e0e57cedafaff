# Copyright (c) 2026, dux_trace developers
# For license information, please see license.txt
"""Lots in stock that expire within the horizon (Dux Trace Settings), or already expired."""

import frappe
from frappe import _

from dux_trace.stock.expiry import near_expiry_lots

VALUATION = ("valuation_rate", "value")


def execute(filters=None):
	filters = frappe._dict(filters or {})
	columns, rows = get_columns(), near_expiry_lots(filters)
	if not frappe.has_permission("Stock Ledger Entry", "read"):  # valuation, as ERPNext shows it
		columns = [column for column in columns if column["fieldname"] not in VALUATION]
		rows = [{k: v for k, v in row.items() if k not in VALUATION} for row in rows]
	return columns, rows


def get_columns():
	"""Plain text, not links: Frappe refuses the whole report to a role that cannot read a linked
	doctype (Batch is Item Manager's only, Warehouse not Stock Manager's, Item not Sales
	Manager's), and this report is for all of them."""
	return [
		{"label": _("Item"), "fieldname": "item_code", "fieldtype": "Data", "width": 160},
		{"label": _("Item Name"), "fieldname": "item_name", "fieldtype": "Data", "width": 180},
		{"label": _("Item Group"), "fieldname": "item_group", "fieldtype": "Data", "width": 120},
		{"label": _("Lot"), "fieldname": "batch_no", "fieldtype": "Data", "width": 140},
		{"label": _("Warehouse"), "fieldname": "warehouse", "fieldtype": "Data", "width": 150},
		{"label": _("Quantity"), "fieldname": "qty", "fieldtype": "Float", "width": 100},
		{"label": _("Expiry Date"), "fieldname": "expiry_date", "fieldtype": "Date", "width": 110},
		{"label": _("Days Left"), "fieldname": "days_left", "fieldtype": "Int", "width": 90},
		{"label": _("Valuation Rate"), "fieldname": "valuation_rate", "fieldtype": "Currency", "width": 110},
		{"label": _("Value"), "fieldname": "value", "fieldtype": "Currency", "width": 120},
	]
