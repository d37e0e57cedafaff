"""What an open Product Recall holds back: its lots and serials never leave (outgoing documents
refuse them, FEFO skips them) until the recall is closed or the line released."""

import frappe
from frappe import _

from dux_trace.stock.documents import is_outgoing, outgoing_rows
from dux_trace.stock.serials import row_serials
from dux_trace.stock.trace import lot_or_serial


class RecalledSerialError(frappe.ValidationError):
	pass


def quarantined(batch_nos=(), serial_nos=()) -> dict[str, str]:
	"""{lot or serial: recall} for those held by an open recall (and not released)."""
	recall = frappe.qb.DocType("Product Recall")
	row = frappe.qb.DocType("Product Recall Lot")
	condition = lot_or_serial(row, batch_nos, serial_nos)
	if condition is None:
		return {}
	rows = (
		frappe.qb.from_(row)
		.inner_join(recall)
		.on(recall.name == row.parent)
		.select(row.batch_no, row.serial_no, recall.name)
		.where(condition)
		.where(recall.docstatus == 1)
		.where(recall.status == "Open")
		.where(row.released == 0)
		.run(as_dict=True)
	)
	held = {}
	for r in rows:
		for key in (r.batch_no, r.serial_no):
			if key:
				held[key] = r.name
	return held


def refuse_recalled_serials(doc):
	"""An outgoing document may not take a serial an open recall holds."""
	if not is_outgoing(doc):
		return
	serials_by_row = {row.idx: row_serials(row) for row in outgoing_rows(doc)}
	held = quarantined(serial_nos=[serial for serials in serials_by_row.values() for serial in serials])
	if not held:
		return
	problems = [
		_("Row {0}: serial {1} is held by recall {2} and cannot leave the warehouse.").format(
			idx, frappe.bold(serial), frappe.bold(held[serial])
		)
		for idx, serials in serials_by_row.items()
		for serial in serials
		if serial in held
	]
	frappe.throw("<br>".join(problems), exc=RecalledSerialError, title=_("Recalled Serial"))
