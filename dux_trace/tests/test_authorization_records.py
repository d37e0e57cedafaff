"""Authorizations followed up, as the people who sell: every refusal recorded although its request
rolls back, refusals and overrides in one report, authorizations about to expire counted and
their customer emailed, and the item search of a sale without what the customer may not buy."""

import frappe
from frappe.utils import add_days, nowdate
from frappe.utils.background_jobs import get_job

from dux_trace.api.authorizations import NoCustomerEmailError, expiring_card, notify_customer
from dux_trace.articles.authorizations import REFUSAL_JOB, AuthorizationMissingError
from dux_trace.compat import TestCase
from dux_trace.tests.test_article_controls import make_authorization_type, requiring
from dux_trace.tests.utils import (
	COMPANY,
	CURRENCY,
	STORES,
	acting_as,
	make_customer,
	make_item,
	make_outgoing_email_account,
)

REPORT = "Authorization Refusals and Overrides"


def sales_order(customer, item_code, **fields):
	return frappe.get_doc(
		{
			"doctype": "Sales Order",
			"company": COMPANY,
			"customer": customer,
			"currency": CURRENCY,
			"selling_price_list": "Standard Selling",
			"transaction_date": nowdate(),
			"delivery_date": add_days(nowdate(), 7),
			"items": [
				{
					"item_code": item_code,
					"qty": 1,
					"rate": 40,
					"warehouse": STORES,
					"delivery_date": add_days(nowdate(), 7),
				}
			],
			**fields,
		}
	)


