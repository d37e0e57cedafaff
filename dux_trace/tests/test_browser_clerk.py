"""The counter in a real browser, as the French clerk a shop creates (Stock User + Sales User), and
its Stock Manager for the recall: headless Chromium (Debian's) through Playwright against this site
served by Frappe's own web server.

- "type 452": the awesome bar opens the lot's trace with its customers;
- choosing a later lot on a delivery note shows "livrez d'abord le lot …" above the form at once,
  and again after saving, before anyone submits;
- a scan too many is refused with its reason;
- Notify Customers first says who will be reached on which channel and who cannot, and why.

Screenshots go to /tmp/dux_trace (the README's pictures in docs/ are copies of them).
"""

import os
import re

import frappe
from frappe.utils import add_days, nowdate
from frappe.utils.password import update_password

from dux_trace.tests.browser import BrowserTestCase, skip_without_browser
from dux_trace.tests.test_serials import serial_item, stock_serials
from dux_trace.tests.utils import make_customer, make_item, make_lot, make_outgoing, receive, role_user

PASSWORD = "Comptoir-Test-2026!"
SHOTS = "/tmp/dux_trace"


@skip_without_browser
class TestTheClerkInTheBrowser(BrowserTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		run = frappe.generate_hash(length=4).upper()
		cls.clerk = role_user("Stock User", "Sales User")
		cls.manager = role_user("Stock Manager")
		for user in (cls.clerk, cls.manager):
			update_password(user, PASSWORD)

		# yoghurt: lot A expires in 15 days, lot B in 35; both sold to two grocers
		cls.item = make_item(f"_DUX Yaourt nature {run}", "Lot", shelf_life_in_days=40).name
		cls.lot_a = make_lot(cls.item, f"452-{run}", add_days(nowdate(), 15))
		cls.lot_b = make_lot(cls.item, f"453-{run}", add_days(nowdate(), 35))
		receive(cls.item, 30, batch_no=cls.lot_a)
		receive(cls.item, 30, batch_no=cls.lot_b)
		cls.grocers = [make_customer(f"Épicerie Al Amal {run}"), make_customer(f"Superette Nour {run}")]
		frappe.db.set_value("Customer", cls.grocers[0], "mobile_no", "+212644444444")
		for grocer in cls.grocers:
			make_outgoing("Delivery Note", cls.item, 2, batch_no=cls.lot_a, customer=grocer, submit=True)
		# another yoghurt for the FEFO warning (the recall below holds lot 452)
		cls.cream = make_item(f"_DUX Crème dessert {run}", "Lot", shelf_life_in_days=40).name
		cls.cream_a = make_lot(cls.cream, f"CR-A-{run}", add_days(nowdate(), 15))
		cls.cream_b = make_lot(cls.cream, f"CR-B-{run}", add_days(nowdate(), 35))
		receive(cls.cream, 14, batch_no=cls.cream_a)
		receive(cls.cream, 20, batch_no=cls.cream_b)
		cls.draft = make_outgoing("Delivery Note", cls.cream, 1, batch_no=cls.cream_a).name

		# a phone set to Serial: its sale asks which unit
		cls.phone = serial_item(f"Galaxy S24 {run}")
		cls.serials = stock_serials(cls.phone, 2)
		cls.phone_sale = make_outgoing("Delivery Note", cls.phone, 1).name

		cls.recall = frappe.get_doc(
			{
				"doctype": "Product Recall",
				"severity": "High",
				"reason": "Rupture de la chaîne du froid",
				"items": [{"batch_no": cls.lot_a}],
			}
		).insert()
		cls.recall.submit()
		frappe.db.set_single_value("SMS Settings", "sms_gateway_url", "")
		frappe.db.commit()  # the web server reads what is committed
		cls.start_server()
		os.makedirs(SHOTS, exist_ok=True)

	@classmethod
	def tearDownClass(cls):
		cls.stop_server()
		frappe.db.rollback()
		recall = frappe.get_doc("Product Recall", cls.recall.name)
		if recall.docstatus == 1:
			recall.cancel()
		frappe.db.commit()
		super().tearDownClass()

	def test_the_clerk_types_the_lot_and_sees_its_customers(self):
		from playwright.sync_api import expect, sync_playwright

		with sync_playwright() as playwright:
			browser, page = self.open_browser(playwright, self.clerk, PASSWORD)
			try:
				page.goto("/app")
				page.wait_for_load_state("networkidle")
				page.keyboard.press("Control+g")  # version-15: the navbar's field; 16: a dialog
				page.locator("#navbar-search:visible").fill(self.lot_a)
				option = page.get_by_text(f"Traçabilité du lot {self.lot_a}")
				expect(option).to_be_visible()
				option.click()
				page.wait_for_url(re.compile(r"query-report/Lot"))
				expect(page.locator(".page-form input[data-fieldname=batch_no]")).to_have_value(self.lot_a)
				expect(page.locator(".page-form input[data-fieldname=serial_no]")).to_have_value("")
				expect(page.get_by_text("Clients ayant reçu le lot : 2 clients, 4 unités")).to_be_visible()
				for grocer in self.grocers:
					expect(page.get_by_text(grocer).first).to_be_visible()
				expect(page.get_by_text("+212644444444")).to_be_visible()
				expect(page.get_by_role("button", name="Exporter la liste des clients")).to_be_visible()
				page.screenshot(path=f"{SHOTS}/lot-trace-clerk.png")
			finally:
				browser.close()

	def test_choosing_a_later_lot_warns_before_submit(self):
		from playwright.sync_api import expect, sync_playwright

		with sync_playwright() as playwright:
			browser, page = self.open_browser(playwright, self.clerk, PASSWORD)
			try:
				page.goto(f"/app/delivery-note/{self.draft}")
				page.wait_for_load_state("networkidle")
				warning = page.get_by_text(f"livrez d'abord le lot {self.cream_a}", exact=False)
				expect(warning).to_have_count(0)
				page.evaluate(
					"""([lot]) => {
						const row = cur_frm.doc.items[0];
						return frappe.model.set_value(row.doctype, row.name, "batch_no", lot);
					}""",
					[self.cream_b],
				)
				expect(warning.first).to_be_visible()
				expect(page.get_by_text("il expire dans 15 jours").first).to_be_visible()
				page.keyboard.press("Control+s")
				page.wait_for_function("() => cur_frm && !cur_frm.is_dirty() && !cur_frm.is_new()")
				page.reload()
				expect(warning.first).to_be_visible()  # kept from the save, until the next one
				page.screenshot(path=f"{SHOTS}/fefo-warning-clerk.png")
			finally:
				browser.close()
		frappe.db.rollback()
		self.assertEqual(frappe.db.get_value("Delivery Note", self.draft, "docstatus"), 0)

	def test_a_scan_too_many_is_refused_with_its_reason(self):
		from playwright.sync_api import expect, sync_playwright

		with sync_playwright() as playwright:
			browser, page = self.open_browser(playwright, self.clerk, PASSWORD)
			try:
				page.goto(f"/app/delivery-note/{self.phone_sale}")
				page.get_by_role("button", name="Scanner les numéros de série").click()
				scan = page.locator("input[data-dux-scan]")
				expect(scan).to_be_visible()
				scan.fill(self.serials[0])
				scan.press("Enter")
				expect(page.locator(".dux-scan-count")).to_have_text("1 sur 1 scanné(s)")
				scan.fill(self.serials[1])
				scan.press("Enter")
				message = page.locator(".dux-scan-message")
				expect(message).to_contain_text(f"{self.serials[1]} refusé")
				expect(message).to_contain_text("déjà scannées")
				expect(page.locator(".dux-scan-count")).to_have_text("1 sur 1 scanné(s)")
				page.screenshot(path=f"{SHOTS}/scan-refused-clerk.png")
			finally:
				browser.close()

	def test_notify_customers_says_first_who_will_be_reached(self):
		from playwright.sync_api import expect, sync_playwright

		with sync_playwright() as playwright:
			browser, page = self.open_browser(playwright, self.manager, PASSWORD)
			try:
				page.goto(f"/app/product-recall/{self.recall.name}")
				page.get_by_role("button", name="Notifier les clients").click()
				preview = page.locator(".dux-notify-preview")
				expect(preview).to_be_visible()
				expect(preview).to_contain_text(self.grocers[0])
				expect(preview).to_contain_text("Pas de numéro de mobile")
				expect(page.locator(".dux-notify-problems")).to_contain_text("Les SMS ne peuvent pas partir")
				page.screenshot(path=f"{SHOTS}/recall-notify-preview.png")
				page.locator(".modal.show .btn-primary").filter(has_text="Envoyer").click()
				expect(page.get_by_text("Notification des clients").first).to_be_visible()
			finally:
				browser.close()
