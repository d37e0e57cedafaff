"""Price grids at scale: preview and apply over 100,000 items, against plain ERPNext on the same data.

    cd ~/frappe-bench/sites
    ../env/bin/python ../apps/dux_trace/benchmarks/grid_benchmark.py SITE [--items 100000] [--sample 2000]
        [--budget 1800] [--discount-budget 3600] [--profile]

Fills SITE (a throwaway site with ERPNext and dux_trace) once, by bulk inserts: a company, an
item group tree (a 10% sub-group, and a 2% sub-group inside it), ITEMS items with their UOM row
and their Stored Costs (so the grid reads them, as after a Dux Recalculation), a reference price
list with one Item Price per item, a target price list and a customer group with its default
price list. Then, as Administrator, with the item document cache emptied first, it prints:

a. the preview of a Margin grid (the top group, markup 30 %, rounding "Ending .90"): seconds
   (cold, then warm median) and µs per item; and the desk request `api.grids.apply_grid` (it
   previews, then queues the job; rolled back here, nothing is queued);
b. the apply of that grid (`pricing.grids.apply.apply`, what the background job runs), committed:
   seconds, ms per item, the progress reports. An apply still running after BUDGET seconds is
   stopped and rolled back; its progress reports give a fit (preview + a.rows + b.rows²) for all
   the rows, and the same prices are then bulk inserted so that c.-e. run on the same data;
c. the same apply again: seconds, and that it wrote nothing;
d. a Discount grid of 3 quantity breaks (1, 10, 50) over the 10% sub-group for the customer
   group: Item Prices + Pricing Rules, seconds and ms per record (DISCOUNT_BUDGET as above);
e. plain ERPNext on the same data, measured before b. so that both start cold: the same prices
   for SAMPLE items of the 2% sub-group written as Data Import does, one
   `frappe.get_doc({"doctype": "Item Price", ...}).insert()` and commit each, into a third price
   list, extrapolated to ITEMS, and the ratio grid apply / ERPNext per item; ERPNext's price
   lookup for a sale (`get_price_list_rate_for` on the target list, `get_item_details` of a Sales
   Order of 10 for a customer of the group) before and after the new prices and rules, median ms;
g. the desk while the margin grid is applied again (a new markup: every price updated) in a
   process of its own, as the background worker runs it: ERPNext's price lookup for a sale timed
   over and over meanwhile, against the same lookup idle;
f. when the apply is slower than 60 s (or with --profile), a cProfile of the apply of a margin
   grid over the 2% sub-group: where the time goes; and, for scale, one `frappe.db.bulk_insert`
   of ITEMS Item Price rows (then deleted).

Each run first deletes what earlier runs of the benchmark's grids wrote (live progress goes to
stderr). Nothing is asserted: this measures.
"""

import argparse
import cProfile
import io
import json
import pstats
import statistics
import subprocess
import sys
import time

import frappe
from bulk import insert, ms, site_connection, timed
from frappe.utils import flt, get_year_start, now, nowdate

PREFIX = "BGR"
COMPANY = "Dux Bench Grilles"
ABBR = "DBG"
CURRENCY = "MAD"
TOP_GROUP = "Bench Grille Articles"
GROUP_A = "Bench Grille Revendeurs"  # 10% of the items: the discount grid
GROUP_A1 = "Bench Grille Echantillon"  # 2%, inside GROUP_A: the ERPNext sample and the profile
GROUP_B = "Bench Grille Autres"
REFERENCE_LIST = "Bench Public MAD"
TARGET_LIST = "Bench Grille MAD"
GROUP_LIST = "Bench Revendeurs MAD"
ERPNEXT_LIST = "Bench ERPNext MAD"
PROFILE_LIST = "Bench Profil MAD"
BULK_LIST = "Bench Bulk MAD"
CUSTOMER_GROUP = "Bench Revendeurs"
CUSTOMER = "Bench Client Revendeur"
MARGIN_GRID = "Bench Marge"
DISCOUNT_GRID = "Bench Remise"
PROFILE_GRID = "Bench Profil"
BACKGROUND_LIMIT = 60  # seconds, the target for the apply


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("site")
	parser.add_argument("--items", type=int, default=100_000)
	parser.add_argument("--sample", type=int, default=2_000, help="items inserted the ERPNext way")
	parser.add_argument("--runs", type=int, default=3, help="warm runs of the preview")
	parser.add_argument("--profile", action="store_true", help="profile the apply even when fast")
	parser.add_argument(
		"--budget",
		type=float,
		default=1800,
		help="seconds after which the 100k apply is stopped and extrapolated",
	)
	parser.add_argument("--discount-budget", type=float, default=3600, help="the same for the discount grid")
	parser.add_argument("--apply-grid", help=argparse.SUPPRESS)  # g.: the background job's process
	args = parser.parse_args()

	with site_connection(args.site):
		if args.apply_grid:  # the worker of g.: apply one grid, say how long it took
			seconds, history, _progress, _stopped = timed_apply(args.apply_grid, args.budget)
			print(json.dumps({"seconds": seconds, "history": history}), flush=True)
			return
		generate(args.items)
		measure(args)


