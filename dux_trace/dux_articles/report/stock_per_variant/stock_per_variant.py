"""*Stock Par Variant*: a template's variants as a matrix, rows by one attribute, columns by another."""

import frappe
from frappe import _

from dux_trace.articles.variants import variant_matrix
from dux_trace.permissions import allowed_warehouses, require


def execute(filters=None):
	filters = frappe._dict(filters or {})
	if not (filters.item and filters.row_attribute and filters.column_attribute):
		return [], []
	require("Item", doc=filters.item)
	result = permitted_matrix(filters)
	if result is None:
		return [], []
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


def permitted_matrix(filters):
	"""The matrix over the warehouses the user's User Permissions allow (ERPNext's Stock Balance
	shows a restricted clerk only those): for a restricted user, one matrix per allowed warehouse
	holding a variant, summed; None when the filter's warehouse is not allowed."""

	def read(warehouse):
		return variant_matrix(filters.item, filters.row_attribute, filters.column_attribute, warehouse)

	warehouses = allowed_warehouses()
	if warehouses is None:
		return read(filters.warehouse)
	if filters.warehouse:
		warehouses = warehouses & {filters.warehouse}
	if not warehouses:
		return None
	variants = frappe.get_all("Item", filters={"variant_of": filters.item}, pluck="name")
	held = frappe.get_all(
		"Bin",
		filters={"item_code": ("in", variants or [""]), "warehouse": ("in", sorted(warehouses))},
		pluck="warehouse",
		distinct=True,
	)
	# no variant in any allowed warehouse: the matrix of one of them, all zeros
	matrices = [read(warehouse) for warehouse in sorted(held) or [min(warehouses)]]
	result = matrices[0]
	for other in matrices[1:]:
		for totals, more in (
			(result.cells, other.cells),
			(result.row_totals, other.row_totals),
			(result.column_totals, other.column_totals),
		):
			for key, qty in more.items():
				totals[key] = totals.get(key, 0.0) + qty
		result.total += other.total
	return result
