"""The permission matrix of docs/permissions.md, asserted over HTTP, both ways.

Every entry point of the app — its whitelisted methods, the ERPNext and Frappe methods it overrides,
its reports, page, number cards, dashboard charts and doctypes — is called through Frappe's WSGI
application (`tests.http`) as Guest, a user with no role, and a user holding exactly one of the
roles a shop hands out. Where the table says ✓ the call must answer (200; for a create with no data,
the missing-field refusal that comes after the permission check); where it says ✗ it must be
refused with 403 and write nothing (a fingerprint of what the app's methods write is compared before
and after). The table is the contract: a new entry point without a row fails here.
"""

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import frappe
from frappe.utils import add_days, nowdate

from dux_trace.compat import TestCase
from dux_trace.tests.http import Answer, Site
from dux_trace.tests.utils import (
	COMPANY,
	CUSTOMER,
	STORES,
	make_customer,
	make_item,
	make_lot,
	make_outgoing_email_account,
	receive,
	role_user,
)

TABLE = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"
NO_ROLE = "No role"
#: the pricing desk a shop sets up: ERPNext writes prices only for Sales Master Manager and pricing
#: rules only for Sales Manager
PRICING = "Sales Manager + Sales Master Manager"
ROLES = (
	"Guest",
	NO_ROLE,
	"Stock User",
	"Sales User",
	"Accounts User",
	"Purchase User",
	"Item Manager",
	"Stock Manager",
	"Sales Manager",
	"Sales Master Manager",
	PRICING,
	"System Manager",
)
PREFIX = "_DUX PERM"
GTIN = "03770000000016"


def read_table(path: Path = TABLE) -> dict[str, dict[str, bool]]:
	"""{entry point: {role: allowed}} from the markdown tables (rows whose first cell is `code`)."""
	matrix, header = {}, None
	for line in path.read_text().splitlines():
		cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
		if len(cells) < 2:
			continue
		if cells[0].lower() == "entry point":
			header = cells[1:]
			continue
		key = re.fullmatch(r"`([^`]+)`", cells[0])
		if header and key and len(cells) - 1 == len(header):
			matrix[key.group(1)] = {role: cell == "✓" for role, cell in zip(header, cells[1:], strict=True)}
	return matrix


@dataclass
class Entry:
	method: str
	path: str
	data: Callable[[], dict] | None = None
	before: Callable[[], None] | None = None
	#: a create / write with no data: allowed means "past the permission check"
	lenient: bool = False
	#: the answer is {"has_permission": bool}: allowed means True (Frappe's own check, asked over HTTP)
	asks: bool = False


def with_barcode(item, barcode: str) -> str:
	if [row.barcode for row in item.barcodes] != [barcode]:
		item.set("barcodes", [{"barcode": barcode}])
		item.save(ignore_permissions=True)
	return item.name


