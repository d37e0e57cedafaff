"""The mass balance of one lot, for the Batch form."""

import frappe
from frappe import _

from dux_trace.permissions import require, require_report
from dux_trace.stock.mass_balance import as_rows, balances, summary
from dux_trace.stock.trace import Visible

KIND_LABELS = {
	"received": "Received",
	"produced": "Produced",
	"delivered": "Delivered",
	"consumed": "Consumed in Production",
	"customer_return": "Returned by Customers",
	"supplier_return": "Returned to Suppliers",
	"issued": "Scrapped / Issued",
	"adjusted": "Adjusted",
	"transfer": "Transferred",
	"other": "Other Movements",
	"on_hand": "On Hand",
	"quarantine": "In Quarantine",
}


@frappe.whitelist()
def lot_balance(batch_no: str) -> dict:
	"""received + produced - left - on hand = unexplained difference of the lot, with its lines,
	as the user may see them (Lot Mass Balance's roles and read on the Batch; suppliers, customers
	and documents as in Lot Trace; the user's allowed warehouses only)."""
	require_report("Lot Mass Balance", message=_("You are not allowed to open the Lot Mass Balance."))
	if not batch_no or not frappe.db.exists("Batch", batch_no):
		frappe.throw(_("Lot {0} not found.").format(batch_no or ""), frappe.DoesNotExistError)
	require("Batch", doc=batch_no)
	visible = Visible()
	balance = balances([batch_no], visible.warehouses)[batch_no]
	rows = as_rows(balance, visible)
	labels = {kind: _(label) for kind, label in KIND_LABELS.items()}
	for row in rows:
		row["label"] = labels.get(row["kind"], row["kind"])
	return {
		"batch_no": batch_no,
		"lines": rows,
		"received": balance.received,
		"produced": balance.produced,
		"left": balance.left,
		"stock": balance.stock,
		"quarantined": balance.quarantined,
		"difference": balance.difference,
		"difference_pct": balance.difference_pct,
		"summary": summary(balance),
	}
