"""No stored record readable by a role holds a secret.

The SMS gateway's key sits in SMS Settings (System Manager only); Frappe's SMS sender puts it in the
URL of each request, and a failed request's error quotes that URL. A recall notified through a
gateway that answers 500, and through one that refuses the connection, must leave the key nowhere
the shop's roles can read: not in the recall (every field of every row, as each role loads the
form, with its versions), not in any other record of the database they may open. The Error Log
(System Manager) has what went wrong, without the query string."""

import socket

import frappe
from frappe.utils import add_days, nowdate

from dux_trace.compat import TestCase
from dux_trace.tests.sms_gateway_stub import SmsGatewayStub
from dux_trace.tests.utils import (
	acting_as,
	make_customer,
	make_item,
	make_lot,
	make_outgoing,
	make_outgoing_email_account,
	receive,
	role_user,
)

SECRET = "SECRET-KEY-123"

#: who reads Product Recall (docs/permissions.md)
RECALL_READERS = ("Stock User", "Sales User", "Item Manager", "Sales Manager", "Stock Manager")

TEXT_TYPES = ("char", "varchar", "text", "tinytext", "mediumtext", "longtext", "json")


def records_holding(secret: str) -> list[tuple[str, str]]:
	"""(doctype, name) of every record whose stored text holds `secret`, in any table of the site:
	a child row, a version or a comment counts as the record it belongs to."""
	columns = frappe.db.sql(
		"""select table_name, column_name from information_schema.columns
		where table_schema = database() and data_type in %(types)s
		and (table_name like 'tab%%' or table_name = '__global_search')""",
		{"types": TEXT_TYPES},
	)
	by_table: dict[str, list[str]] = {}
	for table, column in columns:
		by_table.setdefault(table, []).append(column)
	found = set()
	for table, names in by_table.items():
		where = " or ".join(f"`{column}` like %(like)s" for column in names)
		for row in frappe.db.sql(
			f"select * from `{table}` where {where}", {"like": f"%{secret}%"}, as_dict=True
		):
			found.add(owner_of(table, row))
	return sorted(found)


def owner_of(table: str, row: dict) -> tuple[str, str]:
	if table == "__global_search":
		return row["doctype"], row["name"]
	if table == "tabSingles":
		return row["doctype"], row["doctype"]
	doctype = table[3:]
	if row.get("parenttype") and row.get("parent"):
		return row["parenttype"], row["parent"]
	if doctype == "Version":
		return row["ref_doctype"], row["docname"]
	if doctype in ("Comment", "Communication") and row.get("reference_doctype"):
		return row["reference_doctype"], row["reference_name"]
	return doctype, row["name"]


def use_gateway(url: str):
	settings = frappe.get_single("SMS Settings")
	settings.update(
		{"sms_gateway_url": url, "message_parameter": "text", "receiver_parameter": "to", "use_post": 0}
	)
	settings.set("parameters", [{"parameter": "api_key", "value": SECRET, "header": 0}])
	settings.save()


def closed_port() -> int:
	"""A local port nothing listens on (the connection is refused)."""
	with socket.socket() as probe:
		probe.bind(("127.0.0.1", 0))
		return probe.getsockname()[1]


