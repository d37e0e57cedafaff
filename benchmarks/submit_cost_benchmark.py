"""What dux_trace adds to the cost of a sale: insert + submit, with the app and without, same data,
same run, interleaved.

    cd ~/frappe-bench/sites
    ../env/bin/python ../apps/dux_trace/benchmarks/submit_cost_benchmark.py APP_SITE PLAIN_SITE [--runs 30]

APP_SITE has ERPNext and dux_trace, PLAIN_SITE ERPNext alone (both throwaway: the script adds a
company, items and stock). Two worker processes, one per site, each with its own connection, take
turns document by document so that load on the machine falls on both alike. Measured per document:
- a Delivery Note of a lot item (with expiry) without a lot: dux_trace fills it by FEFO; plain
  ERPNext by its own FIFO auto-pick;
- a Sales Invoice with update stock of a serialized item, the serial given.
It prints the median wall time (ms), the SQL statements MariaDB counted for the session
(`Questions`), and the ratios app / plain. Then, outside the timed runs, one more document of each
kind on the app site with every SQL statement traced to the dux_trace function it came from (the
outermost dux_trace frame on the stack: the hook; and the innermost: the function that asked):
where the app's extra statements are, and (cProfile, so slower than the timed runs) the time spent under
each dux_trace function.
"""

import argparse
import cProfile
import json
import os
import pstats
import statistics
import subprocess
import sys
import time

COMPANY = "Dux Bench Maroc"
ABBR = "DBM"
LOT_ITEM = "_BENCH Yaourt 125 g"
SERIAL_ITEM = "_BENCH Smartphone"
PRICE_LIST = "Bench Selling MAD"


