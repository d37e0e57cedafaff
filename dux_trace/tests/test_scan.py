"""Scanning a GS1 code fills item, lot, expiry and serial; a bad scan is refused cleanly."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import getdate

from dux_trace.api.scan import parse_scan
from dux_trace.tests.test_lots_at_receipt import receipt
from dux_trace.tests.utils import make_item, make_outgoing, make_user


class TestScan(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.item = make_item("_DUX Doliprane 1000", "Lot", shelf_life_in_days=720)
		if not cls.item.barcodes:
			cls.item.append("barcodes", {"barcode": "9506000134352", "barcode_type": "EAN"})
			cls.item.save()

	def test_gs1_scan_fills_a_receipt_row(self):
		scanned = parse_scan("]C1010950600013435217271231" + "10DOL-2611" + "\x1d" + "3012")
		self.assertEqual(
			(scanned.item_code, scanned.batch_no, getdate(scanned.expiry_date), scanned.qty),
			(self.item.name, "DOL-2611", getdate("2027-12-31"), 12),
		)
		entry = receipt(
			scanned.item_code, scanned.qty, dux_lot_no=scanned.batch_no, dux_expiry_date=scanned.expiry_date
		).insert()
		entry.submit()
		self.assertEqual(entry.items[0].batch_no, "DOL-2611")
		self.assertEqual(
			getdate(frappe.db.get_value("Batch", "DOL-2611", "expiry_date")), getdate("2027-12-31")
		)

		# at the sale, scanning the lot printed on the box puts that lot on the row
		sold = parse_scan("DOL-2611")
		note = make_outgoing("Delivery Note", sold.item_code, 2, batch_no=sold.batch_no)
		self.assertEqual((note.items[0].item_code, note.items[0].batch_no), (self.item.name, "DOL-2611"))

	def test_unknown_gtin_and_malformed_codes_are_refused_with_what_was_wrong(self):
		with self.assertRaises(frappe.ValidationError) as raised:
			parse_scan("]C10104006381333931" + "10X")
		self.assertIn("04006381333931", str(raised.exception))
		with self.assertRaises(frappe.ValidationError) as raised:
			parse_scan("4006381333932")
		self.assertIn("check digit", str(raised.exception))
		with self.assertRaises(frappe.ValidationError) as raised:
			parse_scan("(01)0950600013435")
		self.assertIn("Nothing was filled", str(raised.exception))

	def test_guest_may_not_scan(self):
		frappe.set_user("Guest")
		try:
			with self.assertRaises(frappe.PermissionError):
				parse_scan("9506000134352")
		finally:
			frappe.set_user("Administrator")
		frappe.set_user(make_user("caissier.scan@example.com", ["Sales User"]))
		try:
			self.assertEqual(parse_scan("9506000134352").item_code, self.item.name)
		finally:
			frappe.set_user("Administrator")
