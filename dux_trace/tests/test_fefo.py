"""FEFO on outgoing documents, as the storekeeper and the seller see it.

Milk in the Stores warehouse: lot A expires in 10 days (5 boxes), lot B in 60 days (10 boxes),
lot C expired five days ago (10 boxes, still physically there).
"""

import frappe
from frappe.utils import add_days, formatdate, nowdate, strip_html

from dux_trace.compat import TestCase, change_settings
from dux_trace.stock.fefo import FefoViolationError, LotCannotLeaveError
from dux_trace.tests.utils import (
	COMPANY,
	CUSTOMER,
	STORES,
	make_customer,
	make_item,
	make_lot,
	make_outgoing,
	make_user,
	receive,
)

SELLER = "vendeur.fefo@example.com"


class MilkStock(TestCase):
	"""Each test starts from the same three lots and rolls back what it did."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.item = make_item("_DUX Lait UHT 1L", "Lot", shelf_life_in_days=90).name
		today = nowdate()
		cls.lot_a = make_lot(cls.item, "_DUX-LAIT-A", add_days(today, 10), add_days(today, -80))
		cls.lot_b = make_lot(cls.item, "_DUX-LAIT-B", add_days(today, 60), add_days(today, -30))
		cls.lot_c = make_lot(cls.item, "_DUX-LAIT-C", add_days(today, -5), add_days(today, -95))
		receive(cls.item, 10, batch_no=cls.lot_b)
		receive(cls.item, 5, batch_no=cls.lot_a)
		# lot C was received before it expired
		receive(cls.item, 10, batch_no=cls.lot_c, posting_date=add_days(today, -20))
		make_user(SELLER, ["Stock User", "Sales User", "Accounts User", "Sales Manager"])

	def setUp(self):
		frappe.db.savepoint("dux_fefo_test")

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback(save_point="dux_fefo_test")

	def lots_of(self, doc) -> dict[str, float]:
		row = doc.items[0]
		if row.batch_no and not row.serial_and_batch_bundle:
			return {row.batch_no: row.qty}
		entries = frappe.get_all(
			"Serial and Batch Entry",
			filters={"parent": row.serial_and_batch_bundle},
			fields=["batch_no", "qty"],
		)
		return {entry.batch_no: abs(entry.qty) for entry in entries}


class FefoOnOutgoingDocument:
	"""The same cases for every outgoing doctype (see the subclasses at the end)."""

	outgoing_doctype: str

	def test_row_without_lot_takes_the_earliest_expiring_lots_and_skips_the_expired_one(self):
		doc = make_outgoing(self.outgoing_doctype, self.item, 8)
		self.assertEqual(self.lots_of(doc), {self.lot_a: 5, self.lot_b: 3})
		doc.submit()
		self.assertEqual(self.lots_of(doc), {self.lot_a: 5, self.lot_b: 3})
		if self.outgoing_doctype == "POS Invoice":
			# a POS invoice reserves its lots; the stock ledger moves at the POS closing
			bundle = frappe.db.get_value(
				"Serial and Batch Bundle", doc.items[0].serial_and_batch_bundle, "docstatus"
			)
			self.assertEqual(bundle, 1)
			return
		moved = frappe.get_all(
			"Stock Ledger Entry", filters={"voucher_no": doc.name, "is_cancelled": 0}, pluck="actual_qty"
		)
		self.assertEqual(sum(moved), -8)

	def test_a_small_quantity_takes_the_first_lot_only(self):
		doctype = self.outgoing_doctype
		doc = make_outgoing(doctype, self.item, 3)
		self.assertEqual(doc.items[0].batch_no, self.lot_a)

	def test_an_expired_lot_never_leaves_whatever_the_policy(self):
		doctype = self.outgoing_doctype
		for policy in ("Off", "Warn", "Block"):
			with change_settings("Dux Trace Settings", {"fefo_policy": policy}):
				# refused as soon as the lot is put on the document, with its expiry date
				with self.assertRaises(LotCannotLeaveError) as raised:
					make_outgoing(doctype, self.item, 2, batch_no=self.lot_c)
				self.assertIn(self.lot_c, str(raised.exception))
				self.assertIn("expired on", str(raised.exception))
				self.assertIn(formatdate(add_days(nowdate(), -5)), str(raised.exception))

	def test_warn_policy_lets_a_later_lot_leave_and_records_the_warning(self):
		doctype = self.outgoing_doctype
		with change_settings("Dux Trace Settings", {"fefo_policy": "Warn"}):
			doc = make_outgoing(doctype, self.item, 2, batch_no=self.lot_b)
			# saved: the form shows the warning before anyone submits
			self.assertIn(self.lot_a, doc.dux_fefo_warnings)
			self.assertIn("expires in 10 days", doc.dux_fefo_warnings)
			doc.submit()
		self.assertEqual(doc.docstatus, 1)
		record = frappe.get_all(
			"Dux Rule Override",
			filters={"rule": "FEFO", "reference_name": doc.name},
			fields=["kind", "batch_no", "skipped_batch_no", "skipped_qty"],
		)
		self.assertEqual(len(record), 1)
		self.assertEqual(
			(record[0].kind, record[0].batch_no, record[0].skipped_batch_no, record[0].skipped_qty),
			("Warned", self.lot_b, self.lot_a, 5),
		)

	def test_block_policy_refuses_a_later_lot(self):
		doctype = self.outgoing_doctype
		with change_settings("Dux Trace Settings", {"fefo_policy": "Block"}):
			frappe.set_user(SELLER)
			try:
				doc = make_outgoing(doctype, self.item, 2, batch_no=self.lot_b)
				with self.assertRaises(FefoViolationError) as raised:
					doc.submit()
			finally:
				frappe.set_user("Administrator")
		self.assertIn(self.lot_a, str(raised.exception))
		self.assertFalse(frappe.db.exists("Dux Rule Override", {"reference_name": doc.name}))

	def test_a_lot_received_between_save_and_submit_counts_at_submit(self):
		"""The submit does not trust the save's reading of the lots once stock of the item moved."""
		with change_settings("Dux Trace Settings", {"fefo_policy": "Block"}):
			frappe.set_user(SELLER)
			doc = make_outgoing(self.outgoing_doctype, self.item, 3)
			self.assertEqual(self.lots_of(doc), {self.lot_a: 3})
			frappe.set_user("Administrator")
			earlier = make_lot(self.item, "_DUX-LAIT-Z", add_days(nowdate(), 3), add_days(nowdate(), -87))
			receive(self.item, 4, batch_no=earlier)
			frappe.set_user(SELLER)
			with self.assertRaises(FefoViolationError) as raised:
				doc.submit()
		self.assertIn(earlier, str(raised.exception))

	def test_a_lot_whose_expiry_passed_between_save_and_submit_never_leaves(self):
		"""No stock moved, but the lot's expiry date was corrected to yesterday: refused at submit."""
		frappe.set_user(SELLER)
		doc = make_outgoing(self.outgoing_doctype, self.item, 3)
		self.assertEqual(self.lots_of(doc), {self.lot_a: 3})
		frappe.set_user("Administrator")
		frappe.db.set_value("Batch", self.lot_a, "expiry_date", add_days(nowdate(), -1))
		frappe.set_user(SELLER)
		with self.assertRaises(LotCannotLeaveError) as raised:
			doc.submit()
		self.assertIn(self.lot_a, str(raised.exception))
		self.assertIn("expired on", str(raised.exception))

	def test_a_lot_disabled_after_a_save_is_not_given_to_the_next_document(self):
		"""No stock moved since the first save read the lots: the next one still skips the lot
		disabled in between (ERPNext's way of holding a lot)."""
		frappe.set_user(SELLER)
		self.assertEqual(self.lots_of(make_outgoing(self.outgoing_doctype, self.item, 3)), {self.lot_a: 3})
		frappe.set_user("Administrator")
		frappe.db.set_value("Batch", self.lot_a, "disabled", 1)
		frappe.set_user(SELLER)
		self.assertEqual(self.lots_of(make_outgoing(self.outgoing_doctype, self.item, 3)), {self.lot_b: 3})

	def test_override_role_passes_a_block_with_a_reason_and_it_is_recorded(self):
		doctype = self.outgoing_doctype
		with change_settings(
			"Dux Trace Settings", {"fefo_policy": "Block", "override_role": "Stock Manager"}
		):
			doc = make_outgoing(doctype, self.item, 2, batch_no=self.lot_b)
			with self.assertRaises(FefoViolationError) as raised:
				doc.submit()
			self.assertIn("FEFO Override Reason", str(raised.exception))

			doc.reload()
			doc.dux_fefo_override_reason = "Client exige le lot B (date longue)"
			doc.save()
			doc.submit()
		self.assertEqual(doc.docstatus, 1)
		record = frappe.get_all(
			"Dux Rule Override",
			filters={"rule": "FEFO", "reference_name": doc.name},
			fields=["kind", "reason", "user", "skipped_batch_no"],
		)
		self.assertEqual(len(record), 1)
		self.assertEqual(record[0].kind, "Overridden")
		self.assertEqual(record[0].reason, "Client exige le lot B (date longue)")
		self.assertEqual(record[0].user, "Administrator")
		self.assertEqual(record[0].skipped_batch_no, self.lot_a)


