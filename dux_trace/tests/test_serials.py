"""Serials scanned at receipt and at sale, printed on the invoice, and given their warranty; returns
of serials that were not sold refused.

The seed's swap: a customer buys an iPhone 15 and comes back with an old one of his own."""

import frappe
from frappe.utils import add_months, getdate, strip_html

from dux_trace.api.serials import check_scan
from dux_trace.compat import TestCase, change_settings
from dux_trace.stock.serial_rules import SerialAlreadySoldError, SerialNotOnOriginalError, SerialScanError
from dux_trace.tests.utils import (
	COMPANY,
	CURRENCY,
	DEPOT,
	STORES,
	SUPPLIER,
	make_item,
	make_outgoing,
	receive,
)

STRICT_RECEIPT = {"require_serial_scan_at_receipt": 1}
STRICT_SALE = {"require_serial_scan_at_sale": 1}


def serial_item(name: str = "iPhone 15", **properties) -> str:
	"""A serialized phone sold with a 12-month warranty; serials look like IMEIs (15 digits)."""
	code = f"_DUX {name} {frappe.generate_hash(length=5)}"
	return make_item(code, "Serial", dux_warranty_months=12, dux_serial_pattern=r"\d{15}", **properties).name


def imeis(count: int) -> list[str]:
	"""Fresh 15-digit serials."""
	return [str(int(frappe.generate_hash(length=12), 16))[-15:].zfill(15) for _ in range(count)]


def stock_serials(item_code: str, count: int, warehouse: str = STORES) -> list[str]:
	serials = imeis(count)
	receive(item_code, count, warehouse=warehouse, serial_no="\n".join(serials), use_serial_batch_fields=1)
	return serials


def purchase_receipt(item_code: str, qty: int, serials: list[str], scanned: list[str] | None = None):
	return frappe.get_doc(
		{
			"doctype": "Purchase Receipt",
			"company": COMPANY,
			"supplier": SUPPLIER,
			"currency": CURRENCY,
			"items": [
				{
					"item_code": item_code,
					"qty": qty,
					"rate": 9000,
					"warehouse": STORES,
					"use_serial_batch_fields": 1,
					"serial_no": "\n".join(serials),
					"dux_scanned_serials": "\n".join(serials if scanned is None else scanned),
				}
			],
		}
	)


def sale(doctype: str, item_code: str, serials: list[str], scanned: list[str] | None = None, **fields):
	"""A draft sale of the serials (scanned ones recorded as the scan dialog does)."""
	doc = make_outgoing(doctype, item_code, len(serials), **fields, do_not_insert=True)
	row = doc.items[0]
	row.use_serial_batch_fields = 1
	row.serial_no = "\n".join(serials)
	row.dux_scanned_serials = "\n".join(serials if scanned is None else scanned)
	return doc


