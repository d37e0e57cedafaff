"""Lot labels print the item, the lot, its expiry and a GS1-128 barcode carrying them."""

import io
import os
import re
import shutil
import subprocess
import tempfile

import frappe
from frappe.utils import add_days, nowdate

from dux_trace.compat import TestCase, change_settings
from dux_trace.tests.utils import (
	COMPANY,
	CURRENCY,
	STORES,
	SUPPLIER,
	acting_as,
	make_item,
	make_lot,
	make_user,
)

A4 = "A4 3 x 8 (70 x 37 mm)"
ROLL = "Roll 50 x 30 mm"


class TestLotLabel(TestCase):
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


class TestLabelSheets(TestCase):
	"""A Purchase Receipt of 3 phones (serials) and 10 boxes of one lot prints 13 labels; the PDF,
	turned into PNG by pdftoppm, decodes back to the GS1 data of each unit."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		from dux_trace.tests.test_serials import imeis

		suffix = frappe.generate_hash(length=5)
		cls.phone = make_item(f"_DUX Label Phone {suffix}", "Serial", item_name="Smartphone A15")
		cls.phone.append("barcodes", {"barcode": "03760000000017", "barcode_type": "GS1"})
		cls.phone.save()
		cls.pills = make_item(f"_DUX Label Doliprane {suffix}", "Lot", item_name="Doliprane 1000 mg")
		cls.pills.append("barcodes", {"barcode": "03400935955838", "barcode_type": "GS1"})
		cls.pills.save()
		cls.serials = imeis(3)
		cls.lot = f"DOL{suffix.upper()}"
		cls.expiry = frappe.utils.getdate(add_days(nowdate(), 400))
		receipt = frappe.get_doc(
			{
				"doctype": "Purchase Receipt",
				"company": COMPANY,
				"supplier": SUPPLIER,
				"currency": CURRENCY,
				"items": [
					{
						"item_code": cls.phone.name,
						"qty": 3,
						"rate": 2500,
						"warehouse": STORES,
						"use_serial_batch_fields": 1,
						"serial_no": "\n".join(cls.serials),
					},
					{
						"item_code": cls.pills.name,
						"qty": 10,
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

	def test_one_label_per_unit_received(self):
		from dux_trace.stock.labels import labels_for_document

		labels = labels_for_document("Purchase Receipt", self.receipt)
		self.assertEqual(len(labels), 13)
		self.assertEqual(sorted(label.serial for label in labels if label.serial), sorted(self.serials))
		self.assertEqual(sum(1 for label in labels if label.lot == self.lot), 10)

	def test_the_pdf_sheet_decodes_to_the_gs1_data_of_each_unit(self):
		from dux_trace.stock.labels import labels_for_document, sheet_pdf

		template = frappe.get_doc("Dux Label Template", "A4 3 x 8 (70 x 37 mm)")
		pdf = sheet_pdf(labels_for_document("Purchase Receipt", self.receipt), template)
		self.assertTrue(pdf.startswith(b"%PDF"))
		expected = [f"(01)03760000000017(21){serial}" for serial in self.serials]
		expected += [f"(01)03400935955838(17){self.expiry.strftime('%y%m%d')}(10){self.lot}"] * 10
		# 3 phones + 10 boxes, all on one A4 sheet, each label read back on its own
		self.assertEqual(sorted(decode_pdf(pdf, template)), sorted(expected))

	def test_a_roll_prints_one_label_per_page_and_zpl_one_label_per_unit(self):
		from pypdf import PdfReader

		from dux_trace.stock.labels import labels_for_document, sheet_pdf, zpl

		template = frappe.get_doc("Dux Label Template", "Roll 50 x 30 mm")
		labels = labels_for_document("Purchase Receipt", self.receipt)
		pdf = sheet_pdf(labels, template)
		self.assertEqual(len(PdfReader(io.BytesIO(pdf)).pages), 13)
		# a 50 mm label cannot carry (01)(17)(10) in one symbol with bars a 300 dpi scan reads: it gets two
		expected = [f"(01)03760000000017(21){serial}" for serial in self.serials]
		expected += [f"(01)03400935955838(17){self.expiry.strftime('%y%m%d')}(10){self.lot}"] * 10
		self.assertEqual(sorted(decode_pdf(pdf, template, dpi=300)), sorted(expected))
		text = zpl(labels, template)
		self.assertEqual(text.count("^XA"), 13)
		self.assertIn(self.serials[0], text)

	def test_the_download_api_checks_permissions(self):
		from dux_trace.api.labels import download_labels

		frappe.set_user(make_user("sans.droits@dux-trace.test", []))
		try:
			with self.assertRaises(frappe.PermissionError):
				download_labels("Purchase Receipt", self.receipt, "Roll 50 x 30 mm")
		finally:
			frappe.set_user("Administrator")
		download_labels("Purchase Receipt", self.receipt, "Roll 50 x 30 mm", output="ZPL")
		self.assertEqual(frappe.local.response.filename, f"{frappe.scrub(self.receipt)}-labels.zpl")
		self.assertEqual(frappe.local.response.filecontent.count("^XA"), 13)


def decode_pdf(pdf: bytes, template, dpi: int = 600) -> list[str]:
	"""The barcode of each label on the PDF, read back one label at a time with zxing-cpp from
	pdftoppm's PNG pages (cropped at the label's place on the sheet), as GS1 HRI ("(01)...(21)...")
	when the symbol is GS1; "" for a label whose barcode does not decode."""
	import zxingcpp
	from PIL import Image

	from dux_trace.core.label_templates import position
	from dux_trace.stock.labels import template_layout

	if not shutil.which("pdftoppm"):
		raise RuntimeError("pdftoppm (Debian package poppler-utils) is needed to read the PDF back")
	layout = template_layout(template)
	px = dpi / 25.4
	with tempfile.TemporaryDirectory() as folder:
		path = os.path.join(folder, "labels.pdf")
		with open(path, "wb") as f:
			f.write(pdf)
		subprocess.run(["pdftoppm", "-r", str(dpi), "-png", path, os.path.join(folder, "page")], check=True)
		found = []
		for page in sorted(p for p in os.listdir(folder) if p.endswith(".png")):
			image = Image.open(os.path.join(folder, page)).convert("L")
			for index in range(layout.per_page):
				x, y = position(index, layout) if layout.page == "A4" else (0.0, 0.0)
				box = (x * px, y * px, (x + layout.label_width_mm) * px, (y + layout.label_height_mm) * px)
				left, top, right, bottom = (round(v) for v in box)
				label = image.crop((left, top, min(right, image.width), min(bottom, image.height)))
				if label.getextrema()[0] > 128:  # blank: no label there
					continue
				found.append(merge_gs1([gs1_hri(result) for result in zxingcpp.read_barcodes(label)]))
		return found


def merge_gs1(texts: list[str]) -> str:
	"""One HRI string for a label whose GS1 data is split over several symbols, AIs in label order;
	an AI read twice with two values (a neighbour's symbol in the label) shows both, joined by |."""
	order = ["01", "17", "10", "21"]
	found = re.findall(r"\((\d{2})\)([^(]*)", "".join(texts))
	elements = dict(found)
	if not elements:
		return "".join(texts)
	if len(set(found)) != len(elements):
		return "|".join(sorted(texts))
	return "".join(
		f"({ai}){elements[ai]}"
		for ai in sorted(elements, key=lambda ai: order.index(ai) if ai in order else len(order))
	)


def gs1_hri(result) -> str:
	"""zxing-cpp gives GS1 symbols' data with GS separators: shown here as (AI)value."""
	from dux_trace.core.gs1 import parse_scan

	if result.text.startswith("(") or not result.symbology_identifier.startswith("]C1"):
		return result.text
	scan = parse_scan("]C1" + result.text)
	return "".join(f"({ai}){value}" for ai, value in scan.elements.items())


class TestFullSheets(TestCase):
	"""A receipt of 30 units: 6 phones (serials), then 8 lines of 3 boxes, each line its own lot
	whose number (15 characters) makes (01)(17)(10) too long for one GS1-128 symbol on a 70 mm
	label. Every row of the A4 sheet holds one lot: a symbol that slid into the label below would
	give that label a second lot, and one that fell off the page would leave a label without its
	lot. Each label is cut out of the page by the template's grid and read on its own."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		from dux_trace.tests.test_serials import imeis

		suffix = frappe.generate_hash(length=5).upper()
		cls.phone = make_item(f"_DUX Sheet Phone {suffix}", "Serial", item_name="Smartphone A15 128 Go")
		cls.phone.append("barcodes", {"barcode": "03760000000017", "barcode_type": "GS1"})
		cls.phone.save()
		cls.pills = make_item(
			f"_DUX Sheet Doliprane {suffix}", "Lot", item_name="Doliprane 1000 mg comprimés boîte de 8"
		)
		cls.pills.append("barcodes", {"barcode": "03400935955838", "barcode_type": "GS1"})
		cls.pills.save()
		cls.price_list = f"_DUX Vente MAD {suffix}"
		frappe.get_doc(
			{"doctype": "Price List", "price_list_name": cls.price_list, "currency": CURRENCY, "selling": 1}
		).insert()
		frappe.get_doc(
			{
				"doctype": "Item Price",
				"item_code": cls.pills.name,
				"price_list": cls.price_list,
				"price_list_rate": 25,
			}
		).insert()
		cls.serials = imeis(6)
		cls.lots = [f"LOT-2025-{suffix}{n}" for n in range(8)]
		cls.expiry = frappe.utils.getdate(add_days(nowdate(), 400))
		rows = [
			{
				"item_code": cls.phone.name,
				"qty": 6,
				"rate": 2500,
				"warehouse": STORES,
				"use_serial_batch_fields": 1,
				"serial_no": "\n".join(cls.serials),
			}
		]
		rows += [
			{
				"item_code": cls.pills.name,
				"qty": 3,
				"rate": 20,
				"warehouse": STORES,
				"dux_lot_no": lot,
				"dux_expiry_date": cls.expiry,
			}
			for lot in cls.lots
		]
		# one item on several rows (one per lot): version-16 refuses it unless Buying Settings allow it
		with change_settings("Buying Settings", {"allow_multiple_items": 1}):
			receipt = frappe.get_doc(
				{
					"doctype": "Purchase Receipt",
					"company": COMPANY,
					"supplier": SUPPLIER,
					"currency": CURRENCY,
					"items": rows,
				}
			).insert()
			receipt.submit()
		cls.receipt = receipt.name
		expiry = cls.expiry.strftime("%y%m%d")
		cls.expected = [f"(01)03760000000017(21){serial}" for serial in cls.serials]
		cls.expected += [f"(01)03400935955838(17){expiry}(10){lot}" for lot in cls.lots for _ in range(3)]

	def labels(self):
		from dux_trace.stock.labels import labels_for_document

		with change_settings("Selling Settings", {"selling_price_list": self.price_list}):
			return labels_for_document("Purchase Receipt", self.receipt)

	def test_a_full_a4_sheet_of_24_labels_decodes_label_by_label(self):
		from pypdf import PdfReader

		from dux_trace.stock.labels import sheet_pdf

		labels = self.labels()[:24]
		template = frappe.get_doc("Dux Label Template", A4)
		pdf = sheet_pdf(labels, template)
		self.assertEqual(len(PdfReader(io.BytesIO(pdf)).pages), 1)
		# row 8 too: every label its own GTIN, lot and expiry (or serial), in sheet order
		self.assertEqual(decode_pdf(pdf, template), self.expected[:24])

	def test_thirty_labels_downloaded_by_a_stock_user_fill_two_sheets_that_decode_label_by_label(self):
		from pypdf import PdfReader

		from dux_trace.api.labels import download_labels

		with change_settings("Selling Settings", {"selling_price_list": self.price_list}):
			with acting_as("Stock User"):
				download_labels("Purchase Receipt", self.receipt, A4)
				pdf = frappe.local.response.filecontent
		self.assertEqual(len(PdfReader(io.BytesIO(pdf)).pages), 2)
		self.assertEqual(decode_pdf(pdf, frappe.get_doc("Dux Label Template", A4)), self.expected)

	def test_the_roll_decodes_label_by_label(self):
		from pypdf import PdfReader

		from dux_trace.stock.labels import sheet_pdf

		template = frappe.get_doc("Dux Label Template", ROLL)
		pdf = sheet_pdf(self.labels(), template)
		self.assertEqual(len(PdfReader(io.BytesIO(pdf)).pages), 30)
		self.assertEqual(decode_pdf(pdf, template, dpi=300), self.expected)

	def test_a_lot_and_a_serial_too_long_for_two_gs1_128_symbols_get_a_gs1_datamatrix(self):
		from dux_trace.core.label_sheets import plan_label
		from dux_trace.core.label_templates import LabelData
		from dux_trace.stock.labels import sheet_pdf, template_fields, template_layout

		expiry = self.expiry.strftime("%y%m%d")
		labels = [
			LabelData(
				item_code=self.phone.name,
				item_name="Smartphone A15 128 Go",
				price_text="2 990.00 MAD",
				lot="LOT-2025-ABCDEFGHIJ",
				expiry=self.expiry,
				serial=f"SN-{n:02d}-{frappe.generate_hash(length=14).upper()}",
				gtin="03760000000017",
			)
			for n in range(26)
		]
		expected = [f"(01)03760000000017(17){expiry}(10){label.lot}(21){label.serial}" for label in labels]
		for name, dpi in ((A4, 600), (ROLL, 300)):
			template = frappe.get_doc("Dux Label Template", name)
			plan = plan_label(labels[0], template_layout(template), template_fields(template))
			self.assertEqual([symbol.symbology for symbol in plan.symbols], ["gs1_datamatrix"], name)
			pdf = sheet_pdf(labels, template)
			self.assertEqual(decode_pdf(pdf, template, dpi=dpi), expected, name)

	def test_the_price_prints_with_the_currency_code_not_an_arabic_symbol(self):
		from dux_trace.stock.labels import sheet_pdf

		labels = self.labels()
		self.assertEqual(labels[-1].price_text, "25.00 MAD")
		with acting_as("Stock User"):
			pdf = sheet_pdf(labels[6:9], frappe.get_doc("Dux Label Template", A4))
		# what wkhtmltopdf drew: the PDF's text, as poppler reads it back
		text = pdf_text(pdf)
		self.assertEqual(text.count("25.00 MAD TTC"), 3, text)
		self.assertNotIn("\u201a", text)
		self.assertFalse(re.search(r"[\u0600-\u06ff]", text), text)


def pdf_text(pdf: bytes) -> str:
	with tempfile.TemporaryDirectory() as folder:
		path = os.path.join(folder, "labels.pdf")
		with open(path, "wb") as f:
			f.write(pdf)
		return subprocess.run(
			["pdftotext", "-layout", path, "-"], check=True, capture_output=True, text=True
		).stdout


class TestItemAndSerialLabels(TestCase):
	def test_item_label_shows_price_incl_tax_and_an_ean13(self):
		item = make_item("_DUX Label Yaourt", item_name="Yaourt nature 4 x 125 g")
		if not item.barcodes:
			item.append("barcodes", {"barcode": "6111245670010", "barcode_type": "EAN"})
			item.save()
		if not frappe.db.exists("Item Price", {"item_code": item.name, "price_list": "Standard Selling"}):
			frappe.get_doc(
				{
					"doctype": "Item Price",
					"item_code": item.name,
					"price_list": "Standard Selling",
					"price_list_rate": 12.5,
				}
			).insert()
		html = frappe.get_print("Item", item.name, print_format="Dux Item Label")
		self.assertIn("Yaourt nature 4 x 125 g", html)
		self.assertIn("12.50", html)
		self.assertIn(">6111245670010<", html.replace(" ", ""))  # EAN-13 human-readable digits

	def test_the_price_on_labels_includes_the_items_vat(self):
		from dux_trace.stock.labels import price_incl_tax

		tax_account = frappe.db.get_value(
			"Account", {"company": COMPANY, "account_type": "Tax", "is_group": 0}
		)
		self.assertTrue(tax_account, "the test company's chart has a tax account")
		template = frappe.get_doc(
			{
				"doctype": "Item Tax Template",
				"title": f"TVA 20 {frappe.generate_hash(length=4)}",
				"company": COMPANY,
				"taxes": [{"tax_type": tax_account, "tax_rate": 20}],
			}
		).insert()
		item = make_item(f"_DUX Label TVA {frappe.generate_hash(length=4)}")
		item.append("taxes", {"item_tax_template": template.name})
		item.save()
		frappe.get_doc(
			{
				"doctype": "Item Price",
				"item_code": item.name,
				"price_list": "Standard Selling",
				"price_list_rate": 100,
			}
		).insert()
		self.assertIn("120.00", price_incl_tax(item.name))

	def test_serial_label_carries_gtin_and_serial_in_gs1_128(self):
		from dux_trace.tests.test_serials import stock_serials

		phone = make_item("_DUX Label Serie", "Serial", item_name="Smartphone A15")
		if not phone.barcodes:
			phone.append("barcodes", {"barcode": "03760000000017", "barcode_type": "GS1"})
			phone.save()
		serial = stock_serials(phone.name, 1)[0]
		html = frappe.get_print("Serial No", serial, print_format="Dux Serial No Label")
		self.assertIn(f"(01)03760000000017(21){serial}", html)
