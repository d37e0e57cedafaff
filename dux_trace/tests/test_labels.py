"""Lot labels print the item, the lot, its expiry and a GS1-128 barcode carrying them."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, nowdate

from dux_trace.tests.utils import make_item, make_lot


class TestLotLabel(FrappeTestCase):
	def test_batch_label_has_gs1_128_with_gtin_expiry_and_lot(self):
		item = make_item("_DUX Label Lait", "Lot", shelf_life_in_days=90)
		if not item.barcodes:
			item.append("barcodes", {"barcode": "4006381333931", "barcode_type": "EAN"})
			item.save()
		expiry = add_days(nowdate(), 40)
		lot = make_lot(item.name, "LBL-452", expiry)

		html = frappe.get_print("Batch", lot, print_format="Dux Batch Label")
		self.assertIn("<svg", html)
		self.assertIn("LBL-452", html)
		expected = f"(01)04006381333931(17){frappe.utils.getdate(expiry).strftime('%y%m%d')}(10)LBL-452"
		self.assertIn(expected, html)

	def test_item_without_gtin_gets_a_code128_of_the_lot(self):
		item = make_item("_DUX Label Vrac", "Lot", shelf_life_in_days=90)
		lot = make_lot(item.name, "VRAC-01", add_days(nowdate(), 30))
		html = frappe.get_print("Batch", lot, print_format="Dux Batch Label")
		self.assertIn("<svg", html)
		self.assertIn(">VRAC-01<", html)  # the barcode's human-readable text
