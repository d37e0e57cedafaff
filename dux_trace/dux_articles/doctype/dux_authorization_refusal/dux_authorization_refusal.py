# Copyright (c) 2026, dux_trace developers
# For license information, please see license.txt
"""A sale refused for a missing authorization. The refusal rolls its request back, so the record
is written by a background job queued at once (dux_trace.articles.authorizations.queue_refusals)."""

from frappe.model.document import Document


class DuxAuthorizationRefusal(Document):
	pass
