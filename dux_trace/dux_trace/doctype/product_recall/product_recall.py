# Copyright (c) 2026, dux_trace developers
# For license information, please see license.txt
"""A product recall: submitting it quarantines its lots and serials (no outgoing document may
take them, see dux_trace.overrides.outgoing_stock) and lists the customers who received them."""

import frappe
from frappe import _
from frappe.model.document import Document

from dux_trace.stock.trace import customers_of


class ProductRecall(Document):
	def validate(self):
		self.validate_rows()
		if self.docstatus == 0:
			self.status = "Draft"

	def validate_rows(self):
		for row in self.items:
			if not row.batch_no and not row.serial_no:
				frappe.throw(_("Row {0}: give a lot or a serial number to recall.").format(row.idx))
			if row.batch_no:
				item = frappe.db.get_value("Batch", row.batch_no, "item")
				if row.item_code and item != row.item_code:
					frappe.throw(
						_("Row {0}: lot {1} belongs to item {2}, not to {3}.").format(
							row.idx, frappe.bold(row.batch_no), item, frappe.bold(row.item_code)
						)
					)
				row.item_code = item
			elif row.serial_no and not row.item_code:
				row.item_code = frappe.db.get_value("Serial No", row.serial_no, "item_code")

	def before_submit(self):
		self.status = "Open"
		self.set_customers()

	def on_cancel(self):
		self.db_set("status", "Cancelled")

	def set_customers(self):
		"""The affected customers, from the stock ledger (customers already listed are kept)."""
		listed = {row.customer for row in self.customers}
		for customer in customers_of(self.batch_nos(), self.serial_nos()):
			if customer.customer in listed:
				continue
			self.append(
				"customers",
				{
					"customer": customer.customer,
					"customer_name": customer.customer_name,
					"contact": customer.contact,
					"mobile_no": customer.mobile_no,
					"email_id": customer.email_id,
					"qty": customer.qty,
					"documents": "\n".join(customer.documents),
					"status": "To Notify",
				},
			)

	def batch_nos(self) -> list[str]:
		return [row.batch_no for row in self.items if row.batch_no]

	def serial_nos(self) -> list[str]:
		return [row.serial_no for row in self.items if row.serial_no]

	@frappe.whitelist()
	def close(self):
		"""End the recall: its lots may leave again."""
		self.check_permission("write")
		if self.docstatus != 1 or self.status != "Open":
			frappe.throw(_("Only an open recall can be closed."))
		self.db_set("status", "Closed")


def quarantined(batch_nos=(), serial_nos=()) -> dict[str, str]:
	"""{lot or serial: recall} for those held by an open recall (and not released)."""
	if not batch_nos and not serial_nos:
		return {}
	recall = frappe.qb.DocType("Product Recall")
	row = frappe.qb.DocType("Product Recall Lot")
	condition = None
	if batch_nos:
		condition = row.batch_no.isin(list(batch_nos))
	if serial_nos:
		by_serial = row.serial_no.isin(list(serial_nos))
		condition = by_serial if condition is None else (condition | by_serial)
	rows = (
		frappe.qb.from_(row)
		.inner_join(recall)
		.on(recall.name == row.parent)
		.select(row.batch_no, row.serial_no, recall.name)
		.where(condition)
		.where(recall.docstatus == 1)
		.where(recall.status == "Open")
		.where(row.released == 0)
		.run(as_dict=True)
	)
	held = {}
	for r in rows:
		for key in (r.batch_no, r.serial_no):
			if key:
				held[key] = r.name
	return held
