"""The traceability features as the clerk lives them: the role a shop gives, in French.

- a phone set to *Serial* through the tracking mode is scanned at sale without anyone finding a
  setting ("Lequel vendez-vous ?");
- the FEFO warning is there before submit: when the lot is chosen, and kept on the form from save;
- a recall's notification says beforehand who will be reached and who cannot, and why, and its
  failures are stored in the sender's language;
- what was scanned is never sent back as HTML.
"""

from typing import ClassVar

import frappe
from frappe.utils import add_days, nowdate, strip_html

from dux_trace.api.fefo import check_lots
from dux_trace.api.serials import check_scan
from dux_trace.compat import TestCase, change_settings
from dux_trace.stock.serial_rules import SerialScanError
from dux_trace.tests.test_serials import imeis, sale, serial_item, stock_serials
from dux_trace.tests.utils import (
	STORES,
	acting_as,
	make_customer,
	make_item,
	make_lot,
	make_outgoing,
	make_outgoing_email_account,
	receive,
)


class TestSerialModeIsScannedAtSale(TestCase):
	def test_an_item_set_to_serial_asks_which_unit_is_sold_until_it_is_scanned(self):
		item = serial_item("Redmi Note 13")
		self.assertEqual(frappe.db.get_value("Item", item, "dux_scan_serial_at_sale"), 1)
		self.assertFalse(frappe.db.get_single_value("Dux Trace Settings", "require_serial_scan_at_sale"))
		serials = stock_serials(item, 2)
		with acting_as("Stock User", "Sales User"):
			note = sale("Delivery Note", item, serials[:1], scanned=[]).insert()
			with self.assertRaises(SerialScanError) as refused:
				note.submit()
			self.assertIn("lequel vendez-vous ?", strip_html(str(refused.exception)).lower())
			self.assertIn("0 scannée(s) sur 1", strip_html(str(refused.exception)))
			note.reload()
			note.items[0].dux_scanned_serials = serials[0]
			note.save()
			note.submit()
		self.assertEqual(note.docstatus, 1)

	def test_an_item_made_serial_the_erpnext_way_keeps_erpnext_behaviour(self):
		"""ERPNext's own tests (and imports) tick Has Serial No directly: no scan is asked of them."""
		item = make_item(f"_DUX Câble {frappe.generate_hash(length=5)}", has_serial_no=1).name
		self.assertEqual(frappe.db.get_value("Item", item, "dux_tracking_mode"), "Serial")
		self.assertEqual(frappe.db.get_value("Item", item, "dux_scan_serial_at_sale"), 0)
		serials = stock_serials(item, 1)
		with acting_as("Stock User", "Sales User"):
			note = sale("Delivery Note", item, serials, scanned=[]).insert()
			note.submit()
		self.assertEqual(note.docstatus, 1)

	def test_the_item_form_shows_the_scan_rule_when_the_mode_is_chosen(self):
		with acting_as("Item Manager"):
			item = make_item(f"_DUX Tablette {frappe.generate_hash(length=5)}")
			item.dux_tracking_mode = "Serial"
			item.save()
		self.assertEqual((item.has_serial_no, item.dux_scan_serial_at_sale), (1, 1))