def item_code(i: int) -> str:
	return f"{PREFIX}-{i:06d}"


def group_of(i: int, items: int) -> str:
	if i < items // 50:
		return GROUP_A1
	if i < items // 10:
		return GROUP_A
	return GROUP_B


def cost_of(i: int) -> float:
	return round(12 + (i % 997) * 0.37, 2)


def generate(items: int):
	from bulk import test_setup

	from dux_trace.tests.utils import make_company, make_customer, make_fiscal_year

	test_setup()  # ERPNext's set-up records (warehouse types, UOMs...) on a fresh site
	make_fiscal_year(int(nowdate()[:4]))
	make_company(COMPANY, ABBR, CURRENCY, "Morocco")
	for name, parent, is_group in (
		(TOP_GROUP, "All Item Groups", 1),
		(GROUP_A, TOP_GROUP, 1),
		(GROUP_A1, GROUP_A, 0),
		(GROUP_B, TOP_GROUP, 0),
	):
		if not frappe.db.exists("Item Group", name):
			frappe.get_doc(
				{
					"doctype": "Item Group",
					"item_group_name": name,
					"parent_item_group": parent,
					"is_group": is_group,
				}
			).insert()
	for name in (REFERENCE_LIST, TARGET_LIST, GROUP_LIST, ERPNEXT_LIST, PROFILE_LIST, BULK_LIST):
		if not frappe.db.exists("Price List", name):
			frappe.get_doc(
				{
					"doctype": "Price List",
					"price_list_name": name,
					"currency": CURRENCY,
					"selling": 1,
					"enabled": 1,
				}
			).insert()
	if not frappe.db.exists("Customer Group", CUSTOMER_GROUP):
		frappe.get_doc(
			{
				"doctype": "Customer Group",
				"customer_group_name": CUSTOMER_GROUP,
				"parent_customer_group": "All Customer Groups",
				"default_price_list": GROUP_LIST,
			}
		).insert()
	make_customer(CUSTOMER, CUSTOMER_GROUP)
	frappe.db.commit()

	have = frappe.db.count("Item", {"name": ("like", f"{PREFIX}-%")})
	if have >= items:
		print(f"data already there: {have:,} items")
		return
	if have:  # an earlier run of another size: its groups would not fit
		delete_bench_items()
	start = time.perf_counter()
	stamp = now()
	base = {"creation": stamp, "modified": stamp, "owner": "Administrator", "modified_by": "Administrator"}
	codes = [item_code(i) for i in range(items)]
	insert(
		"Item",
		[
			"name",
			"item_code",
			"item_name",
			"item_group",
			"stock_uom",
			"is_stock_item",
			"is_sales_item",
			"disabled",
			"docstatus",
			"dux_cost_last_purchase_gross",
			"dux_cost_last_purchase_net",
			"dux_cost_landed",
			"dux_cost_cmp",
			"dux_cost_crp",
			"dux_costs_updated_on",
			*base,
		],
		[
			(
				code,
				code,
				f"Article grille {i}",
				group_of(i, items),
				"Nos",
				1,
				1,
				0,
				0,
				cost_of(i) + 1,
				cost_of(i),
				cost_of(i) + 0.5,
				cost_of(i),
				cost_of(i) + 0.2,
				stamp,
				*base.values(),
			)
			for i, code in enumerate(codes)
		],
	)
	# ERPNext's Item Price validation wants the item's UOM in its conversion table, as Item.save makes it
	insert(
		"UOM Conversion Detail",
		["name", "parent", "parenttype", "parentfield", "idx", "uom", "conversion_factor", *base],
		[(f"{code}-UOM", code, "Item", "uoms", 1, "Nos", 1, *base.values()) for code in codes],
	)
	insert_prices(REFERENCE_LIST, [(code, round(cost_of(i) * 1.6, 2)) for i, code in enumerate(codes)], base)
	frappe.db.commit()
	print(
		f"generated {items:,} items (stored costs), their UOM rows and {items:,} reference prices "
		f"in {time.perf_counter() - start:.0f} s"
	)


