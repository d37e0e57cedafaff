"""What differs between the Frappe / ERPNext majors dux_trace runs on (version-15 and version-16).

Every difference is answered here, once, by looking at what the running code has (a column, a
parameter, a function), never by comparing version numbers: a late version-15 that received a
version-16 change by backport (the Serial and Batch Bundle's `posting_datetime`, ERPNext PR
#56072) is then handled like version-16 without anything else to change.

- Serial and Batch Bundle: `posting_date` + `posting_time` (version-15 up to mid-2026) or one
  `posting_datetime` (version-16, later version-15) -> `bundle_posted_at`, `bundle_posted_on`,
  `bundle_posting_values`.
- `erpnext.stock.utils.scan_barcode(search_value, ctx=None)` and `_update_item_info(result, ctx)`
  (ERPNext 15.76+, 16): the desk's warehouse and company travel in `ctx` -> `scan_barcode`,
  `update_item_info`.
- POS Settings `invoice_type` (version-16): the Point of Sale makes POS Invoices or Sales Invoices
  with `is_pos` -> `use_pos_invoices`.
- Stock Settings `enable_serial_and_batch_no_for_item` (version-16, off on new sites): without it
  ERPNext refuses every Serial and Batch Bundle -> `serial_and_batch_enabled`.
- ERPNext's test data: `erpnext.setup.utils.before_tests` (version-15) or importing
  `erpnext.tests.utils` (version-16) -> `erpnext_before_tests`; `IntegrationTestCase` (version-16)
  or `FrappeTestCase` -> `TestCase`, `change_settings`.
- A doctype's row count cached by `frappe.db.count(..., cache=True)` (ERPNext asks it before
  looking for Pricing Rules): in Redis for a day (version-15) or in the connection's value cache
  (version-16) -> `forget_cached_count`.
- ERPNext's demo data: `setup_demo_data()` copies the site's first company (version-15),
  `setup_demo_data(company)` the one given (version-16) -> `make_demo_data`.
"""

import inspect

import frappe

BUNDLE = "Serial and Batch Bundle"

_columns: dict[tuple[str, str, str], bool] = {}


def has_column(doctype: str, column: str) -> bool:
	"""Whether the doctype's table has the column (kept per site and process: the schema changes
	only on migrate, which restarts the workers)."""
	key = (frappe.local.site, doctype, column)
	if key not in _columns:
		_columns[key] = frappe.db.has_column(doctype, column)
	return _columns[key]


def bundle_has_posting_datetime() -> bool:
	return has_column(BUNDLE, "posting_datetime")


def bundle_posted_at(bundle):
	"""Query-builder term: when the bundle (a `frappe.qb.DocType(BUNDLE)`) was posted, as a
	datetime."""
	from frappe.query_builder.functions import CombineDatetime

	if bundle_has_posting_datetime():
		return bundle.posting_datetime
	return CombineDatetime(bundle.posting_date, bundle.posting_time)


def bundle_posted_on(bundle):
	"""Query-builder term: the bundle's posting date."""
	from pypika.functions import Date

	if bundle_has_posting_datetime():
		return Date(bundle.posting_datetime)
	return bundle.posting_date


def bundle_posting_values(posting_date, posting_time) -> dict:
	"""The posting fields of a new bundle, for ERPNext's `SerialBatchCreation`."""
	from frappe.utils import get_datetime

	values = {"posting_date": posting_date, "posting_time": posting_time}
	if bundle_has_posting_datetime() and posting_date:
		values["posting_datetime"] = get_datetime(f"{posting_date} {posting_time or '00:00:00'}")
	return values


def _takes(function, parameter: str) -> bool:
	return parameter in inspect.signature(function).parameters


def scan_barcode(search_value: str, ctx=None):
	"""ERPNext's own `scan_barcode`, passing the desk's context where ERPNext takes one."""
	from erpnext.stock.utils import scan_barcode as erpnext_scan_barcode

	if _takes(erpnext_scan_barcode, "ctx"):
		return erpnext_scan_barcode(search_value, ctx)
	return erpnext_scan_barcode(search_value)


def update_item_info(scan_result: dict, ctx=None) -> dict:
	"""ERPNext's `_update_item_info` (has_batch_no, has_serial_no and the warehouse from ctx)."""
	from erpnext.stock.utils import _update_item_info

	if _takes(_update_item_info, "ctx"):
		return _update_item_info(scan_result, frappe._dict(frappe.parse_json(ctx)) if ctx else None)
	return _update_item_info(scan_result)