class TestFefoDeliveryNote(FefoOnOutgoingDocument, MilkStock):
	outgoing_doctype = "Delivery Note"


class TestFefoSalesInvoice(FefoOnOutgoingDocument, MilkStock):
	outgoing_doctype = "Sales Invoice"


class TestFefoPOSInvoice(FefoOnOutgoingDocument, MilkStock):
	outgoing_doctype = "POS Invoice"


class TestFefoStockEntry(FefoOnOutgoingDocument, MilkStock):
	outgoing_doctype = "Stock Entry"


class TestFefoRules(MilkStock):
	def test_off_policy_says_nothing(self):
		with change_settings("Dux Trace Settings", {"fefo_policy": "Off"}):
			doc = make_outgoing("Delivery Note", self.item, 2, batch_no=self.lot_b, submit=True)
		self.assertFalse(frappe.db.exists("Dux Rule Override", {"reference_name": doc.name}))

	def test_taking_all_of_the_earlier_lot_then_the_later_one_is_fefo(self):
		with change_settings("Dux Trace Settings", {"fefo_policy": "Block"}):
			doc = make_outgoing("Delivery Note", self.item, 5, batch_no=self.lot_a)
			doc.append(
				"items",
				{**doc.items[0].as_dict(), "name": None, "idx": None, "batch_no": self.lot_b, "qty": 2},
			)
			doc.save()
			doc.submit()
		self.assertEqual(doc.docstatus, 1)

	def test_customer_minimum_shelf_life_skips_and_refuses_short_lots(self):
		chain = make_customer("Hyper Marché Test")
		frappe.db.set_value("Customer", chain, "dux_min_shelf_life_days", 30)

		doc = make_outgoing("Delivery Note", self.item, 4, customer=chain)
		self.assertEqual(doc.items[0].batch_no, self.lot_b)  # lot A has 10 days left: skipped

		with self.assertRaises(LotCannotLeaveError) as raised:
			make_outgoing("Delivery Note", self.item, 2, customer=chain, batch_no=self.lot_a)
		self.assertIn("minimum remaining shelf life", str(raised.exception))

		# other customers still get lot A first
		self.assertEqual(
			make_outgoing("Delivery Note", self.item, 2, customer=CUSTOMER).items[0].batch_no, self.lot_a
		)

	def test_a_row_left_without_lot_on_save_gets_fefo_lots_on_submit(self):
		doc = make_outgoing("Delivery Note", self.item, 16)  # 15 usable boxes: nothing chosen yet
		self.assertFalse(doc.items[0].batch_no or doc.items[0].serial_and_batch_bundle)
		receive(self.item, 5, batch_no=self.lot_b)
		doc.reload()
		doc.submit()
		self.assertEqual(self.lots_of(doc), {self.lot_a: 5, self.lot_b: 11})

	def test_the_clerk_reads_the_refusal_in_french(self):
		frappe.local.lang = "fr"
		frappe.local.lang_full_dict = None
		try:
			with self.assertRaises(LotCannotLeaveError) as raised:
				make_outgoing("Delivery Note", self.item, 1, batch_no=self.lot_c)
		finally:
			frappe.local.lang = "en"
			frappe.local.lang_full_dict = None
		self.assertIn("est périmé depuis le", str(raised.exception))
		self.assertIn("ne peut pas sortir de l'entrepôt", str(raised.exception))

	def test_the_form_flags_lots_near_expiry_it_does_not_take(self):
		with change_settings("Dux Trace Settings", {"fefo_policy": "Off"}):
			# Off: no FEFO warning, but lot A, near expiry and left behind, is still pointed out
			warnings = make_outgoing("Delivery Note", self.item, 1, batch_no=self.lot_b).dux_fefo_warnings
		self.assertIn(self.lot_a, warnings)
		self.assertIn("expires in 10 days", warnings)
		self.assertIn(f"5 of lot {self.lot_a} in stock in {STORES}", strip_html(warnings))
		# a document that takes lot A is not told to deliver it first
		self.assertFalse(make_outgoing("Delivery Note", self.item, 1).dux_fefo_warnings)


