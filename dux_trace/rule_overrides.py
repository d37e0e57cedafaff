"""Passing a rule with a role and a reason: one question, one record.

Four rules let a user go past them: FEFO (a later lot leaving while an earlier one is in stock),
the item's maximum discount, the price floor, and a missing sales authorization. Each asks the same
question — may this user pass it on this document, with which reason (the role is the settings',
`settings.override_role`) — and each pass, or warning saved past, is recorded the same way: one
*Dux Rule Override* per line (who, when, the document, what the rule said, the reason), and one
line in the document's timeline.

A rule checked before the document has its name (validate) holds what it will record in
`doc.flags.dux_rule_overrides`, the one hand-off between events; `record_held` writes it once the
document is saved (on_submit, on_update).

Who reads the records: each rule's, the roles that read what it protects (READERS) — FEFO the
stock roles, the selling rules the sales and accounts managers; System Manager all.
"""

import frappe
from frappe import _
from frappe.utils import escape_html, now_datetime, strip_html

from dux_trace import settings

DOCTYPE = "Dux Rule Override"
FEFO = "FEFO"
MAXIMUM_DISCOUNT = "Maximum Discount"
PRICE_FLOOR = "Price Floor"
AUTHORIZATION = "Authorization"
OVERRIDDEN = "Overridden"
WARNED = "Warned"

#: the roles that read each rule's records (besides System Manager)
READERS = {
	FEFO: ("Stock User", "Stock Manager"),
	MAXIMUM_DISCOUNT: ("Sales Manager", "Accounts Manager"),
	PRICE_FLOOR: ("Sales Manager", "Accounts Manager"),
	AUTHORIZATION: ("Sales Manager", "Accounts Manager"),
}
HELD = "dux_rule_overrides"


def role(rule: str) -> str | None:
	return settings.override_role(rule)


def holds_role(rule: str, user: str | None = None) -> bool:
	name = role(rule)
	return bool(name) and name in frappe.get_roles(user)


def reason_given(doc, reason_field: str) -> str:
	return (doc.get(reason_field) or "").strip()


def may_pass(rule: str, doc, reason_field: str) -> bool:
	"""The user holds the rule's override role and the document gives a reason."""
	return holds_role(rule) and bool(reason_given(doc, reason_field))


def refuse(rule: str, what: str, *, hint: str, otherwise: str, exc, title: str):
	"""Refuse with what the rule said and how to pass it: `hint` (translated, {0} = the role) when
	the rule has an override role, `otherwise` when it has none."""
	name = role(rule)
	how = hint.format(frappe.bold(_(name))) if name else otherwise
	frappe.throw(f"{what}<br><br>{how}" if how else what, exc, title=title)


def pass_or_refuse(
	doc,
	rule: str,
	*,
	reason_field: str,
	what: str,
	lines: list[dict],
	hint: str,
	otherwise: str,
	exc,
	title: str,
):
	"""Let the breach through when the user may pass it (its lines are held for `record_held`), else
	refuse (see `refuse`)."""
	if may_pass(rule, doc, reason_field):
		hold(doc, rule, OVERRIDDEN, what, lines, reason_given(doc, reason_field))
		return
	refuse(rule, what, hint=hint, otherwise=otherwise, exc=exc, title=title)


def hold(doc, rule: str, kind: str, what: str, lines: list[dict], reason: str | None = None):
	"""Keep a pass or a warning to record once the document has its name (`record_held`); a later
	save in the same request replaces what an earlier one held for the rule."""
	doc.flags.setdefault(HELD, {})[rule] = (kind, what, lines, reason)


def record_held(doc):
	for rule, (kind, what, lines, reason) in (doc.flags.pop(HELD, None) or {}).items():
		record(doc, rule, kind, what, lines, reason)


def record(doc, rule: str, kind: str, what: str, lines: list[dict], reason: str | None = None):
	"""One Dux Rule Override per line (item, lot, customer, authorization… as the rule knows them)
	and one timeline line on the document. Written for the user, whatever they may read."""
	user, timestamp, details = frappe.session.user, now_datetime(), strip_html(what)
	for line in lines or [{}]:
		frappe.get_doc(
			{
				"doctype": DOCTYPE,
				"rule": rule,
				"kind": kind,
				"reference_doctype": doc.doctype,
				"reference_name": doc.name,
				"user": user,
				"timestamp": timestamp,
				"details": details,
				"reason": reason,
				**line,
			}
		).insert(ignore_permissions=True)
	if kind == OVERRIDDEN:
		sentence = _("{0} passed by {1}, with the reason: {2}<br>{3}").format(
			_(rule), user, escape_html(reason or ""), what
		)
	else:
		sentence = _("{0}: saved past the warning by {1}<br>{2}").format(_(rule), user, what)
	doc.add_comment("Info", sentence)


# who reads which records: hooks.permission_query_conditions and hooks.has_permission


def rules_readable(user: str | None = None) -> list[str]:
	roles = set(frappe.get_roles(user))
	if "System Manager" in roles:
		return list(READERS)
	return [rule for rule, readers in READERS.items() if roles & set(readers)]


def query_conditions(user: str | None = None) -> str:
	rules = rules_readable(user)
	if len(rules) == len(READERS):
		return ""
	if not rules:
		return "1=0"
	return "`tabDux Rule Override`.`rule` in ({})".format(", ".join(frappe.db.escape(r) for r in rules))


def has_permission(doc, ptype=None, user=None) -> bool:
	return doc.rule in rules_readable(user)
