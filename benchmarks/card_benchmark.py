"""Article card and cost recalculation at 1 M stock ledger rows, against plain ERPNext, same data.

    cd ~/frappe-bench/sites
    ../env/bin/python ../apps/dux_trace/benchmarks/card_benchmark.py SITE [--items 10000] [--rows-per-item 90] [--hot-rows 100000]

Fills SITE (a throwaway site with ERPNext and dux_trace, ERPNext's setup done, e.g. by
`bench --site SITE execute erpnext.setup.utils.before_tests`) once, by bulk inserts (realistic rows,
no controllers), with a company of two warehouses, ITEMS stock items of ROWS_PER_ITEM stock ledger
rows each (moving average receipts of Purchase Receipts and Delivery Notes out, over both
warehouses) and one *hot* item of HOT_ROWS rows (1 M rows in all by default), their Bins (as the
ledger ends) and submitted Purchase Receipts (the last receipt of each item in each warehouse; 500
per warehouse for the hot item). The hot item, inserted last, marks the data as there.

Then prints, as Administrator, in a warm process, in ms of server time (and the load average: the
figures are only as quiet as the machine):
- `pricing.card.compute` (the card) over SAMPLE random items, one call each (median, max): the
  first card of each item (not yet in Frappe's document cache), then again; and the hot item
  (median, max of RUNS);
- each of its three queries (`pricing.costs`: last purchase, CMP from the Bins, CRP from the
  ledger's receipts), and the SQL MariaDB ran for them with its plan (`ANALYZE`: key, estimated
  and read rows, extra);
- the background recalculation of the cost bases of every item (a Dux Recalculation *Cost Bases*
  run synchronously: seconds, items/s) from emptied stored costs (the script empties them, so that
  every run of the script starts alike), and a second run, which changes nothing;
- plain ERPNext on the same items: `get_stock_balance` with valuation rate for both warehouses and
  its *Stock Balance* report for one item, and the ratios card / ERPNext.

Nothing is asserted: this measures.
"""

import argparse
import os
import random
import statistics
import sys
import time
from contextlib import contextmanager
from datetime import datetime, timedelta

import frappe
from bulk import insert, ms, site_connection
from frappe.utils import add_days, getdate, now_datetime, nowdate

COMPANY = "Dux Bench Tarifs"
ABBR = "DBT"
WAREHOUSES = (f"Magasin Central - {ABBR}", f"Dépôt Sud - {ABBR}")
SUPPLIER = "BCARD Fournisseur"
PREFIX = "BCARD"
HOT_ITEM = f"{PREFIX}-HOT"
HOT_DOCUMENTED = 500  # Purchase Receipts of the hot item per warehouse
PERIOD_DAYS = 700  # the ledger's rows spread over the last PERIOD_DAYS
FLUSH_EVERY = 20_000  # ledger rows per bulk insert and commit

SLE_FIELDS = [
	"name",
	"item_code",
	"warehouse",
	"posting_date",
	"posting_time",
	"posting_datetime",
	"voucher_type",
	"voucher_no",
	"voucher_detail_no",
	"actual_qty",
	"qty_after_transaction",
	"incoming_rate",
	"outgoing_rate",
	"valuation_rate",
	"stock_value",
	"stock_value_difference",
	"stock_uom",
	"company",
	"is_cancelled",
	"docstatus",
]
BIN_FIELDS = [
	"name",
	"item_code",
	"warehouse",
	"actual_qty",
	"projected_qty",
	"valuation_rate",
	"stock_value",
]
RECEIPT_FIELDS = [
	"name",
	"title",
	"supplier",
	"supplier_name",
	"company",
	"posting_date",
	"posting_time",
	"set_posting_time",
	"currency",
	"conversion_rate",
	"buying_price_list",
	"price_list_currency",
	"plc_conversion_rate",
	"set_warehouse",
	"total_qty",
	"total",
	"base_total",
	"net_total",
	"base_net_total",
	"grand_total",
	"base_grand_total",
	"is_return",
	"status",
	"docstatus",
]
RECEIPT_ITEM_FIELDS = [
	"name",
	"parent",
	"parenttype",
	"parentfield",
	"idx",
	"item_code",
	"item_name",
	"uom",
	"stock_uom",
	"conversion_factor",
	"qty",
	"received_qty",
	"stock_qty",
	"received_stock_qty",
	"price_list_rate",
	"base_price_list_rate",
	"discount_percentage",
	"discount_amount",
	"rate",
	"base_rate",
	"net_rate",
	"base_net_rate",
	"amount",
	"base_amount",
	"net_amount",
	"base_net_amount",
	"valuation_rate",
	"warehouse",
	"docstatus",
]


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("site")
	parser.add_argument("--items", type=int, default=10_000)
	parser.add_argument("--rows-per-item", type=int, default=90)
	parser.add_argument("--hot-rows", type=int, default=100_000)
	parser.add_argument("--sample", type=int, default=100)
	parser.add_argument("--runs", type=int, default=7)
	args = parser.parse_args()

	with site_connection(args.site):
		items = generate(args.items, args.rows_per_item, args.hot_rows)
		random.seed(15)
		sample = random.sample(items, min(args.sample, len(items)))
		measure(sample, args.runs)


