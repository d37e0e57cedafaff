"""A price grid previewed and applied in a real browser, as a French sales manager."""

import os
from urllib.parse import quote

import frappe
from frappe.utils import nowdate
from frappe.utils.password import update_password

from dux_trace.tests.browser import BrowserTestCase, skip_without_browser
from dux_trace.tests.test_article_card import make_price_list
from dux_trace.tests.test_price_grids import make_item_group
from dux_trace.tests.utils import COMPANY, make_item, make_user, receive

USER = "directrice.commerciale@dux-trace.test"
PASSWORD = "Grille-Test-2026!"
GRID = "Grille navigateur fromages"
PRICE_LIST = "Tarif Fromagers MAD"


@skip_without_browser
class TestPriceGridInBrowser(BrowserTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_user(USER, ["Sales Manager", "Sales Master Manager", "Sales User"])
		frappe.db.set_value("User", USER, {"language": "fr", "first_name": "Nadia"})
		update_password(USER, PASSWORD)
		group = make_item_group("_DUX Fromages")
		cls.item = make_item("_DUX Fromage frais 500 g", "Moving Average", item_group=group).name
		cls.entry = receive(cls.item, 40, rate=8.40).name
		make_price_list(PRICE_LIST)
		if frappe.db.exists("Dux Price Grid", GRID):
			frappe.delete_doc("Dux Price Grid", GRID, force=True)
		frappe.get_doc(
			{
				"doctype": "Dux Price Grid",
				"grid_name": GRID,
				"company": COMPANY,
				"applies_to": "Price List",
				"price_list": PRICE_LIST,
				"valid_from": nowdate(),
				"method": "Margin",
				"cost_basis": "Moving Average Cost",
				"rounding": "Ending .90",
				"lines": [{"item_group": group, "min_qty": 1, "markup_percent": 30}],
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()
		cls.start_server()

	@classmethod
	def tearDownClass(cls):
		cls.stop_server()
		frappe.db.rollback()
		for name in frappe.get_all("Item Price", {"price_list": PRICE_LIST}, pluck="name"):
			frappe.delete_doc("Item Price", name, force=True)
		for name in frappe.get_all("Dux Price Grid Apply", {"grid": GRID}, pluck="name"):
			frappe.delete_doc("Dux Price Grid Apply", name, force=True)
		frappe.delete_doc("Dux Price Grid", GRID, force=True)
		entry = frappe.get_doc("Stock Entry", cls.entry)
		if entry.docstatus == 1:
			entry.cancel()
		frappe.db.commit()
		super().tearDownClass()

	def test_preview_then_apply_in_french(self):
		from playwright.sync_api import expect, sync_playwright

		with sync_playwright() as playwright:
			browser, page = self.open_browser(playwright, USER, PASSWORD)
			try:
				page.goto(f"/app/query-report/{quote('Dux Price Grid Preview')}?grid={quote(GRID)}")
				table = page.locator(".dt-scrollable")
				expect(table).to_contain_text(self.item)
				expect(table).to_contain_text("11.90")  # 8.40 x 1.30 = 10.92 -> ending .90
				expect(page.locator(".dt-header")).to_contain_text("Nouveau prix HT")
				os.makedirs("/tmp/dux_trace", exist_ok=True)
				page.screenshot(path="/tmp/dux_trace/price-grid-preview.png")
				page.get_by_role("button", name="Appliquer").click()
				page.locator(".modal.show .btn-primary").filter(has_text="Oui").click()
				expect(page.locator(".modal.show")).to_contain_text("Prix écrits")
				expect(page.locator(".modal.show")).to_contain_text("1 prix écrit")
				# a margin grid's lines show the markup column, not the discount column
				page.goto(f"/app/dux-price-grid/{quote(GRID)}")
				heading = page.locator("[data-fieldname='lines'] .grid-heading-row")
				expect(heading).to_contain_text("Marge (%)")
				discount_label = page.evaluate("__('Discount (%)')")
				expect(heading).not_to_contain_text(discount_label)
				page.evaluate("cur_frm.set_value('method', 'Discount')")
				expect(heading).to_contain_text(discount_label)
				expect(heading).not_to_contain_text("Marge (%)")
				# the apply's history: a readable title, "—" for the old price of a created price
				frappe.db.rollback()  # see what the web server committed
				history = frappe.db.get_value("Dux Price Grid Apply", {"grid": GRID}, "name")
				page.goto(f"/app/dux-price-grid-apply/{history}")
				# the record's title in the page head (version-16 puts the doctype in .title-text)
				expect(page.locator(".page-head").first).to_contain_text(GRID)
				old_price = page.locator("[data-fieldname='changes'] .grid-body [data-fieldname='old_rate']")
				expect(old_price.first).to_have_text("—")
			finally:
				browser.close()
		frappe.db.rollback()  # see what the web server committed
		self.assertEqual(
			frappe.db.get_value(
				"Item Price", {"item_code": self.item, "price_list": PRICE_LIST}, "price_list_rate"
			),
			11.90,
		)
		self.assertEqual(frappe.db.get_value("Dux Price Grid Apply", {"grid": GRID}, "applied_by"), USER)
