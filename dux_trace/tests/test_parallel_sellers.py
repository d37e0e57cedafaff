"""Eight sellers at once, each in their own process and database connection, submitting through
the desk's own request at the same moment, 20 times over (DUX_PARALLEL_ROUNDS):

a. eight sales (Delivery Notes, Sales Invoices and POS Invoices) of one serial: exactly one
   submits, seven are refused with a clear message. What decides is the row lock dux_trace takes
   on the Serial No rows at submit (`serial_states(..., for_update=True)` in stock.serial_rules):
   the second seller waits for the first to commit, then reads the serial as Delivered, or held
   by the submitted POS Invoice (a POS Invoice moves no stock until the POS closes: once the
   Serial No rows are locked, `stock.serials.sold_on_open_pos` reads the POS bundles with a lock,
   so that the waiting sale sees what its snapshot would not). Which seller sells with which
   doctype turns with each round, so that each kind wins some rounds.
b. eight deliveries of 3 units from a lot of 10: exactly three submit, the lot never goes below
   zero, the others are refused. What decides is ERPNext's own lock: its stock ledger posting locks
   the Bin row of the item and warehouse (`select ... for update`) before the batch's balance is
   read again, so the fourth seller sees 1 unit.
c. eight after-sales checks and eight Lot Trace reports while eight deliveries run: all answer.

d. a deadlock MariaDB has to break (made on purpose: another connection holds the lot's Bin and
   then asks for the Delivery Note the seller's submit holds) ends in a refusal in French that
   says nothing was saved (`stock.contention`, not Frappe's HTTP 500); the delivery is still a
   draft with no ledger row, and submitting it again works.

Every refused document is left a draft with no ledger row (nothing half-written). The
distributions (winners, refusals by kind, deadlocks, times) are printed.
"""

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import frappe
from frappe.utils import add_days, nowdate

from dux_trace.compat import TestCase
from dux_trace.tests.http import Site, ensure_password
from dux_trace.tests.test_concurrency import cancel_submitted
from dux_trace.tests.test_serials import sale, serial_item, stock_serials
from dux_trace.tests.utils import STORES, make_item, make_lot, make_outgoing, make_user, receive

SELLERS = 8
ROUNDS = int(os.environ.get("DUX_PARALLEL_ROUNDS") or 20)
# counter sellers who also work the till: ERPNext lets only a Sales Manager read the open POS
# Opening Entry a POS Invoice checks
ROLES = ["Sales User", "Stock User", "Accounts User", "Sales Manager"]
SALES = (
	"Delivery Note",
	"Sales Invoice",
	"POS Invoice",
)  # in round r, seller n sells with SALES[(n + r) % 3]


class Sellers:
	"""Eight worker processes, one per seller."""

	def __init__(self):
		self.users = []
		for n in range(1, SELLERS + 1):
			user = make_user(f"vendeur{n}@dux-trace.test", ROLES)
			frappe.db.set_value("User", user, "language", "fr")
			self.users.append(user)
		frappe.db.commit()
		for user in self.users:
			ensure_password(user)
		self.processes = [
			subprocess.Popen(
				[sys.executable, "-m", "dux_trace.tests.parallel_seller", frappe.local.site, user],
				stdin=subprocess.PIPE,
				stdout=subprocess.PIPE,
				stderr=subprocess.DEVNULL,
				text=True,
				cwd=os.getcwd(),
			)
			for user in self.users
		]
		for process in self.processes:
			self.expect(process, "ready")

	@staticmethod
	def expect(process, word: str):
		while True:
			line = process.stdout.readline()
			if not line:
				raise AssertionError(f"a seller process ended before saying {word}")
			if line.strip() == word:
				return

	def round(self, tasks: list[dict]) -> list[dict]:
		"""Send each seller its task, release them together, collect the answers."""
		go = os.path.join(tempfile.mkdtemp(), "go")
		for process, task in zip(self.processes, tasks, strict=True):
			process.stdin.write(json.dumps({**task, "go": go}) + "\n")
			process.stdin.flush()
		for process in self.processes:
			self.expect(process, "waiting")
		open(go, "w").close()
		answers = []
		for process in self.processes:
			while True:
				line = process.stdout.readline()
				if line.startswith("{"):
					answers.append(json.loads(line))
					break
				if not line:
					raise AssertionError("a seller process ended")
		return answers

	def close(self):
		for process in self.processes:
			process.stdin.close()
			process.wait(timeout=60)


