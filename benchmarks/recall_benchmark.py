"""Recall speed: Lot Trace (dux_trace) against ERPNext's Stock Ledger report, same lot, same data.

    cd ~/frappe-bench/sites
    ../env/bin/python ../apps/dux_trace/benchmarks/recall_benchmark.py SITE [--lots 100000] [--rows 1000000]

Fills SITE (a throwaway site with ERPNext and dux_trace) once with LOTS lots of one item and ROWS
stock ledger rows — each with its Serial and Batch Bundle and entry, as ERPNext writes them —
by bulk inserts (realistic rows, no controllers), then times, for one lot, warm, median of runs:

- dux_trace: the recall list (`trace.customers_of`) and the whole Lot Trace report;
- ERPNext: the Stock Ledger report filtered by that lot (company, whole period);
- ERPNext version-16 (where it exists): its "Serial No and Batch Traceability" report for that
  lot (item and lot given), direction Both (what Lot Trace shows: where the lot came from and where
  it went) and Forward (where it went: the recall).

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
)
from frappe.utils import add_days, getdate, nowdate

PREFIX = "BENCH"
CUSTOMERS = 1000
NOTES = 10_000


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("site")
	parser.add_argument("--lots", type=int, default=100_000)
	parser.add_argument("--rows", type=int, default=1_000_000)
	parser.add_argument("--runs", type=int, default=7)
	args = parser.parse_args()

	with site_connection(args.site):
		item, company = generate(args.lots, args.rows)
		measure(item, company, args.runs, args.lots)


def generate(lots: int, rows: int) -> tuple[str, str]:
	from dux_trace.tests.utils import COMPANY, STORES, make_item

	test_setup()  # ERPNext's setup (as for tests) and the Dux test company
	item = make_item(f"{PREFIX} Lait", "Lot", shelf_life_in_days=365).name
	frappe.db.commit()
	have = frappe.db.count("Serial and Batch Entry", {"batch_no": ("like", f"{PREFIX}-L%")})
	if have >= rows:
		print(f"data already there: {have:,} ledger rows")
		return item, COMPANY

	start = time.perf_counter()
	now = frappe.utils.now()
	base = {"creation": now, "modified": now, "owner": "Administrator", "modified_by": "Administrator"}
	today = getdate(nowdate())
	random.seed(452)

	customers = [f"{PREFIX} Client {i:04d}" for i in range(CUSTOMERS)]
	insert_customers(customers, base)
	notes = [f"{PREFIX}-DN-{i:06d}" for i in range(NOTES)]
	insert_delivery_notes([(n, random.choice(customers), COMPANY, today) for n in notes], base)
	lot_names = [f"{PREFIX}-L{i:06d}" for i in range(lots)]
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
				add_days(today, 30 + i % 300),
				add_days(today, -30),
				1,
				"Stock Entry",  # the lot came in on its Stock Entry, as ERPNext records it
				f"{PREFIX}-SE-{i:06d}",
				*base.values(),
			)
			for i, b in enumerate(lot_names)
		],
	)

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
			bundle = f"{PREFIX}-SABB-{count:08d}"
			posted = add_days(today, -60 + k)
			sle.append(
				(
					f"{PREFIX}-SLE-{count:08d}",
					item,
					STORES,
					posted,
					"10:00:00",
					f"{posted} 10:00:00",
					voucher_type,
					voucher_no,
					f"{PREFIX}-ROW-{count:08d}",
					qty,
					COMPANY,
					bundle,
					0,
					1,
					10,
					*base.values(),
				)
			)
			bundles.append(
				(
					bundle,
					item,
					STORES,
					voucher_type,
					voucher_no,
					f"{PREFIX}-ROW-{count:08d}",
					"Inward" if inward else "Outward",
					posted,
					"10:00:00",
					COMPANY,
					abs(qty),
					1,
					0,
					1,
					*base.values(),
				)
			)
			entries.append(
				(
					f"{PREFIX}-SBE-{count:08d}",
					bundle,
					"Serial and Batch Bundle",
					"entries",
					lot,
					qty,
					STORES,
					10,
					1,
					*base.values(),
				)
			)
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


def measure(item: str, company: str, runs: int, lots: int):
	from erpnext.stock.report.stock_ledger.stock_ledger import execute as stock_ledger

	from dux_trace.dux_trace.report.lot_trace.lot_trace import execute as lot_trace
	from dux_trace.stock.trace import customers_of

	lot = f"{PREFIX}-L{lots // 2:06d}"
	customers = customers_of([lot])
	print(f"lot {lot}: {len(customers)} customers, {sum(c.qty for c in customers):g} units delivered")

	recall_ms = ms(lambda: customers_of([lot]), runs)
	report_ms = ms(lambda: lot_trace({"batch_no": lot}), runs)
	filters = frappe._dict(
		company=company,
		from_date=add_days(nowdate(), -400),
		to_date=add_days(nowdate(), 30),
		batch_no=lot,
	)
	ledger_ms = ms(lambda: stock_ledger(frappe._dict(filters)), max(1, runs // 2))
	ledger_item_ms = ms(lambda: stock_ledger(frappe._dict(filters, item_code=[item])), max(1, runs // 2))

	traceability = traceability_report()
	if traceability:
		trace_filters = frappe._dict(item_code=item, batches=[lot])
		trace_both_ms = ms(
			lambda: traceability(frappe._dict(trace_filters, traceability_direction="Both")),
			max(1, runs // 2),
		)
		trace_forward_ms = ms(
			lambda: traceability(frappe._dict(trace_filters, traceability_direction="Forward")),
			max(1, runs // 2),
		)
		_columns, trace_rows = traceability(frappe._dict(trace_filters, traceability_direction="Both"))

	rows = frappe.db.count("Stock Ledger Entry")
	print(f"stock ledger rows on the site: {rows:,}; lots: {frappe.db.count('Batch'):,}")
	print(f"dux_trace recall list (customers_of):   {recall_ms:8.1f} ms")
	print(f"dux_trace Lot Trace report (full tree): {report_ms:8.1f} ms")
	print(
		f"ERPNext Stock Ledger report, same lot:  {ledger_ms:8.1f} ms (lot filter; {ledger_item_ms:.1f} ms with the item too)"
	)
	print(
		f"ratio Stock Ledger / Lot Trace: {ledger_ms / report_ms:.1f}x; / recall list: {ledger_ms / recall_ms:.1f}x"
	)
	if traceability:
		print(
			f"ERPNext Serial No and Batch Traceability, same lot: {trace_both_ms:8.1f} ms (Both, "
			f"{len(trace_rows)} rows); {trace_forward_ms:.1f} ms (Forward)"
		)
		print(
			f"ratio Traceability (Both) / Lot Trace: {trace_both_ms / report_ms:.1f}x; "
			f"Traceability (Forward) / Lot Trace: {trace_forward_ms / report_ms:.1f}x, / recall list: "
			f"{trace_forward_ms / recall_ms:.1f}x"
		)
	else:
		print("ERPNext Serial No and Batch Traceability: not in this ERPNext (version-16 report)")


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
