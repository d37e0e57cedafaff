"""Serial numbers on receipts, sales and returns: the rules, in one place (overrides.serials
names when each runs).

Receipts (Purchase Receipt, Purchase Invoice with stock, Stock Entry rows into a warehouse) and
sales (Delivery Note, Sales Invoice with stock, POS Invoice):
- with "Require Serial Scan at Receipt / at Sale" (Dux Trace Settings) a row of a serialized item
  is submitted only when every unit was scanned (the scan dialog records the serials in
  `dux_scanned_serials`), and on save wrong serials are refused at once: at receipt one already in
  stock, of another item or of the wrong format; at sale one unknown, of another item, not in the
  line's warehouse, twice in the document or on another open document;
- without them (ERPNext's default behaviour) those problems are shown as warnings, and ERPNext's
  own validation refuses what it refuses;
- on submit of a sale, always, the serials are locked and checked as they are now: of two cashiers
  selling one device at the same moment, exactly one succeeds;
- on submit of a sale, each serial gets its warranty end date from the item's warranty (months).

Returns (Delivery Note / Sales Invoice / POS Invoice with is_return): a serial that was not on the
original document is refused, in the clerk's language (ERPNext refuses it too, later, in English).
"""

from collections import Counter

import frappe
from frappe import _
from frappe.utils import getdate

from dux_trace import settings
from dux_trace.core.serials import (
	ScanVerdict,
	add_months,
	check_receipt_scan,
	check_sale_scan,
	duplicates,
	foreign_serials,
	missing_units,
	unscanned,
)
from dux_trace.stock.documents import is_receipt, is_sale
from dux_trace.stock.names import refuse_receipt_serials
from dux_trace.stock.scan import was_scanned
from dux_trace.stock.serials import (
	SCANNED_FIELD,
	held_elsewhere_by_item,
	receipt_message,
	sale_message,
	serial_lines,
	serial_states,
	serials_of_voucher,
	sold_on_open_pos,
)

#: doc.flags key: the serials' states read with their lock by validate_sale on submit
LOCKED_STATES = "dux_locked_serial_states"


class SerialScanError(frappe.ValidationError):
	"""A serial refused at receipt or at sale, or units not scanned."""


class SerialNotOnOriginalError(frappe.ValidationError):
	pass


try:  # a sale of a serial that is no longer there is the error ERPNext itself raises
	from erpnext.stock.doctype.serial_no.serial_no import SerialNoWarehouseError
except ImportError:  # pragma: no cover
	SerialNoWarehouseError = frappe.ValidationError


class SerialAlreadySoldError(SerialNoWarehouseError):
	pass


def receipt_strict() -> bool:
	return settings.serial_scan_required_at_receipt()


def sale_strict(line=None) -> bool:
	"""Every unit sold must be scanned: for all serialized items (Dux Trace Settings), or for this
	line's item (its Scan Each Unit Sold, ticked with the Serial tracking mode)."""
	return settings.serial_scan_required_at_sale() or bool(line and line.scan_required)


def report(problems: list[str], strict: bool, title: str, exc=SerialScanError):
	if not problems:
		return
	message = "<br>".join(problems)
	if strict:
		frappe.throw(message, exc, title=title)
	frappe.msgprint(message, title=title, indicator="orange", alert=False)


def row_label(line) -> str:
	return _("Row #{0} ({1})").format(line.row.idx, frappe.bold(line.item_code))


# Receipts ------------------------------------------------------------------------------------------


def check_receipt(doc):
	if doc.docstatus == 2 or not is_receipt(doc):
		return
	lines = serial_lines(doc, inward=True)
	if not lines:
		return
	refuse_receipt_serials(lines)  # quotes or control characters: never, whatever the settings
	states = serial_states(serial for line in lines for serial in line.serials)
	problems = [
		_("Serial No {0} appears more than once in this document.").format(frappe.bold(serial))
		for serial in duplicates(serial for line in lines for serial in line.serials)
	]
	for line in lines:
		for serial in line.serials:
			verdict = check_receipt_scan(
				serial, item_code=line.item_code, known=states.get(serial), pattern=line.pattern
			)
			if not verdict.ok:
				problems.append(
					row_label(line) + ": " + receipt_message(verdict, serial, states.get(serial), line)
				)
	report(problems, receipt_strict(), _("Serial Numbers Refused"))


def check_receipt_on_submit(doc):
	if not is_receipt(doc) or not receipt_strict():
		return
	problems = []
	for line in serial_lines(doc, inward=True):
		if missing_units(line.qty, line.scanned_serials):
			problems.append(
				_("{0}: {1} of {2} units scanned. Scan the serial number of each unit received.").format(
					row_label(line), len(line.scanned_serials), round(line.qty)
				)
			)
	report(problems, True, _("Serial Numbers Not Scanned"))


# Sales ---------------------------------------------------------------------------------------------