class TestReceiptScan(TestCase):
	def test_scan_dialog_refuses_in_stock_duplicate_and_wrong_format_serials(self):
		item = serial_item()
		in_stock = stock_serials(item, 1)[0]
		new = imeis(1)[0]

		def scan(text, scanned=()):
			return check_scan("Purchase Receipt", item, STORES, text, list(scanned))

		self.assertTrue(scan(new)["ok"])
		refused = scan(in_stock)
		self.assertFalse(refused["ok"])
		self.assertIn("already in stock", refused["message"])
		self.assertIn("already scanned", scan(new, [new])["message"])
		self.assertIn("format", scan("ABC-123")["message"])
		self.assertFalse(scan("   ")["ok"])
		# a scanner's trailing CR/LF is not part of the serial
		self.assertEqual(scan(new + "\r\n")["serial_no"], new)

	def test_a_gs1_scan_gives_its_serial_and_must_be_of_the_row_item(self):
		item = serial_item()
		phone = frappe.get_doc("Item", item)
		phone.append("barcodes", {"barcode": "03760000000017"})
		phone.save()
		serial = imeis(1)[0]
		result = check_scan("Purchase Receipt", item, STORES, f"(01)03760000000017(21){serial}", [])
		self.assertEqual((result["ok"], result["serial_no"]), (True, serial))
		other = serial_item("Galaxy S24")
		wrong = check_scan("Purchase Receipt", other, STORES, f"(01)03760000000017(21){serial}", [])
		self.assertFalse(wrong["ok"])
		self.assertIn(item, wrong["message"])

	def test_a_receipt_with_fewer_scans_than_units_is_refused_when_scanning_is_required(self):
		item = serial_item()
		serials = imeis(3)
		with change_settings("Dux Trace Settings", STRICT_RECEIPT):
			receipt = purchase_receipt(item, 3, serials, scanned=serials[:2]).insert()
			with self.assertRaises(SerialScanError) as refused:
				receipt.submit()
			self.assertIn("2 of 3 units scanned", strip_html(str(refused.exception)))
			self.assertFalse(frappe.db.exists("Serial No", serials[0]))

			receipt.reload()
			receipt.items[0].dux_scanned_serials = "\n".join(serials)
			receipt.save()
			receipt.submit()
		self.assertEqual(
			{frappe.db.get_value("Serial No", serial, "warehouse") for serial in serials}, {STORES}
		)

	def test_a_receipt_of_a_serial_already_in_stock_or_of_the_wrong_format_is_refused(self):
		item = serial_item()
		in_stock = stock_serials(item, 1)[0]
		with change_settings("Dux Trace Settings", STRICT_RECEIPT):
			with self.assertRaises(SerialScanError) as refused:
				purchase_receipt(item, 2, [in_stock, "X-1"]).insert()
		message = strip_html(str(refused.exception))
		self.assertIn(in_stock, message)
		self.assertIn("already in stock", message)
		self.assertIn("X-1", message)

	def test_without_required_scanning_a_wrong_serial_is_only_flagged(self):
		item = serial_item()
		frappe.clear_messages()
		purchase_receipt(item, 1, ["X-1"]).insert()
		self.assertIn("X-1", str(frappe.get_message_log()))

	def test_a_material_receipt_is_checked_like_a_purchase_receipt(self):
		item = serial_item()
		serials = imeis(2)
		with change_settings("Dux Trace Settings", STRICT_RECEIPT):
			entry = frappe.get_doc(
				{
					"doctype": "Stock Entry",
					"stock_entry_type": "Material Receipt",
					"company": COMPANY,
					"items": [
						{
							"item_code": item,
							"qty": 2,
							"basic_rate": 9000,
							"t_warehouse": STORES,
							"uom": "Nos",
							"conversion_factor": 1,
							"use_serial_batch_fields": 1,
							"serial_no": "\n".join(serials),
						}
					],
				}
			).insert()
			with self.assertRaises(SerialScanError):
				entry.submit()


class TestSaleScan(TestCase):
	def test_a_sale_cannot_be_submitted_until_each_unit_is_scanned(self):
		item = serial_item()
		serials = stock_serials(item, 2)
		with change_settings("Dux Trace Settings", STRICT_SALE):
			note = sale("Delivery Note", item, serials, scanned=serials[:1]).insert()
			with self.assertRaises(SerialScanError) as refused:
				note.submit()
			self.assertIn("which one are you selling", strip_html(str(refused.exception)))
			self.assertIn("1 of 2 scanned", strip_html(str(refused.exception)))
			self.assertEqual(frappe.db.get_value("Serial No", serials[1], "warehouse"), STORES)

			note.reload()
			note.items[0].dux_scanned_serials = "\n".join(serials)
			note.save()
			note.submit()
		self.assertEqual(
			{frappe.db.get_value("Serial No", serial, "status") for serial in serials}, {"Delivered"}
		)

	def test_unknown_other_item_out_of_stock_and_double_serials_are_refused(self):
		item, other = serial_item(), serial_item("Galaxy S24")
		mine = stock_serials(item, 2)
		theirs = stock_serials(other, 1)[0]
		in_depot = stock_serials(item, 1, warehouse=DEPOT)[0]
		cases = {
			"does not exist": ["999999999999999"],
			"belongs to item": [theirs],
			f"is in {DEPOT}": [in_depot],
			"more than once": [mine[0], mine[0]],
		}
		with change_settings("Dux Trace Settings", STRICT_SALE):
			for expected, serials in cases.items():
				with self.subTest(expected), self.assertRaises(SerialScanError) as refused:
					sale("Sales Invoice", item, serials, update_stock=1).insert()
				self.assertIn(expected, strip_html(str(refused.exception)))

			first = sale("Delivery Note", item, [mine[1]]).insert()
			with self.assertRaises(SerialScanError) as refused:
				sale("Sales Invoice", item, [mine[1]], update_stock=1).insert()
			self.assertIn(f"already on Delivery Note {first.name}", strip_html(str(refused.exception)))

	def test_a_delivered_serial_cannot_be_sold_again(self):
		item = serial_item()
		serial = stock_serials(item, 1)[0]
		sale("Delivery Note", item, [serial]).insert().submit()
		with change_settings("Dux Trace Settings", STRICT_SALE):
			with self.assertRaises(SerialScanError) as refused:
				sale("Delivery Note", item, [serial]).insert()
		self.assertIn("is not in stock", strip_html(str(refused.exception)))

	def test_a_serial_scanned_in_erpnexts_scan_barcode_field_counts_as_scanned(self):
		from dux_trace.overrides.barcode_scan import scan_barcode

		item = serial_item()
		scanned, typed = stock_serials(item, 2)
		self.assertEqual(scan_barcode(scanned)["serial_no"], scanned)  # what the desk field calls
		with change_settings("Dux Trace Settings", STRICT_SALE):
			note = sale("Delivery Note", item, [scanned], scanned=[]).insert()
			self.assertEqual(note.items[0].dux_scanned_serials, scanned)
			note.submit()
			with self.assertRaises(SerialScanError):
				sale("Delivery Note", item, [typed], scanned=[]).insert().submit()

	def test_pos_invoice_sale_needs_each_unit_scanned(self):
		item = serial_item()
		serials = stock_serials(item, 1)
		with change_settings("Dux Trace Settings", STRICT_SALE):
			invoice = sale("POS Invoice", item, serials, scanned=[]).insert()
			with self.assertRaises(SerialScanError):
				invoice.submit()
			invoice.reload()
			invoice.items[0].dux_scanned_serials = serials[0]
			invoice.save()
			invoice.submit()
		self.assertEqual(invoice.docstatus, 1)

	def test_the_serials_print_on_the_invoice_and_get_their_warranty(self):
		item = serial_item()
		serials = stock_serials(item, 2)
		invoice = sale("Sales Invoice", item, serials, update_stock=1).insert()
		invoice.submit()
		html = frappe.get_print("Sales Invoice", invoice.name, print_format="Sales Invoice with Serials")
		for serial in serials:
			self.assertIn(serial, html)
		self.assertIn(invoice.name, html)
		expected_end = add_months(getdate(invoice.posting_date), 12)
		for serial in serials:
			self.assertEqual(
				getdate(frappe.db.get_value("Serial No", serial, "warranty_expiry_date")), expected_end
			)

	def test_a_sale_that_lost_its_serial_meanwhile_is_refused_on_submit(self):
		# a shop that does not ask for scans: two drafts may hold the serial, the first submit wins
		item = serial_item()
		frappe.db.set_value("Item", item, "dux_scan_serial_at_sale", 0)
		serial = stock_serials(item, 1)[0]
		first, second = (sale("Delivery Note", item, [serial]).insert() for _ in range(2))
		first.submit()
		with self.assertRaises(SerialAlreadySoldError) as refused:
			second.submit()
		self.assertIn("cannot be sold again", strip_html(str(refused.exception)))


