# Copyright (c) 2026, dux_trace developers
# For license information, please see license.txt

from frappe.model.document import Document


class DuxItemCost(Document):
	"""The CMP of an item in a company: written by dux_trace.pricing.cmp only."""
