# Copyright (c) 2026, dux_trace developers
# For license information, please see license.txt
"""Dux Label Template: a sheet whose labels do not fit the page is refused on save, with the reason;
one that fits is saved."""

import frappe

from dux_trace.compat import TestCase

#: the app's tests make their own records: no ERPNext test records
IGNORE_TEST_RECORD_DEPENDENCIES = test_ignore = ["Item"]


def template(name: str, width_mm: float) -> "frappe.Document":
	return frappe.get_doc(
		{
			"doctype": "Dux Label Template",
			"template_name": name,
			"page": "A4",
			"label_width_mm": width_mm,
			"label_height_mm": 37,
			"rows": 8,
			"columns": 3,
		}
	)


class TestDuxLabelTemplate(TestCase):
	def tearDown(self):
		frappe.db.rollback()

	def test_a_layout_that_does_not_fit_a4_is_refused(self):
		with self.assertRaises(frappe.ValidationError) as refused:
			template("Trop grand", 80).insert()  # 3 x 80 mm on a 210 mm page
		self.assertIn("do not fit", str(refused.exception))

	def test_a_layout_that_fits_is_saved(self):
		self.assertTrue(template("Planche 3 x 8", 70).insert().name)
