"""Recall speed: Lot Trace (dux_trace) against ERPNext's Stock Ledger report, same lot, same data.

    cd ~/frappe-bench/sites
    ../env/bin/python ../apps/dux_trace/benchmarks/recall_benchmark.py SITE [--lots 100000] [--rows 1000000] [--wide 500]

Fills SITE (a throwaway site with ERPNext and dux_trace) once with LOTS lots of one item and ROWS
stock ledger rows — each with its Serial and Batch Bundle and entry, as ERPNext writes them —
by bulk inserts (realistic rows, no controllers), then times, for one lot, warm, median of runs:

- dux_trace: the recall list (`trace.customers_of`) and the whole Lot Trace report;
- ERPNext: the Stock Ledger report filtered by that lot (company, whole period);
- ERPNext version-16 (where it exists): its "Serial No and Batch Traceability" report for that
  lot (item and lot given), direction Both (what Lot Trace shows: where the lot came from and where
  it went) and Forward (where it went: the recall).

With `--wide N` (default 500) the site also holds one more lot of the item, `BENCH-WIDE`,
received once by a Stock Entry and delivered in N Delivery Notes to N distinct customers (a
wholesaler's lot that went to hundreds of shops: the recall that matters most), and the same
figures are taken for it: ERPNext's traceability report reads each delivery's customer with one
query of its own, so its cost grows with the lot's deliveries. Both lots' figures are printed, with
the rows each report returned for the wide lot and the customers found in them.

Prints the server times and the ratios. Nothing is asserted: this measures.
"""

import argparse
import random
import sys
import time

import frappe
from bulk import (
	flush_ledger,
	insert,
	insert_customers,
	insert_delivery_notes,
	ms,
	site_connection,
	test_setup,
	timed,
)
from frappe.utils import add_days, getdate, nowdate

PREFIX = "BENCH"
CUSTOMERS = 1000
NOTES = 10_000
WIDE = f"{PREFIX}-WIDE"


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("site")
	parser.add_argument("--lots", type=int, default=100_000)
	parser.add_argument("--rows", type=int, default=1_000_000)
	parser.add_argument("--runs", type=int, default=7)
	parser.add_argument("--wide", type=int, default=500, help="deliveries (and customers) of the wide lot")
	args = parser.parse_args()

	with site_connection(args.site):
		item, company = generate(args.lots, args.rows)
		generate_wide(item, args.wide)
		measure(item, company, args.runs, args.lots, args.wide)


