"""GS1 EPCIS 2.0 export and key data element sheet, on the issue's scenario: a receipt of lot L
(100), a repack of 40 into lot R, deliveries of 30 of L and 25 of R to two customers, a customer
return of 5, a scrap of 2 and a stock count of -1, all on one day (two days ago, so that nothing
else of the site is in the period)."""

import csv
import gzip
import io
import json
from pathlib import Path

import frappe
import jsonschema
from frappe.utils import add_days, nowdate

import dux_trace
from dux_trace.api import epcis as api
from dux_trace.compat import TestCase, bundle_posted_on
from dux_trace.core import epcis as core
from dux_trace.core.label_barcodes import gs1_check_digit_ok
from dux_trace.stock import epcis as service
from dux_trace.stock.epcis import InvalidGLN
from dux_trace.stock.trace import Period
from dux_trace.tests.utils import (
	COMPANY,
	CURRENCY,
	STORES,
	SUPPLIER,
	acting_as,
	make_customer,
	make_item,
	make_lot,
)

FIXTURES = Path(dux_trace.__file__).resolve().parents[1] / "tests" / "fixtures" / "epcis"


def with_check_digit(body: str) -> str:
	"""The GS1 number of `body` followed by its check digit."""
	return next(body + d for d in "0123456789" if gs1_check_digit_ok(body + d))


def validator():
	schema = json.loads((FIXTURES / "EPCIS-JSON-Schema.json").read_text())
	checker = jsonschema.Draft7Validator.FORMAT_CHECKER
	assert "uri" in checker.checkers, "rfc3987 is missing: URIs would not be checked"
	return jsonschema.Draft7Validator(schema, format_checker=checker)


def response_content():
	return frappe.local.response.filename, frappe.local.response.filecontent


