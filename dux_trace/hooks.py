app_name = "dux_trace"
app_title = "Dux Trace"
app_publisher = "dux_trace developers"
app_description = (
	"Lot and serial traceability for ERPNext: FEFO, serial scanning, after-sales checks, recalls"
)
app_email = "dev@dux-trace.invalid"
app_license = "mit"

required_apps = ["frappe/erpnext"]  # org/repo form: no GitHub lookup at install time

# Desk forms of ERPNext doctypes
doctype_js = {
	"Batch": "public/js/batch.js",
	"Serial No": "public/js/serial_no.js",
}

# Print: barcodes for labels
jinja = {"methods": ["dux_trace.printing.label_barcode"]}

# Installation
# ------------
after_install = "dux_trace.install.after_install"
before_uninstall = "dux_trace.install.before_uninstall"
# custom fields are declared in dux_trace/constants/custom_fields.py and re-applied on every migrate
after_migrate = "dux_trace.install.make_custom_fields"

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

_INCOMING_STOCK = {
	"before_validate": "dux_trace.overrides.incoming_stock.before_validate",
	"before_submit": "dux_trace.overrides.incoming_stock.before_submit",
}

doc_events = {
	"Item": {
		"before_validate": "dux_trace.overrides.item.before_validate",
	},
	"Delivery Note": _OUTGOING_STOCK,
	"Sales Invoice": _OUTGOING_STOCK,
	"POS Invoice": _OUTGOING_STOCK,
	"Stock Entry": {
		**_OUTGOING_STOCK,
		"before_validate": [_OUTGOING_STOCK["before_validate"], _INCOMING_STOCK["before_validate"]],
		"before_submit": [_OUTGOING_STOCK["before_submit"], _INCOMING_STOCK["before_submit"]],
	},
	"Purchase Receipt": _INCOMING_STOCK,
	"Purchase Invoice": _INCOMING_STOCK,
	"Pick List": {**_OUTGOING_STOCK, "before_save": "dux_trace.overrides.outgoing_stock.repick_fefo"},
}

# ERPNext's item details propose FEFO lots (desk forms and Point of Sale)
override_whitelisted_methods = {
	"erpnext.stock.get_item_details.get_item_details": "dux_trace.overrides.item_details.get_item_details",
}

export_python_type_annotations = True
