"""Authorizations on every sales document: the rows whose item needs an authorization nobody
holds on the posting date are refused (see dux_trace.core.authorizations); a user holding the
settings' *Authorization Override Role* passes with a reason, recorded as a Dux Rule Override
(rule_overrides). Party Specific Item restrictions (ERPNext filters only the item search with them) are
enforced on save too.

Queries per document, whatever its number of rows: the items' required types (1), their groups'
(1 + the cached group tree), the types (1), the authorizations on file for the customer and the
items (1), the customer's Party Specific Items (1).

A refusal rolls its request back, so it is recorded in Dux Authorization Refusal by a background
job pushed to Redis at once (`enqueue_after_commit=False`), outside the database transaction: the
worker writes and commits it whatever becomes of the refused request.
"""

import frappe
from frappe import _
from frappe.utils import getdate, now_datetime, nowdate, strip_html
from frappe.utils.nestedset import get_ancestors_of

from dux_trace import rule_overrides
from dux_trace.core.authorizations import (
	AuthorizationType,
	Context,
	Held,
	Holder,
	Missing,
	Row,
	missing,
	required_types,
)

ITEM_FIELD = "dux_required_authorizations"
REFERENCE_FIELD = "dux_document_reference"
REASON_FIELD = "dux_authorization_override_reason"
CHILD = "Dux Required Authorization"


class AuthorizationMissingError(frappe.ValidationError):
	pass


class PartyRestrictionError(frappe.ValidationError):
	pass


REQUIRED_KEY = "dux_trace:required_authorizations"


def required_by() -> dict[str, dict[str, list[str]]]:
	"""{"Item": {item: [types]}, "Item Group": {group: [types]}}: every requirement on file, kept in
	the cache (a shop has a few dozen) and dropped when an item or item group is saved or deleted
	(`forget_requirements`). A sale of items that need nothing then costs no query here."""

	def read():
		found: dict[str, dict[str, list[str]]] = {"Item": {}, "Item Group": {}}
		for row in frappe.get_all(
			CHILD,
			filters={"parenttype": ("in", list(found)), "parentfield": ITEM_FIELD},
			fields=["parenttype", "parent", "authorization_type"],
			order_by="idx asc",
		):
			found[row.parenttype].setdefault(row.parent, []).append(row.authorization_type)
		return found

	return _cached(REQUIRED_KEY, read)


def forget_requirements(doc=None, method=None):
	"""doc_events of Item and Item Group (on_update, on_trash): their requirements may have changed
	(a rename clears the whole cache)."""
	_forget(REQUIRED_KEY)


#: a cached answer read from a snapshot older than a change (a request already running when it
#: was committed) lives at most this long
CACHE_SECONDS = 5 * 60


def _cached(key: str, read):
	value = frappe.cache.get_value(key, expires=True)
	if value is None:
		value = read()
		frappe.cache.set_value(key, value, expires_in_sec=CACHE_SECONDS)
	return value


def _forget(key: str) -> None:
	"""Drop a cached answer now, and again when the change is committed or rolled back: another
	request may have read it in between from a snapshot without the change."""
	frappe.cache.delete_value(key)
	frappe.db.after_commit.add(lambda: frappe.cache.delete_value(key))
	frappe.db.after_rollback.add(lambda: frappe.cache.delete_value(key))


def types_required_by(parenttype: str, names) -> dict[str, list[str]]:
	on_file = required_by()[parenttype]
	return {name: on_file[name] for name in set(filter(None, names)) if name in on_file}


