"""Dux Price Grid Apply records from before their title: "Grille X — 06/12/2026 14:05" (their
names, hashes, stay: links to them keep working)."""

import frappe

from dux_trace.dux_pricing.doctype.dux_price_grid_apply.dux_price_grid_apply import apply_title


def execute():
	for row in frappe.get_all(
		"Dux Price Grid Apply",
		filters={"title": ("is", "not set")},
		fields=["name", "grid", "applied_at", "creation"],
	):
		frappe.db.set_value(
			"Dux Price Grid Apply",
			row.name,
			"title",
			apply_title(row.grid, row.applied_at or row.creation),
			update_modified=False,
		)
