# Copyright (c) 2026, dux_trace developers
# For license information, please see license.txt
"""Lot Trace: for lots or serials, every customer who received them (document, date, quantity,
warehouse, contact), where they came from (supplier receipts, input lots of their production)
and what was made from them (finished lots, followed to their customers), what is left, and each
lot's mass balance."""

import frappe
from frappe import _

from dux_trace.stock import mass_balance, trace
from dux_trace.stock.documents import RECEIPTS, SALES


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
	"""What a recall needs first: who, how to reach them, how much, on which document. Plain text
	rather than links where a role the report serves may not read the linked doctype (Frappe then
	refuses the whole report): what the user may see is decided in `trace.Visible`."""
	return [
		{"label": _("Customer / Trace"), "fieldname": "label", "fieldtype": "Data", "width": 330},
		{"label": _("Contact"), "fieldname": "contact", "fieldtype": "Data", "width": 140},
		{"label": _("Mobile No"), "fieldname": "mobile_no", "fieldtype": "Data", "width": 130},
		{"label": _("Email"), "fieldname": "email_id", "fieldtype": "Data", "width": 190},
		{"label": _("Quantity"), "fieldname": "qty", "fieldtype": "Float", "width": 90},
		{
			"label": _("Document"),
			"fieldname": "voucher_no",
			"fieldtype": "Dynamic Link",
			"options": "voucher_type",
			"width": 190,
		},
		{"label": _("Date"), "fieldname": "posting_date", "fieldtype": "Date", "width": 110},
		{"label": _("Item"), "fieldname": "item_code", "fieldtype": "Data", "width": 140},
		{"label": _("Lot"), "fieldname": "batch_no", "fieldtype": "Data", "width": 120},
		{"label": _("Serial No"), "fieldname": "serial_no", "fieldtype": "Data", "width": 140},
		{"label": _("Warehouse"), "fieldname": "warehouse", "fieldtype": "Data", "width": 150},
		{"label": _("Customer"), "fieldname": "party", "fieldtype": "Data", "width": 140, "hidden": 1},
	]


def get_data(batch_nos: list[str], serial_nos: list[str]) -> list[dict]:
	rows: list[dict] = []
	visible = trace.Visible()

	def section(key: str, label: str, parent: str | None = None, indent: int = 0, **values) -> str:
		rows.append(
			{"id": key, "parent_id": parent, "indent": indent, "label": label, "is_section": 1, **values}
		)
		return key

	def add(parent: str, indent: int, row: dict, label: str):
		rows.append(
			{
				**visible.row(row),
				"id": f"{parent}/{len(rows)}",
				"parent_id": parent,
				"indent": indent,
				"label": label,
			}
		)

	# every movement of the lots / serials, both directions, with its party: one statement
	every = trace.movements(
		batch_nos, serial_nos, direction=None, parties=True, warehouses=visible.warehouses
	)
	sold = trace.sales(batch_nos, serial_nos, moved=every)
	received = [r for r in every if r.direction == "Inward" and r.voucher_type in RECEIPTS]
	labels: dict[str, str] = {}

	def doctype_label(doctype: str) -> str:  # translated once per report, not once per row
		if doctype not in labels:
			labels[doctype] = _(doctype)
		return labels[doctype]

	by_customer: dict[str, list[dict]] = {}
	for r in sold:
		by_customer.setdefault(r.party, []).append(r)
	total = sum(r.qty for r in sold)
	customers = section(
		"customers",
		_("Customers who received it: {0} customers, {1} units").format(
			len(by_customer), frappe.format(total)
		),
		qty=total,
	)
	shown = visible.customers(by_customer)
	for customer, movements in sorted(shown.items(), key=lambda item: -sum(r.qty for r in item[1])):
		key = f"customers/{customer}" if customer else "customers/hidden"
		rows.append(
			{
				"id": key,
				"parent_id": customers,
				"indent": 1,
				**customer_row(customer, movements[0] if customer else None),
				"qty": sum(r.qty for r in movements),
			}
		)
		for r in movements:
			add(
				key,
				2,
				{**r, "contact": None, "mobile_no": None, "email_id": None},
				doctype_label(r.voucher_type),
			)

	other = [r for r in every if r.direction == "Outward" and r.voucher_type not in SALES]
	if other:
		moved = section("other", _("Other outgoing movements"), qty=sum(r.qty for r in other))
		for r in other:
			add(moved, 1, r, doctype_label(r.voucher_type))

	upstream = section("upstream", _("Where it came from"))
	for r in received:
		shown = visible.row(r)
		add(upstream, 1, r, shown.get("party_name") or doctype_label(r.voucher_type))
	for batch_no in batch_nos:
		for finished, entry, consumed in trace.upstream_lots(batch_no, every, visible.warehouses):
			add(
				upstream,
				1,
				{"voucher_type": "Stock Entry", "voucher_no": entry, "batch_no": consumed},
				_("Input lot {0} of {1}").format(consumed, finished),
			)

	downstream = section("downstream", _("What was made from it"))
	for batch_no in batch_nos:
		for consumed, entry, produced in trace.downstream_lots(batch_no, every, visible.warehouses):
			key = f"downstream/{produced}"
			rows.append(
				{
					**visible.row({"voucher_type": "Stock Entry", "voucher_no": entry}),
					"id": key,
					"parent_id": downstream,
					"indent": 1,
					"label": _("Lot {0} made from {1}").format(produced, consumed),
					"batch_no": produced,
				}
			)
			made = {c.customer: [c] for c in trace.customers_of([produced], warehouses=visible.warehouses)}
			for customer, members in visible.customers(made).items():
				first = members[0]
				rows.append(
					{
						"id": f"{key}/{customer}" if customer else f"{key}/hidden",
						"parent_id": key,
						"indent": 2,
						**customer_row(
							customer,
							frappe._dict(
								party_name=first.customer_name,
								contact=first.contact,
								mobile_no=first.mobile_no,
								email_id=first.email_id,
							)
							if customer
							else None,
						),
						"qty": sum(c.qty for c in members),
					}
				)

	left = trace.stock_left(batch_nos, every)
	stock = section("stock", _("Still in stock"), qty=sum(r.qty for r in left))
	for r in left:
		add(stock, 1, r, r.warehouse)
	# the mass balance of each lot given, from the movements read above
	for batch_no, balance in mass_balance.balances(batch_nos, visible.warehouses, moved=every).items():
		section(
			f"balance/{batch_no}",
			_("Mass balance of lot {0}: {1}").format(batch_no, mass_balance.summary(balance)),
			qty=balance.difference,
		)
	return rows


def customer_row(customer: str | None, first: dict | None) -> dict:
	"""A customer's row (label, contact, mobile, email) from its first movement; `customer` None:
	the customers the user may not read, under the fallback label and without any contact."""
	if not customer:
		return {
			"label": _("Customers you are not allowed to read"),
			"party": None,
			"is_customer": 1,
			"contact": None,
			"mobile_no": None,
			"email_id": None,
		}
	return {
		"label": first.party_name or customer,
		"party": customer,
		"is_customer": 1,
		"contact": first.contact,
		"mobile_no": first.mobile_no,
		"email_id": first.email_id,
	}
