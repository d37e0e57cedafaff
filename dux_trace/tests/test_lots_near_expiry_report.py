"""The Lots Near Expiry report and its number card."""

import frappe
from frappe.utils import add_days, nowdate

from dux_trace.compat import TestCase
from dux_trace.dux_trace.report.lots_near_expiry.lots_near_expiry import execute, near_expiry_count
from dux_trace.tests.utils import DEPOT, STORES, make_item, make_lot, receive


class TestLotsNearExpiryReport(TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.item = make_item("_DUX Crème Fraîche", "Lot", shelf_life_in_days=30).name
		today = nowdate()
		make_lot(cls.item, "_DUX-CF-SOON", add_days(today, 12))
		make_lot(cls.item, "_DUX-CF-LATER", add_days(today, 45))
		make_lot(cls.item, "_DUX-CF-GONE", add_days(today, -2))
		receive(cls.item, 6, batch_no="_DUX-CF-SOON", rate=8)
		receive(cls.item, 4, batch_no="_DUX-CF-SOON", rate=8, warehouse=DEPOT)
		receive(cls.item, 9, batch_no="_DUX-CF-LATER", rate=8)
		receive(cls.item, 3, batch_no="_DUX-CF-GONE", rate=8, posting_date=add_days(today, -10))

	def rows(self, **filters):
		_columns, data = execute({"item_code": self.item, **filters})
		return {(row.batch_no, row.warehouse): row for row in data}

	def test_lots_within_the_horizon_per_warehouse_with_days_left_and_value(self):
		rows = self.rows()  # horizon from Dux Trace Settings: 30 days
		self.assertEqual(set(rows), {("_DUX-CF-SOON", STORES), ("_DUX-CF-SOON", DEPOT)})
		row = rows[("_DUX-CF-SOON", STORES)]
		self.assertEqual((row.qty, row.days_left), (6, 12))
		self.assertAlmostEqual(row.value, 6 * row.valuation_rate)
		self.assertGreater(row.valuation_rate, 0)

	def test_filters_horizon_warehouse_and_expired(self):
		self.assertIn(("_DUX-CF-LATER", STORES), self.rows(horizon=60))
		self.assertEqual(set(self.rows(warehouse=DEPOT)), {("_DUX-CF-SOON", DEPOT)})
		self.assertIn(("_DUX-CF-GONE", STORES), self.rows(include_expired=1))
		self.assertEqual(self.rows(include_expired=1)[("_DUX-CF-GONE", STORES)].days_left, -2)

	def test_number_card_counts_lots_near_expiry(self):
		self.assertGreaterEqual(near_expiry_count()["value"], 2)
		frappe.set_user("Guest")
		try:
			with self.assertRaises(frappe.PermissionError):
				near_expiry_count()
		finally:
			frappe.set_user("Administrator")
