"""Labels at warehouse scale and for pharmacies, as a storekeeper prints them: 1,000 labels of a
receipt on A4 sheets and on a roll, every barcode read back (pdftoppm at 300 dpi + zxing-cpp);
GS1 DataMatrix for medicines, in PDF and ZPL; labels for lots and serials selected in their lists,
a number per row; labels for what leaves on a delivery note; the template editor's preview."""

import io
import json

import frappe
from frappe.utils import add_days, getdate, nowdate

from dux_trace.compat import TestCase
from dux_trace.tests.test_labels import A4, ROLL, decode_pdf, pdf_text
from dux_trace.tests.utils import (
	COMPANY,
	CURRENCY,
	STORES,
	SUPPLIER,
	acting_as,
	make_item,
	make_lot,
	receive,
)

PHONE_GTIN = "03760000000017"
PILLS_GTIN = "03400935955838"
MEDICINE_GTIN = "03400936403581"


def with_barcode(item, gtin: str):
	if not item.barcodes:
		item.append("barcodes", {"barcode": gtin, "barcode_type": "GS1"})
		item.save()
	return item


def pages(pdf: bytes) -> int:
	from pypdf import PdfReader

	return len(PdfReader(io.BytesIO(pdf)).pages)


def response_body() -> bytes | str:
	return frappe.local.response.filecontent


