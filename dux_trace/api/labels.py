"""Labels: for the units of a receipt or a delivery note, or for items, lots and serials selected in
their lists and forms; as PDF (A4 sheet or thermal roll) or ZPL; and a preview of one label."""

import json

import frappe
from frappe import _

from dux_trace.permissions import require
from dux_trace.stock.labels import (
	LABEL_DOCUMENTS,
	example_label,
	labels_for_document,
	labels_for_records,
	preview_html,
	sheet_pdf,
	zpl,
)


@frappe.whitelist(methods=["GET", "POST"])
def download_labels(doctype: str, name: str, template: str, output: str = "PDF"):
	"""One label per unit received (or leaving, on a delivery note), laid out by the Label Template."""
	if doctype not in LABEL_DOCUMENTS:
		frappe.throw(
			_("Labels are printed from receipts and delivery notes: {0} is neither.").format(_(doctype))
		)
	doc = frappe.get_doc(doctype, name)
	require(
		doctype, "print", doc=doc, message=_("You are not allowed to print {0} {1}.").format(_(doctype), name)
	)
	label_template = readable_template(template)
	labels = labels_for_document(doctype, name)
	if not labels:
		frappe.throw(_("No unit on {0}: no label to print.").format(name))
	send(labels, label_template, frappe.scrub(name), output)


@frappe.whitelist(methods=["GET", "POST"])
def print_labels(rows: str | list, template: str, output: str = "PDF"):
	"""`qty` labels for each row {doctype: Item | Batch | Serial No, name, qty}, in that order."""
	rows = parse_rows(rows)
	label_template = readable_template(template)
	labels = labels_for_records(rows)
	send(labels, label_template, "labels", output)


@frappe.whitelist(methods=["POST"])
def preview_label(template: str | dict, rows: str | list | None = None) -> str:
	"""One label at real size (HTML): the first selected record's, else the template's preview
	item's, else an example. `template` is a saved template's name, or the form being edited (its
	unsaved values: for users who may edit templates)."""
	if isinstance(template, str) and template.lstrip().startswith("{"):
		template = json.loads(template)
	if isinstance(template, dict):
		require("Dux Label Template", "write", message=_("You are not allowed to edit Label Templates."))
		label_template = frappe.get_doc({**template, "doctype": "Dux Label Template"})
		label_template.run_method("validate")
	else:
		label_template = readable_template(template)
	rows = parse_rows(rows) if rows else []
	if rows:
		label = labels_for_records([{**rows[0], "qty": 1}])[0]
	elif label_template.get("preview_item"):
		label = labels_for_records([{"doctype": "Item", "name": label_template.preview_item, "qty": 1}])[0]
	else:
		label = example_label()
	return preview_html(label, label_template)


def readable_template(name: str):
	if not name or not frappe.db.exists("Dux Label Template", name):
		frappe.throw(_("Label Template {0} does not exist.").format(name or ""))
	template = frappe.get_doc("Dux Label Template", name)
	require("Dux Label Template", doc=template)
	return template


def parse_rows(rows) -> list[dict]:
	if isinstance(rows, str):
		try:
			rows = json.loads(rows)
		except ValueError:
			rows = None
	if not isinstance(rows, list) or not rows or not all(isinstance(row, dict) for row in rows):
		frappe.throw(_("Select at least one item, lot or serial number to print labels for."))
	return rows


def send(labels, template, filename: str, output: str) -> None:
	if output not in ("PDF", "ZPL"):
		frappe.throw(_("Labels are printed as PDF or ZPL, not {0}.").format(output))
	if output == "ZPL":
		frappe.local.response.filename = f"{filename}-labels.zpl"
		frappe.local.response.filecontent = zpl(labels, template)
		frappe.local.response.type = "download"
		return
	frappe.local.response.filename = f"{filename}-labels.pdf"
	frappe.local.response.filecontent = sheet_pdf(labels, template)
	frappe.local.response.type = "pdf"
