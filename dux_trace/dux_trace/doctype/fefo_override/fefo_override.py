# Copyright (c) 2026, dux_trace developers
# For license information, please see license.txt

from frappe.model.document import Document


class FEFOOverride(Document):
	"""Written by dux_trace.overrides.outgoing_stock only; read-only for users."""

	pass
