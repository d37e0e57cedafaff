"""User Permissions in the app's reports, cards and chart, as ERPNext's Stock Ledger applies them: the
counter clerk (Stock User + Sales User) restricted to the Magasin warehouse, or to the company Dux
Test Maroc, sees only the movements, lots, stock and customers of what is theirs; the same clerk
without User Permissions sees everything, as before."""

import frappe
from erpnext.stock.doctype.stock_entry.stock_entry_utils import make_stock_entry
from frappe.desk.query_report import run
from frappe.utils import add_days, nowdate

from dux_trace.compat import TestCase
from dux_trace.tests.test_lots_at_receipt import receipt
from dux_trace.tests.utils import (
	COMPANY,
	DEPOT,
	STORES,
	make_company,
	make_customer,
	make_item,
	make_lot,
	make_outgoing,
	make_user,
	make_warehouse,
	receive,
)

OTHER_COMPANY = "Dux Test Tunisie"
OTHER_STORES = "Magasin - DTT"
LOT = "_DUX-UP-452"
#: the clerk of the Magasin only, the clerk of Dux Test Maroc only, and the same clerk unrestricted
MAGASIN_CLERK = "caissier.magasin@dux-trace.test"
MAROC_CLERK = "caissier.maroc@dux-trace.test"
FREE_CLERK = "caissier.libre@dux-trace.test"
CLERKS = (MAGASIN_CLERK, MAROC_CLERK, FREE_CLERK)


def restrict(user: str, allow: str, value: str):
	frappe.get_doc({"doctype": "User Permission", "user": user, "allow": allow, "for_value": value}).insert(
		ignore_permissions=True
	)


