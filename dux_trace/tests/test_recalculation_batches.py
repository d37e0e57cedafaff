"""The background recalculation reads its items by chunks (`costs.cost_bases_of`,
`bins.valuation_differences_of`): its figures must be those the article card reads for one item
(`costs.cost_bases`), and the Bins it finds wrong those whose value is not their ledger's, on
ERPNext's own documents: receipts into two
warehouses, a Landed Cost Voucher, a Purchase Invoice that updates stock, a receipt posted earlier
than it was entered, a stock issue, an item only received by a Stock Entry, an item never received
and a Bin whose stock value no longer matches its ledger."""

from decimal import Decimal

import frappe
from frappe.utils import add_days, nowdate

from dux_trace.compat import TestCase
from dux_trace.pricing.costs import cost_bases, cost_bases_of
from dux_trace.stock.bins import ValuationDifference, valuation_differences_of
from dux_trace.tests.test_article_card import landed_cost, purchase_receipt
from dux_trace.tests.utils import (
	COMPANY,
	DEPOT,
	STORES,
	acting_as,
	make_item,
	receive,
)

GROUP = "_DUX Recalcul par lots"


def make_item_group(name: str = GROUP) -> str:
	if not frappe.db.exists("Item Group", name):
		frappe.get_doc(
			{"doctype": "Item Group", "item_group_name": name, "parent_item_group": "All Item Groups"}
		).insert(ignore_permissions=True)
	return name


class TestRecalculationByChunks(TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		from erpnext.stock.doctype.stock_entry.stock_entry_utils import make_stock_entry

		make_item_group()
		item = lambda code: make_item(code, "Moving Average", item_group=GROUP).name  # noqa: E731
		# two warehouses, a landed cost on the second receipt, 30 issued from the first
		cls.two_stores = item("_DUX Lot Perceuse 18 V")
		purchase_receipt(cls.two_stores, 100, 10)
		depot = purchase_receipt(cls.two_stores, 50, 12, discount=5, warehouse=DEPOT)
		landed_cost(depot, 60)
		make_stock_entry(item_code=cls.two_stores, qty=30, from_warehouse=STORES, company=COMPANY)
		# a receipt, then a Purchase Invoice receiving stock (the last purchase), then a receipt
		# entered afterwards but posted ten days earlier (older, whatever its creation)
		cls.invoiced = item("_DUX Lot Meuleuse 125 mm")
		purchase_receipt(cls.invoiced, 20, 30)
		purchase_receipt(cls.invoiced, 10, 33, discount=10, warehouse=DEPOT, doctype="Purchase Invoice")
		purchase_receipt(cls.invoiced, 5, 25, set_posting_time=1, posting_date=add_days(nowdate(), -10))
		# stock only from a Material Receipt (no purchase), and an item never received
		cls.entered = item("_DUX Lot Niveau laser")
		receive(cls.entered, 7, rate=80)
		cls.never = item("_DUX Lot Mètre ruban")
		# the first item's Bin in the depot no longer matches its ledger's stock value
		frappe.db.set_value("Bin", {"item_code": cls.two_stores, "warehouse": DEPOT}, "stock_value", 1)
		cls.items = [cls.two_stores, cls.invoiced, cls.entered, cls.never]

	def test_a_chunk_reads_what_each_item_reads(self):
		with acting_as("Stock Manager", "Stock User", "Item Manager"):
			by_chunk = cost_bases_of(self.items, COMPANY)
			one_by_one = {item_code: cost_bases(item_code, COMPANY) for item_code in self.items}
		self.assertEqual(by_chunk, one_by_one)
		# and they are the documents': the invoice is the last purchase, 33 less 10 % = 29.70
		bases, purchase = by_chunk[self.invoiced]
		self.assertEqual((purchase.doctype, bases.last_purchase_net), ("Purchase Invoice", Decimal("29.70")))
		self.assertEqual(by_chunk[self.entered][1], None)
		self.assertEqual(by_chunk[self.never][0].cmp, None)
		self.assertIsNotNone(by_chunk[self.two_stores][0].crp)

	def test_a_chunk_finds_the_bin_whose_value_is_not_its_ledgers(self):
		with acting_as("Stock Manager", "Stock User"):
			by_chunk = valuation_differences_of(COMPANY, self.items)
		ledger = frappe.get_all(
			"Stock Ledger Entry",
			filters={"item_code": self.two_stores, "warehouse": DEPOT, "is_cancelled": 0},
			fields=["stock_value", "posting_date"],
			order_by="posting_datetime desc, creation desc",
		)
		first_posting_date = min(row.posting_date for row in ledger)
		self.assertEqual(
			by_chunk,
			{self.two_stores: [ValuationDifference(DEPOT, 1.0, ledger[0].stock_value, first_posting_date)]},
		)
		self.assertEqual([diff.warehouse for diff in by_chunk[self.two_stores]], [DEPOT])

	def test_the_recalculation_stores_the_card_figures(self):
		from dux_trace.pricing.recalculation import STORED_FIELDS, run

		with acting_as("Stock Manager", "Stock User", "Item Manager"):
			# what the card reads before the run (whose Repost Item Valuation, run at once in
			# tests, then repairs the damaged Bin)
			expected = {item_code: cost_bases(item_code, COMPANY)[0] for item_code in self.items}
			doc = frappe.get_doc(
				{
					"doctype": "Dux Recalculation",
					"kind": "Cost Bases",
					"company": COMPANY,
					"item_group": GROUP,
				}
			).insert()
			run(doc.name)  # the background job, run here in the test's transaction
			done = frappe.get_doc("Dux Recalculation", doc.name)
		self.assertEqual((done.status, done.items_checked), ("Completed", len(self.items)))
		for item_code, bases in expected.items():
			stored = frappe.db.get_value("Item", item_code, list(STORED_FIELDS.values()), as_dict=True)
			self.assertEqual(
				{field: stored[field] for field in STORED_FIELDS.values()},
				{
					STORED_FIELDS[basis]: float(value) if value is not None else 0.0
					for basis, value in bases.items()
				},
				item_code,
			)
		self.assertEqual(
			[(row.item_code, row.warehouse) for row in done.results if row.warehouse],
			[(self.two_stores, DEPOT)],
		)
