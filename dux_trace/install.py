import frappe
from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

from dux_trace import compat
from dux_trace.constants.custom_fields import CUSTOM_FIELDS, RECEIPT_PROPERTY_SETTERS
from dux_trace.permissions import grant_cost_fields_on_item, revoke_cost_fields_on_item

#: the Frappe and ERPNext majors this branch is built and tested for
SUPPORTED_MAJORS = (15, 16)


def check_versions():
	"""before_install / before_migrate: refuse a Frappe or ERPNext major the app was not made for."""
	import erpnext

	for app, version in (("Frappe", frappe.__version__), ("ERPNext", erpnext.__version__)):
		major = int(version.split(".")[0])
		if major not in SUPPORTED_MAJORS:
			frappe.throw(
				frappe._("Dux Trace supports {0} versions 15 and 16; this site runs {1}.").format(
					app, version
				),
				title=frappe._("Unsupported Version"),
			)


def after_install():
	# the app is about lots and serials: ERPNext version-16 ships them switched off on new sites
	compat.enable_serial_and_batch()
	make_custom_fields()
	from dux_trace.patches.v1_0.set_tracking_mode_from_item_flags import execute as set_tracking_modes

	set_tracking_modes()
	make_label_templates()
	make_role_profiles()


def after_migrate():
	make_custom_fields()
	make_label_templates()
	make_role_profiles()


#: the role sets each job of a shop needs (README, *Roles*): ERPNext's own roles, none added
ROLE_PROFILES = {
	# sells at the counter (Sales Invoice, POS), scans serials and lots, checks returned devices
	"Dux — Vendeur comptoir": ("Stock User", "Sales User", "Accounts User"),
	# receives, moves and labels stock (ERPNext lets only Item Manager read Batch)
	"Dux — Magasinier": ("Stock User", "Item Manager"),
	# price grids (Item Prices need Sales Master Manager, Pricing Rules Sales Manager); costs with
	# Stock User
	"Dux — Responsable tarifs": ("Sales Manager", "Sales Master Manager", "Stock User"),
	# the shop owner: stock, items, costs and recalculations
	"Dux — Gérant": ("Stock Manager", "Stock User", "Item Manager"),
}


def make_role_profiles():
	"""The role profiles of ROLE_PROFILES, created when missing; a profile the shop changed stays as
	the shop made it."""
	for name, roles in ROLE_PROFILES.items():
		if frappe.db.exists("Role Profile", name):
			continue
		profile = frappe.new_doc("Role Profile")
		profile.role_profile = name
		for role in roles:
			if frappe.db.exists("Role", role):
				profile.append("roles", {"role": role})
		profile.insert(ignore_permissions=True)


#: the two label layouts shops use most: an A4 sheet of 24 (70 x 37 mm) and a 50 x 30 mm roll
DEFAULT_LABEL_TEMPLATES = (
	{
		"template_name": "A4 3 x 8 (70 x 37 mm)",
		"page": "A4",
		"label_width_mm": 70,
		"label_height_mm": 37,
		"rows": 8,
		"columns": 3,
		"margin_top_mm": 0.5,
	},
	{
		"template_name": "Roll 50 x 30 mm",
		"page": "Roll",
		"label_width_mm": 50,
		"label_height_mm": 30,
		"rows": 1,
		"columns": 1,
		"show_item_code": 0,
	},
)


def make_label_templates():
	for template in DEFAULT_LABEL_TEMPLATES:
		if not frappe.db.exists("Dux Label Template", template["template_name"]):
			frappe.get_doc({"doctype": "Dux Label Template", **template}).insert(ignore_permissions=True)


def before_uninstall():
	delete_custom_fields()
	revoke_cost_fields_on_item()


def make_custom_fields():
	create_custom_fields(CUSTOM_FIELDS, ignore_validate=True)
	grant_cost_fields_on_item()
	for setter in RECEIPT_PROPERTY_SETTERS:
		frappe.make_property_setter(setter, validate_fields_for_doctype=False)


def delete_custom_fields():
	"""Remove the app's fields from ERPNext forms; the ERPNext fields they drove stay as they are,
	so a Lot or Serial item remains a batch or serial item after uninstall."""
	for doctype, fields in CUSTOM_FIELDS.items():
		fieldnames = [field["fieldname"] for field in fields]
		frappe.db.delete("Custom Field", {"dt": doctype, "fieldname": ("in", fieldnames)})
		frappe.db.delete("Property Setter", {"doc_type": doctype, "field_name": ("in", fieldnames)})
		frappe.clear_cache(doctype=doctype)
	for setter in RECEIPT_PROPERTY_SETTERS:
		frappe.db.delete(
			"Property Setter",
			{
				"doc_type": setter["doctype"],
				"field_name": setter["fieldname"],
				"property": setter["property"],
			},
		)
		frappe.clear_cache(doctype=setter["doctype"])
