"""ERPNext's Point of Sale in a real browser (headless Chromium through Playwright, against this
site served by Frappe's own web server), as the French till clerk a shop creates: Sales User,
Stock User and Accounts User (ERPNext's Point of Sale page opens for Sales User and Accounts User;
Sales Manager is not needed; ERPNext's own search of a barcode or serial would also want Sales Master
Manager, to list Item Prices: overrides.barcode_scan answers it for the clerk).

- the phone's item code typed + Enter in the item search asks "Lequel vendez-vous ?"; a phone
  already sold is refused there in French and the cart stays empty; one in stock goes in the cart
  with its serial;
- a GS1 code carrying the phone's GTIN (01) and serial (21), and a serial number alone, each add the
  phone with its serial in one scan; a serial already sold opens the dialog with the refusal;
- a charger (no serial numbers) is added by ERPNext as before, without a dialog;
- on version-16, the same with the Point of Sale making Sales Invoices (POS Settings invoice_type).

Needs Chromium (`/usr/bin/chromium`, or DUX_TRACE_CHROMIUM) and the `playwright` package: a machine
without them fails this test rather than skipping it, unless DUX_TRACE_SKIP_BROWSER=1 is set.
"""

import os

import frappe
from frappe.utils.password import update_password

from dux_trace.tests.browser import BrowserTestCase, skip_without_browser
from dux_trace.tests.test_serials import sale, serial_item, stock_serials
from dux_trace.tests.utils import CURRENCY, make_item, make_pos_profile, open_pos, receive, role_user

PASSWORD = "Caisse-Test-2026!"
PROFILE = "Dux Caisse Scan"
PRICE_LIST = "Dux Caisse MAD"
SHOTS = "/tmp/dux_trace"


def gtin14(body: str) -> str:
	"""A GTIN-14 of 13 digits and its GS1 check digit."""
	total = sum(int(digit) * (3 if position % 2 == 0 else 1) for position, digit in enumerate(reversed(body)))
	return body + str((10 - total % 10) % 10)


def sales_invoice_mode_exists() -> bool:
	return frappe.get_meta("POS Settings").has_field("invoice_type")


