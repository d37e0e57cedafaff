"""Hostile scans over HTTP: every scan entry point, as the clerk who uses it, never answers 500,
never shows a traceback, says in French what it did not understand, and writes nothing but what a
valid scan records (an After-Sales Check per check answered).

The site runs as a shop's should, with System Settings' *Allow error traceback* off (Frappe's
default shows tracebacks to desk users). DUX_FUZZ_SCANS sets the scans per entry point (2,000 by
default: 10,000 over the five entry points).
"""

import os
import time

import frappe

from dux_trace.compat import TestCase
from dux_trace.tests.hostile import MEGABYTE_SCAN, hostile_scans
from dux_trace.tests.http import Site
from dux_trace.tests.test_permissions_http import Fixtures, users
from dux_trace.tests.utils import STORES

PER_ENTRY_POINT = int(os.environ.get("DUX_FUZZ_SCANS") or 2000)


def counts() -> dict[str, int]:
	frappe.db.commit()  # a new transaction: the requests' commits are seen
	return {doctype: frappe.db.count(doctype) for doctype in ("After-Sales Check", "Batch", "Serial No")}


class TestHostileScans(TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.fixtures = Fixtures()
		# the counter clerk: may check devices and fill sales, may not receive stock
		cls.clerk = users()["Sales User"]
		cls.site = Site(cls.clerk)
		cls.traceback_setting = frappe.db.get_single_value("System Settings", "allow_error_traceback")
		frappe.db.set_single_value("System Settings", "allow_error_traceback", 0)
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.db.set_single_value("System Settings", "allow_error_traceback", cls.traceback_setting)
		frappe.db.commit()
		super().tearDownClass()

	def entry_points(self):
		f = self.fixtures
		return {
			"after-sales check": lambda scan: ("dux_trace.api.after_sales.check_serial", {"serial_no": scan}),
			"scan dialog": lambda scan: (
				"dux_trace.api.serials.check_scan",
				{"doctype": "Delivery Note", "item_code": f.serial_item, "warehouse": STORES, "scan": scan},
			),
			"scan field": lambda scan: ("erpnext.stock.utils.scan_barcode", {"search_value": scan}),
			"POS search": lambda scan: (
				"erpnext.selling.page.point_of_sale.point_of_sale.search_for_serial_or_batch_or_barcode_number",
				{"search_value": scan},
			),
			"GS1 reader": lambda scan: ("dux_trace.api.scan.parse_scan", {"code": scan}),
		}

	def test_ten_thousand_hostile_scans(self):
		from dux_trace.api.after_sales import throttle_key

		report, total = [], 0
		for offset, (name, request) in enumerate(self.entry_points().items()):
			before = counts()
			answered, statuses, problems = 0, {}, []
			started = time.monotonic()
			for index, scan in enumerate(hostile_scans(PER_ENTRY_POINT, seed=20261202 + offset)):
				if name == "after-sales check":
					frappe.cache.delete(throttle_key(self.clerk))
				method, data = request(scan)
				answer = self.site.post(method, **data)
				statuses[answer.status] = statuses.get(answer.status, 0) + 1
				where = f"{name} #{index} {scan[:60]!r}"
				if answer.status >= 500 or answer.status in (401, 403):
					problems.append(f"{where}: {answer.status} {answer.text[:200]}")
				if "Traceback" in answer.text or "exc" in (answer.body or {}):
					problems.append(f"{where}: traceback in the answer")
				if answer.status == 200:
					answered += 1
					body = (answer.body or {}).get("message")
					if isinstance(body, dict) and body.get("ok") is False:
						self.assertTrue(body.get("message"), where)
				elif not answer.messages or not any(m.strip() for m in answer.messages):
					problems.append(f"{where}: refused with no message ({answer.status})")
				if len(problems) > 20:
					break
			after = counts()
			recorded = after["After-Sales Check"] - before["After-Sales Check"]
			expected = answered if name == "after-sales check" else 0
			if recorded != expected:
				problems.append(f"{name}: {recorded} checks recorded for {expected} answered")
			for doctype in ("Batch", "Serial No"):
				if after[doctype] != before[doctype]:
					problems.append(f"{name}: {after[doctype] - before[doctype]} {doctype} written")
			self.assertEqual(problems, [], "\n".join(problems))
			total += PER_ENTRY_POINT
			report.append(
				f"{name}: {PER_ENTRY_POINT} scans in {time.monotonic() - started:.1f} s, answers {statuses}"
			)
		print("\nhostile scans over HTTP: " + "; ".join(report) + f" — {total} in all")

	def test_a_megabyte_scan_is_refused_in_french_and_nothing_is_written(self):
		before = counts()
		for name, request in self.entry_points().items():
			method, data = request(MEGABYTE_SCAN)
			answer = self.site.post(method, **data)
			self.assertIn(answer.status, (200, 417), f"{name}: {answer.status} {answer.text[:200]}")
			said = " ".join(answer.messages) + str((answer.body or {}).get("message") or "")
			self.assertTrue(
				"aucun code-barres n'en contient autant" in said or "au plus 140 caractères" in said,
				f"{name}: {said[:300]}",
			)
		self.assertEqual(counts(), before)
