"""Two users recording stock of the same items at the same moment.

dux_trace makes sellers of the same stock queue (`bins.lock_for_submit`, the Serial No row locks),
so MariaDB should not have to break a deadlock between them. If it still does (or a lock is
waited on past `innodb_lock_wait_timeout`), MariaDB has rolled the victim's whole transaction
back: nothing of the document was written. Frappe would answer that with its bare server error
(HTTP 500); the user gets instead a refusal in their language that says nothing was saved and
that they can submit again.
"""

import random
import time
from contextlib import contextmanager

import frappe
from frappe import _


class StockContentionError(frappe.ValidationError):
	pass


@contextmanager
def refused_when_contended():
	try:
		yield
	except (frappe.QueryDeadlockError, frappe.QueryTimeoutError):
		refuse()


def retried_when_contended(work, attempts: int = 3):
	"""Run `work` — a whole transaction's worth of reads and writes that sends nothing out — and,
	when MariaDB breaks a deadlock on it, roll back and run it again (after a short random pause),
	up to `attempts` times; then refuse as `refused_when_contended` does.

	Seen: two After-Sales Checks recorded at the same moment when their naming series has no row
	yet (a new site, and every new year: SAV-2027-) both insert the series row and deadlock on
	it."""
	for attempt in range(1, attempts + 1):
		try:
			return work()
		except frappe.QueryDeadlockError:
			frappe.db.rollback()
			if attempt == attempts:
				refuse()
			time.sleep(random.uniform(0.01, 0.05) * attempt)


def refuse():
	frappe.db.rollback()
	frappe.local.message_log = []  # what was said before does not hold: nothing was saved
	frappe.throw(
		_(
			"Another user was recording stock of the same items at the same moment, so nothing"
			" was saved. Please try again."
		),
		StockContentionError,
		title=_("Please Try Again"),
	)
