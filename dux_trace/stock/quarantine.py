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
	row = frappe.qb.DocType("Product Recall Lot")
	condition = lot_or_serial(row, batch_nos, serial_nos)
	if condition is None:
		return {}
	query, recall = _held(row)
	rows = query.select(row.batch_no, row.serial_no, recall.name).where(condition).run(as_dict=True)
	held = {}
	for r in rows:
		for key in (r.batch_no, r.serial_no):
			if key:
				held[key] = r.name
	return held


def recall_holding(batch_no):
	"""Query-builder subquery: the open recall holding the lot `batch_no` (a column of the outer
	query), NULL when none; for a query that reads lots and their recalls in one statement."""
	row = frappe.qb.DocType("Product Recall Lot")
	query, recall = _held(row)
	return query.select(recall.name).where(row.batch_no == batch_no).limit(1)


def _held(row):
	"""(query, recall): the lines of `row` (Product Recall Lot) that an open recall holds."""
	recall = frappe.qb.DocType("Product Recall")
	query = (
		frappe.qb.from_(row)
		.inner_join(recall)
		.on(recall.name == row.parent)
		.where(recall.docstatus == 1)
		.where(recall.status == "Open")
		.where(row.released == 0)
	)
	return query, recall


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
