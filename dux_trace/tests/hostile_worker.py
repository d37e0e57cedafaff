"""One share of the hostile scans, in a process and a database connection of its own, for
test_hostile_http (two shares run at once: the machine's cores, not one Python interpreter, set
the pace).

    ../env/bin/python -m dux_trace.tests.hostile_worker SITE USER ENTRY_POINT SERIAL_ITEM SEED START COUNT

Signs in as USER over Frappe's WSGI application (tests.http), sends scans START .. START+COUNT of
the seeded generator to ENTRY_POINT and prints one JSON line: answers by status, how many were
answered, and the problems seen (HTTP 500, 401/403, a traceback, a refusal with no message, an
answer that says "not understood" with no words).
"""

import json
import sys

import frappe

from dux_trace.tests.utils import STORES


def requests(serial_item: str) -> dict:
	"""The scan entry points, as the desk and the POS call them: name -> scan -> (method, data)."""
	return {
		"after-sales check": lambda scan: ("dux_trace.api.after_sales.check_serial", {"serial_no": scan}),
		"scan dialog": lambda scan: (
			"dux_trace.api.serials.check_scan",
			{"doctype": "Delivery Note", "item_code": serial_item, "warehouse": STORES, "scan": scan},
		),
		"scan field": lambda scan: ("erpnext.stock.utils.scan_barcode", {"search_value": scan}),
		"POS search": lambda scan: (
			"erpnext.selling.page.point_of_sale.point_of_sale.search_for_serial_or_batch_or_barcode_number",
			{"search_value": scan},
		),
		"GS1 reader": lambda scan: ("dux_trace.api.scan.parse_scan", {"code": scan}),
	}


def send(site, user: str, name: str, request, scans) -> dict:
	"""Every scan through one entry point; what came back."""
	from dux_trace.stock.throttle import throttle_key

	answered, statuses, problems = 0, {}, []
	for index, scan in scans:
		# the limits per minute would answer most of them (test_throttles shows the limits)
		frappe.cache.delete(throttle_key(user, "check"), throttle_key(user, "lookup"))
		method, data = request(scan)
		answer = site.post(method, **data)
		statuses[answer.status] = statuses.get(answer.status, 0) + 1
		where = f"{name} #{index} {scan[:60]!r}"
		if answer.status >= 500 or answer.status in (401, 403):
			problems.append(f"{where}: {answer.status} {answer.text[:200]}")
		if "Traceback" in answer.text or "exc" in (answer.body or {}):
			problems.append(f"{where}: traceback in the answer")
		if answer.status == 200:
			answered += 1
			body = (answer.body or {}).get("message")
			if isinstance(body, dict) and body.get("ok") is False and not body.get("message"):
				problems.append(f"{where}: not understood, and no words said why")
		elif not answer.messages or not any(m.strip() for m in answer.messages):
			problems.append(f"{where}: refused with no message ({answer.status})")
		if len(problems) > 20:
			break
	return {"statuses": statuses, "answered": answered, "problems": problems}


def main(site_name, user, name, serial_item, seed, start, count):
	from dux_trace.tests.hostile import hostile_scans
	from dux_trace.tests.http import Site

	frappe.init(site=site_name, sites_path=".")
	frappe.connect()
	start, count = int(start), int(count)
	scans = list(enumerate(hostile_scans(start + count, seed=int(seed))))[start:]
	result = send(Site(user), user, name, requests(serial_item)[name], scans)
	print(json.dumps(result), flush=True)
	frappe.destroy()


if __name__ == "__main__":
	main(*sys.argv[1:8])