@skip_without_browser
class TestSerialScanAtThePointOfSale(BrowserTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		run = frappe.generate_hash(length=5).upper()
		cls.clerk = role_user("Sales User", "Stock User", "Accounts User")
		update_password(cls.clerk, PASSWORD)

		cls.phone_name = f"Galaxy S24 {run}"
		cls.phone = serial_item(cls.phone_name, item_name=cls.phone_name)
		cls.gtin = gtin14("0376" + str(int(frappe.generate_hash(length=8), 16))[-9:].zfill(9))
		item = frappe.get_doc("Item", cls.phone)
		item.append("barcodes", {"barcode": cls.gtin, "barcode_type": "GS1"})
		item.save()
		cls.charger_name = f"Chargeur USB-C {run}"
		cls.charger = make_item(f"_DUX Chargeur {run}", item_name=cls.charger_name).name
		receive(cls.charger, 10)
		# the till's prices in dirhams, the invoice's currency (ERPNext's cart adds a unit to a line
		# of the same price: with a price list in another currency, each scan would get its own line)
		if not frappe.db.exists("Price List", PRICE_LIST):
			frappe.get_doc(
				{"doctype": "Price List", "price_list_name": PRICE_LIST, "currency": CURRENCY, "selling": 1}
			).insert()
		cls.prices = [
			frappe.get_doc(
				{
					"doctype": "Item Price",
					"item_code": code,
					"price_list": PRICE_LIST,
					"price_list_rate": rate,
				}
			)
			.insert()
			.name
			for code, rate in ((cls.phone, 900), (cls.charger, 20))
		]
		cls.serials = stock_serials(cls.phone, 5)
		# a phone sold over the counter on an invoice: no longer in stock
		cls.sold = cls.serials.pop()
		invoice = sale("Sales Invoice", cls.phone, [cls.sold], update_stock=1).insert()
		invoice.submit()
		cls.invoice = invoice.name

		# the clerk's till: its own profile and cash drawer, opened today
		make_pos_profile(PROFILE)
		frappe.db.set_value("POS Profile", PROFILE, "selling_price_list", PRICE_LIST)
		for entry in frappe.get_all(
			"POS Opening Entry", {"pos_profile": PROFILE, "status": "Open", "docstatus": 1}
		):
			frappe.get_doc("POS Opening Entry", entry.name).cancel()
		cls.opening = open_pos(PROFILE, cls.clerk)
		cls.invoice_type = (
			frappe.db.get_single_value("POS Settings", "invoice_type")
			if sales_invoice_mode_exists()
			else None
		)
		frappe.db.commit()  # the web server reads what is committed
		cls.start_server()
		os.makedirs(SHOTS, exist_ok=True)

	@classmethod
	def tearDownClass(cls):
		cls.stop_server()
		frappe.db.rollback()
		if cls.invoice_type:
			frappe.db.set_single_value("POS Settings", "invoice_type", cls.invoice_type)
		for doctype in ("POS Invoice", "Sales Invoice"):  # drafts the till may have saved
			for name in frappe.get_all(doctype, {"owner": cls.clerk, "docstatus": 0}, pluck="name"):
				frappe.delete_doc(doctype, name, force=True)
		for doctype, name in (("Sales Invoice", cls.invoice), ("POS Opening Entry", cls.opening)):
			doc = frappe.get_doc(doctype, name)
			if doc.docstatus == 1:
				doc.cancel()
		for name in cls.prices:
			frappe.delete_doc("Item Price", name, force=True)
		frappe.db.commit()
		super().tearDownClass()

	# the till --------------------------------------------------------------------------------------

	def open_till(self, playwright):
		from playwright.sync_api import expect

		browser, page = self.open_browser(playwright, self.clerk, PASSWORD)
		page.goto("/app/point-of-sale")
		search = page.locator(".items-selector .search-field input")
		expect(search).to_be_visible()
		expect(page.locator(".customer-section")).to_contain_text("Épicerie Atlas")
		return browser, page, search

	def scan_in_search(self, page, search, code: str, tile: str):
		"""Type the code in ERPNext's item search, wait for its answer (one item), press Enter."""
		from playwright.sync_api import expect

		search.fill(code)
		tiles = page.locator(".items-container .item-wrapper")
		expect(tiles.and_(page.locator(tile))).to_have_count(1)
		expect(tiles).to_have_count(1)
		search.press("Enter")

	def cart_rows(self, page) -> list:
		return page.evaluate(
			"""() => cur_pos.frm.doc.items.map((row) => ({
				item_code: row.item_code, qty: row.qty, serial_no: (row.serial_no || "").trim(),
				batch_no: row.batch_no || null, scanned: (row.dux_scanned_serials || "").trim(),
				use_serial_batch_fields: row.use_serial_batch_fields,
			}))"""
		)

	def assert_cart_serials(self, lines, serials: list[str]):
		"""The cart's lines of the item show these serials, in this order, and as many units."""
		from playwright.sync_api import expect

		expect(lines.locator(".dux-cart-serials").last).to_contain_text(serials[-1])
		shown = [
			text.removeprefix("N° de série : ").split(", ")
			for text in lines.locator(".dux-cart-serials").all_inner_texts()
		]
		self.assertEqual([serial for line in shown for serial in line], serials)
		quantities = [text.split()[0] for text in lines.locator(".item-qty").all_inner_texts()]
		self.assertEqual(quantities, [str(len(line)) for line in shown])

	def sell_phone_through_the_dialog(self, page, search, serial: str):
		"""The phone's code asks which one; the sold phone is refused in French, then this one is
		added."""
		from playwright.sync_api import expect

		self.scan_in_search(page, search, self.phone, f'.item-wrapper[title="{self.phone_name}"]')
		dialog = page.locator(".dux-pos-serial-scan.modal.show")
		expect(dialog.locator(".modal-title")).to_have_text("Lequel vendez-vous ?")
		scan = dialog.locator("input[data-dux-pos-scan]")
		expect(scan).to_be_focused()
		scan.fill(self.sold)
		scan.press("Enter")
		expect(dialog.locator(".dux-scan-message")).to_have_text(
			f"Le numéro de série {self.sold} n'est pas en stock (Livré)."
		)
		expect(page.locator(".cart-item-wrapper")).to_have_count(0)
		self.assertEqual(self.cart_rows(page), [])
		page.screenshot(path=f"{SHOTS}/pos-serial-refused.png")

		scan.fill(serial)
		scan.press("Enter")
		expect(dialog).to_have_count(0)
		cart = page.locator(".cart-item-wrapper")
		expect(cart).to_have_count(1)
		expect(cart).to_contain_text(self.phone_name)
		expect(cart.locator(".dux-cart-serials")).to_have_text(f"N° de série : {serial}")

	def test_the_till_asks_which_phone_then_scans_serials_and_gs1_codes_directly(self):
		from playwright.sync_api import expect, sync_playwright

		first, by_gs1, by_serial = self.serials[:3]
		with sync_playwright() as playwright:
			browser, page, search = self.open_till(playwright)
			try:
				self.sell_phone_through_the_dialog(page, search, first)
				expect(page.locator(".cart-item-wrapper .item-qty")).to_have_text("1 Nos")

				# a GS1 code: GTIN + serial, one scan, no dialog
				self.scan_in_search(
					page, search, f"]d201{self.gtin}21{by_gs1}", f'.item-wrapper[data-serial-no="{by_gs1}"]'
				)
				# ERPNext puts a unit on the phone's line (version-16) or on a line of its own (version-15,
				# whose line matching misses the first one): each line shows its serials
				phone = page.locator(".cart-item-wrapper").filter(has_text=self.phone_name)
				self.assert_cart_serials(phone, [first, by_gs1])
				# a serial number alone
				self.scan_in_search(page, search, by_serial, f'.item-wrapper[data-serial-no="{by_serial}"]')
				self.assert_cart_serials(phone, [first, by_gs1, by_serial])
				expect(page.locator(".dux-pos-serial-scan.modal.show")).to_have_count(0)

				# the sold phone scanned directly: refused in the dialog, nothing added
				self.scan_in_search(page, search, self.sold, f'.item-wrapper[data-serial-no="{self.sold}"]')
				dialog = page.locator(".dux-pos-serial-scan.modal.show")
				expect(dialog.locator(".modal-title")).to_have_text("Lequel vendez-vous ?")
				expect(dialog.locator(".dux-scan-message")).to_have_text(
					f"Le numéro de série {self.sold} n'est pas en stock (Livré)."
				)
				# the same phone twice
				dialog.locator("input[data-dux-pos-scan]").fill(first)
				dialog.locator("input[data-dux-pos-scan]").press("Enter")
				expect(dialog.locator(".dux-scan-message")).to_have_text(
					f"Le numéro de série {first} a déjà été scanné."
				)
				# the clerk gives up: Escape, typed where the scanner types
				dialog.locator("input[data-dux-pos-scan]").press("Escape")
				expect(dialog).to_have_count(0)

				# a charger has no serial numbers: ERPNext adds it, no dialog
				self.scan_in_search(page, search, self.charger, f'.item-wrapper[title="{self.charger_name}"]')
				charger = page.locator(".cart-item-wrapper").filter(has_text=self.charger_name)
				expect(charger.locator(".item-qty")).to_have_text("1 Nos")
				expect(charger.locator(".dux-cart-serials")).to_have_count(0)
				expect(page.locator(".modal.show")).to_have_count(0)
				page.screenshot(path=f"{SHOTS}/pos-serial-cart.png")

				rows = self.cart_rows(page)
				self.assertEqual(
					page.evaluate("() => cur_pos.frm.doctype"), self.invoice_type or "POS Invoice"
				)
			finally:
				browser.close()
		*phones, charger_row = rows
		self.assertEqual({row["item_code"] for row in phones}, {self.phone})
		self.assertEqual(
			[serial for row in phones for serial in row["serial_no"].split()], [first, by_gs1, by_serial]
		)
		self.assertEqual([row["qty"] for row in phones], [len(row["serial_no"].split()) for row in phones])
		self.assertEqual(
			[row["scanned"].split() for row in phones], [row["serial_no"].split() for row in phones]
		)
		self.assertEqual({row["use_serial_batch_fields"] for row in phones}, {1})
		self.assertEqual(
			(charger_row["item_code"], charger_row["qty"], charger_row["serial_no"]), (self.charger, 1, "")
		)

	def test_the_dialog_works_when_the_till_makes_sales_invoices(self):
		from playwright.sync_api import sync_playwright

		if not sales_invoice_mode_exists():
			self.skipTest("POS Settings has no invoice type (version-15 makes POS Invoices)")
		frappe.db.set_single_value("POS Settings", "invoice_type", "Sales Invoice")
		frappe.db.commit()
		serial = self.serials[3]
		try:
			with sync_playwright() as playwright:
				browser, page, search = self.open_till(playwright)
				try:
					self.sell_phone_through_the_dialog(page, search, serial)
					self.assertEqual(page.evaluate("() => cur_pos.frm.doctype"), "Sales Invoice")
					rows = self.cart_rows(page)
				finally:
					browser.close()
		finally:
			frappe.db.set_single_value("POS Settings", "invoice_type", self.invoice_type)
			frappe.db.commit()
		self.assertEqual([(row["item_code"], row["serial_no"]) for row in rows], [(self.phone, serial)])
