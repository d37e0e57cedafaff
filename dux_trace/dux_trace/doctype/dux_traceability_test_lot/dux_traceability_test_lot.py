# Copyright (c) 2026, dux_trace developers
# For license information, please see license.txt

from frappe.model.document import Document


class DuxTraceabilityTestLot(Document):
	pass
