"""What a price grid may say, checked when it is saved: the lines it keeps, their item or item group
and markup, its period, and no overlap with another grid for the same customers; and where it
writes (`target_price_list`, a selling price list), which preview, apply and the rights read too.
"""

import frappe
from frappe import _
from frappe.utils import flt, getdate

from dux_trace import settings
from dux_trace.core.grids import periods_overlap


class GridOverlapError(frappe.ValidationError):
	pass


def target_price_list(grid) -> str:
	if grid.applies_to == "Customer Group":
		price_list = frappe.db.get_value("Customer Group", grid.customer_group, "default_price_list")
		if not price_list:
			frappe.throw(
				_(
					"Customer group {0} has no default price list: set one on the group so its customers buy from it."
				).format(frappe.bold(grid.customer_group)),
				title=_("No Price List"),
			)
		return price_list
	if grid.applies_to == "Customer" and not grid.price_list:
		return (
			frappe.db.get_value("Customer", grid.customer, "default_price_list")
			or settings.selling_price_list()
		)
	return grid.price_list


def check_selling(price_list: str):
	"""A grid writes selling prices: never into a buying price list."""
	if not frappe.get_cached_value("Price List", price_list, "selling"):
		frappe.throw(
			_("{0} is not a selling price list: a price grid writes selling prices.").format(
				frappe.bold(price_list)
			),
			title=_("Not a Selling Price List"),
		)


def target_key(grid) -> tuple:
	return (
		grid.applies_to,
		grid.price_list if grid.applies_to == "Price List" else grid.get(frappe.scrub(grid.applies_to)),
	)


def drop_blank_lines(grid):
	"""Rows with no item, no item group and no markup or discount (the empty row a form leaves at
	the end of the table) are dropped, not refused."""
	kept = [
		line
		for line in grid.lines
		if line.item_code or line.item_group or flt(line.markup_percent) or flt(line.discount_percent)
	]
	if len(kept) != len(grid.lines):
		grid.set("lines", kept)
		for idx, line in enumerate(kept, 1):
			line.idx = idx


def validate_grid(grid):
	"""No two grids for the same target share a line over overlapping periods."""
	if grid.valid_upto and getdate(grid.valid_upto) < getdate(grid.valid_from):
		frappe.throw(_("The grid ends before it starts."))
	if grid.price_list:
		check_selling(grid.price_list)
	for line in grid.lines:
		if bool(line.item_code) == bool(line.item_group):
			frappe.throw(_("Row {0}: give an item or an item group (one of them).").format(line.idx))
		if grid.method == "Margin" and line.markup_percent is None:
			frappe.throw(_("Row {0}: give the markup.").format(line.idx))
	keys = {(line.item_code or "", line.item_group or "") for line in grid.lines}
	others = frappe.get_all(
		"Dux Price Grid",
		filters={"name": ("!=", grid.name or ""), "applies_to": grid.applies_to},
		fields=["name", "price_list", "customer_group", "customer", "applies_to", "valid_from", "valid_upto"],
	)
	for other in others:
		if target_key(frappe._dict(other)) != target_key(grid):
			continue
		if not periods_overlap(
			getdate(grid.valid_from),
			getdate(grid.valid_upto) if grid.valid_upto else None,
			getdate(other.valid_from),
			getdate(other.valid_upto) if other.valid_upto else None,
		):
			continue
		shared = keys & {
			(row.item_code or "", row.item_group or "")
			for row in frappe.get_all(
				"Dux Price Grid Line",
				filters={"parent": other.name, "parenttype": "Dux Price Grid"},
				fields=["item_code", "item_group"],
			)
		}
		if shared:
			item_code, item_group = sorted(shared)[0]
			frappe.throw(
				_(
					"The grid {0} already prices {1} for the same customers over an overlapping period."
				).format(frappe.bold(other.name), frappe.bold(item_code or item_group)),
				GridOverlapError,
				title=_("Overlapping Price Grids"),
			)
