"""What an implementer sees right after `bench --site SITE install-app dux_trace`."""

import frappe

from dux_trace.compat import TestCase
from dux_trace.install import after_install, delete_custom_fields
from dux_trace.tests.utils import make_item, receive


class TestInstall(TestCase):
	def test_item_form_has_the_tracking_mode_field(self):
		field = frappe.get_meta("Item").get_field("dux_tracking_mode")
		self.assertIsNotNone(field)
		self.assertEqual(field.fieldtype, "Select")
		self.assertEqual(field.options.split("\n"), ["None", "Moving Average", "Serial", "Lot"])

	def test_settings_have_sensible_defaults(self):
		settings = frappe.get_single("Dux Trace Settings")
		# defaults warn where ERPNext would allow: nothing is blocked until the implementer says so
		self.assertEqual(settings.fefo_policy, "Warn")
		self.assertEqual(settings.near_expiry_days, 30)
		self.assertEqual(settings.override_role, "Stock Manager")
		self.assertFalse(settings.require_serial_scan_at_receipt)
		self.assertFalse(settings.require_serial_scan_at_sale)

	def test_tracking_mode_labels_are_translated_to_french(self):
		from frappe import _

		frappe.local.lang = "fr"
		try:
			frappe.local.lang_full_dict = None
			frappe.local.jenv = None
			self.assertEqual(_("Tracking Mode"), "Mode de suivi")
			self.assertEqual(_("Moving Average", context="Tracking Mode"), "Prix moyen pondéré (CMP)")
		finally:
			frappe.local.lang = "en"
			frappe.local.lang_full_dict = None


class TestUninstall(TestCase):
	"""Uninstalling removes dux_trace's fields; ERPNext's own serial/batch settings stay, so the
	items keep working as plain ERPNext batch or serial items."""

	def test_items_stay_usable_without_the_app_fields(self):
		lot_item = make_item("_DUX Uninstall Lot", "Lot", shelf_life_in_days=90)
		serial_item = make_item("_DUX Uninstall Serial", "Serial")
		try:
			delete_custom_fields()
			self.assertIsNone(frappe.get_meta("Item").get_field("dux_tracking_mode"))

			lot_item = frappe.get_doc("Item", lot_item.name)
			lot_item.description = "Saved without dux_trace"
			lot_item.save()
			self.assertEqual((lot_item.has_batch_no, lot_item.has_expiry_date), (1, 1))
			self.assertEqual(frappe.db.get_value("Item", serial_item.name, "has_serial_no"), 1)

			entry = receive(lot_item.name, 4)
			self.assertEqual(entry.docstatus, 1)
			batch = frappe.get_value("Batch", {"item": lot_item.name}, ["name", "expiry_date"], as_dict=True)
			self.assertTrue(batch and batch.expiry_date)
		finally:
			after_install()
			frappe.db.commit()
		self.assertIsNotNone(frappe.get_meta("Item").get_field("dux_tracking_mode"))
		self.assertEqual(frappe.db.get_value("Item", lot_item.name, "dux_tracking_mode"), "Lot")

	def test_every_custom_field_of_the_app_has_its_column(self):
		from dux_trace.constants.custom_fields import CUSTOM_FIELDS

		for doctype, fields in CUSTOM_FIELDS.items():
			for field in fields:
				if field["fieldtype"] in (
					"Section Break",
					"Column Break",
					"Tab Break",
					"HTML",
					"Table",
					"Table MultiSelect",
				):
					continue
				with self.subTest(doctype=doctype, field=field["fieldname"]):
					self.assertTrue(frappe.db.has_column(doctype, field["fieldname"]))

	def test_every_string_of_the_app_has_a_french_translation(self):
		"""What users see is French first: labels, descriptions, messages, JS and print formats."""
		from frappe.translate import get_all_translations, get_messages_for_app

		# Frappe's own navbar links and naming series are not ours to translate
		not_ours = {
			"Apps",
			"Documentation",
			"Frappe School",
			"Frappe Support",
			"Log out",
			"Report an Issue",
			"User Forum",
		}
		french = get_all_translations("fr")
		missing = sorted(
			message
			for _path, message, *_rest in get_messages_for_app("dux_trace")
			if message not in french and message not in not_ours and not message.endswith(".-")
		)
		self.assertEqual(missing, [])

	def test_every_select_option_reads_in_french_in_a_dropdown(self):
		"""A dropdown translates its options without context: each option of the app's Select fields
		(custom fields and the app's doctypes) has a plain French translation, and it is the one the
		app's context-tagged entry says (else a form shows one word and its help text another)."""
		import csv

		from frappe.translate import get_all_translations

		from dux_trace.constants.custom_fields import CUSTOM_FIELDS

		french = get_all_translations("fr")
		options = set()
		for fields in CUSTOM_FIELDS.values():
			for field in fields:
				if field.get("fieldtype") == "Select":
					options.update(field.get("options", "").split("\n"))
		modules = frappe.get_all("Module Def", filters={"app_name": "dux_trace"}, pluck="name")
		for doctype in frappe.get_all("DocType", filters={"module": ("in", modules)}, pluck="name"):
			for field in frappe.get_meta(doctype).fields:
				if field.fieldtype == "Select" and field.fieldname != "naming_series":
					options.update((field.options or "").split("\n"))
		options = {option for option in options if option.strip() and not option.replace(".", "").isdigit()}
		problems = [
			f"{option!r} has no French translation" for option in sorted(options) if option not in french
		]
		with open(frappe.get_app_path("dux_trace", "translations", "fr.csv"), encoding="utf-8") as f:
			for row in csv.reader(f):
				if len(row) == 3 and row[2] and row[0] in options and french.get(row[0]) != row[1]:
					problems.append(
						f"{row[0]!r} shows {french.get(row[0])!r} in a dropdown, {row[1]!r} ({row[2]})"
					)
		self.assertEqual(problems, [])

	def test_a_receipt_row_shows_one_lot_field(self):
		"""A lot item's row offers the app's Lot Number (and dates) until it has its Batch, then
		ERPNext's Batch No; a phone's row shows neither of the app's."""
		for doctype in ("Purchase Receipt Item", "Purchase Invoice Item", "Stock Entry Detail"):
			meta = frappe.get_meta(doctype)
			with self.subTest(doctype=doctype):
				self.assertIn(
					"doc.dux_has_batch_no && !doc.batch_no", meta.get_field("dux_lot_no").depends_on
				)
				self.assertIn("!doc.dux_has_batch_no || doc.batch_no", meta.get_field("batch_no").depends_on)
				self.assertEqual(meta.get_field("dux_has_batch_no").fetch_from, "item_code.has_batch_no")
