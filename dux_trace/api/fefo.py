"""The form's live FEFO check: when a clerk chooses a lot, the same warnings the save gives."""

import json

import frappe
from frappe import _

from dux_trace.permissions import require
from dux_trace.stock import fefo
from dux_trace.stock.documents import OUTGOING, is_outgoing
from dux_trace.stock.lots import batch_lines


@frappe.whitelist(methods=["POST"])
def check_lots(doc: str | dict) -> list[str]:
	"""The FEFO warnings of a document as it stands on the form (not saved)."""
	values = json.loads(doc) if isinstance(doc, str) else doc
	if not isinstance(values, dict) or values.get("doctype") not in OUTGOING:
		frappe.throw(_("FEFO checks apply to outgoing stock documents only."))
	ptype = "write" if values.get("name") and not values.get("__islocal") else "create"
	require(values["doctype"], ptype)
	document = frappe.get_doc(values)
	if not is_outgoing(document):
		return []
	return fefo.warnings(document, batch_lines(document))