def delete_bench_items():
	item, uom, price = (frappe.qb.DocType(d) for d in ("Item", "UOM Conversion Detail", "Item Price"))
	frappe.qb.from_(price).delete().where(price.item_code.like(f"{PREFIX}-%")).run()
	frappe.qb.from_(uom).delete().where(uom.parent.like(f"{PREFIX}-%")).run()
	frappe.qb.from_(item).delete().where(item.name.like(f"{PREFIX}-%")).run()


def insert_prices(price_list: str, prices: list[tuple[str, float]], base: dict, valid_from=None):
	insert(
		"Item Price",
		[
			"name",
			"item_code",
			"item_name",
			"price_list",
			"uom",
			"price_list_rate",
			"currency",
			"selling",
			"buying",
			"valid_from",
			*base,
		],
		[
			(
				f"{price_list[:12]}-{code}",
				code,
				code,
				price_list,
				"Nos",
				rate,
				CURRENCY,
				1,
				0,
				valid_from,
				*base.values(),
			)
			for code, rate in prices
		],
	)


def reset():
	"""Delete what earlier runs of the benchmark's grids (and ERPNext sample) wrote."""
	price = frappe.qb.DocType("Item Price")
	frappe.qb.from_(price).delete().where(
		price.price_list.isin([TARGET_LIST, GROUP_LIST, ERPNEXT_LIST, PROFILE_LIST, BULK_LIST])
	).run()
	rule, rule_item = frappe.qb.DocType("Pricing Rule"), frappe.qb.DocType("Pricing Rule Item Code")
	ours = rule.title.like("Bench %: %")
	frappe.qb.from_(rule_item).delete().where(
		rule_item.parent.isin(frappe.qb.from_(rule).select(rule.name).where(ours))
	).run()
	frappe.qb.from_(rule).delete().where(ours).run()
	history, change = frappe.qb.DocType("Dux Price Grid Apply"), frappe.qb.DocType("Dux Price Grid Change")
	grids = history.grid.isin([MARGIN_GRID, DISCOUNT_GRID, PROFILE_GRID])
	frappe.qb.from_(change).delete().where(
		change.parent.isin(frappe.qb.from_(history).select(history.name).where(grids))
	).run()
	frappe.qb.from_(history).delete().where(grids).run()
	frappe.db.commit()


def make_grid(name: str, **values) -> "frappe.Document":
	if not frappe.db.exists("Dux Price Grid", name):
		frappe.get_doc(
			{
				"doctype": "Dux Price Grid",
				"grid_name": name,
				"company": COMPANY,
				"valid_from": get_year_start(nowdate()),
				**values,
			}
		).insert()
		frappe.db.commit()
	return frappe.get_doc("Dux Price Grid", name)


def margin_grid(name: str, price_list: str, group: str):
	return make_grid(
		name,
		applies_to="Price List",
		price_list=price_list,
		method="Margin",
		cost_basis="Moving Average Cost",
		rounding="Ending .90",
		lines=[{"item_group": group, "min_qty": 1, "markup_percent": 30}],
	)


def count_prices(price_list: str) -> int:
	return frappe.db.count("Item Price", {"price_list": price_list})


def count_rules(grid: str) -> int:
	return frappe.db.count("Pricing Rule", {"title": ("like", f"{grid}: %")})


class BudgetExceeded(Exception):
	pass