# --- data -------------------------------------------------------------------------------------------


def generate(count: int, rows_per_item: int, hot_rows: int) -> list[str]:
	make_masters()
	items = [f"{PREFIX}-{i:05d}" for i in range(count)]
	if frappe.db.exists("Item", HOT_ITEM):
		print(f"data already there: {frappe.db.count('Stock Ledger Entry'):,} stock ledger rows")
		return items

	start = time.perf_counter()
	now = now_datetime().replace(microsecond=0)
	base = {"creation": now, "modified": now, "owner": "Administrator", "modified_by": "Administrator"}
	random.seed(2026)
	insert_items(items, base)
	ledger = Ledger(base)
	for item in items:
		ledger.add_item(item, rows_per_item, documented=1, now=now)
	ledger.add_item(HOT_ITEM, hot_rows, documented=HOT_DOCUMENTED, now=now)
	ledger.flush()
	insert_items([HOT_ITEM], base)  # last: marks the data as complete
	frappe.db.commit()
	print(
		f"generated {count + 1:,} items, {ledger.sle_count:,} stock ledger rows, {ledger.bin_count:,} bins"
		f" and {ledger.receipt_count:,} purchase receipts in {time.perf_counter() - start:.0f} s"
	)
	return items


def make_masters():
	"""The company, its two warehouses and a supplier, through their controllers (once)."""
	if not frappe.db.exists("Company", COMPANY):
		frappe.get_doc(
			{
				"doctype": "Company",
				"company_name": COMPANY,
				"abbr": ABBR,
				"default_currency": "MAD",
				"country": "Morocco",
				"chart_of_accounts": "Standard",
			}
		).insert()
	for warehouse in WAREHOUSES:
		if not frappe.db.exists("Warehouse", warehouse):
			frappe.get_doc(
				{
					"doctype": "Warehouse",
					"warehouse_name": warehouse.removesuffix(f" - {ABBR}"),
					"company": COMPANY,
					"parent_warehouse": f"All Warehouses - {ABBR}",
				}
			).insert()
	if not frappe.db.exists("Supplier", SUPPLIER):
		frappe.get_doc(
			{"doctype": "Supplier", "supplier_name": SUPPLIER, "supplier_group": "All Supplier Groups"}
		).insert()
	frappe.db.commit()


def insert_items(names: list[str], base: dict):
	insert(
		"Item",
		[
			"name",
			"item_code",
			"item_name",
			"description",
			"item_group",
			"stock_uom",
			"is_stock_item",
			"is_purchase_item",
			"is_sales_item",
			"valuation_method",
			"docstatus",
			*base,
		],
		[
			(name, name, name, name, "All Item Groups", "Nos", 1, 1, 1, "Moving Average", 0, *base.values())
			for name in names
		],
	)


