"""The scan entry points that map a code to its item, lot or serial are limited per minute for a
user who may not read Serial No (a Sales User probing serials); a storekeeper is not limited."""

import frappe

from dux_trace.api.scan import parse_scan
from dux_trace.api.trace import lot_or_serial
from dux_trace.compat import TestCase
from dux_trace.stock.throttle import LOOKUPS_PER_MINUTE, forget
from dux_trace.tests.utils import role_user


class TestLookupLimits(TestCase):
	def tearDown(self):
		frappe.set_user("Administrator")

	def scans(self, user: str, count: int, entry=parse_scan) -> list[str]:
		"""What each of `count` scans of unknown codes ended in, as the user."""
		forget(user)
		frappe.set_user(user)
		outcomes = []
		for n in range(count):
			try:
				entry(f"SONDE-{n:05d}")
				outcomes.append("answered")
			except frappe.RateLimitExceededError:
				outcomes.append("limited")
			except frappe.ValidationError:
				outcomes.append("refused")  # unknown code: said in words
		return outcomes

	def test_a_sales_user_is_limited_per_minute(self):
		outcomes = self.scans(role_user("Sales User"), LOOKUPS_PER_MINUTE + 5)
		self.assertNotIn("limited", outcomes[:LOOKUPS_PER_MINUTE])
		self.assertEqual(outcomes[LOOKUPS_PER_MINUTE:], ["limited"] * 5)

	def test_the_lot_trace_lookup_shares_the_limit(self):
		user = role_user("Sales User")
		self.scans(user, LOOKUPS_PER_MINUTE)
		frappe.set_user(user)
		with self.assertRaises(frappe.RateLimitExceededError):
			lot_or_serial("SONDE-TRACE")

	def test_a_storekeeper_who_reads_serials_is_not_limited(self):
		outcomes = self.scans(role_user("Stock User"), LOOKUPS_PER_MINUTE + 5)
		self.assertNotIn("limited", outcomes)
