app_name = "dux_trace"
app_title = "Dux Trace"
app_publisher = "dux_trace developers"
app_description = (
	"Lot and serial traceability for ERPNext: FEFO, serial scanning, after-sales checks, recalls"
)
app_email = "dev@dux-trace.invalid"
app_license = "mit"

required_apps = ["frappe/erpnext"]  # org/repo form: no GitHub lookup at install time

# Desk: the awesome bar offers the Lot Trace of a typed lot or serial; a background export tells
# the user when its file is ready
app_include_js = ["/assets/dux_trace/js/awesome_bar.js", "/assets/dux_trace/js/exports.js"]

# Desk forms of ERPNext doctypes
doctype_js = {
	"Batch": ["public/js/batch.js", "public/js/labels.js"],
	# the Label Template's live preview draws with labels.js
	"Dux Label Template": "public/js/labels.js",
	"Item": ["public/js/item_pricing.js", "public/js/item_tracking.js", "public/js/labels.js"],
	"Serial No": ["public/js/serial_no.js", "public/js/labels.js"],
	**{
		doctype: ["public/js/serial_scan.js", "public/js/labels.js"]
		for doctype in ("Purchase Receipt", "Purchase Invoice", "Stock Entry")
	},
	**{
		doctype: ["public/js/serial_scan.js", "public/js/fefo.js"]
		for doctype in ("Delivery Note", "Sales Invoice", "POS Invoice")
	},
	**{doctype: "public/js/fefo.js" for doctype in ("Pick List",)},
}
# labels for what leaves
doctype_js["Delivery Note"] = [*doctype_js["Delivery Note"], "public/js/labels.js"]
# lists: select rows → Print Labels
doctype_list_js = {doctype: "public/js/label_list.js" for doctype in ("Item", "Batch", "Serial No")}
# Stock Entry is both a receipt and an outgoing document
doctype_js["Stock Entry"] = [*doctype_js["Stock Entry"], "public/js/fefo.js"]

# ERPNext's Point of Sale: a serialized item asks which unit is sold, checked like the desk's scans
page_js = {"point-of-sale": ["public/js/serial_scan.js", "public/js/pos_scan.js"]}

# which documents are sales, receipts, outgoing (dux_trace.stock.documents) for the desk's scripts
boot_session = "dux_trace.boot.boot_session"

# Print: barcodes for labels
jinja = {
	"methods": [
		"dux_trace.printing.label_barcode",
		"dux_trace.printing.label_price",
		"dux_trace.stock.serials.row_serials",
	]
}

# Installation
# ------------
before_install = "dux_trace.install.check_versions"
after_install = "dux_trace.install.after_install"
before_migrate = "dux_trace.install.check_versions"
before_uninstall = "dux_trace.install.before_uninstall"
# custom fields are declared in dux_trace/constants/custom_fields.py and re-applied on every migrate
after_migrate = "dux_trace.install.after_migrate"

# Testing
# -------
before_tests = "dux_trace.tests.utils.before_tests"

# Document Events
# ---------------
_OUTGOING_STOCK = {
	"before_validate": "dux_trace.overrides.outgoing_stock.before_validate",
	"validate": "dux_trace.overrides.outgoing_stock.validate",
	"before_submit": "dux_trace.overrides.outgoing_stock.before_submit",
}

# an article set to "Negative Stock: Forbidden" never goes below zero
_STOCK_RULES = {"before_submit": "dux_trace.overrides.stock_rules.before_submit"}

_INCOMING_STOCK = {
	"before_validate": "dux_trace.overrides.incoming_stock.before_validate",
	"before_submit": "dux_trace.overrides.incoming_stock.before_submit",
}

_SALE_SERIALS = {
	"validate": "dux_trace.overrides.serials.validate_sale",
	"before_submit": "dux_trace.overrides.serials.before_submit_sale",
	"on_submit": "dux_trace.overrides.serials.on_submit_sale",
}

# the article card's maximum discount, on every selling document
_SELLING = {
	"validate": "dux_trace.overrides.selling.validate",
	"on_submit": "dux_trace.overrides.selling.on_submit",
}

_RECEIPT_SERIALS = {
	"validate": "dux_trace.overrides.serials.validate_receipt",
	"before_submit": "dux_trace.overrides.serials.before_submit_receipt",
}


def _events(*handlers: dict) -> dict:
	"""Merge handler maps: an event with several handlers gets them in order."""
	merged: dict[str, list[str]] = {}
	for handler in handlers:
		for event, methods in handler.items():
			merged.setdefault(event, []).extend([methods] if isinstance(methods, str) else methods)
	return merged


# the authorizations items and item groups require are cached (see articles.authorizations)
_FORGET_REQUIREMENTS = "dux_trace.articles.authorizations.forget_requirements"
# so are the customers that have Party Specific Items
_FORGET_PARTY_ITEMS = "dux_trace.articles.authorizations.forget_party_items"