class TestEpcisExport(TestCase):
	"""The scenario is made once for the class (rolled back after it); a test that changes data
	undoes it (`changing`)."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.make_scenario()

	def setUp(self):
		frappe.db.savepoint("epcis_test")

	def tearDown(self):
		frappe.db.rollback(save_point="epcis_test")
		frappe.set_user("Administrator")

	@classmethod
	def make_scenario(cls):
		run = frappe.generate_hash(length=5).upper()
		cls.day = add_days(nowdate(), -2)
		cls.milk = make_item("_DUX EPCIS Lait", "Lot", has_expiry_date=1, shelf_life_in_days=30)
		cls.pack = make_item("_DUX EPCIS Lait pack", "Lot", has_expiry_date=1, shelf_life_in_days=30)
		for item, body in ((cls.milk, "611123400001"), (cls.pack, "611123400002")):
			item.set("barcodes", [{"barcode": with_check_digit(body), "barcode_type": "EAN"}])
			item.save()
		cls.milk, cls.pack = cls.milk.name, cls.pack.name
		cls.lot_l, cls.lot_r = f"_DUX-EL-{run}", f"_DUX-ER-{run}"
		cls.shop, cls.cafe = make_customer("Épicerie Atlas EP"), make_customer("Café Rabat EP")
		for doctype, name, body in (
			("Company", COMPANY, "611123400000"),
			("Warehouse", STORES, "611123400010"),
			("Supplier", SUPPLIER, "400123400000"),
			("Customer", cls.shop, "611999900001"),
			("Customer", cls.cafe, "611888800001"),
		):
			frappe.db.set_value(doctype, name, "dux_gln", with_check_digit(body), update_modified=False)
		cls.receipt = cls.submit(
			{
				"doctype": "Purchase Receipt",
				"supplier": SUPPLIER,
				"currency": CURRENCY,
				"items": [
					{
						"item_code": cls.milk,
						"qty": 100,
						"rate": 3,
						"warehouse": STORES,
						"dux_lot_no": cls.lot_l,
						"dux_expiry_date": add_days(nowdate(), 25),
					}
				],
			},
			"08:00:00",
		)
		make_lot(cls.pack, cls.lot_r, add_days(nowdate(), 20))
		cls.repack = cls.submit(
			{
				"doctype": "Stock Entry",
				"stock_entry_type": "Repack",
				"items": [
					{"item_code": cls.milk, "qty": 40, "s_warehouse": STORES, "batch_no": cls.lot_l},
					{
						"item_code": cls.pack,
						"qty": 40,
						"t_warehouse": STORES,
						"batch_no": cls.lot_r,
						"is_finished_item": 1,
					},
				],
			},
			"09:00:00",
		)
		cls.to_shop = cls.deliver(cls.milk, 30, cls.lot_l, cls.shop, "10:00:00")
		cls.to_cafe = cls.deliver(cls.pack, 25, cls.lot_r, cls.cafe, "11:00:00")
		from erpnext.stock.doctype.delivery_note.delivery_note import make_sales_return

		back = make_sales_return(cls.to_shop.name)
		back.update({"set_posting_time": 1, "posting_date": cls.day, "posting_time": "12:00:00"})
		back.items[0].update(
			{"qty": -5, "serial_and_batch_bundle": None, "use_serial_batch_fields": 1, "batch_no": cls.lot_l}
		)
		cls.back = back.insert().submit() or back
		cls.scrap = cls.submit(
			{
				"doctype": "Stock Entry",
				"stock_entry_type": "Material Issue",
				"items": [{"item_code": cls.milk, "qty": 2, "s_warehouse": STORES, "batch_no": cls.lot_l}],
			},
			"13:00:00",
		)
		cls.count = cls.submit(
			{
				"doctype": "Stock Reconciliation",
				"purpose": "Stock Reconciliation",
				"items": [
					{
						"item_code": cls.milk,
						"warehouse": STORES,
						"qty": 32,
						"valuation_rate": 3,
						"batch_no": cls.lot_l,
					}
				],
			},
			"14:00:00",
		)
		cls.period = {"company": COMPANY, "from_date": cls.day, "to_date": cls.day}

	@classmethod
	def submit(cls, values: dict, time: str):
		for row in values.get("items", ()):
			row.setdefault("use_serial_batch_fields", 1 if row.get("batch_no") else 0)
		doc = frappe.get_doc(
			{
				**values,
				"company": COMPANY,
				"set_posting_time": 1,
				"posting_date": cls.day,
				"posting_time": time,
			}
		)
		if doc.doctype == "Purchase Receipt":
			doc.set_missing_values()
		return doc.insert().submit() or doc

	@classmethod
	def deliver(cls, item_code, qty, lot, customer, time):
		doc = frappe.get_doc(
			{
				"doctype": "Delivery Note",
				"company": COMPANY,
				"customer": customer,
				"currency": CURRENCY,
				"selling_price_list": "Standard Selling",
				"set_posting_time": 1,
				"posting_date": cls.day,
				"posting_time": time,
				"items": [
					{
						"item_code": item_code,
						"qty": qty,
						"rate": 25,
						"warehouse": STORES,
						"batch_no": lot,
						"use_serial_batch_fields": 1,
					}
				],
			}
		)
		doc.set_missing_values()
		return doc.insert().submit() or doc

	def export_period(self, **extra) -> dict:
		api.download(**self.period, **extra)
		filename, content = response_content()
		self.assertTrue(filename.endswith(".jsonld"))
		return json.loads(content)

	# ---- EPCIS -------------------------------------------------------------------------------

	def test_the_period_validates_and_holds_every_movement_once(self):
		with acting_as("Stock Manager"):
			document = self.export_period()
			export = service.read(
				period=Period(COMPANY, frappe.utils.getdate(self.day), frappe.utils.getdate(self.day))
			)
		errors = [e.message for e in validator().iter_errors(document)]
		self.assertEqual(errors, [])
		events = document["epcisBody"]["eventList"]
		steps = [(e["type"], e.get("bizStep"), e.get("action")) for e in events]
		self.assertEqual(
			steps,
			[
				("ObjectEvent", "receiving", "OBSERVE"),
				("TransformationEvent", "repackaging", None),
				("ObjectEvent", "shipping", "OBSERVE"),
				("ObjectEvent", "shipping", "OBSERVE"),
				("ObjectEvent", "receiving", "OBSERVE"),
				("ObjectEvent", "destroying", "DELETE"),
				("ObjectEvent", "cycle_counting", "DELETE"),
			],
		)
		# every lot movement of the ledger on that day, exactly once, with its quantity
		entry = frappe.qb.DocType("Serial and Batch Entry")
		bundle = frappe.qb.DocType("Serial and Batch Bundle")
		ledger = {}
		for voucher_no, batch_no, direction, qty in (
			frappe.qb.from_(entry)
			.join(bundle)
			.on(bundle.name == entry.parent)
			.select(bundle.voucher_no, entry.batch_no, bundle.type_of_transaction, entry.qty)
			.where((bundle.company == COMPANY) & (bundle.docstatus == 1) & (bundle.is_cancelled == 0))
			.where(bundle_posted_on(bundle) == self.day)
			.run()
		):
			key = (voucher_no, batch_no)
			ledger[key] = ledger.get(key, 0) + abs(qty) * (1 if direction == "Inward" else -1)
		exported = {}
		for record in export.records:
			voucher_no = export.vouchers[record.key][1]
			if isinstance(record, core.Transformation):
				lines = [(line, -1) for line in record.inputs] + [(line, 1) for line in record.outputs]
			else:
				inward = record.movement in (
					core.Movement.RECEIPT,
					core.Movement.CUSTOMER_RETURN,
					core.Movement.COUNT_GAIN,
				)
				lines = [(line, 1 if inward else -1) for line in record.lines]
			for line, sign in lines:
				key = (voucher_no, line.lot)
				self.assertNotIn(key, exported, f"{key} exported twice")
				exported[key] = sign * line.quantity
		self.assertEqual(exported, {key: qty for key, qty in ledger.items() if qty})
		self.assertEqual(
			exported[(self.repack.name, self.lot_l)], -40, "the repack's input, in its transformation"
		)

	def test_identifiers_carry_check_digits_and_the_repacked_lot_its_expiry(self):
		with acting_as("Stock Manager"):
			document = self.export_period()
		text = json.dumps(document)
		import re

		for gtin in re.findall(r"id\.gs1\.org/01/(\d+)/", text):
			self.assertTrue(core.valid_gtin(gtin), gtin)
		glns = re.findall(r"id\.gs1\.org/41[47]/(\d+)", text)
		self.assertTrue(glns)
		for gln in glns:
			self.assertTrue(core.valid_gln(gln), gln)
		receipt = document["epcisBody"]["eventList"][0]
		supplier_gln = frappe.db.get_value("Supplier", SUPPLIER, "dux_gln")
		self.assertEqual(receipt["sourceList"][0]["source"], f"https://id.gs1.org/417/{supplier_gln}")
		self.assertEqual(receipt["quantityList"][0]["quantity"], 100)
		repack = document["epcisBody"]["eventList"][1]
		expiry = str(frappe.db.get_value("Batch", self.lot_r, "expiry_date"))
		self.assertEqual(repack["ilmd"]["cbvmda:itemExpirationDate"], expiry)
		self.assertIn(self.lot_r, repack["outputQuantityList"][0]["epcClass"])

	def test_the_standards_examples_validate_through_the_same_validator(self):
		examples = sorted((FIXTURES / "examples").glob("*.jsonld"))
		self.assertTrue(examples)
		for example in examples:
			self.assertTrue(validator().is_valid(json.loads(example.read_text())), example.name)

	def test_two_exports_give_the_same_event_hashes(self):
		with acting_as("Stock Manager"):
			first = [e["eventID"] for e in self.export_period()["epcisBody"]["eventList"]]
			second = [e["eventID"] for e in self.export_period()["epcisBody"]["eventList"]]
		self.assertEqual(first, second)
		self.assertEqual(len(set(first)), len(first))

	def test_the_lot_export_follows_its_repack(self):
		with acting_as("Stock Manager", "Item Manager"):  # Item Manager: ERPNext's readers of Batch
			api.download(batch_no=self.lot_r)
			document = json.loads(response_content()[1])
		self.assertTrue(validator().is_valid(document))
		events = document["epcisBody"]["eventList"]
		# the repack (with its input L), the delivery of R
		self.assertEqual([e["type"] for e in events], ["TransformationEvent", "ObjectEvent"])
		self.assertIn(self.lot_l, events[0]["inputQuantityList"][0]["epcClass"])

	def test_an_item_without_gtin_is_named_in_the_refusal(self):
		pack = frappe.get_doc("Item", self.pack)
		pack.set("barcodes", [])
		pack.save()
		frappe.db.set_value("Customer", self.cafe, "dux_gln", None)
		with acting_as("Stock Manager"), self.assertRaises(api.EpcisNotReady) as refused:
			self.export_period()
		message = str(refused.exception)
		self.assertIn(self.pack, message)
		self.assertIn("sans GTIN", message)
		self.assertIn(frappe.db.get_value("Customer", self.cafe, "customer_name"), message)

	def test_a_bad_gln_is_refused_when_saved(self):
		customer = frappe.get_doc("Customer", self.shop)
		customer.dux_gln = "6119999000016"
		with self.assertRaises(InvalidGLN):
			customer.save()
		customer = frappe.get_doc("Customer", self.shop)
		customer.dux_gln = " 6119999000015 "
		customer.save()
		self.assertEqual(customer.dux_gln, "6119999000015")

	# ---- the sheet ---------------------------------------------------------------------------

	def test_the_sheet_has_one_row_per_event_lot_every_cell_filled_or_flagged(self):
		frappe.db.set_value("Customer", self.cafe, "dux_gln", None)
		with acting_as("Stock Manager"):
			api.key_data_elements(**self.period, output="CSV")
			filename, content = response_content()
			api.key_data_elements(**self.period, output="XLSX")
			xlsx_name, xlsx = response_content()
		self.assertTrue(filename.endswith(".csv") and xlsx_name.endswith(".xlsx"))
		rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
		header, body = rows[0], rows[1:]
		self.assertIn("GTIN", header)
		self.assertEqual(len(body), 8)  # 7 events, the repack with its input and its output
		for row in body:
			self.assertEqual(len(row), len(header))
			self.assertTrue(all(cell.strip() for cell in row), row)
		to_cafe = next(row for row in body if row[0] == self.lot_r and row[4] == "25.0")
		self.assertIn("GLN manquant", to_cafe)
		self.assertTrue(all(row[-1].startswith("ni:///sha-256;") for row in body if row is not to_cafe))
		from openpyxl import load_workbook

		sheet = load_workbook(io.BytesIO(xlsx)).active
		self.assertEqual(sheet.max_row, 9)

	def test_a_sales_user_gets_no_supplier(self):
		with acting_as("Sales User"):
			document = self.export_period()
			api.key_data_elements(**self.period, output="CSV")
			rows = list(csv.reader(io.StringIO(response_content()[1].decode("utf-8-sig"))))
		supplier_gln = frappe.db.get_value("Supplier", SUPPLIER, "dux_gln")
		text = json.dumps(document)
		self.assertNotIn(supplier_gln, text)
		self.assertNotIn(self.receipt.name, text)
		self.assertTrue(validator().is_valid(document))
		receipt_row = rows[1]
		self.assertNotIn(SUPPLIER, " ".join(receipt_row))
		self.assertNotIn(self.receipt.name, " ".join(receipt_row))
		self.assertIn("Non visible", receipt_row)
		# the customers stay (a Sales User reads customers)
		self.assertIn(frappe.db.get_value("Customer", self.shop, "dux_gln"), text)

	def test_a_long_period_runs_in_a_job_attached_to_the_user(self):
		period = {**self.period, "from_date": add_days(self.day, -30)}
		with acting_as("Stock Manager") as user:
			answer = api.download(**period)
			self.assertTrue(answer["queued"])
		files = frappe.get_all(
			"File",
			filters={"attached_to_doctype": "User", "attached_to_name": user, "is_private": 1},
			fields=["file_name", "file_url"],
		)
		(attached,) = [f for f in files if f.file_name.endswith(".jsonld.gz")]
		document = json.loads(
			gzip.decompress(frappe.get_doc("File", {"file_url": attached.file_url}).get_content())
		)
		self.assertTrue(validator().is_valid(document))

	def test_an_export_larger_than_the_site_allows_ends_the_job_cleanly(self):
		"""The file refused by the site's maximum size: the job ends (the user is told over
		realtime), nothing half-attached."""
		period = {**self.period, "from_date": add_days(self.day, -30)}
		frappe.db.set_single_value("System Settings", "max_file_size", 0)
		frappe.local.conf.max_file_size = 100  # bytes: smaller than any export
		self.addCleanup(frappe.local.conf.pop, "max_file_size", None)
		with acting_as("Stock Manager") as user:
			self.assertIsNone(api.export_job("EPCIS", period, user))
		self.assertFalse(
			frappe.get_all("File", filters={"attached_to_doctype": "User", "attached_to_name": user})
		)
