# Copyright (c) 2026, dux_trace developers
# For license information, please see license.txt

from frappe.model.document import Document


class AfterSalesCheck(Document):
	"""Written by `dux_trace.api.after_sales.check_serial` only: an audit record, never edited."""

	pass
