# Copyright (c) 2026, dux_trace developers
# For license information, please see license.txt

"""Refused after-sales checks per customer presenting the device, repeat offenders first."""

import frappe
from frappe import _
from frappe.query_builder import Case
from frappe.query_builder.functions import Count, Max, Sum
from frappe.utils import add_days, getdate

from dux_trace.permissions import require

REFUSALS = ("Never Sold By Us", "Sold To Another Customer", "Already Returned")


def execute(filters=None):
	# a report of customers: for who may read them (version-15's report runner checks it on the
	# rows' links, version-16's does not)
	require("Customer")
	filters = frappe._dict(filters or {})
	return columns(), data(filters)


def columns():
	return [
		{
			"fieldname": "customer",
			"label": _("Customer"),
			"fieldtype": "Link",
			"options": "Customer",
			"width": 220,
		},
		{"fieldname": "refused", "label": _("Refused Checks"), "fieldtype": "Int", "width": 130},
		*(
			{"fieldname": frappe.scrub(verdict), "label": _(verdict), "fieldtype": "Int", "width": 160}
			for verdict in REFUSALS
		),
		{"fieldname": "serials", "label": _("Serial Nos Presented"), "fieldtype": "Int", "width": 150},
		{"fieldname": "last_check", "label": _("Last Check"), "fieldtype": "Datetime", "width": 170},
	]


def data(filters):
	check = frappe.qb.DocType("After-Sales Check")
	query = (
		frappe.qb.from_(check)
		.select(
			check.customer,
			Count("*").as_("refused"),
			*(
				Sum(Case().when(check.verdict == verdict, 1).else_(0)).as_(frappe.scrub(verdict))
				for verdict in REFUSALS
			),
			Count(check.serial_no).distinct().as_("serials"),
			Max(check.checked_at).as_("last_check"),
		)
		.where(check.refused == 1)
		.groupby(check.customer)
		.orderby(Count("*"), order=frappe.qb.desc)
		.orderby(Max(check.checked_at), order=frappe.qb.desc)
	)
	if filters.customer:
		query = query.where(check.customer == filters.customer)
	if filters.from_date:
		query = query.where(check.checked_at >= getdate(filters.from_date))
	if filters.to_date:
		query = query.where(check.checked_at < add_days(getdate(filters.to_date), 1))
	rows = query.run(as_dict=True)
	for row in rows:
		if not row.customer:
			row.customer = _("(not given)")
	return rows
