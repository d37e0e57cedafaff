"""The desk's save / submit request (`frappe.desk.form.save.savedocs`, also what the Point of
Sale's submit calls), unchanged but for one answer: a MariaDB deadlock or lock timeout becomes a
translated refusal the user can retry (`stock.contention`)."""

import frappe

from dux_trace.stock.contention import refused_when_contended


@frappe.whitelist(methods=["POST", "PUT"])
def savedocs(doc, action):
	from frappe.desk.form.save import savedocs as frappe_savedocs

	with refused_when_contended():
		return frappe_savedocs(doc, action)
