"""Checks run by .ci/run around a real migrate, `bench uninstall-app dux_trace` and reinstall on the
CI site, populated by then with ERPNext's test records and the few hundred documents of the suite.

`prepare` (app installed) adds ERPNext's demo data (a demo company with its masters, purchases
and sales), makes a Lot item and a Serial item with stock and commits them;
`save` writes a fingerprint of ERPNext's data (counts and checksums of the standard columns of
Item, Batch, Serial No, Stock Ledger Entry and GL Entry; and the app's own records) to a file;
`same` compares the site with it (after a migrate: everything; after the uninstall: ERPNext's);
`verify` (app uninstalled) proves that ERPNext still uses the items as plain batch / serial items;
`reinstalled` (app installed again) proves that its fields are back and a lot is sold by FEFO.
Both run as plain Python in the bench env, from `sites/`, since `bench execute` refuses the modules
of an app the site no longer has: `../env/bin/python -m dux_trace.tests.uninstall_check verify SITE`.
Any failure raises, so the command exits non-zero.
"""

import hashlib
import json
import sys

import frappe

from dux_trace.tests.utils import STORES, make_base_data, make_item, receive

LOT_ITEM = "_DUX Uninstall Check Lot"
SERIAL_ITEM = "_DUX Uninstall Check Serial"


def prepare():
	from dux_trace.compat import make_demo_data

	demo = frappe.db.get_single_value("Global Defaults", "demo_company")
	if not demo or not frappe.db.exists("Company", demo):
		demo = make_demo_data()
		frappe.db.commit()
	print(
		f"ERPNext's demo data: company {demo}, {frappe.db.count('Sales Invoice', {'company': demo})} sales"
		f" and {frappe.db.count('Purchase Invoice', {'company': demo})} purchase invoices"
	)
	make_base_data()
	make_item(LOT_ITEM, "Lot", shelf_life_in_days=60)
	make_item(SERIAL_ITEM, "Serial")
	receive(LOT_ITEM, 10)
	receive(SERIAL_ITEM, 2)
	frappe.db.commit()
	print(f"prepared {LOT_ITEM} and {SERIAL_ITEM} with stock")


FINGERPRINT = "/tmp/dux-trace-ci-fingerprint-{site}.json"
#: ERPNext's data, by standard columns (the app's custom columns go with it on uninstall)
ERPNEXT_COLUMNS = {
	"Item": ["name", "item_name", "has_batch_no", "has_serial_no", "is_stock_item", "disabled", "stock_uom"],
	"Batch": ["name", "item", "expiry_date", "batch_qty", "disabled"],
	"Serial No": ["name", "item_code", "status", "warehouse", "batch_no"],
	"Stock Ledger Entry": ["name", "actual_qty", "qty_after_transaction", "valuation_rate", "is_cancelled"],
	"GL Entry": ["name", "account", "debit", "credit", "is_cancelled"],
}
APP_DOCTYPES = (
	"After-Sales Check",
	"Product Recall",
	"Dux Price Grid",
	"Dux Authorization",
	"Dux Rule Override",
)


def fingerprint(with_app: bool) -> dict:
	found = {}
	for doctype, columns in ERPNEXT_COLUMNS.items():
		rows = frappe.get_all(doctype, fields=columns, order_by="name", as_list=True)
		digest = hashlib.sha256(json.dumps(rows, default=str).encode()).hexdigest()
		found[doctype] = [len(rows), digest]
	if with_app:
		found.update({doctype: [frappe.db.count(doctype)] for doctype in APP_DOCTYPES})
	return found


def save():
	data = fingerprint(with_app=True)
	with open(FINGERPRINT.format(site=frappe.local.site), "w") as file:
		json.dump(data, file)
	print("fingerprint: " + ", ".join(f"{doctype} {value[0]}" for doctype, value in data.items()))


def same():
	with open(FINGERPRINT.format(site=frappe.local.site)) as file:
		before = json.load(file)
	with_app = "dux_trace" in frappe.get_installed_apps()
	now = fingerprint(with_app)
	expected = {k: v for k, v in before.items() if with_app or k in ERPNEXT_COLUMNS}
	changed = [f"{k}: {expected[k]} -> {now.get(k)}" for k in expected if now.get(k) != expected[k]]
	assert not changed, "the data changed: " + "; ".join(changed)
	print(f"data unchanged ({'with' if with_app else 'without'} the app): {len(expected)} tables compared")


def reinstalled():
	from dux_trace.tests.utils import make_outgoing

	assert frappe.get_meta("Item").has_field("dux_tracking_mode"), "the app's fields are not back"
	lot_mode = frappe.db.get_value("Item", LOT_ITEM, "dux_tracking_mode")
	assert lot_mode in ("Lot", "Lot with Expiry"), f"{LOT_ITEM} is {lot_mode!r} after reinstall"
	note = make_outgoing("Delivery Note", LOT_ITEM, 2, submit=True)
	assert note.docstatus == 1 and (note.items[0].batch_no or note.items[0].serial_and_batch_bundle)
	frappe.db.commit()
	print(f"after reinstall: {LOT_ITEM} is {lot_mode}, delivered from its lot by {note.name}")


def verify():
	from erpnext.stock.doctype.stock_entry.stock_entry_utils import make_stock_entry

	assert "dux_trace" not in frappe.get_installed_apps(), "dux_trace is still installed"
	assert not frappe.get_meta("Item").has_field("dux_tracking_mode"), (
		"the Tracking Mode field is still on Item"
	)
	assert not frappe.db.exists("DocType", "Dux Trace Settings"), "Dux Trace Settings is still there"

	for item_code, flag in ((LOT_ITEM, "has_batch_no"), (SERIAL_ITEM, "has_serial_no")):
		item = frappe.get_doc("Item", item_code)
		assert item.get(flag) == 1, f"{item_code} lost {flag}"
		item.description = "edited after uninstall"
		item.save()
		issue = make_stock_entry(
			item_code=item_code, qty=1, from_warehouse=STORES, company=item.item_defaults[0].company
		)
		assert issue.docstatus == 1
	frappe.db.commit()
	print("after uninstall: Lot and Serial items saved and issued from stock by ERPNext alone")


if __name__ == "__main__":
	action, site = sys.argv[1:3]
	frappe.init(site=site, sites_path=".")
	frappe.connect()
	try:
		{"prepare": prepare, "save": save, "same": same, "verify": verify, "reinstalled": reinstalled}[
			action
		]()
	finally:
		frappe.destroy()
