"""The article card in a real browser, as a French pricing manager (Item Manager + Stock Manager):
the *Tarification* tab shows the cost bases and the margins, and a price incl. VAT typed in gives
the price excl. VAT."""

import os
import re

import frappe
from frappe.utils.password import update_password

from dux_trace.tests.browser import BrowserTestCase, skip_without_browser
from dux_trace.tests.test_article_card import PRICE_LIST, make_price_list, make_vat_template
from dux_trace.tests.utils import COMPANY, make_item, make_user, receive

USER = "responsable.tarifs@dux-trace.test"
PASSWORD = "Tarif-Test-2026!"
ITEM = "_DUX Lait UHT 1 L"


@skip_without_browser
class TestArticleCardInBrowser(BrowserTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_user(USER, ["Item Manager", "Stock Manager", "Stock User", "Sales Master Manager"])
		frappe.db.set_value("User", USER, {"language": "fr", "first_name": "Salma"})
		update_password(USER, PASSWORD)
		make_price_list()
		frappe.db.set_single_value("Dux Trace Settings", "card_price_list", PRICE_LIST)
		frappe.db.set_single_value("Global Defaults", "default_company", COMPANY)
		frappe.defaults.set_global_default("company", COMPANY)
		item = make_item(ITEM, "Moving Average", max_discount=5)
		if not item.taxes:
			item.append("taxes", {"item_tax_template": make_vat_template("TVA 20 % Dux", 20)})
			item.save()
		cls.entry = receive(ITEM, 120, rate=6.5).name
		frappe.db.commit()  # the web server reads what is committed
		cls.start_server()

	@classmethod
	def tearDownClass(cls):
		cls.stop_server()
		frappe.db.rollback()
		entry = frappe.get_doc("Stock Entry", cls.entry)
		if entry.docstatus == 1:
			entry.cancel()
		for name in frappe.get_all("Item Price", {"item_code": ITEM}, pluck="name"):
			frappe.delete_doc("Item Price", name, force=True)
		frappe.db.set_value(
			"Item", ITEM, {"dux_selling_price": 0, "dux_price_incl_tax": 0, "dux_markup_percent": 0}
		)
		frappe.db.commit()
		super().tearDownClass()

	def test_a_ttc_typed_in_gives_the_ht_in_french(self):
		from playwright.sync_api import expect, sync_playwright

		with sync_playwright() as playwright:
			browser, page = self.open_browser(playwright, USER, PASSWORD)
			try:
				page.goto(f"/app/item/{ITEM}")
				page.get_by_role("tab", name="Tarification").click()
				costs = page.locator("[data-fieldname=dux_cost_html]")
				expect(costs).to_contain_text("CMP (coût moyen pondéré)")
				expect(costs).to_contain_text("6.50")
				ttc = page.locator("input[data-fieldname=dux_price_incl_tax]")
				ttc.fill("10.01")
				ttc.press("Tab")
				expect(page.locator("input[data-fieldname=dux_selling_price]")).to_have_value("8.34")
				margins = page.locator("[data-fieldname=dux_card_html]")
				expect(margins).to_contain_text("Taux TVA")
				expect(margins).to_contain_text("20 %")  # a whole percentage without decimals
				expect(margins).to_contain_text("Marge réelle après remise max")
				# 8.34 over the CMP 6.50: 28.31 %
				expect(page.locator("input[data-fieldname=dux_markup_percent]")).to_have_value("28.31")
				# a TTC under the cost (4.17 excl. VAT, the CMP is 6.50) shows in red, then goes
				ttc.fill("5.00")
				ttc.press("Tab")
				below = page.locator(".dux-below-minimum")
				expect(below).to_contain_text("est inférieur au coût")
				expect(below).to_have_class(re.compile("text-danger"))
				ttc.fill("10.01")
				ttc.press("Tab")
				expect(below).to_have_count(0)
				os.makedirs("/tmp/dux_trace", exist_ok=True)
				page.screenshot(path="/tmp/dux_trace/article-card.png", full_page=True)
				page.keyboard.press("Control+s")
				expect(page.locator(".indicator-pill").filter(has_text="Non sauvegardé")).to_have_count(0)
			finally:
				browser.close()
		frappe.db.rollback()
		self.assertEqual(
			frappe.db.get_value(
				"Item Price", {"item_code": ITEM, "price_list": PRICE_LIST}, "price_list_rate"
			),
			8.34,
		)
