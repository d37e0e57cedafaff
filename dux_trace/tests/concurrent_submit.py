"""Helper process for test_concurrency: submit one document in its own process and connection.

    ../env/bin/python -m dux_trace.tests.concurrent_submit SITE DOCTYPE NAME START_FILE

Waits until START_FILE exists (so that two processes submit at the same moment), submits,
commits, and prints one line: `submitted NAME` or `refused NAME: <error>`.
"""

import os
import sys
import time

import frappe


def main(site: str, doctype: str, name: str, start_file: str):
	frappe.init(site=site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	doc = frappe.get_doc(doctype, name)
	deadline = time.monotonic() + 30
	while not os.path.exists(start_file) and time.monotonic() < deadline:
		time.sleep(0.005)
	try:
		doc.submit()
		frappe.db.commit()
		print(f"submitted {name}", flush=True)
	except Exception as error:
		frappe.db.rollback()
		print(f"refused {name}: {type(error).__name__}: {error}", flush=True)
	finally:
		frappe.destroy()


if __name__ == "__main__":
	main(*sys.argv[1:5])
