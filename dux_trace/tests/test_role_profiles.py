"""The role profiles the app ships (install.ROLE_PROFILES): a user given only one of them does that
job's key call — the clerk sells, the storekeeper receives stock and reads lots, the pricing
manager applies a grid and sees costs, the shop owner runs a cost recalculation."""

import frappe
from frappe.utils import nowdate

from dux_trace.compat import TestCase
from dux_trace.install import ROLE_PROFILES, make_role_profiles
from dux_trace.permissions import can_see_costs
from dux_trace.tests.test_article_card import make_price_list, purchase_receipt
from dux_trace.tests.test_price_grids import sale
from dux_trace.tests.utils import COMPANY, CUSTOMER, STORES, make_customer, make_item

CLERK, STOREKEEPER, PRICING, OWNER = ROLE_PROFILES


def profile_user(profile: str) -> str:
	"""A French user holding exactly the roles of one role profile, given as Frappe gives it."""
	email = f"dux-profil-{list(ROLE_PROFILES).index(profile) + 1}@dux-trace.test"
	if not frappe.db.exists("User", email):
		user = frappe.new_doc("User")
		user.update({"email": email, "first_name": profile, "language": "fr", "send_welcome_email": 0})
	else:
		user = frappe.get_doc("User", email)
		user.set("roles", [])
	if user.meta.has_field("role_profiles"):  # version-16: several profiles
		user.set("role_profiles", [{"role_profile": profile}])
	else:
		user.role_profile_name = profile
	user.save(ignore_permissions=True)
	frappe.defaults.set_user_default("company", COMPANY, email)
	return email


class TestRoleProfiles(TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_role_profiles()
		make_role_profiles()  # idempotent
		cls.users = {profile: profile_user(profile) for profile in ROLE_PROFILES}
		cls.item = make_item("_DUX Casque profils", "Moving Average").name
		purchase_receipt(cls.item, 20, 100)

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_the_profiles_hold_the_roles_the_readme_names(self):
		for profile, roles in ROLE_PROFILES.items():
			self.assertEqual(
				set(
					frappe.get_all(
						"Has Role", {"parent": profile, "parenttype": "Role Profile"}, pluck="role"
					)
				),
				set(roles),
			)
			self.assertEqual(set(frappe.get_roles(self.users[profile])) & set(roles), set(roles))

	def test_the_counter_clerk_sells(self):
		make_customer(CUSTOMER)
		frappe.set_user(self.users[CLERK])
		invoice = sale(CUSTOMER, self.item, 2)
		invoice.update_stock = 1
		invoice.items[0].warehouse = STORES
		invoice.items[0].rate = 150
		invoice.insert()
		invoice.submit()
		self.assertEqual(invoice.docstatus, 1)

	def test_the_storekeeper_receives_stock_and_reads_lots(self):
		from erpnext.stock.doctype.stock_entry.stock_entry_utils import make_stock_entry

		frappe.set_user(self.users[STOREKEEPER])
		entry = make_stock_entry(item_code=self.item, qty=5, to_warehouse=STORES, rate=100, company=COMPANY)
		self.assertEqual(entry.docstatus, 1)
		self.assertTrue(frappe.has_permission("Batch", "read"))
		self.assertTrue(frappe.has_permission("Item", "write"))

	def test_the_pricing_manager_applies_a_grid_and_sees_costs(self):
		from dux_trace.api.grids import apply_grid

		frappe.set_user(self.users[PRICING])
		price_list = make_price_list("Tarif Profils MAD")
		for doctype, name in (("Price List", price_list), ("Company", COMPANY)):
			self.assertTrue(frappe.has_permission(doctype, "read", name), doctype)
		doc = frappe.get_doc(
			{
				"doctype": "Dux Price Grid",
				"grid_name": "Grille profil tarifs",
				"company": COMPANY,
				"valid_from": nowdate(),
				"applies_to": "Price List",
				"price_list": price_list,
				"method": "Margin",
				"lines": [{"item_code": self.item, "min_qty": 1, "markup_percent": 30}],
			}
		).insert()
		self.assertEqual(apply_grid(doc.name)["prices"], 1)
		self.assertEqual(
			frappe.db.get_value(
				"Item Price", {"price_list": price_list, "item_code": self.item}, "price_list_rate"
			),
			130.0,
		)
		self.assertTrue(can_see_costs())

	def test_the_shop_owner_runs_a_cost_recalculation(self):
		from dux_trace.pricing.recalculation import run

		frappe.set_user(self.users[OWNER])
		doc = frappe.get_doc(
			{"doctype": "Dux Recalculation", "kind": "Cost Bases", "company": COMPANY, "item_code": self.item}
		).insert()
		run(doc.name)
		self.assertEqual(frappe.db.get_value("Dux Recalculation", doc.name, "status"), "Completed")