def check_sale(doc):
	if doc.docstatus == 2:
		return
	if doc.get("is_return"):
		check_return(doc)
		return
	if not is_sale(doc):
		return
	lines = serial_lines(doc, inward=False)
	if not lines:
		return
	mark_remembered_scans(lines)
	strict = any(sale_strict(line) for line in lines)
	counts = Counter(serial for line in lines for serial in line.serials)
	problems = [
		_("Serial No {0} appears more than once in this document.").format(frappe.bold(serial))
		for serial, count in counts.items()
		if count > 1
	]
	# on submit, read with the lock the submit takes anyway (check_sale_on_submit checks them again)
	submitting = doc.get("_action") == "submit"
	states = serial_states(counts, for_update=submitting)
	if submitting:
		doc.flags[LOCKED_STATES] = (set(counts), states)
	serials_by_item: dict[str, set[str]] = {}
	for line in lines:
		serials_by_item.setdefault(line.item_code, set()).update(line.serials)
	held = held_elsewhere_by_item(serials_by_item, doc)
	for line in lines:
		strict_line = sale_strict(line)
		for serial in line.serials:
			verdict = check_sale_scan(
				serial,
				item_code=line.item_code,
				warehouse=line.warehouse,
				known=states.get(serial),
				held_by=held.get(serial),
			)
			if verdict == ScanVerdict.ON_ANOTHER_DOCUMENT or (strict_line and not verdict.ok):
				problems.append(
					row_label(line) + ": " + sale_message(verdict, serial, states.get(serial), line, held)
				)
	report(problems, strict, _("Serial Numbers Refused"))


def mark_remembered_scans(lines):
	"""Serials this user scanned through ERPNext's own Scan Barcode field or the Point of Sale
	search are recorded as scanned on their row, as the scan dialog records its own."""
	for line in lines:
		added = [s for s in unscanned(line.serials, line.scanned) if was_scanned(s)]
		if added:
			line.scanned.extend(added)
			line.row.set(SCANNED_FIELD, "\n".join(line.scanned))


def check_sale_on_submit(doc):
	"""Every unit scanned (strict mode), then the serials locked and checked as they are now."""
	if not is_sale(doc):
		return
	lines = serial_lines(doc, inward=False)
	if not lines:
		return
	if any(sale_strict(line) for line in lines):
		problems = []
		for line in lines:
			if not sale_strict(line):
				continue
			if missing_units(line.qty, line.scanned_serials) or unscanned(line.serials, line.scanned):
				problems.append(
					_(
						"{0}: which one are you selling? Scan the serial number of each unit sold ({1} of {2} scanned)."
					).format(row_label(line), len(line.scanned_serials), round(line.qty))
				)
		report(problems, True, _("Serial Numbers Not Scanned"))

	serials = {serial for line in lines for serial in line.serials}
	asked, states = doc.flags.pop(LOCKED_STATES, None) or (None, None)
	if asked != serials:
		states = serial_states(serials, for_update=True)
	for line in lines:
		for serial in line.serials:
			state = states.get(serial)
			if state and state.item_code == line.item_code and state.not_in(line.warehouse):
				frappe.throw(
					_("{0}: Serial No {1} has just left {2} ({3}): it cannot be sold again.").format(
						row_label(line),
						frappe.bold(serial),
						frappe.bold(line.warehouse),
						_(state.status or ""),
					),
					SerialAlreadySoldError,
					title=_("Serial No Already Sold"),
				)
	on_pos = sold_on_open_pos((serial for line in lines for serial in line.serials), doc)
	for line in lines:
		for serial in line.serials:
			if serial in on_pos:
				frappe.throw(
					_(
						"{0}: Serial No {1} has just been sold on POS Invoice {2}: it cannot be sold again."
					).format(row_label(line), frappe.bold(serial), frappe.bold(on_pos[serial])),
					SerialAlreadySoldError,
					title=_("Serial No Already Sold"),
				)


def after_sale(doc):
	"""The warranty of each unit sold starts today: Serial No gets its warranty expiry date from
	the item's warranty in months (ERPNext's own Warranty Period in days is applied by ERPNext)."""
	if not is_sale(doc) or doc.doctype == "POS Invoice":  # POS moves stock at consolidation
		return
	for line in serial_lines(doc, inward=False):
		if line.warranty_months > 0 and line.serials:
			end = add_months(getdate(doc.posting_date), line.warranty_months)
			table = frappe.qb.DocType("Serial No")
			(
				frappe.qb.update(table)
				.set(table.warranty_expiry_date, end)
				.set(table.warranty_period, (end - getdate(doc.posting_date)).days)
				.where(table.name.isin(line.serials))
				.run()
			)


# Returns -------------------------------------------------------------------------------------------


def check_return(doc):
	if not doc.get("return_against"):
		return
	lines = serial_lines(doc, inward=True)
	if not lines:
		return
	original = serials_of_voucher(doc.doctype, doc.return_against)
	problems = []
	for line in lines:
		for serial in foreign_serials(line.serials, original):
			problems.append(
				_("{0}: Serial No {1} was not sold on {2}: it cannot be returned against it.").format(
					row_label(line), frappe.bold(serial), frappe.bold(doc.return_against)
				)
			)
	if problems:
		frappe.throw("<br>".join(problems), SerialNotOnOriginalError, title=_("Serial No Not Sold Here"))
