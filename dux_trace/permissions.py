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


# User Permissions: the Company / Warehouse restrictions a shop gives a clerk.
#
# Frappe applies them in lists and report view, and its script-report runner drops the rows whose
# Link columns name a record the user is not allowed (ERPNext's Stock Ledger and Stock Balance show
# a clerk restricted to a warehouse only its rows). The app's reports have Data columns and query
# directly, so they apply them themselves, in their SQL, through these two functions.


def allowed(doctype: str, for_doctype: str | None = None, user: str | None = None) -> set[str] | None:
	"""The records of `doctype` the user's User Permissions allow in rows of `for_doctype`; None
	when they do not restrict it.

	As Frappe reads them: a permission counts when its *Applicable For* is empty or is
	`for_doctype` — by default `doctype` itself, as the report runner checks a Link column of
	`doctype`; a list of Product Recall checks its company field with `for_doctype` Product Recall.
	One given for other doctypes only does not restrict these rows. *Is Default* picks the user's
	default, it neither widens nor narrows; a group (a tree such as Warehouse) allows its
	descendants unless *Hide Descendants* is ticked (Frappe's get_user_permissions expands them).
	Administrator is never restricted."""
	for_doctype = for_doctype or doctype
	permissions = frappe.permissions.get_user_permissions(user or frappe.session.user)
	docs = {
		permission.doc
		for permission in permissions.get(doctype) or ()
		if not permission.get("applicable_for") or permission.applicable_for == for_doctype
	}
	return docs or None


def allowed_warehouses(user: str | None = None) -> set[str] | None:
	"""The warehouses whose stock and movements the user may see: those their Warehouse
	permissions allow, of the companies their Company permissions allow (a warehouse belongs to
	one company, as a Stock Ledger row does); None when neither is restricted. One small query on
	Warehouse when a company is restricted; callers put the answer in their SQL WHERE."""
	warehouses, companies = allowed("Warehouse", user=user), allowed("Company", user=user)
	if companies is not None:
		of_companies = set(
			frappe.get_all("Warehouse", filters={"company": ("in", list(companies))}, pluck="name")
		)
		warehouses = of_companies if warehouses is None else warehouses & of_companies
	return warehouses


def restrict(query, field, names: set[str] | None, or_empty: bool = False):
	"""The frappe.qb query with `field IN names` (None: as it is; an empty set: no row). `or_empty`:
	a row whose field is empty passes too, as in Frappe's lists, unless the System Settings' *Apply
	Strict User Permissions* is ticked (for an optional link such as a recall's company)."""
	if names is None:
		return query
	condition = field.isin(sorted(names) or [None])
	if or_empty and not frappe.get_system_settings("apply_strict_user_permissions"):
		condition = condition | field.isnull() | (field == "")
	return query.where(condition)


# Entry points: one idiom. Every whitelisted method starts with `require(...)` (a doctype's
# permission, on one document or the doctype), `require_report(...)` or `require_role(...)`; each
# refuses with a translated PermissionError that says what is missing (the HTTP matrix in
# dux_trace/tests/test_permissions_http.py proves every method and role).


def require(doctype: str, ptype: str = "read", doc=None, *, message: str | None = None):
	"""The user's `ptype` on `doc` (a name or a document), or on the doctype when no doc is given;
	else a PermissionError naming the doctype and the permission."""
	if not frappe.has_permission(doctype, ptype, doc=doc):
		frappe.throw(
			message
			or frappe._("You need the {0} permission on {1}.").format(
				frappe._(ptype.capitalize()),
				frappe._(doctype) if doc is None else f"{frappe._(doctype)} {_name(doc)}",
			),
			frappe.PermissionError,
		)


def require_any(doctype: str, ptypes: tuple[str, ...], *, message: str | None = None):
	"""One of `ptypes` on the doctype (e.g. create or write: a scan into a new or a saved form)."""
	if not any(frappe.has_permission(doctype, ptype) for ptype in ptypes):
		frappe.throw(
			message or frappe._("You are not allowed to edit {0}.").format(frappe._(doctype)),
			frappe.PermissionError,
		)


def require_report(report: str, *, message: str | None = None):
	"""The user may open the report (its roles, and read on its reference doctype)."""
	if not frappe.get_cached_doc("Report", report).is_permitted():
		frappe.throw(
			message or frappe._("You are not allowed to open the {0}.").format(frappe._(report)),
			frappe.PermissionError,
		)


def require_role(roles, *, message: str):
	"""One of `roles` (frappe.only_for lets anyone through while tests run: this does not)."""
	if not set(roles) & set(frappe.get_roles()):
		frappe.throw(message, frappe.PermissionError)


def _name(doc) -> str:
	return doc if isinstance(doc, str) else doc.name
