"""Two counters deliver the last boxes of one lot at the same moment: exactly one succeeds and
the lot never goes negative. Relies on ERPNext's own stock locking; proven with two real
processes, each with its own database connection."""

import os
import subprocess
import sys
import tempfile
import time

import frappe
from frappe.utils import add_days, nowdate

from dux_trace.compat import TestCase
from dux_trace.tests.utils import STORES, make_item, make_lot, make_outgoing, receive


class TestConcurrentDeliveries(TestCase):
	def test_two_parallel_deliveries_of_a_small_lot_one_wins(self):
		suffix = frappe.generate_hash(length=6)
		item = make_item(f"_DUX Lait Concurrence {suffix}", "Lot", shelf_life_in_days=30).name
		lot = make_lot(item, f"_DUX-CONC-{suffix}", add_days(nowdate(), 20))
		receive(item, 5, batch_no=lot)
		notes = [make_outgoing("Delivery Note", item, 4, batch_no=lot).name for _ in range(2)]
		frappe.db.commit()  # the two processes must see the data

		try:
			outputs = submit_in_parallel("Delivery Note", notes)
			submitted = [line for line in outputs if line.startswith("submitted")]
			refused = [line for line in outputs if line.startswith("refused")]
			print("\n".join(outputs))
			self.assertEqual(len(submitted), 1, outputs)
			self.assertEqual(len(refused), 1, outputs)

			from erpnext.stock.doctype.batch.batch import get_batch_qty

			self.assertEqual(get_batch_qty(lot, STORES), 1)
			docstatus = sorted(frappe.db.get_value("Delivery Note", name, "docstatus") for name in notes)
			self.assertEqual(docstatus, [0, 1])
		finally:
			cancel_submitted("Delivery Note", notes)


def submit_in_parallel(doctype: str, names: list[str]) -> list[str]:
	"""Submit each document in its own process, all at the same moment; their output lines."""
	start_file = os.path.join(tempfile.mkdtemp(), "go")
	processes = [
		subprocess.Popen(
			[
				sys.executable,
				"-m",
				"dux_trace.tests.concurrent_submit",
				frappe.local.site,
				doctype,
				name,
				start_file,
			],
			stdout=subprocess.PIPE,
			stderr=subprocess.STDOUT,
			text=True,
			cwd=os.getcwd(),
		)
		for name in names
	]
	# both processes have loaded frappe and the document: start them together
	time.sleep(3)
	open(start_file, "w").close()
	outputs = []
	for process in processes:
		out, _ = process.communicate(timeout=120)
		outputs.extend(line for line in out.splitlines() if line.startswith(("submitted", "refused")))
	return outputs


def cancel_submitted(doctype: str, names: list[str]):
	frappe.db.rollback()
	for name in names:
		doc = frappe.get_doc(doctype, name)
		if doc.docstatus == 1:
			doc.cancel()
	frappe.db.commit()
