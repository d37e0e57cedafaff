"""*Stock Par Variant*: a template's variants as a matrix, rows by one attribute, columns by another."""

import frappe
from frappe import _

from dux_trace.articles.variants import variant_matrix


def execute(filters=None):
	filters = frappe._dict(filters or {})
	if not (filters.item and filters.row_attribute and filters.column_attribute):
		return [], []
	frappe.has_permission("Item", "read", filters.item, throw=True)
	result = variant_matrix(filters.item, filters.row_attribute, filters.column_attribute, filters.warehouse)
	columns = [{"label": _(filters.row_attribute), "fieldname": "row", "fieldtype": "Data", "width": 140}]
	keys = {}
	for index, column in enumerate(result.columns):
		keys[column] = f"c{index}"
		columns.append(
			{"label": column or "—", "fieldname": keys[column], "fieldtype": "Float", "width": 110}
		)
	columns.append({"label": _("Total"), "fieldname": "total", "fieldtype": "Float", "width": 110})
	data = []
	for row in result.rows:
		line = {"row": row or "—", "total": result.row_totals[row]}
		for column in result.columns:
			line[keys[column]] = result.cells.get((row, column), 0.0)
			line[f"{keys[column]}_items"] = result.items.get((row, column), [])
		data.append(line)
	total = {"row": _("Total"), "total": result.total, "bold": 1}
	total.update({keys[c]: result.column_totals[c] for c in result.columns})
	data.append(total)
	return columns, data
