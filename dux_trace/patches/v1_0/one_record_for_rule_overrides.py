"""FEFO Override and Dux Authorization Override become Dux Rule Override (rule FEFO,
Authorization): every record moved with its name, owner and dates, then the two doctypes removed.
Runs after the model sync (the new doctype exists; the old tables are still there until this
patch drops them). Idempotent: a record already moved is skipped."""

import frappe

MOVES = {
	"FEFO Override": (
		"FEFO",
		(
			"kind",
			"reference_doctype",
			"reference_name",
			"user",
			"timestamp",
			"item_code",
			"warehouse",
			"batch_no",
			"skipped_batch_no",
			"skipped_expiry_date",
			"skipped_qty",
			"reason",
		),
	),
	"Dux Authorization Override": (
		"Authorization",
		(
			"reference_doctype",
			"reference_name",
			"customer",
			"item_code",
			"authorization_type",
			"user",
			"timestamp",
			"reason",
		),
	),
}
KEPT = ("name", "owner", "creation", "modified", "modified_by")


def execute():
	for old, (rule, fields) in MOVES.items():
		if not frappe.db.table_exists(old, cached=False):
			continue
		table = frappe.qb.DocType(old)
		rows = frappe.qb.from_(table).select(*(table[f] for f in (*KEPT, *fields))).run(as_dict=True)
		for row in rows:
			if frappe.db.exists("Dux Rule Override", row.name):
				continue
			doc = frappe.get_doc(
				{"doctype": "Dux Rule Override", "rule": rule, "kind": row.get("kind") or "Overridden", **row}
			)
			doc.db_insert()
		if frappe.db.exists("DocType", old):
			frappe.delete_doc("DocType", old, force=True, ignore_permissions=True)
		frappe.db.sql_ddl(f"drop table if exists `tab{old}`")
