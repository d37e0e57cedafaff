# Copyright (c) 2026, dux_trace developers
# For license information, please see license.txt
"""Who may start a recalculation, and its job acting with its user's rights of the moment it runs."""

import frappe

from dux_trace.compat import TestCase
from dux_trace.pricing.recalculation import run
from dux_trace.tests.test_article_card import purchase_receipt
from dux_trace.tests.utils import COMPANY, make_item, role_user

#: the app's tests make their own records (dux_trace/tests/utils.py): Frappe builds no ERPNext test
#: records for what this doctype links to (they take minutes and need apps a shop may not have,
#: such as payments); version-15 reads test_ignore, version-16 IGNORE_TEST_RECORD_DEPENDENCIES
IGNORE_TEST_RECORD_DEPENDENCIES = test_ignore = ["Company", "Item", "Item Group", "Warehouse"]


#: the shop owner (gérant) of the README: stock and items
OWNER = ("Stock Manager", "Item Manager", "Stock User")


def recalculation(kind: str, item_code: str):
	return frappe.get_doc(
		{"doctype": "Dux Recalculation", "kind": kind, "company": COMPANY, "item_code": item_code}
	).insert()


class TestDuxRecalculation(TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.item = make_item("_DUX Pneu recalcul", "Moving Average").name
		purchase_receipt(cls.item, 4, 300)

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_an_item_manager_alone_may_not_run_one(self):
		"""A cost recalculation writes Item and may queue ERPNext's Repost Item Valuation (Stock
		Manager): an Item Manager alone could start one before."""
		frappe.set_user(role_user("Item Manager"))
		with self.assertRaises(frappe.PermissionError):
			recalculation("Cost Bases", self.item)

	def test_a_stock_manager_alone_may_not_write_item_costs(self):
		frappe.set_user(role_user("Stock Manager"))
		with self.assertRaises(frappe.PermissionError):
			recalculation("Cost Bases", self.item)

	def test_the_shop_owner_runs_it_and_the_job_checks_again_when_it_starts(self):
		owner = role_user(*OWNER)
		frappe.set_user(owner)
		doc = recalculation("Cost Bases", self.item)
		frappe.set_user("Administrator")
		frappe.get_doc("User", owner).remove_roles("Item Manager")
		frappe.set_user(owner)  # the job runs as the user who saved it (frappe.enqueue)
		run(doc.name)
		done = frappe.get_doc("Dux Recalculation", doc.name)
		self.assertEqual(done.status, "Failed")
		self.assertIn("stored costs", done.error)
		self.assertFalse(frappe.db.get_value("Item", self.item, "dux_costs_updated_on"))

	def test_the_shop_owner_sees_the_figures(self):
		owner = role_user(*OWNER)
		frappe.set_user(owner)
		doc = recalculation("Cost Bases", self.item)
		run(doc.name)
		done = frappe.get_doc("Dux Recalculation", doc.name)
		self.assertEqual(done.status, "Completed")
		cmp = {row.figure: row.new_value for row in done.results}["Moving Average Cost"]
		self.assertEqual(cmp, 300.0)
