"""After-sales check: the verdict on a returned device (sold here, to someone else, never, already
returned) with its sale and warranty, recorded in After-Sales Check; and the same verdict on a
Warranty Claim. The rules are `dux_trace.core.serials`'s; the serial's history comes from
`stock.serials.serial_events`."""

import frappe
from frappe import _
from frappe.utils import cint, escape_html, getdate, now_datetime, nowdate

from dux_trace import settings
from dux_trace.core.gs1 import Gs1Error, Gs1ErrorCode, ScanKind
from dux_trace.core.gs1 import parse_scan as read_scan
from dux_trace.core.serials import (
	AfterSalesResult,
	SerialState,
	SerialVerdict,
	after_sales_verdict,
	impossible_serial,
	normalise,
)
from dux_trace.stock.scan import describe_scan_error, too_long_serial
from dux_trace.stock.serials import serial_events


def serial_from_scan(scan: str) -> str:
	"""A plain serial, or the (21) serial of a GS1 code."""
	serial = normalise(scan)
	if not serial:
		frappe.throw(_("Scan the serial number of the device."))
	try:
		parsed = read_scan(scan)
	except Gs1Error as error:
		if error.code != Gs1ErrorCode.BAD_CHECK_DIGIT:
			frappe.throw(describe_scan_error(error), title=_("Scan Not Understood"))
		return serial  # digits with a wrong GTIN check digit: a serial, not a GTIN
	if parsed.kind == ScanKind.GS1:
		if not parsed.serial:
			frappe.throw(_("This code carries no serial number (21): scan the device's serial."))
		serial = parsed.serial
	if impossible_serial(serial):
		frappe.throw(too_long_serial(serial), title=_("Scan Not Understood"))
	return serial


def verdict_for(serial: str, customer: str | None = None) -> AfterSalesResult:
	record = frappe.db.get_value(
		"Serial No", serial, ["item_code", "warehouse", "status", "warranty_expiry_date"], as_dict=True
	)
	state = SerialState(serial, record.item_code, record.warehouse, record.status) if record else None
	item = (
		frappe.db.get_value("Item", state.item_code, ["warranty_period", "dux_warranty_months"], as_dict=True)
		if state
		else None
	)
	recorded_end = record.warranty_expiry_date if record else None
	return after_sales_verdict(
		known=state,
		events=serial_events(serial) if state else [],
		today=getdate(nowdate()),
		presented_by=customer,
		warranty_months=cint(item.dux_warranty_months) if item else 0,
		warranty_days=cint(item.warranty_period) if item else 0,
		recorded_warranty_end=getdate(recorded_end) if recorded_end else None,
	)


def sale_visible(result: AfterSalesResult) -> bool:
	"""May the user open the documents the verdict rests on (the sale, the return)? A Stock User or
	Sales User cannot read Sales Invoices in ERPNext: the check then tells them the verdict and the
	date, not the invoice nor the buyer."""
	documents = [d for d in (result.sale, result.returned) if d]
	return all(frappe.has_permission(d.voucher_type, "read", d.voucher_no) for d in documents)


def describe_result(serial: str, result: AfterSalesResult, reveal: bool = True, stored: bool = False) -> str:
	"""The verdict in words; without `reveal`, the sale's buyer and documents are left out.
	`stored`: the form kept on the After-Sales Check, which any of its readers sees (the buyer and
	documents left out, without addressing the reader)."""
	bold = frappe.bold(escape_html(serial))
	sale = result.sale
	if stored:
		reveal = False
	if not reveal and result.verdict != SerialVerdict.NEVER_SOLD:
		date = frappe.format(sale.posted.date(), {"fieldtype": "Date"})
		sold = (
			_("Sold on {0}.").format(date)
			if stored
			else _("Sold on {0}, on a document you are not allowed to open.").format(date)
		)
		if result.verdict == SerialVerdict.ALREADY_RETURNED:
			return _("Serial No {0} was already returned.").format(bold) + " " + sold
		if result.verdict == SerialVerdict.SOLD_TO_ANOTHER_CUSTOMER:
			return _("Serial No {0} was sold to another customer.").format(bold) + " " + sold
		return sold + " " + describe_warranty(result)
	if result.verdict == SerialVerdict.NEVER_SOLD:
		if not result.known:
			return _("Serial No {0} is unknown: this device was not bought here.").format(bold)
		if result.in_stock:
			return _("Serial No {0} is still in our stock: this device was not bought here.").format(bold)
		return _("Serial No {0} was never sold by us.").format(bold)
	sold = _("Sold to {0} on {1} ({2}).").format(
		frappe.bold(escape_html(sale.customer or "?")),
		frappe.format(sale.posted.date(), {"fieldtype": "Date"}),
		f"{_(sale.voucher_type)} {sale.voucher_no}",
	)
	if result.verdict == SerialVerdict.ALREADY_RETURNED:
		return (
			_("Serial No {0} was already returned ({1}).").format(
				bold, f"{_(result.returned.voucher_type)} {result.returned.voucher_no}"
			)
			+ " "
			+ sold
		)
	if result.verdict == SerialVerdict.SOLD_TO_ANOTHER_CUSTOMER:
		return _("Serial No {0} was sold to another customer.").format(bold) + " " + sold
	return sold + " " + describe_warranty(result)


