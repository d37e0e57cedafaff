"""Who may see costs: one rule, read by every entry point that returns one (docs/permissions.md).

Costs are valuation figures — the article card's five cost bases, margins on them, the stored
costs on Item, a recalculation's old and new costs, ERPNext's valuation rate, purchase prices. ERPNext
gates valuation (its Stock Balance and Stock Ledger reports) behind *read* on the Stock Ledger Entry:
whoever may read the stock ledger may see costs, and nobody else, in any field of any answer.
"""

import frappe

#: the doctype whose read permission gates costs, as it gates ERPNext's valuation reports
COST_GATE = "Stock Ledger Entry"
#: the permission level of the stored costs on Item and of a recalculation's figures
COST_PERMLEVEL = 1
#: what ERPNext's item details return that is a cost (Sales Order rows show valuation and profit)
ITEM_DETAIL_COSTS = ("valuation_rate", "gross_profit", "incoming_rate", "last_purchase_rate")


def can_see_costs(user: str | None = None) -> bool:
	return bool(frappe.has_permission(COST_GATE, "read", user=user))


def cost_roles() -> set[str]:
	"""The roles that may read the stock ledger (level 0), from its permissions on this site."""
	return {p.role for p in frappe.get_meta(COST_GATE).permissions if not p.permlevel and p.read}


def without_costs(row: dict, fields) -> dict:
	"""The row with these fields emptied when the user may not see costs."""
	if can_see_costs():
		return row
	return {**row, **{field: None for field in fields if field in row}}


def grant_cost_fields_on_item():
	"""The stored costs on Item are at COST_PERMLEVEL: readable by the roles that read both the
	item and the stock ledger (ERPNext's Item has no such level: Frappe's add_permission copies its
	standard rules into Custom DocPerm first, as the Role Permission Manager does)."""
	from frappe.permissions import add_permission

	item_readers = {p.role for p in frappe.get_meta("Item").permissions if not p.permlevel and p.read}
	for role in sorted(cost_roles() & item_readers):
		add_permission("Item", role, COST_PERMLEVEL)


def revoke_cost_fields_on_item():
	"""At uninstall: the rules grant_cost_fields_on_item added (the copied standard rules stay)."""
	frappe.db.delete(
		"Custom DocPerm", {"parent": "Item", "permlevel": COST_PERMLEVEL, "role": ("in", list(cost_roles()))}
	)
	frappe.clear_cache(doctype="Item")
