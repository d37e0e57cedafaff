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


BUNDLE = "Serial and Batch Bundle"
ENTRY = "Serial and Batch Entry"

# The order of a bundle row as the scripts build it: the posting as a date and a time, whatever the
# site's columns are; `flush_ledger` writes it to the site's columns (`bundle_fields`).
BUNDLE_ROW = [
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
	"flag",  # has_batch_no or has_serial_no
	"is_cancelled",
	"docstatus",
]
_POSTING = BUNDLE_ROW.index("posting_date")

# Columns that version-16 copies from the bundle onto each Serial and Batch Entry (absent on
# version-15): filled from the entry's bundle where the site has them.
ENTRY_FROM_BUNDLE = [
	"item_code",
	"voucher_type",
	"voucher_no",
	"voucher_detail_no",
	"type_of_transaction",
	"is_cancelled",
	"posting_datetime",
]


def bundle_posting_fields() -> list[str]:
	"""The bundle's posting columns on this site: posting_date + posting_time (version-15),
	posting_datetime (version-16), all three where a version-15 received the new column by
	backport."""
	from dux_trace.compat import bundle_has_posting_datetime, has_column

	fields = ["posting_date", "posting_time"] if has_column(BUNDLE, "posting_date") else []
	if bundle_has_posting_datetime():
		fields.append("posting_datetime")
	return fields


def bundle_fields(flag: str) -> list[str]:
	"""Serial and Batch Bundle columns written by `flush_ledger`, the site's posting columns in
	place of BUNDLE_ROW's date and time; `flag` is has_batch_no or has_serial_no."""
	fields = [flag if f == "flag" else f for f in BUNDLE_ROW]
	fields[_POSTING : _POSTING + 2] = bundle_posting_fields()
	return fields


def bundle_values(row: tuple, posting_fields: list[str]) -> tuple:
	"""A bundle row in BUNDLE_ROW order (then base's values) -> in `bundle_fields` order."""
	posted_on, posted_at = row[_POSTING], row[_POSTING + 1]
	values = {
		"posting_date": posted_on,
		"posting_time": posted_at,
		"posting_datetime": f"{posted_on} {posted_at or '00:00:00'}",
	}
	return (*row[:_POSTING], *(values[f] for f in posting_fields), *row[_POSTING + 2 :])


def entry_extra_fields() -> list[str]:
	from dux_trace.compat import has_column

	return [f for f in ENTRY_FROM_BUNDLE if has_column(ENTRY, f)]


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
	"""Insert and commit the waiting ledger rows (each tuple ends with base's values; bundles in
	BUNDLE_ROW order), then empty the lists. Written to the site's columns: the bundle's posting as
	date + time or as one datetime, and on version-16 the bundle's voucher, item, direction and
	posting copied onto its entries, as ERPNext does."""
	posting_fields = bundle_posting_fields()
	extra = entry_extra_fields()
	entry_rows = entries
	if extra:
		by_bundle = {}
		for row in bundles:
			bundle = dict(zip(BUNDLE_ROW, row[: len(BUNDLE_ROW)], strict=True))
			bundle["posting_datetime"] = f"{bundle['posting_date']} {bundle['posting_time'] or '00:00:00'}"
			by_bundle[bundle["name"]] = tuple(bundle[f] for f in extra)
		parent = entry_fields.index("parent")
		n = len(entry_fields)
		entry_rows = [(*e[:n], *by_bundle[e[parent]], *e[n:]) for e in entries]
	insert("Stock Ledger Entry", [*SLE_FIELDS, *base], sle)
	insert(
		"Serial and Batch Bundle",
		[*bundle_fields(flag), *base],
		[bundle_values(b, posting_fields) for b in bundles],
	)
	insert("Serial and Batch Entry", [*entry_fields, *extra, *base], entry_rows)
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


def test_setup():
	"""dux_trace's test set-up (ERPNext's test data, the Dux test company) once per site, in test
	mode as `bench run-tests` runs it (`frappe.in_test` on version-16, the flag on version-15), and
	without the password policy (on by default on version-16, where ERPNext's test users fail it)."""
	from dux_trace.tests.utils import COMPANY, before_tests

	if not frappe.db.exists("Company", COMPANY):
		# the site is a throwaway: its ERPNext test users' passwords need no policy
		frappe.db.set_single_value("System Settings", "enable_password_policy", 0)
		frappe.clear_cache()
		was = frappe.flags.in_test, getattr(frappe, "in_test", None)
		frappe.flags.in_test = True
		if hasattr(frappe, "in_test"):
			frappe.in_test = True
		try:
			before_tests()
		finally:
			frappe.flags.in_test = was[0]
			if hasattr(frappe, "in_test"):
				frappe.in_test = was[1]
		frappe.db.commit()
	accounting_dimension_fields()


def accounting_dimension_fields():
	"""The columns of ERPNext's accounting dimensions (the test data adds Branch, Department,
	Location): outside test mode ERPNext leaves them to a background job, which a bench without
	workers never runs, and every GL posting then fails on the missing column."""
	from erpnext.accounts.doctype.accounting_dimension.accounting_dimension import (
		make_dimension_in_accounting_doctypes,
	)

	for dimension in frappe.get_all("Accounting Dimension", pluck="name"):
		doc = frappe.get_doc("Accounting Dimension", dimension)
		if not frappe.db.has_column("GL Entry", doc.fieldname) or not frappe.db.has_column(
			"Budget", doc.fieldname
		):
			make_dimension_in_accounting_doctypes(doc=doc)
			frappe.db.commit()


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
