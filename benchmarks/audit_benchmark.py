"""Audit-ready lots, speed: the mass balance of a lot, the Lot Mass Balance report over 10,000 lots,
the traceability test of a lot with hundreds of deliveries to its printed dossier, and the EPCIS
export of a month's movements — on the recall benchmark's data.

    cd ~/frappe-bench/sites
    ../env/bin/python ../apps/dux_trace/benchmarks/audit_benchmark.py SITE [--lots 100000] [--rows 1000000] [--wide 500]
        [--only balance,report,dossier,epcis]

SITE is a throwaway site with ERPNext and dux_trace. It is filled once by the recall benchmark's
generator (`recall_benchmark.generate` and `generate_wide`: LOTS lots of one item, ROWS stock ledger
rows with their Serial and Batch Bundles and entries, and the lot BENCH-WIDE delivered in WIDE
Delivery Notes to WIDE customers), then made ready for the audit (`prepare`, once, idempotent):

- each lot's Batch.batch_qty set to what its ledger leaves (ERPNext keeps it at each submit; bulk
  inserts do not), so that the balances close as on a real site;
- the lots' creation spread over 100 days, LOTS / 100 a day (bulk inserts give them one moment), so
  that a period of the report's "Lots Created From / To" filter holds 10,000 lots at full size;
- a GTIN (EAN-13 barcode) on the item and GLNs on the company, the warehouse and the customers, which
  the EPCIS export requires (`core.epcis.problems`).

Then times, warm, median of runs:

- balance: `stock.mass_balance.balances([lot])` and the API `api.mass_balance.lot_balance` for a lot
  with a few deliveries and for BENCH-WIDE; beside them, on the same lot, ERPNext's Stock Ledger report
  filtered by the lot and (version-16) its "Serial No and Batch Traceability" report;
- report: Lot Mass Balance (`execute`) over the lots created in a period (10,000 at full size);
- dossier: a Dux Traceability Test of BENCH-WIDE, both ways: insert (which builds the trace), submit,
  the "Dux Traceability Dossier" print as HTML and as PDF (wkhtmltopdf, fed the site's assets by a
  local HTTP server, as the doctype's test does); insert + submit + PDF is the time to the dossier;
- epcis: the EPCIS export of a month of the company's movements, by the background job's function
  (`api.epcis.export_job`) called in this process — no worker runs beside a benchmark — with the time
  at which each progress step was published.

Prints the figures and ratios. Nothing is asserted: this measures.
"""

import argparse
import json
import statistics
import sys
import time

import frappe
import recall_benchmark as recall
from bulk import insert, ms, site_connection, timed
from frappe.utils import add_days, nowdate

PARTS = ("balance", "report", "dossier", "epcis")
DOSSIER = "Dux Traceability Dossier"
DAYS = 100  # the lots' creation is spread over this many days
SE_FIELDS = ["name", "purpose", "stock_entry_type", "company", "posting_date", "posting_time", "docstatus"]
GTIN_BODY = "611123499001"  # the bench item's EAN-13, without its check digit


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("site")
	parser.add_argument("--lots", type=int, default=100_000)
	parser.add_argument("--rows", type=int, default=1_000_000)
	parser.add_argument("--wide", type=int, default=500, help="deliveries (and customers) of the wide lot")
	parser.add_argument("--runs", type=int, default=7, help="runs of the per-lot figures")
	parser.add_argument("--report-lots", type=int, default=10_000, help="lots of the report's period")
	parser.add_argument("--slow-runs", type=int, default=3, help="runs of the report and the dossier")
	parser.add_argument("--only", default=",".join(PARTS), help="comma-separated: " + ", ".join(PARTS))
	args = parser.parse_args()
	parts = [p.strip() for p in args.only.split(",") if p.strip()]
	if unknown := set(parts) - set(PARTS):
		parser.error(f"unknown parts: {', '.join(sorted(unknown))}")

	with site_connection(args.site):
		item, company = recall.generate(args.lots, args.rows)
		recall.generate_wide(item, args.wide)
		prepare(item, company, args.lots)
		print(
			f"site: {frappe.db.count('Stock Ledger Entry'):,} stock ledger rows, {frappe.db.count('Batch'):,} lots; "
			f"ERPNext {erpnext_version()}"
		)
		lot = f"{recall.PREFIX}-L{args.lots // 2:06d}"
		if "balance" in parts:
			measure_balance(item, company, lot, args.runs, args.wide)
		if "report" in parts:
			measure_report(item, args.lots, args.report_lots, args.slow_runs)
		if "dossier" in parts and args.wide > 0:
			measure_dossier(args.slow_runs)
		if "epcis" in parts:
			measure_epcis(company)


