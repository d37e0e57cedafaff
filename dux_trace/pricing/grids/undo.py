"""Undo an apply of a price grid: the records it created deleted, those it changed given back their
old rate, by batches."""

import frappe
from frappe import _

from dux_trace.pricing.grids.access import check_write_permissions
from dux_trace.pricing.grids.apply import counts_text
from dux_trace.pricing.grids.writers import RATE_FIELD, batches, set_rates


def undone_message(prices: int, rules: int) -> str:
	"""What an Undo did, in words: "3 prix rétablis"."""
	price_forms = (_("{0} price restored"), _("{0} prices restored"))
	rule_forms = (_("{0} quantity rule restored"), _("{0} quantity rules restored"))
	return counts_text(prices, rules, price_forms, rule_forms)


def delete_records(doctype: str, names: list[str]) -> None:
	"""A batch of records and their child rows, one statement per table."""
	for field in frappe.get_meta(doctype).get_table_fields():
		child = frappe.qb.DocType(field.options)
		frappe.qb.from_(child).delete().where(child.parenttype == doctype).where(
			child.parent.isin(names)
		).run()
	table = frappe.qb.DocType(doctype)
	frappe.qb.from_(table).delete().where(table.name.isin(names)).run()


def undo(history) -> int:
	"""Restore what an apply replaced: created records are deleted, updated ones get their old rate.

	Item Prices and Pricing Rules (with their child rows) are deleted and restored by batches, one
	statement each."""
	if history.status == "Undone":
		frappe.throw(_("This apply was already undone."))
	check_write_permissions(frappe.get_doc("Dux Price Grid", history.grid))
	changes = list(reversed(history.changes))
	for doctype in RATE_FIELD:
		rows = [row for row in changes if row.record_type == doctype]
		for chunk in batches([row.record_name for row in rows if row.action == "Created"]):
			delete_records(doctype, chunk)
		for chunk in batches([row for row in rows if row.action != "Created"]):
			set_rates(doctype, {row.record_name: row.old_rate for row in chunk})
	history.db_set("status", "Undone")
	return len(history.changes)