class Fixtures:
	"""Records every entry point works on, created once and committed (requests read committed data)."""

	def __init__(self):
		frappe.set_user("Administrator")
		self.serial_item = with_barcode(
			make_item(f"{PREFIX} Téléphone", "Serial", dux_warranty_months=12), GTIN
		)
		self.serials = [f"PERMSN{n}" for n in range(1, 3)]
		if not frappe.db.exists("Serial No", self.serials[0]):
			receive(self.serial_item, 2, serial_no="\n".join(self.serials), use_serial_batch_fields=1)
		self.lot_item = make_item(f"{PREFIX} Yaourt", "Lot", has_expiry_date=1, shelf_life_in_days=30).name
		self.lot = make_lot(self.lot_item, "PERM-LOT-1", add_days(nowdate(), 20))
		if not frappe.db.get_value("Stock Ledger Entry", {"batch_no": self.lot, "is_cancelled": 0}):
			receive(self.lot_item, 10, batch_no=self.lot, use_serial_batch_fields=1)
		self.recalled_lot = make_lot(self.lot_item, "PERM-LOT-R", add_days(nowdate(), 25))
		self.old_item = make_item(f"{PREFIX} Ancien").name
		self.plain_item = with_barcode(make_item(f"{PREFIX} Étiquette"), "03770000000023")
		self.receipt = self.purchase_receipt()
		self.template = frappe.db.get_value("Dux Label Template", {}, "name")
		self.email_account = make_outgoing_email_account()
		frappe.db.set_value("Customer", CUSTOMER, "email_id", "atlas@dux-trace.test")
		self.authorization = self.make_authorization()
		self.grid = self.make_grid()
		self.recall = self.make_recall()
		self.traceability_test = self.make_traceability_test()
		self.grid_apply = (
			frappe.db.get_value("Dux Price Grid Apply", {"grid": self.grid}) or self.fresh_apply()
		)
		self.fefo_override = (
			frappe.db.get_value("Dux Rule Override", {"rule": "FEFO"})
			or frappe.get_doc({"doctype": "Dux Rule Override", "rule": "FEFO", "reason": PREFIX})
			.insert(ignore_permissions=True)
			.name
		)
		self.check = frappe.db.get_value("After-Sales Check", {"serial_no": self.serials[0]}) or (
			frappe.get_doc({"doctype": "After-Sales Check", "serial_no": self.serials[0]})
			.insert(ignore_permissions=True)
			.name
		)
		self.pos_profile = self.make_pos_profile()
		frappe.db.commit()

	def purchase_receipt(self) -> str:
		name = frappe.db.get_value("Purchase Receipt", {"remarks": PREFIX, "docstatus": 1})
		if name:
			return name
		from dux_trace.tests.test_article_card import purchase_receipt

		return purchase_receipt(self.plain_item, 2, 5, remarks=PREFIX).name

	def make_authorization(self) -> str:
		from dux_trace.tests.test_article_controls import make_authorization_type

		kind = make_authorization_type(f"{PREFIX} Ordonnance", "Customer")
		name = frappe.db.get_value("Dux Authorization", {"authorization_type": kind, "customer": CUSTOMER})
		if name:
			return name
		return (
			frappe.get_doc(
				{
					"doctype": "Dux Authorization",
					"authorization_type": kind,
					"customer": CUSTOMER,
					"valid_upto": add_days(nowdate(), 10),
				}
			)
			.insert(ignore_permissions=True)
			.name
		)

	def make_grid(self) -> str:
		from dux_trace.tests.test_article_card import make_price_list

		name = frappe.db.get_value("Dux Price Grid", {"grid_name": f"{PREFIX} Grille"})
		if name:
			return name
		return (
			frappe.get_doc(
				{
					"doctype": "Dux Price Grid",
					"grid_name": f"{PREFIX} Grille",
					"company": COMPANY,
					"valid_from": nowdate(),
					"applies_to": "Price List",
					"price_list": make_price_list(f"{PREFIX} Tarif"),
					"method": "Margin",
					"cost_basis": "Moving Average Cost",
					"rounding": "Currency Fraction",
					"lines": [{"item_code": self.lot_item, "min_qty": 1, "markup_percent": 30}],
				}
			)
			.insert(ignore_permissions=True)
			.name
		)

	def make_recall(self) -> str:
		name = frappe.db.get_value("Product Recall", {"reason": PREFIX, "docstatus": 1})
		if name:
			return name
		recall = frappe.get_doc(
			{
				"doctype": "Product Recall",
				"severity": "Low",
				"reason": PREFIX,
				"items": [{"batch_no": self.recalled_lot}],
			}
		).insert(ignore_permissions=True)
		recall.submit()
		return recall.name

	def make_traceability_test(self) -> str:
		"""A draft traceability test of the recalled lot (turning it into a recall recalls that lot
		again, and nothing else)."""
		name = frappe.db.get_value("Dux Traceability Test", {"batch_no": self.recalled_lot, "docstatus": 0})
		if name:
			return name
		return (
			frappe.get_doc({"doctype": "Dux Traceability Test", "batch_no": self.recalled_lot})
			.insert(ignore_permissions=True)
			.name
		)

	def make_pos_profile(self) -> str:
		from dux_trace.tests.utils import make_pos_profile

		return make_pos_profile()

	def fresh_apply(self) -> str:
		"""An apply of the grid to undo (the markup changes, so there is something to write)."""
		from dux_trace.pricing.grids.apply import apply

		frappe.db.commit()  # see what the requests committed
		doc = frappe.get_doc("Dux Price Grid", self.grid)
		doc.lines[0].markup_percent = 20 + (int(doc.lines[0].markup_percent) + 1) % 50
		doc.save(ignore_permissions=True)
		history = apply(doc)
		frappe.db.commit()
		return history

	def recalculation(self) -> str:
		"""A finished cost recalculation of the lot item, with one changed cost (written directly:
		saving one queues the job, which would recompute it)."""
		name = frappe.db.get_value("Dux Recalculation", {"item_code": self.lot_item, "status": "Completed"})
		if name:
			return name
		doc = frappe.get_doc(
			{
				"doctype": "Dux Recalculation",
				"kind": "Cost Bases",
				"company": COMPANY,
				"item_code": self.lot_item,
				"status": "Completed",
				"results": [
					{"item_code": self.lot_item, "figure": "CMP", "old_value": 7.0, "new_value": 7.77}
				],
			}
		)
		doc.set_new_name()
		doc.set_parent_in_children()
		doc.db_insert()
		for row in doc.results:
			row.db_insert()
		frappe.db.commit()
		return doc.name

	def reopen_recall(self):
		frappe.db.set_value("Product Recall", self.recall, "status", "Open")
		frappe.db.commit()

	def disable_old_item(self):
		frappe.db.set_value("Item", self.old_item, "disabled", 1)
		frappe.db.commit()

	def forget_checks(self):
		from dux_trace.stock.throttle import throttle_key

		for user in frappe.get_all("User", {"name": ("like", "dux-%@dux-trace.test")}, pluck="name"):
			for kind in ("check", "named-minute", "named-day", "lookup"):
				frappe.cache.delete(throttle_key(user, kind))


