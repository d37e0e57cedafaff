"""Lots at receipt: Purchase Receipt, Purchase Invoice (update stock) and Stock Entry rows with a
target warehouse.

A row may carry the supplier's lot number and dates in dux_lot_no / dux_expiry_date /
dux_manufacturing_date (typed, or filled by a GS1 scan). Before ERPNext validates the row, the lot
becomes an ERPNext Batch and the row's batch_no; on submit every lot-with-expiry row must have a
lot with an expiry date.
"""

import frappe
from frappe import _
from frappe.utils import add_days, format_date, getdate

from dux_trace.stock.documents import incoming_rows


class LotExpiryMismatchError(frappe.ValidationError):
	pass


class LotWithoutExpiryError(frappe.ValidationError):
	pass


def before_validate(doc, method=None):
	from dux_trace.stock.dot import dot_lot, is_dot_item

	for row in incoming_rows(doc):
		if not (row.get("dux_lot_no") or "").strip():
			continue
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


def ensure_lot(item_code: str, lot_no: str, expiry_date=None, manufacturing_date=None) -> str:
	"""The Batch for this supplier lot, created if new.

	A lot number already known for the item must come with the same expiry date: two expiry
	dates for one lot would defeat FEFO and recalls. A new lot needs an expiry date, given or
	computed from the manufacturing date and the item's shelf life.
	"""
	lot_no = lot_no.strip()
	expiry_date = getdate(expiry_date) if expiry_date else None
	manufacturing_date = getdate(manufacturing_date) if manufacturing_date else None

	existing = frappe.db.get_value("Batch", lot_no, ["item", "expiry_date"], as_dict=True)
	if existing:
		if existing.item != item_code:
			frappe.throw(
				_("Lot {0} belongs to item {1}, not to {2}.").format(
					frappe.bold(lot_no), existing.item, frappe.bold(item_code)
				),
				exc=LotExpiryMismatchError,
				title=_("Wrong Lot"),
			)
		if expiry_date and existing.expiry_date and getdate(existing.expiry_date) != expiry_date:
			frappe.throw(
				_("Lot {0} of {1} is already recorded with expiry date {2}; this receipt says {3}.").format(
					frappe.bold(lot_no),
					item_code,
					format_date(existing.expiry_date),
					format_date(expiry_date),
				),
				exc=LotExpiryMismatchError,
				title=_("Lot Expiry Mismatch"),
			)
		return lot_no

	item = frappe.db.get_value(
		"Item", item_code, ["has_batch_no", "has_expiry_date", "shelf_life_in_days"], as_dict=True
	)
	if not item or not item.has_batch_no:
		frappe.throw(
			_("Item {0} is not tracked by lot.").format(frappe.bold(item_code)), title=_("Not a Lot Item")
		)
	if not expiry_date and manufacturing_date and item.shelf_life_in_days:
		expiry_date = add_days(manufacturing_date, item.shelf_life_in_days)
	if item.has_expiry_date and not expiry_date:
		frappe.throw(
			_(
				"Lot {0} of {1} needs an expiry date (or a manufacturing date and a shelf life on the item)."
			).format(frappe.bold(lot_no), item_code),
			exc=LotWithoutExpiryError,
			title=_("Expiry Date Missing"),
		)
	frappe.get_doc(
		{
			"doctype": "Batch",
			"batch_id": lot_no,
			"item": item_code,
			"expiry_date": expiry_date,
			"manufacturing_date": manufacturing_date,
		}
	).insert()
	return lot_no
