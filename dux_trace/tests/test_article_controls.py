"""Article controls on a real site, as the people who sell and stock: authorizations on every
sale, Party Specific Item enforced on save, negative stock per article, the inactive catalogue."""

import frappe
from frappe.utils import add_days, nowdate

from dux_trace.articles.authorizations import AuthorizationMissingError, PartyRestrictionError
from dux_trace.articles.stock_rules import NegativeStockForbiddenError
from dux_trace.compat import TestCase
from dux_trace.tests.utils import (
	COMPANY,
	CURRENCY,
	STORES,
	make_customer,
	make_item,
	make_outgoing,
	make_user,
	receive,
)

SELLER = "vendeur.pharmacie@dux-trace.test"
PHARMACIST = "pharmacien@dux-trace.test"
MANAGER = "responsable.ventes@dux-trace.test"
CASHIER = "caissier.pharmacie@dux-trace.test"
STOREKEEPER = "magasinier.stock@dux-trace.test"


def make_authorization_type(name, holder, role=None):
	if not frappe.db.exists("Dux Authorization Type", name):
		frappe.get_doc(
			{"doctype": "Dux Authorization Type", "type_name": name, "holder": holder, "role": role}
		).insert(ignore_permissions=True)
	return name


def make_role(name):
	if not frappe.db.exists("Role", name):
		frappe.get_doc({"doctype": "Role", "role_name": name, "desk_access": 1}).insert(
			ignore_permissions=True
		)
	return name


def requiring(item_code, *types):
	item = frappe.get_doc("Item", item_code)
	item.set("dux_required_authorizations", [{"authorization_type": t} for t in types])
	item.save()
	return item


def quotation(customer, item_code, **row):
	doc = frappe.get_doc(
		{
			"doctype": "Quotation",
			"company": COMPANY,
			"quotation_to": "Customer",
			"party_name": customer,
			"currency": CURRENCY,
			"transaction_date": nowdate(),
			"valid_till": add_days(nowdate(), 10),
			"items": [{"item_code": item_code, "qty": 1, "rate": 30, **row}],
		}
	)
	return doc


