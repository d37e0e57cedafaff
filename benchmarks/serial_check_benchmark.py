"""After-sales check speed with a million serials: dux_trace's verdict against ERPNext's Serial No
Ledger report for the same serial, same data.

    cd ~/frappe-bench/sites
    ../env/bin/python ../apps/dux_trace/benchmarks/serial_check_benchmark.py SITE [--serials 1000000]

Fills SITE (a throwaway site with ERPNext and dux_trace) once with SERIALS serial numbers of one
phone, received in bundles of 1,000 (one Stock Entry each) and 30 % of them sold two per Delivery
Note to 1,000 customers — Serial No, Serial and Batch Bundle, Serial and Batch Entry and Stock
Ledger Entry rows as ERPNext writes them, by bulk inserts (no controllers) — then times, warm,
median of runs, for a sold serial and an unknown one:

- dux_trace: the verdict (`api.after_sales.verdict_for`: Serial No by primary key, then the
  serial's bundles through the `serial_no` index of Serial and Batch Entry) and the whole
  `check_serial` call (verdict + the After-Sales Check record, rolled back);
- ERPNext: the Serial No Ledger report filtered by item and serial (what ERPNext offers to answer
  "what happened to this serial").

Prints the times, the ratio and the query plan of the serial look-up. Nothing is asserted.
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

PREFIX = "BSER"
CUSTOMERS = 1000
PER_RECEIPT = 1000
SOLD_SHARE = 0.3


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("site")
	parser.add_argument("--serials", type=int, default=1_000_000)
	parser.add_argument("--runs", type=int, default=9)
	args = parser.parse_args()

	with site_connection(args.site):
		item, sold = generate(args.serials)
		measure(item, sold, args.runs)


def serial_name(i: int) -> str:
	return f"35{i:013d}"


def generate(serials: int) -> tuple[str, str]:
	from dux_trace.tests.utils import COMPANY, STORES, make_item

	test_setup()
	item = make_item(f"{PREFIX} iPhone 15", "Serial", dux_warranty_months=12).name
	frappe.db.commit()
	sold_count = int(serials * SOLD_SHARE)
	sold = serial_name(sold_count // 2)
	have = frappe.db.count("Serial No", {"item_code": item})
	if have >= serials:
		print(f"data already there: {have:,} serials")
		return item, sold

	start = time.perf_counter()
	now = frappe.utils.now()
	base = {"creation": now, "modified": now, "owner": "Administrator", "modified_by": "Administrator"}
	today = getdate(nowdate())
	received = add_days(today, -90)
	random.seed(15)

	customers = [f"{PREFIX} Client {i:04d}" for i in range(CUSTOMERS)]
	insert_customers(customers, base, customer_type="Individual")

	batch = Batch(base)
	for receipt in range(0, serials, PER_RECEIPT):
		voucher = f"{PREFIX}-SE-{receipt // PER_RECEIPT:05d}"
		names = [serial_name(i) for i in range(receipt, min(receipt + PER_RECEIPT, serials))]
		batch.movement(item, STORES, COMPANY, "Stock Entry", voucher, "Inward", received, names)
		batch.serials.extend(
			(
				name,
				name,
				item,
				COMPANY,
				None if i < sold_count else STORES,
				"Delivered" if i < sold_count else "Active",
				*base.values(),
			)
			for i, name in ((receipt + k, n) for k, n in enumerate(names))
		)
		batch.flush_if_big()

	notes = []
	for i in range(0, sold_count, 2):
		note = f"{PREFIX}-DN-{i // 2:07d}"
		customer = random.choice(customers)
		notes.append((note, customer, COMPANY, today))
		names = [serial_name(i), serial_name(i + 1)] if i + 1 < sold_count else [serial_name(i)]
		batch.movement(item, STORES, COMPANY, "Delivery Note", note, "Outward", add_days(today, -10), names)
		if len(notes) >= 20_000:
			insert_notes(notes, base)
		batch.flush_if_big()
	insert_notes(notes, base)
	batch.flush()
	frappe.db.commit()
	print(
		f"generated {serials:,} serials ({sold_count:,} sold on {sold_count // 2:,} delivery notes) "
		f"in {time.perf_counter() - start:.0f} s"
	)
	return item, sold


def insert_notes(notes: list, base: dict):
	insert_delivery_notes(notes, base)
	notes.clear()


class Batch:
	"""Rows waiting for a bulk insert."""

	def __init__(self, base: dict):
		self.base = base
		self.serials, self.sle, self.bundles, self.entries = [], [], [], []
		self.count = 0
		self.entry_count = 0

	def movement(self, item, warehouse, company, voucher_type, voucher_no, direction, posted, names):
		self.count += 1
		bundle = f"{PREFIX}-SABB-{self.count:08d}"
		sign = 1 if direction == "Inward" else -1
		values = self.base.values()
		self.sle.append(
			(
				f"{PREFIX}-SLE-{self.count:08d}",
				item,
				warehouse,
				posted,
				"10:00:00",
				f"{posted} 10:00:00",
				voucher_type,
				voucher_no,
				f"{PREFIX}-ROW-{self.count:08d}",
				sign * len(names),
				company,
				bundle,
				0,
				1,
				9000,
				*values,
			)
		)
		self.bundles.append(
			(
				bundle,
				item,
				warehouse,
				voucher_type,
				voucher_no,
				f"{PREFIX}-ROW-{self.count:08d}",
				direction,
				posted,
				"10:00:00",
				company,
				len(names),
				1,
				0,
				1,
				*values,
			)
		)
		for idx, name in enumerate(names, start=1):
			self.entry_count += 1
			self.entries.append(
				(
					f"{PREFIX}-SBE-{self.entry_count:08d}",
					bundle,
					"Serial and Batch Bundle",
					"entries",
					idx,
					name,
					sign,
					warehouse,
					9000,
					1,
					*values,
				)
			)

	def flush_if_big(self):
		if len(self.entries) >= 50_000:
			self.flush()

	def flush(self):
		base = list(self.base)
		insert(
			"Serial No",
			["name", "serial_no", "item_code", "company", "warehouse", "status", *base],
			self.serials,
		)
		self.serials.clear()
		flush_ledger(
			self.base,
			self.sle,
			self.bundles,
			self.entries,
			flag="has_serial_no",
			entry_fields=[
				"name",
				"parent",
				"parenttype",
				"parentfield",
				"idx",
				"serial_no",
				"qty",
				"warehouse",
				"incoming_rate",
				"docstatus",
			],
		)


def measure(item: str, sold: str, runs: int):
	from erpnext.stock.report.serial_no_ledger.serial_no_ledger import execute as serial_no_ledger
	from frappe.query_builder.functions import Count

	from dux_trace.api.after_sales import check_serial
	from dux_trace.stock.after_sales import verdict_for

	frappe.cache.delete_keys("dux_trace:after_sales_check:")
	customer = frappe.db.get_value(
		"Delivery Note",
		frappe.db.get_value("Serial and Batch Bundle", {"voucher_type": "Delivery Note"}, "voucher_no"),
		"customer",
	)
	result = verdict_for(sold)
	print(f"serial {sold}: {result.verdict.value}, sold to {result.sale.customer if result.sale else '-'}")

	verdict_ms = ms(lambda: verdict_for(sold, customer), runs)
	unknown_ms = ms(lambda: verdict_for("00000000000000X", customer), runs)

	def full_check():
		check_serial(sold, customer)
		frappe.db.rollback()

	frappe.local.request = None
	check_ms = ms(full_check, runs)
	filters = frappe._dict(item_code=item, serial_no=sold, posting_date=nowdate(), posting_time="23:59:59")
	ledger_ms = ms(lambda: serial_no_ledger(frappe._dict(filters)), max(1, runs // 3))

	entry = frappe.qb.DocType("Serial and Batch Entry")
	plan = frappe.db.sql(
		f"explain select parent from `tabSerial and Batch Entry` where serial_no = {frappe.db.escape(sold)}",
		as_dict=True,
	)
	print(
		f"serials on the site: {frappe.db.count('Serial No'):,}; serial entries: "
		f"{frappe.qb.from_(entry).select(Count('*')).run()[0][0]:,}; "
		f"stock ledger rows: {frappe.db.count('Stock Ledger Entry'):,}"
	)
	print(
		"look-up plan (Serial and Batch Entry by serial_no): "
		+ ", ".join(f"key={row.key} rows={row.rows}" for row in plan)
	)
	print(f"dux_trace verdict, sold serial:           {verdict_ms:8.1f} ms")
	print(f"dux_trace verdict, unknown serial:        {unknown_ms:8.1f} ms")
	print(f"dux_trace check_serial (verdict + record): {check_ms:7.1f} ms")
	print(f"ERPNext Serial No Ledger report, same serial: {ledger_ms:8.1f} ms")
	print(f"ratio Serial No Ledger / dux_trace check: {ledger_ms / check_ms:.1f}x")


if __name__ == "__main__":
	sys.exit(main())
