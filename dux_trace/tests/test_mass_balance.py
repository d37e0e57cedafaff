"""Mass balance of a lot, on the issue's scenario: received + produced - left - on hand is zero
when the books are right, and a delivery gone from the ledger shows as a difference of its
quantity."""

import frappe

from dux_trace.api.mass_balance import lot_balance
from dux_trace.compat import TestCase
from dux_trace.core import mass_balance as mb
from dux_trace.stock.mass_balance import balances
from dux_trace.tests.utils import (
	COMPANY,
	STORES,
	SUPPLIER,
	acting_as,
	make_outgoing,
	make_repack_scenario,
)


class TestMassBalance(TestCase):
	def setUp(self):
		scenario = make_repack_scenario("MB")
		self.yoghurt, self.pack = scenario.yoghurt, scenario.pack
		self.lot_l, self.lot_r = scenario.lot_l, scenario.lot_r
		self.shop, self.cafe = scenario.shop, scenario.cafe
		self.receipt, self.repack, self.to_shop = scenario.receipt, scenario.repack, scenario.to_shop
		# counted: 32 where the books say 33
		count = frappe.get_doc(
			{
				"doctype": "Stock Reconciliation",
				"company": COMPANY,
				"purpose": "Stock Reconciliation",
				"items": [
					{
						"item_code": self.yoghurt,
						"warehouse": STORES,
						"qty": 32,
						"valuation_rate": 3,
						"batch_no": self.lot_l,
						"use_serial_batch_fields": 1,
					}
				],
			}
		)
		count.insert().submit()
		self.count = count.name

	def totals(self, lot: str) -> dict:
		balance = balances([lot])[lot]
		return {kind: qty for kind, qty in balance.totals.items() if qty} | {
			"stock": balance.stock,
			"difference": balance.difference,
		}

	def test_the_books_of_l_and_r_balance_exactly(self):
		self.assertEqual(
			self.totals(self.lot_l),
			{
				mb.RECEIVED: 100,
				mb.CONSUMED: -40,
				mb.DELIVERED: -30,
				mb.CUSTOMER_RETURN: 5,
				mb.ISSUED: -2,
				mb.ADJUSTED: -1,
				"stock": 32,
				"difference": 0,
			},
		)
		self.assertEqual(
			self.totals(self.lot_r),
			{mb.PRODUCED: 40, mb.DELIVERED: -25, "stock": 15, "difference": 0},
		)
		lines = balances([self.lot_l])[self.lot_l].lines
		received = next(line for line in lines if line.kind == mb.RECEIVED)
		self.assertEqual((received.party, received.voucher_no), (SUPPLIER, self.receipt.name))
		consumed = next(line for line in lines if line.kind == mb.CONSUMED)
		self.assertEqual((consumed.voucher_no, consumed.detail), (self.repack.name, self.lot_r))
		delivered = next(line for line in lines if line.kind == mb.DELIVERED)
		self.assertEqual(delivered.party, self.shop)

	def test_the_stock_manager_sees_the_balance_on_the_lot_and_in_the_report(self):
		from frappe.desk.query_report import run

		with acting_as("Stock Manager"):
			rows = run("Lot Mass Balance", filters={"item_code": self.yoghurt})["result"]
			mine = next(row for row in rows if row["batch_no"] == self.lot_l)
			self.assertEqual(
				(mine["received"], mine["left"], mine["stock"], mine["difference"]), (100, 68, 32, 0)
			)
		with acting_as("Stock Manager", "Item Manager"):  # Item Manager: ERPNext's readers of Batch
			balance = lot_balance(self.lot_r)
		self.assertEqual((balance["produced"], balance["left"], balance["stock"]), (40, 25, 15))
		self.assertEqual(balance["difference"], 0)
		self.assertIn("écart inexpliqué 0", balance["summary"])

	def test_the_quality_manager_reads_the_report_without_the_customers_contacts(self):
		"""The auditor's counterpart: Quality Manager reads recalls (the report's reference) and the
		balance of the lots; whom they went to only if the role may read customers."""
		from frappe.desk.query_report import run

		with acting_as("Quality Manager"):
			rows = run("Lot Mass Balance", filters={"item_code": self.yoghurt})["result"]
		mine = next(row for row in rows if row["batch_no"] == self.lot_l)
		self.assertEqual((mine["received"], mine["consumed"], mine["delivered"]), (100, 40, 30))

	def test_a_delivery_gone_from_the_ledger_shows_as_a_difference_of_its_quantity(self):
		lost = make_outgoing(
			"Delivery Note", self.yoghurt, 3, batch_no=self.lot_l, customer=self.cafe, submit=True
		)
		self.assertEqual(self.totals(self.lot_l)["difference"], 0)
		# a damaged book: the delivery's ledger rows deleted by hand
		sle = frappe.qb.DocType("Stock Ledger Entry")
		bundles = [
			b
			for (b,) in frappe.qb.from_(sle)
			.select(sle.serial_and_batch_bundle)
			.where(sle.voucher_no == lost.name)
			.run()
			if b
		]
		self.assertTrue(bundles)
		entry = frappe.qb.DocType("Serial and Batch Entry")
		frappe.qb.from_(entry).delete().where(entry.parent.isin(bundles)).run()
		frappe.qb.from_(sle).delete().where(sle.voucher_no == lost.name).run()
		balance = balances([self.lot_l])[self.lot_l]
		self.assertEqual((balance.stock, balance.difference), (29, 3))
		self.assertAlmostEqual(balance.difference_pct, 3.0)
		with acting_as("Stock Manager"):
			from frappe.desk.query_report import run

			rows = run("Lot Mass Balance", filters={"item_code": self.yoghurt})["result"]
		self.assertEqual((rows[0]["batch_no"], rows[0]["difference"]), (self.lot_l, 3))

	def test_lot_trace_shows_the_balance_of_the_lot_from_what_it_read(self):
		from dux_trace.dux_trace.report.lot_trace.lot_trace import execute as lot_trace

		with acting_as("Stock Manager", "Stock User"):
			_columns, rows = lot_trace({"batch_no": self.lot_l})
		row = next(row for row in rows if row["id"] == f"balance/{self.lot_l}")
		self.assertEqual(row["qty"], 0)
		self.assertIn(f"Bilan matière du lot {self.lot_l}", row["label"])
		self.assertIn("Reçu 100", row["label"])

	def test_a_delivery_in_boxes_counts_in_the_stock_unit(self):
		"""A lot sold by the box of 4 (the item's second unit) leaves in units: 2 boxes are 8."""
		item = frappe.get_doc("Item", self.yoghurt)
		if not any(row.uom == "Box" for row in item.uoms):
			item.append("uoms", {"uom": "Box", "conversion_factor": 4})
			item.save()
		note = make_outgoing(
			"Delivery Note", self.yoghurt, 2, batch_no=self.lot_l, customer=self.cafe, do_not_insert=True
		)
		note.items[0].update({"uom": "Box", "conversion_factor": 4})
		note.insert().submit()
		totals = self.totals(self.lot_l)
		self.assertEqual((totals[mb.DELIVERED], totals["stock"], totals["difference"]), (-38, 24, 0))