class Progress:
	"""The apply's progress callback: keeps (done, total, seconds) and stops the apply (rolled back)
	past the budget."""

	def __init__(self, label: str, budget: float):
		self.label, self.budget = label, budget
		self.start = time.perf_counter()
		self.reports: list[tuple[int, int, float]] = []

	def __call__(self, done: int, total: int):
		elapsed = time.perf_counter() - self.start
		self.reports.append((done, total, elapsed))
		if done % 5000 == 0 or done == total:
			print(f"   [{self.label}] {done:,}/{total:,} after {elapsed:.0f} s", file=sys.stderr, flush=True)
		if elapsed > self.budget and done < total:
			raise BudgetExceeded

	def summary(self) -> str:
		if not self.reports:
			return "no progress reported"
		first, last = self.reports[0], self.reports[-1]
		text = (
			f"{len(self.reports)} progress reports, first at {first[0]:,}/{first[1]:,} after {first[2]:.1f} s, "
			f"last {last[0]:,}/{last[1]:,} at {last[2]:.1f} s"
		)
		if len(self.reports) > 2:
			text += f"; ms per row: first block {self.block_ms(1):.1f}, last block {self.block_ms(-1):.1f}"
		return text

	def block_ms(self, index: int) -> float:
		(done_a, _t, at_a), (done_b, _t2, at_b) = self.reports[index - 1], self.reports[index]
		return (at_b - at_a) / max(done_b - done_a, 1) * 1000

	def extrapolate(self, rows: int, offset: float) -> tuple[float, float, float]:
		"""Least squares fit of seconds = offset + a.rows + b.rows² on the reports: (a, b, total)."""
		points = [(done, at - offset) for done, _total, at in self.reports]
		s2 = sum(n**2 for n, _y in points)
		s3 = sum(n**3 for n, _y in points)
		s4 = sum(n**4 for n, _y in points)
		y1 = sum(n * y for n, y in points)
		y2 = sum(n**2 * y for n, y in points)
		det = s2 * s4 - s3 * s3
		if len(points) < 2 or not det:  # one report: linear
			a, b = y1 / s2, 0.0
		else:
			a, b = (y1 * s4 - y2 * s3) / det, (s2 * y2 - s3 * y1) / det
		return a, b, offset + a * rows + b * rows**2


def timed_apply(name: str, budget: float) -> tuple[float, str | None, Progress, bool]:
	"""(seconds, history, progress, stopped): the apply as the background job runs it, committed; past
	the budget it is stopped and rolled back."""
	from dux_trace.pricing.grids.apply import apply

	grid = frappe.get_doc("Dux Price Grid", name)
	progress = Progress(name, budget)
	start = time.perf_counter()
	try:
		history = apply(grid, progress=progress)
	except BudgetExceeded:
		seconds = time.perf_counter() - start
		frappe.db.rollback()
		return seconds, None, progress, True
	frappe.db.commit()
	return time.perf_counter() - start, history, progress, False


def lookups(item: str) -> dict:
	"""ERPNext's price lookups for a sale of `item`, median ms."""
	from erpnext.stock.get_item_details import get_item_details, get_price_list_rate_for

	today = nowdate()
	by_list = {
		"price_list": TARGET_LIST,
		"uom": "Nos",
		"stock_uom": "Nos",
		"qty": 1,
		"transaction_date": today,
	}
	sale = {
		"doctype": "Sales Order",
		"company": COMPANY,
		"customer": CUSTOMER,
		"item_code": item,
		"qty": 10,
		"uom": "Nos",
		"stock_uom": "Nos",
		"conversion_factor": 1,
		"selling_price_list": GROUP_LIST,
		"price_list": GROUP_LIST,
		"currency": CURRENCY,
		"price_list_currency": CURRENCY,
		"conversion_rate": 1,
		"plc_conversion_rate": 1,
		"transaction_date": today,
		"name": "",
	}
	details = get_item_details(frappe._dict(sale))
	return {
		"get_price_list_rate_for": ms(lambda: get_price_list_rate_for(frappe._dict(by_list), item), 25),
		"get_item_details": ms(lambda: get_item_details(frappe._dict(sale)), 25),
		"rate": flt(get_price_list_rate_for(frappe._dict(by_list), item)),
		"sale_rate": flt(details.get("price_list_rate")),
		"sale_rules": ", ".join(frappe.parse_json(details.get("pricing_rules") or "[]")) or "none",
	}


