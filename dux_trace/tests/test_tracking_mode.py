"""Tracking mode on Item drives ERPNext's own serial / batch / valuation settings."""

import frappe

from dux_trace.compat import TestCase
from dux_trace.overrides.item import TrackingModeLockedError
from dux_trace.tests.utils import make_item, receive


class TestTrackingMode(TestCase):
	def test_serial_mode_makes_a_serial_item(self):
		item = make_item("_DUX iPhone 15", "Serial")
		self.assertEqual((item.has_serial_no, item.has_batch_no), (1, 0))
		self.assertEqual(item.serial_no_series, "DUXIPHONE15-.#####")

	def test_lot_mode_makes_a_batch_item_with_expiry(self):
		item = make_item("_DUX Lait 1L", "Lot", shelf_life_in_days=30)
		self.assertEqual((item.has_batch_no, item.create_new_batch, item.has_expiry_date), (1, 1, 1))
		self.assertEqual(item.has_serial_no, 0)
		self.assertTrue(item.batch_number_series.startswith("LOT-DUXLAIT1L-"))

	def test_moving_average_mode_sets_the_valuation_method(self):
		item = make_item("_DUX Chaise", "Moving Average")
		self.assertEqual(item.valuation_method, "Moving Average")
		self.assertEqual((item.has_serial_no, item.has_batch_no), (0, 0))

	def test_none_mode_leaves_a_plain_stock_item(self):
		item = make_item("_DUX Sac", "None")
		self.assertEqual((item.has_serial_no, item.has_batch_no, item.valuation_method or ""), (0, 0, ""))

	def test_mode_can_change_while_the_item_has_no_stock(self):
		item = make_item("_DUX Change Libre", "Lot", shelf_life_in_days=10)
		item.dux_tracking_mode = "Serial"
		item.save()
		item.reload()
		self.assertEqual((item.has_serial_no, item.has_batch_no, item.has_expiry_date), (1, 0, 0))

	def test_mode_change_is_refused_once_stock_exists(self):
		item = make_item("_DUX Yaourt", "Lot", shelf_life_in_days=20)
		receive(item.name, 5)

		item.reload()
		item.dux_tracking_mode = "Serial"
		with self.assertRaises(TrackingModeLockedError) as raised:
			item.save()
		self.assertIn("already has stock movements", str(raised.exception))
		self.assertEqual(frappe.db.get_value("Item", item.name, "has_batch_no"), 1)

	def test_erpnext_fields_set_directly_are_reflected_in_the_mode(self):
		# items made by ERPNext's own code (or its tests) only know has_batch_no / has_serial_no
		item = frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": "_DUX Direct Batch",
				"item_group": "All Item Groups",
				"stock_uom": "Nos",
				"is_stock_item": 1,
				"has_batch_no": 1,
				"create_new_batch": 1,
			}
		).insert()
		self.assertEqual(item.dux_tracking_mode, "Lot")

		item.has_batch_no = 0
		item.has_serial_no = 1
		item.save()
		self.assertEqual(item.dux_tracking_mode, "Serial")
