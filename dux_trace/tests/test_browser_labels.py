"""Labels in a real browser (headless Chromium, Playwright, Frappe's own web server), in French:

- a storekeeper (Stock User + Item Manager: ERPNext lets only Item Managers read lots) selects three
  lots in the Batch list, *Actions → Imprimer les étiquettes*, asks 2 labels of each, sees one label
  at real size, prints: the PDF holds 6 labels whose barcodes read back as those lots, in order;
- a Stock Manager edits a Label Template: the live preview follows the unsaved values (the preview
  item, then a QR Code).
"""

import os

import frappe
from frappe.utils import add_days, getdate, nowdate
from frappe.utils.password import update_password

from dux_trace.tests.browser import BrowserTestCase, skip_without_browser
from dux_trace.tests.test_labels import A4, decode_pdf
from dux_trace.tests.utils import make_item, make_lot, make_user

USER = "etiquettes@dux-trace.test"
EDITOR = "modeles-etiquettes@dux-trace.test"
PASSWORD = "Etiquettes-2026!"
GTIN = "03400935955838"


@skip_without_browser
class TestLabelsInBrowser(BrowserTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_user(USER, ["Stock User", "Item Manager"])
		make_user(EDITOR, ["Stock Manager"])
		for user in (USER, EDITOR):
			frappe.db.set_value("User", user, "language", "fr")
			update_password(user, PASSWORD)
		suffix = frappe.generate_hash(length=5).upper()
		item = make_item(f"_DUX Nav Doliprane {suffix}", "Lot", item_name=f"Doliprane navigateur {suffix}")
		item.append("barcodes", {"barcode": GTIN, "barcode_type": "GS1"})
		item.save()
		cls.item = item.name
		cls.expiry = getdate(add_days(nowdate(), 200))
		cls.lots = [make_lot(cls.item, f"NAV{suffix}{n}", cls.expiry) for n in range(3)]
		template = frappe.copy_doc(frappe.get_doc("Dux Label Template", A4))
		template.template_name = f"_DUX Modèle {suffix}"
		cls.template = template.insert().name
		frappe.db.commit()  # the web server reads what is committed
		cls.start_server()

	@classmethod
	def tearDownClass(cls):
		cls.stop_server()
		frappe.db.rollback()
		for lot in cls.lots:
			frappe.delete_doc("Batch", lot, force=True)
		frappe.delete_doc("Item", cls.item, force=True)
		frappe.delete_doc("Dux Label Template", cls.template, force=True)
		frappe.db.commit()
		super().tearDownClass()

	def test_three_lots_from_the_batch_list_two_labels_each(self):
		from playwright.sync_api import expect, sync_playwright

		with sync_playwright() as playwright:
			browser, page = self.open_browser(playwright, USER, PASSWORD)
			try:
				page.goto(f"/app/batch?item={self.item}")
				rows = page.locator(".list-row-container .list-row")
				expect(rows).to_have_count(3)
				for index in range(3):
					rows.nth(index).locator(".list-row-checkbox").check()
				page.get_by_role("button", name="Actions").click()
				page.get_by_text("Imprimer les étiquettes", exact=True).click()

				dialog = page.locator(".modal.show")
				expect(dialog.locator(".modal-title")).to_have_text("Imprimer les étiquettes")
				page.evaluate("(name) => dux_trace.label_dialog.set_value('template', name)", A4)
				grid_rows = dialog.locator(".grid-body .grid-row")
				expect(grid_rows).to_have_count(3)
				shown = [
					grid_rows.nth(i).locator("[data-fieldname=record]").inner_text().strip() for i in range(3)
				]
				self.assertEqual(sorted(shown), sorted(self.lots))
				for index in range(3):
					grid_rows.nth(index).locator(".col[data-fieldname=qty]").click()
					quantity = grid_rows.nth(index).locator("input[data-fieldname=qty]")
					quantity.fill("2")
					quantity.blur()
				dialog.locator(".modal-title").click()  # out of the table
				os.makedirs("/tmp/dux_trace", exist_ok=True)
				page.screenshot(path="/tmp/dux_trace/labels-dialog.png")
				# one label at real size before printing: the first lot's
				preview = page.frame_locator("iframe.dux-label-preview")
				expect(preview.locator(".dux-label")).to_contain_text(shown[0])
				expect(preview.locator(".dux-label")).to_contain_text("Lot")

				# the PDF the new tab receives (Chromium's viewer would show it): read on its way
				printed = []

				def keep(route):
					response = route.fetch()
					printed.append((response.status, response.headers.get("content-type"), response.body()))
					route.fulfill(response=response)

				page.context.route("**/dux_trace.api.labels.print_labels", keep)
				dialog.locator(".modal-footer .btn-primary").filter(has_text="Imprimer").click()
				expect(dialog).to_be_hidden()
				for _ in range(100):
					if printed:
						break
					page.wait_for_timeout(100)
				self.assertTrue(printed, "no PDF was asked for")
				status, content_type, pdf = printed[0]
				self.assertEqual(status, 200)
				self.assertIn("application/pdf", content_type)
				with open("/tmp/dux_trace/labels-printed.pdf", "wb") as f:
					f.write(pdf)  # to look at when the barcodes do not read back
			finally:
				browser.close()

		expiry = self.expiry.strftime("%y%m%d")
		expected = [f"(01){GTIN}(17){expiry}(10){lot}" for lot in shown for _ in range(2)]
		self.assertEqual(decode_pdf(pdf, frappe.get_doc("Dux Label Template", A4), dpi=300), expected)

	def test_the_template_editor_previews_the_unsaved_values(self):
		from playwright.sync_api import expect, sync_playwright

		with sync_playwright() as playwright:
			browser, page = self.open_browser(playwright, EDITOR, PASSWORD)
			try:
				page.goto(f"/app/dux-label-template/{self.template}")
				preview = page.frame_locator("iframe.dux-label-preview")
				expect(preview.locator(".dux-label")).to_contain_text("Doliprane 1000 mg")  # the example
				page.evaluate("(item) => cur_frm.set_value('preview_item', item)", self.item)
				expect(preview.locator(".dux-label")).to_contain_text("Doliprane navigateur")
				page.locator("select[data-fieldname=barcode]").select_option("QR Code")
				expect(preview.locator(".dux-matrix")).to_have_count(1)
			finally:
				browser.close()
		frappe.db.rollback()
		self.assertEqual(frappe.db.get_value("Dux Label Template", self.template, "barcode"), "Auto")
