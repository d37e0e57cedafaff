"""The serial scan dialog in a real browser: headless Chromium (Debian's) driven by Playwright
against this site served by Frappe's own web server.

A storekeeper opens a Purchase Receipt of 3 phones, scans three serials (each scan = text +
Enter), scans one of them twice and sees it refused, closes the dialog, saves and submits; scanning
is required by the settings, so the submission proves that every unit was scanned.

Needs Chromium (`/usr/bin/chromium`, or DUX_TRACE_CHROMIUM) and the `playwright` package: a machine
without them fails this test rather than skipping it, unless DUX_TRACE_SKIP_BROWSER=1 is set.
"""

import os
import re

import frappe
from frappe.utils.password import update_password

from dux_trace.tests.browser import BrowserTestCase, skip_without_browser
from dux_trace.tests.test_serials import imeis, purchase_receipt, sale, serial_item, stock_serials
from dux_trace.tests.utils import CURRENCY, STORES, make_exchange_rate, make_user

USER = "magasinier@dux-trace.test"
PASSWORD = "Scan-Test-2026!"


@skip_without_browser
class TestSerialScanInBrowser(BrowserTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_user(USER, ["Stock User", "Stock Manager", "Purchase User", "Purchase Manager", "Item Manager"])
		frappe.db.set_value("User", USER, "language", "en")
		update_password(USER, PASSWORD)
		make_exchange_rate("USD", CURRENCY, 10.0)
		cls.item = serial_item()
		# a phone sold on an invoice, for the after-sales counter
		cls.sold = stock_serials(cls.item, 1)[0]
		invoice = sale("Sales Invoice", cls.item, [cls.sold], update_stock=1).insert()
		invoice.submit()
		cls.invoice = invoice.name
		cls.previous = frappe.db.get_single_value("Dux Trace Settings", "require_serial_scan_at_receipt")
		frappe.db.set_single_value("Dux Trace Settings", "require_serial_scan_at_receipt", 1)
		# undone even when the rest of the set-up fails (tearDownClass then does not run)
		cls.addClassCleanup(cls.restore_settings)
		receipt = purchase_receipt(cls.item, 3, [], scanned=[])
		receipt.items[0].use_serial_batch_fields = 1
		receipt.insert()
		cls.receipt = receipt.name
		frappe.db.commit()  # the web server reads what is committed

		cls.start_server()

	@classmethod
	def restore_settings(cls):
		frappe.db.rollback()
		frappe.db.set_single_value("Dux Trace Settings", "require_serial_scan_at_receipt", cls.previous or 0)
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		cls.stop_server()
		frappe.db.rollback()
		for doctype, name in (("Purchase Receipt", cls.receipt), ("Sales Invoice", cls.invoice)):
			doc = frappe.get_doc(doctype, name)
			if doc.docstatus == 1:
				doc.cancel()
		frappe.db.commit()
		super().tearDownClass()

	def browser_page(self, playwright):
		return self.open_browser(playwright, USER, PASSWORD)

	def test_the_after_sales_counter_tells_sold_here_and_never_sold(self):
		from playwright.sync_api import expect, sync_playwright

		with sync_playwright() as playwright:
			browser, page = self.browser_page(playwright)
			try:
				page.goto("/app/after-sales-counter")
				scan = page.locator("input[data-dux-after-sales]")
				scan.fill(self.sold)
				scan.press("Enter")
				expect(page.locator(".dux-verdict")).to_have_text("Sold Here")
				# a storekeeper may not read Sales Invoices: told when, not on which invoice
				expect(page.locator(".dux-message")).to_contain_text(
					"on a document you are not allowed to open"
				)
				expect(page.locator(".dux-message")).not_to_contain_text(self.invoice)
				expect(page.locator(".dux-message")).to_contain_text("Under warranty until")
				scan.fill(imeis(1)[0])
				scan.press("Enter")
				expect(page.locator(".dux-verdict")).to_have_text("Never Sold By Us")
				expect(page.locator(".dux-message")).to_contain_text("was not bought here")
			finally:
				browser.close()
		frappe.db.rollback()
		self.assertEqual(
			frappe.db.count("After-Sales Check", {"serial_no": self.sold, "checked_by": USER}), 1
		)

	def test_the_awesome_bar_offers_the_lot_trace_of_a_typed_lot(self):
		from playwright.sync_api import expect, sync_playwright

		with sync_playwright() as playwright:
			browser, page = self.browser_page(playwright)
			try:
				page.goto("/app")
				page.wait_for_load_state("networkidle")
				# version-15 focuses the navbar's search field, version-16 opens it in a dialog
				page.keyboard.press("Control+g")
				search = page.locator("#navbar-search:visible")
				search.fill("452")
				option = page.get_by_text("Lot Trace of 452")
				expect(option).to_be_visible()
				option.click()
				page.wait_for_url(re.compile(r"query-report/Lot"))
				expect(page.locator(".page-form input[data-fieldname=batch_no]")).to_have_value("452")
				expect(page.locator(".page-form input[data-fieldname=serial_no]")).to_have_value("452")
			finally:
				browser.close()

	def test_scan_three_serials_one_duplicate_refused_then_submit(self):
		from playwright.sync_api import expect, sync_playwright

		serials = imeis(3)
		with sync_playwright() as playwright:
			browser, page = self.browser_page(playwright)
			try:
				page.goto(f"/app/purchase-receipt/{self.receipt}")
				page.get_by_role("button", name="Scan Serial Nos").click()

				scan = page.locator("input[data-dux-scan]")
				expect(scan).to_be_visible()
				count = page.locator(".dux-scan-count")
				message = page.locator(".dux-scan-message")
				for done, serial in enumerate(serials[:2], start=1):
					scan.fill(serial)
					scan.press("Enter")
					expect(count).to_have_text(f"{done} of 3 scanned")
				scan.fill(serials[1])  # the same unit again
				scan.press("Enter")
				expect(message).to_contain_text("was already scanned")
				expect(count).to_have_text("2 of 3 scanned")
				os.makedirs("/tmp/dux_trace", exist_ok=True)
				page.screenshot(path="/tmp/dux_trace/serial-scan-dialog.png")
				scan.fill(serials[2])
				scan.press("Enter")
				expect(count).to_have_text("3 of 3 scanned")
				page.locator(".dux-serial-scan .modal-footer .btn-primary").click()

				page.keyboard.press("Control+s")
				expect(page.locator(".indicator-pill").filter(has_text="Not Saved")).to_have_count(0)
				page.screenshot(path="/tmp/dux_trace/serial-scan-saved.png", full_page=True)
				page.locator("button.primary-action:visible").filter(has_text="Submit").first.click()
				page.locator(".modal.show .btn-primary").filter(has_text="Yes").click()
				try:
					expect(page.get_by_text("has been submitted successfully")).to_be_visible()
				except AssertionError:
					page.screenshot(path="/tmp/dux_trace/serial-scan-failed.png", full_page=True)
					raise
				page.screenshot(path="/tmp/dux_trace/serial-scan-submitted.png", full_page=True)
			finally:
				browser.close()

		frappe.db.rollback()  # see what the web server committed
		self.assertEqual(frappe.db.get_value("Purchase Receipt", self.receipt, "docstatus"), 1)
		self.assertEqual(
			{frappe.db.get_value("Serial No", serial, "warehouse") for serial in serials}, {STORES}
		)