def use_pos_invoices():
	"""Make the Point of Sale create POS Invoices where POS Settings can choose (version-16 new sites
	default to Sales Invoices with `is_pos`)."""
	if frappe.get_meta("POS Settings").has_field("invoice_type"):
		frappe.db.set_single_value("POS Settings", "invoice_type", "POS Invoice")


def serial_and_batch_setting_exists() -> bool:
	return frappe.get_meta("Stock Settings").has_field("enable_serial_and_batch_no_for_item")


def serial_and_batch_enabled() -> bool:
	"""False only where ERPNext has the switch (version-16) and it is off."""
	if not serial_and_batch_setting_exists():
		return True
	return bool(frappe.db.get_single_value("Stock Settings", "enable_serial_and_batch_no_for_item"))


def enable_serial_and_batch():
	"""Turn on ERPNext's serial and batch numbers where they can be switched off (version-16)."""
	if serial_and_batch_setting_exists() and not serial_and_batch_enabled():
		frappe.db.set_single_value("Stock Settings", "enable_serial_and_batch_no_for_item", 1)
		frappe.db.set_default("enable_serial_and_batch_no_for_item", 1)


def erpnext_before_tests():
	"""ERPNext's own test preparation (test company, fiscal years, roles...)."""
	try:
		from erpnext.setup.utils import before_tests
	except ImportError:  # version-16: importing ERPNext's test utils bootstraps its test data
		import erpnext.tests.utils  # noqa: F401
		from erpnext.setup.utils import set_defaults_for_tests

		set_defaults_for_tests()
		mark_setup_complete()
	else:
		before_tests()


def forget_cached_count(doctype: str) -> None:
	"""After rows written without a document save (bulk inserts): Frappe's cached row count of the
	doctype must not still say 0, or ERPNext skips its Pricing Rules altogether."""
	frappe.cache.delete_value(f"doctype:count:{doctype}")
	if isinstance(getattr(frappe.db, "value_cache", None), dict):
		frappe.db.value_cache.pop(doctype, None)


def make_demo_data(company: str = "_Test Company") -> str:
	"""ERPNext's demo data (a "(Demo)" copy of a company, with its masters and a few purchases and
	sales) on a site that has ERPNext's test records; returns the demo company. Version-16 takes
	the company to copy (its demo documents are in INR, hence ERPNext's Indian test company) and
	logs a failure instead of raising it: a demo without documents is refused here."""
	from erpnext.setup.demo import setup_demo_data

	if inspect.signature(setup_demo_data).parameters:
		setup_demo_data(company)
	else:
		setup_demo_data()
	demo = frappe.db.get_single_value("Global Defaults", "demo_company")
	if not demo or not frappe.db.count("Sales Invoice", {"company": demo}):
		raise RuntimeError(f"ERPNext's demo data was not created (demo company: {demo!r})")
	return demo


def mark_setup_complete():
	"""Version-16 keeps "setup complete" per app (Installed Application); ERPNext's test data does
	not set it, and the desk then opens the setup wizard instead of the page asked for."""
	if frappe.db.has_column("Installed Application", "is_setup_complete"):
		for app in ("frappe", "erpnext"):
			frappe.db.set_value("Installed Application", {"app_name": app}, "is_setup_complete", 1)


class as_outside_tests:
	"""A block of a test where Frappe behaves as on a site (it saves versions, for one): Frappe
	reads whether it runs tests from `frappe.flags.in_test` (version-15) or `frappe.in_test`
	(version-16); both are turned off for the block and put back after."""

	def __enter__(self):
		self.flag = frappe.flags.in_test
		self.has_attribute = hasattr(frappe, "in_test")
		self.attribute = getattr(frappe, "in_test", None)
		frappe.flags.in_test = False
		if self.has_attribute:
			frappe.in_test = False

	def __exit__(self, *exc):
		frappe.flags.in_test = self.flag
		if self.has_attribute:
			frappe.in_test = self.attribute


def __getattr__(name: str):
	"""`TestCase` and `change_settings` for the integration tests (imported lazily: production
	code never loads Frappe's test classes)."""
	if name == "TestCase":
		try:
			from frappe.tests import IntegrationTestCase as TestCase
		except ImportError:
			from frappe.tests.utils import FrappeTestCase as TestCase
		return TestCase
	if name == "change_settings":
		try:
			from frappe.tests import change_settings
		except ImportError:
			from frappe.tests.utils import change_settings
		return change_settings
	raise AttributeError(name)