class TestThousandLabels(TestCase):
	"""A receipt of 1,000 units: 333 phones (each its serial) and 667 boxes of one lot."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		suffix = frappe.generate_hash(length=5).upper()
		phone = with_barcode(
			make_item(f"_DUX Mille Phone {suffix}", "Serial", item_name="Smartphone A15"), PHONE_GTIN
		)
		pills = with_barcode(
			make_item(f"_DUX Mille Doliprane {suffix}", "Lot", item_name="Doliprane 1000 mg"), PILLS_GTIN
		)
		cls.serials = [f"M{suffix}{n:04d}" for n in range(333)]
		cls.lot = f"L{suffix}"
		cls.expiry = getdate(add_days(nowdate(), 400))
		receipt = frappe.get_doc(
			{
				"doctype": "Purchase Receipt",
				"company": COMPANY,
				"supplier": SUPPLIER,
				"currency": CURRENCY,
				"items": [
					{
						"item_code": phone.name,
						"qty": 333,
						"rate": 2500,
						"warehouse": STORES,
						"use_serial_batch_fields": 1,
						"serial_no": "\n".join(cls.serials),
					},
					{
						"item_code": pills.name,
						"qty": 667,
						"rate": 20,
						"warehouse": STORES,
						"dux_lot_no": cls.lot,
						"dux_expiry_date": cls.expiry,
					},
				],
			}
		).insert()
		receipt.submit()
		cls.receipt = receipt.name
		expiry = cls.expiry.strftime("%y%m%d")
		cls.expected = [f"(01){PHONE_GTIN}(21){serial}" for serial in cls.serials]
		cls.expected += [f"(01){PILLS_GTIN}(17){expiry}(10){cls.lot}"] * 667

	def download(self, template: str) -> bytes:
		from dux_trace.api.labels import download_labels

		with acting_as("Stock User"):
			download_labels("Purchase Receipt", self.receipt, template)
			return response_body()

	def test_1000_labels_on_a4_sheets_decode_completely_at_300_dpi(self):
		pdf = self.download(A4)
		self.assertEqual(pages(pdf), 42)  # 24 a sheet
		self.assertLessEqual(len(pdf), 3 * 1024 * 1024)
		self.assertEqual(decode_pdf(pdf, frappe.get_doc("Dux Label Template", A4), dpi=300), self.expected)

	def test_1000_labels_on_a_roll_decode_completely_at_300_dpi(self):
		pdf = self.download(ROLL)
		self.assertEqual(pages(pdf), 1000)
		self.assertLessEqual(len(pdf), 3 * 1024 * 1024)
		self.assertEqual(decode_pdf(pdf, frappe.get_doc("Dux Label Template", ROLL), dpi=300), self.expected)


class TestLabelsFromLists(TestCase):
	"""Lots and serials selected in their lists (or opened in their forms), N labels each."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		suffix = frappe.generate_hash(length=5).upper()
		cls.pills = with_barcode(
			make_item(f"_DUX Liste Doliprane {suffix}", "Lot", item_name="Doliprane 500 mg"), PILLS_GTIN
		).name
		cls.expiry = getdate(add_days(nowdate(), 300))
		cls.lots = [make_lot(cls.pills, f"LL{suffix}{n}", cls.expiry) for n in range(3)]
		cls.medicine = with_barcode(
			make_item(
				f"_DUX Liste Amoxicilline {suffix}",
				"Lot",
				item_name="Amoxicilline 1 g",
				dux_is_medicine=1,
				dux_short_name="Amox 1g",
			),
			MEDICINE_GTIN,
		).name
		cls.medicine_lots = [make_lot(cls.medicine, f"AM{suffix}{n}", cls.expiry) for n in range(4)]
		cls.tyre = make_item(f"_DUX Liste Pneu {suffix}", "Lot", item_name="Pneu 205/55 R16")
		cls.tyre_lot = make_lot(cls.tyre.name, f"PN{suffix}", add_days(nowdate(), 1800))
		frappe.db.set_value("Batch", cls.tyre_lot, "dux_dot_code", "2423")
		cls.dm_template = frappe.get_doc(
			{
				"doctype": "Dux Label Template",
				"template_name": f"_DUX A4 DataMatrix {suffix}",
				"page": "A4",
				"barcode": "GS1 DataMatrix",
				"label_width_mm": 70,
				"label_height_mm": 37,
				"rows": 8,
				"columns": 3,
			}
		).insert()

	# ERPNext lets Item Managers read lots (Batch); the storekeeper who labels them holds both roles
	def print_rows(self, rows, template=A4, output="PDF", roles=("Stock User", "Item Manager")):
		from dux_trace.api.labels import print_labels

		with acting_as(*roles):
			print_labels(json.dumps(rows), template, output)
			return response_body()

	def test_three_lots_selected_in_the_batch_list_two_labels_each_give_six_labels(self):
		rows = [{"doctype": "Batch", "name": lot, "qty": 2} for lot in self.lots]
		pdf = self.print_rows(rows)
		expiry = self.expiry.strftime("%y%m%d")
		expected = [f"(01){PILLS_GTIN}(17){expiry}(10){lot}" for lot in self.lots for _ in range(2)]
		self.assertEqual(decode_pdf(pdf, frappe.get_doc("Dux Label Template", A4), dpi=300), expected)
		text = pdf_text(pdf)
		for lot in self.lots:
			self.assertEqual(text.count(lot), 2 * 2, text)  # the lot line and the human-readable code

	def test_a_medicine_gets_a_gs1_datamatrix_that_decodes_with_fnc1(self):
		import zxingcpp

		rows = [{"doctype": "Batch", "name": lot, "qty": 6} for lot in self.medicine_lots]
		pdf = self.print_rows(rows)  # "Auto" template: medicines get a GS1 DataMatrix
		expiry = self.expiry.strftime("%y%m%d")
		expected = [
			f"(01){MEDICINE_GTIN}(17){expiry}(10){lot}" for lot in self.medicine_lots for _ in range(6)
		]
		self.assertEqual(decode_pdf(pdf, frappe.get_doc("Dux Label Template", A4), dpi=300), expected)
		# and a sheet of the DataMatrix template: the symbols are GS1 DataMatrix (]d2: FNC1 first)
		pdf = self.print_rows(rows[:1], template=self.dm_template.name)
		found = read_symbols(pdf)
		self.assertTrue(found)
		self.assertTrue(all(r.format == zxingcpp.BarcodeFormat.DataMatrix for r in found), found)
		self.assertTrue(
			all(r.symbology_identifier == "]d2" for r in found), [r.symbology_identifier for r in found]
		)

	def test_zpl_of_a_gs1_datamatrix_carries_the_fnc1_mode(self):
		zpl = self.print_rows([{"doctype": "Batch", "name": self.medicine_lots[0], "qty": 2}], output="ZPL")
		expiry = self.expiry.strftime("%y%m%d")
		self.assertEqual(zpl.count("^XA"), 2)
		# ^BX quality 200 with '_' as its escape character, data starting with _1 (FNC1)
		self.assertRegex(
			zpl,
			r"\^BXN,\d+,200,,,,_\^FH\\\^FD_101"
			+ MEDICINE_GTIN
			+ "17"
			+ expiry
			+ "10"
			+ self.medicine_lots[0],
		)
		self.assertIn(f"(10){self.medicine_lots[0]}", zpl)  # the human-readable lines beside it

	def test_short_name_and_dot_are_printed_when_the_template_shows_them(self):
		template = frappe.get_doc("Dux Label Template", A4)
		template.show_short_name = 1
		template.save()
		try:
			pdf = self.print_rows(
				[
					{"doctype": "Batch", "name": self.medicine_lots[0], "qty": 1},
					{"doctype": "Batch", "name": self.tyre_lot, "qty": 1},
				]
			)
		finally:
			template.reload()
			template.show_short_name = 0
			template.save()
		text = pdf_text(pdf)
		self.assertIn("Amox 1g", text)
		self.assertIn("DOT: 2423", text)
		self.assertIn(f"Lot: {self.tyre_lot}", text)

	def test_a_wrong_number_of_labels_or_an_unknown_lot_is_refused_in_french(self):
		with self.assertRaises(frappe.ValidationError) as refused:
			self.print_rows([{"doctype": "Batch", "name": self.lots[0], "qty": "deux"}])
		self.assertIn("nombre d'étiquettes", str(refused.exception))
		with self.assertRaises(frappe.ValidationError) as refused:
			self.print_rows([{"doctype": "Batch", "name": "PAS-UN-LOT", "qty": 1}])
		self.assertIn("PAS-UN-LOT", str(refused.exception))
		self.assertIn("n'existe pas", str(refused.exception))

	def test_a_role_that_may_not_print_lots_gets_no_label(self):
		# ERPNext gives Stock Users no access to Batch: no lot label for them either
		with self.assertRaises(frappe.PermissionError) as refused:
			self.print_rows([{"doctype": "Batch", "name": self.lots[0], "qty": 1}], roles=("Stock User",))
		self.assertIn("pas autorisé à imprimer", str(refused.exception))

	def test_serial_labels_from_the_serial_no_list_for_a_stock_user(self):
		from dux_trace.tests.test_serials import stock_serials

		phone = with_barcode(
			make_item(f"_DUX Liste Phone {self.lots[0]}", "Serial", item_name="Smartphone A15"),
			"03760000000017",
		)
		serials = stock_serials(phone.name, 2)
		pdf = self.print_rows(
			[{"doctype": "Serial No", "name": serial, "qty": 1} for serial in serials], roles=("Stock User",)
		)
		expected = [f"(01)03760000000017(21){serial}" for serial in serials]
		self.assertEqual(decode_pdf(pdf, frappe.get_doc("Dux Label Template", A4), dpi=300), expected)


