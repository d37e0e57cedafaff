"""Scanning a GS1 code fills item, lot, expiry and serial; a bad scan is refused cleanly."""

import frappe
from frappe.utils import getdate

from dux_trace.api.scan import parse_scan
from dux_trace.compat import TestCase
from dux_trace.tests.test_lots_at_receipt import receipt
from dux_trace.tests.utils import COMPANY, DEPOT, make_item, make_outgoing, make_user


class TestScan(TestCase):
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


class TestGs1InErpnextScanFields(TestCase):
	"""The desk's *Scan Barcode* field and the Point of Sale search reach ERPNext's whitelisted
	methods, which dux_trace wraps: called here the way the desk calls them."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.lot_item = make_item("_DUX Amoxicilline 500", "Lot", shelf_life_in_days=720)
		if not cls.lot_item.barcodes:
			cls.lot_item.append("barcodes", {"barcode": "03400930000120", "barcode_type": "GS1"})
			cls.lot_item.save()
		cls.phone = make_item("_DUX Galaxy A55", "Serial")
		if not cls.phone.barcodes:
			cls.phone.append("barcodes", {"barcode": "08806095000015", "barcode_type": "GS1"})
			cls.phone.save()

	def desk_call(self, method: str, **args):
		"""Resolve the method as frappe.handler does for a desk request (whitelisted overrides
		first), check it is whitelisted, and call it."""
		overrides = frappe.get_hooks("override_whitelisted_methods") or {}
		target = (overrides.get(method) or [method])[-1]
		function = frappe.get_attr(target)
		frappe.is_whitelisted(function)
		return frappe.call(function, **args)

	def test_a_gs1_scan_on_a_receipt_fills_item_lot_and_expiry(self):
		lot = f"AMX{frappe.generate_hash(length=5).upper()}"
		result = self.desk_call(
			"erpnext.stock.utils.scan_barcode", search_value=f"(01)03400930000120(17)281130(10){lot}"
		)
		self.assertEqual(
			(result["item_code"], result["batch_no"], getdate(result["batch_expiry_date"])),
			(self.lot_item.name, lot, getdate("2028-11-30")),
		)
		# ERPNext's scanner puts item and batch on the row: the receipt goes through with that lot
		entry = receipt(result["item_code"], 5, batch_no=result["batch_no"]).insert()
		entry.submit()
		self.assertEqual(frappe.db.get_value("Batch", lot, "expiry_date"), getdate("2028-11-30"))

		# the same lot printed with another expiry is refused, nothing is filled
		with self.assertRaises(frappe.ValidationError) as refused:
			self.desk_call(
				"erpnext.stock.utils.scan_barcode", search_value=f"(01)03400930000120(17)290101(10){lot}"
			)
		self.assertIn("already recorded with expiry date", str(refused.exception))

	def test_a_gs1_scan_on_a_sale_and_at_the_point_of_sale_fills_item_and_serial(self):
		from dux_trace.tests.test_serials import stock_serials
		from dux_trace.tests.utils import make_pos_profile

		serial = stock_serials(self.phone.name, 1)[0]
		code = f"]d2010880609500001521{serial}"
		result = self.desk_call("erpnext.stock.utils.scan_barcode", search_value=code)
		self.assertEqual((result["item_code"], result["serial_no"]), (self.phone.name, serial))

		items = self.desk_call(
			"erpnext.selling.page.point_of_sale.point_of_sale.get_items",
			start=0,
			page_length=20,
			price_list="Standard Selling",
			item_group="All Item Groups",
			pos_profile=make_pos_profile(),
			search_term=code,
		)
		self.assertEqual(
			[(row["item_code"], row["serial_no"]) for row in items["items"]], [(self.phone.name, serial)]
		)

	def test_plain_scans_are_answered_by_erpnext_as_before(self):
		from erpnext.stock.utils import scan_barcode

		result = self.desk_call("erpnext.stock.utils.scan_barcode", search_value="03400930000120")
		self.assertEqual(result, scan_barcode("03400930000120"))
		self.assertEqual(self.desk_call("erpnext.stock.utils.scan_barcode", search_value="nothing-here"), {})

	def test_a_malformed_gs1_scan_is_refused(self):
		with self.assertRaises(frappe.ValidationError) as refused:
			self.desk_call("erpnext.stock.utils.scan_barcode", search_value="(01)0340093000012")
		self.assertIn("Nothing was filled", str(refused.exception))

	def test_the_desk_context_reaches_erpnext_plain_and_gs1(self):
		"""ERPNext's scan takes the form's company and warehouse (`ctx`) and answers the row's
		warehouse; the wrapper passes them on, for plain and GS1 scans alike."""
		ctx = frappe.as_json({"company": COMPANY, "set_warehouse": DEPOT, "doctype": "Delivery Note"})
		lot = f"AMX{frappe.generate_hash(length=5).upper()}"
		for code in ("03400930000120", f"(01)03400930000120(17)281130(10){lot}"):
			with self.subTest(code):
				result = self.desk_call("erpnext.stock.utils.scan_barcode", search_value=code, ctx=ctx)
				self.assertEqual(
					(result["item_code"], result.get("default_warehouse")), (self.lot_item.name, DEPOT)
				)
