"""Lots near expiry: what the Lots Near Expiry report lists and the Traçabilité workspace's Lots
Near Expiry card and Stock Expiring chart count, read in one place."""

import frappe
from frappe.query_builder.functions import Sum
from frappe.utils import add_days, cint, date_diff, flt, getdate, nowdate

from dux_trace import settings
from dux_trace.permissions import allowed_warehouses, restrict


def near_expiry_lots(filters) -> list[dict]:
	"""The lots in stock expiring within `filters.horizon` days (default: the settings'), one row per
	lot and warehouse with its quantity, expiry date, days left and value; expired lots only with
	`include_expired`; narrowed by company, warehouse, item and item group, and to the warehouses
	the user's User Permissions allow."""
	today = getdate(nowdate())
	horizon = (
		cint(filters.horizon) if filters.get("horizon") not in (None, "") else settings.near_expiry_days()
	)

	sle = frappe.qb.DocType("Stock Ledger Entry")
	entry = frappe.qb.DocType("Serial and Batch Entry")
	batch = frappe.qb.DocType("Batch")
	item = frappe.qb.DocType("Item")
	bin_ = frappe.qb.DocType("Bin")

	query = (
		frappe.qb.from_(sle)
		.inner_join(entry)
		.on(entry.parent == sle.serial_and_batch_bundle)
		.inner_join(batch)
		.on(batch.name == entry.batch_no)
		.inner_join(item)
		.on(item.name == sle.item_code)
		.left_join(bin_)
		.on((bin_.item_code == sle.item_code) & (bin_.warehouse == entry.warehouse))
		.select(
			sle.item_code,
			item.item_name,
			item.item_group,
			entry.batch_no,
			entry.warehouse,
			Sum(entry.qty).as_("qty"),
			batch.expiry_date,
			bin_.valuation_rate,
		)
		.where(sle.is_cancelled == 0)
		.where(batch.expiry_date.isnotnull())
		.where(batch.expiry_date <= add_days(today, horizon))
		.groupby(entry.batch_no, entry.warehouse)
		.having(Sum(entry.qty) > 0)
		.orderby(batch.expiry_date)
	)
	# the warehouses the user's User Permissions allow (ERPNext's stock reports show only those)
	query = restrict(query, entry.warehouse, allowed_warehouses())
	if not cint(filters.get("include_expired")):
		query = query.where(batch.expiry_date >= today)
	if filters.get("company"):
		query = query.where(sle.company == filters.company)
	if filters.get("warehouse"):
		query = query.where(entry.warehouse == filters.warehouse)
	if filters.get("item_code"):
		query = query.where(sle.item_code == filters.item_code)
	if filters.get("item_group"):
		lft, rgt = frappe.db.get_value("Item Group", filters.item_group, ["lft", "rgt"])
		group = frappe.qb.DocType("Item Group")
		query = query.where(
			item.item_group.isin(
				frappe.qb.from_(group).select(group.name).where((group.lft >= lft) & (group.rgt <= rgt))
			)
		)

	rows = query.run(as_dict=True)
	for row in rows:
		row.days_left = date_diff(row.expiry_date, today)
		row.valuation_rate = flt(row.valuation_rate)
		row.value = flt(row.qty) * row.valuation_rate
	return rows
