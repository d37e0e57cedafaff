# Copyright (c) 2026, dux_trace developers
# For license information, please see license.txt
"""A product recall: submitting it quarantines its lots and serials (no outgoing document may
take them, see dux_trace.overrides.outgoing_stock) and lists the customers who received them; the
SMS and emails that tell them are dux_trace.stock.recall_notices'."""

import json

import frappe
from frappe import _
from frappe.model.document import Document

from dux_trace.permissions import require
from dux_trace.stock import recall_notices
from dux_trace.stock.trace import CUSTOMER_FIELDS, customers_of

#: recall notices queued by an earlier version name this module's function: the job still runs
#: after an upgrade (the sending lives in stock.recall_notices)
send_notifications = recall_notices.send_notifications


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
					**{field: customer[field] for field in CUSTOMER_FIELDS},
					"qty": customer.qty,
					"documents": "\n".join(customer.documents),
					"status": "To Notify",
				},
			)

	def save_version(self):
		"""Frappe's version of the change, without the fields of permission level 1 (the customers'
		name, contact, mobile and email, a notification's customer and recipient): the form's
		timeline shows the versions, rows added included, to every reader of the recall."""
		before = self._doc_before_save
		if (
			not self.meta.track_changes
			or self.flags.ignore_version
			or frappe.flags.in_install
			or (not before and frappe.flags.in_patch)
		):
			return
		if not before and (amended_from := self.get("amended_from")):
			before = frappe.get_doc(self.doctype, amended_from)
		version = frappe.new_doc("Version")
		if version.update_version_info(before, self):
			version.data = frappe.as_json(
				without_restricted_fields(self, json.loads(version.data)), indent=None, separators=(",", ":")
			)
			version.insert(ignore_permissions=True)

	def batch_nos(self) -> list[str]:
		return [row.batch_no for row in self.items if row.batch_no]

	def serial_nos(self) -> list[str]:
		return [row.serial_no for row in self.items if row.serial_no]

	@frappe.whitelist()
	def notification_preview(self) -> dict:
		"""Before sending: who will be reached on which channel, who cannot and why, and what the
		site lacks (SMS Settings, an outgoing email account, a background worker)."""
		require("Product Recall", "submit", doc=self)
		return recall_notices.notification_preview(self)

	@frappe.whitelist(methods=["POST"])
	def notify_customers(self, sms: bool = True, email: bool = True):
		"""Send the recall message to every affected customer, in a background job (with a progress
		bar); a customer and channel already reached is not sent again, so this also retries."""
		require("Product Recall", "submit", doc=self)
		recall_notices.queue_notifications(self, sms=sms, email=email)

	@frappe.whitelist(methods=["POST"])
	def close(self):
		"""End the recall: its lots may leave again."""
		require("Product Recall", "write", doc=self)
		if self.docstatus != 1 or self.status != "Open":
			frappe.throw(_("Only an open recall can be closed."))
		self.db_set("status", "Closed")


def without_restricted_fields(doc, diff: dict) -> dict:
	"""A version's diff without the fields of permission level above 0, in the document and in the
	rows of its tables (added, removed or changed)."""
	restricted = {
		df.fieldname: {f.fieldname for f in frappe.get_meta(df.options).get_high_permlevel_fields()}
		for df in doc.meta.get_table_fields()
	}
	parent = {f.fieldname for f in doc.meta.get_high_permlevel_fields()}
	diff["changed"] = [change for change in diff.get("changed", []) if change[0] not in parent]
	for key in ("added", "removed"):
		diff[key] = [
			[table, {k: v for k, v in row.items() if k not in restricted.get(table, ())}]
			for table, row in diff.get(key, [])
		]
	changed_rows = []
	for table, index, name, changes in diff.get("row_changed", []):
		changes = [change for change in changes if change[0] not in restricted.get(table, ())]
		if changes:
			changed_rows.append([table, index, name, changes])
	diff["row_changed"] = changed_rows
	return diff
