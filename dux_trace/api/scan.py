"""Scan API: what a barcode scanner read, turned into item, lot, expiry and serial.

Used by scan fields (receipt, sale, after-sales, POS): a GS1 code fills everything it carries;
a plain GTIN or barcode finds the item; plain text may be a serial number or a lot.
"""

import frappe
from frappe import _

from dux_trace.core.gs1 import Gs1Error, ScanKind, gtin_candidates
from dux_trace.core.gs1 import parse_scan as read_scan
from dux_trace.permissions import require
from dux_trace.stock.scan import describe_scan_error, item_by_barcode, plain_lookup
from dux_trace.stock.throttle import limit_lookups


@frappe.whitelist(methods=["GET", "POST"])
def parse_scan(code: str) -> dict:
	"""{kind, item_code, item_name, batch_no, expiry_date, manufacturing_date, serial_no, qty}."""
	require("Item", message=_("Not permitted to read items."))
	limit_lookups()
	try:
		scan = read_scan(code)
	except Gs1Error as error:
		frappe.throw(describe_scan_error(error), title=_("Scan Not Understood"))

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
