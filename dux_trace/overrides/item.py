import frappe
from frappe import _

from dux_trace.articles.authorizations import flag_item
from dux_trace.articles.stock_rules import sync_dot_item, sync_negative_stock
from dux_trace.constants.custom_fields import SCAN_AT_SALE_FIELD, TRACKING_MODE_FIELD
from dux_trace.core.tracking import TrackingMode, item_values_for_mode, mode_from_flags
from dux_trace.pricing.card import sync_item_prices, write_item_price


class TrackingModeLockedError(frappe.ValidationError):
	pass


def before_validate(doc, method=None):
	sync_tracking_mode(doc)


def validate(doc, method=None):
	sync_item_prices(doc)
	flag_item(doc)
	sync_negative_stock(doc)
	sync_dot_item(doc)


def on_update(doc, method=None):
	write_item_price(doc)


def sync_tracking_mode(doc):
	"""Keep the Tracking Mode and ERPNext's serial/batch/valuation fields in step.

	Runs before ERPNext's own Item validation, so ERPNext still checks the fields we set.
	When the user changed the mode, the mode drives the fields; otherwise the fields (perhaps
	edited directly) drive the mode.
	"""
	if not doc.meta.has_field(TRACKING_MODE_FIELD):
		return

	mode = doc.get(TRACKING_MODE_FIELD)
	previous = doc.get_doc_before_save()
	mode_changed = previous is None or previous.get(TRACKING_MODE_FIELD) != mode

	if mode and mode_changed and (previous is not None or mode != TrackingMode.NONE.value):
		if previous is not None:
			validate_mode_change(doc, previous.get(TRACKING_MODE_FIELD), mode)
		doc.update(item_values_for_mode(mode, doc.item_code or doc.name, doc.as_dict()))
		# a shop that chooses Serial scans what it sells (it may untick it afterwards)
		if mode == TrackingMode.SERIAL.value:
			doc.set(SCAN_AT_SALE_FIELD, 1)
	else:
		doc.set(
			TRACKING_MODE_FIELD,
			mode_from_flags(doc.has_serial_no, doc.has_batch_no, doc.valuation_method).value,
		)


def validate_mode_change(doc, old_mode, new_mode):
	if not has_stock_ledger_entries(doc.name):
		return
	frappe.throw(
		_(
			"Item {0} already has stock movements: its tracking mode cannot change from {1} to {2}. "
			"Create a new item for the new tracking mode."
		).format(frappe.bold(doc.name), frappe.bold(_(old_mode or "None")), frappe.bold(_(new_mode))),
		exc=TrackingModeLockedError,
		title=_("Tracking Mode Locked"),
	)


def has_stock_ledger_entries(item_code: str) -> bool:
	return bool(frappe.db.exists("Stock Ledger Entry", {"item_code": item_code, "is_cancelled": 0}))
