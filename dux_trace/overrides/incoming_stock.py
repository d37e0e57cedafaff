"""Lots at receipt: Purchase Receipt, Purchase Invoice (update stock) and Stock Entry rows with a
target warehouse.

A row may carry the supplier's lot number and dates in dux_lot_no / dux_expiry_date /
dux_manufacturing_date (typed, or filled by a GS1 scan). Before ERPNext validates the row, the lot
becomes an ERPNext Batch and the row's batch_no; on submit every lot-with-expiry row must have a
lot with an expiry date.
"""

import frappe
from frappe import _

from dux_trace.stock.documents import incoming_rows
from dux_trace.stock.dot import dot_lot, is_dot_item
from dux_trace.stock.items import forget
from dux_trace.stock.lots import LotWithoutExpiryError, ensure_lot
from dux_trace.stock.names import refuse_receipt_lot


def before_validate(doc, method=None):
	forget(doc)  # a new save: read the items again (see stock.items)
	for row in incoming_rows(doc):
		if not (row.get("dux_lot_no") or "").strip():
			continue
		refuse_receipt_lot(row)
		if is_dot_item(row.item_code):  # a tyre: the lot number typed or scanned is its DOT code
			row.batch_no = dot_lot(row.item_code, row.dux_lot_no, doc.get("posting_date"))
		else:
			row.batch_no = ensure_lot(
				row.item_code, row.dux_lot_no, row.get("dux_expiry_date"), row.get("dux_manufacturing_date")
			)


def before_submit(doc, method=None):
	rows = incoming_rows(doc)
	codes = {row.item_code for row in rows}
	if not codes:
		return
	expiring = set(
		frappe.get_all("Item", filters={"name": ("in", list(codes)), "has_expiry_date": 1}, pluck="name")
	)
	for row in rows:
		if row.item_code in expiring and row.get("batch_no"):
			if not frappe.db.get_value("Batch", row.batch_no, "expiry_date"):
				frappe.throw(
					_("Row {0}: lot {1} of {2} has no expiry date.").format(
						row.idx, frappe.bold(row.batch_no), row.item_code
					),
					exc=LotWithoutExpiryError,
					title=_("Expiry Date Missing"),
				)
