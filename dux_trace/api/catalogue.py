"""The inactive catalogue from the desk."""

import frappe

from dux_trace.articles.catalogue import reactivate as reactivate_items
from dux_trace.permissions import require


@frappe.whitelist(methods=["POST"])
def reactivate(items: list | str) -> int:
	"""Enable inactive items (write on Item; each item is checked again as it is saved)."""
	require("Item", "write")
	if isinstance(items, str):
		items = frappe.parse_json(items)
	return reactivate_items(items)
