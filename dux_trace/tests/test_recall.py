"""Recall in one second: "brake pads lot 452 are defective" -> who received them, where they came
from, what was made from them; submitting the recall blocks the lot everywhere."""

import frappe
from frappe.utils import add_days, nowdate

from dux_trace.compat import TestCase
from dux_trace.dux_trace.report.lot_trace.lot_trace import execute as lot_trace
from dux_trace.overrides.outgoing_stock import LotCannotLeaveError
from dux_trace.stock import trace
from dux_trace.tests.utils import (
	COMPANY,
	CURRENCY,
	STORES,
	SUPPLIER,
	make_customer,
	make_item,
	make_lot,
	make_outgoing,
)

LOT = "_DUX-452"


class TestRecall(TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.pads = make_item("_DUX Plaquettes de frein", "Lot", shelf_life_in_days=720).name
		cls.kit = make_item("_DUX Kit freinage", "Lot", shelf_life_in_days=720).name
		cls.receipt = frappe.get_doc(
			{
				"doctype": "Purchase Receipt",
				"company": COMPANY,
				"supplier": SUPPLIER,
				"currency": CURRENCY,
				"items": [
					{
						"item_code": cls.pads,
						"qty": 20,
						"rate": 90,
						"warehouse": STORES,
						"dux_lot_no": LOT,
						"dux_expiry_date": add_days(nowdate(), 700),
					}
				],
			}
		)
		cls.receipt.set_missing_values()
		cls.receipt.insert().submit()
		other = make_lot(cls.pads, "_DUX-453", add_days(nowdate(), 600))
		from dux_trace.tests.utils import receive

		receive(cls.pads, 5, batch_no=other)

		cls.garage = make_customer("Garage Atlas")
		cls.fleet = make_customer("Flotte Taxis Rabat")
		cls.counter = make_customer("Client Comptoir")
		frappe.db.set_value(
			"Customer", cls.garage, {"mobile_no": "+212600000001", "email_id": "atelier@garage-atlas.ma"}
		)
		cls.sales = [
			make_outgoing("Delivery Note", cls.pads, 3, batch_no=LOT, customer=cls.garage, submit=True),
			make_outgoing("Sales Invoice", cls.pads, 2, batch_no=LOT, customer=cls.fleet, submit=True),
			make_outgoing("POS Invoice", cls.pads, 1, batch_no=LOT, customer=cls.counter, submit=True),
		]
		make_outgoing(
			"Delivery Note", cls.pads, 1, batch_no=other, customer=make_customer("Autre Client"), submit=True
		)

		# two pads of lot 452 go into a brake kit, lot KIT-1, sold to a fleet in Casablanca
		kit_lot = make_lot(cls.kit, "_DUX-KIT-1", add_days(nowdate(), 700))
		repack = frappe.get_doc(
			{
				"doctype": "Stock Entry",
				"stock_entry_type": "Repack",
				"company": COMPANY,
				"items": [
					{
						"item_code": cls.pads,
						"qty": 2,
						"s_warehouse": STORES,
						"batch_no": LOT,
						"use_serial_batch_fields": 1,
					},
					{
						"item_code": cls.kit,
						"qty": 1,
						"t_warehouse": STORES,
						"batch_no": kit_lot,
						"use_serial_batch_fields": 1,
						"is_finished_item": 1,
					},
				],
			}
		)
		repack.insert().submit()
		cls.repack = repack.name
		cls.kit_customer = make_customer("Flotte Casablanca")
		make_outgoing("Delivery Note", cls.kit, 1, batch_no=kit_lot, customer=cls.kit_customer, submit=True)

	def test_customers_of_the_lot_across_delivery_note_sales_invoice_and_pos(self):
		customers = {c.customer: c for c in trace.customers_of([LOT])}
		self.assertEqual(
			{name: c.qty for name, c in customers.items()}, {self.garage: 3, self.fleet: 2, self.counter: 1}
		)
		self.assertEqual(customers[self.garage].mobile_no, "+212600000001")
		self.assertEqual(customers[self.garage].email_id, "atelier@garage-atlas.ma")
		self.assertIn(f"Delivery Note {self.sales[0].name}", customers[self.garage].documents)

	def test_upstream_to_the_supplier_receipt_and_downstream_through_production(self):
		_columns, rows = lot_trace({"batch_no": LOT})
		upstream = [r for r in rows if r.get("parent_id") == "upstream"]
		self.assertTrue(
			any(r.get("voucher_no") == self.receipt.name and r.get("party") == SUPPLIER for r in upstream)
		)

		self.assertEqual(trace.downstream_lots(LOT), [(LOT, self.repack, "_DUX-KIT-1")])
		self.assertEqual(trace.upstream_lots("_DUX-KIT-1"), [("_DUX-KIT-1", self.repack, LOT)])
		downstream_customers = [
			r.get("party") for r in rows if str(r.get("parent_id", "")).startswith("downstream/")
		]
		self.assertEqual(downstream_customers, [self.kit_customer])

		stock = {r["warehouse"]: r["qty"] for r in rows if r.get("parent_id") == "stock"}
		self.assertEqual(stock, {STORES: 20 - 3 - 2 - 1 - 2})

	def test_a_submitted_recall_lists_customers_blocks_the_lot_until_closed(self):
		recall = frappe.get_doc(
			{
				"doctype": "Product Recall",
				"severity": "Critical",
				"reason": "Plaquettes lot 452 défectueuses (fabricant)",
				"items": [{"batch_no": LOT}],
			}
		).insert()
		recall.submit()
		self.assertEqual(recall.status, "Open")
		self.assertEqual({row.customer for row in recall.customers}, {self.garage, self.fleet, self.counter})
		self.assertTrue(all(row.status == "To Notify" for row in recall.customers))

		with self.assertRaises(LotCannotLeaveError) as raised:
			make_outgoing("Delivery Note", self.pads, 1, batch_no=LOT)
		self.assertIn(recall.name, str(raised.exception))
		# FEFO never picks it either: the other lot is taken
		self.assertEqual(make_outgoing("Delivery Note", self.pads, 1).items[0].batch_no, "_DUX-453")

		recall.close()
		self.assertEqual(make_outgoing("Delivery Note", self.pads, 1, batch_no=LOT).items[0].batch_no, LOT)


class TestRecallNotifications(TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.item = make_item("_DUX Lait Bébé", "Lot", shelf_life_in_days=365).name
		lot = make_lot(cls.item, "_DUX-BB-77", add_days(nowdate(), 300))
		from dux_trace.tests.utils import receive

		receive(cls.item, 10, batch_no=lot)
		cls.customers = {
			make_customer("Pharmacie Anfa"): "+212611111111",
			make_customer("Parapharmacie Agdal"): "+212622222222",
		}
		for customer, mobile in cls.customers.items():
			frappe.db.set_value(
				"Customer",
				customer,
				{"mobile_no": mobile, "email_id": f"{mobile[1:]}@example.com", "language": "fr"},
			)
			make_outgoing("Delivery Note", cls.item, 1, batch_no=lot, customer=customer, submit=True)
		cls.recall = frappe.get_doc(
			{
				"doctype": "Product Recall",
				"severity": "Critical",
				"reason": "Contamination",
				"items": [{"batch_no": lot}],
			}
		).insert()
		cls.recall.submit()
		from dux_trace.tests.utils import make_outgoing_email_account

		make_outgoing_email_account()

	def test_each_customer_gets_an_sms_and_an_email_and_a_retry_resends_only_failures(self):
		from dux_trace.tests.sms_gateway_stub import SmsGatewayStub

		anfa, agdal = self.customers
		with SmsGatewayStub() as gateway:
			settings = frappe.get_single("SMS Settings")
			settings.update(
				{
					"sms_gateway_url": gateway.url,
					"message_parameter": "text",
					"receiver_parameter": "to",
					"use_post": 0,
				}
			)
			settings.save()
			gateway.failing = {self.customers[agdal]}

			self.recall.notify_customers(sms=1, email=1)
			self.recall.reload()
			outcome = {(n.customer, n.channel): n.status for n in self.recall.notifications}
			self.assertEqual(
				outcome,
				{
					(anfa, "SMS"): "Sent",
					(agdal, "SMS"): "Failed",
					(anfa, "Email"): "Queued",
					(agdal, "Email"): "Queued",
				},
			)
			self.assertEqual(sorted(gateway.received), sorted(self.customers.values()))
			self.assertTrue(frappe.db.exists("Email Queue", {"reference_name": self.recall.name}))
			self.assertEqual(
				{row.customer: row.status for row in self.recall.customers},
				{anfa: "Notified", agdal: "Notified"},
			)
			# the message is in the customer's language
			email = frappe.get_last_doc("Email Queue", filters={"reference_name": self.recall.name})
			self.assertIn("Rappel produit", email.message)

			gateway.failing = set()
			gateway.received.clear()
			self.recall.notify_customers(sms=1, email=1)
			self.recall.reload()
			self.assertEqual(gateway.received, [self.customers[agdal]])  # only the failed SMS again
			sms_rows = sorted((n.customer, n.status) for n in self.recall.notifications if n.channel == "SMS")
			self.assertEqual(sms_rows, sorted([(anfa, "Sent"), (agdal, "Failed"), (agdal, "Sent")]))
			self.assertEqual(frappe.db.count("Email Queue", {"reference_name": self.recall.name}), 2)

	def test_only_users_who_may_submit_recalls_can_notify(self):
		from dux_trace.tests.utils import make_user

		frappe.set_user(make_user("magasinier.recall@example.com", ["Stock User"]))
		try:
			with self.assertRaises(frappe.PermissionError):
				frappe.get_doc("Product Recall", self.recall.name).notify_customers()
		finally:
			frappe.set_user("Administrator")
