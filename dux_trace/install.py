import frappe
from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

from dux_trace.constants.custom_fields import CUSTOM_FIELDS


def after_install():
	make_custom_fields()
	from dux_trace.patches.v1_0.set_tracking_mode_from_item_flags import execute as set_tracking_modes

	set_tracking_modes()


def before_uninstall():
	delete_custom_fields()


def make_custom_fields():
	create_custom_fields(CUSTOM_FIELDS, ignore_validate=True)


def delete_custom_fields():
	"""Remove the app's fields from ERPNext forms; the ERPNext fields they drove stay as they are,
	so a Lot or Serial item remains a batch or serial item after uninstall."""
	for doctype, fields in CUSTOM_FIELDS.items():
		fieldnames = [field["fieldname"] for field in fields]
		frappe.db.delete("Custom Field", {"dt": doctype, "fieldname": ("in", fieldnames)})
		frappe.db.delete("Property Setter", {"doc_type": doctype, "field_name": ("in", fieldnames)})
		frappe.clear_cache(doctype=doctype)
