"""Who may preview and apply a price grid: the grid read or written by name (`grid_for`, for the
desk's methods and the Preview report), and the one rule behind Apply, Undo, the background apply
and the nightly run (`apply_refusal`).
"""

import frappe
from frappe import _

from dux_trace.permissions import require
from dux_trace.pricing.grids.validation import target_price_list


def grid_for(name: str, ptype: str = "read"):
	if not isinstance(name, str) or not frappe.db.exists("Dux Price Grid", name):
		frappe.throw(_("Price grid {0} does not exist.").format(frappe.bold(str(name)[:140])))
	grid = frappe.get_doc("Dux Price Grid", name)
	require("Dux Price Grid", ptype, doc=grid)
	return grid


def apply_refusal(grid=None) -> str | None:
	"""Why the session user may not apply prices (of this grid), in words; None when they may.

	The one rule behind the Apply button, Undo, the background apply and the nightly run: create
	ERPNext's Item Prices and Pricing Rules, and, for a grid, write it and read its price list."""
	for doctype in ("Item Price", "Pricing Rule"):
		if not frappe.has_permission(doctype, "create"):
			return _("Applying a grid writes {0} records, which your roles may not create.").format(
				_(doctype)
			)
	if grid is None:
		return None
	if not grid.has_permission("write"):
		return _("Your roles may not change the price grid {0}.").format(grid.name)
	price_list = target_price_list(grid)
	if price_list and not frappe.has_permission("Price List", "read", price_list):
		return _("Your roles may not read the price list {0}.").format(price_list)
	return None


def check_write_permissions(grid=None):
	refusal = apply_refusal(grid)
	if refusal:
		frappe.throw(refusal, frappe.PermissionError)
