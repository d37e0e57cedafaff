# Copyright (c) 2026, dux_trace developers
# For license information, please see license.txt
"""Product Recall: the customers' contacts only for roles that may read customers, and the recall
email showing typed text (reason, item names) as text."""

import email
from html.parser import HTMLParser

import frappe
from frappe.utils import add_days, nowdate

from dux_trace.compat import TestCase, as_outside_tests
from dux_trace.tests.utils import (
	acting_as,
	make_customer,
	make_item,
	make_lot,
	make_outgoing,
	make_outgoing_email_account,
	receive,
)

#: the app's tests make their own records (dux_trace/tests/utils.py): Frappe builds no ERPNext test
#: records for what this doctype links to (they take minutes and need apps a shop may not have,
#: such as payments); version-15 reads test_ignore, version-16 IGNORE_TEST_RECORD_DEPENDENCIES
IGNORE_TEST_RECORD_DEPENDENCIES = test_ignore = [
	"Batch",
	"Company",
	"Contact",
	"Customer",
	"Item",
	"Serial No",
]


HOSTILE_REASON = '<a href="http://x.invalid/">Cliquez ici</a> & "urgent"'
HOSTILE_ITEM = "<img src=x onerror=alert(1)>Sirop"

#: Product Recall's readers, and whether ERPNext lets them read Customer
READS_CUSTOMERS = {
	"Stock User": True,
	"Sales User": True,
	"Sales Manager": True,
	"Stock Manager": True,
	"Item Manager": False,
}
CONTACT_FIELDS = ("customer", "customer_name", "contact", "mobile_no", "email_id")


class Tags(HTMLParser):
	def __init__(self):
		super().__init__()
		self.tags: list[tuple[str, dict]] = []
		self.text: list[str] = []

	def handle_starttag(self, tag, attrs):
		self.tags.append((tag, dict(attrs)))

	def handle_data(self, data):
		self.text.append(data)


def html_of(queued) -> str:
	"""The HTML part of a queued email, decoded."""
	message = email.message_from_string(queued.message)
	for part in message.walk():
		if part.get_content_type() == "text/html":
			return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
	raise AssertionError("no HTML part in the email")


class TestProductRecall(TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		run = frappe.generate_hash(length=4).upper()
		item = make_item(f"_DUX Sirop Hostile {run}", "Lot", shelf_life_in_days=365).name
		frappe.db.set_value("Item", item, "item_name", HOSTILE_ITEM)  # as an import could leave it
		lot = make_lot(item, f"_DUX-HOS-{run}", add_days(nowdate(), 300))
		receive(item, 5, batch_no=lot)
		cls.customer = make_customer("Pharmacie Gauthier")
		frappe.db.set_value(
			"Customer",
			cls.customer,
			{"mobile_no": "+212655555555", "email_id": "gauthier@example.com", "language": "fr"},
		)
		make_outgoing("Delivery Note", item, 1, batch_no=lot, customer=cls.customer, submit=True)
		recall = frappe.get_doc(
			{
				"doctype": "Product Recall",
				"severity": "High",
				"reason": "Rappel",
				"items": [{"batch_no": lot}],
			}
		).insert()
		with (
			as_outside_tests()
		):  # versions saved, as on a site; the submit's version lists the customers' rows
			recall.submit()
		recall.db_set("reason", HOSTILE_REASON)  # past Frappe's HTML sanitizer, which keeps links
		cls.recall = recall.name
		make_outgoing_email_account()

	def test_the_email_shows_the_reason_and_item_names_as_text_the_sms_keeps_them_plain(self):
		from dux_trace.stock.recall_notices import recall_message

		with acting_as("Stock Manager"):
			frappe.get_doc("Product Recall", self.recall).notify_customers(sms=0, email=1)
		queued = frappe.get_last_doc("Email Queue", filters={"reference_name": self.recall})
		parsed = Tags()
		parsed.feed(html_of(queued))
		links = [attrs.get("href", "") for tag, attrs in parsed.tags if tag == "a"]
		self.assertFalse([href for href in links if "x.invalid" in href], links)
		self.assertFalse([attrs for tag, attrs in parsed.tags if tag == "img" and "onerror" in attrs])
		text = "".join(parsed.text)
		self.assertIn(HOSTILE_REASON, text)  # shown as typed
		self.assertIn(HOSTILE_ITEM, text)

		doc = frappe.get_doc("Product Recall", self.recall)
		sms = recall_message(doc, doc.customers[0])
		self.assertIn(HOSTILE_REASON, sms)
		self.assertIn(HOSTILE_ITEM, sms)

	def test_contacts_of_the_customers_only_for_roles_that_may_read_customers(self):
		from frappe.desk.form.load import getdoc

		from dux_trace.stock.recall_notices import send_notifications

		with acting_as("Stock Manager"):  # the job, as the Stock Manager who submits recalls
			with (
				as_outside_tests()
			):  # versions saved, as on a site; the job's version lists the notifications' rows
				send_notifications(self.recall, ["Email"], "fr")
		self.assertEqual(
			frappe.db.count("Version", {"ref_doctype": "Product Recall", "docname": self.recall}), 2
		)
		for role, reads_customers in READS_CUSTOMERS.items():
			with self.subTest(role=role), acting_as(role):
				frappe.response.docs = []
				getdoc("Product Recall", self.recall)
				doc = frappe.response.docs[0]
				row = doc.customers[0]
				notification = doc.notifications[-1]
				if reads_customers:
					self.assertEqual(
						(row.customer, row.mobile_no, row.email_id),
						(self.customer, "+212655555555", "gauthier@example.com"),
					)
					self.assertEqual(notification.recipient, "gauthier@example.com")
				else:
					self.assertEqual([row.get(field) for field in CONTACT_FIELDS], [None] * 5)
					self.assertEqual(
						(notification.get("customer"), notification.get("recipient")), (None, None)
					)
					self.assertEqual(notification.status, "Queued")  # the outcome, not whom
					# the form as loaded: the document and its timeline (versions of the rows)
					loaded = frappe.as_json({"doc": doc.as_dict(), "docinfo": frappe.response.get("docinfo")})
					for secret in (self.customer, "+212655555555", "gauthier@example.com"):
						self.assertNotIn(secret, loaded)
				# the list / report view of the rows follows the same rule
				try:
					listed = frappe.get_list(
						"Product Recall",
						filters={"name": self.recall},
						fields=["`tabProduct Recall Customer`.mobile_no as mobile_no"],
					)
				except frappe.PermissionError:
					listed = []
				mobiles = {r.get("mobile_no") for r in listed} - {None}
				self.assertEqual(mobiles, {"+212655555555"} if reads_customers else set())
