# Copyright (c) 2026, dux_trace developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from dux_trace.pricing.recalculation import run_refusal


class DuxRecalculation(Document):
	"""Recalculate CMP/CRP (*Recalcule CMP/CRP*) or global stock (*Recalcule Stock Globale*): saved,
	it queues a background job (`dux_trace.pricing.recalculation.run`) that fills the results."""

	def validate(self):
		if self.company and not frappe.has_permission("Company", "read", self.company):
			frappe.throw(_("You may not read company {0}.").format(self.company), frappe.PermissionError)
		if self.is_new() and (refusal := run_refusal(self.kind)):
			frappe.throw(refusal, frappe.PermissionError)

	def after_insert(self):
		frappe.enqueue(
			"dux_trace.pricing.recalculation.run",
			queue="long",
			timeout=3600,
			enqueue_after_commit=True,
			name=self.name,
		)
