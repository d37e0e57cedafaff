"""Label sheets for a receipt: PDF (A4 sheet or thermal roll) or ZPL for thermal printers."""

import frappe
from frappe import _

from dux_trace.stock.documents import RECEIPTS
from dux_trace.stock.labels import labels_for_document, sheet_pdf, zpl


@frappe.whitelist(methods=["GET", "POST"])
def download_labels(doctype: str, name: str, template: str, output: str = "PDF"):
	"""One label per unit received on the document, laid out by the Label Template."""
	if doctype not in RECEIPTS:
		frappe.throw(_("Labels are printed from receipts: {0} is not one.").format(_(doctype)))
	doc = frappe.get_doc(doctype, name)
	if not frappe.has_permission(doctype, "print", doc=doc):
		frappe.throw(
			_("You are not allowed to print {0} {1}.").format(_(doctype), name), frappe.PermissionError
		)
	label_template = frappe.get_doc("Dux Label Template", template)
	label_template.check_permission("read")
	labels = labels_for_document(doctype, name)
	if not labels:
		frappe.throw(_("No unit received on {0}: no label to print.").format(name))

	filename = f"{frappe.scrub(name)}-labels"
	if output == "ZPL":
		frappe.local.response.filename = f"{filename}.zpl"
		frappe.local.response.filecontent = zpl(labels, label_template)
		frappe.local.response.type = "download"
		return
	frappe.local.response.filename = f"{filename}.pdf"
	frappe.local.response.filecontent = sheet_pdf(labels, label_template)
	frappe.local.response.type = "pdf"