def worker(site: str):
	"""Reads commands (one JSON per line) and answers timings."""
	import frappe

	frappe.init(site=site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	prepare()
	print(json.dumps({"ready": True}), flush=True)
	for line in sys.stdin:
		command = json.loads(line)
		if command["op"] == "stop":
			break
		if command.get("profile"):
			print(json.dumps(profile(command["op"], command["n"])), flush=True)
		else:
			print(json.dumps(measure(command["op"], command["n"])), flush=True)
	frappe.destroy()


def questions() -> int:
	import frappe

	return int(frappe.db.sql("SHOW SESSION STATUS LIKE 'Questions'")[0][1])


def prepare():
	import frappe
	from frappe.utils import add_days, nowdate

	if frappe.get_meta("Stock Settings").has_field("enable_serial_and_batch_no_for_item"):
		# version-16 sites start with it off: both sites need it on to sell lots and serials
		frappe.db.set_single_value("Stock Settings", "enable_serial_and_batch_no_for_item", 1)
	# a new site whose setup wizard was not run lacks what a company and items need: ERPNext's
	# fixtures (item groups, UOMs, warehouse types...), as the wizard installs them
	if not frappe.db.exists("Item Group", "All Item Groups"):
		from erpnext.setup.setup_wizard.operations.install_fixtures import install

		install(country="Morocco")
	year = nowdate()[:4]
	if not frappe.db.get_value(
		"Fiscal Year", {"year_start_date": ("<=", nowdate()), "year_end_date": (">=", nowdate())}
	):
		frappe.get_doc(
			{
				"doctype": "Fiscal Year",
				"year": year,
				"year_start_date": f"{year}-01-01",
				"year_end_date": f"{year}-12-31",
			}
		).insert()
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
	for name, fields in (
		(
			LOT_ITEM,
			{"has_batch_no": 1, "create_new_batch": 0, "has_expiry_date": 1, "shelf_life_in_days": 30},
		),
		(SERIAL_ITEM, {"has_serial_no": 1}),
	):
		if not frappe.db.exists("Item", name):
			frappe.get_doc(
				{
					"doctype": "Item",
					"item_code": name,
					"item_group": "All Item Groups",
					"stock_uom": "Nos",
					"is_stock_item": 1,
					**fields,
				}
			).insert()
	if not frappe.db.exists("Price List", PRICE_LIST):
		frappe.get_doc(
			{"doctype": "Price List", "price_list_name": PRICE_LIST, "currency": "MAD", "selling": 1}
		).insert()
	if not frappe.db.exists("Customer", "Bench Client"):
		frappe.get_doc(
			{
				"doctype": "Customer",
				"customer_name": "Bench Client",
				"customer_group": "All Customer Groups",
				"territory": "All Territories",
			}
		).insert()
	warehouse = f"Stores - {ABBR}"
	if not frappe.db.get_value("Stock Ledger Entry", {"item_code": LOT_ITEM, "is_cancelled": 0}):
		from erpnext.stock.doctype.stock_entry.stock_entry_utils import make_stock_entry

		for index in range(3):
			lot = f"BENCH-LOT-{index}"
			if not frappe.db.exists("Batch", lot):
				frappe.get_doc(
					{
						"doctype": "Batch",
						"batch_id": lot,
						"item": LOT_ITEM,
						"expiry_date": add_days(nowdate(), 20 + index * 5),
					}
				).insert()
			make_stock_entry(
				item_code=LOT_ITEM,
				qty=100000,
				to_warehouse=warehouse,
				rate=3,
				company=COMPANY,
				batch_no=lot,
				use_serial_batch_fields=1,
			)
		serials = "\n".join(f"BENCH-SN-{i:06d}" for i in range(300))
		make_stock_entry(
			item_code=SERIAL_ITEM,
			qty=300,
			to_warehouse=warehouse,
			rate=900,
			company=COMPANY,
			serial_no=serials,
			use_serial_batch_fields=1,
		)
	frappe.db.commit()


def profile(op: str, n: int) -> dict:
	"""One document like `measure`, every statement sent through frappe.db.sql counted by the
	dux_trace functions on its stack."""
	import collections

	import frappe

	outer, inner = collections.Counter(), collections.Counter()
	total = [0]
	sql = frappe.db.sql

	def traced(*args, **kwargs):
		total[0] += 1
		frames = []
		frame = sys._getframe(1)
		while frame:
			module = frame.f_globals.get("__name__", "")
			if module.startswith("dux_trace"):
				frames.append(f"{module.removeprefix('dux_trace.')}.{frame.f_code.co_name}")
			frame = frame.f_back
		if frames:  # innermost first
			inner[frames[0]] += 1
			outer[frames[-1]] += 1
		return sql(*args, **kwargs)

	frappe.db.sql = traced
	profiler = cProfile.Profile()
	try:
		profiler.enable()
		result = measure(op, n)
	finally:
		profiler.disable()
		frappe.db.sql = sql
	return {
		"app_ms": app_time(profiler),
		**result,
		"python_sql": total[0],
		"app_sql": sum(outer.values()),
		"outer": outer.most_common(12),
		"inner": inner.most_common(12),
	}


def app_time(profiler) -> list:
	"""The time spent under each dux_trace function (cumulative, ms), longest first: the hooks, then
	what they call."""
	import dux_trace

	app_root = os.path.dirname(os.path.dirname(os.path.realpath(dux_trace.__file__)))
	stats = pstats.Stats(profiler).stats
	found = []
	for (file, _line, name), (_calls, _primitive, _total, cumulative, _callers) in stats.items():
		path = os.path.realpath(file)
		if path.startswith(app_root + os.sep) and os.sep + "benchmarks" + os.sep not in path:
			found.append((f"{os.path.relpath(path, app_root)}:{name}", cumulative * 1000))
	return sorted(found, key=lambda entry: -entry[1])[:15]


def measure(op: str, n: int) -> dict:
	import frappe
	from frappe.utils import nowdate

	warehouse = f"Stores - {ABBR}"
	base = {
		"company": COMPANY,
		"customer": "Bench Client",
		"currency": "MAD",
		"conversion_rate": 1,
		"selling_price_list": PRICE_LIST,
		"posting_date": nowdate(),
	}
	if op == "delivery_note":
		doc = frappe.get_doc(
			{
				"doctype": "Delivery Note",
				**base,
				"items": [{"item_code": LOT_ITEM, "qty": 3, "rate": 5, "warehouse": warehouse}],
			}
		)
	else:
		serial = frappe.db.get_value(
			"Serial No",
			{"item_code": SERIAL_ITEM, "warehouse": warehouse, "status": "Active"},
			"name",
			order_by="name",
		)
		doc = frappe.get_doc(
			{
				"doctype": "Sales Invoice",
				**base,
				"update_stock": 1,
				"due_date": nowdate(),
				"items": [
					{
						"item_code": SERIAL_ITEM,
						"qty": 1,
						"rate": 1200,
						"warehouse": warehouse,
						"serial_no": serial,
						"use_serial_batch_fields": 1,
					}
				],
			}
		)
	frappe.db.commit()
	before_q = questions()
	start = time.perf_counter()
	doc.insert()
	doc.submit()
	frappe.db.commit()
	elapsed = (time.perf_counter() - start) * 1000
	return {"ms": elapsed, "queries": questions() - before_q - 1}


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("app_site")
	parser.add_argument("plain_site")
	parser.add_argument("--runs", type=int, default=30)
	parser.add_argument("--worker")
	args = parser.parse_args()

	procs = {}
	for label, site in (("app", args.app_site), ("plain", args.plain_site)):
		procs[label] = subprocess.Popen(
			[sys.executable, os.path.abspath(__file__), "x", "y", "--worker", site],
			stdin=subprocess.PIPE,
			stdout=subprocess.PIPE,
			text=True,
		)
	for proc in procs.values():
		assert json.loads(proc.stdout.readline()).get("ready")

	def ask(label, op, n):
		proc = procs[label]
		proc.stdin.write(json.dumps({"op": op, "n": n}) + "\n")
		proc.stdin.flush()
		return json.loads(proc.stdout.readline())

	results = {(label, op): [] for label in procs for op in ("delivery_note", "sales_invoice")}
	for n in range(args.runs + 3):
		for op in ("delivery_note", "sales_invoice"):
			order = ("app", "plain") if n % 2 else ("plain", "app")
			for label in order:
				result = ask(label, op, n)
				if n >= 3:  # warm-up
					results[(label, op)].append(result)
	profiles = {}
	for op in ("delivery_note", "sales_invoice"):
		proc = procs["app"]
		proc.stdin.write(json.dumps({"op": op, "n": args.runs + 3, "profile": True}) + "\n")
		proc.stdin.flush()
		profiles[op] = json.loads(proc.stdout.readline())
	for proc in procs.values():
		proc.stdin.write(json.dumps({"op": "stop"}) + "\n")
		proc.stdin.flush()
		proc.wait()

	print(
		f"submit cost, {args.runs} documents each, interleaved (app site {args.app_site}, plain {args.plain_site})"
	)
	for op, label in (
		("delivery_note", "Delivery Note, lot item, no lot given"),
		("sales_invoice", "Sales Invoice update stock, 1 serial"),
	):
		app = statistics.median(r["ms"] for r in results[("app", op)])
		plain = statistics.median(r["ms"] for r in results[("plain", op)])
		app_q = statistics.median(r["queries"] for r in results[("app", op)])
		plain_q = statistics.median(r["queries"] for r in results[("plain", op)])
		print(
			f"{label}: app {app:.1f} ms / {app_q:.0f} SQL, plain ERPNext {plain:.1f} ms / {plain_q:.0f} SQL "
			f"-> ratio {app / plain:.2f}x, +{app_q - plain_q:.0f} SQL"
		)
	for op, found in profiles.items():
		print(
			f"{op}, one traced document on the app site: {found['python_sql']} statements through "
			f"frappe.db.sql, {found['app_sql']} with dux_trace on the stack"
		)
		print("  by hook (outermost dux_trace frame): " + "; ".join(f"{f} {c}" for f, c in found["outer"]))
		print("  by caller (innermost dux_trace frame): " + "; ".join(f"{f} {c}" for f, c in found["inner"]))
		print(
			f"  time under dux_trace functions (profiled, {found['ms']:.0f} ms in all): "
			+ "; ".join(f"{f} {t:.1f}" for f, t in found["app_ms"])
		)


if __name__ == "__main__":
	if "--worker" in sys.argv:
		worker(sys.argv[sys.argv.index("--worker") + 1])
	else:
		main()
