# Copyright (c) 2026, dux_trace developers
# For license information, please see license.txt
"""Dux Rule Override: one record for every rule passed with a role and a reason (rule_overrides),
each rule's records read by the roles that read what it protects — the storekeeper reads FEFO's,
the sales manager the selling rules'; and the patch that moved the two older records into it."""

import frappe
from frappe.utils import now_datetime

from dux_trace import rule_overrides
from dux_trace.compat import TestCase
from dux_trace.patches.v1_0 import one_record_for_rule_overrides
from dux_trace.tests.utils import CUSTOMER, make_customer, make_item, role_user

#: the app's tests make their own records (dux_trace/tests/utils.py): no ERPNext test records
IGNORE_TEST_RECORD_DEPENDENCIES = test_ignore = [
	"Batch",
	"Customer",
	"DocType",
	"Dux Authorization Type",
	"Item",
	"User",
	"Warehouse",
]

STOREKEEPER = ("Stock User", "Stock Manager")
SALES_MANAGER = ("Sales Manager",)
CLERK = ("Stock User", "Sales User")


class TestDuxRuleOverride(TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.item = make_item("_DUX Règle Test").name
		make_customer(CUSTOMER)

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def passed(self, rule: str, **line) -> str:
		"""A rule passed on a customer record (any document would do), as Administrator."""
		doc = frappe.get_doc("Customer", CUSTOMER)
		rule_overrides.record(
			doc, rule, rule_overrides.OVERRIDDEN, f"<b>{rule}</b> dit non", [line], "Accord du gérant"
		)
		return frappe.get_all("Dux Rule Override", {"rule": rule}, pluck="name", order_by="creation desc")[0]

	def test_one_record_per_line_and_a_timeline_line(self):
		name = self.passed(rule_overrides.MAXIMUM_DISCOUNT, item_code=self.item, customer=CUSTOMER)
		record = frappe.get_doc("Dux Rule Override", name)
		self.assertEqual(
			(record.rule, record.kind, record.reference_doctype, record.reference_name, record.user),
			("Maximum Discount", "Overridden", "Customer", CUSTOMER, "Administrator"),
		)
		self.assertEqual(record.details, "Maximum Discount dit non")  # what the rule said, plain
		self.assertEqual(record.reason, "Accord du gérant")
		comments = frappe.get_all(
			"Comment",
			{"reference_doctype": "Customer", "reference_name": CUSTOMER, "comment_type": "Info"},
			pluck="content",
		)
		self.assertTrue(any("Accord du gérant" in text for text in comments), comments)

	def test_each_rule_is_read_by_the_roles_that_read_what_it_protects(self):
		fefo = self.passed(rule_overrides.FEFO, item_code=self.item)
		discount = self.passed(rule_overrides.MAXIMUM_DISCOUNT, item_code=self.item)
		authorization = self.passed(rule_overrides.AUTHORIZATION, item_code=self.item)
		frappe.db.commit()
		self.addCleanup(
			frappe.db.delete, "Dux Rule Override", {"name": ("in", [fefo, discount, authorization])}
		)
		self.addCleanup(frappe.db.commit)
		users = {roles: role_user(*roles) for roles in (STOREKEEPER, SALES_MANAGER, CLERK)}
		seen = {}
		for roles, user in users.items():
			frappe.set_user(user)
			listed = set(frappe.get_list("Dux Rule Override", pluck="name"))
			seen[roles] = (
				{name for name in (fefo, discount, authorization) if name in listed},
				{
					name
					for name in (fefo, discount, authorization)
					if frappe.has_permission("Dux Rule Override", "read", doc=name)
				},
			)
		frappe.set_user("Administrator")
		self.assertEqual(seen[STOREKEEPER], ({fefo}, {fefo}))
		self.assertEqual(seen[SALES_MANAGER], ({discount, authorization}, {discount, authorization}))
		# the clerk (Stock User) reads the FEFO records, as before; not the selling rules'
		self.assertEqual(seen[CLERK], ({fefo}, {fefo}))

	def test_the_patch_moves_the_older_records_and_removes_their_tables(self):
		"""FEFO Override and Dux Authorization Override, as an earlier version left them."""
		stamp = now_datetime()
		frappe.db.sql_ddl(
			"create table if not exists `tabFEFO Override` (name varchar(140) primary key, owner varchar(140),"
			" creation datetime(6), modified datetime(6), modified_by varchar(140), kind varchar(140),"
			" reference_doctype varchar(140), reference_name varchar(140), user varchar(140),"
			" timestamp datetime(6), item_code varchar(140), warehouse varchar(140), batch_no varchar(140),"
			" skipped_batch_no varchar(140), skipped_expiry_date date, skipped_qty decimal(21,9),"
			" reason text)"
		)
		frappe.db.sql_ddl(
			"create table if not exists `tabDux Authorization Override` (name varchar(140) primary key,"
			" owner varchar(140), creation datetime(6), modified datetime(6), modified_by varchar(140),"
			" reference_doctype varchar(140), reference_name varchar(140), customer varchar(140),"
			" item_code varchar(140), authorization_type varchar(140), user varchar(140),"
			" timestamp datetime(6), reason text)"
		)
		old_fefo, old_authorization = (
			frappe.qb.Table("tabFEFO Override"),
			frappe.qb.Table("tabDux Authorization Override"),
		)
		frappe.qb.into(old_fefo).columns(
			"name", "owner", "creation", "kind", "item_code", "reason", "timestamp"
		).insert("_dux_old_fefo", "Administrator", stamp, "Warned", self.item, "Lot B demandé", stamp).run()
		frappe.qb.into(old_authorization).columns(
			"name", "owner", "creation", "item_code", "customer", "reason"
		).insert("_dux_old_auth", "Administrator", stamp, self.item, CUSTOMER, "Licence reçue").run()
		frappe.db.commit()
		self.addCleanup(frappe.db.commit)
		self.addCleanup(
			frappe.db.delete, "Dux Rule Override", {"name": ("in", ["_dux_old_fefo", "_dux_old_auth"])}
		)

		one_record_for_rule_overrides.execute()
		one_record_for_rule_overrides.execute()  # again: nothing doubled, nothing lost

		moved = frappe.get_all(
			"Dux Rule Override",
			{"name": ("in", ["_dux_old_fefo", "_dux_old_auth"])},
			["name", "rule", "kind", "item_code", "customer", "reason", "owner"],
			order_by="name",
		)
		self.assertEqual(
			[(m.name, m.rule, m.kind, m.item_code, m.customer, m.reason) for m in moved],
			[
				("_dux_old_auth", "Authorization", "Overridden", self.item, CUSTOMER, "Licence reçue"),
				("_dux_old_fefo", "FEFO", "Warned", self.item, None, "Lot B demandé"),
			],
		)
		self.assertFalse(frappe.db.table_exists("FEFO Override", cached=False))
		self.assertFalse(frappe.db.table_exists("Dux Authorization Override", cached=False))
