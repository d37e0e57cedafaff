"""Tyres by DOT code and stock per variant, on a real site, as a Stock User / Stock Manager."""

import frappe

from dux_trace.compat import TestCase
from dux_trace.stock.dot import InvalidDotError
from dux_trace.tests.test_lots_at_receipt import receipt
from dux_trace.tests.utils import STORES, make_item, make_outgoing, make_user, receive

STOREKEEPER = "magasinier.pneus@dux-trace.test"


class TestTyresByDot(TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_user(STOREKEEPER, ["Stock User", "Stock Manager", "Sales User", "Purchase User"])
		cls.tyre = make_item("_DUX Pneu 195/65 R15", "Lot", dux_dot_tracked=1, valuation_rate=500).name

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_a_dot_receipt_stores_week_and_year_and_the_oldest_dot_leaves_first(self):
		frappe.set_user(STOREKEEPER)
		for code in ("2423", "0922"):  # received newest first
			doc = receipt(self.tyre, 4, dux_lot_no=code)
			doc.insert()
			doc.submit()
		batch = frappe.db.get_value(
			"Batch",
			f"{self.tyre}-DOT2423",
			["dux_dot_code", "manufacturing_date", "expiry_date"],
			as_dict=True,
		)
		self.assertEqual(
			(batch.dux_dot_code, str(batch.manufacturing_date), batch.expiry_date),
			("2423", "2023-06-12", None),
		)
		self.assertEqual(
			frappe.get_all("Batch", filters={"dux_dot_code": "0922", "item": self.tyre}, pluck="name"),
			[f"{self.tyre}-DOT0922"],
		)

		delivery = make_outgoing("Delivery Note", self.tyre, 2)
		delivery.submit()
		from erpnext.stock.serial_batch_bundle import get_batch_nos

		taken = get_batch_nos(delivery.items[0].serial_and_batch_bundle)
		self.assertEqual(list(taken), [f"{self.tyre}-DOT0922"])  # week 9 of 2022 before week 24 of 2023

		from dux_trace.dux_articles.report.stock_per_variant_dot.stock_per_variant_dot import execute

		_columns, rows = execute({"item": self.tyre, "max_age_years": 4})
		by_code = {row["dot_code"]: row for row in rows}
		self.assertEqual((by_code["0922"]["qty"], by_code["2423"]["qty"]), (2.0, 4.0))
		# made 28 February 2022 and 12 June 2023: 57 and 41 months old on 1 December 2026
		self.assertEqual((by_code["0922"]["flag"], by_code["2423"]["flag"]), ("Older than 4 years", ""))
		self.assertGreater(by_code["0922"]["age_months"], by_code["2423"]["age_months"])

	def test_an_impossible_dot_is_refused(self):
		frappe.set_user(STOREKEEPER)
		for code in ("0023", "5422", "9999"):
			with self.subTest(code), self.assertRaises(InvalidDotError):
				receipt(self.tyre, 1, dux_lot_no=code).insert()


class TestStockPerVariant(TestCase):
	def test_three_sizes_by_two_colours(self):
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
			"_DUX T-shirt",
			has_variants=1,
			attributes=[{"attribute": "_DUX Taille"}, {"attribute": "_DUX Couleur"}],
		).name
		from erpnext.controllers.item_variant import create_variant

		quantities = {
			("S", "Rouge"): 4,
			("S", "Bleu"): 1,
			("M", "Bleu"): 7,
			("L", "Rouge"): 2,
			("L", "Bleu"): 3,
		}
		for size in ("S", "M", "L"):
			for colour in ("Rouge", "Bleu"):
				variant = create_variant(template, {"_DUX Taille": size, "_DUX Couleur": colour})
				if not frappe.db.exists("Item", variant.item_code):
					variant.insert(ignore_permissions=True)
				if quantities.get((size, colour)):
					receive(variant.item_code, quantities[(size, colour)])
		frappe.set_user(make_user("magasinier.textile@dux-trace.test", ["Stock User"]))
		try:
			_columns, rows = execute(
				{
					"item": template,
					"row_attribute": "_DUX Taille",
					"column_attribute": "_DUX Couleur",
					"warehouse": STORES,
				}
			)
		finally:
			frappe.set_user("Administrator")
		table = {row["row"]: (row["c0"], row["c1"], row["total"]) for row in rows}
		self.assertEqual(table, {"S": (4, 1, 5), "M": (0, 7, 7), "L": (2, 3, 5), "Total": (6, 11, 17)})
