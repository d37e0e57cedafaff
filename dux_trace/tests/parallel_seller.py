"""One seller, in a process and a database connection of their own, for test_parallel_sellers.

    ../env/bin/python -m dux_trace.tests.parallel_seller SITE USER

Signs in as USER over Frappe's WSGI application (as tests.http does), prints `ready`, then for each
task read on stdin (one JSON line: kind, doctype, name, serial_no, batch_no, go), prepares the
request, prints `waiting`, waits until the file `go` exists (so that every seller sends at the same
moment), sends it — a submit goes through `frappe.desk.form.save.savedocs`, what the desk's Submit
button calls — and prints one JSON line: status, exc_type, the messages, the seconds taken.
"""

import json
import os
import sys
import time

import frappe


def main(site: str, user: str):
	frappe.init(site=site, sites_path=".")
	frappe.connect()
	from dux_trace.tests.http import Site

	seller = Site(user)
	print("ready", flush=True)
	for line in sys.stdin:
		task = json.loads(line)
		frappe.db.rollback()  # a new transaction: see what the others committed
		if task["kind"] == "submit":
			doc = frappe.get_doc(task["doctype"], task["name"]).as_dict()
			method, data = "frappe.desk.form.save.savedocs", {"doc": frappe.as_json(doc), "action": "Submit"}
		elif task["kind"] == "check":
			method, data = "dux_trace.api.after_sales.check_serial", {"serial_no": task["serial_no"]}
		else:
			method = "frappe.desk.query_report.run"
			data = {"report_name": "Lot Trace", "filters": {"batch_no": task["batch_no"]}}
		print("waiting", flush=True)
		deadline = time.monotonic() + 60
		while not os.path.exists(task["go"]) and time.monotonic() < deadline:
			time.sleep(0.002)
		started = time.monotonic()
		answer = seller.post(method, **data)
		print(
			json.dumps(
				{
					"name": task.get("name"),
					"status": answer.status,
					"exc_type": answer.exc_type,
					"messages": answer.messages[:3],
					"seconds": round(time.monotonic() - started, 3),
				}
			),
			flush=True,
		)
	frappe.destroy()


if __name__ == "__main__":
	main(*sys.argv[1:3])
