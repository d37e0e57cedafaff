"""Stock per variant and per DOT: ERPNext's variants (Item.variant_of, Item Variant Attribute),
Bins and the Serial and Batch Bundle ledger, laid out by dux_trace.core."""

import frappe
from frappe.query_builder.functions import Sum
from frappe.utils import flt, getdate, nowdate

from dux_trace.core.dot import parse_dot
from dux_trace.core.variants import Variant, matrix
from dux_trace.stock.trace import lot_balance_query


def variant_matrix(template: str, row_attribute: str, column_attribute: str, warehouse: str | None = None):
	variants = frappe.get_all("Item", filters={"variant_of": template}, pluck="name")
	if not variants:
		return matrix([], row_attribute, column_attribute)
	attributes: dict[str, dict[str, str]] = {}
	for row in frappe.get_all(
		"Item Variant Attribute",
		filters={"parent": ("in", variants), "parenttype": "Item"},
		fields=["parent", "attribute", "attribute_value"],
	):
		attributes.setdefault(row.parent, {})[row.attribute] = row.attribute_value
	bin_ = frappe.qb.DocType("Bin")
	query = (
		frappe.qb.from_(bin_)
		.select(bin_.item_code, Sum(bin_.actual_qty).as_("qty"))
		.where(bin_.item_code.isin(variants))
		.groupby(bin_.item_code)
	)
	if warehouse:
		query = query.where(bin_.warehouse == warehouse)
	qty = {row.item_code: flt(row.qty) for row in query.run(as_dict=True)}

	def order(attribute):
		return frappe.get_all(
			"Item Attribute Value", filters={"parent": attribute}, pluck="attribute_value", order_by="idx asc"
		)

	return matrix(
		[Variant(code, attributes.get(code, {}), qty.get(code, 0.0)) for code in variants],
		row_attribute,
		column_attribute,
		row_order=order(row_attribute),
		column_order=order(column_attribute),
	)


def dot_stock(
	template_or_item: str | None = None, warehouse: str | None = None, max_age_years: int = 5
) -> list[dict]:
	"""Stock per DOT-tracked item (variant) x DOT: quantity, age in months, flag when older than
	`max_age_years`."""
	query, entry, _bundle = lot_balance_query()
	batch = frappe.qb.DocType("Batch")
	item = frappe.qb.DocType("Item")
	query = (
		query.inner_join(batch)
		.on(batch.name == entry.batch_no)
		.inner_join(item)
		.on(item.name == batch.item)
		.select(batch.item, item.variant_of, batch.dux_dot_code, batch.manufacturing_date)
		.where(item.dux_dot_tracked == 1)
	)
	if template_or_item:
		query = query.where((item.name == template_or_item) | (item.variant_of == template_or_item))
	if warehouse:
		query = query.where(entry.warehouse == warehouse)
	today = getdate(nowdate())
	rows = []
	for row in query.run(as_dict=True):
		if flt(row.qty) <= 0 or not row.dux_dot_code:
			continue
		dot = parse_dot(row.dux_dot_code, today)
		age = dot.age_months(today)
		rows.append(
			{
				"item_code": row.item,
				"variant_of": row.variant_of,
				"dot_code": row.dux_dot_code,
				"week": dot.week,
				"year": dot.year,
				"warehouse": row.warehouse,
				"qty": flt(row.qty),
				"age_months": age,
				"too_old": age >= max_age_years * 12,
			}
		)
	return sorted(rows, key=lambda r: (r["item_code"], r["year"], r["week"]))
