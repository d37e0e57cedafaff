"""Checks run by .ci/run around a real `bench uninstall-app dux_trace` on the CI site.

`prepare` (app installed) makes a Lot item and a Serial item with stock and commits them;
`verify` (app uninstalled) proves that ERPNext still uses them as plain batch / serial items.
Both run as plain Python in the bench env, from `sites/`, since `bench execute` refuses the modules
of an app the site no longer has: `../env/bin/python -m dux_trace.tests.uninstall_check verify SITE`.
Any failure raises, so the command exits non-zero.
"""

import sys

import frappe

from dux_trace.tests.utils import STORES, make_base_data, make_item, receive

LOT_ITEM = "_DUX Uninstall Check Lot"
SERIAL_ITEM = "_DUX Uninstall Check Serial"


def prepare():
	make_base_data()
	make_item(LOT_ITEM, "Lot", shelf_life_in_days=60)
	make_item(SERIAL_ITEM, "Serial")
	receive(LOT_ITEM, 10)
	receive(SERIAL_ITEM, 2)
	frappe.db.commit()
	print(f"prepared {LOT_ITEM} and {SERIAL_ITEM} with stock")


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
		{"prepare": prepare, "verify": verify}[action]()
	finally:
		frappe.destroy()