class TestFefoWarningBeforeSubmit(TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.item = make_item(
			f"_DUX Yaourt {frappe.generate_hash(length=5)}", "Lot", shelf_life_in_days=40
		).name
		cls.lot_a = make_lot(cls.item, f"{cls.item}-A", add_days(nowdate(), 15))
		cls.lot_b = make_lot(cls.item, f"{cls.item}-B", add_days(nowdate(), 35))
		receive(cls.item, 14, batch_no=cls.lot_a)
		receive(cls.item, 20, batch_no=cls.lot_b)

	def test_choosing_a_later_lot_is_warned_at_once_and_on_save_in_french(self):
		with acting_as("Stock User", "Sales User"):
			draft = make_outgoing("Delivery Note", self.item, 2, do_not_insert=True)
			draft.items[0].batch_no = self.lot_b
			draft.items[0].use_serial_batch_fields = 1
			# the form asks as soon as the lot is chosen, before anything is saved
			warnings = strip_html(" ".join(check_lots(draft.as_dict())))
			self.assertIn(f"livrez d'abord le lot {self.lot_a}", warnings)
			self.assertIn("il expire dans 15 jours", warnings)
			self.assertIn(f"14 du lot {self.lot_a} sont encore en stock dans {STORES}", warnings)
			self.assertIn(f"Le lot {self.lot_b}, choisi ici, expire plus tard", warnings)
			draft.insert()
			self.assertEqual(strip_html(draft.dux_fefo_warnings), warnings)
			# the earlier lot chosen: nothing to say, and the override reason stays hidden
			draft.items[0].batch_no = self.lot_a
			draft.save()
			self.assertFalse(draft.dux_fefo_warnings)

	def test_the_live_check_is_refused_to_a_role_that_cannot_write_the_document(self):
		draft = make_outgoing("Delivery Note", self.item, 2, do_not_insert=True).as_dict()
		with acting_as("Accounts User"), self.assertRaises(frappe.PermissionError):
			check_lots(draft)
		with acting_as("Stock User"), self.assertRaises(frappe.ValidationError):
			check_lots({**draft, "doctype": "Purchase Receipt"})

	def test_block_names_the_override_role_in_french(self):
		from dux_trace.stock.fefo import FefoViolationError

		with change_settings(
			"Dux Trace Settings", {"fefo_policy": "Block", "override_role": "Stock Manager"}
		):
			with acting_as("Stock User", "Sales User"):
				note = make_outgoing("Delivery Note", self.item, 2, batch_no=self.lot_b)
				with self.assertRaises(FefoViolationError) as refused:
					note.submit()
		self.assertIn("Responsable des Stocks", strip_html(str(refused.exception)))
		self.assertNotIn("Stock Manager", strip_html(str(refused.exception)))

	def test_policy_off_says_nothing_about_the_order(self):
		with change_settings("Dux Trace Settings", {"fefo_policy": "Off", "near_expiry_days": 5}):
			with acting_as("Stock User", "Sales User"):
				note = make_outgoing("Delivery Note", self.item, 2, batch_no=self.lot_b)
		self.assertFalse(note.dux_fefo_warnings)


class TestRecallNotificationPreview(TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.item = make_item(
			f"_DUX Sirop {frappe.generate_hash(length=5)}", "Lot", shelf_life_in_days=365
		).name
		lot = make_lot(cls.item, f"{cls.item}-L1", add_days(nowdate(), 200))
		receive(cls.item, 5, batch_no=lot)
		cls.reachable = make_customer("Pharmacie Hassan")
		cls.unreachable = make_customer("Dépôt sans contact")
		frappe.db.set_value(
			"Customer", cls.reachable, {"mobile_no": "+212633333333", "email_id": "ph@example.ma"}
		)
		frappe.db.set_value("Customer", cls.unreachable, {"mobile_no": None, "email_id": None})
		for customer in (cls.reachable, cls.unreachable):
			make_outgoing("Delivery Note", cls.item, 1, batch_no=lot, customer=customer, submit=True)
		cls.recall = frappe.get_doc(
			{
				"doctype": "Product Recall",
				"severity": "High",
				"reason": "Étiquette",
				"items": [{"batch_no": lot}],
			}
		).insert()
		cls.recall.submit()

	def test_the_preview_says_who_can_be_reached_and_why_not(self):
		frappe.db.set_single_value("SMS Settings", "sms_gateway_url", "")
		make_outgoing_email_account()
		with acting_as("Stock Manager"):
			preview = frappe.get_doc("Product Recall", self.recall.name).notification_preview()
		rows = {row["customer"]: row for row in preview["customers"]}
		self.assertEqual(rows[self.reachable]["email"], "ph@example.ma")
		self.assertIsNone(rows[self.reachable]["sms"])
		self.assertEqual(rows[self.reachable]["sms_problem"], "Les paramètres SMS n'ont pas de passerelle")
		self.assertEqual(rows[self.unreachable]["email_problem"], "Pas d'adresse e-mail")
		self.assertIn(
			"Les SMS ne peuvent pas partir : les Paramètres SMS n'ont pas d'URL de passerelle.",
			preview["problems"],
		)
		with acting_as("Sales User"), self.assertRaises(frappe.PermissionError):
			frappe.get_doc("Product Recall", self.recall.name).notification_preview()

	def test_failures_are_stored_in_the_senders_language(self):
		make_outgoing_email_account()
		with acting_as("Stock Manager"):
			frappe.get_doc("Product Recall", self.recall.name).notify_customers(sms=0, email=1)
		recall = frappe.get_doc("Product Recall", self.recall.name)
		errors = {n.customer: n.error for n in recall.notifications if n.channel == "Email"}
		self.assertEqual(errors[self.unreachable], "Pas d'adresse e-mail")
		self.assertIsNone(errors[self.reachable])


class TestScansAreEscaped(TestCase):
	def test_a_hostile_scan_comes_back_as_text(self):
		item = serial_item("Pixel 8")
		hostile = '<img src=x onerror="alert(1)">'
		with acting_as("Stock User", "Sales User"):
			answer = check_scan("Delivery Note", item, STORES, hostile)
		self.assertFalse(answer["ok"])
		self.assertNotIn("<img", answer["message"])
		self.assertIn("&lt;img", answer["message"])

	def test_a_good_scan_at_sale_is_accepted_for_the_clerk(self):
		item = serial_item("Pixel 8a")
		serial = stock_serials(item, 1)[0]
		with acting_as("Stock User", "Sales User"):
			self.assertTrue(check_scan("Delivery Note", item, STORES, serial)["ok"])
			self.assertFalse(check_scan("Delivery Note", item, STORES, imeis(1)[0])["ok"])


class TestWorkspaceCards(TestCase):
	"""Each number card and chart of the Traçabilité workspace, as each role that sees it."""

	CARDS: ClassVar[dict[str, tuple[str, ...]]] = {
		"Lots Near Expiry": ("Stock User", "Sales User", "Stock Manager", "Sales Manager"),
		"Open Recalls": ("Stock User", "Sales User", "Stock Manager", "Sales Manager", "Item Manager"),
		"Customers Still to Notify": ("Stock User", "Sales User", "Stock Manager"),
		"FEFO Overrides This Month": ("Stock User", "Stock Manager"),
		"Refused After-Sales Checks This Month": (
			"Stock User",
			"Sales User",
			"Stock Manager",
			"Sales Manager",
		),
	}

	def test_each_card_counts_for_the_roles_that_see_it_and_hides_from_the_others(self):
		from frappe.desk.doctype.number_card.number_card import get_result, has_permission

		for name, roles in self.CARDS.items():
			card = frappe.get_doc("Number Card", name)
			for role in roles:
				with self.subTest(card=name, role=role), acting_as(role):
					self.assertTrue(has_permission(card, "read", frappe.session.user))
					if card.type == "Custom":
						value = frappe.get_attr(card.method)()["value"]
					else:
						value = get_result(card.as_dict(), card.filters_json)
					self.assertGreaterEqual(value, 0)
			with self.subTest(card=name, role="Accounts User"), acting_as("Accounts User"):
				self.assertFalse(has_permission(card, "read", frappe.session.user))

	def test_the_charts_show_to_the_roles_that_may_read_what_they_count(self):
		from frappe.desk.doctype.dashboard_chart.dashboard_chart import has_permission

		expiring = frappe.get_doc("Dashboard Chart", "Stock Expiring")
		refused = frappe.get_doc("Dashboard Chart", "Refused After-Sales Checks")
		with acting_as("Stock User"):
			self.assertTrue(has_permission(expiring, "read", frappe.session.user))
			self.assertTrue(has_permission(refused, "read", frappe.session.user))
		with acting_as("Sales User"):
			self.assertFalse(has_permission(expiring, "read", frappe.session.user))  # no valuation
			self.assertTrue(has_permission(refused, "read", frappe.session.user))
