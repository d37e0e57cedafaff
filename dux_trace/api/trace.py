"""The awesome bar's Lot Trace entry: is the code typed a lot, a serial, or unknown?"""

import frappe
from frappe import _

from dux_trace.permissions import require_report
from dux_trace.stock.throttle import limit_lookups


@frappe.whitelist()
def lot_or_serial(code: str) -> dict:
	"""The Lot Trace filters for a code: its lot, its serial, or both when it is neither (the
	report then says nothing was found)."""
	require_report("Lot Trace", message=_("You are not allowed to open the Lot Trace."))
	limit_lookups()
	code = (code or "").strip()
	if not code or len(code) > 140:
		frappe.throw(_("Type a lot or serial number."))
	if frappe.db.exists("Batch", code):
		return {"batch_no": code}
	if frappe.db.exists("Serial No", code):
		return {"serial_no": code}
	return {"batch_no": code, "serial_no": code}