def refusal(answer: dict) -> str:
	return "deadlock" if "Deadlock" in (answer["exc_type"] or "") else answer["exc_type"] or "?"


class TestEightSellersAtOnce(TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.sellers = Sellers()

	@classmethod
	def tearDownClass(cls):
		cls.sellers.close()
		super().tearDownClass()

	def assert_clean(self, answers, doctype_of):
		"""No 500, a message on every refusal, and every refused document still a draft with no
		ledger row (nothing half-written)."""
		frappe.db.rollback()
		for answer in answers:
			self.assertLess(answer["status"], 500, answer)
			if answer["status"] != 200:
				self.assertTrue(any(m.strip() for m in answer["messages"]), answer)
				doctype = doctype_of[answer["name"]]
				self.assertEqual(frappe.db.get_value(doctype, answer["name"], "docstatus"), 0, answer)
				self.assertFalse(
					frappe.db.exists("Stock Ledger Entry", {"voucher_no": answer["name"], "is_cancelled": 0})
				)

	def test_a_eight_sales_of_one_serial(self):
		item = serial_item()
		frappe.db.set_value("Item", item, "dux_scan_serial_at_sale", 0)
		winners, refusals, slowest = Counter(), Counter(), 0.0
		for round_ in range(ROUNDS):
			serial = stock_serials(item, 1)[0]
			docs = []
			for n in range(SELLERS):
				doctype = SALES[(n + round_) % len(SALES)]
				extra = {"update_stock": 1} if doctype == "Sales Invoice" else {}
				docs.append(
					(doctype, sale(doctype, item, [serial], **extra).insert(ignore_permissions=True).name)
				)
			frappe.db.commit()
			answers = self.sellers.round(
				[{"kind": "submit", "doctype": doctype, "name": name} for doctype, name in docs]
			)
			doctype_of = dict((name, doctype) for doctype, name in docs)
			won = [a for a in answers if a["status"] == 200]
			self.assertEqual(len(won), 1, answers)
			winners[doctype_of[won[0]["name"]]] += 1
			refusals.update(refusal(a) for a in answers if a["status"] != 200)
			slowest = max(slowest, *(a["seconds"] for a in answers))
			self.assert_clean(answers, doctype_of)
			if doctype_of[won[0]["name"]] != "POS Invoice":  # a POS Invoice delivers at closing
				self.assertEqual(frappe.db.get_value("Serial No", serial, "status"), "Delivered")
				self.assertEqual(
					frappe.db.count("Serial and Batch Entry", {"serial_no": serial, "docstatus": 1}), 2
				)  # received once, sold once
		print(
			f"\n8 sales of one serial x {ROUNDS}: one winner each time ({dict(winners)}),"
			f" refusals {dict(refusals)}, slowest answer {slowest:.2f} s"
		)

	def test_b_eight_deliveries_of_three_from_a_lot_of_ten(self):
		item = make_item("_DUX Lait Huit Vendeurs", "Lot", has_expiry_date=1, shelf_life_in_days=60).name
		refusals, slowest = Counter(), 0.0
		for n in range(ROUNDS):
			lot = make_lot(item, f"HUIT-{frappe.generate_hash(length=6)}", add_days(nowdate(), 30 + n))
			receive(item, 10, batch_no=lot, use_serial_batch_fields=1)
			names = [make_outgoing("Delivery Note", item, 3, batch_no=lot).name for _ in range(SELLERS)]
			frappe.db.commit()
			answers = self.sellers.round(
				[{"kind": "submit", "doctype": "Delivery Note", "name": name} for name in names]
			)
			self.assertEqual(len([a for a in answers if a["status"] == 200]), 3, answers)
			refusals.update(refusal(a) for a in answers if a["status"] != 200)
			slowest = max(slowest, *(a["seconds"] for a in answers))
			self.assert_clean(answers, dict.fromkeys(names, "Delivery Note"))
			from erpnext.stock.doctype.batch.batch import get_batch_qty

			self.assertEqual(get_batch_qty(lot, "Magasin - DTM"), 1)
		print(
			f"\n8 deliveries of 3 from a lot of 10 x {ROUNDS}: three winners each time,"
			f" refusals {dict(refusals)}, slowest answer {slowest:.2f} s"
		)

	def test_c_checks_and_recall_reports_answer_while_deliveries_run(self):
		item = make_item("_DUX Lait Huit Vendeurs", "Lot", has_expiry_date=1, shelf_life_in_days=60).name
		lot = make_lot(item, f"HUIT-{frappe.generate_hash(length=6)}", add_days(nowdate(), 40))
		receive(item, 30, batch_no=lot, use_serial_batch_fields=1)
		phone = serial_item()
		serials = stock_serials(phone, 8)
		names = [make_outgoing("Delivery Note", item, 3, batch_no=lot).name for _ in range(SELLERS)]
		frappe.db.commit()
		clerk = Site(self.sellers.users[0])
		from dux_trace.stock.throttle import forget

		forget(self.sellers.users[0])
		with ThreadPoolExecutor(max_workers=16) as pool:
			during = [
				pool.submit(clerk.post, "dux_trace.api.after_sales.check_serial", serial_no=serial)
				for serial in serials
			] + [
				pool.submit(
					clerk.post,
					"frappe.desk.query_report.run",
					report_name="Lot Trace",
					filters={"batch_no": lot},
				)
				for _ in range(SELLERS)
			]
			answers = self.sellers.round(
				[{"kind": "submit", "doctype": "Delivery Note", "name": name} for name in names]
			)
			side = [future.result() for future in during]
		self.assertEqual(Counter(a["status"] for a in answers), Counter({200: 8}))
		self.assertEqual(
			[a.status for a in side], [200] * 16, [a.text[:200] for a in side if a.status != 200]
		)
		print("\n8 checks and 8 Lot Trace reports during 8 deliveries: all answered")
		cancel_submitted("Delivery Note", names)


def other_connection():
	"""A second connection to the site's database, outside Frappe (another process's, in effect)."""
	import pymysql

	conf = frappe.conf
	return pymysql.connect(
		host=conf.db_host or "127.0.0.1",
		port=int(conf.db_port or 3306),
		user=conf.db_user or conf.db_name,
		password=conf.db_password,
		database=conf.db_name,
		autocommit=False,
	)


class TestADeadlockIsARefusalToRetry(TestCase):
	def test_d_a_deadlock_ends_in_a_french_refusal_and_the_delivery_stays_a_draft(self):
		seller = make_user("vendeur1@dux-trace.test", ROLES)
		frappe.db.set_value("User", seller, "language", "fr")
		item = make_item("_DUX Lait Huit Vendeurs", "Lot", has_expiry_date=1, shelf_life_in_days=60).name
		lot = make_lot(item, f"VERROU-{frappe.generate_hash(length=6)}", add_days(nowdate(), 50))
		receive(item, 10, batch_no=lot, use_serial_batch_fields=1)
		delivery = make_outgoing("Delivery Note", item, 3, batch_no=lot)
		frappe.db.commit()
		site = Site(seller)
		bin_name = frappe.db.get_value("Bin", {"item_code": item, "warehouse": STORES})

		other = other_connection()
		cursor = other.cursor()
		cursor.execute("SET SESSION innodb_lock_wait_timeout = 40")
		cursor.execute("START TRANSACTION")
		cursor.execute("UPDATE `tabBin` SET `modified` = NOW(6) WHERE `name` = %s", bin_name)
		# the heavier side of a deadlock is kept: this one changes many rows, so MariaDB breaks the
		# seller's submit (it has written nothing yet)
		cursor.execute("UPDATE `tabCurrency` SET `modified` = NOW(6)")
		answers, form = [], frappe.as_json(delivery.as_dict())  # (a thread has no site context)
		submit = threading.Thread(
			target=lambda: answers.append(
				site.post("frappe.desk.form.save.savedocs", doc=form, action="Submit")
			)
		)
		submit.start()
		waiting, deadline = 0, time.monotonic() + 30
		while not waiting and time.monotonic() < deadline:
			time.sleep(0.05)
			# the site's database user sees its own connections without the PROCESS privilege
			cursor.execute(
				"SELECT COUNT(*) FROM information_schema.PROCESSLIST"
				" WHERE ID != CONNECTION_ID() AND INFO LIKE '%%tabBin%%FOR UPDATE%%'"
			)
			waiting = cursor.fetchone()[0]
		self.assertTrue(waiting, "the submit never waited for the Bin")
		# the seller's submit holds the Delivery Note and waits for the Bin; asking for the
		# Delivery Note now closes the cycle
		cursor.execute("SELECT `name` FROM `tabDelivery Note` WHERE `name` = %s FOR UPDATE", delivery.name)
		other.rollback()
		other.close()
		submit.join(60)

		refused = answers[0]
		self.assertEqual(refused.status, 417, refused.text[:500])
		self.assertEqual(refused.exc_type, "StockContentionError")
		self.assertIn("rien n'a été enregistré", " ".join(refused.messages))
		frappe.db.rollback()
		self.assertEqual(frappe.db.get_value("Delivery Note", delivery.name, "docstatus"), 0)
		self.assertFalse(frappe.db.exists("Stock Ledger Entry", {"voucher_no": delivery.name}))

		# the seller submits again: it goes through
		again = site.post(
			"frappe.desk.form.save.savedocs",
			doc=frappe.as_json(frappe.get_doc("Delivery Note", delivery.name).as_dict()),
			action="Submit",
		)
		self.assertEqual(again.status, 200, again.text[:500])
		frappe.db.rollback()
		self.assertEqual(frappe.db.get_value("Delivery Note", delivery.name, "docstatus"), 1)
		print(
			"\na deadlock during a submit: refused in French, the delivery left a draft, submitted on retry"
		)
		cancel_submitted("Delivery Note", [delivery.name])


def processes(cursor):
	cursor.execute(
		"SELECT STATE, LEFT(INFO, 300) FROM information_schema.PROCESSLIST WHERE ID != CONNECTION_ID()"
	)
	return cursor.fetchall()


class TestAPosInvoiceThatWinsHoldsTheSerial(TestCase):
	def test_e_a_sale_waiting_behind_a_pos_invoice_is_refused(self):
		"""A POS Invoice moves no stock: the Serial No still says Active after it. A Sales Invoice
		whose submit waited for the serial's lock while the POS Invoice went through must still see
		it (its snapshot predates the POS Invoice): exactly one of the two sells the serial."""
		item = serial_item()
		frappe.db.set_value("Item", item, "dux_scan_serial_at_sale", 0)
		seller = make_user("vendeur1@dux-trace.test", ROLES)
		frappe.db.set_value("User", seller, "language", "fr")
		serial = stock_serials(item, 1)[0]
		pos = sale("POS Invoice", item, [serial]).insert(ignore_permissions=True)
		invoice = sale("Sales Invoice", item, [serial], update_stock=1).insert(ignore_permissions=True)
		frappe.db.commit()
		site = Site(seller)
		forms = {doc.name: frappe.as_json(doc.as_dict()) for doc in (pos, invoice)}

		other = other_connection()
		cursor = other.cursor()
		cursor.execute("START TRANSACTION")
		cursor.execute("SELECT `name` FROM `tabSerial No` WHERE `name` = %s FOR UPDATE", serial)
		answers = {}

		def submit(name):
			answers[name] = site.post("frappe.desk.form.save.savedocs", doc=forms[name], action="Submit")

		def waiting() -> int:
			cursor.execute(
				"SELECT COUNT(*) FROM information_schema.PROCESSLIST"
				" WHERE ID != CONNECTION_ID() AND INFO LIKE '%%FOR UPDATE%%'"
			)
			return cursor.fetchone()[0]

		threads = []
		# the POS Invoice queues first (for the serial, holding its Bin); the Sales Invoice behind
		# it (for the Bin)
		for name, queued in ((pos.name, 1), (invoice.name, 2)):
			thread = threading.Thread(target=submit, args=(name,))
			thread.start()
			threads.append(thread)
			deadline = time.monotonic() + 30
			while waiting() < queued and time.monotonic() < deadline:
				time.sleep(0.05)
			self.assertEqual(
				waiting(),
				queued,
				f"{name} never waited: {[a.text[:400] for a in answers.values()]} {processes(cursor)}",
			)
		other.rollback()  # the lock is released: they go one after the other
		other.close()
		for thread in threads:
			thread.join(60)

		won = [name for name, answer in answers.items() if answer.status == 200]
		self.assertEqual(len(won), 1, {name: a.text[:300] for name, a in answers.items()})
		lost = invoice.name if won == [pos.name] else pos.name
		self.assertEqual(answers[lost].exc_type, "SerialAlreadySoldError", answers[lost].text[:300])
		if won == [pos.name]:
			self.assertIn("vient d'être vendu sur la facture PDV", " ".join(answers[lost].messages))
		frappe.db.rollback()
		self.assertEqual(
			frappe.db.get_value(
				invoice.doctype if lost == invoice.name else "POS Invoice", lost, "docstatus"
			),
			0,
		)
		print(f"\na POS Invoice and a Sales Invoice queued on one serial: {won[0]} sold it, {lost} refused")
