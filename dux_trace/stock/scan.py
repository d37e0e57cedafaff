"""What a scanner read: the item of a barcode, a plain code looked up as barcode / serial / lot,
GS1 errors said in words, and the user's recent scans (a serial read by ERPNext's Scan Barcode
field or the POS search counts as scanned on the sale). Shared by the scan APIs and handlers."""

import frappe
from frappe import _
from frappe.utils import escape_html

from dux_trace.core.gs1 import Gs1Error, Gs1ErrorCode
from dux_trace.core.serials import MAX_SERIAL_LENGTH, NOT_IN_A_SERIAL


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


def describe_scan_error(error: Gs1Error) -> str:
	if error.code == Gs1ErrorCode.EMPTY:
		return _("The scan is empty.")
	if error.code == Gs1ErrorCode.BAD_CHECK_DIGIT:
		return _("The product code has a wrong check digit ({0}): scan it again.").format(
			escape_html(error.detail)
		)
	if error.code == Gs1ErrorCode.TOO_LONG:
		return _("The scan is {0} characters long: no barcode holds that much. Nothing was filled.").format(
			escape_html(error.detail)
		)
	return _("This GS1 code could not be read: {0}. Nothing was filled.").format(
		escape_html(error.detail[:200])
	)


def too_long_serial(serial: str) -> str:
	"""Why a scan cannot be a serial number (see core.serials.impossible_serial)."""
	if len(serial) > MAX_SERIAL_LENGTH:
		return _("A serial number has at most {0} characters; this scan has {1}.").format(
			MAX_SERIAL_LENGTH, len(serial)
		)
	return _("A serial number cannot contain {0}: {1} is not one.").format(
		" ".join(escape_html(c) for c in NOT_IN_A_SERIAL), frappe.bold(escape_html(serial[:60]))
	)


SCAN_MEMORY_SECONDS = 12 * 3600


def remember_scan(serial: str):
	"""A serial read by this user's scanner (ERPNext's Scan Barcode field, the Point of Sale search):
	on a sale, it counts as scanned (see stock.serial_rules.mark_remembered_scans)."""
	frappe.cache.set_value(scan_key(serial), 1, expires_in_sec=SCAN_MEMORY_SECONDS)


def was_scanned(serial: str) -> bool:
	return bool(frappe.cache.get_value(scan_key(serial)))


def scan_key(serial: str) -> str:
	return f"dux_trace:scanned:{frappe.session.user}:{serial}"
