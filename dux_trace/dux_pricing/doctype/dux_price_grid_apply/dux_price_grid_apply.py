# Copyright (c) 2026, dux_trace developers
# For license information, please see license.txt

from frappe.model.document import Document
from frappe.utils import get_datetime, now_datetime


def apply_title(grid: str, applied_at) -> str:
	"""The name people read for an apply: "Grille X — 06/12/2026 14:05" (records keep their hash
	names, so links to earlier applies stay valid)."""
	return f"{grid} — {get_datetime(applied_at or now_datetime()).strftime('%d/%m/%Y %H:%M')}"[:140]


class DuxPriceGridApply(Document):
	"""What one apply of a price grid wrote (undone by dux_trace.api.grids.undo_apply)."""

	def before_insert(self):
		self.title = apply_title(self.grid, self.applied_at)
