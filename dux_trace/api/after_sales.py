"""After-sales check ("Contrôle SAV"): a clerk scans a device brought back over the counter and is
told at once whether we sold it, to whom, on which document, and whether it is under warranty.

Every check is recorded in After-Sales Check. The verdict itself is `dux_trace.core.serials`'s; the
serial's sales and returns are read from the Serial and Batch Bundle ledger through its index on
`serial_no` (`stock.serials.serial_events`).
"""

import frappe
from frappe import _

from dux_trace.core.serials import SerialVerdict
from dux_trace.permissions import require
from dux_trace.stock.after_sales import (
	describe_result,
	record_check,
	sale_visible,
	serial_from_scan,
	verdict_for,
)
from dux_trace.stock.contention import retried_when_contended
from dux_trace.stock.throttle import limit

CHECKS_PER_MINUTE = 30

#: Checks naming the customer who presents the device, for a user who may not read the sale: the
#: answer ("sold here" or "sold to another customer") confirms or denies that this customer bought
#: this serial. That is the counter's purpose (a swap is refused on it), so it stays, at a pace a
#: counter needs and a script guessing the buyer among the customers does not get.
NAMED_CHECKS_PER_MINUTE = 10
NAMED_CHECKS_PER_DAY = 200

VERDICT_LABELS = {
	SerialVerdict.SOLD_HERE: "Sold Here",
	SerialVerdict.SOLD_TO_ANOTHER_CUSTOMER: "Sold To Another Customer",
	SerialVerdict.NEVER_SOLD: "Never Sold By Us",
	SerialVerdict.ALREADY_RETURNED: "Already Returned",
}


@frappe.whitelist(methods=["POST"])
def check_serial(serial_no: str, customer: str | None = None) -> dict:
	"""Scan a returned device: the verdict, the sale, the warranty; the check is recorded."""
	require("After-Sales Check", message=_("You are not allowed to check returned devices."))
	throttle()
	serial = serial_from_scan(serial_no)
	if customer and not frappe.db.exists("Customer", customer):
		frappe.throw(_("Customer {0} does not exist.").format(frappe.bold(customer)))

	def check():
		result = verdict_for(serial, customer)
		reveal = sale_visible(result)
		if customer and not reveal and result.sale:
			throttle_named()
		return result, reveal, record_check(serial, customer, result)

	result, reveal, record = retried_when_contended(check)
	# the buyer the clerk named may be confirmed; any other only to who may open the sale
	named = result.verdict == SerialVerdict.SOLD_HERE and customer and record.sold_to == customer
	return {
		"name": record.name,
		"serial_no": serial,
		"verdict": result.verdict.value,
		"verdict_label": _(VERDICT_LABELS[result.verdict]),
		"refused": result.verdict.refused,
		"message": describe_result(serial, result, reveal),  # the record keeps the form without the sale
		"item_code": record.item_code,
		"item_name": record.item_name,
		"sold_to": record.sold_to if reveal or named else None,
		"sales_document_type": record.sales_document_type if reveal else None,
		"sales_document": record.sales_document if reveal else None,
		"sale_date": record.sale_date,
		"warranty_end": record.warranty_end,
		"warranty_days_left": record.warranty_days_left if record.warranty_end else None,
		"under_warranty": bool(record.under_warranty),
		"return_document": record.return_document if reveal else None,
	}


def throttle():
	"""At most CHECKS_PER_MINUTE checks a minute per user (a scanner does one at a time; a script
	probing serial numbers does not)."""
	limit(
		"check",
		CHECKS_PER_MINUTE,
		60,
		lambda: _("Too many checks in a minute ({0}). Wait a moment and scan again.").format(
			CHECKS_PER_MINUTE
		),
	)


def throttle_named():
	"""Checks of a sold serial naming a customer, by a user who may not read the sale: at most
	NAMED_CHECKS_PER_MINUTE a minute and NAMED_CHECKS_PER_DAY a day (see NAMED_CHECKS_PER_MINUTE)."""
	limit(
		"named-minute",
		NAMED_CHECKS_PER_MINUTE,
		60,
		lambda: _(
			"Too many checks naming a customer in a minute ({0}). Wait a moment and scan again."
		).format(NAMED_CHECKS_PER_MINUTE),
	)
	limit(
		"named-day",
		NAMED_CHECKS_PER_DAY,
		24 * 3600,
		lambda: _(
			"Too many checks naming a customer today ({0}). A manager who may read the sales can check this device."
		).format(NAMED_CHECKS_PER_DAY),
	)