class Ledger:
	"""Stock ledger rows, Bins and Purchase Receipts as ERPNext's moving average would write them,
	inserted by FLUSH_EVERY ledger rows."""

	def __init__(self, base: dict):
		self.base, self.values = base, tuple(base.values())
		self.sle, self.bins, self.receipts, self.receipt_items = [], [], [], []
		self.sle_count = self.bin_count = self.receipt_count = 0

	def add_item(self, item: str, rows: int, documented: int, now: datetime):
		price = round(random.uniform(5, 500), 2)
		for number, warehouse in enumerate(WAREHOUSES):
			self.add_warehouse(item, number, warehouse, rows // len(WAREHOUSES), documented, price, now)
			if len(self.sle) >= FLUSH_EVERY:
				self.flush()

	def add_warehouse(self, item, number, warehouse, rows, documented, price, now):
		"""Every third row a delivery, the others receipts at a price drifting up 20 % over the
		period; the last `documented` receipts come from Purchase Receipts."""
		receipts = rows - rows // 3
		step = PERIOD_DAYS * 86400 / rows
		start = now - timedelta(days=PERIOD_DAYS)
		qty = value = rate = 0.0
		received = 0
		for k in range(rows):
			at = start + timedelta(seconds=int((k + random.random() / 2) * step))
			name = f"{item}-{number}-{k:06d}"
			if k % 3 != 2:
				received += 1
				moved = random.randint(10, 60)
				gross = round(price * (1 + 0.2 * k / rows) * random.uniform(0.95, 1.05), 2)
				discount = random.choice((0, 0, 5, 10))
				net = round(gross * (1 - discount / 100), 2)
				landed = round(net * random.choice((1, 1.02, 1.05)), 2)
				difference = round(moved * landed, 2)
				voucher, detail = f"{PREFIX}-PR-{name}", f"{PREFIX}-PRI-{name}"
				if received > receipts - documented:
					self.add_receipt(
						item, warehouse, voucher, detail, at, moved, gross, discount, net, landed
					)
				voucher_type, incoming, outgoing = "Purchase Receipt", landed, 0
			else:
				moved = -min(random.randint(5, 40), int(qty))
				difference = round(moved * rate, 2)
				voucher, detail = f"{PREFIX}-DN-{name}", f"{PREFIX}-DNI-{name}"
				voucher_type, incoming, outgoing = "Delivery Note", 0, rate
			qty += moved
			value = round(value + difference, 2) if qty else 0.0
			rate = round(value / qty, 6) if qty else rate
			self.sle.append(
				(
					f"{PREFIX}-SLE-{name}",
					item,
					warehouse,
					at.date(),
					at.time(),
					at,
					voucher_type,
					voucher,
					detail,
					moved,
					qty,
					incoming,
					outgoing,
					rate,
					value,
					difference,
					"Nos",
					COMPANY,
					0,
					1,
					*self.values,
				)
			)
		self.bins.append(
			(f"{PREFIX}-BIN-{item}-{number}", item, warehouse, qty, qty, rate, value, *self.values)
		)
		self.sle_count += rows
		self.bin_count += 1

	def add_receipt(self, item, warehouse, name, detail, at, qty, gross, discount, net, landed):
		amount = round(qty * net, 2)
		self.receipts.append(
			(
				name,
				SUPPLIER,
				SUPPLIER,
				SUPPLIER,
				COMPANY,
				at.date(),
				at.time(),
				1,
				"MAD",
				1,
				"Standard Buying",
				"MAD",
				1,
				warehouse,
				qty,
				amount,
				amount,
				amount,
				amount,
				amount,
				amount,
				0,
				"To Bill",
				1,
				*self.values,
			)
		)
		self.receipt_items.append(
			(
				detail,
				name,
				"Purchase Receipt",
				"items",
				1,
				item,
				item,
				"Nos",
				"Nos",
				1,
				qty,
				qty,
				qty,
				qty,
				gross,
				gross,
				discount,
				round(gross - net, 2),
				net,
				net,
				net,
				net,
				amount,
				amount,
				amount,
				amount,
				landed,
				warehouse,
				1,
				*self.values,
			)
		)
		self.receipt_count += 1

	def flush(self):
		insert("Stock Ledger Entry", [*SLE_FIELDS, *self.base], self.sle)
		insert("Bin", [*BIN_FIELDS, *self.base], self.bins)
		insert("Purchase Receipt", [*RECEIPT_FIELDS, *self.base], self.receipts)
		insert("Purchase Receipt Item", [*RECEIPT_ITEM_FIELDS, *self.base], self.receipt_items)
		frappe.db.commit()
		for rows in (self.sle, self.bins, self.receipts, self.receipt_items):
			rows.clear()


# --- measures ---------------------------------------------------------------------------------------


def each_ms(fn, arguments) -> list[float]:
	"""Milliseconds of one call of fn per argument (after one warm call)."""
	fn(arguments[0])
	samples = []
	for argument in arguments:
		start = time.perf_counter()
		fn(argument)
		samples.append((time.perf_counter() - start) * 1000)
	return samples


def repeated_ms(fn, runs: int) -> list[float]:
	return each_ms(lambda _run: fn(), list(range(runs)))


def spread(samples: list[float]) -> str:
	return f"median {statistics.median(samples):8.1f} ms, max {max(samples):8.1f} ms"


@contextmanager
def recorded_queries():
	"""The SQL statements run meanwhile, as MariaDB received them."""
	queries, sql = [], frappe.db.sql

	def recording(*args, **kwargs):
		result = sql(*args, **kwargs)
		queries.append(frappe.db.last_query)
		return result

	frappe.db.sql = recording
	try:
		yield queries
	finally:
		del frappe.db.sql  # the connection's own method again


def print_plan(label: str, fn):
	"""The statements fn runs and MariaDB's plan of each, executed (`ANALYZE`: r_rows were read)."""
	with recorded_queries() as queries:
		fn()
	for query in queries:
		print(f"  {label}: {query}")
		for step in frappe.db.sql(f"ANALYZE {query}", as_dict=True):
			print(
				f"    table {step.table:<22} type {step.type:<7} key {step.key or '-':<52}"
				f" rows {step.rows or 0:>7} r_rows {step.r_rows or 0:>9}  {step.Extra or ''}"
			)


def measure(sample: list[str], runs: int):
	from erpnext.stock.report.stock_balance.stock_balance import execute as stock_balance_report
	from erpnext.stock.utils import get_stock_balance

	from dux_trace.pricing.card import compute
	from dux_trace.pricing.costs import company_stock, last_purchase, recent_receipts

	hot_rows = frappe.db.count("Stock Ledger Entry", {"item_code": HOT_ITEM})
	print(
		f"on the site: {frappe.db.count('Stock Ledger Entry'):,} stock ledger rows, "
		f"{frappe.db.count('Item'):,} items, {frappe.db.count('Bin'):,} bins, "
		f"{frappe.db.count('Purchase Receipt', {'docstatus': 1}):,} submitted purchase receipts; "
		f"hot item {HOT_ITEM}: {hot_rows:,} ledger rows; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cpus"
	)
	docs = {name: frappe.get_doc("Item", name) for name in [*sample, HOT_ITEM]}
	hot = f"hot item ({hot_rows:,} rows)"

	print("\ncard: dux_trace.pricing.card.compute(item, company), server time")
	for name in docs:
		frappe.clear_document_cache("Item", name)  # as before the item's first card
	card_ms = each_ms(lambda name: compute(docs[name], COMPANY), sample)
	card_again_ms = each_ms(lambda name: compute(docs[name], COMPANY), sample)
	card_hot_ms = repeated_ms(lambda: compute(docs[HOT_ITEM], COMPANY), runs)
	print(f"  {len(sample)} random items, first card:  {spread(card_ms)}")
	print(f"  the same items, again:       {spread(card_again_ms)} (Item in Frappe's document cache)")
	print(f"  {hot}: {spread(card_hot_ms)} ({runs} runs)")
	bases = {b["basis"]: b["value"] for b in compute(docs[HOT_ITEM], COMPANY)["bases"]}
	print(f"  hot item's bases: {bases}")

	print("\nthe card's queries (pricing.costs), median server time")
	for label, fn in (
		("last purchase (2 queries)", last_purchase),
		("CMP: company_stock", company_stock),
		("CRP: recent_receipts", recent_receipts),
	):
		many = each_ms(lambda name, fn=fn: fn(name, COMPANY), sample)
		one = repeated_ms(lambda fn=fn: fn(HOT_ITEM, COMPANY), runs)
		print(
			f"  {label:<26} {statistics.median(many):7.2f} ms ({len(sample)} items, max {max(many):.2f}),"
			f" hot item {statistics.median(one):7.2f} ms"
		)

	for item in (sample[0], HOT_ITEM):
		print(f"\nqueries and plans for {item}")
		print_plan("last purchase", lambda item=item: last_purchase(item, COMPANY))
		print_plan("CMP", lambda item=item: company_stock(item, COMPANY))
		print_plan("CRP", lambda item=item: recent_receipts(item, COMPANY))

	print("\nrecalculation of the cost bases (Dux Recalculation 'Cost Bases', run synchronously)")
	items = frappe.db.count("Item", {"is_stock_item": 1})
	clear_stored_costs()
	for attempt in ("first run", "second run"):
		seconds, run = recalculate()
		print(
			f"  {attempt}: {items:,} items in {seconds:6.1f} s = {items / seconds:6.0f} items/s;"
			f" {run.status}, {run.items_checked:,} checked, {run.changes:,} changes"
		)

	print("\nplain ERPNext, same data")

	def erpnext_balance(name):
		return [get_stock_balance(name, warehouse, with_valuation_rate=True)[:2] for warehouse in WAREHOUSES]

	balance_ms = each_ms(erpnext_balance, sample)
	balance_hot_ms = repeated_ms(lambda: erpnext_balance(HOT_ITEM), runs)
	print(f"  get_stock_balance x {len(WAREHOUSES)} warehouses, {len(sample)} items: {spread(balance_ms)}")
	print(f"  get_stock_balance x {len(WAREHOUSES)} warehouses, {hot}: {spread(balance_hot_ms)}")
	agree = sum(cmp_agrees(name, erpnext_balance(name), compute(docs[name], COMPANY)) for name in sample)
	print(f"  card CMP = ERPNext's stock value / qty for {agree} of {len(sample)} items")

	filters = frappe._dict(
		company=COMPANY,
		from_date=add_days(nowdate(), -PERIOD_DAYS - 1),
		to_date=getdate(nowdate()),
	)
	report_ms = ms(lambda: stock_balance_report(frappe._dict(filters, item_code=[sample[0]])), runs)
	report_hot_ms = ms(lambda: stock_balance_report(frappe._dict(filters, item_code=[HOT_ITEM])), 3)
	print(f"  Stock Balance report, one item ({sample[0]}): {report_ms:8.1f} ms (median of {runs})")
	print(f"  Stock Balance report, {hot}:  {report_hot_ms:8.1f} ms (median of 3)")

	card, card_hot = statistics.median(card_ms), statistics.median(card_hot_ms)
	balance, balance_hot = statistics.median(balance_ms), statistics.median(balance_hot_ms)
	print("\nratios (medians; card: its first opening)")
	print(f"  {len(sample)} items: {ratios(card, report_ms, balance)}")
	print(f"  hot item:  {ratios(card_hot, report_hot_ms, balance_hot)}")


def ratios(card: float, report: float, balance: float) -> str:
	return (
		f"card / ERPNext stock balance report = {card / report:.3g}x (report / card {report / card:.3g}x);"
		f" card / ERPNext get_stock_balance x {len(WAREHOUSES)} = {card / balance:.3g}x"
	)


def cmp_agrees(name: str, balances: list, card: dict) -> bool:
	qty = sum(q for q, _rate in balances)
	value = sum(q * rate for q, rate in balances)
	cmp = next(b["value"] for b in card["bases"] if b["basis"] == "Moving Average Cost")
	return qty > 0 and cmp is not None and abs(cmp - value / qty) <= 0.01


def clear_stored_costs():
	"""The bench items' stored costs emptied, so that the first run fills them all, as on a new site."""
	from dux_trace.pricing.recalculation import STORED_FIELDS, UPDATED_FIELD

	item = frappe.qb.DocType("Item")
	query = frappe.qb.update(item).where(item.name.like(f"{PREFIX}-%"))
	for field in STORED_FIELDS.values():
		query = query.set(item[field], 0)
	query.set(item[UPDATED_FIELD], None).run()
	frappe.db.commit()


def recalculate():
	"""(seconds, the run) of a Cost Bases recalculation of the company, run here rather than by a
	worker: the job its insert queues is dropped."""
	from dux_trace.pricing.recalculation import run

	frappe.db.commit()
	doc = frappe.get_doc({"doctype": "Dux Recalculation", "kind": "Cost Bases", "company": COMPANY}).insert()
	frappe.db.after_commit.reset()  # the enqueue of the job
	frappe.db.commit()
	start = time.perf_counter()
	run(doc.name)
	frappe.db.commit()
	seconds = time.perf_counter() - start
	return seconds, frappe.get_doc("Dux Recalculation", doc.name)


if __name__ == "__main__":
	sys.exit(main())
