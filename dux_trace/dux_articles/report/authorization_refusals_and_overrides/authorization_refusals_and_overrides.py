# Copyright (c) 2026, dux_trace developers
# For license information, please see license.txt
"""Authorization Refusals and Overrides: the sales refused for a missing authorization (Dux
Authorization Refusal) and those let through by the override role (Dux Rule Override, rule
Authorization), newest first. Two queries whatever the period.

Who sees it is the report's roles (Sales User, Sales Manager, Stock Manager, System Manager): the
overrides are read for them although only managers may open their Dux Rule Overrides."""

import frappe
from frappe import _
from frappe.utils import add_days, getdate

from dux_trace.rule_overrides import AUTHORIZATION

REFUSED = "Refused"
OVERRIDDEN = "Overridden"


def execute(filters=None):
	filters = frappe._dict(filters or {})
	return columns(), get_data(filters)


def columns() -> list[dict]:
	return [
		{"label": _("Timestamp"), "fieldname": "timestamp", "fieldtype": "Datetime", "width": 160},
		{"label": _("Kind"), "fieldname": "kind_label", "fieldtype": "Data", "width": 100},
		# Data, not Link: the report filters its rows by the Link columns' doctypes, which a Sales User
		# may not read (User, DocType)
		{"label": _("User"), "fieldname": "user", "fieldtype": "Data", "width": 180},
		{"label": _("Document Type"), "fieldname": "reference_doctype", "fieldtype": "Data", "width": 120},
		{
			"label": _("Document"),
			"fieldname": "reference_name",
			"fieldtype": "Dynamic Link",
			"options": "reference_doctype",
			"width": 160,
		},
		{
			"label": _("Customer"),
			"fieldname": "customer",
			"fieldtype": "Link",
			"options": "Customer",
			"width": 170,
		},
		{"label": _("Item"), "fieldname": "item_code", "fieldtype": "Link", "options": "Item", "width": 170},
		{
			"label": _("Authorization"),
			"fieldname": "authorization_type",
			"fieldtype": "Link",
			"options": "Dux Authorization Type",
			"width": 170,
		},
		{"label": _("Message or Reason"), "fieldname": "details", "fieldtype": "Data", "width": 360},
	]


def get_data(filters) -> list[dict]:
	rows = []
	if filters.get("kind") in (None, "", REFUSED):
		rows += fetch("Dux Authorization Refusal", "message", REFUSED, filters)
	if filters.get("kind") in (None, "", OVERRIDDEN):
		rows += fetch("Dux Rule Override", "reason", OVERRIDDEN, filters, rule=AUTHORIZATION)
	rows.sort(key=lambda row: row.timestamp or "", reverse=True)
	for row in rows:
		row.kind_label = _(row.kind)
	return rows


def fetch(doctype: str, details: str, kind: str, filters, rule: str | None = None) -> list[dict]:
	table = frappe.qb.DocType(doctype)
	query = frappe.qb.from_(table).select(
		table.timestamp,
		table.user,
		table.reference_doctype,
		table.reference_name,
		table.customer,
		table.item_code,
		table.authorization_type,
		table[details].as_("details"),
	)
	if rule:
		query = query.where(table.rule == rule)
	if filters.get("from_date"):
		query = query.where(table.timestamp >= getdate(filters.from_date))
	if filters.get("to_date"):
		query = query.where(table.timestamp < add_days(getdate(filters.to_date), 1))
	for field in ("customer", "item_code", "authorization_type"):
		if filters.get(field):
			query = query.where(table[field] == filters[field])
	rows = query.orderby(table.timestamp, order=frappe.qb.desc).run(as_dict=True)
	hide_customer = not frappe.has_permission("Customer", "read")
	for row in rows:
		row.kind = kind
		if hide_customer:
			row.customer = None
	return rows
