# Copyright (c) 2026, dux_trace developers
# For license information, please see license.txt

from frappe.model.document import Document

from dux_trace.pricing.grids.nightly import arm_nightly_run
from dux_trace.pricing.grids.validation import drop_blank_lines, validate_grid


class DuxPriceGrid(Document):
	"""Selling prices by margin or by discount; see dux_trace.pricing.grids (its modules)."""

	def validate(self):
		drop_blank_lines(self)
		validate_grid(self)
		arm_nightly_run(self)
