# Copyright (c) 2026, dux_trace developers
# For license information, please see license.txt
"""The CMP is the weighted average of the receipts whatever ERPNext's valuation: for the same
movements in one warehouse it equals the valuation rate ERPNext gives an item valued at Moving
Average (the oracle), for a FIFO item, a lot item (valued per lot) and a serial item alike."""

import frappe
from frappe.utils import add_days, flt, nowdate

from dux_trace.compat import TestCase
from dux_trace.core.pricing import round_money
from dux_trace.pricing.cmp import cmp_of, cost_name, rebuild
from dux_trace.tests.test_article_card import landed_cost
from dux_trace.tests.utils import (
	COMPANY,
	CURRENCY,
	STORES,
	SUPPLIER,
	make_item,
	make_lot,
	make_outgoing,
	role_user,
)

#: the app's tests make their own records (dux_trace/tests/utils.py): Frappe builds no ERPNext test
#: records for what this doctype links to (they take minutes and need apps a shop may not have,
#: such as payments); version-15 reads test_ignore, version-16 IGNORE_TEST_RECORD_DEPENDENCIES
IGNORE_TEST_RECORD_DEPENDENCIES = test_ignore = ["Company", "Item"]


#: the shop owner who receives, delivers and takes returns (and may read the stock ledger)
OWNER = ("Stock Manager", "Stock User", "Sales User")


def receipt(item_code: str, qty: int, price: float, discount: float = 0, **row):
	doc = frappe.get_doc(
		{
			"doctype": "Purchase Receipt",
			"company": COMPANY,
			"supplier": SUPPLIER,
			"currency": CURRENCY,
			"conversion_rate": 1,
			"buying_price_list": "",
			"items": [
				{
					"item_code": item_code,
					"qty": qty,
					"price_list_rate": price,
					"discount_percentage": discount,
					"warehouse": STORES,
					"uom": "Nos",
					"conversion_factor": 1,
					**row,
				}
			],
		}
	)
	doc.insert()
	doc.submit()
	return doc


def tracked(row: dict, serials: list[str] | None = None, lot: str | None = None) -> dict:
	"""The row's serials (recorded as scanned, as the scan dialog does) or lot."""
	if serials:
		text = "\n".join(serials)
		return {**row, "use_serial_batch_fields": 1, "serial_no": text, "dux_scanned_serials": text}
	if lot:
		return {**row, "use_serial_batch_fields": 1, "batch_no": lot}
	return row


