"""The Lots Near Expiry report and its number card."""

import frappe
from frappe.utils import add_days, nowdate

from dux_trace.api.dashboard import near_expiry_card, stock_expiring
from dux_trace.compat import TestCase
from dux_trace.dux_trace.report.lots_near_expiry.lots_near_expiry import execute
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

	def test_number_card_agrees_with_the_report_and_opens_it(self):
		from dux_trace.tests.utils import COMPANY, acting_as

		with acting_as("Stock User"):
			card = near_expiry_card()
			_columns, rows = execute({"company": COMPANY})
		self.assertEqual(card["value"], len(rows))  # the user's company, as the report's filter
		self.assertGreaterEqual(card["value"], 2)
		self.assertEqual(card["route"], ["query-report", "Lots Near Expiry"])
		self.assertEqual(card["route_options"], {"company": COMPANY})
		frappe.set_user("Guest")
		try:
			with self.assertRaises(frappe.PermissionError):
				near_expiry_card()
		finally:
			frappe.set_user("Administrator")

	def test_stock_expiring_chart_values_lots_by_time_left_for_roles_that_see_valuation(self):
		from dux_trace.tests.utils import COMPANY, acting_as

		with acting_as("Stock User"):
			chart = stock_expiring(COMPANY)
		self.assertEqual(chart["labels"], ["Périmé", "0-30 jours", "31-60 jours", "61-90 jours"])
		expired, soon, _later, _last = chart["datasets"][0]["values"]
		self.assertGreaterEqual(expired, 3 * 8)  # lot GONE: 3 x 8
		self.assertGreaterEqual(soon, 10 * 8)  # lot SOON: 6 + 4 x 8
		with acting_as("Sales User"), self.assertRaises(frappe.PermissionError):
			stock_expiring(COMPANY)

	def test_valuation_only_for_roles_that_see_it_in_erpnext(self):
		from dux_trace.tests.utils import COMPANY, acting_as

		with acting_as("Sales User"):
			columns, rows = execute({"company": COMPANY, "item_code": self.item})
		self.assertNotIn("value", [c["fieldname"] for c in columns])
		self.assertTrue(rows)
		self.assertTrue(all("value" not in row for row in rows))
		with acting_as("Stock User"):
			columns, rows = execute({"company": COMPANY, "item_code": self.item})
		self.assertIn("value", [c["fieldname"] for c in columns])
