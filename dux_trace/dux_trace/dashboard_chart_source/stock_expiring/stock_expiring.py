"""Value of the lots in stock that expire in the next 30, 60 and 90 days (and already expired)."""

import frappe
from frappe.utils.dashboard import cache_source

from dux_trace.api.dashboard import stock_expiring


@frappe.whitelist()
@cache_source
def get(
	chart_name=None,
	chart=None,
	no_cache=None,
	filters=None,
	from_date=None,
	to_date=None,
	timespan=None,
	time_interval=None,
	heatmap_year=None,
):
	filters = frappe.parse_json(filters) or {}
	return stock_expiring(filters.get("company"))
