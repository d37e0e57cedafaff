"""Product Recalls notified before the gateway's error was kept out of them: each notification's
stored error loses its query strings and the SMS Settings' parameter values, and the recalls'
versions (shown in the form's timeline to every reader) lose the fields now at permission level 1
(the customers' name, contact, mobile and email, a notification's customer and recipient) and the
same secrets in the errors they quote."""

import json

import frappe

from dux_trace.dux_trace.doctype.product_recall.product_recall import without_restricted_fields
from dux_trace.stock.recall_notices import redact


def execute():
	for row in frappe.get_all(
		"Product Recall Notification", filters={"error": ("is", "set")}, fields=["name", "error"]
	):
		if (clean := redact(row.error)) != row.error:
			frappe.db.set_value(
				"Product Recall Notification", row.name, "error", clean, update_modified=False
			)

	for version in frappe.get_all(
		"Version", filters={"ref_doctype": "Product Recall"}, fields=["name", "docname", "data"]
	):
		if not frappe.db.exists("Product Recall", version.docname):
			continue
		doc = frappe.get_doc("Product Recall", version.docname)
		try:
			diff = json.loads(version.data or "{}")
		except ValueError:
			continue
		data = redact(
			frappe.as_json(without_restricted_fields(doc, diff), indent=None, separators=(",", ":"))
		)
		if data != version.data:
			frappe.db.set_value("Version", version.name, "data", data, update_modified=False)
