# Copyright (c) 2026, dux_trace developers
# For license information, please see license.txt

from frappe.model.document import Document


class DuxRuleOverride(Document):
	"""Written by dux_trace.rule_overrides only; read-only for users, each rule's records for the
	roles rule_overrides.READERS names."""

	pass
