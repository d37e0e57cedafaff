"""Serial scan dialog: each scan checked at once, before the row is filled.

The dialog (public/js/serial_scan.js) calls `check_scan` for every serial read by the scanner and
shows the answer in the dialog; the document's own validation (stock.serial_rules) checks again on
save and submit, so nothing depends on the dialog having been used.
"""

import json

import frappe
from frappe import _

from dux_trace.core.gs1 import Gs1Error, Gs1ErrorCode, ScanKind, gtin_candidates
from dux_trace.core.gs1 import parse_scan as read_scan
from dux_trace.core.serials import (
	MAX_SERIAL_LENGTH,
	ScanVerdict,
	check_receipt_scan,
	check_sale_scan,
	impossible_serial,
	normalise,
)
from dux_trace.permissions import require_any
from dux_trace.stock.documents import RECEIPTS, SALES
from dux_trace.stock.scan import describe_scan_error, item_by_barcode, too_long_serial
from dux_trace.stock.serials import held_elsewhere, receipt_message, sale_message, serial_states
from dux_trace.stock.throttle import limit_lookups

SCAN_DOCTYPES = RECEIPTS + SALES


@frappe.whitelist(methods=["POST"])
def check_scan(
	doctype: str,
	item_code: str,
	warehouse: str,
	scan: str,
	scanned: str | list | None = None,
	docname: str | None = None,
) -> dict:
	"""{ok, serial_no, batch_no, message}: is this scan a serial that may go on the row (and, at
	sale, its lot)?"""
	if doctype not in SCAN_DOCTYPES:
		frappe.throw(_("Serial scanning is not available on {0}.").format(_(doctype)))
	require_any(doctype, ("create", "write"))
	limit_lookups()
	if isinstance(scanned, str):
		scanned = json.loads(scanned or "[]")
	scanned = [normalise(serial) for serial in scanned or []]

	serial, problem = serial_in_scan(scan, item_code)
	if problem:
		return {"ok": False, "serial_no": serial, "message": problem}

	pattern = frappe.db.get_value("Item", item_code, "dux_serial_pattern")
	state = serial_states([serial]).get(serial)
	line = frappe._dict(item_code=item_code, warehouse=warehouse, pattern=pattern)
	if doctype in SALES:
		held = held_elsewhere([serial], item_code, frappe._dict(name=docname))
		verdict = check_sale_scan(
			serial,
			item_code=item_code,
			warehouse=warehouse,
			scanned=scanned,
			known=state,
			held_by=held.get(serial),
		)
		message = None if verdict.ok else sale_message(verdict, serial, state, line, held)
	else:
		verdict = check_receipt_scan(
			serial, item_code=item_code, scanned=scanned, known=state, pattern=pattern
		)
		message = None if verdict.ok else receipt_message(verdict, serial, state, line)
	ok = verdict == ScanVerdict.OK
	# the lot of a serial accepted at sale: the Point of Sale adds the row with it
	batch_no = frappe.db.get_value("Serial No", serial, "batch_no") if ok and doctype in SALES else None
	return {"ok": ok, "serial_no": serial, "batch_no": batch_no, "message": message}


def serial_in_scan(scan: str, item_code: str) -> tuple[str, str | None]:
	"""The serial a scan carries: plain text, or the (21) of a GS1 code whose GTIN must be the
	row's item."""
	serial = normalise(scan)
	if not serial:
		return serial, _("The scan is empty.")
	try:
		parsed = read_scan(scan)
	except Gs1Error as error:
		if error.code != Gs1ErrorCode.BAD_CHECK_DIGIT:
			return serial[:MAX_SERIAL_LENGTH], describe_scan_error(error)
		return serial, None  # digits with a wrong GTIN check digit: a serial, not a GTIN
	if parsed.kind != ScanKind.GS1:
		if impossible_serial(serial):
			return serial[:MAX_SERIAL_LENGTH], too_long_serial(serial)
		return serial, None
	if parsed.gtin:
		found = item_by_barcode(gtin_candidates(parsed.gtin))
		if found != item_code:
			return serial, _("This code is for {0}, not {1}.").format(
				frappe.bold(found or parsed.gtin), frappe.bold(item_code)
			)
	if not parsed.serial:
		return serial, _("This code carries no serial number (21): scan the unit's serial.")
	return parsed.serial, None