class TestNoSecretInReadableRecords(TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		item = make_item("_DUX Sirop Toux", "Lot", shelf_life_in_days=365).name
		lot = make_lot(item, f"_DUX-SIR-{frappe.generate_hash(length=4).upper()}", add_days(nowdate(), 300))
		receive(item, 10, batch_no=lot)
		cls.customers = {
			make_customer("Pharmacie Hassan"): "+212633333333",
			make_customer("Pharmacie Maarif"): "+212644444444",
		}
		for customer, mobile in cls.customers.items():
			frappe.db.set_value(
				"Customer",
				customer,
				{"mobile_no": mobile, "email_id": f"{mobile[1:]}@example.com", "language": "fr"},
			)
			make_outgoing("Delivery Note", item, 1, batch_no=lot, customer=customer, submit=True)
		cls.recall = (
			frappe.get_doc(
				{
					"doctype": "Product Recall",
					"severity": "Critical",
					"reason": "Sirop contaminé",
					"items": [{"batch_no": lot}],
				}
			)
			.insert()
			.submit()
		)
		make_outgoing_email_account()

	def notify_as_stock_manager(self):
		"""The desk's flow: the Stock Manager who submits recalls asks, the job runs as him."""
		with acting_as("Stock Manager"):
			frappe.get_doc("Product Recall", self.recall.name).notify_customers(sms=1, email=0)

	def test_a_failing_or_unreachable_sms_gateway_leaves_its_key_in_no_readable_record(self):
		hassan, maarif = self.customers
		logged = {"reference_doctype": "Product Recall", "reference_name": self.recall.name}
		earlier = set(frappe.get_all("Error Log", filters=logged, pluck="name"))  # recall names recur
		with SmsGatewayStub() as gateway:
			use_gateway(gateway.url)
			gateway.failing = {self.customers[hassan], self.customers[maarif]}
			self.notify_as_stock_manager()  # the gateway answers 500
		use_gateway(f"http://127.0.0.1:{closed_port()}/send")
		self.notify_as_stock_manager()  # the connection is refused

		recall = frappe.get_doc("Product Recall", self.recall.name)
		failed = [n for n in recall.notifications if n.channel == "SMS"]
		self.assertEqual(len(failed), 4)
		self.assertEqual({n.status for n in failed}, {"Failed"})
		self.assertEqual(
			{n.error for n in failed},
			{"La passerelle SMS a refusé le message ou ne répond pas (détail dans le journal des erreurs)."},
		)

		for role in RECALL_READERS:
			with self.subTest(role=role), acting_as(role):
				# the form as the desk loads it (its rows, its versions in the timeline)
				from frappe.desk.form.load import getdoc

				frappe.response.docs = []
				getdoc("Product Recall", self.recall.name)
				loaded = frappe.as_json(
					{"docs": frappe.response.docs, "docinfo": frappe.response.get("docinfo")}
				)
				self.assertNotIn(SECRET, loaded)
				# and every field of every row, whatever its permission level
				doc = frappe.get_doc("Product Recall", self.recall.name)
				for row in [doc, *doc.get_all_children()]:
					for field, value in row.as_dict().items():
						self.assertNotIn(SECRET, str(value), f"{row.doctype}.{field}")

		# anywhere else in the database: only in records none of these roles may read
		users = {role: role_user(role) for role in RECALL_READERS}
		holders = records_holding(SECRET)
		self.assertIn(("SMS Settings", "SMS Settings"), holders)  # where it belongs
		for doctype, name in holders:
			for role, user in users.items():
				with self.subTest(record=(doctype, name), role=role):
					self.assertFalse(
						frappe.has_permission(doctype, "read", doc=name, user=user),
						f"{role} may read {doctype} {name}, which holds the gateway's key",
					)

		# the detail is in the Error Log, for the System Manager, without the query string
		logs = [
			log
			for log in frappe.get_all("Error Log", filters=logged, fields=["name", "error"])
			if log.name not in earlier
		]
		self.assertEqual(len(logs), 4)
		errors = "\n".join(log.error for log in logs)
		self.assertIn("500 Server Error", errors)
		self.assertIn("Connection refused", errors)
		self.assertIn("/send?…", errors)
		self.assertNotIn(SECRET, errors)

	def test_the_key_in_a_header_or_url_encoded_is_redacted_too(self):
		from dux_trace.stock.recall_notices import redact

		use_gateway("http://127.0.0.1:1/send")
		text = redact(
			"HTTPConnectionPool(host='127.0.0.1', port=1): Max retries exceeded with url: "
			f"/send?text=Rappel&api_key={SECRET}&to=%2B212 (Caused by …)\n"
			f"headers {{'Authorization': '{SECRET}'}}"
		)
		self.assertNotIn("api_key", text)
		self.assertNotIn(SECRET, text)
		self.assertIn("url: /send?…", text)

	def test_the_job_refuses_a_user_who_may_no_longer_submit_the_recall(self):
		from dux_trace.stock.recall_notices import send_notifications

		before = frappe.db.count("Product Recall Notification", {"parent": self.recall.name})
		with SmsGatewayStub() as gateway:
			use_gateway(gateway.url)
			# asked by a Stock Manager, the job runs after his role was taken away
			with acting_as("Item Manager"), self.assertRaises(frappe.PermissionError):
				send_notifications(self.recall.name, ["SMS"], "fr")
			self.assertEqual(gateway.received, [])
		self.assertEqual(frappe.db.count("Product Recall Notification", {"parent": self.recall.name}), before)


class TestRecordsReadableByRoles(TestCase):
	"""The generic search itself: it finds a secret in a child row, a version and a single."""

	def test_the_search_finds_the_record_a_row_belongs_to(self):
		marker = f"MARKER-{frappe.generate_hash(length=8)}"
		customer = make_customer("Client Marqueur")
		frappe.db.set_value("Customer", customer, "customer_details", marker)
		self.assertIn(("Customer", customer), records_holding(marker))
		self.assertEqual(records_holding(f"ABSENT-{marker}"), [])
