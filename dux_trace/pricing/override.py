"""Passing a pricing rule with the settings' *Discount Override Role* and a reason: the maximum
discount (`pricing.discounts`) and the price floor (`pricing.floor`) ask the same question the same
way — may this user pass it on this document, with which reason — and record the answer the same
way, in the document's timeline (who, why, what the rule said).
"""

import frappe
from frappe.utils import escape_html

from dux_trace import settings


def pass_or_refuse(
	doc, *, rule: str, reason_field: str, flag: str, what: str, hint: str, otherwise: str, exc, title: str
):
	"""Let the rule's breach through when the user holds the override role and the document gives a
	reason (`what` is kept in doc.flags[flag] for `record`); else refuse with `what` and a hint:
	`hint` (translated, {0} = the role) when a role is set, `otherwise` when none is. `rule` names
	the rule in settings.OVERRIDE_ROLE_FIELDS (Maximum Discount, Price Floor)."""
	role = settings.override_role(rule)
	if role and role in frappe.get_roles() and (doc.get(reason_field) or "").strip():
		doc.flags[flag] = what
		return
	frappe.throw(f"{what}<br><br>{hint.format(frappe._(role)) if role else otherwise}", exc, title=title)


def record(doc, *, reason_field: str, flag: str, sentence: str):
	"""The passed breach into the document's timeline: `sentence` (translated) takes the user, the
	reason and what the rule said."""
	if doc.flags.get(flag):
		doc.add_comment(
			"Info",
			sentence.format(frappe.session.user, escape_html(doc.get(reason_field)), doc.flags.pop(flag)),
		)
