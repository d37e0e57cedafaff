"""Tyres by DOT date code: the lot of a DOT-tracked item is its DOT (week + year of manufacture),
an ERPNext Batch named `<item>-DOT<code>` with the Monday of that week as manufacturing date and
the code in *DOT Code* (searchable). Deliveries take the oldest DOT first through the FEFO rules
(lots without expiry go by manufacturing date)."""

import frappe
from frappe import _
from frappe.utils import getdate, nowdate

from dux_trace.core.dot import DotError, parse_dot
from dux_trace.stock.lots import DOT_FIELD

BATCH_FIELD = "dux_dot_code"


class InvalidDotError(frappe.ValidationError):
	pass


def is_dot_item(item_code: str) -> bool:
	return bool(frappe.get_cached_value("Item", item_code, DOT_FIELD))


def dot_lot(item_code: str, code: str, on=None) -> str:
	"""The Batch of the item for that DOT code (created the first time); an impossible code is
	refused with the reason."""
	try:
		dot = parse_dot(code, getdate(on or nowdate()))
	except DotError as error:
		frappe.throw(
			_("DOT code {0} of {1} is impossible: {2}.").format(
				frappe.bold(code), frappe.bold(item_code), _(reason_of(error))
			),
			InvalidDotError,
			title=_("Invalid DOT Code"),
		)
	batch_id = f"{item_code}-DOT{dot.code}"[:140]
	if not frappe.db.exists("Batch", batch_id):
		frappe.get_doc(
			{
				"doctype": "Batch",
				"batch_id": batch_id,
				"item": item_code,
				"manufacturing_date": dot.manufacturing_date,
				BATCH_FIELD: dot.code,
			}
		).insert(ignore_permissions=True)
	return batch_id


def reason_of(error: DotError) -> str:
	if error.reason.startswith("week"):
		return "this week does not exist in that year"
	if "future" in error.reason:
		return "the date is in the future"
	if "2000" in error.reason:
		return "4-digit DOT codes start in 2000"
	return "the code must end with the week and year (4 digits, e.g. 2423)"