class TestUserPermissions(TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_company(OTHER_COMPANY, "DTT", currency="TND", country="Tunisia")
		make_warehouse(OTHER_STORES, OTHER_COMPANY)
		for clerk in CLERKS:
			make_user(clerk, ["Stock User", "Sales User"])
			frappe.db.set_value("User", clerk, "language", "fr")
			frappe.defaults.set_user_default("company", COMPANY, clerk)
		restrict(MAGASIN_CLERK, "Warehouse", STORES)
		restrict(MAROC_CLERK, "Company", COMPANY)

		# one lot in the three warehouses, sold from the Magasin and from the Dépôt
		cls.yoghurt = make_item("_DUX UP Yaourt", "Lot", shelf_life_in_days=30).name
		make_lot(cls.yoghurt, LOT, add_days(nowdate(), 10))
		receive(cls.yoghurt, 10, batch_no=LOT)
		receive(cls.yoghurt, 5, batch_no=LOT, warehouse=DEPOT)
		make_stock_entry(
			item_code=cls.yoghurt,
			qty=7,
			to_warehouse=OTHER_STORES,
			rate=10,
			company=OTHER_COMPANY,
			batch_no=LOT,
		)
		cls.magasin_customer = make_customer("_DUX Client du Magasin")
		cls.depot_customer = make_customer("_DUX Client du Dépôt")
		make_outgoing(
			"Delivery Note", cls.yoghurt, 2, batch_no=LOT, customer=cls.magasin_customer, submit=True
		)
		delivery = make_outgoing(
			"Delivery Note", cls.yoghurt, 1, batch_no=LOT, customer=cls.depot_customer, do_not_insert=True
		)
		delivery.items[0].warehouse = DEPOT
		delivery.insert().submit()

	@classmethod
	def tearDownClass(cls):
		super().tearDownClass()  # rolls back the User Permissions; Frappe's cache of them goes too
		for clerk in CLERKS:
			frappe.clear_cache(user=clerk)

	def tearDown(self):
		frappe.set_user("Administrator")

	def as_clerk(self, clerk: str, call, *args, **kwargs):
		frappe.set_user(clerk)
		try:
			return call(*args, **kwargs)
		finally:
			frappe.set_user("Administrator")

	def test_lot_trace_leaves_out_the_movements_of_warehouses_the_clerk_may_not_see(self):
		def trace(clerk):
			rows = self.as_clerk(clerk, run, "Lot Trace", filters={"batch_no": LOT})["result"]
			return {
				"warehouses": {row.get("warehouse") for row in rows if row.get("warehouse")},
				"customers": {row.get("party") for row in rows if row.get("is_customer")},
				"stock": {row["warehouse"]: row["qty"] for row in rows if row.get("parent_id") == "stock"},
				"sold": rows[0]["qty"],  # the header: units sold
			}

		magasin = trace(MAGASIN_CLERK)
		self.assertEqual(magasin["warehouses"], {STORES})
		self.assertEqual(magasin["customers"], {self.magasin_customer})
		self.assertEqual(magasin["stock"], {STORES: 8})
		self.assertEqual(magasin["sold"], 2)

		maroc = trace(MAROC_CLERK)
		self.assertEqual(maroc["warehouses"], {STORES, DEPOT})
		self.assertEqual(maroc["customers"], {self.magasin_customer, self.depot_customer})
		self.assertEqual(maroc["stock"], {STORES: 8, DEPOT: 4})

		free = trace(FREE_CLERK)
		self.assertEqual(free["warehouses"], {STORES, DEPOT, OTHER_STORES})
		self.assertEqual(free["stock"], {STORES: 8, DEPOT: 4, OTHER_STORES: 7})
		self.assertEqual(free["sold"], 3)

	def test_the_warehouses_are_those_erpnexts_stock_ledger_shows_the_clerk(self):
		# a permission given for Delivery Notes only restricts neither ERPNext's report nor the app's
		delivery_clerk = make_user("caissier.livraisons@dux-trace.test", ["Stock User", "Sales User"])
		frappe.get_doc(
			{
				"doctype": "User Permission",
				"user": delivery_clerk,
				"allow": "Warehouse",
				"for_value": STORES,
				"apply_to_all_doctypes": 0,
				"applicable_for": "Delivery Note",
			}
		).insert(ignore_permissions=True)
		try:
			for clerk in (*CLERKS, delivery_clerk):
				with self.subTest(clerk):
					erpnext = set()
					for company in (COMPANY, OTHER_COMPANY):
						filters = {
							"company": company,
							"from_date": add_days(nowdate(), -1),
							"to_date": nowdate(),
							"item_code": [self.yoghurt],
						}
						rows = self.as_clerk(clerk, run, "Stock Ledger", filters=filters)["result"]
						erpnext |= {
							row["warehouse"] for row in rows if isinstance(row, dict) and row.get("warehouse")
						}
					rows = self.as_clerk(clerk, run, "Lot Trace", filters={"batch_no": LOT})["result"]
					self.assertEqual({row["warehouse"] for row in rows if row.get("warehouse")}, erpnext)
		finally:
			frappe.clear_cache(user=delivery_clerk)

	def test_lots_near_expiry_shows_the_warehouses_of_the_clerk(self):
		def lots(clerk):
			rows = self.as_clerk(clerk, run, "Lots Near Expiry", filters={"item_code": self.yoghurt})[
				"result"
			]
			return {
				row["warehouse"]: row["qty"] for row in rows if isinstance(row, dict) and row.get("warehouse")
			}

		self.assertEqual(lots(MAGASIN_CLERK), {STORES: 8})
		self.assertEqual(lots(MAROC_CLERK), {STORES: 8, DEPOT: 4})
		self.assertEqual(lots(FREE_CLERK), {STORES: 8, DEPOT: 4, OTHER_STORES: 7})

	def test_the_near_expiry_card_counts_what_its_report_shows_the_clerk(self):
		from dux_trace.api.dashboard import near_expiry_card
		from dux_trace.dux_trace.report.lots_near_expiry.lots_near_expiry import execute

		for clerk in CLERKS:
			with self.subTest(clerk):
				card = self.as_clerk(clerk, near_expiry_card)
				_columns, rows = self.as_clerk(clerk, execute, {"company": COMPANY})
				self.assertEqual(card["route_options"], {"company": COMPANY})
				self.assertEqual(card["value"], len(rows))
		magasin = self.as_clerk(MAGASIN_CLERK, near_expiry_card)["value"]
		self.assertLess(magasin, self.as_clerk(FREE_CLERK, near_expiry_card)["value"])  # the Dépôt's lot

	def test_the_stock_expiring_chart_values_only_the_clerks_stock(self):
		from dux_trace.api.dashboard import stock_expiring

		def soon(clerk, company):  # the value expiring within 30 days
			return self.as_clerk(clerk, stock_expiring, company)["datasets"][0]["values"][1]

		self.assertEqual(soon(MAROC_CLERK, OTHER_COMPANY), 0)
		self.assertGreaterEqual(soon(FREE_CLERK, OTHER_COMPANY), 7 * 10)
		# the Dépôt's 4 units of the lot are not in the Magasin clerk's figure
		self.assertGreaterEqual(soon(FREE_CLERK, COMPANY) - soon(MAGASIN_CLERK, COMPANY), 4 * 10)
		self.assertEqual(soon(FREE_CLERK, COMPANY), soon(MAROC_CLERK, COMPANY))

	def test_customers_to_notify_are_those_of_the_recalls_the_clerk_may_open(self):
		from dux_trace.api.dashboard import customers_to_notify_card

		for company in (COMPANY, OTHER_COMPANY):
			frappe.get_doc(
				{
					"doctype": "Product Recall",
					"company": company,
					"severity": "Critical",
					"reason": "Yaourt lot 452 : rupture de la chaîne du froid",
					"items": [{"batch_no": LOT}],
				}
			).insert().submit()

		def agree(clerk):  # the card counts the customers of the recalls the Open Recalls card counts
			recalls = self.as_clerk(
				clerk,
				frappe.get_list,
				"Product Recall",
				filters={"docstatus": 1, "status": "Open"},
				pluck="name",
			)
			expected = frappe.db.count(
				"Product Recall Customer", {"parent": ("in", recalls or [""]), "status": "To Notify"}
			)
			card = self.as_clerk(clerk, customers_to_notify_card)["value"]
			self.assertEqual(card, expected)
			return card

		maroc, free = agree(MAROC_CLERK), agree(FREE_CLERK)
		self.assertEqual(free - maroc, 2)  # the Tunisian recall's two customers

	def test_stock_per_variant_dot_shows_the_clerks_warehouses(self):
		from dux_trace.dux_articles.report.stock_per_variant_dot.stock_per_variant_dot import execute

		tyre = make_item("_DUX UP Pneu 205/55 R16", "Lot", dux_dot_tracked=1, valuation_rate=500).name
		for code, warehouse in (("2423", STORES), ("0922", DEPOT)):
			doc = receipt(tyre, 4, dux_lot_no=code)
			doc.items[0].t_warehouse = warehouse
			doc.insert().submit()

		def stock(clerk):
			_columns, rows = self.as_clerk(clerk, execute, {"item": tyre})
			return {(row["dot_code"], row["warehouse"]) for row in rows}

		self.assertEqual(stock(MAGASIN_CLERK), {("2423", STORES)})
		self.assertEqual(stock(MAROC_CLERK), {("2423", STORES), ("0922", DEPOT)})
		self.assertEqual(stock(FREE_CLERK), {("2423", STORES), ("0922", DEPOT)})

	def test_stock_per_variant_sums_the_clerks_warehouses(self):
		from erpnext.controllers.item_variant import create_variant

		from dux_trace.dux_articles.report.stock_per_variant.stock_per_variant import execute

		for attribute, values in (("_DUX Taille", ["S", "M", "L"]), ("_DUX Couleur", ["Rouge", "Bleu"])):
			if not frappe.db.exists("Item Attribute", attribute):
				frappe.get_doc(
					{
						"doctype": "Item Attribute",
						"attribute_name": attribute,
						"item_attribute_values": [
							{"attribute_value": v, "abbr": v[:3].upper()} for v in values
						],
					}
				).insert(ignore_permissions=True)
		template = make_item(
			"_DUX UP Polo",
			has_variants=1,
			attributes=[{"attribute": "_DUX Taille"}, {"attribute": "_DUX Couleur"}],
		).name
		for size, colour in (("S", "Rouge"), ("M", "Bleu")):
			variant = create_variant(template, {"_DUX Taille": size, "_DUX Couleur": colour})
			if not frappe.db.exists("Item", variant.item_code):
				variant.insert(ignore_permissions=True)
			if size == "S":
				receive(variant.item_code, 4)
				receive(variant.item_code, 3, warehouse=DEPOT)
			else:
				receive(variant.item_code, 2, warehouse=DEPOT)
				make_stock_entry(
					item_code=variant.item_code,
					qty=9,
					to_warehouse=OTHER_STORES,
					rate=10,
					company=OTHER_COMPANY,
				)

		def matrix(clerk, **filters):
			_columns, rows = self.as_clerk(
				clerk,
				execute,
				{
					"item": template,
					"row_attribute": "_DUX Taille",
					"column_attribute": "_DUX Couleur",
					**filters,
				},
			)
			return {
				row["row"]: (row["c0"], row["c1"], row["total"])
				for row in rows
				if row["row"] in ("S", "M", "Total")
			}

		self.assertEqual(matrix(MAGASIN_CLERK), {"S": (4, 0, 4), "M": (0, 0, 0), "Total": (4, 0, 4)})
		self.assertEqual(matrix(MAGASIN_CLERK, warehouse=DEPOT), {})
		self.assertEqual(matrix(MAROC_CLERK), {"S": (7, 0, 7), "M": (0, 2, 2), "Total": (7, 2, 9)})
		self.assertEqual(
			matrix(MAROC_CLERK, warehouse=DEPOT), {"S": (3, 0, 3), "M": (0, 2, 2), "Total": (3, 2, 5)}
		)
		self.assertEqual(matrix(FREE_CLERK), {"S": (7, 0, 7), "M": (0, 11, 11), "Total": (7, 11, 18)})

	def test_inactive_catalogue_counts_the_stock_of_the_clerks_warehouses(self):
		from dux_trace.dux_articles.report.inactive_catalogue.inactive_catalogue import execute

		old = make_item("_DUX UP Ancien yaourt").name
		elsewhere = make_item("_DUX UP Ancien fromage").name
		receive(old, 3)
		receive(old, 4, warehouse=DEPOT)
		receive(elsewhere, 5, warehouse=DEPOT)
		for code in (old, elsewhere):
			frappe.db.set_value("Item", code, "disabled", 1)

		def catalogue(clerk, with_stock_only=0):
			_columns, rows = self.as_clerk(clerk, execute, {"with_stock_only": with_stock_only})
			return {row["item_code"]: row["qty"] for row in rows if row["item_code"] in (old, elsewhere)}

		self.assertEqual(catalogue(MAGASIN_CLERK), {old: 3, elsewhere: 0})
		self.assertEqual(catalogue(MAGASIN_CLERK, with_stock_only=1), {old: 3})
		self.assertEqual(catalogue(MAROC_CLERK), {old: 7, elsewhere: 5})
		self.assertEqual(catalogue(FREE_CLERK), {old: 7, elsewhere: 5})