def entries(f: Fixtures) -> dict[str, Entry]:

	def delivery_note():
		return {
			"doc": {
				"doctype": "Delivery Note",
				"company": COMPANY,
				"customer": CUSTOMER,
				"items": [{"item_code": f.lot_item, "qty": 1, "warehouse": STORES, "batch_no": f.lot}],
			}
		}

	sales_order_line = {
		"item_code": f.lot_item,
		"company": COMPANY,
		"customer": CUSTOMER,
		"doctype": "Sales Order",
		"currency": "MAD",
		"conversion_rate": 1,
		"price_list": "Standard Selling",
		"price_list_currency": "MAD",
		"plc_conversion_rate": 1,
		"qty": 1,
	}

	def doc_method(method, dt="Product Recall", **args):
		dn = {"Product Recall": f.recall, "Dux Traceability Test": f.traceability_test}[dt]
		return lambda: {"dt": dt, "dn": dn, "method": method, "args": args}

	found = {
		# the app's methods
		"dux_trace.api.after_sales.check_serial": Entry(
			"POST", "", lambda: {"serial_no": f.serials[0], "customer": CUSTOMER}, before=f.forget_checks
		),
		"dux_trace.api.authorizations.expiring_card": Entry("GET", ""),
		"dux_trace.api.authorizations.notify_customer": Entry(
			"POST", "", lambda: {"authorization": f.authorization}
		),
		"dux_trace.api.catalogue.reactivate": Entry(
			"POST", "", lambda: {"items": [f.old_item]}, before=f.disable_old_item
		),
		"dux_trace.api.fefo.check_lots": Entry("POST", "", delivery_note),
		"dux_trace.api.grids.preview": Entry("GET", "", lambda: {"grid": f.grid}),
		"dux_trace.api.grids.apply_grid": Entry("POST", "", lambda: {"grid": f.grid}),
		"dux_trace.api.grids.undo_apply": Entry("POST", "", lambda: {"history": f.fresh_apply()}),
		"dux_trace.api.grids.bulk_edit": Entry(
			"POST", "", lambda: {"grid": f.grid, "item_codes": [f.lot_item], "by_percent": 0}
		),
		"dux_trace.api.labels.download_labels": Entry(
			"GET", "", lambda: {"doctype": "Purchase Receipt", "name": f.receipt, "template": f.template}
		),
		"dux_trace.api.labels.print_labels": Entry(
			"GET",
			"",
			lambda: {
				"rows": [{"doctype": "Batch", "name": f.lot, "qty": 1}],
				"template": f.template,
			},
		),
		"dux_trace.api.labels.preview_label": Entry("POST", "", lambda: {"template": f.template}),
		"dux_trace.api.pricing.get_card": Entry("GET", "", lambda: {"item_code": f.lot_item}),
		"dux_trace.api.pricing.simulate_sale": Entry("GET", "", lambda: {"item_code": f.lot_item}),
		"dux_trace.api.scan.parse_scan": Entry("GET", "", lambda: {"code": f.lot}),
		"dux_trace.api.serials.check_scan": Entry(
			"POST",
			"",
			lambda: {
				"doctype": "Delivery Note",
				"item_code": f.serial_item,
				"warehouse": STORES,
				"scan": f.serials[0],
			},
		),
		"dux_trace.api.trace.lot_or_serial": Entry("GET", "", lambda: {"code": f.lot}),
		"dux_trace.api.mass_balance.lot_balance": Entry("GET", "", lambda: {"batch_no": f.lot}),
		"dux_trace.api.epcis.download": Entry("GET", "", lambda: {"batch_no": f.lot}, lenient=True),
		"dux_trace.api.epcis.key_data_elements": Entry(
			"GET",
			"",
			lambda: {"company": COMPANY, "from_date": nowdate(), "to_date": nowdate(), "output": "CSV"},
		),
		"dux_trace.api.dashboard.near_expiry_card": Entry("GET", ""),
		"dux_trace.api.dashboard.customers_to_notify_card": Entry("GET", ""),
		"dux_trace.dux_trace.dashboard_chart_source.stock_expiring.stock_expiring.get": Entry(
			"GET", "", lambda: {"chart_name": "Stock Expiring", "filters": {"company": COMPANY}}
		),
		"Product Recall.notification_preview": Entry(
			"GET", "run_doc_method", doc_method("notification_preview")
		),
		"Product Recall.notify_customers": Entry(
			"POST", "run_doc_method", doc_method("notify_customers"), before=f.reopen_recall
		),
		"Product Recall.close": Entry("POST", "run_doc_method", doc_method("close"), before=f.reopen_recall),
		"Dux Traceability Test.build_trace": Entry(
			"POST", "run_doc_method", doc_method("build_trace", "Dux Traceability Test")
		),
		"Dux Traceability Test.make_recall": Entry(
			"POST", "run_doc_method", doc_method("make_recall", "Dux Traceability Test")
		),
		# ERPNext's and Frappe's methods, as the app overrides them
		"erpnext.stock.utils.scan_barcode": Entry(
			"POST", "", lambda: {"search_value": f"(01){GTIN}(21){f.serials[1]}"}
		),
		"erpnext.selling.page.point_of_sale.point_of_sale.search_for_serial_or_batch_or_barcode_number": Entry(
			"POST", "", lambda: {"search_value": f.serials[1]}
		),
		"erpnext.selling.page.point_of_sale.point_of_sale.get_items": Entry(
			"POST",
			"",
			lambda: {
				"start": 0,
				"page_length": 20,
				"price_list": "Standard Selling",
				"item_group": "All Item Groups",
				"pos_profile": f.pos_profile,
				"search_term": f.serials[1],
			},
		),
		"erpnext.stock.get_item_details.get_item_details": Entry(
			"POST",
			"",
			# version-15 reads `args`, version-16 `ctx`: the same values under both names
			lambda: dict.fromkeys(("args", "ctx"), sales_order_line),
		),
		"erpnext.controllers.queries.item_query": Entry(
			"POST",
			"",
			lambda: {
				"doctype": "Item",
				"txt": PREFIX,
				"searchfield": "name",
				"start": 0,
				"page_len": 10,
				"filters": {},
			},
		),
		"frappe.desk.search.search_link": Entry(
			"GET",
			"",
			lambda: {"doctype": "Item", "txt": PREFIX, "query": "erpnext.controllers.queries.item_query"},
		),
		# the desk's save / submit, as wrapped (a deadlock becomes a refusal to retry): a price
		# grid with only its name is refused for its missing fields after Frappe's create check
		"frappe.desk.form.save.savedocs": Entry(
			"POST",
			"",
			lambda: {
				"doc": frappe.as_json({"doctype": "Dux Price Grid", "grid_name": f"{PREFIX} Vide"}),
				"action": "Save",
			},
			lenient=True,
		),
	}
	for key, entry in found.items():
		entry.path = f"/api/method/{entry.path or key}"

	# reports, the page, the number cards and the charts, as the desk opens them
	for report in frappe.get_all("Report", {"module": ("in", app_modules())}, pluck="name"):
		found[f"Report: {report}"] = Entry(
			"POST",
			"/api/method/frappe.desk.query_report.run",
			lambda report=report: {"report_name": report, "filters": {"company": COMPANY}},
		)
	for page in frappe.get_all("Page", {"module": ("in", app_modules())}, pluck="name"):
		found[f"Page: {page}"] = Entry(
			"GET", "/api/method/frappe.desk.desk_page.getpage", lambda page=page: {"name": page}
		)
	for card in frappe.get_all(
		"Number Card", {"module": ("in", app_modules()), "type": "Document Type"}, pluck="name"
	):
		found[f"Number Card: {card}"] = Entry(
			"POST",
			"/api/method/frappe.desk.doctype.number_card.number_card.get_result",
			lambda card=card: {"doc": frappe.get_doc("Number Card", card).as_dict(), "filters": []},
		)
	# a chart on a source is drawn by the source's method (a row of its own, above)
	for chart in frappe.get_all(
		"Dashboard Chart", {"module": ("in", app_modules()), "chart_type": ("!=", "Custom")}, pluck="name"
	):
		found[f"Dashboard Chart: {chart}"] = Entry(
			"POST",
			"/api/method/frappe.desk.doctype.dashboard_chart.dashboard_chart.get",
			lambda chart=chart: {"chart_name": chart},
		)

	# the app's doctypes: read and write a record, create with no data, ask delete / submit / cancel
	records = {
		"Dux Authorization": f.authorization,
		"Dux Authorization Type": frappe.db.get_value(
			"Dux Authorization", f.authorization, "authorization_type"
		),
		"Dux Price Grid": f.grid,
		"Dux Label Template": f.template,
		"Dux Trace Settings": "Dux Trace Settings",
		"Product Recall": f.recall,
		"Dux Traceability Test": f.traceability_test,
		"Dux Price Grid Apply": f.grid_apply,
		"Dux Rule Override": f.fefo_override,  # a FEFO one: the stock roles read it
		"After-Sales Check": f.check,
	}
	for doctype in frappe.get_all(
		"DocType", {"module": ("in", app_modules()), "istable": 0}, pluck="name", order_by="name"
	):
		name = records.get(doctype)  # the others the app writes itself: their list is read
		meta = frappe.get_meta(doctype)
		resource = f"/api/resource/{doctype}"
		# a record to read and write, or (none yet: the app writes them) the list
		found[f"{doctype}: read"] = Entry("GET", f"{resource}/{name}" if name else resource)
		if name and not meta.is_submittable:
			found[f"{doctype}: write"] = Entry("PUT", f"{resource}/{name}", lambda: {}, lenient=True)
		if not meta.issingle:
			found[f"{doctype}: create"] = Entry("POST", resource, lambda: {}, lenient=True)
			ptypes = (["delete"] if name else []) + (["submit", "cancel"] if meta.is_submittable else [])
			for ptype in ptypes:
				found[f"{doctype}: {ptype}"] = Entry(
					"GET",
					"/api/method/frappe.client.has_permission",
					lambda doctype=doctype, name=name, ptype=ptype: {
						"doctype": doctype,
						"docname": name,
						"perm_type": ptype,
					},
					asks=True,
				)
	return found