def erpnext_version() -> str:
	import erpnext

	return erpnext.__version__


# ---- the data made audit-ready -----------------------------------------------------------------


def prepare(item: str, company: str, lots: int):
	from dux_trace.core.label_barcodes import gs1_check_digit_ok
	from dux_trace.tests.utils import STORES

	def gs1(body: str) -> str:
		return next(body + d for d in "0123456789" if gs1_check_digit_ok(body + d))

	start = time.perf_counter()
	# the Stock Entries the lots came in on (the recall data writes their ledger rows, not their
	# headers): Material Receipts, which the balance counts as received and EPCIS as receipts
	receipts = [f"{recall.PREFIX}-SE-{i:06d}" for i in range(lots)] + [f"{recall.PREFIX}-SE-WIDE"]
	if frappe.db.count("Stock Entry", {"name": ("like", f"{recall.PREFIX}-SE-%")}) < len(receipts):
		base = recall.row_base()
		received_on = add_days(nowdate(), -60)
		for chunk in range(0, len(receipts), 20_000):
			insert(
				"Stock Entry",
				[*SE_FIELDS, *base],
				[
					(
						name,
						"Material Receipt",
						"Material Receipt",
						company,
						received_on,
						"10:00:00",
						1,
						*base.values(),
					)
					for name in receipts[chunk : chunk + 20_000]
				],
			)
	# what each lot's ledger leaves, as ERPNext's submit keeps it on the Batch
	frappe.db.sql(
		"""update `tabBatch` b join (
			select e.batch_no, sum(e.qty) qty
			from `tabSerial and Batch Entry` e
			join `tabSerial and Batch Bundle` s on s.name = e.parent
			where e.batch_no like %(prefix)s and s.docstatus = 1 and s.is_cancelled = 0
			group by e.batch_no
		) l on l.batch_no = b.name
		set b.batch_qty = l.qty
		where b.batch_qty != l.qty""",
		{"prefix": f"{recall.PREFIX}-%"},
	)
	# lots created over DAYS days, lots / DAYS a day (lot 0 the oldest), at ten in the morning
	frappe.db.sql(
		"""update `tabBatch`
		set creation = timestamp(date_sub(%(today)s, interval (%(days)s - 1
			- floor(cast(substring(name, %(skip)s) as unsigned) * %(days)s / %(lots)s)) day), '10:00:00')
		where name like %(pattern)s""",
		{
			"today": nowdate(),
			"days": DAYS,
			"lots": lots,
			"skip": len(recall.PREFIX) + 3,
			"pattern": f"{recall.PREFIX}-L%",
		},
	)
	# the GS1 keys of the EPCIS export: the item's GTIN, GLNs of the company, warehouse and customers
	if not frappe.db.exists("Item Barcode", {"parent": item}):
		doc = frappe.get_doc("Item", item)
		doc.append("barcodes", {"barcode": gs1(GTIN_BODY), "barcode_type": "EAN"})
		doc.save()
	frappe.db.set_value("Company", company, "dux_gln", gs1("611123400000"), update_modified=False)
	frappe.db.set_value("Warehouse", STORES, "dux_gln", gs1("611123400010"), update_modified=False)
	customers = frappe.get_all(
		"Customer",
		filters={"name": ("like", f"{recall.PREFIX} Client %"), "dux_gln": ("is", "not set")},
		pluck="name",
	)
	for customer in customers:
		number = int(customer.rsplit(" ", 1)[1])
		frappe.db.set_value("Customer", customer, "dux_gln", gs1(f"6119{number:08d}"), update_modified=False)
	frappe.db.commit()
	print(f"audit-ready: lots' stock, creation dates and GS1 keys set in {time.perf_counter() - start:.1f} s")


# ---- one lot's mass balance, beside ERPNext's reports ------------------------------------------