def authorization(kind, customer, valid_upto, valid_from=None, number=None):
	return (
		frappe.get_doc(
			{
				"doctype": "Dux Authorization",
				"authorization_type": kind,
				"customer": customer,
				"number": number,
				"valid_from": valid_from,
				"valid_upto": valid_upto,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def run_report(**filters):
	"""The report as the desk runs it (report roles and its reference doctype's permission)."""
	from frappe.desk.query_report import run

	return run(REPORT, filters=filters)["result"]


class TestAuthorizationRecords(TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.licence = make_authorization_type("Licence produits phytosanitaires", "Customer")
		cls.prescription = make_authorization_type("Ordonnance", "Document")
		cls.weedkiller = requiring(make_item("_DUX Désherbant total 1 L").name, cls.licence).name
		cls.fertiliser = make_item("_DUX Engrais NPK 25 kg").name
		cls.amox = requiring(make_item("_DUX Amoxicilline 1 g").name, cls.prescription).name
		# a group needing the licence: its items (and its sub-groups') need it too
		if not frappe.db.exists("Item Group", "_DUX Phytosanitaires"):
			frappe.get_doc(
				{
					"doctype": "Item Group",
					"item_group_name": "_DUX Phytosanitaires",
					"parent_item_group": "All Item Groups",
					"is_group": 1,
					"dux_required_authorizations": [{"authorization_type": cls.licence}],
				}
			).insert(ignore_permissions=True)
		cls.fungicide = make_item("_DUX Fongicide cuivre", item_group="_DUX Phytosanitaires").name
		cls.farm = make_customer("Ferme Sans Licence")
		cls.coop = make_customer("Coopérative Agréée")
		cls.lapsed = make_customer("Domaine Licence Échue")
		cls.coop_licence = authorization(cls.licence, cls.coop, add_days(nowdate(), 10), number="PH-77")
		cls.lapsed_licence = authorization(cls.licence, cls.lapsed, add_days(nowdate(), -1))
		frappe.db.set_single_value("Dux Trace Settings", "authorization_override_role", "Sales Manager")

	def tearDown(self):
		frappe.set_user("Administrator")

	def run_queued_refusal(self, doc) -> None:
		"""The job the refusal pushed to Redis at once (no worker runs in tests): its payload, run
		here as a worker would, then the job removed."""
		job = get_job(doc.flags.dux_refusal_job)
		self.assertIsNotNone(job, "the refusal was not queued")
		try:
			self.assertEqual(job.kwargs["method"], REFUSAL_JOB)
			frappe.call(job.kwargs["method"], **job.kwargs["kwargs"])
		finally:
			job.delete()

	def test_a_refusal_is_recorded_and_listed_as_sales_user(self):
		with acting_as("Sales User") as seller:
			doc = sales_order(self.farm, self.weedkiller)
			with self.assertRaises(AuthorizationMissingError):
				doc.insert()
			self.run_queued_refusal(doc)
			rows = run_report(customer=self.farm, from_date=nowdate(), to_date=nowdate())
		self.assertEqual(len(rows), 1)
		row = rows[0]
		self.assertEqual(
			(row["kind"], row["kind_label"], row["user"], row["reference_doctype"], row["reference_name"]),
			("Refused", "Refusé", seller, "Sales Order", None),  # a new document: no name to keep
		)
		self.assertEqual((row["item_code"], row["authorization_type"]), (self.weedkiller, self.licence))
		self.assertIn(self.weedkiller, row["details"])
		self.assertIn("Licence produits phytosanitaires", row["details"])

	def test_a_refused_change_to_a_saved_document_keeps_its_name(self):
		with acting_as("Sales User"):
			doc = sales_order(self.farm, self.fertiliser).insert()
			doc.items[0].item_code = self.fungicide  # its group needs the licence
			with self.assertRaises(AuthorizationMissingError):
				doc.save()
			self.run_queued_refusal(doc)
			rows = run_report(customer=self.farm, item_code=self.fungicide, kind="Refused")
		self.assertEqual(
			[(r["reference_name"], r["authorization_type"]) for r in rows], [(doc.name, self.licence)]
		)

	def test_an_override_is_listed_with_its_reason_as_sales_manager(self):
		with acting_as("Sales Manager"):
			doc = sales_order(
				self.lapsed,
				self.weedkiller,
				dux_authorization_override_reason="Renouvellement en cours, récépissé reçu",
			).insert()
			doc.submit()
			rows = run_report(customer=self.lapsed, kind="Overridden")
			refused_only = run_report(customer=self.lapsed, kind="Refused")
			tomorrow = run_report(customer=self.lapsed, from_date=add_days(nowdate(), 1))
		self.assertEqual(len(rows), 1)
		self.assertEqual(
			(rows[0]["kind_label"], rows[0]["reference_name"], rows[0]["item_code"], rows[0]["details"]),
			("Dérogé", doc.name, self.weedkiller, "Renouvellement en cours, récépissé reçu"),
		)
		self.assertEqual((refused_only, tomorrow), ([], []))

	def test_the_report_shows_to_its_roles_only(self):
		for role in ("Sales User", "Sales Manager", "Stock Manager"):
			with self.subTest(role), acting_as(role):
				self.assertIsInstance(run_report(), list)
		with acting_as("Accounts User"), self.assertRaises(frappe.PermissionError):
			run_report()

	def test_the_card_counts_authorizations_expiring_within_30_days_and_opens_them(self):
		from frappe.desk.doctype.number_card.number_card import has_permission

		later = authorization(
			self.licence, make_customer("Jardinerie Licence Longue"), add_days(nowdate(), 45)
		)
		card_doc = frappe.get_doc("Number Card", "Authorizations Expiring in 30 Days")
		with acting_as("Sales User"):
			self.assertTrue(has_permission(card_doc, "read", frappe.session.user))
			card = expiring_card()
			listed = frappe.get_list("Dux Authorization", filters=card["route_options"], pluck="name")
		self.assertEqual(card["route"], ["List", "Dux Authorization"])
		self.assertEqual(card["value"], len(listed))
		self.assertIn(self.coop_licence, listed)
		self.assertNotIn(self.lapsed_licence, listed)  # already expired
		self.assertNotIn(later, listed)
		with acting_as("Stock User"):
			self.assertFalse(has_permission(card_doc, "read", frappe.session.user))
			with self.assertRaises(frappe.PermissionError):
				expiring_card()

	def test_the_customer_is_emailed_in_their_language_and_the_notice_recorded(self):
		make_outgoing_email_account()
		frappe.db.set_value("Customer", self.coop, {"email_id": "achats@coop-agreee.test", "language": "en"})
		with acting_as("Sales Manager"):
			self.assertEqual(notify_customer(self.coop_licence), "achats@coop-agreee.test")
		mail = frappe.get_last_doc("Email Queue", filters={"reference_name": self.coop_licence})
		self.assertEqual([r.recipient for r in mail.recipients], ["achats@coop-agreee.test"])
		self.assertIn("Your Licence produits phytosanitaires expires on", mail.message)  # English
		self.assertIn("PH-77", mail.message)
		comment = frappe.get_last_doc(
			"Comment", filters={"reference_doctype": "Dux Authorization", "reference_name": self.coop_licence}
		)
		self.assertIn("Avis d'expiration envoyé à achats@coop-agreee.test", comment.content)  # the user's

		with acting_as("Sales Master Manager"):
			notify_customer(self.coop_licence)
		with acting_as("Sales User"), self.assertRaises(frappe.PermissionError):
			notify_customer(self.coop_licence)
		frappe.db.set_value("Customer", self.lapsed, "email_id", None)
		with acting_as("Sales Manager"), self.assertRaises(NoCustomerEmailError) as refused:
			notify_customer(self.lapsed_licence)
		self.assertIn("n'a pas d'adresse e-mail", str(refused.exception))

	def test_the_item_search_of_a_sale_leaves_out_what_the_customer_may_not_buy(self):
		# resolved as the desk does: the Link field calls search_link (overridden) with ERPNext's query
		search_link = frappe.get_attr(frappe.override_whitelisted_method("frappe.desk.search.search_link"))
		item_query = frappe.get_attr(
			frappe.override_whitelisted_method("erpnext.controllers.queries.item_query")
		)

		def found(customer, txt="_DUX"):
			filters = {"is_sales_item": 1, "customer": customer, "has_variants": 0}
			via_link = {
				r["value"]
				for r in search_link(
					"Item",
					txt,
					query="erpnext.controllers.queries.item_query",
					filters=filters,
					page_length=500,
				)
			}
			direct = {r[0] for r in item_query("Item", txt, "name", 0, 500, dict(filters))}
			self.assertEqual(via_link, direct)
			return via_link

		with acting_as("Sales User"):
			for customer in (self.farm, self.lapsed):  # none on file / expired yesterday
				with self.subTest(customer):
					items = found(customer)
					self.assertNotIn(self.weedkiller, items)
					self.assertNotIn(self.fungicide, items)  # through its item group
					self.assertIn(self.fertiliser, items)
					self.assertIn(self.amox, items)  # a prescription is given on the row, not held
			items = found(self.coop)  # valid until 10 days from now
			self.assertTrue({self.weedkiller, self.fungicide, self.fertiliser} <= items)
			self.assertIn(self.weedkiller, found(None))  # no customer yet: nothing to filter on