class TestCmpAgainstMovingAverage(TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.owner = role_user(*OWNER)
		cls.tag = frappe.generate_hash(length=4).upper()

	def item(self, label: str, tracking: str = "None", valuation: str = "FIFO") -> str:
		return make_item(f"_DUX CMP {label} {self.tag}", tracking, valuation_method=valuation).name

	def tearDown(self):
		frappe.set_user("Administrator")

	def movements(self, item_code: str, serials=None, lots=None):
		"""10 at 10.00; 20 at 12.50 less 4 % (12.00) with 10.00 of landed cost on them (12.50);
		5 delivered, 1 of them brought back; 2 of the second receipt returned to the supplier."""
		from erpnext.stock.doctype.delivery_note.delivery_note import make_sales_return
		from erpnext.stock.doctype.purchase_receipt.purchase_receipt import make_purchase_return

		serials = serials or {}
		lots = lots or {}
		frappe.set_user(self.owner)
		receipt(item_code, 10, 10.00, **tracked({}, serials.get("first"), lots.get("first")))
		second = receipt(item_code, 20, 12.50, 4, **tracked({}, serials.get("second"), lots.get("second")))
		landed_cost(second, 10.00)
		sold = serials.get("first", [])[:5]
		note = make_outgoing("Delivery Note", item_code, 5, do_not_insert=True)
		note.items[0].update(tracked({}, sold, lots.get("first")))
		note.insert()
		note.submit()
		back = make_sales_return(note.name)
		back.items[0].update(
			tracked({"qty": -1, "serial_and_batch_bundle": None}, sold[:1], lots.get("first"))
		)
		back.insert()
		back.submit()
		to_supplier = make_purchase_return(second.name)
		to_supplier.items[0].update(
			tracked(
				{"qty": -2, "received_qty": -2, "serial_and_batch_bundle": None},
				serials.get("second", [])[:2],
				lots.get("second"),
			)
		)
		to_supplier.insert()
		to_supplier.submit()
		frappe.set_user("Administrator")

	def test_the_cmp_is_moving_average_whatever_the_valuation(self):
		tag = self.tag
		self.moving = self.item("MA", valuation="Moving Average")
		self.fifo = self.item("FIFO")
		self.lot_item = self.item("Lot", "Lot")
		self.serial_item = self.item("Série", "Serial")
		lots = {
			"first": make_lot(self.lot_item, f"CMP-A-{tag}", add_days(nowdate(), 300)),
			"second": make_lot(self.lot_item, f"CMP-B-{tag}", add_days(nowdate(), 300)),
		}
		serials = {
			"first": [f"CMP{tag}A{n:02d}" for n in range(10)],
			"second": [f"CMP{tag}B{n:02d}" for n in range(20)],
		}
		for item_code, kwargs in (
			(self.moving, {}),
			(self.fifo, {}),
			(self.lot_item, {"lots": lots}),
			(self.serial_item, {"serials": serials}),
		):
			cmp_of(item_code, COMPANY)  # stored from the start: every movement below is folded in
			self.movements(item_code, **kwargs)

		oracle = flt(
			frappe.db.get_value("Bin", {"item_code": self.moving, "warehouse": STORES}, "valuation_rate")
		)
		# (10 x 10 + 20 x 12.50) / 30 = 11.6667; 5 out, 1 back at it; 2 back to the supplier at 12.50:
		# (26 x 11.6667 - 2 x 12.50) / 24 = 11.60 (ERPNext rounds its stock values on the way)
		self.assertEqual(round_money(oracle, 2), round_money(11.60, 2))
		for item_code in (self.moving, self.fifo, self.lot_item, self.serial_item):
			kept = cmp_of(item_code, COMPANY)
			self.assertEqual(kept.qty, 24, item_code)
			self.assertEqual(round_money(kept.cmp, 2), round_money(oracle, 2), item_code)
			# folding as stock moved and rebuilding from the ledger agree
			self.assertEqual(
				round_money(rebuild(item_code, COMPANY).cmp, 6), round_money(kept.cmp, 6), item_code
			)
		# ERPNext's own valuation of what is left differs for FIFO (the card showed it as CMP)
		fifo_rate = flt(
			frappe.db.get_value("Bin", {"item_code": self.fifo, "warehouse": STORES}, "valuation_rate")
		)
		self.assertNotAlmostEqual(fifo_rate, oracle, places=2)

	def test_the_card_shows_it_to_the_owner(self):
		from dux_trace.api.pricing import get_card

		fifo = self.item("Carte")
		receipt(fifo, 100, 10.00)
		second = receipt(fifo, 200, 12.50, 4)
		landed_cost(second, 100.00)
		make_outgoing("Stock Entry", fifo, 50, submit=True)
		frappe.set_user(self.owner)
		card = get_card(fifo)
		bases = {row["basis"]: row["value"] for row in card["bases"]}
		# the figures: (100 x 10 + 200 x 12.50) / 300 = 11.67, not FIFO's 12.00... of what is left
		self.assertEqual(bases["Moving Average Cost"], 11.67)

	def test_a_back_dated_receipt_is_folded_in_its_place(self):
		self.moving = self.item("Rétro", valuation="Moving Average")
		cmp_of(self.moving, COMPANY)
		receipt(self.moving, 10, 10.00)
		make_outgoing("Stock Entry", self.moving, 10, submit=True)
		receipt(self.moving, 10, 20.00)  # nothing on hand: the CMP starts over at 20
		self.assertEqual(round_money(cmp_of(self.moving, COMPANY).cmp, 2), 20)
		earlier = frappe.get_doc(
			{
				"doctype": "Purchase Receipt",
				"company": COMPANY,
				"supplier": SUPPLIER,
				"currency": CURRENCY,
				"conversion_rate": 1,
				"buying_price_list": "",
				"set_posting_time": 1,
				"posting_date": add_days(nowdate(), -3),
				"items": [
					{
						"item_code": self.moving,
						"qty": 10,
						"rate": 40.0,
						"warehouse": STORES,
						"conversion_factor": 1,
					}
				],
			}
		).insert()
		earlier.submit()
		self.assertTrue(frappe.db.get_value("Dux Item Cost", cost_name(self.moving, COMPANY), "stale"))
		# three days ago: 10 at 40, then 10 at 10 -> 25; 10 out; 10 at 20 -> (10 x 25 + 10 x 20) / 20
		self.assertEqual(round_money(cmp_of(self.moving, COMPANY).cmp, 2), 22.5)