def generate(lots: int, rows: int) -> tuple[str, str]:
	from dux_trace.tests.utils import COMPANY, make_item

	test_setup()  # ERPNext's setup (as for tests) and the Dux test company
	item = make_item(f"{PREFIX} Lait", "Lot", shelf_life_in_days=365).name
	frappe.db.commit()
	have = frappe.db.count("Serial and Batch Entry", {"batch_no": ("like", f"{PREFIX}-L%")})
	if have >= rows:
		print(f"data already there: {have:,} ledger rows")
		return item, COMPANY

	start = time.perf_counter()
	base = row_base()
	today = getdate(nowdate())
	random.seed(452)

	customers = [f"{PREFIX} Client {i:04d}" for i in range(CUSTOMERS)]
	insert_customers(customers, base)
	notes = [f"{PREFIX}-DN-{i:06d}" for i in range(NOTES)]
	insert_delivery_notes([(n, random.choice(customers), COMPANY, today) for n in notes], base)
	lot_names = [f"{PREFIX}-L{i:06d}" for i in range(lots)]
	insert_lots(item, [(b, 30 + i % 300, f"{PREFIX}-SE-{i:06d}") for i, b in enumerate(lot_names)], base)

	per_lot = max(rows // lots, 2)
	sle, bundles, entries = [], [], []
	count = 0
	for i, lot in enumerate(lot_names):
		for k in range(per_lot):
			count += 1
			inward = k == 0
			qty = per_lot * 10 if inward else -random.randint(1, 9)
			voucher_type = "Stock Entry" if inward else "Delivery Note"
			voucher_no = f"{PREFIX}-SE-{i:06d}" if inward else random.choice(notes)
			posted = add_days(today, -60 + k)
			for waiting, row in zip(
				(sle, bundles, entries),
				movement(f"{count:08d}", item, lot, qty, voucher_type, voucher_no, posted, base),
				strict=True,
			):
				waiting.append(row)
			if len(sle) >= 20_000:
				flush(sle, bundles, entries, base)
		if count >= rows:
			break
	flush(sle, bundles, entries, base)
	frappe.db.commit()
	print(
		f"generated {lots:,} lots and {count:,} ledger rows (+ bundles and entries) in {time.perf_counter() - start:.0f} s"
	)
	return item, COMPANY


def generate_wide(item: str, deliveries: int):
	"""The wide lot: received once by a Stock Entry, then delivered in `deliveries` Delivery Notes,
	one per customer, to as many distinct customers (the main data's customers first, more added
	where it needs more). Generated once: skipped when the lot has its rows."""
	from dux_trace.tests.utils import COMPANY

	if deliveries <= 0:
		return
	have = frappe.db.count("Serial and Batch Entry", {"batch_no": WIDE})
	if have:
		print(f"wide lot already there: {WIDE}, {have:,} ledger rows")
		if have != deliveries + 1:
			print(f"  (made with another --wide: {have - 1:,} deliveries, measured as they are)")
		return

	start = time.perf_counter()
	base = row_base()
	today = getdate(nowdate())
	random.seed(453)

	customers = [f"{PREFIX} Client {i:04d}" for i in range(deliveries)]
	insert_customers(customers, base)  # those of the main data are there already (ignored)
	notes = [f"{PREFIX}-WDN-{i:06d}" for i in range(deliveries)]
	insert_delivery_notes([(n, c, COMPANY, today) for n, c in zip(notes, customers, strict=True)], base)
	receipt = f"{PREFIX}-SE-WIDE"
	insert_lots(item, [(WIDE, 180, receipt)], base)

	moves = [(deliveries * 10, "Stock Entry", receipt, add_days(today, -60))]
	moves += [
		(-random.randint(1, 9), "Delivery Note", note, add_days(today, -59 + k * 59 // deliveries))
		for k, note in enumerate(notes)
	]
	sle, bundles, entries = [], [], []
	for k, (qty, voucher_type, voucher_no, posted) in enumerate(moves):
		for waiting, row in zip(
			(sle, bundles, entries),
			movement(f"W{k:07d}", item, WIDE, qty, voucher_type, voucher_no, posted, base),
			strict=True,
		):
			waiting.append(row)
		if len(sle) >= 20_000:
			flush(sle, bundles, entries, base)
	flush(sle, bundles, entries, base)
	frappe.db.commit()
	print(
		f"generated the wide lot {WIDE}: 1 receipt and {deliveries:,} deliveries to {deliveries:,} "
		f"customers in {time.perf_counter() - start:.1f} s"
	)


def row_base() -> dict:
	now = frappe.utils.now()
	return {"creation": now, "modified": now, "owner": "Administrator", "modified_by": "Administrator"}


def insert_lots(item: str, lots: list[tuple[str, int, str]], base: dict):
	"""Batches of `item`: (name, days to expiry, the Stock Entry it came in on)."""
	today = getdate(nowdate())
	insert(
		"Batch",
		[
			"name",
			"batch_id",
			"item",
			"expiry_date",
			"manufacturing_date",
			"use_batchwise_valuation",
			"reference_doctype",
			"reference_name",
			*base,
		],
		[
			(
				b,
				b,
				item,
				add_days(today, expires_in),
				add_days(today, -30),
				1,
				"Stock Entry",  # the lot came in on its Stock Entry, as ERPNext records it
				stock_entry,
				*base.values(),
			)
			for b, expires_in, stock_entry in lots
		],
	)


def movement(key: str, item: str, lot: str, qty: float, voucher_type: str, voucher_no: str, posted, base):
	"""One movement of a lot as ERPNext writes it, named after `key`: its Stock Ledger Entry, its
	Serial and Batch Bundle (in bulk.BUNDLE_ROW order) and the bundle's one entry."""
	from dux_trace.tests.utils import COMPANY, STORES

	bundle = f"{PREFIX}-SABB-{key}"
	detail = f"{PREFIX}-ROW-{key}"
	inward = qty > 0
	return (
		(
			f"{PREFIX}-SLE-{key}",
			item,
			STORES,
			posted,
			"10:00:00",
			f"{posted} 10:00:00",
			voucher_type,
			voucher_no,
			detail,
			qty,
			COMPANY,
			bundle,
			0,
			1,
			10,
			*base.values(),
		),
		(
			bundle,
			item,
			STORES,
			voucher_type,
			voucher_no,
			detail,
			"Inward" if inward else "Outward",
			posted,
			"10:00:00",
			COMPANY,
			abs(qty),
			1,
			0,
			1,
			*base.values(),
		),
		(
			f"{PREFIX}-SBE-{key}",
			bundle,
			"Serial and Batch Bundle",
			"entries",
			lot,
			qty,
			STORES,
			10,
			1,
			*base.values(),
		),
	)


def flush(sle, bundles, entries, base):
	flush_ledger(
		base,
		sle,
		bundles,
		entries,
		flag="has_batch_no",
		entry_fields=[
			"name",
			"parent",
			"parenttype",
			"parentfield",
			"batch_no",
			"qty",
			"warehouse",
			"incoming_rate",
			"docstatus",
		],
	)


def measure(item: str, company: str, runs: int, lots: int, wide: int):
	lot = f"{PREFIX}-L{lots // 2:06d}"
	customers = customers_of_lot(lot)
	print(f"lot {lot}: {len(customers)} customers, {sum(c.qty for c in customers):g} units delivered")

	traceability = traceability_report()
	measured = [lot_figures(lot, item, company, runs, traceability)]
	if wide > 0:
		measured.append(lot_figures(WIDE, item, company, runs, traceability))

	rows = frappe.db.count("Stock Ledger Entry")
	print(f"stock ledger rows on the site: {rows:,}; lots: {frappe.db.count('Batch'):,}")
	for f in measured:
		print_figures(f, traceability is not None)
	if not traceability:
		print("ERPNext Serial No and Batch Traceability: not in this ERPNext (version-16 report)")
	if len(measured) == 2:
		print_growth(*measured, traceability is not None)


def customers_of_lot(lot: str):
	from dux_trace.stock.trace import customers_of

	return customers_of([lot])


def lot_figures(lot: str, item: str, company: str, runs: int, traceability) -> dict:
	"""The timings of one lot (ms, median of warm runs) and what each report returned for it."""
	from erpnext.stock.report.stock_ledger.stock_ledger import execute as stock_ledger

	from dux_trace.dux_trace.report.lot_trace.lot_trace import execute as lot_trace

	f = frappe._dict(lot=lot, **delivered(lot))
	seconds, recall = timed(lambda: customers_of_lot(lot), runs)
	f.recall_ms = seconds * 1000
	f.recall_customers = {c.customer for c in recall}
	seconds, (_columns, report) = timed(lambda: lot_trace({"batch_no": lot}), runs)
	f.report_ms = seconds * 1000
	f.report_rows = len(report)
	f.report_customers = {
		r["party"] for r in report if r.get("is_customer") and r["parent_id"] == "customers"
	}

	filters = frappe._dict(
		company=company,
		from_date=add_days(nowdate(), -400),
		to_date=add_days(nowdate(), 30),
		batch_no=lot,
	)
	seconds, (_columns, ledger) = timed(lambda: stock_ledger(frappe._dict(filters)), max(1, runs // 2))
	f.ledger_ms = seconds * 1000
	f.ledger_item_ms = ms(lambda: stock_ledger(frappe._dict(filters, item_code=[item])), max(1, runs // 2))
	f.ledger_rows = len(ledger)
	ledger_notes = [r.get("voucher_no") for r in ledger if r.get("voucher_type") == "Delivery Note"]
	f.ledger_deliveries = len(ledger_notes)
	f.ledger_customers = {f.customer_of[n] for n in ledger_notes if n in f.customer_of}

	if traceability:
		trace_filters = frappe._dict(item_code=item, batches=[lot])
		for direction in ("Both", "Forward"):
			seconds, (_columns, rows) = timed(
				lambda direction=direction: traceability(
					frappe._dict(trace_filters, traceability_direction=direction)
				),
				max(1, runs // 2),
			)
			key = direction.lower()
			f[f"trace_{key}_ms"] = seconds * 1000
			f[f"trace_{key}_rows"] = len([r for r in rows if r])  # without its blank separator rows
			f[f"trace_{key}_customer_rows"] = len([r for r in rows if r.get("customer")])
			f[f"trace_{key}_customers"] = {r["customer"] for r in rows if r.get("customer")}
	return f


def delivered(lot: str) -> dict:
	"""What the ledger says of the lot's deliveries: how many, the customer of each Delivery Note,
	and the customers (the answer every report should give)."""
	bundles = frappe.get_all(
		"Serial and Batch Entry", filters={"batch_no": lot, "qty": ("<", 0)}, pluck="parent"
	)
	notes = frappe.get_all(
		"Serial and Batch Bundle",
		filters={"name": ("in", bundles or [""]), "voucher_type": "Delivery Note", "is_cancelled": 0},
		pluck="voucher_no",
	)
	customer_of = {
		n.name: n.customer
		for n in frappe.get_all(
			"Delivery Note", filters={"name": ("in", notes or [""])}, fields=["name", "customer"]
		)
	}
	return {"deliveries": len(notes), "customer_of": customer_of, "customers": set(customer_of.values())}


def print_figures(f: dict, traceability: bool):
	title = f"lot with {f.deliveries} deliveries"
	print(f"\n{title} ({f.lot}, to {len(f.customers)} customers):")
	print(f"  dux_trace recall list (customers_of):   {f.recall_ms:8.1f} ms")
	print(f"  dux_trace Lot Trace report (full tree): {f.report_ms:8.1f} ms")
	print(
		f"  ERPNext Stock Ledger report, same lot:  {f.ledger_ms:8.1f} ms (lot filter; "
		f"{f.ledger_item_ms:.1f} ms with the item too)"
	)
	print(
		f"  ratio Stock Ledger / Lot Trace: {f.ledger_ms / f.report_ms:.1f}x; / recall list: "
		f"{f.ledger_ms / f.recall_ms:.1f}x"
	)
	if traceability:
		print(
			f"  ERPNext Serial No and Batch Traceability, same lot: {f.trace_both_ms:8.1f} ms (Both); "
			f"{f.trace_forward_ms:.1f} ms (Forward)"
		)
		print(
			f"  ratio Traceability (Both) / Lot Trace: {f.trace_both_ms / f.report_ms:.1f}x; "
			f"Traceability (Forward) / Lot Trace: {f.trace_forward_ms / f.report_ms:.1f}x, / recall list: "
			f"{f.trace_forward_ms / f.recall_ms:.1f}x"
		)
	print(f"  rows returned ({title}; the ledger says {len(f.customers)} customers):")
	print(f"    customers_of:          {len(f.recall_customers):6} customers{found(f, f.recall_customers)}")
	print(
		f"    Lot Trace:             {f.report_rows:6} rows, {len(f.report_customers)} customer rows"
		f"{found(f, f.report_customers)}"
	)
	print(
		f"    Stock Ledger report:   {f.ledger_rows:6} rows ({f.ledger_deliveries} deliveries, without the "
		f"customer: their Delivery Notes are those of {len(f.ledger_customers)} customers)"
	)
	if traceability:
		for direction in ("Both", "Forward"):
			key = direction.lower()
			print(
				f"    Traceability {direction + ':':8} {f[f'trace_{key}_rows']:6} rows, "
				f"{f[f'trace_{key}_customer_rows']} with a customer{found(f, f[f'trace_{key}_customers'])}"
			)


def found(f: dict, customers: set) -> str:
	"""Whether `customers` are the lot's customers, as the ledger says."""
	if customers == f.customers:
		return f" (all {len(customers)} customers)"
	return f" (NOT the lot's customers: {len(f.customers - customers)} missing, {len(customers - f.customers)} others)"


def print_growth(narrow: dict, wide: dict, traceability: bool):
	"""How each figure grows from the lot with a few deliveries to the wide lot."""
	print(
		f"\nfrom the lot with {narrow.deliveries} deliveries to the lot with {wide.deliveries} deliveries "
		"(time of the wide lot / time of the other):"
	)
	names = {
		"recall_ms": "dux_trace recall list",
		"report_ms": "dux_trace Lot Trace",
		"ledger_ms": "ERPNext Stock Ledger",
	}
	if traceability:
		names.update(
			trace_both_ms="ERPNext Traceability (Both)", trace_forward_ms="ERPNext Traceability (Forward)"
		)
	for key, name in names.items():
		print(
			f"  {name + ':':32} {narrow[key]:8.1f} ms -> {wide[key]:8.1f} ms: {wide[key] / narrow[key]:.1f}x"
		)


def traceability_report():
	"""ERPNext's Serial No and Batch Traceability report (version-16), or None."""
	try:
		from erpnext.stock.report.serial_no_and_batch_traceability.serial_no_and_batch_traceability import (
			execute,
		)
	except ImportError:
		return None
	return execute


if __name__ == "__main__":
	sys.exit(main())