def app_modules() -> list[str]:
	return frappe.get_all("Module Def", {"app_name": "dux_trace"}, pluck="name")


def fingerprint() -> tuple:
	"""What the app's entry points write, in a few numbers (read in a new transaction, so that the
	requests' commits are seen)."""
	frappe.db.commit()
	counts = tuple(
		frappe.db.count(doctype)
		for doctype in (
			"After-Sales Check",
			"Item Price",
			"Pricing Rule",
			"Comment",
			"Email Queue",
			"Batch",
			"Dux Price Grid Apply",
			"Dux Authorization",
			"Dux Price Grid",
			"Product Recall",
			"Dux Traceability Test",
			"Dux Authorization Type",
			"Dux Label Template",
		)
	)
	return (
		*counts,
		frappe.db.count("Item", {"disabled": 1}),
		frappe.db.sql("select max(modified) from `tabDux Price Grid`")[0][0],
		frappe.db.sql("select group_concat(status) from `tabProduct Recall`")[0][0],
		frappe.db.sql(
			"select group_concat(field, '=', ifnull(value, '') order by field) from `tabSingles`"
			" where doctype = 'Dux Trace Settings'"
		)[0][0],
	)


def users() -> dict[str, str]:
	found = {"Guest": "Guest"}
	for role in ROLES[1:]:
		found[role] = role_user() if role == NO_ROLE else role_user(*role.split(" + "))
	frappe.db.commit()
	return found


