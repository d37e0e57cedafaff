app_name = "dux_trace"
app_title = "Dux Trace"
app_publisher = "dux_trace developers"
app_description = (
	"Lot and serial traceability for ERPNext: FEFO, serial scanning, after-sales checks, recalls"
)
app_email = "dev@dux-trace.invalid"
app_license = "mit"

required_apps = ["frappe/erpnext"]  # org/repo form: no GitHub lookup at install time

# Installation
# ------------
after_install = "dux_trace.install.after_install"
before_uninstall = "dux_trace.install.before_uninstall"

# Testing
# -------
before_tests = "dux_trace.tests.utils.before_tests"

# Document Events
# ---------------
doc_events = {
	"Item": {
		"before_validate": "dux_trace.overrides.item.before_validate",
	},
}

export_python_type_annotations = True
