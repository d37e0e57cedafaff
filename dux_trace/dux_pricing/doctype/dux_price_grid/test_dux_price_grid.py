# Copyright (c) 2026, dux_trace developers
# For license information, please see license.txt
"""The nightly re-apply of a price grid acts for the user who armed it, with that user's rights
read that night: a Sales Manager who may not write prices cannot make the scheduler write them."""

import frappe
from frappe.utils import nowdate

from dux_trace.compat import TestCase
from dux_trace.pricing.grids.nightly import reapply_for_its_user
from dux_trace.tests.test_article_card import make_price_list, purchase_receipt
from dux_trace.tests.test_price_grids import GROUP, make_item_group
from dux_trace.tests.utils import COMPANY, make_item, role_user

#: the app's tests make their own records (dux_trace/tests/utils.py): Frappe builds no ERPNext test
#: records for what this doctype links to (they take minutes and need apps a shop may not have,
#: such as payments); version-15 reads test_ignore, version-16 IGNORE_TEST_RECORD_DEPENDENCIES
IGNORE_TEST_RECORD_DEPENDENCIES = test_ignore = [
	"Company",
	"Customer",
	"Customer Group",
	"Item",
	"Item Group",
	"Price List",
	"User",
]


# the pricing desk the README names: both roles, as ERPNext splits Item Prices and Pricing Rules
PRICING = ("Sales Manager", "Sales Master Manager")
BARE = ("Sales Manager",)


def armed_grid(name: str, price_list: str, markup: float = 0, **fields):
	return frappe.get_doc(
		{
			"doctype": "Dux Price Grid",
			"grid_name": name,
			"company": COMPANY,
			"valid_from": nowdate(),
			"applies_to": "Price List",
			"price_list": price_list,
			"method": "Margin",
			"cost_basis": "Moving Average Cost",
			"rounding": "Currency Fraction",
			"auto_reapply": 1,
			"lines": [{"item_code": fields.pop("item_code"), "min_qty": 1, "markup_percent": markup}],
			**fields,
		}
	).insert()


class TestDuxPriceGrid(TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.pricing = role_user(*PRICING)
		cls.bare = role_user(*BARE)
		make_item_group(GROUP)
		cls.item = make_item("_DUX Yaourt nuit", "Moving Average", item_group=GROUP).name
		purchase_receipt(cls.item, 10, 6.00)

	def tearDown(self):
		frappe.set_user("Administrator")

	def price(self, price_list):
		return frappe.db.get_value(
			"Item Price", {"price_list": price_list, "item_code": self.item}, ["price_list_rate", "owner"]
		)

	def test_a_sales_manager_alone_cannot_arm_the_nightly_run(self):
		"""The escalation found by review: a bare Sales Manager (whom Apply refuses) armed a grid at
		cost and the scheduler, acting as Administrator, wrote the prices."""
		price_list = make_price_list("Tarif Nuit Refus MAD")
		frappe.set_user(self.bare)
		doc = armed_grid("Nuit sans droit", price_list, item_code=self.item)
		self.assertFalse(doc.auto_reapply)
		self.assertFalse(doc.auto_reapply_by)
		frappe.set_user("Administrator")
		frappe.db.set_value("Dux Price Grid", doc.name, "auto_reapply", 1)  # even armed by SQL
		reapply_for_its_user(frappe.get_doc("Dux Price Grid", doc.name))
		self.assertIsNone(self.price(price_list))
		self.assertIn("Not re-applied", frappe.db.get_value("Dux Price Grid", doc.name, "last_nightly_run"))

	def test_the_nightly_run_writes_as_the_user_who_armed_it(self):
		price_list = make_price_list("Tarif Nuit MAD")
		frappe.set_user(self.pricing)
		doc = armed_grid("Nuit tarifeur", price_list, markup=50, item_code=self.item)
		self.assertEqual((doc.auto_reapply, doc.auto_reapply_by), (1, self.pricing))
		frappe.set_user("Administrator")  # the scheduler
		history = reapply_for_its_user(frappe.get_doc("Dux Price Grid", doc.name))
		self.assertEqual(self.price(price_list), (9.0, self.pricing))
		self.assertEqual(frappe.db.get_value("Dux Price Grid Apply", history, "applied_by"), self.pricing)
		self.assertEqual(frappe.session.user, "Administrator")

	def test_a_user_who_lost_the_right_is_skipped_and_told(self):
		price_list = make_price_list("Tarif Nuit Retrait MAD")
		user = role_user(*PRICING, "Stock User")
		frappe.set_user(user)
		doc = armed_grid("Nuit retrait", price_list, markup=20, item_code=self.item)
		frappe.set_user("Administrator")
		frappe.get_doc("User", user).remove_roles("Sales Master Manager")
		reapply_for_its_user(frappe.get_doc("Dux Price Grid", doc.name))
		self.assertIsNone(self.price(price_list))
		outcome = frappe.db.get_value("Dux Price Grid", doc.name, "last_nightly_run")
		self.assertIn(f"Not re-applied for {user}", outcome)

	def test_a_save_by_a_sales_manager_alone_disarms_it(self):
		"""Otherwise he could change the markups of an armed grid and let the night apply them for
		the pricing manager."""
		price_list = make_price_list("Tarif Nuit Édition MAD")
		frappe.set_user(self.pricing)
		doc = armed_grid("Nuit édition", price_list, markup=40, item_code=self.item)
		frappe.set_user(self.bare)
		doc = frappe.get_doc("Dux Price Grid", doc.name)
		doc.lines[0].markup_percent = 0
		doc.save()
		self.assertEqual((doc.auto_reapply, doc.auto_reapply_by), (0, None))
		frappe.set_user("Administrator")
		reapply_auto_grids_for(doc.name)
		self.assertIsNone(self.price(price_list))

	def test_a_grid_never_writes_into_a_buying_price_list(self):
		buying = "Tarif Achat Nuit MAD"
		if not frappe.db.exists("Price List", buying):
			frappe.get_doc(
				{"doctype": "Price List", "price_list_name": buying, "currency": "MAD", "buying": 1}
			).insert(ignore_permissions=True)
		frappe.set_user(self.pricing)
		with self.assertRaises(frappe.ValidationError):
			armed_grid("Nuit achat", buying, item_code=self.item)


def reapply_auto_grids_for(name: str):
	"""The scheduler's loop over one grid, without its commit (the test's transaction is rolled
	back): what `reapply_auto_grids` does for each armed grid."""
	for grid in frappe.get_all("Dux Price Grid", filters={"auto_reapply": 1, "name": name}, pluck="name"):
		reapply_for_its_user(frappe.get_doc("Dux Price Grid", grid))