def erpnext_inserts(rows: list[dict], valid_from) -> tuple[float, list[float]]:
	"""ERPNext's own way, as Data Import does it: one get_doc().insert() and one commit per price.
	Returns (seconds, ms per row of each block of 500)."""
	for row in rows:  # cold, as for the grid
		frappe.clear_document_cache("Item", row["item_code"])
	frappe.db.commit()
	blocks, block_start = [], time.perf_counter()
	start = block_start
	for index, row in enumerate(rows, 1):
		frappe.get_doc(
			{
				"doctype": "Item Price",
				"item_code": row["item_code"],
				"price_list": ERPNEXT_LIST,
				"uom": row["uom"],
				"price_list_rate": row["price_ht"],
				"valid_from": valid_from,
			}
		).insert()
		frappe.db.commit()
		if index % 500 == 0 or index == len(rows):
			blocks.append(
				(time.perf_counter() - block_start) / (500 if index % 500 == 0 else index % 500) * 1000
			)
			block_start = time.perf_counter()
	return time.perf_counter() - start, blocks


def measure(args):
	from dux_trace.api.grids import apply_grid
	from dux_trace.pricing.grids.preview import preview

	items, sample_size, budget = args.items, args.sample, args.budget
	reset()
	frappe.clear_document_cache("Item")  # every run starts cold: no item cached by an earlier one
	frappe.db.commit()
	total_prices = frappe.db.count("Item Price")
	print(
		f"site: {frappe.db.count('Item', {'name': ('like', f'{PREFIX}-%')}):,} bench items, "
		f"{total_prices:,} Item Prices before the grids; apply budget {budget:.0f} s"
	)
	probe = item_code(items // 100)  # in the sample sub-group, so in every grid
	before = lookups(probe)

	# a. preview
	grid = margin_grid(MARGIN_GRID, TARGET_LIST, TOP_GROUP)
	start = time.perf_counter()
	rows = preview(grid)
	cold = time.perf_counter() - start
	warm, rows = timed(lambda: preview(frappe.get_doc("Dux Price Grid", MARGIN_GRID)), args.runs)
	writable = [row for row in rows if row["writable"]]
	print()
	print(
		f"a. preview of the margin grid (markup 30 %, Ending .90) over {len(rows):,} items ({len(writable):,} writable)"
	)
	print(
		f"   cold {cold:.2f} s, warm median {warm:.2f} s = {warm / len(rows) * 1e6:.1f} µs per item "
		f"(target ≤ 10 s: {'met' if cold <= 10 else 'MISSED'})"
	)
	frappe.db.commit()
	start = time.perf_counter()
	answer = apply_grid(MARGIN_GRID)
	request = time.perf_counter() - start
	frappe.db.rollback()  # the job is queued after commit: nothing queued
	print(
		f"   desk request api.grids.apply_grid: {request:.2f} s (answers {answer}; the preview is most of it)"
	)

	# e, measured first so that both start cold: plain ERPNext writing the same prices
	sample = [row for row in writable if row["item_group"] == GROUP_A1][:sample_size]
	valid_from = get_year_start(nowdate())
	erpnext_seconds, erpnext_blocks = erpnext_inserts(sample, valid_from)
	erpnext_per_item = erpnext_seconds / max(len(sample), 1)

	# b. apply
	seconds, history, progress, stopped = timed_apply(MARGIN_GRID, budget)
	print()
	if stopped:
		done = progress.reports[-1][0]
		a, b, total = progress.extrapolate(len(writable), warm)
		grid_per_item = total / len(writable)
		print(
			f"b. apply of the margin grid (the background job's work): STOPPED at the budget, {done:,} of "
			f"{len(writable):,} rows written in {seconds:.0f} s ({seconds / done * 1000:.1f} ms per row), rolled back"
		)
		print(f"   {progress.summary()}")
		print(
			f"   fit seconds = {warm:.1f} (preview) + {a * 1000:.2f} ms x rows + {b * 1e6:.4f} µs x rows²: "
			f"{len(writable):,} rows ≈ {total:,.0f} s = {grid_per_item * 1000:.1f} ms per item "
			f"(target ≤ {BACKGROUND_LIMIT} s: MISSED)"
		)
		stamp = now()
		base = {
			"creation": stamp,
			"modified": stamp,
			"owner": "Administrator",
			"modified_by": "Administrator",
		}
		start = time.perf_counter()
		insert_prices(
			TARGET_LIST, [(row["item_code"], row["price_ht"]) for row in writable], base, valid_from
		)
		frappe.db.commit()
		print(
			f"   for c.-e., the same {len(writable):,} prices written by frappe.db.bulk_insert instead: "
			f"{time.perf_counter() - start:.1f} s"
		)
	else:
		created = count_prices(TARGET_LIST)
		changes = frappe.db.count("Dux Price Grid Change", {"parent": history}) if history else 0
		grid_per_item = seconds / max(created, 1)
		print(f"b. apply of the margin grid (the background job's work, committed): {seconds:.1f} s")
		print(
			f"   {created:,} Item Prices written, {changes:,} change rows in {history}; "
			f"{grid_per_item * 1000:.2f} ms per item; writing alone (minus a warm preview) "
			f"{(seconds - warm) / max(created, 1) * 1000:.2f} ms per item"
		)
		print(
			f"   {progress.summary()} (target ≤ {BACKGROUND_LIMIT} s: {'met' if seconds <= BACKGROUND_LIMIT else 'MISSED'})"
		)
	after_margin = lookups(probe)

	# c. apply again
	again, history_again, _progress, _stopped = timed_apply(MARGIN_GRID, budget)
	print()
	print(
		f"c. apply again (nothing changed): {again:.1f} s, "
		f"{'wrote nothing' if history_again is None else f'WROTE {history_again}'} "
		f"({count_prices(TARGET_LIST):,} Item Prices on the list)"
	)
	if history:  # Undo of b., then b. once more so that d.-f. find the same data
		from dux_trace.pricing.grids.undo import undo

		start = time.perf_counter()
		undone = undo(frappe.get_doc("Dux Price Grid Apply", history))
		frappe.db.commit()
		print(
			f"   undo of b.: {time.perf_counter() - start:.1f} s for {undone:,} changes "
			f"({count_prices(TARGET_LIST):,} Item Prices left on the list)"
		)
		redo, _history, _progress, _stopped = timed_apply(MARGIN_GRID, budget)
		print(f"   b. again after the undo: {redo:.1f} s")

	# d. discount grid, three breaks, for the customer group
	make_grid(
		DISCOUNT_GRID,
		applies_to="Customer Group",
		customer_group=CUSTOMER_GROUP,
		method="Discount",
		reference_price_list=REFERENCE_LIST,
		rounding="Currency Fraction",
		lines=[
			{"item_group": GROUP_A, "min_qty": qty, "discount_percent": discount}
			for qty, discount in ((1, 5), (10, 10), (50, 15))
		],
	)
	discount_seconds, _history, discount_progress, discount_stopped = timed_apply(
		DISCOUNT_GRID, args.discount_budget
	)
	prices, rules = count_prices(GROUP_LIST), count_rules(DISCOUNT_GRID)
	print()
	print(
		f"d. discount grid (breaks 1, 10, 50) over {items // 10:,} items for customer group {CUSTOMER_GROUP}: "
		f"{discount_seconds:.1f} s{' STOPPED at the budget, rolled back' if discount_stopped else ''}"
	)
	if discount_stopped:
		discount_done, total_rows = discount_progress.reports[-1][:2]
		_a, _b, total = discount_progress.extrapolate(total_rows, 0)
		print(
			f"   {discount_done:,} of {total_rows:,} records written ({discount_seconds / discount_done * 1000:.1f} ms per record); "
			f"fit: {total_rows:,} records ≈ {total:,.0f} s; {discount_progress.summary()}"
		)
	else:
		print(
			f"   {prices:,} Item Prices + {rules:,} Pricing Rules = "
			f"{discount_seconds / max(prices + rules, 1) * 1000:.2f} ms per record; {discount_progress.summary()}"
		)
	after_discount = lookups(probe)

	# e. plain ERPNext on the same data
	print()
	print(
		f"e. plain ERPNext, same prices, as Data Import writes them (get_doc(Item Price).insert() + commit, one by one) "
		f"x {len(sample):,} = {erpnext_seconds:.1f} s, {erpnext_per_item * 1000:.2f} ms per item "
		f"(blocks of 500: {', '.join(f'{block:.1f}' for block in erpnext_blocks)} ms) "
		f"-> {erpnext_per_item * len(writable):,.0f} s for {len(writable):,} items"
	)
	print(
		f"   grid apply per item / ERPNext Item Price insert per item = "
		f"{grid_per_item * 1000:.2f} / {erpnext_per_item * 1000:.2f} ms = {grid_per_item / erpnext_per_item:.2f}x"
		f"{' (grid: fitted for all items)' if stopped else ''}"
	)
	if stopped:
		print(
			f"   over the part done: {seconds / done * 1000:.2f} / {erpnext_per_item * 1000:.2f} ms = "
			f"{seconds / done / erpnext_per_item:.2f}x"
		)
	print(
		f"   ERPNext's price lookup for a sale of {probe} (median ms), Item Prices on the site "
		f"{total_prices:,} -> {frappe.db.count('Item Price'):,}, Pricing Rules -> {frappe.db.count('Pricing Rule'):,}:"
	)
	print("                                                before   after margin   after discount")
	for key, label in (
		("get_price_list_rate_for", f"get_price_list_rate_for ({TARGET_LIST})"),
		("get_item_details", f"get_item_details (Sales Order, {GROUP_LIST}, qty 10)"),
	):
		print(f"   {label:<44} {before[key]:6.2f} {after_margin[key]:13.2f} {after_discount[key]:16.2f}")
	print(
		f"   found: {TARGET_LIST} rate {before['rate']:g} -> {after_margin['rate']:g}; the sale of 10: "
		f"{before['sale_rate']:g} -> {after_discount['sale_rate']:g} (pricing rules {after_discount['sale_rules']})"
	)

	# g. the desk while a large apply runs in its own process (as the background worker does)
	responsiveness(args.site, probe, budget)

	# f. where the time goes
	if stopped or seconds > BACKGROUND_LIMIT or args.profile:
		profile(items, budget, bulk_shown=stopped)


def responsiveness(site: str, probe: str, budget: float):
	"""ERPNext's price lookups for a sale, timed over and over while another process re-applies
	the margin grid with a new markup (100,000 prices updated), against the same lookups idle."""
	from erpnext.stock.get_item_details import get_price_list_rate_for

	by_list = frappe._dict(
		price_list=TARGET_LIST, uom="Nos", stock_uom="Nos", qty=1, transaction_date=nowdate()
	)
	grid = frappe.get_doc("Dux Price Grid", MARGIN_GRID)
	grid.lines[0].markup_percent = flt(grid.lines[0].markup_percent) + 1
	grid.save()
	frappe.db.commit()
	idle = [ms(lambda: get_price_list_rate_for(by_list, probe), 1) for _ in range(50)]
	worker = subprocess.Popen(
		[sys.executable, __file__, site, "--apply-grid", MARGIN_GRID, "--budget", str(budget)],
		stdout=subprocess.PIPE,
		stderr=subprocess.DEVNULL,
		text=True,
	)
	during = []
	while worker.poll() is None:
		frappe.db.rollback()  # a new request's view
		during.append(ms(lambda: get_price_list_rate_for(by_list, probe), 1))
		time.sleep(0.2)
	answer = json.loads([line for line in worker.stdout.read().splitlines() if line.startswith("{")][-1])
	during.sort()
	print()
	print(
		f"g. the desk during a re-apply of {MARGIN_GRID} (new markup, 100,000 prices updated) in its own "
		f"process, {answer['seconds']:.1f} s: ERPNext's price lookup answered {len(during)} times, median "
		f"{statistics.median(during):.2f} ms, slowest {during[-1]:.2f} ms (idle: median "
		f"{statistics.median(idle):.2f} ms, slowest {max(idle):.2f} ms)"
	)


def profile(items: int, budget: float, bulk_shown: bool):
	margin_grid(PROFILE_GRID, PROFILE_LIST, GROUP_A1)
	frappe.clear_document_cache("Item")  # cold, as for the apply measured above
	frappe.db.commit()
	profiler = cProfile.Profile()
	profiler.enable()
	seconds, _history, _progress, _stopped = timed_apply(PROFILE_GRID, budget)
	profiler.disable()
	written = count_prices(PROFILE_LIST)
	stats = pstats.Stats(profiler)
	entries = stats.stats  # (file, line, function) -> (calls, ncalls, tottime, cumtime, callers)

	def find(path: str, function: str):
		return [key for key in entries if key[0].endswith(path) and key[2] == function]

	def cumulative(path: str, function: str) -> tuple[float, int]:
		keys = find(path, function)
		return sum(entries[k][3] for k in keys), sum(entries[k][1] for k in keys)

	def called_from(path: str, function: str, caller: str) -> tuple[float, int]:
		total, calls = 0.0, 0
		for key in find(path, function):
			for caller_key, (_cc, nc, _tt, ct) in entries[key][4].items():
				if caller_key[2] == caller and caller_key[0].endswith("pricing/grids/writers.py"):
					total, calls = total + ct, calls + nc
		return total, calls

	whole = cumulative("pricing/grids/apply.py", "apply")[0]
	print()
	print(
		f"f. profile (cProfile) of the apply of a margin grid over {written:,} items "
		f"({seconds:.1f} s under the profiler, {whole / max(written, 1) * 1000:.2f} ms per item):"
	)
	breakdown = [
		("preview (items, costs, prices)", cumulative("pricing/grids/preview.py", "preview")),
		("write_item_price", cumulative("pricing/grids/writers.py", "write_item_price")),
		(
			"  Item Price get_doc().insert()",
			called_from("model/document.py", "insert", "write_item_price"),
		),
		("    ItemPrice.validate (ERPNext)", cumulative("item_price/item_price.py", "validate")),
		("    Document._validate_links", cumulative("model/document.py", "_validate_links")),
		(
			"    frappe.get_cached_doc (ERPNext's has_variants check)",
			cumulative("frappe/__init__.py", "get_cached_doc"),
		),
		(
			"    realtime log (publish_realtime after commit)",
			cumulative("frappe/realtime.py", "publish_realtime"),
		),
		("    Document.db_insert", cumulative("model/base_document.py", "db_insert")),
		(
			"history.insert (Dux Price Grid Apply + change rows)",
			called_from("model/document.py", "insert", "apply"),
		),
		("SQL queries (Database.sql)", cumulative("database/database.py", "sql")),
	]
	for label, (value, calls) in breakdown:
		print(
			f"   {label:<52} {value:7.2f} s {value / max(whole, 1e-9) * 100:5.1f} %  "
			f"{calls:>8,} calls ({calls / max(written, 1):.1f} per item)"
		)
	out = io.StringIO()
	pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("tottime").print_stats(12)
	print("   top functions by own time:")
	listing = out.getvalue().splitlines()
	header = next(i for i, line in enumerate(listing) if line.strip().startswith("ncalls"))
	for line in listing[header : header + 13]:
		print(f"   {line}")

	if bulk_shown:
		return
	# what a bulk write of the same number of rows costs
	base = {"creation": now(), "modified": now(), "owner": "Administrator", "modified_by": "Administrator"}
	prices = [(item_code(i), round(cost_of(i) * 1.3, 2)) for i in range(items)]
	start = time.perf_counter()
	insert_prices(BULK_LIST, prices, base, get_year_start(nowdate()))
	frappe.db.commit()
	bulk_seconds = time.perf_counter() - start
	print(
		f"   for scale: frappe.db.bulk_insert of {items:,} Item Price rows: {bulk_seconds:.1f} s "
		f"= {bulk_seconds / items * 1e6:.0f} µs per item (rows deleted again)"
	)
	price = frappe.qb.DocType("Item Price")
	frappe.qb.from_(price).delete().where(price.price_list == BULK_LIST).run()
	frappe.db.commit()


if __name__ == "__main__":
	sys.exit(main())
