"""After-Sales Checks recorded before the message left out the sale: each message that named the
buyer or the sales document is written again in the stored form (`describe_result(..., stored=True)`),
from the check's own fields; the buyer and the documents stay in the fields of permission level 1.
The language is the site's (the clerk's is not recorded)."""

from datetime import datetime, time

import frappe
from frappe.utils import getdate

from dux_trace.core.serials import AfterSalesResult, Movement, SerialEvent, SerialVerdict, Warranty
from dux_trace.stock.after_sales import describe_result


def execute():
	checks = frappe.get_all(
		"After-Sales Check",
		filters={"sales_document": ("is", "set")},
		fields=[
			"name",
			"serial_no",
			"verdict",
			"sold_to",
			"sales_document_type",
			"sales_document",
			"sale_date",
			"warranty_end",
			"warranty_days_left",
			"return_document_type",
			"return_document",
			"message",
		],
	)
	for check in checks:
		if not check.sale_date or check.verdict == SerialVerdict.NEVER_SOLD.value:
			continue
		if check.sales_document not in (check.message or "") and not (
			check.sold_to and check.sold_to in (check.message or "")
		):
			continue  # already without the sale
		frappe.db.set_value(
			"After-Sales Check", check.name, "message", stored_message(check), update_modified=False
		)


def stored_message(check) -> str:
	posted = datetime.combine(getdate(check.sale_date), time())
	sale = SerialEvent(Movement.SALE, check.sales_document_type, check.sales_document, posted, check.sold_to)
	returned = (
		SerialEvent(Movement.RETURN, check.return_document_type, check.return_document, posted, None)
		if check.return_document
		else None
	)
	warranty = (
		Warranty(end=getdate(check.warranty_end), days_left=check.warranty_days_left)
		if check.warranty_end
		else Warranty(end=None, days_left=None)
	)
	result = AfterSalesResult(
		verdict=SerialVerdict(check.verdict), known=None, sale=sale, returned=returned, warranty=warranty
	)
	return describe_result(check.serial_no, result, stored=True)