class TestAuthorizations(TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_role("Pharmacien")
		make_user(SELLER, ["Sales User", "Accounts User", "Stock User"])
		make_user(PHARMACIST, ["Sales User", "Accounts User", "Stock User", "Pharmacien"])
		make_user(MANAGER, ["Sales User", "Sales Manager", "Accounts User", "Stock User"])
		cls.prescription = make_authorization_type("Ordonnance", "Document")
		cls.pharmacist = make_authorization_type("Vente par pharmacien", "Selling User", role="Pharmacien")
		cls.licence = make_authorization_type("Licence matières dangereuses", "Customer")
		cls.amox = requiring(make_item("_DUX Amoxicilline 1 g").name, cls.prescription).name
		cls.codeine = requiring(make_item("_DUX Codéine sirop").name, cls.pharmacist).name
		cls.acid = requiring(make_item("_DUX Acide chlorhydrique 5 L").name, cls.licence).name
		for item in (cls.amox, cls.codeine, cls.acid):
			receive(item, 20)
		cls.pharmacy = make_customer("Pharmacie Centrale Test")
		cls.garage = make_customer("Garage Licence Expirée")
		frappe.get_doc(
			{
				"doctype": "Dux Authorization",
				"authorization_type": cls.licence,
				"customer": cls.garage,
				"number": "MD-2025-0042",
				"issuer": "Préfecture de Casablanca",
				"valid_from": add_days(nowdate(), -365),
				"valid_upto": add_days(nowdate(), -1),
			}
		).insert(ignore_permissions=True)
		frappe.db.set_single_value("Dux Trace Settings", "authorization_override_role", "Sales Manager")
		from dux_trace.tests.utils import make_pos_profile, open_pos

		make_user(CASHIER, ["Sales User", "Accounts User", "Stock User", "Sales Manager"])
		open_pos(make_pos_profile(), CASHIER)  # the cashier's drawer, opened by the administrator

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_a_prescription_item_needs_its_reference_on_every_sales_document(self):
		for doctype in ("Delivery Note", "Sales Invoice", "POS Invoice"):
			# ERPNext lets only a Sales Manager read the POS Opening Entry a POS Invoice checks
			frappe.set_user(CASHIER if doctype == "POS Invoice" else SELLER)
			with self.subTest(doctype):
				doc = make_outgoing(doctype, self.amox, 1, customer=self.pharmacy, do_not_insert=True)
				with self.assertRaises(AuthorizationMissingError) as refused:
					doc.insert()
				self.assertIn("Ordonnance", str(refused.exception))
				doc.items[0].dux_document_reference = "ORD-2026-118"
				doc.insert()
		with self.assertRaises(AuthorizationMissingError):
			quotation(self.pharmacy, self.amox).insert()
		quotation(self.pharmacy, self.amox, dux_document_reference="ORD-2026-119").insert()

	def test_only_a_pharmacist_sells_the_pharmacist_item(self):
		frappe.set_user(SELLER)
		with self.assertRaises(AuthorizationMissingError) as refused:
			make_outgoing("Sales Invoice", self.codeine, 1, customer=self.pharmacy)
		self.assertIn("Pharmacien", str(refused.exception))
		frappe.set_user(PHARMACIST)
		make_outgoing("Sales Invoice", self.codeine, 1, customer=self.pharmacy, submit=True)

	def test_a_licence_expired_yesterday_is_refused_in_french(self):
		frappe.set_user(SELLER)
		frappe.local.lang = "fr"
		try:
			with self.assertRaises(AuthorizationMissingError) as refused:
				make_outgoing("Delivery Note", self.acid, 1, customer=self.garage)
		finally:
			frappe.local.lang = "en"
		self.assertIn("a expiré le", str(refused.exception))

	def test_the_override_role_passes_with_a_reason_recorded(self):
		frappe.set_user(MANAGER)
		doc = make_outgoing("Delivery Note", self.acid, 1, customer=self.garage, do_not_insert=True)
		with self.assertRaises(AuthorizationMissingError):
			doc.insert()  # no reason given
		doc.dux_authorization_override_reason = "Licence renouvelée, copie reçue par courriel"
		doc.insert()
		doc.submit()
		override = frappe.get_all(
			"Dux Rule Override",
			filters={"rule": "Authorization", "reference_name": doc.name},
			fields=["item_code", "authorization_type", "user", "reason"],
		)
		self.assertEqual(
			[(o.item_code, o.authorization_type, o.user) for o in override],
			[(self.acid, self.licence, MANAGER)],
		)

	def test_party_specific_items_are_enforced_on_save(self):
		customer = make_customer("Client Restreint Test")
		frappe.set_user(SELLER)
		with self.assertRaises(AuthorizationMissingError):  # no rule yet: only the licence is missing
			make_outgoing("Sales Invoice", self.acid, 1, customer=customer)
		frappe.set_user("Administrator")
		rule = frappe.get_doc(
			{
				"doctype": "Party Specific Item",
				"party_type": "Customer",
				"party": customer,
				"restrict_based_on": "Item",
				"based_on_value": self.amox,
			}
		).insert(ignore_permissions=True)
		frappe.set_user(SELLER)
		with self.assertRaises(PartyRestrictionError):
			make_outgoing("Sales Invoice", self.acid, 1, customer=customer)
		make_outgoing(
			"Sales Invoice", self.amox, 1, customer=customer, dux_document_reference=None, do_not_insert=True
		)
		# renamed, the customer keeps its rules (the rename rewrites them without saving them)
		frappe.set_user("Administrator")
		customer = frappe.rename_doc("Customer", customer, "Client Restreint Renommé", force=True)
		frappe.set_user(SELLER)
		with self.assertRaises(PartyRestrictionError):
			make_outgoing("Sales Invoice", self.acid, 1, customer=customer)
		frappe.set_user("Administrator")
		rule.reload()
		rule.delete()
		frappe.set_user(SELLER)
		with self.assertRaises(AuthorizationMissingError):  # the rule is gone: the licence again
			make_outgoing("Sales Invoice", self.acid, 1, customer=customer)


class TestNegativeStockPerArticle(TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_user(STOREKEEPER, ["Stock User", "Stock Manager", "Sales User", "Accounts User"])
		cls.item = make_item("_DUX Pneu hiver 195/65", dux_negative_stock="Forbidden").name
		receive(cls.item, 2)

	def tearDown(self):
		frappe.set_user("Administrator")

	def allow_negative_stock_globally(self):
		frappe.db.set_single_value("Stock Settings", "allow_negative_stock", 1)  # rolled back after the class

	def test_forbidden_even_when_stock_settings_allow_it(self):
		self.allow_negative_stock_globally()
		frappe.set_user(STOREKEEPER)
		doc = make_outgoing("Delivery Note", self.item, 3)
		with self.assertRaises(NegativeStockForbiddenError) as refused:
			doc.submit()
		self.assertIn("1.0 short", str(refused.exception))
		self.assertEqual(
			frappe.db.get_value("Bin", {"item_code": self.item, "warehouse": STORES}, "actual_qty"), 2
		)
		make_outgoing("Delivery Note", self.item, 2, submit=True)

	def test_allowed_follows_erpnext(self):
		item = make_item("_DUX Pneu été 205/55", dux_negative_stock="Allowed", valuation_rate=400)
		self.assertEqual(item.allow_negative_stock, 1)
		self.allow_negative_stock_globally()
		frappe.set_user(STOREKEEPER)
		make_outgoing("Delivery Note", item.name, 1, submit=True)
		self.assertEqual(
			frappe.db.get_value("Bin", {"item_code": item.name, "warehouse": STORES}, "actual_qty"), -1
		)


class TestInactiveCatalogue(TestCase):
	def test_inactive_items_with_stock_are_flagged_and_reactivated_in_bulk(self):
		from dux_trace.api.catalogue import reactivate
		from dux_trace.dux_articles.report.inactive_catalogue.inactive_catalogue import execute

		manager = make_user("gestion.articles@dux-trace.test", ["Item Manager", "Stock User"])
		seller = make_user("vendeur.catalogue@dux-trace.test", ["Sales User"])
		old = make_item("_DUX Ancien modèle A").name
		older = make_item("_DUX Ancien modèle B").name
		receive(old, 3)
		for code in (old, older):
			frappe.db.set_value("Item", code, "disabled", 1)
		frappe.set_user(manager)
		try:
			_columns, rows = execute({"with_stock_only": 0})
			found = {row["item_code"]: row for row in rows}
			self.assertEqual((found[old]["qty"], found[old]["flag"]), (3.0, "Stock left that cannot be sold"))
			self.assertEqual(found[older]["flag"], "")
			self.assertEqual(reactivate([old, older]), 2)
			self.assertEqual(frappe.db.get_value("Item", old, "disabled"), 0)
			frappe.set_user(seller)
			with self.assertRaises(frappe.PermissionError):
				reactivate([old])
		finally:
			frappe.set_user("Administrator")
