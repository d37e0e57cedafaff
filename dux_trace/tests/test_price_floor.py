"""No price below cost by accident, as the pricing manager the README names (Sales Manager + Sales
Master Manager, + Stock User to see costs) and a Sales User who sees no costs: the issue's case, a
TTC of 59.90 (49.92 excl. VAT 20 %) on an item costing 180.00."""

import frappe
from frappe.utils import fmt_money

from dux_trace.compat import TestCase, change_settings
from dux_trace.pricing.floor import REASON_FIELD, REFUSE, PriceBelowMinimumError
from dux_trace.tests.test_article_card import make_price_list, make_vat_template, purchase_receipt
from dux_trace.tests.test_price_grids import make_item_group
from dux_trace.tests.utils import COMPANY, CURRENCY, make_item, role_user

PRICING = ("Sales Manager", "Sales Master Manager", "Stock User")
GROUP = "_DUX Moteurs"
PRICE_LIST = "Tarif Plancher Public MAD"


class TestNoPriceBelowCost(TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.db.set_single_value("Global Defaults", "default_company", COMPANY)
		cls.pricing = role_user(*PRICING)
		cls.pricing_override = role_user(*PRICING, "Accounts Manager")
		cls.seller = role_user("Sales User")
		make_item_group(GROUP)
		cls.item = make_item("_DUX Moteur 180", "Moving Average", item_group=GROUP).name
		item = frappe.get_doc("Item", cls.item)
		if not item.taxes:
			item.append("taxes", {"item_tax_template": make_vat_template("TVA 20 % Dux", 20)})
			item.save()
		purchase_receipt(cls.item, 10, 180)
		cls.price_list = make_price_list(PRICE_LIST)

	def setUp(self):
		frappe.db.delete("Item Price", {"item_code": self.item, "price_list": self.price_list})

	def tearDown(self):
		frappe.set_user("Administrator")

	def item_price(self, rate, reason=None):
		return frappe.get_doc(
			{
				"doctype": "Item Price",
				"item_code": self.item,
				"price_list": self.price_list,
				"price_list_rate": rate,
				REASON_FIELD: reason,
			}
		).insert()

	@change_settings(
		"Dux Trace Settings",
		{
			"discount_override_role": "Accounts Manager",
			"min_margin_percent": 0,
			"below_minimum_price": REFUSE,
		},
	)
	def test_a_ttc_of_59_90_on_an_item_costing_180_is_refused_without_the_override_role(self):
		from dux_trace.api.pricing import get_card

		frappe.set_user(self.pricing)
		card = get_card(self.item, price_ttc="59.90")
		self.assertEqual(
			(card["price_ht"], card["below_minimum"], card["minimum_price"]), (49.92, True, 180.0)
		)
		self.assertIn(fmt_money(180, currency=CURRENCY), card["below_minimum_message"])
		with self.assertRaises(PriceBelowMinimumError) as refused:
			self.item_price(49.92, reason="Déstockage")  # a reason is not enough without the role
		self.assertIn("Accounts Manager", str(refused.exception))

		frappe.set_user(self.pricing_override)
		with self.assertRaises(PriceBelowMinimumError):
			self.item_price(49.92)  # the role without a reason
		price = self.item_price(49.92, reason="Déstockage avant inventaire")
		comment = frappe.get_all(
			"Comment",
			filters={"reference_doctype": "Item Price", "reference_name": price.name},
			pluck="content",
		)
		self.assertTrue(
			any("Déstockage avant inventaire" in text and self.pricing_override in text for text in comment)
		)

	@change_settings(
		"Dux Trace Settings", {"discount_override_role": "Accounts Manager", "min_margin_percent": 0}
	)
	def test_a_seller_is_told_the_price_is_below_the_minimum_without_the_cost(self):
		from dux_trace.api.pricing import get_card

		frappe.set_user(self.seller)
		card = get_card(self.item, price_ttc="59.90")
		self.assertTrue(card["below_minimum"])
		self.assertIsNone(card["minimum_price"])
		self.assertNotIn("180", card["below_minimum_message"])

	@change_settings(
		"Dux Trace Settings",
		{
			"discount_override_role": "Accounts Manager",
			"min_margin_percent": 5,
			"below_minimum_price": REFUSE,
		},
	)
	def test_the_minimum_margin_of_the_settings_then_of_the_item_group(self):
		frappe.set_user(self.pricing)
		with self.assertRaises(PriceBelowMinimumError):
			self.item_price(188)  # 180 + 5 % = 189
		self.item_price(189).delete()
		frappe.set_user("Administrator")
		frappe.db.set_value("Item Group", GROUP, "dux_min_margin_percent", 10)
		frappe.clear_document_cache("Item Group", GROUP)
		frappe.set_user(self.pricing)
		with self.assertRaises(PriceBelowMinimumError) as refused:
			self.item_price(197)  # 180 + 10 % = 198
		self.assertIn("10 %", str(refused.exception))
		self.item_price(198)

	@change_settings(
		"Dux Trace Settings", {"min_margin_percent": 0, "below_minimum_price": "Warn and Record"}
	)
	def test_by_default_the_price_is_saved_with_a_warning_and_its_timeline_says_who(self):
		frappe.set_user(self.pricing)
		price = self.item_price(49.92)
		comments = frappe.get_all(
			"Comment",
			filters={"reference_doctype": "Item Price", "reference_name": price.name},
			pluck="content",
		)
		self.assertTrue(any(self.pricing in text and "180" in text for text in comments), comments)
