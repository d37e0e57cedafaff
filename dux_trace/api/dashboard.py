"""The Traçabilité workspace's number cards and charts: each agrees with the report it opens (same
company: the user's default, as the reports' filters) and shows only what the user may read —
their User Permissions' companies and warehouses included, as the reports and lists they open."""

import frappe
from frappe import _
from frappe.query_builder.functions import Count
from frappe.utils import flt

from dux_trace.companies import permitted_default_company
from dux_trace.permissions import allowed, require, restrict
from dux_trace.stock.expiry import near_expiry_lots

#: the chart's buckets: (label, last day) — already expired, then 30 / 60 / 90 days ahead
BUCKETS = (("Expired", -1), ("0-30 days", 30), ("31-60 days", 60), ("61-90 days", 90))


@frappe.whitelist()
def near_expiry_card(filters=None) -> dict:
	"""Lots in stock expiring within the horizon (Dux Trace Settings) in the user's company."""
	require("Bin")
	company = permitted_default_company()
	rows = near_expiry_lots(frappe._dict(company=company))
	return {
		"value": len(rows),
		"fieldtype": "Int",
		"route": ["query-report", "Lots Near Expiry"],
		"route_options": {"company": company},
	}


@frappe.whitelist()
def customers_to_notify_card(filters=None) -> dict:
	"""Customers of open recalls not notified yet (of the companies the user's User Permissions
	allow, as the Open Recalls card counts the recalls)."""
	require("Product Recall")
	recall = frappe.qb.DocType("Product Recall")
	customer = frappe.qb.DocType("Product Recall Customer")
	query = (
		frappe.qb.from_(customer)
		.inner_join(recall)
		.on(recall.name == customer.parent)
		.select(Count("*"))
		.where(recall.docstatus == 1)
		.where(recall.status == "Open")
		.where(customer.status == "To Notify")
	)
	count = restrict(query, recall.company, allowed("Company", "Product Recall"), or_empty=True).run()[0][0]
	return {
		"value": count,
		"fieldtype": "Int",
		"route": ["List", "Product Recall"],
		"route_options": {"status": "Open", "docstatus": 1},
	}


def stock_expiring(company: str | None = None) -> dict:
	"""Value of the lots in stock by time left before expiry, for the Stock Expiring chart."""
	require("Stock Ledger Entry")  # valuation, as ERPNext shows it
	rows = near_expiry_lots(
		frappe._dict(
			company=company or permitted_default_company(), horizon=BUCKETS[-1][1], include_expired=1
		)
	)
	values = [0.0] * len(BUCKETS)
	for row in rows:
		index = next(i for i, (_label, last) in enumerate(BUCKETS) if row.days_left <= last)
		values[index] += flt(row.value)
	return {
		"labels": [_(label) for label, _last in BUCKETS],
		"datasets": [{"name": _("Stock Value"), "values": values}],
		"type": "bar",
	}
