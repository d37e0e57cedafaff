"""An authorization refusal in a real browser, as a French Sales User: a draft Sales Order of a
prescription item whose prescription reference is cleared is saved, and the refusal names the
item and the missing authorization in French; the refusal reaches the queue that records it.
Headless Chromium (Debian's) through Playwright against this site served by Frappe's own web
server. Screenshot: /tmp/dux_trace/authorization-refused.png.
"""

import os
import time

import frappe
from frappe.utils.password import update_password

from dux_trace.articles.authorizations import REFUSAL_JOB
from dux_trace.tests.browser import BrowserTestCase, skip_without_browser
from dux_trace.tests.test_article_controls import make_authorization_type, requiring
from dux_trace.tests.test_authorization_records import sales_order
from dux_trace.tests.utils import make_customer, make_item, role_user

PASSWORD = "Comptoir-Test-2026!"
SHOTS = "/tmp/dux_trace"


@skip_without_browser
class TestAnAuthorizationRefusalInTheBrowser(BrowserTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		run = frappe.generate_hash(length=4).upper()
		cls.seller = role_user("Sales User")
		update_password(cls.seller, PASSWORD)
		cls.prescription = make_authorization_type("Ordonnance", "Document")
		cls.item = requiring(make_item(f"_DUX Amoxicilline 500 mg {run}").name, cls.prescription).name
		cls.customer = make_customer(f"Pharmacie du Port {run}")
		cls.order = sales_order(cls.customer, cls.item)
		cls.order.items[0].dux_document_reference = f"ORD-{run}"
		cls.order.insert()
		frappe.db.commit()  # the web server reads what is committed
		cls.start_server()
		os.makedirs(SHOTS, exist_ok=True)

	@classmethod
	def tearDownClass(cls):
		cls.stop_server()
		frappe.db.rollback()
		frappe.delete_doc("Sales Order", cls.order.name, force=True, ignore_permissions=True)
		frappe.db.delete("Dux Authorization Refusal", {"item_code": cls.item})
		frappe.db.commit()
		super().tearDownClass()

	def test_the_seller_sees_the_refusal_in_french_naming_item_and_authorization(self):
		from playwright.sync_api import expect, sync_playwright

		with sync_playwright() as playwright:
			browser, page = self.open_browser(playwright, self.seller, PASSWORD)
			try:
				page.goto(f"/app/sales-order/{self.order.name}")
				page.wait_for_function("() => window.cur_frm && cur_frm.doc.name && !cur_frm.is_new()")
				page.evaluate(
					"""() => {
						const row = cur_frm.doc.items[0];
						return frappe.model.set_value(row.doctype, row.name, "dux_document_reference", "");
					}"""
				)
				page.keyboard.press("Control+s")
				dialog = page.locator(".modal.show .modal-content").filter(has_text="Autorisation manquante")
				expect(dialog).to_be_visible()
				expect(dialog).to_contain_text(self.item)
				expect(dialog).to_contain_text("Ordonnance")
				expect(dialog).to_contain_text("indiquez sa référence")
				page.screenshot(path=f"{SHOTS}/authorization-refused.png")
			finally:
				browser.close()
		frappe.db.rollback()
		self.assertEqual(
			frappe.db.get_value("Sales Order Item", {"parent": self.order.name}, "dux_document_reference"),
			self.order.items[0].dux_document_reference,  # the refused save changed nothing
		)
		self.assertEqual(self.recorded_refusals(), [(self.order.name, self.seller, self.prescription)])

	def recorded_refusals(self) -> list[tuple]:
		"""The refusal the web server queued: recorded by a worker if one runs, else its job is
		found in the queue and its payload run here, as the worker would."""
		from frappe.utils.background_jobs import get_queue
		from rq.exceptions import DeserializationError

		def recorded():
			fields = ["reference_name", "user", "authorization_type"]
			rows = frappe.get_all("Dux Authorization Refusal", {"item_code": self.item}, fields, as_list=True)
			return [tuple(row) for row in rows]

		deadline = time.monotonic() + 20
		while time.monotonic() < deadline:
			frappe.db.rollback()  # what a worker committed
			if rows := recorded():
				return rows
			queue = get_queue("short")
			for job_id in queue.get_job_ids():
				try:  # a job of another app or version may not load here: not ours
					job = queue.fetch_job(job_id)
					payload = (job.kwargs or {}) if job else {}
				except DeserializationError:
					continue
				if payload.get("method") == REFUSAL_JOB and self.item in str(payload.get("kwargs")):
					frappe.call(payload["method"], **payload["kwargs"])
					job.delete()
					return recorded()
			time.sleep(0.5)
		return []