doc_events = {
	# the CMP of each item and company follows the ledger (pricing.cmp)
	"Stock Ledger Entry": {"on_submit": "dux_trace.overrides.stock_ledger.on_submit"},
	"Repost Item Valuation": {"on_submit": "dux_trace.overrides.stock_ledger.on_submit_repost"},
	"Item": {
		"before_validate": "dux_trace.overrides.item.before_validate",
		"validate": "dux_trace.overrides.item.validate",
		"on_update": ["dux_trace.overrides.item.on_update", _FORGET_REQUIREMENTS],
		"on_trash": _FORGET_REQUIREMENTS,
	},
	"Item Group": {"on_update": _FORGET_REQUIREMENTS, "on_trash": _FORGET_REQUIREMENTS},
	# no selling price below the item's cost and minimum margin by accident (pricing.floor)
	"Item Price": {
		"validate": "dux_trace.overrides.item_price.validate",
		"on_update": "dux_trace.overrides.item_price.on_update",
	},
	"Party Specific Item": {"on_update": _FORGET_PARTY_ITEMS, "on_trash": _FORGET_PARTY_ITEMS},
	"Delivery Note": _events(_OUTGOING_STOCK, _SALE_SERIALS, _SELLING, _STOCK_RULES),
	"Sales Invoice": _events(_OUTGOING_STOCK, _SALE_SERIALS, _SELLING, _STOCK_RULES),
	"POS Invoice": _events(_OUTGOING_STOCK, _SALE_SERIALS, _SELLING),
	"Quotation": _SELLING,
	"Sales Order": _SELLING,
	"Stock Entry": _events(_OUTGOING_STOCK, _INCOMING_STOCK, _RECEIPT_SERIALS, _STOCK_RULES),
	"Purchase Receipt": _events(_INCOMING_STOCK, _RECEIPT_SERIALS),
	"Purchase Invoice": _events(_INCOMING_STOCK, _RECEIPT_SERIALS),
	"Pick List": {**_OUTGOING_STOCK, "before_save": "dux_trace.overrides.outgoing_stock.repick_fefo"},
	"Warranty Claim": {"validate": "dux_trace.overrides.warranty_claim.validate"},
	# lot and serial numbers without quotes or control characters (core.names)
	"Batch": {
		"validate": "dux_trace.overrides.lot_names.validate_batch",
		"before_rename": "dux_trace.overrides.lot_names.before_rename_batch",
	},
	"Serial No": {
		"validate": "dux_trace.overrides.lot_names.validate_serial_no",
		"before_rename": "dux_trace.overrides.lot_names.before_rename_serial_no",
	},
	# GS1 Global Location Numbers with their check digit (stock.epcis)
	**{
		doctype: {"validate": "dux_trace.overrides.gln.validate"}
		for doctype in ("Company", "Warehouse", "Supplier", "Customer")
	},
}

# ERPNext's item details propose FEFO lots (desk forms and Point of Sale)
override_whitelisted_methods = {
	"erpnext.stock.get_item_details.get_item_details": "dux_trace.overrides.item_details.get_item_details",
	# GS1 codes (product, lot, expiry, serial in one scan) in ERPNext's scan fields and POS search
	"erpnext.stock.utils.scan_barcode": "dux_trace.overrides.barcode_scan.scan_barcode",
	"erpnext.selling.page.point_of_sale.point_of_sale.search_for_serial_or_batch_or_barcode_number": (
		"dux_trace.overrides.barcode_scan.search_for_serial_or_batch_or_barcode_number"
	),
	"erpnext.selling.page.point_of_sale.point_of_sale.get_items": "dux_trace.overrides.barcode_scan.get_items",
	# the item search of sales documents leaves out what the customer lacks the authorization for
	# (Link fields resolve their query without these overrides: search_link routes it)
	"erpnext.controllers.queries.item_query": "dux_trace.overrides.item_query.item_query",
	"frappe.desk.search.search_link": "dux_trace.overrides.item_query.search_link",
	# a deadlock between two users submitting stock is a translated "try again", not HTTP 500
	"frappe.desk.form.save.savedocs": "dux_trace.overrides.save.savedocs",
}

# each rule's override records for the roles that read what it protects (rule_overrides.READERS)
permission_query_conditions = {"Dux Rule Override": "dux_trace.rule_overrides.query_conditions"}
has_permission = {"Dux Rule Override": "dux_trace.rule_overrides.has_permission"}

export_python_type_annotations = True

# Price grids marked "Re-apply Daily" follow their costs
scheduler_events = {"daily": ["dux_trace.pricing.grids.nightly.reapply_auto_grids"]}
