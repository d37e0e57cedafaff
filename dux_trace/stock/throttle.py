"""Rate limits per user: what a scanner at a counter never reaches and a script probing codes does.

One mechanism for every limit of the app: a Redis counter per user and kind, in a window opened by
the first count (not the calendar minute, whose boundary a burst may straddle).
"""

import frappe
from frappe import _

#: scans mapped to their item, lot or serial in a minute by a user who may not read Serial No
LOOKUPS_PER_MINUTE = 60


def counted(key: str, seconds: int) -> int:
	"""One more in a window of `seconds` opened by the first count: the count so far."""
	count = frappe.cache.incrby(key, 1)
	if count == 1 or frappe.cache.ttl(key) < 0:
		frappe.cache.expire(key, seconds)
	return count


def throttle_key(user: str, kind: str) -> str:
	return frappe.cache.make_key(f"dux_trace:throttle:{user}:{kind}")


def limit(kind: str, most: int, seconds: int, message) -> None:
	"""Count one `kind` for the session user; past `most` in the window, refuse with `message()`."""
	if counted(throttle_key(frappe.session.user, kind), seconds) > most:
		frappe.throw(message(), frappe.RateLimitExceededError)


def limit_lookups():
	"""Scans turned into items, lots, serials and their documents (parse_scan, scan_barcode,
	check_scan, lot_or_serial): a user who may read Serial No sees them in ERPNext anyway; one who
	may not (a Sales User) gets at most LOOKUPS_PER_MINUTE a minute, so that the scan entry points
	cannot map the shop's serial numbers by brute force."""
	if frappe.has_permission("Serial No", "read"):
		return
	limit(
		"lookup",
		LOOKUPS_PER_MINUTE,
		60,
		lambda: _("Too many scans in a minute ({0}). Wait a moment and scan again.").format(
			LOOKUPS_PER_MINUTE
		),
	)


def forget(user: str):
	"""Every count of the user dropped, all kinds (tests)."""
	frappe.cache.delete_keys(f"dux_trace:throttle:{user}")