def verdict(entry: Entry, answer: Answer) -> bool | None:
	"""True: allowed; False: refused with 403; None: neither (a failure either way)."""
	if answer.status == 403 or (answer.status == 404 and answer.body is None):
		# (version-16 answers a desk method called by a website user with its 404 page)
		return False
	if answer.status >= 500:
		return None
	if entry.asks:
		return bool(((answer.body or {}).get("message") or {}).get("has_permission"))
	if answer.status == 200:
		return True
	if entry.lenient and answer.exc_type not in ("PermissionError", None):
		return True
	return None


class TestPermissionMatrix(TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.fixtures = Fixtures()
		cls.users = users()
		cls.entries = entries(cls.fixtures)
		cls.sites = {role: Site(user) for role, user in cls.users.items()}

	def test_the_table_covers_every_entry_point_and_only_those(self):
		table = read_table()
		self.assertEqual(sorted(set(self.entries) - set(table)), [], "entry points missing from the table")
		self.assertEqual(sorted(set(table) - set(self.entries)), [], "rows for entry points that are gone")
		self.assertTrue(all(set(row) == set(ROLES) for row in table.values()))
		# every whitelisted function of the app is an entry point of the table
		import dux_trace.hooks as hooks

		for path in Path(frappe.get_app_path("dux_trace")).rglob("*.py"):
			module = ".".join(
				path.relative_to(Path(frappe.get_app_path("dux_trace")).parent).with_suffix("").parts
			)
			if (
				"/tests/" not in str(path)
				and "/patches/" not in str(path)
				and path.read_text().count("@frappe.whitelist")
			):
				frappe.get_module(module)
		controllers = {
			"dux_trace.dux_trace.doctype.product_recall.product_recall.ProductRecall": "Product Recall",
			"dux_trace.dux_trace.doctype.dux_traceability_test.dux_traceability_test.DuxTraceabilityTest": (
				"Dux Traceability Test"
			),
		}
		whitelisted = set()
		for fn in frappe.whitelisted:
			name = f"{fn.__module__}.{fn.__qualname__}"
			if name.startswith("dux_trace.") and not name.startswith("dux_trace.overrides."):
				for path, doctype in controllers.items():
					name = name.replace(path, doctype)
				whitelisted.add(name)
		self.assertEqual(sorted(whitelisted - set(table)), [], "whitelisted methods missing from the table")
		self.assertEqual(
			sorted(set(hooks.override_whitelisted_methods) - set(table)),
			[],
			"overrides missing from the table",
		)

	def test_every_role_gets_exactly_what_the_table_says(self):
		if os.environ.get("DUX_PRINT_MATRIX"):
			Path(os.environ["DUX_PRINT_MATRIX"]).write_text(self.observed())
		table = read_table()
		wrong, rows = [], 0
		for key, entry in self.entries.items():
			expected = table.get(key)
			if expected is None:
				continue
			for role in ROLES:
				if entry.before:
					entry.before()
				data = entry.data() if entry.data else None
				before = fingerprint()
				answer = self.sites[role].call(entry.method, entry.path, data)
				rows += 1
				got = verdict(entry, answer)
				if got is False and fingerprint() != before:
					wrong.append(f"{key} as {role}: refused but something was written")
				if got != expected[role]:
					wrong.append(
						f"{key} as {role}: expected {'allowed' if expected[role] else 'refused'}, got"
						f" {answer.status} {answer.exc_type or ''} {answer.text[:300]}"
					)
		print(f"\npermission matrix: {len(self.entries)} entry points x {len(ROLES)} roles = {rows} calls")
		self.assertEqual(wrong, [], "\n".join(wrong))

	def observed(self) -> str:
		"""The matrix as the site answers it (to review when writing the table)."""
		lines = ["| Entry point | " + " | ".join(ROLES) + " |", "|---" * (len(ROLES) + 1) + "|"]
		odd = []
		for key, entry in self.entries.items():
			if os.environ.get("DUX_MATRIX_ONLY", "") not in key:
				continue
			cells = []
			for role in ROLES:
				if entry.before:
					entry.before()
				answer = self.sites[role].call(entry.method, entry.path, entry.data() if entry.data else None)
				got = verdict(entry, answer)
				cells.append({True: "✓", False: "✗"}.get(got, f"?{answer.status}"))
				if got is None or (got is False and os.environ.get("DUX_MATRIX_ONLY")):
					odd.append(f"{key} as {role}: {answer.status} {answer.text[:1500]}")
			lines.append(f"| `{key}` | " + " | ".join(cells) + " |")
		return "\n".join([*lines, "", *odd]) + "\n"


class TestWritesArePostOnly(TestCase):
	"""A method that writes refuses GET (a link or an image tag cannot trigger it)."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.fixtures = Fixtures()
		cls.users = users()

	WRITERS = (
		"dux_trace.api.after_sales.check_serial",  # records the check
		"dux_trace.api.authorizations.notify_customer",
		"dux_trace.api.catalogue.reactivate",
		"dux_trace.api.grids.apply_grid",
		"dux_trace.api.grids.undo_apply",
		"dux_trace.api.grids.bulk_edit",
		"Product Recall.notify_customers",
		"Product Recall.close",
		"Dux Traceability Test.build_trace",
		"Dux Traceability Test.make_recall",
		# a GS1 scan records a new lot
		"erpnext.stock.utils.scan_barcode",
		"erpnext.selling.page.point_of_sale.point_of_sale.search_for_serial_or_batch_or_barcode_number",
		"erpnext.selling.page.point_of_sale.point_of_sale.get_items",
		# they take a whole document or a scan list: POST only as well
		"dux_trace.api.fefo.check_lots",
		"dux_trace.api.serials.check_scan",
	)

	def test_every_method_that_writes_refuses_get(self):
		table = read_table()
		tried = 0
		every = entries(self.fixtures)
		for key in self.WRITERS:
			entry = every[key]
			allowed = [role for role, ok in table[key].items() if ok] or ["Stock User"]
			answer = Site(self.users[allowed[0]]).call(
				"GET", entry.path, entry.data() if entry.data else None
			)
			self.assertEqual(answer.status, 403, f"{key} answered GET with {answer.status}")
			tried += 1
		self.assertEqual(tried, len(self.WRITERS))


class TestOverrideRoles(TestCase):
	"""The roles allowed to override FEFO, discounts and authorizations: only System Manager sets them."""

	def setUp(self):
		self.users = users()
		self.before = frappe.db.get_value(
			"Dux Trace Settings",
			None,
			["override_role", "discount_override_role", "authorization_override_role", "near_expiry_days"],
			as_dict=True,
		)

	def tearDown(self):
		frappe.db.set_single_value("Dux Trace Settings", self.before)
		frappe.db.commit()

	def put(self, role: str, **values) -> Answer:
		return Site(self.users[role]).call(
			"PUT", "/api/resource/Dux Trace Settings/Dux Trace Settings", values
		)

	def current(self, field: str) -> str | None:
		frappe.db.rollback()
		return frappe.db.get_single_value("Dux Trace Settings", field)

	def test_a_stock_manager_cannot_name_themselves_the_override_role(self):
		for name in ("override_role", "discount_override_role", "authorization_override_role"):
			answer = self.put("Stock Manager", **{name: "Stock Manager", "near_expiry_days": 45})
			self.assertEqual(answer.status, 200, answer.text[:300])
			self.assertEqual(self.current(name) or None, self.before[name] or None)  # left as it was
			self.assertEqual(self.current("near_expiry_days"), 45)  # the rest of the settings are theirs
			self.assertEqual(self.put("Stock User", **{name: "Stock User"}).status, 403)
			self.assertEqual(self.current(name) or None, self.before[name] or None)

	def test_a_system_manager_sets_the_override_role(self):
		answer = self.put("System Manager", override_role="Stock Manager")
		self.assertEqual(answer.status, 200, answer.text[:300])
		self.assertEqual(self.current("override_role"), "Stock Manager")


class TestAfterSalesCheckHidesWhatTheClerkMayNotRead(TestCase):
	"""A Stock User may check a returned phone but not read Sales Invoices: the answer says sold
	here or not, and when, without the invoice or its buyer."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.fixtures = Fixtures()
		cls.users = users()

	def sell(self, doctype: str) -> str:
		from dux_trace.tests.test_serials import sale, serial_item, stock_serials

		item = serial_item()
		serial = stock_serials(item, 1)[0]
		doc = sale(doctype, item, [serial], **({"update_stock": 1} if doctype == "Sales Invoice" else {}))
		doc.insert(ignore_permissions=True)
		doc.submit()
		frappe.db.commit()
		return serial, doc.name

	def check(self, serial: str, customer: str | None = None) -> dict:
		self.fixtures.forget_checks()
		answer = Site(self.users["Stock User"]).post(
			"dux_trace.api.after_sales.check_serial", serial_no=serial, customer=customer
		)
		self.assertEqual(answer.status, 200, answer.text[:300])
		return answer.body["message"]

	def test_a_sale_on_an_invoice_is_told_without_the_invoice_nor_the_buyer(self):
		serial, invoice = self.sell("Sales Invoice")
		other = make_customer("Client d'un autre magasin")
		frappe.db.commit()
		result = self.check(serial, customer=other)
		self.assertEqual(result["verdict"], "Sold To Another Customer")
		self.assertIsNone(result["sold_to"])
		self.assertIsNone(result["sales_document"])
		self.assertNotIn(invoice, result["message"])
		self.assertNotIn(CUSTOMER, result["message"])
		self.assertIn("document que vous n'êtes pas autorisé à ouvrir", result["message"])
		# the record keeps it whole, behind permission level 1
		frappe.db.commit()  # a new transaction sees the request's record
		record = frappe.get_doc("After-Sales Check", result["name"])
		self.assertEqual((record.sales_document, record.sold_to), (invoice, CUSTOMER))
		read = Site(self.users["Stock User"]).call("GET", f"/api/resource/After-Sales Check/{record.name}")
		self.assertEqual(read.status, 200)
		self.assertNotIn(invoice, read.text)

	def test_a_sale_on_a_delivery_note_the_clerk_may_read_is_told_whole(self):
		serial, note = self.sell("Delivery Note")
		result = self.check(serial, customer=CUSTOMER)
		self.assertEqual((result["verdict"], result["sales_document"]), ("Sold Here", note))
		self.assertEqual(result["sold_to"], CUSTOMER)
		self.assertIn(note, result["message"])


def read_content_table(path: Path = TABLE) -> dict[str, dict[str, bool]]:
	"""{content: {role: shown}} from the tables headed `Content` in docs/permissions.md."""
	table, header = {}, None
	for line in path.read_text().splitlines():
		cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
		if len(cells) < 2:
			header = None if not line.strip() else header
			continue
		if cells[0].lower() == "content":
			header = cells[1:]
			continue
		if header and len(cells) - 1 == len(header) and not set(cells[0]) <= {"-"}:
			table[cells[0]] = {role: cell == "✓" for role, cell in zip(header, cells[1:], strict=True)}
	return table


#: each entry point that may return a cost, with how to call it and whether its answer holds one
COST_ANSWERS = {
	"get_card": (
		"GET",
		"/api/method/dux_trace.api.pricing.get_card",
		lambda f: {"item_code": f.lot_item},
		lambda body: any(b["value"] is not None for b in body["message"]["bases"]),
	),
	"simulate_sale": (
		"GET",
		"/api/method/dux_trace.api.pricing.simulate_sale",
		lambda f: {"item_code": f.lot_item},
		lambda body: bool(body["message"]["bases"]),
	),
	"grid preview": (
		"GET",
		"/api/method/dux_trace.api.grids.preview",
		lambda f: {"grid": f.grid},
		lambda body: any(
			row.get("base_value") is not None or row.get("margin_on_base") is not None
			for row in body["message"]
		),
	),
	"grid preview report": (
		"GET",
		"/api/method/frappe.desk.query_report.run",
		lambda f: {"report_name": "Dux Price Grid Preview", "filters": {"grid": f.grid}},
		lambda body: any(
			(c.get("fieldname") if isinstance(c, dict) else None) in ("base_value", "margin_on_base")
			for c in body["message"]["columns"]
		),
	),
	"item details": (
		"POST",
		"/api/method/erpnext.stock.get_item_details.get_item_details",
		lambda f: {
			"args": {
				"item_code": f.lot_item,
				"company": COMPANY,
				"customer": CUSTOMER,
				"doctype": "Sales Order",
				"currency": "MAD",
				"conversion_rate": 1,
				"price_list": "Standard Selling",
				"price_list_currency": "MAD",
				"plc_conversion_rate": 1,
				"qty": 1,
			}
		},
		lambda body: any(key in body["message"] for key in ("valuation_rate", "gross_profit")),
	),
	"stored costs on Item": (
		"GET",
		"/api/method/frappe.desk.form.load.getdoc",
		lambda f: {"doctype": "Item", "name": f.lot_item},
		# a field the user may not read comes back empty (0 for a currency): the stored 7.77 is the leak
		lambda body: body["docs"][0].get("dux_cost_cmp") == 7.77,
	),
	"recalculation figures": (
		"GET",
		"/api/method/frappe.desk.form.load.getdoc",
		lambda f: {"doctype": "Dux Recalculation", "name": f.recalculation()},
		lambda body: any(row.get("old_value") == 7.0 for row in body["docs"][0]["results"]),
	),
}


class TestCostsOnlyWhereTheRuleSays(TestCase):
	"""What is *in* the answers: every entry point that may return a cost returns one to a role
	exactly when the table's *Costs* row says so (dux_trace.permissions), in any field."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.fixtures = Fixtures()
		frappe.db.set_value(
			"Item", cls.fixtures.lot_item, {"dux_cost_cmp": 7.77, "dux_costs_updated_on": frappe.utils.now()}
		)
		frappe.db.commit()
		cls.users = users()
		cls.sites = {role: Site(user) for role, user in cls.users.items()}

	def test_the_rule_is_the_stock_ledger_and_the_table_says_it(self):
		from dux_trace.permissions import can_see_costs

		shown = read_content_table()["Costs"]
		for role, user in self.users.items():
			self.assertEqual(can_see_costs(user), shown[role], role)

	def test_no_answer_holds_a_cost_for_a_role_that_may_not_see_costs(self):
		shown = read_content_table()["Costs"]
		wrong, checked = [], 0
		for label, (method, path, data, holds_cost) in COST_ANSWERS.items():
			for role in ROLES:
				answer = self.sites[role].call(method, path, data(self.fixtures))
				if answer.status != 200:
					continue  # refused: the permission matrix says who
				checked += 1
				if holds_cost(answer.body) != shown[role]:
					wrong.append(f"{label} as {role}: cost {'missing' if shown[role] else 'shown'}")
		print(f"\ncost content: {checked} answers checked")
		self.assertEqual(wrong, [], "\n".join(wrong))