def rows_of(doc) -> list[Row]:
	items = [row for row in doc.get("items") if row.item_code]
	on_file = required_by()
	if not items or not (on_file["Item"] or on_file["Item Group"]):
		return []
	groups = {row.item_code: frappe.get_cached_value("Item", row.item_code, "item_group") for row in items}
	chains = (
		{group: [group, *get_ancestors_of("Item Group", group)] for group in set(groups.values()) if group}
		if on_file["Item Group"]
		else {}
	)
	item_types = types_required_by("Item", groups)
	group_types = types_required_by("Item Group", [g for chain in chains.values() for g in chain])
	return [
		Row(
			row.idx,
			row.item_code,
			required_types(
				item_types.get(row.item_code, []),
				[group_types.get(g, []) for g in chains.get(groups[row.item_code], [])],
			),
			row.get(REFERENCE_FIELD),
		)
		for row in items
	]


def missing_authorizations(doc) -> list[Missing]:
	rows = [row for row in rows_of(doc) if row.required]
	if not rows:
		return []
	names = {t for row in rows for t in row.required}
	types = {
		t.name: AuthorizationType(t.name, Holder(t.holder), t.role)
		for t in frappe.get_all(
			"Dux Authorization Type", filters={"name": ("in", list(names))}, fields=["name", "holder", "role"]
		)
	}
	holders = [h for h in (doc.get("customer"), *(row.item_code for row in rows)) if h]
	held = [
		Held(
			a.authorization_type,
			a.customer or a.item_code,
			getdate(a.valid_from) if a.valid_from else None,
			getdate(a.valid_upto) if a.valid_upto else None,
		)
		for a in frappe.get_all(
			"Dux Authorization",
			filters={"authorization_type": ("in", list(names))},
			or_filters={"customer": ("in", holders), "item_code": ("in", holders)},
			fields=["authorization_type", "customer", "item_code", "valid_from", "valid_upto"],
		)
	]
	on = getdate(doc.get("posting_date") or doc.get("transaction_date") or nowdate())
	return missing(rows, types, Context(doc.get("customer"), frozenset(frappe.get_roles()), on, held))


def describe_gap(gap: Missing) -> str:
	kind = frappe.bold(_(gap.authorization_type))
	item = frappe.bold(gap.item_code)
	if gap.holder == Holder.SELLING_USER:
		need = _("only a user with the role {0} may sell it").format(frappe.bold(_(gap.role)))
	elif gap.holder == Holder.DOCUMENT:
		need = _("give its reference (e.g. the prescription number) on the row")
	elif gap.expired_on:
		need = _("the one on file expired on {0}").format(
			frappe.format(gap.expired_on, {"fieldtype": "Date"})
		)
	elif gap.holder == Holder.CUSTOMER:
		need = _("record the customer's {0} (Dux Authorization)").format(kind)
	else:
		need = _("record the item's {0} (Dux Authorization)").format(kind)
	return _("Row {0}: {1} needs {2}: {3}.").format(gap.idx, item, kind, need)


def validate_authorizations(doc):
	gaps = missing_authorizations(doc)
	if not gaps:
		return
	what = "<br>".join(describe_gap(gap) for gap in gaps)
	if rule_overrides.may_pass(rule_overrides.AUTHORIZATION, doc, REASON_FIELD):
		lines = [
			{
				"customer": doc.get("customer"),
				"item_code": gap.item_code,
				"authorization_type": gap.authorization_type,
			}
			for gap in gaps
		]
		reason = rule_overrides.reason_given(doc, REASON_FIELD)
		rule_overrides.hold(doc, rule_overrides.AUTHORIZATION, rule_overrides.OVERRIDDEN, what, lines, reason)
		return
	queue_refusals(doc, gaps)
	rule_overrides.refuse(
		rule_overrides.AUTHORIZATION,
		what,
		hint=_("A user with the role {0} may sell it anyway with an Authorization Override Reason."),
		otherwise="",
		exc=AuthorizationMissingError,
		title=_("Authorization Missing"),
	)


REFUSAL_JOB = "dux_trace.articles.authorizations.record_refusals"


