# Copyright (c) 2026, dux_trace developers
# For license information, please see license.txt
"""A traceability test (mock recall): started on a lot, the trace built from the ledger
(dux_trace.stock.traceability_test), the contact round entered by hand, signed off on submit
(which freezes it) and printed as the *Dux Traceability Dossier*. It quarantines nothing: *Turn
into a Product Recall* makes the real recall of its lots."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import now_datetime

from dux_trace.core import traceability_test as tt
from dux_trace.permissions import require
from dux_trace.stock import traceability_test


class DuxTraceabilityTest(Document):
	def before_insert(self):
		traceability_test.start(self)
		if self.batch_no:  # else the missing lot is refused by the mandatory check
			traceability_test.build(self)

	def validate(self):
		self.validate_direction()
		traceability_test.set_results(self)

	def before_submit(self):
		self.finish()
		self.sign_off()
		traceability_test.set_results(self)

	def validate_direction(self):
		if self.direction not in tt.DIRECTIONS:
			frappe.throw(_("Choose a direction: Upstream, Downstream or Both Ways."))

	def finish(self):
		if not self.finished_at:
			self.finished_at = now_datetime()

	def sign_off(self):
		self.signed_by = frappe.session.user
		self.signed_at = now_datetime()

	@frappe.whitelist(methods=["POST"])
	def build_trace(self):
		"""Read the ledger again (a draft test: the sign-off freezes it)."""
		require(self.doctype, "write", self)
		if self.docstatus != 0:
			frappe.throw(_("A signed-off traceability test is not traced again."))
		traceability_test.start(self)
		traceability_test.build(self)
		self.save()

	@frappe.whitelist(methods=["POST"])
	def make_recall(self) -> str:
		"""A real Product Recall of the test's lots, submitted (its lots are quarantined)."""
		require(self.doctype, "read", self)
		require("Product Recall", "create")
		require("Product Recall", "submit")
		if self.is_new() or not self.lots:
			frappe.throw(_("Build the trace before turning the test into a recall."))
		return traceability_test.make_recall(self)