class FifoIsNotFefo(TestCase):
	"""An old lot (10 units) that expires last, and a newer one (4 units) that expires first: what
	ERPNext picks alone (FIFO) is not what must leave first."""

	item_name = "_DUX Fromage Frais"

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.item = make_item(cls.item_name, "Lot", shelf_life_in_days=60).name
		cls.old_long = make_lot(cls.item, f"{cls.item}-LONG", add_days(nowdate(), 50))
		cls.new_short = make_lot(cls.item, f"{cls.item}-SHORT", add_days(nowdate(), 6))
		receive(cls.item, 10, batch_no=cls.old_long)
		receive(cls.item, 4, batch_no=cls.new_short)


class TestItemDetailsProposeFefo(FifoIsNotFefo):
	"""Picking an item on a desk form or at the Point of Sale proposes the FEFO lot, where ERPNext
	alone proposes the oldest lot (FIFO)."""

	def details(self, qty):
		import json

		from erpnext.stock.get_item_details import get_item_details as erpnext_details

		from dux_trace.overrides.item_details import get_item_details

		args = {
			"item_code": self.item,
			"warehouse": STORES,
			"company": COMPANY,
			"customer": CUSTOMER,
			"doctype": "Delivery Note",
			"currency": "MAD",
			"conversion_rate": 1,
			"price_list": "Standard Selling",
			"price_list_currency": "MAD",
			"plc_conversion_rate": 1,
			"qty": qty,
			"stock_qty": qty,
			"posting_date": nowdate(),
			"use_serial_batch_fields": 1,
		}
		form = json.dumps({"doctype": "Delivery Note", "selling_price_list": "Standard Selling", "items": []})
		# ERPNext proposes a lot only with this Stock Settings option on (rolled back with the test)
		frappe.db.set_single_value("Stock Settings", "auto_create_serial_and_batch_bundle_for_outward", 1)
		return (
			erpnext_details(json.dumps(args), form).get("batch_no"),
			get_item_details(json.dumps(args), form).get("batch_no"),
		)

	def test_the_earliest_expiring_lot_is_proposed_instead_of_the_oldest(self):
		self.assertEqual(self.details(3), (self.old_long, self.new_short))

	def test_no_single_lot_proposed_when_the_quantity_needs_two(self):
		_erpnext_lot, fefo_lot = self.details(9)
		self.assertIsNone(fefo_lot)  # the document splits 4 + 5 when saved

	def test_the_override_is_hooked_for_desk_and_pos_calls(self):
		hooks = frappe.get_hooks("override_whitelisted_methods")
		self.assertEqual(
			hooks["erpnext.stock.get_item_details.get_item_details"],
			["dux_trace.overrides.item_details.get_item_details"],
		)


class TestPickListFefo(FifoIsNotFefo):
	item_name = "_DUX Beurre Doux"

	def test_pick_list_locations_are_taken_earliest_expiry_first(self):
		pick = frappe.get_doc(
			{
				"doctype": "Pick List",
				"company": COMPANY,
				"purpose": "Material Transfer",
				"parent_warehouse": None,
				"locations": [
					{
						"item_code": self.item,
						"qty": 6,
						"stock_qty": 6,
						"uom": "Nos",
						"stock_uom": "Nos",
						"conversion_factor": 1,
					}
				],
			}
		).insert()
		picked = {row.batch_no: row.stock_qty for row in pick.locations}
		self.assertEqual(picked, {self.new_short: 4, self.old_long: 2})
		pick.submit()
		self.assertEqual(pick.docstatus, 1)