def queue_refusals(doc, gaps: list[Missing]):
	"""Queue the refusal's record: Redis at once, not after a commit that will never come. The job
	id is kept in `doc.flags.dux_refusal_job`. A queue that cannot be reached loses the record, never
	the refusal."""
	refusals = [
		{
			"timestamp": str(now_datetime()),
			"user": frappe.session.user,
			"reference_doctype": doc.doctype,
			# a new document's save is refused: its name will not exist
			"reference_name": None if doc.flags.in_insert or doc.is_new() else doc.name,
			"customer": doc.get("customer")
			or (doc.get("party_name") if doc.get("quotation_to") == "Customer" else None),
			"item_code": gap.item_code,
			"authorization_type": gap.authorization_type,
			"message": strip_html(describe_gap(gap)),
		}
		for gap in gaps
	]
	job_id = f"dux-authorization-refusal-{frappe.generate_hash(length=12)}"
	try:
		frappe.enqueue(
			REFUSAL_JOB, queue="short", job_id=job_id, enqueue_after_commit=False, refusals=refusals
		)
		doc.flags.dux_refusal_job = job_id
	except Exception:
		frappe.logger("dux_trace").exception("authorization refusal not recorded: %s", refusals)


def record_refusals(refusals: list[dict]):
	"""Background job: one Dux Authorization Refusal per missing authorization."""
	for refusal in refusals:
		frappe.get_doc({"doctype": "Dux Authorization Refusal", **refusal}).insert(ignore_permissions=True)


PARTY_ITEMS_KEY = "dux_trace:customers_with_party_specific_items"


def customers_with_party_items() -> set[str]:
	"""The customers that have Party Specific Items, kept in the cache and dropped when one is
	saved or deleted (`forget_party_items`): a sale to any other customer costs no query."""

	def read():
		return set(
			frappe.get_all(
				"Party Specific Item", filters={"party_type": "Customer"}, pluck="party", distinct=True
			)
		)

	return _cached(PARTY_ITEMS_KEY, read)


def forget_party_items(doc=None, method=None):
	"""doc_events of Party Specific Item (on_update, on_trash). (A customer's rename rewrites its
	rules without saving them; Frappe's rename clears the whole cache.)"""
	_forget(PARTY_ITEMS_KEY)


def validate_party_specific_items(doc):
	"""ERPNext's Party Specific Item restricts what a customer may buy (by item, item group or
	brand): enforced on save, not only in the item search."""
	customer = doc.get("customer")
	if not customer or customer not in customers_with_party_items():
		return
	rules = frappe.get_all(
		"Party Specific Item",
		filters={"party_type": "Customer", "party": customer},
		fields=["restrict_based_on", "based_on_value"],
	)
	if not rules:
		return
	allowed = {(rule.restrict_based_on, rule.based_on_value) for rule in rules}
	for row in doc.get("items"):
		if not row.item_code:
			continue
		group = frappe.get_cached_value("Item", row.item_code, "item_group")
		groups = [group, *get_ancestors_of("Item Group", group)] if group else []
		brand = frappe.get_cached_value("Item", row.item_code, "brand")
		if (
			("Item", row.item_code) in allowed
			or any(("Item Group", g) in allowed for g in groups)
			or (brand and ("Brand", brand) in allowed)
		):
			continue
		frappe.throw(
			_("Row {0}: {1} may not be sold to {2}: its Party Specific Items do not include it.").format(
				row.idx, frappe.bold(row.item_code), frappe.bold(customer)
			),
			PartyRestrictionError,
			title=_("Item Not Allowed for This Customer"),
		)


def flag_item(item):
	"""Item validate: whether the item needs an authorization (its own or its groups'), so sales
	rows show the reference field only for those items."""
	if not item.meta.has_field("dux_requires_authorization"):
		return
	chain = [item.item_group, *get_ancestors_of("Item Group", item.item_group)] if item.item_group else []
	group_types = types_required_by("Item Group", chain)
	own = [row.authorization_type for row in item.get(ITEM_FIELD) or []]
	item.dux_requires_authorization = 1 if (own or any(group_types.values())) else 0
