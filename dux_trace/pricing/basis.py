"""The margin basis of an item: which of the five cost bases its prices are a markup on.

Read by the article card (its prices) and the price floor (the minimum on that basis); both import
it from here, so neither imports the other for it.
"""

import frappe
from frappe import _

from dux_trace import settings
from dux_trace.core.pricing import Basis

BASIS_FIELD = "dux_margin_basis"


def margin_basis(item) -> Basis:
	"""The item's basis, else its item group's, else the settings' (default: CMP)."""
	value = item.get(BASIS_FIELD)
	if not value and item.get("item_group"):
		value = frappe.get_cached_value("Item Group", item.item_group, BASIS_FIELD)
	if not value:
		value = settings.default_margin_basis()
	try:
		return Basis(value) if value else Basis.CMP
	except ValueError:
		frappe.throw(_("Unknown margin basis: {0}").format(_(value)))
