"""Shared by the benchmark scripts: bulk inserts of ledger rows as ERPNext writes them, and timing.

Imported as a sibling module (`python benchmarks/x_benchmark.py` puts this folder on sys.path)."""

import statistics
import time
from contextlib import contextmanager

import frappe

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
	"company",
	"serial_and_batch_bundle",
	"is_cancelled",
	"docstatus",
	"valuation_rate",
]


def bundle_fields(flag: str) -> list[str]:
	"""Serial and Batch Bundle columns; `flag` is has_batch_no or has_serial_no."""
	return [
		"name",
		"item_code",
		"warehouse",
		"voucher_type",
		"voucher_no",
		"voucher_detail_no",
		"type_of_transaction",
		"posting_date",
		"posting_time",
		"company",
		"total_qty",
		flag,
		"is_cancelled",
		"docstatus",
	]


def insert_customers(names: list[str], base: dict, customer_type: str = "Company"):
	insert(
		"Customer",
		["name", "customer_name", "customer_group", "territory", "customer_type", *base],
		[(c, c, "All Customer Groups", "All Territories", customer_type, *base.values()) for c in names],
	)


def insert_delivery_notes(notes: list[tuple], base: dict):
	"""Submitted Delivery Note headers: (name, customer, company, posting_date), in MAD."""
	insert(
		"Delivery Note",
		[
			"name",
			"customer",
			"customer_name",
			"company",
			"posting_date",
			"docstatus",
			"currency",
			"conversion_rate",
			"selling_price_list",
			"price_list_currency",
			"plc_conversion_rate",
			*base,
		],
		[
			(
				name,
				customer,
				customer,
				company,
				posted,
				1,
				"MAD",
				1,
				"Standard Selling",
				"MAD",
				1,
				*base.values(),
			)
			for name, customer, company, posted in notes
		],
	)


def insert(doctype: str, fields: list[str], values: list):
	if values:
		frappe.db.bulk_insert(doctype, fields, values, ignore_duplicates=True)


def flush_ledger(base: dict, sle: list, bundles: list, entries: list, *, flag: str, entry_fields: list[str]):
	"""Insert and commit the waiting ledger rows (each tuple ends with base's values), then empty
	the lists."""
	insert("Stock Ledger Entry", [*SLE_FIELDS, *base], sle)
	insert("Serial and Batch Bundle", [*bundle_fields(flag), *base], bundles)
	insert("Serial and Batch Entry", [*entry_fields, *base], entries)
	frappe.db.commit()
	for rows in (sle, bundles, entries):
		rows.clear()


def timed(fn, runs: int) -> tuple[float, object]:
	"""(median seconds over `runs` warm runs, the last result)."""
	result = fn()  # warm: caches, query plans
	samples = []
	for _ in range(runs):
		start = time.perf_counter()
		result = fn()
		samples.append(time.perf_counter() - start)
	return statistics.median(samples), result


def ms(fn, runs: int) -> float:
	"""Median milliseconds over `runs` warm runs."""
	return timed(fn, runs)[0] * 1000


@contextmanager
def site_connection(site: str):
	"""Connected to SITE as Administrator (run from the bench's sites folder)."""
	frappe.init(site=site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	try:
		yield
	finally:
		frappe.destroy()
