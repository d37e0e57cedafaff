"""*Modification Grille Tarifaire*: the markup or discount of many lines of a grid changed at once."""

import frappe
from frappe import _
from frappe.utils.nestedset import get_descendants_of

from dux_trace.core.grids import adjust


def bulk_edit(
	grid, *, item_group=None, brand=None, supplier=None, item_codes=None, by_percent=None, to_value=None
) -> int:
	"""*Modification Grille Tarifaire*: change the markup (margin grids) or discount of the lines
	matching a group, a brand, a supplier or a selection of items. Returns the lines changed."""
	if by_percent is None and to_value is None:
		frappe.throw(_("Give a change in % or a new value."))
	wanted = set(item_codes or [])
	if brand:
		wanted |= set(frappe.get_all("Item", filters={"brand": brand}, pluck="name"))
	if supplier:
		wanted |= set(frappe.get_all("Item Supplier", filters={"supplier": supplier}, pluck="parent"))
	groups = {item_group, *get_descendants_of("Item Group", item_group)} if item_group else set()
	field = "markup_percent" if grid.method == "Margin" else "discount_percent"
	changed = 0
	for line in grid.lines:
		if (line.item_group and line.item_group in groups) or (
			line.item_code
			and (
				line.item_code in wanted
				or (groups and frappe.get_cached_value("Item", line.item_code, "item_group") in groups)
			)
		):
			line.set(field, float(adjust(line.get(field) or 0, by_percent=by_percent, to_value=to_value)))
			changed += 1
	if not changed:
		frappe.throw(_("No line of the grid matches."))
	grid.save()
	return changed
