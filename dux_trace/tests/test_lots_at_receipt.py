"""Lots at receipt: the storekeeper types (or scans) the supplier's lot and its expiry."""

import frappe
from frappe.utils import add_days, getdate, nowdate

from dux_trace.compat import TestCase
from dux_trace.stock.lots import LotExpiryMismatchError, LotWithoutExpiryError
from dux_trace.tests.utils import COMPANY, STORES, make_item, make_lot


def receipt(item_code: str, qty: float, **row):
	"""A draft Material Receipt with the lot fields of dux_trace on its row."""
	return frappe.get_doc(
		{
			"doctype": "Stock Entry",
			"stock_entry_type": "Material Receipt",
			"company": COMPANY,
			"items": [
				{
					"item_code": item_code,
					"qty": qty,
					"t_warehouse": STORES,
					"basic_rate": 12,
					"uom": "Nos",
					"conversion_factor": 1,
					**row,
				}
			],
		}
	)


class TestLotsAtReceipt(TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.yoghurt = make_item("_DUX Yaourt Nature", "Lot", shelf_life_in_days=21).name
		cls.no_shelf_life = make_item("_DUX Sirop", "Lot").name

	def test_a_new_lot_becomes_an_erpnext_batch_with_its_expiry(self):
		expiry = add_days(nowdate(), 20)
		entry = receipt(self.yoghurt, 12, dux_lot_no="YA-2611-07", dux_expiry_date=expiry).insert()
		entry.submit()
		self.assertEqual(entry.items[0].batch_no, "YA-2611-07")
		batch = frappe.get_doc("Batch", "YA-2611-07")
		self.assertEqual((batch.item, getdate(batch.expiry_date)), (self.yoghurt, getdate(expiry)))
		self.assertEqual(
			frappe.db.get_value("Stock Ledger Entry", {"voucher_no": entry.name}, "actual_qty"), 12
		)

	def test_manufacturing_date_and_shelf_life_give_the_expiry(self):
		made = add_days(nowdate(), -1)
		receipt(self.yoghurt, 5, dux_lot_no="YA-2611-08", dux_manufacturing_date=made).insert()
		self.assertEqual(
			getdate(frappe.db.get_value("Batch", "YA-2611-08", "expiry_date")), getdate(add_days(made, 21))
		)

	def test_a_known_lot_with_another_expiry_is_refused(self):
		make_lot(self.yoghurt, "YA-2611-09", add_days(nowdate(), 15))
		with self.assertRaises(LotExpiryMismatchError) as raised:
			receipt(
				self.yoghurt, 5, dux_lot_no="YA-2611-09", dux_expiry_date=add_days(nowdate(), 40)
			).insert()
		self.assertIn("YA-2611-09", str(raised.exception))
		# the same lot with the same expiry is a normal second delivery of that lot
		entry = receipt(
			self.yoghurt, 5, dux_lot_no="YA-2611-09", dux_expiry_date=add_days(nowdate(), 15)
		).insert()
		self.assertEqual(entry.items[0].batch_no, "YA-2611-09")

	def test_a_lot_of_another_item_is_refused(self):
		make_lot(self.no_shelf_life, "SI-001", add_days(nowdate(), 300))
		with self.assertRaises(LotExpiryMismatchError):
			receipt(self.yoghurt, 1, dux_lot_no="SI-001").insert()

	def test_a_new_lot_without_expiry_is_refused_and_nothing_is_created(self):
		with self.assertRaises(LotWithoutExpiryError) as raised:
			receipt(self.no_shelf_life, 3, dux_lot_no="SIROP-77").insert()
		self.assertIn("expiry date", str(raised.exception))
		self.assertFalse(frappe.db.exists("Batch", "SIROP-77"))
		self.assertFalse(frappe.db.exists("Stock Entry Detail", {"item_code": self.no_shelf_life}))

	def test_the_storekeeper_receives_a_new_lot_though_erpnext_keeps_batches_to_item_managers(self):
		from dux_trace.tests.utils import acting_as

		lot = f"L-{frappe.generate_hash(length=6).upper()}"
		with acting_as("Stock User"):
			doc = receipt(self.yoghurt, 12, dux_lot_no=lot, dux_expiry_date=add_days(nowdate(), 20)).insert()
			doc.submit()
		self.assertEqual(doc.items[0].batch_no, lot)
		self.assertEqual(
			getdate(frappe.db.get_value("Batch", lot, "expiry_date")), getdate(add_days(nowdate(), 20))
		)

	def test_a_role_that_may_not_receive_creates_no_lot(self):
		from dux_trace.stock.lots import ensure_lot
		from dux_trace.tests.utils import acting_as

		with acting_as("Sales User"), self.assertRaises(frappe.PermissionError):
			ensure_lot(self.yoghurt, "L-NOT-MINE", add_days(nowdate(), 20))
		self.assertFalse(frappe.db.exists("Batch", "L-NOT-MINE"))
