# Copyright (c) 2026, dux_trace developers
# For license information, please see license.txt
"""Lot Trace: for lots or serials, every customer who received them (document, date, quantity,
warehouse, contact), where they came from (supplier receipts, input lots of their production)
and what was made from them (finished lots, followed to their customers), and what is left."""

import frappe
from frappe import _

from dux_trace.stock import trace


def execute(filters=None):
	filters = frappe._dict(filters or {})
	batch_nos = split(filters.get("batch_no"))
	serial_nos = split(filters.get("serial_no"))
	if not batch_nos and not serial_nos:
		return get_columns(), []
	return get_columns(), get_data(batch_nos, serial_nos)


def split(value) -> list[str]:
	if isinstance(value, list):
		return [v.strip() for v in value if v and v.strip()]
	return [v.strip() for v in (value or "").replace("\n", ",").split(",") if v.strip()]


def get_columns():
	return [
		{"label": _("Trace"), "fieldname": "label", "fieldtype": "Data", "width": 260},
		{
			"label": _("Document Type"),
			"fieldname": "voucher_type",
			"fieldtype": "Link",
			"options": "DocType",
			"width": 120,
		},
		{
			"label": _("Document"),
			"fieldname": "voucher_no",
			"fieldtype": "Dynamic Link",
			"options": "voucher_type",
			"width": 170,
		},
		{"label": _("Date"), "fieldname": "posting_date", "fieldtype": "Date", "width": 100},
		{"label": _("Party"), "fieldname": "party", "fieldtype": "Data", "width": 170},
		{"label": _("Item"), "fieldname": "item_code", "fieldtype": "Link", "options": "Item", "width": 140},
		{"label": _("Lot"), "fieldname": "batch_no", "fieldtype": "Link", "options": "Batch", "width": 120},
		{
			"label": _("Serial No"),
			"fieldname": "serial_no",
			"fieldtype": "Link",
			"options": "Serial No",
			"width": 120,
		},
		{"label": _("Quantity"), "fieldname": "qty", "fieldtype": "Float", "width": 90},
		{
			"label": _("Warehouse"),
			"fieldname": "warehouse",
			"fieldtype": "Link",
			"options": "Warehouse",
			"width": 140,
		},
		{
			"label": _("Contact"),
			"fieldname": "contact",
			"fieldtype": "Link",
			"options": "Contact",
			"width": 130,
		},
		{"label": _("Mobile No"), "fieldname": "mobile_no", "fieldtype": "Data", "width": 120},
		{"label": _("Email"), "fieldname": "email_id", "fieldtype": "Data", "width": 170},
	]


def get_data(batch_nos: list[str], serial_nos: list[str]) -> list[dict]:
	rows: list[dict] = []

	def section(key: str, label: str, parent: str | None = None, indent: int = 0) -> str:
		rows.append({"id": key, "parent_id": parent, "indent": indent, "label": label, "is_section": 1})
		return key

	def add(parent: str, indent: int, row: dict, label: str):
		rows.append(
			{**row, "id": f"{parent}/{len(rows)}", "parent_id": parent, "indent": indent, "label": label}
		)

	customers = section("customers", _("Customers who received it"))
	sold = trace.add_parties(
		[r for r in trace.movements(batch_nos, serial_nos) if r.voucher_type in trace.SALES_DOCTYPES]
	)
	totals: dict[str, float] = {}
	for r in sold:
		totals[r.party] = totals.get(r.party, 0) + r.qty
	for customer, qty in sorted(totals.items(), key=lambda item: -item[1]):
		first = next(r for r in sold if r.party == customer)
		key = f"customers/{customer}"
		rows.append(
			{
				"id": key,
				"parent_id": customers,
				"indent": 1,
				"label": first.party_name or customer,
				"party": customer,
				"qty": qty,
				"contact": first.contact,
				"mobile_no": first.mobile_no,
				"email_id": first.email_id,
			}
		)
		for r in sold:
			if r.party == customer:
				add(key, 2, r, r.voucher_no)

	other = [r for r in trace.movements(batch_nos, serial_nos) if r.voucher_type not in trace.SALES_DOCTYPES]
	if other:
		moved = section("other", _("Other outgoing movements"))
		for r in other:
			add(moved, 1, r, r.voucher_no)

	upstream = section("upstream", _("Where it came from"))
	for r in trace.add_parties(trace.movements(batch_nos, serial_nos, direction="Inward")):
		if r.voucher_type in ("Purchase Receipt", "Purchase Invoice") or r.voucher_type == "Stock Entry":
			add(upstream, 1, r, r.party_name or r.voucher_no)
	for batch_no in batch_nos:
		for finished, entry, consumed in trace.upstream_lots(batch_no):
			add(
				upstream,
				1,
				{"voucher_type": "Stock Entry", "voucher_no": entry, "batch_no": consumed},
				_("Input lot {0} of {1}").format(consumed, finished),
			)

	downstream = section("downstream", _("What was made from it"))
	for batch_no in batch_nos:
		for consumed, entry, produced in trace.downstream_lots(batch_no):
			key = f"downstream/{produced}"
			rows.append(
				{
					"id": key,
					"parent_id": downstream,
					"indent": 1,
					"label": _("Lot {0} made from {1}").format(produced, consumed),
					"voucher_type": "Stock Entry",
					"voucher_no": entry,
					"batch_no": produced,
				}
			)
			for customer in trace.customers_of([produced]):
				add(
					key,
					2,
					{
						"party": customer.customer,
						"qty": customer.qty,
						"mobile_no": customer.mobile_no,
						"email_id": customer.email_id,
						"contact": customer.contact,
					},
					customer.customer_name or customer.customer,
				)

	left = section("stock", _("Still in stock"))
	for r in trace.stock_left(batch_nos):
		add(left, 1, r, r.warehouse)
	return rows