def measure_balance(item: str, company: str, lot: str, runs: int, wide: int):
	from erpnext.stock.report.stock_ledger.stock_ledger import execute as stock_ledger

	from dux_trace.api.mass_balance import lot_balance
	from dux_trace.stock.mass_balance import balances

	traceability = recall.traceability_report()
	lots = [lot] + ([recall.WIDE] if wide > 0 else [])
	print("\nmass balance of one lot (ms, median of warm runs):")
	for batch_no in lots:
		moved = frappe.db.count("Serial and Batch Entry", {"batch_no": batch_no})
		seconds, balance = timed(lambda batch_no=batch_no: balances([batch_no])[batch_no], runs)
		balance_ms = seconds * 1000
		api_ms = ms(lambda batch_no=batch_no: lot_balance(batch_no), runs)
		filters = frappe._dict(
			company=company,
			from_date=add_days(nowdate(), -400),
			to_date=add_days(nowdate(), 30),
			batch_no=batch_no,
		)
		ledger_ms = ms(lambda filters=filters: stock_ledger(frappe._dict(filters)), max(1, runs // 2))
		deliveries = recall.delivered(batch_no)["deliveries"]
		print(f"  {batch_no} ({moved} ledger rows, {deliveries} deliveries):")
		print(
			f"    dux_trace balances([lot]):             {balance_ms:8.1f} ms "
			f"(received {balance.received:g}, left {balance.left:g}, on hand {balance.stock:g}, "
			f"difference {balance.difference:g})"
		)
		print(f"    dux_trace API lot_balance (Batch form): {api_ms:8.1f} ms")
		print(
			f"    ERPNext Stock Ledger report, same lot:  {ledger_ms:8.1f} ms "
			f"({ledger_ms / balance_ms:.1f}x the balance, {ledger_ms / api_ms:.1f}x the API)"
		)
		if traceability:
			for direction in ("Both", "Forward"):
				trace_ms = ms(
					lambda direction=direction, batch_no=batch_no: traceability(
						frappe._dict(item_code=item, batches=[batch_no], traceability_direction=direction)
					),
					max(1, runs // 2),
				)
				print(
					f"    ERPNext Serial No and Batch Traceability ({direction}): {trace_ms:8.1f} ms "
					f"({trace_ms / balance_ms:.1f}x the balance, {trace_ms / api_ms:.1f}x the API)"
				)
	if not traceability:
		print(
			f'  ERPNext {erpnext_version()} has no "Serial No and Batch Traceability" report (it comes '
			"with version-16): compared with its Stock Ledger report filtered by the lot"
		)


# ---- Lot Mass Balance over many lots -------------------------------------------------------------


def measure_report(item: str, lots: int, report_lots: int, runs: int):
	from dux_trace.dux_trace.report.lot_mass_balance.lot_mass_balance import execute

	per_day = max(lots // DAYS, 1)
	days = max(1, min(DAYS, -(-report_lots // per_day)))
	# the oldest `days` days of creation (BENCH-WIDE and the other records are created today)
	first = add_days(nowdate(), -(DAYS - 1))
	filters = frappe._dict(item_code=item, from_date=first, to_date=add_days(first, days - 1))
	seconds, (_columns, rows) = timed(lambda: execute(frappe._dict(filters)), runs)
	differences = sum(1 for r in rows if r["difference"])
	print(
		f"\nLot Mass Balance over the lots created {filters.from_date} to {filters.to_date}: "
		f"{len(rows):,} lots in {seconds:.2f} s (median of {runs} warm runs; "
		f"{seconds * 1000 / max(len(rows), 1):.2f} ms a lot; {differences} with a difference)"
	)


# ---- a traceability test to its printed dossier ------------------------------------------------


def measure_dossier(runs: int):
	from dux_trace.dux_trace.doctype.dux_traceability_test.test_dux_traceability_test import serving_assets
	from dux_trace.stock import traceability_test

	def build_only():
		doc = frappe.get_doc(
			{"doctype": "Dux Traceability Test", "batch_no": recall.WIDE, "direction": "Both Ways"}
		)
		traceability_test.build(doc)
		return doc

	build_s, built = timed(build_only, runs)
	samples = {"insert": [], "submit": [], "html": [], "pdf": []}
	with serving_assets():
		for run in range(runs + 1):  # the first one warms
			taken = {}
			start = time.perf_counter()
			doc = frappe.get_doc(
				{"doctype": "Dux Traceability Test", "batch_no": recall.WIDE, "direction": "Both Ways"}
			).insert()
			taken["insert"] = time.perf_counter() - start
			start = time.perf_counter()
			doc.submit()
			taken["submit"] = time.perf_counter() - start
			frappe.db.commit()
			start = time.perf_counter()
			html = frappe.get_print(doc.doctype, doc.name, DOSSIER)
			taken["html"] = time.perf_counter() - start
			start = time.perf_counter()
			pdf = frappe.get_print(doc.doctype, doc.name, DOSSIER, as_pdf=True)
			taken["pdf"] = time.perf_counter() - start
			if run:
				for key, value in taken.items():
					samples[key].append(value)
	median = {key: statistics.median(values) for key, values in samples.items()}
	total = median["insert"] + median["submit"] + median["pdf"]
	print(
		f"\ntraceability test of {recall.WIDE} (both ways: {len(built.lots)} lots, {len(built.customers)} "
		f"customers, {len(built.documents)} documents), median of {runs} runs:"
	)
	print(f"  build (trace.build alone, unsaved):   {build_s * 1000:8.1f} ms")
	print(f"  insert (builds the trace, saves):     {median['insert'] * 1000:8.1f} ms")
	print(f"  submit (sign-off):                    {median['submit'] * 1000:8.1f} ms")
	print(
		f"  dossier as HTML:                      {median['html'] * 1000:8.1f} ms ({len(html):,} characters)"
	)
	print(f"  dossier as PDF (wkhtmltopdf):         {median['pdf'] * 1000:8.1f} ms ({len(pdf):,} bytes)")
	print(f"  to the printed dossier (insert + submit + PDF): {total:.2f} s")


# ---- the EPCIS export of a month ---------------------------------------------------------------


def epcis_api():
	"""dux_trace.api.epcis; where it still imports `Visible` from the Lot Trace report, which moved
	to stock.trace, it is given it there (said in the output): the benchmark measures the export."""
	try:
		from dux_trace.api import epcis as api
	except ImportError as error:
		from dux_trace.dux_trace.report.lot_trace import lot_trace
		from dux_trace.stock.trace import Visible

		print(
			f"\nNOTE: dux_trace.api.epcis does not import ({error}); measured with lot_trace.Visible = trace.Visible"
		)
		lot_trace.Visible = Visible
		from dux_trace.api import epcis as api
	return api


def measure_epcis(company: str):
	api = epcis_api()

	# the month that holds the benchmark's movements (posted 60 days ago and after)
	from_date = add_days(nowdate(), -60)
	to_date = add_days(from_date, 29)
	scope = {"company": company, "from_date": str(from_date), "to_date": str(to_date)}
	background = api._in_background(api._check(None, None, company, from_date, to_date))

	steps = []
	publish = frappe.publish_progress

	def progress(percent, *args, **kwargs):
		steps.append((percent, time.perf_counter()))
		return publish(percent, *args, **kwargs)

	from frappe.core.api.file import get_max_file_size

	limit = get_max_file_size()
	# the month's file is larger than Frappe's default upload limit (25 MB), which File checks on
	# insert too: raised for this process only (the site's setting is left as it is), and said below
	frappe.local.conf.max_file_size = 8 * 1024**3
	frappe.publish_progress = progress
	try:
		start = time.perf_counter()
		name = api.export_job("EPCIS", scope, frappe.session.user)
		seconds = time.perf_counter() - start
	finally:
		frappe.publish_progress = publish
		frappe.local.conf.pop("max_file_size", None)
	frappe.db.commit()
	if not name:
		print(
			f"\nEPCIS export {from_date} to {to_date}: refused after {seconds:.1f} s (see the realtime message)"
		)
		return
	file = frappe.get_doc("File", name)
	content = file.get_content()
	events = len(json.loads(content)["epcisBody"]["eventList"])
	rows = frappe.db.count(
		"Stock Ledger Entry",
		{"company": company, "posting_date": ("between", [from_date, to_date]), "is_cancelled": 0},
	)
	print(
		f"\nEPCIS export of {company}, {from_date} to {to_date} ({rows:,} stock ledger rows): "
		f"{events:,} events in {seconds:.1f} s, {len(content) / 1024**2:.0f} MB JSON-LD"
	)
	if len(content) > limit:
		print(
			f"  the file is larger than the site's upload limit ({limit / 1024**2:.0f} MB): with it, the job's "
			"File insert raises MaxFileSizeReachedError (measured here with the limit raised for this process)"
		)
	print(
		f"  the API queues it ({'background job' if background else 'NOT in the background'}); no worker "
		"runs here: the job's function ran in this process"
	)
	last = start
	for percent, at in steps:
		print(f"  progress {percent:3}% at {at - start:6.1f} s (+{at - last:.1f} s)")
		last = at
	file.delete()  # the file is hundreds of MB at full size
	frappe.db.commit()


if __name__ == "__main__":
	sys.exit(main())
