# Copyright (c) 2026, dux_trace developers
# For license information, please see license.txt
"""After-Sales Check's form: the record never keeps the buyer for every reader; the form shows the
sale (buyer, invoice) only to a reader who may open that invoice (the controller's onload)."""

import frappe
from frappe.desk.form.load import getdoc

from dux_trace.api.after_sales import check_serial
from dux_trace.compat import TestCase
from dux_trace.tests.test_serials import sale, serial_item, stock_serials
from dux_trace.tests.utils import CUSTOMER, acting_as

#: the app's tests make their own records (dux_trace/tests/utils.py): no ERPNext test records
IGNORE_TEST_RECORD_DEPENDENCIES = test_ignore = ["Customer", "DocType", "Item", "User"]


class TestAfterSalesCheck(TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.item = serial_item()
		(cls.sold,) = stock_serials(cls.item, 1)
		invoice = sale("Sales Invoice", cls.item, [cls.sold], update_stock=1).insert()
		invoice.submit()
		cls.invoice = invoice.name

	def setUp(self):
		frappe.cache.delete_keys("dux_trace:throttle:")

	def test_the_form_shows_the_sale_only_to_who_may_open_the_invoice(self):
		with acting_as("Sales User", "Accounts User"):
			check = check_serial(self.sold, CUSTOMER)["name"]
		shown = {}
		for roles in (("Stock Manager", "Accounts User"), ("Stock Manager",), ("Sales Manager",)):
			with acting_as(*roles):
				frappe.response.docs = []
				getdoc("After-Sales Check", check)
				shown[roles] = frappe.response.docs[0].get("__onload", {}).get("sale")
		self.assertEqual(
			shown[("Stock Manager", "Accounts User")],
			{"sold_to": CUSTOMER, "sales_document_type": "Sales Invoice", "sales_document": self.invoice},
		)
		self.assertFalse(shown[("Stock Manager",)])
		self.assertFalse(shown[("Sales Manager",)])