def read_symbols(pdf: bytes, dpi: int = 300):
	import os
	import subprocess
	import tempfile

	import zxingcpp
	from PIL import Image

	with tempfile.TemporaryDirectory() as folder:
		path = os.path.join(folder, "labels.pdf")
		with open(path, "wb") as f:
			f.write(pdf)
		subprocess.run(["pdftoppm", "-r", str(dpi), "-png", path, os.path.join(folder, "page")], check=True)
		found = []
		for page in sorted(p for p in os.listdir(folder) if p.endswith(".png")):
			found += zxingcpp.read_barcodes(Image.open(os.path.join(folder, page)).convert("L"))
		return found


class TestDeliveryNoteLabels(TestCase):
	def test_labels_for_what_leaves_carry_the_lot_fefo_chose(self):
		from dux_trace.api.labels import download_labels
		from dux_trace.tests.utils import make_outgoing

		suffix = frappe.generate_hash(length=5).upper()
		item = with_barcode(
			make_item(f"_DUX BL Yaourt {suffix}", "Lot", item_name="Yaourt nature"), PILLS_GTIN
		).name
		soon, later = getdate(add_days(nowdate(), 20)), getdate(add_days(nowdate(), 90))
		make_lot(item, f"YS{suffix}", soon)
		make_lot(item, f"YL{suffix}", later)
		receive(item, 5, batch_no=f"YL{suffix}")
		receive(item, 5, batch_no=f"YS{suffix}")
		delivery = make_outgoing("Delivery Note", item, 3)
		delivery.submit()
		with acting_as("Stock User"):
			download_labels("Delivery Note", delivery.name, A4)
			pdf = response_body()
		expected = [f"(01){PILLS_GTIN}(17){soon.strftime('%y%m%d')}(10)YS{suffix}"] * 3
		self.assertEqual(decode_pdf(pdf, frappe.get_doc("Dux Label Template", A4), dpi=300), expected)


class TestTemplateEditorPreview(TestCase):
	def test_the_preview_shows_the_unsaved_template_and_refuses_what_does_not_fit(self):
		from dux_trace.api.labels import preview_label

		template = frappe.get_doc("Dux Label Template", ROLL).as_dict()
		template.update({"show_short_name": 1, "font_size_percent": 120, "barcode": "QR Code"})
		with acting_as("Stock Manager"):
			html = preview_label(json.dumps(template, default=str))
			self.assertIn("Doliprane 1 g x8", html)  # the example's short name
			self.assertIn("dux-matrix", html)  # a QR code is a square symbol
			template["font_size_percent"] = 400
			with self.assertRaises(frappe.ValidationError) as refused:
				preview_label(json.dumps(template, default=str))
			self.assertIn("Font size", str(refused.exception))
		with acting_as("Stock User"):
			self.assertIn("dux-label", preview_label(ROLL))  # a saved template: any reader
			with self.assertRaises(frappe.PermissionError):
				preview_label(json.dumps(template, default=str))
