"""The inactive catalogue from the desk."""

import frappe

from dux_trace.articles.catalogue import reactivate as reactivate_items


@frappe.whitelist(methods=["POST"])
def reactivate(items: list | str) -> int:
	if isinstance(items, str):
		items = frappe.parse_json(items)
	return reactivate_items(items)