class TestReturns(TestCase):
	def test_a_return_of_a_serial_not_on_the_original_invoice_is_refused(self):
		from erpnext.accounts.doctype.sales_invoice.sales_invoice import make_sales_return

		item = serial_item()
		sold = stock_serials(item, 1)[0]
		never_sold = stock_serials(item, 1)[0]
		invoice = sale("Sales Invoice", item, [sold], update_stock=1).insert()
		invoice.submit()

		credit = make_sales_return(invoice.name)
		row = credit.items[0]
		row.serial_and_batch_bundle = None
		row.use_serial_batch_fields = 1
		row.serial_no = never_sold
		with self.assertRaises(SerialNotOnOriginalError) as refused:
			credit.insert()
		self.assertIn(never_sold, strip_html(str(refused.exception)))
		self.assertIn(f"was not sold on {invoice.name}", strip_html(str(refused.exception)))

	def test_the_refusal_speaks_the_clerks_language(self):
		from erpnext.stock.doctype.delivery_note.delivery_note import make_sales_return

		item = serial_item()
		sold, other = stock_serials(item, 2)
		note = sale("Delivery Note", item, [sold]).insert()
		note.submit()
		credit = make_sales_return(note.name)
		credit.items[0].update(
			{"serial_and_batch_bundle": None, "use_serial_batch_fields": 1, "serial_no": other}
		)
		lang = frappe.local.lang
		try:
			frappe.local.lang = "fr"
			frappe.local.lang_full_dict = None
			with self.assertRaises(SerialNotOnOriginalError) as refused:
				credit.insert()
		finally:
			frappe.local.lang = lang
			frappe.local.lang_full_dict = None
		self.assertIn("n'a pas été vendu", strip_html(str(refused.exception)))

	def test_a_genuine_return_goes_through(self):
		from erpnext.accounts.doctype.sales_invoice.sales_invoice import make_sales_return

		item = serial_item()
		sold = stock_serials(item, 1)[0]
		invoice = sale("Sales Invoice", item, [sold], update_stock=1).insert()
		invoice.submit()
		credit = make_sales_return(invoice.name)
		credit.insert()
		credit.submit()
		self.assertEqual(frappe.db.get_value("Serial No", sold, "warehouse"), STORES)
