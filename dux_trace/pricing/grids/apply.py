"""Apply a price grid: its preview written by the two bulk writers, and a Dux Price Grid Apply
listing what was created or changed with the old rates (what Undo restores).

The grid never prices a sale itself: it writes ERPNext's records and ERPNext's pricing engine does
the rest.
"""

import frappe
from frappe import _
from frappe.query_builder.functions import Count
from frappe.utils import now_datetime

from dux_trace.pricing.grids.access import check_write_permissions
from dux_trace.pricing.grids.preview import preview
from dux_trace.pricing.grids.validation import check_selling, target_price_list
from dux_trace.pricing.grids.writers import insert_children, write_item_prices, write_pricing_rules

#: a grid with more items than this is applied in a background job
ENQUEUE_ABOVE = 500


def apply(grid, rows: list[dict] | None = None, progress=None) -> str | None:
	"""Write the grid's prices; returns the Dux Price Grid Apply (None when nothing changed)."""
	check_write_permissions(grid)
	rows = preview(grid) if rows is None else rows
	price_list = target_price_list(grid)
	check_selling(price_list)
	currency = frappe.get_cached_value("Price List", price_list, "currency")
	customer = grid.customer if grid.applies_to == "Customer" else None
	breaks = sorted({row["min_qty"] for row in rows if row["min_qty"] > 1})
	priority = {qty: str(min(index + 1, 20)) for index, qty in enumerate(breaks)}
	writable = [row for row in rows if row["writable"]]
	prices = [row for row in writable if row["min_qty"] <= 1]
	rules = [row for row in writable if row["min_qty"] > 1]
	total = len(writable)

	def report(done):
		if progress:
			progress(done, total)

	changes = write_item_prices(grid, prices, price_list, customer, report)
	changes += write_pricing_rules(grid, rules, currency, priority, lambda done: report(len(prices) + done))
	if not changes:
		return None
	history = frappe.new_doc("Dux Price Grid Apply")
	history.update({"grid": grid.name, "applied_by": frappe.session.user, "applied_at": now_datetime()})
	history.insert(ignore_permissions=True)
	insert_children(history, "changes", changes)
	grid.db_set("last_applied_on", now_datetime())
	return history.name


def counts(history) -> dict[str, int]:
	"""How many Item Prices and Pricing Rules (quantity breaks) an apply wrote."""
	name = history if isinstance(history, str) else history.name
	change = frappe.qb.DocType("Dux Price Grid Change")
	rows = (
		frappe.qb.from_(change)
		.select(change.record_type, Count("*").as_("n"))
		.where(change.parenttype == "Dux Price Grid Apply")
		.where(change.parent == name)
		.groupby(change.record_type)
		.run(as_dict=True)
	)  # the query builder: version-16's get_all refuses SQL functions written as strings
	found = {row.record_type: row.n for row in rows}
	return {"prices": found.get("Item Price", 0), "rules": found.get("Pricing Rule", 0)}


def counts_text(prices: int, rules: int, price_forms: tuple[str, str], rule_forms: tuple[str, str]) -> str:
	"""Counts of Item Prices and Pricing Rules in words, each with its (singular, plural) sentence
	holding {0}; the prices are said when there is no rule ("0 prices written")."""
	parts = []
	if prices or not rules:
		parts.append((price_forms[0] if prices == 1 else price_forms[1]).format(prices))
	if rules:
		parts.append((rule_forms[0] if rules == 1 else rule_forms[1]).format(rules))
	return ", ".join(parts)


def applied_message(prices: int, rules: int) -> str:
	"""What an apply did, in words: "3 prix écrits, 2 règles de quantité"."""
	price_forms = (_("{0} price written"), _("{0} prices written"))
	rule_forms = (_("{0} quantity rule"), _("{0} quantity rules"))
	return counts_text(prices, rules, price_forms, rule_forms)
