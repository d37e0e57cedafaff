"""GS1 codes in ERPNext's own scan fields.

ERPNext's *Scan Barcode* field (Purchase Receipt, Stock Entry, Delivery Note, Sales Invoice, POS
Invoice, Pick List...) and the Point of Sale item search look a scan up as an item barcode, a serial
number or a lot, as typed. A pharmacy or food wholesaler scans GS1 codes that carry the product
(01), the lot (10), the expiry (17) and the serial (21) in one string: ERPNext finds nothing.

These wrappers (hooks.py `override_whitelisted_methods`) ask ERPNext first, so every plain scan
behaves exactly as before; only a scan ERPNext does not know and that reads as GS1 is answered from
its parts: the item through Item Barcode (GTIN), the serial, and the lot, whose Batch is created with
the code's expiry the first time the lot is seen (a known lot with another expiry is refused). A
malformed or unknown code gets a clear message and nothing is filled.
"""

import frappe
from erpnext.selling.page.point_of_sale import point_of_sale
from frappe import _

from dux_trace import compat
from dux_trace.core.gs1 import MAX_SCAN_LENGTH, Gs1Error, Gs1ErrorCode, ScanKind, gtin_candidates
from dux_trace.core.gs1 import parse_scan as read_scan
from dux_trace.permissions import require
from dux_trace.stock.lots import ensure_lot
from dux_trace.stock.scan import describe_scan_error, item_by_barcode, remember_scan
from dux_trace.stock.throttle import limit_lookups


@frappe.whitelist(methods=["POST"])
def scan_barcode(search_value: str, ctx: dict | str | None = None) -> dict:
	"""ERPNext's scan (with the desk's warehouse and company in `ctx`, where ERPNext takes it), then
	GS1. POST only (a GS1 scan records a new lot); for users who may read items (ERPNext's own
	answers to any signed-in user)."""
	require("Item")
	limit_lookups()
	if len(search_value or "") > MAX_SCAN_LENGTH:
		frappe.throw(describe_scan_error(Gs1Error(Gs1ErrorCode.TOO_LONG, str(len(search_value)))))
	result = compat.scan_barcode(search_value, ctx) or gs1_scan(search_value, ctx) or {}
	if result.get("serial_no"):
		remember_scan(result["serial_no"])
	return result


@frappe.whitelist(methods=["POST"])
def search_for_serial_or_batch_or_barcode_number(search_value: str) -> dict:
	return scan_barcode(search_value)


@frappe.whitelist(methods=["POST"])
def get_items(start, page_length, price_list, item_group, pos_profile, search_term=""):
	"""Point of Sale item search: a GS1 code is searched as its serial, lot or GTIN, which
	ERPNext's search knows."""
	scan = scan_barcode(search_term) if search_term else {}
	if scan:
		search_term = scan.get("serial_no") or scan.get("batch_no") or scan.get("barcode") or search_term
		if not may_list_item_prices():
			return scanned_item(scan, start, page_length, price_list, item_group, pos_profile)
	return point_of_sale.get_items(start, page_length, price_list, item_group, pos_profile, search_term)


def may_list_item_prices() -> bool:
	return frappe.has_permission("Item Price", "read") or frappe.has_permission("Item Price", "select")


def scanned_item(scan: dict, start, page_length, price_list, item_group, pos_profile) -> dict:
	"""ERPNext's search of a scanned barcode, serial or lot lists Item Prices with the user's
	permission, which only the Sales and Purchase Master Managers have: a till clerk (Sales User,
	Accounts User) would be told "Not permitted". ERPNext's item list, which reads the same prices
	for anyone who may open the Point of Sale, is asked for the scanned item instead, and the scan's
	serial, lot and barcode are put on it, as ERPNext's search does."""
	listed = point_of_sale.get_items(
		start, page_length, price_list, item_group, pos_profile, scan["item_code"]
	)
	items = [item for item in (listed or {}).get("items", []) if item.get("item_code") == scan["item_code"]]
	for item in items:
		item.update(
			serial_no=scan.get("serial_no") or "",
			batch_no=scan.get("batch_no") or item.get("batch_no") or "",
			barcode=scan.get("barcode") or "",
		)
	return {"items": items}


def gs1_scan(text: str, ctx: dict | str | None = None) -> dict | None:
	"""ERPNext's scan result (item_code, barcode, batch_no, serial_no, has_batch_no, has_serial_no)
	for a GS1 code, with batch_expiry_date; None when the text is not GS1 at all."""
	try:
		scan = read_scan(text, allow_plain=True)
	except Gs1Error as error:
		frappe.throw(describe_scan_error(error), title=_("Scan Not Understood"))
	if scan.kind != ScanKind.GS1 or not scan.gtin:
		return None
	barcodes = gtin_candidates(scan.gtin)
	item_code = item_by_barcode(barcodes)
	if not item_code:
		frappe.throw(
			_("No item has the barcode {0} (GTIN). Add it to the item's Barcodes.").format(
				frappe.bold(scan.gtin)
			),
			title=_("Unknown Product"),
		)
	barcode = frappe.db.get_value(
		"Item Barcode", {"parent": item_code, "barcode": ("in", barcodes)}, "barcode"
	)
	result = frappe._dict(compat.update_item_info(frappe._dict(item_code=item_code, barcode=barcode), ctx))
	if scan.serial:
		if not result.has_serial_no:
			frappe.throw(_("Item {0} has no serial numbers, but the code carries one.").format(item_code))
		result.serial_no = scan.serial
	if scan.lot and result.has_batch_no:
		result.batch_no = ensure_lot(item_code, scan.lot, scan.expiry_date, scan.manufacturing_date)
		result.batch_expiry_date = frappe.db.get_value("Batch", result.batch_no, "expiry_date")
	return result