def describe_warranty(result: AfterSalesResult) -> str:
	warranty = result.warranty
	if not warranty or warranty.end is None:
		return _("No warranty on this item.")
	end = frappe.format(warranty.end, {"fieldtype": "Date"})
	if warranty.covered:
		return _("Under warranty until {0} ({1} days left).").format(end, warranty.days_left)
	return _("Warranty ended on {0}.").format(end)


def record_check(serial: str, customer: str | None, result: AfterSalesResult):
	"""The check, recorded. The buyer and documents are kept whole in the fields of permission
	level 1 (System Manager); the message every reader of the check sees leaves them out, whoever
	made the check (`describe_result(..., stored=True)`): an Accounts User's check must not show the buyer
	to a Stock Manager who may not read the invoice."""
	sale, warranty = result.sale, result.warranty
	doc = frappe.get_doc(
		{
			"doctype": "After-Sales Check",
			"serial_no": serial,
			"customer": customer,
			"verdict": result.verdict.value,
			"refused": int(result.verdict.refused),
			"checked_by": frappe.session.user,
			"checked_at": now_datetime(),
			"item_code": result.known.item_code if result.known else None,
			"sold_to": sale.customer if sale else None,
			"sales_document_type": sale.voucher_type if sale else None,
			"sales_document": sale.voucher_no if sale else None,
			"sale_date": sale.posted.date() if sale else None,
			"warranty_end": warranty.end if warranty else None,
			"warranty_days_left": warranty.days_left if warranty and warranty.end else 0,
			"under_warranty": int(bool(warranty and warranty.covered)),
			"return_document_type": result.returned.voucher_type if result.returned else None,
			"return_document": result.returned.voucher_no if result.returned else None,
			"message": describe_result(serial, result, stored=True),
		}
	)
	doc.insert(ignore_permissions=True)  # the caller's right to check was verified above
	return doc


def check_warranty_claim(doc):
	"""A Warranty Claim for a serial we never sold is refused (Block) or flagged (Warn, the
	default), as Dux Trace Settings say."""
	if not doc.get("serial_no") or doc.docstatus == 2:
		return
	result = verdict_for(doc.serial_no, doc.get("customer"))
	if result.verdict == SerialVerdict.SOLD_HERE:
		return
	message = describe_result(doc.serial_no, result, reveal=sale_visible(result))
	if (
		result.verdict in (SerialVerdict.NEVER_SOLD, SerialVerdict.ALREADY_RETURNED)
		and settings.warranty_claim_blocks()
	):
		frappe.throw(message, title=_("Warranty Claim Refused"))
	frappe.msgprint(message, title=_("After-Sales Check"), indicator="orange")


def sale_shown_to_reader(check) -> dict | None:
	"""The buyer and the sale of a recorded check, for a reader who may open that sale (the form
	shows them; the stored message leaves them out)."""
	if not check.sales_document_type or not check.sales_document:
		return None
	if not frappe.has_permission(check.sales_document_type, "read", check.sales_document):
		return None
	return {
		"sold_to": check.sold_to,
		"sales_document_type": check.sales_document_type,
		"sales_document": check.sales_document,
	}
