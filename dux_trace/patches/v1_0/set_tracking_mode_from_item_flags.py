import frappe
from frappe.query_builder import Case

from dux_trace.constants.custom_fields import TRACKING_MODE_FIELD
from dux_trace.core.tracking import TrackingMode


def execute():
	"""Give every existing Item the tracking mode its ERPNext fields already express."""
	item = frappe.qb.DocType("Item")
	mode = (
		Case()
		.when(item.has_serial_no == 1, TrackingMode.SERIAL.value)
		.when(item.has_batch_no == 1, TrackingMode.LOT.value)
		.when(item.valuation_method == "Moving Average", TrackingMode.MOVING_AVERAGE.value)
		.else_(TrackingMode.NONE.value)
	)
	frappe.qb.update(item).set(item[TRACKING_MODE_FIELD], mode).run()
