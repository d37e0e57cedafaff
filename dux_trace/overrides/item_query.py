"""The item search of sales documents offers only what the customer may buy: besides ERPNext's
Party Specific Items, the items needing an authorization held by the customer (Dux Authorization
Type *Held By: Customer*) that the customer does not hold, valid today, are left out. The other
holders (selling user, document reference, item certificate) are checked on save only.

ERPNext's sales forms search items through `frappe.desk.search.search_link` with
`query="erpnext.controllers.queries.item_query"`, and Frappe resolves that query with
`frappe.get_attr`, never through `override_whitelisted_methods`: so `search_link` itself is
overridden, sending that one query to `item_query` below and every other search unchanged.
`item_query` also overrides ERPNext's method for direct API calls.

The customer comes from the search filters ERPNext's forms send (`customer`): Sales Order,
Delivery Note and Sales Invoice on version-15 and 16, Quotation on version-16 (its party). Queries
added to a search with a customer: customer-held types (1), the customer's valid ones (1), and when
groups require the others, their bounds and their items (2); the items and groups requiring them
come from the cached requirements (`articles.authorizations.required_by`).
"""

import json

import frappe
from frappe.utils import nowdate

from dux_trace.articles.authorizations import required_by

ERPNEXT_ITEM_QUERY = "erpnext.controllers.queries.item_query"
ROUTED_QUERIES = {ERPNEXT_ITEM_QUERY: "dux_trace.overrides.item_query.item_query"}


def items_not_allowed(customer: str, on=None) -> list[str]:
	"""Enabled items needing a customer-held authorization the customer lacks on that day."""
	on = on or nowdate()
	types = frappe.get_all("Dux Authorization Type", filters={"holder": "Customer"}, pluck="name")
	if not types:
		return []
	held = frappe.qb.DocType("Dux Authorization")
	valid = (
		frappe.qb.from_(held)
		.select(held.authorization_type)
		.distinct()
		.where(held.customer == customer)
		.where(held.authorization_type.isin(types))
		.where(held.valid_from.isnull() | (held.valid_from <= on))
		.where(held.valid_upto.isnull() | (held.valid_upto >= on))
		.run(pluck=True)
	)
	lacking = sorted(set(types) - set(valid))
	if not lacking:
		return []
	on_file = required_by()
	items = {item for item, kinds in on_file["Item"].items() if set(kinds) & set(lacking)}
	groups = {group for group, kinds in on_file["Item Group"].items() if set(kinds) & set(lacking)}
	if groups:
		items.update(items_in_groups(groups))
	return sorted(items)


def items_in_groups(groups) -> list[str]:
	"""Enabled items of the groups and their sub-groups."""
	bounds = frappe.get_all("Item Group", filters={"name": ("in", list(groups))}, fields=["lft", "rgt"])
	if not bounds:
		return []
	item = frappe.qb.DocType("Item")
	group = frappe.qb.DocType("Item Group")
	within = None
	for bound in bounds:
		condition = (group.lft >= bound.lft) & (group.rgt <= bound.rgt)
		within = condition if within is None else within | condition
	return (
		frappe.qb.from_(item)
		.inner_join(group)
		.on(item.item_group == group.name)
		.select(item.name)
		.where(item.disabled == 0)
		.where(within)
		.run(pluck=True)
	)


@frappe.whitelist()
@frappe.validate_and_sanitize_search_inputs
def item_query(doctype, txt, searchfield, start, page_len, filters, as_dict=False):
	"""ERPNext's item search (same signature on version-15 and 16) without the items the filters'
	customer may not buy for want of an authorization."""
	from erpnext.controllers.queries import item_query as erpnext_item_query

	if isinstance(filters, str):
		filters = json.loads(filters)
	if isinstance(filters, dict) and filters.get("customer") and "item_code" not in filters:
		if excluded := items_not_allowed(filters["customer"]):
			filters["item_code"] = ["not in", excluded]
	return erpnext_item_query(doctype, txt, searchfield, start, page_len, filters, as_dict)


@frappe.whitelist()
def search_link(
	doctype: str,
	txt: str,
	query: str | None = None,
	filters: str | dict | list | None = None,
	page_length: int = 10,
	searchfield: str | None = None,
	reference_doctype: str | None = None,
	ignore_user_permissions: bool = False,
	*,
	link_fieldname: str | None = None,
):
	"""Frappe's Link field search (version-15 and 16 signature), ERPNext's item query sent to ours."""
	from frappe.desk.search import search_link as frappe_search_link

	extra = {"link_fieldname": link_fieldname} if link_fieldname else {}  # version-16 only
	return frappe_search_link(
		doctype,
		txt,
		ROUTED_QUERIES.get(query, query),
		filters,
		page_length,
		searchfield,
		reference_doctype,
		ignore_user_permissions,
		**extra,
	)
