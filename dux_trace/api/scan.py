"""Scan API: what a barcode scanner read, turned into item, lot, expiry and serial.

Used by scan fields (receipt, sale, after-sales, POS): a GS1 code fills everything it carries;
a plain GTIN or barcode finds the item; plain text may be a serial number or a lot.
"""

import frappe
from frappe import _
from frappe.utils import escape_html

from dux_trace.core.gs1 import Gs1Error, Gs1ErrorCode, ScanKind, gtin_candidates
from dux_trace.core.gs1 import parse_scan as read_scan


@frappe.whitelist(methods=["GET", "POST"])
def parse_scan(code: str) -> dict:
	"""{kind, item_code, item_name, batch_no, expiry_date, manufacturing_date, serial_no, qty}."""
	if not frappe.has_permission("Item", "read"):
		frappe.throw(_("Not permitted to read items."), frappe.PermissionError)
	try:
		scan = read_scan(code)
	except Gs1Error as error:
		frappe.throw(describe(error), title=_("Scan Not Understood"))

	result = frappe._dict(
		kind=scan.kind.value,
		item_code=None,
		batch_no=scan.lot,
		expiry_date=scan.expiry_date,
		manufacturing_date=scan.manufacturing_date,
		serial_no=scan.serial,
		qty=scan.quantity,
	)
	if scan.gtin:
		result.item_code = item_by_barcode(gtin_candidates(scan.gtin))
		if not result.item_code:
			frappe.throw(
				_("No item has the barcode {0} (GTIN). Add it to the item's Barcodes.").format(
					frappe.bold(scan.gtin)
				),
				title=_("Unknown Product"),
			)
	elif scan.kind == ScanKind.PLAIN:
		result.update(plain_lookup(scan.raw))
	if result.item_code:
		result.item_name = frappe.db.get_value("Item", result.item_code, "item_name")
	return result


def item_by_barcode(barcodes: list[str]) -> str | None:
	rows = frappe.get_all("Item Barcode", filters={"barcode": ("in", barcodes)}, pluck="parent", limit=1)
	return rows[0] if rows else None


def plain_lookup(text: str) -> dict:
	"""A plain scan: an item barcode, a serial number, or a lot number — in that order."""
	if item_code := item_by_barcode([text]):
		return {"item_code": item_code}
	if serial := frappe.db.get_value("Serial No", text, ["name", "item_code", "batch_no"], as_dict=True):
		return {"item_code": serial.item_code, "serial_no": serial.name, "batch_no": serial.batch_no}
	if lot := frappe.db.get_value("Batch", text, ["name", "item", "expiry_date"], as_dict=True):
		return {"item_code": lot.item, "batch_no": lot.name, "expiry_date": lot.expiry_date}
	frappe.throw(
		_("{0} is not a known barcode, serial number or lot.").format(frappe.bold(escape_html(text))),
		title=_("Unknown Code"),
	)


def describe(error: Gs1Error) -> str:
	if error.code == Gs1ErrorCode.EMPTY:
		return _("The scan is empty.")
	if error.code == Gs1ErrorCode.BAD_CHECK_DIGIT:
		return _("The product code has a wrong check digit ({0}): scan it again.").format(
			escape_html(error.detail)
		)
	return _("This GS1 code could not be read: {0}. Nothing was filled.").format(escape_html(error.detail))
