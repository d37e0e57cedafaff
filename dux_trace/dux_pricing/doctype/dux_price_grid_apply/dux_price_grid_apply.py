# Copyright (c) 2026, dux_trace developers
# For license information, please see license.txt

from frappe.model.document import Document


class DuxPriceGridApply(Document):
	"""What one apply of a price grid wrote (undone by dux_trace.api.grids.undo_apply)."""
